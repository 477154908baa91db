/* SPDX-License-Identifier: ISC */
/* The output appender: each append against what printf prints. */

#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg_text.h"
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

/* ---------------------------------- the core's messages (msg_text.h) */

/* The English id with its arguments is the English sentence: what --json
 * shows, whatever the language. */
Test(msg_text, english_is_the_id_with_its_arguments)
{
	struct msg m;
	char buf[256];

	msg_init(&m, "line %d: '%s' after %s is one word too many");
	msg_num(&m, 12);
	msg_str(&m, "now");
	msg_str(&m, "close");
	cr_assert_str_eq(msg_text(&m, false, buf, sizeof buf),
	    "line 12: 'now' after close is one word too many");
	/* Without arguments an id is no format: a % stays as it is. */
	msg_init(&m, "100% sure");
	cr_assert_str_eq(msg_text(&m, false, buf, sizeof buf), "100% sure");
	cr_assert_str_eq(msg_text(NULL, false, buf, sizeof buf), "");
}

/* A translation may reorder the arguments; one whose holes do not fit
 * them (a bad catalogue) gives the English, never garbage. */
Test(msg_text, a_translation_reorders_or_falls_back)
{
	struct msg m;
	char buf[256];

	msg_init(&m, "IPv%u fragment at offset %u is not reassembled");
	msg_num(&m, 4);
	msg_num(&m, 24);
	cr_assert_str_eq(msg_text_fmt(&m, "偏移 %2$u 处的 IPv%1$u 分片", buf,
	    sizeof buf), "偏移 24 处的 IPv4 分片");
	cr_assert_str_eq(msg_text_fmt(&m, "IPv%s: %u", buf, sizeof buf),
	    "IPv4 fragment at offset 24 is not reassembled");
	cr_assert_str_eq(msg_text_fmt(&m, "only %u", buf, sizeof buf),
	    "IPv4 fragment at offset 24 is not reassembled");
	/* Cut to the buffer, always terminated. */
	cr_assert_str_eq(msg_text(&m, false, buf, 9), "IPv4 fra");
}

/* An errno is strerror's text for a person, glibc's English for JSON. */
Test(msg_text, errno_is_english_for_the_contract)
{
	struct msg m;
	char buf[256];

	msg_init(&m, "sock_diag: %s");
	msg_errno(&m, ENOENT);
	cr_assert_str_eq(msg_text(&m, false, buf, sizeof buf),
	    "sock_diag: No such file or directory");
	msg_init(&m, "%s");
	msg_errno(&m, 99999);
	cr_assert_str_eq(msg_text(&m, false, buf, sizeof buf),
	    "Unknown error 99999");
}

/* A message owns its words: a copy keeps them; a long one is cut so that
 * the arguments after it still have room (at worst empty), never more. */
Test(msg_text, a_message_owns_its_words)
{
	struct msg m, copy;
	char word[MSG_TEXT * 2], buf[MSG_TEXT_MAX];

	memset(word, 'w', 200);
	word[200] = '\0';
	msg_init(&m, "%s|%s|%s");
	msg_str(&m, word);
	msg_str(&m, "b");
	msg_str(&m, "c");
	copy = m;
	memset(word, 'x', 10);
	msg_text(&copy, false, buf, sizeof buf);
	cr_assert_eq(strlen(buf), 204);
	cr_assert_str_eq(buf + 200, "|b|c");
	cr_assert_eq(buf[0], 'w');

	memset(word, 'w', sizeof word - 1);
	word[sizeof word - 1] = '\0';
	msg_init(&m, "%s|%s|%s|%s|%s");
	msg_str(&m, word);
	msg_str(&m, "b");
	msg_str(&m, "c");
	msg_str(&m, "d");
	msg_str(&m, "e");
	cr_assert_eq(strlen(msg_arg_str(&m, 0)), MSG_TEXT - 5);
	cr_assert_leq(m.used, MSG_TEXT);
	msg_text(&m, false, buf, sizeof buf);
	cr_assert_str_eq(buf + MSG_TEXT - 5, "||||");
}
