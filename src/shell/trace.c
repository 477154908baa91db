/* SPDX-License-Identifier: ISC */
/*
 * synfin run's tracer (trace.h).  strace (src/strace.c, the ptrace loop;
 * src/filter_seccomp.c, the filter) is the model.  Invariants: every
 * program is a tracee from its first instruction (PTRACE_TRACEME, then a
 * stop before exec); the seccomp filter returns SECCOMP_RET_TRACE only
 * for the traced system calls, so a tracee stops only at those (a
 * seccomp stop at entry, then, resumed with PTRACE_SYSCALL, a stop at
 * exit for the return value); read, write and close are reported only on
 * an AF_INET/AF_INET6 socket, and so is every other call on a socket of
 * another family.  The tracer looks at a socket through a duplicate of
 * the tracee's descriptor (pidfd_getfd) that it closes before the
 * tracee goes on, so that a close() still closes.
 */

#include "config.h"

#include "trace.h"

#if defined(__x86_64__)

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "i18n.h"
#include "kstate.h"
#include "peer.h"
#include "sandbox.h"
#include "xmalloc.h"

/* The traced system calls, x86_64 numbers. */
enum trace_call {
	TC_SOCKET,
	TC_BIND,
	TC_LISTEN,
	TC_ACCEPT,
	TC_ACCEPT4,
	TC_CONNECT,
	TC_SENDTO,
	TC_SENDMSG,
	TC_WRITE,
	TC_RECVFROM,
	TC_RECVMSG,
	TC_READ,
	TC_SHUTDOWN,
	TC_CLOSE,
	TC_SETSOCKOPT,
	TC_COUNT,
};

static const struct {
	long		nr;
	const char	*name;
	bool		at_start;	/* placed when made, not returned */
} trace_calls[TC_COUNT] = {
	[TC_SOCKET] = { SYS_socket, "socket", false },
	[TC_BIND] = { SYS_bind, "bind", false },
	[TC_LISTEN] = { SYS_listen, "listen", false },
	[TC_ACCEPT] = { SYS_accept, "accept", false },
	[TC_ACCEPT4] = { SYS_accept4, "accept4", false },
	[TC_CONNECT] = { SYS_connect, "connect", true },
	[TC_SENDTO] = { SYS_sendto, "sendto", true },
	[TC_SENDMSG] = { SYS_sendmsg, "sendmsg", true },
	[TC_WRITE] = { SYS_write, "write", true },
	[TC_RECVFROM] = { SYS_recvfrom, "recvfrom", false },
	[TC_RECVMSG] = { SYS_recvmsg, "recvmsg", false },
	[TC_READ] = { SYS_read, "read", false },
	[TC_SHUTDOWN] = { SYS_shutdown, "shutdown", true },
	[TC_CLOSE] = { SYS_close, "close", true },
	[TC_SETSOCKOPT] = { SYS_setsockopt, "setsockopt", false },
};

/* A socket as the tracer sees it through its duplicate. */
struct trace_sock {
	int		domain;
	int		type;
	struct sockaddr_storage local;
	struct sockaddr_storage remote;
	bool		has_local;
	bool		has_remote;
	uint8_t		kstate;		/* peer_kstate() */
};

/* A thread or process being traced. */
struct tracee {
	pid_t		tid;
	pid_t		tgid;
	int		pidfd;		/* of tgid; -1 until needed */
	int		lfd;		/* our duplicate of the call's socket
					   during the call; -1 */
	enum ev_side	role;
	char		prog[16];
	bool		started;	/* its first stop was seen */
	bool		named;		/* prog is from its own exec */
	bool		in_call;	/* between a seccomp and an exit stop */
	bool		sent_start;
	enum trace_call	tc;
	uint64_t	args[6];
	int64_t		t_start;
	int32_t		step;
	struct peer_msg	m;		/* what is known from the entry */
	struct sockaddr_storage to;	/* connect, bind, sendto's address */
	bool		has_to;
};

struct trace {
	const struct trace_opts *o;
	int		msg_fd;
	struct tracee	*t;
	size_t		nt;
	size_t		capt;
	size_t		hint;
	int32_t		step;
	pid_t		main_pid;	/* PROGRAM */
	pid_t		server_pid;
	bool		main_done;
	int		main_status;
	bool		listening;	/* CMD listens (or gave up waiting) */
	bool		server_gone;
	struct kstate	*ks;		/* the kernel's TCP states, or NULL */
};

static int64_t
trace_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
trace_supported(void)
{
	return true;
}

static void
trace_send(struct trace *tr, const struct peer_msg *m)
{
	ssize_t n;

	do
		n = write(tr->msg_fd, m, sizeof *m);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof *m)
		_exit(1);	/* synfin is gone: EXITKILL ends the rest */
}

/* ------------------------------------------------------------ tracees */

static struct tracee *
trace_find(struct trace *tr, pid_t tid)
{
	size_t i;

	if (tr->hint < tr->nt && tr->t[tr->hint].tid == tid)
		return &tr->t[tr->hint];
	for (i = 0; i < tr->nt; i++) {
		if (tr->t[i].tid == tid) {
			tr->hint = i;
			return &tr->t[i];
		}
	}
	return NULL;
}

/* A field of /proc/TID/status ("Tgid:", "PPid:"), or dflt. */
static pid_t
trace_status(pid_t tid, const char *key, pid_t dflt)
{
	char path[64], line[128];
	size_t n = strlen(key);
	pid_t v = dflt;
	FILE *fp;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	if ((fp = fopen(path, "re")) == NULL)
		return dflt;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, key, n) == 0) {
			v = (pid_t)strtol(line + n, NULL, 10);
			break;
		}
	}
	fclose(fp);
	return v;
}

static pid_t
trace_tgid(pid_t tid)
{
	return trace_status(tid, "Tgid:", tid);
}

static pid_t
trace_parent(pid_t tid)
{
	return trace_status(tid, "PPid:", 0);
}

/* Copy a name, cut to fit (a program's name is longer than comm). */
static void
trace_name(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/*
 * A program's name as a learner knows it: the script an interpreter runs
 * ("python3 tcp_client.py" is tcp_client.py), else the command's.
 */
static void
trace_progname(pid_t pid, char *buf, size_t len)
{
	static const char *const interp[] = { "python", "perl", "ruby",
	    "node", "sh", "bash", "dash", "php", "lua", "tclsh" };
	char path[64], cmd[512], *a0, *a1, *b;
	ssize_t n;
	size_t i;
	int fd;

	snprintf(buf, len, "?");
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, cmd, sizeof cmd - 1);
	close(fd);
	if (n <= 0)
		return;
	cmd[n] = '\0';
	a0 = cmd;
	a1 = a0 + strlen(a0) + 1;
	if ((b = strrchr(a0, '/')) != NULL)
		a0 = b + 1;
	trace_name(buf, len, a0);
	if (a1 >= cmd + n || *a1 == '-' || *a1 == '\0')
		return;
	for (i = 0; i < sizeof interp / sizeof interp[0]; i++) {
		if (strncmp(a0, interp[i], strlen(interp[i])) == 0) {
			if ((b = strrchr(a1, '/')) != NULL)
				a1 = b + 1;
			trace_name(buf, len, a1);
			return;
		}
	}
}

static void	trace_sock_drop(struct tracee *);

static struct tracee *
trace_add(struct trace *tr, pid_t tid, enum ev_side role, const char *prog)
{
	struct tracee *t;
	char name[sizeof t->prog];

	/* prog may point into the array that grows here. */
	trace_name(name, sizeof name, prog);
	prog = name;
	if (tr->nt == tr->capt) {
		tr->capt = tr->capt ? tr->capt * 2 : 16;
		tr->t = xreallocarray(tr->t, tr->capt, sizeof *tr->t);
	}
	t = &tr->t[tr->nt++];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->tgid = trace_tgid(tid);
	t->pidfd = -1;
	t->lfd = -1;
	t->role = role;
	trace_name(t->prog, sizeof t->prog, prog);
	return t;
}

static void
trace_remove(struct trace *tr, struct tracee *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	trace_sock_drop(t);
	*t = tr->t[--tr->nt];
	tr->hint = 0;
}

static void
trace_spawned(struct trace *tr, const struct tracee *t)
{
	struct peer_msg m = { .kind = PEER_SPAWN, .step = -1 };

	m.side = (uint8_t)t->role;
	m.ts_ns = clock_ns(CLOCK_REALTIME);
	m.call.side = t->role;
	m.call.pid = t->tgid;
	snprintf(m.call.prog, sizeof m.call.prog, "%s", t->prog);
	trace_send(tr, &m);
}

/* ------------------------------------------------------------ sockets */

static int
trace_pidfd(struct tracee *t)
{
	if (t->pidfd < 0)
		t->pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
	return t->pidfd;
}

/* What the tracer's duplicate `lfd` of a socket says of it. */
static int
trace_sock_read(int lfd, struct trace_sock *s)
{
	socklen_t sl;

	memset(s, 0, sizeof *s);
	sl = sizeof s->domain;
	if (getsockopt(lfd, SOL_SOCKET, SO_DOMAIN, &s->domain, &sl) != 0)
		return -1;
	sl = sizeof s->type;
	getsockopt(lfd, SOL_SOCKET, SO_TYPE, &s->type, &sl);
	sl = sizeof s->local;
	s->has_local = getsockname(lfd, (struct sockaddr *)&s->local,
	    &sl) == 0;
	sl = sizeof s->remote;
	s->has_remote = getpeername(lfd, (struct sockaddr *)&s->remote,
	    &sl) == 0;
	/* The kernel's own state as the call returns (demo, lab: the
	 * same from TCP_INFO). */
	s->kstate = s->type == SOCK_STREAM ? peer_kstate(lfd) : 0;
	return 0;
}

/*
 * The tracee's socket fd, seen through a duplicate; -1: not a socket.
 * With `keep` the duplicate stays open in t->lfd until the call
 * returns (never across a close(), which would then not close).
 */
static int
trace_sock(struct tracee *t, int fd, struct trace_sock *s, bool keep)
{
	int lfd, pfd;

	memset(s, 0, sizeof *s);
	if (fd < 0 || (pfd = trace_pidfd(t)) < 0)
		return -1;
	if ((lfd = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0)) < 0)
		return -1;
	if (trace_sock_read(lfd, s) != 0 || !keep) {
		close(lfd);
		return s->domain != 0 ? 0 : -1;
	}
	t->lfd = lfd;
	return 0;
}

static void
trace_sock_drop(struct tracee *t)
{
	if (t->lfd >= 0)
		close(t->lfd);
	t->lfd = -1;
}

static bool
trace_inet(int domain)
{
	return domain == AF_INET || domain == AF_INET6;
}

/* The conn a call is about: its socket's addresses, else `to`. */
static void
trace_fill(struct peer_msg *m, const struct trace_sock *s,
    const struct sockaddr_storage *to, bool has_to)
{
	m->proto = s->type == SOCK_DGRAM ? 17 : 6;
	if (s->has_local)
		peer_sockaddr(&s->local, &m->local, &m->lport);
	if (s->has_remote)
		peer_sockaddr(&s->remote, &m->remote, &m->rport);
	else if (has_to)
		peer_sockaddr(to, &m->remote, &m->rport);
}

/* Bytes of the tracee's memory; the count read. */
static size_t
trace_peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len };
	struct iovec r = { (void *)(uintptr_t)addr, len };
	ssize_t n;

	if (addr == 0 || len == 0)
		return 0;
	n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	return n > 0 ? (size_t)n : 0;
}

static bool
trace_peek_addr(pid_t pid, uint64_t addr, uint64_t alen,
    struct sockaddr_storage *ss)
{
	size_t n;

	memset(ss, 0, sizeof *ss);
	if (addr == 0 || alen < sizeof(sa_family_t))
		return false;
	n = trace_peek(pid, addr, ss, alen < sizeof *ss ? (size_t)alen :
	    sizeof *ss);
	return n >= sizeof(sa_family_t) &&
	    (ss->ss_family == AF_INET || ss->ss_family == AF_INET6);
}

/* Append the first bytes at addr, quoted as the demo quotes them. */
static void
trace_quote(char *dst, size_t len, pid_t pid, uint64_t addr, size_t n)
{
	unsigned char data[40];
	size_t got, i, o = strlen(dst);

	got = trace_peek(pid, addr, data, n < sizeof data ? n : sizeof data);
	if (o + 2 >= len)
		return;
	dst[o++] = '"';
	for (i = 0; i < got && o + 5 < len; i++)
		dst[o++] = (data[i] >= 0x20 && data[i] < 0x7f &&
		    data[i] != '"') ? (char)data[i] : '.';
	dst[o++] = '"';
	dst[o] = '\0';
	if (got < n && o + 4 < len)
		snprintf(dst + o, len - o, "...");
}

static void
trace_append(char *dst, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
trace_append(char *dst, size_t len, const char *fmt, ...)
{
	size_t o = strlen(dst);
	va_list ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(dst + o, len - o, fmt, ap);
	va_end(ap);
}

static const char *
trace_sockopt_name(int level, int name)
{
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: return "SO_REUSEADDR";
		case SO_REUSEPORT: return "SO_REUSEPORT";
		case SO_KEEPALIVE: return "SO_KEEPALIVE";
		case SO_LINGER: return "SO_LINGER";
		case SO_RCVBUF: return "SO_RCVBUF";
		case SO_SNDBUF: return "SO_SNDBUF";
		case SO_BROADCAST: return "SO_BROADCAST";
		case SO_RCVTIMEO: return "SO_RCVTIMEO";
		case SO_SNDTIMEO: return "SO_SNDTIMEO";
		}
	} else if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY: return "TCP_NODELAY";
		case TCP_FASTOPEN: return "TCP_FASTOPEN";
		case TCP_KEEPIDLE: return "TCP_KEEPIDLE";
		case TCP_QUICKACK: return "TCP_QUICKACK";
		}
	}
	return NULL;
}

/* ------------------------------------------------------------- calls */

static int
trace_classify(long nr)
{
	int i;

	for (i = 0; i < TC_COUNT; i++) {
		if (trace_calls[i].nr == nr)
			return i;
	}
	return -1;
}

static void
trace_cont(pid_t tid, int req, int sig)
{
	ptrace((enum __ptrace_request)req, tid, 0, (void *)(intptr_t)sig);
}

/* A seccomp stop: a traced call is about to run. */
static void
trace_enter(struct trace *tr, struct tracee *t)
{
	struct __ptrace_syscall_info info;
	struct trace_sock s;
	struct peer_msg *m = &t->m;
	int tc, fd, level, name, val;
	uint64_t *a;

	memset(&info, 0, sizeof info);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof info, &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_SECCOMP ||
	    info.arch != AUDIT_ARCH_X86_64 ||
	    (tc = trace_classify((long)info.seccomp.nr)) < 0) {
		trace_cont(t->tid, PTRACE_CONT, 0);
		return;
	}
	a = t->args;
	memcpy(a, info.seccomp.args, sizeof t->args);
	fd = (int)a[0];
	memset(m, 0, sizeof *m);
	t->has_to = false;
	if (tc == TC_SOCKET) {
		if (!trace_inet((int)a[0])) {
			trace_cont(t->tid, PTRACE_CONT, 0);
			return;
		}
		snprintf(m->call.args, sizeof m->call.args, "%s, %s",
		    a[0] == AF_INET6 ? "AF_INET6" : "AF_INET",
		    (a[1] & 0xf) == SOCK_DGRAM ? "SOCK_DGRAM" :
		    (a[1] & 0xf) == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_RAW");
		m->proto = (a[1] & 0xf) == SOCK_DGRAM ? 17 : 6;
	} else {
		/* Every other call names a socket: is it one of ours? */
		if (trace_sock(t, fd, &s, tc != TC_CLOSE) != 0 ||
		    !trace_inet(s.domain)) {
			trace_sock_drop(t);
			trace_cont(t->tid, PTRACE_CONT, 0);
			return;
		}
		trace_fill(m, &s, NULL, false);
	}
	t->tc = (enum trace_call)tc;
	snprintf(m->call.name, sizeof m->call.name, "%s",
	    trace_calls[tc].name);
	switch (tc) {
	case TC_BIND:
	case TC_CONNECT:
		t->has_to = trace_peek_addr(t->tid, a[1], a[2], &t->to);
		if (t->has_to)
			peer_sockaddr_str(&t->to, m->call.args,
			    sizeof m->call.args);
		break;
	case TC_LISTEN:
		snprintf(m->call.args, sizeof m->call.args, "backlog %d",
		    (int)a[1]);
		break;
	case TC_SENDTO:
		t->has_to = trace_peek_addr(t->tid, a[4], a[5], &t->to);
		if (t->has_to) {
			peer_sockaddr_str(&t->to, m->call.args,
			    sizeof m->call.args);
			trace_append(m->call.args, sizeof m->call.args, ", ");
		} else
			/* libc's send() is sendto() without an address */
			snprintf(m->call.name, sizeof m->call.name, "send");
		trace_quote(m->call.args, sizeof m->call.args, t->tid, a[1],
		    (size_t)a[2]);
		if (t->has_to)
			trace_fill(m, &s, &t->to, true);
		break;
	case TC_WRITE:
		trace_quote(m->call.args, sizeof m->call.args, t->tid, a[1],
		    (size_t)a[2]);
		break;
	case TC_SHUTDOWN:
		snprintf(m->call.args, sizeof m->call.args, "%s",
		    a[1] == SHUT_RD ? "SHUT_RD" : a[1] == SHUT_WR ? "SHUT_WR" :
		    "SHUT_RDWR");
		break;
	case TC_SETSOCKOPT:
		level = (int)a[1];
		name = (int)a[2];
		val = 0;
		if (trace_sockopt_name(level, name) != NULL)
			snprintf(m->call.args, sizeof m->call.args, "%s",
			    trace_sockopt_name(level, name));
		else
			snprintf(m->call.args, sizeof m->call.args, "%d, %d",
			    level, name);
		if (a[4] == sizeof val && trace_peek(t->tid, a[3], &val,
		    sizeof val) == sizeof val)
			trace_append(m->call.args, sizeof m->call.args,
			    ", %d", val);
		break;
	default:
		break;
	}
	t->in_call = true;
	t->t_start = clock_ns(CLOCK_REALTIME);
	t->step = tr->step++;
	t->sent_start = false;
	m->step = t->step;
	m->side = (uint8_t)t->role;
	m->call.side = t->role;
	m->call.pid = t->tgid;
	snprintf(m->call.prog, sizeof m->call.prog, "%s", t->prog);
	if (trace_calls[tc].at_start) {
		m->kind = PEER_START;
		m->ts_ns = t->t_start;
		trace_send(tr, m);
		t->sent_start = true;
	}
	trace_cont(t->tid, PTRACE_SYSCALL, 0);
}

/* Whether a call can change its socket's addresses. */
static bool
trace_renews(enum trace_call tc)
{
	switch (tc) {
	case TC_SOCKET:
	case TC_BIND:
	case TC_LISTEN:
	case TC_ACCEPT:
	case TC_ACCEPT4:
	case TC_CONNECT:
	case TC_RECVFROM:
	case TC_SENDTO:		/* an unbound socket gets its port */
		return true;
	default:
		return false;
	}
}

static void
trace_kstate_cb(void *arg, const struct kstate_sock *ks)
{
	struct trace *tr = arg;
	struct peer_msg m = { .kind = PEER_KSTATE, .step = -1 };

	m.ts_ns = clock_ns(CLOCK_REALTIME);
	m.proto = 6;
	m.local = ks->local;
	m.remote = ks->remote;
	m.lport = ks->lport;
	m.rport = ks->rport;
	m.call.ret = (int64_t)ks->state;
	trace_send(tr, &m);
}

static void
trace_kstate(struct trace *tr)
{
	struct msg err;

	if (kstate_poll(tr->ks, trace_kstate_cb, tr, &err) < 0) {
		/* Main's own reads after packets go on. */
		kstate_free(tr->ks);
		tr->ks = NULL;
	}
}

/* A syscall-exit stop: the call returned. */
static void
trace_exit(struct trace *tr, struct tracee *t)
{
	struct __ptrace_syscall_info info;
	struct sockaddr_storage from;
	struct trace_sock s;
	struct peer_msg *m = &t->m;
	int64_t rv;
	int fd = (int)t->args[0], got;
	bool has_from = false;

	memset(&info, 0, sizeof info);
	t->in_call = false;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof info, &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_EXIT) {
		trace_sock_drop(t);
		trace_cont(t->tid, PTRACE_CONT, 0);
		return;
	}
	rv = info.exit.rval;
	m->end_ns = clock_ns(CLOCK_REALTIME);
	m->call.ret = info.exit.is_error ? -1 : rv;
	m->call.err = info.exit.is_error ? (int)-rv : 0;
	if (m->call.err >= 512 && m->call.err <= 516)
		m->call.err = EINTR;	/* interrupted; it will restart */
	switch (t->tc) {
	case TC_SOCKET:
	case TC_ACCEPT:
	case TC_ACCEPT4:
		fd = rv >= 0 ? (int)rv : -1;
		break;
	case TC_RECVFROM:
		if (rv >= 0) {
			socklen_t alen = 0;

			if (t->args[5] != 0 && trace_peek(t->tid, t->args[5],
			    &alen, sizeof alen) == sizeof alen)
				has_from = trace_peek_addr(t->tid, t->args[4],
				    alen, &from);
			if (has_from) {
				peer_sockaddr_str(&from, m->call.args,
				    sizeof m->call.args);
				trace_append(m->call.args,
				    sizeof m->call.args, ", ");
			} else if (t->args[4] == 0)
				snprintf(m->call.name, sizeof m->call.name,
				    "recv");
			if (rv > 0)
				trace_quote(m->call.args, sizeof m->call.args,
				    t->tid, t->args[1], (size_t)rv);
		} else if (t->args[4] == 0)
			snprintf(m->call.name, sizeof m->call.name, "recv");
		break;
	case TC_READ:
		if (rv > 0)
			trace_quote(m->call.args, sizeof m->call.args,
			    t->tid, t->args[1], (size_t)rv);
		break;
	case TC_SENDMSG:
	case TC_RECVMSG:
		if (rv >= 0)
			snprintf(m->call.args, sizeof m->call.args,
			    "%lld bytes", (long long)rv);
		break;
	default:
		break;
	}
	/*
	 * The socket as the call left it: its addresses where the call
	 * gave some (socket, bind, connect, accept, a datagram's source),
	 * its kernel state.  A new descriptor (socket, accept) is looked at
	 * anew; the others through the duplicate kept since the entry.
	 */
	got = -1;
	if (fd != (int)t->args[0] || t->lfd < 0)
		got = fd >= 0 ? trace_sock(t, fd, &s, false) : -1;
	else
		got = trace_sock_read(t->lfd, &s);
	trace_sock_drop(t);
	if (got == 0) {
		m->call.kstate = s.kstate;
		if (trace_renews(t->tc)) {
			memset(&m->local, 0, sizeof m->local);
			memset(&m->remote, 0, sizeof m->remote);
			m->lport = m->rport = 0;
			trace_fill(m, &s, has_from ? &from : &t->to,
			    has_from || (t->has_to && t->tc != TC_BIND));
		}
		if ((t->tc == TC_ACCEPT || t->tc == TC_ACCEPT4) &&
		    s.has_remote)
			peer_sockaddr_str(&s.remote, m->call.args,
			    sizeof m->call.args);
		if (t->role == EV_SERVER && m->call.ret == 0 &&
		    (t->tc == TC_LISTEN ||
		    (t->tc == TC_BIND && s.type == SOCK_DGRAM)))
			tr->listening = true;
	}
	m->kind = PEER_END;
	if (!t->sent_start)
		m->ts_ns = t->t_start;
	if (!trace_calls[t->tc].at_start)
		/* A call that waits for the peer is drawn where it
		 * returned: after the packets it waited for. */
		m->ts_ns = m->end_ns;
	trace_send(tr, m);
	/* The kernel's states right after a TCP call, while the program
	 * is still stopped: a state the next call would change is seen. */
	if (tr->ks != NULL && m->proto == 6 && t->tc != TC_SOCKET)
		trace_kstate(tr);
	trace_cont(t->tid, PTRACE_CONT, 0);
}

/* ------------------------------------------------------------ children */

/* Seccomp: SECCOMP_RET_TRACE for the traced calls, x86_64 only. */
static int
trace_filter_install(void)
{
	struct sock_filter f[4 + TC_COUNT + 2];
	struct sock_fprog prog;
	unsigned n = 0, i;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	/* Another architecture's calls (int 0x80) are not decoded. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < TC_COUNT; i++)
		/* A match jumps to the TRACE return past the others. */
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, (uint32_t)trace_calls[i].nr, (uint8_t)(TC_COUNT - i),
		    0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE);
	prog.len = (unsigned short)n;
	prog.filter = f;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* In the child: become a tracee, then exec. */
static void
trace_child(const struct trace_opts *o, enum ev_side role, int errfd,
    pid_t tracer)
{
	static char shell[] = "/bin/sh", dash_c[] = "-c";
	char *sh[] = { shell, dash_c, NULL, NULL };
	char *const *argv = o->argv;
	int in = role == EV_CLIENT ? o->in : -1;
	sigset_t none;

	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (in < 0)
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in >= 0 && in != 0)
		dup2(in, 0);
	dup2(o->out[role][0], 1);
	dup2(o->out[role][1], 2);
	if (role == EV_SERVER) {
		sh[2] = (char *)(uintptr_t)o->server;
		argv = sh;
	}
	/* Until the tracer has set PTRACE_O_EXITKILL, its death would leave
	 * this child stopped for good: die with it (kept across exec, like
	 * EXITKILL).  It may be gone already. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != tracer)
		_exit(127);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) {
		dprintf(errfd, "synfin: ptrace: %s\n", strerror(errno));
		_exit(127);
	}
	raise(SIGSTOP);		/* until the tracer has set its options */
	if (trace_filter_install() != 0) {
		dprintf(errfd, "synfin: seccomp: %s\n", strerror(errno));
		_exit(127);
	}
	execvp(argv[0], argv);
	dprintf(errfd, _("synfin: cannot run %s: %s\n"), argv[0],
	    strerror(errno));
	_exit(127);
}

static pid_t
trace_start_prog(struct trace *tr, enum ev_side role, int errfd)
{
	int opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE |
	    PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC |
	    PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;
	struct tracee *t;
	pid_t pid, me = getpid();
	int st;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0)
		trace_child(tr->o, role, errfd, me);
	if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st)) {
		return -1;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(intptr_t)opts) != 0) {
		dprintf(errfd, "synfin: ptrace: %s\n", strerror(errno));
		kill(pid, SIGKILL);
		return -1;
	}
	t = trace_add(tr, pid, role, role == EV_SERVER ? "sh" :
	    tr->o->argv[0]);
	t->started = true;
	trace_cont(pid, PTRACE_CONT, 0);
	return pid;
}

/* ------------------------------------------------------------- the loop */

static void
trace_gone(struct trace *tr, pid_t pid, int st)
{
	struct tracee *t = trace_find(tr, pid);

	if (t != NULL) {
		if (t->in_call && t->sent_start) {
			/* Killed inside the call: it never returned.  (A copy:
			 * GCC's -Wstringop-overread under the sanitizers
			 * misjudges the size of t->m here.) */
			struct peer_msg m = t->m;

			m.kind = PEER_END;
			m.call.ret = -1;
			m.call.err = EINTR;
			m.end_ns = clock_ns(CLOCK_REALTIME);
			trace_send(tr, &m);
		}
		trace_remove(tr, t);
	}
	if (pid == tr->main_pid) {
		tr->main_done = true;
		tr->main_status = st;
	}
	if (pid == tr->server_pid)
		tr->server_gone = true;
}

static void
trace_event(struct trace *tr, pid_t pid, int st)
{
	struct tracee *t = trace_find(tr, pid), *c, *p;
	siginfo_t si;
	unsigned long msg = 0;
	int sig = WSTOPSIG(st), ev = (st >> 16) & 0xff;

	if (t == NULL) {
		/* A new child can stop before its parent's event: its
		 * parent (a thread: its process) says its role now. */
		p = trace_find(tr, trace_parent(pid));
		if (p == NULL)
			p = trace_find(tr, trace_tgid(pid));
		t = trace_add(tr, pid, p != NULL ? p->role : EV_CLIENT,
		    p != NULL ? p->prog : "?");
	}
	/* (trace_add() may have moved every tracee: look again.) */
	t = trace_find(tr, pid);
	if (ev == PTRACE_EVENT_SECCOMP) {
		trace_enter(tr, t);
		return;
	}
	if (ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK ||
	    ev == PTRACE_EVENT_CLONE) {
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0) {
			if ((c = trace_find(tr, (pid_t)msg)) == NULL) {
				trace_add(tr, (pid_t)msg, t->role, t->prog);
				t = trace_find(tr, pid);
			} else {
				/* It stopped first: it takes its parent's
				 * role, and its name unless it has exec'd
				 * already. */
				c->role = t->role;
				if (!c->named)
					trace_name(c->prog, sizeof c->prog,
					    t->prog);
				c->tgid = trace_tgid(c->tid);
			}
		}
		trace_cont(pid, PTRACE_CONT, 0);
		return;
	}
	if (ev == PTRACE_EVENT_EXEC) {
		t->tgid = trace_tgid(pid);
		if (t->pidfd >= 0) {
			close(t->pidfd);
			t->pidfd = -1;
		}
		trace_progname(pid, t->prog, sizeof t->prog);
		t->named = true;
		/* Output is labelled with its role's latest program. */
		trace_spawned(tr, t);
		trace_cont(pid, PTRACE_CONT, 0);
		return;
	}
	if (ev != 0) {
		trace_cont(pid, PTRACE_CONT, 0);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		if (t->in_call)
			trace_exit(tr, t);
		else
			trace_cont(pid, PTRACE_CONT, 0);
		return;
	}
	if (!t->started) {
		/* An auto-attached child's first stop (SIGSTOP). */
		t->started = true;
		if (sig == SIGSTOP) {
			trace_cont(pid, PTRACE_CONT, 0);
			return;
		}
	}
	if ((sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU) && ptrace(PTRACE_GETSIGINFO, pid, 0, &si) != 0) {
		/* A group-stop: the programs run on (no job control). */
		trace_cont(pid, PTRACE_CONT, 0);
		return;
	}
	/* A signal for the tracee: deliver it. */
	trace_cont(pid, PTRACE_CONT, sig == SIGTRAP ? 0 : sig);
}

/*
 * Reap and dispatch until `until` (monotonic ms; 0: one blocking wait).
 * Returns -1 when no child is left.
 */
static int
trace_wait(struct trace *tr, int64_t until)
{
	struct timespec ts;
	sigset_t set;
	int64_t left;
	pid_t pid;
	int st, flags = __WALL;

	if (until > 0)
		flags |= WNOHANG;
	for (;;) {
		pid = waitpid(-1, &st, flags);
		if (pid > 0) {
			if (WIFEXITED(st) || WIFSIGNALED(st))
				trace_gone(tr, pid, st);
			else if (WIFSTOPPED(st))
				trace_event(tr, pid, st);
			if (until == 0)
				return 0;
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)	/* no child left */
			return -1;
		/* WNOHANG: nothing now; sleep until SIGCHLD or until. */
		left = until - trace_mono_ms();
		if (left <= 0)
			return 0;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigtimedwait(&set, NULL, &ts);
		return 0;
	}
}

static void
trace_kill_all(struct trace *tr, int sig)
{
	size_t i;

	for (i = 0; i < tr->nt; i++) {
		if (tr->t[i].tid == tr->t[i].tgid)
			kill(tr->t[i].tid, sig);
	}
}

static void
trace_main(struct trace *tr)
{
	struct peer_msg m = { .kind = PEER_EXIT, .step = -1 };
	const struct trace_opts *o = tr->o;
	char kerr[256];
	int64_t until;
	int errfd = dup(2);

	/* Without it, the kernel's states come from synfin's reads after
	 * packets only (it says so itself when it cannot read them). */
	tr->ks = kstate_new(NULL, 0, kerr, sizeof kerr);

	if (o->server != NULL) {
		tr->server_pid = trace_start_prog(tr, EV_SERVER, errfd);
		if (tr->server_pid > 0) {
			trace_spawned(tr, trace_find(tr, tr->server_pid));
			until = trace_mono_ms() + o->listen_wait_ms;
			while (!tr->listening && !tr->server_gone &&
			    trace_mono_ms() < until &&
			    trace_wait(tr, until) == 0)
				;
		}
	}
	close(o->out[EV_SERVER][0]);
	close(o->out[EV_SERVER][1]);
	tr->main_pid = trace_start_prog(tr, EV_CLIENT, errfd);
	close(o->out[EV_CLIENT][0]);
	close(o->out[EV_CLIENT][1]);
	if (o->in >= 0)
		close(o->in);
	if (tr->main_pid < 0) {
		tr->main_done = true;
		tr->main_status = 127 << 8;
	} else
		trace_spawned(tr, trace_find(tr, tr->main_pid));
	while (!tr->main_done && trace_wait(tr, 0) == 0)
		;
	/* PROGRAM is done: the rest (CMD, stray children) goes. */
	if (tr->nt > 0) {
		trace_kill_all(tr, SIGTERM);
		until = trace_mono_ms() + o->grace_ms;
		while (tr->nt > 0 && trace_mono_ms() < until &&
		    trace_wait(tr, until) == 0)
			;
		trace_kill_all(tr, SIGKILL);
		while (tr->nt > 0 && waitpid(-1, NULL, __WALL) > 0)
			;
	}
	m.ts_ns = clock_ns(CLOCK_REALTIME);
	m.call.ret = tr->main_status;
	trace_send(tr, &m);
}

pid_t
trace_spawn(const struct trace_opts *o, int *msg_fd, char *err, size_t len)
{
	struct trace tr;
	char derr[256];
	sigset_t chld;
	int p[2];
	pid_t pid, parent = getpid();

	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, len, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		*msg_fd = p[0];
		return pid;
	}
	close(p[0]);
	signal(SIGINT, SIG_IGN);	/* synfin decides */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (sandbox_drop(derr, sizeof derr) != 0) {
		fprintf(stderr, "synfin: run: %s\n", derr);
		_exit(1);
	}
	/* synfin killed outright: so is the tracer, and with it every
	 * program (EXITKILL).  Set after the drop, which clears it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(1);
	memset(&tr, 0, sizeof tr);
	tr.o = o;
	tr.msg_fd = p[1];
	trace_main(&tr);
	_exit(0);
}

#else /* !__x86_64__ */

bool
trace_supported(void)
{
	return false;
}

pid_t
trace_spawn(const struct trace_opts *o, int *msg_fd, char *err, size_t len)
{
	(void)o;
	(void)msg_fd;
	snprintf(err, len, "%s", "tracing needs x86_64");
	return -1;
}

#endif
