/* SPDX-License-Identifier: ISC */
/* synfin demo: real peers on a private loopback, captured and merged. */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "capture.h"
#include "demo.h"
#include "engine.h"
#include "i18n.h"
#include "merge.h"
#include "msg_text.h"
#include "kstate.h"
#include "peer.h"
#include "sandbox.h"
#include "timeline.h"
#include "writer.h"
#include "xmalloc.h"

/*
 * Frames and calls meet in a merge buffer (merge.h) that hands them to
 * the engine DEMO_WINDOW_NS late, in time order; a call that has begun
 * holds it until it returns.  After the last step, the capture is
 * drained until it has been quiet for DEMO_DRAIN_NS.
 */
#define DEMO_WINDOW_NS	30000000LL
#define DEMO_DRAIN_NS	150000000LL
#define DEMO_RACE_TRIES	30
/*
 * A lab script waits for a side that is blocked in a call (a peer makes
 * one call at a time) this long before it says which line is stuck.
 */
#define DEMO_LAB_STUCK_NS 5000000000LL
/*
 * The kernel's states are read when a call has returned (the call set
 * them), and DEMO_KSTATE_NS after a frame: a frame is captured just
 * before TCP processes it, so a read at once could find the socket a
 * step behind the wire.
 */
#define DEMO_KSTATE_NS	2000000LL

enum demo_phase {
	DEMO_IDLE,
	DEMO_RUN,
	DEMO_DRAIN,
	DEMO_DONE,
};

struct demo {
	struct demo_opts o;
	enum sandbox_kind where;
	struct peer_env	env;
	struct capture	*cap;
	struct kstate	*ks;		/* the kernel's states, or NULL */
	int64_t		ks_due;		/* realtime: read them then (0: no) */
	bool		ks_now;		/* a call returned: read them now */
	bool		ks_traced;	/* the tracepoint is read too */
	struct peer	peer[2];
	bool		peer_up[2];
	bool		peer_eof[2];	/* its message pipe hung up */
	bool		peer_reaped[2];
	bool		peer_died;	/* during the lesson: d->err says */
	int		epfd;
	int		tfd;
	struct engine	*e;
	enum demo_phase	phase;
	int		next;		/* next step to issue */
	int		waiting;	/* step whose return we wait for */
	int64_t		next_at;	/* realtime: when the next may go */
	int64_t		quiet_since;	/* realtime: last frame (drain) */
	bool		held;
	bool		released;
	char		heldmsg[160];
	struct merge	*merge;
	int64_t		t0_mono;
	int64_t		first_frame_mono;
	long long	capeff;
	int		attempts;
	/* A lab: the action each side is blocked in (-1: none). */
	int		busy[2];
	int64_t		busy_since[2];
	char		busymsg[2][80];
	uint16_t	lab_port;	/* where the server listens */
	struct msg	labnote;	/* a warning for the ladder's end */
	uint8_t		labflags[2];	/* PEER_LAB_*, from the last action */
	struct msg	err;		/* why it stopped (id: NULL, it did not) */
};

static volatile sig_atomic_t demo_stop;

static void
demo_on_signal(int sig)
{
	demo_stop = sig;
}

/* The lesson's length: its steps, or a lab's actions so far. */
static int
demo_nsteps(const struct demo *d)
{
	return d->o.lab != NULL ? (int)d->o.lab->n : d->o.scn->nsteps;
}

static void
demo_epoll_add(struct demo *d, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/*
 * On the host's loopback another program may hold the lesson's ports:
 * the client would talk to it and its traffic would mix into the
 * lesson.  The server binds the port, a refused connect goes to the next
 * one: both must be free (a TIME_WAIT left by an earlier run is not in
 * the way, as the server sets SO_REUSEADDR).
 */
static int
demo_ports_free(const struct demo_opts *o, char *err, size_t len)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	int family = (o->scn->flags & SCN_V6) ? AF_INET6 : AF_INET;
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	unsigned port;
	int off, t, fd, one = 1, rc;

	for (off = 0; off < 2; off++) {
		port = o->port + (unsigned)off;
		for (t = 0; t < 2; t++) {
			memset(&ss, 0, sizeof ss);
			if (family == AF_INET6) {
				in6->sin6_family = AF_INET6;
				in6->sin6_addr = in6addr_loopback;
				in6->sin6_port = htons((uint16_t)port);
				sl = sizeof *in6;
			} else {
				in->sin_family = AF_INET;
				in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
				in->sin_port = htons((uint16_t)port);
				sl = sizeof *in;
			}
			if ((fd = socket(family, types[t] | SOCK_CLOEXEC,
			    0)) < 0)
				continue;
			if (types[t] == SOCK_STREAM)
				setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				    sizeof one);
			rc = bind(fd, (struct sockaddr *)&ss, sl);
			close(fd);
			if (rc != 0 && errno == EADDRINUSE) {
				/* TRANSLATORS: a port number, then 127.0.0.1
				   or ::1. */
				snprintf(err, len, _("port %u is in use on %s: "
				    "pick another with --port"), port,
				    family == AF_INET6 ? "::1" : "127.0.0.1");
				return -1;
			}
		}
	}
	return 0;
}

struct demo *
demo_new(const struct demo_opts *o, int *perm, char *err, size_t len)
{
	struct demo *d = xcalloc(1, sizeof *d);
	char why[256], filter[128], derr[256], kerr[256];
	uint16_t ports[2];
	struct writer *dump = o->dump;
	int i;

	*perm = 0;
	d->o = *o;
	d->o.dump = NULL;
	d->t0_mono = clock_ns(CLOCK_MONOTONIC);
	d->epfd = d->tfd = -1;
	d->waiting = -1;
	d->merge = merge_new(DEMO_WINDOW_NS, 0);
	d->busy[0] = d->busy[1] = -1;
	d->lab_port = o->port;
	d->where = sandbox_enter(why, sizeof why);
	if (d->where != SANDBOX_HOST) {
		/* A private port range, and Fast Open both ways. */
		sandbox_sysctl("net.ipv4.ip_local_port_range", "40000 40999");
		if (o->scn->flags & SCN_TFO)
			sandbox_sysctl("net.ipv4.tcp_fastopen", "3");
	}
	if (d->where == SANDBOX_HOST && demo_ports_free(o, err, len) != 0)
		goto fail;
	d->cap = capture_open_live("lo", perm, err, len);
	if (d->cap == NULL) {
		/* Say why there is no namespace to capture in instead. */
		if (d->where == SANDBOX_HOST && why[0] != '\0')
			snprintf(err + strlen(err), len - strlen(err),
			    " (%s)", why);
		goto fail;
	}
	if (d->where == SANDBOX_HOST) {
		snprintf(filter, sizeof filter, "port %u or port %u or icmp or "
		    "icmp6", o->port, o->port + 1);
		if (capture_set_filter(d->cap, filter, err, len) != 0)
			goto fail;
	}
	if (dump != NULL) {
		/* The capture has it now, and ends it with itself. */
		i = capture_dump_attach(d->cap, dump, err, len);
		dump = NULL;
		if (i != 0)
			goto fail;
	}

	/* The kernel's own states: every socket of the namespace, or on
	 * the host's loopback those of the demo's ports. */
	ports[0] = o->port;
	ports[1] = (uint16_t)(o->port + 1);
	d->ks = kstate_new(ports, d->where == SANDBOX_HOST ? 2 : 0, kerr,
	    sizeof kerr);
	if (d->ks == NULL && !o->quiet)
		fprintf(stderr, _("synfin demo %s: the kernel's own states "
		    "cannot be read (%s); only the packets' are shown\n"),
		    o->scn->name, kerr);
	/* As root, the tracepoint too: each change as it happens.  Opened
	 * now, read after the privileges are gone. */
	if (d->ks != NULL && geteuid() == 0)
		d->ks_traced = kstate_trace_open(d->ks, kerr, sizeof kerr) == 0;

	d->env.scn = o->scn;
	d->env.family = (o->scn->flags & SCN_V6) ? AF_INET6 : AF_INET;
	d->env.port = o->port;
	d->env.realtime = (o->scn->flags & SCN_RACE) != 0;
	d->env.lab = o->lab != NULL;
	for (i = 0; i < 2; i++) {
		if (peer_spawn(&d->peer[i], i, &d->env, err, len) != 0)
			goto fail;
		d->peer_up[i] = true;
	}
	if (sandbox_drop(derr, sizeof derr) != 0) {
		snprintf(err, len, _("cannot drop privileges: %s"), derr);
		goto fail;
	}
	d->capeff = sandbox_capeff();

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->epfd < 0 || d->tfd < 0) {
		snprintf(err, len, "epoll: %s", strerror(errno));
		goto fail;
	}
	demo_epoll_add(d, capture_fd(d->cap));
	demo_epoll_add(d, d->tfd);
	for (i = 0; i < 2; i++)
		demo_epoll_add(d, d->peer[i].msg_fd);
	if (!o->quiet && o->lab != NULL)
		/* TRANSLATORS: where the lab runs (e.g. "a private network
		   namespace (root)"). */
		fprintf(stderr, _("synfin lab: capturing on lo in %s\n"),
		    sandbox_describe(d->where));
	else if (!o->quiet && d->where == SANDBOX_HOST)
		/* TRANSLATORS: the lesson's name, where the demo runs (e.g.
		   "the host's loopback, ..."), and why not in a namespace. */
		fprintf(stderr, _("synfin demo %s: capturing on lo in %s "
		    "(%s)\n"), o->scn->name, sandbox_describe(d->where), why);
	else if (!o->quiet)
		/* TRANSLATORS: the lesson's name, then where the demo
		   runs (e.g. "a private network namespace (root)"). */
		fprintf(stderr, _("synfin demo %s: capturing on lo in %s\n"),
		    o->scn->name, sandbox_describe(d->where));
	return d;
fail:
	/* No frame was captured: no -w file is left. */
	if (dump != NULL)
		writer_end(dump, false, derr, sizeof derr);
	demo_free(d);
	return NULL;
}

static void
demo_peers_end(struct demo *d)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!d->peer_up[i])
			continue;
		close(d->peer[i].cmd_fd);	/* the peer exits */
		d->peer_up[i] = false;
	}
}

void
demo_free(struct demo *d)
{
	int j, st;

	if (d == NULL)
		return;
	demo_peers_end(d);
	for (j = 0; j < 2; j++) {
		if (d->peer[j].pid > 0) {
			if (!d->peer_reaped[j]) {
				kill(d->peer[j].pid, SIGTERM);
				waitpid(d->peer[j].pid, &st, 0);
			}
			close(d->peer[j].msg_fd);
		}
	}
	merge_free(d->merge);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->tfd >= 0)
		close(d->tfd);
	kstate_free(d->ks);
	capture_close(d->cap);
	free(d);
}

int
demo_fd(const struct demo *d)
{
	return d->epfd;
}

static int
demo_read_frames(struct demo *d)
{
	struct capture_frame f;
	int rc;

	while ((rc = capture_next(d->cap, &f, &d->err)) ==
	    CAPTURE_FRAME) {
		if (d->first_frame_mono == 0)
			d->first_frame_mono = clock_ns(CLOCK_MONOTONIC);
		d->quiet_since = clock_ns(CLOCK_REALTIME);
		merge_frame(d->merge, &f);
		if (d->ks_due == 0)
			d->ks_due = d->quiet_since + DEMO_KSTATE_NS;
	}
	return rc == CAPTURE_ERROR ? -1 : 0;
}

/*
 * A peer's message pipe hung up: it died (killed, crashed).  Say which
 * and how in d->err, stop issuing steps and drain what the kernel still
 * sends (a killed process's sockets are closed for it: FIN or RST), so
 * the lesson ends within moments with what happened on screen.
 */
/* A signal's name, the same in every language ("SIGKILL"). */
static const char *
demo_signame(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev != NULL)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "%d", sig);
	return buf;
}

static void
demo_peer_gone(struct demo *d, int side)
{
	struct timespec ms = { 0, 1000000 };
	pid_t pid = d->peer[side].pid;
	char sig[24];
	int st = 0, i;

	d->peer_eof[side] = true;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->peer[side].msg_fd, NULL);
	if (d->phase == DEMO_DONE)
		return;		/* the lesson is over: it was told to go */
	/* The pipe closes as it exits: its status follows at once. */
	for (i = 0; i < 200; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			d->peer_reaped[side] = true;
			break;
		}
		nanosleep(&ms, NULL);
	}
	/* English ids with their arguments (msg.h): a warning in every
	 * output, --json showing them as they are. */
	if (d->peer_reaped[side] && WIFSIGNALED(st)) {
		msg_init(&d->err, side == EV_CLIENT ?
		    /* TRANSLATORS: pid, signal number and its name (SIGKILL),
		       the last step done and the lesson's number of steps. */
		    N_("the client peer (pid %ld) was killed by signal %d "
		    "(%s); the lesson stopped after step %d of %d") :
		    N_("the server peer (pid %ld) was killed by signal %d "
		    "(%s); the lesson stopped after step %d of %d"));
		msg_num(&d->err, (uint64_t)pid);
		msg_num(&d->err, (uint64_t)WTERMSIG(st));
		msg_str(&d->err, demo_signame(WTERMSIG(st), sig,
		    sizeof sig));
	} else if (d->peer_reaped[side] && WIFEXITED(st)) {
		msg_init(&d->err, side == EV_CLIENT ?
		    /* TRANSLATORS: pid, exit status, the last step done
		       and the lesson's number of steps. */
		    N_("the client peer (pid %ld) exited with status %d; the "
		    "lesson stopped after step %d of %d") :
		    N_("the server peer (pid %ld) exited with status %d; the "
		    "lesson stopped after step %d of %d"));
		msg_num(&d->err, (uint64_t)pid);
		msg_num(&d->err, (uint64_t)WEXITSTATUS(st));
	} else {
		msg_init(&d->err, side == EV_CLIENT ?
		    N_("the client peer (pid %ld) stopped answering; the "
		    "lesson stopped after step %d of %d") :
		    N_("the server peer (pid %ld) stopped answering; the "
		    "lesson stopped after step %d of %d"));
		msg_num(&d->err, (uint64_t)pid);
	}
	msg_num(&d->err, (uint64_t)d->next);
	msg_num(&d->err, (uint64_t)demo_nsteps(d));
	d->peer_died = true;
	d->held = false;
	d->waiting = -1;
	d->phase = DEMO_DRAIN;
	d->quiet_since = clock_ns(CLOCK_REALTIME);
}

/*
 * A lab's call reports are each placed at their own time: a call that
 * blocks shows when it tried (EAGAIN, EINPROGRESS) and again when it
 * returned, so nothing waits behind it.
 */
static void
demo_lab_msg(struct demo *d, int side, const struct peer_msg *m)
{
	struct peer_msg done;

	if (m->kind == PEER_BLOCKS) {
		d->busy[side] = m->step;
		d->busy_since[side] = clock_ns(CLOCK_MONOTONIC);
		/* TRANSLATORS: %s is a socket call (accept); the peer waits
		   in it until it returns. */
		snprintf(d->busymsg[side], sizeof d->busymsg[side],
		    _("%s() waits..."), m->call.name);
		if (d->waiting == m->step)
			d->waiting = -1;
	} else if (m->kind == PEER_END && m->step >= 0) {
		d->labflags[side] = m->labflags;
		if (d->waiting == m->step)
			d->waiting = -1;
		if (d->busy[side] == m->step)
			d->busy[side] = -1;
		if (strcmp(m->call.name, "pause") == 0)
			return;
	} else if (m->kind != PEER_END)
		return;
	/* Each report is a call that returned (a blocked try too): it goes
	 * at its own time, alone. */
	done = *m;
	done.kind = PEER_END;
	merge_call(d->merge, &done);
}

static void
demo_read_msgs(struct demo *d, int side)
{
	struct peer_msg m;
	ssize_t n;
	struct pollfd p = { .fd = d->peer[side].msg_fd, .events = POLLIN };

	if (d->peer_eof[side])
		return;
	while (poll(&p, 1, 0) > 0) {
		n = read(d->peer[side].msg_fd, &m, sizeof m);
		if (n != (ssize_t)sizeof m) {
			demo_peer_gone(d, side);
			return;
		}
		if (m.kind == PEER_END)
			d->ks_now = true;
		if (d->o.lab != NULL) {
			demo_lab_msg(d, side, &m);
			continue;
		}
		if (m.kind == PEER_END && m.step >= 0 && m.step == d->waiting)
			d->waiting = -1;
		merge_call(d->merge, &m);
	}
}

static void
demo_kstate_cb(void *arg, const struct kstate_sock *ks)
{
	struct demo *d = arg;

	merge_kstate(d->merge, ks->ts_ns, ks);
}

/* The kernel's states, when a call returned or a frame settled. */
static void
demo_read_kstate(struct demo *d, bool force)
{
	struct msg err;

	if (d->ks != NULL && d->ks_traced)
		kstate_trace_read(d->ks, demo_kstate_cb, d);
	if (d->ks == NULL || (!force && !d->ks_now && (d->ks_due == 0 ||
	    clock_ns(CLOCK_REALTIME) < d->ks_due)))
		return;
	d->ks_now = false;
	d->ks_due = 0;
	if (kstate_poll(d->ks, demo_kstate_cb, d, &err) < 0) {
		/* Say it once, on the ladder, and stop asking. */
		if (d->e != NULL)
			engine_warn(d->e, 0, clock_ns(CLOCK_REALTIME), &err);
		kstate_free(d->ks);
		d->ks = NULL;
	}
}

static void
demo_flush(struct demo *d, bool all)
{
	merge_flush(d->merge, d->e, clock_ns(CLOCK_REALTIME), all);
}

static bool
demo_calls_open(const struct demo *d)
{
	return merge_calls_open(d->merge) || d->waiting >= 0;
}

/*
 * Write to a peer's command pipe.  A dead peer must not raise SIGPIPE
 * (synfin's handler ends quietly, as for `| head`): block it, and drop
 * the one the write left pending; its EOF tells the rest.
 */
static ssize_t
demo_write_cmd(int fd, const struct peer_cmd *cmd)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe, old;
	ssize_t n;
	int saved;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe, &old);
	n = write(fd, cmd, sizeof *cmd);
	saved = errno;
	if (n < 0 && errno == EPIPE)
		sigtimedwait(&pipe, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

static void
demo_send(struct demo *d, int step, int64_t at)
{
	const struct scn_step *st = &d->o.scn->steps[step];
	struct peer_cmd cmd = { .step = step, .at_mono_ns = at };

	if (!d->peer_up[st->side] || d->peer_eof[st->side] ||
	    demo_write_cmd(d->peer[st->side].cmd_fd, &cmd) != sizeof cmd)
		return;
	if (!(st->flags & SCN_NOWAIT))
		d->waiting = step;
}

/* An action's port (labscript.h): its own, the lab's plus N, or dflt. */
static uint16_t
demo_lab_port(const struct demo *d, int arg, uint16_t dflt)
{
	long p = arg > 0 ? arg : arg < 0 ? (long)d->o.port - arg : dflt;

	return p > 65535 ? 65535 : (uint16_t)p;
}

static void
demo_send_lab(struct demo *d, int i)
{
	const struct lab_action *a = &d->o.lab->act[i];
	struct peer_cmd cmd;

	memset(&cmd, 0, sizeof cmd);
	cmd.step = i;
	cmd.lab = *a;
	if (a->op == LAB_LISTEN)
		d->lab_port = demo_lab_port(d, a->arg, d->o.port);
	cmd.port = a->op == LAB_CONNECT ? demo_lab_port(d, a->arg,
	    d->lab_port) : d->lab_port;
	if (!d->peer_up[a->side] || d->peer_eof[a->side] ||
	    demo_write_cmd(d->peer[a->side].cmd_fd, &cmd) != sizeof cmd)
		return;
	d->waiting = i;
}

/* A script line waits for a side blocked too long: say which, stop. */
static void
demo_lab_stuck(struct demo *d, const struct lab_action *a)
{
	const struct lab_action *b = &d->o.lab->act[d->busy[a->side]];

	msg_init(&d->err, a->side == EV_CLIENT ?
	    /* TRANSLATORS: line numbers of a lab script, the call the side
	       is blocked in (recv), and seconds. */
	    N_("line %d: the client is still blocked in %s() from line %d "
	    "after %d s; it makes one call at a time") :
	    N_("line %d: the server is still blocked in %s() from line %d "
	    "after %d s; it makes one call at a time"));
	msg_num(&d->err, (uint64_t)a->line);
	msg_str(&d->err, labscript_op_name(b->op));
	msg_num(&d->err, (uint64_t)b->line);
	msg_num(&d->err, (uint64_t)(DEMO_LAB_STUCK_NS / 1000000000LL));
	d->peer_died = true;
	d->held = false;
	d->phase = DEMO_DRAIN;
	d->quiet_since = clock_ns(CLOCK_REALTIME);
}

static void
demo_advance_lab(struct demo *d)
{
	const struct lab_action *a;
	int64_t now = clock_ns(CLOCK_REALTIME);
	char line[LAB_TEXT_MAX + 64];
	int side;

	while (d->phase == DEMO_RUN && d->waiting < 0 && now >= d->next_at) {
		if (d->next >= (int)d->o.lab->n) {
			if (d->o.lab_open)
				return;
			for (side = 0; side < 2; side++) {
				if (d->busy[side] < 0)
					continue;
				if (clock_ns(CLOCK_MONOTONIC) -
				    d->busy_since[side] < DEMO_LAB_STUCK_NS)
					return;	/* let it return */
				a = &d->o.lab->act[d->busy[side]];
				msg_init(&d->labnote, side == EV_CLIENT ?
				    /* TRANSLATORS: a socket call (recv) and
				       the script's line that made it. */
				    N_("the script ended while the client "
				    "still waited in %s() from line %d") :
				    N_("the script ended while the server "
				    "still waited in %s() from line %d"));
				msg_str(&d->labnote,
				    labscript_op_name(a->op));
				msg_num(&d->labnote, (uint64_t)a->line);
			}
			d->phase = DEMO_DRAIN;
			d->quiet_since = now;
			return;
		}
		a = &d->o.lab->act[d->next];
		if (a->op == LAB_SLEEP) {
			d->next_at = now + (int64_t)a->arg * 1000000;
			d->next++;
			continue;
		}
		if (d->busy[a->side] >= 0) {
			if (!d->o.lab_open && clock_ns(CLOCK_MONOTONIC) -
			    d->busy_since[a->side] >= DEMO_LAB_STUCK_NS)
				demo_lab_stuck(d, a);
			return;
		}
		if (d->o.step && !d->released) {
			d->held = true;
			labscript_format(a, line, sizeof line);
			/* TRANSLATORS: %s is a lab script's line ("client
			   connect"), %d its number. */
			snprintf(d->heldmsg, sizeof d->heldmsg,
			    _("Next (line %d): %s"), a->line, line);
			return;
		}
		d->held = d->released = false;
		demo_send_lab(d, d->next);
		d->next++;
		/* --pace paces a script; typed actions are paced by hand. */
		d->next_at = now + (a->line > 0 ?
		    (int64_t)d->o.pace_ms * 1000000 : 0);
	}
}

/* Issue the next step when its time has come. */
static void
demo_advance(struct demo *d)
{
	const struct scenario *s = d->o.scn;
	const struct scn_step *st;
	int64_t now = clock_ns(CLOCK_REALTIME), at;

	if (d->o.lab != NULL) {
		demo_advance_lab(d);
		return;
	}
	while (d->phase == DEMO_RUN && d->waiting < 0 && now >= d->next_at) {
		if (d->next >= s->nsteps) {
			if (demo_calls_open(d))
				return;
			d->phase = DEMO_DRAIN;
			d->quiet_since = now;
			return;
		}
		st = &s->steps[d->next];
		if (st->op == SCN_PAUSE) {
			d->next_at = now + (int64_t)st->arg * 1000000;
			d->next++;
			continue;
		}
		if (d->o.step && !d->released) {
			d->held = true;
			snprintf(d->heldmsg, sizeof d->heldmsg,
			    st->side == EV_CLIENT ?
			    /* TRANSLATORS: %s is a socket call (connect). */
			    _("Next: the client calls %s()") :
			    /* TRANSLATORS: %s is a socket call (connect). */
			    _("Next: the server calls %s()"),
			    scenario_op_name(st->op));
			return;
		}
		d->held = d->released = false;
		at = 0;
		if (st->op == SCN_SHUTDOWN_AT) {
			/* Both sides get the same instant, a little ahead. */
			at = clock_ns(CLOCK_MONOTONIC) + 30000000LL;
			if (d->next + 1 < s->nsteps &&
			    s->steps[d->next + 1].op == SCN_SHUTDOWN_AT) {
				demo_send(d, d->next, at);
				d->next++;
			}
		}
		demo_send(d, d->next, at);
		d->next++;
		d->next_at = now + (int64_t)d->o.pace_ms * 1000000;
		if (st->op == SCN_DROP && st->arg != 0) {
			/* A drop window is short: the call it is for goes
			 * at once, whatever the pace, and is not held. */
			d->next_at = now;
			d->released = d->o.step;
		}
	}
}

static void
demo_arm(struct demo *d)
{
	int64_t now = clock_ns(CLOCK_REALTIME), when;

	/* A call still running holds the buffer: its return wakes us. */
	when = merge_deadline(d->merge);
	if (d->phase == DEMO_RUN && d->waiting < 0 && !d->held)
		when = merge_earlier(when, d->next_at);
	if (d->phase == DEMO_DRAIN)
		when = merge_earlier(when, d->quiet_since + DEMO_DRAIN_NS);
	if (d->o.lab != NULL && d->phase == DEMO_RUN)
		/* A blocked side: look again for a stuck script; and a
		 * keyboard lab's silence is decided (demo_flush's tick). */
		when = merge_earlier(when, now + 100000000LL);
	if (d->ks != NULL && d->ks_due != 0)
		when = merge_earlier(when, d->ks_due);
	merge_arm(d->tfd, when, now);
}

int
demo_start(struct demo *d, struct engine *e)
{
	d->e = e;
	d->phase = DEMO_RUN;
	d->next = 0;
	d->waiting = -1;
	d->next_at = clock_ns(CLOCK_REALTIME);
	d->attempts++;
	demo_advance(d);
	demo_arm(d);
	return 0;
}

int
demo_service(struct demo *d)
{
	uint64_t ticks;
	int i;

	/* Level-triggered: whatever is ready is read below. */
	if (d->phase == DEMO_DONE)
		return d->peer_died ? -1 : 1;
	if (read(d->tfd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
		return -1;
	if (demo_read_frames(d) != 0)
		return -1;
	for (i = 0; i < 2; i++)
		demo_read_msgs(d, i);
	demo_read_kstate(d, false);
	if (demo_stop) {
		demo_flush(d, true);
		d->phase = DEMO_DONE;
		return 1;
	}
	demo_advance(d);
	if (d->phase == DEMO_DRAIN && clock_ns(CLOCK_REALTIME) -
	    d->quiet_since >= DEMO_DRAIN_NS) {
		demo_read_kstate(d, true);	/* how the sockets end */
		demo_flush(d, true);
		d->phase = DEMO_DONE;
		if (d->labnote.id != NULL)
			engine_warn(d->e, 0, clock_ns(CLOCK_REALTIME),
			    &d->labnote);
		if (d->peer_died) {
			/* On the ladder and in the narration, too. */
			engine_warn(d->e, 0, clock_ns(CLOCK_REALTIME), &d->err);
			return -1;
		}
		return 1;
	}
	demo_flush(d, false);
	demo_arm(d);
	return 0;
}

void
demo_lab_kick(struct demo *d)
{
	if (d->phase != DEMO_RUN)
		return;
	demo_advance(d);
	demo_arm(d);
}

void
demo_lab_close(struct demo *d)
{
	d->o.lab_open = false;
	demo_lab_kick(d);
}

const char *
demo_lab_busy(const struct demo *d, enum ev_side side)
{
	return d->o.lab != NULL && d->busy[side] >= 0 ? d->busymsg[side] :
	    NULL;
}

unsigned
demo_lab_has(const struct demo *d, enum ev_side side)
{
	return d->labflags[side];
}

int
demo_lab_done(const struct demo *d)
{
	return d->next;
}

int
demo_dump_close(struct demo *d, char *err, size_t len)
{
	return capture_dump_close(d->cap, err, len);
}

int
demo_signal(void)
{
	return demo_stop;
}

const char *
demo_error(const struct demo *d, char *buf, size_t len)
{
	return d->peer_died ? msg_text(&d->err, true, buf, len) : NULL;
}

const char *
demo_held(const struct demo *d)
{
	return d->held ? d->heldmsg : NULL;
}

void
demo_release(struct demo *d)
{
	if (d->held) {
		d->released = true;
		d->held = false;
		demo_advance(d);
		demo_arm(d);
	}
}

void
demo_stats(const struct demo *d, struct demo_stats *st)
{
	uint64_t seen;

	/* The kernel's own count on lo includes each packet's outgoing
	 * copy, which libpcap discards: count what was delivered. */
	capture_stats(d->cap, &seen, &st->dropped);
	st->received = capture_count(d->cap);
	st->attempts = d->attempts;
	st->first_syn_ms = d->first_frame_mono == 0 ? -1 :
	    (d->first_frame_mono - d->t0_mono) / 1000000;
	st->capeff = d->capeff;
	st->where = sandbox_describe(d->where);
}

/* Did both endpoints of some conn pass through CLOSING? */
static bool
demo_fins_crossed(const struct timeline *tl)
{
	struct ev_state chg[8];
	const struct tl_conn *c;
	const size_t *steps;
	bool seen[2];
	size_t i, j, k, n;

	for (i = 0; (c = timeline_conn(tl, i)) != NULL; i++) {
		seen[0] = seen[1] = false;
		steps = timeline_conn_steps(tl, c);
		for (j = 0; j < c->nsteps; j++) {
			n = timeline_changes(tl, steps[j], chg, 8);
			for (k = 0; k < n && k < 8; k++)
				if (chg[k].to == TCP_ST_CLOSING &&
				    (unsigned)chg[k].endpoint < 2)
					seen[chg[k].endpoint] = true;
		}
		if (seen[0] && seen[1])
			return true;
	}
	return false;
}

static int
demo_wait_loop(struct demo *d, char *err, size_t len)
{
	struct pollfd p = { .fd = d->epfd, .events = POLLIN };
	char line[64];
	FILE *tty;
	int rc;

	for (;;) {
		if ((rc = demo_service(d)) != 0)
			break;
		if (demo_held(d) != NULL) {
			/* TRANSLATORS: %s is "Next: the client calls
			   connect()"; Enter is the key's name. */
			fprintf(stderr, _("%s -- press Enter\n"),
			    demo_held(d));
			if ((tty = fopen("/dev/tty", "r")) != NULL) {
				if (fgets(line, sizeof line, tty) == NULL)
					demo_stop = SIGINT;
				fclose(tty);
			}
			demo_release(d);
			continue;
		}
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			snprintf(err, len, "poll: %s", strerror(errno));
			return -1;
		}
	}
	if (rc < 0) {
		if (d->err.id != NULL)
			msg_text(&d->err, true, err, len);
		else
			snprintf(err, len, "%s", _("capture failed"));
		return -1;
	}
	return 0;
}

int
demo_run(struct demo *d, struct sink *sink, char *err, size_t len)
{
	struct sigaction sa;
	struct engine *e;
	struct timeline *tl = NULL;
	bool race = (d->o.scn->flags & SCN_RACE) != 0;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = demo_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	for (;;) {
		if (race) {
			/* Keep each try aside; show the one that worked. */
			tl = timeline_new(0);
			e = engine_new(NULL, timeline_sink(tl));
		} else
			e = engine_new(NULL, sink);
		demo_start(d, e);
		rc = demo_wait_loop(d, err, len);
		engine_finish(e);
		engine_free(e);
		if (rc != 0 || !race)
			break;
		if (demo_fins_crossed(tl) || demo_stop ||
		    d->attempts >= DEMO_RACE_TRIES) {
			if (!demo_fins_crossed(tl))
				fprintf(stderr, P_("synfin: the FINs did not "
				    "cross in %d try (each side's FIN arrived "
				    "after the other had seen none): showing "
				    "the last try\n", "synfin: the FINs did "
				    "not cross in %d tries (each side's FIN "
				    "arrived after the other had seen none): "
				    "showing the last try\n", d->attempts),
				    d->attempts);
			else if (d->attempts > 1)
				fprintf(stderr, _("synfin: the FINs crossed "
				    "on try %d\n"), d->attempts);
			timeline_replay(tl, sink);
			break;
		}
		timeline_free(tl);
		tl = NULL;
		d->phase = DEMO_IDLE;
	}
	timeline_free(tl);
	demo_peers_end(d);
	if (rc == 0 && capture_dump_close(d->cap, err, len) != 0)
		rc = -1;
	return rc;
}
