/* SPDX-License-Identifier: ISC */
/*
 * The timeline: an append-only log of every event the engine emitted,
 * kept in memory for views (the UI, the diagram exporters) to read and
 * step through.  It is a sink: plug it into an engine, live or replay
 * alike.  Views read through const accessors and never see packet bytes.
 *
 * Invariants: events are stored in emit order and never change once
 * stored (index i is stable); each conn's events are also listed in its
 * own index, with both endpoints' states after each event; pointers to
 * stored events and conns stay valid until timeline_free().  When a cap
 * on events is set and reached, later events are dropped and counted,
 * never the earlier ones (a view's step numbers stay valid).
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "ev.h"

struct tl_step {
	uint32_t	ev;		/* index into the whole timeline */
	enum tcp_state	st[2];		/* both endpoints after it (TCP) */
};

struct tl_conn {
	struct conn_info info;
	uint64_t	packets;
	uint64_t	bytes[2];	/* by enum ev_dir */
	uint8_t		completeness;	/* as far as seen (final once over) */
	bool		over;		/* its summary arrived */
	struct ev_summary sum;		/* valid when over */
	enum tcp_state	st[2];		/* now: after its latest event */
	size_t		nsteps;
	struct tl_step	*steps;		/* its events, in order */
	size_t		capsteps;
};

struct timeline;

/* max_events 0: no cap. */
struct timeline	*timeline_new(size_t max_events);
void		 timeline_free(struct timeline *);
/* The sink to give the engine; owned by the timeline. */
struct sink	*timeline_sink(struct timeline *);

size_t		 timeline_len(const struct timeline *);
const struct ev	*timeline_at(const struct timeline *, size_t i);
size_t		 timeline_dropped(const struct timeline *);

size_t		 timeline_nconns(const struct timeline *);
/* The idx'th conn in order of appearance (id order). */
const struct tl_conn *timeline_conn(const struct timeline *, size_t idx);
const struct tl_conn *timeline_conn_by_id(const struct timeline *,
		    uint32_t id);

/*
 * Both endpoints' states of conn `c` just before its step `n` (n ==
 * c->nsteps: now).  Step 0 gives the states before its first event.
 */
void		 timeline_states_before(const struct tl_conn *c, size_t n,
		    enum tcp_state st[2]);

#endif
