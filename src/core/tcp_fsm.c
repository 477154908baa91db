/* SPDX-License-Identifier: ISC */
/* The per-endpoint TCP state machine as one transition table. */

#include "config.h"

#include <stddef.h>

#include "tcp_fsm.h"

/*
 * RFC 9293 3.3.2 (figure 5) and 3.10.7, seen from the wire.  Sender-side
 * events move the endpoint that sent the segment (the kernel sets
 * SYN_SENT, FIN_WAIT_1 and LAST_ACK before the segment leaves); receiver
 * events move the endpoint the segment is for, in the order 3.10.7.4
 * processes a segment: RST, SYN, ACK, FIN.  A zero `next` with
 * TCP_WHY_NONE means "no row": the event changes nothing (retransmitted
 * SYNs and FINs, keep-alives, data, RSTs a closed endpoint sends).
 */
#define ROW(st, ev, nx, why) [TCP_ST_##st][TCP_EV_##ev] = \
	{ TCP_ST_##nx, TCP_WHY_##why }

static const struct tcp_fsm_row tcp_fsm_table[TCP_ST_COUNT][TCP_EV_COUNT] = {
	/* Opening (3.5). */
	ROW(CLOSED, SND_SYN, SYN_SENT, ACTIVE_OPEN),
	/* Figure 5's LISTEN -> SEND arc: what looked like a listener
	 * opened actively too (crossing SYNs). */
	ROW(LISTEN, SND_SYN, SYN_SENT, ACTIVE_OPEN),
	ROW(LISTEN, SND_SYNACK, SYN_RECEIVED, PASSIVE_OPEN),
	ROW(SYN_SENT, RCV_SYN, SYN_RECEIVED, SIMULTANEOUS_OPEN),
	ROW(SYN_SENT, RCV_SYNACK, ESTABLISHED, SYNACK_RECEIVED),
	ROW(SYN_SENT, SND_ACK, ESTABLISHED, SYNACK_NOT_CAPTURED),
	ROW(SYN_RECEIVED, RCV_ACK_SYN, ESTABLISHED, HANDSHAKE_ACKED),
	ROW(SYN_RECEIVED, RCV_SYNACK, ESTABLISHED, HANDSHAKE_ACKED),
	/* In SYN_RECEIVED an endpoint sends only SYN-ACKs: a plain ACK
	 * shows that the handshake's last ACK reached it. */
	ROW(SYN_RECEIVED, SND_ACK, ESTABLISHED, ACK_NOT_CAPTURED),

	/* Closing (3.6). */
	ROW(SYN_RECEIVED, SND_FIN, FIN_WAIT_1, CLOSE_BEFORE_ESTABLISHED),
	ROW(ESTABLISHED, SND_FIN, FIN_WAIT_1, ACTIVE_CLOSE),
	ROW(ESTABLISHED, RCV_FIN, CLOSE_WAIT, PASSIVE_CLOSE),
	ROW(FIN_WAIT_1, RCV_ACK_FIN, FIN_WAIT_2, FIN_ACKED),
	ROW(FIN_WAIT_1, RCV_FIN, CLOSING, SIMULTANEOUS_CLOSE),
	ROW(FIN_WAIT_2, RCV_FIN, TIME_WAIT, PEER_FIN_AFTER_OURS),
	ROW(CLOSING, RCV_ACK_FIN, TIME_WAIT, CLOSING_ACKED),
	ROW(CLOSE_WAIT, SND_FIN, LAST_ACK, LAST_CLOSE),
	ROW(LAST_ACK, RCV_ACK_FIN, CLOSED, LAST_ACK_ACKED),

	/* Resets (3.10.7.4): the sender of a RST is closed at once. */
	ROW(LISTEN, SND_RST, CLOSED, NEVER_LISTENING),
	ROW(SYN_SENT, SND_RST, CLOSED, RST_SENT),
	ROW(SYN_RECEIVED, SND_RST, CLOSED, RST_SENT),
	ROW(ESTABLISHED, SND_RST, CLOSED, RST_SENT),
	ROW(FIN_WAIT_1, SND_RST, CLOSED, RST_SENT),
	ROW(FIN_WAIT_2, SND_RST, CLOSED, RST_SENT),
	ROW(CLOSE_WAIT, SND_RST, CLOSED, RST_SENT),
	ROW(CLOSING, SND_RST, CLOSED, RST_SENT),
	ROW(LAST_ACK, SND_RST, CLOSED, RST_SENT),
	ROW(TIME_WAIT, SND_RST, CLOSED, RST_SENT),
	ROW(SYN_SENT, RCV_RST, CLOSED, REFUSED),
	ROW(SYN_RECEIVED, RCV_RST, CLOSED, RST_RECEIVED),
	ROW(ESTABLISHED, RCV_RST, CLOSED, RST_RECEIVED),
	ROW(FIN_WAIT_1, RCV_RST, CLOSED, RST_RECEIVED),
	ROW(FIN_WAIT_2, RCV_RST, CLOSED, RST_RECEIVED),
	ROW(CLOSE_WAIT, RCV_RST, CLOSED, RST_RECEIVED),
	ROW(CLOSING, RCV_RST, CLOSED, RST_RECEIVED),
	ROW(LAST_ACK, RCV_RST, CLOSED, RST_RECEIVED),
	/* Linux kills a TIME_WAIT socket on RST (RFC 1337 not applied). */
	ROW(TIME_WAIT, RCV_RST, CLOSED, RST_RECEIVED),
};

static const char *tcp_fsm_state_names[TCP_ST_COUNT] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT",
};

static const char *tcp_fsm_ev_names[TCP_EV_COUNT] = {
	"snd SYN", "snd SYN-ACK", "snd ACK", "snd FIN",
	"snd RST", "rcv SYN", "rcv SYN-ACK", "rcv ACK of SYN",
	"rcv ACK of FIN", "rcv FIN", "rcv RST",
};

static const char *tcp_fsm_why_keys[TCP_WHY_COUNT] = {
	[TCP_WHY_NONE] = "none",
	[TCP_WHY_ACTIVE_OPEN] = "active_open",
	[TCP_WHY_PASSIVE_OPEN] = "passive_open",
	[TCP_WHY_SIMULTANEOUS_OPEN] = "simultaneous_open",
	[TCP_WHY_SYNACK_RECEIVED] = "synack_received",
	[TCP_WHY_SYNACK_NOT_CAPTURED] = "synack_not_captured",
	[TCP_WHY_HANDSHAKE_ACKED] = "handshake_acked",
	[TCP_WHY_ACK_NOT_CAPTURED] = "ack_not_captured",
	[TCP_WHY_ACTIVE_CLOSE] = "active_close",
	[TCP_WHY_CLOSE_BEFORE_ESTABLISHED] = "close_before_established",
	[TCP_WHY_PASSIVE_CLOSE] = "passive_close",
	[TCP_WHY_FIN_ACKED] = "fin_acked",
	[TCP_WHY_PEER_FIN_AFTER_OURS] = "peer_fin_after_ours",
	[TCP_WHY_SIMULTANEOUS_CLOSE] = "simultaneous_close",
	[TCP_WHY_CLOSING_ACKED] = "closing_acked",
	[TCP_WHY_LAST_CLOSE] = "last_close",
	[TCP_WHY_LAST_ACK_ACKED] = "last_ack_acked",
	[TCP_WHY_RST_SENT] = "rst_sent",
	[TCP_WHY_RST_RECEIVED] = "rst_received",
	[TCP_WHY_REFUSED] = "refused",
	[TCP_WHY_NEVER_LISTENING] = "never_listening",
};

const struct tcp_fsm_row *
tcp_fsm_step(enum tcp_state st, enum tcp_fsm_ev ev)
{
	const struct tcp_fsm_row *row;

	if ((unsigned)st >= TCP_ST_COUNT || (unsigned)ev >= TCP_EV_COUNT)
		return NULL;
	row = &tcp_fsm_table[st][ev];
	if (row->why == TCP_WHY_NONE)
		return NULL;
	return row;
}

/* The arcs of RFC 9293 figure 5 and the three extra kinds above. */
#define LEGAL(a, b) [TCP_ST_##a][TCP_ST_##b] = true

static const bool tcp_fsm_legal_table[TCP_ST_COUNT][TCP_ST_COUNT] = {
	LEGAL(CLOSED, LISTEN),			/* passive OPEN */
	LEGAL(CLOSED, SYN_SENT),		/* active OPEN */
	LEGAL(LISTEN, SYN_RECEIVED),		/* rcv SYN */
	LEGAL(LISTEN, SYN_SENT),		/* SEND */
	LEGAL(SYN_SENT, SYN_RECEIVED),		/* rcv SYN */
	LEGAL(SYN_SENT, ESTABLISHED),		/* rcv SYN, ACK */
	LEGAL(SYN_RECEIVED, ESTABLISHED),	/* rcv ACK of SYN */
	LEGAL(SYN_RECEIVED, FIN_WAIT_1),	/* CLOSE */
	LEGAL(SYN_RECEIVED, CLOSE_WAIT),	/* rcv FIN (3.10.7.4) */
	LEGAL(ESTABLISHED, FIN_WAIT_1),		/* CLOSE */
	LEGAL(ESTABLISHED, CLOSE_WAIT),		/* rcv FIN */
	LEGAL(FIN_WAIT_1, FIN_WAIT_2),		/* rcv ACK of FIN */
	LEGAL(FIN_WAIT_1, CLOSING),		/* rcv FIN */
	LEGAL(FIN_WAIT_1, TIME_WAIT),		/* rcv FIN acking ours */
	LEGAL(FIN_WAIT_2, TIME_WAIT),		/* rcv FIN */
	LEGAL(CLOSING, TIME_WAIT),		/* rcv ACK of FIN */
	LEGAL(CLOSE_WAIT, LAST_ACK),		/* CLOSE */
};

bool
tcp_fsm_legal(enum tcp_state from, enum tcp_state to)
{
	if ((unsigned)from >= TCP_ST_COUNT || (unsigned)to >= TCP_ST_COUNT ||
	    from == to)
		return false;
	/* RST, abort, CLOSE in LISTEN/SYN_SENT, LAST_ACK acked, 2MSL. */
	if (to == TCP_ST_CLOSED)
		return true;
	return tcp_fsm_legal_table[from][to];
}

const char *
tcp_state_name(enum tcp_state st)
{
	if ((unsigned)st >= TCP_ST_COUNT)
		return "?";
	return tcp_fsm_state_names[st];
}

const char *
tcp_fsm_ev_name(enum tcp_fsm_ev ev)
{
	if ((unsigned)ev >= TCP_EV_COUNT)
		return "?";
	return tcp_fsm_ev_names[ev];
}

const char *
tcp_why_key(enum tcp_why why)
{
	if ((unsigned)why >= TCP_WHY_COUNT)
		return "?";
	return tcp_fsm_why_keys[why];
}
