/* SPDX-License-Identifier: ISC */
/* What the core's tests share (fixture.h). */

#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define FIXTURE_MAX_RECORD	262144
#define FIXTURE_CLIENT		"10.0.0.1"
#define FIXTURE_SERVER		"10.0.0.2"

void
fixture_init(struct fixture *fx, struct engine *e)
{
	memset(fx, 0, sizeof *fx);
	fx->e = e;
	fx->step = FIXTURE_MS;
	fx->cport = 40000;
	fx->sport = 80;
	fx->uport = 53;
}

void
fixture_open(struct fixture *fx, size_t max_events,
    const struct engine_config *cfg)
{
	struct timeline *tl = timeline_new(max_events);

	fixture_init(fx, engine_new(cfg, timeline_sink(tl)));
	fx->tl = tl;
}

void
fixture_close(struct fixture *fx)
{
	if (fx->tl == NULL)
		return;
	engine_free(fx->e);
	timeline_free(fx->tl);
	fx->e = NULL;
	fx->tl = NULL;
}

void
fixture_feed(struct fixture *fx, const uint8_t *frame, size_t len)
{
	cr_assert_not_null(fx->e, "fixture: no engine to feed");
	fx->frame++;
	fx->now += fx->step;
	engine_frame(fx->e, fx->frame, fx->now, DEC_LT_RAW, frame,
	    fx->snap != 0 && fx->snap < len ? fx->snap : len, len);
}

void
fixture_skip(struct fixture *fx, uint64_t n)
{
	fx->frame += n;
	fx->now += (int64_t)n * fx->step;
}

void
fixture_tcp(struct fixture *fx, bool cli, const struct pb_tcp *t)
{
	uint8_t buf[PB_MAX];
	struct pb_tcp s = *t;
	size_t n;

	s.link.linktype = DEC_LT_RAW;
	if (s.ip.src == NULL && s.ip.dst == NULL) {
		s.ip.src = cli ? FIXTURE_CLIENT : FIXTURE_SERVER;
		s.ip.dst = cli ? FIXTURE_SERVER : FIXTURE_CLIENT;
	}
	if (s.sport == 0 && s.dport == 0) {
		s.sport = cli ? fx->cport : fx->sport;
		s.dport = cli ? fx->sport : fx->cport;
	}
	if (s.win == 0 && !s.win_zero)
		s.win = fx->win;
	n = pb_tcp(buf, sizeof buf, &s);
	cr_assert_gt(n, 0, "fixture: a TCP segment that cannot be built");
	fixture_feed(fx, buf, n);
}

void
fixture_seg(struct fixture *fx, bool cli, uint16_t flags, uint32_t seq,
    uint32_t ack, size_t len)
{
	struct pb_tcp t = { .flags = flags, .seq = seq, .ack = ack,
	    .paylen = len };

	fixture_tcp(fx, cli, &t);
}

void
fixture_handshake(struct fixture *fx, uint32_t cisn, uint32_t sisn)
{
	fixture_seg(fx, true, TCP_SYN, cisn, 0, 0);
	fixture_seg(fx, false, TCP_SYN | TCP_ACK, sisn, cisn + 1, 0);
	fixture_seg(fx, true, TCP_ACK, cisn + 1, sisn + 1, 0);
}

/* A UDP datagram of the fixture's conn, built into buf[PB_MAX]. */
static size_t
fixture_build_udp(const struct fixture *fx, bool cli, size_t len,
    uint8_t *buf)
{
	struct pb_udp u = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = { .src = cli ? FIXTURE_CLIENT : FIXTURE_SERVER,
		    .dst = cli ? FIXTURE_SERVER : FIXTURE_CLIENT },
		.sport = cli ? fx->cport : fx->uport,
		.dport = cli ? fx->uport : fx->cport,
		.paylen = len,
	};
	size_t n = pb_udp(buf, PB_MAX, &u);

	cr_assert_gt(n, 0, "fixture: a UDP datagram that cannot be built");
	return n;
}

void
fixture_udp(struct fixture *fx, bool cli, size_t len)
{
	uint8_t buf[PB_MAX];
	size_t n = fixture_build_udp(fx, cli, len, buf);

	fixture_feed(fx, buf, n);
}

void
fixture_icmp_unreach(struct fixture *fx, size_t len)
{
	uint8_t q[PB_MAX], buf[PB_MAX];
	struct pb_icmp ic = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = { .src = FIXTURE_SERVER, .dst = FIXTURE_CLIENT },
		.type = 3, .code = 3,		/* RFC 792: port unreachable */
		.quote = q,
	};
	size_t n;

	ic.quotelen = fixture_build_udp(fx, true, len, q);
	n = pb_icmp(buf, sizeof buf, &ic);
	cr_assert_gt(n, 0, "fixture: an ICMP error that cannot be built");
	fixture_feed(fx, buf, n);
}

void
fixture_call(struct fixture *fx, int64_t ts, enum ev_side side,
    const char *name, const char *args, int64_t ret)
{
	struct ev_call c = { .side = side, .ret = ret };
	struct pkt_addr cli, srv;

	memset(&cli, 0, sizeof cli);
	memset(&srv, 0, sizeof srv);
	cli.family = srv.family = 4;
	memcpy(cli.a, (const uint8_t []){ 10, 0, 0, 1 }, 4);
	memcpy(srv.a, (const uint8_t []){ 10, 0, 0, 2 }, 4);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.args, sizeof c.args, "%s", args);
	if (side == EV_CLIENT)
		engine_call(fx->e, ts, &c, 6, &cli, fx->cport, &srv,
		    fx->sport);
	else
		engine_call(fx->e, ts, &c, 6, &srv, fx->sport, &cli,
		    fx->cport);
}

static uint32_t
fixture_rd32(const uint8_t *b, bool swap)
{
	return swap ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3] : (uint32_t)b[3] << 24 |
	    (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

long
fixture_pcap(struct engine *e, const char *path, uint64_t *frame)
{
	uint8_t hdr[24], rec[16], *buf;
	uint32_t link, incl, orig, usec;
	bool swap, nano;
	long n = 0;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	if (fread(hdr, 1, 24, fp) != 24 || (buf = malloc(
	    FIXTURE_MAX_RECORD)) == NULL) {
		fclose(fp);
		return -1;
	}
	swap = hdr[0] == 0xa1;
	nano = fixture_rd32(hdr, swap) == 0xa1b23c4d;
	link = fixture_rd32(hdr + 20, swap);
	while (fread(rec, 1, 16, fp) == 16) {
		incl = fixture_rd32(rec + 8, swap);
		orig = fixture_rd32(rec + 12, swap);
		if (incl > FIXTURE_MAX_RECORD ||
		    fread(buf, 1, incl, fp) != incl) {
			n = -1;
			break;
		}
		usec = fixture_rd32(rec + 4, swap);
		engine_frame(e, ++*frame, (int64_t)fixture_rd32(rec, swap) *
		    1000000000 + (int64_t)usec * (nano ? 1 : 1000), (int)link,
		    buf, incl, orig);
		n++;
	}
	free(buf);
	fclose(fp);
	engine_finish(e);
	return n;
}

void
fixture_capture(struct fixture *fx, const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s.pcap", CAPTURES, name);
	cr_assert_gt(fixture_pcap(fx->e, path, &fx->frame), 0, "%s", path);
}

#ifndef PUBLIC_PCAPS
#define PUBLIC_PCAPS	"/work/shared/pcaps/public"
#endif

void
fixture_each_bundled(fixture_each_fn fn)
{
	static const char *const caps[] = {
		"abort", "fastopen", "half-close", "handshake", "ipv6",
		"loss", "many", "refused", "server-close",
		"simultaneous-close", "syn-retry", "udp-unreachable", "udp",
		"unread-close",
	};
	char path[512];
	size_t k;

	for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
		snprintf(path, sizeof path, "%s/%s.pcap", CAPTURES, caps[k]);
		fn(path, caps[k]);
	}
}

long
fixture_each_public(fixture_each_fn fn)
{
	const char *dir = getenv("SYNFIN_PUBLIC_PCAPS");
	char path[1024];
	struct dirent *d;
	size_t len;
	long n = 0;
	DIR *dp;

	if (dir == NULL)
		dir = PUBLIC_PCAPS;
	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		len = strlen(d->d_name);
		if ((len < 5 || strcmp(d->d_name + len - 5, ".pcap") != 0) &&
		    (len < 7 || strcmp(d->d_name + len - 7, ".pcapng") != 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		fn(path, d->d_name);
		n++;
	}
	closedir(dp);
	return n;
}
