/* SPDX-License-Identifier: ISC */
/* The timeline stores every event in order and steps per conn. */

#include "config.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "fixture.h"
#include "narrate.h"
#include "rows.h"
#include "timeline.h"

/* Conn c's k'th held step. */
#define STEP(tl, c, k)	(timeline_conn_steps((tl), (c))[k])

static struct fixture fx;

/* 10.0.0.1:1000 and 10.0.0.2:80, frame n at n * 1000 ns. */
static void
setup(void)
{
	fixture_open(&fx, 0, NULL);
	fx.step = 1000;
	fx.cport = 1000;
}

static void
teardown(void)
{
	fixture_close(&fx);
}

TestSuite(timeline, .init = setup, .fini = teardown);

Test(timeline, keeps_every_event_and_each_conns_steps)
{
	struct ev_state chg[4];
	const struct tl_conn *c;
	enum tcp_state st[2];

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fx.cport = 2000;			/* a second conn */
	fixture_seg(&fx, true, TCP_SYN, 700, 0, 0);
	fx.cport = 1000;
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	engine_finish(fx.e);

	cr_assert_eq(timeline_nconns(fx.tl), 2);
	c = timeline_conn(fx.tl, 0);
	cr_assert_eq(c->info.id, 1);
	cr_assert_eq(c->packets, 3);
	cr_assert(c->over);
	cr_assert_eq(c->sum.completeness, 7);
	/* conn, 3 packets (their 4 state changes folded in), summary */
	cr_assert_eq(c->nsteps, 5, "steps %zu", c->nsteps);
	cr_assert_eq(fixture_at(fx.tl, STEP(fx.tl, c, 0))->type, EV_CONN);
	cr_assert_eq(fixture_at(fx.tl, STEP(fx.tl, c, 1))->type, EV_PACKET);
	cr_assert_eq(fixture_st(fx.tl, c, 1, 0), TCP_ST_SYN_SENT);
	cr_assert_eq(fixture_st(fx.tl, c, 1, 1), TCP_ST_LISTEN);
	cr_assert_eq(timeline_changes(fx.tl, STEP(fx.tl, c, 1), chg, 4), 1);
	cr_assert_eq(chg[0].endpoint, EV_CLIENT);
	cr_assert_eq(chg[0].from, TCP_ST_CLOSED);
	cr_assert_eq(chg[0].to, TCP_ST_SYN_SENT);
	cr_assert_eq(chg[0].frame, 1);
	/* The SYN-ACK: the server's own change, then the client's. */
	cr_assert_eq(timeline_changes(fx.tl, STEP(fx.tl, c, 2), chg, 4), 2);
	cr_assert_eq(chg[0].endpoint, EV_SERVER);
	cr_assert_eq(chg[0].to, TCP_ST_SYN_RECEIVED);
	cr_assert_eq(chg[1].endpoint, EV_CLIENT);
	cr_assert_eq(chg[1].to, TCP_ST_ESTABLISHED);

	timeline_states_before(fx.tl, c, 0, st);
	cr_assert_eq(st[0], TCP_ST_CLOSED);
	cr_assert_eq(st[1], TCP_ST_LISTEN);
	timeline_states_before(fx.tl, c, c->nsteps, st);
	cr_assert_eq(st[0], TCP_ST_ESTABLISHED);
	cr_assert_eq(st[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(timeline_conn_by_id(fx.tl, 2)->packets, 1);
	cr_assert_null(timeline_conn_by_id(fx.tl, 3));
	cr_assert_eq(fixture_at(fx.tl, 0)->conn,
	    &timeline_conn(fx.tl, 0)->info,
	    "events point at the timeline's own conn copy");
}

Test(timeline, a_refused_server_is_closed_after_the_rst)
{
	const struct tl_conn *c;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_RST | TCP_ACK, 0, 101, 0);
	c = timeline_conn(fx.tl, 0);
	cr_assert_eq(c->st[1], TCP_ST_CLOSED);
	cr_assert_eq(c->st[0], TCP_ST_CLOSED);
	/* Nothing was listening: never LISTEN, not even before the SYN. */
	cr_assert_eq(c->info.init[1], TCP_ST_CLOSED);
	cr_assert_eq(c->st0[1], TCP_ST_CLOSED);
	cr_assert_eq(fixture_st(fx.tl, c, 1, 1), TCP_ST_CLOSED);
	cr_assert_eq(fixture_at(fx.tl, STEP(fx.tl, c, 1))->u.pkt.st_after[1],
	    TCP_ST_CLOSED);
}

/* The shared fixture (fixture.h) feeds the conversation it describes. */
Test(timeline, the_fixture_numbers_stamps_and_addresses_its_frames)
{
	static const uint8_t cli[4] = { 10, 0, 0, 1 }, srv[4] = { 10, 0, 0, 2 };
	const struct conn_info *tcp, *udp;
	const struct ev *ev;
	uint64_t want[] = { 1, 4, 5, 6 }, fr;
	size_t i, npkt = 0, ncall = 0, nicmp = 0;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);		/* 1 */
	fixture_skip(&fx, 2);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);	/* 4 */
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "send", "10 bytes", 10);
	fx.snap = 20 + 20 + 5;		/* IP, TCP, 5 of the 10 bytes */
	fx.win = 1000;
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 10);	/* 5 */
	fx.snap = 0;
	fixture_udp(&fx, true, 7);				/* 6 */
	fixture_icmp_unreach(&fx, 7);				/* 7 */
	cr_assert_eq(fx.frame, 7);
	cr_assert_eq(fx.now, 7000);
	tcp = &timeline_conn(fx.tl, 0)->info;
	udp = &timeline_conn(fx.tl, 1)->info;
	cr_assert_eq(tcp->proto, 6);
	cr_assert_eq(udp->proto, 17);
	cr_assert(tcp->caddr.family == 4 && memcmp(tcp->caddr.a, cli, 4) == 0);
	cr_assert(tcp->saddr.family == 4 && memcmp(tcp->saddr.a, srv, 4) == 0);
	cr_assert(udp->caddr.family == 4 && memcmp(udp->caddr.a, cli, 4) == 0);
	cr_assert_eq(tcp->cport, 1000);
	cr_assert_eq(tcp->sport, 80);
	cr_assert_eq(udp->cport, 1000);
	cr_assert_eq(udp->sport, 53);
	for (i = timeline_first(fx.tl); i < timeline_len(fx.tl); i++) {
		ev = fixture_at(fx.tl, i);
		if (ev->type == EV_PACKET) {
			fr = ev->u.pkt.frame;
			cr_assert_lt(npkt, 4);
			cr_assert_eq(fr, want[npkt], "packet %zu: frame %llu",
			    npkt, (unsigned long long)fr);
			cr_assert_eq(ev->ts_ns, (int64_t)fr * 1000);
			cr_assert_eq(ev->u.pkt.dir, fr == 4 ? EV_S2C : EV_C2S);
			npkt++;
		}
		if (ev->type == EV_PACKET && ev->u.pkt.frame == 4)
			cr_assert_eq(ev->u.pkt.win, 65535);
		if (ev->type == EV_PACKET && ev->u.pkt.frame == 5) {
			cr_assert_eq(ev->u.pkt.len, 10);
			/* 45 bytes captured: 5 of the payload (the timeline
			 * keeps no caplen, timeline.h). */
			cr_assert_eq(ev->u.pkt.paycap, 5);
			cr_assert(ev->u.pkt.analysis & AN_TRUNCATED);
			cr_assert_eq(ev->u.pkt.win, 1000);
		}
		if (ev->type == EV_CALL) {
			cr_assert_eq(ev->ts_ns, 4500);
			cr_assert_eq(ev->conn, tcp, "a call tied to its conn");
			cr_assert_str_eq(ev->u.call.name, "send");
			cr_assert_eq(ev->u.call.ret, 10);
			ncall++;
		}
		if (ev->type == EV_ICMP) {
			cr_assert_eq(ev->u.icmp.frame, 7);
			cr_assert_eq(ev->u.icmp.cause, 6);
			cr_assert(memcmp(ev->u.icmp.src.a, srv, 4) == 0);
			nicmp++;
		}
	}
	cr_assert_eq(npkt, 4);
	cr_assert_eq(ncall, 1);
	cr_assert_eq(nicmp, 1);
}

/* The packet event of conn c with this frame. */
static const struct ev *
pkt_of(const struct tl_conn *c, uint64_t fr, size_t *step)
{
	const struct ev *ev;
	size_t k;

	for (k = 0; k < c->nsteps; k++) {
		ev = fixture_at(fx.tl, STEP(fx.tl, c, k));
		if (ev->type == EV_PACKET && ev->u.pkt.frame == fr) {
			*step = k;
			return ev;
		}
	}
	cr_assert_fail("no frame %llu", (unsigned long long)fr);
	return NULL;
}

Test(timeline, a_late_state_change_lands_on_the_step_of_its_cause)
{
	const struct tl_conn *c;
	const struct ev *p3, *p4;
	size_t k3, k4;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);		/* 3 */
	/* 4: before the server's */
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 0);
	c = timeline_conn(fx.tl, 0);
	p3 = pkt_of(c, 3, &k3);
	cr_assert_eq(p3->u.pkt.st_after[1], TCP_ST_SYN_RECEIVED,
	    "nothing shows yet that the server processed frame 3");
	fixture_seg(&fx, false, TCP_ACK, 501, 101, 0);		/* 5: it did */
	p3 = pkt_of(c, 3, &k3);
	p4 = pkt_of(c, 4, &k4);
	cr_assert_eq(p3->u.pkt.st_after[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(fixture_st(fx.tl, c, k3, 1), TCP_ST_ESTABLISHED);
	cr_assert_eq(p4->u.pkt.st_after[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(fixture_st(fx.tl, c, k3 - 1, 1), TCP_ST_SYN_RECEIVED);
}

Test(timeline, crossing_fins_show_fin_wait_1_then_closing)
{
	const struct tl_conn *c;
	size_t k8, k9;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, 101, 501, 0);	/* 4 */
	/* 5: crossed */
	fixture_seg(&fx, false, TCP_FIN | TCP_ACK, 501, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 102, 502, 0);
	fixture_seg(&fx, false, TCP_ACK, 502, 102, 0);
	engine_finish(fx.e);
	c = timeline_conn(fx.tl, 0);
	pkt_of(c, 4, &k8);
	pkt_of(c, 5, &k9);
	/* The server's CLOSING is caused by frame 4, but the server was
	 * in FIN_WAIT_1 only from its own FIN (5): shown from there. */
	cr_assert_eq(fixture_st(fx.tl, c, k8, 1), TCP_ST_ESTABLISHED);
	cr_assert_eq(fixture_st(fx.tl, c, k9, 1), TCP_ST_CLOSING);
	cr_assert_eq(c->st[1], TCP_ST_TIME_WAIT);
	cr_assert_eq(c->st[0], TCP_ST_TIME_WAIT);
}

Test(timeline, a_segment_not_processed_is_marked_on_its_step)
{
	const struct tl_conn *c;
	size_t k;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	/* Again: the first never arrived. */
	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	c = timeline_conn(fx.tl, 0);
	cr_assert(pkt_of(c, 1, &k)->u.pkt.analysis & AN_NOT_PROCESSED);
	cr_assert_not(pkt_of(c, 2, &k)->u.pkt.analysis & AN_NOT_PROCESSED);
}

/* ------------------------------------------------ the memory cap */

/* One engine feeds a capped timeline and an uncapped one alike. */
struct tee {
	struct sink	 sink;
	struct sink	*a, *b;
};

static void
tee_emit(struct sink *s, const struct ev *ev)
{
	struct tee *t = (struct tee *)s;

	sink_emit(t->a, ev);
	sink_emit(t->b, ev);
}

#define CAP	128		/* chunks of 16 */

static struct timeline *capped, *whole;
static struct engine *ce;
static struct tee tee;
static struct fixture cf;

static void
cap_setup(void)
{
	struct engine_config cfg;

	capped = timeline_new(CAP);
	whole = timeline_new(0);
	tee.sink.emit = tee_emit;
	tee.a = timeline_sink(capped);
	tee.b = timeline_sink(whole);
	engine_config_default(&cfg);
	cfg.closed_linger_ns = 1;	/* a closed conn's summary comes next */
	ce = engine_new(&cfg, &tee.sink);
	fixture_init(&cf, ce);
	cf.step = 1000;
}

static void
cap_teardown(void)
{
	engine_free(ce);
	timeline_free(capped);
	timeline_free(whole);
}

/* A segment of conn `port` to both timelines. */
static void
cseg(bool cli, uint16_t port, uint16_t flags, uint32_t seq, uint32_t ack,
    size_t len)
{
	cf.cport = port;
	fixture_seg(&cf, cli, flags, seq, ack, len);
	/* The cap holds at every moment, not just at the end. */
	cr_assert_leq(timeline_len(capped) - timeline_first(capped), CAP);
}

/* A short conn from `port`: handshake, one request, reset. */
static void
short_conn(uint16_t port)
{
	cseg(true, port, TCP_SYN, 100, 0, 0);
	cseg(false, port, TCP_SYN | TCP_ACK, 500, 101, 0);
	cseg(true, port, TCP_ACK, 101, 501, 0);
	cseg(true, port, TCP_PSH | TCP_ACK, 101, 501, 10);
	cseg(true, port, TCP_RST | TCP_ACK, 111, 501, 0);
}

/* One long-lived conn (port 1000) open from the start, and 60 short ones. */
static void
flood(void)
{
	uint32_t cseq = 101;
	int i;

	cseg(true, 1000, TCP_SYN, 100, 0, 0);
	cseg(false, 1000, TCP_SYN | TCP_ACK, 500, 101, 0);
	cseg(true, 1000, TCP_ACK, 101, 501, 0);
	for (i = 0; i < 60; i++) {
		short_conn((uint16_t)(2000 + i));
		cseg(true, 1000, TCP_PSH | TCP_ACK, cseq, 501, 5);
		cseq += 5;
	}
}

TestSuite(timeline_cap, .init = cap_setup, .fini = cap_teardown);

Test(timeline_cap, evicts_the_oldest_whole_chunks_and_counts_them)
{
	size_t first, len, i;

	flood();
	first = timeline_first(capped);
	len = timeline_len(capped);
	cr_assert_eq(len, timeline_len(whole), "indices are absolute");
	cr_assert_gt(first, 0);
	cr_assert_eq(first % 16, 0, "whole chunks go (first %zu)", first);
	cr_assert_eq(timeline_evicted(capped), first);
	cr_assert_leq(len - first, CAP);
	cr_assert_gt(len - first, CAP - 16, "only what the cap needs goes");
	/* The newest are kept, at the same indices as without a cap. */
	for (i = first; i < len; i++) {
		const struct ev *a = fixture_at(capped, i);
		const struct ev *b = fixture_at(whole, i);

		cr_assert_not_null(a);
		cr_assert_eq(a->type, b->type, "event %zu", i);
		cr_assert_eq(a->ts_ns, b->ts_ns, "event %zu", i);
		cr_assert_eq(a->conn == NULL, b->conn == NULL);
		if (a->conn != NULL)
			cr_assert_eq(a->conn->id, b->conn->id);
	}
	cr_assert_null(fixture_at(capped, first - 1));
	cr_assert_null(fixture_at(capped, 0));
	cr_assert_null(fixture_at(capped, len));
	cr_assert_eq(timeline_evicted(whole), 0);
}

Test(timeline_cap, evicts_in_order_as_it_grows)
{
	size_t last_first = 0, first;
	int i;

	cseg(true, 1000, TCP_SYN, 100, 0, 0);
	for (i = 0; i < 40; i++) {
		short_conn((uint16_t)(2000 + i));
		first = timeline_first(capped);
		cr_assert_geq(first, last_first, "first never goes back");
		last_first = first;
		if (first > 0)
			cr_assert_geq(timeline_len(capped) - first, CAP - 16);
	}
	cr_assert_gt(last_first, 0);
}

Test(timeline_cap, a_conns_steps_drop_their_evicted_entries)
{
	size_t first, i, k, held;
	const struct tl_conn *c, *w;
	enum tcp_state st[2];

	flood();
	engine_finish(ce);
	first = timeline_first(capped);
	for (i = timeline_conn_first(capped); i < timeline_nconns(capped);
	    i++) {
		if ((c = timeline_conn(capped, i)) == NULL)
			continue;
		w = timeline_conn(whole, i);
		cr_assert_not_null(w);
		held = 0;
		for (k = 0; k < w->nsteps; k++)
			held += STEP(whole, w, k) >= first;
		cr_assert_eq(c->nsteps, held, "conn %zu", i);
		cr_assert_eq(c->nevicted, w->nsteps - held);
		for (k = 0; k < c->nsteps; k++) {
			cr_assert_eq(STEP(capped, c, k),
			    STEP(whole, w, c->nevicted + k));
			cr_assert_not_null(fixture_at(capped,
			    STEP(capped, c, k)));
		}
		/* Figures stay whole; states before the oldest held step. */
		cr_assert_eq(c->packets, w->packets);
		timeline_states_before(capped, c, 0, st);
		if (c->nevicted > 0) {
			cr_assert_eq(st[0], fixture_st(whole, w, c->nevicted - 1,
			    0));
			cr_assert_eq(st[1], fixture_st(whole, w, c->nevicted - 1,
			    1));
		}
	}
}

Test(timeline_cap, conns_over_and_gone_are_evicted_open_ones_stay)
{
	const struct tl_conn *c;
	size_t i, gone = 0;

	flood();
	/* The long-lived conn 1 is still open: kept, however old. */
	c = timeline_conn(capped, 0);
	cr_assert_not_null(c);
	cr_assert_not(c->over);
	cr_assert_gt(c->nevicted, 0);
	cr_assert_eq(c->packets, timeline_conn(whole, 0)->packets);
	for (i = 1; i < timeline_nconns(capped); i++) {
		c = timeline_conn(capped, i);
		if (c == NULL) {
			gone++;
			cr_assert_null(timeline_conn_by_id(capped,
			    (uint32_t)i + 1));
			cr_assert(timeline_conn(whole, i)->over);
		} else
			cr_assert(!c->over || c->nsteps > 0);
	}
	cr_assert_gt(gone, 0);
	cr_assert_eq(timeline_conns_evicted(capped), gone);
	cr_assert_eq(timeline_nconns(capped), timeline_nconns(whole));
	cr_assert_eq(timeline_conn_first(capped), 0);
	cr_assert_eq(timeline_conn_first(whole), 0);
}

Test(timeline_cap, the_oldest_conn_index_moves_on_when_it_goes)
{
	int i;

	for (i = 0; i < 40; i++)
		short_conn((uint16_t)(2000 + i));
	cr_assert_gt(timeline_conn_first(capped), 0);
	cr_assert_null(timeline_conn(capped, 0));
	cr_assert_not_null(timeline_conn(capped,
	    timeline_conn_first(capped)));
}

Test(timeline_cap, narration_of_an_evicted_event_is_empty)
{
	char buf[512] = "x";

	flood();
	cr_assert_eq(narrate_event(capped, 0, buf, sizeof buf), 0);
	cr_assert_str_empty(buf);
	cr_assert_gt(narrate_event(capped, timeline_first(capped), buf,
	    sizeof buf), 0);
	/* Looking ahead past the newest stops there. */
	narrate_event(capped, timeline_len(capped) - 1, buf, sizeof buf);
}

Test(timeline_cap, warnings_are_copied_and_freed_with_their_event)
{
	const struct msg *kept;
	struct msg m;
	char word[32];
	int i;

	for (i = 0; i < 3 * CAP; i++) {
		snprintf(word, sizeof word, "%d", i);
		msg_init(&m, "note %u (%s)");
		msg_num(&m, (uint64_t)i);
		msg_str(&m, word);
		engine_warn(ce, 0, i, &m);
		/* The engine's message is the caller's: the timeline copied
		 * it, arguments and all. */
		msg_init(&m, "overwritten");
	}
	kept = fixture_at(capped, timeline_len(capped) - 1)->u.warn.msg;
	cr_assert_str_eq(kept->id, "note %u (%s)");
	cr_assert_eq(kept->u[0], 3 * CAP - 1);
	snprintf(word, sizeof word, "%d", 3 * CAP - 1);
	cr_assert_str_eq(msg_arg_str(kept, 1), word);
	cr_assert_leq(timeline_len(capped) - timeline_first(capped), CAP);
	/* Leaks of the evicted copies show under ASan (make check-asan). */
}

Test(timeline_cap, a_cap_below_a_chunk_still_holds)
{
	struct fixture t;
	int i;

	/* Frames 1 to 5 at 0 to 4 ns, one SYN again and again. */
	fixture_open(&t, 3, NULL);
	t.now = -1;
	t.step = 1;
	t.cport = 5;
	for (i = 0; i < 5; i++)
		fixture_seg(&t, true, TCP_SYN, 1, 0, 0);
	cr_assert_eq(timeline_len(t.tl) - timeline_first(t.tl), 3);
	cr_assert_gt(timeline_evicted(t.tl), 0);
	cr_assert_eq(fixture_at(t.tl, timeline_len(t.tl) - 1)->type,
	    EV_PACKET);
	cr_assert_eq(timeline_conn(t.tl, 0)->packets, 5);
	fixture_close(&t);
}

/* ------------------------------------------------------------ payload */

/* A segment of `n` bytes of `p`, `snap` of its bytes captured. */
static void
data(bool cli, uint32_t seq, uint32_t ack, const uint8_t *p, size_t n,
    size_t snap)
{
	fx.snap = snap;
	fixture_tcp(&fx, cli, &(struct pb_tcp){ .flags = TCP_PSH | TCP_ACK,
	    .seq = seq, .ack = ack, .payload = p, .paylen = n });
	fx.snap = 0;
}

static const struct ev_packet *
last_packet(void)
{
	size_t i = timeline_len(fx.tl);
	const struct ev *ev;

	while (i-- > timeline_first(fx.tl)) {
		ev = fixture_at(fx.tl, i);
		if (ev->type == EV_PACKET)
			return &ev->u.pkt;
	}
	return NULL;
}

Test(timeline, a_segment_keeps_a_copy_of_its_payload)
{
	static const uint8_t hello[] = "Hello, world!";
	uint8_t frame_bytes[64];
	const struct ev_packet *p;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	memcpy(frame_bytes, hello, 13);
	data(false, 501, 101, frame_bytes, 13, 65535);
	/* The engine's bytes live only during the call: scribble on them. */
	memset(frame_bytes, 'x', sizeof frame_bytes);
	p = last_packet();
	cr_assert_not_null(p);
	cr_assert_eq(p->len, 13);
	cr_assert_eq(p->paycap, 13);
	cr_assert_not_null(p->payload);
	cr_assert_arr_eq(p->payload, hello, 13);
	/* A segment without data holds none. */
	fixture_seg(&fx, true, TCP_ACK, 101, 514, 0);
	p = last_packet();
	cr_assert_eq(p->paycap, 0);
	cr_assert_null(p->payload);
}

/* A payload source that makes each frame's bytes up, and counts calls. */
static unsigned src_calls;
static uint64_t src_bad;		/* this frame cannot be read */

static long
fake_source(void *arg, uint64_t frame, int64_t ts_ns, uint8_t *buf,
    size_t cap)
{
	size_t n = 20 < cap ? 20 : cap;

	(void)arg;
	src_calls++;
	if (frame == src_bad)
		return -1;
	cr_assert_eq(ts_ns, (int64_t)frame * 1000, "the step's stamp");
	memset(buf, (int)('a' + frame % 26), n);
	return (long)n;
}

/*
 * With a payload source (a file read again), no copy is kept: plain
 * reads have no payload, timeline_get_payload() reads it again, once for
 * TL_PAYCACHE reads, and says when it could not.
 */
Test(timeline, a_payload_source_is_read_again_not_copied)
{
	uint8_t bytes[100];
	struct ev buf;
	const struct ev *e;
	size_t first, i, n, b0 = 0, npkt = 0, last = 0;

	src_calls = 0;
	src_bad = 0;
	timeline_set_payload_source(fx.tl, fake_source, NULL);
	memset(bytes, 'z', sizeof bytes);
	first = timeline_len(fx.tl);
	for (i = 0; i < 1000; i++) {
		data(true, 1 + 100 * (uint32_t)i, 1, bytes, 100, 65535);
		if (i == 0)	/* its chunk is made */
			b0 = timeline_bytes(fx.tl);
	}
	n = timeline_len(fx.tl);
	/* 100 kB of payload; what is held grew by its steps alone. */
	cr_assert_lt(timeline_bytes(fx.tl) - b0, 999 * 100 / 4,
	    "no copies: %zu bytes", timeline_bytes(fx.tl) - b0);
	cr_assert_eq(src_calls, 0, "nothing read while storing");
	for (i = first; i < n; i++) {
		e = timeline_get(fx.tl, i, &buf);
		if (e->type != EV_PACKET)
			continue;
		cr_assert_null(e->u.pkt.payload);
		npkt++;
		last = i;
		e = timeline_get_payload(fx.tl, i, &buf);
		cr_assert_eq(e->u.pkt.paycap, 20);
		cr_assert_not_null(e->u.pkt.payload);
		cr_assert_eq(e->u.pkt.payload[0], 'a' + e->u.pkt.frame % 26);
		cr_assert(!e->u.pkt.payunread);
	}
	cr_assert_eq(npkt, 1000);
	cr_assert_eq(src_calls, npkt, "one read a packet");
	/* The newest are cached; the oldest are read again. */
	timeline_get_payload(fx.tl, last, &buf);
	cr_assert_eq(src_calls, npkt);
	timeline_get_payload(fx.tl, first + 1, &buf);
	cr_assert_eq(src_calls, npkt + 1);
	/* A frame that cannot be read again says so. */
	src_bad = fixture_at(fx.tl, last)->u.pkt.frame;
	for (i = first; i < first + 2 * TL_PAYCACHE; i++)
		timeline_get_payload(fx.tl, i, &buf);
	e = timeline_get_payload(fx.tl, last, &buf);
	cr_assert(e->u.pkt.payunread);
	cr_assert_null(e->u.pkt.payload);
	cr_assert_eq(e->u.pkt.paycap, 0);
}

Test(timeline, keeps_at_most_the_first_512_bytes)
{
	uint8_t big[1400];
	const struct ev_packet *p;
	size_t i;

	for (i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7);
	data(true, 1, 1, big, sizeof big, 65535);
	p = last_packet();
	cr_assert_eq(p->len, 1400);
	cr_assert_eq(p->paycap, TL_PAYLOAD_MAX);
	cr_assert_arr_eq(p->payload, big, TL_PAYLOAD_MAX);
	/* Cut by the snaplen: what was captured (20 IP + 20 TCP + 30). */
	data(true, 1401, 1, big, sizeof big, 70);
	p = last_packet();
	cr_assert_eq(p->len, 1400);
	cr_assert_eq(p->paycap, 30);
	cr_assert_arr_eq(p->payload, big, 30);
}

Test(timeline, the_payload_budget_drops_the_oldest_copies_not_the_steps)
{
	uint8_t big[600];
	size_t i, held = 0;

	memset(big, 'a', sizeof big);
	fixture_close(&fx);
	/* Chunks of 2 steps (a cap of 16), 2 KiB of payload at most. */
	fixture_open(&fx, 16, NULL);
	fx.step = 1000;
	fx.cport = 1000;
	timeline_set_payload_budget(fx.tl, 2048);
	for (i = 0; i < 6; i++)
		data(true, 1 + (uint32_t)i * 600, 1, big, sizeof big, 65535);
	/* Every copy is 512 bytes: at most 4 fit; older chunks lose theirs
	 * and keep their steps. */
	cr_assert_eq(timeline_evicted(fx.tl), 0);
	cr_assert_gt(timeline_payload_dropped(fx.tl), 0);
	for (i = timeline_first(fx.tl); i < timeline_len(fx.tl); i++) {
		const struct ev *ev = fixture_at(fx.tl, i);

		if (ev->type != EV_PACKET)
			continue;
		cr_assert_eq(ev->u.pkt.len, 600);
		if (ev->u.pkt.payload != NULL) {
			cr_assert_eq(ev->u.pkt.paycap, TL_PAYLOAD_MAX);
			held++;
		} else {
			cr_assert_eq(ev->u.pkt.paycap, 0);
			cr_assert(ev->u.pkt.paygone, "said, not \"not "
			    "captured\"");
		}
	}
	cr_assert_leq(held * TL_PAYLOAD_MAX, 2048);
	cr_assert_gt(held, 0);
	cr_assert_not_null(last_packet()->payload, "the newest keeps its");
}

Test(timeline, payload_reads_as_text_and_hex)
{
	static const uint8_t b[] = "220 ok\r\n\x01\x7f~";
	char buf[128];

	cr_assert_eq(ev_payload_text(b, 11, buf, sizeof buf), 11);
	cr_assert_str_eq(buf, "220 ok....~");
	ev_payload_text(b, 11, buf, 4);
	cr_assert_str_eq(buf, "220");
	ev_payload_hexline(b, 11, 0, 8, buf, sizeof buf);
	cr_assert_str_eq(buf, "0000  32 32 30 20 6f 6b 0d 0a  220 ok..");
	ev_payload_hexline(b, 11, 8, 8, buf, sizeof buf);
	cr_assert_str_eq(buf, "0008  01 7f 7e                 ..~");
	ev_payload_hexline(b, 11, 8, 8, buf, 10);
	cr_assert_lt(strlen(buf), 10);
}

/* ------------------------------------------- budget and conn index */

/* Hand-made events: conn `id` (1-based) of a list of conn_infos. */
static struct conn_info hm_ci[64];

static void
hm_emit(struct timeline *t, enum ev_type type, uint32_t id, uint64_t fr)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.ts_ns = (int64_t)fr * 1000;
	if (id != 0) {
		hm_ci[id].id = id;
		hm_ci[id].proto = 17;
		ev.conn = &hm_ci[id];
	}
	if (type == EV_PACKET)
		ev.u.pkt.frame = fr;
	static const struct msg nothing = { .id = "a warning about nothing "
	    "in particular" };

	if (type == EV_WARNING)
		ev.u.warn.msg = &nothing;
	sink_emit(timeline_sink(t), &ev);
}

/* The held conns in order, each where its rank says, each found by its
 * index, none held between them. */
static void
hm_check_conns(const struct timeline *t)
{
	const struct tl_conn *c, *prev = NULL;
	size_t k, idx, held = timeline_conns_held(t);

	for (k = 0; k < held; k++) {
		c = timeline_conn_held(t, k);
		cr_assert_not_null(c, "held conn %zu of %zu", k, held);
		cr_assert_eq(timeline_conn_rank(t, c->info.id - 1), k);
		cr_assert_eq(timeline_conn(t, c->info.id - 1), c);
		if (prev != NULL) {
			cr_assert_gt(c->info.id, prev->info.id);
			for (idx = prev->info.id; idx < c->info.id - 1; idx++) {
				cr_assert_null(timeline_conn(t, idx));
				cr_assert_eq(timeline_conn_rank(t, idx), k);
			}
		} else
			cr_assert_eq(timeline_conn_first(t), c->info.id - 1);
		prev = c;
	}
	cr_assert_null(timeline_conn_held(t, held));
	cr_assert_eq(timeline_conn_rank(t, timeline_nconns(t)), held);
}

/*
 * A budget of 64 KiB: whatever comes, what the held events cost stays
 * under it once a chunk is full, the oldest go first, and the conns that
 * are over and have no event left go with them while an open one stays.
 */
Test(timeline_budget, holds_what_the_budget_allows_oldest_out_first)
{
	struct timeline *t = timeline_new(0);
	const size_t budget = 64 * 1024;
	uint64_t fr = 0;
	uint32_t id;
	int round;

	timeline_set_budget(t, budget);
	hm_emit(t, EV_CONN, 1, 0);		/* open all along */
	for (round = 0; round < 60; round++) {
		for (id = 2; id < 40; id++) {
			if (round == 0 || id % 3 == 0)
				continue;
			hm_emit(t, EV_PACKET, id, ++fr);
		}
		if (round == 0)
			for (id = 2; id < 40; id++)
				hm_emit(t, EV_CONN, id, ++fr);
		hm_emit(t, EV_PACKET, 1, ++fr);
		hm_emit(t, EV_WARNING, 0, ++fr);
		if (round == 20)
			for (id = 3; id < 40; id += 3)
				hm_emit(t, EV_SUMMARY, id, ++fr);
		cr_assert_leq(timeline_bytes(t), budget,
		    "round %d: %zu bytes held", round, timeline_bytes(t));
		hm_check_conns(t);
	}
	cr_assert_gt(timeline_evicted(t), 0);
	cr_assert_not_null(timeline_conn(t, 0), "the open conn stays");
	/* Over, and its events long gone: conn 3 went; conn 4, not over,
	 * stays (though its first events went). */
	cr_assert_null(timeline_conn(t, 2));
	cr_assert_not_null(timeline_conn(t, 3));
	cr_assert_gt(timeline_conn(t, 3)->nevicted, 0);
	cr_assert_gt(timeline_conns_evicted(t), 0);
	timeline_free(t);
}

/* Conn events out of id order (hand-made) still find their place. */
Test(timeline_budget, conns_out_of_order_are_found)
{
	struct timeline *t = timeline_new(0);

	hm_emit(t, EV_CONN, 5, 1);
	hm_emit(t, EV_CONN, 9, 2);
	hm_emit(t, EV_CONN, 2, 3);
	hm_emit(t, EV_CONN, 7, 4);
	cr_assert_eq(timeline_conns_held(t), 4);
	cr_assert_eq(timeline_conn_held(t, 0)->info.id, 2);
	cr_assert_eq(timeline_conn_held(t, 1)->info.id, 5);
	cr_assert_eq(timeline_conn_held(t, 2)->info.id, 7);
	cr_assert_eq(timeline_conn_held(t, 3)->info.id, 9);
	hm_check_conns(t);
	timeline_free(t);
}

/*
 * A conn's list of steps is made when asked for and extended after: at
 * every point, under a cap that evicts, it is the conn's held steps in
 * order, the same as a walk over the whole timeline finds.
 */
Test(timeline_budget, a_conns_list_follows_its_steps_and_evictions)
{
	struct timeline *t = timeline_new(64);
	const struct tl_conn *c;
	const size_t *steps;
	struct ev buf;
	const struct ev *e;
	uint64_t fr = 0;
	uint32_t id;
	size_t i, k;
	int round;

	for (id = 1; id <= 3; id++)
		hm_emit(t, EV_CONN, id, ++fr);
	for (round = 0; round < 200; round++) {
		/* Conn 1 on every round, 2 on every other, 3 on a tenth. */
		hm_emit(t, EV_PACKET, 1, ++fr);
		if (round % 2 == 0)
			hm_emit(t, EV_PACKET, 2, ++fr);
		if (round % 10 == 0)
			hm_emit(t, EV_PACKET, 3, ++fr);
		hm_emit(t, EV_WARNING, 0, ++fr);
		if (round % 7 != 0)
			continue;
		for (id = 1; id <= 3; id++) {
			if ((c = timeline_conn_by_id(t, id)) == NULL)
				continue;
			steps = timeline_conn_steps(t, c);
			k = 0;
			for (i = timeline_first(t); i < timeline_len(t); i++) {
				e = timeline_get(t, i, &buf);
				if (e->conn == NULL || e->conn->id != id)
					continue;
				cr_assert_lt(k, c->nsteps, "conn %u", id);
				cr_assert_eq(steps[k], i, "conn %u step %zu",
				    id, k);
				k++;
			}
			cr_assert_eq(k, c->nsteps, "conn %u", id);
			if (c->nsteps > 0)
				cr_assert_eq(steps[c->nsteps - 1], c->last);
			cr_assert_eq(timeline_conn_step(t, c, c->last),
			    c->nsteps - 1);
		}
	}
	cr_assert_gt(timeline_evicted(t), 0);
	cr_assert_gt(timeline_conn_by_id(t, 3)->nevicted, 0);
	timeline_free(t);
}

/* The default: 256 MiB, and what is held is counted from the start. */
Test(timeline_budget, counts_what_it_holds)
{
	struct timeline *t = timeline_new(0);
	size_t b0;

	cr_assert_eq(timeline_bytes(t), 0);
	hm_emit(t, EV_CONN, 1, 0);
	b0 = timeline_bytes(t);
	/* A step is 48 bytes, in a chunk allocated whole. */
	cr_assert_geq(b0, 48 + sizeof(struct tl_conn));
	hm_emit(t, EV_PACKET, 1, 1);
	cr_assert_geq(timeline_bytes(t), b0);
	cr_assert_geq(timeline_bytes(t), 2 * 48 + sizeof(struct tl_conn));
	timeline_free(t);
}

/*
 * A long line of program output has an arena block of its own; the
 * short steps between such lines still share blocks: what is held stays
 * about the text itself, not a fresh block after every long line.
 */
Test(timeline_budget, long_records_waste_no_block)
{
	struct timeline *t = timeline_new(0);
	static char line[20000];
	struct ev ev, buf;
	const struct ev *g;
	size_t k, b0;

	memset(line, 'x', sizeof line - 1);
	hm_emit(t, EV_WARNING, 0, 1);
	b0 = timeline_bytes(t);
	for (k = 0; k < 100; k++) {
		memset(&ev, 0, sizeof ev);
		ev.type = EV_OUTPUT;
		ev.u.out.stream = EV_STDOUT;
		ev.u.out.text = line;
		sink_emit(timeline_sink(t), &ev);
		hm_emit(t, EV_WARNING, 0, k + 2);
	}
	/* 100 lines of 20000 bytes; the warnings fit a block or two. */
	cr_assert_lt(timeline_bytes(t) - b0, 100 * (sizeof line + 64) +
	    64 * 1024, "%zu bytes held for 2 MB of text",
	    timeline_bytes(t) - b0);
	for (k = 1; k < timeline_len(t); k += 2) {
		g = timeline_get(t, k, &buf);
		cr_assert_eq(g->type, EV_OUTPUT);
		cr_assert_str_eq(g->u.out.text, line);
		g = timeline_get(t, k + 1, &buf);
		cr_assert_eq(g->type, EV_WARNING);
		cr_assert_str_eq(g->u.warn.msg->id,
		    "a warning about nothing in particular");
	}
	timeline_free(t);
}

/* Hand-made TCP events of conn `id`. */
static void
hm_tcp(struct timeline *t, enum ev_type type, uint32_t id, uint64_t fr,
    enum tcp_state c, enum tcp_state s)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.ts_ns = (int64_t)fr * 1000;
	hm_ci[id].id = id;
	hm_ci[id].proto = 6;
	hm_ci[id].init[0] = TCP_ST_CLOSED;
	hm_ci[id].init[1] = TCP_ST_LISTEN;
	ev.conn = &hm_ci[id];
	ev.u.pkt.frame = fr;
	ev.u.pkt.st_after[0] = c;
	ev.u.pkt.st_after[1] = s;
	sink_emit(timeline_sink(t), &ev);
}

/* hm_tcp() with conn `id`'s info as the test left it. */
static void
hm_emit_as(struct timeline *t, enum ev_type type, uint32_t id, uint64_t fr,
    enum tcp_state c, enum tcp_state s)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.ts_ns = (int64_t)fr * 1000;
	ev.conn = &hm_ci[id];
	ev.u.pkt.frame = fr;
	ev.u.pkt.st_after[0] = c;
	ev.u.pkt.st_after[1] = s;
	sink_emit(timeline_sink(t), &ev);
}

static void
hm_state(struct timeline *t, uint32_t id, uint64_t fr, enum ev_side side,
    enum tcp_state from, enum tcp_state to)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EV_STATE;
	ev.ts_ns = (int64_t)fr * 1000;
	ev.conn = &hm_ci[id];
	ev.u.state.frame = fr;
	ev.u.state.endpoint = side;
	ev.u.state.from = from;
	ev.u.state.to = to;
	sink_emit(timeline_sink(t), &ev);
}

struct hm_count {
	struct sink	sink;
	size_t		states, other;
	enum tcp_state	last;
};

static void
hm_count_emit(struct sink *s, const struct ev *e)
{
	struct hm_count *c = (struct hm_count *)s;

	if (e->type == EV_STATE) {
		c->states++;
		c->last = e->u.state.to;
	} else
		c->other++;
}

/*
 * A conn whose steps the cap evicted (it is still open) takes its next
 * change as a step of its own; the change after that is folded into
 * that step, and neither is lost: timeline_changes() gives both, in
 * order, and the replay emits both.
 */
Test(timeline_cap, a_change_folded_into_a_change_is_kept)
{
	struct timeline *t = timeline_new(8);
	struct ev_state out[4];
	struct hm_count cnt = { .sink.emit = hm_count_emit };
	const struct tl_conn *c;
	uint64_t fr;
	size_t i;

	hm_tcp(t, EV_CONN, 1, 0, TCP_ST_CLOSED, TCP_ST_LISTEN);
	hm_tcp(t, EV_CONN, 2, 0, TCP_ST_CLOSED, TCP_ST_LISTEN);
	for (fr = 1; fr <= 20; fr++)
		hm_tcp(t, EV_PACKET, 2, fr, TCP_ST_SYN_SENT, TCP_ST_LISTEN);
	c = timeline_conn_by_id(t, 1);
	cr_assert_not_null(c, "open: it stays");
	cr_assert_eq(c->nsteps, 0);
	hm_state(t, 1, 30, EV_SERVER, TCP_ST_LISTEN, TCP_ST_SYN_RECEIVED);
	hm_state(t, 1, 31, EV_SERVER, TCP_ST_SYN_RECEIVED,
	    TCP_ST_ESTABLISHED);
	cr_assert_eq(c->nsteps, 1);
	i = STEP(t, c, 0);
	cr_assert_eq(fixture_at(t, i)->type, EV_STATE);
	cr_assert_eq(timeline_changes(t, i, out, 4), 2);
	cr_assert_eq(out[0].to, TCP_ST_SYN_RECEIVED);
	cr_assert_eq(out[1].from, TCP_ST_SYN_RECEIVED);
	cr_assert_eq(out[1].to, TCP_ST_ESTABLISHED);
	cr_assert_eq(out[1].frame, 31);
	cr_assert_eq(c->st[1], TCP_ST_ESTABLISHED);
	timeline_replay(t, &cnt.sink);
	cr_assert_eq(cnt.states, 2, "%zu changes replayed", cnt.states);
	cr_assert_eq(cnt.last, TCP_ST_ESTABLISHED);
	timeline_free(t);
}

/*
 * The engine learns that the server never listened (it answered the SYN
 * with RST) after the cap evicted the conn's first steps: the states
 * before its oldest held step are CLOSED too, not the guess, so that its
 * states stay a chain of its changes.
 */
Test(timeline_cap, a_wrong_guess_is_righted_after_eviction_too)
{
	struct timeline *t = timeline_new(8);
	const struct tl_conn *c;
	enum tcp_state st[2];
	uint64_t fr;

	hm_tcp(t, EV_CONN, 1, 0, TCP_ST_CLOSED, TCP_ST_LISTEN);
	hm_tcp(t, EV_PACKET, 1, 1, TCP_ST_SYN_SENT, TCP_ST_LISTEN);
	hm_tcp(t, EV_CONN, 2, 0, TCP_ST_CLOSED, TCP_ST_LISTEN);
	for (fr = 2; fr <= 12; fr++)
		hm_tcp(t, EV_PACKET, 2, fr, TCP_ST_SYN_SENT, TCP_ST_LISTEN);
	c = timeline_conn_by_id(t, 1);
	cr_assert_not_null(c);
	cr_assert_gt(c->nevicted, 0);
	hm_tcp(t, EV_PACKET, 1, 20, TCP_ST_SYN_SENT, TCP_ST_LISTEN);
	/* The server's RST: it never listened. */
	hm_ci[1].init[1] = TCP_ST_CLOSED;
	hm_emit_as(t, EV_PACKET, 1, 21, TCP_ST_SYN_SENT, TCP_ST_CLOSED);
	timeline_states_before(t, c, 0, st);
	cr_assert_eq(st[1], TCP_ST_CLOSED, "before its oldest held step: %d",
	    st[1]);
	cr_assert_eq(fixture_st(t, c, 0, 1), TCP_ST_CLOSED);
	timeline_free(t);
}

/*
 * A change decided more than TL_LATE_REACH steps after its segment, with
 * the endpoint in `from` all along: it cannot land on its frame's step
 * (too far back for the views to see it changed), and the oldest step
 * within reach is not where the endpoint entered `from` either: it is a
 * step of its own, after the steps that showed `from`.
 */
Test(timeline, a_change_decided_beyond_reach_is_a_step_of_its_own)
{
	struct timeline *t = timeline_new(0);
	const struct tl_conn *c;
	struct ev_state out[4];
	uint64_t fr;
	size_t n, k;

	hm_tcp(t, EV_CONN, 1, 0, TCP_ST_CLOSED, TCP_ST_LISTEN);
	for (fr = 1; fr <= TL_LATE_REACH + 50; fr++)
		hm_tcp(t, EV_PACKET, 1, fr, TCP_ST_ESTABLISHED,
		    TCP_ST_ESTABLISHED);
	c = timeline_conn_by_id(t, 1);
	n = c->nsteps;
	hm_state(t, 1, 5, EV_SERVER, TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT);
	cr_assert_eq(c->nsteps, n + 1, "a step of its own");
	cr_assert_eq(fixture_at(t, STEP(t, c, n))->type, EV_STATE);
	cr_assert_eq(timeline_changes(t, STEP(t, c, n), out, 4), 1);
	cr_assert_eq(out[0].frame, 5);
	for (k = 0; k < n; k++) {
		cr_assert_eq(timeline_changes(t, STEP(t, c, k), out, 4), 0,
		    "step %zu took it", k);
		cr_assert_eq(fixture_st(t, c, k, 1), k == 0 ? TCP_ST_LISTEN :
		    TCP_ST_ESTABLISHED);
	}
	cr_assert_eq(fixture_st(t, c, n, 1), TCP_ST_CLOSE_WAIT);
	cr_assert_eq(c->st[1], TCP_ST_CLOSE_WAIT);
	timeline_free(t);
}

/* The ladder shows a change that is a step of its own from the row after
 * it on, never on a row before it, and keeps it so when it reads its rows
 * again. */
Test(timeline, rows_show_a_change_of_its_own_from_the_next_row)
{
	struct timeline *t = timeline_new(0);
	struct rows r;
	uint64_t fr;
	size_t n;

	hm_tcp(t, EV_CONN, 1, 0, TCP_ST_CLOSED, TCP_ST_LISTEN);
	for (fr = 1; fr <= TL_LATE_REACH + 50; fr++)
		hm_tcp(t, EV_PACKET, 1, fr, TCP_ST_ESTABLISHED,
		    TCP_ST_ESTABLISHED);
	rows_init(&r, 1);
	rows_update(&r, t);
	n = r.n;
	hm_state(t, 1, 5, EV_SERVER, TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT);
	hm_tcp(t, EV_PACKET, 1, fr, TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT);
	rows_update(&r, t);
	cr_assert_eq(r.n, n + 1, "no row for the change itself");
	cr_assert_eq(r.v[n - 1].st[1], TCP_ST_ESTABLISHED,
	    "the row before it does not show it");
	cr_assert_eq(r.v[n].st[1], TCP_ST_CLOSE_WAIT);
	/* A late change elsewhere makes the rows read their states again:
	 * the same. */
	hm_state(t, 1, fr, EV_CLIENT, TCP_ST_ESTABLISHED, TCP_ST_FIN_WAIT_1);
	rows_update(&r, t);
	cr_assert_eq(r.v[n - 1].st[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(r.v[n].st[1], TCP_ST_CLOSE_WAIT);
	rows_clear(&r);
	timeline_free(t);
}
