/* SPDX-License-Identifier: ISC */
/*
 * What the core's tests share: a conversation built in memory and fed to
 * an engine frame by frame, and a bundled classic pcap fed the way
 * synfin replay feeds it, without libpcap (tests link only the core).
 *
 * A conversation has two endpoints, the client 10.0.0.1:cport and the
 * server 10.0.0.2:sport (uport for UDP).  Every frame is raw IP
 * (DEC_LT_RAW), numbered one more than the last, and stamped by a clock
 * that moves `step` ns before each frame.  A test owns a struct fixture,
 * sets what differs from the defaults, and moves `now`, `frame` or
 * `cport` itself where the story needs it (an idle gap, another conn):
 *
 *	static struct fixture fx;
 *
 *	fixture_open(&fx, 0, NULL);		(setup)
 *	fixture_handshake(&fx, 100, 500);
 *	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 5);
 *	fx.now += 5 * ROWS_GAP_NS;		(an idle gap)
 *	fixture_seg(&fx, false, TCP_ACK, 501, 106, 0);
 *	... fixture_at(fx.tl, i) ...
 *	fixture_close(&fx);			(teardown)
 *
 * The builders fail the running Criterion test when a frame cannot be
 * built (a bug of the test, not of synfin).
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "pktbuild.h"
#include "timeline.h"

#define FIXTURE_MS	1000000LL	/* ns */

struct fixture {
	struct engine	*e;		/* what the frames are fed to */
	struct timeline	*tl;		/* fixture_open()'s; else NULL */
	uint64_t	 frame;		/* number of the last frame fed */
	int64_t		 now;		/* its time, ns */
	int64_t		 step;		/* ns the clock moves before a frame */
	uint16_t	 cport;		/* the client's port */
	uint16_t	 sport;		/* the server's TCP port */
	uint16_t	 uport;		/* the server's UDP port */
	uint16_t	 win;		/* a segment's window; 0: pktbuild's
					   default (65535) */
	size_t		 snap;		/* 0: frames are captured whole;
					   else their first `snap` bytes */
};

/*
 * Feed `e`, from frame 1 at time `step`: frame 0, now 0, step 1 ms,
 * client port 40000, server ports 80 (TCP) and 53 (UDP), no snaplen.
 */
void	fixture_init(struct fixture *, struct engine *e);
/*
 * fixture_init() with a new timeline holding at most `max_events` (0: no
 * cap), fed by a new engine configured by `cfg` (NULL: the defaults).
 */
void	fixture_open(struct fixture *, size_t max_events,
	    const struct engine_config *cfg);
/* Frees what fixture_open() made; a no-op after fixture_init(). */
void	fixture_close(struct fixture *);

/* The next frame: `len` bytes of raw IP (at most `snap` captured). */
void	fixture_feed(struct fixture *, const uint8_t *frame, size_t len);
/* `n` frames go by that the engine never sees: numbers and clock. */
void	fixture_skip(struct fixture *, uint64_t n);

/*
 * The next frame, a TCP segment from the client (cli) or the server.
 * `t` gives flags, seq, ack, payload, window, options; the link (RAW),
 * the addresses and the ports of the fixture's conn are filled in, and
 * the window when t->win is 0 and t->win_zero is not set.
 */
void	fixture_tcp(struct fixture *, bool cli, const struct pb_tcp *t);
/* The common case: `len` bytes of pktbuild's pattern. */
void	fixture_seg(struct fixture *, bool cli, uint16_t flags, uint32_t seq,
	    uint32_t ack, size_t len);
/* SYN (cisn), SYN-ACK (sisn, cisn + 1), ACK (cisn + 1, sisn + 1). */
void	fixture_handshake(struct fixture *, uint32_t cisn, uint32_t sisn);
/* A UDP datagram of `len` bytes, client:cport <-> server:uport. */
void	fixture_udp(struct fixture *, bool cli, size_t len);
/*
 * The server's ICMP port unreachable quoting a client datagram of `len`
 * bytes to uport, as a host with no socket there answers.
 */
void	fixture_icmp_unreach(struct fixture *, size_t len);

/*
 * A socket call at `ts` by `side`, of the fixture's TCP conn (its
 * endpoints given, so the call is tied to the conn).
 */
void	fixture_call(struct fixture *, int64_t ts, enum ev_side side,
	    const char *name, const char *args, int64_t ret);

/*
 * Every frame of the classic pcap at `path` (either byte order, micro- or
 * nanosecond stamps) to `e`, numbered from *frame + 1, then
 * engine_finish().  Returns the frames fed, or -1 when the file cannot be
 * read or a record is cut or bigger than 256 KiB.
 */
long	fixture_pcap(struct engine *e, const char *path, uint64_t *frame);
/*
 * The bundled capture captures/NAME.pcap through fixture_pcap(), frames
 * numbered from fx->frame + 1; fails the test when it cannot be read.
 */
void	fixture_capture(struct fixture *, const char *name);

/*
 * fn(path, name) for each bundled capture; for each capture (.pcap,
 * .pcapng) of the public corpus (SYNFIN_PUBLIC_PCAPS names another
 * directory than ../shared/pcaps/public): how many, or -1 when it is not
 * there.
 */
typedef void	(*fixture_each_fn)(const char *path, const char *name);
void	fixture_each_bundled(fixture_each_fn);
long	fixture_each_public(fixture_each_fn);

/*
 * Step i of tl as an event (timeline_get()), in one of eight buffers used
 * in turn, so that a test may hold a few at once.
 */
static inline const struct ev *
fixture_at(const struct timeline *tl, size_t i)
{
	static struct ev buf[8];
	static unsigned k;

	return timeline_get(tl, i, &buf[k++ % 8]);
}

/* Endpoint side's state after conn c's held step k. */
static inline enum tcp_state
fixture_st(const struct timeline *tl, const struct tl_conn *c, size_t k,
    int side)
{
	enum tcp_state st[2];

	timeline_states_before(tl, c, k + 1, st);
	return st[side];
}

#endif
