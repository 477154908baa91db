/* SPDX-License-Identifier: ISC */
/*
 * The demo's peers: a client and a server, each a process of its own
 * making real socket calls on command.  The demo sends a step number;
 * the peer reports the call it makes (before a call that may block, and
 * when it returns) with the time, the clock pcap stamps with.
 *
 * In a lab the command carries the action itself (it is typed while the
 * peers run) and one action may make several calls (listen: socket(),
 * bind(), listen()): each is reported as it returns, the last with the
 * step number.  A call that would block is reported at once with the
 * EAGAIN or EINPROGRESS of its first try (PEER_BLOCKS), and again when
 * it returns, so nothing waits behind it.
 */
#ifndef PEER_H
#define PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ev.h"
#include "labscript.h"
#include "scenario.h"

struct peer_cmd {
	int32_t		step;		/* index into the scenario (a lab:
					   into its actions) */
	int64_t		at_mono_ns;	/* SHUTDOWN_AT: the shared instant */
	uint16_t	port;		/* a lab: the port the action uses */
	struct lab_action lab;		/* a lab: the action itself */
};

enum peer_msg_kind {
	PEER_START,		/* a call that may block has begun */
	PEER_END,		/* a call returned */
	PEER_BLOCKS,		/* a lab: the call would block (its try
				   returned EAGAIN or EINPROGRESS): the
				   peer waits in poll() for it */
	PEER_EXIT,		/* synfin run's tracer: PROGRAM exited,
				   call.ret is its wait status */
	PEER_SPAWN,		/* synfin run's tracer: a program started or
				   exec'd: side, call.pid, call.prog */
	PEER_KSTATE,		/* synfin run's tracer: the kernel's state of
				   a socket (local, remote, ports) changed:
				   call.ret is its enum tcp_state */
};

/*
 * One report of a call, from a demo peer or from synfin run's tracer
 * (trace.c), which numbers the calls it traces in `step`.
 */
struct peer_msg {
	uint8_t		kind;
	uint8_t		side;
	int32_t		step;
	int64_t		ts_ns;		/* CLOCK_REALTIME when it began */
	int64_t		end_ns;		/* when it returned; 0: unknown */
	struct ev_call	call;
	uint8_t		proto;		/* the socket's, for conn matching */
	struct pkt_addr	local;
	struct pkt_addr	remote;
	uint16_t	lport;
	uint16_t	rport;
	uint8_t		labflags;	/* a lab: PEER_LAB_*, after the call */
};

/* A lab: what the side has, so a UI can offer the calls that make sense. */
#define PEER_LAB_LISTENER	0x1	/* a listening socket (or one to be) */
#define PEER_LAB_LISTENING	0x2	/* listen() succeeded on it */
#define PEER_LAB_CONN		0x4	/* a connection socket is open */
#define PEER_LAB_USED		0x8	/* ... it connected or was accepted */

struct peer_env {
	const struct scenario *scn;
	int		family;		/* AF_INET or AF_INET6 */
	uint16_t	port;		/* the server's */
	bool		realtime;	/* SCHED_FIFO and pinning (races) */
	bool		lab;		/* actions come in the commands */
};

struct peer {
	pid_t		pid;
	int		cmd_fd;		/* write struct peer_cmd */
	int		msg_fd;		/* read struct peer_msg */
	enum ev_side	side;
};

/*
 * The kernel's own state of TCP socket fd (TCP_INFO) as enum tcp_state
 * + 1, for ev_call.kstate; 0 when there is none to read.
 */
uint8_t	peer_kstate(int fd);

/* A socket address as a conn's address and port (family 0 but for
 * AF_INET and AF_INET6), and as "127.0.0.1:8080", "[::1]:8080" or "?";
 * for peer.c and trace.c alike. */
void	peer_sockaddr(const struct sockaddr_storage *, struct pkt_addr *,
	    uint16_t *port);
void	peer_sockaddr_str(const struct sockaddr_storage *, char *buf,
	    size_t len);

/* Fork a peer; it drops its privileges before its first call. */
int	peer_spawn(struct peer *, enum ev_side, const struct peer_env *,
	    char *err, size_t len);

#endif
