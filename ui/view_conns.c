/* SPDX-License-Identifier: ISC */
/* The connection list: every conversation of the timeline, pick one. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui_int.h"

/* Only the rows on screen are formatted: a list of 100k conns is cheap. */
#define VC_HEAD	1

static struct lay_rect view_conns_rect;

static void
view_conns_compl(uint8_t c, char *buf, size_t len)
{
	static const char *names[] = { "SYN", "SYN-ACK", "ACK", "DATA", "FIN",
	    "RST" };
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < 6 && used < len; i++) {
		if (c & (1U << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used ? "," : "", names[i]);
	}
}

static void
view_conns_draw(struct ui *ui, const struct lay_rect *r)
{
	const struct tl_conn *c;
	size_t n = timeline_nconns(ui->tl), i, height;
	char buf[256], cli[64], srv[64], compl[64];
	int y;

	view_conns_rect = *r;
	attrset(A_BOLD);
	snprintf(buf, sizeof buf, _("  %-5s %-5s %-22s   %-22s %7s  %-12s "
	    "%-12s %s"), "#", _("proto"), _("client"), _("server"),
	    _("packets"), _("client"), _("server"), _("seen"));
	ui_put(r->y, r->x, r->w, buf);
	attrset(A_NORMAL);
	if (n == 0) {
		ui_put(r->y + 2, r->x + 2, r->w - 4, _("No conversation yet."));
		return;
	}
	if (r->h <= VC_HEAD)
		return;
	height = (size_t)(r->h - VC_HEAD);
	if (ui->conns_sel >= n)
		ui->conns_sel = n - 1;
	ui->conns_top = lay_scroll(ui->conns_top, ui->conns_sel, height, n);
	for (i = ui->conns_top; i < n && i < ui->conns_top + height; i++) {
		c = timeline_conn(ui->tl, i);
		y = r->y + VC_HEAD + (int)(i - ui->conns_top);
		if (c == NULL)
			continue;
		pkt_endpoint_str(&c->info.caddr, c->info.cport, cli,
		    sizeof cli);
		pkt_endpoint_str(&c->info.saddr, c->info.sport, srv,
		    sizeof srv);
		view_conns_compl(c->completeness, compl, sizeof compl);
		snprintf(buf, sizeof buf, "%s %-5" PRIu32 " %-5s %-22s %s %-22s"
		    " %7" PRIu64 "  %-12s %-12s %s%s", (long)i == ui->conn ?
		    ">" : " ", c->info.id, c->info.proto == 6 ? "TCP" : "UDP",
		    cli, ui->g->to, srv, c->packets, c->info.proto == 6 ?
		    tcp_state_name(c->st[0]) : "-", c->info.proto == 6 ?
		    tcp_state_name(c->st[1]) : "-", compl,
		    c->over ? "" : _(" (open)"));
		attrset(i == ui->conns_sel ? A_REVERSE : A_NORMAL);
		ui_put(y, r->x, r->w, buf);
		if (i == ui->conns_sel)
			mvchgat(y, r->x, r->w, A_REVERSE, 0, NULL);
	}
	attrset(A_NORMAL);
}

static bool
view_conns_key(struct ui *ui, enum ui_action a, int ch)
{
	size_t n = timeline_nconns(ui->tl), page;

	page = view_conns_rect.h > VC_HEAD + 1 ?
	    (size_t)(view_conns_rect.h - VC_HEAD - 1) : 1;
	switch (a) {
	case UI_A_UP:
	case UI_A_PREV:
		if (ui->conns_sel > 0)
			ui->conns_sel--;
		return true;
	case UI_A_DOWN:
	case UI_A_NEXT:
		if (ui->conns_sel + 1 < n)
			ui->conns_sel++;
		return true;
	case UI_A_PGUP:
		ui->conns_sel = ui->conns_sel > page ? ui->conns_sel - page : 0;
		return true;
	case UI_A_PGDN:
		ui->conns_sel += page;
		if (n > 0 && ui->conns_sel >= n)
			ui->conns_sel = n - 1;
		return true;
	case UI_A_FIRST:
		ui->conns_sel = 0;
		return true;
	case UI_A_LAST:
		ui->conns_sel = n > 0 ? n - 1 : 0;
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
	size_t i;

	if (y < r->y + VC_HEAD || y >= r->y + r->h)
		return -1;
	i = ui->conns_top + (size_t)(y - r->y - VC_HEAD);
	return i < timeline_nconns(ui->tl) ? (long)i : -1;
}

const struct ui_view view_conns = {
	.name = "connections",
	.draw = view_conns_draw,
	.key = view_conns_key,
	.resize = NULL,
};
