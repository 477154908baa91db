/* SPDX-License-Identifier: ISC */
/* The engine: decode, find the conversation, run both FSMs, emit events. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "flow.h"
#include "msg.h"
#include "seq.h"
#include "tcp_analysis.h"
#include "tcp_classify.h"
#include "xmalloc.h"

/*
 * Invariants.  A conn is one connection (TCP) or one exchange (UDP) on a
 * flow; a flow holds at most one conn, and a new SYN on a flow whose
 * conn is over ends that conn and starts another.  The client is the
 * sender of the first SYN without ACK, or the receiver of the first
 * SYN-ACK; for a conversation joined mid-stream the lower (well-known)
 * port is the server and the roles are marked guessed.  half[EV_C2S]
 * describes what the client sent, half[EV_S2C] what the server sent.
 * An endpoint's state before its first state event is that event's
 * `from`; with no event it is the summary's final state.
 */

enum {
	ENGINE_L_OPEN = 0,	/* TCP, not over */
	ENGINE_L_CLOSED,	/* TCP, over: kept so late segments join it */
	ENGINE_L_UDP,
};

#define ENGINE_UDP_PENDING	8
#define ENGINE_MAX_CLOSED	4096	/* closed conns kept at once */
#define ENGINE_PEND		4	/* undecided segments per receiver */
#define ENGINE_PEND_EVS		TCP_CLASSIFY_EVS
/* Live: a receiver silent this long has processed what it was sent. */
#define ENGINE_PEND_TIMEOUT_NS	(200LL * 1000000LL)

/*
 * A segment whose effect on its receiver is not decided yet: what the
 * receiver would do with it (FSM events), and what its own segments must
 * show to prove that it did.
 */
struct engine_pend {
	uint64_t	frame;
	int64_t		ts;
	uint32_t	seq;
	uint32_t	end;		/* seq + len + SYN + FIN */
	uint32_t	ack;		/* its ACK field, when TCP_ACK */
	uint32_t	ctl;		/* seq its SYN or FIN occupies */
	uint16_t	flags;
	uint8_t		n;
	uint8_t		ev[ENGINE_PEND_EVS];	/* enum tcp_fsm_ev */
	uint64_t	contra;		/* the receiver's segment that sent
					   again what this one answered; 0:
					   none (yet) */
};

struct conn {
	struct conn_info info;
	struct flow	*flow;
	bool		client_is_0;	/* client is the key's endpoint 0 */
	bool		first_done;
	bool		rst_seen;	/* an acceptable RST ended it */
	bool		alive[2];	/* endpoint was ever past LISTEN */
	enum tcp_state	st[2];		/* by enum ev_side */
	struct tcp_half	half[2];	/* by enum ev_dir */
	uint8_t		compl;
	uint64_t	packets;
	uint64_t	bytes[2];
	uint64_t	retrans;
	uint64_t	last_frame[2];	/* by enum ev_dir */
	uint32_t	last_seq[2];	/* TCP: seq of that frame */
	int64_t		first_ns;
	int64_t		last_ns;
	/* TCP: segments each endpoint (by enum ev_side) was sent whose
	 * effect on it is not decided yet, oldest first. */
	struct engine_pend pend[2][ENGINE_PEND];
	uint8_t		npend[2];
	/* UDP: requests not yet answered, oldest first. */
	uint64_t	pending[ENGINE_UDP_PENDING];
	unsigned	npending;
	/* The kernel's last word on each endpoint (engine_kstate), by
	 * source: a read and the tracepoint each report their changes. */
	bool		kst_known[2][2];
	enum tcp_state	kst[2][2];
};

/*
 * A socket call that names a conn not seen yet (connect() before its
 * SYN, a UDP send() before its datagram) waits for the next frame: if
 * that frame opens the conn, the call is tied to it, right after the
 * conn event and before the packet.  Calls behind a waiting one wait
 * too, so calls keep their order.
 */
#define ENGINE_CALLS_MAX	64

struct engine_wcall {
	int64_t		ts;
	struct ev_call	call;
	uint8_t		proto;
	bool		tuple;		/* names both ends */
	struct flow_key	key;
	struct pkt_addr	local;
	uint16_t	lport;
};

struct engine {
	struct engine_config cfg;
	struct sink	*sink;
	struct flow_table *ft;
	uint32_t	next_id;
	int64_t		now;
	uint64_t	npending;	/* undecided segments, all conns */
	/* A lesson's socket filter drops what is sent to this side
	 * (engine_call(), EV_CALL_FILTER_*): by enum ev_side. */
	bool		dropping[2];
	struct engine_stats stats;
	struct msg	msg;		/* a warning being emitted */
	struct engine_wcall wcall[ENGINE_CALLS_MAX];
	size_t		nwcall;
	bool		tie;		/* waiting calls name tie_key's conn */
	struct flow_key	tie_key;	/* the frame's */
};

static void	engine_wcall_release(struct engine *, const struct conn_info *);

void
engine_config_default(struct engine_config *cfg)
{
	cfg->max_flows = 100000;
	cfg->closed_linger_ns = 60LL * 1000000000LL;	/* Linux TIME_WAIT */
	cfg->udp_idle_ns = 60LL * 1000000000LL;
}

struct engine *
engine_new(const struct engine_config *cfg, struct sink *sink)
{
	struct engine *e = xcalloc(1, sizeof *e);

	if (cfg != NULL)
		e->cfg = *cfg;
	else
		engine_config_default(&e->cfg);
	if (e->cfg.max_flows == 0)
		e->cfg.max_flows = 1;
	e->sink = sink;
	e->ft = flow_table_new();
	e->next_id = 1;
	return e;
}

static void
engine_free_one(struct flow *f, void *arg)
{
	free(f->data);
	f->data = NULL;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	flow_foreach(e->ft, engine_free_one, NULL);
	flow_table_free(e->ft);
	free(e);
}

void
engine_stats(const struct engine *e, struct engine_stats *st)
{
	*st = e->stats;
}

/* A warning is an English message id and its arguments (msg.h): its
 * sinks render it, translated for a person, as it is for --json. */
static void
engine_emit_warning(struct engine *e, uint64_t frame, int64_t ts,
    const struct msg *m)
{
	struct ev ev = { .type = EV_WARNING, .ts_ns = ts };

	ev.u.warn.frame = frame;
	ev.u.warn.msg = m;
	sink_emit(e->sink, &ev);
}

/*
 * A warning about one conn goes on its own ladder; a conn-less one is
 * shown on every ladder, which a flood of evictions would bury.
 */
static void
engine_emit_conn_warning(struct engine *e, const struct conn_info *ci,
    uint64_t frame, int64_t ts, const struct msg *m)
{
	struct ev ev = { .type = EV_WARNING, .ts_ns = ts, .conn = ci };

	ev.u.warn.frame = frame;
	ev.u.warn.msg = m;
	sink_emit(e->sink, &ev);
}

void
engine_warn(struct engine *e, uint64_t frame, int64_t ts_ns,
    const struct msg *m)
{
	engine_wcall_release(e, NULL);
	engine_emit_warning(e, frame, ts_ns, m);
}

/* ------------------------------------------------------------ conns */

static bool
engine_tcp_over(const struct conn *c)
{
	int s;

	if (c->rst_seen)
		return true;
	for (s = 0; s < 2; s++) {
		if (c->st[s] == TCP_ST_TIME_WAIT ||
		    (c->st[s] == TCP_ST_CLOSED && c->alive[s]))
			return true;
	}
	return false;
}

static int
engine_list_of(const struct conn *c)
{
	if (c->info.proto != 6)
		return ENGINE_L_UDP;
	return engine_tcp_over(c) ? ENGINE_L_CLOSED : ENGINE_L_OPEN;
}

static void engine_pend_flush(struct engine *, struct conn *, int side,
    uint64_t decided_by);

static void
engine_finalize(struct engine *e, struct flow *f, bool evicted)
{
	struct conn *c = f->data;
	struct ev ev = { .type = EV_SUMMARY, .ts_ns = c->last_ns };

	/* No more evidence will come: what is undecided was processed. */
	engine_pend_flush(e, c, EV_CLIENT, 0);
	engine_pend_flush(e, c, EV_SERVER, 0);
	ev.conn = &c->info;
	ev.u.sum.packets = c->packets;
	ev.u.sum.bytes_c2s = c->bytes[EV_C2S];
	ev.u.sum.bytes_s2c = c->bytes[EV_S2C];
	ev.u.sum.completeness = c->compl;
	ev.u.sum.client_state = c->st[EV_CLIENT];
	ev.u.sum.server_state = c->st[EV_SERVER];
	ev.u.sum.retransmissions = c->retrans;
	ev.u.sum.first_ns = c->first_ns;
	ev.u.sum.last_ns = c->last_ns;
	ev.u.sum.evicted = evicted;
	sink_emit(e->sink, &ev);
	free(c);
	flow_remove(e->ft, f);
}

static void
engine_expire(struct engine *e)
{
	struct flow *f;

	while ((f = flow_oldest(e->ft, ENGINE_L_CLOSED)) != NULL &&
	    (e->now - f->last_ns > e->cfg.closed_linger_ns ||
	    flow_list_count(e->ft, ENGINE_L_CLOSED) > ENGINE_MAX_CLOSED))
		engine_finalize(e, f, false);
	while ((f = flow_oldest(e->ft, ENGINE_L_UDP)) != NULL &&
	    e->now - f->last_ns > e->cfg.udp_idle_ns)
		engine_finalize(e, f, false);
}

/* Make room for one more flow: the least recently active goes. */
static void
engine_make_room(struct engine *e, uint64_t frame, int64_t ts)
{
	static const int order[] = { ENGINE_L_CLOSED, ENGINE_L_UDP,
	    ENGINE_L_OPEN };
	struct flow *f;
	size_t i;

	if (flow_count(e->ft) < e->cfg.max_flows)
		return;
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		if ((f = flow_oldest(e->ft, order[i])) == NULL)
			continue;
		msg_init(&e->msg, N_("more than %" PRIu32 " conversations at "
		    "once: the least recently active one (conn %" PRIu32 ") "
		    "was closed early"));
		msg_num(&e->msg, e->cfg.max_flows);
		msg_num(&e->msg, ((struct conn *)f->data)->info.id);
		e->stats.evicted++;
		engine_emit_conn_warning(e, &((struct conn *)f->data)->info,
		    frame, ts, &e->msg);
		engine_finalize(e, f, true);
		return;
	}
}

/*
 * Decide who is the client of a new conversation from its first packet
 * (sent from the key's endpoint `src0 ? 0 : 1`).
 */
static bool
engine_guess_client_is_src(const struct pkt *p, bool *guessed)
{
	*guessed = false;
	/* A SYN (with RST or FIN it is nonsense, not an opening) names
	 * the client: its sender, or for a SYN-ACK its receiver. */
	if (p->kind == PKT_TCP &&
	    (p->flags & (TCP_SYN | TCP_RST | TCP_FIN)) == TCP_SYN)
		return !(p->flags & TCP_ACK);
	if (p->kind == PKT_UDP) {
		/* A datagram from a well-known port is most likely a reply. */
		if (p->sport < 1024 && p->dport >= 1024) {
			*guessed = true;
			return false;
		}
		return true;
	}
	/* Joined mid-stream: the lower (well-known) port is the server. */
	*guessed = true;
	if (p->sport != p->dport)
		return p->sport > p->dport;
	return true;
}

static struct conn *
engine_conn_new(struct engine *e, const struct flow_key *k, bool swapped,
    const struct pkt *p, uint64_t frame, int64_t ts)
{
	struct conn *c;
	struct ev ev = { .type = EV_CONN, .ts_ns = ts };
	bool guessed, client_is_src;

	engine_make_room(e, frame, ts);
	c = xcalloc(1, sizeof *c);
	client_is_src = engine_guess_client_is_src(p, &guessed);
	c->info.id = e->next_id++;
	c->info.proto = p->proto;
	c->info.guessed = guessed;
	if (client_is_src) {
		c->info.caddr = p->src;
		c->info.cport = p->sport;
		c->info.saddr = p->dst;
		c->info.sport = p->dport;
	} else {
		c->info.caddr = p->dst;
		c->info.cport = p->dport;
		c->info.saddr = p->src;
		c->info.sport = p->sport;
	}
	/* The packet's source is endpoint `swapped`. */
	c->client_is_0 = client_is_src == !swapped;
	tcp_half_init(&c->half[0]);
	tcp_half_init(&c->half[1]);
	if (p->kind == PKT_TCP && !guessed) {
		if ((p->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
			c->st[EV_CLIENT] = TCP_ST_CLOSED;
			c->st[EV_SERVER] = TCP_ST_LISTEN;
		} else if (p->flags & TCP_SYN) {
			/* A SYN-ACK first: its SYN was not captured. */
			c->st[EV_CLIENT] = TCP_ST_SYN_SENT;
			c->st[EV_SERVER] = TCP_ST_LISTEN;
			c->alive[EV_CLIENT] = true;
		}
	} else if (p->kind == PKT_TCP) {
		c->st[EV_CLIENT] = c->st[EV_SERVER] = TCP_ST_ESTABLISHED;
		c->alive[EV_CLIENT] = c->alive[EV_SERVER] = true;
	}
	c->info.init[EV_CLIENT] = c->st[EV_CLIENT];
	c->info.init[EV_SERVER] = c->st[EV_SERVER];
	c->first_ns = c->last_ns = ts;
	c->flow = flow_insert(e->ft, k, p->kind == PKT_TCP ? ENGINE_L_OPEN :
	    ENGINE_L_UDP, ts);
	c->flow->data = c;
	e->stats.conns++;
	ev.conn = &c->info;
	sink_emit(e->sink, &ev);
	if (e->tie && memcmp(&e->tie_key, k, sizeof *k) == 0) {
		e->tie = false;
		engine_wcall_release(e, &c->info);
	}
	return c;
}

static struct conn *
engine_conn_find(struct engine *e, const struct pkt *p, struct flow_key *k,
    bool *swapped)
{
	struct flow *f;

	flow_key_make(k, p->proto, &p->src, p->sport, &p->dst, p->dport,
	    swapped);
	f = flow_lookup(e->ft, k);
	return f != NULL ? f->data : NULL;
}

static enum ev_dir
engine_dir(const struct conn *c, bool swapped)
{
	/* The source is endpoint `swapped`; the client is endpoint 0 or 1. */
	return (c->client_is_0 == !swapped) ? EV_C2S : EV_S2C;
}

/* -------------------------------------------------------------- TCP */

static enum tcp_state engine_pend_projected(const struct conn *, int side);

/*
 * The segment as FSM events for its sender and receiver (tcp_classify.h),
 * before it is recorded in the halves.  A RST is judged against the
 * receiver's state once it processed what it was sent before it.
 */
static bool
engine_tcp_classify(const struct conn *c, enum ev_dir dir,
    const struct pkt *p, struct tcp_fsm_evs *sl, struct tcp_fsm_evs *rl)
{
	struct tcp_seg s = { p->flags, p->seq, p->ack };
	enum ev_side rside = dir == EV_C2S ? EV_SERVER : EV_CLIENT;
	enum tcp_state rst_st = (p->flags & TCP_RST) ?
	    engine_pend_projected(c, rside) : c->st[rside];

	return tcp_classify(&s, &c->half[dir], &c->half[!dir], rst_st, sl, rl);
}

struct engine_trans {
	enum ev_side	side[2 * ENGINE_PEND_EVS];
	enum tcp_state	from[2 * ENGINE_PEND_EVS];
	const struct tcp_fsm_row *row[2 * ENGINE_PEND_EVS];
	unsigned	n;
};

static void
engine_emit_state(struct engine *e, struct conn *c, uint64_t frame,
    uint64_t decided_by, int64_t ts, enum ev_side side, enum tcp_state from,
    const struct tcp_fsm_row *row)
{
	struct ev ev;

	if (!sink_wants(e->sink, EV_STATE))
		return;
	memset(&ev, 0, sizeof ev);
	ev.type = EV_STATE;
	ev.ts_ns = ts;
	ev.conn = &c->info;
	ev.u.state.frame = frame;
	ev.u.state.decided_by = decided_by;
	ev.u.state.endpoint = side;
	ev.u.state.from = from;
	ev.u.state.to = row->next;
	ev.u.state.why = row->why;
	sink_emit(e->sink, &ev);
}

/*
 * One FSM event on one endpoint.  The transition is announced at once
 * (a decided receiver event: its packet is already out) or kept in `t`
 * to follow the packet being processed.
 */
static void
engine_step(struct engine *e, struct conn *c, enum ev_side side,
    enum tcp_fsm_ev fev, uint64_t frame, uint64_t decided_by, int64_t ts,
    struct engine_trans *t)
{
	const struct tcp_fsm_row *row;
	enum tcp_state from = c->st[side];

	if ((row = tcp_fsm_step(from, fev)) == NULL)
		return;
	if (fev == TCP_EV_SND_RST || fev == TCP_EV_RCV_RST)
		c->rst_seen = true;
	if (row->why == TCP_WHY_NEVER_LISTENING) {
		/* It answered a SYN with a RST: it never listened and was
		 * CLOSED all along.  No transition, and the views learn
		 * that their "LISTEN" was never true (conn_info.init). */
		c->st[side] = TCP_ST_CLOSED;
		if (!c->alive[side] && c->info.init[side] == TCP_ST_LISTEN)
			c->info.init[side] = TCP_ST_CLOSED;
		return;
	}
	c->st[side] = row->next;
	if (row->next != TCP_ST_CLOSED && row->next != TCP_ST_LISTEN)
		c->alive[side] = true;
	if (t == NULL) {
		engine_emit_state(e, c, frame, decided_by, ts, side, from,
		    row);
		return;
	}
	if (t->n < sizeof t->row / sizeof t->row[0]) {
		t->side[t->n] = side;
		t->from[t->n] = from;
		t->row[t->n++] = row;
	}
}

/* ---------------------------------------------------------- evidence */

/*
 * Evidence, not assumption.  The capture point is not the receiver's
 * socket: a captured segment may reach its receiver later, or never (a
 * socket filter, a full queue, a window it falls outside of).  So a
 * segment changes its SENDER at once (the kernel moves before the
 * segment leaves) and its RECEIVER only once the evidence says the
 * receiver processed it.  Until then it is pending on the receiver,
 * oldest first, and the receiver's own next segment decides:
 *
 *  - it sends again a SYN or FIN that the pending segment had
 *    acknowledged: it had not processed that segment when it sent this
 *    one.  The segment stays, contradicted: a copy of it sent again
 *    shows it never reached
 *    the receiver's socket (a SYN-ACK lost before the client's socket,
 *    the last ACK lost before LAST_ACK's): dropped, and marked not
 *    processed; a later ACK of the receiver's that covers it shows it
 *    was processed after all (the two crossed on the wire);
 *  - its ACK covers the pending segment (seq + len + SYN + FIN; a RST
 *    covers all): processed before this segment was sent.  Its
 *    transitions come first, then this segment's own;
 *  - otherwise this segment was sent before the pending one was
 *    processed (crossing FINs: the other FIN's ACK does not cover ours):
 *    its own transitions come first and the pending one waits.
 *
 * A sender that sends a SYN or FIN again while the first copy is still
 * pending shows the first never reached its receiver's socket: dropped
 * and marked.  Lacking evidence: the end of input, or in live mode
 * ENGINE_PEND_TIMEOUT_NS of silence (engine_tick()); the default is
 * "processed", what an endpoint that stays silent has done, except for
 * a contradicted segment nothing vindicated: not processed.  The list is
 * bounded: the oldest is decided as processed to make room.  Nothing is
 * ever undone: an endpoint's transitions are emitted in the order its
 * states changed, each naming the frame that caused it.
 */

/* e->npending counts pending segments over all conns. */
static void
engine_pend_count(struct engine *e, int delta)
{
	e->npending = (uint64_t)((int64_t)e->npending + delta);
}

static void
engine_pend_remove(struct engine *e, struct conn *c, int side, unsigned i)
{
	memmove(&c->pend[side][i], &c->pend[side][i + 1],
	    (c->npend[side] - i - 1) * sizeof c->pend[side][0]);
	c->npend[side]--;
	engine_pend_count(e, -1);
}

/* Pending entry i of `side` was processed: its transitions happen. */
static void
engine_pend_apply(struct engine *e, struct conn *c, int side, unsigned i,
    uint64_t decided_by)
{
	struct engine_pend pd = c->pend[side][i];
	unsigned k;

	engine_pend_remove(e, c, side, i);
	for (k = 0; k < pd.n; k++)
		engine_step(e, c, (enum ev_side)side, (enum tcp_fsm_ev)pd.ev[k],
		    pd.frame, decided_by, pd.ts, NULL);
}

/* Pending entry i of `side` was not processed: said so, and dropped. */
static void
engine_pend_drop(struct engine *e, struct conn *c, int side, unsigned i,
    uint64_t decided_by, enum ev_unproc_why why)
{
	struct ev ev = { .type = EV_UNPROCESSED, .conn = &c->info };

	ev.ts_ns = c->pend[side][i].ts;
	ev.u.unproc.frame = c->pend[side][i].frame;
	ev.u.unproc.decided_by = decided_by;
	ev.u.unproc.endpoint = (enum ev_side)side;
	ev.u.unproc.why = why;
	engine_pend_remove(e, c, side, i);
	sink_emit(e->sink, &ev);
}

/* Decide the oldest pending segment of `side` for lack of evidence. */
static void
engine_pend_settle(struct engine *e, struct conn *c, int side,
    uint64_t decided_by)
{
	if (c->pend[side][0].contra != 0)
		engine_pend_drop(e, c, side, 0, c->pend[side][0].contra,
		    EV_UNPROC_RECEIVER_SENT_AGAIN);
	else
		engine_pend_apply(e, c, side, 0, decided_by);
}

static void
engine_pend_flush(struct engine *e, struct conn *c, int side,
    uint64_t decided_by)
{
	while (c->npend[side] > 0)
		engine_pend_settle(e, c, side, decided_by);
}

/*
 * Segment `p`, sent by `side`, is evidence about what `side` processed
 * (see above).  `resent` when p sends again a SYN or FIN `side` sent
 * before; `ctl` is the sequence number that SYN or FIN occupies.
 */
static void
engine_pend_decide(struct engine *e, struct conn *c, int side,
    const struct pkt *p, uint64_t frame, bool resent, uint32_t ctl)
{
	struct engine_pend *pd;
	bool covered;

	while (c->npend[side] > 0) {
		pd = &c->pend[side][0];
		covered = (p->flags & TCP_RST) ||
		    ((p->flags & TCP_ACK) && seq_geq(p->ack, pd->end));
		/* An ACK of a SYN or FIN (sequence space) is proof enough;
		 * an ACK of a bare ACK is not. */
		if (!(covered && pd->end != pd->seq) && resent &&
		    (pd->flags & TCP_ACK) && seq_lt(ctl, pd->ack)) {
			/* Sent again what pd answered: sent before pd was
			 * processed, if ever.  A later copy of pd shows it
			 * lost, a later ACK covering it shows it processed
			 * after all (the two crossed). */
			if (pd->contra == 0)
				pd->contra = frame;
			break;
		}
		if (!covered)
			break;	/* sent before it processed this one */
		engine_pend_apply(e, c, side, 0, frame);
	}
}

/* The state of `side` once all its pending segments are processed. */
static enum tcp_state
engine_pend_projected(const struct conn *c, int side)
{
	enum tcp_state proj = c->st[side];
	const struct tcp_fsm_row *row;
	unsigned i, k;

	for (i = 0; i < c->npend[side]; i++) {
		for (k = 0; k < c->pend[side][i].n; k++) {
			row = tcp_fsm_step(proj,
			    (enum tcp_fsm_ev)c->pend[side][i].ev[k]);
			if (row != NULL)
				proj = row->next;
		}
	}
	return proj;
}

/* Would any of these events move `side` from its state now, or from its
 * state once its pending segments are processed? */
static bool
engine_pend_moves(const struct conn *c, int side,
    const struct tcp_fsm_evs *rl)
{
	enum tcp_state proj = engine_pend_projected(c, side);
	unsigned k;

	for (k = 0; k < rl->n; k++) {
		if (tcp_fsm_step(c->st[side], rl->ev[k]) != NULL ||
		    tcp_fsm_step(proj, rl->ev[k]) != NULL)
			return true;
	}
	return false;
}

/* Segment p (frame) is for `side`: its effect waits for evidence. */
static void
engine_pend_add(struct engine *e, struct conn *c, int side,
    const struct pkt *p, uint64_t frame, int64_t ts,
    const struct tcp_fsm_evs *rl)
{
	struct engine_pend *pd;
	uint32_t ctl = p->seq + ((p->flags & TCP_SYN) ? 0 : p->paylen);
	unsigned i, k;

	/* The same SYN or FIN again: the first copy never reached the
	 * receiver's socket. */
	for (i = 0; i < c->npend[side]; i++) {
		pd = &c->pend[side][i];
		if ((p->flags & (TCP_SYN | TCP_FIN)) != 0 &&
		    (pd->flags & (TCP_SYN | TCP_FIN | TCP_ACK)) ==
		    (p->flags & (TCP_SYN | TCP_FIN | TCP_ACK)) &&
		    pd->ctl == ctl) {
			if (pd->contra != 0)
				engine_pend_drop(e, c, side, i, pd->contra,
				    EV_UNPROC_RECEIVER_SENT_AGAIN);
			else
				engine_pend_drop(e, c, side, i, frame,
				    EV_UNPROC_SENDER_SENT_AGAIN);
			break;
		}
	}
	/* Track SYNs and FINs (a copy may follow) and whatever moves. */
	if (!(p->flags & (TCP_SYN | TCP_FIN)) && !engine_pend_moves(c, side, rl))
		return;
	/* Full: the oldest is decided for lack of evidence, as at the end
	 * (no frame decided it). */
	if (c->npend[side] == ENGINE_PEND)
		engine_pend_settle(e, c, side, 0);
	pd = &c->pend[side][c->npend[side]++];
	pd->contra = 0;
	engine_pend_count(e, 1);
	pd->frame = frame;
	pd->ts = ts;
	pd->seq = p->seq;
	pd->end = p->seq + p->paylen + ((p->flags & TCP_SYN) ? 1 : 0) +
	    ((p->flags & TCP_FIN) ? 1 : 0);
	pd->ack = p->ack;
	pd->ctl = ctl;
	pd->flags = p->flags;
	pd->n = (uint8_t)rl->n;
	for (k = 0; k < rl->n; k++)
		pd->ev[k] = (uint8_t)rl->ev[k];
}

struct engine_tick_arg {
	struct engine	*e;
	int64_t		 now;
};

static void
engine_tick_one(struct flow *f, void *arg)
{
	struct engine_tick_arg *a = arg;
	struct conn *c = f->data;
	int side;

	if (c == NULL || c->info.proto != 6)
		return;
	for (side = 0; side < 2; side++) {
		while (c->npend[side] > 0 && a->now - c->pend[side][0].ts >=
		    ENGINE_PEND_TIMEOUT_NS)
			engine_pend_settle(a->e, c, side, 0);
	}
}

void
engine_tick(struct engine *e, int64_t now_ns)
{
	struct engine_tick_arg a = { e, now_ns };

	if (e->npending == 0)
		return;
	flow_foreach(e->ft, engine_tick_one, &a);
}

static void
engine_tcp_announce(struct engine *e, struct conn *c, uint64_t frame,
    int64_t ts, const struct engine_trans *t)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		engine_emit_state(e, c, frame, 0, ts, t->side[i], t->from[i],
		    t->row[i]);
}

static void
engine_tcp(struct engine *e, const struct pkt *p, uint64_t frame, int64_t ts,
    size_t caplen)
{
	struct flow_key k;
	struct conn *c;
	struct tcp_fsm_evs sl, rl;
	struct engine_trans t = { .n = 0 };
	struct ev ev;
	struct tcp_half *snd, *rcv;
	enum ev_dir dir;
	enum ev_side sside, rside;
	bool swapped, ok, resent, dropped;
	uint32_t an, ctl;
	unsigned i;

	c = engine_conn_find(e, p, &k, &swapped);
	if (c != NULL && (p->flags & (TCP_SYN | TCP_ACK | TCP_RST)) ==
	    TCP_SYN && engine_tcp_over(c)) {
		/* A new SYN on a finished conn starts a new connection,
		 * unless it is the old SYN sent again. */
		snd = &c->half[engine_dir(c, swapped)];
		if (!snd->syn_seen || snd->isn != p->seq) {
			engine_finalize(e, c->flow, false);
			c = NULL;
		}
	}
	if (c == NULL)
		c = engine_conn_new(e, &k, swapped, p, frame, ts);
	dir = engine_dir(c, swapped);
	snd = &c->half[dir];
	rcv = &c->half[!dir];
	sside = dir == EV_C2S ? EV_CLIENT : EV_SERVER;
	rside = !sside;

	ok = engine_tcp_classify(c, dir, p, &sl, &rl);
	/* A SYN or FIN its sender already sent: sent again. */
	ctl = p->seq + ((p->flags & TCP_SYN) ? 0 : p->paylen);
	resent = !(p->flags & TCP_RST) &&
	    (((p->flags & TCP_SYN) && snd->syn_seen && snd->isn == p->seq) ||
	    ((p->flags & TCP_FIN) && snd->fin_seen && snd->fin_seq == ctl));
	an = tcp_analysis_segment(snd, rcv, p, ts);

	/* What the sender processed before it sent this, then its move. */
	if (ok)
		engine_pend_decide(e, c, sside, p, frame, resent, ctl);
	for (i = 0; i < sl.n; i++)
		engine_step(e, c, sside, sl.ev[i], frame, 0, ts, &t);
	/* The receiver: dropped by a lesson's filter before its socket saw
	 * it; a RST acts at once, after what came before it; anything else
	 * waits for the receiver's evidence. */
	dropped = ok && e->dropping[rside];
	if (dropped)
		an |= AN_NOT_PROCESSED;
	else if (ok && (p->flags & TCP_RST)) {
		engine_pend_flush(e, c, rside, frame);
		for (i = 0; i < rl.n; i++)
			engine_step(e, c, rside, rl.ev[i], frame, 0, ts, &t);
	} else if (ok && rl.n + ((p->flags & (TCP_SYN | TCP_FIN)) != 0) > 0)
		engine_pend_add(e, c, rside, p, frame, ts, &rl);
	if (!ok)
		an |= AN_RST_IGNORED | AN_NOT_PROCESSED;
	if (p->frag)
		an |= AN_FRAGMENT;
	if (p->paycap < p->paylen || p->status == DEC_TRUNC)
		an |= AN_TRUNCATED;
	if (an & (AN_RETRANSMISSION | AN_FAST_RETRANSMISSION |
	    AN_SPURIOUS_RETRANSMISSION))
		c->retrans++;
	c->compl |= tcp_completeness_bits(p->flags, p->paylen, !c->first_done);
	c->first_done = true;
	c->packets++;
	c->bytes[dir] += p->paylen;
	c->last_frame[dir] = frame;
	c->last_seq[dir] = p->seq;
	if (ts > c->last_ns)
		c->last_ns = ts;

	/* Built only for a sink that reads it (not --summary's). */
	if (sink_wants(e->sink, EV_PACKET)) {
		memset(&ev, 0, sizeof ev);
		ev.type = EV_PACKET;
		ev.ts_ns = ts;
		ev.conn = &c->info;
		ev.u.pkt.frame = frame;
		ev.u.pkt.dir = dir;
		ev.u.pkt.len = p->paylen;
		ev.u.pkt.caplen = (uint32_t)caplen;
		ev.u.pkt.flags = p->flags;
		ev.u.pkt.seq = p->seq;
		ev.u.pkt.ack = p->ack;
		ev.u.pkt.rseq = p->seq - snd->base;
		ev.u.pkt.rack = (p->flags & TCP_ACK) ? p->ack - rcv->base :
		    0;
		ev.u.pkt.win = tcp_analysis_window(snd, rcv, p);
		ev.u.pkt.opt = p->opt;
		ev.u.pkt.analysis = an;
		ev.u.pkt.st_after[EV_CLIENT] = c->st[EV_CLIENT];
		ev.u.pkt.st_after[EV_SERVER] = c->st[EV_SERVER];
		ev.u.pkt.payload = p->paycap > 0 ? p->payload : NULL;
		ev.u.pkt.paycap = p->payload != NULL ? p->paycap : 0;
		sink_emit(e->sink, &ev);
	}
	engine_tcp_announce(e, c, frame, ts, &t);
	if (dropped) {
		struct ev un = { .type = EV_UNPROCESSED, .ts_ns = ts,
		    .conn = &c->info };

		un.u.unproc.frame = frame;
		un.u.unproc.endpoint = rside;
		un.u.unproc.why = EV_UNPROC_DROPPED_BY_FILTER;
		sink_emit(e->sink, &un);
	}
	flow_touch(e->ft, c->flow, engine_list_of(c), ts);
}

/* -------------------------------------------------------------- UDP */

static void
engine_udp(struct engine *e, const struct pkt *p, uint64_t frame, int64_t ts,
    size_t caplen)
{
	struct flow_key k;
	struct conn *c;
	struct ev ev = { .type = EV_PACKET, .ts_ns = ts };
	enum ev_dir dir;
	bool swapped;

	c = engine_conn_find(e, p, &k, &swapped);
	if (c == NULL)
		c = engine_conn_new(e, &k, swapped, p, frame, ts);
	dir = engine_dir(c, swapped);
	ev.conn = &c->info;
	ev.u.pkt.frame = frame;
	ev.u.pkt.dir = dir;
	ev.u.pkt.len = p->paylen;
	ev.u.pkt.caplen = (uint32_t)caplen;
	ev.u.pkt.payload = p->paycap > 0 ? p->payload : NULL;
	ev.u.pkt.paycap = p->payload != NULL ? p->paycap : 0;
	if (p->frag)
		ev.u.pkt.analysis |= AN_FRAGMENT;
	if (p->paycap < p->paylen || p->status == DEC_TRUNC)
		ev.u.pkt.analysis |= AN_TRUNCATED;
	/* Requests and replies pair up in order, oldest request first. */
	if (dir == EV_C2S) {
		if (c->npending == ENGINE_UDP_PENDING) {
			memmove(c->pending, c->pending + 1,
			    (ENGINE_UDP_PENDING - 1) * sizeof c->pending[0]);
			c->npending--;
		}
		c->pending[c->npending++] = frame;
	} else if (c->npending > 0) {
		ev.u.pkt.reply_to = c->pending[0];
		memmove(c->pending, c->pending + 1,
		    (c->npending - 1) * sizeof c->pending[0]);
		c->npending--;
	}
	c->packets++;
	c->bytes[dir] += p->paylen;
	c->last_frame[dir] = frame;
	if (ts > c->last_ns)
		c->last_ns = ts;
	if (sink_wants(e->sink, EV_PACKET))
		sink_emit(e->sink, &ev);
	flow_touch(e->ft, c->flow, ENGINE_L_UDP, ts);
}

/* ------------------------------------------------------------- ICMP */

static void
engine_icmp(struct engine *e, const struct pkt *p, uint64_t frame, int64_t ts)
{
	const struct pkt_inner *in = &p->inner;
	struct ev ev = { .type = EV_ICMP, .ts_ns = ts };
	struct flow_key k;
	struct flow *f;
	struct conn *c;
	bool swapped;

	ev.u.icmp.frame = frame;
	ev.u.icmp.family = p->ipver;
	ev.u.icmp.icmp_type = p->icmp_type;
	ev.u.icmp.icmp_code = p->icmp_code;
	ev.u.icmp.src = p->src;
	if (in->ipver != 0 && (in->proto == 6 || in->proto == 17) &&
	    (in->sport != 0 || in->dport != 0)) {
		/* The quote is of a packet sent from in->src to in->dst. */
		flow_key_make(&k, in->proto, &in->src, in->sport, &in->dst,
		    in->dport, &swapped);
		if ((f = flow_lookup(e->ft, &k)) != NULL) {
			enum ev_dir d;

			c = f->data;
			d = engine_dir(c, swapped);
			ev.conn = &c->info;
			/* A datagram is answered at once; a TCP segment only
			 * when the quote names the last one sent. */
			if (in->proto == 17 || c->last_seq[d] == in->seq)
				ev.u.icmp.cause = c->last_frame[d];
			/* Port unreachable for the client's datagram, and
			 * the "server" never sent: nothing had that port,
			 * there is no server socket to name. */
			if (in->proto == 17 && d == EV_C2S &&
			    c->bytes[EV_S2C] == 0 && c->last_frame[EV_S2C] ==
			    0 && ((p->ipver == 4 && p->icmp_type == 3 &&
			    p->icmp_code == 3) || (p->ipver == 6 &&
			    p->icmp_type == 1 && p->icmp_code == 4)))
				c->info.no_socket = true;
		}
	}
	sink_emit(e->sink, &ev);
}

/* ------------------------------------------------------------ calls */

/* Emit a call, tied to `ci` when given, else to the conn it names. */
static void
engine_call_emit(struct engine *e, const struct engine_wcall *pc,
    const struct conn_info *ci)
{
	struct ev ev = { .type = EV_CALL, .ts_ns = pc->ts };
	struct flow *f;

	ev.u.call = pc->call;
	if (ci == NULL && pc->tuple && (f = flow_lookup(e->ft, &pc->key)) !=
	    NULL)
		ci = &((struct conn *)f->data)->info;
	if (ci != NULL) {
		ev.conn = ci;
		/* The side follows from the conn: the caller is the end
		 * whose address the call's socket has. */
		ev.u.call.side = pc->lport == ci->sport &&
		    pc->local.family == ci->saddr.family &&
		    memcmp(pc->local.a, ci->saddr.a, pc->local.family == 4 ?
		    4 : 16) == 0 ? EV_SERVER : EV_CLIENT;
	}
	sink_emit(e->sink, &ev);
}

/* The waiting calls, in order: tied to `ci` when they name it. */
static void
engine_wcall_release(struct engine *e, const struct conn_info *ci)
{
	size_t i, n = e->nwcall;

	e->nwcall = 0;
	for (i = 0; i < n; i++)
		engine_call_emit(e, &e->wcall[i], ci != NULL &&
		    e->wcall[i].tuple ? ci : NULL);
}

void
engine_calls_release(struct engine *e)
{
	engine_wcall_release(e, NULL);
}

void
engine_call(struct engine *e, int64_t ts_ns, const struct ev_call *call,
    uint8_t proto, const struct pkt_addr *local, uint16_t lport,
    const struct pkt_addr *remote, uint16_t rport)
{
	struct engine_wcall pc = { .ts = ts_ns, .proto = proto };
	bool swapped;

	if (ts_ns > e->now)
		e->now = ts_ns;
	/* The lesson knows more than the wire: its filter drops. */
	if (call->filter == EV_CALL_FILTER_DROP && (unsigned)call->side < 2)
		e->dropping[call->side] = true;
	else if (call->filter == EV_CALL_FILTER_LIFT &&
	    (unsigned)call->side < 2)
		e->dropping[call->side] = false;
	pc.call = *call;
	if (local != NULL && remote != NULL && local->family != 0 &&
	    local->family == remote->family && lport != 0 && rport != 0) {
		pc.tuple = true;
		flow_key_make(&pc.key, proto, local, lport, remote, rport,
		    &swapped);
		pc.local = *local;
		pc.lport = lport;
	}
	if (e->nwcall == 0 && (!pc.tuple || flow_lookup(e->ft, &pc.key) !=
	    NULL)) {
		engine_call_emit(e, &pc, NULL);
		return;
	}
	if (e->nwcall == ENGINE_CALLS_MAX)
		engine_wcall_release(e, NULL);
	e->wcall[e->nwcall++] = pc;
}

void
engine_output(struct engine *e, int64_t ts_ns, const struct ev_output *out)
{
	struct ev ev = { .type = EV_OUTPUT, .ts_ns = ts_ns };

	engine_wcall_release(e, NULL);
	if (ts_ns > e->now)
		e->now = ts_ns;
	ev.u.out = *out;
	sink_emit(e->sink, &ev);
}

void
engine_kstate(struct engine *e, int64_t ts_ns, const struct pkt_addr *local,
    uint16_t lport, const struct pkt_addr *remote, uint16_t rport,
    enum tcp_state st, int source)
{
	struct ev ev = { .type = EV_KSTATE, .ts_ns = ts_ns };
	struct flow_key k;
	struct flow *f;
	struct conn *c;
	enum ev_side side;
	bool swapped;

	if (local == NULL || remote == NULL || local->family == 0 ||
	    local->family != remote->family || st >= TCP_ST_COUNT)
		return;
	flow_key_make(&k, 6, local, lport, remote, rport, &swapped);
	if ((f = flow_lookup(e->ft, &k)) == NULL)
		return;
	c = f->data;
	if (c->info.proto != 6)
		return;
	if (ts_ns > e->now)
		e->now = ts_ns;
	side = pkt_addr_cmp(local, &c->info.caddr) == 0 &&
	    lport == c->info.cport ? EV_CLIENT : EV_SERVER;
	source = source == KSTATE_TRACE ? KSTATE_TRACE : KSTATE_DIAG;
	if (c->kst_known[source][side] && c->kst[source][side] == st)
		return;
	c->kst_known[source][side] = true;
	c->kst[source][side] = st;
	ev.conn = &c->info;
	ev.u.kstate.endpoint = side;
	ev.u.kstate.state = st;
	/* Segments still waiting for evidence count as processed: the
	 * kernel differs from the wire only where the packets, all of
	 * them, suggest otherwise. */
	ev.u.kstate.wire = engine_pend_projected(c, side);
	ev.u.kstate.source = (uint8_t)source;
	sink_emit(e->sink, &ev);
}

/* ------------------------------------------------------------ frames */

/*
 * Calls wait for this frame: those that name the conn it opens stay
 * until engine_conn_new() has announced it; the others go now.
 */
static void
engine_wcall_frame(struct engine *e, const struct pkt *p)
{
	struct flow_key *k = &e->tie_key;
	struct engine_wcall keep[ENGINE_CALLS_MAX];
	size_t i, n = 0, m = 0;
	bool swapped;

	e->tie = false;
	if ((p->kind == PKT_TCP || p->kind == PKT_UDP) && p->l4_ok &&
	    !(p->frag && p->frag_off != 0)) {
		flow_key_make(k, p->proto, &p->src, p->sport, &p->dst,
		    p->dport, &swapped);
		if (flow_lookup(e->ft, k) == NULL) {
			for (i = 0; i < e->nwcall; i++) {
				if (e->wcall[i].tuple && memcmp(&e->wcall[i].key,
				    k, sizeof *k) == 0)
					m++;
			}
		}
	}
	if (m == 0) {
		engine_wcall_release(e, NULL);
		return;
	}
	for (i = 0; i < e->nwcall; i++) {
		if (e->wcall[i].tuple && memcmp(&e->wcall[i].key, k,
		    sizeof *k) == 0)
			keep[n++] = e->wcall[i];
		else
			engine_call_emit(e, &e->wcall[i], NULL);
	}
	memcpy(e->wcall, keep, n * sizeof *keep);
	e->nwcall = n;
	e->tie = true;
}

static void
engine_frame_pkt(struct engine *e, const struct pkt *p, uint64_t frame,
    int64_t ts_ns, size_t caplen, size_t wirelen)
{
	if (ts_ns > e->now) {
		e->now = ts_ns;
		engine_expire(e);
	}
	if (p->status != DEC_OK) {
		/* A segment whose header is whole is still tracked; one cut
		 * only by the snaplen is merely marked truncated. */
		bool usable = (p->kind == PKT_TCP || p->kind == PKT_UDP) &&
		    p->l4_ok;

		if (!usable || p->status != DEC_TRUNC || caplen >= wirelen) {
			e->stats.malformed++;
			msg_init(&e->msg, p->why != NULL ? p->why :
			    N_("malformed frame"));
			engine_emit_warning(e, frame, ts_ns, &e->msg);
		}
		if (!usable)
			return;
	}
	if (p->frag && p->frag_off != 0) {
		msg_init(&e->msg, N_("IPv%u fragment at offset %u is not "
		    "reassembled"));
		msg_num(&e->msg, p->ipver);
		msg_num(&e->msg, p->frag_off);
		engine_emit_warning(e, frame, ts_ns, &e->msg);
		return;
	}
	switch (p->kind) {
	case PKT_TCP:
		engine_tcp(e, p, frame, ts_ns, caplen);
		break;
	case PKT_UDP:
		engine_udp(e, p, frame, ts_ns, caplen);
		break;
	case PKT_ICMP:
		engine_icmp(e, p, frame, ts_ns);
		break;
	default:
		e->stats.ignored++;
		break;
	}
}

void
engine_frame(struct engine *e, uint64_t frame, int64_t ts_ns, int linktype,
    const uint8_t *b, size_t caplen, size_t wirelen)
{
	struct pkt p;

	e->stats.frames++;
	dec_frame(&p, linktype, b, caplen, wirelen);
	if (e->nwcall > 0)
		engine_wcall_frame(e, &p);
	engine_frame_pkt(e, &p, frame, ts_ns, caplen, wirelen);
	if (e->nwcall > 0) {
		/* The frame did not open their conn after all. */
		e->tie = false;
		engine_wcall_release(e, NULL);
	}
}

static int
engine_cmp_id(const void *a, const void *b)
{
	const struct flow *fa = *(struct flow *const *)a;
	const struct flow *fb = *(struct flow *const *)b;
	uint32_t ia = ((const struct conn *)fa->data)->info.id;
	uint32_t ib = ((const struct conn *)fb->data)->info.id;

	return ia < ib ? -1 : ia > ib;
}

struct engine_collect {
	struct flow	**v;
	size_t		n;
};

static void
engine_collect_one(struct flow *f, void *arg)
{
	struct engine_collect *col = arg;

	col->v[col->n++] = f;
}

void
engine_finish(struct engine *e)
{
	struct engine_collect col;
	size_t i;

	engine_wcall_release(e, NULL);
	col.v = xreallocarray(NULL, flow_count(e->ft) + 1, sizeof *col.v);
	col.n = 0;
	flow_foreach(e->ft, engine_collect_one, &col);
	qsort(col.v, col.n, sizeof *col.v, engine_cmp_id);
	for (i = 0; i < col.n; i++)
		engine_finalize(e, col.v[i], false);
	free(col.v);
}
