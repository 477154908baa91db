/* SPDX-License-Identifier: ISC */
/*
 * The full-screen terminal UI: a view over a timeline.  It draws one
 * conn's ladder, both endpoints' RFC 9293 states, narration and decoded
 * detail for the selected step, and lets a person step through time.
 *
 * A finished replay passes feed NULL.  A live source (a demo, a live
 * capture) passes a feed: the UI polls feed->fd together with the
 * keyboard and, when it is readable, calls on_ready(), which reads what
 * is there and feeds it to the engine that appends to the same timeline.
 * The UI then draws the new steps.  Nothing is called from a signal
 * handler and nothing blocks but poll().
 */
#ifndef UI_H
#define UI_H

#include <stdbool.h>
#include <stddef.h>

struct timeline;

enum ui_start {
	UI_START_REPLAY,	/* paused at the first step */
	UI_START_LIVE,		/* following the newest step */
};

/*
 * Which keys are live: one base and maybe UI_MODE_QUIZ.  The key table
 * (ui/keys.c) binds each key in some modes; the help overlay lists the
 * keys of the mode the UI is in.
 */
enum ui_mode {
	UI_MODE_REPLAY = 1 << 0,	/* a capture file */
	UI_MODE_LIVE = 1 << 1,		/* synfin live */
	UI_MODE_DEMO = 1 << 2,		/* a lesson */
	UI_MODE_LAB = 1 << 3,		/* the lab: c or s chooses a side */
	UI_MODE_LAB_CALL = 1 << 4,	/* the lab, a side chosen: its call */
	UI_MODE_RUN = 1 << 5,		/* synfin run */
	UI_MODE_QUIZ = 1 << 6,		/* with any base: questions asked */
};

/* What a key asks of a source that takes keys (ui_feed.key). */
enum ui_key {
	UI_K_NONE,
	UI_K_CLIENT,		/* the lab: choose a side */
	UI_K_SERVER,
	UI_K_BACK,		/* no side after all */
	UI_K_LISTEN,		/* the lab's calls on the chosen side */
	UI_K_CONNECT,
	UI_K_ACCEPT,
	UI_K_SEND,
	UI_K_RECV,
	UI_K_SHUT_WR,
	UI_K_SHUT_RD,
	UI_K_SHUT_RDWR,
	UI_K_CLOSE,
	UI_K_ABORT,
	UI_K_REUSEADDR,
	UI_K_LINGER,
	UI_K_NODELAY,
	UI_K_ANSWER1,		/* a quiz: choice 1 .. 4 */
	UI_K_ANSWER2,
	UI_K_ANSWER3,
	UI_K_ANSWER4,
	UI_K_COUNT
};

struct ui_opts {
	const char	*title;		/* "replay handshake.pcap" */
	enum ui_start	 start;
	/* A language asked for that could not be loaded (i18n_missing()),
	 * said on the status line; NULL when all is well. */
	const char	*lang_missing;
	/* What the source is, said on the empty ladder until the first
	 * conversation ("Capturing on lo ..."); may be NULL. */
	const char	*banner;
	/* Live: while following the newest conversation, show each new one
	 * as it appears (a demo moves on only when its conn is over). */
	bool		 newest;
	/* enum ui_mode bits; 0: REPLAY or LIVE, as start says. */
	unsigned	 mode;
};

struct ui_feed {
	int		  fd;		/* readable when on_ready has work */
	/*
	 * Feed what is ready into the engine.  Returns 0 to go on, 1 when
	 * the source has finished (the UI stops polling fd; what was fed
	 * stays on screen), -1 on an error (likewise).
	 */
	int		(*on_ready)(void *arg);
	/*
	 * Classroom pacing (may be NULL): the announcement of a socket call
	 * that waits to be released ("Next: the client calls connect()"),
	 * or NULL when nothing waits.  Asked after every on_ready() and
	 * every key; the string must stay valid until the next call.
	 */
	const char	*(*held)(void *arg);
	/* Let the held call happen (Enter, or Space/-> at the newest step). */
	void		 (*release)(void *arg);
	void		 *arg;
	/* When > 0, on_ready is also called after tick_ms without input
	 * (for decisions that wait on time, not on packets). */
	int		  tick_ms;
	/*
	 * A source driven by keys (a lab, a quiz; may be NULL): key() gets
	 * what a key the key table binds to the source asks (enum ui_key)
	 * and returns 1 when it took it, 0 when it had nothing to do;
	 * mode() says which keys are live now, given the UI's mode (the
	 * lab: UI_MODE_LAB_CALL once a side is chosen; NULL: the UI's);
	 * prompt() is what it offers now, shown on the status line in
	 * place of the hints (NULL: the hints).  All get karg.
	 */
	int		(*key)(void *karg, enum ui_key);
	unsigned	(*mode)(void *karg, unsigned mode);
	const char	*(*prompt)(void *karg);
	void		 *karg;
	/*
	 * A quiz (may be NULL): gate() is asked before the selection moves
	 * forward onto the step of event ev, and returns 1 to hold it there
	 * (a question comes first); note() is then shown in the narration
	 * box instead of the narration (NULL: the narration).  key() may
	 * return 2: it took the key, and the selection moves one step on;
	 * 3: it took it, and the selection goes to the newest step (live).
	 */
	int		(*gate)(void *karg, size_t ev);
	const char	*(*note)(void *karg);
};

/*
 * The key that asks `k` of a source in `mode`, as typed ("l", "Esc"),
 * from the key table (ui/keys.c), in buf; "" when no key does.  For a
 * source's prompts, which name the keys the table binds.
 */
const char	*ui_key_name(unsigned mode, enum ui_key k, char *buf,
		    size_t len);

/* ui_main() could not set up the terminal (no TERM, not a tty ...). */
#define UI_NO_TERMINAL	(-1)

/*
 * Run the UI until the user quits.  Returns 0 after q, 128 + the signal
 * number after SIGINT, SIGTERM or SIGHUP (the terminal is restored in
 * every case), or UI_NO_TERMINAL before anything was drawn.
 */
int	ui_main(struct timeline *tl, const struct ui_opts *opts,
	    const struct ui_feed *feed);

#endif
