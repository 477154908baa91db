/* SPDX-License-Identifier: ISC */
/*
 * The key table (curses-free, unit-tested): every binding of the UI, as
 * (key, action, the modes it applies in, its help text), in one place.
 * The dispatcher (ui.c) looks keys up in it and the help overlay
 * (view_help.c) is built from it, so the two cannot disagree.
 *
 * A mode is one base (enum ui_mode: replay, live, demo, lab, a lab side
 * chosen, run) and maybe UI_MODE_QUIZ.  In one mode a key has at most one
 * action; tests/test_keys.c proves it for every mode, and that each
 * action bound in a mode is on that mode's help.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

/* Keys that are not characters, as ui.c maps curses' codes to them. */
enum keys_code {
	KEYS_ESC = 27,
	KEYS_SPECIAL = 0x200000,	/* past every Unicode code point */
	KEYS_RIGHT = KEYS_SPECIAL,
	KEYS_LEFT,
	KEYS_UP,
	KEYS_DOWN,
	KEYS_HOME,
	KEYS_END,
	KEYS_PGUP,
	KEYS_PGDN,
	KEYS_ENTER,		/* Enter, Return, the keypad's Enter */
	KEYS_F1,
	KEYS_MOUSE,		/* a click or the wheel */
};

#define KEYS_CTRL(c)	((c) & 0x1f)

enum ui_action {
	UI_A_NONE,
	UI_A_PLAY,
	UI_A_NEXT,
	UI_A_PREV,
	UI_A_FASTER,
	UI_A_SLOWER,
	UI_A_FIRST,
	UI_A_LAST,
	UI_A_VIEW,
	UI_A_PICK,
	UI_A_UP,
	UI_A_DOWN,
	UI_A_PGUP,
	UI_A_PGDN,
	UI_A_HELP,
	UI_A_OUTPUT,
	UI_A_REDRAW,
	UI_A_QUIT,
	UI_A_FILTER,		/* '/': filter the connection list */
	UI_A_SORT,		/* the list's next order */
	UI_A_MOUSE,		/* a click selects, the wheel scrolls */
	UI_A_FEED,		/* the source's: feed->key(entry's fkey) */
	UI_A_JUMP,		/* first of the jumps: */
	UI_A_NEXT_SYN = UI_A_JUMP,
	UI_A_PREV_SYN,
	UI_A_NEXT_FIN,
	UI_A_PREV_FIN,
	UI_A_NEXT_RST,
	UI_A_PREV_RST,
	UI_A_NEXT_RETX,
	UI_A_PREV_RETX,
	UI_A_NEXT_STATE,
	UI_A_PREV_STATE,
	UI_A_COUNT
};

/* Every base mode, and the quiz flag. */
#define KEYS_BASES	(UI_MODE_REPLAY | UI_MODE_LIVE | UI_MODE_DEMO | \
	UI_MODE_LAB | UI_MODE_LAB_CALL | UI_MODE_RUN)

struct keys_entry {
	int		 key;		/* a character or a keys_code */
	enum ui_action	 action;
	enum ui_key	 fkey;		/* for UI_A_FEED */
	unsigned	 modes;		/* bases; with UI_MODE_QUIZ: only
					   in a quiz */
	const char	*help;		/* N_(): entries in a row with the
					   same text share a help line */
};

/* The table itself, for the tests: n entries. */
const struct keys_entry *keys_table(size_t *n);
/* Does an entry apply in `mode`? */
bool		 keys_applies(const struct keys_entry *, unsigned mode);
/* The entry `key` has in `mode`, or NULL. */
const struct keys_entry *keys_find(unsigned mode, int key);
/* A key's name as typed ("Right", "Ctrl-L", "s"), in buf. */
const char	*keys_name(int key, char *buf, size_t len);

/* One line of the help overlay: its keys and what they do (msgids,
 * translated where shown), or a heading (keys empty). */
struct keys_line {
	char		 keys[40];	/* "Right l n" */
	const char	*what;
	bool		 heading;
};

/*
 * The help of `mode`, at most max lines; returns how many there are.
 * In a lab (LAB or LAB_CALL) it is the lab's in both: the side keys,
 * then, under a heading, the calls they lead to, then the rest.
 */
size_t		 keys_help(unsigned mode, struct keys_line *, size_t max);

#endif
