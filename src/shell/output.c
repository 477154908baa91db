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

/*
 * Diagrams are bounded whatever the input: the first conversations only
 * (--conn picks any other), and a timeline cap far below the UI's.
 * 30,000 events draw as an SVG of some 15 MB already; memory
 * stays under 64 MiB (tests/safety.sh).
 */
#define OUTPUT_DIAGRAM_CONNS	100
#define OUTPUT_DIAGRAM_EVENTS	30000
#define OUTPUT_DIAGRAM_FLOWS	20000	/* open at once, about 1 KB each */

struct output_run {
	struct output	*o;
	struct sink	*sink;		/* what the engine feeds */
	struct timeline	*tl;		/* for the diagrams, or NULL */
	uint32_t	 max_id;	/* the highest conn id seen */
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

/* Only diagrams, no stream output: nothing else needs every flow. */
static bool
output_diagrams_only(const struct output *o)
{
	return output_export_stdout(o) || (o->svg != NULL &&
	    o->mode == OUTPUT_AUTO);
}

uint32_t
output_max_flows(const struct output *o, uint32_t dflt)
{
	if (output_diagrams_only(o) && dflt > OUTPUT_DIAGRAM_FLOWS)
		return OUTPUT_DIAGRAM_FLOWS;
	return dflt;
}

/* What the diagrams keep: conns 1 to OUTPUT_DIAGRAM_CONNS, or --conn. */
struct output_pick {
	struct sink	 sink;
	struct sink	*tl;
	uint32_t	 conn;
	uint32_t	*max_id;
};

static void
output_pick_emit(struct sink *s, const struct ev *e)
{
	struct output_pick *p = (struct output_pick *)s;
	uint32_t id;

	if (e->conn != NULL) {
		id = e->conn->id;
		if (id > *p->max_id)
			*p->max_id = id;
		if (p->conn != 0 ? id != p->conn : id > OUTPUT_DIAGRAM_CONNS)
			return;
	}
	sink_emit(p->tl, e);
}

static void
output_pick_flush(struct sink *s)
{
	sink_flush(((struct output_pick *)s)->tl);
}

static void
output_pick_close(struct sink *s)
{
	sink_close(((struct output_pick *)s)->tl);
	free(s);
}

static struct sink *
output_pick_new(struct sink *tl, uint32_t conn, uint32_t *max_id)
{
	struct output_pick *p = xcalloc(1, sizeof *p);

	p->sink.emit = output_pick_emit;
	p->sink.flush = output_pick_flush;
	p->sink.close = output_pick_close;
	p->sink.ignores = tl->ignores;
	p->tl = tl;
	p->conn = conn;
	p->max_id = max_id;
	return &p->sink;
}

struct output_run *
output_open(struct output *o, struct sink **sink)
{
	struct output_run *r = xcalloc(1, sizeof *r);
	struct sink *s, *d;

	r->o = o;
	if (output_diagrams_only(o))
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
		r->tl = timeline_new(o->max_events != 0 && o->max_events <
		    OUTPUT_DIAGRAM_EVENTS ? o->max_events :
		    OUTPUT_DIAGRAM_EVENTS);
		d = output_pick_new(timeline_sink(r->tl), o->conn, &r->max_id);
		s = s == NULL ? d : output_tee_new(s, d);
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
output_draw(struct output *o, const struct timeline *tl, uint32_t nconns,
    const char *what)
{
	char err[512] = "";
	int rc = 0;

	if (o->conn != 0 && timeline_conn_by_id(tl, o->conn) == NULL) {
		fprintf(stderr, _("synfin: %s: no conn %" PRIu32
		    " (it has %zu)\n"), what, o->conn, (size_t)nconns);
		return -1;
	}
	if (o->conn == 0 && nconns > OUTPUT_DIAGRAM_CONNS)
		/* TRANSLATORS: the input, how many conns are drawn, how
		   many there are, how many were left out. */
		fprintf(stderr, _("synfin: %s: the diagram shows the first %d "
		    "of %" PRIu32 " conversations; the other %" PRIu32 " were "
		    "left out: pick one with --conn N (its id in --text or "
		    "--summary)\n"), what, OUTPUT_DIAGRAM_CONNS, nconns,
		    nconns - OUTPUT_DIAGRAM_CONNS);
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
		rc = output_draw(r->o, r->tl, r->max_id, what);
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
