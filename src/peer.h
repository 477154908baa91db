/* SPDX-License-Identifier: ISC */
/*
 * The demo's peers: a client and a server, each a process of its own
 * making real socket calls on command.  The demo sends a step number;
 * the peer reports the call it makes (before a call that may block, and
 * when it returns) with the time, the clock pcap stamps with.
 */
#ifndef PEER_H
#define PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ev.h"
#include "scenario.h"

struct peer_cmd {
	int32_t		step;		/* index into the scenario */
	int64_t		at_mono_ns;	/* SHUTDOWN_AT: the shared instant */
};

enum peer_msg_kind {
	PEER_START,		/* a call that may block has begun */
	PEER_END,		/* a call returned */
};

struct peer_msg {
	uint8_t		kind;
	uint8_t		side;
	int32_t		step;
	int64_t		ts_ns;		/* CLOCK_REALTIME when it began */
	struct ev_call	call;
	uint8_t		proto;		/* the socket's, for conn matching */
	struct pkt_addr	local;
	struct pkt_addr	remote;
	uint16_t	lport;
	uint16_t	rport;
};

struct peer_env {
	const struct scenario *scn;
	int		family;		/* AF_INET or AF_INET6 */
	uint16_t	port;		/* the server's */
	bool		realtime;	/* SCHED_FIFO and pinning (races) */
};

struct peer {
	pid_t		pid;
	int		cmd_fd;		/* write struct peer_cmd */
	int		msg_fd;		/* read struct peer_msg */
	enum ev_side	side;
};

/* Fork a peer; it drops its privileges before its first call. */
int	peer_spawn(struct peer *, enum ev_side, const struct peer_env *,
	    char *err, size_t len);

#endif
