/* SPDX-License-Identifier: ISC */
/*
 * What one direction of a TCP conversation has shown so far, and the
 * per-segment analysis Wireshark calls tcp.analysis (retransmission,
 * out-of-order, duplicate ACK, zero window, keep-alive ...).
 *
 * A struct tcp_half describes the segments one endpoint SENT.  Sequence
 * numbers are compared modulo 2^32 (seq.h).  Relative numbers follow
 * Wireshark: the SYN is 0, and a direction first seen without a SYN
 * starts at 1.
 */
#ifndef TCP_ANALYSIS_H
#define TCP_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

struct tcp_half {
	bool		seen;		/* sent at least one segment */
	bool		base_set;
	bool		syn_seen;
	bool		fin_seen;
	bool		next_set;
	bool		ack_set;
	uint32_t	base;		/* relative numbers start here */
	uint32_t	isn;		/* seq of its SYN, when syn_seen */
	uint32_t	fin_seq;	/* seq its FIN occupies */
	uint32_t	next_seq;	/* highest seq + len sent so far */
	uint32_t	last_ack;	/* last ACK it sent */
	uint32_t	win;		/* last window it advertised, raw */
	int		wscale;		/* from its SYN; -1 unknown */
	uint32_t	dupacks;	/* duplicate ACKs in a row */
	int64_t		next_ns;	/* when next_seq last moved */
	int64_t		dupack_ns;	/* time of the last duplicate ACK */
};

void		tcp_half_init(struct tcp_half *);

/*
 * Analyse one segment sent by `snd` to `rcv`, then record it in `snd`.
 * Returns AN_* bits (ev.h).  `ts_ns` is the segment's capture time.
 */
uint32_t	tcp_analysis_segment(struct tcp_half *snd, struct tcp_half *rcv,
		    const struct pkt *p, int64_t ts_ns);

/* The window the sender advertised, scaled when both SYNs agreed. */
uint32_t	tcp_analysis_window(const struct tcp_half *snd,
		    const struct tcp_half *rcv, const struct pkt *p);

/*
 * Wireshark 4.0's tcp.completeness update for one segment: `first` when
 * it is the conversation's first segment.  Returns the bits to OR in.
 */
uint8_t		tcp_completeness_bits(uint16_t flags, uint32_t len, bool first);

#endif
