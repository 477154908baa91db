/* SPDX-License-Identifier: ISC */
/*
 * What several tests share: a bundled classic pcap fed through an engine
 * the way synfin replay feeds it, without libpcap (tests link only the
 * core).
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include "engine.h"

/*
 * Every frame of the classic pcap at `path` (either byte order, micro- or
 * nanosecond stamps) to `e`, numbered from *frame + 1, then
 * engine_finish().  Returns the frames fed, or -1 when the file cannot be
 * read or a record is cut or bigger than 256 KiB.
 */
long	fixture_pcap(struct engine *e, const char *path, uint64_t *frame);

#endif
