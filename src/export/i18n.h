/* SPDX-License-Identifier: ISC */
/*
 * Marks for user-visible strings, read by xgettext (po/POTFILES):
 *
 *   _("...")		translate here, where the string is used
 *   N_("...")		an English message id (msg.h): mark it, and pass
 *			it through _() where it is shown
 *   P_("one", "many", n)	a sentence with a count (ngettext)
 *   C_("context", "...")	the same English word in two roles (pgettext)
 *
 * The message catalogue (domain "synfin") is chosen once, at start-up, by
 * the shell (i18n_init in main.c).  Only the sinks translate: src/export,
 * ui/ and the shell.  The core (src/core) never calls gettext; it hands
 * out English message ids marked N_() with their arguments (msg.h), and
 * whoever shows one translates it (msg_text.h).  What is a contract stays
 * untranslated: all of --json (its writer never calls gettext), state
 * names (SYN_SENT), flag names (SYN-ACK), option names, socket-call names.
 */
#ifndef I18N_H
#define I18N_H

#include <libintl.h>

#include "msg.h"	/* N_() */

#define _(s)		gettext(s)
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
