/* SPDX-License-Identifier: ISC */
/*
 * The ladder diagram of one conn as rows, shared by the SVG, Mermaid and
 * plain-text exporters: a view over the timeline that never sees packet
 * bytes.
 *
 * The rows are the UI ladder's (rows.c, one builder for both): a row per
 * segment or datagram (MSG), ICMP error, socket call (those no conn
 * claims too) or warning, in timeline order, on the same sides; a call
 * that shares a segment's row in the UI (rows_row.call) shares it here
 * too, as the MSG row's `call`, drawn beside the sender's lifeline; a
 * call no segment follows is a CALL row of its own.  The UI's lines of
 * the kernel's own state are not drawn (tests/test_export.c checks the
 * two agree, row for row).  The state changes a
 * packet caused are attached to its row, per endpoint, in order: for the
 * sender they happen as the segment leaves, for the receiver as it
 * arrives (the classic figures draw them at the arrow's two ends).  A
 * change the timeline shows only through a packet's st_after (a server
 * that answers a SYN with RST was never listening) is attached too, so
 * each lifeline always ends in the state the text summary gives.
 */
#ifndef DIAGRAM_H
#define DIAGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "ev.h"
#include "timeline.h"

#define DIAGRAM_MAX_ST	4	/* state changes per endpoint per row */

enum diagram_kind {
	DIAGRAM_MSG,		/* a TCP segment or a UDP datagram */
	DIAGRAM_ICMP,		/* an ICMP error about the conn */
	DIAGRAM_CALL,		/* a socket call on its own (no segment
				   of its caller followed), on the
				   caller's side */
	DIAGRAM_STATE,		/* state changes no shown packet caused */
	DIAGRAM_NOTE,		/* a warning about the conn */
};

struct diagram_row {
	enum diagram_kind kind;
	size_t		ev;		/* its event (timeline index); STATE:
					   the change's */
	int64_t		call_ev;	/* MSG: the call that sent it, or -1 */
	int64_t		rel_ns;		/* since the timeline's first event */
	uint64_t	frame;		/* 0: not a frame (calls) */
	enum ev_side	from;		/* MSG, ICMP: the sender; CALL,
					   STATE: the endpoint */
	char		label[128];	/* "SYN-ACK seq=0 ack=1", "UDP len=6",
					   "ICMP port unreachable",
					   "connect(10.0.0.2:80) = 0" */
	char		call[128];	/* MSG: that call, as a CALL row's
					   label ("connect(10.0.0.2:80) = 0"),
					   on the sender's side; or "" */
	char		notes[160];	/* "retransmission, duplicate_ack" */
	bool		retrans;	/* any kind of retransmission */
	bool		lost;		/* its receiver did not process it
					   (AN_NOT_PROCESSED): a cross at
					   the arrow's head */
	bool		rst;
	uint8_t		nst[2];		/* by enum ev_side */
	enum tcp_state	st[2][DIAGRAM_MAX_ST];
};

struct diagram {
	uint32_t	id;
	bool		tcp;
	char		client[64];	/* "ADDR:PORT" */
	char		server[64];
	char		title[192];	/* "conn 1 tcp A -> B" */
	bool		no_socket;	/* UDP: nothing had the server's port
					   (conn_info.no_socket) */
	enum tcp_state	init[2];	/* TCP: states before the first row */
	size_t		nrows;
	size_t		caprows;
	struct diagram_row *rows;
};

/* Build the diagram of conn `c` of `tl`; diagram_clear() frees it. */
void		 diagram_build(struct diagram *, const struct timeline *tl,
		     const struct tl_conn *c);
void		 diagram_clear(struct diagram *);

/*
 * The conns an export shows: all (id 0) or the one with that id.
 * Returns the number of conns and sets *first to the first index for
 * timeline_conn(); a missing id gives 0.
 */
size_t		 diagram_select(const struct timeline *tl, uint32_t id,
		     size_t *first);

/*
 * Build and hand each selected conn's diagram to `one`, a blank line
 * between two.  Returns how many were drawn.
 */
size_t		 diagram_each(const struct timeline *tl, uint32_t id, FILE *fp,
		     void (*one)(FILE *, const struct diagram *));

/* "2.000018": seconds with microseconds, as the text output writes. */
void		 diagram_time(int64_t rel_ns, char *buf, size_t len);

/* Display width of UTF-8 text in cells, as u8_strwidth() counts them
 * (East Asian wide: 2; combining: 0; a byte that is not UTF-8: 1). */
size_t		 diagram_width(const char *s);
/* The UTF-8 character at s, read by u8_decode(): its length in bytes,
 * and in *cp its code point, or -1 for bytes that are not UTF-8 or a
 * character XML forbids (U+FFFE, U+FFFF). */
size_t		 diagram_utf8(const char *s, int32_t *cp);
/* Copy whole characters of `s` up to `cells` wide; a cut ends in "...". */
void		 diagram_clip(const char *s, size_t cells, char *buf,
		     size_t len);

#endif
