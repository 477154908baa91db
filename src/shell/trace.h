/* SPDX-License-Identifier: ISC */
/*
 * synfin run's tracer: a process of its own that starts the programs
 * (the --server command, then PROGRAM), traces their socket calls and
 * those of all their children with ptrace and a seccomp filter (only
 * the traced system calls stop them, as strace --seccomp-bpf does), and
 * reports each call as a struct peer_msg on a pipe: the same message the
 * demo's peers send, so calls reach the same merge and engine.  x86_64
 * only (the filter checks the architecture).
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ev.h"

struct trace_opts {
	const char	*server;	/* --server CMD for /bin/sh -c; or NULL */
	char *const	*argv;		/* PROGRAM and its arguments */
	int		out[2][2];	/* by enum ev_side: stdout, stderr */
	int		in;		/* PROGRAM's standard input; -1: none */
	int		listen_wait_ms;	/* at most, for CMD to listen */
	int		grace_ms;	/* from SIGTERM to SIGKILL */
};

/* Whether this build and machine can trace (x86_64). */
bool	trace_supported(void);

/*
 * Fork the tracer.  It drops root and every capability at once (the
 * programs run as sandbox_target()'s user), starts CMD, waits until it
 * listens (a LISTEN socket or a bound UDP socket) or listen_wait_ms,
 * starts PROGRAM, reports every traced call, and when PROGRAM has
 * exited ends CMD (SIGTERM, then SIGKILL after grace_ms) and reports
 * PEER_EXIT with PROGRAM's wait status.  Killing the tracer kills every
 * program (PTRACE_O_EXITKILL).  Returns its pid and *msg_fd, or -1 with
 * a message.
 */
pid_t	trace_spawn(const struct trace_opts *, int *msg_fd, char *err,
	    size_t len);

#endif
