/* SPDX-License-Identifier: ISC */
/*
 * Terminal columns of UTF-8 text.  Translated strings hold double-width
 * characters (Chinese), so every layout that pads, centres, cuts or wraps
 * text counts columns with these, never bytes or code points.  The widths
 * come from a table of East Asian wide ranges, not from the locale, so a
 * diagram is laid out the same under any LC_CTYPE (golden files, SVG).
 */
#ifndef U8_H
#define U8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one character at s (n bytes left); *cp gets it (U+FFFD for a
 * bad sequence).  Returns the bytes it took (1 for a bad byte). */
size_t	u8_decode(const char *s, size_t n, uint32_t *cp);

/* Columns one character takes: 0 (combining), 1 or 2. */
int	u8_cp_width(uint32_t cp);

/* True for a character a line may break after without a space (CJK). */
bool	u8_cp_breakable(uint32_t cp);

/* Columns of the first n bytes of s. */
size_t	u8_width(const char *s, size_t n);
size_t	u8_strwidth(const char *s);

/* Bytes of s (n bytes) that fit in `cols` columns, whole characters only. */
size_t	u8_fit(const char *s, size_t n, size_t cols);

#endif
