/* SPDX-License-Identifier: ISC */
/* A demo peer: a process that makes the scenario's socket calls. */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "i18n.h"
#include "peer.h"
#include "sandbox.h"

/*
 * Every socket is non-blocking; a call that would block waits in poll()
 * in 10 ms ticks, so that a timed drop filter can be lifted while, say,
 * connect() waits for a SYN-ACK.  The report of a call goes to the demo
 * before the call when it may block, so the demo can order it before
 * the packets it causes.
 */
#define PEER_TICK_MS	10
#define PEER_BUF	4096

struct peer_state {
	const struct peer_env *env;
	enum ev_side	side;
	int		msg_fd;
	int		fd[SCN_MAX_FDS];
	int		type[SCN_MAX_FDS];
	int64_t		drop_until[SCN_MAX_FDS];	/* realtime ns; 0 off */
	struct sockaddr_storage last_from;
	socklen_t	last_fromlen;
	/* A lab: slot 0 the listener, the others connections. */
	bool		bound0;
	bool		listening0;
	bool		used[SCN_MAX_FDS];	/* connect() was tried */
	struct peer_msg	pend;		/* the action's call not yet sent */
	bool		have_pend;
};

void
peer_sockaddr(const struct sockaddr_storage *ss, struct pkt_addr *a,
    uint16_t *port)
{
	memset(a, 0, sizeof *a);
	*port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		a->family = 4;
		memcpy(a->a, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)ss;

		a->family = 6;
		memcpy(a->a, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
	}
}

static socklen_t
peer_server_addr(const struct peer_state *ps, int offset,
    struct sockaddr_storage *ss)
{
	uint16_t port = (uint16_t)(ps->env->port + offset);

	memset(ss, 0, sizeof *ss);
	if (ps->env->family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		in6->sin6_port = htons(port);
		return sizeof *in6;
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons(port);
		return sizeof *in;
	}
}

static void
peer_send(struct peer_state *ps, struct peer_msg *m)
{
	ssize_t n;

	m->side = (uint8_t)ps->side;
	m->call.side = ps->side;
	do
		n = write(ps->msg_fd, m, sizeof *m);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof *m)
		_exit(1);	/* the demo is gone */
}

static int
peer_drop(struct peer_state *ps, int slot, bool on)
{
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { 1, drop };
	struct peer_msg m = { .kind = PEER_END, .step = -1 };
	int rc;

	if (on)
		rc = setsockopt(ps->fd[slot], SOL_SOCKET, SO_ATTACH_FILTER,
		    &prog, sizeof prog);
	else {
		int zero = 0;	/* the kernel wants an int, though unused */

		rc = setsockopt(ps->fd[slot], SOL_SOCKET, SO_DETACH_FILTER,
		    &zero, sizeof zero);
		ps->drop_until[slot] = 0;
		/* Lifting the filter is a call of its own: report it. */
		m.ts_ns = clock_ns(CLOCK_REALTIME);
		snprintf(m.call.name, sizeof m.call.name, "setsockopt");
		snprintf(m.call.args, sizeof m.call.args,
		    "SO_DETACH_FILTER");
		m.call.filter = rc == 0 ? EV_CALL_FILTER_LIFT :
		    EV_CALL_FILTER_NONE;
		m.call.ret = rc;
		m.call.err = rc < 0 ? errno : 0;
		peer_send(ps, &m);
	}
	return rc;
}

/* Lift drop filters whose time is up; how long until the next one. */
static int
peer_timers(struct peer_state *ps)
{
	int64_t now = clock_ns(CLOCK_REALTIME), next = -1, left;
	int i;

	for (i = 0; i < SCN_MAX_FDS; i++) {
		if (ps->drop_until[i] == 0)
			continue;
		if (now >= ps->drop_until[i])
			peer_drop(ps, i, false);
		else {
			left = (ps->drop_until[i] - now) / 1000000 + 1;
			if (next < 0 || left < next)
				next = left;
		}
	}
	return (int)next;
}

/* Wait until fd is ready for `events`, minding the timers. */
static void
peer_wait(struct peer_state *ps, int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		peer_timers(ps);
		if (poll(&p, 1, PEER_TICK_MS) > 0)
			return;
	}
}

static void
peer_quote(char *dst, size_t len, const char *what, const char *data,
    size_t n)
{
	size_t i, o = 0;

	o += (size_t)snprintf(dst, len, "%s\"", what);
	for (i = 0; i < n && o + 4 < len; i++)
		dst[o++] = (data[i] >= 0x20 && data[i] < 0x7f &&
		    data[i] != '"') ? data[i] : '.';
	if (o + 1 < len)
		dst[o++] = '"';
	dst[o < len ? o : len - 1] = '\0';
}

/*
 * The kernel's own state of a TCP socket (TCP_INFO), as synfin names
 * it, + 1; 0 when there is none to read.  Linux's numbers are its own
 * (include/net/tcp_states.h), not RFC 9293's order.
 */
uint8_t
peer_kstate(int fd)
{
	static const enum tcp_state map[] = {
		[1] = TCP_ST_ESTABLISHED, [2] = TCP_ST_SYN_SENT,
		[3] = TCP_ST_SYN_RECEIVED, [4] = TCP_ST_FIN_WAIT_1,
		[5] = TCP_ST_FIN_WAIT_2, [6] = TCP_ST_TIME_WAIT,
		[7] = TCP_ST_CLOSED, [8] = TCP_ST_CLOSE_WAIT,
		[9] = TCP_ST_LAST_ACK, [10] = TCP_ST_LISTEN,
		[11] = TCP_ST_CLOSING,
	};
	struct tcp_info ti;
	socklen_t tl = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) != 0 ||
	    ti.tcpi_state == 0 || ti.tcpi_state >= sizeof map / sizeof map[0])
		return 0;
	return (uint8_t)(map[ti.tcpi_state] + 1);
}

static void
peer_fill_addrs(struct peer_state *ps, int fd, struct peer_msg *m)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int type = 0;
	socklen_t tl = sizeof type;

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0)
		m->proto = type == SOCK_DGRAM ? 17 : 6;
	if (type == SOCK_STREAM)
		m->call.kstate = peer_kstate(fd);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		peer_sockaddr(&ss, &m->local, &m->lport);
	sl = sizeof ss;
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
		peer_sockaddr(&ss, &m->remote, &m->rport);
	else if (ps->last_fromlen > 0 && type == SOCK_DGRAM)
		peer_sockaddr(&ps->last_from, &m->remote, &m->rport);
}

static bool
peer_may_block(enum scn_op op)
{
	return op == SCN_ACCEPT || op == SCN_CONNECT || op == SCN_RECV ||
	    op == SCN_RECVFROM || op == SCN_SEND_FASTOPEN;
}

static void
peer_step(struct peer_state *ps, const struct peer_cmd *cmd)
{
	const struct scn_step *st = &ps->env->scn->steps[cmd->step];
	struct peer_msg m = { .kind = PEER_START, .step = cmd->step };
	struct sockaddr_storage ss;
	struct linger lg = { 1, 0 };
	char buf[PEER_BUF], host[INET6_ADDRSTRLEN];
	socklen_t sl;
	int fd = st->fd >= 0 && st->fd < SCN_MAX_FDS ? ps->fd[st->fd] : -1;
	int one = 1, nfd, qlen = st->arg, flags;
	ssize_t n = -1;
	int64_t rc = -1;
	size_t dlen = st->data != NULL ? strlen(st->data) : 0;
	const char *sfam = ps->env->family == AF_INET6 ? "AF_INET6" :
	    "AF_INET";

	snprintf(m.call.name, sizeof m.call.name, "%s",
	    scenario_op_name(st->op));
	switch (st->op) {
	case SCN_SOCKET:
		snprintf(m.call.args, sizeof m.call.args, "%s, %s", sfam,
		    st->arg == SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_STREAM");
		break;
	case SCN_BIND:
	case SCN_CONNECT:
	case SCN_SENDTO:
	case SCN_SEND_FASTOPEN:
		sl = peer_server_addr(ps, st->op == SCN_CONNECT ? st->arg : 0,
		    &ss);
		inet_ntop(ss.ss_family, ss.ss_family == AF_INET6 ?
		    (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
		    (void *)&((struct sockaddr_in *)&ss)->sin_addr, host,
		    sizeof host);
		snprintf(m.call.args, sizeof m.call.args,
		    ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host,
		    ps->env->port + (st->op == SCN_CONNECT ? st->arg : 0));
		if (dlen > 0) {
			size_t o = strlen(m.call.args);

			peer_quote(m.call.args + o, sizeof m.call.args - o,
			    st->op == SCN_SEND_FASTOPEN ?
			    ", MSG_FASTOPEN, " : ", ", st->data, dlen);
		}
		break;
	case SCN_LISTEN:
		snprintf(m.call.args, sizeof m.call.args, "backlog %d",
		    st->arg);
		break;
	case SCN_SEND:
	case SCN_REPLY:
		peer_quote(m.call.args, sizeof m.call.args, "", st->data,
		    dlen);
		break;
	case SCN_SHUTDOWN:
	case SCN_SHUTDOWN_AT:
		snprintf(m.call.args, sizeof m.call.args, "SHUT_WR");
		break;
	case SCN_LINGER0:
		snprintf(m.call.args, sizeof m.call.args,
		    "SO_LINGER {on, 0 s}");
		break;
	case SCN_DROP:
		snprintf(m.call.args, sizeof m.call.args,
		    "SO_ATTACH_FILTER drop all, %d ms", st->arg);
		break;
	case SCN_FASTOPEN:
		snprintf(m.call.args, sizeof m.call.args, "TCP_FASTOPEN %d",
		    st->arg);
		break;
	default:
		break;
	}
	m.ts_ns = clock_ns(CLOCK_REALTIME);
	if (peer_may_block(st->op))
		peer_send(ps, &m);

	errno = 0;
	switch (st->op) {
	case SCN_SOCKET:
		nfd = socket(ps->env->family, st->arg | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		ps->fd[st->fd] = nfd;
		ps->type[st->fd] = st->arg;
		if (nfd >= 0 && st->side == EV_SERVER)
			setsockopt(nfd, SOL_SOCKET, SO_REUSEADDR, &one,
			    sizeof one);
		rc = nfd;
		break;
	case SCN_BIND:
		sl = peer_server_addr(ps, 0, &ss);
		rc = bind(fd, (struct sockaddr *)&ss, sl);
		break;
	case SCN_LISTEN:
		rc = listen(fd, st->arg);
		break;
	case SCN_ACCEPT:
		peer_wait(ps, fd, POLLIN);
		sl = sizeof ss;
		nfd = accept4(fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (st->arg >= 0 && st->arg < SCN_MAX_FDS)
			ps->fd[st->arg] = nfd;
		fd = nfd;
		rc = nfd;
		break;
	case SCN_CONNECT:
		sl = peer_server_addr(ps, st->arg, &ss);
		rc = connect(fd, (struct sockaddr *)&ss, sl);
		if (rc < 0 && errno == EINPROGRESS) {
			int soerr = 0;
			socklen_t el = sizeof soerr;

			peer_wait(ps, fd, POLLOUT);
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &el);
			rc = soerr == 0 ? 0 : -1;
			errno = soerr;
		}
		break;
	case SCN_SEND:
		rc = n = send(fd, st->data, dlen, MSG_NOSIGNAL);
		break;
	case SCN_RECV:
		peer_wait(ps, fd, POLLIN);
		rc = n = recv(fd, buf, sizeof buf, 0);
		if (n > 0)
			peer_quote(m.call.args, sizeof m.call.args, "", buf,
			    (size_t)n);
		break;
	case SCN_SENDTO:
		sl = peer_server_addr(ps, 0, &ss);
		rc = sendto(fd, st->data, dlen, 0, (struct sockaddr *)&ss, sl);
		break;
	case SCN_RECVFROM:
		peer_wait(ps, fd, POLLIN);
		ps->last_fromlen = sizeof ps->last_from;
		rc = n = recvfrom(fd, buf, sizeof buf, 0,
		    (struct sockaddr *)&ps->last_from, &ps->last_fromlen);
		if (n > 0)
			peer_quote(m.call.args, sizeof m.call.args, "", buf,
			    (size_t)n);
		break;
	case SCN_REPLY:
		rc = sendto(fd, st->data, dlen, 0,
		    (struct sockaddr *)&ps->last_from, ps->last_fromlen);
		break;
	case SCN_SHUTDOWN_AT:
		while (clock_ns(CLOCK_MONOTONIC) < cmd->at_mono_ns)
			;	/* spin: both sides leave at one instant */
		m.ts_ns = clock_ns(CLOCK_REALTIME);
		rc = shutdown(fd, SHUT_WR);
		break;
	case SCN_SHUTDOWN:
		rc = shutdown(fd, SHUT_WR);
		break;
	case SCN_CLOSE:
		peer_fill_addrs(ps, fd, &m);
		m.call.kstate = 0;	/* gone with the descriptor */
		rc = close(fd);
		ps->fd[st->fd] = -1;
		ps->drop_until[st->fd] = 0;
		fd = -1;
		break;
	case SCN_LINGER0:
		rc = setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		break;
	case SCN_DROP:
		rc = peer_drop(ps, st->fd, true);
		if (rc == 0) {
			ps->drop_until[st->fd] = m.ts_ns +
			    (int64_t)st->arg * 1000000;
			m.call.filter = EV_CALL_FILTER_DROP;
		}
		break;
	case SCN_FASTOPEN:
		rc = setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &qlen,
		    sizeof qlen);
		break;
	case SCN_SEND_FASTOPEN:
		/* Blocking for this call: it connects, as connect() would. */
		flags = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
		sl = peer_server_addr(ps, 0, &ss);
		rc = sendto(fd, st->data, dlen, MSG_FASTOPEN | MSG_NOSIGNAL,
		    (struct sockaddr *)&ss, sl);
		fcntl(fd, F_SETFL, flags);
		break;
	case SCN_PAUSE:
		rc = 0;
		break;
	}
	m.call.err = rc < 0 ? (errno != 0 ? errno : EIO) : 0;
	m.call.ret = rc;
	m.kind = PEER_END;
	peer_fill_addrs(ps, fd, &m);
	peer_send(ps, &m);
}


/* ------------------------------------------------------------- a lab */

/* Report the call before this one of the same action (not its last). */
static void
peer_lab_call(struct peer_state *ps, const char *name, int64_t ts)
{
	if (ps->have_pend) {
		ps->pend.step = -1;
		peer_send(ps, &ps->pend);
	}
	memset(&ps->pend, 0, sizeof ps->pend);
	ps->pend.kind = PEER_END;
	ps->pend.ts_ns = ts;
	snprintf(ps->pend.call.name, sizeof ps->pend.call.name, "%s", name);
	ps->have_pend = true;
}

static void
peer_lab_ret(struct peer_state *ps, int fd, int64_t rc)
{
	ps->pend.call.err = rc < 0 ? (errno != 0 ? errno : EIO) : 0;
	ps->pend.call.ret = rc;
	peer_fill_addrs(ps, fd, &ps->pend);
}

/* The newest open socket in slots 1.., or -1. */
static int
peer_lab_cur(const struct peer_state *ps)
{
	int i;

	for (i = SCN_MAX_FDS - 1; i >= 1; i--)
		if (ps->fd[i] >= 0)
			return i;
	return -1;
}

static int
peer_lab_free(const struct peer_state *ps)
{
	int i;

	for (i = 1; i < SCN_MAX_FDS; i++)
		if (ps->fd[i] < 0)
			return i;
	return -1;
}

/* socket() into `slot`; the lab's sockets get no option by themselves. */
static int
peer_lab_socket(struct peer_state *ps, int slot)
{
	const char *sfam = ps->env->family == AF_INET6 ? "AF_INET6" :
	    "AF_INET";
	int fd;

	peer_lab_call(ps, "socket", clock_ns(CLOCK_REALTIME));
	snprintf(ps->pend.call.args, sizeof ps->pend.call.args,
	    "%s, SOCK_STREAM", sfam);
	errno = 0;
	fd = socket(ps->env->family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	peer_lab_ret(ps, fd, fd);
	if (fd >= 0 && slot >= 0) {
		ps->fd[slot] = fd;
		ps->used[slot] = false;
		if (slot == 0)
			ps->bound0 = ps->listening0 = false;
	} else if (fd >= 0) {
		close(fd);	/* no slot left */
		fd = -1;
	}
	return fd;
}

/*
 * The socket an action is for: the newest connection, else the
 * listener.  A client with none gets a new one (`create`).
 */
static int
peer_lab_target(struct peer_state *ps, bool create)
{
	int slot = peer_lab_cur(ps);

	if (slot >= 0)
		return slot;
	if (ps->fd[0] >= 0)
		return 0;
	if (!create)
		return -1;
	slot = ps->side == EV_SERVER ? 0 : peer_lab_free(ps);
	if (peer_lab_socket(ps, slot) < 0)
		return -1;
	return slot;
}

void
peer_sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		snprintf(buf, len, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		snprintf(buf, len, "%s:%u", host, ntohs(in->sin_port));
	} else
		snprintf(buf, len, "?");
}

/*
 * A call that would block: say so at once (PEER_BLOCKS, with the try's
 * own EAGAIN or EINPROGRESS), then wait for the socket, as a blocking
 * call waits in the kernel.
 */
static void
peer_lab_block(struct peer_state *ps, int fd, short events, int32_t step)
{
	struct peer_msg m = ps->pend;

	m.kind = PEER_BLOCKS;
	m.step = step;
	m.call.ret = -1;
	m.call.err = errno;
	peer_fill_addrs(ps, fd, &m);
	peer_send(ps, &m);
	peer_wait(ps, fd, events);
	ps->pend.ts_ns = clock_ns(CLOCK_REALTIME);
}

static void
peer_lab_step(struct peer_state *ps, const struct peer_cmd *cmd)
{
	const struct lab_action *a = &cmd->lab;
	struct sockaddr_storage ss;
	struct linger lg;
	char buf[PEER_BUF];
	socklen_t sl;
	int slot, fd = -1, v, how;
	int64_t rc;
	size_t want;

	ps->have_pend = false;
	switch (a->op) {
	case LAB_LISTEN:
		if (ps->fd[0] < 0 && peer_lab_socket(ps, 0) < 0)
			break;
		fd = ps->fd[0];
		if (!ps->bound0) {
			peer_lab_call(ps, "bind", clock_ns(CLOCK_REALTIME));
			sl = peer_server_addr(ps, cmd->port - ps->env->port,
			    &ss);
			peer_sockaddr_str(&ss, ps->pend.call.args,
			    sizeof ps->pend.call.args);
			errno = 0;
			rc = bind(fd, (struct sockaddr *)&ss, sl);
			peer_lab_ret(ps, fd, rc);
			if (rc < 0)
				break;
			ps->bound0 = true;
		}
		peer_lab_call(ps, "listen", clock_ns(CLOCK_REALTIME));
		snprintf(ps->pend.call.args, sizeof ps->pend.call.args,
		    "backlog %d", a->arg2);
		errno = 0;
		rc = listen(fd, a->arg2);
		peer_lab_ret(ps, fd, rc);
		if (rc == 0)
			ps->listening0 = true;
		break;
	case LAB_ACCEPT:
		fd = ps->fd[0];
		slot = peer_lab_free(ps);
		peer_lab_call(ps, "accept", clock_ns(CLOCK_REALTIME));
		for (;;) {
			errno = 0;
			sl = sizeof ss;
			rc = accept4(fd, (struct sockaddr *)&ss, &sl,
			    SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (rc >= 0 || errno != EAGAIN)
				break;
			peer_lab_block(ps, fd, POLLIN, cmd->step);
		}
		if (rc >= 0 && slot < 0) {
			close((int)rc);	/* no slot left: say so */
			rc = -1;
			errno = EMFILE;
		}
		if (rc >= 0) {
			ps->fd[slot] = (int)rc;
			ps->used[slot] = true;
			fd = (int)rc;
		}
		peer_lab_ret(ps, fd, rc);
		break;
	case LAB_CONNECT:
		slot = peer_lab_cur(ps);
		if (slot < 0 || ps->used[slot]) {
			slot = peer_lab_free(ps);
			if (peer_lab_socket(ps, slot) < 0)
				break;
		}
		fd = ps->fd[slot];
		ps->used[slot] = true;
		peer_lab_call(ps, "connect", clock_ns(CLOCK_REALTIME));
		sl = peer_server_addr(ps, cmd->port - ps->env->port, &ss);
		peer_sockaddr_str(&ss, ps->pend.call.args,
		    sizeof ps->pend.call.args);
		errno = 0;
		rc = connect(fd, (struct sockaddr *)&ss, sl);
		if (rc < 0 && errno == EINPROGRESS) {
			int soerr = 0;
			socklen_t el = sizeof soerr;

			peer_lab_block(ps, fd, POLLOUT, cmd->step);
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &el);
			rc = soerr == 0 ? 0 : -1;
			errno = soerr;
		}
		peer_lab_ret(ps, fd, rc);
		break;
	case LAB_SEND:
		slot = peer_lab_target(ps, false);
		fd = slot >= 0 ? ps->fd[slot] : -1;
		peer_lab_call(ps, "send", clock_ns(CLOCK_REALTIME));
		peer_quote(ps->pend.call.args, sizeof ps->pend.call.args, "",
		    a->text, a->len);
		errno = 0;
		rc = send(fd, a->text, a->len, MSG_NOSIGNAL);
		peer_lab_ret(ps, fd, rc);
		break;
	case LAB_RECV:
		slot = peer_lab_target(ps, false);
		fd = slot >= 0 ? ps->fd[slot] : -1;
		want = a->arg > 0 && (size_t)a->arg < sizeof buf ?
		    (size_t)a->arg : sizeof buf;
		peer_lab_call(ps, "recv", clock_ns(CLOCK_REALTIME));
		for (;;) {
			errno = 0;
			rc = recv(fd, buf, want, 0);
			if (rc >= 0 || errno != EAGAIN)
				break;
			peer_lab_block(ps, fd, POLLIN, cmd->step);
		}
		if (rc > 0)
			peer_quote(ps->pend.call.args,
			    sizeof ps->pend.call.args, "", buf, (size_t)rc);
		peer_lab_ret(ps, fd, rc);
		break;
	case LAB_SHUTDOWN:
		slot = peer_lab_target(ps, false);
		fd = slot >= 0 ? ps->fd[slot] : -1;
		how = a->arg == LAB_SHUT_RD ? SHUT_RD : a->arg == LAB_SHUT_WR ?
		    SHUT_WR : SHUT_RDWR;
		peer_lab_call(ps, "shutdown", clock_ns(CLOCK_REALTIME));
		snprintf(ps->pend.call.args, sizeof ps->pend.call.args, "%s",
		    labscript_shut_name(a->arg));
		errno = 0;
		rc = shutdown(fd, how);
		peer_lab_ret(ps, fd, rc);
		break;
	case LAB_ABORT:
	case LAB_CLOSE:
		slot = peer_lab_target(ps, false);
		fd = slot >= 0 ? ps->fd[slot] : -1;
		if (a->op == LAB_ABORT) {
			lg.l_onoff = 1;
			lg.l_linger = 0;
			peer_lab_call(ps, "setsockopt",
			    clock_ns(CLOCK_REALTIME));
			snprintf(ps->pend.call.args, sizeof ps->pend.call.args,
			    "SO_LINGER {on, 0 s}");
			errno = 0;
			rc = setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
			    sizeof lg);
			peer_lab_ret(ps, fd, rc);
		}
		peer_lab_call(ps, "close", clock_ns(CLOCK_REALTIME));
		peer_fill_addrs(ps, fd, &ps->pend);
		ps->pend.call.kstate = 0;	/* gone with the descriptor */
		errno = 0;
		rc = close(fd);
		ps->pend.call.err = rc < 0 ? errno : 0;
		ps->pend.call.ret = rc;
		if (slot >= 0) {
			ps->fd[slot] = -1;
			ps->used[slot] = false;
			if (slot == 0)
				ps->bound0 = ps->listening0 = false;
		}
		break;
	case LAB_SETSOCKOPT:
		slot = a->arg == LAB_OPT_REUSEADDR && ps->side == EV_SERVER ?
		    (ps->fd[0] >= 0 ? 0 : -1) : peer_lab_target(ps, true);
		if (slot < 0 && ps->side == EV_SERVER &&
		    peer_lab_socket(ps, 0) >= 0)
			slot = 0;
		fd = slot >= 0 ? ps->fd[slot] : -1;
		peer_lab_call(ps, "setsockopt", clock_ns(CLOCK_REALTIME));
		errno = 0;
		v = a->arg2;
		if (a->arg == LAB_OPT_LINGER) {
			lg.l_onoff = v >= 0;
			lg.l_linger = v >= 0 ? v : 0;
			if (v >= 0)
				snprintf(ps->pend.call.args,
				    sizeof ps->pend.call.args,
				    "SO_LINGER {on, %d s}", v);
			else
				snprintf(ps->pend.call.args,
				    sizeof ps->pend.call.args,
				    "SO_LINGER {off}");
			rc = setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
			    sizeof lg);
		} else {
			snprintf(ps->pend.call.args, sizeof ps->pend.call.args,
			    "%s %d", labscript_opt_name(a->arg), v);
			rc = a->arg == LAB_OPT_NODELAY ?
			    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v,
			    sizeof v) :
			    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v,
			    sizeof v);
		}
		peer_lab_ret(ps, fd, rc);
		break;
	case LAB_SLEEP:
		break;
	}
	if (!ps->have_pend) {
		/* Nothing was called (a sleep): still answer the step. */
		peer_lab_call(ps, "pause", clock_ns(CLOCK_REALTIME));
		ps->pend.call.ret = 0;
	}
	ps->pend.step = cmd->step;
	slot = peer_lab_cur(ps);
	ps->pend.labflags = (uint8_t)((ps->fd[0] >= 0 ? PEER_LAB_LISTENER : 0) |
	    (ps->listening0 ? PEER_LAB_LISTENING : 0) |
	    (slot >= 0 ? PEER_LAB_CONN : 0) |
	    (slot >= 0 && ps->used[slot] ? PEER_LAB_USED : 0));
	peer_send(ps, &ps->pend);
	ps->have_pend = false;
}

static void
peer_realtime(enum ev_side side)
{
	struct sched_param sp = { .sched_priority = 10 };
	cpu_set_t set;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	/* LINUX-TCP-NOTES: crossing FINs need both sides on their own CPU
	 * at real-time priority, memory already touched. */
	CPU_ZERO(&set);
	CPU_SET(ncpu > 1 ? (int)side % (int)ncpu : 0, &set);
	sched_setaffinity(0, sizeof set, &set);
	sched_setscheduler(0, SCHED_FIFO, &sp);
	mlockall(MCL_CURRENT | MCL_FUTURE);
}

static void
peer_main(struct peer_state *ps, int cmd_fd)
{
	struct peer_cmd cmd;
	struct pollfd p = { .fd = cmd_fd, .events = POLLIN };
	ssize_t n;
	int i, wait;

	for (;;) {
		wait = peer_timers(ps);
		if (poll(&p, 1, wait) <= 0)
			continue;
		n = read(cmd_fd, &cmd, sizeof cmd);
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof cmd || cmd.step < 0 ||
		    (!ps->env->lab && cmd.step >= ps->env->scn->nsteps))
			break;
		if (ps->env->lab)
			peer_lab_step(ps, &cmd);
		else
			peer_step(ps, &cmd);
	}
	for (i = 0; i < SCN_MAX_FDS; i++) {
		if (ps->fd[i] >= 0)
			close(ps->fd[i]);
	}
}

int
peer_spawn(struct peer *p, enum ev_side side, const struct peer_env *env,
    char *err, size_t len)
{
	struct peer_state ps;
	int cmd[2], msg[2], keep[2], i;
	char derr[256];
	pid_t pid, parent = getpid();

	if (pipe2(cmd, O_CLOEXEC) != 0) {
		snprintf(err, len, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(msg, O_CLOEXEC) != 0) {
		snprintf(err, len, "pipe: %s", strerror(errno));
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		close(cmd[0]);
		close(cmd[1]);
		close(msg[0]);
		close(msg[1]);
		return -1;
	}
	if (pid == 0) {
		close(cmd[1]);
		close(msg[0]);
		/* Nothing of synfin's: not the capture's socket, not the
		 * other peer's pipes, not the writers' sockets. */
		keep[0] = cmd[0];
		keep[1] = msg[1];
		sandbox_close_fds(keep, 2);
		signal(SIGINT, SIG_IGN);	/* the demo decides */
		signal(SIGPIPE, SIG_IGN);
		if (env->realtime)
			peer_realtime(side);
		if (sandbox_drop_except((env->scn->flags & SCN_DROPS) ?
		    CAP_NET_ADMIN : 0, derr, sizeof derr) != 0) {
			fprintf(stderr, side == EV_CLIENT ?
			    _("synfin: client peer: %s\n") :
			    _("synfin: server peer: %s\n"), derr);
			_exit(1);
		}
		/* synfin killed outright: do not linger, blocked in a call.
		 * (Set after the drop: changing the uid clears it.) */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(1);
		memset(&ps, 0, sizeof ps);
		ps.env = env;
		ps.side = side;
		ps.msg_fd = msg[1];
		for (i = 0; i < SCN_MAX_FDS; i++)
			ps.fd[i] = -1;
		peer_main(&ps, cmd[0]);
		_exit(0);
	}
	close(cmd[0]);
	close(msg[1]);
	p->pid = pid;
	p->cmd_fd = cmd[1];
	p->msg_fd = msg[0];
	p->side = side;
	return 0;
}
