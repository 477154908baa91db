/* SPDX-License-Identifier: ISC */
/* The state-diagram view: RFC 9293 figure 5 with both endpoints on it. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui_int.h"

/*
 * The diagram's coordinates come from layout.c.  Each endpoint's current
 * state is marked in its colour, with a C (client) left of the label and
 * an S (server) right of it, a space apart ("C ESTABLISHED S"), so that
 * the marks survive without colour.
 * The transitions the selected step caused are lit in the colour of the
 * endpoint that took them and written out under the diagram.
 */

static void
view_fsm_edge(const struct lay_fsm *f, int ox, int oy, int edge, attr_t at)
{
	static uint8_t grid[LAY_FSM_MAXH][LAY_FSM_MAXW];
	int x, y;

	memset(grid, 0, sizeof grid);
	lay_fsm_grid(f, grid, edge);
	attrset(at);
	for (y = 0; y < f->h; y++) {
		for (x = 0; x < f->w; x++) {
			if (grid[y][x] != 0)
				mvaddstr(oy + y, ox + x, theme_box(grid[y][x]));
		}
	}
	attrset(A_NORMAL);
}

/* What a change did, as figure 5 labels its edge (or a reset). */
static const char *
view_fsm_label(const struct lay_fsm *f, const struct ui_change *ch)
{
	int e;

	switch (ch->why) {
	case TCP_WHY_RST_SENT:
	case TCP_WHY_RST_RECEIVED:
	case TCP_WHY_REFUSED:
	case TCP_WHY_NEVER_LISTENING:
		return lay_why_label(ch->why);
	default:
		break;
	}
	e = lay_fsm_find(f, lay_fsm_node_of(ch->from, false),
	    lay_fsm_node_of(ch->to, true));
	if (e >= 0 && f->edges[e].label != NULL)
		return f->edges[e].label;
	return lay_why_label(ch->why);
}

/* Without room for the diagram: the two states in words. */
static void
view_fsm_compact(struct ui *ui, const struct lay_rect *r,
    const uint8_t st[2], const struct ui_change *ch, size_t nch)
{
	char buf[128];
	size_t i;
	int y = r->y;

	attrset(theme_attr(TH_CLIENT));
	snprintf(buf, sizeof buf, "%s %s", _("client"), tcp_state_name(st[0]));
	ui_put(y++, r->x + 1, r->w - 2, buf);
	attrset(theme_attr(TH_SERVER));
	snprintf(buf, sizeof buf, "%s %s", _("server"), tcp_state_name(st[1]));
	ui_put(y++, r->x + 1, r->w - 2, buf);
	for (i = 0; i < nch && y < r->y + r->h; i++) {
		attrset(theme_attr(ch[i].side == EV_CLIENT ? TH_CLIENT :
		    TH_SERVER));
		snprintf(buf, sizeof buf, "%s %s %s %s", ch[i].side ==
		    EV_CLIENT ? _("client") : _("server"),
		    tcp_state_name(ch[i].from), ui->g->to,
		    tcp_state_name(ch[i].to));
		ui_put(y++, r->x + 1, r->w - 2, buf);
	}
	attrset(A_NORMAL);
}

static void
view_fsm_draw(struct ui *ui, const struct lay_rect *r)
{
	const struct rows_row *row = ui_row(ui);
	const struct tl_conn *c = NULL;
	const struct lay_node *n;
	struct ui_change ch[4];
	uint8_t st[2];
	const struct lay_fsm *f;
	int node[2], i, ox, oy, e, side;
	size_t nch, k;
	attr_t at;
	char buf[192];

	if (ui->conn >= 0)
		c = timeline_conn(ui->tl, (size_t)ui->conn);
	if (c == NULL || c->info.proto != 6) {
		ui_put(r->y + 1, r->x + 1, r->w - 2, c == NULL ?
		    _("No connection yet.") : _("UDP keeps no state: there is "
		    "no state machine to show."));
		return;
	}
	if (row != NULL) {
		st[0] = row->st[0];
		st[1] = row->st[1];
	} else {
		st[0] = ui->rows.init[0];
		st[1] = ui->rows.init[1];
	}
	nch = row != NULL ? ui_changes(ui, ui->sel, ch, 4) : 0;
	if (r->w < LAY_FSM_W || r->h < LAY_FSM_H) {
		view_fsm_compact(ui, r, st, ch, nch);
		return;
	}
	/* With room, the drawing with every edge's label. */
	f = lay_fsm_pick(r->w, r->h);
	ox = r->x + (r->w - f->w) / 2;
	oy = r->y + (ui->view == UI_VIEW_FSM ? (r->h - f->h) / 2 : 0);

	view_fsm_edge(f, ox, oy, -1, theme_attr(TH_DIM));
	for (k = 0; k < f->nedges; k++) {
		if (f->edges[k].label != NULL && f->edges[k].at.y >= 0) {
			attrset(theme_attr(TH_DIM));
			mvaddstr(oy + f->edges[k].at.y, ox + f->edges[k].at.x,
			    f->edges[k].label);
		}
	}
	for (k = 0; k < nch; k++) {
		/* Leaving CLOSED is an opening; entering it, an end. */
		side = ch[k].side;
		e = lay_fsm_find(f, lay_fsm_node_of(ch[k].from, false),
		    lay_fsm_node_of(ch[k].to, true));
		if (e < 0)
			continue;
		at = theme_attr(side == EV_CLIENT ? TH_CLIENT : TH_SERVER) |
		    A_BOLD;
		view_fsm_edge(f, ox, oy, e, at);
		if (f->edges[e].label != NULL && f->edges[e].at.y >= 0) {
			attrset(at);
			mvaddstr(oy + f->edges[e].at.y, ox + f->edges[e].at.x,
			    f->edges[e].label);
		}
	}
	for (i = 0; i < 2; i++)
		node[i] = lay_fsm_node_of(st[i], ui_ended(ui, ui->sel, i));
	for (i = 0; i < LAY_NODES; i++) {
		n = &f->nodes[i];
		if (i == node[0] && i == node[1])
			attrset(A_REVERSE | A_BOLD);
		else if (i == node[0])
			attrset(theme_attr(TH_CLIENT) | A_REVERSE);
		else if (i == node[1])
			attrset(theme_attr(TH_SERVER) | A_REVERSE);
		else
			attrset(A_NORMAL);
		mvaddstr(oy + n->y, ox + n->x, n->name);
	}
	attrset(theme_attr(TH_CLIENT));
	n = &f->nodes[node[0]];
	mvaddstr(oy + n->y, ox + n->x - 2, "C");
	attrset(theme_attr(TH_SERVER));
	n = &f->nodes[node[1]];
	mvaddstr(oy + n->y, ox + n->x + n->w + 1, "S");

	/* Captions: what each side did on this step, and the event and
	 * action of its last change as the RFC labels them. */
	for (i = 0; i < 2; i++) {
		size_t used = 0;
		const char *label = NULL;

		used = (size_t)snprintf(buf, sizeof buf, "%s ", i == 0 ?
		    _("C client:") : _("S server:"));
		for (k = 0; k < nch && used < sizeof buf; k++) {
			if ((int)ch[k].side != i)
				continue;
			used += (size_t)snprintf(buf + used, sizeof buf - used,
			    "%s %s ", tcp_state_name(ch[k].from), ui->g->to);
			label = view_fsm_label(f, &ch[k]);
		}
		if (used < sizeof buf)
			used += (size_t)snprintf(buf + used, sizeof buf - used,
			    "%s", tcp_state_name(st[i]));
		if (label != NULL && used < sizeof buf)
			snprintf(buf + used, sizeof buf - used, "  (%s)",
			    label);
		attrset(theme_attr(i == 0 ? TH_CLIENT : TH_SERVER));
		ui_put(oy + f->caption + i, ox, r->x + r->w - ox, buf);
	}
	attrset(A_NORMAL);
}

const struct ui_view view_fsm = {
	.name = "states",
	.draw = view_fsm_draw,
	.key = NULL,
	.resize = NULL,
};
