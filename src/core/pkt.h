/* SPDX-License-Identifier: ISC */
/*
 * struct pkt: one decoded frame, as far as its bytes allowed.
 *
 * The decoders (dec.c and dec_*.c) fill it from untrusted bytes; nothing
 * else writes it.  Numbers are in host order.  Fields past the layer that
 * stopped decoding are zero.  `status` says how decoding ended and, unless
 * DEC_OK, `why` is a static English sentence naming the problem (the
 * shell translates it).  Lengths are what the headers claim on the wire
 * (as tshark's tcp.len), `paycap` is how much of the payload was captured.
 */
#ifndef PKT_H
#define PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dec_status {
	DEC_OK = 0,
	DEC_TRUNC,		/* cut short (snaplen, or a header too long) */
	DEC_INVALID,		/* a field that cannot be right */
	DEC_UNSUPPORTED,	/* well formed, but not something we decode */
};

/* Link types we decode (LINKTYPE_* values, as in pcap files). */
#define DEC_LT_NULL		0
#define DEC_LT_ETHERNET		1
#define DEC_LT_PPP		9
#define DEC_LT_RAW		101
#define DEC_LT_LOOP		108
#define DEC_LT_LINUX_SLL	113
#define DEC_LT_IPV4		228
#define DEC_LT_IPV6		229
#define DEC_LT_NFLOG		239
#define DEC_LT_LINUX_SLL2	276

/* TCP flags, as the 9 low bits of the header's flags field. */
#define TCP_FIN		0x001
#define TCP_SYN		0x002
#define TCP_RST		0x004
#define TCP_PSH		0x008
#define TCP_ACK		0x010
#define TCP_URG		0x020
#define TCP_ECE		0x040
#define TCP_CWR		0x080
#define TCP_AE		0x100

/* Which TCP options a segment carried (struct tcp_opts.present). */
#define TCPOPT_F_MSS		0x0001
#define TCPOPT_F_WSCALE		0x0002
#define TCPOPT_F_SACK_PERM	0x0004
#define TCPOPT_F_SACK		0x0008
#define TCPOPT_F_TS		0x0010
#define TCPOPT_F_TFO		0x0020	/* kind 34, or 254 with magic 0xF989 */
#define TCPOPT_F_MPTCP		0x0040
#define TCPOPT_F_MD5		0x0080
#define TCPOPT_F_AO		0x0100
#define TCPOPT_F_UNKNOWN	0x0200	/* see unknown[] */
#define TCPOPT_F_MALFORMED	0x0400	/* a length that did not fit */

#define TCPOPT_MAX_SACK		4
#define TCPOPT_MAX_TFO		16
#define TCPOPT_MAX_UNKNOWN	4

struct tcp_opts {
	uint16_t	present;
	uint16_t	mss;
	uint8_t		wscale;		/* shift count as sent (may be > 14) */
	uint8_t		nsack;
	uint8_t		tfo_len;	/* 0: cookie request */
	uint8_t		nunknown;
	uint32_t	sack[TCPOPT_MAX_SACK][2];	/* left, right edges */
	uint32_t	ts_val;
	uint32_t	ts_ecr;
	uint8_t		tfo_cookie[TCPOPT_MAX_TFO];
	uint8_t		unknown[TCPOPT_MAX_UNKNOWN];	/* option kinds */
};

struct pkt_addr {
	uint8_t		family;		/* 4 or 6; 0 when unset */
	uint8_t		a[16];		/* IPv4 in the first 4 bytes */
};

/* The IP and transport header an ICMP error quotes (RFC 792, 4443). */
struct pkt_inner {
	uint8_t		ipver;		/* 0: nothing usable was quoted */
	uint8_t		proto;
	struct pkt_addr	src;
	struct pkt_addr	dst;
	uint16_t	sport;		/* 0 when the quote stops before */
	uint16_t	dport;
	uint32_t	seq;		/* TCP only, when quoted */
};

/* What a frame turned out to carry, at the innermost layer decoded. */
enum pkt_kind {
	PKT_NONE = 0,		/* nothing we track (ARP, LLDP, ...) */
	PKT_TCP,
	PKT_UDP,
	PKT_ICMP,		/* an ICMP or ICMPv6 error; see icmp_* */
	PKT_OTHER_IP,		/* IP, but not a transport we track */
};

struct pkt {
	enum dec_status	status;
	const char	*why;		/* static, English; NULL when DEC_OK */
	enum pkt_kind	kind;

	/* link */
	int		linktype;
	size_t		caplen;		/* bytes captured of the frame */
	size_t		wirelen;	/* its length on the wire, >= caplen */
	uint8_t		nvlan;
	uint16_t	vlan[2];	/* outermost first */
	uint8_t		nmpls;
	uint8_t		nencap;		/* tunnels peeled off (VXLAN) */

	/* network */
	uint8_t		ipver;		/* 4 or 6 */
	uint8_t		proto;		/* transport protocol number */
	uint8_t		ttl;		/* or hop limit */
	struct pkt_addr	src;
	struct pkt_addr	dst;
	bool		frag;		/* a fragment: not reassembled */
	uint16_t	frag_off;	/* in bytes */
	bool		frag_more;

	/* transport */
	bool		l4_ok;		/* its fixed header was complete and
					   sane: ports (TCP: seq, ack, flags,
					   window) are real even when status
					   says the rest was cut or odd */
	uint16_t	sport;
	uint16_t	dport;

	/* TCP */
	uint32_t	seq;
	uint32_t	ack;
	uint16_t	flags;		/* TCP_* */
	uint16_t	win;		/* raw, unscaled */
	uint16_t	urp;
	uint8_t		doff;		/* header length in bytes */
	struct tcp_opts	opt;

	/* ICMP errors */
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	struct pkt_inner inner;

	/* payload of the transport (TCP or UDP) */
	uint32_t	paylen;		/* bytes on the wire, as headers say */
	uint32_t	paycap;		/* bytes captured, <= paylen */
	const uint8_t	*payload;	/* paycap bytes, inside the frame */
};

/*
 * Decode one frame of link type `linktype`.  `caplen` bytes are at `b`;
 * `wirelen` is the frame's length on the wire.  Always fills `p` as far
 * as possible and returns p->status.
 */
enum dec_status	dec_frame(struct pkt *p, int linktype, const uint8_t *b,
		    size_t caplen, size_t wirelen);

/* Is this link type one dec_frame() decodes? */
bool		dec_linktype_supported(int linktype);

/* Format an address (IPv6 without brackets); buf >= 46 bytes. */
void		pkt_addr_str(const struct pkt_addr *a, char *buf, size_t len);
/* "ADDR:PORT" or "[ADDR]:PORT"; buf >= 56 bytes. */
void		pkt_endpoint_str(const struct pkt_addr *a, uint16_t port,
		    char *buf, size_t len);
int		pkt_addr_cmp(const struct pkt_addr *a, const struct pkt_addr *b);

#endif
