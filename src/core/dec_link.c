/* SPDX-License-Identifier: ISC */
/*
 * Link-layer decoders, registered by LINKTYPE_* in one table, and the
 * ethertype dispatch (VLAN tags, MPLS) they share.
 *
 * A link header that is cut short is DEC_TRUNC; a well-formed frame
 * carrying something other than IP (ARP, LLDP, ...) is PKT_NONE with
 * DEC_OK: it is simply not tracked.
 */
#include "config.h"

#include <stddef.h>

#include "dec.h"
#include "msg.h"

#define DEC_ETH_IP4		0x0800
#define DEC_ETH_IP6		0x86dd
#define DEC_ETH_VLAN		0x8100	/* 802.1Q */
#define DEC_ETH_QINQ		0x88a8	/* 802.1ad */
#define DEC_ETH_QINQ_OLD	0x9100	/* pre-standard QinQ */
#define DEC_ETH_MPLS_UC		0x8847
#define DEC_ETH_MPLS_MC		0x8848

#define DEC_PPP_IP4		0x0021
#define DEC_PPP_IP6		0x0057
#define DEC_PPP_MPLS_UC		0x0281
#define DEC_PPP_MPLS_MC		0x0283

/*
 * libpcap's pcap_datalink() reports DLT_RAW, which is not LINKTYPE_RAW:
 * 12 on most systems, 14 on OpenBSD.  Files never use these values for
 * anything else, so accept them too.
 */
#define DEC_DLT_RAW		12
#define DEC_DLT_RAW_OPENBSD	14

#define DEC_NFLOG_PAYLOAD	9	/* NFULA_PAYLOAD */
#define DEC_NLA_TYPE_MASK	0x3fff	/* without NLA_F_NESTED, _BYTEORDER */

static enum dec_status	dec_link_ether(struct pkt *, struct rd *);
static enum dec_status	dec_link_sll(struct pkt *, struct rd *);
static enum dec_status	dec_link_sll2(struct pkt *, struct rd *);
static enum dec_status	dec_link_null(struct pkt *, struct rd *);
static enum dec_status	dec_link_loop(struct pkt *, struct rd *);
static enum dec_status	dec_link_ppp(struct pkt *, struct rd *);
static enum dec_status	dec_link_nflog(struct pkt *, struct rd *);

static const struct dec_link_entry {
	int		  linktype;
	enum dec_status	(*fn)(struct pkt *, struct rd *);
} dec_link_table[] = {
	{ DEC_LT_NULL,		dec_link_null },
	{ DEC_LT_ETHERNET,	dec_link_ether },
	{ DEC_LT_PPP,		dec_link_ppp },
	{ DEC_DLT_RAW,		dec_ip },
	{ DEC_DLT_RAW_OPENBSD,	dec_ip },
	{ DEC_LT_RAW,		dec_ip },
	{ DEC_LT_LOOP,		dec_link_loop },
	{ DEC_LT_LINUX_SLL,	dec_link_sll },
	{ DEC_LT_IPV4,		dec_ip4 },
	{ DEC_LT_IPV6,		dec_ip6 },
	{ DEC_LT_NFLOG,		dec_link_nflog },
	{ DEC_LT_LINUX_SLL2,	dec_link_sll2 },
};

static const struct dec_link_entry *
dec_link_find(int linktype)
{
	size_t	i;

	for (i = 0; i < sizeof dec_link_table / sizeof dec_link_table[0]; i++)
		if (dec_link_table[i].linktype == linktype)
			return &dec_link_table[i];
	return NULL;
}

bool
dec_link_supported(int linktype)
{
	return dec_link_find(linktype) != NULL;
}

enum dec_status
dec_link(struct pkt *p, struct rd *r)
{
	const struct dec_link_entry	*e;

	if ((e = dec_link_find(p->linktype)) == NULL)
		return dec_fail(p, DEC_UNSUPPORTED,
		    N_("unsupported link type"));
	return e->fn(p, r);
}

/* MPLS label stack (RFC 3032 2.1), then IP chosen by its version. */
static enum dec_status
dec_link_mpls(struct pkt *p, struct rd *r)
{
	uint32_t	lse;
	uint8_t		v;

	do {
		lse = rd_be32(r);
		if (rd_trunc(r))
			return dec_trunc(p);
		if (p->nmpls < UINT8_MAX)
			p->nmpls++;
	} while ((lse & 0x100) == 0);	/* bottom of stack */

	/* No ethertype follows: RFC 4928 says peek at the first nibble. */
	if (rd_left(r) == 0)
		return dec_trunc(p);
	v = rd_ptr(r)[0] >> 4;
	if (v == 4)
		return dec_ip4(p, r);
	if (v == 6)
		return dec_ip6(p, r);
	p->kind = PKT_NONE;	/* a pseudowire, or something else */
	return p->status;
}

enum dec_status
dec_ethertype(struct pkt *p, struct rd *r, uint16_t type)
{
	uint16_t	tci;

	/* Each tag consumes 4 bytes, so the loop ends with the frame. */
	while (type == DEC_ETH_VLAN || type == DEC_ETH_QINQ ||
	    type == DEC_ETH_QINQ_OLD) {
		tci = rd_be16(r);
		type = rd_be16(r);
		if (rd_trunc(r))
			return dec_trunc(p);
		if (p->nvlan < 2)
			p->vlan[p->nvlan++] = tci & 0x0fff;
	}

	switch (type) {
	case DEC_ETH_IP4:
		return dec_ip4(p, r);
	case DEC_ETH_IP6:
		return dec_ip6(p, r);
	case DEC_ETH_MPLS_UC:
	case DEC_ETH_MPLS_MC:
		return dec_link_mpls(p, r);
	default:
		p->kind = PKT_NONE;
		return p->status;
	}
}

static enum dec_status
dec_link_ether(struct pkt *p, struct rd *r)
{
	uint16_t	type;

	rd_skip(r, 12);		/* destination and source MAC */
	type = rd_be16(r);
	if (rd_trunc(r))
		return dec_trunc(p);
	/* Values up to 1500 are 802.3 lengths (LLC): not tracked. */
	return dec_ethertype(p, r, type);
}

/* Linux cooked capture v1: 16 bytes, protocol at offset 14. */
static enum dec_status
dec_link_sll(struct pkt *p, struct rd *r)
{
	uint16_t	type;

	rd_skip(r, 14);
	type = rd_be16(r);
	if (rd_trunc(r))
		return dec_trunc(p);
	return dec_ethertype(p, r, type);
}

/* Linux cooked capture v2: 20 bytes, protocol at offset 0. */
static enum dec_status
dec_link_sll2(struct pkt *p, struct rd *r)
{
	uint16_t	type;

	type = rd_be16(r);
	rd_skip(r, 18);
	if (rd_trunc(r))
		return dec_trunc(p);
	return dec_ethertype(p, r, type);
}

/* BSD address families seen in NULL/LOOP headers. */
static enum dec_status
dec_link_af(struct pkt *p, struct rd *r, uint32_t af)
{
	switch (af) {
	case 2:			/* AF_INET everywhere */
		return dec_ip4(p, r);
	case 10:		/* Linux AF_INET6 */
	case 24:		/* NetBSD, OpenBSD */
	case 28:		/* FreeBSD */
	case 30:		/* Darwin */
		return dec_ip6(p, r);
	default:
		p->kind = PKT_NONE;
		return p->status;
	}
}

/*
 * NULL: the family is in the capturing host's byte order, which the
 * file does not record.  The families are all below 256, so the smaller
 * of the two readings is the right one.
 */
static enum dec_status
dec_link_null(struct pkt *p, struct rd *r)
{
	const uint8_t	*q;
	uint32_t	 le, be;

	if ((q = rd_take(r, 4)) == NULL)
		return dec_trunc(p);
	le = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
	    (uint32_t)q[3] << 24;
	be = (uint32_t)q[3] | (uint32_t)q[2] << 8 | (uint32_t)q[1] << 16 |
	    (uint32_t)q[0] << 24;
	return dec_link_af(p, r, le < be ? le : be);
}

/* LOOP: as NULL, but always in network byte order. */
static enum dec_status
dec_link_loop(struct pkt *p, struct rd *r)
{
	uint32_t	af;

	af = rd_be32(r);
	if (rd_trunc(r))
		return dec_trunc(p);
	return dec_link_af(p, r, af);
}

/* PPP in HDLC-like framing (RFC 1662), protocol field per RFC 1661. */
static enum dec_status
dec_link_ppp(struct pkt *p, struct rd *r)
{
	uint16_t	proto;

	/* 0xff is never a protocol byte: it starts address and control. */
	if (rd_left(r) > 0 && rd_ptr(r)[0] == 0xff)
		rd_skip(r, 2);
	proto = rd_u8(r);
	/* An odd first byte is a compressed one-byte protocol. */
	if ((proto & 1) == 0)
		proto = (uint16_t)(proto << 8 | rd_u8(r));
	if (rd_trunc(r))
		return dec_trunc(p);
	switch (proto) {
	case DEC_PPP_IP4:
		return dec_ip4(p, r);
	case DEC_PPP_IP6:
		return dec_ip6(p, r);
	case DEC_PPP_MPLS_UC:
	case DEC_PPP_MPLS_MC:
		return dec_link_mpls(p, r);
	default:
		p->kind = PKT_NONE;
		return p->status;
	}
}

/*
 * NFLOG: a 4-byte header, then netlink-style TLVs (lengths and types in
 * the capturing host's order, which libpcap makes little endian).
 */
static enum dec_status
dec_link_nflog(struct pkt *p, struct rd *r)
{
	struct rd	v;
	uint8_t		family;
	uint16_t	tlen, type;
	size_t		pad;

	family = rd_u8(r);
	rd_skip(r, 3);		/* version, resource id */
	if (rd_trunc(r))
		return dec_trunc(p);

	while (rd_left(r) > 0) {
		tlen = rd_le16(r);
		type = rd_le16(r) & DEC_NLA_TYPE_MASK;
		if (rd_trunc(r))
			return dec_trunc(p);
		if (tlen < 4)
			return dec_fail(p, DEC_INVALID,
			    N_("NFLOG TLV length below 4 bytes"));
		if ((size_t)tlen - 4 > rd_left(r)) {
			/* Past the frame: a snaplen cut, or a bad length. */
			if ((size_t)tlen - 4 > rd_left(r) + dec_missing(p))
				return dec_fail(p, DEC_INVALID,
				    N_("NFLOG TLV beyond the end of the "
				    "frame"));
			if (type != DEC_NFLOG_PAYLOAD)
				return dec_trunc(p);
		}
		v = rd_sub(r, (size_t)tlen - 4);
		if (type == DEC_NFLOG_PAYLOAD) {
			if (family == 2)
				return dec_ip4(p, &v);
			if (family == 10)
				return dec_ip6(p, &v);
			return dec_ip(p, &v);
		}
		pad = (4 - (tlen & 3)) & 3;
		rd_skip(r, pad < rd_left(r) ? pad : rd_left(r));
	}
	/* No payload TLV: none was sent, or the snaplen cut it off. */
	if (dec_missing(p) > 0)
		return dec_trunc(p);
	p->kind = PKT_NONE;
	return p->status;
}
