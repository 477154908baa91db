/* SPDX-License-Identifier: ISC */
/*
 * What the fuzz harnesses share: libFuzzer's entry point and the input
 * format of fuzz_core (so the seed extractor and the harness agree).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * fuzz_core input:
 *   byte 0     link type, an index into the table in fuzz_core.c
 *   byte 1     knobs: bit 7 caps flows at 1 + (bits 0-2), bit 6 caps
 *              the timeline at 1 + 8 * (bits 3-5) events, bit 5 picks
 *              the summary-only text mode
 *   then, until the input ends, frames:
 *   2 bytes    caplen, big-endian (clamped to what is left)
 *   1 byte     time step: (b & 0x1f) << (6 * (b >> 5)) nanoseconds,
 *              except 0xff, one second backwards, and 0xfe, a jump to
 *              the earliest or latest time capture.c gives
 *   1 byte     wirelen - caplen; 0xf0 + n: wirelen = caplen * n / 16
 *   caplen bytes of frame
 */
#define FUZZ_CORE_HDR		2
#define FUZZ_CORE_FRAME_HDR	4

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
