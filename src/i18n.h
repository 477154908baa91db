/* SPDX-License-Identifier: ISC */
/*
 * Marks for user-visible strings.  _() translates a string where it is
 * used, N_() marks one in a static table for translation later.  Both
 * are the identity until gettext is wired in: keep wrapping every string
 * a person reads so that adding it is a build change, not a hunt.
 */
#ifndef I18N_H
#define I18N_H

#define _(s)	(s)
#define N_(s)	(s)

#endif
