/* SPDX-License-Identifier: ISC */
/*
 * Lab scripts: what a student does in `synfin lab`, one action a line,
 * "SIDE CALL [ARG]" (client connect, server send hello, sleep 20).  The
 * same actions come from the keyboard; `synfin lab -o FILE` writes them
 * back in this form, so a session replays as a lesson.  Pure: text in,
 * actions out, with the line number of the first mistake.
 */
#ifndef LABSCRIPT_H
#define LABSCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "ev.h"
#include "msg.h"

enum lab_op {
	LAB_LISTEN,		/* arg: port, arg2: backlog */
	LAB_CONNECT,		/* arg: port (0: where the server listens) */
	LAB_ACCEPT,
	LAB_SEND,		/* text, len */
	LAB_RECV,		/* arg: at most this many bytes (0: 4096) */
	LAB_SHUTDOWN,		/* arg: LAB_SHUT_* */
	LAB_CLOSE,
	LAB_ABORT,		/* SO_LINGER {1, 0}, then close(): RST */
	LAB_SETSOCKOPT,		/* arg: LAB_OPT_*, arg2: the value */
	LAB_SLEEP,		/* arg: ms; no side */
};

enum lab_shut {
	LAB_SHUT_RD,
	LAB_SHUT_WR,
	LAB_SHUT_RDWR,
};

enum lab_opt {
	LAB_OPT_REUSEADDR,	/* 0 or 1 */
	LAB_OPT_LINGER,		/* seconds, or -1: off */
	LAB_OPT_NODELAY,	/* 0 or 1 */
};

#define LAB_TEXT_MAX	128	/* bytes a send carries */
#define LAB_BACKLOG	5	/* listen()'s when the script names none */
#define LAB_MAX_ACTIONS	10000
#define LAB_SLEEP_MAX	60000

/*
 * A port in an action: 0 the lab's (listen) or the listener's (connect),
 * N > 0 that port, -N the lab's port plus N (written "+N").
 */
struct lab_action {
	enum ev_side	side;		/* unused for LAB_SLEEP */
	enum lab_op	op;
	int		arg;
	int		arg2;
	int		line;		/* 1-based in its script; 0: typed */
	size_t		len;		/* of text */
	char		text[LAB_TEXT_MAX];
};

struct lab_script {
	struct lab_action *act;
	size_t		n;
	size_t		cap;
};

/* The first mistake in a script: its line and what is wrong there (an
 * English message id and its arguments, msg.h; the shell shows it). */
struct labscript_err {
	int		line;		/* 1-based */
	struct msg	why;
};

/*
 * Parse a whole script.  Returns 0, or -1 with the first mistake in err;
 * the actions parsed before the mistake are freed.
 */
int		 labscript_parse(struct lab_script *, const char *text,
		     size_t len, struct labscript_err *err);
/* Parse one line (no newline) into *a; 1 for an action, 0 for a blank or
 * comment line, -1 with what is wrong in err. */
int		 labscript_parse_line(const char *line, size_t len,
		     struct lab_action *a, struct msg *err);
void		 labscript_push(struct lab_script *, const struct lab_action *);
void		 labscript_clear(struct lab_script *);
/* One action as a script line, without the newline ("client send hi"). */
void		 labscript_format(const struct lab_action *, char *buf,
		     size_t len);
/* The call's name as the ladder shows it ("listen", "abort"). */
const char	*labscript_op_name(enum lab_op);
/* "SO_REUSEADDR" for LAB_OPT_REUSEADDR. */
const char	*labscript_opt_name(enum lab_opt);
/* "SHUT_WR" for LAB_SHUT_WR. */
const char	*labscript_shut_name(enum lab_shut);

#endif
