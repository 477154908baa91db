/* SPDX-License-Identifier: ISC */
/* The timeline stores every event in order and steps per conn. */

#include "config.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "narrate.h"
#include "pktbuild.h"
#include "timeline.h"

static struct timeline *tl;
static struct engine *e;
static uint64_t frame;

static void
setup(void)
{
	tl = timeline_new(0);
	e = engine_new(NULL, timeline_sink(tl));
	frame = 0;
}

static void
teardown(void)
{
	engine_free(e);
	timeline_free(tl);
}

TestSuite(timeline, .init = setup, .fini = teardown);

static void
seg(bool cli, uint16_t port, uint16_t flags, uint32_t seq, uint32_t ack)
{
	uint8_t buf[PB_MAX];
	struct pb_tcp t = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = { .src = cli ? "10.0.0.1" : "10.0.0.2",
		    .dst = cli ? "10.0.0.2" : "10.0.0.1" },
		.sport = cli ? port : 80, .dport = cli ? 80 : port,
		.seq = seq, .ack = ack, .flags = flags,
	};
	size_t n = pb_tcp(buf, sizeof buf, &t);

	frame++;
	engine_frame(e, frame, (int64_t)frame * 1000, DEC_LT_RAW, buf, n, n);
}

Test(timeline, keeps_every_event_and_each_conns_steps)
{
	const struct tl_conn *c;
	enum tcp_state st[2];

	seg(true, 1000, TCP_SYN, 100, 0);
	seg(true, 2000, TCP_SYN, 700, 0);	/* a second conn */
	seg(false, 1000, TCP_SYN | TCP_ACK, 500, 101);
	seg(true, 1000, TCP_ACK, 101, 501);
	engine_finish(e);

	cr_assert_eq(timeline_nconns(tl), 2);
	c = timeline_conn(tl, 0);
	cr_assert_eq(c->info.id, 1);
	cr_assert_eq(c->packets, 3);
	cr_assert(c->over);
	cr_assert_eq(c->sum.completeness, 7);
	/* conn, 3 packets, 4 state changes, summary */
	cr_assert_eq(c->nsteps, 9, "steps %zu", c->nsteps);
	cr_assert_eq(timeline_at(tl, c->steps[0].ev)->type, EV_CONN);
	cr_assert_eq(timeline_at(tl, c->steps[1].ev)->type, EV_PACKET);
	cr_assert_eq(c->steps[1].st[0], TCP_ST_SYN_SENT);
	cr_assert_eq(c->steps[1].st[1], TCP_ST_LISTEN);

	timeline_states_before(c, 0, st);
	cr_assert_eq(st[0], TCP_ST_CLOSED);
	cr_assert_eq(st[1], TCP_ST_LISTEN);
	timeline_states_before(c, c->nsteps, st);
	cr_assert_eq(st[0], TCP_ST_ESTABLISHED);
	cr_assert_eq(st[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(timeline_conn_by_id(tl, 2)->packets, 1);
	cr_assert_null(timeline_conn_by_id(tl, 3));
	cr_assert_eq(timeline_at(tl, 0)->conn, &timeline_conn(tl, 0)->info,
	    "events point at the timeline's own conn copy");
}

Test(timeline, a_refused_server_is_closed_after_the_rst)
{
	const struct tl_conn *c;

	seg(true, 1000, TCP_SYN, 100, 0);
	seg(false, 1000, TCP_RST | TCP_ACK, 0, 101);
	c = timeline_conn(tl, 0);
	cr_assert_eq(c->st[1], TCP_ST_CLOSED);
	cr_assert_eq(c->st[0], TCP_ST_CLOSED);
	/* Nothing was listening: never LISTEN, not even before the SYN. */
	cr_assert_eq(c->info.init[1], TCP_ST_CLOSED);
	cr_assert_eq(c->st0[1], TCP_ST_CLOSED);
	cr_assert_eq(c->steps[1].st[1], TCP_ST_CLOSED);
	cr_assert_eq(timeline_at(tl, c->steps[1].ev)->u.pkt.st_after[1],
	    TCP_ST_CLOSED);
}

/* The packet event of conn c with this frame. */
static const struct ev *
pkt_of(const struct tl_conn *c, uint64_t fr, size_t *step)
{
	const struct ev *ev;
	size_t k;

	for (k = 0; k < c->nsteps; k++) {
		ev = timeline_at(tl, c->steps[k].ev);
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

	seg(true, 1000, TCP_SYN, 100, 0);
	seg(false, 1000, TCP_SYN | TCP_ACK, 500, 101);
	seg(true, 1000, TCP_ACK, 101, 501);		/* 3 */
	seg(true, 1000, TCP_PSH | TCP_ACK, 101, 501);	/* 4: before the server's */
	c = timeline_conn(tl, 0);
	p3 = pkt_of(c, 3, &k3);
	cr_assert_eq(p3->u.pkt.st_after[1], TCP_ST_SYN_RECEIVED,
	    "nothing shows yet that the server processed frame 3");
	seg(false, 1000, TCP_ACK, 501, 101);		/* 5: it did */
	p3 = pkt_of(c, 3, &k3);
	p4 = pkt_of(c, 4, &k4);
	cr_assert_eq(p3->u.pkt.st_after[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(c->steps[k3].st[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(p4->u.pkt.st_after[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(c->steps[k3 - 1].st[1], TCP_ST_SYN_RECEIVED);
}

Test(timeline, crossing_fins_show_fin_wait_1_then_closing)
{
	const struct tl_conn *c;
	size_t k8, k9;

	seg(true, 1000, TCP_SYN, 100, 0);
	seg(false, 1000, TCP_SYN | TCP_ACK, 500, 101);
	seg(true, 1000, TCP_ACK, 101, 501);
	seg(true, 1000, TCP_FIN | TCP_ACK, 101, 501);	/* 4 */
	seg(false, 1000, TCP_FIN | TCP_ACK, 501, 101);	/* 5: crossed */
	seg(true, 1000, TCP_ACK, 102, 502);
	seg(false, 1000, TCP_ACK, 502, 102);
	engine_finish(e);
	c = timeline_conn(tl, 0);
	pkt_of(c, 4, &k8);
	pkt_of(c, 5, &k9);
	/* The server's CLOSING is caused by frame 4, but the server was
	 * in FIN_WAIT_1 only from its own FIN (5): shown from there. */
	cr_assert_eq(c->steps[k8].st[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(c->steps[k9].st[1], TCP_ST_CLOSING);
	cr_assert_eq(c->st[1], TCP_ST_TIME_WAIT);
	cr_assert_eq(c->st[0], TCP_ST_TIME_WAIT);
}

Test(timeline, a_segment_not_processed_is_marked_on_its_step)
{
	const struct tl_conn *c;
	size_t k;

	seg(true, 1000, TCP_SYN, 100, 0);
	seg(true, 1000, TCP_SYN, 100, 0);	/* the first never arrived */
	seg(false, 1000, TCP_SYN | TCP_ACK, 500, 101);
	c = timeline_conn(tl, 0);
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

#define CAP	80		/* chunks of 10 */

static struct timeline *capped, *whole;
static struct engine *ce;
static struct tee tee;
static uint64_t cframe;

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
	cframe = 0;
}

static void
cap_teardown(void)
{
	engine_free(ce);
	timeline_free(capped);
	timeline_free(whole);
}

static void
cseg(bool cli, uint16_t port, uint16_t flags, uint32_t seq, uint32_t ack,
    size_t len)
{
	static const uint8_t data[64];
	uint8_t buf[PB_MAX];
	struct pb_tcp t = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = { .src = cli ? "10.0.0.1" : "10.0.0.2",
		    .dst = cli ? "10.0.0.2" : "10.0.0.1" },
		.sport = cli ? port : 80, .dport = cli ? 80 : port,
		.seq = seq, .ack = ack, .flags = flags,
		.payload = data, .paylen = len,
	};
	size_t n = pb_tcp(buf, sizeof buf, &t);

	cframe++;
	engine_frame(ce, cframe, (int64_t)cframe * 1000, DEC_LT_RAW, buf, n,
	    n);
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
	cr_assert_eq(first % 10, 0, "whole chunks go (first %zu)", first);
	cr_assert_eq(timeline_evicted(capped), first);
	cr_assert_leq(len - first, CAP);
	cr_assert_gt(len - first, CAP - 10, "only what the cap needs goes");
	/* The newest are kept, at the same indices as without a cap. */
	for (i = first; i < len; i++) {
		const struct ev *a = timeline_at(capped, i);
		const struct ev *b = timeline_at(whole, i);

		cr_assert_not_null(a);
		cr_assert_eq(a->type, b->type, "event %zu", i);
		cr_assert_eq(a->ts_ns, b->ts_ns, "event %zu", i);
		cr_assert_eq(a->conn == NULL, b->conn == NULL);
		if (a->conn != NULL)
			cr_assert_eq(a->conn->id, b->conn->id);
	}
	cr_assert_null(timeline_at(capped, first - 1));
	cr_assert_null(timeline_at(capped, 0));
	cr_assert_null(timeline_at(capped, len));
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
			cr_assert_geq(timeline_len(capped) - first, CAP - 10);
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
			held += w->steps[k].ev >= first;
		cr_assert_eq(c->nsteps, held, "conn %zu", i);
		cr_assert_eq(c->nevicted, w->nsteps - held);
		for (k = 0; k < c->nsteps; k++) {
			cr_assert_eq(c->steps[k].ev,
			    w->steps[c->nevicted + k].ev);
			cr_assert_not_null(timeline_at(capped, c->steps[k].ev));
		}
		/* Figures stay whole; states before the oldest held step. */
		cr_assert_eq(c->packets, w->packets);
		timeline_states_before(c, 0, st);
		if (c->nevicted > 0) {
			cr_assert_eq(st[0], w->steps[c->nevicted - 1].st[0]);
			cr_assert_eq(st[1], w->steps[c->nevicted - 1].st[1]);
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
	char msg[32];
	int i;

	for (i = 0; i < 3 * CAP; i++) {
		snprintf(msg, sizeof msg, "note %d", i);
		engine_warn(ce, 0, i, msg);
	}
	cr_assert_str_eq(timeline_at(capped, timeline_len(capped) - 1)->
	    u.warn.message, "note 239");
	cr_assert_leq(timeline_len(capped) - timeline_first(capped), CAP);
	/* Leaks of the evicted copies show under ASan (make check-asan). */
}

Test(timeline_cap, a_cap_below_a_chunk_still_holds)
{
	struct timeline *tiny = timeline_new(3);
	struct engine *e2 = engine_new(NULL, timeline_sink(tiny));
	uint8_t buf[PB_MAX];
	struct pb_tcp t = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = { .src = "10.0.0.1", .dst = "10.0.0.2" },
		.sport = 5, .dport = 80, .seq = 1, .flags = TCP_SYN,
	};
	size_t n = pb_tcp(buf, sizeof buf, &t);
	int i;

	for (i = 0; i < 5; i++)
		engine_frame(e2, (uint64_t)i + 1, i, DEC_LT_RAW, buf, n, n);
	cr_assert_eq(timeline_len(tiny) - timeline_first(tiny), 3);
	cr_assert_gt(timeline_evicted(tiny), 0);
	cr_assert_eq(timeline_at(tiny, timeline_len(tiny) - 1)->type,
	    EV_PACKET);
	cr_assert_eq(timeline_conn(tiny, 0)->packets, 5);
	engine_free(e2);
	timeline_free(tiny);
}

/* ------------------------------------------------------------ payload */

static void
data(bool cli, uint32_t seq, uint32_t ack, const uint8_t *p, size_t n,
    size_t snap)
{
	static uint8_t buf[PB_MAX];
	struct pb_tcp t = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = { .src = cli ? "10.0.0.1" : "10.0.0.2",
		    .dst = cli ? "10.0.0.2" : "10.0.0.1" },
		.sport = cli ? 1000 : 80, .dport = cli ? 80 : 1000,
		.seq = seq, .ack = ack, .flags = TCP_PSH | TCP_ACK,
		.payload = p, .paylen = n,
	};
	size_t len = pb_tcp(buf, sizeof buf, &t);

	frame++;
	engine_frame(e, frame, (int64_t)frame * 1000, DEC_LT_RAW, buf,
	    snap < len ? snap : len, len);
}

static const struct ev_packet *
last_packet(void)
{
	size_t i = timeline_len(tl);
	const struct ev *ev;

	while (i-- > timeline_first(tl)) {
		ev = timeline_at(tl, i);
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

	seg(true, 1000, TCP_SYN, 100, 0);
	seg(false, 1000, TCP_SYN | TCP_ACK, 500, 101);
	seg(true, 1000, TCP_ACK, 101, 501);
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
	seg(true, 1000, TCP_ACK, 101, 514);
	p = last_packet();
	cr_assert_eq(p->paycap, 0);
	cr_assert_null(p->payload);
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

Test(timeline, the_payload_budget_evicts_the_oldest_events)
{
	uint8_t big[600];
	size_t i;

	memset(big, 'a', sizeof big);
	timeline_free(tl);
	engine_free(e);
	/* Chunks of 2 events (a cap of 16), 2 KiB of payload at most. */
	tl = timeline_new(16);
	e = engine_new(NULL, timeline_sink(tl));
	timeline_set_payload_budget(tl, 2048);
	for (i = 0; i < 8; i++)
		data(true, 1 + (uint32_t)i * 600, 1, big, sizeof big, 65535);
	/* Every held payload is 512 bytes: 4 fit, and whole chunks go. */
	cr_assert_gt(timeline_evicted(tl), 0);
	for (i = timeline_first(tl); i < timeline_len(tl); i++) {
		const struct ev *ev = timeline_at(tl, i);

		if (ev->type == EV_PACKET)
			cr_assert_eq(ev->u.pkt.paycap, TL_PAYLOAD_MAX);
	}
	cr_assert_leq((timeline_len(tl) - timeline_first(tl)) *
	    TL_PAYLOAD_MAX, 2048 + 2 * TL_PAYLOAD_MAX);
	cr_assert_not_null(last_packet());
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
	if (type == EV_WARNING)
		ev.u.warn.message = "a warning about nothing in particular";
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
	for (round = 0; round < 40; round++) {
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

/* The default: 256 MiB, and what is held is counted from the start. */
Test(timeline_budget, counts_what_it_holds)
{
	struct timeline *t = timeline_new(0);
	size_t b0;

	cr_assert_eq(timeline_bytes(t), 0);
	hm_emit(t, EV_CONN, 1, 0);
	b0 = timeline_bytes(t);
	cr_assert_geq(b0, sizeof(struct ev) + sizeof(struct tl_conn));
	hm_emit(t, EV_PACKET, 1, 1);
	cr_assert_geq(timeline_bytes(t), b0 + sizeof(struct ev));
	timeline_free(t);
}
