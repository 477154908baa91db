/* SPDX-License-Identifier: ISC */
/* Tests for rd.h, the bounds-checked byte cursor with a sticky flag. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdint.h>

#include "rd.h"

static const uint8_t rd_t_bytes[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a
};

Test(rd, reads_big_and_little_endian_integers)
{
	struct rd	r;

	rd_init(&r, rd_t_bytes, sizeof rd_t_bytes);
	cr_assert_eq(rd_u8(&r), 0x01);
	cr_assert_eq(rd_be16(&r), 0x0203);
	cr_assert_eq(rd_le16(&r), 0x0504);
	cr_assert_eq(rd_be32(&r), 0x06070809U);
	cr_assert_eq(rd_left(&r), 1);
	cr_assert_not(rd_trunc(&r));

	rd_init(&r, rd_t_bytes, sizeof rd_t_bytes);
	cr_assert_eq(rd_le32(&r), 0x04030201U);
	cr_assert_eq(rd_be32(&r), 0x05060708U);
}

Test(rd, short_read_returns_zero_and_sets_the_flag)
{
	struct rd	r;

	rd_init(&r, rd_t_bytes, 3);
	cr_assert_eq(rd_be16(&r), 0x0102);
	cr_assert_eq(rd_be16(&r), 0, "only one byte was left");
	cr_assert(rd_trunc(&r));
	cr_assert_eq(r.pos, r.len, "a short read leaves pos at len");
	cr_assert_eq(rd_left(&r), 0);
}

Test(rd, truncation_is_sticky)
{
	struct rd	r;

	rd_init(&r, rd_t_bytes, 4);
	cr_assert_eq(rd_be32(&r), 0x01020304U);
	cr_assert_not(rd_trunc(&r));
	cr_assert_eq(rd_u8(&r), 0);
	cr_assert(rd_trunc(&r));
	cr_assert_null(rd_take(&r, 0), "even an empty take fails after");
	cr_assert_not(rd_skip(&r, 0));
	cr_assert_eq(rd_le32(&r), 0);
	cr_assert(rd_trunc(&r));
}

Test(rd, take_of_a_huge_length_does_not_wrap)
{
	struct rd	r;

	rd_init(&r, rd_t_bytes, sizeof rd_t_bytes);
	rd_skip(&r, 2);
	cr_assert_null(rd_take(&r, SIZE_MAX));
	cr_assert(rd_trunc(&r));
	cr_assert_eq(r.pos, r.len);
}

Test(rd, take_returns_a_pointer_into_the_buffer)
{
	struct rd	 r;
	const uint8_t	*q;

	rd_init(&r, rd_t_bytes, sizeof rd_t_bytes);
	rd_skip(&r, 3);
	q = rd_take(&r, 4);
	cr_assert_eq(q, rd_t_bytes + 3);
	cr_assert_eq(rd_ptr(&r), rd_t_bytes + 7);
	cr_assert_eq(rd_take(&r, 3), rd_t_bytes + 7, "exactly what is left");
	cr_assert_not(rd_trunc(&r));
}

Test(rd, sub_cursor_covers_the_next_bytes)
{
	struct rd	r, s;

	rd_init(&r, rd_t_bytes, sizeof rd_t_bytes);
	rd_skip(&r, 1);
	s = rd_sub(&r, 4);
	cr_assert_eq(rd_left(&s), 4);
	cr_assert_eq(rd_be32(&s), 0x02030405U);
	cr_assert_eq(rd_u8(&s), 0);
	cr_assert(rd_trunc(&s));
	cr_assert_not(rd_trunc(&r), "the parent is not affected");
	cr_assert_eq(rd_u8(&r), 0x06);
}

Test(rd, sub_cursor_past_the_end_truncates_the_parent)
{
	struct rd	r, s;

	rd_init(&r, rd_t_bytes, sizeof rd_t_bytes);
	rd_skip(&r, 8);
	s = rd_sub(&r, 5);
	cr_assert_eq(rd_left(&s), 2, "the sub-cursor gets what is left");
	cr_assert_not(rd_trunc(&s));
	cr_assert(rd_trunc(&r));
	cr_assert_eq(rd_left(&r), 0);
}

Test(rd, empty_cursor_reads_nothing)
{
	struct rd	r;

	rd_init(&r, rd_t_bytes, 0);
	cr_assert_eq(rd_left(&r), 0);
	cr_assert_not_null(rd_take(&r, 0), "an empty take fits");
	cr_assert_eq(rd_u8(&r), 0);
	cr_assert(rd_trunc(&r));
}
