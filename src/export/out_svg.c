/* SPDX-License-Identifier: ISC */
/*
 * The ladder diagram as a standalone SVG in the manner of the textbook
 * figures: two lifelines, time flowing down, slanted arrows labelled with
 * flags and relative seq/ack/len, each endpoint's state boxed beside its
 * lifeline where it changes, socket calls in a column beyond their
 * caller's states (a call that sent a segment at its arrow's y, as the
 * UI's ladder has it on the arrow's line) and the time on the left.  One
 * <g> per conn, stacked.
 *
 * Readable in black and white: nothing is told by colour alone (a
 * retransmission is a dashed arrow and says so, an ICMP error a dotted
 * one with an open head).  All text is in a monospaced font list that
 * covers CJK (a longer one when the document holds CJK: translations), so
 * widths are known here without measuring: a cell is 0.6 em, a wide
 * character two cells (u8.h), every label's box is computed, and
 * out_svg_layout() hands the boxes to tests.
 * Numbers are written with integer arithmetic, so the locale's decimal
 * point never reaches the file.
 */

#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagram.h"
#include "i18n.h"
#include "out.h"
#include "u8.h"
#include "xmalloc.h"

#define SVG_FONTS	"DejaVu Sans Mono, Noto Sans Mono CJK SC, " \
			"Noto Sans CJK SC, WenQuanYi Micro Hei Mono, " \
			"WenQuanYi Micro Hei, monospace"
/* With Chinese text: the same, then more CJK fonts (Adobe's, macOS's and
 * Windows's) before the generic family. */
#define SVG_FONTS_CJK	"DejaVu Sans Mono, Noto Sans Mono CJK SC, " \
			"Noto Sans CJK SC, Source Han Sans SC, " \
			"WenQuanYi Micro Hei Mono, WenQuanYi Micro Hei, " \
			"PingFang SC, Microsoft YaHei, SimHei, monospace"
#define SVG_FS		12.0	/* labels */
#define SVG_FS_SMALL	11.0	/* time, states, notes, calls */
#define SVG_FS_TITLE	14.0
#define SVG_EM		0.6	/* advance of a monospaced cell, in em */
#define SVG_ASCENT	0.93	/* DejaVu Sans Mono, in em */
#define SVG_DESCENT	0.24
#define SVG_MARGIN	16.0
#define SVG_SPAN	360.0	/* between the lifelines, at least */
#define SVG_DROP	24.0	/* an arrow's fall: time flows down */
#define SVG_STATE_W	12	/* cells of "SYN_RECEIVED" */
#define SVG_PAD		4.0	/* inside a state box */
#define SVG_GAP		10.0	/* from a lifeline to its state boxes */
#define SVG_PITCH	17.0	/* between stacked state boxes */
#define SVG_MAX_CELLS	120	/* longer labels are cut with "..." */
#define SVG_CALL_CELLS	48	/* longer calls are cut with "..." */

enum svg_anchor {
	SVG_START,
	SVG_MIDDLE,
	SVG_END,
};

struct svg {
	FILE		*fp;		/* NULL: layout only */
	struct out_svg_box *boxes;	/* NULL: not collecting */
	size_t		 nboxes;
	size_t		 capboxes;
	double		 y0;		/* top of the conn being drawn */
	/* Geometry shared by every conn of one document. */
	int		 fw;		/* frame column, cells */
	int		 tw;		/* time column, cells */
	double		 xc;		/* client lifeline */
	double		 xs;		/* server lifeline */
	double		 lcall;		/* the client's calls end here */
	double		 rcall;		/* the server's start here */
	double		 width;
};

/* ------------------------------------------------------------ output */

/* A coordinate with one decimal, whatever the locale says. */
static void
svg_num(struct svg *g, double v)
{
	long t = (long)(v * 10.0 + (v < 0 ? -0.5 : 0.5));

	if (t < 0) {
		fputc('-', g->fp);
		t = -t;
	}
	if (t % 10 == 0)
		fprintf(g->fp, "%ld", t / 10);
	else
		fprintf(g->fp, "%ld.%ld", t / 10, t % 10);
}

/* A printf-like writer that knows %N (a coordinate) and %s, %d. */
static void
svg_out(struct svg *g, const char *fmt, ...)
{
	va_list ap;
	const char *p;

	if (g->fp == NULL)
		return;
	va_start(ap, fmt);
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			fputc(*p, g->fp);
			continue;
		}
		switch (*++p) {
		case 'N':
			svg_num(g, va_arg(ap, double));
			break;
		case 's':
			fputs(va_arg(ap, const char *), g->fp);
			break;
		case 'd':
			fprintf(g->fp, "%d", va_arg(ap, int));
			break;
		case '%':
			fputc('%', g->fp);
			break;
		default:
			fputc(*p, g->fp);
			break;
		}
	}
	va_end(ap);
}

/* Text as XML character data: markup escaped, control characters and
 * bytes that are not UTF-8 replaced. */
static void
svg_esc(struct svg *g, const char *s)
{
	int32_t cp;
	size_t n;

	if (g->fp == NULL)
		return;
	while (*s != '\0') {
		n = diagram_utf8(s, &cp);
		if (cp < 0)
			fputc('?', g->fp);
		else if (cp == '&')
			fputs("&amp;", g->fp);
		else if (cp == '<')
			fputs("&lt;", g->fp);
		else if (cp == '>')
			fputs("&gt;", g->fp);
		else if (cp == '"')
			fputs("&quot;", g->fp);
		else if (cp == '\'')
			fputs("&apos;", g->fp);
		else if (cp < 0x20 || cp == 0x7f)
			fputc(' ', g->fp);
		else
			fwrite(s, 1, n, g->fp);
		s += n;
	}
}

static void
svg_box(struct svg *g, enum out_svg_kind kind, double x, double y, double w,
    double h, const char *text)
{
	struct out_svg_box *b;

	if (g->boxes == NULL && g->capboxes == (size_t)-1)
		return;
	if (g->nboxes == g->capboxes) {
		g->capboxes = g->capboxes ? g->capboxes * 2 : 64;
		g->boxes = xreallocarray(g->boxes, g->capboxes,
		    sizeof *g->boxes);
	}
	b = &g->boxes[g->nboxes++];
	b->kind = kind;
	b->x = x;
	b->y = y + g->y0;
	b->w = w;
	b->h = h;
	snprintf(b->text, sizeof b->text, "%s", text);
}

static double
svg_text_w(const char *s, double fs)
{
	return (double)diagram_width(s) * SVG_EM * fs;
}

/*
 * A text whose box is vertically centred on y.  `attrs` are extra SVG
 * attributes; a label "FLAGS rest" may set its first word in bold.
 */
static void
svg_text(struct svg *g, double x, double y, enum svg_anchor anchor,
    double fs, const char *attrs, bool boldfirst, const char *s)
{
	static const char *anchors[] = { "start", "middle", "end" };
	double w = svg_text_w(s, fs), bx, base;
	const char *sp;
	char first[128];

	bx = anchor == SVG_START ? x : anchor == SVG_MIDDLE ? x - w / 2 :
	    x - w;
	base = y + (SVG_ASCENT - SVG_DESCENT) / 2 * fs;
	svg_box(g, OUT_SVG_TEXT, bx, y - (SVG_ASCENT + SVG_DESCENT) / 2 * fs,
	    w, (SVG_ASCENT + SVG_DESCENT) * fs, s);
	svg_out(g, "<text x=\"%N\" y=\"%N\"", x, base + g->y0);
	if (anchor != SVG_START)
		svg_out(g, " text-anchor=\"%s\"", anchors[anchor]);
	if (fs != SVG_FS)
		svg_out(g, " font-size=\"%N\"", fs);
	svg_out(g, "%s>", attrs);
	if (boldfirst && (sp = strchr(s, ' ')) != NULL &&
	    (size_t)(sp - s) < sizeof first) {
		memcpy(first, s, (size_t)(sp - s));
		first[sp - s] = '\0';
		svg_out(g, "<tspan font-weight=\"bold\">");
		svg_esc(g, first);
		svg_out(g, "</tspan>");
		svg_esc(g, sp);
	} else
		svg_esc(g, s);
	svg_out(g, "</text>\n");
}

static void
svg_line(struct svg *g, double x1, double y1, double x2, double y2,
    const char *attrs, const char *what)
{
	svg_box(g, OUT_SVG_LINE, x1, y1, x2 - x1, y2 - y1, what);
	svg_out(g, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\"%s/>\n", x1,
	    y1 + g->y0, x2, y2 + g->y0, attrs);
}

/* ------------------------------------------------------------ layout */

/* A state boxed beside its lifeline, centred on y. */
static void
svg_state(struct svg *g, enum ev_side side, double y, enum tcp_state st)
{
	const char *name = tcp_state_name(st);
	double w = svg_text_w(name, SVG_FS_SMALL) + 2 * SVG_PAD;
	double h = (SVG_ASCENT + SVG_DESCENT) * SVG_FS_SMALL + 2;
	double x = side == EV_CLIENT ? g->xc - SVG_GAP - w : g->xs + SVG_GAP;

	svg_out(g, "<path d=\"M%N %NH%N\" stroke=\"#000\"/>\n",
	    side == EV_CLIENT ? g->xc - SVG_GAP : g->xs, y + g->y0,
	    side == EV_CLIENT ? g->xc : g->xs + SVG_GAP);
	svg_out(g, "<rect class=\"state\" x=\"%N\" y=\"%N\" width=\"%N\" "
	    "height=\"%N\" rx=\"3\" fill=\"#fff\" stroke=\"#000\"/>\n", x,
	    y - h / 2 + g->y0, w, h);
	svg_text(g, x + SVG_PAD, y, SVG_START, SVG_FS_SMALL, "", false, name);
}

static void
svg_states(struct svg *g, const struct diagram_row *r, enum ev_side side,
    double y)
{
	size_t k;

	for (k = 0; k < r->nst[side]; k++)
		svg_state(g, side, y + SVG_PITCH * (double)k, r->st[side][k]);
}

static double
svg_states_end(const struct diagram_row *r, enum ev_side side, double y)
{
	if (r->nst[side] == 0)
		return y;
	return y + SVG_PITCH * (double)(r->nst[side] - 1) + SVG_PITCH / 2;
}

static void
svg_time(struct svg *g, const struct diagram_row *r, double y)
{
	char buf[32];

	if (r->frame != 0) {
		snprintf(buf, sizeof buf, "%" PRIu64, r->frame);
		svg_text(g, SVG_MARGIN + g->fw * SVG_EM * SVG_FS_SMALL, y,
		    SVG_END, SVG_FS_SMALL, " fill=\"#444\"", false, buf);
	}
	diagram_time(r->rel_ns, buf, sizeof buf);
	svg_text(g, SVG_MARGIN + (g->fw + 1) * SVG_EM * SVG_FS_SMALL, y,
	    SVG_START, SVG_FS_SMALL, "", false, buf);
}

/* How far the arrow rises over half a width w around its middle. */
static double
svg_slope(const struct svg *g, double w)
{
	return (w / 2 + 6) * SVG_DROP / (g->xs - g->xc);
}

/* A socket call in its caller's column, centred on y. */
static void
svg_call(struct svg *g, enum ev_side side, double y, const char *text)
{
	char label[SVG_CALL_CELLS * 4 + 8];

	diagram_clip(text, SVG_CALL_CELLS, label, sizeof label);
	svg_out(g, "<g class=\"call\">\n");
	svg_text(g, side == EV_CLIENT ? g->lcall : g->rcall, y,
	    side == EV_CLIENT ? SVG_END : SVG_START, SVG_FS_SMALL,
	    " font-style=\"italic\"", false, label);
	svg_out(g, "</g>\n");
}

/* A message arrow; returns the bottom of what it drew. */
static double
svg_msg(struct svg *g, const struct diagram_row *r, double top)
{
	double ya = top + 28, yb = ya + SVG_DROP, ym = (ya + yb) / 2;
	double x1 = r->from == EV_CLIENT ? g->xc : g->xs;
	double x2 = r->from == EV_CLIENT ? g->xs : g->xc;
	double h = (SVG_ASCENT + SVG_DESCENT) * SVG_FS;
	double hs = (SVG_ASCENT + SVG_DESCENT) * SVG_FS_SMALL;
	double w, bottom;
	char label[SVG_MAX_CELLS * 4 + 8], notes[sizeof r->notes + 2];
	const char *style;

	svg_time(g, r, ya);
	if (r->call[0] != '\0')
		svg_call(g, r->from, ya, r->call);
	if (r->kind == DIAGRAM_ICMP)
		style = " stroke=\"#000\" stroke-width=\"1.4\" "
		    "stroke-dasharray=\"2 3\" marker-end=\"url(#open)\"";
	else if (r->retrans)
		style = " stroke=\"#000\" stroke-width=\"1.4\" "
		    "stroke-dasharray=\"7 4\" marker-end=\"url(#head)\"";
	else if (r->rst)
		style = " stroke=\"#000\" stroke-width=\"2.4\" "
		    "marker-end=\"url(#head)\"";
	else
		style = " stroke=\"#000\" stroke-width=\"1.4\" "
		    "marker-end=\"url(#head)\"";
	svg_out(g, "<g class=\"%s\">\n", r->kind == DIAGRAM_ICMP ? "icmp" :
	    "msg");
	if (r->lost)
		/* Never processed: no head, a cross where it would land. */
		style = r->retrans ? " stroke=\"#000\" stroke-width=\"1.4\" "
		    "stroke-dasharray=\"7 4\"" : " stroke=\"#000\" "
		    "stroke-width=\"1.4\"";
	svg_line(g, x1, ya, x2, yb, style, r->label);
	if (r->lost) {
		double cx = x2 + (x1 < x2 ? -6 : 6);

		svg_out(g, "<path class=\"lost\" d=\"M%N %NL%N %NM%N %NL%N "
		    "%N\" stroke=\"#c00\" stroke-width=\"2\"/>\n", cx - 5,
		    yb - 5 + g->y0, cx + 5, yb + 5 + g->y0, cx - 5,
		    yb + 5 + g->y0, cx + 5, yb - 5 + g->y0);
	}

	diagram_clip(r->label, SVG_MAX_CELLS, label, sizeof label);
	w = svg_text_w(label, SVG_FS);
	svg_text(g, (g->xc + g->xs) / 2, ym - svg_slope(g, w) - 3 - h / 2,
	    SVG_MIDDLE, SVG_FS, "", r->kind == DIAGRAM_MSG, label);
	bottom = yb + 4;
	if (r->notes[0] != '\0') {
		snprintf(notes, sizeof notes, "[%s]", r->notes);
		diagram_clip(notes, SVG_MAX_CELLS, label, sizeof label);
		w = svg_text_w(label, SVG_FS_SMALL);
		svg_text(g, (g->xc + g->xs) / 2, ym + svg_slope(g, w) + 3 +
		    hs / 2, SVG_MIDDLE, SVG_FS_SMALL, " font-style=\"italic\"",
		    false, label);
		if (ym + svg_slope(g, w) + 3 + hs + 2 > bottom)
			bottom = ym + svg_slope(g, w) + 3 + hs + 2;
	}
	svg_out(g, "</g>\n");

	/* The sender changes as the segment leaves, the receiver as it
	 * arrives: the arrow's two ends. */
	svg_states(g, r, r->from, ya);
	svg_states(g, r, !r->from, yb);
	if (svg_states_end(r, r->from, ya) + 2 > bottom)
		bottom = svg_states_end(r, r->from, ya) + 2;
	if (svg_states_end(r, !r->from, yb) + 2 > bottom)
		bottom = svg_states_end(r, !r->from, yb) + 2;
	return bottom;
}

static double
svg_row(struct svg *g, const struct diagram_row *r, double top)
{
	double y = top + 16, cells, end;
	char label[SVG_MAX_CELLS * 4 + 8];

	cells = (g->xs - g->xc - 2 * SVG_GAP) / (SVG_EM * SVG_FS_SMALL);
	switch (r->kind) {
	case DIAGRAM_MSG:
	case DIAGRAM_ICMP:
		return svg_msg(g, r, top);
	case DIAGRAM_CALL:
		/* On its own: a dot on the caller's lifeline, the call in
		 * its column. */
		svg_time(g, r, y);
		svg_out(g, "<circle cx=\"%N\" cy=\"%N\" r=\"3.5\" "
		    "fill=\"#000\"/>\n", r->from == EV_CLIENT ? g->xc : g->xs,
		    y + g->y0);
		svg_call(g, r->from, y, r->label);
		return y + 10;
	case DIAGRAM_NOTE:
		svg_time(g, r, y);
		diagram_clip(r->label, (size_t)cells, label, sizeof label);
		svg_out(g, "<g class=\"note\">\n");
		svg_text(g, (g->xc + g->xs) / 2, y, SVG_MIDDLE, SVG_FS_SMALL,
		    " font-style=\"italic\"", false, label);
		svg_out(g, "</g>\n");
		return y + 10;
	case DIAGRAM_STATE:
		svg_time(g, r, y);
		svg_states(g, r, EV_CLIENT, y);
		svg_states(g, r, EV_SERVER, y);
		end = svg_states_end(r, EV_CLIENT, y);
		if (svg_states_end(r, EV_SERVER, y) > end)
			end = svg_states_end(r, EV_SERVER, y);
		return (end > y + 10 ? end : y + 10) + 2;
	}
	return top;
}

/* One conn's <g>; returns its height. */
static double
svg_conn(struct svg *g, const struct diagram *d)
{
	double hb = 2 * (SVG_ASCENT + SVG_DESCENT) * SVG_FS + 8, y, w, end;
	double top = 32;
	struct svg dry;
	size_t i;
	int k;

	svg_out(g, "<g class=\"conn\" id=\"conn-%d\">\n", (int)d->id);
	svg_text(g, SVG_MARGIN, 14, SVG_START, SVG_FS_TITLE,
	    " font-weight=\"bold\"", false, d->title);

	/* Column heads and the two participants. */
	svg_text(g, SVG_MARGIN + g->fw * SVG_EM * SVG_FS_SMALL, top + hb - 10,
	    SVG_END, SVG_FS_SMALL, " fill=\"#444\"", false, _("frame"));
	svg_text(g, SVG_MARGIN + (g->fw + 1) * SVG_EM * SVG_FS_SMALL,
	    top + hb - 10, SVG_START, SVG_FS_SMALL, "", false, _("time (s)"));
	for (k = 0; k < 2; k++) {
		const char *addr = k == 0 ? d->client : d->server;
		const char *head = k == 0 ? _("client") : d->no_socket ?
		    _("no socket") : _("server");
		double x = k == 0 ? g->xc : g->xs;

		w = svg_text_w(addr, SVG_FS);
		if (w < svg_text_w(head, SVG_FS))
			w = svg_text_w(head, SVG_FS);
		w += 16;
		svg_out(g, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" "
		    "fill=\"#eee\" stroke=\"#000\"/>\n", x - w / 2, top + g->y0,
		    w, hb);
		svg_text(g, x, top + hb / 4 + 2, SVG_MIDDLE, SVG_FS,
		    " font-weight=\"bold\"", false, head);
		svg_text(g, x, top + 3 * hb / 4 - 2, SVG_MIDDLE, SVG_FS, "",
		    false, addr);
	}
	y = top + hb + 6;
	if (d->tcp)
		y += 20;
	/* Lifelines first, under everything: their length needs a dry run
	 * of the rows. */
	dry = *g;
	dry.fp = NULL;
	dry.boxes = NULL;
	dry.capboxes = (size_t)-1;
	end = y;
	for (i = 0; i < d->nrows; i++)
		end = svg_row(&dry, &d->rows[i], end);
	end += 12;
	svg_line(g, g->xc, top + hb, g->xc, end, " stroke=\"#000\"",
	    "client lifeline");
	svg_line(g, g->xs, top + hb, g->xs, end, " stroke=\"#000\"",
	    "server lifeline");
	if (d->tcp) {
		svg_state(g, EV_CLIENT, y - 10, d->init[0]);
		svg_state(g, EV_SERVER, y - 10, d->init[1]);
	}
	for (i = 0; i < d->nrows; i++)
		y = svg_row(g, &d->rows[i], y);
	y = end;
	svg_out(g, "</g>\n");
	return y + 24;
}

/* Column widths and lifeline places that fit every conn shown. */
static void
svg_measure(struct svg *g, const struct diagram *ds, size_t n)
{
	double span = SVG_SPAN, w, left, cs = SVG_EM * SVG_FS_SMALL;
	double lw = 0, rw = 0, sw = SVG_STATE_W * cs + 2 * SVG_PAD;
	char buf[32], call[SVG_CALL_CELLS * 4 + 8];
	const char *text;
	size_t i, j;

	/* The column heads fit, translated too ("frame", "time (s)"). */
	g->fw = 5;
	if ((int)diagram_width(_("frame")) > g->fw)
		g->fw = (int)diagram_width(_("frame"));
	g->tw = 8;
	if ((int)diagram_width(_("time (s)")) > g->tw)
		g->tw = (int)diagram_width(_("time (s)"));
	for (i = 0; i < n; i++) {
		for (j = 0; j < ds[i].nrows; j++) {
			const struct diagram_row *r = &ds[i].rows[j];

			snprintf(buf, sizeof buf, "%" PRIu64, r->frame);
			if ((int)strlen(buf) > g->fw)
				g->fw = (int)strlen(buf);
			diagram_time(r->rel_ns, buf, sizeof buf);
			if ((int)strlen(buf) > g->tw)
				g->tw = (int)strlen(buf);
			if (r->kind == DIAGRAM_MSG || r->kind == DIAGRAM_ICMP) {
				w = svg_text_w(r->label, SVG_FS) + 80;
				if (w > span)
					span = w;
			}
			/* The calls' columns: their widest, cut. */
			text = r->kind == DIAGRAM_CALL ? r->label : r->call;
			diagram_clip(text, SVG_CALL_CELLS, call, sizeof call);
			w = text[0] != '\0' ? svg_text_w(call, SVG_FS_SMALL) +
			    SVG_GAP : 0;
			if (r->from == EV_CLIENT && w > lw)
				lw = w;
			if (r->from == EV_SERVER && w > rw)
				rw = w;
		}
		w = (svg_text_w(ds[i].client, SVG_FS) +
		    svg_text_w(ds[i].server, SVG_FS)) / 2 + 40;
		if (w > span)
			span = w;
	}
	if (span > SVG_MAX_CELLS * SVG_EM * SVG_FS + 80)
		span = SVG_MAX_CELLS * SVG_EM * SVG_FS + 80;
	left = SVG_MARGIN + (g->fw + 1 + g->tw + 2) * cs;
	g->xc = left + lw + sw + SVG_GAP + 6;
	for (i = 0; i < n; i++) {
		w = svg_text_w(ds[i].client, SVG_FS);
		if (w < svg_text_w(_("client"), SVG_FS))
			w = svg_text_w(_("client"), SVG_FS);
		w = w / 2 + 8 + SVG_MARGIN;
		if (w > g->xc)
			g->xc = w;
	}
	g->xs = g->xc + span;
	/* Calls beyond their side's state boxes, a gap between. */
	g->lcall = g->xc - SVG_GAP - sw - 6 - SVG_GAP;
	g->rcall = g->xs + SVG_GAP + sw + SVG_GAP;
	g->width = g->xs + SVG_GAP + sw + rw + SVG_MARGIN;
	for (i = 0; i < n; i++) {
		w = svg_text_w(ds[i].server, SVG_FS);
		if (w < svg_text_w(_("server"), SVG_FS))
			w = svg_text_w(_("server"), SVG_FS);
		w = g->xs + w / 2 + 8 + SVG_MARGIN;
		if (w > g->width)
			g->width = w;
		w = SVG_MARGIN * 2 + svg_text_w(ds[i].title, SVG_FS_TITLE);
		if (w > g->width)
			g->width = w;
	}
}

/* Does s hold a double-width (CJK) character? */
static bool
svg_wide(const char *s)
{
	size_t i = 0, n = strlen(s);
	uint32_t cp;

	while (i < n) {
		i += u8_decode(s + i, n - i, &cp);
		if (u8_cp_width(cp) == 2)
			return true;
	}
	return false;
}

/* The font list: the CJK one when any text of the document needs it. */
static const char *
svg_fonts(const struct diagram *ds, size_t n)
{
	static const char *heads[] = { N_("frame"), N_("time (s)"),
	    N_("client"), N_("server"), N_("no connections"),
	    N_("synfin ladder diagram") };
	size_t i, j;

	for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		if (svg_wide(_(heads[i])))
			return SVG_FONTS_CJK;
	}
	for (i = 0; i < n; i++) {
		if (svg_wide(ds[i].title) || svg_wide(ds[i].client) ||
		    svg_wide(ds[i].server))
			return SVG_FONTS_CJK;
		for (j = 0; j < ds[i].nrows; j++) {
			if (svg_wide(ds[i].rows[j].label) ||
			    svg_wide(ds[i].rows[j].call) ||
			    svg_wide(ds[i].rows[j].notes))
				return SVG_FONTS_CJK;
		}
	}
	return SVG_FONTS;
}

static void
svg_document(struct svg *g, const struct timeline *tl, uint32_t id)
{
	struct diagram *ds;
	const struct tl_conn *c;
	size_t i, n, first, m = 0;
	double height;

	n = diagram_select(tl, id, &first);
	ds = xreallocarray(NULL, n ? n : 1, sizeof *ds);
	for (i = 0; i < n; i++) {
		if ((c = timeline_conn(tl, first + i)) != NULL)
			diagram_build(&ds[m++], tl, c);
	}
	svg_measure(g, ds, m);

	/* The height is known only once every conn is laid out. */
	if (g->fp != NULL) {
		struct svg dry = *g;

		dry.fp = NULL;
		dry.boxes = NULL;
		dry.capboxes = (size_t)-1;
		dry.nboxes = 0;
		dry.y0 = 0;
		for (i = 0; i < m; i++)
			dry.y0 += svg_conn(&dry, &ds[i]);
		height = m > 0 ? dry.y0 : 60;
		svg_out(g, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		    "width=\"%N\" height=\"%N\" viewBox=\"0 0 %N %N\" "
		    "font-family=\"%s\" font-size=\"%N\">\n", g->width, height,
		    g->width, height, svg_fonts(ds, m), SVG_FS);
		svg_out(g, "<title>");
		svg_esc(g, m == 1 ? ds[0].title : _("synfin ladder diagram"));
		svg_out(g, "</title>\n<defs>\n"
		    "<marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" "
		    "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
		    "markerUnits=\"strokeWidth\" orient=\"auto\">"
		    "<path d=\"M0 0L10 5L0 10z\" fill=\"#000\"/></marker>\n"
		    "<marker id=\"open\" viewBox=\"0 0 10 10\" refX=\"10\" "
		    "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
		    "markerUnits=\"strokeWidth\" orient=\"auto\">"
		    "<path d=\"M0 0L10 5L0 10\" fill=\"none\" stroke=\"#000\" "
		    "stroke-width=\"1.2\"/></marker>\n</defs>\n"
		    "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	}
	g->y0 = 0;
	for (i = 0; i < m; i++)
		g->y0 += svg_conn(g, &ds[i]);
	if (m == 0)
		svg_text(g, SVG_MARGIN, 30, SVG_START, SVG_FS, "", false,
		    _("no connections"));
	svg_out(g, "</svg>\n");
	for (i = 0; i < m; i++)
		diagram_clear(&ds[i]);
	free(ds);
}

int
out_svg_write(const struct timeline *tl, uint32_t id, FILE *fp)
{
	struct svg g;

	memset(&g, 0, sizeof g);
	g.fp = fp;
	g.capboxes = (size_t)-1;
	svg_document(&g, tl, id);
	return ferror(fp) ? -1 : 0;
}

size_t
out_svg_layout(const struct timeline *tl, uint32_t id,
    struct out_svg_box **boxes)
{
	struct svg g;

	memset(&g, 0, sizeof g);
	svg_document(&g, tl, id);
	*boxes = g.boxes;
	return g.nboxes;
}
