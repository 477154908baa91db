/* SPDX-License-Identifier: ISC */
/*
 * ICMPv4 and ICMPv6 decoders: errors, with the IP header and transport
 * ports they quote (RFC 792, RFC 1812 4.3.2.3, RFC 4443 2.4 and 3).
 *
 * A quote is whatever the sender chose to include, so a short or odd
 * one is never an error: `inner` simply stops where the quote does
 * (ipver 0 without both addresses, ports 0 without both ports).
 * Non-error messages (echo, neighbour discovery ...) are PKT_OTHER_IP;
 * their type and code are still filled in.
 */
#include "config.h"

#include <string.h>

#include "dec.h"
#include "msg.h"

#define DEC_ICMP_MAX_EXT	16

static bool
dec_icmp4_is_error(uint8_t type)
{
	switch (type) {
	case 3:			/* destination unreachable */
	case 4:			/* source quench */
	case 5:			/* redirect */
	case 11:		/* time exceeded */
	case 12:		/* parameter problem */
		return true;
	default:
		return false;
	}
}

static bool
dec_icmp6_is_error(uint8_t type)
{
	/* Unreachable, packet too big, time exceeded, parameter problem. */
	return type >= 1 && type <= 4;
}

/* Quoted IPv4 header; false when the quote stops before the ports. */
static bool
dec_icmp_inner4(struct pkt_inner *in, struct rd *r)
{
	const uint8_t	*s, *d;
	unsigned	 ihl;
	uint16_t	 fo;
	uint8_t		 proto;

	if (rd_left(r) < 20)
		return false;
	ihl = (rd_u8(r) & 0x0fU) * 4;
	if (ihl < 20)
		return false;
	rd_skip(r, 5);		/* DSCP/ECN, total length, identification */
	fo = rd_be16(r);
	rd_skip(r, 1);		/* TTL */
	proto = rd_u8(r);
	rd_skip(r, 2);		/* checksum */
	s = rd_take(r, 4);
	d = rd_take(r, 4);
	if (s == NULL || d == NULL)
		return false;
	in->ipver = 4;
	in->proto = proto;
	in->src.family = in->dst.family = 4;
	memcpy(in->src.a, s, 4);
	memcpy(in->dst.a, d, 4);
	if ((fo & 0x1fff) != 0)
		return false;	/* a later fragment: no transport header */
	return rd_skip(r, ihl - 20);
}

/* Quoted IPv6 header and extension headers. */
static bool
dec_icmp_inner6(struct pkt_inner *in, struct rd *r)
{
	const uint8_t	*s, *d;
	unsigned	 n;
	uint16_t	 offlg;
	uint8_t		 nh, nnh, hl;

	if (rd_left(r) < 40)
		return false;
	rd_skip(r, 6);		/* version ... payload length */
	nh = rd_u8(r);
	rd_skip(r, 1);		/* hop limit */
	s = rd_take(r, 16);
	d = rd_take(r, 16);
	if (s == NULL || d == NULL)
		return false;
	in->ipver = 6;
	in->proto = nh;
	in->src.family = in->dst.family = 6;
	memcpy(in->src.a, s, 16);
	memcpy(in->dst.a, d, 16);

	for (n = 0; dec_ip6_is_ext(nh); n++) {
		if (n == DEC_ICMP_MAX_EXT)
			return false;
		nnh = rd_u8(r);
		hl = rd_u8(r);
		if (nh == 44) {
			offlg = rd_be16(r);
			rd_skip(r, 4);
			if (!rd_trunc(r) && (offlg & 0xfff8) != 0) {
				in->proto = nnh;
				return false;
			}
		} else if (nh == 51)
			rd_skip(r, ((size_t)hl + 2) * 4 - 2);
		else
			rd_skip(r, ((size_t)hl + 1) * 8 - 2);
		if (rd_trunc(r))
			return false;
		nh = nnh;
		in->proto = nh;
	}
	return true;
}

/* The quoted datagram; never fails, fills what the quote holds. */
static void
dec_icmp_inner(struct pkt_inner *in, struct rd *r)
{
	uint16_t	sport, dport;
	uint32_t	seq;
	bool		more;

	if (rd_left(r) == 0)
		return;
	switch (rd_ptr(r)[0] >> 4) {
	case 4:
		more = dec_icmp_inner4(in, r);
		break;
	case 6:
		more = dec_icmp_inner6(in, r);
		break;
	default:
		return;
	}
	if (!more || (in->proto != 6 && in->proto != 17))
		return;
	/* RFC 792 quotes at least 64 bits: ports, and TCP's sequence. */
	sport = rd_be16(r);
	dport = rd_be16(r);
	if (rd_trunc(r))
		return;
	in->sport = sport;
	in->dport = dport;
	if (in->proto == 6) {
		seq = rd_be32(r);
		if (!rd_trunc(r))
			in->seq = seq;
	}
}

/* Type, code and the 4 bytes after the checksum; then the quote. */
static enum dec_status
dec_icmp_common(struct pkt *p, struct rd *r, uint32_t len, bool error)
{
	p->kind = error ? PKT_ICMP : PKT_OTHER_IP;
	rd_skip(r, 6);		/* checksum, unused/pointer/MTU */
	if (rd_trunc(r)) {
		if (r->len < len)
			return dec_trunc(p);
		return dec_fail(p, DEC_INVALID,
		    N_("ICMP header beyond the IP payload"));
	}
	if (error)
		dec_icmp_inner(&p->inner, r);
	return p->status;
}

enum dec_status
dec_icmp4(struct pkt *p, struct rd *r, uint32_t len)
{
	p->icmp_type = rd_u8(r);
	p->icmp_code = rd_u8(r);
	return dec_icmp_common(p, r, len,
	    !rd_trunc(r) && dec_icmp4_is_error(p->icmp_type));
}

enum dec_status
dec_icmp6(struct pkt *p, struct rd *r, uint32_t len)
{
	p->icmp_type = rd_u8(r);
	p->icmp_code = rd_u8(r);
	return dec_icmp_common(p, r, len,
	    !rd_trunc(r) && dec_icmp6_is_error(p->icmp_type));
}
