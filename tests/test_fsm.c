/* SPDX-License-Identifier: ISC */
/* The TCP transition table, row by row, and the rows it must not have. */

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "tcp_fsm.h"

/* An array, not a pointer: Criterion's workers are new processes. */
struct fsm_case {
	char		label[48];
	enum tcp_state	st;
	enum tcp_fsm_ev	ev;
	bool		changes;
	enum tcp_state	next;
	enum tcp_why	why;
};

#define MOVE(lbl, s, e, n, w) { lbl, TCP_ST_##s, TCP_EV_##e, true, \
	TCP_ST_##n, TCP_WHY_##w }
#define STAY(lbl, s, e) { lbl, TCP_ST_##s, TCP_EV_##e, false, TCP_ST_##s, \
	TCP_WHY_NONE }

ParameterizedTestParameters(tcp_fsm, transitions)
{
	static struct fsm_case cases[] = {
		/* Normal open. */
		MOVE("connect", CLOSED, SND_SYN, SYN_SENT, ACTIVE_OPEN),
		MOVE("listener sends a SYN", LISTEN, SND_SYN, SYN_SENT,
		    ACTIVE_OPEN),
		MOVE("answer SYN", LISTEN, SND_SYNACK, SYN_RECEIVED,
		    PASSIVE_OPEN),
		MOVE("SYN-ACK arrives", SYN_SENT, RCV_SYNACK, ESTABLISHED,
		    SYNACK_RECEIVED),
		MOVE("final ACK arrives", SYN_RECEIVED, RCV_ACK_SYN,
		    ESTABLISHED, HANDSHAKE_ACKED),
		MOVE("SYN-ACK lost from capture, ACK sent", SYN_SENT, SND_ACK,
		    ESTABLISHED, SYNACK_NOT_CAPTURED),
		MOVE("handshake ACK lost from capture, ACK sent",
		    SYN_RECEIVED, SND_ACK, ESTABLISHED, ACK_NOT_CAPTURED),
		STAY("SYN again while established: no way back",
		    ESTABLISHED, SND_SYN),
		/* Simultaneous open. */
		MOVE("crossing SYNs", SYN_SENT, RCV_SYN, SYN_RECEIVED,
		    SIMULTANEOUS_OPEN),
		MOVE("simultaneous open completes", SYN_RECEIVED, RCV_SYNACK,
		    ESTABLISHED, HANDSHAKE_ACKED),
		/* Normal close, both sides. */
		MOVE("close()", ESTABLISHED, SND_FIN, FIN_WAIT_1,
		    ACTIVE_CLOSE),
		MOVE("peer's FIN", ESTABLISHED, RCV_FIN, CLOSE_WAIT,
		    PASSIVE_CLOSE),
		MOVE("our FIN acked", FIN_WAIT_1, RCV_ACK_FIN, FIN_WAIT_2,
		    FIN_ACKED),
		MOVE("peer closes after us", FIN_WAIT_2, RCV_FIN, TIME_WAIT,
		    PEER_FIN_AFTER_OURS),
		MOVE("passive side closes", CLOSE_WAIT, SND_FIN, LAST_ACK,
		    LAST_CLOSE),
		MOVE("last ACK", LAST_ACK, RCV_ACK_FIN, CLOSED, LAST_ACK_ACKED),
		MOVE("close in SYN_RECEIVED", SYN_RECEIVED, SND_FIN,
		    FIN_WAIT_1, CLOSE_BEFORE_ESTABLISHED),
		/* Simultaneous close. */
		MOVE("FINs cross", FIN_WAIT_1, RCV_FIN, CLOSING,
		    SIMULTANEOUS_CLOSE),
		MOVE("CLOSING acked", CLOSING, RCV_ACK_FIN, TIME_WAIT,
		    CLOSING_ACKED),
		/* Resets: the sender is closed, an acceptable RST closes. */
		MOVE("refused", SYN_SENT, RCV_RST, CLOSED, REFUSED),
		MOVE("never listening", LISTEN, SND_RST, CLOSED,
		    NEVER_LISTENING),
		MOVE("RST in SYN_RECEIVED", SYN_RECEIVED, RCV_RST, CLOSED,
		    RST_RECEIVED),
		MOVE("abort", ESTABLISHED, SND_RST, CLOSED, RST_SENT),
		MOVE("RST received", ESTABLISHED, RCV_RST, CLOSED,
		    RST_RECEIVED),
		MOVE("RST in FIN_WAIT_1", FIN_WAIT_1, RCV_RST, CLOSED,
		    RST_RECEIVED),
		MOVE("RST in FIN_WAIT_2", FIN_WAIT_2, RCV_RST, CLOSED,
		    RST_RECEIVED),
		MOVE("RST in CLOSE_WAIT", CLOSE_WAIT, RCV_RST, CLOSED,
		    RST_RECEIVED),
		MOVE("RST in CLOSING", CLOSING, RCV_RST, CLOSED, RST_RECEIVED),
		MOVE("RST in LAST_ACK", LAST_ACK, RCV_RST, CLOSED,
		    RST_RECEIVED),
		MOVE("RST in TIME_WAIT", TIME_WAIT, RCV_RST, CLOSED,
		    RST_RECEIVED),
		MOVE("unread-close RST", CLOSE_WAIT, SND_RST, CLOSED, RST_SENT),
		MOVE("RST from TIME_WAIT", TIME_WAIT, SND_RST, CLOSED,
		    RST_SENT),
		/* Retransmissions, keep-alives, data: no change. */
		STAY("SYN sent again", SYN_SENT, SND_SYN),
		STAY("SYN-ACK sent again", SYN_RECEIVED, SND_SYNACK),
		STAY("SYN arrives again", SYN_RECEIVED, RCV_SYN),
		STAY("FIN sent again", FIN_WAIT_1, SND_FIN),
		STAY("FIN sent again from LAST_ACK", LAST_ACK, SND_FIN),
		STAY("peer's FIN again", CLOSE_WAIT, RCV_FIN),
		STAY("peer's FIN again in TIME_WAIT", TIME_WAIT, RCV_FIN),
		STAY("ACK while established", ESTABLISHED, SND_ACK),
		STAY("ACK arrives while established", ESTABLISHED,
		    RCV_ACK_SYN),
		STAY("data in FIN_WAIT_2 (half-close)", FIN_WAIT_2, SND_ACK),
		STAY("data after the FIN, CLOSE_WAIT", CLOSE_WAIT, SND_ACK),
		STAY("RST to a closed port", CLOSED, SND_RST),
		STAY("RST to a listener", LISTEN, RCV_RST),
		STAY("SYN to a closed endpoint", CLOSED, RCV_SYN),
	};

	return cr_make_param_array(struct fsm_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct fsm_case *c, tcp_fsm, transitions)
{
	const struct tcp_fsm_row *row = tcp_fsm_step(c->st, c->ev);

	if (!c->changes) {
		cr_assert_null(row, "%s: %s + %s should change nothing, "
		    "got %s", c->label, tcp_state_name(c->st),
		    tcp_fsm_ev_name(c->ev),
		    row != NULL ? tcp_state_name(row->next) : "-");
		return;
	}
	cr_assert_not_null(row, "%s: %s + %s has no row", c->label,
	    tcp_state_name(c->st), tcp_fsm_ev_name(c->ev));
	cr_assert_eq(row->next, c->next, "%s: next is %s, want %s", c->label,
	    tcp_state_name(row->next), tcp_state_name(c->next));
	cr_assert_eq(row->why, c->why, "%s: why is %s, want %s", c->label,
	    tcp_why_key(row->why), tcp_why_key(c->why));
}

Test(tcp_fsm, every_state_has_its_rfc_name)
{
	static const char *want[TCP_ST_COUNT] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
		"LAST_ACK", "TIME_WAIT",
	};
	int i;

	for (i = 0; i < TCP_ST_COUNT; i++)
		cr_assert_str_eq(tcp_state_name(i), want[i]);
	cr_assert_str_eq(tcp_state_name(TCP_ST_COUNT), "?");
}

Test(tcp_fsm, every_reason_has_a_key)
{
	int i;

	for (i = 1; i < TCP_WHY_COUNT; i++) {
		cr_assert_not_null(tcp_why_key(i));
		cr_assert_neq(strcmp(tcp_why_key(i), "?"), 0, "why %d", i);
	}
}

Test(tcp_fsm, out_of_range_input_changes_nothing)
{
	cr_assert_null(tcp_fsm_step(TCP_ST_COUNT, TCP_EV_SND_SYN));
	cr_assert_null(tcp_fsm_step(TCP_ST_CLOSED, TCP_EV_COUNT));
}

Test(tcp_fsm, a_closed_endpoint_leaves_only_by_sending_a_syn)
{
	int ev;

	for (ev = 0; ev < TCP_EV_COUNT; ev++) {
		const struct tcp_fsm_row *row = tcp_fsm_step(TCP_ST_CLOSED, ev);

		if (ev == TCP_EV_SND_SYN)
			cr_assert_not_null(row);
		else
			cr_assert_null(row, "CLOSED + %s moved",
			    tcp_fsm_ev_name(ev));
	}
}

/* Every row of the table is a transition of RFC 9293's machine. */
Test(tcp_fsm, every_row_is_a_legal_transition)
{
	const struct tcp_fsm_row *row;
	int st, ev;

	for (st = 0; st < TCP_ST_COUNT; st++) {
		for (ev = 0; ev < TCP_EV_COUNT; ev++) {
			if ((row = tcp_fsm_step(st, ev)) == NULL ||
			    row->why == TCP_WHY_NEVER_LISTENING)
				continue;
			cr_assert(tcp_fsm_legal(st, row->next),
			    "%s + %s -> %s is not legal", tcp_state_name(st),
			    tcp_fsm_ev_name(ev), tcp_state_name(row->next));
		}
	}
}

struct legal_case {
	enum tcp_state	from, to;
	bool		legal;
};

ParameterizedTestParameters(tcp_fsm, legal)
{
	static struct legal_case cases[] = {
		/* Figure 5. */
		{ TCP_ST_CLOSED, TCP_ST_LISTEN, true },
		{ TCP_ST_CLOSED, TCP_ST_SYN_SENT, true },
		{ TCP_ST_LISTEN, TCP_ST_SYN_RECEIVED, true },
		{ TCP_ST_LISTEN, TCP_ST_SYN_SENT, true },
		{ TCP_ST_SYN_SENT, TCP_ST_SYN_RECEIVED, true },
		{ TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, true },
		{ TCP_ST_SYN_RECEIVED, TCP_ST_ESTABLISHED, true },
		{ TCP_ST_SYN_RECEIVED, TCP_ST_FIN_WAIT_1, true },
		{ TCP_ST_ESTABLISHED, TCP_ST_FIN_WAIT_1, true },
		{ TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT, true },
		{ TCP_ST_FIN_WAIT_1, TCP_ST_FIN_WAIT_2, true },
		{ TCP_ST_FIN_WAIT_1, TCP_ST_CLOSING, true },
		{ TCP_ST_FIN_WAIT_2, TCP_ST_TIME_WAIT, true },
		{ TCP_ST_CLOSING, TCP_ST_TIME_WAIT, true },
		{ TCP_ST_CLOSE_WAIT, TCP_ST_LAST_ACK, true },
		{ TCP_ST_LAST_ACK, TCP_ST_CLOSED, true },
		{ TCP_ST_TIME_WAIT, TCP_ST_CLOSED, true },
		/* The three extra kinds. */
		{ TCP_ST_ESTABLISHED, TCP_ST_CLOSED, true },
		{ TCP_ST_CLOSE_WAIT, TCP_ST_CLOSED, true },
		{ TCP_ST_FIN_WAIT_1, TCP_ST_TIME_WAIT, true },
		{ TCP_ST_SYN_RECEIVED, TCP_ST_CLOSE_WAIT, true },
		/* What the old engine drew and the machine has not. */
		{ TCP_ST_ESTABLISHED, TCP_ST_SYN_SENT, false },
		{ TCP_ST_CLOSE_WAIT, TCP_ST_CLOSING, false },
		{ TCP_ST_ESTABLISHED, TCP_ST_CLOSING, false },
		{ TCP_ST_TIME_WAIT, TCP_ST_ESTABLISHED, false },
		{ TCP_ST_LISTEN, TCP_ST_ESTABLISHED, false },
		{ TCP_ST_ESTABLISHED, TCP_ST_ESTABLISHED, false },
		{ TCP_ST_CLOSED, TCP_ST_CLOSED, false },
		{ TCP_ST_FIN_WAIT_2, TCP_ST_CLOSING, false },
		{ TCP_ST_COUNT, TCP_ST_CLOSED, false },
	};

	return cr_make_param_array(struct legal_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct legal_case *c, tcp_fsm, legal)
{
	cr_assert_eq(tcp_fsm_legal(c->from, c->to), c->legal,
	    "%s -> %s: want %s", tcp_state_name(c->from),
	    tcp_state_name(c->to), c->legal ? "legal" : "illegal");
}
