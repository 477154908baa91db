/* SPDX-License-Identifier: ISC */
/*
 * Demo scenarios: one lesson each, as one table of steps that the two
 * peers (client and server processes) carry out in order.  Each step is
 * one real socket call (or a pause); the demo releases them one by one.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "ev.h"

enum scn_op {
	SCN_SOCKET,		/* fd: slot; arg: SOCK_STREAM / SOCK_DGRAM */
	SCN_BIND,		/* fd; the server's port (arg 0) */
	SCN_LISTEN,		/* fd; arg: backlog */
	SCN_ACCEPT,		/* fd: listener; arg: slot for the new fd */
	SCN_CONNECT,		/* fd; arg: port offset from the server's */
	SCN_SEND,		/* fd; data */
	SCN_RECV,		/* fd */
	SCN_SENDTO,		/* fd; data: to the server's port */
	SCN_RECVFROM,		/* fd: remembers the sender */
	SCN_REPLY,		/* fd; data: sendto() the last sender */
	SCN_SHUTDOWN,		/* fd: shutdown(SHUT_WR) */
	SCN_SHUTDOWN_AT,	/* fd: shutdown(SHUT_WR) at a shared instant */
	SCN_CLOSE,		/* fd */
	SCN_LINGER0,		/* fd: SO_LINGER {1, 0}: close() sends RST */
	SCN_DROP,		/* fd; arg 1: attach a drop-all filter, 0: off */
	SCN_FASTOPEN,		/* fd: setsockopt(TCP_FASTOPEN) on a listener */
	SCN_SEND_FASTOPEN,	/* fd; data: sendto(MSG_FASTOPEN) = connect */
	SCN_PAUSE,		/* no call: wait arg ms (e.g. for an RTO) */
};

#define SCN_NOWAIT	0x1	/* blocks until a later step: go on */
#define SCN_MAX_FDS	12

struct scn_step {
	enum ev_side	side;
	enum scn_op	op;
	int		fd;
	int		arg;
	const char	*data;
	unsigned	flags;
};

#define SCN_V6		0x1	/* over ::1 */
#define SCN_RACE	0x2	/* crossing FINs: check and retry */
#define SCN_TFO		0x4	/* needs net.ipv4.tcp_fastopen */
#define SCN_DROPS	0x8	/* a socket filter drops: the peers keep
				   CAP_NET_ADMIN (and nothing else) */

struct scenario {
	const char		*name;
	const char		*summary;	/* one line for --list, N_():
						   shown through _() */
	unsigned		flags;
	const struct scn_step	*steps;
	int			nsteps;
};

const struct scenario	*scenario_find(const char *name);
const struct scenario	*scenario_at(int i);	/* NULL past the end */
const char		*scenario_op_name(enum scn_op);

#endif
