/* SPDX-License-Identifier: ISC */
/* The key table: every binding in one place, also for the help overlay. */

#include "config.h"

#include "i18n.h"
#include "ui_int.h"

#define KEYS_CTRL(c)	((c) & 0x1f)

static const struct {
	int		 ch;
	enum ui_action	 action;
} keys_table[] = {
	{ ' ', UI_A_PLAY },
	{ KEY_RIGHT, UI_A_NEXT }, { 'l', UI_A_NEXT }, { 'n', UI_A_NEXT },
	{ KEY_LEFT, UI_A_PREV }, { 'h', UI_A_PREV }, { 'p', UI_A_PREV },
	{ '+', UI_A_FASTER }, { '=', UI_A_FASTER },
	{ '-', UI_A_SLOWER }, { '_', UI_A_SLOWER },
	{ KEY_HOME, UI_A_FIRST }, { 'g', UI_A_FIRST },
	{ KEY_END, UI_A_LAST }, { 'G', UI_A_LAST },
	{ '\t', UI_A_VIEW },
	{ '\n', UI_A_PICK }, { '\r', UI_A_PICK }, { KEY_ENTER, UI_A_PICK },
	{ KEY_UP, UI_A_UP }, { 'k', UI_A_UP },
	{ KEY_DOWN, UI_A_DOWN }, { 'j', UI_A_DOWN },
	{ KEY_PPAGE, UI_A_PGUP }, { KEY_NPAGE, UI_A_PGDN },
	{ '?', UI_A_HELP }, { KEY_F(1), UI_A_HELP },
	{ 'o', UI_A_OUTPUT },
	{ KEYS_CTRL('l'), UI_A_REDRAW },
	{ 'q', UI_A_QUIT }, { 'Q', UI_A_QUIT },
	{ '/', UI_A_FILTER }, { '>', UI_A_SORT },
	{ 's', UI_A_NEXT_SYN }, { 'S', UI_A_PREV_SYN },
	{ 'f', UI_A_NEXT_FIN }, { 'F', UI_A_PREV_FIN },
	{ 'r', UI_A_NEXT_RST }, { 'R', UI_A_PREV_RST },
	{ 't', UI_A_NEXT_RETX }, { 'T', UI_A_PREV_RETX },
	{ 'c', UI_A_NEXT_STATE }, { 'C', UI_A_PREV_STATE },
};

/* What the help overlay lists, in this order.  Key names stay as typed;
 * the words are translated where they are shown. */
static const struct {
	enum ui_action	 action;
	const char	*keys;
	const char	*what;
} keys_help_table[] = {
	{ UI_A_PLAY, "Space", N_("play / pause (live: follow / hold)") },
	{ UI_A_NEXT, "Right l n", N_("next step") },
	{ UI_A_PREV, "Left h p", N_("previous step") },
	{ UI_A_FASTER, "+", N_("faster playback") },
	{ UI_A_SLOWER, "-", N_("slower playback") },
	{ UI_A_FIRST, "Home g", N_("first step") },
	{ UI_A_LAST, "End G", N_("last step (live: follow again)") },
	{ UI_A_VIEW, "Tab", N_("next view: ladder, states, detail, "
	    "connections") },
	{ UI_A_PICK, "Enter", N_("show the chosen connection; let a "
	    "held call happen") },
	{ UI_A_UP, "Up Down j k", N_("move in the connection list") },
	{ UI_A_PGUP, "PgUp PgDn", N_("page through the list") },
	{ UI_A_OUTPUT, "o", N_("the programs' output (synfin run), and "
	    "back") },
	{ UI_A_NEXT_SYN, "sfrtc SFRTC", N_("next/previous SYN, FIN, RST, "
	    "retransmission, state change") },
	{ UI_A_FILTER, "/", N_("filter the list: port, address, state, tcp, "
	    "udp, flag") },
	{ UI_A_SORT, ">", N_("sort the list: number, packets, client, "
	    "server, states") },
	{ UI_A_HELP, "?", N_("this help (any key closes it)") },
	{ UI_A_REDRAW, "Ctrl-L", N_("redraw the screen") },
	{ UI_A_QUIT, "q", N_("quit") },
	{ UI_A_NONE, N_("Mouse"), N_("click a step to select it, the "
	    "wheel scrolls") },
};

enum ui_action
keys_action(int ch)
{
	size_t i;

	for (i = 0; i < sizeof keys_table / sizeof keys_table[0]; i++) {
		if (keys_table[i].ch == ch)
			return keys_table[i].action;
	}
	return UI_A_NONE;
}

int
keys_help(int n, const char **keys, const char **what)
{
	if (n < 0 || (size_t)n >= sizeof keys_help_table /
	    sizeof keys_help_table[0])
		return 0;
	*keys = _(keys_help_table[n].keys);
	*what = _(keys_help_table[n].what);
	return 1;
}
