/* SPDX-License-Identifier: ISC */
/*
 * The commands: replay (cmd_replay.c), demo (cmd_demo.c), live
 * (cmd_live.c) and run (cmd_run.c), each a thin run of the core between the options main.c
 * parses and the outputs output.c builds.  What they share lives in
 * main.c: exit codes, usage errors, the memory caps, the UI decision.
 */
#ifndef CMD_H
#define CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "output.h"
#include "ui.h"

/* Exit codes: a contract for scripts (synfin(1), EXIT STATUS). */
#define EXIT_OK		0
#define EXIT_INPUT	1	/* unreadable input, bad filter ... */
#define EXIT_USAGE	2

/* Events the UI's timeline keeps: no count (SYNFIN_MAX_EVENTS sets one);
 * its memory budget (TL_BUDGET) evicts the oldest. */
#define CMD_TL_MAX	0

struct cmd_opts {
	const char	*cmd;		/* "replay", "demo", "live" */
	const char	*file;		/* -r */
	const char	*wfile;		/* -w */
	const char	*iface;		/* -i */
	const char	*server;	/* run --server CMD */
	uint64_t	count;		/* -c */
	bool		list;
	long		port;
	long		pace_ms;
	bool		step;
	const char	*script;	/* lab --script */
	const char	*ofile;		/* lab -o */
	bool		quiz;		/* demo, lab --quiz */
	struct output	out;		/* --text -v --json --summary, diagrams */
};

int	cmd_replay(const char *path, const char *filter, uint64_t count,
	    struct output *);
int	cmd_demo(const struct cmd_opts *, int argc, char **argv);
int	cmd_live(const struct cmd_opts *, const char *filter);
int	cmd_lab(const struct cmd_opts *, int argc, char **argv);
struct demo;
struct ui_feed;
/*
 * --quiz: run the demo or lab to its end, then ask (cmd_quiz.c): in the
 * UI when cmd_wants_ui(out), else on standard input and output.
 */
int	cmd_quiz_run(struct demo *, const struct output *out,
	    const char *title, char *err, size_t len);
/*
 * The quiz's hooks for a UI feed (ui.h: key, prompt, gate, note), over a
 * timeline that may still grow (live: a keyboard lab; then there is no
 * "quiz over").  The score goes to `out` with cmd_quiz_ui_score().
 */
struct cmd_quiz_ui;
struct timeline;
struct cmd_quiz_ui *cmd_quiz_ui_new(const struct timeline *, bool live);
void	cmd_quiz_ui_free(struct cmd_quiz_ui *);
bool	cmd_quiz_ui_pending(const struct cmd_quiz_ui *);
int	cmd_quiz_ui_key(void *, enum ui_key);
const char *cmd_quiz_ui_prompt(void *);
int	cmd_quiz_ui_gate(void *, size_t ev);
const char *cmd_quiz_ui_note(void *);
void	cmd_quiz_ui_score(const struct cmd_quiz_ui *, FILE *);
/* A demo or a lab drawn live in the UI, titled `title`; keys: a lab's
 * key(), mode(), prompt(), gate(), note() (ui.h), or NULL; tl: the timeline to
 * fill (NULL: its own).  Returns 0, 128+signal after a signal, or -1
 * with the reason in err. */
int	cmd_demo_ui(struct demo *, const char *title,
	    const struct ui_feed *keys, struct timeline *tl, char *err,
	    size_t len);
int	cmd_run(const struct cmd_opts *, int argc, char **argv);

/* "synfin: " and the message, then the usage; returns EXIT_USAGE. */
int	cmd_usage_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* A cap from the environment (SYNFIN_MAX_EVENTS ...), else dflt. */
size_t	cmd_env_cap(const char *name, size_t dflt);
/* The engine's defaults with the environment's flow cap. */
void	cmd_engine_config(struct engine_config *);
/* Whether a command draws the UI: nothing else asked for, a terminal. */
bool	cmd_wants_ui(const struct output *);
/* What to do when capturing is not allowed: the exact fix. */
void	cmd_capture_fix(bool demo);

#endif
