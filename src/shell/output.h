/* SPDX-License-Identifier: ISC */
/*
 * What a run writes: the stream output on standard output (--text, -v,
 * --json, --summary) and the diagrams drawn once the input has ended
 * (--svg, --mermaid, --ladder).  replay, demo and live all go through
 * here, so every output works with every command.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"

enum output_mode {
	OUTPUT_AUTO,		/* the UI on a terminal, else text */
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_SUMMARY,
};

struct output {
	enum output_mode mode;
	bool		 explain;	/* -v: narration under each line */
	const char	*svg;		/* --svg FILE, "-": standard output */
	bool		 mermaid;
	bool		 ladder;
	uint32_t	 conn;		/* --conn N; 0: every conn */
	size_t		 max_events;	/* a diagram's timeline cap; 0: default */
	struct writer	*writer;	/* output_prepare()'s, or NULL */
};

/* Whether a diagram was asked for. */
bool	output_export_any(const struct output *);

/*
 * The engine's flow cap for this output: lower when only diagrams are
 * drawn (they show the first conversations; memory stays bounded).
 */
uint32_t output_max_flows(const struct output *, uint32_t dflt);

/* Why these outputs cannot go together (a usage error), or NULL. */
const char *output_conflict(const struct output *);

struct output_run;
struct writer;

/*
 * Every command calls it first, before reading a packet and while its
 * privileges are still held: an --svg FILE gets its writer process
 * (writer.h), which checks and opens the file now, as the invoking user
 * under sudo, and takes the diagram streamed at the end.  Returns 0, or
 * -1 with the reason in err (the run must not start).
 */
int	output_prepare(struct output *, char *err, size_t len);
/* End output_prepare()'s writer without a diagram (output_close does). */
void	output_release(struct output *);

/*
 * Start writing: *sink gets the events (never NULL).  Without a diagram
 * and in OUTPUT_AUTO mode the stream output is text.
 */
struct output_run *output_open(struct output *, struct sink **sink);

/*
 * Close the sink, draw the diagrams (`what` names the input in
 * messages), check standard output.  Returns 0, or -1 once it has said
 * why on standard error.
 */
int	output_close(struct output_run *, const char *what);

#endif
