/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "i18n.h"
#include "narrate.h"
#include "out.h"
#include "out_explain.h"
#include "timeline.h"
#include "xmalloc.h"

/*
 * Events kept for the narration to look at: printed ones are only history,
 * and the timeline evicts the oldest, so a live run stays bounded.
 */
#define OUT_EXPLAIN_KEEP	4096

struct out_explain {
	struct sink	 sink;
	FILE		*fp;
	struct sink	*text;
	struct timeline	*tl;
	struct sink	*tl_sink;
	size_t		 head;		/* the step in print */
	bool		 have_head;
};

/* A packet's payload as far as the timeline keeps it, in hex and text. */
static void
out_explain_payload(FILE *fp, const struct ev_packet *p)
{
	char line[128];
	size_t off;

	fputs("        | ", fp);
	if (p->paycap == 0)
		fprintf(fp, P_("payload: %" PRIu32 " byte, not captured",
		    "payload: %" PRIu32 " bytes, not captured", p->len),
		    p->len);
	else if (p->paycap < p->len)
		fprintf(fp, P_("payload: the first %" PRIu32 " of %" PRIu32
		    " byte", "payload: the first %" PRIu32 " of %" PRIu32
		    " bytes", p->len), p->paycap, p->len);
	else
		fprintf(fp, P_("payload: %" PRIu32 " byte", "payload: %"
		    PRIu32 " bytes", p->len), p->len);
	fputc('\n', fp);
	for (off = 0; off < p->paycap; off += 16) {
		ev_payload_hexline(p->payload, p->paycap, off, 16, line,
		    sizeof line);
		fprintf(fp, "        | %s\n", line);
	}
}

/*
 * Print the narration of the step that began at event `head`, and the
 * payload of its packet.
 */
static void
out_explain_tell(struct out_explain *o, size_t head)
{
	struct ev evb;
	char buf[NARRATE_MAX];
	const struct ev *e;

	out_text_end_line(o->text);
	if (narrate_event(o->tl, head, buf, sizeof buf) > 0)
		fprintf(o->fp, "        # %s\n", buf);
	e = timeline_get(o->tl, head, &evb);
	if (e != NULL && e->type == EV_PACKET && e->u.pkt.len > 0)
		out_explain_payload(o->fp, &e->u.pkt);
}

/* Tell the step in print, if any. */
static void
out_explain_flush(struct out_explain *o)
{
	if (o->have_head)
		out_explain_tell(o, o->head);
	o->have_head = false;
}

/*
 * The text sink prints every event as it comes; the timeline keeps the
 * steps for narration.  A step is told once the next begins: a state
 * change its packet caused is folded into it and told with it, while one
 * the evidence decided later (ev.h) is told on its own, where it comes.
 */
static void
out_explain_emit(struct sink *s, const struct ev *e)
{
	struct out_explain *o = (struct out_explain *)s;
	struct ev evb;
	const struct ev *h;
	char buf[NARRATE_MAX];
	size_t n = timeline_len(o->tl);
	bool with_head = false;

	if (e->type == EV_STATE && o->have_head &&
	    (h = timeline_get(o->tl, o->head, &evb)) != NULL &&
	    h->type == EV_PACKET && e->conn != NULL && h->conn != NULL &&
	    h->conn->id == e->conn->id && h->u.pkt.frame == e->u.state.frame)
		with_head = true;
	if (!with_head)
		out_explain_flush(o);
	sink_emit(o->text, e);
	sink_emit(o->tl_sink, e);
	if (timeline_len(o->tl) > n) {
		o->head = n;
		o->have_head = true;
	} else if (e->type == EV_STATE && !with_head) {
		out_text_end_line(o->text);
		if (narrate_why(e->u.state.why, e->u.state.endpoint, buf,
		    sizeof buf) > 0)
			fprintf(o->fp, "        # %s\n", buf);
	}
}

static void
out_explain_flush_sink(struct sink *s)
{
	struct out_explain *o = (struct out_explain *)s;

	out_explain_flush(o);
	sink_flush(o->text);
}

static void
out_explain_close(struct sink *s)
{
	struct out_explain *o = (struct out_explain *)s;

	out_explain_flush(o);
	sink_close(o->text);
	sink_close(o->tl_sink);
	timeline_free(o->tl);
	free(o);
}

struct sink *
out_explain_new(FILE *fp)
{
	struct out_explain *o = xcalloc(1, sizeof *o);

	o->sink.emit = out_explain_emit;
	o->sink.close = out_explain_close;
	o->sink.flush = out_explain_flush_sink;
	o->fp = fp;
	o->text = out_text_new(fp, OUT_TEXT_FULL);
	o->tl = timeline_new(OUT_EXPLAIN_KEEP);
	o->tl_sink = timeline_sink(o->tl);
	return &o->sink;
}
