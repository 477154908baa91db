/* SPDX-License-Identifier: ISC */
/* What several tests share (fixture.h). */

#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

#define FIXTURE_MAX_RECORD	262144

static uint32_t
fixture_rd32(const uint8_t *b, bool swap)
{
	return swap ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3] : (uint32_t)b[3] << 24 |
	    (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

long
fixture_pcap(struct engine *e, const char *path, uint64_t *frame)
{
	uint8_t hdr[24], rec[16], *buf;
	uint32_t link, incl, orig, usec;
	bool swap, nano;
	long n = 0;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	if (fread(hdr, 1, 24, fp) != 24 || (buf = malloc(
	    FIXTURE_MAX_RECORD)) == NULL) {
		fclose(fp);
		return -1;
	}
	swap = hdr[0] == 0xa1;
	nano = fixture_rd32(hdr, swap) == 0xa1b23c4d;
	link = fixture_rd32(hdr + 20, swap);
	while (fread(rec, 1, 16, fp) == 16) {
		incl = fixture_rd32(rec + 8, swap);
		orig = fixture_rd32(rec + 12, swap);
		if (incl > FIXTURE_MAX_RECORD ||
		    fread(buf, 1, incl, fp) != incl) {
			n = -1;
			break;
		}
		usec = fixture_rd32(rec + 4, swap);
		engine_frame(e, ++*frame, (int64_t)fixture_rd32(rec, swap) *
		    1000000000 + (int64_t)usec * (nano ? 1 : 1000), (int)link,
		    buf, incl, orig);
		n++;
	}
	free(buf);
	fclose(fp);
	engine_finish(e);
	return n;
}
