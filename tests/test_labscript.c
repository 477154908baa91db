/* SPDX-License-Identifier: ISC */
/* Tests for labscript.h: lab script lines to actions and back. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "labscript.h"
#include "msg_text.h"

static struct lab_action
parse_ok(const char *line)
{
	struct lab_action a;
	struct msg m = { 0 };
	char err[256];
	int rc = labscript_parse_line(line, strlen(line), &a, &m);

	cr_assert_eq(rc, 1, "'%s': rc %d (%s)", line, rc,
	    msg_text(&m, false, err, sizeof err));
	return a;
}

static void
parse_bad(const char *line, const char *want)
{
	struct lab_action a;
	struct msg m = { 0 };
	char err[256];
	int rc = labscript_parse_line(line, strlen(line), &a, &m);

	cr_assert_eq(rc, -1, "'%s' was accepted", line);
	/* The core hands out an English id and its arguments; rendered
	 * untranslated, they make the English sentence. */
	msg_text(&m, false, err, sizeof err);
	cr_assert(strstr(err, want) != NULL, "'%s': '%s' lacks '%s'", line,
	    err, want);
}

Test(labscript, reads_every_call_with_its_argument)
{
	struct lab_action a;

	a = parse_ok("server listen");
	cr_assert(a.side == EV_SERVER && a.op == LAB_LISTEN && a.arg == 0 &&
	    a.arg2 == LAB_BACKLOG);
	a = parse_ok("  server listen 9000 backlog 0 ");
	cr_assert(a.arg == 9000 && a.arg2 == 0);
	a = parse_ok("server listen +1");
	cr_assert(a.arg == -1 && a.arg2 == LAB_BACKLOG);
	a = parse_ok("server listen backlog 3");
	cr_assert(a.arg == 0 && a.arg2 == 3);
	a = parse_ok("client connect");
	cr_assert(a.side == EV_CLIENT && a.op == LAB_CONNECT && a.arg == 0);
	a = parse_ok("client connect 8081");
	cr_assert(a.arg == 8081);
	a = parse_ok("server accept");
	cr_assert(a.op == LAB_ACCEPT);
	a = parse_ok("client send hello, world");
	cr_assert(a.op == LAB_SEND && a.len == 12 &&
	    memcmp(a.text, "hello, world", 12) == 0);
	a = parse_ok("client recv");
	cr_assert(a.op == LAB_RECV && a.arg == 0);
	a = parse_ok("client recv 3");
	cr_assert(a.arg == 3);
	a = parse_ok("client shutdown rd");
	cr_assert(a.op == LAB_SHUTDOWN && a.arg == LAB_SHUT_RD);
	a = parse_ok("client shutdown rdwr");
	cr_assert(a.arg == LAB_SHUT_RDWR);
	a = parse_ok("client close");
	cr_assert(a.op == LAB_CLOSE);
	a = parse_ok("client abort");
	cr_assert(a.op == LAB_ABORT);
	a = parse_ok("server setsockopt SO_REUSEADDR 1");
	cr_assert(a.op == LAB_SETSOCKOPT && a.arg == LAB_OPT_REUSEADDR &&
	    a.arg2 == 1);
	a = parse_ok("client setsockopt so_linger off");
	cr_assert(a.arg == LAB_OPT_LINGER && a.arg2 == -1);
	a = parse_ok("client setsockopt TCP_NODELAY 0");
	cr_assert(a.arg == LAB_OPT_NODELAY && a.arg2 == 0);
	a = parse_ok("sleep 250");
	cr_assert(a.op == LAB_SLEEP && a.arg == 250);
}

Test(labscript, quoted_text_takes_escapes)
{
	struct lab_action a = parse_ok("client send \"GET / \\\"x\\\"\\r\\n"
	    "\\x00\"");

	cr_assert_eq(a.len, 12);
	cr_assert(memcmp(a.text, "GET / \"x\"\r\n\0", 12) == 0);
}

Test(labscript, says_what_is_wrong)
{
	parse_bad("client", "a call is missing");
	parse_bad("client conect", "unknown call 'conect'");
	parse_bad("clients connect", "'clients' is not client");
	parse_bad("client send", "send needs TEXT");
	parse_bad("client send \"", "no closing quote");
	parse_bad("client send \"a\" b", "no closing quote");
	parse_bad("client send \"\\q\"", "unknown escape");
	parse_bad("client send \"\\x4\"", "two hex digits");
	parse_bad("client recv 0", "recv wants a byte count");
	parse_bad("client shutdown", "shutdown needs rd, wr or rdwr");
	parse_bad("client shutdown up", "not 'up'");
	parse_bad("server listen 70000", "listen wants a port");
	parse_bad("server listen 80 5", "takes backlog N there");
	parse_bad("server listen backlog", "backlog wants a number");
	parse_bad("client connect +0", "connect wants a port");
	parse_bad("client close now", "'now' after close is one word too many");
	parse_bad("server setsockopt", "setsockopt needs NAME VALUE");
	parse_bad("server setsockopt SO_KEEPALIVE 1", "unknown option");
	parse_bad("server setsockopt TCP_NODELAY 2", "wants 0 or 1");
	parse_bad("server setsockopt SO_LINGER", "needs a VALUE");
	parse_bad("sleep -1", "sleep wants milliseconds");
	parse_bad("sleep 60001", "sleep wants milliseconds");
}

Test(labscript, a_script_numbers_its_lines)
{
	static const char text[] = "# a comment\n\nserver listen\n"
	    "   # indented comment\nclient connect\nsleep 10";
	struct lab_script s;
	struct labscript_err err = { 0 };
	char why[256];

	cr_assert_eq(labscript_parse(&s, text, sizeof text - 1, &err), 0,
	    "%s", msg_text(&err.why, false, why, sizeof why));
	cr_assert_eq(s.n, 3);
	cr_assert_eq(s.act[0].line, 3);
	cr_assert_eq(s.act[1].line, 5);
	cr_assert_eq(s.act[2].line, 6);
	labscript_clear(&s);
}

Test(labscript, a_bad_line_is_named_and_nothing_kept)
{
	static const char text[] = "server listen\nclient connect\n"
	    "client sned hi\nclient close\n";
	static const char nul[] = "server listen\nclient\0 connect\n";
	struct lab_script s;
	struct labscript_err err = { 0 };
	char why[256];

	cr_assert_eq(labscript_parse(&s, text, sizeof text - 1, &err), -1);
	msg_text(&err.why, false, why, sizeof why);
	cr_assert(err.line == 3 && strncmp(why, "unknown call 'sned'", 19) ==
	    0, "line %d: %s", err.line, why);
	/* The id is English and a format; the word is an argument. */
	cr_assert_str_eq(err.why.id, "unknown call '%s' (listen, connect, "
	    "accept, send, recv, shutdown, close, abort, setsockopt)");
	cr_assert_str_eq(msg_arg_str(&err.why, 0), "sned");
	cr_assert(s.act == NULL && s.n == 0);
	cr_assert_eq(labscript_parse(&s, nul, sizeof nul - 1, &err), -1);
	msg_text(&err.why, false, why, sizeof why);
	cr_assert(err.line == 2 && strncmp(why, "a NUL byte", 10) == 0,
	    "line %d: %s", err.line, why);
}

/* What -o writes reads back as the same action. */
Test(labscript, format_round_trips)
{
	static const char *const lines[] = {
		"server listen", "server listen 9000", "server listen +2",
		"server listen backlog 0", "server listen 9000 backlog 1",
		"client connect", "client connect +1", "server accept",
		"client send hello, world", "client send \"  padded \"",
		"client send \"a\\nb\\x01\\\"q\\\\\"", "client recv",
		"client recv 7", "client shutdown rd", "server shutdown wr",
		"client shutdown rdwr", "client close", "client abort",
		"server setsockopt SO_REUSEADDR 1",
		"client setsockopt SO_LINGER 5",
		"client setsockopt SO_LINGER off",
		"client setsockopt TCP_NODELAY 1", "sleep 20",
	};
	struct lab_action a, b;
	struct msg m = { 0 };
	char buf[512], err[256];
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		a = parse_ok(lines[i]);
		labscript_format(&a, buf, sizeof buf);
		cr_assert_str_eq(buf, lines[i], "case %zu", i);
		cr_assert_eq(labscript_parse_line(buf, strlen(buf), &b, &m), 1,
		    "case %zu: %s", i, msg_text(&m, false, err, sizeof err));
		cr_assert(a.op == b.op && a.side == b.side && a.arg == b.arg &&
		    a.arg2 == b.arg2 && a.len == b.len &&
		    memcmp(a.text, b.text, a.len) == 0, "case %zu", i);
	}
}

Test(labscript, text_is_capped)
{
	char line[LAB_TEXT_MAX + 32];

	memset(line, 'x', sizeof line);
	memcpy(line, "client send ", 12);
	line[12 + LAB_TEXT_MAX] = '\0';
	cr_assert_eq(parse_ok(line).len, LAB_TEXT_MAX);
	line[12 + LAB_TEXT_MAX] = 'x';
	line[13 + LAB_TEXT_MAX] = '\0';
	parse_bad(line, "at most");
}
