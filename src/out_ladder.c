/* SPDX-License-Identifier: ISC */
/*
 * The ladder diagram as plain text, for terminals, e-mail and tests: one
 * line per segment with both endpoints' states beside their lifelines.
 * ASCII only: any other byte is written as '?', so pipes and golden files
 * stay stable whatever the input names.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diagram.h"
#include "out.h"

#define LADDER_MIN_ARROW	40
#define LADDER_MAX_ARROW	100
#define LADDER_STATE_W		12	/* "SYN_RECEIVED" */

struct out_ladder {
	FILE		*fp;
	int		 tw;		/* time column */
	int		 cw;		/* client state column */
	int		 aw;		/* between the lifelines */
};

/* `s` as printable ASCII, cut to `max` characters with "...". */
static void
out_ladder_clean(const char *s, size_t max, char *buf, size_t len)
{
	size_t i, n = strlen(s);

	if (len == 0)
		return;
	if (max > len - 1)
		max = len - 1;
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[i] = '\0';
	if (n > max && max >= 3)
		memcpy(buf + max - 3, "...", 3);
}

/* The start of a row: frame, time and the client's state column. */
static void
out_ladder_left(struct out_ladder *o, uint64_t frame, const char *time,
    const char *cstate)
{
	char f[24] = "";

	if (frame != 0)
		snprintf(f, sizeof f, "%" PRIu64, frame);
	fprintf(o->fp, "%6s %-*s %*s |", f, o->tw, time, o->cw, cstate);
}

static void
out_ladder_right(struct out_ladder *o, const char *sstate)
{
	if (*sstate != '\0')
		fprintf(o->fp, "| %s\n", sstate);
	else
		fputs("|\n", o->fp);
}

/* The arrow between the lifelines with its label in the middle. */
static void
out_ladder_arrow(struct out_ladder *o, const struct diagram_row *r)
{
	char body[LADDER_MAX_ARROW + 1], label[LADDER_MAX_ARROW + 1];
	char shaft = r->kind == DIAGRAM_ICMP ? '~' : '-';
	size_t n, at;
	int w = o->aw;

	out_ladder_clean(r->label, (size_t)w - 6, label, sizeof label);
	memset(body, shaft, (size_t)w);
	body[w] = '\0';
	n = strlen(label);
	at = ((size_t)w - n) / 2;
	body[at - 1] = ' ';
	memcpy(body + at, label, n);
	body[at + n] = ' ';
	if (r->from == EV_CLIENT)
		body[w - 1] = '>';
	else
		body[0] = '<';
	fputs(body, o->fp);
}

static void
out_ladder_middle(struct out_ladder *o, const char *text, int align)
{
	char buf[LADDER_MAX_ARROW + 1];
	int n, w = o->aw;

	out_ladder_clean(text, (size_t)w - 2, buf, sizeof buf);
	n = (int)strlen(buf);
	if (n == 0)
		fprintf(o->fp, "%*s", w, "");
	else if (align < 0)
		fprintf(o->fp, " %-*s", w - 1, buf);
	else if (align > 0)
		fprintf(o->fp, "%*s ", w - 1, buf);
	else
		fprintf(o->fp, "%*s%s%*s", (w - n) / 2, "", buf,
		    w - n - (w - n) / 2, "");
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
		out_ladder_left(o, r->frame, time, "");
		out_ladder_clean(r->label, sizeof notes - 1, notes,
		    sizeof notes);
		fprintf(o->fp, " %s\n", notes);
		return;
	case DIAGRAM_CALL:
		out_ladder_left(o, 0, time, "");
		out_ladder_middle(o, r->label, r->from == EV_CLIENT ? -1 : 1);
		out_ladder_right(o, "");
		return;
	case DIAGRAM_MSG:
	case DIAGRAM_ICMP:
	case DIAGRAM_STATE:
		break;
	}
	out_ladder_left(o, r->frame, time, out_ladder_st(r, 0, 0));
	if (r->kind == DIAGRAM_STATE)
		out_ladder_middle(o, "", 0);
	else
		out_ladder_arrow(o, r);
	out_ladder_right(o, out_ladder_st(r, 1, 0));

	/* Further states the same row caused, then its notes. */
	more = r->nst[0] > r->nst[1] ? r->nst[0] : r->nst[1];
	nextra = more > 1 ? more - 1 : 0;
	if (r->notes[0] != '\0' && nextra == 0)
		nextra = 1;
	for (k = 0; k < nextra; k++) {
		out_ladder_left(o, 0, "", out_ladder_st(r, 0, k + 1));
		if (k == 0 && r->notes[0] != '\0') {
			snprintf(notes, sizeof notes, "[%s]", r->notes);
			out_ladder_middle(o, notes, 0);
		} else
			out_ladder_middle(o, "", 0);
		out_ladder_right(o, out_ladder_st(r, 1, k + 1));
	}
}

static void
out_ladder_one(FILE *fp, const struct diagram *d)
{
	struct out_ladder o = { .fp = fp, .cw = LADDER_STATE_W };
	char time[32], clean[sizeof d->title];
	size_t i, w;
	int left;

	o.tw = 8;
	o.aw = LADDER_MIN_ARROW;
	for (i = 0; i < d->nrows; i++) {
		const struct diagram_row *r = &d->rows[i];

		diagram_time(r->rel_ns, time, sizeof time);
		if ((int)strlen(time) > o.tw)
			o.tw = (int)strlen(time);
		w = strlen(r->label) + (r->kind == DIAGRAM_CALL ? 2 : 8);
		if (r->kind != DIAGRAM_NOTE && (int)w > o.aw)
			o.aw = w > LADDER_MAX_ARROW ? LADDER_MAX_ARROW : (int)w;
		w = strlen(r->notes) + 4;
		if ((int)w > o.aw)
			o.aw = w > LADDER_MAX_ARROW ? LADDER_MAX_ARROW : (int)w;
	}
	left = 6 + 1 + o.tw + 1 + o.cw;

	out_ladder_clean(d->title, sizeof clean - 1, clean, sizeof clean);
	fprintf(fp, "%s\n", clean);
	fprintf(fp, "%6s %-*s %*s |%*s| %s\n", "frame", o.tw, "time", o.cw,
	    "client", o.aw, "", "server");
	out_ladder_clean(d->client, sizeof clean - 1, clean, sizeof clean);
	fprintf(fp, "%*s |%*s| ", left, clean, o.aw, "");
	out_ladder_clean(d->server, sizeof clean - 1, clean, sizeof clean);
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
		fputs("no connections\n", fp);
	return ferror(fp) ? -1 : 0;
}
