/* SPDX-License-Identifier: ISC */
/*
 * The timeline gives back what the engine emitted: for every bundled
 * capture (and the public corpus, when it is there), each event the
 * engine emits is recorded as it comes and compared with what the
 * timeline holds (timeline_get, timeline_changes): every field of every
 * step but a packet's caplen (not kept), every state change exactly
 * once, on the step of its frame or on the step where its endpoint
 * entered `from`, and each conn's states a chain of its changes.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fixture.h"
#include "msg.h"
#include "timeline.h"

/* Conn c's k'th held step. */
#define STEP(tl, c, k)	(timeline_conn_steps((tl), (c))[k])


/* An event as the engine emitted it, with what it pointed to copied. */
struct rec {
	struct ev	e;
	uint32_t	conn;		/* id; 0: none */
	enum tcp_state	init[2];	/* its conn's guess then */
	bool		haspay;
	uint8_t		pay[TL_PAYLOAD_MAX];
	struct msg	msg;
	char		*text;
	bool		used;		/* a state change matched */
	size_t		step;		/* where the timeline put it */
	bool		own;		/* a state change as a step */
};

struct recorder {
	struct sink	sink;
	struct sink	*next;
	struct timeline	*tl;		/* next's: note where each went */
	struct rec	*r;
	size_t		n, cap;
	size_t		lenbefore;	/* steps before the event */
};

/* ------------------------------------------------ pcapng, for the corpus */

static uint32_t
ng32(const uint8_t *b, bool be)
{
	return be ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3] : (uint32_t)b[3] << 24 |
	    (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static uint16_t
ng16(const uint8_t *b, bool be)
{
	return be ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

#define NG_MAXIF	16

/*
 * Every packet of the pcapng file at `path` (enhanced and simple packet
 * blocks, each interface's link type and time resolution) to `e`, then
 * engine_finish().  Stops at the first block that does not add up.
 */
static void
pcapng_feed(struct engine *e, const char *path, uint64_t *frame)
{
	uint8_t hdr[12], *blk = NULL;
	uint32_t type, len, n, caplen, orig, iface;
	int lt[NG_MAXIF];
	uint64_t tpsec[NG_MAXIF], ts;
	size_t nif = 0, off;
	bool be = false;
	FILE *fp;
	uint16_t code, olen;
	int64_t ns;

	if ((fp = fopen(path, "rb")) == NULL)
		return;
	while (fread(hdr, 1, 8, fp) == 8) {
		if (memcmp(hdr, "\x0a\x0d\x0d\x0a", 4) == 0) {
			if (fread(hdr + 8, 1, 4, fp) != 4)
				break;
			be = memcmp(hdr + 8, "\x1a\x2b\x3c\x4d", 4) == 0;
			if (!be && memcmp(hdr + 8, "\x4d\x3c\x2b\x1a", 4) != 0)
				break;
			nif = 0;
			len = ng32(hdr + 4, be);
			if (len < 12 || len % 4 != 0 || len > (1U << 24) ||
			    fseek(fp, (long)len - 12, SEEK_CUR) != 0)
				break;
			continue;
		}
		type = ng32(hdr, be);
		len = ng32(hdr + 4, be);
		if (len < 12 || len % 4 != 0 || len > (1U << 24))
			break;
		n = len - 8;
		free(blk);
		if ((blk = malloc(n)) == NULL || fread(blk, 1, n, fp) != n)
			break;
		n -= 4;				/* the trailing length */
		if (type == 1 && n >= 8) {	/* interface description */
			if (nif == NG_MAXIF)
				break;
			lt[nif] = ng16(blk, be);
			tpsec[nif] = 1000000;
			for (off = 8; off + 4 <= n; off += 4 + ((olen + 3U) &
			    ~3U)) {
				code = ng16(blk + off, be);
				olen = ng16(blk + off + 2, be);
				if (code == 0 || off + 4 + olen > n)
					break;
				if (code == 9 && olen >= 1) {
					uint8_t r = blk[off + 4];
					unsigned k;

					tpsec[nif] = 1;
					for (k = 0; k < (r & 0x7f) && k < 19; k++)
						tpsec[nif] *= (r & 0x80) ? 2 : 10;
				}
			}
			nif++;
		} else if (type == 6 && n >= 20) {	/* enhanced packet */
			iface = ng32(blk, be);
			ts = (uint64_t)ng32(blk + 4, be) << 32 | ng32(blk + 8, be);
			caplen = ng32(blk + 12, be);
			orig = ng32(blk + 16, be);
			if (iface >= nif || caplen > n - 20)
				break;
			ns = (int64_t)(ts / tpsec[iface] * 1000000000ULL +
			    ts % tpsec[iface] * 1000000000ULL / tpsec[iface]);
			engine_frame(e, ++*frame, ns, lt[iface], blk + 20, caplen,
			    orig);
		} else if (type == 3 && n >= 4 && nif > 0) {	/* simple */
			orig = ng32(blk, be);
			caplen = orig < n - 4 ? orig : n - 4;
			engine_frame(e, ++*frame, 0, lt[0], blk + 4, caplen, orig);
		}
	}
	free(blk);
	fclose(fp);
	engine_finish(e);
}

/* A capture, classic pcap or pcapng, to e. */
static void
feed(struct engine *e, const char *path, uint64_t *frame)
{
	size_t len = strlen(path);

	if (len > 7 && strcmp(path + len - 7, ".pcapng") == 0)
		pcapng_feed(e, path, frame);
	else
		(void)fixture_pcap(e, path, frame);
}

static bool	state_eq(const struct ev_state *, const struct ev_state *);
static const char *cur_name;		/* the capture being compared */

/* Where the timeline put event e (just emitted): its step, or the step
 * a state change was folded into. */
static void
rec_where(struct recorder *rc, struct rec *r, const struct ev *e)
{
	struct ev_state out[64];
	const struct tl_conn *c;
	size_t len = timeline_len(rc->tl), k, n, m;

	r->step = SIZE_MAX;
	if (len > rc->lenbefore) {
		r->step = len - 1;
		r->own = e->type == EV_STATE;
		return;
	}
	cr_assert_eq(e->type, EV_STATE, "an event stored nowhere");
	cr_assert_not_null(e->conn);
	c = timeline_conn_by_id(rc->tl, e->conn->id);
	cr_assert_not_null(c, "a change of conn %u, gone", e->conn->id);
	for (k = c->nsteps; k > 0 && c->nsteps - k < TL_LATE_REACH + 8;
	    k--) {
		n = timeline_changes(rc->tl, STEP(rc->tl, c, k - 1), out, 64);
		for (m = 0; m < n && m < 64; m++)
			if (state_eq(&out[m], &e->u.state)) {
				r->step = STEP(rc->tl, c, k - 1);
				return;
			}
	}
	cr_assert_fail("%s: a change (frame %llu, side %d, %d -> %d) folded "
	    "into no step", cur_name, (unsigned long long)e->u.state.frame,
	    e->u.state.endpoint, e->u.state.from, e->u.state.to);
}

static void
rec_emit(struct sink *s, const struct ev *e)
{
	struct recorder *rc = (struct recorder *)s;
	struct rec *r;
	size_t keep;

	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? rc->cap * 2 : 256;
		rc->r = realloc(rc->r, rc->cap * sizeof *rc->r);
		cr_assert_not_null(rc->r);
	}
	r = &rc->r[rc->n++];
	memset(r, 0, sizeof *r);
	r->e = *e;
	r->conn = e->conn != NULL ? e->conn->id : 0;
	if (e->conn != NULL) {
		r->init[0] = e->conn->init[0];
		r->init[1] = e->conn->init[1];
	}
	r->e.conn = NULL;
	if (e->type == EV_PACKET && e->u.pkt.payload != NULL &&
	    e->u.pkt.paycap > 0) {
		keep = e->u.pkt.paycap < TL_PAYLOAD_MAX ? e->u.pkt.paycap :
		    TL_PAYLOAD_MAX;
		memcpy(r->pay, e->u.pkt.payload, keep);
		r->haspay = true;
	}
	r->e.u.pkt.payload = NULL;
	if (e->type == EV_WARNING && e->u.warn.msg != NULL)
		r->msg = *e->u.warn.msg;
	if (e->type == EV_OUTPUT)
		r->text = strdup(e->u.out.text != NULL ? e->u.out.text : "");
	if (rc->tl != NULL)
		rc->lenbefore = timeline_len(rc->tl);
	if (rc->next != NULL)
		sink_emit(rc->next, e);
	if (rc->tl != NULL)
		rec_where(rc, r, e);
}

/* timeline_replay() gives the same events: each state change once,
 * right after its step. */
static void
compare_replay(const char *name, struct recorder *rc,
    const struct timeline *tl)
{
	struct recorder rp;
	size_t j, k, nr = 0, np = 0;

	memset(&rp, 0, sizeof rp);
	rp.sink.emit = rec_emit;
	timeline_replay(tl, &rp.sink);
	for (j = 0; j < rc->n; j++)
		nr += rc->r[j].e.type == EV_STATE;
	for (k = 0; k < rp.n; k++)
		np += rp.r[k].e.type == EV_STATE;
	cr_assert_eq(rp.n, rc->n, "%s: %zu events replayed, %zu emitted",
	    name, rp.n, rc->n);
	cr_assert_eq(np, nr, "%s: %zu changes replayed, %zu emitted", name,
	    np, nr);
	for (k = 0; k < rp.n; k++) {
		if (rp.r[k].e.type != EV_STATE)
			continue;
		for (j = 0; j < rc->n; j++)
			if (rc->r[j].e.type == EV_STATE && !rc->r[j].used &&
			    state_eq(&rc->r[j].e.u.state, &rp.r[k].e.u.state))
				break;
		cr_assert_lt(j, rc->n, "%s: a change replayed twice", name);
		rc->r[j].used = true;
	}
	for (k = 0; k < rp.n; k++)
		free(rp.r[k].text);
	free(rp.r);
}

static bool
opts_eq(const struct tcp_opts *a, const struct tcp_opts *b)
{
	unsigned ns = a->nsack < TCPOPT_MAX_SACK ? a->nsack : TCPOPT_MAX_SACK;
	unsigned nt = a->tfo_len < TCPOPT_MAX_TFO ? a->tfo_len :
	    TCPOPT_MAX_TFO;
	unsigned nu = a->nunknown < TCPOPT_MAX_UNKNOWN ? a->nunknown :
	    TCPOPT_MAX_UNKNOWN;

	if (a->present != b->present)
		return false;
	if ((a->present & TCPOPT_F_MSS) && a->mss != b->mss)
		return false;
	if ((a->present & TCPOPT_F_WSCALE) && a->wscale != b->wscale)
		return false;
	if ((a->present & TCPOPT_F_SACK) && (ns != b->nsack ||
	    memcmp(a->sack, b->sack, ns * sizeof a->sack[0]) != 0))
		return false;
	if ((a->present & TCPOPT_F_TS) && (a->ts_val != b->ts_val ||
	    a->ts_ecr != b->ts_ecr))
		return false;
	if ((a->present & TCPOPT_F_TFO) && (nt != b->tfo_len ||
	    memcmp(a->tfo_cookie, b->tfo_cookie, nt) != 0))
		return false;
	if ((a->present & TCPOPT_F_UNKNOWN) && (nu != b->nunknown ||
	    memcmp(a->unknown, b->unknown, nu) != 0))
		return false;
	return true;
}

static bool
state_eq(const struct ev_state *a, const struct ev_state *b)
{
	return a->frame == b->frame && a->decided_by == b->decided_by &&
	    a->endpoint == b->endpoint && a->from == b->from &&
	    a->to == b->to && a->why == b->why;
}

/* Payload copies may have gone (a payload budget is set). */
static bool paygone_ok;

/* A step's changes: where, and which recorded event each one is. */
struct chg {
	size_t		step;
	bool		own;		/* a standalone EV_STATE step */
	struct ev_state	s;
	size_t		rec;
};

#define MAXCHG	64

/* The recorded non-state event r against step i (e). */
static void
compare_event(const char *name, const struct recorder *rc, size_t j,
    const struct timeline *tl, size_t i, const struct ev *e)
{
	const struct rec *r = &rc->r[j];
	const struct ev_packet *a = &r->e.u.pkt, *b = &e->u.pkt;
	uint32_t an = a->analysis, keep;
	size_t k;

	cr_assert_eq(e->type, r->e.type, "%s: step %zu type %d, emitted %d",
	    name, i, e->type, r->e.type);
	cr_assert_eq(e->ts_ns, r->e.ts_ns, "%s: step %zu time", name, i);
	cr_assert_eq(e->conn != NULL ? e->conn->id : 0, r->conn,
	    "%s: step %zu conn", name, i);
	switch (e->type) {
	case EV_PACKET:
		/* A later EV_UNPROCESSED marks its packet. */
		for (k = j + 1; k < rc->n; k++)
			if (rc->r[k].e.type == EV_UNPROCESSED &&
			    rc->r[k].conn == r->conn &&
			    rc->r[k].e.u.unproc.frame == a->frame)
				an |= AN_NOT_PROCESSED;
		cr_assert(b->frame == a->frame && b->dir == a->dir &&
		    b->len == a->len && b->flags == a->flags &&
		    b->seq == a->seq && b->ack == a->ack && b->win == a->win &&
		    b->reply_to == a->reply_to, "%s: step %zu (frame %llu) "
		    "header", name, i, (unsigned long long)a->frame);
		cr_assert(b->rseq == a->rseq && b->rack == a->rack,
		    "%s: step %zu (frame %llu): rseq %u rack %u, emitted "
		    "%u %u", name, i, (unsigned long long)a->frame, b->rseq,
		    b->rack, a->rseq, a->rack);
		cr_assert_eq(b->analysis, an, "%s: step %zu analysis %#x, "
		    "emitted %#x", name, i, b->analysis, an);
		cr_assert(opts_eq(&a->opt, &b->opt), "%s: step %zu options",
		    name, i);
		cr_assert(!b->paygone || (paygone_ok && r->haspay),
		    "%s: step %zu payload gone", name, i);
		if (b->paygone) {
			cr_assert_null(b->payload);
			cr_assert_eq(b->paycap, 0);
		} else if (r->haspay) {
			keep = a->paycap < TL_PAYLOAD_MAX ? a->paycap :
			    TL_PAYLOAD_MAX;
			cr_assert_eq(b->paycap, keep, "%s: step %zu paycap",
			    name, i);
			cr_assert_not_null(b->payload);
			cr_assert_arr_eq(b->payload, r->pay, keep,
			    "%s: step %zu payload", name, i);
		} else {
			cr_assert_null(b->payload, "%s: step %zu", name, i);
			cr_assert_eq(b->paycap, 0);
		}
		break;
	case EV_ICMP:
		cr_assert(e->u.icmp.frame == r->e.u.icmp.frame &&
		    e->u.icmp.family == r->e.u.icmp.family &&
		    e->u.icmp.icmp_type == r->e.u.icmp.icmp_type &&
		    e->u.icmp.icmp_code == r->e.u.icmp.icmp_code &&
		    e->u.icmp.cause == r->e.u.icmp.cause &&
		    memcmp(&e->u.icmp.src, &r->e.u.icmp.src,
		    sizeof e->u.icmp.src) == 0, "%s: step %zu icmp", name, i);
		break;
	case EV_WARNING:
		cr_assert_eq(e->u.warn.frame, r->e.u.warn.frame);
		cr_assert_not_null(e->u.warn.msg, "%s: step %zu", name, i);
		cr_assert(e->u.warn.msg->id == r->msg.id &&
		    e->u.warn.msg->n == r->msg.n &&
		    e->u.warn.msg->used == r->msg.used &&
		    memcmp(e->u.warn.msg->kind, r->msg.kind,
		    sizeof r->msg.kind) == 0 &&
		    memcmp(e->u.warn.msg->off, r->msg.off,
		    sizeof r->msg.off) == 0 &&
		    memcmp(e->u.warn.msg->u, r->msg.u, sizeof r->msg.u) == 0 &&
		    memcmp(e->u.warn.msg->text, r->msg.text,
		    r->msg.used) == 0, "%s: step %zu warning", name, i);
		break;
	case EV_SUMMARY:
		cr_assert(memcmp(&e->u.sum, &r->e.u.sum, sizeof e->u.sum) ==
		    0, "%s: step %zu summary", name, i);
		break;
	case EV_CALL:
		cr_assert(memcmp(&e->u.call, &r->e.u.call,
		    sizeof e->u.call) == 0, "%s: step %zu call", name, i);
		break;
	case EV_UNPROCESSED:
		cr_assert(memcmp(&e->u.unproc, &r->e.u.unproc,
		    sizeof e->u.unproc) == 0, "%s: step %zu", name, i);
		break;
	case EV_KSTATE:
		cr_assert(memcmp(&e->u.kstate, &r->e.u.kstate,
		    sizeof e->u.kstate) == 0, "%s: step %zu", name, i);
		break;
	case EV_OUTPUT:
		cr_assert_str_eq(e->u.out.text, r->text);
		cr_assert_eq(e->u.out.pid, r->e.u.out.pid);
		break;
	default:
		break;
	}
	(void)tl;
}

/*
 * Every event the engine emitted against the timeline tl (which nothing
 * evicted).
 */
static void
compare(const char *name, struct recorder *rc, const struct timeline *tl)
{
	struct ev buf;
	const struct ev *e;
	struct ev_state out[MAXCHG];
	struct chg *chg = NULL;
	size_t nchg = 0, capchg = 0, i, j, k, n, nstates = 0;
	enum tcp_state before[2];
	const struct tl_conn *c;
	size_t ci, s, last;
	int side;

	cr_assert_eq(timeline_first(tl), 0, "%s: nothing evicted", name);
	/* Each step, in order, is the next event that is not a state
	 * change folded into a step. */
	for (i = 0, j = 0; i < timeline_len(tl); i++) {
		e = timeline_get(tl, i, &buf);
		cr_assert_not_null(e);
		n = timeline_changes(tl, i, out, MAXCHG);
		cr_assert_leq(n, MAXCHG);
		for (k = 0; k < n; k++) {
			if (nchg == capchg) {
				capchg = capchg ? capchg * 2 : 64;
				chg = realloc(chg, capchg * sizeof *chg);
			}
			chg[nchg].step = i;
			chg[nchg].own = e->type == EV_STATE;
			chg[nchg].s = out[k];
			chg[nchg].rec = SIZE_MAX;
			nchg++;
		}
		if (e->type == EV_STATE)
			continue;
		while (j < rc->n && rc->r[j].e.type == EV_STATE)
			j++;
		cr_assert_lt(j, rc->n, "%s: step %zu beyond the events", name,
		    i);
		compare_event(name, rc, j, tl, i, e);
		j++;
	}
	while (j < rc->n && rc->r[j].e.type == EV_STATE)
		j++;
	cr_assert_eq(j, rc->n, "%s: %zu events not stored", name, rc->n - j);

	/* Every state change exactly once. */
	for (j = 0; j < rc->n; j++)
		if (rc->r[j].e.type == EV_STATE)
			nstates++;
	cr_assert_eq(nchg, nstates, "%s: %zu changes held, %zu emitted", name,
	    nchg, nstates);
	for (k = 0; k < nchg; k++) {
		for (j = 0; j < rc->n; j++)
			if (rc->r[j].e.type == EV_STATE && !rc->r[j].used &&
			    state_eq(&rc->r[j].e.u.state, &chg[k].s))
				break;
		cr_assert_lt(j, rc->n, "%s: step %zu: a change (frame %llu, "
		    "by %llu, side %d, %d -> %d) never emitted", name,
		    chg[k].step, (unsigned long long)chg[k].s.frame,
		    (unsigned long long)chg[k].s.decided_by,
		    chg[k].s.endpoint, chg[k].s.from, chg[k].s.to);
		rc->r[j].used = true;
		chg[k].rec = j;
	}

	/*
	 * Each conn's states are a chain: before a step, then through its
	 * changes, in order, to the states after it; a change folded into a
	 * packet is on its frame's step or where its endpoint entered
	 * `from`.
	 */
	for (ci = 0; ci < timeline_nconns(tl); ci++) {
		if ((c = timeline_conn(tl, ci)) == NULL || c->info.proto != 6)
			continue;
		timeline_states_before(tl, c, 0, before);
		for (s = 0; s < c->nsteps; s++) {
			i = STEP(tl, c, s);
			e = timeline_get(tl, i, &buf);
			for (k = 0; k < nchg; k++) {
				if (chg[k].step != i)
					continue;
				side = chg[k].s.endpoint == EV_CLIENT ? 0 : 1;
				cr_assert_eq(chg[k].s.from, before[side],
				    "%s: conn %u step %zu (frame %llu): a "
				    "change from %d, the endpoint in %d",
				    name, c->info.id, i,
				    (unsigned long long)e->u.pkt.frame,
				    chg[k].s.from, before[side]);
				if (!chg[k].own && e->type == EV_PACKET)
					cr_assert(chg[k].s.frame ==
					    e->u.pkt.frame || (s > 0 &&
					    fixture_st(tl, c, s - 1, side) !=
					    chg[k].s.from) || s == 0,
					    "%s: conn %u: the change of frame "
					    "%llu on frame %llu's step", name,
					    c->info.id, (unsigned long long)
					    chg[k].s.frame,
					    (unsigned long long)
					    e->u.pkt.frame);
				before[side] = chg[k].s.to;
			}
			if (e->type == EV_PACKET) {
				cr_assert(e->u.pkt.st_after[0] == before[0] &&
				    e->u.pkt.st_after[1] == before[1],
				    "%s: conn %u frame %llu: after it %d/%d, "
				    "its changes lead to %d/%d", name,
				    c->info.id, (unsigned long long)
				    e->u.pkt.frame, e->u.pkt.st_after[0],
				    e->u.pkt.st_after[1], before[0],
				    before[1]);
			}
			timeline_states_before(tl, c, s + 1, before);
		}
		timeline_states_before(tl, c, c->nsteps, before);
		cr_assert(before[0] == c->st[0] && before[1] == c->st[1],
		    "%s: conn %u ends %d/%d, its last step %d/%d", name,
		    c->info.id, c->st[0], c->st[1], before[0], before[1]);
		if (c->over)
			cr_assert(c->sum.client_state == c->st[0] &&
			    c->sum.server_state == c->st[1],
			    "%s: conn %u: the summary says %d/%d, the "
			    "timeline %d/%d", name, c->info.id,
			    c->sum.client_state, c->sum.server_state,
			    c->st[0], c->st[1]);
	}
	/* A packet's states: as emitted, but for the changes emitted later
	 * that were folded into it or an earlier step of its conn. */
	for (i = 0, j = 0; i < timeline_len(tl); i++) {
		enum tcp_state want[2];
		const struct rec *r;

		e = timeline_get(tl, i, &buf);
		if (e->type == EV_STATE)
			continue;
		while (rc->r[j].e.type == EV_STATE)
			j++;
		r = &rc->r[j++];
		if (e->type != EV_PACKET || e->conn == NULL ||
		    e->conn->proto != 6)
			continue;
		want[0] = r->e.u.pkt.st_after[0];
		want[1] = r->e.u.pkt.st_after[1];
		for (side = 0; side < 2; side++) {
			/* The engine learnt later that its guess of the
			 * state before the first packet was wrong. */
			if (want[side] == r->init[side] &&
			    e->conn->init[side] != r->init[side])
				want[side] = e->conn->init[side];
			last = SIZE_MAX;
			for (k = 0; k < nchg; k++)
				if (chg[k].rec > (size_t)(r - rc->r) &&
				    chg[k].step <= i && !chg[k].own &&
				    rc->r[chg[k].rec].conn == r->conn &&
				    (chg[k].s.endpoint == EV_CLIENT ? 0 : 1) ==
				    side && (last == SIZE_MAX ||
				    chg[k].rec > chg[last].rec))
					last = k;
			if (last != SIZE_MAX)
				want[side] = chg[last].s.to;
		}
		cr_assert(e->u.pkt.st_after[0] == want[0] &&
		    e->u.pkt.st_after[1] == want[1], "%s: frame %llu: %d/%d "
		    "held, %d/%d emitted and changed after", name,
		    (unsigned long long)e->u.pkt.frame, e->u.pkt.st_after[0],
		    e->u.pkt.st_after[1], want[0], want[1]);
	}
	free(chg);
}

/*
 * What the timeline still holds (it evicted, by a cap or a budget)
 * against what the engine emitted: each held step is the event that made
 * it, each held change one emitted, and a packet's states as emitted but
 * for the changes emitted later and folded into it or a step before it.
 */
static void
compare_held(const char *name, struct recorder *rc,
    const struct timeline *tl)
{
	const size_t first = timeline_first(tl), len = timeline_len(tl);
	struct ev_state out[MAXCHG];
	struct ev buf;
	const struct ev *e;
	const struct tl_conn *c;
	size_t *cnt, j, k, i, n, m, last;
	bool *seen;
	enum tcp_state want[2], before[2];
	int side;

	cnt = calloc(len + 1, sizeof *cnt);
	seen = calloc(len + 1, sizeof *seen);
	for (j = 0; j < rc->n; j++) {
		const struct rec *r = &rc->r[j];

		cr_assert_neq(r->step, SIZE_MAX);
		if (r->step < first)
			continue;
		e = timeline_get(tl, r->step, &buf);
		cr_assert_not_null(e, "%s: step %zu", name, r->step);
		if (r->e.type == EV_STATE) {
			cnt[r->step]++;
			n = timeline_changes(tl, r->step, out, MAXCHG);
			for (m = 0; m < n && m < MAXCHG; m++)
				if (state_eq(&out[m], &r->e.u.state))
					break;
			cr_assert_lt(m, n, "%s: step %zu lost a change", name,
			    r->step);
			if (r->own) {
				cr_assert_eq(e->type, EV_STATE);
				cr_assert(state_eq(&e->u.state,
				    &r->e.u.state));
				seen[r->step] = true;
			}
			continue;
		}
		seen[r->step] = true;
		compare_event(name, rc, j, tl, r->step, e);
		if (e->type != EV_PACKET || e->conn == NULL ||
		    e->conn->proto != 6)
			continue;
		want[0] = r->e.u.pkt.st_after[0];
		want[1] = r->e.u.pkt.st_after[1];
		for (side = 0; side < 2; side++) {
			if (want[side] == r->init[side] &&
			    e->conn->init[side] != r->init[side])
				want[side] = e->conn->init[side];
			last = SIZE_MAX;
			for (k = j + 1; k < rc->n; k++)
				if (rc->r[k].e.type == EV_STATE &&
				    !rc->r[k].own && rc->r[k].conn == r->conn &&
				    rc->r[k].step <= r->step &&
				    (rc->r[k].e.u.state.endpoint ==
				    EV_CLIENT ? 0 : 1) == side)
					last = k;
			if (last != SIZE_MAX)
				want[side] = rc->r[last].e.u.state.to;
		}
		cr_assert(e->u.pkt.st_after[0] == want[0] &&
		    e->u.pkt.st_after[1] == want[1], "%s: frame %llu: %d/%d "
		    "held, %d/%d emitted and changed after", name,
		    (unsigned long long)e->u.pkt.frame, e->u.pkt.st_after[0],
		    e->u.pkt.st_after[1], want[0], want[1]);
	}
	for (i = first; i < len; i++) {
		cr_assert(seen[i], "%s: step %zu made by no event", name, i);
		cr_assert_eq(timeline_changes(tl, i, out, MAXCHG), cnt[i],
		    "%s: step %zu has %zu changes, %zu emitted there", name, i,
		    timeline_changes(tl, i, out, MAXCHG), cnt[i]);
	}
	/* Each conn's states: a chain of its changes. */
	for (j = 0; j < timeline_nconns(tl); j++) {
		if ((c = timeline_conn(tl, j)) == NULL || c->info.proto != 6)
			continue;
		timeline_states_before(tl, c, 0, before);
		for (k = 0; k < c->nsteps; k++) {
			n = timeline_changes(tl, STEP(tl, c, k), out, MAXCHG);
			for (m = 0; m < n && m < MAXCHG; m++) {
				side = out[m].endpoint == EV_CLIENT ? 0 : 1;
				cr_assert_eq(out[m].from, before[side],
				    "%s: conn %u step %zu: a change from %d, "
				    "the endpoint in %d", name, c->info.id,
				    STEP(tl, c, k), out[m].from, before[side]);
				before[side] = out[m].to;
			}
			e = timeline_get(tl, STEP(tl, c, k), &buf);
			if (e->type == EV_PACKET)
				cr_assert(e->u.pkt.st_after[0] == before[0] &&
				    e->u.pkt.st_after[1] == before[1],
				    "%s: conn %u step %zu: %d/%d, its changes "
				    "lead to %d/%d", name, c->info.id,
				    STEP(tl, c, k), e->u.pkt.st_after[0],
				    e->u.pkt.st_after[1], before[0],
				    before[1]);
			timeline_states_before(tl, c, k + 1, before);
		}
	}
	free(cnt);
	free(seen);
}

static void
roundtrip_evicting(const char *path, const char *name, size_t cap,
    size_t budget, size_t paybudget)
{
	struct timeline *tl = timeline_new(cap);
	struct recorder rc;
	struct engine *eng;
	uint64_t frame = 0;
	size_t k;

	if (budget != 0)
		timeline_set_budget(tl, budget);
	if (paybudget != 0)
		timeline_set_payload_budget(tl, paybudget);
	memset(&rc, 0, sizeof rc);
	rc.sink.emit = rec_emit;
	rc.next = timeline_sink(tl);
	rc.tl = tl;
	eng = engine_new(NULL, &rc.sink);
	cur_name = name;
	feed(eng, path, &frame);
	paygone_ok = paybudget != 0;
	compare_held(name, &rc, tl);
	paygone_ok = false;
	engine_free(eng);
	timeline_free(tl);
	for (k = 0; k < rc.n; k++)
		free(rc.r[k].text);
	free(rc.r);
}

static void
roundtrip(const char *path, const char *name)
{
	struct timeline *tl = timeline_new(0);
	struct recorder rc;
	struct engine *eng;
	uint64_t frame = 0;
	size_t k;

	memset(&rc, 0, sizeof rc);
	rc.sink.emit = rec_emit;
	rc.next = timeline_sink(tl);
	rc.tl = tl;
	eng = engine_new(NULL, &rc.sink);
	cur_name = name;
	feed(eng, path, &frame);
	compare(name, &rc, tl);
	compare_held(name, &rc, tl);
	for (k = 0; k < rc.n; k++)
		rc.r[k].used = false;
	compare_replay(name, &rc, tl);
	cr_assert_eq(timeline_payload_dropped(tl), 0);
	engine_free(eng);
	timeline_free(tl);
	for (k = 0; k < rc.n; k++)
		free(rc.r[k].text);
	free(rc.r);
	/* Under pressure: a cap of 40 steps (chunks of 4), a budget of
	 * 16 KiB (chunks of 8), payload copies of 1 KiB; a cap of one step
	 * and a budget of 1000 bytes (chunks of one step). */
	roundtrip_evicting(path, name, 40, 0, 0);
	roundtrip_evicting(path, name, 0, 16 * 1024, 1024);
	roundtrip_evicting(path, name, 1, 0, 0);
	roundtrip_evicting(path, name, 0, 1000, 100);
}

Test(timeline_roundtrip, every_bundled_capture)
{
	fixture_each_bundled(roundtrip);
}

/* The public corpus (classic pcap and pcapng files), when it is there. */
Test(timeline_roundtrip, the_public_corpus)
{
	long n = fixture_each_public(roundtrip);

	if (n < 0)
		cr_skip_test("no public corpus");
	cr_log_info("%ld public captures", n);
}

/*
 * A conn caught mid-stream, then its SYN (a new conn on the same ports,
 * or the same one restarted): the relative numbers start again from the
 * SYN (tcp_analysis.c resets its base), and the timeline still gives
 * back every packet's rseq and rack as the engine emitted them.
 */
Test(timeline_roundtrip, relative_numbers_after_a_late_syn)
{
	struct timeline *tl = timeline_new(0);
	struct recorder rc;
	struct fixture fx;
	size_t k;

	memset(&rc, 0, sizeof rc);
	rc.sink.emit = rec_emit;
	rc.next = timeline_sink(tl);
	rc.tl = tl;
	fixture_init(&fx, engine_new(NULL, &rc.sink));
	cur_name = "late syn";
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 5000, 9000, 10);
	fixture_seg(&fx, false, TCP_ACK, 9000, 5010, 0);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 5010, 9000, 10);
	fixture_seg(&fx, true, TCP_SYN, 70000, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 123456, 70001, 0);
	fixture_seg(&fx, true, TCP_ACK, 70001, 123457, 0);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 70001, 123457, 7);
	fixture_seg(&fx, false, TCP_ACK, 123457, 70008, 0);
	engine_finish(fx.e);
	compare("late syn", &rc, tl);
	compare_held("late syn", &rc, tl);
	engine_free(fx.e);
	timeline_free(tl);
	for (k = 0; k < rc.n; k++)
		free(rc.r[k].text);
	free(rc.r);
}
