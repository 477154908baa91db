/* SPDX-License-Identifier: ISC */
/* Per-segment TCP analysis, in the manner of Wireshark's tcp.analysis. */

#include "config.h"

#include "ev.h"
#include "seq.h"
#include "tcp_analysis.h"

/* A segment arriving this soon after the highest one may be reordered. */
#define TCP_AN_OOO_NS		3000000LL
/* Duplicate ACKs this recent make a retransmission "fast". */
#define TCP_AN_FAST_NS		20000000LL
#define TCP_AN_MAX_WSCALE	14	/* RFC 7323 2.3 */

void
tcp_half_init(struct tcp_half *h)
{
	*h = (struct tcp_half){ .wscale = -1 };
}

uint32_t
tcp_analysis_window(const struct tcp_half *snd, const struct tcp_half *rcv,
    const struct pkt *p)
{
	/* RFC 7323 2.2: the window in a SYN is never scaled. */
	if ((p->flags & TCP_SYN) || snd->wscale < 0 || rcv->wscale < 0)
		return p->win;
	return (uint32_t)p->win << snd->wscale;
}

uint32_t
tcp_analysis_segment(struct tcp_half *snd, struct tcp_half *rcv,
    const struct pkt *p, int64_t ts_ns)
{
	uint16_t fl = p->flags;
	uint32_t seq = p->seq, len = p->paylen, seglen, an = 0;
	bool ctl = (fl & (TCP_SYN | TCP_FIN | TCP_RST)) != 0;
	bool ack = (fl & TCP_ACK) != 0;

	seglen = len + ((fl & TCP_SYN) ? 1 : 0) + ((fl & TCP_FIN) ? 1 : 0);

	/* Relative numbering, as Wireshark does it. */
	if ((fl & TCP_SYN) && !snd->syn_seen) {
		snd->syn_seen = true;
		snd->isn = seq;
		snd->base = seq;
		snd->base_set = true;
		if (p->opt.present & TCPOPT_F_WSCALE)
			snd->wscale = p->opt.wscale > TCP_AN_MAX_WSCALE ?
			    TCP_AN_MAX_WSCALE : p->opt.wscale;
	} else if (!snd->base_set) {
		snd->base = seq - 1;
		snd->base_set = true;
	}
	if (ack && !rcv->base_set) {
		rcv->base = p->ack - 1;
		rcv->base_set = true;
	}

	if (p->win == 0 && !ctl)
		an |= AN_ZERO_WINDOW;
	if (snd->next_set) {
		if (len == 1 && seq == snd->next_seq && rcv->seen &&
		    rcv->win == 0 && !ctl)
			an |= AN_ZERO_WINDOW_PROBE;
		if (seq_gt(seq, snd->next_seq) && !(fl & TCP_RST))
			an |= AN_LOST_SEGMENT;
		if (len <= 1 && !ctl && seq == snd->next_seq - 1)
			an |= AN_KEEP_ALIVE;
		if (len == 0 && !ctl && ack && snd->ack_set &&
		    seq == snd->next_seq && p->ack == snd->last_ack) {
			if (p->win != snd->win)
				an |= AN_WINDOW_UPDATE;
			else if (p->win != 0)
				an |= AN_DUP_ACK;
		}
	}
	if (ack && rcv->next_set && seq_gt(p->ack, rcv->next_seq) &&
	    !(fl & TCP_RST))
		an |= AN_ACKED_UNSEEN;

	/* Data, SYN or FIN below what was already sent: sent again. */
	if ((len > 0 || (fl & (TCP_SYN | TCP_FIN))) && snd->next_set &&
	    seq_lt(seq, snd->next_seq) && !(an & AN_KEEP_ALIVE)) {
		if (rcv->dupacks >= 2 && rcv->last_ack == seq &&
		    ts_ns - rcv->dupack_ns < TCP_AN_FAST_NS)
			an |= AN_FAST_RETRANSMISSION;
		else if (ts_ns - snd->next_ns < TCP_AN_OOO_NS &&
		    snd->next_seq != seq + seglen)
			an |= AN_OUT_OF_ORDER;
		else if (rcv->ack_set && len > 0 &&
		    seq_leq(seq + seglen, rcv->last_ack))
			an |= AN_SPURIOUS_RETRANSMISSION;
		else
			an |= AN_RETRANSMISSION;
	}

	/* Record the segment. */
	if (an & AN_DUP_ACK) {
		snd->dupacks++;
		snd->dupack_ns = ts_ns;
	} else if (len > 0 || !snd->ack_set || p->ack != snd->last_ack)
		snd->dupacks = 0;
	if (!(fl & TCP_RST) &&
	    (!snd->next_set || seq_gt(seq + seglen, snd->next_seq))) {
		snd->next_seq = seq + seglen;
		snd->next_set = true;
		snd->next_ns = ts_ns;
	}
	if ((fl & TCP_FIN) && !snd->fin_seen) {
		snd->fin_seen = true;
		snd->fin_seq = seq + len + ((fl & TCP_SYN) ? 1 : 0);
	}
	if (ack) {
		snd->last_ack = p->ack;
		snd->ack_set = true;
	}
	snd->win = p->win;
	snd->seen = true;
	return an;
}

uint8_t
tcp_completeness_bits(uint16_t flags, uint32_t len, bool first)
{
	uint8_t bits = 0;

	/*
	 * Wireshark 4.0 (packet-tcp.c, conversation completeness): the
	 * first segment counts only as a SYN (and DATA if it carries any).
	 */
	if (first) {
		if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
			bits |= COMPL_SYN;
			if (len > 0)
				bits |= COMPL_DATA;
		}
		return bits;
	}
	if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		bits |= COMPL_SYNACK;
	if ((flags & (TCP_SYN | TCP_ACK)) == TCP_ACK)
		bits |= len > 0 ? COMPL_DATA : COMPL_ACK;
	if ((flags & (TCP_FIN | TCP_ACK)) == (TCP_FIN | TCP_ACK))
		bits |= COMPL_FIN;
	if (flags & TCP_RST)
		bits |= COMPL_RST;
	return bits;
}
