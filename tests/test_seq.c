/* SPDX-License-Identifier: ISC */
/* Tests for seq.h: sequence numbers compared modulo 2^32 (RFC 9293 3.4). */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>

#include "seq.h"

/* Arrays, not pointers: Criterion may exec a fresh worker per case. */
struct seq_t_case {
	char		 label[32];
	uint32_t	 a;
	uint32_t	 b;
	int32_t		 diff;		/* seq_diff(a, b) */
};

ParameterizedTestParameters(seq, orders_modulo_2_32)
{
	static struct seq_t_case cases[] = {
		{ "equal", 1000, 1000, 0 },
		{ "plain less", 1000, 2000, -1000 },
		{ "plain greater", 2000, 1000, 1000 },
		{ "just before the wrap", 0xffffffffU, 0, -1 },
		{ "just after the wrap", 0, 0xffffffffU, 1 },
		{ "across the wrap", 0xfffffff0U, 0x10, -0x20 },
		{ "back across the wrap", 0x10, 0xfffffff0U, 0x20 },
		{ "equal at the top", 0xffffffffU, 0xffffffffU, 0 },
		{ "a window below half", 0, 0x7fffffffU, -0x7fffffff },
		{ "a window above half", 0x7fffffffU, 0, 0x7fffffff },
		{ "half the space", 0x80000000U, 0, INT32_MIN },
		{ "zero vs top", 0, 0x80000001U, 0x7fffffff },
	};

	return cr_make_param_array(struct seq_t_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct seq_t_case *c, seq, orders_modulo_2_32)
{
	int32_t	d = c->diff;

	cr_assert_eq(seq_diff(c->a, c->b), d, "%s: diff", c->label);
	cr_assert_eq(seq_lt(c->a, c->b), d < 0, "%s: lt", c->label);
	cr_assert_eq(seq_leq(c->a, c->b), d <= 0, "%s: leq", c->label);
	cr_assert_eq(seq_gt(c->a, c->b), d > 0, "%s: gt", c->label);
	cr_assert_eq(seq_geq(c->a, c->b), d >= 0, "%s: geq", c->label);
	cr_assert_eq(seq_max(c->a, c->b), d >= 0 ? c->a : c->b, "%s: max",
	    c->label);
}

Test(seq, diff_plus_b_gives_back_a)
{
	uint32_t	a, b;

	for (a = 0xfffffff8U; a != 8; a++)
		for (b = 0xfffffff8U; b != 8; b++)
			cr_assert_eq(b + (uint32_t)seq_diff(a, b), a,
			    "a %u b %u", a, b);
}

Test(seq, window_holds_its_start_but_not_its_end)
{
	cr_assert(seq_in_window(100, 100, 10));
	cr_assert(seq_in_window(109, 100, 10));
	cr_assert_not(seq_in_window(110, 100, 10));
	cr_assert_not(seq_in_window(99, 100, 10));
}

Test(seq, window_straddles_the_wrap)
{
	uint32_t	start = 0xfffffffaU;

	cr_assert(seq_in_window(0xfffffffaU, start, 12));
	cr_assert(seq_in_window(0xffffffffU, start, 12));
	cr_assert(seq_in_window(0, start, 12));
	cr_assert(seq_in_window(5, start, 12));
	cr_assert_not(seq_in_window(6, start, 12));
	cr_assert_not(seq_in_window(0xfffffff9U, start, 12));
}

Test(seq, empty_window_holds_nothing)
{
	cr_assert_not(seq_in_window(0, 0, 0));
	cr_assert_not(seq_in_window(0xffffffffU, 0xffffffffU, 0));
}

Test(seq, max_picks_the_later_across_the_wrap)
{
	cr_assert_eq(seq_max(0xfffffff0U, 5), 5);
	cr_assert_eq(seq_max(5, 0xfffffff0U), 5);
	cr_assert_eq(seq_max(7, 7), 7);
}
