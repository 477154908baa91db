/* SPDX-License-Identifier: ISC */
/* The writer process: output files kept out of the parser's hands. */

#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "outfile.h"
#include "sandbox.h"
#include "writer.h"
#include "xmalloc.h"

/*
 * Parser to writer: a 32-bit length, then that many bytes; three lengths
 * are words instead.  Writer to parser: a 32-bit length and a message,
 * empty for "done": once after the open, once per WRITER_SYNC, once at
 * the end, and once before it exits after a failed write.
 */
#define WRITER_CHUNK_MAX	(1U << 20)
#define WRITER_END		0U
#define WRITER_ABORT		0xffffffffU
#define WRITER_SYNC		0xfffffffeU
#define WRITER_STREAM_BUF	(64 * 1024)

struct writer {
	pid_t	 pid;
	int	 sock;
	char	*path;
	bool	 failed;
	char	 why[512];	/* the writer's word when failed */
};

static int
writer_io(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPIPE;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
writer_say(int sock, const char *msg)
{
	uint32_t n = (uint32_t)strlen(msg);

	if (writer_io(sock, &n, sizeof n, true) == 0)
		writer_io(sock, (void *)(uintptr_t)msg, n, true);
}

static void __attribute__((noreturn))
writer_main(const char *path, enum writer_mode mode, int sock)
{
	struct outfile *of;
	unsigned long chunks = 0;
	uint32_t n;
	char err[512] = "", *buf;
	int keep[2];

	signal(SIGINT, SIG_IGN);	/* the parser decides */
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* Under sudo, the invoking user; a setcap'd binary, no capability;
	 * plain root stays root, to write where root can. */
	if ((geteuid() != 0 || sandbox_sudo(NULL, NULL)) &&
	    sandbox_drop_to_user(err, sizeof err) != 0) {
		writer_say(sock, err);
		_exit(1);
	}
	if ((of = outfile_open(path, err, sizeof err)) == NULL) {
		writer_say(sock, err);
		_exit(1);
	}
	keep[0] = sock;
	keep[1] = outfile_fd(of);
	sandbox_close_fds(keep, 2);
	writer_say(sock, "");
	buf = xmalloc(WRITER_CHUNK_MAX);
	for (;;) {
		if (writer_io(sock, &n, sizeof n, false) != 0)
			break;
		if (n == WRITER_END) {
			if (outfile_commit(of, err, sizeof err) != 0 &&
			    err[0] == '\0')
				snprintf(err, sizeof err, "%s", strerror(EIO));
			writer_say(sock, err);
			_exit(0);
		}
		if (n == WRITER_ABORT) {
			outfile_abort(of);
			writer_say(sock, "");
			_exit(0);
		}
		if (n == WRITER_SYNC) {
			writer_say(sock, "");
			continue;
		}
		if (n > WRITER_CHUNK_MAX ||
		    writer_io(sock, buf, n, false) != 0)
			break;
		if (outfile_write(of, buf, n, err, sizeof err) != 0) {
			outfile_abort(of);
			writer_say(sock, err);
			_exit(1);
		}
		chunks++;
	}
	/* The parser is gone without a word (killed): keep whole records,
	 * if any came after the header; anything else is half a file. */
	if (mode == WRITER_RECORDS && chunks >= 2)
		outfile_commit(of, err, sizeof err);
	else
		outfile_abort(of);
	_exit(0);
}

/* The writer's word: "" or why.  -1 when it is gone without one. */
static int
writer_hear(struct writer *w, char *msg, size_t len)
{
	uint32_t n;
	size_t keep;
	char c;

	if (writer_io(w->sock, &n, sizeof n, false) != 0)
		return -1;
	keep = n < len - 1 ? n : len - 1;
	if (writer_io(w->sock, msg, keep, false) != 0)
		return -1;
	msg[keep] = '\0';
	for (; n > keep; n--) {
		if (writer_io(w->sock, &c, 1, false) != 0)
			break;
	}
	return 0;
}

/* It failed: get its word once, keep it for every later call. */
static int
writer_failed(struct writer *w, char *err, size_t len)
{
	if (!w->failed) {
		w->failed = true;
		if (writer_hear(w, w->why, sizeof w->why) != 0 ||
		    w->why[0] == '\0')
			snprintf(w->why, sizeof w->why, "%s",
			    _("the process writing it ended"));
	}
	snprintf(err, len, "%s", w->why);
	return -1;
}

static void
writer_reap(struct writer *w)
{
	close(w->sock);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(w->path);
	free(w);
}

struct writer *
writer_start(const char *path, enum writer_mode mode, char *err, size_t len)
{
	struct writer *w;
	struct pollfd p;
	struct stat st;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(err, len, "socketpair: %s", strerror(errno));
		return NULL;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		writer_main(path, mode, sv[1]);
	}
	p.fd = sv[0];
	p.events = POLLIN;
	close(sv[1]);
	w = xcalloc(1, sizeof *w);
	w->pid = pid;
	w->sock = sv[0];
	w->path = xstrdup(path);
	/* Opening a FIFO waits for its reader, as the shell's > does: say
	 * so rather than hang without a word. */
	if (poll(&p, 1, 1000) == 0 && stat(path, &st) == 0 &&
	    S_ISFIFO(st.st_mode))
		fprintf(stderr, _("synfin: %s: a FIFO: waiting for a reader\n"),
		    path);
	if (writer_hear(w, err, len) != 0 || err[0] != '\0') {
		if (err[0] == '\0')
			snprintf(err, len, "%s",
			    _("the process writing it ended"));
		writer_reap(w);
		return NULL;
	}
	return w;
}

const char *
writer_path(const struct writer *w)
{
	return w->path;
}

/* Length and bytes in one system call (a frame each, in live -w). */
static int
writer_send_chunk(int sock, const char *p, uint32_t k)
{
	struct iovec iov[2] = { { &k, sizeof k }, { (void *)(uintptr_t)p, k } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t total = sizeof k + k, off;
	ssize_t n;

	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	off = (size_t)n;
	if (off < sizeof k &&
	    writer_io(sock, (char *)&k + off, sizeof k - off, true) != 0)
		return -1;
	off = off > sizeof k ? off - sizeof k : 0;
	return off < total - sizeof k ?
	    writer_io(sock, (void *)(uintptr_t)(p + off), k - off, true) : 0;
}

int
writer_send(struct writer *w, const void *buf, size_t n, char *err,
    size_t len)
{
	const char *p = buf;
	uint32_t k;

	if (w->failed)
		return writer_failed(w, err, len);
	while (n > 0) {
		k = n > WRITER_CHUNK_MAX ? WRITER_CHUNK_MAX : (uint32_t)n;
		if (writer_send_chunk(w->sock, p, k) != 0)
			return writer_failed(w, err, len);
		p += k;
		n -= k;
	}
	return 0;
}

int
writer_sync(struct writer *w, char *err, size_t len)
{
	uint32_t k = WRITER_SYNC;

	if (w->failed || writer_io(w->sock, &k, sizeof k, true) != 0)
		return writer_failed(w, err, len);
	if (writer_hear(w, err, len) != 0 || err[0] != '\0') {
		if (err[0] != '\0') {
			w->failed = true;
			snprintf(w->why, sizeof w->why, "%s", err);
		}
		return writer_failed(w, err, len);
	}
	return 0;
}

static ssize_t
writer_stream_write(void *arg, const char *buf, size_t n)
{
	struct writer *w = arg;
	char err[8];

	if (writer_send(w, buf, n, err, sizeof err) != 0) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

FILE *
writer_stream(struct writer *w)
{
	cookie_io_functions_t io = { .write = writer_stream_write };
	FILE *fp;

	if ((fp = fopencookie(w, "w", io)) != NULL)
		setvbuf(fp, NULL, _IOFBF, WRITER_STREAM_BUF);
	return fp;
}

int
writer_end(struct writer *w, bool keep, char *err, size_t len)
{
	uint32_t k = keep ? WRITER_END : WRITER_ABORT;
	int rc = 0;

	if (w == NULL)
		return 0;
	if (w->failed || writer_io(w->sock, &k, sizeof k, true) != 0)
		rc = writer_failed(w, err, len);
	else if (writer_hear(w, err, len) != 0)
		rc = writer_failed(w, err, len);
	else if (err[0] != '\0')
		rc = -1;
	if (rc != 0 && !keep)
		rc = 0;		/* nothing was asked for */
	writer_reap(w);
	return rc;
}
