/* SPDX-License-Identifier: ISC */
/*
 * Inside the UI: the state every view reads, the view vtable, the key
 * and colour tables.  Views draw into stdscr within the rectangle they
 * are given and change state only through the key() hook; only ui.c
 * reads keys, polls and calls doupdate().
 */
#ifndef UI_INT_H
#define UI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "keys.h"
#include "layout.h"
#include "timeline.h"
#include "ui.h"

/* ------------------------------------------------------------ theme */

enum theme_role {
	TH_NORMAL,
	TH_TITLE,		/* title and status bars */
	TH_CLIENT,		/* the client's states and marker */
	TH_SERVER,
	TH_ARROW,
	TH_SEL,			/* the selected step */
	TH_NOTE,		/* analysis notes, retransmissions */
	TH_CALL,		/* socket calls */
	TH_DIM,			/* the diagram's idle edges, idle marks */
	TH_LIT,			/* the transition just taken */
	TH_WARN,
	TH_BOX,			/* frame of the narration box */
	TH_KEY,			/* key names in hints and help */
	TH_COUNT
};

/* Glyphs: UTF-8 box drawing and arrows, or plain ASCII. */
struct theme_glyphs {
	const char	*h, *v;			/* lines */
	const char	*tl, *tr, *bl, *br;	/* box corners */
	const char	*head_r, *head_l, *head_u, *head_d;
	const char	*lost;			/* a head never processed: "✗" */
	const char	*dot_h;			/* ICMP's dotted line */
	const char	*idle_v;		/* lifeline across an idle */
	const char	*bidir;			/* "⇄" */
	const char	*sep;			/* "·" */
	const char	*times;			/* "×" */
	const char	*to;			/* "→" */
	const char	*play, *pause, *live;
	const char	*left, *right;		/* key names */
	const char	*ell;			/* "…": text cut here */
};

/* Decide colours (NO_COLOR, has_colors()) and glyphs (the locale). */
void		 theme_init(bool utf8);
attr_t		 theme_attr(enum theme_role);
bool		 theme_colour(void);
const struct theme_glyphs *theme_glyphs(void);
/* The line-drawing glyph for a lay_fsm_cells() mask. */
const char	*theme_box(uint8_t mask);

/* ------------------------------------------------------------ state */

enum ui_view_id {
	UI_VIEW_LADDER,
	UI_VIEW_FSM,
	UI_VIEW_DETAIL,
	UI_VIEW_CONNS,
	UI_VIEW_OUTPUT,		/* synfin run: the programs' output */
	UI_VIEW_HELP,
	UI_VIEW_COUNT
};

struct ui {
	struct timeline		*tl;
	const struct ui_opts	*opts;
	const struct ui_feed	*feed;
	unsigned		 mode;		/* enum ui_mode: the keys */
	const struct theme_glyphs *g;
	bool			 utf8;

	int			 cols, lines;
	struct lay_screen	 scr;

	long			 conn;		/* timeline_conn() index, or
						   -1 before the first */
	size_t			 nconns_seen;	/* timeline_nconns() at the
						   last sync */
	struct rows		 rows;
	size_t			 sel;		/* selected row */
	size_t			 top;		/* first ladder line shown */
	bool			 manual_top;	/* the wheel moved it */

	bool			 source_live;	/* the feed still runs */
	bool			 follow;	/* live: stay on the newest */
	size_t			 waiting;	/* new rows not followed */
	bool			 playing;
	int			 speed;		/* lay_speed() index */
	int64_t			 due_ns;	/* next step when playing */

	enum ui_view_id		 view;		/* the main view */
	bool			 help;
	size_t			 conns_sel;
	size_t			 conns_top;
	char			 filter[64];	/* the list's filter */
	char			 filter_was[64]; /* before the prompt */
	bool			 filtering;	/* typing it (status line) */
	int			 sort;		/* enum lay_sort */
	const char		*note;		/* said on the status line
						   until the next key */
	bool			 quit;
	int			 sig;
};

/* The keys of the mode the UI is in now (enum ui_mode; keys.h). */
unsigned	 ui_keys_mode(const struct ui *);
/* The selected row, or NULL when the ladder is empty. */
const struct rows_row *ui_row(const struct ui *);
/* Select row n (clamped); stepping back leaves live following. */
void		 ui_select(struct ui *, size_t n);
/* Show conn `idx` of the timeline. */
void		 ui_pick_conn(struct ui *, size_t idx);
/* Capture time of the first row, for relative times. */
int64_t		 ui_t0(const struct ui *);
/* The shown conn has no step left: how many the memory cap evicted. */
size_t		 ui_dropped(const struct ui *);
/* Did `side` leave CLOSED at or before row n (or start elsewhere)? */
bool		 ui_ended(const struct ui *, size_t n, enum ev_side side);

/* A state change a step caused: which endpoint, from, to and why
 * (TCP_WHY_COUNT: not known to the view). */
struct ui_change {
	enum ev_side	side;
	enum tcp_state	from, to;
	enum tcp_why	why;
};

/*
 * The state changes of row n, in order, sender first: the state events
 * of its segment (a receiver's may come later, decided by evidence), or
 * the step's own states before and after when they do not lead there.
 */
size_t		 ui_changes(const struct ui *, size_t n, struct ui_change *,
		    size_t max);

/* Write text at (y, x) in at most `w` cells, ending in an ellipsis when
 * it does not fit. */
void		 ui_put(int y, int x, int w, const char *s);
/* Fill `w` cells at (y, x) with a glyph. */
void		 ui_fill(int y, int x, int w, const char *glyph);
/* A box frame with a title in its top border. */
void		 ui_frame(const struct lay_rect *, const char *title);

/* ------------------------------------------------------------ views */

struct ui_view {
	const char	*name;
	/* Draw into r (stdscr coordinates). */
	void		 (*draw)(struct ui *, const struct lay_rect *r);
	/* A key the view may take first; true when it did. */
	bool		 (*key)(struct ui *, enum ui_action, int ch);
	/* The screen changed size. */
	void		 (*resize)(struct ui *);
};

extern const struct ui_view view_ladder;
extern const struct ui_view view_fsm;
extern const struct ui_view view_detail;
extern const struct ui_view view_conns;
extern const struct ui_view view_output;
extern const struct ui_view view_help;

/* Narration box for the selected step (view_detail.c). */
void		 view_detail_narration(struct ui *, const struct lay_rect *);
/* The lines its text takes in a box `width` cells wide. */
int		 view_detail_narration_lines(struct ui *, int width);
/* The ladder row at screen line y, or -1 (view_ladder.c). */
long		 view_ladder_row_at(const struct ui *, int y);
/* Conn list row at screen line y, or -1 (view_conns.c). */
long		 view_conns_row_at(const struct ui *, int y);

/* One frame, everything (ui.c); for ui_main() and the bench. */
void		 ui_draw(struct ui *);
void		 ui_state_init(struct ui *, struct timeline *,
		     const struct ui_opts *, const struct ui_feed *);
void		 ui_state_clear(struct ui *);
void		 ui_sync(struct ui *);

#endif
