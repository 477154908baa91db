/* SPDX-License-Identifier: ISC */
/*
 * Marks for user-visible strings, read by xgettext (po/POTFILES):
 *
 *   _("...")		translate here, where the string is used
 *   N_("...")		a string in a static table: mark it, and pass it
 *			through _() where it is shown
 *   P_("one", "many", n)	a sentence with a count (ngettext)
 *   C_("context", "...")	the same English word in two roles (pgettext)
 *
 * The message catalogue (domain "synfin") is chosen once, at start-up, by
 * the shell (i18n_init in main.c); the core only calls gettext through
 * these macros and never depends on which language is active.  What is a
 * contract stays untranslated: JSON keys and values, state names (SYN_SENT),
 * flag names (SYN-ACK), option names, socket-call names.
 */
#ifndef I18N_H
#define I18N_H

#include <libintl.h>

#define _(s)		gettext(s)
#define N_(s)		(s)
#define P_(s, p, n)	ngettext((s), (p), (n))
/* pgettext as gettext.h spells it: context and message joined by \004. */
#define C_(ctx, s)	i18n_pgettext(ctx "\004" s, s)

static inline const char *
i18n_pgettext(const char *key, const char *msgid)
{
	const char *t = gettext(key);

	return t == key ? msgid : t;
}

#endif
