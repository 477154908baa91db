/* SPDX-License-Identifier: ISC */
/*
 * The timeline: an append-only log of every event the engine emitted,
 * kept in memory for views (the UI, the diagram exporters) to read and
 * step through.  It is a sink: plug it into an engine, live or replay
 * alike.  Views read through const accessors and never see packet bytes.
 *
 * Invariants: events are stored in emit order and never change once
 * stored; index i is absolute and stable (it names the same event for the
 * timeline's whole life).  Each conn's events are also listed in its own
 * index, with both endpoints' states after each event.
 *
 * Memory cap: when the memory budget (TL_BUDGET) or a cap on events is
 * reached, the OLDEST events are evicted, a whole chunk at a time, in
 * O(1) amortised per event, so that no more than the cap are ever held; timeline_first() is then the oldest index still held and
 * timeline_evicted() how many are gone.  Accessors return NULL for an
 * evicted index.  A conn's steps drop their evicted entries (steps[0] is
 * its oldest held step), and a conn that is over and has no step left is
 * evicted too (timeline_conn() gives NULL for it); a conn still open stays,
 * with its figures, however old its events (the engine's flow cap bounds
 * how many are open).  Replay, live and demo use the same mechanism: the
 * timeline always holds the newest events.  Pointers to held events and
 * conns stay valid until they are evicted or timeline_free().
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "ev.h"

struct tl_step {
	size_t		ev;		/* index into the whole timeline */
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
	size_t		nsteps;		/* held */
	struct tl_step	*steps;		/* its held events, in order */
	size_t		nevicted;	/* its steps evicted before steps[0] */
	enum tcp_state	st0[2];		/* both endpoints before steps[0] */
	/* timeline.c's own: steps lives in stepbuf[0..capsteps) */
	struct tl_step	*stepbuf;
	size_t		capsteps;
};

struct timeline;

/*
 * Payload: a packet event keeps a copy of at most TL_PAYLOAD_MAX bytes
 * of its payload (ev_packet.payload, .paycap; .len says how many there
 * were), and all those copies together stay under a budget
 * (TL_PAYLOAD_BUDGET unless set): past it, the oldest events are evicted
 * as under the cap on events.
 */
#define TL_PAYLOAD_MAX		512
#define TL_PAYLOAD_BUDGET	((size_t)64 << 20)

/*
 * Memory by budget: what the held events cost in all (each event, its
 * step, its payload copy and strings, the conns and their step arrays)
 * stays under TL_BUDGET unless set otherwise; past it the oldest events
 * are evicted as under the cap on events.
 */
#define TL_BUDGET		((size_t)256 << 20)

/* max_events 0: no cap; otherwise at most that many are held. */
struct timeline	*timeline_new(size_t max_events);
/* The payload bytes held at most (tests lower it). */
void		 timeline_set_payload_budget(struct timeline *, size_t bytes);
/* The memory budget in bytes (0: none; set before the first event), and
 * what is held now. */
void		 timeline_set_budget(struct timeline *, size_t bytes);
size_t		 timeline_bytes(const struct timeline *);
void		 timeline_free(struct timeline *);
/* The sink to give the engine; owned by the timeline. */
struct sink	*timeline_sink(struct timeline *);

/* One past the newest index: events ever stored. */
size_t		 timeline_len(const struct timeline *);
/* The oldest index still held (0 until the cap evicts). */
size_t		 timeline_first(const struct timeline *);
/* Event i, or NULL when i is evicted or not stored yet. */
const struct ev	*timeline_at(const struct timeline *, size_t i);
/* Events evicted to stay under the cap (timeline_first()). */
size_t		 timeline_evicted(const struct timeline *);

/* Conns ever seen: one past the highest conn index. */
size_t		 timeline_nconns(const struct timeline *);
/* The oldest conn index still held (timeline_nconns(): none). */
size_t		 timeline_conn_first(const struct timeline *);
/* Conns evicted with their events. */
size_t		 timeline_conns_evicted(const struct timeline *);
/*
 * The conns held, in id order, without the holes evicted ones leave:
 * how many, the k'th (k < that), and how many come before conn idx (its
 * place in that order, for a list that scrolls over them).
 */
size_t		 timeline_conns_held(const struct timeline *);
const struct tl_conn *timeline_conn_held(const struct timeline *, size_t k);
size_t		 timeline_conn_rank(const struct timeline *, size_t idx);
/*
 * The idx'th conn in order of appearance (id order, idx = id - 1), or
 * NULL when it is evicted or unknown.
 */
const struct tl_conn *timeline_conn(const struct timeline *, size_t idx);
const struct tl_conn *timeline_conn_by_id(const struct timeline *,
		    uint32_t id);

/*
 * Both endpoints' states of conn `c` just before its held step `n` (n ==
 * c->nsteps: now).  Step 0 gives the states before its oldest held event
 * (before its first event, when none is evicted).
 */
void		 timeline_states_before(const struct tl_conn *c, size_t n,
		    enum tcp_state st[2]);

#endif
