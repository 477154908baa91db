/* SPDX-License-Identifier: ISC */
/* The connection list: every conversation of the timeline, pick one. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "u8.h"
#include "ui_int.h"
#include "xmalloc.h"

/* Only the rows on screen are formatted: a list of 100k conns is cheap. */

static struct lay_rect view_conns_rect;

/*
 * The columns, each as wide as what the rows on screen put in it (and
 * its heading), narrower when the screen is: an endpoint column down to
 * VC_ADDR_MIN (cut with an ellipsis), "seen" to its short form
 * (S,SA,A,D,F,R); a state or a count is never cut and no column is left
 * out.  The heading of the arrow column is empty.
 */
enum {
	VC_MARK, VC_ID, VC_PROTO, VC_CLI, VC_TO, VC_SRV, VC_PKTS, VC_CST,
	VC_SST, VC_SEEN, VC_NCOLS
};
#define VC_ADDR_MIN	12
#define VC_ADDR_LEAST	7	/* "…:40294" */

static const char *const view_conns_heads[VC_NCOLS] = {
	"", "#", N_("proto"), N_("client"), "", N_("server"), N_("pkts"),
	N_("client"),	/* its state */
	N_("server"), N_("seen")
};

/* The flags seen, "SYN,SYN-ACK,ACK,DATA,FIN" or short, "S,SA,A,D,F". */
static void
view_conns_compl(uint8_t c, bool brief, char *buf, size_t len)
{
	/* Flag names stay as they are; "DATA" is a word. */
	static const char *names[] = { "SYN", "SYN-ACK", "ACK", N_("DATA"),
	    "FIN", "RST" };
	static const char *letters[] = { "S", "SA", "A", "D", "F", "R" };
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < 6 && used < len; i++) {
		if (c & (1U << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used ? "," : "", brief ? letters[i] : i == 3 ?
			    _(names[i]) : names[i]);
	}
}

/*
 * The list shows the conns the timeline holds that pass the filter, in
 * the order chosen.  In id order without a filter it is the timeline's
 * own list of held conns (vc_n(), vc_at() in O(log n): a list of 100k
 * conns costs nothing to draw); otherwise vc_order holds their conn
 * indices (timeline_conn()), sorted again only when the timeline, the
 * order or the filter changed.  conns_top is a place in that order; the
 * selection, conns_sel, stays a conn index, moved to the first shown when
 * the filter hides it.
 */
static struct {
	size_t	*v;
	size_t	 n, cap;
	bool	 direct;	/* the timeline's order: v unused */
	/* what v was built from */
	const struct timeline *tl;
	size_t	 len, held, first;
	int	 sort;
	char	 filter[sizeof ((struct ui *)0)->filter];
} vc_order;
static const struct timeline *vc_tl;
static int vc_sort;

static int
view_conns_cmp(const void *a, const void *b)
{
	return lay_conn_cmp(timeline_conn(vc_tl, *(const size_t *)a),
	    timeline_conn(vc_tl, *(const size_t *)b), (enum lay_sort)vc_sort);
}

static size_t
vc_n(const struct ui *ui)
{
	return vc_order.direct ? timeline_conns_held(ui->tl) : vc_order.n;
}

/* The conn index of the k'th shown (k < vc_n()). */
static size_t
vc_at(const struct ui *ui, size_t k)
{
	if (vc_order.direct)
		return timeline_conn_held(ui->tl, k)->info.id - 1;
	return vc_order.v[k];
}

static void
view_conns_order(struct ui *ui)
{
	size_t n = timeline_conns_held(ui->tl), k;
	const struct tl_conn *c;

	vc_order.direct = ui->sort == LAY_SORT_ID && ui->filter[0] == '\0';
	if (vc_order.direct)
		return;
	if (vc_order.tl == ui->tl && vc_order.len == timeline_len(ui->tl) &&
	    vc_order.held == n && vc_order.first ==
	    timeline_conn_first(ui->tl) && vc_order.sort == ui->sort &&
	    strcmp(vc_order.filter, ui->filter) == 0)
		return;
	vc_order.tl = ui->tl;
	vc_order.len = timeline_len(ui->tl);
	vc_order.held = n;
	vc_order.first = timeline_conn_first(ui->tl);
	vc_order.sort = ui->sort;
	snprintf(vc_order.filter, sizeof vc_order.filter, "%s", ui->filter);
	if (vc_order.cap < n) {
		vc_order.cap = n + 64;
		vc_order.v = xreallocarray(vc_order.v, vc_order.cap,
		    sizeof *vc_order.v);
	}
	vc_order.n = 0;
	for (k = 0; k < n; k++) {
		c = timeline_conn_held(ui->tl, k);
		if (ui->filter[0] == '\0' || lay_conn_match(c, ui->filter))
			vc_order.v[vc_order.n++] = c->info.id - 1;
	}
	if (ui->sort != LAY_SORT_ID && vc_order.n > 1) {
		vc_tl = ui->tl;
		vc_sort = ui->sort;
		qsort(vc_order.v, vc_order.n, sizeof *vc_order.v,
		    view_conns_cmp);
	}
}

/* The selection's place in the order (moved into it when hidden). */
static size_t
view_conns_rank(struct ui *ui)
{
	size_t k;

	if (vc_order.direct) {
		if (timeline_conn(ui->tl, ui->conns_sel) != NULL)
			return timeline_conn_rank(ui->tl, ui->conns_sel);
	} else {
		for (k = 0; k < vc_order.n; k++) {
			if (vc_order.v[k] == ui->conns_sel)
				return k;
		}
	}
	if (vc_n(ui) > 0)
		ui->conns_sel = vc_at(ui, 0);
	return 0;
}

static void
view_conns_select(struct ui *ui, size_t k)
{
	if (k < vc_n(ui))
		ui->conns_sel = vc_at(ui, k);
}

/* Lines above the rows: the filter's, when there is one, and headings. */
static int
view_conns_head(const struct ui *ui)
{
	return ui->filter[0] != '\0' || ui->filtering ? 2 : 1;
}

/* The column an order sorts by. */
static int
view_conns_sorted(int sort)
{
	switch (sort) {
	case LAY_SORT_PACKETS:
		return VC_PKTS;
	case LAY_SORT_CLIENT:
		return VC_CLI;
	case LAY_SORT_SERVER:
		return VC_SRV;
	case LAY_SORT_CSTATE:
		return VC_CST;
	case LAY_SORT_SSTATE:
		return VC_SST;
	default:
		return VC_ID;
	}
}

/* The cells of one row of the list (or of the headings: c NULL). */
static void
view_conns_cells(struct ui *ui, const struct tl_conn *c, bool brief,
    char cell[VC_NCOLS][80])
{
	char compl[64];
	size_t i;

	if (c == NULL) {
		for (i = 0; i < VC_NCOLS; i++)
			snprintf(cell[i], sizeof cell[i], "%s",
			    view_conns_heads[i][0] != '\0' ?
			    _(view_conns_heads[i]) : "");
		return;
	}
	snprintf(cell[VC_MARK], sizeof cell[0], "%s",
	    (long)(c->info.id - 1) == ui->conn ? ">" : " ");
	snprintf(cell[VC_ID], sizeof cell[0], "%" PRIu32, c->info.id);
	snprintf(cell[VC_PROTO], sizeof cell[0], "%s",
	    c->info.proto == 6 ? "TCP" : "UDP");
	pkt_endpoint_str(&c->info.caddr, c->info.cport, cell[VC_CLI],
	    sizeof cell[0]);
	snprintf(cell[VC_TO], sizeof cell[0], "%s", ui->g->to);
	pkt_endpoint_str(&c->info.saddr, c->info.sport, cell[VC_SRV],
	    sizeof cell[0]);
	snprintf(cell[VC_PKTS], sizeof cell[0], "%" PRIu64, c->packets);
	snprintf(cell[VC_CST], sizeof cell[0], "%s", c->info.proto == 6 ?
	    tcp_state_name(c->st[0]) : "-");
	snprintf(cell[VC_SST], sizeof cell[0], "%s", c->info.proto == 6 ?
	    tcp_state_name(c->st[1]) : "-");
	view_conns_compl(c->completeness, brief, compl, sizeof compl);
	snprintf(cell[VC_SEEN], sizeof cell[0], "%s%s", compl,
	    c->over ? "" : _(" (open)"));
}

/*
 * An endpoint too wide for its column keeps its port: the address gives
 * way in its middle ("[2001:db8:…]:35023" -> "[2001:d…]:35023").
 * Endpoints are ASCII (pkt_endpoint_str()).
 */
static void
view_conns_endpoint(const struct ui *ui, char *ep, size_t len, int w)
{
	const char *ell = ui->g->ell, *port = strrchr(ep, ':');
	char tail[16];
	int ew = lay_width(ell, strlen(ell)), keep;

	if ((int)strlen(ep) <= w || port == NULL || strlen(port) >=
	    sizeof tail)
		return;
	snprintf(tail, sizeof tail, "%s", port);
	if (ep[0] == '[' && port > ep && port[-1] == ']')
		snprintf(tail, sizeof tail, "]%s", port);
	keep = w - ew - (int)strlen(tail);
	if (keep < 0)
		return;		/* ui_put() cuts it at the end */
	snprintf(ep + keep, len - (size_t)keep, "%s%s", ell, tail);
}

static void
view_conns_draw(struct ui *ui, const struct lay_rect *r)
{
	const struct tl_conn *c;
	size_t n, i, height, idx, k, end;
	int head = view_conns_head(ui);
	char cell[VC_NCOLS][80];
	int want[VC_NCOLS], min[VC_NCOLS], x[VC_NCOLS], w[VC_NCOLS], cw;
	int full_seen = 0, y;

	view_conns_rect = *r;
	view_conns_order(ui);
	n = vc_n(ui);
	height = r->h > head ? (size_t)(r->h - head) : 0;
	if (n > 0)
		ui->conns_top = lay_scroll(ui->conns_top, view_conns_rank(ui),
		    height, n);
	end = ui->conns_top + height < n ? ui->conns_top + height : n;

	/* Measure the headings and the rows on screen. */
	view_conns_cells(ui, NULL, false, cell);
	for (k = 0; k < VC_NCOLS; k++)
		want[k] = min[k] = lay_width(cell[k], strlen(cell[k]));
	for (i = ui->conns_top; i < end; i++) {
		for (k = 0; k < 2; k++) {
			view_conns_cells(ui, timeline_conn(ui->tl,
			    vc_at(ui, i)), k == 1, cell);
			cw = lay_width(cell[VC_SEEN], strlen(cell[VC_SEEN]));
			if (k == 0 && cw > full_seen)
				full_seen = cw;
			if (k == 1 && cw > min[VC_SEEN])
				min[VC_SEEN] = cw;
		}
		for (k = 0; k < VC_SEEN; k++) {
			cw = lay_width(cell[k], strlen(cell[k]));
			if (cw > want[k])
				want[k] = cw;
			if ((k != VC_CLI && k != VC_SRV) && cw > min[k])
				min[k] = cw;
		}
	}
	want[VC_SEEN] = full_seen > min[VC_SEEN] ? full_seen : min[VC_SEEN];
	for (k = VC_CLI; k <= VC_SRV; k += VC_SRV - VC_CLI)
		min[k] = want[k] < VC_ADDR_MIN ? want[k] : VC_ADDR_MIN;
	/* "seen" is whole or short, nothing between; short before an
	 * address is cut. */
	for (k = 0, cw = VC_NCOLS - 1; k < VC_NCOLS; k++)
		cw += want[k];
	if (cw > r->w)
		want[VC_SEEN] = min[VC_SEEN];
	else
		min[VC_SEEN] = want[VC_SEEN];
	if (!lay_cols_fit(VC_NCOLS, want, min, 1, r->w, x, w)) {
		/* The narrowest screens: the addresses give more, down to
		 * an ellipsis and a port. */
		min[VC_CLI] = want[VC_CLI] < VC_ADDR_LEAST ? want[VC_CLI] :
		    VC_ADDR_LEAST;
		min[VC_SRV] = want[VC_SRV] < VC_ADDR_LEAST ? want[VC_SRV] :
		    VC_ADDR_LEAST;
		lay_cols_fit(VC_NCOLS, want, min, 1, r->w, x, w);
	}
	/* What still does not fit ends in an ellipsis at the edge. */
	for (k = 0; k < VC_NCOLS; k++) {
		if (x[k] + w[k] > r->w)
			w[k] = r->w - x[k];
	}

	/* Headings over the columns of the rows below (a translated
	 * heading may be wider in bytes than on screen). */
	if (head > 1) {
		char f[160];

		snprintf(f, sizeof f, P_("Filter: %s%s (%zu of %zu "
		    "conversation)", "Filter: %s%s (%zu of %zu "
		    "conversations)", timeline_conns_held(ui->tl)), ui->filter,
		    ui->filtering ? "_" : "", n, timeline_conns_held(ui->tl));
		attrset(theme_attr(TH_KEY));
		ui_put(r->y, r->x, r->w, f);
	}
	attrset(A_BOLD);
	view_conns_cells(ui, NULL, false, cell);
	for (k = 0; k < VC_NCOLS; k++) {
		cw = lay_width(cell[k], strlen(cell[k]));
		/* The order the list is in: its column underlined. */
		attrset(A_BOLD | (ui->sort != LAY_SORT_ID &&
		    (int)k == view_conns_sorted(ui->sort) ? A_UNDERLINE : 0));
		ui_put(r->y + head - 1, r->x + x[k] + (k == VC_PKTS &&
		    cw < w[k] ? w[k] - cw : 0), w[k], cell[k]);
	}
	attrset(A_NORMAL);
	if (n == 0) {
		ui_put(r->y + head + 1, r->x + 2, r->w - 4,
		    timeline_conns_held(ui->tl) > 0 ? _("No conversation "
		    "passes the filter.") : _("No conversation yet."));
		return;
	}
	for (i = ui->conns_top; i < end; i++) {
		c = timeline_conn(ui->tl, vc_at(ui, i));
		idx = c->info.id - 1;
		y = r->y + head + (int)(i - ui->conns_top);
		view_conns_cells(ui, c, w[VC_SEEN] < full_seen, cell);
		view_conns_endpoint(ui, cell[VC_CLI], sizeof cell[0],
		    w[VC_CLI]);
		view_conns_endpoint(ui, cell[VC_SRV], sizeof cell[0],
		    w[VC_SRV]);
		attrset(idx == ui->conns_sel ? A_REVERSE : A_NORMAL);
		ui_fill(y, r->x, r->w, " ");
		for (k = 0; k < VC_NCOLS; k++) {
			cw = lay_width(cell[k], strlen(cell[k]));
			ui_put(y, r->x + x[k] + (k == VC_PKTS && cw < w[k] ?
			    w[k] - cw : 0), w[k], cell[k]);
		}
	}
	attrset(A_NORMAL);
}

static bool
view_conns_key(struct ui *ui, enum ui_action a, int ch)
{
	size_t n, page, k;
	int head = view_conns_head(ui);

	view_conns_order(ui);
	n = vc_n(ui);
	page = view_conns_rect.h > head + 1 ?
	    (size_t)(view_conns_rect.h - head - 1) : 1;
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

	int head = view_conns_head(ui);

	if (y < r->y + head || y >= r->y + r->h)
		return -1;
	i = ui->conns_top + (size_t)(y - r->y - head);
	if (i >= vc_n(ui))
		return -1;
	c = timeline_conn(ui->tl, vc_at(ui, i));
	return c != NULL ? (long)c->info.id - 1 : -1;
}

const struct ui_view view_conns = {
	.name = "connections",
	.draw = view_conns_draw,
	.key = view_conns_key,
	.resize = NULL,
};
