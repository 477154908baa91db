/* SPDX-License-Identifier: ISC */
/* The timeline: every step, stored compactly in order, indexed per conn. */

#include "config.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "xmalloc.h"

/*
 * Steps live in fixed-size chunks so that the memory cap frees the
 * oldest a chunk at a time.  chunks[k] holds the steps from first + k *
 * csz; first is always a multiple of csz.
 *
 * A step is 48 bytes of hot fields (struct tl_hot): what every view reads
 * of every step.  The rest, which most steps lack or which is large, is a
 * cold record in its chunk's arena (struct tl_arena): a packet's TCP
 * options, its relative numbers when they differ from the conn's, the
 * frame a datagram answers, its payload's place in the payload arena, the
 * body of every other kind of step (a call, an ICMP error, a string), and
 * the head of the list of state changes folded into the step.  An arena
 * is a list of fixed blocks that never move, so what a decoded step
 * points to stays put; a reference is (block << TL_BLK_SHIFT | offset),
 * 0 for none.  A change attached later goes into the arena of its step's
 * chunk, which lives as long as the step.
 *
 * Conns are found by id in O(1): slot[s0 + id - base] is conn `id`, or
 * NULL once it is evicted; the slots before the oldest held conn are
 * dropped as it goes (s0 advances), so the slots span the ids from the
 * oldest held conn to the newest.  A Fenwick tree over the slots counts
 * the held conns before a slot, for the list view's k'th held conn and a
 * conn's rank in O(log n); eviction never walks the conns.
 *
 * Memory by budget: `bytes` counts what the held steps cost (their
 * chunks, the arenas' blocks, the conns, their lists); past the budget the
 * oldest chunk goes, as past the cap on steps.
 */
#define TL_CHUNK	4096
#define TL_BLK_SHIFT	14
#define TL_BLK		((size_t)1 << TL_BLK_SHIFT)	/* arena block */

struct tl_hot {
	int64_t		ts_ns;
	uint32_t	conn;		/* id; 0: none */
	uint32_t	cold;		/* arena reference; 0: none */
	uint32_t	seq, ack;	/* TCP: as on the wire */
	uint32_t	tsval, tsecr;	/* TCP timestamps, when HOT_TS */
	int32_t		frame;		/* from the chunk's frame0; HOT_NOFRAME:
					   0, or, a packet, in its cold (COLD_WIDE) */
	uint16_t	len;		/* payload bytes (COLD_WIDE: cold) */
	uint16_t	win;		/* window >> HOT_SHIFT (COLD_WIDE: cold) */
	uint16_t	flags;
	uint16_t	analysis;	/* AN_* */
	uint8_t		type;		/* enum ev_type */
	uint8_t		bits;		/* HOT_* */
	uint8_t		st[2];		/* TCP: both endpoints after it */
};

/* A step's bits: its direction, whether its timestamps option is in the
 * hot part, and the shift of its window. */
#define HOT_S2C		0x01
#define HOT_TS		0x02
#define HOT_SHIFT(b)	((unsigned)(b) >> 4)
#define HOT_NOFRAME	INT32_MIN

static_assert(sizeof (struct tl_hot) <= 48, "a step's hot part is 48 bytes");
static_assert(AN_COUNT <= 16, "analysis bits fit the hot part");

struct tl_arena {
	uint8_t		**blk;
	uint32_t	nblk;
	uint32_t	capblk;
	uint32_t	cur;		/* the block being filled: */
	size_t		used;		/* bytes used in blk[cur] ... */
	size_t		last;		/* ... of its size */
	size_t		bytes;		/* the blocks and blk[] */
};

struct tl_chunk {
	struct tl_hot	*hot;		/* csz steps */
	uint32_t	*prev;		/* each step's distance back to its
					   conn's step before it; 0: none */
	uint64_t	frame0;		/* the hot frames count from it */
	struct tl_arena	cold;
	struct tl_arena	pay;		/* payload copies; freed early past
					   the payload budget */
	size_t		paybytes;
	bool		paygone;
};

/* What a cold record holds after its head (struct tl_cold). */
#define COLD_REL	0x0001	/* uint32 rseq, rack */
#define COLD_OPTS	0x0002	/* compact struct tcp_opts */
#define COLD_REPLY	0x0004	/* uint64 reply_to */
#define COLD_PAY	0x0008	/* uint32 payload ref, uint16 paycap */
#define COLD_BODY	0x0010	/* the union member of other kinds */
#define COLD_BLOB	0x0020	/* then, 8-aligned, a string or a message */
#define COLD_WIDE	0x0040	/* uint64 frame, uint32 len, win: a packet's
				   that the hot part cannot hold */

struct tl_cold {
	uint32_t	chg;		/* first change (struct tl_chg) */
	uint16_t	mask;		/* COLD_* */
	uint16_t	pad;		/* what follows is 8-aligned */
};

/* A state change folded into a step, whole: its frame may be after
 * the step's (a step where its endpoint entered `from`), or far from it. */
struct tl_chg {
	uint32_t	next;
	uint8_t		endpoint, from, to, why;
	uint64_t	frame;
	uint64_t	decided_by;
};

struct timeline {
	struct sink	sink;
	size_t		max;		/* steps held at most; 0: no cap */
	size_t		csz;		/* steps per chunk: 1 << cshift */
	unsigned	cshift;
	size_t		blk;		/* arena block bytes (<= TL_BLK) */
	size_t		first;		/* oldest index held */
	size_t		n;		/* next index */
	struct tl_chunk	*chunks;
	size_t		nchunks;
	size_t		capchunks;
	size_t		paychunk;	/* chunks[0..paychunk) lost payload */
	size_t		paydropped;
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
	size_t		*loose;		/* steps of no conn, from loose[l0] */
	size_t		l0, nloose, caploose;
	size_t		bytes;		/* memory the held steps cost */
	size_t		budget;		/* ... at most; 0: no budget */
	tl_payload_fn	paysrc;		/* payload read again, not copied */
	void		*paysrc_arg;
	struct tl_paycache *pc;
};

/* Payloads read again, the newest TL_PAYCACHE. */
struct tl_paycache {
	size_t		step[TL_PAYCACHE];	/* TL_NONE: empty */
	long		n[TL_PAYCACHE];		/* bytes; -1: unreadable */
	unsigned	next;			/* the slot to reuse */
	uint8_t		b[TL_PAYCACHE][TL_PAYLOAD_MAX];
};

/* ---------------------------------------------------------- arenas */

/*
 * Room for n bytes, 8-aligned, in blocks of blk bytes (at most TL_BLK):
 * returns its reference and sets *p.  A record larger than a block has a
 * block of its own, and the block being filled stays the one to fill:
 * a long record between short ones wastes no block.
 */
static uint32_t
tl_arena_alloc(struct tl_arena *a, size_t blk, size_t n, size_t *bytes,
    uint8_t **p)
{
	size_t need = (n + 7) & ~(size_t)7, start, sz;
	uint32_t ref;
	bool own;

	if (a->nblk == 0 || a->used + need > a->last) {
		if (a->nblk == a->capblk) {
			a->bytes -= a->capblk * sizeof *a->blk;
			*bytes -= a->capblk * sizeof *a->blk;
			a->capblk = a->capblk ? a->capblk * 2 : 4;
			a->blk = xreallocarray(a->blk, a->capblk,
			    sizeof *a->blk);
			a->bytes += a->capblk * sizeof *a->blk;
			*bytes += a->capblk * sizeof *a->blk;
		}
		/* Offset 0 of block 0 stays unused: reference 0 is none. */
		start = a->nblk == 0 ? 8 : 0;
		own = start + need > blk;
		sz = own ? start + need : blk;
		a->blk[a->nblk++] = xmalloc(sz);
		a->bytes += sz;
		*bytes += sz;
		if (own && a->nblk > 1) {
			ref = (uint32_t)((a->nblk - 1) << TL_BLK_SHIFT);
			*p = a->blk[a->nblk - 1];
			return ref;
		}
		a->cur = a->nblk - 1;
		a->last = sz;
		a->used = start;
	}
	ref = (uint32_t)(a->cur << TL_BLK_SHIFT | a->used);
	*p = a->blk[a->cur] + a->used;
	a->used += need;
	return ref;
}

static uint8_t *
tl_arena_ptr(const struct tl_arena *a, uint32_t ref)
{
	return a->blk[ref >> TL_BLK_SHIFT] + (ref & (TL_BLK - 1));
}

/* Frees a's blocks; returns the bytes they took. */
static size_t
tl_arena_free(struct tl_arena *a)
{
	size_t n = a->bytes;
	uint32_t i;

	for (i = 0; i < a->nblk; i++)
		free(a->blk[i]);
	free(a->blk);
	memset(a, 0, sizeof *a);
	return n;
}

/* ------------------------------------------------- conns by id */

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
		tl->bytes += (cap - tl->capslot) * (sizeof *tl->slot +
		    sizeof *tl->fen);
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
		tl->bytes += (cap - tl->capslot) * (sizeof *tl->slot +
		    sizeof *tl->fen);
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

/* The step of the same conn before step i, or TL_NONE when it has none
 * held. */
#define TL_NONE	SIZE_MAX
static size_t
timeline_prev(const struct timeline *tl, size_t i)
{
	uint32_t d = tl->chunks[(i - tl->first) >> tl->cshift].prev[i &
	    (tl->csz - 1)];

	return d == 0 || i - tl->first < d ? TL_NONE : i - d;
}

/* Conn c's list (timeline_conn_steps()) holds nothing. */
static void
timeline_list_free(struct timeline *tl, struct tl_conn *c)
{
	tl->bytes -= c->caplist * sizeof *c->list;
	free(c->list);
	c->list = NULL;
	c->list0 = c->nlist = c->caplist = 0;
}

/* Step ev is conn c's newest: a link back to the one before. */
static void
timeline_add_step(struct timeline *tl, struct tl_conn *c, size_t ev)
{
	size_t d = c->nsteps > 0 ? ev - c->last : 0;

	if (d > UINT32_MAX) {
		/* Silent for 2^32 steps (more than memory holds): what
		 * came before counts as evicted. */
		c->nevicted += c->nsteps;
		c->nsteps = 0;
		c->st0[0] = c->st[0];
		c->st0[1] = c->st[1];
		timeline_list_free(tl, c);
		d = 0;
	}
	tl->chunks[(ev - tl->first) >> tl->cshift].prev[ev & (tl->csz - 1)] =
	    (uint32_t)d;
	c->last = ev;
	c->nsteps++;
}

static struct tl_hot *
timeline_hot(const struct timeline *tl, size_t i)
{
	return &tl->chunks[(i - tl->first) >> tl->cshift].hot[(i & (tl->csz - 1))];
}

static struct tl_chunk *
timeline_chunk(const struct timeline *tl, size_t i)
{
	return &tl->chunks[(i - tl->first) >> tl->cshift];
}

/* A step of no conn: listed for the views that show them with every
 * conn's (a call made before its conn existed). */
static void
timeline_add_loose(struct timeline *tl, size_t i)
{
	/* Drop the evicted first, when they are half the list. */
	while (tl->l0 < tl->nloose && tl->loose[tl->l0] < tl->first)
		tl->l0++;
	if (tl->l0 > 0 && tl->l0 >= tl->nloose / 2) {
		memmove(tl->loose, tl->loose + tl->l0,
		    (tl->nloose - tl->l0) * sizeof *tl->loose);
		tl->nloose -= tl->l0;
		tl->l0 = 0;
	}
	if (tl->nloose == tl->caploose) {
		tl->bytes -= tl->caploose * sizeof *tl->loose;
		tl->caploose = tl->caploose ? tl->caploose * 2 : 16;
		tl->bytes += tl->caploose * sizeof *tl->loose;
		tl->loose = xreallocarray(tl->loose, tl->caploose,
		    sizeof *tl->loose);
	}
	tl->loose[tl->nloose++] = i;
}


/* Conn c's oldest step, h, was evicted.  Returns true when nothing is
 * left and the conn is over. */
static bool
timeline_evict_step(struct timeline *tl, struct tl_conn *c,
    const struct tl_hot *h)
{
	size_t *buf;

	if (c->info.proto == 6) {
		c->st0[0] = (enum tcp_state)h->st[0];
		c->st0[1] = (enum tcp_state)h->st[1];
	}
	c->nsteps--;
	c->nevicted++;
	if (c->nsteps == 0) {
		timeline_list_free(tl, c);
		return c->over;
	}
	if (c->nlist == 0)
		return false;
	c->list0++;
	c->nlist--;
	/* Give memory back when most of the list is dead. */
	if (c->caplist > 64 && c->list0 >= c->caplist / 2 &&
	    c->nsteps <= c->caplist / 4) {
		buf = xreallocarray(NULL, c->caplist / 2, sizeof *buf);
		memcpy(buf, c->list + c->list0, c->nlist * sizeof *buf);
		free(c->list);
		c->list = buf;
		c->list0 = 0;
		tl->bytes -= (c->caplist - c->caplist / 2) * sizeof *buf;
		c->caplist /= 2;
	}
	return false;
}

static void
timeline_conn_free(struct tl_conn *c)
{
	if (c != NULL)
		free(c->list);
	free(c);
}

/* Forget conn c, over and without a step left: its slot empties, and
 * the slots before the oldest held conn go. */
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

/* The payload copies of the oldest chunk still holding them go. */
static bool
timeline_drop_payload(struct timeline *tl)
{
	struct tl_chunk *ch;

	while (tl->paychunk < tl->nchunks &&
	    tl->chunks[tl->paychunk].paygone)
		tl->paychunk++;
	/* The chunk being filled keeps its copies. */
	if (tl->paychunk + 1 >= tl->nchunks)
		return false;
	ch = &tl->chunks[tl->paychunk++];
	tl->bytes -= tl_arena_free(&ch->pay);
	tl->paybytes -= ch->paybytes;
	ch->paybytes = 0;
	ch->paygone = true;
	tl->paydropped++;
	return true;
}

/* The cap is reached: the oldest chunk goes, whole. */
static void
timeline_evict_chunk(struct timeline *tl)
{
	struct tl_chunk *ch = &tl->chunks[0];
	struct tl_conn *c;
	size_t i;

	for (i = 0; i < tl->csz; i++) {
		/* Every step of a conn is in its count, and the chunk's are
		 * its oldest, in order: when this was its last, no later
		 * step of the chunk names it. */
		if (ch->hot[i].conn != 0 &&
		    (c = timeline_find(tl, ch->hot[i].conn)) != NULL &&
		    c->nsteps > 0 && timeline_evict_step(tl, c, &ch->hot[i]))
			timeline_evict_conn(tl, c);
	}
	tl->bytes -= tl_arena_free(&ch->cold) + tl_arena_free(&ch->pay) +
	    tl->csz * (sizeof *ch->hot + sizeof *ch->prev);
	tl->paybytes -= ch->paybytes;
	free(ch->hot);
	free(ch->prev);
	tl->first += tl->csz;
	tl->nchunks--;
	memmove(&tl->chunks[0], &tl->chunks[1],
	    tl->nchunks * sizeof *tl->chunks);
	if (tl->paychunk > 0)
		tl->paychunk--;
}

/* The hot part of the next step, in a new chunk when the last is full. */
static struct tl_hot *
timeline_next(struct timeline *tl)
{
	size_t k = (tl->n - tl->first) >> tl->cshift;
	struct tl_chunk *ch;

	if (k >= tl->nchunks) {
		if (tl->nchunks == tl->capchunks) {
			tl->capchunks = tl->capchunks ? tl->capchunks * 2 : 8;
			tl->chunks = xreallocarray(tl->chunks, tl->capchunks,
			    sizeof *tl->chunks);
		}
		ch = &tl->chunks[tl->nchunks++];
		memset(ch, 0, sizeof *ch);
		ch->hot = xreallocarray(NULL, tl->csz, sizeof *ch->hot);
		ch->prev = xreallocarray(NULL, tl->csz, sizeof *ch->prev);
		tl->bytes += tl->csz * (sizeof *ch->hot + sizeof *ch->prev);
	}
	return &tl->chunks[k].hot[(tl->n & (tl->csz - 1))];
}

/* ---------------------------------------------------- cold records */

/* A cold record being written: a buffer, then copied to the arena. */
struct tl_wr {
	uint8_t		buf[64 + sizeof (struct ev)];
	size_t		n;
	uint16_t	mask;
};

static void
tl_put(struct tl_wr *w, const void *p, size_t n)
{
	memcpy(w->buf + w->n, p, n);
	w->n += n;
}

/* Options o, but for those in skip (held in the hot part). */
static void
tl_put_opts(struct tl_wr *w, const struct tcp_opts *o, uint16_t skip)
{
	uint16_t present = o->present & (uint16_t)~skip;
	uint8_t n;

	tl_put(w, &present, 2);
	if (present & TCPOPT_F_MSS)
		tl_put(w, &o->mss, 2);
	if (present & TCPOPT_F_WSCALE)
		tl_put(w, &o->wscale, 1);
	if (present & TCPOPT_F_SACK) {
		n = o->nsack > TCPOPT_MAX_SACK ? TCPOPT_MAX_SACK : o->nsack;
		tl_put(w, &n, 1);
		tl_put(w, o->sack, n * sizeof o->sack[0]);
	}
	if (present & TCPOPT_F_TS) {
		tl_put(w, &o->ts_val, 4);
		tl_put(w, &o->ts_ecr, 4);
	}
	if (present & TCPOPT_F_TFO) {
		n = o->tfo_len > TCPOPT_MAX_TFO ? TCPOPT_MAX_TFO : o->tfo_len;
		tl_put(w, &n, 1);
		tl_put(w, o->tfo_cookie, n);
	}
	if (present & TCPOPT_F_UNKNOWN) {
		n = o->nunknown > TCPOPT_MAX_UNKNOWN ? TCPOPT_MAX_UNKNOWN :
		    o->nunknown;
		tl_put(w, &n, 1);
		tl_put(w, o->unknown, n);
	}
}

static const uint8_t *
tl_get_opts(const uint8_t *p, struct tcp_opts *o)
{
	memset(o, 0, sizeof *o);
	memcpy(&o->present, p, 2), p += 2;
	if (o->present & TCPOPT_F_MSS)
		memcpy(&o->mss, p, 2), p += 2;
	if (o->present & TCPOPT_F_WSCALE)
		o->wscale = *p++;
	if (o->present & TCPOPT_F_SACK) {
		o->nsack = *p++;
		memcpy(o->sack, p, o->nsack * sizeof o->sack[0]);
		p += o->nsack * sizeof o->sack[0];
	}
	if (o->present & TCPOPT_F_TS) {
		memcpy(&o->ts_val, p, 4), p += 4;
		memcpy(&o->ts_ecr, p, 4), p += 4;
	}
	if (o->present & TCPOPT_F_TFO) {
		o->tfo_len = *p++;
		memcpy(o->tfo_cookie, p, o->tfo_len), p += o->tfo_len;
	}
	if (o->present & TCPOPT_F_UNKNOWN) {
		o->nunknown = *p++;
		memcpy(o->unknown, p, o->nunknown), p += o->nunknown;
	}
	return p;
}

/* The body a kind of step keeps whole in its cold record. */
static size_t
tl_body_size(enum ev_type type)
{
	switch (type) {
	case EV_STATE:		return sizeof (struct ev_state);
	case EV_ICMP:		return sizeof (struct ev_icmp);
	case EV_WARNING:	return sizeof (struct ev_warning);
	case EV_SUMMARY:	return sizeof (struct ev_summary);
	case EV_CALL:		return sizeof (struct ev_call);
	case EV_UNPROCESSED:	return sizeof (struct ev_unprocessed);
	case EV_OUTPUT:		return sizeof (struct ev_output);
	case EV_KSTATE:		return sizeof (struct ev_kstate);
	default:		return 0;
	}
}

/* Writes w (and text, when not NULL) to chunk ch's arena. */
static uint32_t
tl_cold_store(struct timeline *tl, struct tl_chunk *ch, struct tl_wr *w,
    const void *blob, size_t bloblen)
{
	struct tl_cold head = { 0, w->mask, 0 };
	size_t at = (sizeof head + w->n + 7) & ~(size_t)7, n;
	uint8_t *p;
	uint32_t ref;

	if (blob != NULL)
		head.mask |= COLD_BLOB;
	n = blob != NULL ? at + bloblen : sizeof head + w->n;
	ref = tl_arena_alloc(&ch->cold, tl->blk, n, &tl->bytes, &p);
	memcpy(p, &head, sizeof head);
	memcpy(p + sizeof head, w->buf, w->n);
	if (blob != NULL)
		memcpy(p + at, blob, bloblen);
	return ref;
}

/* Step i's cold record, made (empty) when it has none. */
static struct tl_cold *
tl_cold_of(struct timeline *tl, size_t i)
{
	struct tl_chunk *ch = timeline_chunk(tl, i);
	struct tl_hot *h = timeline_hot(tl, i);
	struct tl_wr w;

	if (h->cold == 0) {
		w.n = 0;
		w.mask = 0;
		h->cold = tl_cold_store(tl, ch, &w, NULL, 0);
	}
	return (struct tl_cold *)(void *)tl_arena_ptr(&ch->cold, h->cold);
}

/* A state change joins step i's, after those it has. */
static void
tl_chg_add(struct timeline *tl, size_t i, const struct ev_state *s)
{
	struct tl_chunk *ch = timeline_chunk(tl, i);
	struct tl_cold *cold = tl_cold_of(tl, i);
	struct tl_chg c, prev;
	uint32_t ref, at;
	uint8_t *p;

	memset(&c, 0, sizeof c);
	c.frame = s->frame;
	c.decided_by = s->decided_by;
	c.endpoint = (uint8_t)s->endpoint;
	c.from = (uint8_t)s->from;
	c.to = (uint8_t)s->to;
	c.why = (uint8_t)s->why;
	ref = tl_arena_alloc(&ch->cold, tl->blk, sizeof c, &tl->bytes, &p);
	memcpy(p, &c, sizeof c);
	/* The allocation may have taken a new block; cold stays put. */
	if (cold->chg == 0) {
		cold->chg = ref;
		return;
	}
	for (at = cold->chg;; at = prev.next) {
		memcpy(&prev, tl_arena_ptr(&ch->cold, at), sizeof prev);
		if (prev.next == 0)
			break;
	}
	prev.next = ref;
	memcpy(tl_arena_ptr(&ch->cold, at), &prev, sizeof prev);
}

/* ------------------------------------------------------- frames */

/* Sets step h's frame in chunk ch: false when it is too far from the
 * chunk's first to be held in the hot part. */
static bool
tl_set_frame(struct tl_chunk *ch, struct tl_hot *h, uint64_t frame)
{
	int64_t d;

	h->frame = HOT_NOFRAME;
	if (frame == 0)
		return true;
	if (ch->frame0 == 0)
		ch->frame0 = frame;
	d = (int64_t)(frame - ch->frame0);
	if (d <= INT32_MIN || d > INT32_MAX)
		return false;
	h->frame = (int32_t)d;
	return true;
}

/* Step i's frame: a packet's, an ICMP error's, a state change's. */
static uint64_t
tl_frame_of(const struct timeline *tl, size_t i)
{
	const struct tl_chunk *ch = timeline_chunk(tl, i);
	const struct tl_hot *h = &ch->hot[i & (tl->csz - 1)];
	struct tl_cold cold;
	const uint8_t *p;
	uint64_t frame;

	if (h->frame != HOT_NOFRAME)
		return ch->frame0 + (uint64_t)(int64_t)h->frame;
	if (h->cold == 0)
		return 0;
	p = tl_arena_ptr(&ch->cold, h->cold);
	memcpy(&cold, p, sizeof cold);
	if (!(cold.mask & COLD_WIDE))
		return 0;
	memcpy(&frame, p + sizeof cold, 8);
	return frame;
}

/* -------------------------------------------------- late changes */

/* How far back a late state change or mark looks for its packet. */
#define TL_ATTACH_MAX	TL_LATE_REACH

static bool
timeline_attach_state(struct timeline *tl, struct tl_conn *c,
    const struct ev_state *s)
{
	struct tl_hot *h;
	size_t walk[TL_ATTACH_MAX], lim, nw, at = TL_NONE, i, k;
	int side = s->endpoint == EV_CLIENT ? 0 : 1;
	bool out = true;	/* the walk ran out still in `from` */

	if (c->nsteps == 0 || (unsigned)s->endpoint > 1)
		return false;
	lim = c->nsteps > TL_ATTACH_MAX ? TL_ATTACH_MAX : c->nsteps;
	/* From its newest step back: walk[nw] is nw steps back. */
	for (nw = 0, i = c->last; nw < lim && i != TL_NONE; nw++) {
		walk[nw] = i;
		h = timeline_hot(tl, i);
		/* Its segment, when the endpoint was in `from` there (or,
		 * a sender's own change, is in `to` already). */
		if (h->type == EV_PACKET && tl_frame_of(tl, i) == s->frame &&
		    (h->st[side] == s->from || h->st[side] == s->to)) {
			at = nw;
			out = false;
			break;
		}
		if (h->st[side] != s->from) {
			out = false;
			break;
		}
		at = nw;
		i = timeline_prev(tl, i);
	}
	if (at == TL_NONE)
		return false;
	/*
	 * The walk ran out of reach (or of held steps) still in `from`:
	 * the endpoint entered it, or the segment came, further back.
	 * Only when the step before is in another state (or there is
	 * none: the conn's first step) is `at` where it entered `from`;
	 * otherwise the change is a step of its own.
	 */
	if (out) {
		if (nw < c->nsteps) {
			i = timeline_prev(tl, walk[nw - 1]);
			if (i == TL_NONE ||
			    timeline_hot(tl, i)->st[side] == s->from)
				return false;
		} else if (c->nevicted > 0 && c->st0[side] == s->from)
			return false;
	}
	tl_chg_add(tl, walk[at], s);
	for (k = 0; k <= at; k++)
		timeline_hot(tl, walk[k])->st[side] = (uint8_t)s->to;
	c->nmods++;
	return true;
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
	const size_t *steps = timeline_conn_steps(tl, c);
	struct tl_hot *h;
	size_t k;
	int side;

	for (side = 0; side < 2; side++) {
		if (ci->init[side] == c->info.init[side])
			continue;
		/* The states before the oldest held step showed the guess
		 * when that step still does (or none is held): evicted
		 * steps or not, they were the guess too. */
		if (c->st0[side] == c->info.init[side] && (c->nsteps == 0 ||
		    timeline_hot(tl, steps[0])->st[side] ==
		    c->info.init[side]))
			c->st0[side] = ci->init[side];
		for (k = 0; k < c->nsteps && k < TL_ATTACH_MAX; k++) {
			h = timeline_hot(tl, steps[k]);
			if (h->st[side] != c->info.init[side])
				break;
			h->st[side] = (uint8_t)ci->init[side];
		}
		c->nmods++;
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
	struct tl_hot *h;
	size_t i = c->nsteps > 0 ? c->last : TL_NONE, n;

	for (n = 0; i != TL_NONE && n < TL_ATTACH_MAX; n++,
	    i = timeline_prev(tl, i)) {
		h = timeline_hot(tl, i);
		if (h->type == EV_PACKET && tl_frame_of(tl, i) == frame) {
			h->analysis |= AN_NOT_PROCESSED;
			return;
		}
	}
}

/* ------------------------------------------------------ storing */

/* A packet step: its hot part h, and its cold part into w. */
static void
timeline_pack_packet(struct timeline *tl, struct tl_conn *c,
    struct tl_chunk *ch, struct tl_hot *h, const struct ev_packet *p,
    struct tl_wr *w)
{
	unsigned d = p->dir == EV_S2C ? 1 : 0, shift = 0;
	uint32_t keep, ref;
	uint16_t cap16, skip = 0;
	uint8_t *dst;
	bool rel = false;

	h->bits = (uint8_t)d;
	h->flags = p->flags;
	h->seq = p->seq;
	h->ack = p->ack;
	h->analysis = (uint16_t)p->analysis;
	/* A window is the field shifted by the scale: held as both. */
	while (shift < 16 && (p->win >> shift) > UINT16_MAX)
		shift++;
	if (tl_set_frame(ch, h, p->frame) && p->len <= UINT16_MAX &&
	    shift < 16 && (p->win >> shift) << shift == p->win) {
		h->len = (uint16_t)p->len;
		h->win = (uint16_t)(p->win >> shift);
		h->bits |= (uint8_t)(shift << 4);
	} else {
		h->frame = HOT_NOFRAME;
		w->mask |= COLD_WIDE;
		tl_put(w, &p->frame, 8);
		tl_put(w, &p->len, 4);
		tl_put(w, &p->win, 4);
	}
	/* Timestamps, on most segments, in the hot part. */
	if (p->opt.present & TCPOPT_F_TS) {
		h->bits |= HOT_TS;
		h->tsval = p->opt.ts_val;
		h->tsecr = p->opt.ts_ecr;
		skip = TCPOPT_F_TS;
	}
	if (c != NULL && c->info.proto == 6) {
		if (!(c->based & (1U << d))) {
			c->base[d] = p->seq - p->rseq;
			c->based |= (uint8_t)(1U << d);
		}
		if ((p->flags & TCP_ACK) && !(c->based & (4U << d))) {
			c->abase[d] = p->ack - p->rack;
			c->based |= (uint8_t)(4U << d);
		}
		rel = p->seq - c->base[d] != p->rseq ||
		    ((p->flags & TCP_ACK) ? p->ack - c->abase[d] != p->rack :
		    p->rack != 0);
	} else
		rel = p->rseq != 0 || p->rack != 0;
	if (rel) {
		w->mask |= COLD_REL;
		tl_put(w, &p->rseq, 4);
		tl_put(w, &p->rack, 4);
	}
	if ((p->opt.present & ~skip) != 0) {
		w->mask |= COLD_OPTS;
		tl_put_opts(w, &p->opt, skip);
	}
	if (p->reply_to != 0) {
		w->mask |= COLD_REPLY;
		tl_put(w, &p->reply_to, 8);
	}
	if (p->payload != NULL && p->paycap > 0 && tl->paysrc == NULL) {
		keep = p->paycap < TL_PAYLOAD_MAX ? p->paycap : TL_PAYLOAD_MAX;
		ref = tl_arena_alloc(&ch->pay, tl->blk, keep, &tl->bytes, &dst);
		memcpy(dst, p->payload, keep);
		ch->paybytes += keep;
		tl->paybytes += keep;
		cap16 = (uint16_t)keep;
		w->mask |= COLD_PAY;
		tl_put(w, &ref, 4);
		tl_put(w, &cap16, 2);
	}
}

static void
timeline_emit(struct sink *sink, const struct ev *e)
{
	struct timeline *tl = (struct timeline *)sink;
	struct tl_conn *c = NULL;
	struct tl_chunk *ch;
	struct tl_hot *h;
	struct tl_wr w;
	const void *blob = NULL;
	size_t body, need, bloblen = 0;
	uint32_t keep = 0;

	/* A conn event's conn is made once there is room (below). */
	if (e->type != EV_CONN && e->conn != NULL)
		c = timeline_find(tl, e->conn->id);

	if (c != NULL && e->conn->no_socket)
		c->info.no_socket = true;
	if (c != NULL && c->info.proto == 6 &&
	    (e->conn->init[0] != c->info.init[0] ||
	    e->conn->init[1] != c->info.init[1]))
		timeline_fix_init(tl, c, e->conn);
	/* A state change is folded into the step that caused it. */
	if (e->type == EV_STATE && c != NULL && c->info.proto == 6) {
		if ((unsigned)e->u.state.endpoint < 2)
			c->st[e->u.state.endpoint] = e->u.state.to;
		if (timeline_attach_state(tl, c, &e->u.state))
			return;
	}
	if (e->type == EV_UNPROCESSED && c != NULL)
		timeline_mark_unprocessed(tl, c, e->u.unproc.frame);

	if (e->type == EV_PACKET && e->u.pkt.payload != NULL &&
	    tl->paysrc == NULL)
		keep = e->u.pkt.paycap < TL_PAYLOAD_MAX ? e->u.pkt.paycap :
		    TL_PAYLOAD_MAX;
	/* Room first, so that no conn this step names is freed under it:
	 * the conn of a conn event is made after. */
	if (tl->max != 0 && tl->n - tl->first >= tl->max)
		timeline_evict_chunk(tl);
	while (tl->paybytes + keep > tl->paybudget &&
	    timeline_drop_payload(tl))
		;
	/* What this step may take: a new chunk, a block in each arena. */
	need = sizeof *h + keep + 2 * tl->blk;
	if ((tl->n & (tl->csz - 1)) == 0)
		need += tl->csz * (sizeof *h + sizeof (uint32_t));
	while (tl->budget != 0 && tl->bytes + need > tl->budget &&
	    tl->n - tl->first >= tl->csz)
		timeline_evict_chunk(tl);
	/* The conn of an event may have gone with the chunk. */
	if (e->type != EV_CONN && e->conn != NULL)
		c = timeline_find(tl, e->conn->id);
	else if (e->type == EV_CONN && e->conn != NULL)
		c = timeline_add_conn(tl, e->conn);

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
		case EV_SUMMARY:
			c->over = true;
			c->sum = e->u.sum;
			c->completeness = e->u.sum.completeness;
			break;
		default:
			break;
		}
	}
	h = timeline_next(tl);
	ch = timeline_chunk(tl, tl->n);
	memset(h, 0, sizeof *h);
	h->ts_ns = e->ts_ns;
	h->type = (uint8_t)e->type;
	/* The engine's conn info lives only during this call: a step of a
	 * conn the timeline does not know (its conn event never came)
	 * keeps no conn rather than one that is not there. */
	h->conn = c != NULL ? c->info.id : 0;
	if (c != NULL) {
		h->st[0] = (uint8_t)c->st[0];
		h->st[1] = (uint8_t)c->st[1];
	}
	w.n = 0;
	w.mask = 0;
	switch (e->type) {
	case EV_PACKET:
		if (c == NULL || c->info.proto == 6) {
			h->st[0] = (uint8_t)e->u.pkt.st_after[0];
			h->st[1] = (uint8_t)e->u.pkt.st_after[1];
		}
		timeline_pack_packet(tl, c, ch, h, &e->u.pkt, &w);
		break;
	case EV_CONN:
		break;
	default:
		body = tl_body_size(e->type);
		if (body > 0) {
			w.mask |= COLD_BODY;
			tl_put(&w, &e->u, body);
		}
		/* A message keeps only the bytes of text it uses. */
		if (e->type == EV_WARNING && e->u.warn.msg != NULL) {
			blob = e->u.warn.msg;
			bloblen = offsetof(struct msg, text) +
			    e->u.warn.msg->used;
		}
		if (e->type == EV_OUTPUT) {
			blob = e->u.out.text != NULL ? e->u.out.text : "";
			bloblen = strlen(blob) + 1;
		}
		/* Only a packet's frame is looked for: another's is
		 * held when it fits. */
		if (e->type == EV_ICMP)
			tl_set_frame(ch, h, e->u.icmp.frame);
		else if (e->type == EV_STATE)
			tl_set_frame(ch, h, e->u.state.frame);
		else
			h->frame = HOT_NOFRAME;
		break;
	}
	if (w.mask != 0 || blob != NULL)
		h->cold = tl_cold_store(tl, ch, &w, blob, bloblen);
	if (c == NULL)
		timeline_add_loose(tl, tl->n);
	else
		timeline_add_step(tl, c, tl->n);
	tl->n++;
}

/* ------------------------------------------------------ reading */

const struct ev *
timeline_get(const struct timeline *tl, size_t i, struct ev *e)
{
	const struct tl_chunk *ch;
	const struct tl_hot *h;
	const struct tl_conn *c;
	const uint8_t *p = NULL;
	struct tl_cold cold = { 0, 0, 0 };
	uint32_t ref;
	uint16_t cap16;
	unsigned d;

	if (i < tl->first || i >= tl->n)
		return NULL;
	ch = timeline_chunk(tl, i);
	h = &ch->hot[(i & (tl->csz - 1))];
	memset(e, 0, sizeof *e);
	e->type = (enum ev_type)h->type;
	e->ts_ns = h->ts_ns;
	c = h->conn != 0 ? timeline_find(tl, h->conn) : NULL;
	e->conn = c != NULL ? &c->info : NULL;
	if (h->cold != 0) {
		p = tl_arena_ptr(&ch->cold, h->cold);
		memcpy(&cold, p, sizeof cold);
		p += sizeof cold;
	}
	if (e->type == EV_PACKET) {
		struct ev_packet *pk = &e->u.pkt;

		d = h->bits & HOT_S2C ? 1 : 0;
		pk->dir = d ? EV_S2C : EV_C2S;
		pk->flags = h->flags;
		pk->seq = h->seq;
		pk->ack = h->ack;
		pk->analysis = h->analysis;
		pk->st_after[0] = (enum tcp_state)h->st[0];
		pk->st_after[1] = (enum tcp_state)h->st[1];
		if (cold.mask & COLD_WIDE) {
			memcpy(&pk->frame, p, 8);
			memcpy(&pk->len, p + 8, 4);
			memcpy(&pk->win, p + 12, 4);
			p += 16;
		} else {
			pk->frame = tl_frame_of(tl, i);
			pk->len = h->len;
			pk->win = (uint32_t)h->win << HOT_SHIFT(h->bits);
		}
		if (cold.mask & COLD_REL) {
			memcpy(&pk->rseq, p, 4);
			memcpy(&pk->rack, p + 4, 4);
			p += 8;
		} else if (c != NULL && c->info.proto == 6) {
			pk->rseq = h->seq - c->base[d];
			pk->rack = (h->flags & TCP_ACK) ? h->ack -
			    c->abase[d] : 0;
		}
		if (cold.mask & COLD_OPTS)
			p = tl_get_opts(p, &pk->opt);
		if (h->bits & HOT_TS) {
			pk->opt.present |= TCPOPT_F_TS;
			pk->opt.ts_val = h->tsval;
			pk->opt.ts_ecr = h->tsecr;
		}
		if (cold.mask & COLD_REPLY) {
			memcpy(&pk->reply_to, p, 8);
			p += 8;
		}
		if (cold.mask & COLD_PAY) {
			memcpy(&ref, p, 4);
			memcpy(&cap16, p + 4, 2);
			if (!ch->paygone) {
				pk->payload = tl_arena_ptr(&ch->pay, ref);
				pk->paycap = cap16;
			} else
				pk->paygone = true;
		}
		return e;
	}
	if (cold.mask & COLD_BODY) {
		memcpy(&e->u, p, tl_body_size(e->type));
		p += tl_body_size(e->type);
	}
	if (e->type == EV_WARNING)
		e->u.warn.msg = NULL;
	if (cold.mask & COLD_BLOB) {
		/* 8-aligned after the head and the fields. */
		p = tl_arena_ptr(&ch->cold, h->cold) + ((size_t)(p -
		    tl_arena_ptr(&ch->cold, h->cold)) + 7) / 8 * 8;
		if (e->type == EV_WARNING)
			e->u.warn.msg = (const struct msg *)(const void *)p;
		if (e->type == EV_OUTPUT)
			e->u.out.text = (const char *)p;
	}
	return e;
}

const struct ev *
timeline_get_payload(const struct timeline *ctl, size_t i, struct ev *e)
{
	/* The cache changes nothing a reader sees. */
	struct tl_paycache *pc = ctl->pc;
	struct ev_packet *p;
	unsigned k;

	if (timeline_get(ctl, i, e) == NULL)
		return NULL;
	p = &e->u.pkt;
	if (e->type != EV_PACKET || ctl->paysrc == NULL || p->len == 0)
		return e;
	for (k = 0; k < TL_PAYCACHE && pc->step[k] != i; k++)
		;
	if (k == TL_PAYCACHE) {
		k = pc->next;
		pc->next = (pc->next + 1) % TL_PAYCACHE;
		pc->step[k] = i;
		pc->n[k] = ctl->paysrc(ctl->paysrc_arg, p->frame, e->ts_ns,
		    pc->b[k], TL_PAYLOAD_MAX);
		if (pc->n[k] > TL_PAYLOAD_MAX)
			pc->n[k] = -1;
	}
	if (pc->n[k] < 0)
		p->payunread = true;
	else if (pc->n[k] > 0) {
		p->payload = pc->b[k];
		p->paycap = (uint32_t)pc->n[k];
	}
	return e;
}

size_t
timeline_changes(const struct timeline *tl, size_t i, struct ev_state *out,
    size_t max)
{
	const struct tl_chunk *ch;
	const struct tl_hot *h;
	struct tl_cold cold;
	struct tl_chg c;
	struct ev e;
	uint32_t ref;
	size_t n = 0;

	if (i < tl->first || i >= tl->n)
		return 0;
	ch = timeline_chunk(tl, i);
	h = &ch->hot[(i & (tl->csz - 1))];
	/* A change that is a step of its own comes first, then those
	 * folded into it (the conn had no other step to take them). */
	if (h->type == EV_STATE) {
		if (max > 0 && timeline_get(tl, i, &e) != NULL)
			out[0] = e.u.state;
		n = 1;
	}
	if (h->cold == 0)
		return n;
	memcpy(&cold, tl_arena_ptr(&ch->cold, h->cold), sizeof cold);
	for (ref = cold.chg; ref != 0; ref = c.next, n++) {
		memcpy(&c, tl_arena_ptr(&ch->cold, ref), sizeof c);
		if (n < max) {
			out[n].frame = c.frame;
			out[n].decided_by = c.decided_by;
			out[n].endpoint = (enum ev_side)c.endpoint;
			out[n].from = (enum tcp_state)c.from;
			out[n].to = (enum tcp_state)c.to;
			out[n].why = (enum tcp_why)c.why;
		}
	}
	return n;
}

void
timeline_replay(const struct timeline *tl, struct sink *sink)
{
	struct ev e, st;
	struct ev_state chg[TL_REPLAY_CHG];
	size_t i, n, k;

	for (i = tl->first; i < tl->n; i++) {
		if (timeline_get(tl, i, &e) == NULL)
			continue;
		sink_emit(sink, &e);
		/* Any step may have changes folded in; a change that is a
		 * step of its own was emitted just now. */
		n = timeline_changes(tl, i, chg, TL_REPLAY_CHG);
		for (k = e.type == EV_STATE ? 1 : 0; k < n &&
		    k < TL_REPLAY_CHG; k++) {
			memset(&st, 0, sizeof st);
			st.type = EV_STATE;
			st.ts_ns = e.ts_ns;
			st.conn = e.conn;
			st.u.state = chg[k];
			sink_emit(sink, &st);
		}
	}
}

/* Arena blocks in step with the chunks: about 32 bytes a step. */
static size_t
timeline_blk(size_t csz)
{
	size_t b = csz * 32;

	return b < 1024 ? 1024 : b > TL_BLK ? TL_BLK : b;
}

/* Steps per chunk: n rounded down to a power of two (at least 1). */
static void
timeline_set_csz(struct timeline *tl, size_t n)
{
	tl->cshift = 0;
	while (((size_t)2 << tl->cshift) <= n)
		tl->cshift++;
	tl->csz = (size_t)1 << tl->cshift;
	tl->blk = timeline_blk(tl->csz);
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
	timeline_set_csz(tl, max_events != 0 && max_events / 8 < TL_CHUNK ?
	    max_events / 8 : TL_CHUNK);
	return tl;
}

void
timeline_free(struct timeline *tl)
{
	size_t i;

	if (tl == NULL)
		return;
	for (i = 0; i < tl->nchunks; i++) {
		tl_arena_free(&tl->chunks[i].cold);
		tl_arena_free(&tl->chunks[i].pay);
		free(tl->chunks[i].hot);
		free(tl->chunks[i].prev);
	}
	free(tl->chunks);
	for (i = 0; i < tl->nslot; i++)
		timeline_conn_free(tl->slot[tl->s0 + i]);
	free(tl->slot);
	free(tl->fen);
	free(tl->loose);
	free(tl->pc);
	free(tl);
}

void
timeline_set_payload_budget(struct timeline *tl, size_t bytes)
{
	tl->paybudget = bytes;
}

void
timeline_set_payload_source(struct timeline *tl, tl_payload_fn fn, void *arg)
{
	unsigned k;

	if (tl->pc == NULL) {
		tl->pc = xcalloc(1, sizeof *tl->pc);
		tl->bytes += sizeof *tl->pc;
	}
	for (k = 0; k < TL_PAYCACHE; k++)
		tl->pc->step[k] = TL_NONE;
	tl->paysrc = fn;
	tl->paysrc_arg = arg;
}

bool
timeline_has_payload_source(const struct timeline *tl)
{
	return tl->paysrc != NULL;
}

void
timeline_set_budget(struct timeline *tl, size_t bytes)
{
	size_t per;

	tl->budget = bytes;
	/* A small budget evicts in steps of an eighth of it too; chunks
	 * keep their size once steps are in them. */
	per = bytes / 16 / (sizeof (struct tl_hot) + sizeof (uint32_t) +
	    64);
	if (tl->n == 0 && bytes != 0 && per < tl->csz)
		timeline_set_csz(tl, per);
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

size_t
timeline_evicted(const struct timeline *tl)
{
	return tl->first;
}

const size_t *
timeline_loose(const struct timeline *tl, size_t *n)
{
	size_t k = tl->l0;

	while (k < tl->nloose && tl->loose[k] < tl->first)
		k++;
	*n = tl->nloose - k;
	return tl->loose != NULL ? tl->loose + k : NULL;
}

size_t
timeline_payload_dropped(const struct timeline *tl)
{
	return tl->paydropped;
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

const size_t *
timeline_conn_steps(const struct timeline *ctl, const struct tl_conn *cc)
{
	/* The list is a cache: making it changes nothing a reader sees. */
	struct timeline *tl = (struct timeline *)(uintptr_t)ctl;
	struct tl_conn *c = (struct tl_conn *)(uintptr_t)cc;
	static const size_t none[1];
	size_t cap, k, i;

	if (c->nsteps == 0)
		return none;
	if (c->nlist < c->nsteps) {
		if (c->list0 > 0) {
			memmove(c->list, c->list + c->list0,
			    c->nlist * sizeof *c->list);
			c->list0 = 0;
		}
		if (c->nsteps > c->caplist) {
			cap = c->caplist ? c->caplist : 8;
			while (cap < c->nsteps)
				cap *= 2;
			tl->bytes += (cap - c->caplist) * sizeof *c->list;
			c->list = xreallocarray(c->list, cap, sizeof *c->list);
			c->caplist = cap;
		}
		/* Back from the newest, to the last listed. */
		for (k = c->nsteps, i = c->last; k > c->nlist; k--) {
			c->list[k - 1] = i;
			i = timeline_prev(tl, i);
		}
		c->nlist = c->nsteps;
	}
	return c->list + c->list0;
}

size_t
timeline_conn_step(const struct timeline *tl, const struct tl_conn *c,
    size_t i)
{
	const size_t *steps = timeline_conn_steps(tl, c);
	size_t lo = 0, hi = c->nsteps, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (steps[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
timeline_states_before(const struct timeline *tl, const struct tl_conn *c,
    size_t n, enum tcp_state st[2])
{
	const struct tl_hot *h;

	if (n == 0 || c->nsteps == 0) {
		st[0] = c->st0[0];
		st[1] = c->st0[1];
		return;
	}
	if (n > c->nsteps)
		n = c->nsteps;
	h = timeline_hot(tl, timeline_conn_steps(tl, c)[n - 1]);
	st[0] = (enum tcp_state)h->st[0];
	st[1] = (enum tcp_state)h->st[1];
}
