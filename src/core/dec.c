/* SPDX-License-Identifier: ISC */
/*
 * Frame decoding entry point: chains the per-layer decoders and formats
 * the addresses they produce.
 *
 * Invariant: dec_frame() leaves p->why non-NULL exactly when p->status
 * is not DEC_OK, and every pointer it stores points inside the frame.
 * The `why` strings are static English message ids marked N_() (msg.h):
 * the engine hands them on in a warning, and its sinks translate them.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "dec.h"
#include "msg.h"

enum dec_status
dec_fail(struct pkt *p, enum dec_status st, const char *why)
{
	if (p->status == DEC_OK && st != DEC_OK) {
		p->status = st;
		p->why = why;
	}
	return p->status;
}

enum dec_status
dec_trunc(struct pkt *p)
{
	if (dec_missing(p) > 0)
		return dec_fail(p, DEC_TRUNC,
		    N_("frame cut short by the capture's snaplen"));
	return dec_fail(p, DEC_TRUNC, N_("frame ends inside a header"));
}

size_t
dec_missing(const struct pkt *p)
{
	return p->wirelen - p->caplen;
}

uint32_t
dec_wire_len(const struct pkt *p, const struct rd *r, uint32_t len)
{
	size_t	wire;

	/* r covers min(len, captured): only a short r can miss bytes. */
	if (r->len >= len)
		return len;
	wire = r->len + dec_missing(p);
	return wire < len ? (uint32_t)wire : len;
}

enum dec_status
dec_frame(struct pkt *p, int linktype, const uint8_t *b, size_t caplen,
    size_t wirelen)
{
	static const uint8_t	 empty[1];
	struct rd		 r;

	memset(p, 0, sizeof *p);
	p->linktype = linktype;
	if (b == NULL) {
		/* Never do arithmetic on a null pointer, even + 0. */
		b = empty;
		caplen = 0;
	}
	p->caplen = caplen;
	p->wirelen = wirelen < caplen ? caplen : wirelen;

	if (!dec_link_supported(linktype))
		return dec_fail(p, DEC_UNSUPPORTED,
		    N_("unsupported link type"));
	rd_init(&r, b, caplen);
	dec_link(p, &r);
	if (p->status != DEC_OK && p->why == NULL)
		p->why = N_("malformed frame");
	return p->status;
}

bool
dec_linktype_supported(int linktype)
{
	return dec_link_supported(linktype);
}

void
pkt_addr_str(const struct pkt_addr *a, char *buf, size_t len)
{
	char	tmp[INET6_ADDRSTRLEN];

	if (len == 0)
		return;
	switch (a->family) {
	case 4:
		if (inet_ntop(AF_INET, a->a, tmp, sizeof tmp) != NULL) {
			snprintf(buf, len, "%s", tmp);
			return;
		}
		break;
	case 6:
		if (inet_ntop(AF_INET6, a->a, tmp, sizeof tmp) != NULL) {
			snprintf(buf, len, "%s", tmp);
			return;
		}
		break;
	}
	snprintf(buf, len, "?");
}

void
pkt_endpoint_str(const struct pkt_addr *a, uint16_t port, char *buf,
    size_t len)
{
	char	addr[INET6_ADDRSTRLEN];

	pkt_addr_str(a, addr, sizeof addr);
	if (a->family == 6)
		snprintf(buf, len, "[%s]:%u", addr, (unsigned)port);
	else
		snprintf(buf, len, "%s:%u", addr, (unsigned)port);
}

int
pkt_addr_cmp(const struct pkt_addr *a, const struct pkt_addr *b)
{
	size_t	n;
	int	c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	/* Bytes past an IPv4 address are not part of it. */
	n = a->family == 4 ? 4 : sizeof a->a;
	c = memcmp(a->a, b->a, n);
	return c < 0 ? -1 : c > 0;
}
