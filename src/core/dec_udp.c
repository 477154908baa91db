/* SPDX-License-Identifier: ISC */
/*
 * UDP header decoder (RFC 768).
 *
 * The UDP length bounds the payload (bytes past it within the IP payload
 * are ignored); a first fragment legitimately claims more than its IP
 * payload, so only an unfragmented datagram is checked against it.
 */
#include "config.h"

#include <string.h>

#include "dec.h"
#include "msg.h"

#define DEC_VXLAN_PORT		4789	/* RFC 7348 5 */
#define DEC_VXLAN_FLAG_I	0x08
#define DEC_MAX_ENCAP		4

/*
 * VXLAN (RFC 7348): an 8-byte header, then a whole Ethernet frame.  The
 * frame describes the inner packet from here on, as tshark reports the
 * TCP inside a tunnel; only the outer header's problems are kept.
 */
static void
dec_udp_vxlan(struct pkt *p)
{
	struct pkt outer;
	struct rd r;

	if (p->frag || p->nencap >= DEC_MAX_ENCAP || p->paycap < 8 + 14 ||
	    !(p->payload[0] & DEC_VXLAN_FLAG_I))
		return;
	outer = *p;
	rd_init(&r, outer.payload + 8, outer.paycap - 8);
	memset(p, 0, sizeof *p);
	p->linktype = DEC_LT_ETHERNET;
	p->caplen = outer.caplen;
	p->wirelen = outer.wirelen;
	p->status = outer.status;
	p->why = outer.why;
	p->nencap = outer.nencap + 1;
	dec_link(p, &r);
	p->linktype = outer.linktype;
}

enum dec_status
dec_udp(struct pkt *p, struct rd *r, uint32_t len)
{
	uint32_t	ulen;

	p->kind = PKT_UDP;
	p->sport = rd_be16(r);
	p->dport = rd_be16(r);
	ulen = rd_be16(r);
	rd_skip(r, 2);		/* checksum */
	if (rd_trunc(r)) {
		if (r->len < len)
			return dec_trunc(p);
		return dec_fail(p, DEC_INVALID,
		    N_("UDP header beyond the IP payload"));
	}

	/* RFC 2675 4: a jumbogram's UDP length is 0. */
	if (ulen == 0 && p->ipver == 6 && len > 0xffff)
		ulen = len;
	if (ulen < 8)
		return dec_fail(p, DEC_INVALID, N_("UDP length below 8 bytes"));
	p->l4_ok = true;
	if (ulen > len && !p->frag_more) {
		p->paylen = len - 8;
		dec_fail(p, DEC_INVALID,
		    N_("UDP length beyond the IP payload"));
	} else
		p->paylen = ulen - 8;

	p->paycap = (uint32_t)rd_left(r);
	if (p->paycap > p->paylen)
		p->paycap = p->paylen;
	p->payload = p->paycap > 0 ? rd_ptr(r) : NULL;
	if (p->sport == DEC_VXLAN_PORT || p->dport == DEC_VXLAN_PORT)
		dec_udp_vxlan(p);
	return p->status;
}
