/* SPDX-License-Identifier: ISC */
/*
 * synfin demo: a lesson run for real.  A client and a server process
 * make the scenario's socket calls on a private loopback while libpcap
 * captures what the kernel sends; frames and calls go, merged in time
 * order, into the same engine as a replay's.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "ev.h"
#include "labscript.h"
#include "scenario.h"

struct demo_opts {
	const struct scenario *scn;
	/*
	 * A lab (synfin lab): the actions to make, instead of the
	 * scenario's steps (scn then only names it).  The caller may push
	 * more while it runs when lab_open (the keyboard), then calls
	 * demo_lab_kick(); demo_lab_close() says no more will come.
	 */
	const struct lab_script *lab;
	bool		lab_open;
	struct writer	*dump;		/* -w (writer.h), or NULL: demo_new
					   takes it, whatever happens */
	uint16_t	port;		/* the server's */
	int		pace_ms;	/* between socket calls */
	bool		step;		/* hold each call until released */
	bool		quiet;		/* no first line on stderr */
};

struct demo;
struct engine;
struct writer;

/*
 * Set up the sandbox, capture and peers.  Privileges are dropped before
 * it returns.  The first line of the output (where it runs) goes to
 * stderr unless quiet.  Returns NULL with a message; *perm says it was
 * for lack of capture rights (then the caller prints the fix).
 */
struct demo	*demo_new(const struct demo_opts *, int *perm, char *err,
		    size_t len);
void		 demo_free(struct demo *);

/* Run the lesson into `sink`.  Returns 0, or -1 with a message. */
int		 demo_run(struct demo *, struct sink *sink, char *err,
		    size_t len);

/* For a UI: one descriptor to poll, and one step of work when ready. */
int		 demo_fd(const struct demo *);
int		 demo_start(struct demo *, struct engine *);
int		 demo_service(struct demo *);	/* 0 go on, 1 done, -1 */
/*
 * Why the lesson stopped early (a peer died: killed, crashed), as one
 * sentence, or NULL.  demo_service() then returns -1 and demo_run()
 * fails with it, once what the kernel still sent is drained and a
 * warning event says it on the ladder.
 */
const char	*demo_error(const struct demo *, char *buf, size_t len);
/* Make the -w file (demo_run does it itself).  -1 with the reason. */
int		 demo_dump_close(struct demo *, char *err, size_t len);
/* The signal (SIGINT, SIGTERM, SIGHUP) that ended demo_run(), or 0. */
int		 demo_signal(void);
/* --step: the call waiting to be released, as a sentence, or NULL. */
const char	*demo_held(const struct demo *);
void		 demo_release(struct demo *);

/* A lab: actions were pushed (issue them), or no more will come. */
void		 demo_lab_kick(struct demo *);
void		 demo_lab_close(struct demo *);
/*
 * A lab: the call `side` waits in ("accept() waits..."), as a sentence,
 * or NULL when that side is free for the next action.
 */
const char	*demo_lab_busy(const struct demo *, enum ev_side side);
/* A lab: what `side` has after its last action (PEER_LAB_*, peer.h). */
unsigned	 demo_lab_has(const struct demo *, enum ev_side side);
/* A lab: how many actions were issued (for -o: what was done). */
int		 demo_lab_done(const struct demo *);

/* Figures for the closing line and the tests. */
struct demo_stats {
	uint64_t	received;
	uint64_t	dropped;
	int		attempts;	/* races: tries needed */
	int64_t		first_syn_ms;	/* from start to the first frame */
	long long	capeff;		/* CapEff while parsing */
	const char	*where;		/* sandbox_describe() */
};
void		 demo_stats(const struct demo *, struct demo_stats *);

#endif
