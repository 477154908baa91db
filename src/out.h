/* SPDX-License-Identifier: ISC */
/*
 * Text and JSON Lines output: sinks that print timeline events as they
 * arrive.  Both are part of the output contract other tools read.
 */
#ifndef OUT_H
#define OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "ev.h"

enum out_text_mode {
	OUT_TEXT_FULL,		/* a line per packet, then summaries */
	OUT_TEXT_SUMMARY,	/* only the per-conn summary lines */
};

struct sink	*out_text_new(FILE *, enum out_text_mode);
struct sink	*out_json_new(FILE *);

/* "ADDR:PORT" / "[ADDR]:PORT" of a conn's client or server. */
void		 out_endpoint(const struct conn_info *, enum ev_side, char *,
		     size_t);
/* Capture time as "SECONDS.NANOSECONDS". */
void		 out_time(int64_t ns, char *, size_t);

#endif
