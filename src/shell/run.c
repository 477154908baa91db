/* SPDX-License-Identifier: ISC */
/* synfin run: programs traced on a private loopback, captured, merged. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "capture.h"
#include "engine.h"
#include "i18n.h"
#include "kstate.h"
#include "msg_text.h"
#include "merge.h"
#include "peer.h"
#include "run.h"
#include "sandbox.h"
#include "trace.h"
#include "writer.h"
#include "xmalloc.h"

/*
 * RUN_WINDOW_NS: how long frames and calls wait in the merge for what
 * came before them.  RUN_HOLD_NS: a call open that long (blocked in
 * send(), say) no longer holds the others back.  After PROGRAM exits,
 * the capture is drained until quiet for RUN_DRAIN_NS.
 */
#define RUN_WINDOW_NS	30000000LL
#define RUN_HOLD_NS	200000000LL
#define RUN_DRAIN_NS	150000000LL
/*
 * The kernel's states (kstate.h): the tracer reads them after each TCP
 * call (trace.c); synfin itself RUN_KSTATE_NS after a frame (captured
 * just before TCP processes it) and when the run ends.
 */
#define RUN_KSTATE_NS	2000000LL
#define RUN_LISTEN_MS	3000
#define RUN_GRACE_MS	1000
#define RUN_LINE	512

enum run_phase {
	RUN_IDLE,
	RUN_RUN,
	RUN_DRAIN,
	RUN_DONE,
};

/* One program output stream: a pipe read line by line. */
struct run_pipe {
	int		fd;		/* -1 once at EOF */
	enum ev_side	role;
	enum ev_stream	stream;
	char		buf[RUN_LINE];
	size_t		used;
};

struct run {
	struct run_opts	o;
	enum sandbox_kind where;
	struct capture	*cap;
	struct kstate	*ks;		/* the kernel's states, or NULL */
	int64_t		ks_due;		/* realtime: read them then (0: no) */
	pid_t		tracer;
	bool		tracer_reaped;
	int		msg_fd;		/* -1 at EOF */
	struct run_pipe	pipes[4];	/* by role, then stream */
	int32_t		pid[2];		/* by role: its latest program */
	char		prog[2][16];
	int		epfd;
	int		tfd;
	struct engine	*e;
	struct merge	*merge;
	enum run_phase	phase;
	int64_t		quiet_since;
	bool		exited;
	int		status;		/* PROGRAM's wait status */
	uint64_t	calls;
	long long	capeff;
	struct msg	err;		/* why it stopped (id: NULL, it did not) */
};

static volatile sig_atomic_t run_stop;

static void
run_on_signal(int sig)
{
	run_stop = sig;
}

static void
run_epoll_add(struct run *r, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev);
}

struct run *
run_new(const struct run_opts *o, int *perm, char *err, size_t len)
{
	struct trace_opts to = { .server = o->server, .argv = o->argv,
	    .in = -1, .listen_wait_ms = RUN_LISTEN_MS,
	    .grace_ms = RUN_GRACE_MS };
	struct run *r = xcalloc(1, sizeof *r);
	struct writer *dump = o->dump;
	char why[256], derr[256], kerr[256];
	int p[2], i;

	r->o = *o;
	r->o.dump = NULL;
	r->epfd = r->tfd = r->msg_fd = -1;
	r->tracer = -1;
	*perm = 0;
	for (i = 0; i < 4; i++)
		r->pipes[i].fd = -1;
	r->merge = merge_new(RUN_WINDOW_NS, RUN_HOLD_NS);
	if (!trace_supported()) {
		snprintf(err, len, "%s", _("tracing programs needs an x86_64 "
		    "build of synfin"));
		goto fail;
	}
	r->where = sandbox_enter(why, sizeof why);
	if (r->where == SANDBOX_HOST) {
		/* The host's lo would mix in everyone's traffic, and the
		 * programs' ports are not known in advance. */
		snprintf(err, len, _("no private network namespace (%s)"),
		    why);
		*perm = 1;
		goto fail;
	}
	sandbox_sysctl("net.ipv4.ip_local_port_range", "40000 40999");
	if ((r->cap = capture_open_live("lo", perm, err, len)) == NULL)
		goto fail;
	/* The kernel's own states: every socket of the namespace. */
	if ((r->ks = kstate_new(NULL, 0, kerr, sizeof kerr)) == NULL &&
	    !o->quiet)
		fprintf(stderr, _("synfin run: the kernel's own states cannot "
		    "be read (%s); only the packets' are shown\n"), kerr);
	if (dump != NULL) {
		/* The capture has it now, and ends it with itself. */
		i = capture_dump_attach(r->cap, dump, err, len);
		dump = NULL;
		if (i != 0)
			goto fail;
	}
	for (i = 0; i < 4; i++) {
		if (pipe2(p, O_CLOEXEC) != 0) {
			snprintf(err, len, "pipe: %s", strerror(errno));
			goto fail;
		}
		r->pipes[i].fd = p[0];
		r->pipes[i].role = i / 2 == 0 ? EV_CLIENT : EV_SERVER;
		r->pipes[i].stream = i % 2 == 0 ? EV_STDOUT : EV_STDERR;
		to.out[i / 2][i % 2] = p[1];
	}
	if (o->stdin_pass)
		to.in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	r->tracer = trace_spawn(&to, &r->msg_fd, err, len);
	for (i = 0; i < 4; i++)
		close(to.out[i / 2][i % 2]);
	if (to.in >= 0)
		close(to.in);
	if (r->tracer < 0)
		goto fail;
	if (sandbox_drop(derr, sizeof derr) != 0) {
		snprintf(err, len, _("cannot drop privileges: %s"), derr);
		goto fail;
	}
	r->capeff = sandbox_capeff();

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (r->epfd < 0 || r->tfd < 0) {
		snprintf(err, len, "epoll: %s", strerror(errno));
		goto fail;
	}
	run_epoll_add(r, capture_fd(r->cap));
	run_epoll_add(r, r->tfd);
	run_epoll_add(r, r->msg_fd);
	fcntl(r->msg_fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 4; i++) {
		fcntl(r->pipes[i].fd, F_SETFL, O_NONBLOCK);
		run_epoll_add(r, r->pipes[i].fd);
	}
	if (!o->quiet)
		/* TRANSLATORS: where synfin run captures (e.g. "a private
		   network namespace (root)"). */
		fprintf(stderr, _("synfin run: capturing on lo in %s\n"),
		    sandbox_describe(r->where));
	return r;
fail:
	/* No frame was captured: no -w file is left. */
	if (dump != NULL)
		writer_end(dump, false, derr, sizeof derr);
	run_free(r);
	return NULL;
}

/* The tracer and with it every program (PTRACE_O_EXITKILL). */
static void
run_end_tracer(struct run *r)
{
	int st;

	if (r->tracer <= 0 || r->tracer_reaped)
		return;
	kill(r->tracer, SIGKILL);
	waitpid(r->tracer, &st, 0);
	r->tracer_reaped = true;
}

void
run_free(struct run *r)
{
	int i;

	if (r == NULL)
		return;
	run_end_tracer(r);
	for (i = 0; i < 4; i++) {
		if (r->pipes[i].fd >= 0)
			close(r->pipes[i].fd);
	}
	if (r->msg_fd >= 0)
		close(r->msg_fd);
	merge_free(r->merge);
	kstate_free(r->ks);
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->tfd >= 0)
		close(r->tfd);
	capture_close(r->cap);
	free(r);
}

int
run_fd(const struct run *r)
{
	return r->epfd;
}

static int
run_read_frames(struct run *r)
{
	struct capture_frame f;
	int rc;

	while ((rc = capture_next(r->cap, &f, &r->err)) ==
	    CAPTURE_FRAME) {
		r->quiet_since = clock_ns(CLOCK_REALTIME);
		merge_frame(r->merge, &f);
		if (r->ks_due == 0)
			r->ks_due = r->quiet_since + RUN_KSTATE_NS;
	}
	return rc == CAPTURE_ERROR ? -1 : 0;
}

static void
run_tracer_gone(struct run *r)
{
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, r->msg_fd, NULL);
	close(r->msg_fd);
	r->msg_fd = -1;
	if (!r->exited) {
		msg_init(&r->err, N_("the tracer stopped before the program "
		    "ended"));
	}
	if (r->phase == RUN_RUN) {
		r->phase = RUN_DRAIN;
		r->quiet_since = clock_ns(CLOCK_REALTIME);
	}
}

static void
run_msg(struct run *r, const struct peer_msg *mp)
{
	struct peer_msg m = *mp;
	/* The tracer read it (a read, as sock_diag's). */
	struct kstate_sock ks = { .source = KSTATE_DIAG };

	switch (m.kind) {
	case PEER_SPAWN:
		if (m.side <= EV_SERVER) {
			r->pid[m.side] = m.call.pid;
			memcpy(r->prog[m.side], m.call.prog, sizeof r->prog[0]);
			r->prog[m.side][sizeof r->prog[0] - 1] = '\0';
		}
		break;
	case PEER_KSTATE:
		if (m.call.ret >= 0 && m.call.ret < TCP_ST_COUNT) {
			ks.local = m.local;
			ks.remote = m.remote;
			ks.lport = m.lport;
			ks.rport = m.rport;
			ks.state = (enum tcp_state)m.call.ret;
			ks.ts_ns = m.ts_ns;
			merge_kstate(r->merge, m.ts_ns, &ks);
		}
		break;
	case PEER_EXIT:
		r->exited = true;
		r->status = (int)m.call.ret;
		break;
	case PEER_START:
		merge_call(r->merge, &m);
		break;
	case PEER_END:
		r->calls++;
		merge_call(r->merge, &m);
		break;
	default:
		break;
	}
}

/*
 * The tracer's reports, many a read: each is written whole (smaller
 * than PIPE_BUF), so a pipe holds whole messages only.
 */
_Static_assert(sizeof(struct peer_msg) <= PIPE_BUF,
    "a report must be written whole");

static void
run_read_msgs(struct run *r)
{
	struct peer_msg m[64];
	ssize_t n;
	size_t i;

	while (r->msg_fd >= 0) {
		n = read(r->msg_fd, m, sizeof m);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0 || n % (ssize_t)sizeof m[0] != 0) {
			run_tracer_gone(r);
			return;
		}
		for (i = 0; i < (size_t)n / sizeof m[0]; i++)
			run_msg(r, &m[i]);
		if ((size_t)n < sizeof m)
			return;
	}
}

static void
run_kstate_cb(void *arg, const struct kstate_sock *ks)
{
	struct run *r = arg;

	merge_kstate(r->merge, ks->ts_ns, ks);	/* when the kernel answered */
}

/* The kernel's states, once a frame has settled. */
static void
run_read_kstate(struct run *r, bool force)
{
	struct msg err;

	if (r->ks == NULL || (!force && (r->ks_due == 0 ||
	    clock_ns(CLOCK_REALTIME) < r->ks_due)))
		return;
	r->ks_due = 0;
	if (kstate_poll(r->ks, run_kstate_cb, r, &err) < 0) {
		/* Say it once, on the ladder, and stop asking. */
		if (r->e != NULL)
			engine_warn(r->e, 0, clock_ns(CLOCK_REALTIME), &err);
		kstate_free(r->ks);
		r->ks = NULL;
	}
}

/* A line (or a full buffer) a program wrote, into the merge. */
static void
run_line(struct run *r, struct run_pipe *p, size_t n)
{
	struct ev_output out = { .side = p->role, .stream = p->stream };
	char text[RUN_LINE + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p->buf[i];

		/* Control bytes never reach a terminal or a JSON line. */
		text[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '.' :
		    (char)c;
	}
	if (n > 0 && text[n - 1] == '\r')
		n--;
	text[n] = '\0';
	out.pid = r->pid[p->role];
	memcpy(out.prog, r->prog[p->role], sizeof out.prog);
	out.text = text;
	merge_output(r->merge, clock_ns(CLOCK_REALTIME), &out);
}

static void
run_read_pipe(struct run *r, struct run_pipe *p)
{
	char *nl;
	ssize_t n;
	size_t k;

	while (p->fd >= 0) {
		n = read(p->fd, p->buf + p->used, sizeof p->buf - p->used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;		/* EAGAIN */
		if (n == 0) {
			if (p->used > 0)
				run_line(r, p, p->used);
			p->used = 0;
			epoll_ctl(r->epfd, EPOLL_CTL_DEL, p->fd, NULL);
			close(p->fd);
			p->fd = -1;
			return;
		}
		p->used += (size_t)n;
		while ((nl = memchr(p->buf, '\n', p->used)) != NULL) {
			k = (size_t)(nl - p->buf);
			run_line(r, p, k);
			memmove(p->buf, nl + 1, p->used - k - 1);
			p->used -= k + 1;
		}
		if (p->used == sizeof p->buf) {
			run_line(r, p, p->used);
			p->used = 0;
		}
	}
}

static bool
run_pipes_open(const struct run *r)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (r->pipes[i].fd >= 0)
			return true;
	}
	return false;
}

static void
run_arm(struct run *r)
{
	int64_t now = clock_ns(CLOCK_REALTIME), when;

	when = merge_deadline(r->merge);
	if (r->phase == RUN_DRAIN)
		when = merge_earlier(when, r->quiet_since + RUN_DRAIN_NS);
	if (r->ks != NULL && r->ks_due != 0)
		when = merge_earlier(when, r->ks_due);
	merge_arm(r->tfd, when, now);
}

void
run_start(struct run *r, struct engine *e)
{
	r->e = e;
	r->phase = RUN_RUN;
	run_arm(r);
}

int
run_service(struct run *r)
{
	uint64_t ticks;
	int i;

	if (r->phase == RUN_DONE)
		return r->err.id != NULL ? -1 : 1;
	if (read(r->tfd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
		return -1;
	if (run_read_frames(r) != 0)
		return -1;
	run_read_msgs(r);
	for (i = 0; i < 4; i++)
		run_read_pipe(r, &r->pipes[i]);
	run_read_kstate(r, false);
	if (run_stop) {
		/* Ctrl-C, SIGTERM: the programs go at once, with what was
		 * seen up to now on screen. */
		run_end_tracer(r);
		run_read_frames(r);
		merge_flush(r->merge, r->e, clock_ns(CLOCK_REALTIME), true);
		r->phase = RUN_DONE;
		return 1;
	}
	if (r->phase == RUN_RUN && r->exited) {
		r->phase = RUN_DRAIN;
		r->quiet_since = clock_ns(CLOCK_REALTIME);
	}
	if (r->phase == RUN_DRAIN && !run_pipes_open(r) &&
	    clock_ns(CLOCK_REALTIME) - r->quiet_since >= RUN_DRAIN_NS) {
		run_read_kstate(r, true);	/* how the sockets end */
		merge_flush(r->merge, r->e, clock_ns(CLOCK_REALTIME), true);
		r->phase = RUN_DONE;
		if (r->err.id != NULL) {
			engine_warn(r->e, 0, clock_ns(CLOCK_REALTIME), &r->err);
			return -1;
		}
		return 1;
	}
	merge_flush(r->merge, r->e, clock_ns(CLOCK_REALTIME), false);
	run_arm(r);
	return 0;
}

int
run_run(struct run *r, struct sink *sink, char *err, size_t len)
{
	struct pollfd p = { .fd = r->epfd, .events = POLLIN };
	struct sigaction sa;
	struct engine *e;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = run_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	e = engine_new(NULL, sink);
	run_start(r, e);
	for (;;) {
		if ((rc = run_service(r)) != 0)
			break;
		/* Nothing more for now: what was printed goes out. */
		sink_flush(sink);
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			msg_init(&r->err, "poll: %s");
			msg_errno(&r->err, errno);
			rc = -1;
			break;
		}
	}
	engine_finish(e);
	engine_free(e);
	run_end_tracer(r);
	if (rc < 0) {
		if (r->err.id != NULL)
			msg_text(&r->err, true, err, len);
		else
			snprintf(err, len, "%s", _("capture failed"));
		return -1;
	}
	if (capture_dump_close(r->cap, err, len) != 0)
		return -1;
	return 0;
}

int
run_exit_status(const struct run *r)
{
	if (!r->exited)
		return -1;
	if (WIFEXITED(r->status))
		return WEXITSTATUS(r->status);
	if (WIFSIGNALED(r->status))
		return 128 + WTERMSIG(r->status);
	return -1;
}

int
run_signal(const struct run *r)
{
	return run_stop;
}

void
run_stats(const struct run *r, struct run_stats *st)
{
	uint64_t seen;

	capture_stats(r->cap, &seen, &st->dropped);
	st->received = capture_count(r->cap);
	st->calls = r->calls;
	st->capeff = r->capeff;
	st->where = sandbox_describe(r->where);
}
