/* SPDX-License-Identifier: ISC */
/*
 * The ladder diagram as plain text, for terminals, e-mail and tests: one
 * line per segment with both endpoints' states beside their lifelines
 * and, beyond them, the socket call that sent it (the client's calls in
 * a column on the left, the server's on the right), as the UI's ladder
 * draws the same rows; a call no segment followed has a line of its own
 * in the same column.
 * What synfin writes itself may be translated, so UTF-8 (Chinese takes
 * two columns): every pad, centre and cut counts columns (u8.h), never
 * bytes.  What a program names (a socket call's arguments) is written
 * ASCII only, any other byte as '?'; control characters and bytes that
 * are not UTF-8 are '?' everywhere.  So pipes and golden files stay
 * stable whatever the input names.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diagram.h"
#include "i18n.h"
#include "out.h"
#include "u8.h"

#define LADDER_MIN_ARROW	40
#define LADDER_MAX_ARROW	100
#define LADDER_STATE_W		12	/* "SYN_RECEIVED" */
#define LADDER_FRAME_W		6
#define LADDER_TIME_W		8
#define LADDER_MAX_CALL		48	/* longer calls are cut */
#define LADDER_BUF		(LADDER_MAX_ARROW * 4 + 8)	/* UTF-8 */

struct out_ladder {
	FILE		*fp;
	int		 fw;		/* frame column */
	int		 tw;		/* time column */
	int		 lw;		/* the client's calls, 0: none */
	int		 rw;		/* the server's calls, 0: none */
	int		 cw;		/* client state column */
	int		 aw;		/* between the lifelines */
};

/*
 * The character at s (n bytes left) as the ladder writes it: *out, *olen
 * bytes wide on the page *w columns.  `ascii`: any byte that is not
 * printable ASCII is a '?'.  Returns the bytes of s it took.
 */
static size_t
out_ladder_char(const char *s, size_t n, bool ascii, const char **out,
    size_t *olen, size_t *w)
{
	unsigned char c = (unsigned char)*s;
	uint32_t cp;
	size_t k;

	*olen = 1;
	*w = 1;
	if (ascii || c < 0x80) {
		*out = (c >= 0x20 && c < 0x7f) ? s : "?";
		return 1;
	}
	k = u8_decode(s, n, &cp);
	/* C1 controls, bad bytes and the bidi controls that would turn a
	 * terminal line around. */
	if (cp < 0xa0 || cp == 0xfffd || (cp >= 0x200e && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
		*out = "?";
		return k;
	}
	*out = s;
	*olen = k;
	*w = (size_t)u8_cp_width(cp);
	return k;
}

/* Columns `s` takes once cleaned. */
static size_t
out_ladder_cols(const char *s, bool ascii)
{
	size_t i, k, n = strlen(s), ol, w, cols = 0;
	const char *o;

	for (i = 0; i < n; i += k) {
		k = out_ladder_char(s + i, n - i, ascii, &o, &ol, &w);
		cols += w;
	}
	return cols;
}

/* `s` cleaned (see out_ladder_char), cut to `max` columns with "...",
 * into buf (len bytes).  Returns the columns written. */
static size_t
out_ladder_clean(const char *s, size_t max, bool ascii, char *buf,
    size_t len)
{
	size_t i, k, n = strlen(s), ol, w, used = 0, cols = 0, lim;
	const char *o;
	bool cut;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (len < 4)
		return 0;
	cut = out_ladder_cols(s, ascii) > max;
	lim = cut && max >= 3 ? max - 3 : max;
	for (i = 0; i < n; i += k) {
		k = out_ladder_char(s + i, n - i, ascii, &o, &ol, &w);
		/* Cleaning never lengthens text: a buffer longer than s
		 * holds it; this only guards a short one. */
		if (cols + w > lim || used + ol + (cut ? 4 : 1) > len)
			break;
		memcpy(buf + used, o, ol);
		used += ol;
		cols += w;
	}
	if (cut && max >= 3) {
		memcpy(buf + used, "...", 3);
		used += 3;
		cols += 3;
	}
	buf[used] = '\0';
	return cols;
}

/* `s` in `w` columns: align < 0 left, > 0 right, 0 centred. */
static void
out_ladder_pad(FILE *fp, const char *s, int w, int align)
{
	int n = (int)u8_strwidth(s), gap = w > n ? w - n : 0;

	if (align > 0)
		fprintf(fp, "%*s%s", gap, "", s);
	else if (align < 0)
		fprintf(fp, "%s%*s", s, gap, "");
	else
		fprintf(fp, "%*s%s%*s", gap / 2, "", s, gap - gap / 2, "");
}

/* The start of a row: frame, time, the client's call column (what a
 * program named: ASCII) and its state column. */
static void
out_ladder_left(struct out_ladder *o, uint64_t frame, const char *time,
    const char *call, const char *cstate)
{
	char f[24] = "", c[LADDER_MAX_CALL * 4 + 8];

	if (frame != 0)
		snprintf(f, sizeof f, "%" PRIu64, frame);
	fprintf(o->fp, "%*s %-*s ", o->fw, f, o->tw, time);
	if (o->lw > 0) {
		out_ladder_clean(call, (size_t)o->lw, true, c, sizeof c);
		out_ladder_pad(o->fp, c, o->lw, -1);
		fputc(' ', o->fp);
	}
	fprintf(o->fp, "%*s |", o->cw, cstate);
}

/* The end of a row: the server's state column and its call column. */
static void
out_ladder_right(struct out_ladder *o, const char *sstate, const char *call)
{
	char c[LADDER_MAX_CALL * 4 + 8];

	if (*call != '\0') {
		out_ladder_clean(call, (size_t)o->rw, true, c, sizeof c);
		fputs("| ", o->fp);
		out_ladder_pad(o->fp, sstate, o->cw, -1);
		fprintf(o->fp, " %s\n", c);
	} else if (*sstate != '\0')
		fprintf(o->fp, "| %s\n", sstate);
	else
		fputs("|\n", o->fp);
}

/* The arrow between the lifelines with its label in the middle. */
static void
out_ladder_arrow(struct out_ladder *o, const struct diagram_row *r)
{
	char head[LADDER_MAX_ARROW + 1], tail[LADDER_MAX_ARROW + 1];
	char label[LADDER_BUF];
	char shaft = r->kind == DIAGRAM_ICMP ? '~' : '-';
	size_t n, at, w = (size_t)o->aw;

	/* Columns: shafts [0, at - 1), a space, the label, a space, shafts
	 * to w, with the head at the receiver's end; at >= 3. */
	n = out_ladder_clean(r->label, w - 6, false, label, sizeof label);
	at = (w - n) / 2;
	memset(head, shaft, at - 1);
	head[at - 1] = '\0';
	memset(tail, shaft, w - at - n - 1);
	tail[w - at - n - 1] = '\0';
	if (r->from == EV_CLIENT)
		tail[w - at - n - 2] = '>';
	else
		head[0] = '<';
	/* Its receiver never processed it: a cross where it would arrive. */
	if (r->lost && r->from == EV_CLIENT) {
		tail[w - at - n - 2] = '\0';
		fprintf(o->fp, "%s %s %s\xe2\x9c\x97", head, label, tail);
	} else if (r->lost)
		fprintf(o->fp, "\xe2\x9c\x97%s %s %s", head + 1, label, tail);
	else
		fprintf(o->fp, "%s %s %s", head, label, tail);
}

/* Text between the lifelines; `ascii` for what a program named. */
static void
out_ladder_middle(struct out_ladder *o, const char *text, int align,
    bool ascii)
{
	char buf[LADDER_BUF];
	int w = o->aw;

	if (out_ladder_clean(text, (size_t)w - 2, ascii, buf,
	    sizeof buf) == 0)
		fprintf(o->fp, "%*s", w, "");
	else if (align < 0) {
		fputc(' ', o->fp);
		out_ladder_pad(o->fp, buf, w - 1, -1);
	} else if (align > 0) {
		out_ladder_pad(o->fp, buf, w - 1, 1);
		fputc(' ', o->fp);
	} else
		out_ladder_pad(o->fp, buf, w, 0);
}

static const char *
out_ladder_st(const struct diagram_row *r, int side, size_t k)
{
	return k < r->nst[side] ? tcp_state_name(r->st[side][k]) : "";
}

static void
out_ladder_row(struct out_ladder *o, const struct diagram_row *r)
{
	char time[32], notes[sizeof r->notes + 2];
	size_t k, nextra, more;

	diagram_time(r->rel_ns, time, sizeof time);
	switch (r->kind) {
	case DIAGRAM_NOTE:
		out_ladder_left(o, r->frame, time, "", "");
		out_ladder_clean(r->label, sizeof notes, false, notes,
		    sizeof notes);
		fprintf(o->fp, " %s\n", notes);
		return;
	case DIAGRAM_CALL:
		/* A call on its own: in its caller's column, as the UI. */
		out_ladder_left(o, 0, time, r->from == EV_CLIENT ? r->label :
		    "", "");
		out_ladder_middle(o, "", 0, false);
		out_ladder_right(o, "", r->from == EV_SERVER ? r->label : "");
		return;
	case DIAGRAM_MSG:
	case DIAGRAM_ICMP:
	case DIAGRAM_STATE:
		break;
	}
	/* The call that sent a segment on its line, beside the sender's
	 * state, as the UI draws it. */
	out_ladder_left(o, r->frame, time, r->from == EV_CLIENT ? r->call : "",
	    out_ladder_st(r, 0, 0));
	if (r->kind == DIAGRAM_STATE)
		out_ladder_middle(o, "", 0, false);
	else
		out_ladder_arrow(o, r);
	out_ladder_right(o, out_ladder_st(r, 1, 0), r->from == EV_SERVER ?
	    r->call : "");

	/* Further states the same row caused, then its notes. */
	more = r->nst[0] > r->nst[1] ? r->nst[0] : r->nst[1];
	nextra = more > 1 ? more - 1 : 0;
	if (r->notes[0] != '\0' && nextra == 0)
		nextra = 1;
	for (k = 0; k < nextra; k++) {
		out_ladder_left(o, 0, "", "", out_ladder_st(r, 0, k + 1));
		if (k == 0 && r->notes[0] != '\0') {
			snprintf(notes, sizeof notes, "[%s]", r->notes);
			out_ladder_middle(o, notes, 0, false);
		} else
			out_ladder_middle(o, "", 0, false);
		out_ladder_right(o, out_ladder_st(r, 1, k + 1), "");
	}
}

static void
out_ladder_one(FILE *fp, const struct diagram *d)
{
	struct out_ladder o = { .fp = fp, .cw = LADDER_STATE_W };
	const char *hframe = _("frame"), *htime = _("time");
	const char *hclient = _("client");
	/* TRANSLATORS: the lifeline of a port nothing had open (a UDP
	   datagram answered by ICMP port unreachable), where "server"
	   stands otherwise. */
	const char *hserver = d->no_socket ? _("no socket") : _("server");
	char time[32], clean[sizeof d->title];
	const char *call;
	size_t i, w;
	int left;

	/* Columns fit their heads too: a translation may be wider. */
	o.fw = LADDER_FRAME_W;
	if ((int)u8_strwidth(hframe) > o.fw)
		o.fw = (int)u8_strwidth(hframe);
	o.tw = LADDER_TIME_W;
	if ((int)u8_strwidth(htime) > o.tw)
		o.tw = (int)u8_strwidth(htime);
	if ((int)u8_strwidth(hclient) > o.cw)
		o.cw = (int)u8_strwidth(hclient);
	o.aw = LADDER_MIN_ARROW;
	for (i = 0; i < d->nrows; i++) {
		const struct diagram_row *r = &d->rows[i];

		diagram_time(r->rel_ns, time, sizeof time);
		if ((int)strlen(time) > o.tw)
			o.tw = (int)strlen(time);
		/* A call's column fits the widest of its side's calls. */
		call = r->kind == DIAGRAM_CALL ? r->label : r->call;
		w = out_ladder_cols(call, true);
		if (w > LADDER_MAX_CALL)
			w = LADDER_MAX_CALL;
		if (r->from == EV_CLIENT && (int)w > o.lw)
			o.lw = (int)w;
		if (r->from == EV_SERVER && (int)w > o.rw)
			o.rw = (int)w;
		w = out_ladder_cols(r->label, false) + 8;
		if ((r->kind == DIAGRAM_MSG || r->kind == DIAGRAM_ICMP) &&
		    (int)w > o.aw)
			o.aw = w > LADDER_MAX_ARROW ? LADDER_MAX_ARROW : (int)w;
		w = out_ladder_cols(r->notes, false) + 4;
		if ((int)w > o.aw)
			o.aw = w > LADDER_MAX_ARROW ? LADDER_MAX_ARROW : (int)w;
	}
	left = o.fw + 1 + o.tw + 1 + (o.lw > 0 ? o.lw + 1 : 0) + o.cw;

	out_ladder_clean(d->title, sizeof clean, false, clean, sizeof clean);
	fprintf(fp, "%s\n", clean);
	out_ladder_pad(fp, hframe, o.fw, 1);
	fputc(' ', fp);
	out_ladder_pad(fp, htime, o.tw, -1);
	fputc(' ', fp);
	out_ladder_pad(fp, hclient, left - o.fw - o.tw - 2, 1);
	fprintf(fp, " |%*s| %s\n", o.aw, "", hserver);
	out_ladder_clean(d->client, sizeof clean, false, clean, sizeof clean);
	out_ladder_pad(fp, clean, left, 1);
	fprintf(fp, " |%*s| ", o.aw, "");
	out_ladder_clean(d->server, sizeof clean, false, clean, sizeof clean);
	fprintf(fp, "%s\n", clean);
	if (d->tcp) {
		fprintf(fp, "%*s |%*s| %s\n", left, tcp_state_name(d->init[0]),
		    o.aw, "", tcp_state_name(d->init[1]));
	}
	for (i = 0; i < d->nrows; i++)
		out_ladder_row(&o, &d->rows[i]);
}

int
out_ladder_write(const struct timeline *tl, uint32_t id, FILE *fp)
{
	if (diagram_each(tl, id, fp, out_ladder_one) == 0)
		fprintf(fp, "%s\n", _("no connections"));
	return ferror(fp) ? -1 : 0;
}
