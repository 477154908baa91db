/* SPDX-License-Identifier: ISC */
/* mkpcap: write a large, deterministic, realistic synthetic TCP capture. */

/*
 * usage: mkpcap [-n connections | -p packets -c connections]
 *	      [-o open_at_once] [-s seed] [-S snaplen] file
 *
 * By default about 2 M packets in 100,000 connections (make bench's
 * bench.pcap).  -n N asks for N connections and 25.5 N packets, the
 * proportions of issue 14's capture (mkpcap -n 100000: about 2.55 M
 * packets); a -p given too sets the packets instead.
 */

/*
 * The capture is taken on the servers' side of a busy link: clients in
 * 10.0.0.0/8 talk to a handful of servers (172.16.0.10-17) on ports 80,
 * 443 and 8080.  A scheduler keeps about OPEN_AT_ONCE connections open,
 * picks one at random for each packet and starts a new connection when
 * one ends, so connections interleave in time.
 *
 * Each connection is scripted in full when it starts (struct mk_seg), so
 * sequence and acknowledgement numbers are consistent by construction:
 * mk_push() takes the sender's next sequence number and acknowledges all
 * the peer has sent.  Only times, TCP timestamps and IP ids are filled in
 * as packets are written.  Invariants:
 *  - a 4-tuple is never reused: each client host hands out its ephemeral
 *    ports in order and there are far more (host, port) pairs than
 *    connections;
 *  - packet times never decrease and are 1-7 us apart, except when every
 *    open connection waits for a retransmission timeout;
 *  - the output depends only on the options (own PRNG, no clock).
 */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MK_PACKETS	2000000
#define MK_CONNS	100000
/* -n N: N connections of 25.5 packets on average (51 a pair), the mix of
   the capture issue 14 measures (mkpcap -n 100000: about 2.55 M). */
#define MK_PER_CONN2	51
#define MK_OPEN		1000
#define MK_SEED		1

#define MK_MAXSEG	1460	/* payload of a full segment, no options */
#define MK_MAXSEG_TS	1448	/* same, with the 12-byte timestamp option */
#define MK_SNAPLEN	262144
#define MK_EPOCH	1700000000	/* 2023-11-14 22:13:20 UTC */
#define MK_NHOSTS	4096	/* client hosts */
#define MK_NSERVERS	8
#define MK_RETRANS	20	/* per mille of data segments */
#define MK_DUPACK	5	/* per mille of ACKs sent twice */
#define MK_IOBUF	(4 * 1024 * 1024)

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

enum {
	MK_C2S = 0,
	MK_S2C = 1,
};

/* Which options a segment carries. */
enum {
	MK_OPT_NONE,		/* none, e.g. a RST from a closed port */
	MK_OPT_SYN,		/* MSS, SACK-permitted, timestamps, wscale */
	MK_OPT_NORMAL,		/* timestamps if negotiated, SACK if set */
};

/* Where a segment's payload comes from. */
enum {
	MK_SRC_REQ,		/* HTTP request */
	MK_SRC_RESP,		/* HTTP response head */
	MK_SRC_BODY,		/* HTTP body */
	MK_SRC_TLS,		/* TLS application data */
	MK_SRC_COUNT,
};

/* How a connection ends; mk_end_pct gives the proportions. */
enum {
	MK_END_FIN4,		/* client FIN, ACK, server FIN, ACK */
	MK_END_FIN3,		/* client FIN, server FIN+ACK, ACK */
	MK_END_SRVFIN,		/* server closes first */
	MK_END_RST,		/* either side aborts */
	MK_END_REFUSED,		/* SYN answered by RST/ACK */
	MK_END_HALF,		/* client FIN, then the server still sends */
	MK_END_COUNT,
};

static const unsigned mk_end_pct[MK_END_COUNT] = { 50, 20, 10, 10, 5, 5 };
static const char *const mk_end_name[MK_END_COUNT] = {
	"fin4", "fin3", "server-fin", "rst", "refused", "half-close"
};
/* Packets each ending adds after the data. */
static const unsigned mk_end_cost[MK_END_COUNT] = { 4, 3, 4, 1, 0, 4 };

struct mk_seg {
	uint32_t	seq;
	uint32_t	ack;
	uint32_t	sack_l;		/* one SACK block; both 0: none */
	uint32_t	sack_r;
	uint32_t	delay_us;	/* wait after the previous segment */
	uint16_t	len;
	uint8_t		dir;
	uint8_t		flags;
	uint8_t		opt;
	uint8_t		src;
};

struct mk_conn {
	struct mk_seg	*seg;
	size_t		 nseg;
	size_t		 capseg;
	size_t		 next;		/* next segment to write */
	uint64_t	 not_before;	/* us; waiting for a timeout */

	uint32_t	 addr[2];	/* [MK_C2S] client, [MK_S2C] server */
	uint16_t	 port[2];
	uint8_t		 server;
	uint8_t		 ttl[2];
	bool		 ts;		/* timestamps negotiated */
	bool		 os_linux;	/* Linux-style SYN options, else
					   Windows-style without timestamps */
	uint8_t		 wscale[2];
	uint16_t	 win[2];	/* window field after the handshake */
	uint16_t	 mss;		/* payload of a full segment */
	uint16_t	 ipid[2];
	uint32_t	 tsoff[2];
	uint32_t	 tslast[2];	/* last TSval each side sent */
	uint32_t	 snd[2];	/* while scripting: next seq to send */
	bool		 tls;		/* port 443: TLS records, else HTTP */
};

struct mk {
	uint64_t	 rng;
	FILE		*f;
	uint64_t	 now;		/* us since MK_EPOCH */
	uint32_t	 snaplen;
	uint16_t	 hostport[MK_NHOSTS];

	uint64_t	 scripted;	/* segments scripted so far */
	uint32_t	 reqlen;	/* an HTTP request head */
	uint64_t	 packets;
	uint64_t	 bytes;
	uint64_t	 retrans;
	uint64_t	 dupacks;
	uint64_t	 ends[MK_END_COUNT];

	uint8_t		 payload[MK_SRC_COUNT][MK_MAXSEG];
	uint32_t	 psum[MK_SRC_COUNT][MK_MAXSEG + 1];
};

static const uint8_t mk_mac_router[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };

static void	usage(void) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr, "usage: mkpcap [-n connections | -p packets "
	    "-c connections] [-o open_at_once] [-s seed] [-S snaplen] file\n"
	    "  -n N   N connections and 25.5 N packets (-p still sets the "
	    "packets)\n"
	    "  -p N   about N packets in all (default %d)\n"
	    "  -c N   N connections (default %d)\n"
	    "  -o N   at most N open at once (default %d)\n"
	    "  -s N   the seed of the random choices (default %d)\n"
	    "  -S N   the snapshot length, 64 to %d (default %d)\n",
	    MK_PACKETS, MK_CONNS, MK_OPEN, MK_SEED, MK_SNAPLEN, MK_SNAPLEN);
	exit(2);
}

/* xorshift64*, seeded through splitmix64 so that no seed gives state 0. */
static void
mk_rng_seed(struct mk *g, uint64_t seed)
{
	uint64_t	z;

	z = seed + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	g->rng = z != 0 ? z : 1;
}

static uint32_t
mk_rand(struct mk *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (uint32_t)((g->rng * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Uniform in [0, n), n > 0. */
static uint32_t
mk_below(struct mk *g, uint32_t n)
{
	return (uint32_t)(((uint64_t)mk_rand(g) * n) >> 32);
}

static uint32_t
mk_range(struct mk *g, uint32_t lo, uint32_t hi)
{
	return lo + mk_below(g, hi - lo + 1);
}

static void
mk_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
mk_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
mk_put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Ones' complement sum of big-endian 16-bit words (RFC 1071). */
static uint32_t
mk_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
mk_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A payload buffer: head, then body repeated to the end. */
static void
mk_fill(uint8_t *p, const char *head, const char *body)
{
	size_t	i, hlen = strlen(head), blen = strlen(body);

	memcpy(p, head, hlen);
	for (i = hlen; i < MK_MAXSEG; i++)
		p[i] = (uint8_t)body[(i - hlen) % blen];
}

/*
 * Payloads always start at offset 0 of one of four buffers, so the sum of
 * every prefix is precomputed and a TCP checksum costs only the headers.
 */
static void
mk_payload_init(struct mk *g)
{
	static const char req[] =
	    "GET /static/app.js?v=20231114 HTTP/1.1\r\n"
	    "Host: www.example.com\r\n"
	    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) "
	    "Gecko/20100101 Firefox/120.0\r\n"
	    "Accept: */*\r\nAccept-Language: en-GB,en;q=0.5\r\n"
	    "Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n"
	    "Referer: https://www.example.com/\r\n"
	    "Cookie: session=7f3a9c2e5b1d4f60a8c3e9b7d2f1a4c6; theme=dark\r\n"
	    "\r\n";
	static const char resp[] =
	    "HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\n"
	    "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Connection: keep-alive\r\nCache-Control: max-age=600\r\n\r\n"
	    "<!DOCTYPE html>\n<html><head><title>synfin</title></head>\n"
	    "<body>\n";
	static const char body[] =
	    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, "
	    "sed do eiusmod tempor incididunt ut labore et dolore magna "
	    "aliqua.</p>\n";
	uint8_t	*p;
	size_t	 i, s;

	g->reqlen = sizeof req - 1;
	mk_fill(g->payload[MK_SRC_REQ], req, body);
	mk_fill(g->payload[MK_SRC_RESP], resp, body);
	mk_fill(g->payload[MK_SRC_BODY], "", body);
	p = g->payload[MK_SRC_TLS];
	for (i = 0; i < MK_MAXSEG; i++)
		p[i] = (uint8_t)mk_rand(g);

	for (s = 0; s < MK_SRC_COUNT; s++) {
		g->psum[s][0] = 0;
		for (i = 1; i <= MK_MAXSEG; i++) {
			if (i & 1)
				g->psum[s][i] = g->psum[s][i - 1] +
				    ((uint32_t)g->payload[s][i - 1] << 8);
			else
				g->psum[s][i] = g->psum[s][i - 1] +
				    g->payload[s][i - 1];
		}
	}
}

static struct mk_seg *
mk_grow(struct mk_conn *c)
{
	if (c->nseg == c->capseg) {
		c->capseg = c->capseg != 0 ? c->capseg * 2 : 64;
		c->seg = realloc(c->seg, c->capseg * sizeof *c->seg);
		if (c->seg == NULL) {
			fprintf(stderr, "mkpcap: out of memory\n");
			exit(1);
		}
	}
	return &c->seg[c->nseg++];
}

/*
 * Script the next segment from dir: it starts at the sender's next
 * sequence number and acknowledges everything the peer sent.  The pointer
 * is valid until the next push.
 */
static struct mk_seg *
mk_push(struct mk_conn *c, int dir, int flags, uint32_t len, int src)
{
	struct mk_seg	*s;

	s = mk_grow(c);
	memset(s, 0, sizeof *s);
	s->dir = (uint8_t)dir;
	s->flags = (uint8_t)flags;
	s->seq = c->snd[dir];
	s->ack = (flags & TH_ACK) ? c->snd[!dir] : 0;
	s->len = (uint16_t)len;
	s->src = (uint8_t)src;
	s->opt = MK_OPT_NORMAL;
	/* SYN and FIN each take one sequence number (RFC 9293 3.4). */
	c->snd[dir] += len + ((flags & TH_SYN) != 0) + ((flags & TH_FIN) != 0);
	return s;
}

/* Script segment idx again (same seq and length), delay_us later. */
static void
mk_retransmit(struct mk *g, struct mk_conn *c, size_t idx, uint32_t delay_us)
{
	struct mk_seg	*s;

	s = mk_grow(c);
	*s = c->seg[idx];
	s->ack = c->snd[!s->dir];
	s->sack_l = s->sack_r = 0;
	s->delay_us = delay_us;
	g->retrans++;
}

/* The receiver's ACK; now and then sent twice (a duplicate ACK). */
static void
mk_ack(struct mk *g, struct mk_conn *c, int dir)
{
	mk_push(c, dir, TH_ACK, 0, 0);
	if (mk_below(g, 1000) < MK_DUPACK) {
		mk_push(c, dir, TH_ACK, 0, 0);
		g->dupacks++;
	}
}

/*
 * nseg segments of data from dir, full-sized but for the last (last
 * bytes).  The peer ACKs every second segment (RFC 1122 4.2.3.2) and, if
 * ack_end, the last one; otherwise its next segment carries the ACK.
 * Some segments are retransmitted: after a timeout, or after three
 * duplicate ACKs with SACK blocks (RFC 5681 3.2, RFC 2018).
 */
static void
mk_stream(struct mk *g, struct mk_conn *c, int dir, uint32_t nseg,
    uint32_t last, int src_first, int src_rest, bool ack_end)
{
	struct mk_seg	*s;
	uint32_t	 i, k, len, lost_l, lost_r;
	unsigned	 unacked = 0;
	size_t		 idx;
	int		 src, flags, peer = !dir;

	for (i = 0; i < nseg; i++) {
		src = i == 0 ? src_first : src_rest;
		len = i + 1 == nseg ? last : c->mss;
		flags = TH_ACK | (i + 1 == nseg ? TH_PSH : 0);
		idx = c->nseg;
		mk_push(c, dir, flags, len, src);
		unacked++;
		if (mk_below(g, 1000) >= MK_RETRANS) {
			if (unacked == 2 || (i + 1 == nseg && ack_end)) {
				mk_ack(g, c, peer);
				unacked = 0;
			}
			continue;
		}
		if (nseg - i - 1 >= 3 && mk_below(g, 2) == 0) {
			/* Lost beyond the capture point: dup ACKs. */
			lost_l = c->seg[idx].seq;
			lost_r = lost_l + len;
			if (unacked > 1) {
				/* The delayed ACK for the segment before. */
				s = mk_push(c, peer, TH_ACK, 0, 0);
				s->ack = lost_l;
			}
			for (k = 0; k < 3; k++) {
				i++;
				len = i + 1 == nseg ? last : c->mss;
				flags = TH_ACK | (i + 1 == nseg ? TH_PSH : 0);
				mk_push(c, dir, flags, len, src_rest);
				s = mk_push(c, peer, TH_ACK, 0, 0);
				s->ack = lost_l;
				s->sack_l = lost_r;
				s->sack_r = c->snd[dir];
				g->dupacks++;
			}
			mk_retransmit(g, c, idx, 0);
		} else {
			/* Retransmission timeout (RFC 6298: at least 200ms
			   on Linux). */
			mk_retransmit(g, c, idx, mk_range(g, 200000, 300000));
		}
		mk_ack(g, c, peer);
		unacked = 0;
	}
}

/*
 * A request: one complete HTTP GET head, or one or two TLS records.  The
 * server ACKs at once or (if !ack_end) with its response.
 */
static void
mk_request(struct mk *g, struct mk_conn *c, bool ack_end)
{
	if (!c->tls)
		mk_stream(g, c, MK_C2S, 1, g->reqlen, MK_SRC_REQ, MK_SRC_REQ,
		    ack_end);
	else if (mk_below(g, 10) == 0)
		mk_stream(g, c, MK_C2S, 2, mk_range(g, 60, 900), MK_SRC_TLS,
		    MK_SRC_TLS, true);
	else
		mk_stream(g, c, MK_C2S, 1, mk_range(g, 60, 900), MK_SRC_TLS,
		    MK_SRC_TLS, ack_end);
}

/* A response of nseg segments: an HTTP head and body, or TLS records. */
static void
mk_response(struct mk *g, struct mk_conn *c, uint32_t nseg)
{
	mk_stream(g, c, MK_S2C, nseg, mk_range(g, 300, c->mss),
	    c->tls ? MK_SRC_TLS : MK_SRC_RESP,
	    c->tls ? MK_SRC_TLS : MK_SRC_BODY, true);
}

/* One request and its response, or (one in ten) an upload. */
static void
mk_round(struct mk *g, struct mk_conn *c, uint32_t resp)
{
	int	src;

	if (mk_below(g, 10) == 0) {
		src = c->tls ? MK_SRC_TLS : MK_SRC_BODY;
		mk_stream(g, c, MK_C2S, resp, mk_range(g, 20, c->mss), src,
		    src, true);
		mk_response(g, c, 1);
		return;
	}
	mk_request(g, c, mk_below(g, 2) == 0);
	mk_response(g, c, resp);
}

/* Response segments that fit in about left packets (ACKs every other). */
static uint32_t
mk_resp_size(struct mk *g, uint32_t left)
{
	uint32_t	n;

	if (left > 45)
		return mk_range(g, 1, 30);
	n = left > 2 ? (left - 2) * 2 / 3 : 1;
	return n > 0 ? n : 1;
}

/* Script a whole connection of about target packets. */
static void
mk_script(struct mk *g, struct mk_conn *c, uint32_t target)
{
	struct mk_seg	*s;
	unsigned	 end, pick, cost;
	int		 side;

	pick = mk_below(g, 100);
	for (end = 0; end < MK_END_COUNT - 1; end++) {
		if (pick < mk_end_pct[end])
			break;
		pick -= mk_end_pct[end];
	}
	g->ends[end]++;
	cost = mk_end_cost[end];

	c->nseg = c->next = 0;
	c->snd[MK_C2S] = mk_rand(g);
	c->snd[MK_S2C] = mk_rand(g);

	/* RFC 9293 3.5: three-way handshake, options on SYN and SYN-ACK. */
	s = mk_push(c, MK_C2S, TH_SYN, 0, 0);
	s->opt = MK_OPT_SYN;
	if (end == MK_END_REFUSED) {
		/* RFC 9293 3.10.7.1: no listener, RST with SEQ 0. */
		s = mk_push(c, MK_S2C, TH_RST | TH_ACK, 0, 0);
		s->seq = 0;
		s->opt = MK_OPT_NONE;
		return;
	}
	s = mk_push(c, MK_S2C, TH_SYN | TH_ACK, 0, 0);
	s->opt = MK_OPT_SYN;
	mk_push(c, MK_C2S, TH_ACK, 0, 0);

	if (end == MK_END_HALF) {
		/* RFC 9293 3.6: the client half-closes after its
		   request; the server still sends its response. */
		mk_request(g, c, false);
		mk_push(c, MK_C2S, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_S2C, TH_ACK, 0, 0);
		mk_response(g, c, mk_resp_size(g, target > c->nseg + cost ?
		    target - (uint32_t)c->nseg - cost + 2 : 1));
		mk_push(c, MK_S2C, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_C2S, TH_ACK, 0, 0);
		return;
	}

	do {
		mk_round(g, c, mk_resp_size(g, target > c->nseg + cost ?
		    target - (uint32_t)c->nseg - cost : 1));
	} while (c->nseg + cost + 3 < target);

	switch (end) {
	case MK_END_FIN4:
		mk_push(c, MK_C2S, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_S2C, TH_ACK, 0, 0);
		mk_push(c, MK_S2C, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_C2S, TH_ACK, 0, 0);
		break;
	case MK_END_FIN3:
		mk_push(c, MK_C2S, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_S2C, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_C2S, TH_ACK, 0, 0);
		break;
	case MK_END_SRVFIN:
		mk_push(c, MK_S2C, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_C2S, TH_ACK, 0, 0);
		mk_push(c, MK_C2S, TH_FIN | TH_ACK, 0, 0);
		mk_push(c, MK_S2C, TH_ACK, 0, 0);
		break;
	case MK_END_RST:
		side = (int)mk_below(g, 2);
		mk_push(c, side, mk_below(g, 4) == 0 ? TH_RST :
		    TH_RST | TH_ACK, 0, 0);
		break;
	}
}

/* Start a connection: a fresh 4-tuple, endpoint traits and a script. */
static void
mk_start(struct mk *g, struct mk_conn *c, uint32_t target)
{
	uint32_t	h, x, pick;

	h = mk_below(g, MK_NHOSTS);
	/* x is a bijection of h, so hosts get distinct addresses. */
	x = (h * 2654435761U) & 0xffff;
	c->addr[MK_C2S] = 10U << 24 | x << 8 | (1 + h % 254);
	if (g->hostport[h] < 32768 || g->hostport[h] > 60999)
		g->hostport[h] = (uint16_t)mk_range(g, 32768, 60999);
	c->port[MK_C2S] = g->hostport[h]++;
	c->server = (uint8_t)mk_below(g, MK_NSERVERS);
	c->addr[MK_S2C] = 172U << 24 | 16U << 16 | (10U + c->server);
	pick = mk_below(g, 10);
	c->port[MK_S2C] = pick < 6 ? 443 : pick < 9 ? 80 : 8080;
	c->tls = c->port[MK_S2C] == 443;

	c->os_linux = mk_below(g, 5) != 0;
	c->ts = c->os_linux;
	c->mss = c->ts ? MK_MAXSEG_TS : MK_MAXSEG;
	c->wscale[MK_C2S] = c->os_linux ? 7 : 8;
	c->wscale[MK_S2C] = 7;
	c->win[MK_C2S] = c->os_linux ? 502 : 1026;
	c->win[MK_S2C] = 509;
	c->ttl[MK_C2S] = (uint8_t)((c->os_linux ? 64 : 128) - 1 - h % 20);
	c->ttl[MK_S2C] = 64;
	c->ipid[MK_C2S] = (uint16_t)mk_rand(g);
	c->ipid[MK_S2C] = (uint16_t)mk_rand(g);
	c->tsoff[MK_C2S] = mk_rand(g);
	c->tsoff[MK_S2C] = mk_rand(g);
	c->tslast[MK_C2S] = c->tslast[MK_S2C] = 0;
	c->not_before = 0;

	mk_script(g, c, target);
	g->scripted += c->nseg;
}

/*
 * Packets for the next connection: what is left of the budget spread over
 * the connections left, drawn from a skewed mix (most short, a few long)
 * whose mean is about that.
 */
static uint32_t
mk_target(struct mk *g, uint64_t packets, uint64_t conns_left)
{
	uint64_t	left, mean;
	uint32_t	pick;

	left = packets > g->scripted ? packets - g->scripted : 0;
	mean = left / conns_left;
	if (mean > 1000000)
		mean = 1000000;
	if (mean < 8)
		return (uint32_t)mean;
	pick = mk_below(g, 100);
	if (pick < 70)
		return mk_range(g, (uint32_t)mean / 4, (uint32_t)mean * 9 / 10);
	if (pick < 95)
		return mk_range(g, (uint32_t)mean, (uint32_t)mean * 5 / 2);
	return mk_range(g, (uint32_t)mean * 5 / 2, (uint32_t)mean * 5);
}

/* Write one segment as an Ethernet/IPv4/TCP frame. */
static void
mk_write(struct mk *g, struct mk_conn *c, const struct mk_seg *s)
{
	static const uint8_t zero[64];
	uint8_t		 b[16 + 14 + 20 + 60 + 6], *eth, *ip, *th, *o;
	const uint8_t	*pl;
	uint32_t	 tsval, sum, caplen, wirelen, frame, thl, iplen, pad;
	uint32_t	 hdrlen, n, plen, psum;
	int		 dir = s->dir;

	eth = b + 16;
	ip = eth + 14;
	th = ip + 20;
	o = th + 20;

	/* RFC 7323 3.2: TSval from a per-host ms clock; TSecr echoes. */
	tsval = c->tsoff[dir] + (uint32_t)(g->now / 1000);
	if (s->opt == MK_OPT_SYN && c->os_linux) {
		o[0] = 2; o[1] = 4; mk_put16(o + 2, 1460);	/* MSS */
		o[4] = 4; o[5] = 2;				/* SACK ok */
		o[6] = 8; o[7] = 10;				/* TS */
		mk_put32(o + 8, tsval);
		mk_put32(o + 12, c->tslast[!dir]);
		o[16] = 1;					/* NOP */
		o[17] = 3; o[18] = 3; o[19] = c->wscale[dir];	/* WS */
		o += 20;
	} else if (s->opt == MK_OPT_SYN) {
		o[0] = 2; o[1] = 4; mk_put16(o + 2, 1460);
		o[4] = 1;
		o[5] = 3; o[6] = 3; o[7] = c->wscale[dir];
		o[8] = 1; o[9] = 1;
		o[10] = 4; o[11] = 2;
		o += 12;
	} else if (s->opt == MK_OPT_NORMAL) {
		if (c->ts) {
			o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
			mk_put32(o + 4, tsval);
			mk_put32(o + 8, c->tslast[!dir]);
			o += 12;
		}
		if (s->sack_l != s->sack_r) {
			o[0] = 1; o[1] = 1; o[2] = 5; o[3] = 10;
			mk_put32(o + 4, s->sack_l);
			mk_put32(o + 8, s->sack_r);
			o += 12;
		}
	}
	if (s->opt != MK_OPT_NONE)
		c->tslast[dir] = tsval;
	thl = (uint32_t)(o - th);
	hdrlen = 16 + 14 + 20 + thl;
	pl = g->payload[s->src];
	plen = s->len;
	psum = g->psum[s->src][s->len];
	if (s->src == MK_SRC_TLS && s->len > 5) {
		/* One application data record a segment (RFC 8446 5.2),
		   its header written after the TCP header. */
		o[0] = 0x17;
		o[1] = 0x03;
		o[2] = 0x03;
		mk_put16(o + 3, s->len - 5u);
		o[5] = pl[5];
		psum = mk_sum(o, 6, 0) + g->psum[s->src][s->len] -
		    g->psum[s->src][6];
		hdrlen += 5;
		pl += 5;
		plen -= 5;
	}
	iplen = 20 + thl + s->len;
	frame = 14 + iplen;
	/* Frames from the wire are padded to the Ethernet minimum; our
	   own (the servers') are captured before padding. */
	pad = dir == MK_C2S && frame < 60 ? 60 - frame : 0;
	wirelen = frame + pad;
	caplen = wirelen < g->snaplen ? wirelen : g->snaplen;

	/* pcap record header, little-endian like the file header. */
	mk_put32le(b, (uint32_t)(MK_EPOCH + g->now / 1000000));
	mk_put32le(b + 4, (uint32_t)(g->now % 1000000));
	mk_put32le(b + 8, caplen);
	mk_put32le(b + 12, wirelen);

	if (dir == MK_C2S) {
		eth[0] = 0x02; eth[1] = 0x00; eth[2] = 0x5e;
		eth[3] = 0x20; eth[4] = 0x00; eth[5] = c->server;
		memcpy(eth + 6, mk_mac_router, 6);
	} else {
		memcpy(eth, mk_mac_router, 6);
		eth[6] = 0x02; eth[7] = 0x00; eth[8] = 0x5e;
		eth[9] = 0x20; eth[10] = 0x00; eth[11] = c->server;
	}
	eth[12] = 0x08;
	eth[13] = 0x00;

	ip[0] = 0x45;
	ip[1] = 0;
	mk_put16(ip + 2, iplen);
	mk_put16(ip + 4, c->ipid[dir]++);
	mk_put16(ip + 6, 0x4000);			/* DF */
	ip[8] = c->ttl[dir];
	ip[9] = 6;
	mk_put16(ip + 10, 0);
	mk_put32(ip + 12, c->addr[dir]);
	mk_put32(ip + 16, c->addr[!dir]);
	mk_put16(ip + 10, mk_fold(mk_sum(ip, 20, 0)));

	mk_put16(th, c->port[dir]);
	mk_put16(th + 2, c->port[!dir]);
	mk_put32(th + 4, s->seq);
	mk_put32(th + 8, s->ack);
	th[12] = (uint8_t)(thl / 4 << 4);
	th[13] = s->flags;
	if (s->flags & TH_RST)
		mk_put16(th + 14, 0);
	else if (s->flags & TH_SYN)
		mk_put16(th + 14, dir == MK_C2S ? 64240 : 65160);
	else
		mk_put16(th + 14, c->win[dir]);
	mk_put16(th + 16, 0);
	mk_put16(th + 18, 0);
	/* RFC 9293 3.1: pseudo-header, header, payload. */
	sum = (c->addr[dir] >> 16) + (c->addr[dir] & 0xffff) +
	    (c->addr[!dir] >> 16) + (c->addr[!dir] & 0xffff) + 6 +
	    thl + s->len;
	sum = mk_sum(th, thl, sum) + psum;
	mk_put16(th + 16, mk_fold(sum));

	n = caplen + 16 < hdrlen ? caplen + 16 : hdrlen;
	fwrite(b, 1, n, g->f);
	if (caplen + 16 > hdrlen) {
		n = caplen + 16 - hdrlen;
		if (n > plen)
			n = plen;
		fwrite(pl, 1, n, g->f);
		if (caplen + 16 > hdrlen + n)
			fwrite(zero, 1, caplen + 16 - hdrlen - n, g->f);
	}
	g->packets++;
	g->bytes += 16 + caplen;
}

static void
mk_header(struct mk *g)
{
	uint8_t	h[24];

	mk_put32le(h, 0xa1b2c3d4);	/* microsecond timestamps */
	h[4] = 2; h[5] = 0;		/* version 2.4 */
	h[6] = 4; h[7] = 0;
	mk_put32le(h + 8, 0);		/* thiszone */
	mk_put32le(h + 12, 0);		/* sigfigs */
	mk_put32le(h + 16, g->snaplen);
	mk_put32le(h + 20, 1);		/* LINKTYPE_ETHERNET */
	fwrite(h, 1, sizeof h, g->f);
	g->bytes += sizeof h;
}

static uint64_t
mk_number(const char *s, uint64_t min, uint64_t max)
{
	unsigned long long	 v;
	char			*end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "mkpcap: bad number: %s\n", s);
		usage();
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct mk	*g;
	struct mk_conn	*pool, **active, *c;
	const char	*path;
	char		*iobuf;
	uint64_t	 packets = MK_PACKETS, conns = MK_CONNS, seed = MK_SEED;
	uint64_t	 started = 0, done = 0;
	uint32_t	 open = MK_OPEN, nactive = 0, maxopen = 0, i, tries;
	uint32_t	 snaplen = MK_SNAPLEN;
	int		 ch;
	bool		 pset = false, nset = false;

	while ((ch = getopt(argc, argv, "c:n:o:p:s:S:")) != -1) {
		switch (ch) {
		case 'c':
			conns = mk_number(optarg, 1, UINT32_MAX);
			break;
		case 'n':
			conns = mk_number(optarg, 1, UINT32_MAX);
			nset = true;
			break;
		case 'o':
			open = (uint32_t)mk_number(optarg, 1, 10000000);
			break;
		case 'p':
			packets = mk_number(optarg, 1, UINT64_MAX / 2);
			pset = true;
			break;
		case 's':
			seed = mk_number(optarg, 0, UINT64_MAX);
			break;
		case 'S':
			snaplen = (uint32_t)mk_number(optarg, 64, MK_SNAPLEN);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	path = argv[0];
	if (nset && !pset)
		packets = (conns * MK_PER_CONN2 + 1) / 2;

	g = calloc(1, sizeof *g);
	pool = calloc(open, sizeof *pool);
	active = calloc(open, sizeof *active);
	iobuf = malloc(MK_IOBUF);
	if (g == NULL || pool == NULL || active == NULL || iobuf == NULL) {
		fprintf(stderr, "mkpcap: out of memory\n");
		return 1;
	}
	for (i = 0; i < open; i++)
		active[i] = &pool[i];
	mk_rng_seed(g, seed);
	g->snaplen = snaplen;
	mk_payload_init(g);

	if ((g->f = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "mkpcap: %s: %s\n", path, strerror(errno));
		return 1;
	}
	setvbuf(g->f, iobuf, _IOFBF, MK_IOBUF);
	mk_header(g);

	/*
	 * active[0..nactive) are open; the rest of the array holds the free
	 * pool entries, so their segment arrays are reused.  New connections
	 * start one in four packets until `open` are open, a gentle ramp at
	 * the start and a quick refill when one ends.
	 */
	while (done < conns) {
		if (nactive < open && started < conns &&
		    (nactive == 0 || mk_below(g, 4) == 0)) {
			c = active[nactive++];
			mk_start(g, c, mk_target(g, packets, conns - started));
			started++;
			if (nactive > maxopen)
				maxopen = nactive;
		}
		for (tries = 0; tries < 8; tries++) {
			i = mk_below(g, nactive);
			if (active[i]->not_before <= g->now)
				break;
		}
		if (tries == 8) {
			/* Most are waiting on a timeout: let time pass. */
			g->now += 1000;
			continue;
		}
		c = active[i];
		g->now += mk_range(g, 1, 7);
		mk_write(g, c, &c->seg[c->next++]);
		if (c->next < c->nseg) {
			if (c->seg[c->next].delay_us != 0)
				c->not_before = g->now +
				    c->seg[c->next].delay_us;
			continue;
		}
		active[i] = active[--nactive];
		active[nactive] = c;
		done++;
	}

	if (fflush(g->f) != 0 || ferror(g->f) || fclose(g->f) != 0) {
		fprintf(stderr, "mkpcap: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(stderr, "mkpcap: %s: %" PRIu64 " packets, %" PRIu64
	    " connections, %" PRIu32 " max open, %" PRIu64 " bytes, "
	    "%.3f s of traffic\n", path, g->packets, done, maxopen, g->bytes,
	    (double)g->now / 1e6);
	fprintf(stderr, "mkpcap: endings:");
	for (i = 0; i < MK_END_COUNT; i++)
		fprintf(stderr, " %s %" PRIu64, mk_end_name[i], g->ends[i]);
	fprintf(stderr, "; %" PRIu64 " retransmissions, %" PRIu64
	    " duplicate ACKs\n", g->retrans, g->dupacks);

	for (i = 0; i < open; i++)
		free(pool[i].seg);
	free(pool);
	free(active);
	free(g);
	free(iobuf);
	return 0;
}
