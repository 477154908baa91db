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

struct timeline;

enum out_text_mode {
	OUT_TEXT_FULL,		/* a line per packet, then summaries */
	OUT_TEXT_SUMMARY,	/* only the per-conn summary lines */
};

struct sink	*out_text_new(FILE *, enum out_text_mode);
/* Print the line a text sink holds for state changes still to come. */
void		 out_text_end_line(struct sink *);
struct sink	*out_json_new(FILE *);

/* "ADDR:PORT" / "[ADDR]:PORT" of a conn's client or server. */
void		 out_endpoint(const struct conn_info *, enum ev_side, char *,
		     size_t);
/* Capture time as "SECONDS.NANOSECONDS". */
void		 out_time(int64_t ns, char *, size_t);

/*
 * Diagram exporters, views over a finished timeline: every conn in order
 * (id 0) or only conn `id`.  They return -1 when the stream has an error
 * (the caller names the file and the reason), else 0.
 */
int		 out_svg_write(const struct timeline *, uint32_t id, FILE *);
int		 out_mermaid_write(const struct timeline *, uint32_t id,
		     FILE *);
int		 out_ladder_write(const struct timeline *, uint32_t id, FILE *);

/* What out_svg_write() draws, as boxes in SVG user units: texts with
 * their computed extent, lines from (x, y) to (x + w, y + h). */
enum out_svg_kind {
	OUT_SVG_TEXT,
	OUT_SVG_LINE,
};
struct out_svg_box {
	enum out_svg_kind kind;
	double		x, y, w, h;
	char		text[64];
};
/* The boxes of the same document; the caller frees *boxes. */
size_t		 out_svg_layout(const struct timeline *, uint32_t id,
		     struct out_svg_box **boxes);

#endif
