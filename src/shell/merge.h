/* SPDX-License-Identifier: ISC */
/*
 * The merge of a run's inputs into one time order, for demo and run.
 * Frames (stamped by the kernel as they are received on lo) and socket
 * calls (stamped by whoever made or traced them, same clock) reach
 * synfin in no reliable order: a call's report may come after the SYN
 * it caused.  Both wait here, sorted by time, and leave for the engine
 * only once they are `window` old, and never past a call that has begun
 * but not returned (it keeps its place by its start time).  A call that
 * stays open longer than `hold` (when not 0) stops holding the others:
 * it is then placed at the time it returns.  The ordering is the core's
 * (tmerge.h); this file gives it the shell's types.
 */
#ifndef MERGE_H
#define MERGE_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "ev.h"
#include "kstate.h"
#include "peer.h"

struct engine;
struct merge;

struct merge	*merge_new(int64_t window_ns, int64_t hold_ns);
void		 merge_free(struct merge *);

/* A captured frame; its bytes are copied. */
void		 merge_frame(struct merge *, const struct capture_frame *);
/*
 * A call's report: PEER_START (it has begun, its END follows with the
 * same side and step) or PEER_END (it returned; alone, it is placed at
 * its ts_ns).  `now` is the realtime clock.
 */
void		 merge_call(struct merge *, const struct peer_msg *);
/* A program's output line (run), placed at ts_ns; the text is copied. */
void		 merge_output(struct merge *, int64_t ts_ns,
		     const struct ev_output *);

/* The kernel's state of a socket (kstate_poll()), read at ts_ns. */
void		 merge_kstate(struct merge *, int64_t ts_ns,
		     const struct kstate_sock *);

/*
 * Hand the engine what is old enough at `now` (realtime ns), or
 * everything when `all` (an open call is then reported as interrupted).
 */
void		 merge_flush(struct merge *, struct engine *, int64_t now,
		     bool all);
/* Whether some call has begun and not returned. */
bool		 merge_calls_open(const struct merge *);
/* When the next item may leave (realtime ns), or -1: none waits. */
int64_t		 merge_deadline(const struct merge *);

/* The earlier of two deadlines (ns; -1: none). */
int64_t		 merge_earlier(int64_t a, int64_t b);
/* Arm timerfd tfd for deadline `when` (realtime ns, as `now`), at least
 * 1 ms ahead; -1 leaves it as it is.  demo and run wake this way. */
void		 merge_arm(int tfd, int64_t when, int64_t now);

#endif
