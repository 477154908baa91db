/* SPDX-License-Identifier: ISC */
/*
 * The kernel's own TCP states, for the sources that run the programs
 * (demo, run): every TCP socket of the caller's network namespace, read
 * with sock_diag (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, inet_diag),
 * which needs no privilege.  Each kstate_poll() dumps them and reports
 * the sockets whose state changed since the last dump: new ones, and
 * those that are gone (reported CLOSED).  Listening and unconnected
 * sockets (no peer port) name no connection and are left out.
 *
 * Feed what it reports to engine_kstate() in time order with the frames
 * and calls (merge_kstate() at its ts_ns).  A dump sees the state when
 * it is asked: a state the socket passed through between two dumps is
 * not seen (the wire may show it; synfin(1), KERNEL STATES).
 */
#ifndef KSTATE_H
#define KSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "pkt.h"
#include "tcp_fsm.h"

struct kstate_sock {
	struct pkt_addr	local;		/* IPv4-mapped IPv6 given as IPv4 */
	struct pkt_addr	remote;
	uint16_t	lport;
	uint16_t	rport;
	enum tcp_state	state;		/* the request socket of a half-open
					   connection: SYN_RECEIVED */
	uint8_t		source;		/* KSTATE_DIAG, KSTATE_TRACE (ev.h) */
	int64_t		ts_ns;		/* CLOCK_REALTIME: when the kernel
					   answered a read, or when the
					   tracepoint saw the change */
};

typedef void	(*kstate_cb)(void *arg, const struct kstate_sock *);

struct kstate;

/*
 * Open the netlink socket.  With nports > 0 only sockets with one of
 * `ports` as their local or peer port are reported (a run on the host's
 * loopback); 0: every socket of the namespace.  NULL with a message.
 */
struct kstate	*kstate_new(const uint16_t *ports, size_t nports, char *err,
		     size_t len);
void		 kstate_free(struct kstate *);

/*
 * Dump now and call cb for each change since the last dump.  Returns the
 * number of changes, or -1 with a message (msg.h: for a warning, English
 * in --json; a failed dump reports nothing and forgets nothing).
 */
int		 kstate_poll(struct kstate *, kstate_cb cb, void *arg,
		     struct msg *err);

/*
 * The sock:inet_sock_set_state tracepoint, through perf_event_open: every
 * change as it happens, stamped by the kernel.  Needs root (or
 * CAP_PERFMON) and tracefs (for the tracepoint's id and format); open it
 * before privileges are dropped, read it after.  A change to CLOSE is
 * not reported (a socket becoming a TIME_WAIT mini-socket is traced so):
 * kstate_poll() reports sockets that are gone.  0, or -1 with the reason.
 */
int		 kstate_trace_open(struct kstate *, char *err, size_t len);
/* Report the changes traced since the last call; returns how many. */
int		 kstate_trace_read(struct kstate *, kstate_cb cb, void *arg);

/* The RFC 9293 state of a Linux TCP state number (include/net/tcp_states.h);
 * -1 for a number it does not know. */
int		 kstate_from_linux(unsigned st);

#endif
