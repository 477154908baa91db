/* SPDX-License-Identifier: ISC */
/*
 * synfin run: the user's own programs on a private loopback.  The
 * programs run under the tracer (trace.h) in a private network
 * namespace while libpcap captures its lo; frames, traced calls and the
 * programs' output lines go, merged in time order (merge.h), into the
 * same engine as the demo's.
 */
#ifndef RUN_H
#define RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "ev.h"

struct run_opts {
	const char	*server;	/* --server CMD, or NULL */
	char *const	*argv;		/* PROGRAM [ARGS...] */
	struct writer	*dump;		/* -w (writer.h), or NULL: run_new
					   takes it, whatever happens */
	bool		stdin_pass;	/* PROGRAM reads synfin's stdin */
	bool		quiet;		/* no first line on stderr */
};

struct run;
struct engine;
struct writer;

/*
 * Set up the namespace, the capture and the tracer (which starts the
 * programs).  Privileges are dropped before it returns.  Returns NULL
 * with a message; *perm says it was for lack of capture rights.
 */
struct run	*run_new(const struct run_opts *, int *perm, char *err,
		    size_t len);
/* Ends whatever still runs (nothing is left behind), frees. */
void		 run_free(struct run *);

/* Run into `sink` until PROGRAM has exited.  0, or -1 with a message. */
int		 run_run(struct run *, struct sink *sink, char *err,
		    size_t len);

/* For a UI: one descriptor to poll, and one step of work when ready. */
int		 run_fd(const struct run *);
void		 run_start(struct run *, struct engine *);
int		 run_service(struct run *);	/* 0 go on, 1 done, -1 */

/*
 * PROGRAM's exit status as strace gives it (its code, or 128+signal),
 * or -1 when it did not end on its own.
 */
int		 run_exit_status(const struct run *);
/* A signal that stopped synfin itself (SIGINT ...), or 0. */
int		 run_signal(const struct run *);

struct run_stats {
	uint64_t	received;
	uint64_t	dropped;
	uint64_t	calls;
	long long	capeff;		/* CapEff while parsing */
	const char	*where;
};
void		 run_stats(const struct run *, struct run_stats *);

#endif
