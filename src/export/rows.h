/* SPDX-License-Identifier: ISC */
/*
 * The ladder's rows: the one row model every drawing of a conn uses, the
 * UI's ladder (ui/view_ladder.c) and the --ladder, --svg and --mermaid
 * exporters (diagram.c).  A view over the timeline: rows name events by
 * timeline index and never hold packet bytes.
 *
 * One row per segment or datagram, ICMP error, socket call or warning of
 * the conn, in timeline order; calls and warnings no conn claims are on
 * every conn's rows (a demo's socket() comes before its conn exists).  A
 * call followed within ROWS_GAP_NS by a segment its caller sends shares
 * that segment's row.  An ICMP error is drawn from the side opposite the
 * sender of what it answers, else from the side whose address sent it.
 * Each row carries both endpoints' TCP states after it, from the
 * timeline's step (the changes it caused folded in); a change decided
 * after later rows (ev.h, tl_conn.nmods) fixes the rows from its step on.
 * An endpoint that changed twice within one row -- FIN_WAIT_1 ->
 * FIN_WAIT_2 -> TIME_WAIT on one FIN-ACK -- has the state it passed
 * through in the row's `via`, and that row takes a second line to show
 * where it ends, as the diagrams draw it.
 */
#ifndef ROWS_H
#define ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timeline.h"

enum rows_kind {
	ROWS_PKT,		/* a segment or datagram (maybe with the
				   socket call that caused it) */
	ROWS_ICMP,
	ROWS_CALL,		/* a socket call on its own */
	ROWS_WARN,
	ROWS_KSTATE,		/* the kernel's state of an endpoint, where
				   it differs from the packets' (the UI's;
				   the diagrams draw the wire) */
};

#define ROWS_GAP_NS	1000000000LL	/* a longer idle is marked */
#define ROWS_NO_VIA	0xff		/* via[]: passed through nothing */
#define ROWS_PATH	32		/* state changes read per row */

struct rows_row {
	size_t		ev;		/* the row's event (timeline index) */
	int64_t		call;		/* the call that caused it, or -1 */
	uint32_t	line;		/* its line in the ladder */
	uint8_t		kind;		/* enum rows_kind */
	uint8_t		side;		/* sender or caller (enum ev_side) */
	bool		gap;		/* an idle line is drawn before it */
	uint8_t		st[2];		/* TCP states after it, by side */
	uint8_t		via[2];		/* a state passed through within it,
					   by side, or ROWS_NO_VIA; such a
					   row takes two lines */
};

/*
 * The rows of conn `conn` (0: none) of a timeline.  rows_update()
 * reads only the events appended since its last call, so a live view
 * pays for each event once.  Calls and warnings no conn claims are shown
 * on every ladder (a demo's socket() comes before its conn exists).
 */
struct rows {
	uint32_t	conn;
	struct rows_row	*v;
	size_t		n;
	size_t		cap;
	size_t		scanned;	/* timeline events read */
	uint32_t	lines;		/* lines the rows take */
	int64_t		last_ts;
	uint8_t		init[2];	/* TCP states before the first row */
	/* rows.c's own: the conn's changes seen (tl_conn.nmods) and steps
	 * then (with the evicted), and the first row whose line may have
	 * to change. */
	uint64_t	nmods;
	size_t		nsteps;
	size_t		dirty;
};

void	rows_init(struct rows *, uint32_t conn);
void	rows_clear(struct rows *);
/* Read new events; returns how many rows were added. */
size_t	rows_update(struct rows *, const struct timeline *);
/*
 * The timeline's memory cap evicted the events before `first`: drop
 * their rows (a row's call before `first` is forgotten) and number the
 * lines from 0 again.  Returns the rows dropped; *lines gets the lines
 * they took.
 */
size_t	rows_trim(struct rows *, size_t first, uint32_t *lines);
/* The row drawn on ladder line `line`, or -1 (an idle mark, or none). */
long	rows_at_line(const struct rows *, uint32_t line);

#endif
