/* SPDX-License-Identifier: ISC */
/* The output appender: each append against what printf prints. */

#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obuf.h"

static struct obuf B;

static void
mem_setup(void)
{
	obuf_init(&B, NULL);
}

static void
mem_teardown(void)
{
	obuf_clear(&B);
}

/* What the buffer holds, as a string (it is not NUL-terminated). */
static const char *
held(void)
{
	static char s[4096];

	cr_assert_lt(B.len, sizeof s);
	memcpy(s, B.p, B.len);
	s[B.len] = '\0';
	return s;
}

TestSuite(obuf, .init = mem_setup, .fini = mem_teardown);

Test(obuf, integers_match_printf)
{
	static const uint64_t u[] = { 0, 1, 9, 10, 99, 100, 4294967295U,
	    4294967296U, UINT64_MAX };
	static const int64_t s[] = { 0, -1, 1, INT64_MIN, INT64_MAX, -10 };
	char want[64];
	size_t i;

	for (i = 0; i < sizeof u / sizeof u[0]; i++) {
		B.len = 0;
		obuf_u64(&B, u[i]);
		snprintf(want, sizeof want, "%" PRIu64, u[i]);
		cr_assert_str_eq(held(), want);
		B.len = 0;
		obuf_u64_pad(&B, u[i], 6);
		snprintf(want, sizeof want, "%6" PRIu64, u[i]);
		cr_assert_str_eq(held(), want);
	}
	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		B.len = 0;
		obuf_i64(&B, s[i]);
		snprintf(want, sizeof want, "%" PRId64, s[i]);
		cr_assert_str_eq(held(), want);
	}
}

Test(obuf, padding_and_zero_fill)
{
	obuf_str_pad(&B, "SYN", 7);
	obuf_c(&B, '|');
	obuf_str_pad(&B, "SYN-ACK-PSH", 7);
	obuf_c(&B, '|');
	obuf_u64_zero(&B, 42, 6);
	obuf_c(&B, '|');
	obuf_u64_zero(&B, 999999, 6);
	obuf_c(&B, '|');
	obuf_u64_zero(&B, 0, 9);
	cr_assert_str_eq(held(), "SYN    |SYN-ACK-PSH|000042|999999|000000000");
}

Test(obuf, time_matches_out_time)
{
	static const int64_t t[] = { 0, 1, 999999999, 1000000000,
	    1700000000123456789LL, -1, -1500000000LL, INT64_MIN };
	char want[64];
	uint64_t u;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		B.len = 0;
		obuf_time(&B, t[i]);
		u = t[i] < 0 ? -(uint64_t)t[i] : (uint64_t)t[i];
		snprintf(want, sizeof want, "%s%" PRIu64 ".%09" PRIu64,
		    t[i] < 0 ? "-" : "", u / 1000000000U, u % 1000000000U);
		cr_assert_str_eq(held(), want, "t=%" PRId64, t[i]);
	}
}

Test(obuf, json_strings_are_escaped)
{
	obuf_json_str(&B, "a\"b\\c\x01\n\x1f\x7f\xc3\xa9");
	cr_assert_str_eq(held(), "\"a\\\"b\\\\c\\u0001\\u000a\\u001f\x7f"
	    "\xc3\xa9\"");
	B.len = 0;
	obuf_json_str(&B, "");
	cr_assert_str_eq(held(), "\"\"");
	B.len = 0;
	obuf_hex2(&B, 0xa5);
	obuf_hex2(&B, 0x0f);
	cr_assert_str_eq(held(), "a50f");
}

Test(obuf, grows_past_a_chunk_without_a_stream)
{
	size_t i;

	for (i = 0; i < 3 * OBUF_CHUNK / 10; i++)
		obuf_lit(&B, "0123456789");
	cr_assert_eq(B.len, 3 * OBUF_CHUNK / 10 * 10);
	cr_assert_eq(memcmp(B.p + B.len - 10, "0123456789", 10), 0);
}

Test(obuf, formats_fill_holes_in_any_order)
{
	struct obuf_fmt f;
	struct obuf_arg a[3] = { { .u = 7 }, { .s = "tcp" }, { .u = 12 } };

	cr_assert_eq(obuf_fmt_compile(&f, "conn %u %s: %lu pkts, 100%%",
	    "usu"), 0);
	obuf_fmt_put(&B, &f, a);
	cr_assert_str_eq(held(), "conn 7 tcp: 12 pkts, 100%");
	B.len = 0;
	/* A translation may move the holes (positional arguments). */
	cr_assert_eq(obuf_fmt_compile(&f, "%2$s #%1$u (%3$llu)", "usu"), 0);
	obuf_fmt_put(&B, &f, a);
	cr_assert_str_eq(held(), "tcp #7 (12)");
}

Test(obuf, formats_that_do_not_fit_are_refused)
{
	struct obuf_fmt f;

	cr_assert_eq(obuf_fmt_compile(&f, "%s", "u"), -1);
	cr_assert_eq(obuf_fmt_compile(&f, "%u %u", "u"), -1);
	cr_assert_eq(obuf_fmt_compile(&f, "%u", "uu"), -1);
	cr_assert_eq(obuf_fmt_compile(&f, "%1$u %1$u", "uu"), -1);
	cr_assert_eq(obuf_fmt_compile(&f, "%x", "u"), -1);
	cr_assert_eq(obuf_fmt_compile(&f, "%5u", "u"), -1);
	cr_assert_eq(obuf_fmt_compile(&f, "50%", ""), -1);
}

/* A stream gets the bytes in order, a chunk at a time. */
Test(obuf, stream_gets_everything_in_order)
{
	struct obuf b;
	char *mem = NULL;
	size_t size = 0, i;
	FILE *fp = open_memstream(&mem, &size);

	cr_assert_not_null(fp);
	obuf_init(&b, fp);
	for (i = 0; i < 300000; i++) {
		obuf_u64(&b, i);
		obuf_c(&b, '\n');
	}
	cr_assert_leq(b.cap, OBUF_CHUNK, "the buffer stays one chunk");
	cr_assert_eq(obuf_flush(&b), 0);
	obuf_clear(&b);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_str_eq(mem + size - 7, "299999\n");
	cr_assert_eq(strncmp(mem, "0\n1\n2\n", 6), 0);
	free(mem);
}

/* A write the stream refuses is reported, and stays reported. */
Test(obuf, failed_write_is_sticky)
{
	struct obuf b;
	FILE *fp = fopen("/dev/full", "w");

	if (fp == NULL)
		cr_skip_test("no /dev/full");
	setvbuf(fp, NULL, _IONBF, 0);
	obuf_init(&b, fp);
	obuf_lit(&b, "hello\n");
	cr_assert_eq(obuf_flush(&b), -1);
	cr_assert_eq(b.err, ENOSPC);
	obuf_lit(&b, "again\n");
	cr_assert_eq(obuf_flush(&b), -1);
	cr_assert_eq(b.len, 0);
	obuf_clear(&b);
	fclose(fp);
}
