/* SPDX-License-Identifier: ISC */
/* The ladder view: two lifelines, an arrow per segment, states beside. */

#include "config.h"

#include <errno.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "msg_text.h"
#include "u8.h"
#include "ui_int.h"

/*
 * Rows are revealed up to the selected step, as time goes: stepping back
 * takes later arrows off the screen again.  The first two lines name the
 * endpoints and the states they start in; a state is written beside its
 * lifeline on the row where it changes.
 */
#define VL_HEAD	2
/* Payload bytes quoted on an arrow at most. */
#define VL_DATA	20

/* Where the ladder was last drawn, for mouse clicks. */
static struct lay_rect view_ladder_rect;
static size_t view_ladder_top;

static void
view_ladder_label(const struct ev *e, char *buf, size_t len, int width)
{
	const struct ev_packet *p = &e->u.pkt;
	char fl[48], seq[24], ack[24], plen[24], notes[96], opts[64];
	char data[VL_DATA + 8];
	const char *tok[7];
	/* Analysis notes ([retransmission]) go last, with the flags. */
	int prio[7] = { 0, 3, 4, 1, 3, 0, 5 };
	const char *name;
	size_t used = 0;
	unsigned i;

	seq[0] = ack[0] = plen[0] = opts[0] = data[0] = '\0';
	if (p->paycap > 0) {
		/* The first bytes, "Hello, world!", where there is room. */
		data[0] = '"';
		used = 1 + ev_payload_text(p->payload, p->paycap, data + 1,
		    VL_DATA + 1);
		snprintf(data + used, sizeof data - used, "\"%s",
		    p->len > used - 1 ? "..." : "");
		used = 0;
	}
	if (e->conn->proto != 6) {
		snprintf(fl, sizeof fl, "UDP");
		snprintf(plen, sizeof plen, "len=%" PRIu32, p->len);
	} else {
		ev_flags_label(p->flags, fl, sizeof fl);
		snprintf(seq, sizeof seq, "seq=%" PRIu32, p->rseq);
		if (p->flags & TCP_ACK)
			snprintf(ack, sizeof ack, "ack=%" PRIu32, p->rack);
		if (p->len > 0)
			snprintf(plen, sizeof plen, "len=%" PRIu32, p->len);
		if (p->opt.present & TCPOPT_F_MSS)
			used += (size_t)snprintf(opts + used, sizeof opts -
			    used, "mss=%u", p->opt.mss);
		if ((p->opt.present & TCPOPT_F_WSCALE) && used < sizeof opts)
			snprintf(opts + used, sizeof opts - used, "%sws=%u",
			    used > 0 ? " " : "", p->opt.wscale);
	}
	notes[0] = '\0';
	used = 0;
	for (i = 0; i < AN_COUNT && used < sizeof notes; i++) {
		if (!(p->analysis & (1U << i)) ||
		    (name = ev_analysis_name(1U << i)) == NULL)
			continue;
		used += (size_t)snprintf(notes + used, sizeof notes - used,
		    "%s%s", used > 0 ? ", " : "[", name);
	}
	if (used > 0 && used + 1 < sizeof notes) {
		notes[used] = ']';
		notes[used + 1] = '\0';
	}
	for (i = 0; notes[i] != '\0'; i++) {
		if (notes[i] == '_')
			notes[i] = ' ';
	}
	tok[0] = fl;
	tok[1] = seq;
	tok[2] = ack;
	tok[3] = plen;
	tok[4] = data;
	tok[5] = notes;
	tok[6] = opts;
	lay_label(buf, len, width, tok, prio, 7);
}

static void
view_ladder_arrow(struct ui *ui, const struct lay_ladder *l, int y, int ox,
    bool c2s, bool lost, const char *line, const char *label, attr_t at)
{
	const struct theme_glyphs *g = ui->g;
	struct lay_arrow a;

	lay_arrow(&a, l, c2s, lay_width(label, strlen(label)));
	attrset(at);
	ui_fill(y, ox + a.x0, a.x1 - a.x0 + 1, line);
	/* Its receiver never processed it: a cross where it would land. */
	mvaddstr(y, ox + a.head_x, lost ? g->lost : c2s ? g->head_r :
	    g->head_l);
	if (a.label_w > 0) {
		mvaddstr(y, ox + a.label_x - 1, " ");
		ui_put(y, ox + a.label_x, a.label_w, label);
		addstr(" ");
	}
	attrset(A_NORMAL);
}

/*
 * A call as it fits in `w` cells: "connect(127.0.0.1:8080)", else with
 * its arguments abbreviated, "connect(…)"; its name is never cut (the
 * column is made wide enough for it, see view_ladder_call_widths()).
 */
/* After a call's name: its errno name if it failed, dots if it would
 * block and waits (a lab's). */
static const char *
view_ladder_call_err(const struct ev_call *c, const char **sep)
{
	*sep = "";
	if (c->err == EAGAIN || c->err == EINPROGRESS)
		return "...";
	if (c->err == 0)
		return "";
	*sep = " ";
	return ev_errno_name(c->err);
}

/*
 * A call as it fits in `w` cells: "connect(127.0.0.1:8080)", else with
 * its arguments left to the detail view and the narration, "connect()";
 * its name is never cut (the column is made wide enough for it, see
 * view_ladder_call_widths()).
 */
static void
view_ladder_call_text(const struct ev *call, int w, char *buf, size_t len)
{
	const struct ev_call *c = &call->u.call;
	const char *sep, *err = view_ladder_call_err(c, &sep);

	snprintf(buf, len, "%s(%s)%s%s", c->name, c->args, sep, err);
	if (lay_width(buf, strlen(buf)) <= w || c->args[0] == '\0')
		return;
	snprintf(buf, len, "%s()%s%s", c->name, sep, err);
}

/* The widths the calls on this ladder take: whole, and at least. */
static void
view_ladder_call_widths(const struct ui *ui, int *min, int *want)
{
	struct ev evb;
	static uint32_t conn = UINT32_MAX;
	static size_t scanned;
	static int cmin, cwant;
	const struct rows_row *row;
	const struct ev *e;
	const char *sep, *err;
	int w;

	if (ui->rows.conn != conn || ui->rows.n < scanned) {
		conn = ui->rows.conn;
		scanned = 0;
		cmin = cwant = 0;
	}
	for (; scanned < ui->rows.n; scanned++) {
		row = &ui->rows.v[scanned];
		if (row->call < 0 && row->kind != ROWS_CALL)
			continue;
		e = timeline_get(ui->tl, row->call >= 0 ? (size_t)row->call :
		    row->ev, &evb);
		if (e == NULL)
			continue;
		err = view_ladder_call_err(&e->u.call, &sep);
		w = (int)(strlen(e->u.call.name) + 2 + strlen(sep) +
		    strlen(err));
		if (w > cmin)
			cmin = w;
		w += lay_width(e->u.call.args, strlen(e->u.call.args));
		if (w > cwant)
			cwant = w;
	}
	*min = cmin;
	*want = cwant;
}

static void
view_ladder_call(const struct ui *ui, const struct lay_ladder *l, int y,
    int ox, const struct ev *call)
{
	char buf[128];
	int x;

	view_ladder_call_text(call, l->call_w, buf, sizeof buf);
	if (call->u.call.side == EV_CLIENT)
		x = ox + l->lcall_x;
	else
		x = ox + l->rcall_x;
	attrset(theme_attr(call->u.call.err != 0 ? TH_NOTE : TH_CALL));
	ui_put(y, x, l->call_w, buf);
	attrset(A_NORMAL);
}

static void
view_ladder_states(const struct ui *ui, const struct lay_ladder *l, int y,
    int ox, const uint8_t before[2], const uint8_t after[2], bool force)
{
	const char *name;
	int w;

	if (force || before[0] != after[0]) {
		name = tcp_state_name(after[0]);
		w = (int)u8_strwidth(name);
		attrset(theme_attr(TH_CLIENT));
		ui_put(y, ox + l->lstate_x + l->state_w - w, l->state_w, name);
	}
	if (force || before[1] != after[1]) {
		attrset(theme_attr(TH_SERVER));
		ui_put(y, ox + l->rstate_x, l->state_w,
		    tcp_state_name(after[1]));
	}
	attrset(A_NORMAL);
}

static void
view_ladder_row(struct ui *ui, const struct lay_ladder *l, int y, int ox,
    size_t i)
{
	struct ev evb, cevb;
	const struct rows_row *row = &ui->rows.v[i];
	const struct ev *e = timeline_get_payload(ui->tl, row->ev, &evb);
	const struct theme_glyphs *g = ui->g;
	const uint8_t *before = i > 0 ? ui->rows.v[i - 1].st : ui->rows.init;
	char label[160], desc[128], text[MSG_TEXT_MAX];
	bool tcp = e->conn != NULL && e->conn->proto == 6;
	uint8_t mid[2];
	attr_t at;

	attrset(A_NORMAL);
	mvaddstr(y, ox + l->lx, g->v);
	mvaddstr(y, ox + l->rx, g->v);
	switch (row->kind) {
	case ROWS_PKT:
		view_ladder_label(e, label, sizeof label, l->label_w);
		at = theme_attr(e->u.pkt.analysis & (AN_RETRANSMISSION |
		    AN_FAST_RETRANSMISSION | AN_SPURIOUS_RETRANSMISSION |
		    AN_DUP_ACK | AN_ZERO_WINDOW | AN_LOST_SEGMENT) ? TH_NOTE :
		    (e->u.pkt.flags & TCP_RST) ? TH_WARN : TH_ARROW);
		view_ladder_arrow(ui, l, y, ox, e->u.pkt.dir == EV_C2S,
		    (e->u.pkt.analysis & AN_NOT_PROCESSED) != 0, g->h, label,
		    at);
		if (row->call >= 0)
			view_ladder_call(ui, l, y, ox,
			    timeline_get(ui->tl, (size_t)row->call, &cevb));
		break;
	case ROWS_ICMP:
		snprintf(desc, sizeof desc, "ICMP %s",
		    _(ev_icmp_desc(e->u.icmp.family, e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code)));
		view_ladder_arrow(ui, l, y, ox, row->side == EV_CLIENT,
		    false, g->dot_h, desc, theme_attr(TH_NOTE));
		break;
	case ROWS_CALL:
		view_ladder_call(ui, l, y, ox, e);
		break;
	case ROWS_KSTATE:
		/* TRANSLATORS: a discreet label on the ladder: the kernel's
		   own state of the endpoint beside it (a state name). */
		snprintf(desc, sizeof desc, _("kernel: %s"),
		    tcp_state_name(e->u.kstate.state));
		attrset(theme_attr(TH_DIM));
		if (row->side == EV_CLIENT)
			ui_put(y, ox + l->lx + 2, l->rx - l->lx - 3, desc);
		else {
			int w = lay_width(desc, strlen(desc));

			if (w > l->rx - l->lx - 3)
				w = l->rx - l->lx - 3;
			ui_put(y, ox + l->rx - 1 - w, w, desc);
		}
		attrset(A_NORMAL);
		break;
	case ROWS_WARN:
		snprintf(desc, sizeof desc, "! %s", msg_text(e->u.warn.msg,
		    true, text, sizeof text));
		attrset(theme_attr(TH_WARN));
		ui_put(y, ox + l->lx + 2, l->rx - l->lx - 3, desc);
		attrset(A_NORMAL);
		break;
	}
	if (!tcp)
		return;
	if (row->via[0] == ROWS_NO_VIA && row->via[1] == ROWS_NO_VIA) {
		view_ladder_states(ui, l, y, ox, before, row->st, false);
		return;
	}
	/* It passed through a state within this step: that state on the
	 * row's line, where it ends on the line below (rows.h). */
	mid[0] = row->via[0] != ROWS_NO_VIA ? row->via[0] : row->st[0];
	mid[1] = row->via[1] != ROWS_NO_VIA ? row->via[1] : row->st[1];
	view_ladder_states(ui, l, y, ox, before, mid, false);
	if (y + 1 >= view_ladder_rect.y + view_ladder_rect.h)
		return;
	attrset(A_NORMAL);
	mvaddstr(y + 1, ox + l->lx, g->v);
	mvaddstr(y + 1, ox + l->rx, g->v);
	view_ladder_states(ui, l, y + 1, ox, mid, row->st, false);
}

static void
view_ladder_idle(struct ui *ui, const struct lay_ladder *l, int y, int ox,
    size_t i)
{
	struct ev evb, evb2;
	const struct ev *a = timeline_get(ui->tl, ui->rows.v[i - 1].ev, &evb);
	const struct ev *b = timeline_get(ui->tl, ui->rows.v[i].ev, &evb2);
	int64_t dt = b->ts_ns - a->ts_ns;
	char buf[64];
	int w;

	attrset(theme_attr(TH_DIM));
	mvaddstr(y, ox + l->lx, ui->g->idle_v);
	mvaddstr(y, ox + l->rx, ui->g->idle_v);
	snprintf(buf, sizeof buf, _("%" PRId64 ".%01" PRId64 " s idle"),
	    dt / 1000000000, (dt % 1000000000) / 100000000);
	w = lay_width(buf, strlen(buf));
	ui_put(y, ox + l->lx + (l->rx - l->lx - w) / 2, l->rx - l->lx - 1, buf);
	attrset(A_NORMAL);
}

static void
view_ladder_header(struct ui *ui, const struct lay_ladder *l,
    const struct lay_rect *r)
{
	const struct tl_conn *c = timeline_conn(ui->tl, (size_t)ui->conn);
	char cli[96], srv[96], ep[64];
	int w;

	if (c == NULL)
		return;		/* evicted (ui_sync() moves off it first) */
	pkt_endpoint_str(&c->info.caddr, c->info.cport, ep, sizeof ep);
	snprintf(cli, sizeof cli, "%s %s", _("CLIENT"), ep);
	pkt_endpoint_str(&c->info.saddr, c->info.sport, ep, sizeof ep);
	/* TRANSLATORS: the header of a port nothing had open, where
	   "SERVER" stands otherwise. */
	snprintf(srv, sizeof srv, "%s %s", c->info.no_socket ?
	    _("NO SOCKET") : _("SERVER"), ep);
	attrset(theme_attr(TH_CLIENT));
	ui_put(r->y, r->x, r->w / 2, cli);
	attrset(theme_attr(TH_SERVER));
	w = lay_width(srv, strlen(srv));
	if (w > r->w / 2 - 1)
		w = r->w / 2 - 1;
	ui_put(r->y, r->x + r->w - w, w, srv);
	attrset(A_NORMAL);
	mvaddstr(r->y + 1, r->x + l->lx, ui->g->v);
	mvaddstr(r->y + 1, r->x + l->rx, ui->g->v);
	if (c->info.proto == 6)
		view_ladder_states(ui, l, r->y + 1, r->x, ui->rows.init,
		    ui->rows.init, true);
}

/* The source's banner, wrapped at spaces; returns the line below it. */
static int
view_ladder_banner(const char *s, const struct lay_rect *r)
{
	int y = r->y + 1, w = r->w - 4;
	size_t n, cut;

	while (*s != '\0' && y < r->y + r->h - 2 && w > 0) {
		n = u8_fit(s, strlen(s), (size_t)w);
		cut = n;
		if (s[n] != '\0') {
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = n;
		}
		mvaddnstr(y++, r->x + 2, s, (int)cut);
		s += cut;
		while (*s == ' ')
			s++;
	}
	return y + 1;
}

static void
view_ladder_draw(struct ui *ui, const struct lay_rect *r)
{
	struct lay_ladder l;
	size_t i, total, height, first;
	uint32_t sel_line;
	int y, cmin, cwant;

	view_ladder_rect = *r;
	if (ui->conn < 0 && ui->rows.n == 0) {
		y = r->y + 1;
		if (ui->opts->banner != NULL)
			y = view_ladder_banner(ui->opts->banner, r);
		ui_put(y, r->x + 2, r->w - 4, _("No TCP or UDP "
		    "conversation yet."));
		return;
	}
	view_ladder_call_widths(ui, &cmin, &cwant);
	lay_ladder_fit(&l, r->w, cmin, cwant);
	if (ui->conn >= 0)
		view_ladder_header(ui, &l, r);
	if (ui_dropped(ui) > 0 && r->h > VL_HEAD + 1) {
		struct lay_rect below = { r->x, r->y + VL_HEAD, r->w,
		    r->h - VL_HEAD };
		char buf[256];

		snprintf(buf, sizeof buf, P_("The %zu event of this "
		    "conversation was dropped to stay under the memory cap; "
		    "its counts and its states remain.", "The %zu events of "
		    "this conversation were dropped to stay under the memory "
		    "cap; its counts and its states remain.", ui_dropped(ui)),
		    ui_dropped(ui));
		attrset(theme_attr(TH_WARN));
		view_ladder_banner(buf, &below);
		attrset(A_NORMAL);
	}
	if (ui->rows.n == 0 || r->h <= VL_HEAD)
		return;
	height = (size_t)(r->h - VL_HEAD);
	sel_line = ui->rows.v[ui->sel].line;
	total = (size_t)sel_line + 1;
	if (ui->manual_top) {
		if (ui->top + height > total)
			ui->top = total > height ? total - height : 0;
	} else
		ui->top = lay_scroll(ui->top, sel_line, height, total);
	view_ladder_top = ui->top;

	/* The first row at or after the top line. */
	first = 0;
	{
		size_t lo = 0, hi = ui->sel + 1, mid;

		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (ui->rows.v[mid].line < ui->top)
				lo = mid + 1;
			else
				hi = mid;
		}
		first = lo;
	}
	for (i = first; i <= ui->sel; i++) {
		const struct rows_row *row = &ui->rows.v[i];

		if (row->line >= ui->top + height)
			break;
		y = r->y + VL_HEAD + (int)(row->line - ui->top);
		if (row->gap && row->line > ui->top)
			view_ladder_idle(ui, &l, y - 1, r->x, i);
		view_ladder_row(ui, &l, y, r->x, i);
		if (i == ui->sel)
			mvchgat(y, r->x, r->w, theme_colour() ? A_BOLD :
			    A_REVERSE, theme_colour() ? (short)TH_SEL : 0,
			    NULL);
	}
}

long
view_ladder_row_at(const struct ui *ui, int y)
{
	const struct lay_rect *r = &view_ladder_rect;
	long row;

	if (y < r->y + VL_HEAD || y >= r->y + r->h)
		return -1;
	row = rows_at_line(&ui->rows,
	    (uint32_t)(view_ladder_top + (size_t)(y - r->y - VL_HEAD)));
	if (row < 0 || (size_t)row > ui->sel)
		return -1;
	return row;
}

const struct ui_view view_ladder = {
	.name = "ladder",
	.draw = view_ladder_draw,
	.key = NULL,
	.resize = NULL,
};
