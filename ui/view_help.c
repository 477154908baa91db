/* SPDX-License-Identifier: ISC */
/* The help overlay: every key from the key table, over the current view. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui_int.h"

#define VH_LINES	64
#define VH_KEYS_MAX	16	/* the keys' column at most */

/* The keys of the mode the UI is in (keys_help(): the key table's). */
static void
view_help_draw(struct ui *ui, const struct lay_rect *r)
{
	struct keys_line v[VH_LINES];
	struct lay_rect box;
	const char *keys;
	char more[128];
	int n, i, y, shown, kw = 0, w;

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
	/* Borders, the keys, a blank line and how to close: the blank
	 * line goes first when the screen is short, then keys, and the
	 * last line left says how many are not shown. */
	box.w = r->w < 76 ? r->w : 76;
	box.h = n + 4 <= r->h ? n + 4 : r->h;
	shown = box.h - 3 < n ? box.h - 4 : n;
	box.x = r->x + (r->w - box.w) / 2;
	box.y = r->y + (r->h - box.h) / 2;
	for (y = box.y; y < box.y + box.h; y++)
		ui_fill(y, box.x, box.w, " ");
	ui_frame(&box, _("Keys"));
	y = box.y + 1;
	if (shown < n && shown >= 0) {
		snprintf(more, sizeof more, P_("%d more key: a taller terminal "
		    "shows it", "%d more keys: a taller terminal shows them",
		    n - shown), n - shown);
		attrset(theme_attr(TH_WARN));
		ui_put(box.y + box.h - 3, box.x + 2, box.w - 4, more);
		attrset(A_NORMAL);
	}
	for (i = 0; i < shown; i++, y++) {
		if (v[i].heading) {
			attrset(theme_attr(TH_KEY));
			ui_put(y, box.x + 2, box.w - 4, _(v[i].what));
			attrset(A_NORMAL);
			continue;
		}
		keys = _(v[i].keys);
		attrset(theme_attr(TH_KEY));
		ui_put(y, box.x + 2, kw, keys);
		attrset(A_NORMAL);
		ui_put(y, box.x + 2 + kw + 2, box.w - kw - 6, _(v[i].what));
	}
	if (y < box.y + box.h - 1)
		ui_put(box.y + box.h - 2, box.x + 2, box.w - 4,
		    _("Press any key to close this help."));
}

const struct ui_view view_help = {
	.name = "help",
	.draw = view_help_draw,
	.key = NULL,
	.resize = NULL,
};
