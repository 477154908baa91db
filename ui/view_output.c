/* SPDX-License-Identifier: ISC */
/*
 * The programs' output (synfin run): the lines they wrote on standard
 * output and error, newest at the bottom, each with its time, program,
 * pid and stream.  The text is the timeline's, where control bytes were
 * already replaced: nothing a program writes reaches the terminal as is.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui_int.h"

/* How far back one draw looks for output lines (events, not lines). */
#define VO_SCAN	200000

static void
view_output_draw(struct ui *ui, const struct lay_rect *r)
{
	struct ev evb;
	const struct ev *e;
	size_t idx[256], n = 0, len = timeline_len(ui->tl), i, lo;
	size_t want = r->h > 1 ? (size_t)(r->h - 1) : 0;
	int64_t rel, t0;
	char head[96];
	int y, hw;

	if (want > sizeof idx / sizeof idx[0])
		want = sizeof idx / sizeof idx[0];
	lo = timeline_first(ui->tl);
	if (len > lo + VO_SCAN)
		lo = len - VO_SCAN;
	/* The newest lines that fit, found from the end. */
	for (i = len; i > lo && n < want; i--) {
		e = timeline_get(ui->tl, i - 1, &evb);
		if (e != NULL && e->type == EV_OUTPUT)
			idx[n++] = i - 1;
	}
	attrset(A_BOLD);
	ui_put(r->y, r->x, r->w, _("Output of the programs (newest at the "
	    "bottom; o: back to the ladder)"));
	attrset(A_NORMAL);
	if (n == 0) {
		ui_put(r->y + 2, r->x + 2, r->w - 2, _("No program has written "
		    "anything yet."));
		return;
	}
	/* Times from the first event held, as the text output counts. */
	t0 = timeline_get(ui->tl, timeline_first(ui->tl), &evb)->ts_ns;
	for (y = r->y + 1; n > 0 && y < r->y + r->h; y++) {
		e = timeline_get(ui->tl, idx[--n], &evb);
		rel = e->ts_ns - t0;
		if (rel < 0)
			rel = 0;
		snprintf(head, sizeof head, "%3" PRId64 ".%03" PRId64 " %s[%"
		    PRId32 "] %d> ", rel / 1000000000,
		    (rel % 1000000000) / 1000000, e->u.out.prog, e->u.out.pid,
		    (int)e->u.out.stream);
		attrset(theme_attr(e->u.out.side == EV_CLIENT ? TH_CLIENT :
		    TH_SERVER));
		ui_put(y, r->x, r->w, head);
		attrset(e->u.out.stream == EV_STDERR ? theme_attr(TH_WARN) :
		    A_NORMAL);
		hw = lay_width(head, strlen(head));
		if (hw < r->w)
			ui_put(y, r->x + hw, r->w - hw, e->u.out.text);
		attrset(A_NORMAL);
	}
}

const struct ui_view view_output = {
	.name = "output",
	.draw = view_output_draw,
	.key = NULL,
	.resize = NULL,
};
