/* SPDX-License-Identifier: ISC */
/* The timeline stores every event in order and steps per conn. */

#include "config.h"

#include <criterion/criterion.h>

#include "engine.h"
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
}

Test(timeline, a_cap_drops_later_events_but_keeps_counting)
{
	struct timeline *small = timeline_new(3);
	struct engine *e2 = engine_new(NULL, timeline_sink(small));
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
	cr_assert_eq(timeline_len(small), 3);
	cr_assert_gt(timeline_dropped(small), 0);
	cr_assert_eq(timeline_conn(small, 0)->packets, 5);
	engine_free(e2);
	timeline_free(small);
}
