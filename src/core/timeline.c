/* SPDX-License-Identifier: ISC */
/* The timeline: every event, stored in order, indexed per conn. */

#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "xmalloc.h"

/*
 * Events live in fixed-size chunks so that growing the log never moves
 * what a view holds a pointer to, and so that the memory cap frees the
 * oldest events a chunk at a time.  chunks[k] holds the events from
 * first + k * csz; first is always a multiple of csz.  Strings an event
 * points to (warning messages) and a packet's payload (its first
 * TL_PAYLOAD_MAX bytes) are copied into memory the timeline owns and
 * freed with their event; conn pointers are rewritten to the
 * timeline's own copies.
 *
 * Conns are found by id in O(1): slot[s0 + id - base] is conn `id`, or
 * NULL once it is evicted; the slots before the oldest held conn are
 * dropped as it goes (s0 advances), so the slots span the ids from the
 * oldest held conn to the newest.  A Fenwick tree over the slots counts
 * the held conns before a slot, for the list view's k'th held conn and a
 * conn's rank in O(log n); eviction never walks the conns.
 *
 * Memory by budget: `bytes` counts what the held events cost (the event,
 * its step, its payload copy and strings, the conns and their step
 * arrays); past the budget the oldest chunk goes, as past the cap on
 * events.
 */
#define TL_CHUNK	4096

struct timeline {
	struct sink	sink;
	size_t		max;		/* events held at most; 0: no cap */
	size_t		csz;		/* events per chunk */
	size_t		first;		/* oldest index held */
	size_t		n;		/* next index */
	struct ev	**chunks;
	size_t		nchunks;
	size_t		capchunks;
	struct ev	*spare;		/* an evicted chunk, for reuse */
	struct tl_conn	**slot;		/* by id, from slot[s0] = base */
	uint32_t	*fen;		/* Fenwick tree over slot presence */
	size_t		s0;		/* slot of id `base` */
	size_t		nslot;		/* slots in use from s0 */
	size_t		capslot;
	uint32_t	base;		/* id of slot[s0] */
	size_t		nconns;		/* held */
	uint32_t	maxid;		/* highest id seen */
	size_t		conns_evicted;
	size_t		paybytes;	/* payload copies held */
	size_t		paybudget;	/* ... at most */
	size_t		bytes;		/* memory the held events cost */
	size_t		budget;		/* ... at most; 0: no budget */
};

static struct tl_conn *
timeline_conn_of(const struct ev *e)
{
	/* Stored events point at a tl_conn's info. */
	return (struct tl_conn *)(void *)((char *)(uintptr_t)e->conn -
	    offsetof(struct tl_conn, info));
}

/* The slot of the next event, in a new chunk when the last is full. */
static struct ev *
timeline_slot(struct timeline *tl)
{
	size_t k = (tl->n - tl->first) / tl->csz;

	if (k >= tl->nchunks) {
		if (tl->nchunks == tl->capchunks) {
			tl->capchunks = tl->capchunks ? tl->capchunks * 2 : 8;
			tl->chunks = xreallocarray(tl->chunks, tl->capchunks,
			    sizeof *tl->chunks);
		}
		if (tl->spare != NULL) {
			tl->chunks[tl->nchunks] = tl->spare;
			tl->spare = NULL;
		} else
			tl->chunks[tl->nchunks] = xreallocarray(NULL, tl->csz,
			    sizeof (struct ev));
		tl->nchunks++;
	}
	return &tl->chunks[k][tl->n % tl->csz];
}

/* ---------------------------------------------------- conns by id */

static void
timeline_fen_add(struct timeline *tl, size_t p, int d)
{
	for (p++; p <= tl->capslot; p += p & -p)
		tl->fen[p] = (uint32_t)((int64_t)tl->fen[p] + d);
}

/* Held conns in slots [0, p). */
static size_t
timeline_fen_sum(const struct timeline *tl, size_t p)
{
	size_t n = 0;

	for (; p > 0; p -= p & -p)
		n += tl->fen[p];
	return n;
}

/* The slot of the k'th held conn (k < nconns). */
static size_t
timeline_fen_kth(const struct timeline *tl, size_t k)
{
	size_t p = 0, step = 1;

	while (step * 2 <= tl->capslot)
		step *= 2;
	for (; step > 0; step /= 2) {
		if (p + step <= tl->capslot && tl->fen[p + step] <= k) {
			p += step;
			k -= tl->fen[p];
		}
	}
	return p;
}

static void
timeline_fen_build(struct timeline *tl)
{
	size_t p, q;

	memset(tl->fen, 0, (tl->capslot + 1) * sizeof *tl->fen);
	for (p = 1; p <= tl->capslot; p++) {
		if (tl->slot[p - 1] != NULL)
			tl->fen[p]++;
		q = p + (p & -p);
		if (q <= tl->capslot)
			tl->fen[q] += tl->fen[p];
	}
}

static struct tl_conn *
timeline_find(const struct timeline *tl, uint32_t id)
{
	if (id < tl->base || id == 0 || (size_t)(id - tl->base) >= tl->nslot)
		return NULL;
	return tl->slot[tl->s0 + (id - tl->base)];
}

/* Room for slots up to id (> every id held): slide or grow, rebuild. */
static void
timeline_slots_reach(struct timeline *tl, uint32_t id)
{
	size_t need = (size_t)(id - tl->base) + 1, cap;

	if (tl->s0 + need <= tl->capslot)
		return;
	if (tl->s0 > 0 && need <= tl->capslot / 2) {
		memmove(tl->slot, tl->slot + tl->s0,
		    tl->nslot * sizeof *tl->slot);
		memset(tl->slot + tl->nslot, 0,
		    (tl->capslot - tl->nslot) * sizeof *tl->slot);
		tl->s0 = 0;
	} else {
		cap = tl->capslot ? tl->capslot : 64;
		while (cap < need * 2)
			cap *= 2;
		if (tl->s0 > 0)
			memmove(tl->slot, tl->slot + tl->s0,
			    tl->nslot * sizeof *tl->slot);
		tl->s0 = 0;
		tl->slot = xreallocarray(tl->slot, cap, sizeof *tl->slot);
		memset(tl->slot + tl->nslot, 0,
		    (cap - tl->nslot) * sizeof *tl->slot);
		tl->fen = xreallocarray(tl->fen, cap + 1, sizeof *tl->fen);
		tl->capslot = cap;
	}
	timeline_fen_build(tl);
}

/* Slots from id (< base) on: the rare conn older than all held. */
static void
timeline_slots_front(struct timeline *tl, uint32_t id)
{
	size_t more = tl->base - id, cap = tl->capslot;

	while (cap < tl->nslot + more + 1)
		cap *= 2;
	if (cap != tl->capslot) {
		tl->slot = xreallocarray(tl->slot, cap, sizeof *tl->slot);
		memset(tl->slot + tl->capslot, 0,
		    (cap - tl->capslot) * sizeof *tl->slot);
		tl->fen = xreallocarray(tl->fen, cap + 1, sizeof *tl->fen);
		tl->capslot = cap;
	}
	memmove(tl->slot + more, tl->slot + tl->s0,
	    tl->nslot * sizeof *tl->slot);
	memset(tl->slot, 0, more * sizeof *tl->slot);
	memset(tl->slot + more + tl->nslot, 0,
	    (tl->capslot - more - tl->nslot) * sizeof *tl->slot);
	tl->s0 = 0;
	tl->nslot += more;
	tl->base = id;
	timeline_fen_build(tl);
}

static struct tl_conn *
timeline_add_conn(struct timeline *tl, const struct conn_info *ci)
{
	struct tl_conn *c;
	size_t p;

	if (ci->id == 0)
		return NULL;
	if ((c = timeline_find(tl, ci->id)) != NULL)
		return c;
	/* Ids come in order from 1, one conn event each; anything else
	 * (hand-made events) still works, at a cost. */
	if (tl->nconns > 0 && ci->id < tl->base)
		timeline_slots_front(tl, ci->id);
	if (tl->nconns == 0) {
		/* Nothing held: the slots start again at this id. */
		tl->s0 = 0;
		tl->nslot = 0;
		tl->base = ci->id;
		if (tl->capslot > 0) {
			memset(tl->slot, 0, tl->capslot * sizeof *tl->slot);
			memset(tl->fen, 0, (tl->capslot + 1) *
			    sizeof *tl->fen);
		}
	}
	timeline_slots_reach(tl, ci->id);
	c = xcalloc(1, sizeof *c);
	c->info = *ci;
	c->st[0] = c->st0[0] = ci->init[0];
	c->st[1] = c->st0[1] = ci->init[1];
	p = tl->s0 + (ci->id - tl->base);
	tl->slot[p] = c;
	timeline_fen_add(tl, p, 1);
	if ((size_t)(ci->id - tl->base) + 1 > tl->nslot)
		tl->nslot = (size_t)(ci->id - tl->base) + 1;
	tl->nconns++;
	tl->bytes += sizeof *c;
	if (ci->id > tl->maxid)
		tl->maxid = ci->id;
	return c;
}

static void
timeline_add_step(struct timeline *tl, struct tl_conn *c, size_t ev)
{
	size_t off = 0;

	if (c->stepbuf != NULL)
		off = (size_t)(c->steps - c->stepbuf);
	if (off + c->nsteps == c->capsteps) {
		if (off > 0 && off >= c->capsteps / 2) {
			/* Half the buffer is evicted steps: slide down. */
			memmove(c->stepbuf, c->steps,
			    c->nsteps * sizeof *c->steps);
		} else {
			tl->bytes -= c->capsteps * sizeof *c->stepbuf;
			c->capsteps = c->capsteps ? c->capsteps * 2 : 16;
			tl->bytes += c->capsteps * sizeof *c->stepbuf;
			c->stepbuf = xreallocarray(c->stepbuf, c->capsteps,
			    sizeof *c->stepbuf);
			if (off > 0)
				memmove(c->stepbuf, c->stepbuf + off,
				    c->nsteps * sizeof *c->stepbuf);
		}
		off = 0;
	}
	c->steps = c->stepbuf + off;
	c->steps[c->nsteps].ev = ev;
	c->steps[c->nsteps].st[0] = c->st[0];
	c->steps[c->nsteps].st[1] = c->st[1];
	c->nsteps++;
}

/* Conn c's oldest step was evicted.  Returns true when nothing is left. */
static bool
timeline_evict_step(struct timeline *tl, struct tl_conn *c)
{
	struct tl_step *buf;
	size_t off;

	c->st0[0] = c->steps[0].st[0];
	c->st0[1] = c->steps[0].st[1];
	c->steps++;
	c->nsteps--;
	c->nevicted++;
	if (c->nsteps == 0) {
		tl->bytes -= c->capsteps * sizeof *c->stepbuf;
		free(c->stepbuf);
		c->stepbuf = c->steps = NULL;
		c->capsteps = 0;
		return c->over;
	}
	/* Give memory back when most of the buffer is dead. */
	off = (size_t)(c->steps - c->stepbuf);
	if (c->capsteps > 64 && off >= c->capsteps / 2 &&
	    c->nsteps <= c->capsteps / 4) {
		buf = xreallocarray(NULL, c->capsteps / 2, sizeof *buf);
		memcpy(buf, c->steps, c->nsteps * sizeof *buf);
		free(c->stepbuf);
		c->stepbuf = c->steps = buf;
		tl->bytes -= (c->capsteps - c->capsteps / 2) * sizeof *buf;
		c->capsteps /= 2;
	}
	return false;
}

static void
timeline_conn_free(struct tl_conn *c)
{
	if (c != NULL)
		free(c->stepbuf);
	free(c);
}

/* Forget conn c, over and without an event left: its slot empties,
 * and the slots before the oldest held conn go. */
static void
timeline_evict_conn(struct timeline *tl, struct tl_conn *c)
{
	size_t p = tl->s0 + (c->info.id - tl->base);

	tl->slot[p] = NULL;
	timeline_fen_add(tl, p, -1);
	tl->nconns--;
	tl->conns_evicted++;
	tl->bytes -= sizeof *c;
	timeline_conn_free(c);
	while (tl->nslot > 0 && tl->slot[tl->s0] == NULL) {
		tl->s0++;
		tl->nslot--;
		tl->base++;
	}
}

/* The bytes of a message that a copy keeps (its string arguments'
 * unused room is not copied). */
static size_t
timeline_msg_size(const struct msg *m)
{
	return offsetof(struct msg, text) + m->used;
}

/* What a held event costs (timeline_emit() adds the same). */
static size_t
timeline_ev_cost(const struct ev *e)
{
	size_t n = sizeof *e;

	if (e->type == EV_WARNING && e->u.warn.msg != NULL)
		n += timeline_msg_size(e->u.warn.msg);
	if (e->type == EV_OUTPUT && e->u.out.text != NULL)
		n += strlen(e->u.out.text) + 1;
	if (e->type == EV_PACKET)
		n += e->u.pkt.paycap;
	return n;
}

/* The cap is reached: the oldest chunk goes, whole. */
static void
timeline_evict_chunk(struct timeline *tl)
{
	struct ev *ch = tl->chunks[0], *e;
	struct tl_conn *c;
	size_t i;

	for (i = 0; i < tl->csz; i++) {
		e = &ch[i];
		tl->bytes -= timeline_ev_cost(e);
		/* A conn's steps are its events in order: when this was its
		 * last, no later event of the chunk names it. */
		if (e->conn != NULL && timeline_evict_step(tl,
		    c = timeline_conn_of(e)))
			timeline_evict_conn(tl, c);
		if (e->type == EV_WARNING)
			free((struct msg *)(uintptr_t)e->u.warn.msg);
		if (e->type == EV_PACKET && e->u.pkt.payload != NULL) {
			tl->paybytes -= e->u.pkt.paycap;
			free((uint8_t *)(uintptr_t)e->u.pkt.payload);
		}
		if (e->type == EV_OUTPUT)
			free((char *)(uintptr_t)e->u.out.text);
	}
	tl->first += tl->csz;
	tl->nchunks--;
	memmove(&tl->chunks[0], &tl->chunks[1],
	    tl->nchunks * sizeof *tl->chunks);
	if (tl->spare == NULL)
		tl->spare = ch;
	else
		free(ch);
}

/* How far back a late state change or mark looks for its packet. */
#define TL_ATTACH_MAX	256

static struct ev *
timeline_ev_mut(struct timeline *tl, size_t i)
{
	return &tl->chunks[(i - tl->first) / tl->csz][i % tl->csz];
}

/*
 * A state change the engine decided after later events (ev.h): it
 * belongs to the step of the packet that caused it, or, when the
 * endpoint moved since (its own segment, sent before it processed that
 * packet), to the first step where it was in `from`.  Every step from
 * there on, and the stored packets' st_after, get the new state.  The
 * step just added (the state event's own) is the last.
 */
static void
timeline_attach_state(struct timeline *tl, struct tl_conn *c,
    const struct ev_state *s)
{
	struct ev *pe;
	size_t k, at, stop;
	int side = s->endpoint == EV_CLIENT ? 0 : 1;

	if (c->nsteps < 2)
		return;
	stop = c->nsteps - 1 > TL_ATTACH_MAX ? c->nsteps - 1 - TL_ATTACH_MAX :
	    0;
	at = c->nsteps - 1;
	for (k = c->nsteps - 1; k > stop; k--) {
		if (c->steps[k - 1].st[side] != s->from)
			break;
		at = k - 1;
		pe = timeline_ev_mut(tl, c->steps[k - 1].ev);
		if (pe->type == EV_PACKET && pe->u.pkt.frame == s->frame)
			break;
	}
	for (k = at; k < c->nsteps; k++) {
		c->steps[k].st[side] = s->to;
		pe = timeline_ev_mut(tl, c->steps[k].ev);
		if (pe->type == EV_PACKET)
			pe->u.pkt.st_after[side] = s->to;
	}
}

/*
 * The engine learnt that an endpoint's state before the first packet was
 * not what it guessed (a server that answers a SYN with RST never
 * listened): the steps that still show the guess show the truth.
 */
static void
timeline_fix_init(struct timeline *tl, struct tl_conn *c,
    const struct conn_info *ci)
{
	struct ev *pe;
	size_t k;
	int side;

	for (side = 0; side < 2; side++) {
		if (ci->init[side] == c->info.init[side])
			continue;
		if (c->nevicted == 0 && c->st0[side] == c->info.init[side])
			c->st0[side] = ci->init[side];
		for (k = 0; k < c->nsteps && k < TL_ATTACH_MAX &&
		    c->steps[k].st[side] == c->info.init[side]; k++) {
			c->steps[k].st[side] = ci->init[side];
			pe = timeline_ev_mut(tl, c->steps[k].ev);
			if (pe->type == EV_PACKET)
				pe->u.pkt.st_after[side] = ci->init[side];
		}
		if (c->st[side] == c->info.init[side])
			c->st[side] = ci->init[side];
		c->info.init[side] = ci->init[side];
	}
}

/* A segment its receiver did not process, known only now. */
static void
timeline_mark_unprocessed(struct timeline *tl, struct tl_conn *c,
    uint64_t frame)
{
	struct ev *pe;
	size_t k, n = 0;

	for (k = c->nsteps; k > 0 && n < TL_ATTACH_MAX; k--, n++) {
		pe = timeline_ev_mut(tl, c->steps[k - 1].ev);
		if (pe->type == EV_PACKET && pe->u.pkt.frame == frame) {
			pe->u.pkt.analysis |= AN_NOT_PROCESSED;
			return;
		}
	}
}

static void
timeline_emit(struct sink *sink, const struct ev *e)
{
	struct timeline *tl = (struct timeline *)sink;
	struct tl_conn *c = NULL;
	struct ev *slot;

	uint32_t keep = 0;

	if (e->type == EV_PACKET && e->u.pkt.payload != NULL)
		keep = e->u.pkt.paycap < TL_PAYLOAD_MAX ? e->u.pkt.paycap :
		    TL_PAYLOAD_MAX;
	/* First, so that no conn this event names is freed under it. */
	if (tl->max != 0 && tl->n - tl->first >= tl->max)
		timeline_evict_chunk(tl);
	/* Full chunks only: the one being filled stays. */
	while (tl->paybytes + keep > tl->paybudget &&
	    tl->n - tl->first >= tl->csz)
		timeline_evict_chunk(tl);
	while (tl->budget != 0 && tl->bytes + sizeof *e + keep >
	    tl->budget && tl->n - tl->first >= tl->csz)
		timeline_evict_chunk(tl);
	if (e->type == EV_CONN && e->conn != NULL)
		c = timeline_add_conn(tl, e->conn);
	else if (e->conn != NULL)
		c = timeline_find(tl, e->conn->id);

	if (c != NULL && e->type != EV_CONN && e->conn->no_socket)
		c->info.no_socket = true;
	if (c != NULL && e->type != EV_CONN && c->info.proto == 6 &&
	    (e->conn->init[0] != c->info.init[0] ||
	    e->conn->init[1] != c->info.init[1]))
		timeline_fix_init(tl, c, e->conn);
	if (c != NULL) {
		switch (e->type) {
		case EV_PACKET:
			c->packets++;
			c->bytes[e->u.pkt.dir] += e->u.pkt.len;
			if (c->info.proto == 6) {
				c->st[0] = e->u.pkt.st_after[0];
				c->st[1] = e->u.pkt.st_after[1];
			}
			break;
		case EV_STATE:
			if (c->info.proto == 6 &&
			    (unsigned)e->u.state.endpoint < 2)
				c->st[e->u.state.endpoint] = e->u.state.to;
			break;
		case EV_SUMMARY:
			c->over = true;
			c->sum = e->u.sum;
			c->completeness = e->u.sum.completeness;
			break;
		default:
			break;
		}
	}
	slot = timeline_slot(tl);
	*slot = *e;
	/*
	 * The engine's conn info lives only during this call: an event of a
	 * conn the timeline does not know (its conn event never came) keeps
	 * no conn rather than a pointer that will dangle.
	 */
	slot->conn = c != NULL ? &c->info : NULL;
	if (e->type == EV_WARNING && e->u.warn.msg != NULL)
		slot->u.warn.msg = memcpy(xmalloc(timeline_msg_size(
		    e->u.warn.msg)), e->u.warn.msg,
		    timeline_msg_size(e->u.warn.msg));
	if (e->type == EV_PACKET) {
		slot->u.pkt.payload = NULL;
		slot->u.pkt.paycap = keep;
		if (keep > 0) {
			slot->u.pkt.payload = xmalloc(keep);
			memcpy((uint8_t *)(uintptr_t)slot->u.pkt.payload,
			    e->u.pkt.payload, keep);
			tl->paybytes += keep;
		}
	}
	if (e->type == EV_OUTPUT)
		slot->u.out.text = xstrdup(e->u.out.text != NULL ?
		    e->u.out.text : "");
	tl->bytes += timeline_ev_cost(slot);
	if (c != NULL) {
		timeline_add_step(tl, c, tl->n);
		if (e->type == EV_STATE && c->info.proto == 6)
			timeline_attach_state(tl, c, &e->u.state);
		else if (e->type == EV_UNPROCESSED)
			timeline_mark_unprocessed(tl, c, e->u.unproc.frame);
	}
	tl->n++;
}

struct timeline *
timeline_new(size_t max_events)
{
	struct timeline *tl = xcalloc(1, sizeof *tl);

	tl->sink.emit = timeline_emit;
	tl->sink.close = NULL;
	tl->max = max_events;
	tl->paybudget = TL_PAYLOAD_BUDGET;
	tl->budget = TL_BUDGET;
	/* A small cap still evicts in steps of an eighth of it. */
	tl->csz = TL_CHUNK;
	if (max_events != 0 && max_events / 8 < TL_CHUNK)
		tl->csz = max_events / 8 > 0 ? max_events / 8 : 1;
	return tl;
}

void
timeline_free(struct timeline *tl)
{
	const struct ev *e;
	size_t i;

	if (tl == NULL)
		return;
	for (i = tl->first; i < tl->n; i++) {
		e = timeline_at(tl, i);
		if (e->type == EV_WARNING)
			free((struct msg *)(uintptr_t)e->u.warn.msg);
		if (e->type == EV_PACKET)
			free((uint8_t *)(uintptr_t)e->u.pkt.payload);
		if (e->type == EV_OUTPUT)
			free((char *)(uintptr_t)e->u.out.text);
	}
	for (i = 0; i < tl->nchunks; i++)
		free(tl->chunks[i]);
	free(tl->chunks);
	free(tl->spare);
	for (i = 0; i < tl->nslot; i++)
		timeline_conn_free(tl->slot[tl->s0 + i]);
	free(tl->slot);
	free(tl->fen);
	free(tl);
}

void
timeline_set_payload_budget(struct timeline *tl, size_t bytes)
{
	tl->paybudget = bytes;
}

void
timeline_set_budget(struct timeline *tl, size_t bytes)
{
	size_t per;

	tl->budget = bytes;
	/* A small budget evicts in steps of an eighth of it too; chunks
	 * keep their size once events are in them. */
	per = bytes / 8 / (sizeof (struct ev) + sizeof (struct tl_step));
	if (tl->n == 0 && bytes != 0 && per < tl->csz)
		tl->csz = per > 0 ? per : 1;
}

size_t
timeline_bytes(const struct timeline *tl)
{
	return tl->bytes;
}

struct sink *
timeline_sink(struct timeline *tl)
{
	return &tl->sink;
}

size_t
timeline_len(const struct timeline *tl)
{
	return tl->n;
}

size_t
timeline_first(const struct timeline *tl)
{
	return tl->first;
}

const struct ev *
timeline_at(const struct timeline *tl, size_t i)
{
	if (i < tl->first || i >= tl->n)
		return NULL;
	return &tl->chunks[(i - tl->first) / tl->csz][i % tl->csz];
}

size_t
timeline_evicted(const struct timeline *tl)
{
	return tl->first;
}

size_t
timeline_nconns(const struct timeline *tl)
{
	return tl->maxid;
}

size_t
timeline_conn_first(const struct timeline *tl)
{
	if (tl->nconns == 0)
		return tl->maxid;
	return tl->base - 1;
}

size_t
timeline_conns_evicted(const struct timeline *tl)
{
	return tl->conns_evicted;
}

size_t
timeline_conns_held(const struct timeline *tl)
{
	return tl->nconns;
}

const struct tl_conn *
timeline_conn_held(const struct timeline *tl, size_t k)
{
	if (k >= tl->nconns)
		return NULL;
	return tl->slot[timeline_fen_kth(tl, k)];
}

size_t
timeline_conn_rank(const struct timeline *tl, size_t idx)
{
	uint32_t id = (uint32_t)(idx + 1);

	if (idx >= tl->maxid || tl->nconns == 0)
		return tl->nconns;
	if (id < tl->base)
		return 0;
	return timeline_fen_sum(tl, tl->s0 + (id - tl->base));
}

const struct tl_conn *
timeline_conn(const struct timeline *tl, size_t idx)
{
	if (idx >= tl->maxid)
		return NULL;
	return timeline_find(tl, (uint32_t)(idx + 1));
}

const struct tl_conn *
timeline_conn_by_id(const struct timeline *tl, uint32_t id)
{
	return timeline_find(tl, id);
}

void
timeline_states_before(const struct tl_conn *c, size_t n,
    enum tcp_state st[2])
{
	if (n == 0 || c->nsteps == 0) {
		st[0] = c->st0[0];
		st[1] = c->st0[1];
		return;
	}
	if (n > c->nsteps)
		n = c->nsteps;
	st[0] = c->steps[n - 1].st[0];
	st[1] = c->steps[n - 1].st[1];
}
