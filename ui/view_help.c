/* SPDX-License-Identifier: ISC */
/* The help overlay: every key from the key table, over the current view. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui_int.h"

#define VH_LINES	64
#define VH_KEYS_MAX	16	/* the keys' column at most */
#define VH_COL_W	76	/* one column's box */
#define VH_TWO_W	148	/* two columns of 71 cells from this width */

/* Line i of the help at (y, x), `w` cells, its keys in `kw`. */
static void
view_help_line(const struct keys_line *l, int y, int x, int w, int kw)
{
	if (l->heading) {
		attrset(theme_attr(TH_KEY));
		ui_put(y, x, w, _(l->what));
		attrset(A_NORMAL);
		return;
	}
	attrset(theme_attr(TH_KEY));
	ui_put(y, x, kw, _(l->keys));
	attrset(A_NORMAL);
	ui_put(y, x + kw + 2, w - kw - 2, _(l->what));
}

/*
 * The keys of the mode the UI is in (keys_help(): the key table's), in
 * one column, or two side by side when they do not fit in the height and
 * the screen is wide.
 */
static void
view_help_draw(struct ui *ui, const struct lay_rect *r)
{
	struct keys_line v[VH_LINES];
	struct lay_rect box;
	char more[128];
	int n, i, y, shown, kw = 0, w, cols = 1, per, colw;

	n = (int)keys_help(ui_keys_mode(ui), v, VH_LINES);
	if (n > VH_LINES)
		n = VH_LINES;
	for (i = 0; i < n; i++) {
		w = lay_width(_(v[i].keys), strlen(_(v[i].keys)));
		if (!v[i].heading && w > kw)
			kw = w;
	}
	if (kw > VH_KEYS_MAX)
		kw = VH_KEYS_MAX;
	if (n + 4 > r->h && r->w >= VH_TWO_W)
		cols = 2;
	per = (n + cols - 1) / cols;
	/* Borders, the keys, a blank line and how to close: the blank
	 * line goes first when the screen is short, then keys, and the
	 * last line left says how many are not shown. */
	box.w = cols == 1 ? (r->w < VH_COL_W ? r->w : VH_COL_W) :
	    (r->w < 2 * VH_COL_W ? r->w : 2 * VH_COL_W);
	box.h = per + 4 <= r->h ? per + 4 : r->h;
	shown = box.h - 3 < per ? box.h - 4 : per;
	box.x = r->x + (r->w - box.w) / 2;
	box.y = r->y + (r->h - box.h) / 2;
	colw = cols == 1 ? box.w - 4 : (box.w - 6) / 2;
	for (y = box.y; y < box.y + box.h; y++)
		ui_fill(y, box.x, box.w, " ");
	ui_frame(&box, _("Keys"));
	if (shown < per && shown >= 0) {
		int left = n - shown * cols;

		snprintf(more, sizeof more, P_("%d more key: a taller terminal "
		    "shows it", "%d more keys: a taller terminal shows them",
		    left), left);
		attrset(theme_attr(TH_WARN));
		ui_put(box.y + box.h - 3, box.x + 2, box.w - 4, more);
		attrset(A_NORMAL);
	}
	for (i = 0; i < n; i++) {
		int c = i / per, k = i % per;

		if (k >= shown)
			continue;
		view_help_line(&v[i], box.y + 1 + k, box.x + 2 + c *
		    (colw + 2), colw, kw);
	}
	if (shown >= 0 && box.y + 1 + shown < box.y + box.h - 1)
		ui_put(box.y + box.h - 2, box.x + 2, box.w - 4,
		    _("Press any key to close this help."));
}

const struct ui_view view_help = {
	.name = "help",
	.draw = view_help_draw,
	.key = NULL,
	.resize = NULL,
};
