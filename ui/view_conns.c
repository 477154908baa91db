/* SPDX-License-Identifier: ISC */
/* The connection list: every conversation of the timeline, pick one. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "u8.h"
#include "ui_int.h"

/* Only the rows on screen are formatted: a list of 100k conns is cheap. */
#define VC_HEAD	1

static struct lay_rect view_conns_rect;

/* Where each column of a row starts, and its width (< 0: right-aligned). */
static const struct {
	int		 x, w;
	const char	*text;
} view_conns_heads[] = {
	{ 2, 5, "#" },
	{ 8, 5, N_("proto") },
	{ 14, 22, N_("client") },
	{ 39, 22, N_("server") },
	{ 62, -7, N_("packets") },
	{ 71, 12, N_("client") },	/* its state */
	{ 84, 12, N_("server") },
	{ 97, 0, N_("seen") },
};

static void
view_conns_compl(uint8_t c, char *buf, size_t len)
{
	/* Flag names stay as they are; "DATA" is a word. */
	static const char *names[] = { "SYN", "SYN-ACK", "ACK", N_("DATA"),
	    "FIN", "RST" };
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < 6 && used < len; i++) {
		if (c & (1U << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used ? "," : "", i == 3 ? _(names[i]) : names[i]);
	}
}

/*
 * The list shows the conns the timeline holds, without the holes the
 * memory cap leaves when it evicts old ones: its rows and conns_top are
 * places in that order (timeline_conn_held()); the selection, conns_sel,
 * stays a conn index (timeline_conn()).  Call with a conn held.
 */
static size_t
view_conns_rank(struct ui *ui)
{
	size_t n = timeline_conns_held(ui->tl), k;

	k = timeline_conn_rank(ui->tl, ui->conns_sel);
	if (k >= n)
		k = n - 1;
	ui->conns_sel = timeline_conn_held(ui->tl, k)->info.id - 1;
	return k;
}

static void
view_conns_select(struct ui *ui, size_t k)
{
	const struct tl_conn *c = timeline_conn_held(ui->tl, k);

	if (c != NULL)
		ui->conns_sel = c->info.id - 1;
}

static void
view_conns_draw(struct ui *ui, const struct lay_rect *r)
{
	const struct tl_conn *c;
	size_t n = timeline_conns_held(ui->tl), i, height, idx;
	char buf[256], cli[64], srv[64], compl[64];
	int y;

	view_conns_rect = *r;
	attrset(A_BOLD);
	/* Headings over the columns of the rows below, placed by column
	 * (a translated heading may be wider in bytes than on screen). */
	for (i = 0; i < sizeof view_conns_heads / sizeof
	    view_conns_heads[0]; i++) {
		const char *h = _(view_conns_heads[i].text);
		int hx = view_conns_heads[i].x, hw = view_conns_heads[i].w;
		int tw = (int)u8_strwidth(h);

		if (hw < 0 && tw < -hw)
			hx += -hw - tw;		/* right-aligned */
		hw = hw == 0 ? r->w - hx : hw < 0 ? -hw : hw;
		if (hx < r->w)
			ui_put(r->y, r->x + hx, hw < r->w - hx ? hw :
			    r->w - hx, h);
	}
	attrset(A_NORMAL);
	if (n == 0) {
		ui_put(r->y + 2, r->x + 2, r->w - 4, _("No conversation yet."));
		return;
	}
	if (r->h <= VC_HEAD)
		return;
	height = (size_t)(r->h - VC_HEAD);
	ui->conns_top = lay_scroll(ui->conns_top, view_conns_rank(ui), height,
	    n);
	for (i = ui->conns_top; i < n && i < ui->conns_top + height; i++) {
		c = timeline_conn_held(ui->tl, i);
		idx = c->info.id - 1;
		y = r->y + VC_HEAD + (int)(i - ui->conns_top);
		pkt_endpoint_str(&c->info.caddr, c->info.cport, cli,
		    sizeof cli);
		pkt_endpoint_str(&c->info.saddr, c->info.sport, srv,
		    sizeof srv);
		view_conns_compl(c->completeness, compl, sizeof compl);
		snprintf(buf, sizeof buf, "%s %-5" PRIu32 " %-5s %-22s %s %-22s"
		    " %7" PRIu64 "  %-12s %-12s %s%s", (long)idx == ui->conn ?
		    ">" : " ", c->info.id, c->info.proto == 6 ? "TCP" : "UDP",
		    cli, ui->g->to, srv, c->packets, c->info.proto == 6 ?
		    tcp_state_name(c->st[0]) : "-", c->info.proto == 6 ?
		    tcp_state_name(c->st[1]) : "-", compl,
		    c->over ? "" : _(" (open)"));
		attrset(idx == ui->conns_sel ? A_REVERSE : A_NORMAL);
		ui_put(y, r->x, r->w, buf);
		if (idx == ui->conns_sel)
			mvchgat(y, r->x, r->w, A_REVERSE, 0, NULL);
	}
	attrset(A_NORMAL);
}

static bool
view_conns_key(struct ui *ui, enum ui_action a, int ch)
{
	size_t n = timeline_conns_held(ui->tl), page, k;

	page = view_conns_rect.h > VC_HEAD + 1 ?
	    (size_t)(view_conns_rect.h - VC_HEAD - 1) : 1;
	/* With none held, view_conns_select() does nothing. */
	k = n > 0 ? view_conns_rank(ui) : 0;
	switch (a) {
	case UI_A_UP:
	case UI_A_PREV:
		view_conns_select(ui, k > 0 ? k - 1 : 0);
		return true;
	case UI_A_DOWN:
	case UI_A_NEXT:
		view_conns_select(ui, k + 1 < n ? k + 1 : k);
		return true;
	case UI_A_PGUP:
		view_conns_select(ui, k > page ? k - page : 0);
		return true;
	case UI_A_PGDN:
		view_conns_select(ui, k + page < n ? k + page : n - 1);
		return true;
	case UI_A_FIRST:
		view_conns_select(ui, 0);
		return true;
	case UI_A_LAST:
		view_conns_select(ui, n - 1);
		return true;
	case UI_A_PICK:
		if (n == 0)
			return true;
		ui_pick_conn(ui, ui->conns_sel);
		ui->view = UI_VIEW_LADDER;
		return true;
	default:
		return false;
	}
}

long
view_conns_row_at(const struct ui *ui, int y)
{
	const struct lay_rect *r = &view_conns_rect;
	const struct tl_conn *c;
	size_t i;

	if (y < r->y + VC_HEAD || y >= r->y + r->h)
		return -1;
	i = ui->conns_top + (size_t)(y - r->y - VC_HEAD);
	c = timeline_conn_held(ui->tl, i);
	return c != NULL ? (long)c->info.id - 1 : -1;
}

const struct ui_view view_conns = {
	.name = "connections",
	.draw = view_conns_draw,
	.key = view_conns_key,
	.resize = NULL,
};
