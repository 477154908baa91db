/* SPDX-License-Identifier: ISC */
/* The key table: every binding in one place, for the dispatcher and help. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"

/*
 * Invariants: in one mode a key has one entry at most (the lab's keys
 * are bound in the lab's modes only, and the UI's keys they would shadow
 * are not bound there: so c and s choose a side there and are no jumps);
 * the order of the table is the order of the help; a help text is shared
 * by entries in a row that make one line ("Right l n": next step).
 * Key names stay as typed; the words are translated where shown.
 */

#define KEYS_LABS	(UI_MODE_LAB | UI_MODE_LAB_CALL)
#define KEYS_ALL	KEYS_BASES
#define KEYS_NOLAB	(KEYS_BASES & ~KEYS_LABS)
#define KEYS_QUIZ_ALL	(KEYS_BASES | UI_MODE_QUIZ)
/* A source that goes on while shown, or a file's steps shown at once. */
#define KEYS_LIVES	(UI_MODE_LIVE | UI_MODE_DEMO | KEYS_LABS | UI_MODE_RUN)
/* A source that may hold a call until Enter (--step). */
#define KEYS_HOLDS	(UI_MODE_DEMO | KEYS_LABS)
#define F(k, fk, modes, help)	{ k, UI_A_FEED, fk, modes, help }
#define A(k, a, modes, help)	{ k, a, UI_K_NONE, modes, help }

static const char keys_h_side[] = N_("choose the client (c) or the server "
    "(s), then its call");
static const char keys_h_shut_wr[] = N_("shutdown(SHUT_WR): the FIN");
static const char keys_h_answer[] = N_("answer the question asked "
    "(choice 1 to 4)");
static const char keys_h_next[] = N_("next step");
static const char keys_h_prev[] = N_("previous step");
static const char keys_h_faster[] = N_("faster playback");
static const char keys_h_slower[] = N_("slower playback");
static const char keys_h_first[] = N_("first step");
static const char keys_h_last[] = N_("last step");
static const char keys_h_last_live[] = N_("last step (live: follow "
    "again)");
static const char keys_h_move[] = N_("move in the connection list");
static const char keys_h_page[] = N_("page through the list");
static const char keys_h_jnext[] = N_("the next SYN, FIN, RST, "
    "retransmission, state change");
static const char keys_h_jprev[] = N_("the previous SYN, FIN, RST, "
    "retransmission, state change");
static const char keys_h_lnext[] = N_("the next FIN, retransmission");
static const char keys_h_lprev[] = N_("the previous FIN, retransmission");
static const char keys_h_help[] = N_("this help (any key closes it)");
static const char keys_h_quit[] = N_("quit");

static const struct keys_entry keys_tab[] = {
	/* The lab: a side, then its call (Esc: neither). */
	F('c', UI_K_CLIENT, UI_MODE_LAB, keys_h_side),
	F('s', UI_K_SERVER, UI_MODE_LAB, keys_h_side),
	F('l', UI_K_LISTEN, UI_MODE_LAB_CALL,
	    N_("listen(): socket, bind, listen (backlog 5)")),
	F('c', UI_K_CONNECT, UI_MODE_LAB_CALL, N_("connect()")),
	F('a', UI_K_ACCEPT, UI_MODE_LAB_CALL, N_("accept()")),
	F('s', UI_K_SEND, UI_MODE_LAB_CALL,
	    N_("send(): \"hello\" or \"Hello, world!\"")),
	F('r', UI_K_RECV, UI_MODE_LAB_CALL, N_("recv()")),
	F('w', UI_K_SHUT_WR, UI_MODE_LAB_CALL, keys_h_shut_wr),
	F('W', UI_K_SHUT_WR, UI_MODE_LAB_CALL, keys_h_shut_wr),
	F('R', UI_K_SHUT_RD, UI_MODE_LAB_CALL, N_("shutdown(SHUT_RD)")),
	F('B', UI_K_SHUT_RDWR, UI_MODE_LAB_CALL, N_("shutdown(SHUT_RDWR)")),
	F('x', UI_K_CLOSE, UI_MODE_LAB_CALL, N_("close()")),
	F('!', UI_K_ABORT, UI_MODE_LAB_CALL,
	    N_("abort: SO_LINGER 0, then close(): RST")),
	F('u', UI_K_REUSEADDR, UI_MODE_LAB_CALL,
	    N_("setsockopt(SO_REUSEADDR, 1)")),
	F('o', UI_K_LINGER, UI_MODE_LAB_CALL, N_("setsockopt(SO_LINGER, 0)")),
	F('y', UI_K_NODELAY, UI_MODE_LAB_CALL,
	    N_("setsockopt(TCP_NODELAY, 1)")),
	F(KEYS_ESC, UI_K_BACK, UI_MODE_LAB_CALL, N_("back: no side chosen")),
	/* A quiz, in any mode. */
	F('1', UI_K_ANSWER1, KEYS_QUIZ_ALL, keys_h_answer),
	F('2', UI_K_ANSWER2, KEYS_QUIZ_ALL, keys_h_answer),
	F('3', UI_K_ANSWER3, KEYS_QUIZ_ALL, keys_h_answer),
	F('4', UI_K_ANSWER4, KEYS_QUIZ_ALL, keys_h_answer),
	/* Time. */
	A(' ', UI_A_PLAY, UI_MODE_REPLAY, N_("play / pause")),
	A(' ', UI_A_PLAY, KEYS_LIVES, N_("play / pause (live: follow / "
	    "hold)")),
	A(KEYS_RIGHT, UI_A_NEXT, KEYS_ALL, keys_h_next),
	A('l', UI_A_NEXT, KEYS_NOLAB, keys_h_next),
	A('n', UI_A_NEXT, KEYS_ALL, keys_h_next),
	A(KEYS_LEFT, UI_A_PREV, KEYS_ALL, keys_h_prev),
	A('h', UI_A_PREV, KEYS_ALL, keys_h_prev),
	A('p', UI_A_PREV, KEYS_ALL, keys_h_prev),
	A('+', UI_A_FASTER, KEYS_ALL, keys_h_faster),
	A('=', UI_A_FASTER, KEYS_ALL, keys_h_faster),
	A('-', UI_A_SLOWER, KEYS_ALL, keys_h_slower),
	A('_', UI_A_SLOWER, KEYS_ALL, keys_h_slower),
	A(KEYS_HOME, UI_A_FIRST, KEYS_ALL, keys_h_first),
	A('g', UI_A_FIRST, KEYS_ALL, keys_h_first),
	A(KEYS_END, UI_A_LAST, UI_MODE_REPLAY, keys_h_last),
	A('G', UI_A_LAST, UI_MODE_REPLAY, keys_h_last),
	A(KEYS_END, UI_A_LAST, KEYS_LIVES, keys_h_last_live),
	A('G', UI_A_LAST, KEYS_LIVES, keys_h_last_live),
	/* Views and the list. */
	A('\t', UI_A_VIEW, KEYS_ALL, N_("next view: ladder, states, detail, "
	    "connections")),
	A(KEYS_ENTER, UI_A_PICK, KEYS_ALL & ~KEYS_HOLDS,
	    N_("show the connection chosen in the list")),
	A(KEYS_ENTER, UI_A_PICK, KEYS_HOLDS, N_("show the chosen connection; "
	    "release a held call (--step)")),
	A(KEYS_UP, UI_A_UP, KEYS_ALL, keys_h_move),
	A('k', UI_A_UP, KEYS_ALL, keys_h_move),
	A(KEYS_DOWN, UI_A_DOWN, KEYS_ALL, keys_h_move),
	A('j', UI_A_DOWN, KEYS_ALL, keys_h_move),
	A(KEYS_PGUP, UI_A_PGUP, KEYS_ALL, keys_h_page),
	A(KEYS_PGDN, UI_A_PGDN, KEYS_ALL, keys_h_page),
	A('o', UI_A_OUTPUT, UI_MODE_RUN, N_("the programs' output, and "
	    "back")),
	/* Jumps; in the lab, c s r and their capitals are the lab's. */
	A('s', UI_A_NEXT_SYN, KEYS_NOLAB, keys_h_jnext),
	A('f', UI_A_NEXT_FIN, KEYS_NOLAB, keys_h_jnext),
	A('r', UI_A_NEXT_RST, KEYS_NOLAB, keys_h_jnext),
	A('t', UI_A_NEXT_RETX, KEYS_NOLAB, keys_h_jnext),
	A('c', UI_A_NEXT_STATE, KEYS_NOLAB, keys_h_jnext),
	A('S', UI_A_PREV_SYN, KEYS_NOLAB, keys_h_jprev),
	A('F', UI_A_PREV_FIN, KEYS_NOLAB, keys_h_jprev),
	A('R', UI_A_PREV_RST, KEYS_NOLAB, keys_h_jprev),
	A('T', UI_A_PREV_RETX, KEYS_NOLAB, keys_h_jprev),
	A('C', UI_A_PREV_STATE, KEYS_NOLAB, keys_h_jprev),
	A('f', UI_A_NEXT_FIN, KEYS_LABS, keys_h_lnext),
	A('t', UI_A_NEXT_RETX, KEYS_LABS, keys_h_lnext),
	A('F', UI_A_PREV_FIN, KEYS_LABS, keys_h_lprev),
	A('T', UI_A_PREV_RETX, KEYS_LABS, keys_h_lprev),
	A('/', UI_A_FILTER, KEYS_ALL, N_("filter the list: port, address, "
	    "state, tcp, udp, flag")),
	A('>', UI_A_SORT, KEYS_ALL, N_("sort the list: number, packets, "
	    "client, server, states")),
	A('?', UI_A_HELP, KEYS_ALL, keys_h_help),
	A(KEYS_F1, UI_A_HELP, KEYS_ALL, keys_h_help),
	A(KEYS_CTRL('l'), UI_A_REDRAW, KEYS_ALL, N_("redraw the screen")),
	A('q', UI_A_QUIT, KEYS_ALL, keys_h_quit),
	A('Q', UI_A_QUIT, KEYS_ALL, keys_h_quit),
	A(KEYS_MOUSE, UI_A_MOUSE, KEYS_ALL, N_("click a step to select it, "
	    "the wheel scrolls")),
};

#define KEYS_N	(sizeof keys_tab / sizeof keys_tab[0])

const struct keys_entry *
keys_table(size_t *n)
{
	*n = KEYS_N;
	return keys_tab;
}

bool
keys_applies(const struct keys_entry *e, unsigned mode)
{
	if ((e->modes & mode & KEYS_BASES) == 0)
		return false;
	return !(e->modes & UI_MODE_QUIZ) || (mode & UI_MODE_QUIZ);
}

const struct keys_entry *
keys_find(unsigned mode, int key)
{
	size_t i;

	for (i = 0; i < KEYS_N; i++) {
		if (keys_tab[i].key == key && keys_applies(&keys_tab[i], mode))
			return &keys_tab[i];
	}
	return NULL;
}

const char *
keys_name(int key, char *buf, size_t len)
{
	static const char *const special[] = {
		[KEYS_RIGHT - KEYS_SPECIAL] = "Right",
		[KEYS_LEFT - KEYS_SPECIAL] = "Left",
		[KEYS_UP - KEYS_SPECIAL] = "Up",
		[KEYS_DOWN - KEYS_SPECIAL] = "Down",
		[KEYS_HOME - KEYS_SPECIAL] = "Home",
		[KEYS_END - KEYS_SPECIAL] = "End",
		[KEYS_PGUP - KEYS_SPECIAL] = "PgUp",
		[KEYS_PGDN - KEYS_SPECIAL] = "PgDn",
		[KEYS_ENTER - KEYS_SPECIAL] = "Enter",
		[KEYS_F1 - KEYS_SPECIAL] = "F1",
		[KEYS_MOUSE - KEYS_SPECIAL] = N_("Mouse"),
	};

	if (key >= KEYS_SPECIAL && key <= KEYS_MOUSE)
		snprintf(buf, len, "%s", special[key - KEYS_SPECIAL]);
	else if (key == ' ')
		snprintf(buf, len, "Space");
	else if (key == '\t')
		snprintf(buf, len, "Tab");
	else if (key == KEYS_ESC)
		snprintf(buf, len, "Esc");
	else if (key > 0 && key < 0x20)
		snprintf(buf, len, "Ctrl-%c", key + 'A' - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "#%d", key);
	return buf;
}

const char *
ui_key_name(unsigned mode, enum ui_key k, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < KEYS_N; i++) {
		if (keys_tab[i].action == UI_A_FEED && keys_tab[i].fkey == k &&
		    keys_applies(&keys_tab[i], mode))
			return keys_name(keys_tab[i].key, buf, len);
	}
	if (len > 0)
		buf[0] = '\0';
	return buf;
}

/* The help being built: v[0 .. max), n lines so far (maybe more than
 * max: only counted), the text of the last. */
struct keys_help_state {
	struct keys_line	*v;
	size_t			 n, max;
	const char		*last;
};

/* Add entry e to the help: to the last line when it shares its text. */
static void
keys_help_add(struct keys_help_state *h, const struct keys_entry *e)
{
	char name[16];
	struct keys_line *l;
	size_t k;

	keys_name(e->key, name, sizeof name);
	if (h->n > 0 && h->last == e->help) {
		if (h->n <= h->max) {
			l = &h->v[h->n - 1];
			k = strlen(l->keys);
			snprintf(l->keys + k, sizeof l->keys - k, " %s", name);
		}
		return;
	}
	if (h->n < h->max) {
		l = &h->v[h->n];
		snprintf(l->keys, sizeof l->keys, "%s", name);
		l->what = e->help;
		l->heading = false;
	}
	h->n++;
	h->last = e->help;
}

static void
keys_help_heading(struct keys_help_state *h, const char *what)
{
	if (h->n < h->max) {
		h->v[h->n].keys[0] = '\0';
		h->v[h->n].what = what;
		h->v[h->n].heading = true;
	}
	h->n++;
	h->last = NULL;
}

size_t
keys_help(unsigned mode, struct keys_line *v, size_t max)
{
	struct keys_help_state h = { v, 0, max, NULL };
	unsigned quiz = mode & UI_MODE_QUIZ;
	size_t i;
	bool lab = (mode & KEYS_LABS) != 0, calls = false, rest = false;

	for (i = 0; i < KEYS_N; i++) {
		const struct keys_entry *e = &keys_tab[i];
		bool side = keys_applies(e, UI_MODE_LAB | quiz);

		if (!lab) {
			if (keys_applies(e, mode))
				keys_help_add(&h, e);
			continue;
		}
		/* Both of the lab's modes, a heading before the calls and
		 * one after them: each key once in each part. */
		if (!side && !keys_applies(e, UI_MODE_LAB_CALL | quiz))
			continue;
		if (!calls && !side) {
			keys_help_heading(&h, N_("then, for the side "
			    "chosen:"));
			calls = true;
		} else if (calls && !rest && side) {
			keys_help_heading(&h, N_("and always:"));
			rest = true;
		}
		keys_help_add(&h, e);
	}
	return h.n;
}
