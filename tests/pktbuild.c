/* SPDX-License-Identifier: ISC */
/*
 * pktbuild: frames assembled in memory for tests (see pktbuild.h).
 *
 * Everything is written byte by byte through a bounded writer; a frame
 * that does not fit makes the builder return 0 rather than overrun.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

#define PB_DEF_SRC4	"10.0.0.1"
#define PB_DEF_DST4	"10.0.0.2"

struct pb_w {
	uint8_t	*b;
	size_t	 cap;
	size_t	 n;
	bool	 err;
};

static void
pb_put8(struct pb_w *w, uint8_t v)
{
	if (w->n >= w->cap) {
		w->err = true;
		return;
	}
	w->b[w->n++] = v;
}

static void
pb_put16(struct pb_w *w, uint16_t v)
{
	pb_put8(w, (uint8_t)(v >> 8));
	pb_put8(w, (uint8_t)v);
}

static void
pb_put32(struct pb_w *w, uint32_t v)
{
	pb_put16(w, (uint16_t)(v >> 16));
	pb_put16(w, (uint16_t)v);
}

static void
pb_putle16(struct pb_w *w, uint16_t v)
{
	pb_put8(w, (uint8_t)v);
	pb_put8(w, (uint8_t)(v >> 8));
}

static void
pb_putn(struct pb_w *w, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		pb_put8(w, p != NULL ? p[i] : 0);
}

static void
pb_zero(struct pb_w *w, size_t n)
{
	pb_putn(w, NULL, n);
}

/* Overwrite a 16-bit field already written at `off`. */
static void
pb_poke16(struct pb_w *w, size_t off, uint16_t v)
{
	if (w->err || off + 2 > w->n)
		return;
	w->b[off] = (uint8_t)(v >> 8);
	w->b[off + 1] = (uint8_t)v;
}

uint8_t
pb_pattern(size_t i)
{
	return (uint8_t)('a' + i % 26);
}

/* Internet checksum (RFC 1071) over a pseudo-header sum and bytes. */
static uint16_t
pb_cksum(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Parse an address: 4 or 6, 0 when it does not parse. */
static int
pb_addr(const char *s, uint8_t *a)
{
	if (inet_pton(AF_INET, s, a) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, a) == 1)
		return 6;
	return 0;
}

struct pb_addrs {
	int	ver;
	uint8_t	src[16];
	uint8_t	dst[16];
};

static bool
pb_addrs(const struct pb_ip *ip, struct pb_addrs *a)
{
	int	vs, vd;

	memset(a, 0, sizeof *a);
	vs = pb_addr(ip->src != NULL ? ip->src : PB_DEF_SRC4, a->src);
	vd = pb_addr(ip->dst != NULL ? ip->dst : PB_DEF_DST4, a->dst);
	if (vs == 0 || vs != vd)
		return false;
	a->ver = vs;
	return true;
}

static uint32_t
pb_pseudo(const struct pb_addrs *a, uint8_t proto, size_t len)
{
	uint32_t	sum = 0;
	size_t		i, n = a->ver == 4 ? 4 : 16;

	for (i = 0; i < n; i += 2) {
		sum += (uint32_t)(a->src[i] << 8 | a->src[i + 1]);
		sum += (uint32_t)(a->dst[i] << 8 | a->dst[i + 1]);
	}
	sum += proto;
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	return sum;
}

static bool
pb_is_mpls(const struct pb_link *l)
{
	return l->nmpls > 0 && (l->linktype == DEC_LT_ETHERNET ||
	    l->linktype == DEC_LT_LINUX_SLL ||
	    l->linktype == DEC_LT_LINUX_SLL2 || l->linktype == DEC_LT_PPP);
}

static size_t
pb_round(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

size_t
pb_link_len(const struct pb_link *l)
{
	size_t	mpls = pb_is_mpls(l) ? 4U * l->nmpls : 0;
	size_t	vlan = 4U * (l->nvlan < PB_MAX_VLAN ? l->nvlan : PB_MAX_VLAN);

	switch (l->linktype) {
	case DEC_LT_ETHERNET:
		return 14 + vlan + mpls;
	case DEC_LT_LINUX_SLL:
		return 16 + vlan + mpls;
	case DEC_LT_LINUX_SLL2:
		return 20 + vlan + mpls;
	case DEC_LT_NULL:
	case DEC_LT_LOOP:
		return 4;
	case DEC_LT_PPP:
		return (l->ppp_noac ? 0 : 2) + 2 + mpls;
	case DEC_LT_NFLOG:
		return 4 + (l->nflog_prefix ? 8 : 0) + 4;
	default:
		return 0;
	}
}

/* An extension header's size on the wire. */
static size_t
pb_ext_len(const struct pb_ext *e)
{
	if (e->type == 51)
		return pb_round(2 + e->len < 8 ? 8 : 2 + e->len, 4);
	return pb_round(2 + e->len, 8);
}

static bool
pb_ip_fraghdr(const struct pb_ip *ip)
{
	return ip->frag_hdr || ip->frag_off != 0 || ip->frag_more;
}

static size_t
pb_ip_len_v(const struct pb_ip *ip, int ver)
{
	size_t	n, i;

	if (ver == 4)
		return 20 + pb_round(ip->optlen, 4);
	n = 40;
	if (ip->jumbo != 0)
		n += 8;
	for (i = 0; i < ip->next && i < PB_MAX_EXT; i++)
		n += pb_ext_len(&ip->ext[i]);
	if (pb_ip_fraghdr(ip))
		n += 8;
	return n;
}

size_t
pb_ip_len(const struct pb_ip *ip)
{
	struct pb_addrs	a;

	if (!pb_addrs(ip, &a))
		return 0;
	return pb_ip_len_v(ip, a.ver);
}

static void
pb_write_link(struct pb_w *w, const struct pb_link *l, int ver,
    size_t iplen)
{
	uint16_t	types[PB_MAX_VLAN + 1];
	size_t		nvlan, i;
	uint32_t	af;
	bool		mpls = pb_is_mpls(l);

	nvlan = l->nvlan < PB_MAX_VLAN ? l->nvlan : PB_MAX_VLAN;
	for (i = 0; i < nvlan; i++)
		types[i] = l->tpid[i] != 0 ? l->tpid[i] :
		    (nvlan > 1 && i == 0 ? 0x88a8 : 0x8100);
	types[nvlan] = mpls ? 0x8847 : ver == 4 ? 0x0800 : 0x86dd;

	switch (l->linktype) {
	case DEC_LT_ETHERNET:
		pb_putn(w, (const uint8_t []){ 2, 0, 0, 0, 0, 2 }, 6);
		pb_putn(w, (const uint8_t []){ 2, 0, 0, 0, 0, 1 }, 6);
		pb_put16(w, types[0]);
		break;
	case DEC_LT_LINUX_SLL:
		pb_put16(w, 0);		/* to us */
		pb_put16(w, 1);		/* ARPHRD_ETHER */
		pb_put16(w, 6);
		pb_putn(w, (const uint8_t []){ 2, 0, 0, 0, 0, 1, 0, 0 }, 8);
		pb_put16(w, types[0]);
		break;
	case DEC_LT_LINUX_SLL2:
		pb_put16(w, types[0]);
		pb_put16(w, 0);		/* reserved */
		pb_put32(w, 1);		/* interface index */
		pb_put16(w, 1);		/* ARPHRD_ETHER */
		pb_put8(w, 0);		/* to us */
		pb_put8(w, 6);
		pb_putn(w, (const uint8_t []){ 2, 0, 0, 0, 0, 1, 0, 0 }, 8);
		break;
	case DEC_LT_NULL:
		af = ver == 4 ? 2 : 30;
		if (l->swap)
			af = (af & 0xff) << 24 | (af & 0xff00) << 8;
		pb_putn(w, (const uint8_t *)&af, 4);
		return;
	case DEC_LT_LOOP:
		pb_put32(w, ver == 4 ? 2 : 24);
		return;
	case DEC_LT_PPP:
		if (!l->ppp_noac) {
			pb_put8(w, 0xff);
			pb_put8(w, 0x03);
		}
		pb_put16(w, mpls ? 0x0281 : ver == 4 ? 0x0021 : 0x0057);
		break;
	case DEC_LT_NFLOG:
		pb_put8(w, ver == 4 ? 2 : 10);
		pb_put8(w, 0);		/* version */
		pb_put16(w, 0);		/* resource id */
		if (l->nflog_prefix) {
			pb_putle16(w, 8);
			pb_putle16(w, 1);	/* NFULA_PACKET_HDR */
			pb_put16(w, ver == 4 ? 0x0800 : 0x86dd);
			pb_put8(w, 3);		/* hook */
			pb_put8(w, 0);
		}
		pb_putle16(w, (uint16_t)(4 + iplen));
		pb_putle16(w, 9);		/* NFULA_PAYLOAD */
		return;
	default:
		return;		/* RAW, IPV4, IPV6: nothing */
	}

	if (l->linktype != DEC_LT_PPP)
		for (i = 0; i < nvlan; i++) {
			pb_put16(w, l->vlan[i] & 0x0fff);
			pb_put16(w, types[i + 1]);
		}
	if (mpls)
		for (i = 0; i < l->nmpls && i < PB_MAX_MPLS; i++)
			pb_put32(w, (l->mpls[i] & 0xfffff) << 12 |
			    (i + 1 == l->nmpls ? 0x100U : 0) | 64);
}

static void
pb_write_ip4(struct pb_w *w, const struct pb_ip *ip,
    const struct pb_addrs *a, uint8_t proto, size_t l4len)
{
	size_t		start = w->n, hlen = pb_ip_len_v(ip, 4);
	uint16_t	fo;
	int		ver = ip->version != 0 ? ip->version : 4;

	pb_put8(w, (uint8_t)(ver << 4 | (int)(hlen / 4 & 0x0f)));
	pb_put8(w, ip->tos);
	pb_put16(w, ip->len_zero ? 0 :
	    (uint16_t)((int32_t)(hlen + l4len) + ip->len_adj));
	pb_put16(w, ip->id);
	fo = (uint16_t)((ip->frag_off / 8) & 0x1fff);
	if (ip->df)
		fo |= 0x4000;
	if (ip->frag_more)
		fo |= 0x2000;
	pb_put16(w, fo);
	pb_put8(w, ip->ttl != 0 ? ip->ttl : 64);
	pb_put8(w, proto);
	pb_put16(w, 0);
	pb_putn(w, a->src, 4);
	pb_putn(w, a->dst, 4);
	pb_putn(w, ip->opts, ip->optlen);
	pb_zero(w, hlen - 20 - ip->optlen);
	if (!w->err)
		pb_poke16(w, start + 10, pb_cksum(0, w->b + start, hlen));
}

static void
pb_write_ip6(struct pb_w *w, const struct pb_ip *ip,
    const struct pb_addrs *a, uint8_t proto, size_t l4len)
{
	uint8_t		types[PB_MAX_EXT + 2];
	size_t		next = 0, i, j, hlen = pb_ip_len_v(ip, 6), total;
	int		ver = ip->version != 0 ? ip->version : 6;
	const struct pb_ext *e;

	if (ip->jumbo != 0)
		types[next++] = 0;
	for (i = 0; i < ip->next && i < PB_MAX_EXT; i++)
		types[next++] = ip->ext[i].type;
	if (pb_ip_fraghdr(ip))
		types[next++] = 44;

	pb_put32(w, (uint32_t)ver << 28 | (uint32_t)ip->tos << 20);
	pb_put16(w, ip->len_zero || ip->jumbo != 0 ? 0 :
	    (uint16_t)((int32_t)(hlen - 40 + l4len) + ip->len_adj));
	pb_put8(w, next > 0 ? types[0] : proto);
	pb_put8(w, ip->ttl != 0 ? ip->ttl : 64);
	pb_putn(w, a->src, 16);
	pb_putn(w, a->dst, 16);

	j = 0;
	if (ip->jumbo != 0) {
		j++;
		pb_put8(w, j < next ? types[j] : proto);
		pb_put8(w, 0);
		pb_put8(w, 0xc2);
		pb_put8(w, 4);
		pb_put32(w, (uint32_t)((int32_t)ip->jumbo + ip->len_adj));
	}
	for (i = 0; i < ip->next && i < PB_MAX_EXT; i++) {
		e = &ip->ext[i];
		j++;
		total = pb_ext_len(e);
		pb_put8(w, j < next ? types[j] : proto);
		pb_put8(w, (uint8_t)(e->type == 51 ? total / 4 - 2 :
		    total / 8 - 1));
		pb_putn(w, e->body, e->len);
		pb_zero(w, total - 2 - e->len);
	}
	if (pb_ip_fraghdr(ip)) {
		pb_put8(w, proto);
		pb_put8(w, 0);
		pb_put16(w, (uint16_t)((ip->frag_off & 0xfff8) |
		    (ip->frag_more ? 1 : 0)));
		pb_put32(w, ip->id);
	}
}

size_t
pb_ip(uint8_t *buf, size_t cap, const struct pb_link *l,
    const struct pb_ip *ip, uint8_t proto, const uint8_t *l4,
    size_t l4len)
{
	struct pb_w	w = { buf, cap, 0, false };
	struct pb_addrs	a;
	size_t		iplen, pad;

	if (!pb_addrs(ip, &a))
		return 0;
	iplen = pb_ip_len_v(ip, a.ver) + l4len;
	pb_write_link(&w, l, a.ver, iplen);
	if (a.ver == 4)
		pb_write_ip4(&w, ip, &a, proto, l4len);
	else
		pb_write_ip6(&w, ip, &a, proto, l4len);
	pb_putn(&w, l4, l4len);
	if (l->linktype == DEC_LT_NFLOG) {
		pad = pb_round(iplen, 4) - iplen;
		pb_zero(&w, pad);
	}
	return w.err ? 0 : w.n;
}

static void
pb_payload(struct pb_w *w, const uint8_t *p, size_t n)
{
	size_t	i;

	if (p != NULL)
		pb_putn(w, p, n);
	else
		for (i = 0; i < n; i++)
			pb_put8(w, pb_pattern(i));
}

/* Build the transport into a scratch buffer, then frame it. */
static size_t
pb_finish(uint8_t *buf, size_t cap, const struct pb_link *l,
    const struct pb_ip *ip, uint8_t proto, struct pb_w *t, size_t csum_off,
    bool pseudo)
{
	struct pb_addrs	a;
	uint32_t	sum = 0;
	size_t		n = 0;

	if (!t->err && pb_addrs(ip, &a)) {
		if (pseudo)
			sum = pb_pseudo(&a, proto, t->n);
		pb_poke16(t, csum_off, pb_cksum(sum, t->b, t->n));
		n = pb_ip(buf, cap, l, ip, proto, t->b, t->n);
	}
	free(t->b);
	return n;
}

static bool
pb_scratch(struct pb_w *t, size_t n)
{
	t->b = malloc(n);
	t->cap = n;
	t->n = 0;
	t->err = t->b == NULL;
	return !t->err;
}

size_t
pb_tcp(uint8_t *buf, size_t cap, const struct pb_tcp *s)
{
	struct pb_w	t;
	size_t		optspace = pb_round(s->optlen, 4);
	uint8_t		doff;

	if (!pb_scratch(&t, 20 + optspace + s->paylen))
		return 0;
	doff = s->doff != 0 ? s->doff : (uint8_t)((20 + optspace) / 4);
	pb_put16(&t, s->sport);
	pb_put16(&t, s->dport);
	pb_put32(&t, s->seq);
	pb_put32(&t, s->ack);
	pb_put16(&t, (uint16_t)((doff & 0x0f) << 12 | (s->flags & 0x0fff)));
	pb_put16(&t, s->win != 0 || s->win_zero ? s->win : 65535);
	pb_put16(&t, 0);
	pb_put16(&t, s->urp);
	pb_putn(&t, s->opts, s->optlen);
	pb_zero(&t, optspace - s->optlen);
	pb_payload(&t, s->payload, s->paylen);
	return pb_finish(buf, cap, &s->link, &s->ip, 6, &t, 16, true);
}

size_t
pb_udp(uint8_t *buf, size_t cap, const struct pb_udp *s)
{
	struct pb_w	t;
	struct pb_addrs	a;

	if (!pb_addrs(&s->ip, &a) || !pb_scratch(&t, 8 + s->paylen))
		return 0;
	pb_put16(&t, s->sport);
	pb_put16(&t, s->dport);
	pb_put16(&t, (uint16_t)((int32_t)(8 + s->paylen) + s->len_adj));
	pb_put16(&t, 0);
	pb_payload(&t, s->payload, s->paylen);
	return pb_finish(buf, cap, &s->link, &s->ip, 17, &t, 6, true);
}

size_t
pb_icmp(uint8_t *buf, size_t cap, const struct pb_icmp *s)
{
	struct pb_w	t;
	struct pb_addrs	a;

	if (!pb_addrs(&s->ip, &a) || !pb_scratch(&t, 8 + s->quotelen))
		return 0;
	pb_put8(&t, s->type);
	pb_put8(&t, s->code);
	pb_put16(&t, 0);
	pb_put32(&t, s->rest);
	pb_putn(&t, s->quote, s->quotelen);
	return pb_finish(buf, cap, &s->link, &s->ip, a.ver == 4 ? 1 : 58,
	    &t, 2, a.ver == 6);
}
