/* SPDX-License-Identifier: ISC */
/* The key table: one action per key and mode, the help it makes, the man
 * page's KEYS and LAB KEYS sections. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "keys.h"

#define TK_LINES	80

static const unsigned tk_bases[] = { UI_MODE_REPLAY, UI_MODE_LIVE,
    UI_MODE_DEMO, UI_MODE_LAB, UI_MODE_LAB_CALL, UI_MODE_RUN };
#define TK_NBASES	(sizeof tk_bases / sizeof tk_bases[0])

/* Every mode the UI can be in: each base, with and without a quiz. */
static unsigned
tk_mode(size_t i)
{
	return tk_bases[i / 2] | (i % 2 ? UI_MODE_QUIZ : 0);
}
#define TK_NMODES	(TK_NBASES * 2)

static bool
tk_is_lab(unsigned mode)
{
	return (mode & (UI_MODE_LAB | UI_MODE_LAB_CALL)) != 0;
}

/* Is `name` one of the space-separated words of `keys`? */
static bool
tk_has_word(const char *keys, const char *name)
{
	size_t n = strlen(name);
	const char *p = keys;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == keys || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p++;
	}
	return false;
}

Test(keys, no_key_is_bound_twice_in_one_mode)
{
	const struct keys_entry *t;
	char name[16];
	size_t n, m, i, j;

	t = keys_table(&n);
	cr_assert_gt(n, 40, "the table has %zu entries", n);
	for (m = 0; m < TK_NMODES; m++) {
		for (i = 0; i < n; i++) {
			if (!keys_applies(&t[i], tk_mode(m)))
				continue;
			for (j = i + 1; j < n; j++)
				cr_expect(!keys_applies(&t[j], tk_mode(m)) ||
				    t[j].key != t[i].key,
				    "mode %#x: %s is bound twice (entries %zu "
				    "and %zu)", tk_mode(m),
				    keys_name(t[i].key, name, sizeof name), i,
				    j);
			cr_expect(keys_find(tk_mode(m), t[i].key) == &t[i],
			    "mode %#x: keys_find() finds another entry for %s",
			    tk_mode(m), keys_name(t[i].key, name, sizeof name));
		}
	}
}

Test(keys, every_entry_has_help_and_some_mode)
{
	const struct keys_entry *t;
	char name[16];
	size_t n, i;

	t = keys_table(&n);
	for (i = 0; i < n; i++) {
		keys_name(t[i].key, name, sizeof name);
		cr_expect(t[i].help != NULL && t[i].help[0] != '\0',
		    "%s has no help text", name);
		cr_expect((t[i].modes & KEYS_BASES) != 0,
		    "%s applies in no mode", name);
		cr_expect(t[i].action != UI_A_NONE, "%s does nothing", name);
		cr_expect((t[i].action == UI_A_FEED) ==
		    (t[i].fkey != UI_K_NONE),
		    "%s: a source's key has its ui_key, and only it", name);
		cr_expect(strchr(name, '#') == NULL, "key %d has no name",
		    t[i].key);
	}
}

/*
 * The help of a mode lists exactly the keys of the mode: each entry that
 * applies is on a line with its own text, and each key on a line applies
 * with that text (in a lab: in one of the lab's two modes).
 */
Test(keys, the_help_shows_exactly_the_keys_of_each_mode)
{
	struct keys_line v[TK_LINES];
	const struct keys_entry *t;
	char name[16];
	size_t n, m, i, k, nl;

	t = keys_table(&n);
	for (m = 0; m < TK_NMODES; m++) {
		unsigned mode = tk_mode(m), quiz = mode & UI_MODE_QUIZ;

		nl = keys_help(mode, v, TK_LINES);
		cr_assert(nl > 10 && nl <= TK_LINES, "mode %#x: %zu lines",
		    mode, nl);
		for (i = 0; i < n; i++) {
			bool found = false;

			if (!keys_applies(&t[i], mode))
				continue;
			keys_name(t[i].key, name, sizeof name);
			for (k = 0; k < nl && !found; k++)
				found = !v[k].heading && v[k].what ==
				    t[i].help && tk_has_word(v[k].keys, name);
			cr_expect(found, "mode %#x: %s (%s) is not on the help",
			    mode, name, t[i].help);
		}
		for (k = 0; k < nl; k++) {
			char words[sizeof v[k].keys], *w, *save = NULL;

			cr_expect(v[k].what != NULL && v[k].what[0] != '\0');
			if (v[k].heading) {
				cr_expect(tk_is_lab(mode), "mode %#x: a heading "
				    "outside the lab: %s", mode, v[k].what);
				continue;
			}
			memcpy(words, v[k].keys, sizeof words);
			for (w = strtok_r(words, " ", &save); w != NULL;
			    w = strtok_r(NULL, " ", &save)) {
				bool bound = false;

				for (i = 0; i < n && !bound; i++) {
					keys_name(t[i].key, name, sizeof name);
					bound = strcmp(name, w) == 0 &&
					    t[i].help == v[k].what &&
					    (keys_applies(&t[i], mode) ||
					    (tk_is_lab(mode) && (keys_applies(
					    &t[i], UI_MODE_LAB | quiz) ||
					    keys_applies(&t[i],
					    UI_MODE_LAB_CALL | quiz))));
				}
				cr_expect(bound, "mode %#x: the help shows %s "
				    "(%s), which it does not bind", mode, w,
				    v[k].what);
			}
		}
	}
}

/* The help says how many lines it has even when they do not all fit. */
Test(keys, the_help_counts_lines_it_cannot_hold)
{
	struct keys_line v[TK_LINES], w[4];
	size_t n = keys_help(UI_MODE_REPLAY, v, TK_LINES);

	cr_assert_eq(keys_help(UI_MODE_REPLAY, w, 4), n);
	cr_assert_eq(keys_help(UI_MODE_REPLAY, NULL, 0), n);
	cr_assert_str_eq(w[1].keys, v[1].keys);
	cr_assert_str_eq(v[1].keys, "Right l n", "next step: %s", v[1].keys);
}

/* The lab's c and s choose a side, in the lab only; the calls come after
 * a side; no key of the UI hides behind them (issue 17's leftover). */
Test(keys, the_lab_binds_its_keys_and_no_jump_they_would_hide)
{
	static const int lab[] = { 'l', 'c', 'a', 's', 'r', 'w', 'W', 'R',
	    'B', 'x', '!', 'u', 'o', 'y', KEYS_ESC };
	const struct keys_entry *e;
	size_t i, m;
	int q;

	for (q = 0; q < 2; q++) {
		unsigned quiz = q ? UI_MODE_QUIZ : 0;

		e = keys_find(UI_MODE_LAB | quiz, 'c');
		cr_assert(e != NULL && e->fkey == UI_K_CLIENT);
		e = keys_find(UI_MODE_LAB | quiz, 's');
		cr_assert(e != NULL && e->fkey == UI_K_SERVER);
		for (i = 0; i < sizeof lab / sizeof lab[0]; i++) {
			e = keys_find(UI_MODE_LAB_CALL | quiz, lab[i]);
			cr_expect(e != NULL && e->action == UI_A_FEED &&
			    e->fkey >= UI_K_BACK && e->fkey < UI_K_ANSWER1,
			    "the lab's call key %c", lab[i]);
		}
		/* The jumps left in the lab are the same in both its
		 * modes, so a chosen side changes no jump. */
		for (i = 0; i < 128; i++) {
			const struct keys_entry *a, *b;

			a = keys_find(UI_MODE_LAB | quiz, (int)i);
			b = keys_find(UI_MODE_LAB_CALL | quiz, (int)i);
			if (a != NULL && a->action >= UI_A_JUMP)
				cr_expect(a == b, "jump %c: lab only", (int)i);
			if (b != NULL && b->action >= UI_A_JUMP)
				cr_expect(a == b, "jump %c: call only", (int)i);
		}
	}
	for (m = 0; m < TK_NBASES; m++) {
		if (tk_is_lab(tk_bases[m]))
			continue;
		e = keys_find(tk_bases[m], 'c');
		cr_expect(e != NULL && e->action == UI_A_NEXT_STATE);
		e = keys_find(tk_bases[m], 's');
		cr_expect(e != NULL && e->action == UI_A_NEXT_SYN);
		e = keys_find(tk_bases[m], '1');
		cr_expect(e == NULL, "1 answers only in a quiz");
		e = keys_find(tk_bases[m] | UI_MODE_QUIZ, '4');
		cr_expect(e != NULL && e->fkey == UI_K_ANSWER4);
		e = keys_find(tk_bases[m], 'o');
		cr_expect((e != NULL) == (tk_bases[m] == UI_MODE_RUN),
		    "o is the programs' output, in run only (mode %#x)",
		    tk_bases[m]);
	}
}

/* Every ui_key a source may be asked for has a key in some mode. */
Test(keys, every_source_key_has_a_key)
{
	const struct keys_entry *t;
	size_t n, i;
	int k;

	t = keys_table(&n);
	for (k = UI_K_NONE + 1; k < UI_K_COUNT; k++) {
		for (i = 0; i < n; i++)
			if (t[i].action == UI_A_FEED && (int)t[i].fkey == k)
				break;
		cr_expect(i < n, "ui_key %d has no key", k);
	}
}

/* --------------------------------------------------------- man page */

/* The keys a section of the man page names on its .TP tags. */
struct tk_names {
	char	v[80][16];
	size_t	n;
};

static void
tk_names_add(struct tk_names *s, const char *w)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], w) == 0)
			return;
	cr_assert_lt(s->n, 80);
	snprintf(s->v[s->n++], sizeof s->v[0], "%s", w);
}

static bool
tk_names_has(const struct tk_names *s, const char *w)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], w) == 0)
			return true;
	return false;
}

/* A tag line: ".B Space" or ".BR Right \", \" l \", \" n": the bold
 * words (every other one of .BR, from the first). */
static void
tk_tag(const char *line, struct tk_names *s)
{
	char word[64];
	bool br = strncmp(line, ".BR ", 4) == 0, bold = true;
	const char *p = line + (br ? 4 : 3);
	size_t k;

	while (*p != '\0' && *p != '\n') {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		k = 0;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++)
				if (k + 1 < sizeof word)
					word[k++] = *p;
			if (*p == '"')
				p++;
		} else {
			for (; *p != '\0' && *p != ' ' && *p != '\n'; p++) {
				if (*p == '\\' && p[1] == '-')
					p++;	/* \- is a minus */
				if (k + 1 < sizeof word)
					word[k++] = *p;
			}
		}
		word[k] = '\0';
		if (bold)
			tk_names_add(s, word);
		if (br)
			bold = !bold;
	}
}

/* The tags of section `title` (".SS KEYS", ".SH LAB KEYS"). */
static void
tk_man(const char *title, struct tk_names *s)
{
	char line[512];
	FILE *fp = fopen(SYNFIN_MAN, "r");
	bool in = false, tag = false;

	cr_assert_not_null(fp, "%s", SYNFIN_MAN);
	s->n = 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, title) == 0) {
			in = true;
			continue;
		}
		if (!in)
			continue;
		if (strncmp(line, ".SH", 3) == 0 || strncmp(line, ".SS", 3) == 0)
			break;
		if (strncmp(line, ".TP", 3) == 0) {
			tag = true;
			continue;
		}
		if (tag && (strncmp(line, ".B ", 3) == 0 ||
		    strncmp(line, ".BR ", 4) == 0))
			tk_tag(line, s);
		tag = false;
	}
	fclose(fp);
	cr_assert_gt(s->n, 5, "%s names %zu keys", title, s->n);
}

static bool
tk_lab_key(const struct keys_entry *e)
{
	return e->action == UI_A_FEED &&
	    (e->modes & (UI_MODE_LAB | UI_MODE_LAB_CALL)) != 0 &&
	    !(e->modes & UI_MODE_QUIZ);
}

/* The man page's KEYS name the UI's keys and LAB KEYS the lab's: each of
 * the table's, and no other. */
Test(keys, the_man_page_names_the_keys_of_the_table)
{
	struct tk_names ui, lab, mine_ui = { .n = 0 }, mine_lab = { .n = 0 };
	const struct keys_entry *t;
	char name[16];
	size_t n, i;

	tk_man(".SS KEYS", &ui);
	tk_man(".SH LAB KEYS", &lab);
	t = keys_table(&n);
	for (i = 0; i < n; i++) {
		keys_name(t[i].key, name, sizeof name);
		tk_names_add(tk_lab_key(&t[i]) ? &mine_lab : &mine_ui, name);
	}
	for (i = 0; i < mine_ui.n; i++)
		cr_expect(tk_names_has(&ui, mine_ui.v[i]), "synfin.1 KEYS "
		    "does not name %s", mine_ui.v[i]);
	for (i = 0; i < ui.n; i++)
		cr_expect(tk_names_has(&mine_ui, ui.v[i]), "synfin.1 KEYS "
		    "names %s, which the key table does not bind", ui.v[i]);
	/* c and s choose a side: the text says it, the tags are calls. */
	for (i = 0; i < mine_lab.n; i++)
		cr_expect(tk_names_has(&lab, mine_lab.v[i]), "synfin.1 LAB "
		    "KEYS does not name %s", mine_lab.v[i]);
	for (i = 0; i < lab.n; i++)
		cr_expect(tk_names_has(&mine_lab, lab.v[i]), "synfin.1 LAB "
		    "KEYS names %s, which the key table does not bind",
		    lab.v[i]);
}

/* A source's prompt names its keys from the table (cmd_lab.c). */
Test(keys, a_source_names_its_keys_from_the_table)
{
	char buf[16];

	cr_assert_str_eq(ui_key_name(UI_MODE_LAB, UI_K_CLIENT, buf,
	    sizeof buf), "c");
	cr_assert_str_eq(ui_key_name(UI_MODE_LAB, UI_K_SERVER, buf,
	    sizeof buf), "s");
	cr_assert_str_eq(ui_key_name(UI_MODE_LAB_CALL, UI_K_SEND, buf,
	    sizeof buf), "s");
	cr_assert_str_eq(ui_key_name(UI_MODE_LAB_CALL, UI_K_SHUT_WR, buf,
	    sizeof buf), "w", "the first of w and W");
	cr_assert_str_eq(ui_key_name(UI_MODE_LAB_CALL, UI_K_BACK, buf,
	    sizeof buf), "Esc");
	cr_assert_str_eq(ui_key_name(UI_MODE_LAB, UI_K_LISTEN, buf,
	    sizeof buf), "", "no side chosen: no call key");
	cr_assert_str_eq(ui_key_name(UI_MODE_REPLAY, UI_K_ANSWER1, buf,
	    sizeof buf), "", "no quiz: no answer key");
	cr_assert_str_eq(ui_key_name(UI_MODE_LAB | UI_MODE_QUIZ,
	    UI_K_ANSWER3, buf, sizeof buf), "3");
}
