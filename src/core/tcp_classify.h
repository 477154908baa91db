/* SPDX-License-Identifier: ISC */
/*
 * What one TCP segment means to RFC 9293's machine (tcp_fsm.h): the FSM
 * events of the endpoint that sent it and of the endpoint it is sent to.
 *
 * Pure: plain inputs in, two short lists out.  The engine (engine.c)
 * runs the sender's list at once and the receiver's once evidence shows
 * the receiver processed the segment; the table (tcp_fsm.c) turns each
 * event into a transition, or into nothing.
 */
#ifndef TCP_CLASSIFY_H
#define TCP_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp_analysis.h"
#include "tcp_fsm.h"

/* At most: the receiver's ACK of its SYN, ACK of its FIN, and a FIN. */
#define TCP_CLASSIFY_EVS	3

/* FSM events in the order they apply. */
struct tcp_fsm_evs {
	enum tcp_fsm_ev	ev[TCP_CLASSIFY_EVS];
	unsigned	n;
};

/* The fields of a segment the classification reads (host order). */
struct tcp_seg {
	uint16_t	flags;		/* TCP_SYN, TCP_ACK ... (pkt.h) */
	uint32_t	seq;
	uint32_t	ack;		/* meaningful with TCP_ACK */
};

/*
 * Classify segment `s`, sent by the endpoint whose earlier segments are
 * `snd` to the one whose earlier segments are `rcv` (both as before this
 * segment is recorded in them, tcp_analysis_segment()).  `rcv_st` is the
 * receiver's state once it has processed what it was sent before this
 * segment; only a RST reads it.
 *
 * The sender's events go to `sl`: SYN -> SND_SYN, SYN+ACK -> SND_SYNACK,
 * FIN -> SND_FIN, any other ACK -> SND_ACK, RST -> SND_RST (a segment
 * without SYN, FIN, RST or ACK gives none).  The receiver's go to `rl`
 * in RFC 9293 3.10.7.4 order (RST, SYN, ACK, FIN):
 *  - SYN without ACK: RCV_SYN;
 *  - SYN+ACK: RCV_SYNACK when its ack covers the receiver's SYN (or no
 *    SYN of the receiver was seen), else nothing;
 *  - ACK: RCV_ACK_SYN when it covers the receiver's SYN (or none was
 *    seen), then RCV_ACK_FIN when it covers the receiver's FIN;
 *  - FIN without SYN: RCV_FIN, after the ACK's events;
 *  - RST: RCV_RST, alone, when the receiver would accept it:
 *    in SYN_SENT (3.10.7.3) only a RST+ACK whose ack is the receiver's
 *    ISN + 1 (any ack when its SYN was not seen); otherwise (3.10.7.4)
 *    when its seq is in the receiver's window, counted from what the
 *    sender sent so far, scaled when both SYNs carried a scale, at least
 *    one byte wide.  With nothing yet seen from either, it is accepted.
 *
 * Returns false, with both lists empty, for a RST the receiver would not
 * accept: the segment must be ignored altogether.  Otherwise true.
 */
bool	tcp_classify(const struct tcp_seg *s, const struct tcp_half *snd,
	    const struct tcp_half *rcv, enum tcp_state rcv_st,
	    struct tcp_fsm_evs *sl, struct tcp_fsm_evs *rl);

#endif
