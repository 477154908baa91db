/* SPDX-License-Identifier: ISC */
/* Tests for u8.h: decoding UTF-8 and the columns text takes. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "u8.h"

/* "中文" and friends spelled in bytes, so the file's encoding is moot. */
#define U8_T_ZHONG	"\xe4\xb8\xad"		/* 中 U+4E2D */
#define U8_T_WEN	"\xe6\x96\x87"		/* 文 U+6587 */
#define U8_T_COMMA	"\xef\xbc\x8c"		/* ， U+FF0C fullwidth */
#define U8_T_EACUTE	"\xc3\xa9"		/* é U+00E9 */
#define U8_T_ACUTE	"\xcc\x81"		/* U+0301 combining */

struct u8_t_case {
	const char	*s;
	size_t		 n;		/* bytes of s */
	uint32_t	 cp;
	size_t		 took;
};

static void
u8_t_check(const struct u8_t_case *c, size_t i)
{
	uint32_t cp = 0;
	size_t took = u8_decode(c->s, c->n, &cp);

	cr_assert_eq(took, c->took, "case %zu: took %zu bytes, want %zu", i,
	    took, c->took);
	cr_assert_eq(cp, c->cp, "case %zu: U+%04X, want U+%04X", i,
	    (unsigned)cp, (unsigned)c->cp);
}

Test(u8, decodes_one_to_four_byte_characters)
{
	static const struct u8_t_case cases[] = {
		{ "A", 1, 0x41, 1 },
		{ "\x7f", 1, 0x7f, 1 },
		{ "\xc2\x80", 2, 0x80, 2 },		/* smallest 2-byte */
		{ U8_T_EACUTE, 2, 0xe9, 2 },
		{ "\xdf\xbf", 2, 0x7ff, 2 },
		{ "\xe0\xa0\x80", 3, 0x800, 3 },	/* smallest 3-byte */
		{ U8_T_ZHONG, 3, 0x4e2d, 3 },
		{ "\xef\xbf\xbd", 3, 0xfffd, 3 },	/* a real U+FFFD */
		{ "\xef\xbf\xbf", 3, 0xffff, 3 },
		{ "\xf0\x90\x80\x80", 4, 0x10000, 4 },	/* smallest 4-byte */
		{ "\xf0\x9f\x98\x80", 4, 0x1f600, 4 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4 },	/* the last one */
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		u8_t_check(&cases[i], i);
}

Test(u8, decodes_only_the_first_character)
{
	uint32_t cp;

	cr_assert_eq(u8_decode(U8_T_ZHONG U8_T_WEN, 6, &cp), 3);
	cr_assert_eq(cp, 0x4e2d);
	cr_assert_eq(u8_decode("ab", 2, &cp), 1);
	cr_assert_eq(cp, 'a');
}

Test(u8, overlong_forms_are_one_replacement)
{
	static const struct u8_t_case cases[] = {
		{ "\xc0\x80", 2, 0xfffd, 2 },		/* NUL in 2 bytes */
		{ "\xc1\xbf", 2, 0xfffd, 2 },		/* 0x7f in 2 */
		{ "\xe0\x80\xaf", 3, 0xfffd, 3 },	/* '/' in 3 */
		{ "\xe0\x9f\xbf", 3, 0xfffd, 3 },	/* 0x7ff in 3 */
		{ "\xf0\x80\x80\xaf", 4, 0xfffd, 4 },	/* '/' in 4 */
		{ "\xf0\x8f\xbf\xbf", 4, 0xfffd, 4 },	/* 0xffff in 4 */
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		u8_t_check(&cases[i], i);
}

Test(u8, surrogates_and_beyond_unicode_are_bad)
{
	static const struct u8_t_case cases[] = {
		{ "\xed\xa0\x80", 3, 0xfffd, 3 },	/* U+D800 */
		{ "\xed\xb2\x80", 3, 0xfffd, 3 },	/* U+DC80 */
		{ "\xed\xbf\xbf", 3, 0xfffd, 3 },	/* U+DFFF */
		{ "\xed\x9f\xbf", 3, 0xd7ff, 3 },	/* just below: good */
		{ "\xee\x80\x80", 3, 0xe000, 3 },	/* just above: good */
		{ "\xf4\x90\x80\x80", 4, 0xfffd, 4 },	/* U+110000 */
		{ "\xf7\xbf\xbf\xbf", 4, 0xfffd, 4 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		u8_t_check(&cases[i], i);
}

Test(u8, a_bad_byte_takes_one_byte)
{
	static const struct u8_t_case cases[] = {
		{ "\x80", 1, 0xfffd, 1 },		/* lone continuation */
		{ "\xbf" "A", 2, 0xfffd, 1 },
		{ "\xf8\x88\x80\x80\x80", 5, 0xfffd, 1 },	/* 5-byte lead */
		{ "\xfe", 1, 0xfffd, 1 },
		{ "\xff", 1, 0xfffd, 1 },
		{ "\xc3" "A", 2, 0xfffd, 1 },		/* not a continuation */
		{ "\xe4\xb8" "A", 3, 0xfffd, 1 },
		{ "\xf0\x9f\x98" "A", 4, 0xfffd, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		u8_t_check(&cases[i], i);
}

Test(u8, a_truncated_character_takes_one_byte)
{
	static const struct u8_t_case cases[] = {
		{ U8_T_EACUTE, 1, 0xfffd, 1 },
		{ U8_T_ZHONG, 1, 0xfffd, 1 },
		{ U8_T_ZHONG, 2, 0xfffd, 1 },
		{ "\xf0\x9f\x98\x80", 3, 0xfffd, 1 },
	};
	uint32_t cp = 0x41;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		u8_t_check(&cases[i], i);
	/* Nothing left: nothing taken. */
	cr_assert_eq(u8_decode("", 0, &cp), 0);
	cr_assert_eq(cp, 0xfffd);
}

Test(u8, character_widths)
{
	cr_assert_eq(u8_cp_width('A'), 1);
	cr_assert_eq(u8_cp_width(0xe9), 1);		/* é */
	cr_assert_eq(u8_cp_width(0x0301), 0);		/* combining acute */
	cr_assert_eq(u8_cp_width(0x200b), 0);		/* zero width space */
	cr_assert_eq(u8_cp_width(0xfe0f), 0);		/* variation sel. */
	cr_assert_eq(u8_cp_width(0x2192), 1);		/* → */
	cr_assert_eq(u8_cp_width(0x4e2d), 2);		/* 中 */
	cr_assert_eq(u8_cp_width(0x4e00), 2);		/* first and last */
	cr_assert_eq(u8_cp_width(0x9fff), 2);		/*   unified */
	cr_assert_eq(u8_cp_width(0x3001), 2);		/* 、 */
	cr_assert_eq(u8_cp_width(0x3002), 2);		/* 。 */
	cr_assert_eq(u8_cp_width(0xff08), 2);		/* （ fullwidth */
	cr_assert_eq(u8_cp_width(0xff1a), 2);		/* ： */
	cr_assert_eq(u8_cp_width(0xff61), 1);		/* halfwidth 。 */
	cr_assert_eq(u8_cp_width(0x201c), 1);		/* “ ambiguous: 1 */
	cr_assert_eq(u8_cp_width(0xac00), 2);		/* 가 */
	cr_assert_eq(u8_cp_width(0x3042), 2);		/* あ */
	cr_assert_eq(u8_cp_width(0x20000), 2);		/* extension B */
	cr_assert_eq(u8_cp_width(0xfffd), 1);
	cr_assert(u8_cp_breakable(0x4e2d));
	cr_assert(u8_cp_breakable(0xff0c));
	cr_assert_not(u8_cp_breakable('a'));
	cr_assert_not(u8_cp_breakable(' '));
}

Test(u8, text_widths)
{
	const char *mixed = "SYN " U8_T_ZHONG U8_T_WEN U8_T_COMMA "ok";

	cr_assert_eq(u8_strwidth(""), 0);
	cr_assert_eq(u8_strwidth("SYN_RECEIVED"), 12);
	cr_assert_eq(u8_strwidth(U8_T_ZHONG U8_T_WEN), 4);
	cr_assert_eq(strlen(mixed), 15);
	cr_assert_eq(u8_strwidth(mixed), 4 + 6 + 2);
	cr_assert_eq(u8_strwidth("e" U8_T_ACUTE), 1);
	cr_assert_eq(u8_strwidth(U8_T_EACUTE), 1);
	/* u8_width counts only n bytes; a character cut there is one bad
	 * byte a column, as a terminal would show it. */
	cr_assert_eq(u8_width(mixed, 4), 4);
	cr_assert_eq(u8_width(mixed, 7), 6);
	cr_assert_eq(u8_width(mixed, 8), 7);
	cr_assert_eq(u8_width(mixed, 9), 8);
	cr_assert_eq(u8_width(mixed, 0), 0);
	/* Bad bytes are a column each. */
	cr_assert_eq(u8_strwidth("a\xff" "b"), 3);
	cr_assert_eq(u8_strwidth("\x80\x80"), 2);
}

Test(u8, fit_keeps_whole_characters)
{
	const char *zh = U8_T_ZHONG U8_T_WEN;		/* 4 columns */
	const char *mixed = "ab" U8_T_ZHONG "cd";	/* 6 columns */

	cr_assert_eq(u8_fit(zh, 6, 0), 0);
	cr_assert_eq(u8_fit(zh, 6, 1), 0, "half a wide character never");
	cr_assert_eq(u8_fit(zh, 6, 2), 3);
	cr_assert_eq(u8_fit(zh, 6, 3), 3);
	cr_assert_eq(u8_fit(zh, 6, 4), 6);
	cr_assert_eq(u8_fit(zh, 6, 100), 6);
	cr_assert_eq(u8_fit(zh, 4, 100), 4, "stops at n: 3 + one bad byte");

	cr_assert_eq(u8_fit(mixed, 7, 2), 2);
	cr_assert_eq(u8_fit(mixed, 7, 3), 2);
	cr_assert_eq(u8_fit(mixed, 7, 4), 5);
	cr_assert_eq(u8_fit(mixed, 7, 5), 6);
	cr_assert_eq(u8_fit(mixed, 7, 6), 7);

	/* ASCII: a byte a column. */
	cr_assert_eq(u8_fit("hello", 5, 3), 3);
	/* A combining mark stays with the character it marks. */
	cr_assert_eq(u8_fit("e" U8_T_ACUTE "x", 4, 1), 3);
	/* What fits is whole: its width is within the limit. */
	cr_assert_leq(u8_width(mixed, u8_fit(mixed, 7, 3)), 3);
}
