/* SPDX-License-Identifier: ISC */
/*
 * Layout maths for the terminal UI, free of curses so tests reach it:
 * where each region of the screen goes, the ladder's columns and arrows,
 * which fields of a label fit, the rows of one conn's ladder (built
 * incrementally from the timeline, live or not), scrolling, playback
 * pacing, word wrap, and the coordinates of the RFC 9293 state diagram.
 *
 * Coordinates are cells, x from the left and y from the top, relative
 * to the rectangle being laid out.  Widths count terminal columns, as
 * u8.h does: a Chinese character (translated text) takes two.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"
#include "rows.h"
#include "timeline.h"

/* ------------------------------------------------------------- screen */

#define LAY_MIN_COLS	60	/* below this: "enlarge to W x H" */
#define LAY_MIN_ROWS	16
#define LAY_SIDE_COLS	130	/* from here the state diagram sits beside
				   the ladder */

struct lay_rect {
	int	x, y, w, h;
};

struct lay_screen {
	bool		too_small;
	bool		side;		/* diagram (and detail) beside */
	struct lay_rect	title;		/* one line */
	struct lay_rect	main;		/* the current view */
	struct lay_rect	side_fsm;	/* valid when side */
	struct lay_rect	side_detail;	/* h 0: no room */
	struct lay_rect	narr;		/* narration box, borders included */
	struct lay_rect	status;		/* one line */
};

#define LAY_MAIN_MIN	5	/* the main view keeps at least this */

void	lay_screen(struct lay_screen *, int cols, int rows);
/*
 * The same, with a narration box tall enough for `narr_lines` lines of
 * text while the main view keeps `main_min` lines (at least
 * LAY_MAIN_MIN): the main view gives way before the narration is cut.
 */
void	lay_screen_fit(struct lay_screen *, int cols, int rows,
	    int narr_lines, int main_min);

/* ------------------------------------------------------------- ladder */

/*
 * Columns of a ladder `width` cells wide: on each side a socket-call
 * column and a state column, then the client's lifeline (lx) and the
 * server's (rx); arrows run between them.
 */
struct lay_ladder {
	int	lcall_x, call_w;	/* left call column */
	int	lstate_x, state_w;	/* left states, right-aligned */
	int	lx, rx;			/* the lifelines */
	int	rstate_x;		/* right states, left-aligned */
	int	rcall_x;		/* right call column */
	int	label_x, label_w;	/* where an arrow's label may go */
};

void	lay_ladder_cols(struct lay_ladder *, int width);
/*
 * The same for calls at least `call_min` cells wide (a call's name and
 * its parentheses; 0: no call on this ladder) that would like
 * `call_want` (with their arguments), as far as arrows keep
 * LAY_LABEL_WANT cells for their labels.
 */
#define LAY_LABEL_WANT	26	/* "PSH-ACK seq=1 ack=6 len=13" */
void	lay_ladder_fit(struct lay_ladder *, int width, int call_min,
	    int call_want);

/* One arrow: its line cells, its head and where its label starts. */
struct lay_arrow {
	int	x0, x1;		/* line cells, inclusive, between lifelines */
	int	head_x;		/* the arrowhead's cell */
	int	label_x;	/* label text starts here ... */
	int	label_w;	/* ... and is this wide (clipped) */
};

void	lay_arrow(struct lay_arrow *, const struct lay_ladder *, bool c2s,
	    int label_len);

/*
 * Join up to `n` tokens with spaces, keeping them in order but dropping
 * the least important (highest prio value) until the result fits in
 * `width` cells.  The first token is always kept (cut if need be).
 * Returns the width used.
 */
int	lay_label(char *buf, size_t len, int width, const char *const tok[],
	    const int prio[], size_t n);

/* -------------------------------------------------------------- table */

/*
 * Columns of a table `width` cells wide, `gap` cells apart: each as wide
 * as it wants, and when they do not all fit, narrower (never below its
 * minimum) starting with the one that has most to give, so that no
 * column is left out.  The last column gets what is left of the line.
 * Writes x[] and w[]; returns 0 when even the minimums do not fit.
 */
int	lay_cols_fit(int n, const int want[], const int min[], int gap,
	    int width, int x[], int w[]);

/* ------------------------------------------------ many conversations */

/* What a jump in the ladder looks for. */
enum lay_mark {
	LAY_MARK_SYN,		/* a SYN or SYN-ACK */
	LAY_MARK_FIN,
	LAY_MARK_RST,
	LAY_MARK_RETX,		/* a retransmission (any kind) */
	LAY_MARK_STATE,		/* a step that changes a state */
	LAY_MARK_COUNT
};

bool	lay_row_has(const struct rows *, const struct timeline *,
	    size_t i, enum lay_mark);
/* The first row after `from` (dir > 0) or before it (dir < 0) with the
 * mark, or -1. */
long	lay_rows_find(const struct rows *, const struct timeline *,
	    size_t from, int dir, enum lay_mark);

/*
 * Does a conversation pass the connection list's filter?  Words apart
 * by spaces, every one must hold, case aside: a number is a port (either
 * end's); tcp or udp the protocol; a state name either endpoint's state;
 * syn, syn-ack, ack, data, fin or rst a flag seen; anything else a part
 * of either endpoint's address ("127.0.0.1", "::1", "[::1]:8080").
 */
bool	lay_conn_match(const struct tl_conn *, const char *filter);

/* The orders of the connection list, as `o` cycles them. */
enum lay_sort {
	LAY_SORT_ID,		/* as they began */
	LAY_SORT_PACKETS,	/* most packets first */
	LAY_SORT_CLIENT,	/* by client address and port */
	LAY_SORT_SERVER,	/* by server address and port */
	LAY_SORT_CSTATE,	/* by the client's state */
	LAY_SORT_SSTATE,	/* by the server's state */
	LAY_SORT_COUNT
};

int	lay_conn_cmp(const struct tl_conn *, const struct tl_conn *,
	    enum lay_sort);

/* ------------------------------------------------------ moving about */

/*
 * The first line to show so that line `sel` is visible in `height`
 * lines, moving as little as possible from `top`; `total` lines exist.
 */
size_t	lay_scroll(size_t top, size_t sel, size_t height, size_t total);

/* Playback speeds, in percent of real time. */
#define LAY_SPEED_DEFAULT	3	/* index of 100 % */
int	lay_speed(int idx);		/* percent */
int	lay_speed_count(void);
/* "1x", "0.25x", "100x" */
void	lay_speed_str(int idx, char *buf, size_t len);

#define LAY_STEP_MIN_NS	300000000LL	/* at 1x, steps are this far apart
					   at least, so the eye can follow */

/*
 * How long to wait before showing a step that came `dt_ns` after the
 * previous one, at `pct` percent of real time: idle gaps longer than
 * ROWS_GAP_NS are compressed to it, and steps closer than LAY_STEP_MIN_NS
 * are spread to it, both before the speed applies.
 */
int64_t	lay_play_delay(int64_t dt_ns, int pct);

/* --------------------------------------------------------------- text */

struct lay_span {
	size_t	off;
	size_t	len;
};

/* Columns taken by UTF-8 text (two for a Chinese character). */
int	lay_width(const char *s, size_t len);
/*
 * Break text into lines of at most `width` columns at spaces or, as
 * Chinese has none, beside a wide character (not before closing
 * punctuation).  A word longer than a line is cut; a character is never
 * split.  Returns the number of lines, which may exceed `max` (only
 * `max` spans are written).
 */
size_t	lay_wrap(const char *s, int width, struct lay_span *lines,
	    size_t max);

/* ---------------------------------------------------- state diagram */

#define LAY_FSM_W	61
#define LAY_FSM_H	15	/* 13 diagram rows and 2 caption lines */
#define LAY_FSM_CAPTION	13	/* the first caption line */

/* Nodes: one per state, and a second CLOSED where connections end. */
#define LAY_NODE_CLOSED_END	TCP_ST_COUNT
#define LAY_NODES		(TCP_ST_COUNT + 1)

struct lay_node {
	int		 x, y;		/* the label's first cell */
	int		 w;		/* its width */
	const char	*name;
};

struct lay_point {
	int	x, y;
};

struct lay_edge {
	int			 from, to;	/* nodes */
	const struct lay_point	*pts;		/* the last is the head */
	int			 npts;
	char			 head;		/* 'v' '^' '<' '>' */
	const char		*label;		/* RFC 9293 figure 5's "event /
						   action", or NULL */
	struct lay_point	 at;		/* where the label is written;
						   y < 0: not on this diagram */
};

/*
 * A drawing of the diagram: the small one (LAY_FSM_W x LAY_FSM_H, its
 * edges unlabelled: a step's label goes in the caption) and the big one
 * with every edge's label written beside it, as in RFC 9293 figure 5.
 */
struct lay_fsm {
	int			 w, h;
	int			 caption;	/* the first caption line */
	const struct lay_node	*nodes;		/* LAY_NODES */
	const struct lay_edge	*edges;
	size_t			 nedges;
};

#define LAY_FSM_BIG_W	102
#define LAY_FSM_BIG_H	28
#define LAY_FSM_MAXW	LAY_FSM_BIG_W
#define LAY_FSM_MAXH	LAY_FSM_BIG_H

const struct lay_fsm *lay_fsm_small(void);
const struct lay_fsm *lay_fsm_big(void);
/* The big diagram when a w x h rectangle holds it, else the small. */
const struct lay_fsm *lay_fsm_pick(int w, int h);
int	lay_fsm_find(const struct lay_fsm *, int from, int to);
/* OR the cells of edge `edge` (-1: every edge) into grid. */
void	lay_fsm_grid(const struct lay_fsm *,
	    uint8_t grid[LAY_FSM_MAXH][LAY_FSM_MAXW], int edge);
/*
 * What happened, as RFC 9293 names it ("rcv FIN / snd ACK"), for a state
 * change of reason `why` (enum tcp_why), or NULL.  A reset says "rcv RST"
 * or "snd RST", which figure 5 draws no edge for.
 */
const char *lay_why_label(int why);

const struct lay_node *lay_fsm_node(int node);
size_t	lay_fsm_nedges(void);
const struct lay_edge *lay_fsm_edge(size_t i);
/* The edge from node to node, or -1 when the diagram draws none. */
int	lay_fsm_edge_find(int from, int to);
/* The node of a state; `ended`: a CLOSED that follows another state. */
int	lay_fsm_node_of(enum tcp_state st, bool ended);

/* Cell masks: lines leave a cell up, down, left or right; or a head. */
#define LAY_UP		0x01
#define LAY_DOWN	0x02
#define LAY_LEFT	0x04
#define LAY_RIGHT	0x08
#define LAY_HEAD_UP	0x10
#define LAY_HEAD_DOWN	0x20
#define LAY_HEAD_LEFT	0x40
#define LAY_HEAD_RIGHT	0x80
#define LAY_HEADS	0xf0

/* OR the cells of edge `edge` (-1: every edge) into grid. */
void	lay_fsm_cells(uint8_t grid[LAY_FSM_H][LAY_FSM_W], int edge);

#endif
