/* SPDX-License-Identifier: ISC */
/* The colour table (with a monochrome fallback and NO_COLOR) and glyphs. */

#include "config.h"

#include <stdlib.h>

#include "ui_int.h"

/*
 * One row per role: a colour pair for colour terminals and the
 * attributes to use without colour.  Client and server differ in colour
 * and, without it, the diagram's C and S markers still tell them apart.
 */
static const struct {
	short	fg, bg;
	attr_t	colour_attr;
	attr_t	mono_attr;
} theme_table[TH_COUNT] = {
	[TH_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[TH_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[TH_CLIENT] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[TH_SERVER] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[TH_ARROW] = { -1, -1, A_NORMAL, A_NORMAL },
	[TH_SEL] = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE },
	[TH_NOTE] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TH_CALL] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TH_DIM] = { -1, -1, A_DIM, A_DIM },
	[TH_LIT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TH_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TH_BOX] = { -1, -1, A_NORMAL, A_NORMAL },
	[TH_KEY] = { -1, -1, A_BOLD, A_BOLD },
};

static const struct theme_glyphs theme_utf8 = {
	.h = "\xe2\x94\x80", .v = "\xe2\x94\x82",
	.tl = "\xe2\x94\x8c", .tr = "\xe2\x94\x90",
	.bl = "\xe2\x94\x94", .br = "\xe2\x94\x98",
	.head_r = "\xe2\x96\xb6", .head_l = "\xe2\x97\x80",
	.head_u = "\xe2\x96\xb2", .head_d = "\xe2\x96\xbc",
	.lost = "\xe2\x9c\x97",
	.dot_h = "\xe2\x94\x88", .idle_v = "\xe2\x94\x86",
	.bidir = "\xe2\x87\x84", .sep = "\xc2\xb7", .times = "\xc3\x97",
	.to = "\xe2\x86\x92",
	.play = "\xe2\x96\xb6", .pause = "||", .live = "\xe2\x97\x8f",
	.left = "\xe2\x86\x90", .right = "\xe2\x86\x92",
	.ell = "\xe2\x80\xa6",
};

static const struct theme_glyphs theme_ascii = {
	.h = "-", .v = "|", .tl = "+", .tr = "+", .bl = "+", .br = "+",
	.head_r = ">", .head_l = "<", .head_u = "^", .head_d = "v",
	.lost = "x",
	.dot_h = ".", .idle_v = ":", .bidir = "<->", .sep = "-", .times = "x",
	.to = "->", .play = ">", .pause = "||", .live = "*",
	.left = "Left", .right = "Right", .ell = "...",
};

/* By LAY_UP | LAY_DOWN | LAY_LEFT | LAY_RIGHT. */
static const char *theme_box_utf8[16] = {
	" ", "\xe2\x94\x82", "\xe2\x94\x82", "\xe2\x94\x82",
	"\xe2\x94\x80", "\xe2\x94\x98", "\xe2\x94\x90", "\xe2\x94\xa4",
	"\xe2\x94\x80", "\xe2\x94\x94", "\xe2\x94\x8c", "\xe2\x94\x9c",
	"\xe2\x94\x80", "\xe2\x94\xb4", "\xe2\x94\xac", "\xe2\x94\xbc",
};

static const char *theme_box_ascii[16] = {
	" ", "|", "|", "|", "-", "+", "+", "+",
	"-", "+", "+", "+", "-", "+", "+", "+",
};

static bool theme_use_colour;
static bool theme_utf8_on;

void
theme_init(bool utf8)
{
	const char *nc = getenv("NO_COLOR");
	int i;

	theme_utf8_on = utf8;
	/* https://no-color.org: set and not empty means no colour. */
	theme_use_colour = has_colors() && (nc == NULL || *nc == '\0');
	if (!theme_use_colour)
		return;
	start_color();
	use_default_colors();
	for (i = 1; i < TH_COUNT; i++)
		init_pair((short)i, theme_table[i].fg, theme_table[i].bg);
}

attr_t
theme_attr(enum theme_role r)
{
	if (!theme_use_colour)
		return theme_table[r].mono_attr;
	if (r == TH_NORMAL)
		return A_NORMAL;
	return COLOR_PAIR(r) | theme_table[r].colour_attr;
}

bool
theme_colour(void)
{
	return theme_use_colour;
}

const struct theme_glyphs *
theme_glyphs(void)
{
	return theme_utf8_on ? &theme_utf8 : &theme_ascii;
}

const char *
theme_box(uint8_t mask)
{
	const struct theme_glyphs *g = theme_glyphs();

	if (mask & LAY_HEAD_DOWN)
		return g->head_d;
	if (mask & LAY_HEAD_UP)
		return g->head_u;
	if (mask & LAY_HEAD_LEFT)
		return g->head_l;
	if (mask & LAY_HEAD_RIGHT)
		return g->head_r;
	return theme_utf8_on ? theme_box_utf8[mask & 0x0f] :
	    theme_box_ascii[mask & 0x0f];
}
