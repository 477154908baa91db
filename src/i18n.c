/* SPDX-License-Identifier: ISC */
/*
 * Choosing the language, once, before the first message.  The locale
 * (LANG, LC_ALL, LC_MESSAGES) decides, unless --lang names a language;
 * LANGUAGE then carries the choice to gettext.  Chinese text needs a
 * UTF-8 character set: under a plain C locale the C.UTF-8 locale stands
 * in, so --lang zh_CN works on a machine that has only C and C.UTF-8.
 */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "i18n_init.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

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
	char name[64], path[4096];
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

int
i18n_init(const char *lang, bool english)
{
	const char *dir = getenv("SYNFIN_LOCALEDIR");
	const char *msgs;
	char full[64];
	int rc = 0;

	if (dir == NULL || *dir == '\0')
		dir = LOCALEDIR;
	setlocale(LC_ALL, "");
	if (english) {
		/* A contract (--json) is written in English. */
		setenv("LANGUAGE", "C", 1);
	} else if (lang != NULL && i18n_english(lang)) {
		setenv("LANGUAGE", "C", 1);
	} else if (lang != NULL) {
		if (!i18n_have(dir, lang))
			rc = -1;
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
	bindtextdomain("synfin", dir);
	textdomain("synfin");
	return rc;
}
