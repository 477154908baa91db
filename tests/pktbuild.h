/* SPDX-License-Identifier: ISC */
/*
 * pktbuild: assemble link-layer frames in memory for tests.
 *
 * A frame is described by plain structs with designated initialisers:
 * a link (struct pb_link), an IP header (struct pb_ip) and a transport
 * (struct pb_tcp, pb_udp, pb_icmp, or raw bytes through pb_ip()).  The
 * builders write into a caller buffer and return the frame length, or 0
 * when it does not fit or an address does not parse.  Zero fields get
 * sensible defaults (TTL 64, window 65535 ...); lengths and checksums
 * are computed, unless a *_adj field deliberately corrupts a length.
 *
 *	uint8_t buf[PB_MAX];
 *	struct pb_tcp t = {
 *		.link = { .linktype = DEC_LT_ETHERNET },
 *		.ip = { .src = "10.0.0.1", .dst = "10.0.0.2" },
 *		.sport = 40000, .dport = 80, .seq = 1, .flags = TCP_SYN,
 *		.opts = (const uint8_t []){ 2, 4, 0x05, 0xb4 }, .optlen = 4,
 *	};
 *	size_t n = pb_tcp(buf, sizeof buf, &t);
 *	engine_frame(e, 1, 0, t.link.linktype, buf, n, n);
 *
 * Note that DEC_LT_NULL is 0: set linktype explicitly in every frame.
 */
#ifndef PKTBUILD_H
#define PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

#define PB_MAX		2048	/* a buffer size that fits any test frame */
#define PB_MAX_VLAN	4
#define PB_MAX_MPLS	4
#define PB_MAX_EXT	8

struct pb_link {
	int		 linktype;	/* DEC_LT_*; see the note above */
	/* ETHERNET, LINUX_SLL, LINUX_SLL2: tags, outermost first. */
	uint8_t		 nvlan;
	uint16_t	 vlan[PB_MAX_VLAN];
	uint16_t	 tpid[PB_MAX_VLAN];	/* 0: 0x88a8 for the outer
						   of several, else 0x8100 */
	/* ETHERNET, PPP: an MPLS label stack before IP. */
	uint8_t		 nmpls;
	uint32_t	 mpls[PB_MAX_MPLS];	/* 20-bit labels */
	/* NULL: write the family in the other byte order than this host. */
	bool		 swap;
	/* PPP: leave out the 0xff 0x03 address and control bytes. */
	bool		 ppp_noac;
	/* NFLOG: add a prefix TLV before the payload TLV. */
	bool		 nflog_prefix;
};

/* One IPv6 extension header; lengths and next-header bytes are filled. */
struct pb_ext {
	uint8_t		 type;		/* 0, 43, 51, 60, 135, ... */
	size_t		 len;		/* body bytes (after next-header and
					   length); padded to 8 (AH: 4) */
	const uint8_t	*body;		/* NULL: zeros (PadN for options) */
};

struct pb_ip {
	const char	*src;		/* "10.0.0.1" or "2001:db8::1"; */
	const char	*dst;		/* the version follows src */
	uint8_t		 ttl;		/* 0: 64 */
	uint8_t		 tos;		/* DSCP/ECN, or traffic class */
	uint16_t	 id;		/* IPv4 ID, IPv6 fragment ID */
	bool		 df;
	uint16_t	 frag_off;	/* bytes, a multiple of 8 */
	bool		 frag_more;
	bool		 frag_hdr;	/* IPv6: a Fragment header even when
					   frag_off == 0 && !frag_more */
	const uint8_t	*opts;		/* IPv4 options, padded to 4 with EOL */
	size_t		 optlen;
	/* IPv6 extension headers, in order; a Fragment header goes last. */
	size_t		 next;
	struct pb_ext	 ext[PB_MAX_EXT];
	uint32_t	 jumbo;		/* IPv6: payload length 0 and a
					   Hop-by-Hop Jumbo option with this */
	int32_t		 len_adj;	/* added to the total/payload length */
	bool		 len_zero;	/* write 0 as the length (TSO) */
	int		 version;	/* 0: from src; else the nibble */
};

struct pb_tcp {
	struct pb_link	 link;
	struct pb_ip	 ip;
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint32_t	 ack;
	uint16_t	 flags;		/* TCP_*, the low 9 bits (and 0xe00) */
	uint16_t	 win;		/* 0: 65535, unless win_zero */
	bool		 win_zero;
	uint16_t	 urp;
	const uint8_t	*opts;		/* raw option bytes, padded with EOL */
	size_t		 optlen;
	uint8_t		 doff;		/* 0: computed; else the 4-bit value
					   written (in 32-bit words) */
	const uint8_t	*payload;	/* NULL: paylen bytes of a pattern */
	size_t		 paylen;
};

struct pb_udp {
	struct pb_link	 link;
	struct pb_ip	 ip;
	uint16_t	 sport;
	uint16_t	 dport;
	const uint8_t	*payload;	/* NULL: paylen bytes of a pattern */
	size_t		 paylen;
	int32_t		 len_adj;	/* added to the UDP length field */
};

/* An ICMP (IPv4) or ICMPv6 (IPv6) message, by the outer address. */
struct pb_icmp {
	struct pb_link	 link;
	struct pb_ip	 ip;		/* the outer header */
	uint8_t		 type;
	uint8_t		 code;
	uint32_t	 rest;		/* bytes 4-7: MTU, pointer, id/seq */
	const uint8_t	*quote;		/* e.g. a pb_tcp() frame built with
					   linktype DEC_LT_RAW */
	size_t		 quotelen;	/* how much of it to include */
};

/* Link + IP + `l4len` bytes of protocol `proto`.  Returns the length. */
size_t	pb_ip(uint8_t *buf, size_t cap, const struct pb_link *,
	    const struct pb_ip *, uint8_t proto, const uint8_t *l4,
	    size_t l4len);
size_t	pb_tcp(uint8_t *buf, size_t cap, const struct pb_tcp *);
size_t	pb_udp(uint8_t *buf, size_t cap, const struct pb_udp *);
size_t	pb_icmp(uint8_t *buf, size_t cap, const struct pb_icmp *);

/* Bytes of link header pb_ip() writes before IP for this link. */
size_t	pb_link_len(const struct pb_link *);
/* Bytes of IP header (options, extension headers) it writes. */
size_t	pb_ip_len(const struct pb_ip *);

/* The byte pattern used for a NULL payload: byte i is pb_pattern(i). */
uint8_t	pb_pattern(size_t);

#endif
