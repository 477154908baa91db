/* SPDX-License-Identifier: ISC */
/* The engine: decode, find the conversation, run both FSMs, emit events. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "flow.h"
#include "i18n.h"
#include "seq.h"
#include "tcp_analysis.h"
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
	/* UDP: requests not yet answered, oldest first. */
	uint64_t	pending[ENGINE_UDP_PENDING];
	unsigned	npending;
};

struct engine {
	struct engine_config cfg;
	struct sink	*sink;
	struct flow_table *ft;
	uint32_t	next_id;
	int64_t		now;
	struct engine_stats stats;
	char		msg[256];
};

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

/* A warning's message is already in the user's language (_()); the shell
 * makes it English when the output is a contract (--json). */
static void
engine_emit_warning(struct engine *e, uint64_t frame, int64_t ts,
    const char *message)
{
	struct ev ev = { .type = EV_WARNING, .ts_ns = ts };

	ev.u.warn.frame = frame;
	ev.u.warn.message = message;
	sink_emit(e->sink, &ev);
}

/*
 * A warning about one conn goes on its own ladder; a conn-less one is
 * shown on every ladder, which a flood of evictions would bury.
 */
static void
engine_emit_conn_warning(struct engine *e, const struct conn_info *ci,
    uint64_t frame, int64_t ts, const char *message)
{
	struct ev ev = { .type = EV_WARNING, .ts_ns = ts, .conn = ci };

	ev.u.warn.frame = frame;
	ev.u.warn.message = message;
	sink_emit(e->sink, &ev);
}

void
engine_warn(struct engine *e, uint64_t frame, int64_t ts_ns,
    const char *message)
{
	engine_emit_warning(e, frame, ts_ns, message);
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

static void
engine_finalize(struct engine *e, struct flow *f, bool evicted)
{
	struct conn *c = f->data;
	struct ev ev = { .type = EV_SUMMARY, .ts_ns = c->last_ns };

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
		snprintf(e->msg, sizeof e->msg, _("more than %" PRIu32
		    " conversations at once: the least recently active one "
		    "(conn %" PRIu32 ") was closed early"),
		    e->cfg.max_flows, ((struct conn *)f->data)->info.id);
		e->stats.evicted++;
		engine_emit_conn_warning(e, &((struct conn *)f->data)->info,
		    frame, ts, e->msg);
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

/*
 * Is a RST from the sender of `snd` acceptable to the other endpoint?
 * RFC 9293 3.10.7.3 (SYN-SENT: it must ack our SYN) and 3.10.7.4 (in
 * the receive window).  What the receiver's window is, only its own
 * segments tell; with nothing seen yet, accept.
 */
static bool
engine_rst_ok(const struct conn *c, enum ev_side rside,
    const struct tcp_half *snd, const struct tcp_half *rcv,
    const struct pkt *p)
{
	uint32_t wnd;

	if (c->st[rside] == TCP_ST_SYN_SENT) {
		if (!(p->flags & TCP_ACK))
			return false;
		return !rcv->syn_seen || p->ack == rcv->isn + 1;
	}
	if (!snd->next_set || !rcv->seen)
		return true;
	wnd = rcv->win;
	if (rcv->wscale >= 0 && snd->wscale >= 0)
		wnd <<= rcv->wscale;
	if (wnd == 0)
		wnd = 1;
	return seq_in_window(p->seq, snd->next_seq, wnd);
}

struct engine_fsm_evs {
	enum tcp_fsm_ev	ev[4];
	enum ev_side	side[4];
	unsigned	n;
};

static void
engine_fsm_add(struct engine_fsm_evs *l, enum ev_side side,
    enum tcp_fsm_ev ev)
{
	if (l->n < sizeof l->ev / sizeof l->ev[0]) {
		l->side[l->n] = side;
		l->ev[l->n++] = ev;
	}
}

/*
 * Classify a segment into FSM events: the sender's, then the receiver's
 * in RFC 9293 3.10.7.4 order (RST, SYN, ACK, FIN).  Runs before the
 * segment is recorded in the halves.  Returns false for a RST the
 * receiver would not accept: it is ignored altogether.
 */
static bool
engine_tcp_classify(const struct conn *c, enum ev_dir dir,
    const struct pkt *p, struct engine_fsm_evs *l)
{
	const struct tcp_half *snd = &c->half[dir], *rcv = &c->half[!dir];
	enum ev_side sside = dir == EV_C2S ? EV_CLIENT : EV_SERVER;
	enum ev_side rside = !sside;
	uint16_t fl = p->flags;
	bool ack = (fl & TCP_ACK) != 0;

	l->n = 0;
	if (fl & TCP_RST) {
		if (!engine_rst_ok(c, rside, snd, rcv, p))
			return false;
		engine_fsm_add(l, sside, TCP_EV_SND_RST);
		engine_fsm_add(l, rside, TCP_EV_RCV_RST);
		return true;
	}

	/* The sender. */
	if (fl & TCP_SYN)
		engine_fsm_add(l, sside, ack ? TCP_EV_SND_SYNACK :
		    TCP_EV_SND_SYN);
	else if (fl & TCP_FIN) {
		/* A FIN that does not ack the peer's FIN, seen earlier,
		 * was sent before that FIN arrived: the FINs crossed. */
		if (rcv->fin_seen && !(ack && seq_geq(p->ack, rcv->fin_seq + 1)))
			engine_fsm_add(l, sside, TCP_EV_SND_FIN_CROSSED);
		else
			engine_fsm_add(l, sside, TCP_EV_SND_FIN);
	} else if (ack)
		engine_fsm_add(l, sside, TCP_EV_SND_ACK);

	/* The receiver. */
	if (fl & TCP_SYN) {
		if (!ack)
			engine_fsm_add(l, rside, TCP_EV_RCV_SYN);
		else if (!rcv->syn_seen || seq_geq(p->ack, rcv->isn + 1))
			engine_fsm_add(l, rside, TCP_EV_RCV_SYNACK);
	} else if (ack) {
		if (!rcv->syn_seen || seq_geq(p->ack, rcv->isn + 1))
			engine_fsm_add(l, rside, TCP_EV_RCV_ACK_SYN);
		if (rcv->fin_seen && seq_geq(p->ack, rcv->fin_seq + 1))
			engine_fsm_add(l, rside, TCP_EV_RCV_ACK_FIN);
	}
	if ((fl & TCP_FIN) && !(fl & TCP_SYN))
		engine_fsm_add(l, rside, TCP_EV_RCV_FIN);
	return true;
}

struct engine_trans {
	enum ev_side	side[4];
	enum tcp_state	from[4];
	const struct tcp_fsm_row *row[4];
	unsigned	n;
};

/* Run the FSM events; the transitions to announce land in `t`. */
static void
engine_tcp_apply(struct conn *c, const struct engine_fsm_evs *l,
    struct engine_trans *t)
{
	const struct tcp_fsm_row *row;
	unsigned i;
	enum ev_side side;

	t->n = 0;
	for (i = 0; i < l->n; i++) {
		side = l->side[i];
		if ((row = tcp_fsm_step(c->st[side], l->ev[i])) == NULL)
			continue;
		if (l->ev[i] == TCP_EV_SND_RST || l->ev[i] == TCP_EV_RCV_RST)
			c->rst_seen = true;
		if (row->why == TCP_WHY_NEVER_LISTENING) {
			/* It answered a SYN with a RST: it never listened
			 * and was CLOSED all along.  No transition. */
			c->st[side] = TCP_ST_CLOSED;
			continue;
		}
		t->side[t->n] = side;
		t->from[t->n] = c->st[side];
		t->row[t->n++] = row;
		c->st[side] = row->next;
		if (row->next != TCP_ST_CLOSED && row->next != TCP_ST_LISTEN)
			c->alive[side] = true;
	}
}

static void
engine_tcp_announce(struct engine *e, struct conn *c, uint64_t frame,
    int64_t ts, const struct engine_trans *t)
{
	struct ev ev = { .type = EV_STATE, .ts_ns = ts, .conn = &c->info };
	unsigned i;

	for (i = 0; i < t->n; i++) {
		ev.u.state.frame = frame;
		ev.u.state.endpoint = t->side[i];
		ev.u.state.from = t->from[i];
		ev.u.state.to = t->row[i]->next;
		ev.u.state.why = t->row[i]->why;
		sink_emit(e->sink, &ev);
	}
}

static void
engine_tcp(struct engine *e, const struct pkt *p, uint64_t frame, int64_t ts,
    size_t caplen)
{
	struct flow_key k;
	struct conn *c;
	struct engine_fsm_evs l;
	struct engine_trans t;
	struct ev ev = { .type = EV_PACKET, .ts_ns = ts };
	struct tcp_half *snd, *rcv;
	enum ev_dir dir;
	bool swapped, ok;
	uint32_t an;

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

	ok = engine_tcp_classify(c, dir, p, &l);
	an = tcp_analysis_segment(snd, rcv, p, ts);
	engine_tcp_apply(c, &l, &t);
	if (!ok)
		an |= AN_RST_IGNORED;
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

	ev.conn = &c->info;
	ev.u.pkt.frame = frame;
	ev.u.pkt.dir = dir;
	ev.u.pkt.len = p->paylen;
	ev.u.pkt.caplen = (uint32_t)caplen;
	ev.u.pkt.flags = p->flags;
	ev.u.pkt.seq = p->seq;
	ev.u.pkt.ack = p->ack;
	ev.u.pkt.rseq = p->seq - snd->base;
	ev.u.pkt.rack = (p->flags & TCP_ACK) ? p->ack - rcv->base : 0;
	ev.u.pkt.win = tcp_analysis_window(snd, rcv, p);
	ev.u.pkt.opt = p->opt;
	ev.u.pkt.analysis = an;
	ev.u.pkt.st_after[EV_CLIENT] = c->st[EV_CLIENT];
	ev.u.pkt.st_after[EV_SERVER] = c->st[EV_SERVER];
	ev.u.pkt.payload = p->paycap > 0 ? p->payload : NULL;
	ev.u.pkt.paycap = p->payload != NULL ? p->paycap : 0;
	sink_emit(e->sink, &ev);
	engine_tcp_announce(e, c, frame, ts, &t);
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
		}
	}
	sink_emit(e->sink, &ev);
}

/* ------------------------------------------------------------ calls */

void
engine_call(struct engine *e, int64_t ts_ns, const struct ev_call *call,
    uint8_t proto, const struct pkt_addr *local, uint16_t lport,
    const struct pkt_addr *remote, uint16_t rport)
{
	struct ev ev = { .type = EV_CALL, .ts_ns = ts_ns };
	struct flow_key k;
	struct flow *f;
	bool swapped;

	if (ts_ns > e->now)
		e->now = ts_ns;
	ev.u.call = *call;
	if (local != NULL && remote != NULL && local->family != 0 &&
	    local->family == remote->family) {
		flow_key_make(&k, proto, local, lport, remote, rport,
		    &swapped);
		if ((f = flow_lookup(e->ft, &k)) != NULL)
			ev.conn = &((struct conn *)f->data)->info;
	}
	sink_emit(e->sink, &ev);
}

/* ------------------------------------------------------------ frames */

void
engine_frame(struct engine *e, uint64_t frame, int64_t ts_ns, int linktype,
    const uint8_t *b, size_t caplen, size_t wirelen)
{
	struct pkt p;

	e->stats.frames++;
	if (ts_ns > e->now) {
		e->now = ts_ns;
		engine_expire(e);
	}
	dec_frame(&p, linktype, b, caplen, wirelen);
	if (p.status != DEC_OK) {
		/* A segment whose header is whole is still tracked; one cut
		 * only by the snaplen is merely marked truncated. */
		bool usable = (p.kind == PKT_TCP || p.kind == PKT_UDP) &&
		    p.l4_ok;

		if (!usable || p.status != DEC_TRUNC || caplen >= wirelen) {
			e->stats.malformed++;
			engine_emit_warning(e, frame, ts_ns, p.why != NULL ?
			    _(p.why) : _("malformed frame"));
		}
		if (!usable)
			return;
	}
	if (p.frag && p.frag_off != 0) {
		snprintf(e->msg, sizeof e->msg, _("IPv%u fragment at offset "
		    "%u is not reassembled"), p.ipver, p.frag_off);
		engine_emit_warning(e, frame, ts_ns, e->msg);
		return;
	}
	switch (p.kind) {
	case PKT_TCP:
		engine_tcp(e, &p, frame, ts_ns, caplen);
		break;
	case PKT_UDP:
		engine_udp(e, &p, frame, ts_ns, caplen);
		break;
	case PKT_ICMP:
		engine_icmp(e, &p, frame, ts_ns);
		break;
	default:
		e->stats.ignored++;
		break;
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

	col.v = xreallocarray(NULL, flow_count(e->ft) + 1, sizeof *col.v);
	col.n = 0;
	flow_foreach(e->ft, engine_collect_one, &col);
	qsort(col.v, col.n, sizeof *col.v, engine_cmp_id);
	for (i = 0; i < col.n; i++)
		engine_finalize(e, col.v[i], false);
	free(col.v);
}
