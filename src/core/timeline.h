/* SPDX-License-Identifier: ISC */
/*
 * The timeline: every step the engine emitted, kept in memory for views
 * (the UI, the diagram exporters) to read and step through.  It is a sink:
 * plug it into an engine, live or replay alike.
 *
 * The stored unit is the step: a segment or datagram with the state
 * changes it caused folded in, a socket call, an ICMP error, a warning,
 * a conn's first and last word (EV_CONN, EV_SUMMARY), program output, a
 * kernel state.  An EV_STATE the engine emits is not a step of its own:
 * it is attached to the step of the segment that caused it (ev_state.
 * frame), even when the engine decided it later, after other steps
 * (ev.h); only a change whose segment is gone or too far back (or a
 * timeout's) is stored as its own EV_STATE step.  timeline_changes()
 * gives a step's changes, in the order they happened.
 *
 * Storage: 48 bytes of hot fields per step, in chunks of steps; what
 * few steps have (options, relative numbers that differ from the conn's,
 * call arguments, strings, the changes) in the chunk's cold arena, and
 * payload copies in a payload arena of the chunk.  Index i is absolute
 * and stable: it names the same step for the timeline's whole life.
 * Each step links to its conn's step before it (4 bytes beside its hot
 * part), so storing a step costs no per-conn list; a conn knows its newest
 * step (c->last) and how many it holds (c->nsteps), and
 * timeline_conn_steps() lists them in order, for O(1) access by the conn's
 * own index: the list is made when first asked for and extended on later
 * calls with the steps stored since.
 *
 * Memory by budget: when what is held (steps, arenas, conns and their
 * lists) passes the budget (TL_BUDGET), or a cap on steps is reached,
 * the OLDEST steps are evicted a whole chunk at a time, in O(1)
 * amortised per step; timeline_first() is then the oldest index still
 * held and timeline_evicted() how many are gone.  timeline_get() gives
 * NULL for an evicted index.  A conn's steps drop their evicted entries,
 * and a conn that is over and has no step left is evicted too; a conn
 * still open stays.  Payload copies have a budget of their own
 * (TL_PAYLOAD_BUDGET): past it, the oldest chunks' payload copies go
 * (the steps stay; their ev_packet.payload is NULL and paycap 0, and
 * timeline_payload_dropped() says how many copies went).  A timeline
 * given a payload source (a replayed file that can be read again) keeps
 * no copy at all: timeline_get_payload() reads the bytes again.  Pointers a
 * decoded step holds (its conn, strings) stay valid until the step is
 * evicted; its payload until its payload copy goes.
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"

struct tl_conn {
	struct conn_info info;
	uint64_t	packets;
	uint64_t	bytes[2];	/* by enum ev_dir */
	uint8_t		completeness;	/* as far as seen (final once over) */
	bool		over;		/* its summary arrived */
	struct ev_summary sum;		/* valid when over */
	enum tcp_state	st[2];		/* now: after its latest event */
	size_t		nsteps;		/* held */
	size_t		last;		/* its newest step (when nsteps > 0) */
	size_t		nevicted;	/* its steps evicted before the held */
	enum tcp_state	st0[2];		/* both endpoints before its oldest
					   held step */
	/*
	 * Changes made to its steps after they were stored (a state change
	 * the engine decided later, attached to the step that caused it):
	 * a count.  A changed step is always among the TL_LATE_REACH newest
	 * of the conn at the time, so a view that keeps rows and sees the
	 * count move re-reads the rows from the step TL_LATE_REACH before
	 * the conn's newest when it last looked.
	 */
	uint64_t	nmods;
	/* timeline.c's own */
	size_t		*list;		/* timeline_conn_steps(): its oldest
					   nlist held steps, from list[list0] */
	size_t		list0, nlist, caplist;
	uint32_t	base[2];	/* by enum ev_dir: seq - rseq, ack - */
	uint32_t	abase[2];	/* rack of the first segment that way */
	uint8_t		based;		/* bits: base[d] (1 << d), abase[d]
					   (4 << d) are set */
};

struct timeline;

/*
 * Payload: a packet step keeps a copy of at most TL_PAYLOAD_MAX bytes of
 * its payload (ev_packet.payload, .paycap; .len says how many there
 * were), and all those copies together stay under a budget
 * (TL_PAYLOAD_BUDGET unless set): past it, the oldest copies go, a
 * chunk's at a time; the steps stay.  ev_packet.caplen is not kept (0).
 */
#define TL_PAYLOAD_MAX		512
#define TL_PAYLOAD_BUDGET	((size_t)8 << 20)

/*
 * Memory by budget: what the held events cost in all (each event, its
 * step, its payload copy and strings, the conns and their step arrays)
 * stays under TL_BUDGET unless set otherwise; past it the oldest events
 * are evicted as under the cap on events.
 */
#define TL_BUDGET		((size_t)256 << 20)

/* How far back (in a conn's steps) a late change may land. */
#define TL_LATE_REACH		256

/* max_events 0: no cap; otherwise at most that many are held. */
struct timeline	*timeline_new(size_t max_events);
/* The payload bytes held at most (tests lower it). */
void		 timeline_set_payload_budget(struct timeline *, size_t bytes);
/*
 * A payload source: reads the payload of the packet of frame `frame`,
 * stamped ts_ns, again, at most cap bytes into buf; returns how many, or
 * -1 when it cannot (the file changed).  Set before the first event, the
 * timeline keeps no payload copy: timeline_get_payload() asks it.
 */
typedef long	(*tl_payload_fn)(void *arg, uint64_t frame, int64_t ts_ns,
		    uint8_t *buf, size_t cap);
void		 timeline_set_payload_source(struct timeline *,
		    tl_payload_fn, void *arg);
bool		 timeline_has_payload_source(const struct timeline *);
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
/*
 * Step i as an event, written to *buf (returned), or NULL when i is
 * evicted or not stored yet.  A packet's ev_packet.st_after are both
 * endpoints' states after it, its changes included.
 */
const struct ev	*timeline_get(const struct timeline *, size_t i,
		    struct ev *buf);
/*
 * The same, with a packet's payload read again from the payload source
 * where the timeline keeps no copy (ev_packet.payunread when that
 * failed).  Those bytes stay valid while fewer than TL_PAYCACHE other
 * packets' are read.
 */
#define TL_PAYCACHE	256	/* more than a terminal shows rows */
const struct ev	*timeline_get_payload(const struct timeline *, size_t i,
		    struct ev *buf);
/*
 * The state changes step i caused, in the order they happened (a
 * standalone EV_STATE step gives its own first, then any folded into it
 * because its conn had no other step held): writes at most max of them
 * to out and returns how many there are.
 */
size_t		 timeline_changes(const struct timeline *, size_t i,
		    struct ev_state *out, size_t max);
/*
 * The held steps to a sink, in order, each followed by the state changes
 * folded into it (as EV_STATE events): what the engine emitted,
 * but for where late changes come (right after their step) and caplen.
 */
#define TL_REPLAY_CHG	16
void		 timeline_replay(const struct timeline *, struct sink *);
/* Steps evicted to stay under the cap (timeline_first()). */
size_t		 timeline_evicted(const struct timeline *);
/* The held steps of no conn (calls made before their conn existed,
 * warnings), in order: *n of them. */
const size_t	*timeline_loose(const struct timeline *, size_t *n);
/* Payload copies dropped to stay under the payload budget. */
size_t		 timeline_payload_dropped(const struct timeline *);

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
 * Conn c's held steps, oldest first, as timeline indices (c->nsteps of
 * them).  The list is made on the first call and extended with the steps
 * stored since on later ones (a cache inside the timeline: hence const);
 * valid until the next event is stored.
 */
const size_t	*timeline_conn_steps(const struct timeline *,
		    const struct tl_conn *c);
/* The first of conn c's held steps at or after timeline index i (its
 * place in timeline_conn_steps(); c->nsteps: none). */
size_t		 timeline_conn_step(const struct timeline *,
		    const struct tl_conn *c, size_t i);
/*
 * Both endpoints' states of conn `c` just before its held step `n` (n ==
 * c->nsteps: now).  Step 0 gives the states before its oldest held event
 * (before its first event, when none is evicted).
 */
void		 timeline_states_before(const struct timeline *,
		    const struct tl_conn *c, size_t n, enum tcp_state st[2]);

#endif
