/* SPDX-License-Identifier: ISC */
/*
 * Choosing the language, once, before the first message.  The locale
 * (LANG, LC_ALL, LC_MESSAGES) decides, unless --lang names a language;
 * LANGUAGE then carries the choice to gettext.  Chinese text needs a
 * UTF-8 character set: under a plain C locale the C.UTF-8 locale stands
 * in, so --lang zh_CN works on a machine that has only C and C.UTF-8,
 * and so does a locale that names a language synfin ships but that is
 * not generated (LANG=zh_CN.UTF-8 on a fresh container).
 *
 * The catalogue is read from $SYNFIN_LOCALEDIR, else from po/locale
 * beside the executable when it has the language (where the build puts
 * it: an uninstalled synfin, built in-tree or out-of-tree, speaks its
 * languages), else from the LOCALEDIR it was installed with.  A program
 * run with more privilege than its caller (AT_SECURE: set-user-ID, file
 * capabilities) reads only the installed one.  A language that was asked
 * for and cannot be loaded is remembered (i18n_missing) so that both
 * stderr and the screen can say so.
 */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "i18n.h"
#include "i18n_init.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif
/* The languages synfin has a catalogue for (LINGUAS in Makefile.am). */
#ifndef LINGUAS
#define LINGUAS "zh_CN"
#endif

static char i18n_lost[40];	/* the language that could not be loaded */
static char i18n_where[4096];	/* the directory catalogues are read from */

static bool
i18n_english(const char *lang)
{
	return strcmp(lang, "C") == 0 || strcmp(lang, "POSIX") == 0 ||
	    strncmp(lang, "en", 2) == 0;
}

static bool
i18n_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0;
}

/* Whether a catalogue exists for lang ("zh_CN", "zh_CN.UTF-8", "zh"). */
static bool
i18n_have(const char *dir, const char *lang)
{
	char name[64], path[4096 + 96];
	size_t n;

	n = strcspn(lang, ".@");
	if (n == 0 || n >= sizeof name)
		return false;
	memcpy(name, lang, n);
	name[n] = '\0';
	for (;;) {
		snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/synfin.mo", dir,
		    name);
		if (access(path, R_OK) == 0)
			return true;
		if ((n = strcspn(name, "_")) == strlen(name))
			return false;
		name[n] = '\0';
	}
}

bool
i18n_lang_valid(const char *lang)
{
	size_t i;

	if (lang[0] == '\0' || strlen(lang) > 32)
		return false;
	for (i = 0; lang[i] != '\0'; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-", lang[i]) ==
		    NULL)
			return false;
	}
	return true;
}

/* Whether synfin ships lang ("zh_CN.UTF-8" and "zh" match "zh_CN"). */
static bool
i18n_shipped(const char *lang)
{
	const char *p = LINGUAS;
	size_t n = strcspn(lang, ".@:"), k;

	while (*p != '\0') {
		p += strspn(p, " ");
		k = strcspn(p, " ");
		if (n > 0 && k > 0 && (n == k || (n < k && p[n] == '_')) &&
		    strncmp(p, lang, n) == 0)
			return true;
		p += k;
	}
	return false;
}

/*
 * Where to read catalogues for `lang` (NULL: none in particular) into
 * i18n_where: the environment's directory, else po/locale beside the
 * executable if it has lang, else LOCALEDIR.
 */
static void
i18n_dir(const char *lang)
{
	char *w = i18n_where, *slash;
	const char *env;
	ssize_t n;

	snprintf(w, sizeof i18n_where, "%s", LOCALEDIR);
	if (getauxval(AT_SECURE) != 0)
		return;
	env = getenv("SYNFIN_LOCALEDIR");
	if (env != NULL && *env != '\0') {
		snprintf(w, sizeof i18n_where, "%s", env);
		return;
	}
	if (lang == NULL)
		return;
	n = readlink("/proc/self/exe", w, sizeof i18n_where);
	if (n > 0 && (size_t)n < sizeof i18n_where &&
	    (w[n] = '\0', slash = strrchr(w, '/')) != NULL &&
	    (size_t)(slash - w) + sizeof "/po/locale" <= sizeof i18n_where) {
		memcpy(slash, "/po/locale", sizeof "/po/locale");
		if (i18n_have(w, lang))
			return;
	}
	snprintf(w, sizeof i18n_where, "%s", LOCALEDIR);
}

/* The locale's name as the environment gives it, as setlocale reads it. */
static const char *
i18n_env_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return v;
	}
	return NULL;
}

int
i18n_init(const char *lang)
{
	const char *msgs, *want = NULL, *env;
	char full[64], first[40];
	bool asked = lang != NULL;

	i18n_lost[0] = '\0';
	setlocale(LC_ALL, "");
	if (lang == NULL) {
		msgs = setlocale(LC_MESSAGES, NULL);
		env = getenv("LANGUAGE");
		if (msgs == NULL || strcmp(msgs, "C") == 0 ||
		    strcmp(msgs, "POSIX") == 0) {
			/*
			 * gettext stays English under C: if that is because
			 * the locale asked for is not generated, take its
			 * language the way --lang would.
			 */
			env = i18n_env_locale();
			if (env != NULL && !i18n_english(env) &&
			    i18n_lang_valid(env) && i18n_shipped(env))
				lang = env;
		} else if (env != NULL && *env != '\0') {
			/* gettext reads LANGUAGE first, a list. */
			snprintf(first, sizeof first, "%.*s",
			    (int)strcspn(env, ":"), env);
			want = first;
		} else
			want = msgs;
	}
	if (lang != NULL && i18n_english(lang)) {
		setenv("LANGUAGE", "C", 1);
	} else if (lang != NULL) {
		want = lang;
		setenv("LANGUAGE", lang, 1);
		if (!i18n_utf8()) {
			snprintf(full, sizeof full, "%.*s.UTF-8",
			    (int)strcspn(lang, ".@"), lang);
			if (setlocale(LC_ALL, full) == NULL)
				setlocale(LC_ALL, "C.UTF-8");
		}
		/* gettext ignores LANGUAGE under the "C" locale. */
		msgs = setlocale(LC_MESSAGES, NULL);
		if (msgs == NULL || strcmp(msgs, "C") == 0 ||
		    strcmp(msgs, "POSIX") == 0)
			setlocale(LC_MESSAGES, "C.UTF-8");
	}
	if (want != NULL && (i18n_english(want) || !i18n_lang_valid(want)))
		want = NULL;
	i18n_dir(want);
	bindtextdomain("synfin", i18n_where);
	textdomain("synfin");
	/* Say so when a language asked for cannot be loaded; a locale's
	 * language synfin never had (fr_FR) is English without a word. */
	if (want != NULL && !i18n_have(i18n_where, want) &&
	    (asked || i18n_shipped(want))) {
		snprintf(i18n_lost, sizeof i18n_lost, "%s", want);
		return -1;
	}
	return 0;
}

const char *
i18n_missing(void)
{
	return i18n_lost[0] != '\0' ? i18n_lost : NULL;
}

const char *
i18n_localedir(void)
{
	return i18n_where;
}
