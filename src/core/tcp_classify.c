/* SPDX-License-Identifier: ISC */
/* A TCP segment as FSM events for its sender and its receiver. */

#include "config.h"

#include "pkt.h"
#include "seq.h"
#include "tcp_classify.h"

/*
 * Is a RST from the sender of `snd` acceptable to the other endpoint?
 * RFC 9293 3.10.7.3 (SYN-SENT: it must ack our SYN) and 3.10.7.4 (in
 * the receive window).  What the receiver's window is, only its own
 * segments tell; with nothing seen yet, accept.
 */
static bool
tcp_classify_rst_ok(const struct tcp_seg *s, const struct tcp_half *snd,
    const struct tcp_half *rcv, enum tcp_state rcv_st)
{
	uint32_t wnd;

	if (rcv_st == TCP_ST_SYN_SENT) {
		if (!(s->flags & TCP_ACK))
			return false;
		return !rcv->syn_seen || s->ack == rcv->isn + 1;
	}
	if (!snd->next_set || !rcv->seen)
		return true;
	wnd = rcv->win;
	if (rcv->wscale >= 0 && snd->wscale >= 0)
		wnd <<= rcv->wscale;
	if (wnd == 0)
		wnd = 1;
	return seq_in_window(s->seq, snd->next_seq, wnd);
}

static void
tcp_classify_add(struct tcp_fsm_evs *l, enum tcp_fsm_ev ev)
{
	if (l->n < sizeof l->ev / sizeof l->ev[0])
		l->ev[l->n++] = ev;
}

/* Does this ACK cover the receiver's SYN (or was none of it seen)? */
static bool
tcp_classify_acks_syn(const struct tcp_seg *s, const struct tcp_half *rcv)
{
	return !rcv->syn_seen || seq_geq(s->ack, rcv->isn + 1);
}

bool
tcp_classify(const struct tcp_seg *s, const struct tcp_half *snd,
    const struct tcp_half *rcv, enum tcp_state rcv_st,
    struct tcp_fsm_evs *sl, struct tcp_fsm_evs *rl)
{
	uint16_t fl = s->flags;
	bool ack = (fl & TCP_ACK) != 0;

	sl->n = rl->n = 0;
	if (fl & TCP_RST) {
		if (!tcp_classify_rst_ok(s, snd, rcv, rcv_st))
			return false;
		tcp_classify_add(sl, TCP_EV_SND_RST);
		tcp_classify_add(rl, TCP_EV_RCV_RST);
		return true;
	}

	/* The sender: the kernel moves before the segment leaves. */
	if (fl & TCP_SYN)
		tcp_classify_add(sl, ack ? TCP_EV_SND_SYNACK : TCP_EV_SND_SYN);
	else if (fl & TCP_FIN)
		tcp_classify_add(sl, TCP_EV_SND_FIN);
	else if (ack)
		tcp_classify_add(sl, TCP_EV_SND_ACK);

	/* The receiver, once it processes the segment. */
	if (fl & TCP_SYN) {
		if (!ack)
			tcp_classify_add(rl, TCP_EV_RCV_SYN);
		else if (tcp_classify_acks_syn(s, rcv))
			tcp_classify_add(rl, TCP_EV_RCV_SYNACK);
	} else if (ack) {
		if (tcp_classify_acks_syn(s, rcv))
			tcp_classify_add(rl, TCP_EV_RCV_ACK_SYN);
		if (rcv->fin_seen && seq_geq(s->ack, rcv->fin_seq + 1))
			tcp_classify_add(rl, TCP_EV_RCV_ACK_FIN);
	}
	if ((fl & TCP_FIN) && !(fl & TCP_SYN))
		tcp_classify_add(rl, TCP_EV_RCV_FIN);
	return true;
}
