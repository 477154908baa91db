/* SPDX-License-Identifier: ISC */
/*
 * TCP header and option decoder (RFC 9293 3.1 and 3.2).
 *
 * A bad option never makes the segment invalid: it sets
 * TCPOPT_F_MALFORMED and, when its length cannot be trusted, stops the
 * option walk.  The payload length is what IP claims minus the header;
 * `payload` and `paycap` cover only what was captured of it.
 */
#include "config.h"

#include <string.h>

#include "dec.h"
#include "msg.h"

#define DEC_TCPOPT_EOL		0
#define DEC_TCPOPT_NOP		1
#define DEC_TCPOPT_MSS		2	/* RFC 9293 3.2 */
#define DEC_TCPOPT_WSCALE	3	/* RFC 7323 2 */
#define DEC_TCPOPT_SACK_PERM	4	/* RFC 2018 2 */
#define DEC_TCPOPT_SACK		5	/* RFC 2018 3 */
#define DEC_TCPOPT_TS		8	/* RFC 7323 3 */
#define DEC_TCPOPT_MD5		19	/* RFC 2385 */
#define DEC_TCPOPT_AO		29	/* RFC 5925 2.2 */
#define DEC_TCPOPT_MPTCP	30	/* RFC 8684 */
#define DEC_TCPOPT_TFO		34	/* RFC 7413 4.1.1 */
#define DEC_TCPOPT_EXP		254	/* RFC 6994 */
#define DEC_TCPOPT_TFO_MAGIC	0xf989

static void
dec_tcp_unknown(struct tcp_opts *o, uint8_t kind)
{
	o->present |= TCPOPT_F_UNKNOWN;
	if (o->nunknown < TCPOPT_MAX_UNKNOWN)
		o->unknown[o->nunknown++] = kind;
}

static void
dec_tcp_tfo(struct tcp_opts *o, struct rd *v)
{
	const uint8_t	*c;
	size_t		 n = rd_left(v);

	if (n > TCPOPT_MAX_TFO) {
		o->present |= TCPOPT_F_MALFORMED;
		return;
	}
	o->present |= TCPOPT_F_TFO;
	o->tfo_len = (uint8_t)n;
	if (n > 0 && (c = rd_take(v, n)) != NULL)
		memcpy(o->tfo_cookie, c, n);
}

/* One option whose length fitted; `v` covers its value. */
static void
dec_tcp_opt(struct tcp_opts *o, uint8_t kind, struct rd *v)
{
	size_t	n = rd_left(v), i;

	switch (kind) {
	case DEC_TCPOPT_MSS:
		if (n != 2)
			break;
		o->present |= TCPOPT_F_MSS;
		o->mss = rd_be16(v);
		return;
	case DEC_TCPOPT_WSCALE:
		if (n != 1)
			break;
		o->present |= TCPOPT_F_WSCALE;
		o->wscale = rd_u8(v);
		return;
	case DEC_TCPOPT_SACK_PERM:
		if (n != 0)
			break;
		o->present |= TCPOPT_F_SACK_PERM;
		return;
	case DEC_TCPOPT_SACK:
		/* An empty SACK (length 2) fits 2+8n; it just says nothing. */
		if (n % 8 != 0)
			break;
		o->present |= TCPOPT_F_SACK;
		o->nsack = 0;
		for (i = 0; i < n / 8 && i < TCPOPT_MAX_SACK; i++) {
			o->sack[i][0] = rd_be32(v);
			o->sack[i][1] = rd_be32(v);
			o->nsack++;
		}
		return;
	case DEC_TCPOPT_TS:
		if (n != 8)
			break;
		o->present |= TCPOPT_F_TS;
		o->ts_val = rd_be32(v);
		o->ts_ecr = rd_be32(v);
		return;
	case DEC_TCPOPT_TFO:
		dec_tcp_tfo(o, v);
		return;
	case DEC_TCPOPT_EXP:
		if (n >= 2 && rd_ptr(v)[0] == DEC_TCPOPT_TFO_MAGIC >> 8 &&
		    rd_ptr(v)[1] == (DEC_TCPOPT_TFO_MAGIC & 0xff)) {
			rd_skip(v, 2);
			dec_tcp_tfo(o, v);
		} else
			dec_tcp_unknown(o, kind);
		return;
	case DEC_TCPOPT_MD5:
		if (n != 16)
			break;
		o->present |= TCPOPT_F_MD5;
		return;
	case DEC_TCPOPT_MPTCP:
		if (n < 1)	/* at least the subtype */
			break;
		o->present |= TCPOPT_F_MPTCP;
		return;
	case DEC_TCPOPT_AO:
		if (n < 2)	/* KeyID and RNextKeyID */
			break;
		o->present |= TCPOPT_F_AO;
		return;
	default:
		dec_tcp_unknown(o, kind);
		return;
	}
	/* A known option with the wrong length: skipped, but noted. */
	o->present |= TCPOPT_F_MALFORMED;
}

/*
 * Walk the option space.  When the capture cut it (`cut`), an option
 * running off the end is the snaplen's doing, not a malformed option.
 */
static void
dec_tcp_opts(struct tcp_opts *o, struct rd *r, bool cut)
{
	struct rd	v;
	uint8_t		kind, olen;

	while (rd_left(r) > 0) {
		kind = rd_u8(r);
		if (kind == DEC_TCPOPT_EOL)
			break;
		if (kind == DEC_TCPOPT_NOP)
			continue;
		if (rd_left(r) == 0) {
			if (!cut)
				o->present |= TCPOPT_F_MALFORMED;
			break;
		}
		olen = rd_u8(r);
		if (olen < 2) {
			o->present |= TCPOPT_F_MALFORMED;
			break;
		}
		if ((size_t)olen - 2 > rd_left(r)) {
			if (!cut)
				o->present |= TCPOPT_F_MALFORMED;
			break;
		}
		v = rd_sub(r, (size_t)olen - 2);
		dec_tcp_opt(o, kind, &v);
	}
}

/* The header ran past the cursor: the capture, or IP's length? */
static enum dec_status
dec_tcp_cut(struct pkt *p, const struct rd *r, uint32_t len)
{
	if (r->len < len)
		return dec_trunc(p);
	if (p->frag_more)
		return dec_fail(p, DEC_UNSUPPORTED,
		    N_("TCP header split across IP fragments"));
	return dec_fail(p, DEC_INVALID, N_("TCP header beyond the IP payload"));
}

enum dec_status
dec_tcp(struct pkt *p, struct rd *r, uint32_t len)
{
	struct rd	o;
	size_t		doff, optlen;
	uint32_t	wire;
	uint16_t	x;
	bool		cut;

	p->kind = PKT_TCP;
	p->sport = rd_be16(r);
	p->dport = rd_be16(r);
	p->seq = rd_be32(r);
	p->ack = rd_be32(r);
	x = rd_be16(r);
	doff = 0;
	if (!rd_trunc(r)) {
		doff = (size_t)(x >> 12) * 4;
		p->doff = (uint8_t)doff;
		p->flags = x & 0x01ff;	/* 0x0e00 are reserved */
		if (doff < 20)
			return dec_fail(p, DEC_INVALID,
			    N_("TCP data offset below 20 bytes"));
	}
	p->win = rd_be16(r);
	rd_skip(r, 2);		/* checksum */
	p->urp = rd_be16(r);
	if (rd_trunc(r))
		return dec_tcp_cut(p, r, len);
	if (doff > len) {
		if (p->frag_more)
			return dec_fail(p, DEC_UNSUPPORTED,
			    N_("TCP header split across IP fragments"));
		return dec_fail(p, DEC_INVALID,
		    N_("TCP data offset beyond the IP payload"));
	}

	p->l4_ok = true;
	/* As tshark's tcp.len: a claim past the frame's end is cut. */
	wire = dec_wire_len(p, r, len);
	p->paylen = wire > doff ? wire - (uint32_t)doff : 0;

	/* r covers min(len, captured) and doff <= len: a cut is snaplen. */
	optlen = doff - 20;
	cut = optlen > rd_left(r);
	o = rd_sub(r, optlen);
	dec_tcp_opts(&p->opt, &o, cut);
	if (cut)
		return dec_trunc(p);

	p->paycap = (uint32_t)rd_left(r);
	p->payload = p->paycap > 0 ? rd_ptr(r) : NULL;
	return p->status;
}
