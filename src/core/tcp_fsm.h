/* SPDX-License-Identifier: ISC */
/*
 * Per-endpoint TCP state machine (RFC 9293 3.3.2), driven by what an
 * observer on the wire sees.
 *
 * A segment is first classified, for the endpoint that sent it and for
 * the one it is sent to, into an ordered list of FSM events (RFC 9293
 * 3.10.7 order: RST, SYN, ACK, FIN) by tcp_classify() (tcp_classify.h).
 * The engine runs the sender's at once and the receiver's once evidence
 * shows the receiver processed the segment (engine.c), so every row is a
 * forward transition.  Each event is then looked up in one
 * transition table: (state, event) -> (next state, narration key).  An
 * event with no row changes nothing.  tcp_fsm_step() is pure.
 */
#ifndef TCP_FSM_H
#define TCP_FSM_H

#include <stdbool.h>
#include <stdint.h>

enum tcp_state {
	TCP_ST_CLOSED = 0,
	TCP_ST_LISTEN,
	TCP_ST_SYN_SENT,
	TCP_ST_SYN_RECEIVED,
	TCP_ST_ESTABLISHED,
	TCP_ST_FIN_WAIT_1,
	TCP_ST_FIN_WAIT_2,
	TCP_ST_CLOSE_WAIT,
	TCP_ST_CLOSING,
	TCP_ST_LAST_ACK,
	TCP_ST_TIME_WAIT,
	TCP_ST_COUNT
};

enum tcp_fsm_ev {
	TCP_EV_SND_SYN,		/* sent a SYN without ACK */
	TCP_EV_SND_SYNACK,
	TCP_EV_SND_ACK,		/* sent an ACK, no SYN/FIN/RST */
	TCP_EV_SND_FIN,
	TCP_EV_SND_RST,
	TCP_EV_RCV_SYN,
	TCP_EV_RCV_SYNACK,	/* acknowledging our SYN */
	TCP_EV_RCV_ACK_SYN,	/* an ACK covering our SYN */
	TCP_EV_RCV_ACK_FIN,	/* an ACK covering our FIN */
	TCP_EV_RCV_FIN,
	TCP_EV_RCV_RST,		/* an acceptable RST */
	TCP_EV_COUNT
};

/* Narration keys: why a transition happened (narrate.c has the text). */
enum tcp_why {
	TCP_WHY_NONE = 0,
	TCP_WHY_ACTIVE_OPEN,		/* CLOSED -> SYN_SENT */
	TCP_WHY_PASSIVE_OPEN,		/* LISTEN -> SYN_RECEIVED */
	TCP_WHY_SIMULTANEOUS_OPEN,	/* SYN_SENT -> SYN_RECEIVED */
	TCP_WHY_SYNACK_RECEIVED,	/* SYN_SENT -> ESTABLISHED */
	TCP_WHY_SYNACK_NOT_CAPTURED,	/* SYN_SENT -> ESTABLISHED on its ACK */
	TCP_WHY_HANDSHAKE_ACKED,	/* SYN_RECEIVED -> ESTABLISHED */
	TCP_WHY_ACK_NOT_CAPTURED,	/* SYN_RECEIVED -> ESTABLISHED on
					   its own ACK: the handshake's last
					   ACK was not captured */
	TCP_WHY_ACTIVE_CLOSE,		/* ESTABLISHED -> FIN_WAIT_1 */
	TCP_WHY_CLOSE_BEFORE_ESTABLISHED, /* SYN_RECEIVED -> FIN_WAIT_1 */
	TCP_WHY_PASSIVE_CLOSE,		/* ESTABLISHED -> CLOSE_WAIT */
	TCP_WHY_FIN_ACKED,		/* FIN_WAIT_1 -> FIN_WAIT_2 */
	TCP_WHY_PEER_FIN_AFTER_OURS,	/* FIN_WAIT_2 -> TIME_WAIT */
	TCP_WHY_SIMULTANEOUS_CLOSE,	/* FIN_WAIT_1 -> CLOSING */
	TCP_WHY_CLOSING_ACKED,		/* CLOSING -> TIME_WAIT */
	TCP_WHY_LAST_CLOSE,		/* CLOSE_WAIT -> LAST_ACK */
	TCP_WHY_LAST_ACK_ACKED,		/* LAST_ACK -> CLOSED */
	TCP_WHY_RST_SENT,		/* any -> CLOSED */
	TCP_WHY_RST_RECEIVED,		/* any -> CLOSED */
	TCP_WHY_REFUSED,		/* SYN_SENT -> CLOSED on RST/ACK */
	TCP_WHY_NEVER_LISTENING,	/* LISTEN -> CLOSED, silently: the
					   answer to a SYN was a RST */
	TCP_WHY_COUNT
};

struct tcp_fsm_row {
	enum tcp_state	next;
	enum tcp_why	why;
};

/* One step: the row for (state, ev), or NULL when nothing changes. */
const struct tcp_fsm_row *tcp_fsm_step(enum tcp_state st, enum tcp_fsm_ev ev);

/*
 * Is from -> to a transition of RFC 9293's machine: figure 5 (3.3.2),
 * plus any state -> CLOSED (a valid RST, an abort), FIN_WAIT_1 ->
 * TIME_WAIT (a FIN that acknowledges ours, 3.10.7.4 "eighth") and
 * SYN_RECEIVED -> CLOSE_WAIT (a FIN, 3.10.7.4)?  Pure; the invariant every
 * state event the engine emits must keep.
 */
bool		 tcp_fsm_legal(enum tcp_state from, enum tcp_state to);

const char	*tcp_state_name(enum tcp_state st);	/* "SYN_SENT" */
const char	*tcp_fsm_ev_name(enum tcp_fsm_ev ev);
const char	*tcp_why_key(enum tcp_why why);		/* "active_open" */

#endif
