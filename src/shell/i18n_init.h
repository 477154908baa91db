/* SPDX-License-Identifier: ISC */
/*
 * Start-up of the message catalogue (the shell calls it once; the core
 * only uses the marks of i18n.h).
 */
#ifndef I18N_INIT_H
#define I18N_INIT_H

#include <stdbool.h>

/* Whether lang looks like a language name (zh_CN, zh_CN.UTF-8, en). */
bool	i18n_lang_valid(const char *lang);

/*
 * Set the locale from the environment, then the language from `lang`
 * (--lang; NULL: the locale's), for the whole process, --json included:
 * the JSON writer never translates, so it is English in every language.
 * The catalogue is read from $SYNFIN_LOCALEDIR, else po/locale beside
 * the executable (an uninstalled build), else LOCALEDIR.  Returns -1 when
 * the language asked for (--lang, or a locale's language synfin ships)
 * has no catalogue there (messages stay English), else 0.
 */
int	i18n_init(const char *lang);

/* The language i18n_init() could not load, or NULL. */
const char *i18n_missing(void);
/* The directory the catalogues are read from. */
const char *i18n_localedir(void);

#endif
