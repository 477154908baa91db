/* SPDX-License-Identifier: ISC */
/*
 * The engine, segment by segment: both endpoints' states through every
 * lifecycle the FSM must handle, roles, conn boundaries, analysis and
 * summaries.  Frames are built in memory; events are recorded.
 */

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "fixture.h"

#define REC_MAX	64

struct rec {
	struct sink	sink;
	int		nconn;
	uint32_t	conn_ids[REC_MAX];
	bool		guessed[REC_MAX];
	char		cport[REC_MAX][8];
	/* State paths per endpoint of the latest conn: "CLOSED SYN_SENT". */
	char		path[2][512];
	char		why[2][512];
	/* The frame that caused each change: "1 3" (decided_by "1>2"). */
	char		cause[2][512];
	uint32_t	path_conn;
	int		nunproc;
	uint64_t	unproc[REC_MAX];
	uint64_t	unproc_by[REC_MAX];
	enum ev_unproc_why unproc_why[REC_MAX];
	int		unproc_side[REC_MAX];
	int		npkt;
	uint32_t	an[REC_MAX];
	uint32_t	rseq[REC_MAX];
	uint32_t	rack[REC_MAX];
	uint32_t	win[REC_MAX];
	uint64_t	reply_to[REC_MAX];
	int		nsum;
	struct ev_summary sum[REC_MAX];
	uint32_t	sum_conn[REC_MAX];
	int		nicmp;
	uint32_t	icmp_conn[REC_MAX];
	uint64_t	icmp_cause[REC_MAX];
	int		nwarn;
	int		nkst;
	struct ev_kstate kst[REC_MAX];
	uint32_t	kst_conn[REC_MAX];
};

static struct rec R;
static struct engine *E;
static struct fixture fx;

static void
rec_emit(struct sink *s, const struct ev *e)
{
	struct rec *r = (struct rec *)s;
	char *p;

	switch (e->type) {
	case EV_CONN:
		if (r->nconn < REC_MAX) {
			r->conn_ids[r->nconn] = e->conn->id;
			r->guessed[r->nconn] = e->conn->guessed;
			snprintf(r->cport[r->nconn], sizeof r->cport[0], "%u",
			    e->conn->cport);
			r->nconn++;
		}
		break;
	case EV_PACKET:
		if (r->npkt < REC_MAX) {
			r->an[r->npkt] = e->u.pkt.analysis;
			r->rseq[r->npkt] = e->u.pkt.rseq;
			r->rack[r->npkt] = e->u.pkt.rack;
			r->win[r->npkt] = e->u.pkt.win;
			r->reply_to[r->npkt] = e->u.pkt.reply_to;
			r->npkt++;
		}
		break;
	case EV_STATE:
		if (r->path_conn != e->conn->id) {
			r->path_conn = e->conn->id;
			r->path[0][0] = r->path[1][0] = '\0';
			r->why[0][0] = r->why[1][0] = '\0';
			r->cause[0][0] = r->cause[1][0] = '\0';
		}
		cr_assert(tcp_fsm_legal(e->u.state.from, e->u.state.to),
		    "illegal %s -> %s", tcp_state_name(e->u.state.from),
		    tcp_state_name(e->u.state.to));
		p = r->cause[e->u.state.endpoint];
		snprintf(p + strlen(p), sizeof r->cause[0] - strlen(p),
		    "%s%llu", *p != '\0' ? " " : "",
		    (unsigned long long)e->u.state.frame);
		p = r->path[e->u.state.endpoint];
		if (*p == '\0')
			strcat(p, tcp_state_name(e->u.state.from));
		else {
			/* Paths must be continuous. */
			const char *from = tcp_state_name(e->u.state.from);

			cr_assert(strlen(p) >= strlen(from) &&
			    strcmp(p + strlen(p) - strlen(from), from) == 0,
			    "gap in %s before %s", p, from);
		}
		strcat(p, " ");
		strcat(p, tcp_state_name(e->u.state.to));
		p = r->why[e->u.state.endpoint];
		if (*p != '\0')
			strcat(p, " ");
		strcat(p, tcp_why_key(e->u.state.why));
		break;
	case EV_SUMMARY:
		if (r->nsum < REC_MAX) {
			r->sum_conn[r->nsum] = e->conn->id;
			r->sum[r->nsum++] = e->u.sum;
		}
		break;
	case EV_ICMP:
		if (r->nicmp < REC_MAX) {
			r->icmp_conn[r->nicmp] = e->conn ? e->conn->id : 0;
			r->icmp_cause[r->nicmp++] = e->u.icmp.cause;
		}
		break;
	case EV_WARNING:
		r->nwarn++;
		break;
	case EV_CALL:
	case EV_OUTPUT:
		break;
	case EV_UNPROCESSED:
		if (r->nunproc < REC_MAX) {
			r->unproc[r->nunproc] = e->u.unproc.frame;
			r->unproc_by[r->nunproc] = e->u.unproc.decided_by;
			r->unproc_why[r->nunproc] = e->u.unproc.why;
			r->unproc_side[r->nunproc++] = e->u.unproc.endpoint;
		}
		break;
	case EV_KSTATE:
		if (r->nkst < REC_MAX) {
			r->kst_conn[r->nkst] = e->conn->id;
			r->kst[r->nkst++] = e->u.kstate;
		}
		break;
	}
}

static void
setup(void)
{
	memset(&R, 0, sizeof R);
	R.sink.emit = rec_emit;
	E = engine_new(NULL, &R.sink);
	/* 10.0.0.1:40000 (CLI) and 10.0.0.2:80 (SRV), frames 1 ms apart. */
	fixture_init(&fx, E);
	fx.now = 1700000000LL * 1000000000LL;
	fx.win = 1000;
}

static void
teardown(void)
{
	engine_free(E);
}

TestSuite(engine, .init = setup, .fini = teardown);

#define CLI	true
#define SRV	false
#define CISN	1000U
#define SISN	5000U

#define A	TCP_ACK
#define S	TCP_SYN
#define F	TCP_FIN
#define P	TCP_PSH
#define RST	TCP_RST

static void
paths_are(const char *client, const char *server)
{
	engine_finish(E);
	cr_assert_str_eq(R.path[0], client, "client path: %s (%s)", R.path[0],
	    R.why[0]);
	cr_assert_str_eq(R.path[1], server, "server path: %s (%s)", R.path[1],
	    R.why[1]);
}

Test(engine, normal_open_and_four_way_close)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, P | A, CISN + 1, SISN + 1, 5);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 6, 0);
	fixture_seg(&fx, CLI, F | A, CISN + 6, SISN + 1, 0);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 7, 0);
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 7, 0);
	fixture_seg(&fx, CLI, A, CISN + 7, SISN + 2, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT",
	    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	cr_assert_str_eq(R.why[0], "active_open synack_received active_close "
	    "fin_acked peer_fin_after_ours");
	cr_assert_eq(R.nsum, 1);
	cr_assert_eq(R.sum[0].completeness, 31);
	cr_assert_eq(R.sum[0].client_state, TCP_ST_TIME_WAIT);
	cr_assert_eq(R.sum[0].server_state, TCP_ST_CLOSED);
	cr_assert_eq(R.sum[0].bytes_c2s, 5);
	cr_assert_not(R.guessed[0]);
}

Test(engine, three_segment_close_piggybacks_the_ack)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 2, 0);
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 2, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT",
	    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
}

Test(engine, server_closes_first)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 1, 0);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 2, 0);
	fixture_seg(&fx, SRV, A, SISN + 2, CISN + 2, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED",
	    "LISTEN SYN_RECEIVED ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT");
}

Test(engine, half_close_lets_data_flow_after_a_fin)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 2, 0);
	fixture_seg(&fx, SRV, P | A, SISN + 1, CISN + 2, 100);
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 101, 0);
	fixture_seg(&fx, SRV, P | A, SISN + 101, CISN + 2, 100);
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 201, 0);
	fixture_seg(&fx, SRV, F | A, SISN + 201, CISN + 2, 0);
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 202, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT",
	    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	cr_assert_eq(R.sum[0].bytes_s2c, 200);
	cr_assert_eq(R.sum[0].retransmissions, 0);
}

Test(engine, simultaneous_open)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	fixture_seg(&fx, SRV, S, SISN, 0, 0);
	fixture_seg(&fx, CLI, S | A, CISN, SISN + 1, 0);
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);
	/* The side seen second looked like a listener until it sent a
	 * bare SYN (RFC 9293 figure 5: LISTEN -> snd SYN -> SYN_SENT).  The
	 * client's SYN, captured before that, reached it only after: its
	 * SYN-ACK (frame 4) acks it, so it went SYN_RECEIVED then. */
	paths_are("CLOSED SYN_SENT SYN_RECEIVED ESTABLISHED",
	    "LISTEN SYN_SENT SYN_RECEIVED ESTABLISHED");
	cr_assert_str_eq(R.cause[1], "2 1 3");
}

Test(engine, simultaneous_close_goes_through_closing)
{
	fixture_handshake(&fx, CISN, SISN);
	/* Both FINs left before either arrived: neither acks the other. */
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 1, 0);
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 2, 0);
	fixture_seg(&fx, SRV, A, SISN + 2, CISN + 2, 0);
	/* The server's FIN does not ack the client's: it left before the
	 * server processed that FIN, so the server went FIN_WAIT_1 ->
	 * CLOSING as the kernel traced, never CLOSE_WAIT. */
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT",
	    "LISTEN SYN_RECEIVED ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT");
	cr_assert_str_eq(R.why[1], "passive_open handshake_acked "
	    "active_close simultaneous_close closing_acked");
	/* Each change names its cause: the server's CLOSING is the
	 * client's FIN (frame 4), decided by the server's ACK (7). */
	cr_assert_str_eq(R.cause[1], "2 3 5 4 6");
	cr_assert_str_eq(R.cause[0], "1 2 4 5 7");
	cr_assert_eq(R.nunproc, 0);
}

Test(engine, crossing_fins_server_first_on_the_wire)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 1, 0);		/* 4 */
	/* 5: no ack of 4 */
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, SRV, A, SISN + 2, CISN + 2, 0);
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 2, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT",
	    "LISTEN SYN_RECEIVED ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT");
	cr_assert_str_eq(R.cause[0], "1 2 5 4 6");
	cr_assert_str_eq(R.cause[1], "2 3 4 5 7");
}

Test(engine, a_fin_that_acks_the_other_is_a_passive_close)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 2, 0); /* acks the FIN */
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 2, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 "
	    "TIME_WAIT", "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK "
	    "CLOSED");
}

Test(engine, lost_synack_is_not_processed_and_never_undone)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);			/* 1 */
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);	/* 2: lost */
	fixture_seg(&fx, CLI, S, CISN, 0, 0);	/* 3: SYN again */
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);		/* 4 */
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);		/* 5 */
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 1, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
	cr_assert_str_eq(R.cause[0], "1 4");
	cr_assert_eq(R.nunproc, 1);
	cr_assert_eq(R.unproc[0], 2);
	cr_assert_eq(R.unproc_side[0], EV_CLIENT);
	cr_assert_eq(R.unproc_why[0], EV_UNPROC_RECEIVER_SENT_AGAIN);
	cr_assert_eq(R.unproc_by[0], 3);
}

Test(engine, reordered_handshake_synack_processed_after_all)
{
	/* The SYN sent again was captured after the SYN-ACK it crossed;
	 * the client's ACK, with no other SYN-ACK, shows it processed
	 * that one. */
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);		/* 2 */
	fixture_seg(&fx, CLI, S, CISN, 0, 0);			/* 3 */
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);		/* 4 */
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
	cr_assert_str_eq(R.cause[0], "1 2");
	cr_assert_eq(R.nunproc, 0);
}

Test(engine, lost_syn_is_not_processed)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);			/* 1: lost */
	fixture_seg(&fx, CLI, S, CISN, 0, 0);			/* 2 */
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 1, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
	cr_assert_eq(R.nunproc, 1);
	cr_assert_eq(R.unproc[0], 1);
	cr_assert_eq(R.unproc_side[0], EV_SERVER);
	cr_assert_eq(R.unproc_why[0], EV_UNPROC_SENDER_SENT_AGAIN);
	cr_assert_eq(R.unproc_by[0], 2);
}

Test(engine, lost_fin_moves_the_receiver_on_its_copy)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);	/* 4: lost */
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 1, 0); /* 5: no ack of it */
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);		/* 6 */
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 2, 0);		/* 7 */
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2",
	    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT");
	cr_assert_str_eq(R.cause[1], "2 3 6");
	cr_assert_eq(R.nunproc, 1);
	cr_assert_eq(R.unproc[0], 4);
	cr_assert_eq(R.unproc_side[0], EV_SERVER);
}

Test(engine, lost_data_changes_no_state)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, P | A, CISN + 1, SISN + 1, 100);	/* lost */
	fixture_seg(&fx, CLI, P | A, CISN + 101, SISN + 1, 100);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 1, 0);	/* dup ACK */
	fixture_seg(&fx, CLI, P | A, CISN + 1, SISN + 1, 100);	/* again */
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 201, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
	cr_assert_eq(R.nunproc, 0);
}

Test(engine, last_ack_lost_before_the_socket)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);		/* 4 */
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 2, 0);		/* 5 */
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 2, 0);	/* 6: dropped */
	fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 2, 0); /* 7: FIN again */
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 2, 0);		/* 8 */
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 "
	    "TIME_WAIT", "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK "
	    "CLOSED");
	cr_assert_str_eq(R.cause[1], "2 3 4 5 8");
	cr_assert_eq(R.nunproc, 1);
	cr_assert_eq(R.unproc[0], 6);
	cr_assert_eq(R.unproc_side[0], EV_SERVER);
	cr_assert_eq(R.unproc_why[0], EV_UNPROC_RECEIVER_SENT_AGAIN);
	cr_assert_eq(R.unproc_by[0], 7);
}

Test(engine, live_silence_decides_after_200_ms_replay_never)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);		/* 4 */
	engine_tick(E, fx.now + 150000000LL);
	cr_assert_str_eq(R.path[1], "LISTEN SYN_RECEIVED", "%s", R.path[1]);
	engine_tick(E, fx.now + 200000000LL);
	cr_assert_str_eq(R.path[1], "LISTEN SYN_RECEIVED ESTABLISHED "
	    "CLOSE_WAIT", "%s", R.path[1]);
	cr_assert_str_eq(R.cause[1], "2 3 4");
}

Test(engine, refused_connection_leaves_server_closed)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	fixture_seg(&fx, SRV, RST | A, 0, CISN + 1, 0);
	paths_are("CLOSED SYN_SENT CLOSED", "");
	cr_assert_str_eq(R.why[0], "active_open refused");
	cr_assert_eq(R.sum[0].server_state, TCP_ST_CLOSED);
	cr_assert_eq(R.sum[0].completeness, 37);
}

Test(engine, rst_abort_closes_both)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, P | A, CISN + 1, SISN + 1, 10);
	fixture_seg(&fx, CLI, RST | A, CISN + 11, SISN + 1, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED CLOSED",
	    "LISTEN SYN_RECEIVED ESTABLISHED CLOSED");
	cr_assert_str_eq(R.why[1], "passive_open handshake_acked "
	    "rst_received");
}

Test(engine, rst_outside_the_window_is_ignored)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, RST, CISN + 1 + 5000000, 0, 0);
	cr_assert(R.an[3] & AN_RST_IGNORED);
	cr_assert(R.an[3] & AN_NOT_PROCESSED);
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
}

Test(engine, rst_in_syn_sent_needs_an_ack_of_our_syn)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	/* acks nothing we sent */
	fixture_seg(&fx, SRV, RST | A, 0, CISN + 77, 0);
	cr_assert(R.an[1] & AN_RST_IGNORED);
	paths_are("CLOSED SYN_SENT", "");
}

/* Arrays, not pointers: Criterion's workers are new processes. */
struct rst_case {
	char		label[32];
	int		nsetup;		/* steps of the close before the RST */
	char		client[96];
	char		server[96];
};

/* RST from the server after each step of a client-first close. */
ParameterizedTestParameters(engine, rst_in_every_state)
{
	static struct rst_case cases[] = {
		{ "SYN_RECEIVED", 0, "CLOSED SYN_SENT ESTABLISHED CLOSED",
		    "LISTEN SYN_RECEIVED CLOSED" },
		{ "ESTABLISHED", 1, "CLOSED SYN_SENT ESTABLISHED CLOSED",
		    "LISTEN SYN_RECEIVED ESTABLISHED CLOSED" },
		{ "FIN_WAIT_1/CLOSE_WAIT", 2,
		    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSED",
		    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT CLOSED" },
		{ "FIN_WAIT_2", 3,
		    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED",
		    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT CLOSED" },
		{ "LAST_ACK", 4, "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 "
		    "FIN_WAIT_2 TIME_WAIT CLOSED", "LISTEN SYN_RECEIVED "
		    "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" },
	};

	return cr_make_param_array(struct rst_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct rst_case *c, engine, rst_in_every_state)
{
	uint32_t sseq = SISN + 1;

	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);
	if (c->nsetup >= 1)
		fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);
	if (c->nsetup >= 2)
		fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	if (c->nsetup >= 3)
		fixture_seg(&fx, SRV, A, SISN + 1, CISN + 2, 0);
	if (c->nsetup >= 4) {
		fixture_seg(&fx, SRV, F | A, SISN + 1, CISN + 2, 0);
		sseq++;
	}
	fixture_seg(&fx, SRV, RST, sseq, 0, 0);
	engine_finish(E);
	cr_assert_str_eq(R.path[0], c->client, "%s: client %s", c->label,
	    R.path[0]);
	cr_assert_str_eq(R.path[1], c->server, "%s: server %s", c->label,
	    R.path[1]);
}

Test(engine, retransmitted_syn_synack_and_fin_change_nothing)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	cr_assert(R.an[1] & AN_RETRANSMISSION, "SYN again: %x", R.an[1]);
	cr_assert(R.an[3] & AN_RETRANSMISSION, "SYN-ACK again: %x", R.an[3]);
	cr_assert(R.an[6] & AN_RETRANSMISSION, "FIN again: %x", R.an[6]);
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1",
	    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT");
	cr_assert_eq(R.nconn, 1);
	cr_assert_eq(R.sum[0].retransmissions, 3);
}

Test(engine, data_retransmission_and_duplicate_acks)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 100);
	/* lost on the way */
	fixture_seg(&fx, CLI, A, CISN + 101, SISN + 1, 100);
	fixture_seg(&fx, CLI, A, CISN + 201, SISN + 1, 100);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 101, 0);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 101, 0);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 101, 0);
	fx.now += 500000000;				/* an RTO later */
	fixture_seg(&fx, CLI, A, CISN + 101, SISN + 1, 100);
	cr_assert(R.an[7] & AN_DUP_ACK);
	cr_assert(R.an[8] & AN_DUP_ACK);
	cr_assert(R.an[9] & AN_RETRANSMISSION, "an %x", R.an[9]);
	cr_assert_eq(R.rseq[9], 101);
}

Test(engine, fast_retransmission_follows_dup_acks)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 100);
	fixture_seg(&fx, CLI, A, CISN + 201, SISN + 1, 100);
	cr_assert(R.an[4] & AN_LOST_SEGMENT);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 101, 0);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 101, 0);
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 101, 0);
	fx.now += 5000000;
	fixture_seg(&fx, CLI, A, CISN + 101, SISN + 1, 100);
	cr_assert(R.an[8] & AN_FAST_RETRANSMISSION, "an %x", R.an[8]);
}

Test(engine, fast_open_data_on_the_syn)
{
	static const uint8_t tfo[] = { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8 };

	fixture_tcp(&fx, CLI, &(struct pb_tcp){ .flags = S, .seq = CISN,
	    .paylen = 20, .opts = tfo, .optlen = sizeof tfo });
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 21, 0);
	fixture_seg(&fx, CLI, A, CISN + 21, SISN + 1, 0);
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
	cr_assert_eq(R.sum[0].completeness, 1 | 2 | 4 | 8);
	cr_assert_eq(R.sum[0].bytes_c2s, 20);
}

Test(engine, keep_alive_changes_no_state)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, A, CISN, SISN + 1, 0);	/* snd_una - 1 */
	fixture_seg(&fx, SRV, A, SISN + 1, CISN + 1, 0);
	cr_assert(R.an[3] & AN_KEEP_ALIVE, "an %x", R.an[3]);
	cr_assert_not(R.an[3] & AN_RETRANSMISSION);
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
}

Test(engine, zero_window_and_window_update)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 100);
	fixture_tcp(&fx, SRV, &(struct pb_tcp){ .flags = A, .seq = SISN + 1,
	    .ack = CISN + 101, .win_zero = true });
	fixture_tcp(&fx, SRV, &(struct pb_tcp){ .flags = A, .seq = SISN + 1,
	    .ack = CISN + 101, .win_zero = true });
	fixture_tcp(&fx, SRV, &(struct pb_tcp){ .flags = A, .seq = SISN + 1,
	    .ack = CISN + 101, .win = 2000 });
	cr_assert(R.an[4] & AN_ZERO_WINDOW);
	cr_assert(R.an[6] & AN_WINDOW_UPDATE, "an %x", R.an[6]);
}

Test(engine, mid_stream_flow_guesses_roles_by_port)
{
	/* First seen: the server's data. */
	fixture_seg(&fx, SRV, P | A, SISN + 1, CISN + 1, 50);
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 51, 0);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 51, 0);
	fixture_seg(&fx, SRV, F | A, SISN + 51, CISN + 2, 0);
	fixture_seg(&fx, CLI, A, CISN + 2, SISN + 52, 0);
	cr_assert(R.guessed[0]);
	cr_assert_str_eq(R.cport[0], "40000");
	cr_assert_eq(R.rseq[0], 1, "first seq of a direction is 1, got %u",
	    R.rseq[0]);
	paths_are("ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT",
	    "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
}

Test(engine, synack_first_knows_the_roles)
{
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);
	cr_assert_not(R.guessed[0]);
	cr_assert_str_eq(R.cport[0], "40000");
	paths_are("SYN_SENT ESTABLISHED", "LISTEN SYN_RECEIVED ESTABLISHED");
}

Test(engine, new_syn_on_a_closed_tuple_starts_a_new_connection)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, RST | A, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, CLI, S, CISN + 100000, 0, 0);		/* port reuse */
	fixture_seg(&fx, SRV, S | A, SISN + 7, CISN + 100001, 0);
	engine_finish(E);
	cr_assert_eq(R.nconn, 2);
	cr_assert_eq(R.nsum, 2);
	cr_assert_eq(R.sum_conn[0], 1, "the old conn ends first");
	cr_assert_eq(R.sum[0].client_state, TCP_ST_CLOSED);
	cr_assert_eq(R.sum[1].packets, 2);
	cr_assert_eq(R.sum[1].completeness, 1 | 2);
}

Test(engine, the_same_syn_again_is_not_a_new_connection)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	fixture_seg(&fx, SRV, RST | A, 0, CISN + 1, 0);
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	engine_finish(E);
	cr_assert_eq(R.nconn, 1);
}

Test(engine, sequence_numbers_wrap_at_2_to_the_32)
{
	uint32_t c = 0xFFFFFFF0U, s = 0xFFFFFFFFU;

	fixture_handshake(&fx, c, s);
	fixture_seg(&fx, CLI, A, c + 1, s + 1, 100);	/* crosses 2^32 */
	fixture_seg(&fx, SRV, A, s + 1, c + 101, 0);
	fixture_seg(&fx, CLI, F | A, c + 101, s + 1, 0);
	fixture_seg(&fx, SRV, F | A, s + 1, c + 102, 0);
	fixture_seg(&fx, CLI, A, c + 102, s + 2, 0);
	cr_assert_eq(R.rseq[3], 1);
	cr_assert_eq(R.rack[4], 101);
	cr_assert_eq(R.an[3], 0, "no analysis at the wrap: %x", R.an[3]);
	paths_are("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT",
	    "LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
}

Test(engine, window_is_scaled_when_both_syns_agree)
{
	static const uint8_t ws7[] = { 1, 3, 3, 7 };

	fixture_tcp(&fx, CLI, &(struct pb_tcp){ .flags = S, .seq = CISN,
	    .opts = ws7, .optlen = sizeof ws7 });
	fixture_tcp(&fx, SRV, &(struct pb_tcp){ .flags = S | A, .seq = SISN,
	    .ack = CISN + 1, .opts = ws7, .optlen = sizeof ws7 });
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);
	cr_assert_eq(R.win[0], 1000, "a SYN's window is never scaled");
	cr_assert_eq(R.win[2], 1000 << 7);
}

Test(engine, udp_replies_pair_with_requests_in_order)
{
	fixture_udp(&fx, CLI, 10);
	fixture_udp(&fx, CLI, 10);
	fixture_udp(&fx, SRV, 20);
	fixture_udp(&fx, SRV, 20);
	fixture_udp(&fx, SRV, 20);
	engine_finish(E);
	cr_assert_eq(R.nconn, 1);
	cr_assert_eq(R.reply_to[2], 1);
	cr_assert_eq(R.reply_to[3], 2);
	cr_assert_eq(R.reply_to[4], 0, "an unsolicited datagram");
	cr_assert_eq(R.sum[0].bytes_c2s, 20);
	cr_assert_eq(R.sum[0].bytes_s2c, 60);
}

Test(engine, udp_reply_first_guesses_the_well_known_port_as_server)
{
	fixture_udp(&fx, SRV, 20);
	engine_finish(E);
	cr_assert(R.guessed[0]);
	cr_assert_str_eq(R.cport[0], "40000");
}

Test(engine, icmp_port_unreachable_is_tied_to_its_datagram)
{
	fixture_udp(&fx, CLI, 10);
	fixture_udp(&fx, CLI, 10);
	fixture_icmp_unreach(&fx, 10);
	cr_assert_eq(R.nicmp, 1);
	cr_assert_eq(R.icmp_conn[0], 1);
	cr_assert_eq(R.icmp_cause[0], 2);
}

Test(engine, malformed_frame_is_a_warning_and_the_next_is_read)
{
	static const uint8_t junk[] = { 0x45, 0x00, 0x00 };

	fixture_feed(&fx, junk, sizeof junk);
	fixture_handshake(&fx, CISN, SISN);
	engine_finish(E);
	cr_assert_eq(R.nwarn, 1);
	cr_assert_eq(R.nconn, 1);
	cr_assert_eq(R.sum[0].packets, 3);
}

Test(engine, flow_cap_evicts_the_least_recent_with_a_warning)
{
	struct engine_config cfg;
	int i;

	engine_free(E);
	engine_config_default(&cfg);
	cfg.max_flows = 4;
	fx.e = E = engine_new(&cfg, &R.sink);
	fx.step = 1;
	for (i = 0; i < 10; i++) {
		fx.cport = (uint16_t)(30000 + i);
		fixture_seg(&fx, CLI, TCP_SYN, 1, 0, 0);
	}
	cr_assert_eq(R.nwarn, 6);
	cr_assert_eq(R.nsum, 6);
	cr_assert(R.sum[0].evicted);
	cr_assert_eq(R.sum_conn[0], 1, "the oldest goes first");
	engine_finish(E);
	cr_assert_eq(R.nsum, 10);
}

Test(engine, closed_conns_expire_after_the_linger)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, CLI, RST | A, CISN + 1, SISN + 1, 0);
	cr_assert_eq(R.nsum, 0);
	fx.now += 61LL * 1000000000LL;
	fixture_udp(&fx, CLI, 1);	/* any later frame moves the clock */
	cr_assert_eq(R.nsum, 1, "summary once TIME_WAIT-like linger ends");
}

static void
filter_call(enum ev_side side, uint8_t filter)
{
	struct ev_call call = { .side = side, .name = "setsockopt",
	    .filter = filter };

	fx.now += 1000000;
	engine_call(E, fx.now, &call, 6, NULL, 0, NULL, 0);
}

Test(engine, segment_dropped_by_a_lessons_filter_moves_no_receiver)
{
	fixture_seg(&fx, CLI, S, CISN, 0, 0);
	filter_call(EV_CLIENT, EV_CALL_FILTER_DROP);
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);	/* 2: dropped */
	filter_call(EV_CLIENT, EV_CALL_FILTER_LIFT);
	fixture_seg(&fx, SRV, S | A, SISN, CISN + 1, 0);		/* 3 */
	fixture_seg(&fx, CLI, S, CISN, 0, 0);	/* 4: crossed 3 */
	fixture_seg(&fx, CLI, A, CISN + 1, SISN + 1, 0);		/* 5 */
	paths_are("CLOSED SYN_SENT ESTABLISHED",
	    "LISTEN SYN_RECEIVED ESTABLISHED");
	cr_assert(R.an[1] & AN_NOT_PROCESSED);
	cr_assert_not(R.an[2] & AN_NOT_PROCESSED);
	cr_assert_eq(R.nunproc, 1);
	cr_assert_eq(R.unproc[0], 2);
	cr_assert_eq(R.unproc_why[0], EV_UNPROC_DROPPED_BY_FILTER);
	/* The SYN-ACK after the filter, vindicated by the client's ACK. */
	cr_assert_str_eq(R.cause[0], "1 3");
}

/* ------------------------------------------------- the kernel's states */

/* "10.0.0.1" or "::1" as a struct pkt_addr. */
static bool
kst_addr(const char *s, struct pkt_addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->a) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, s, a->a) == 1)
		a->family = 6;
	return a->family != 0;
}

static void
kst(const char *local, uint16_t lport, const char *remote, uint16_t rport,
    enum tcp_state st)
{
	struct pkt_addr l, r;

	cr_assert(kst_addr(local, &l) && kst_addr(remote, &r));
	fx.now += 1000;
	engine_kstate(E, fx.now, &l, lport, &r, rport, st, KSTATE_DIAG);
}

Test(engine, kstate_is_tied_to_its_endpoint_with_the_wire_state)
{
	fixture_handshake(&fx, CISN, SISN);
	kst("10.0.0.1", 40000, "10.0.0.2", 80, TCP_ST_ESTABLISHED);
	kst("10.0.0.2", 80, "10.0.0.1", 40000, TCP_ST_ESTABLISHED);
	cr_assert_eq(R.nkst, 2);
	cr_assert_eq(R.kst[0].endpoint, EV_CLIENT);
	cr_assert_eq(R.kst[1].endpoint, EV_SERVER);
	cr_assert_eq(R.kst[0].state, TCP_ST_ESTABLISHED);
	cr_assert_eq(R.kst[0].wire, TCP_ST_ESTABLISHED);
	cr_assert_eq(R.kst_conn[1], 1);
	/* close() with data still queued: FIN_WAIT_1 before any FIN. */
	kst("10.0.0.1", 40000, "10.0.0.2", 80, TCP_ST_FIN_WAIT_1);
	cr_assert_eq(R.nkst, 3);
	cr_assert_eq(R.kst[2].state, TCP_ST_FIN_WAIT_1);
	cr_assert_eq(R.kst[2].wire, TCP_ST_ESTABLISHED);
}

Test(engine, kstate_reports_changes_only)
{
	fixture_handshake(&fx, CISN, SISN);
	kst("10.0.0.1", 40000, "10.0.0.2", 80, TCP_ST_ESTABLISHED);
	kst("10.0.0.1", 40000, "10.0.0.2", 80, TCP_ST_ESTABLISHED);
	fixture_seg(&fx, CLI, F | A, CISN + 1, SISN + 1, 0);
	kst("10.0.0.1", 40000, "10.0.0.2", 80, TCP_ST_FIN_WAIT_1);
	kst("10.0.0.1", 40000, "10.0.0.2", 80, TCP_ST_FIN_WAIT_1);
	cr_assert_eq(R.nkst, 2);
	cr_assert_eq(R.kst[1].wire, TCP_ST_FIN_WAIT_1);
}

Test(engine, kstate_of_an_unknown_socket_is_ignored)
{
	fixture_handshake(&fx, CISN, SISN);
	kst("10.0.0.1", 40001, "10.0.0.2", 80, TCP_ST_ESTABLISHED);
	kst("10.0.0.9", 40000, "10.0.0.2", 80, TCP_ST_ESTABLISHED);
	kst("10.0.0.1", 40000, "::1", 80, TCP_ST_ESTABLISHED);
	cr_assert_eq(R.nkst, 0);
}

Test(engine, kstate_sources_report_their_own_changes)
{
	struct pkt_addr l, r;

	fixture_handshake(&fx, CISN, SISN);
	cr_assert(kst_addr("10.0.0.1", &l) && kst_addr("10.0.0.2", &r));
	engine_kstate(E, fx.now + 1, &l, 40000, &r, 80, TCP_ST_ESTABLISHED,
	    KSTATE_TRACE);
	engine_kstate(E, fx.now + 2, &l, 40000, &r, 80, TCP_ST_ESTABLISHED,
	    KSTATE_DIAG);
	engine_kstate(E, fx.now + 3, &l, 40000, &r, 80, TCP_ST_ESTABLISHED,
	    KSTATE_TRACE);
	cr_assert_eq(R.nkst, 2);
	cr_assert_eq(R.kst[0].source, KSTATE_TRACE);
	cr_assert_eq(R.kst[1].source, KSTATE_DIAG);
}
