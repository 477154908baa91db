/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "i18n.h"
#include "out.h"
#include "out_explain.h"
#include "output.h"
#include "sandbox.h"
#include "timeline.h"
#include "xmalloc.h"

#define OUTPUT_TL_MAX	2000000	/* events a diagram keeps */

struct output_run {
	struct output	*o;
	struct sink	*sink;		/* what the engine feeds */
	struct timeline	*tl;		/* for the diagrams, or NULL */
};

bool
output_export_any(const struct output *o)
{
	return o->svg != NULL || o->mermaid || o->ladder;
}

/* Whether a diagram takes standard output (then nothing else does). */
static bool
output_export_stdout(const struct output *o)
{
	return o->mermaid || o->ladder ||
	    (o->svg != NULL && strcmp(o->svg, "-") == 0);
}

const char *
output_conflict(const struct output *o)
{
	if (o->mermaid && o->ladder)
		return _("--mermaid and --ladder both write to standard "
		    "output; pick one");
	if (output_export_stdout(o) && o->mode != OUTPUT_AUTO)
		return _("--mermaid, --ladder and --svg - take standard "
		    "output; --text, -v, --json and --summary cannot share "
		    "it");
	if (o->conn != 0 && !output_export_any(o))
		return _("--conn picks the conn for --svg, --mermaid or "
		    "--ladder");
	if (o->explain && o->mode != OUTPUT_TEXT && o->mode != OUTPUT_AUTO)
		return _("-v adds the narration to the --text output");
	return NULL;
}

/* Both the stream output and the timeline get every event. */
struct output_tee {
	struct sink	 sink;
	struct sink	*a;
	struct sink	*b;
};

static void
output_tee_emit(struct sink *s, const struct ev *e)
{
	struct output_tee *t = (struct output_tee *)s;

	sink_emit(t->a, e);
	sink_emit(t->b, e);
}

static void
output_tee_flush(struct sink *s)
{
	struct output_tee *t = (struct output_tee *)s;

	sink_flush(t->a);
	sink_flush(t->b);
}

static void
output_tee_close(struct sink *s)
{
	struct output_tee *t = (struct output_tee *)s;

	sink_close(t->a);
	sink_close(t->b);
	free(t);
}

static struct sink *
output_tee_new(struct sink *a, struct sink *b)
{
	struct output_tee *t = xcalloc(1, sizeof *t);

	t->sink.emit = output_tee_emit;
	t->sink.close = output_tee_close;
	t->sink.flush = output_tee_flush;
	/* An event either one reads is built. */
	t->sink.ignores = a->ignores & b->ignores;
	t->a = a;
	t->b = b;
	return &t->sink;
}

struct output_run *
output_open(struct output *o, struct sink **sink)
{
	struct output_run *r = xcalloc(1, sizeof *r);
	struct sink *s;

	r->o = o;
	if (output_export_stdout(o) || (o->svg != NULL &&
	    o->mode == OUTPUT_AUTO))
		s = NULL;
	else if (o->mode == OUTPUT_JSON)
		s = out_json_new(stdout);
	else if (o->mode == OUTPUT_SUMMARY)
		s = out_text_new(stdout, OUT_TEXT_SUMMARY);
	else if (o->explain)
		s = out_explain_new(stdout);
	else
		s = out_text_new(stdout, OUT_TEXT_FULL);
	if (output_export_any(o)) {
		r->tl = timeline_new(o->max_events != 0 ? o->max_events :
		    OUTPUT_TL_MAX);
		s = s == NULL ? timeline_sink(r->tl) :
		    output_tee_new(s, timeline_sink(r->tl));
	}
	r->sink = s;
	*sink = s;
	return r;
}

struct output_svg_arg {
	const struct timeline	*tl;
	uint32_t		 conn;
};

static int
output_svg_fill(FILE *fp, void *arg)
{
	const struct output_svg_arg *a = arg;

	return out_svg_write(a->tl, a->conn, fp);
}

/* ------------------------------------------------- the writer process */

struct output_writer {
	pid_t	pid;
	int	data;			/* the diagram goes in here */
	int	status;			/* "" or the reason comes back here */
};

/* A diagram bigger than this is refused by the writer. */
#define OUTPUT_WRITER_MAX	((uint64_t)1 << 32)

/* Read up to len bytes, stopping early only at the end of the input;
 * returns how many came. */
static size_t
output_read_upto(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static int
output_read_all(int fd, void *buf, size_t len)
{
	return output_read_upto(fd, buf, len) == len ? 0 : -1;
}

static int
output_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct output_buf {
	const char	*p;
	size_t		 len;
};

static int
output_buf_fill(FILE *fp, void *arg)
{
	const struct output_buf *b = arg;

	return fwrite(b->p, 1, b->len, fp) == b->len ? 0 : -1;
}

/*
 * The writer: a length, then that many bytes, then the file.  Anything
 * short (the parser died, Ctrl-C) writes nothing.  Signals from the
 * terminal are for the parser, which finishes the diagram and sends it.
 */
static void __attribute__((noreturn))
output_writer_main(const char *path, int in, int out)
{
	struct output_buf b;
	uint64_t len;
	char err[512] = "", *p;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* Started with sudo: the file is the invoking user's, made as
	 * them.  Plain root stays root, so it can write where root can. */
	if (getenv("SUDO_UID") != NULL && geteuid() == 0 &&
	    sandbox_drop(err, sizeof err) != 0) {
		output_write_all(out, err, strlen(err));
		_exit(0);
	}
	if (output_read_all(in, &len, sizeof len) != 0)
		_exit(0);
	if (len > OUTPUT_WRITER_MAX || (p = malloc(len + 1)) == NULL) {
		snprintf(err, sizeof err, "%s", strerror(ENOMEM));
		output_write_all(out, err, strlen(err));
		_exit(0);
	}
	if (output_read_all(in, p, len) != 0)
		_exit(0);
	b.p = p;
	b.len = len;
	if (atomic_write(path, output_buf_fill, &b, err, sizeof err) != 0 &&
	    err[0] == '\0')
		snprintf(err, sizeof err, "%s", strerror(EIO));
	output_write_all(out, err, strlen(err));
	_exit(0);
}

int
output_prepare(struct output *o, char *err, size_t len)
{
	struct output_writer *w;
	int data[2], status[2];
	pid_t pid;

	if (o->svg == NULL || strcmp(o->svg, "-") == 0 || o->writer != NULL)
		return 0;
	if (pipe2(data, O_CLOEXEC) != 0 || (pipe2(status, O_CLOEXEC) != 0 &&
	    (close(data[0]), close(data[1]), 1))) {
		snprintf(err, len, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		close(data[0]);
		close(data[1]);
		close(status[0]);
		close(status[1]);
		return -1;
	}
	if (pid == 0) {
		close(data[1]);
		close(status[0]);
		output_writer_main(o->svg, data[0], status[1]);
	}
	close(data[0]);
	close(status[1]);
	w = xcalloc(1, sizeof *w);
	w->pid = pid;
	w->data = data[1];
	w->status = status[0];
	o->writer = w;
	return 0;
}

/* Hand the diagram to the writer and wait for its word. */
static int
output_writer_send(struct output_writer *w, const struct timeline *tl,
    uint32_t conn, char *err, size_t len)
{
	FILE *mem;
	char *buf = NULL;
	size_t size = 0;
	void (*old)(int);
	uint64_t n;
	size_t got;
	int rc = -1, failed = 0;

	if ((mem = open_memstream(&buf, &size)) == NULL) {
		snprintf(err, len, "%s", strerror(errno));
		goto out;
	}
	if (out_svg_write(tl, conn, mem) != 0 || fclose(mem) != 0) {
		snprintf(err, len, "%s", strerror(errno != 0 ? errno : EIO));
		goto out;
	}
	n = size;
	/* A writer that is gone must not end synfin through SIGPIPE
	 * (whose handler exits 0): its word, if any, says why. */
	old = signal(SIGPIPE, SIG_IGN);
	if (output_write_all(w->data, &n, sizeof n) != 0 ||
	    output_write_all(w->data, buf, size) != 0)
		failed = errno != 0 ? errno : EPIPE;
	signal(SIGPIPE, old);
	close(w->data);
	w->data = -1;
	got = output_read_upto(w->status, err, len - 1);
	err[got] = '\0';
	if (got == 0 && failed != 0)
		snprintf(err, len, "%s", strerror(failed));
	rc = got == 0 && failed == 0 ? 0 : -1;
out:
	free(buf);
	return rc;
}

/* Let the writer go, with or without a diagram; reap it. */
static void
output_writer_end(struct output_writer *w)
{
	if (w == NULL)
		return;
	if (w->data >= 0)
		close(w->data);
	close(w->status);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(w);
}

void
output_release(struct output *o)
{
	output_writer_end(o->writer);
	o->writer = NULL;
}

/* Draw what the timeline holds. */
static int
output_draw(const struct output *o, const struct timeline *tl,
    const char *what)
{
	struct output_svg_arg a = { tl, o->conn };
	char err[512];
	int rc = 0;

	if (o->conn != 0 && timeline_conn_by_id(tl, o->conn) == NULL) {
		fprintf(stderr, _("synfin: %s: no conn %" PRIu32
		    " (it has %zu)\n"), what, o->conn, timeline_nconns(tl));
		return -1;
	}
	if (timeline_evicted(tl) > 0)
		fprintf(stderr, _("synfin: %s: the diagram shows the last "
		    "%zu events; the %zu before them were left out to stay "
		    "under the memory cap\n"), what,
		    timeline_len(tl) - timeline_first(tl), timeline_evicted(tl));
	if (o->svg != NULL && strcmp(o->svg, "-") == 0)
		out_svg_write(tl, o->conn, stdout);
	else if (o->svg != NULL && o->writer != NULL) {
		if (output_writer_send(o->writer, tl, o->conn, err,
		    sizeof err) != 0) {
			fprintf(stderr, "synfin: %s: %s\n", o->svg, err);
			rc = -1;
		}
	} else if (o->svg != NULL &&
	    atomic_write(o->svg, output_svg_fill, &a, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", o->svg, err);
		rc = -1;
	}
	if (o->mermaid)
		out_mermaid_write(tl, o->conn, stdout);
	if (o->ladder)
		out_ladder_write(tl, o->conn, stdout);
	return rc;
}

int
output_close(struct output_run *r, const char *what)
{
	int rc = 0;

	sink_close(r->sink);
	if (r->tl != NULL) {
		rc = output_draw(r->o, r->tl, what);
		timeline_free(r->tl);
	}
	output_release(r->o);
	free(r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, _("synfin: writing output: %s\n"),
		    strerror(errno));
		rc = -1;
	}
	return rc;
}
