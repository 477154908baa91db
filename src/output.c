/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "out.h"
#include "out_explain.h"
#include "output.h"
#include "timeline.h"
#include "writer.h"
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

int
output_prepare(struct output *o, char *err, size_t len)
{
	if (o->svg == NULL || strcmp(o->svg, "-") == 0 || o->writer != NULL)
		return 0;
	o->writer = writer_start(o->svg, WRITER_WHOLE, err, len);
	return o->writer != NULL ? 0 : -1;
}

void
output_release(struct output *o)
{
	char err[8];

	writer_end(o->writer, false, err, sizeof err);
	o->writer = NULL;
}

/* The SVG into the writer, streamed; the file only if all went well. */
static int
output_svg_file(struct output *o, const struct timeline *tl, char *err,
    size_t len)
{
	struct writer *w = o->writer;
	FILE *fp;
	int rc;

	o->writer = NULL;
	if ((fp = writer_stream(w)) == NULL) {
		snprintf(err, len, "%s", strerror(errno));
		writer_end(w, false, err, len);
		return -1;
	}
	rc = out_svg_write(tl, o->conn, fp);
	if (fclose(fp) != 0)
		rc = -1;
	if (writer_end(w, rc == 0, err, len) != 0)
		return -1;
	if (rc != 0 && err[0] == '\0')
		snprintf(err, len, "%s", strerror(EIO));
	return rc;
}

/* Draw what the timeline holds. */
static int
output_draw(struct output *o, const struct timeline *tl, const char *what)
{
	char err[512] = "";
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
	else if (o->svg != NULL && ((o->writer == NULL &&
	    output_prepare(o, err, sizeof err) != 0) ||
	    output_svg_file(o, tl, err, sizeof err) != 0)) {
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
