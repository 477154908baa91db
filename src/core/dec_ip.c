/* SPDX-License-Identifier: ISC */
/*
 * IPv4 and IPv6 decoders: addresses, fragments, IPv6 extension headers,
 * then dispatch to the transport.
 *
 * The length IP claims bounds everything after it: bytes past it (an
 * Ethernet trailer) are ignored, and the transport gets a cursor over
 * at most that many captured bytes plus the claimed length itself.  A
 * claim longer than the frame was on the wire is DEC_TRUNC, but only
 * after the transport has decoded what is there.  Fragments are not
 * reassembled: only a first fragment reaches the transport.
 */
#include "config.h"

#include <string.h>

#include "dec.h"
#include "msg.h"

#define DEC_IP6_HOPOPTS		0
#define DEC_IP6_ROUTING		43
#define DEC_IP6_FRAGMENT	44
#define DEC_IP6_AH		51
#define DEC_IP6_DSTOPTS		60
#define DEC_IP6_MOBILITY	135
#define DEC_IP6_MAX_EXT		16
#define DEC_IP6_OPT_PAD1	0
#define DEC_IP6_OPT_JUMBO	0xc2	/* RFC 2675 */

/* A cursor over the next `len` bytes of r, or what was captured of them. */
static struct rd
dec_ip_bound(const struct rd *r, size_t len)
{
	struct rd	s;

	rd_init(&s, rd_ptr(r), len < rd_left(r) ? len : rd_left(r));
	return s;
}

static enum dec_status
dec_ip_transport(struct pkt *p, struct rd *r, uint32_t len)
{
	switch (p->proto) {
	case 6:
		return dec_tcp(p, r, len);
	case 17:
		return dec_udp(p, r, len);
	case 1:
		if (p->ipver == 4)
			return dec_icmp4(p, r, len);
		break;
	case 58:
		if (p->ipver == 6)
			return dec_icmp6(p, r, len);
		break;
	}
	p->kind = PKT_OTHER_IP;
	return p->status;
}

enum dec_status
dec_ip(struct pkt *p, struct rd *r)
{
	uint8_t	v;

	if (rd_left(r) == 0)
		return dec_trunc(p);
	v = rd_ptr(r)[0] >> 4;
	if (v == 4)
		return dec_ip4(p, r);
	if (v == 6)
		return dec_ip6(p, r);
	return dec_fail(p, DEC_INVALID, N_("IP version neither 4 nor 6"));
}

/* RFC 791 3.1 */
enum dec_status
dec_ip4(struct pkt *p, struct rd *r)
{
	struct rd	 pl;
	const uint8_t	*a;
	size_t		 wire, len;
	unsigned	 ihl;
	uint16_t	 tot, fo;
	uint8_t		 vihl;
	bool		 beyond = false;

	wire = rd_left(r) + dec_missing(p);
	vihl = rd_u8(r);
	if (rd_trunc(r))
		return dec_trunc(p);
	if (vihl >> 4 != 4)
		return dec_fail(p, DEC_INVALID,
		    N_("IPv4 header with a version other than 4"));
	p->ipver = 4;
	ihl = (vihl & 0x0fU) * 4;
	if (ihl < 20)
		return dec_fail(p, DEC_INVALID,
		    N_("IPv4 header length below 20 bytes"));

	rd_skip(r, 1);		/* DSCP, ECN */
	tot = rd_be16(r);
	rd_skip(r, 2);		/* identification */
	fo = rd_be16(r);
	p->ttl = rd_u8(r);
	p->proto = rd_u8(r);
	rd_skip(r, 2);		/* checksum */
	if ((a = rd_take(r, 4)) != NULL) {
		p->src.family = 4;
		memcpy(p->src.a, a, 4);
	}
	if ((a = rd_take(r, 4)) != NULL) {
		p->dst.family = 4;
		memcpy(p->dst.a, a, 4);
	}
	rd_skip(r, ihl - 20);	/* options: nothing we need in them */
	if (rd_trunc(r))
		return dec_trunc(p);

	p->frag_more = (fo & 0x2000) != 0;
	p->frag_off = (uint16_t)((fo & 0x1fff) * 8);
	p->frag = p->frag_more || p->frag_off != 0;

	if (tot == 0) {
		/* TSO/GSO: the NIC fills the length in later. */
		len = wire - ihl;
	} else if (tot < ihl) {
		return dec_fail(p, DEC_INVALID,
		    N_("IPv4 total length below its header length"));
	} else {
		len = tot - ihl;
		beyond = tot > wire;
	}
	if (len > UINT32_MAX)
		len = UINT32_MAX;

	p->kind = PKT_OTHER_IP;
	pl = dec_ip_bound(r, len);
	if (p->frag_off == 0)
		dec_ip_transport(p, &pl, (uint32_t)len);
	if (beyond)
		dec_fail(p, DEC_TRUNC,
		    N_("IPv4 total length beyond the end of the frame"));
	return p->status;
}

bool
dec_ip6_is_ext(uint8_t nh)
{
	switch (nh) {
	case DEC_IP6_HOPOPTS:
	case DEC_IP6_ROUTING:
	case DEC_IP6_FRAGMENT:
	case DEC_IP6_AH:
	case DEC_IP6_DSTOPTS:
	case DEC_IP6_MOBILITY:
		return true;
	default:
		return false;
	}
}

/* The Jumbo Payload option in a Hop-by-Hop header body (RFC 2675 2). */
static bool
dec_ip6_jumbo(struct rd *opts, uint32_t *jumbo)
{
	uint8_t	type, olen;

	while (rd_left(opts) > 0) {
		type = rd_u8(opts);
		if (type == DEC_IP6_OPT_PAD1)
			continue;
		olen = rd_u8(opts);
		if (type == DEC_IP6_OPT_JUMBO && olen == 4) {
			*jumbo = rd_be32(opts);
			return !rd_trunc(opts);
		}
		if (!rd_skip(opts, olen))
			break;
	}
	return false;
}

/* An extension header ran past the cursor: which limit did it hit? */
static enum dec_status
dec_ip6_ext_cut(struct pkt *p, const struct rd *pl, size_t len)
{
	if (pl->len < len)
		return dec_trunc(p);
	return dec_fail(p, DEC_INVALID,
	    N_("IPv6 extension header beyond the payload length"));
}

/* RFC 8200 3 and 4 */
enum dec_status
dec_ip6(struct pkt *p, struct rd *r)
{
	struct rd	 pl, opts, tl;
	const uint8_t	*a, *start;
	size_t		 wire, len, cap, used;
	uint32_t	 jumbo;
	uint16_t	 plen, offlg;
	uint8_t		 nh, nnh, hl;
	unsigned	 n, total;
	bool		 beyond = false;

	wire = rd_left(r) + dec_missing(p);
	if (rd_left(r) == 0)
		return dec_trunc(p);
	if (rd_ptr(r)[0] >> 4 != 6)
		return dec_fail(p, DEC_INVALID,
		    N_("IPv6 header with a version other than 6"));
	p->ipver = 6;
	rd_skip(r, 4);		/* version, traffic class, flow label */
	plen = rd_be16(r);
	nh = rd_u8(r);
	p->ttl = rd_u8(r);
	if ((a = rd_take(r, 16)) != NULL) {
		p->src.family = 6;
		memcpy(p->src.a, a, 16);
	}
	if ((a = rd_take(r, 16)) != NULL) {
		p->dst.family = 6;
		memcpy(p->dst.a, a, 16);
	}
	if (rd_trunc(r))
		return dec_trunc(p);
	p->proto = nh;
	p->kind = PKT_OTHER_IP;

	/* 0 is a jumbogram (RFC 2675) or TSO: the wire length stands. */
	wire -= 40;
	if (plen == 0)
		len = wire < UINT32_MAX ? wire : UINT32_MAX;
	else {
		len = plen;
		beyond = len > wire;
	}
	start = rd_ptr(r);
	cap = rd_left(r);
	pl = dec_ip_bound(r, len);

	for (n = 0; dec_ip6_is_ext(nh); n++) {
		if (n == DEC_IP6_MAX_EXT)
			return dec_fail(p, DEC_UNSUPPORTED,
			    N_("IPv6 extension header chain too long"));
		nnh = rd_u8(&pl);
		hl = rd_u8(&pl);
		if (rd_trunc(&pl))
			return dec_ip6_ext_cut(p, &pl, len);
		switch (nh) {
		case DEC_IP6_FRAGMENT:
			offlg = rd_be16(&pl);
			rd_skip(&pl, 4);	/* identification */
			if (rd_trunc(&pl))
				return dec_ip6_ext_cut(p, &pl, len);
			p->frag_off = offlg & 0xfff8;
			p->frag_more = (offlg & 1) != 0;
			p->frag = p->frag_off != 0 || p->frag_more;
			p->proto = nnh;
			if (p->frag_off != 0)
				goto done;	/* not the first fragment */
			break;
		case DEC_IP6_AH:
			/* RFC 4302 2.2: in 32-bit words, minus 2. */
			total = ((unsigned)hl + 2) * 4;
			if (!rd_skip(&pl, total - 2))
				return dec_ip6_ext_cut(p, &pl, len);
			break;
		default:
			total = ((unsigned)hl + 1) * 8;
			opts = rd_sub(&pl, total - 2);
			if (rd_trunc(&pl))
				return dec_ip6_ext_cut(p, &pl, len);
			if (nh == DEC_IP6_HOPOPTS && plen == 0 &&
			    dec_ip6_jumbo(&opts, &jumbo)) {
				len = jumbo;
				beyond = len > wire;
				used = pl.pos;
				if (used > len)
					return dec_fail(p, DEC_INVALID,
					    N_("IPv6 jumbo payload length "
					    "below its extension headers"));
				rd_init(&pl, start, len < cap ? len : cap);
				rd_skip(&pl, used);
			}
			break;
		}
		nh = nnh;
		p->proto = nh;
	}

	/* The transport's cursor must start at its header: see dec.h. */
	tl = dec_ip_bound(&pl, len - pl.pos);
	dec_ip_transport(p, &tl, (uint32_t)(len - pl.pos));
done:
	if (beyond)
		dec_fail(p, DEC_TRUNC,
		    N_("IPv6 payload length beyond the end of the frame"));
	return p->status;
}
