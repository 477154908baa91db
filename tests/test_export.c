/* SPDX-License-Identifier: ISC */
/*
 * The diagram exporters (SVG, Mermaid, plain-text ladder) over timelines
 * built from the bundled captures and from frames made in memory, and
 * the atomic file writer they are saved through.
 */

#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <inttypes.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diagram.h"
#include "engine.h"
#include "fixture.h"
#include "out.h"
#include "rows.h"
#include "rows_agree.h"
#include "timeline.h"

static struct fixture fx;

/* Frames built in memory: 10.0.0.1:1000 and 10.0.0.2:80, frame n at n ms. */
static void
setup(void)
{
	fixture_open(&fx, 0, NULL);
	fx.cport = 1000;
}

static void
teardown(void)
{
	fixture_close(&fx);
}

TestSuite(export, .init = setup, .fini = teardown);

typedef int (*writer)(const struct timeline *, uint32_t, FILE *);

/* What a writer produces, as a string to free. */
static char *
render(writer w, uint32_t id)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	cr_assert_not_null(fp);
	cr_assert_eq(w(fx.tl, id, fp), 0);
	fclose(fp);
	return s;
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* The line of `s` that starts (after blanks) with frame number f. */
static const char *
ladder_line(const char *s, unsigned f, char *buf, size_t len)
{
	char want[16];
	const char *p = s, *nl;

	snprintf(want, sizeof want, "%u ", f);
	while (*p != '\0') {
		const char *q = p;

		nl = strchr(p, '\n');
		while (*q == ' ')
			q++;
		if (strncmp(q, want, strlen(want)) == 0) {
			snprintf(buf, len, "%.*s", (int)(nl ? nl - p :
			    (ptrdiff_t)strlen(p)), p);
			return buf;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* ------------------------------------------------------------ ladder */

Test(export, ladder_draws_one_arrow_per_segment_with_both_states)
{
	char *s, line[256];
	const char *l, *bar;

	fixture_capture(&fx, "handshake");
	s = render(out_ladder_write, 0);
	cr_assert_eq(count(s, ">|") + count(s, "|<"), 10, "%s", s);
	cr_assert_not_null(l = ladder_line(s, 1, line, sizeof line));
	bar = strchr(l, '|');
	cr_assert(strstr(l, "SYN_SENT") != NULL && strstr(l, "SYN_SENT") < bar,
	    "the client's state is left of its lifeline: %s", l);
	cr_assert_not_null(strstr(l, "SYN seq=0 ---"), "%s", l);
	cr_assert_not_null(l = ladder_line(s, 2, line, sizeof line));
	cr_assert(strstr(l, "SYN_RECEIVED") > strrchr(l, '|') &&
	    strstr(l, "|<") != NULL, "the server's state is right: %s", l);
	cr_assert(strstr(l, "ESTABLISHED") < strchr(l, '|'), "%s", l);
	/* One frame, three states: FIN_WAIT_2 then TIME_WAIT below. */
	cr_assert_not_null(strstr(s, "FIN_WAIT_2 |<"), "%s", s);
	cr_assert_not_null(strstr(s, "TIME_WAIT |    "), "%s", s);
	free(s);
}

Test(export, ladder_is_ascii_whatever_a_call_names)
{
	char *s;
	const unsigned char *p;

	fixture_handshake(&fx, 100, 500);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "send",
	    "\xe4\xbd\xa0\xe5\xa5\xbd\x01", 6);
	engine_finish(fx.e);
	s = render(out_ladder_write, 0);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		cr_assert(*p == '\n' || (*p >= 0x20 && *p < 0x7f),
		    "byte 0x%02x at %zu", *p, (size_t)(p -
		    (const unsigned char *)s));
	cr_assert_not_null(strstr(s, "send(\?\?\?\?\?\?\?) = 6"), "%s", s);
	free(s);
}

Test(export, refused_server_is_closed_all_along_never_listen)
{
	char *s, line[256];
	const char *l;

	fixture_capture(&fx, "refused");
	s = render(out_ladder_write, 0);
	cr_assert_not_null(l = ladder_line(s, 2, line, sizeof line));
	cr_assert_not_null(strstr(l, "CLOSED |<"), "%s", l);
	cr_assert_not_null(strstr(l, "RST-ACK seq=1 ack=1"), "%s", l);
	/* Nothing was listening: CLOSED from the top, no change. */
	cr_assert_null(strstr(s, "LISTEN"), "%s", s);
	cr_assert_not_null(strstr(s, "CLOSED |                     "), "%s", s);
	free(s);
	s = render(out_mermaid_write, 0);
	cr_assert_null(strstr(s, "LISTEN"), "%s", s);
	cr_assert_not_null(strstr(s, "Note over Server: CLOSED"), "%s", s);
	free(s);
}

Test(export, icmp_error_goes_back_to_the_datagrams_sender)
{
	char *s;

	fixture_capture(&fx, "udp-unreachable");
	s = render(out_ladder_write, 0);
	cr_assert_not_null(strstr(s, "|<~~"), "%s", s);
	/* Nothing had that port: no "server" socket to name. */
	cr_assert_not_null(strstr(s, "| no socket\n"), "%s", s);
	cr_assert_null(strstr(s, "server"), "%s", s);
	cr_assert_not_null(strstr(s, "ICMP port unreachable"), "%s", s);
	free(s);
	s = render(out_mermaid_write, 0);
	cr_assert_not_null(strstr(s, "Server--)Client: ICMP port "
	    "unreachable"), "%s", s);
	free(s);
}

/* ----------------------------------------------------------- mermaid */

Test(export, mermaid_has_participants_a_message_per_segment_and_states)
{
	char *s;
	const char *syn, *note;

	fixture_capture(&fx, "handshake");
	s = render(out_mermaid_write, 0);
	cr_assert(strncmp(s, "```mermaid\nsequenceDiagram\n", 27) == 0, "%s",
	    s);
	cr_assert_not_null(strstr(s, "    participant Client as client "
	    "127.0.0.1#58;40484\n"), "%s", s);
	cr_assert_not_null(strstr(s, "    participant Server as server "
	    "127.0.0.1#58;8080\n"), "%s", s);
	cr_assert_eq(count(s, "Client->>Server: "), 6);
	cr_assert_eq(count(s, "Server->>Client: "), 4);
	syn = strstr(s, "    Client->>Server: SYN seq=0\n");
	note = strstr(s, "    Note over Client: SYN_SENT\n");
	cr_assert(syn != NULL && note != NULL && note > syn, "%s", s);
	cr_assert_not_null(strstr(s, "    Server->>Client: SYN-ACK seq=0 "
	    "ack=1\n    Note over Server: SYN_RECEIVED\n    Note over Client: "
	    "ESTABLISHED\n"), "sender first, then receiver: %s", s);
	cr_assert(strcmp(s + strlen(s) - 4, "```\n") == 0);
	free(s);
}

Test(export, mermaid_escapes_what_its_parser_would_read_as_syntax)
{
	char *s;

	fixture_handshake(&fx, 100, 500);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "send",
	    "x;y#z:<&>%\"", 3);
	engine_finish(fx.e);
	s = render(out_mermaid_write, 0);
	cr_assert_not_null(strstr(s, "    Note left of Client: send(x#59;y#35;"
	    "z#58;#60;#38;#62;#37;#34;) = 3\n"), "%s", s);
	free(s);
}

/* The escaping fixture is a golden file too: export_mermaid.sh renders
 * it in a browser, so what mermaid.js parses is what this writes. */
Test(export, hostile_labels_match_their_golden_file)
{
	char path[512], *s, *want;
	size_t n;
	FILE *fp;

	fixture_handshake(&fx, 100, 500);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "send",
	    "a;b#c:d<e>f&g\"h'i%%j`k{l}m[n]o|p\\q", 3);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "close",
	    "end; participant X", -1);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, 101, 501, 0);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, 101, 501, 0);	/* again */
	engine_finish(fx.e);
	s = render(out_mermaid_write, 0);
	snprintf(path, sizeof path, "%s/../tests/golden/hostile.mermaid",
	    CAPTURES);
	if (getenv("SYNFIN_REGEN") != NULL && (fp = fopen(path, "w")) != NULL) {
		fputs(s, fp);
		fclose(fp);
	}
	cr_assert_not_null(fp = fopen(path, "r"), "%s", path);
	want = calloc(1, 65536);
	n = fread(want, 1, 65535, fp);
	fclose(fp);
	cr_assert_eq(n, strlen(s));
	cr_assert_str_eq(s, want);
	free(want);
	free(s);
}

/* --------------------------------------------------------------- SVG */

static const struct out_svg_box *
svg_find(const struct out_svg_box *b, size_t n, enum out_svg_kind kind,
    const char *text, size_t skip)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i].kind == kind && strcmp(b[i].text, text) == 0 &&
		    skip-- == 0)
			return &b[i];
	}
	return NULL;
}

static bool
svg_overlap(const struct out_svg_box *a, const struct out_svg_box *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	    a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Whether the segment of line l passes through the inside of box t. */
static bool
svg_crosses(const struct out_svg_box *l, const struct out_svg_box *t)
{
	int k;

	for (k = 0; k <= 400; k++) {
		double x = l->x + l->w * k / 400, y = l->y + l->h * k / 400;

		if (x > t->x + 0.5 && x < t->x + t->w - 0.5 &&
		    y > t->y + 0.5 && y < t->y + t->h - 0.5)
			return true;
	}
	return false;
}

static void
svg_check_layout(const char *what)
{
	struct out_svg_box *b;
	size_t n, i, j;

	n = out_svg_layout(fx.tl, 0, &b);
	cr_assert_gt(n, 0);
	for (i = 0; i < n; i++) {
		if (b[i].kind != OUT_SVG_TEXT)
			continue;
		for (j = i + 1; j < n; j++) {
			if (b[j].kind == OUT_SVG_TEXT)
				cr_assert(!svg_overlap(&b[i], &b[j]),
				    "%s: \"%s\" overlaps \"%s\"", what,
				    b[i].text, b[j].text);
		}
		for (j = 0; j < n; j++) {
			if (b[j].kind == OUT_SVG_LINE)
				cr_assert(!svg_crosses(&b[j], &b[i]),
				    "%s: line \"%s\" crosses \"%s\"", what,
				    b[j].text, b[i].text);
		}
	}
	free(b);
}

Test(export, svg_states_sit_beside_the_right_lifeline)
{
	struct out_svg_box *b;
	const struct out_svg_box *cl, *sl, *t, *arrow;
	size_t n;

	fixture_capture(&fx, "handshake");
	n = out_svg_layout(fx.tl, 0, &b);
	cl = svg_find(b, n, OUT_SVG_LINE, "client lifeline", 0);
	sl = svg_find(b, n, OUT_SVG_LINE, "server lifeline", 0);
	cr_assert(cl != NULL && sl != NULL && cl->x < sl->x);
	t = svg_find(b, n, OUT_SVG_TEXT, "SYN_SENT", 0);
	cr_assert(t != NULL && t->x + t->w < cl->x, "client left of its line");
	t = svg_find(b, n, OUT_SVG_TEXT, "SYN_RECEIVED", 0);
	cr_assert(t != NULL && t->x > sl->x, "server right of its line");
	/* The server's SYN_RECEIVED as the SYN-ACK leaves (its top), the
	 * client's ESTABLISHED as it arrives (its bottom). */
	arrow = svg_find(b, n, OUT_SVG_LINE, "SYN-ACK seq=0 ack=1", 0);
	cr_assert_not_null(arrow);
	cr_assert_float_eq(t->y + t->h / 2, arrow->y, 0.01);
	t = svg_find(b, n, OUT_SVG_TEXT, "ESTABLISHED", 0);
	cr_assert(t != NULL && t->x + t->w < cl->x);
	cr_assert_float_eq(t->y + t->h / 2, arrow->y + arrow->h, 0.01);
	cr_assert_gt(arrow->h, 0, "time flows down");
	cr_assert_lt(arrow->w, 0, "server to client: right to left");
	/* The second ESTABLISHED is the server's, on the right. */
	t = svg_find(b, n, OUT_SVG_TEXT, "ESTABLISHED", 1);
	cr_assert(t != NULL && t->x > sl->x);
	free(b);
}

Test(export, svg_labels_never_overlap_in_any_bundled_capture)
{
	static const char *caps[] = { "handshake", "refused", "abort",
	    "half-close", "server-close", "udp", "udp-unreachable" };
	size_t i;

	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		teardown();
		setup();
		fixture_capture(&fx, caps[i]);
		svg_check_layout(caps[i]);
	}
}

Test(export, svg_labels_never_overlap_with_calls_notes_and_stacks)
{
	fixture_handshake(&fx, 100, 500);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "send",
	    "a very long argument list that goes on and on "
	    "and on", 3);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 5);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 5);	/* again */
	fixture_seg(&fx, false, TCP_ACK, 501, 101, 0);
	fixture_seg(&fx, false, TCP_ACK, 501, 101, 0);		/* dup ACK */
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, 106, 501, 0);
	fixture_seg(&fx, false, TCP_FIN | TCP_ACK, 501, 107, 0);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "close", "", 0);
	fixture_seg(&fx, true, TCP_ACK, 107, 502, 0);
	engine_finish(fx.e);
	svg_check_layout("calls");
}

/* A call that sent a segment is on that segment's line, beyond its
 * caller's state, in every drawing; a call on its own has a line of its
 * own in the same column. */
Test(export, a_call_is_drawn_on_the_line_of_the_segment_it_sent)
{
	struct out_svg_box *b;
	const struct out_svg_box *t, *arrow, *sl, *st;
	char *s, line[512];
	const char *l, *bar;
	size_t n;

	fixture_call(&fx, fx.now + 500, EV_CLIENT, "connect", "10.0.0.2:80",
	    0);
	fixture_handshake(&fx, 100, 500);
	fixture_call(&fx, fx.now + 500, EV_SERVER, "send", "\"hi\"", 2);
	fixture_seg(&fx, false, TCP_PSH | TCP_ACK, 501, 101, 2);
	fixture_seg(&fx, true, TCP_ACK, 101, 503, 0);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "recv", "\"hi\"", 2);
	engine_finish(fx.e);

	s = render(out_ladder_write, 0);
	cr_assert_not_null(l = ladder_line(s, 1, line, sizeof line), "%s", s);
	bar = strchr(l, '|');
	cr_assert(strstr(l, "connect(10.0.0.2:80) = 0") != NULL &&
	    strstr(l, "connect(") < strstr(l, "SYN_SENT") &&
	    strstr(l, "SYN_SENT") < bar, "the client's call, then its "
	    "state, then its lifeline: %s", l);
	cr_assert_not_null(strstr(l, "SYN seq=0 ---"), "%s", l);
	cr_assert_not_null(l = ladder_line(s, 4, line, sizeof line), "%s", s);
	cr_assert(strstr(l, "|<") != NULL && strstr(l, "send(\"hi\") = 2") >
	    strrchr(l, '|'), "the server's call right of its lifeline: %s",
	    l);
	/* recv() sent nothing: a line of its own, no frame, in the
	 * client's column. */
	l = strstr(s, "recv(\"hi\") = 2");
	cr_assert_not_null(l, "%s", s);
	cr_assert(l < strchr(l, '|'));
	cr_assert_eq(count(s, "connect("), 1);
	free(s);

	s = render(out_mermaid_write, 0);
	cr_assert_not_null(strstr(s, "    Client->>Server: connect(10.0.0.2#58;"
	    "80) = 0<br/>SYN seq=0\n"), "%s", s);
	cr_assert_not_null(strstr(s, "    Server->>Client: send(#34;hi#34;) = "
	    "2<br/>PSH-ACK seq=1 ack=1 len=2\n"), "%s", s);
	cr_assert_not_null(strstr(s, "    Note left of Client: recv(#34;hi#34;)"
	    " = 2\n"), "%s", s);
	free(s);

	/* The SVG: at the arrow's y, beyond the sender's state box. */
	n = out_svg_layout(fx.tl, 0, &b);
	arrow = svg_find(b, n, OUT_SVG_LINE, "SYN seq=0", 0);
	t = svg_find(b, n, OUT_SVG_TEXT, "connect(10.0.0.2:80) = 0", 0);
	st = svg_find(b, n, OUT_SVG_TEXT, "SYN_SENT", 0);
	cr_assert(arrow != NULL && t != NULL && st != NULL);
	cr_assert_float_eq(t->y + t->h / 2, arrow->y, 0.01);
	cr_assert_lt(t->x + t->w, st->x, "left of the client's state");
	arrow = svg_find(b, n, OUT_SVG_LINE, "PSH-ACK seq=1 ack=1 len=2", 0);
	t = svg_find(b, n, OUT_SVG_TEXT, "send(\"hi\") = 2", 0);
	sl = svg_find(b, n, OUT_SVG_LINE, "server lifeline", 0);
	cr_assert(arrow != NULL && t != NULL && sl != NULL);
	cr_assert_float_eq(t->y + t->h / 2, arrow->y, 0.01);
	cr_assert_gt(t->x, sl->x + 12 * 0.6 * 11, "right of a state's room");
	free(b);
	svg_check_layout("a call on its segment's row");
}

Test(export, svg_marks_retransmissions_without_colour)
{
	char *s;

	fixture_handshake(&fx, 100, 500);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 5);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 5);
	engine_finish(fx.e);
	s = render(out_svg_write, 0);
	cr_assert_eq(count(s, "stroke-dasharray=\"7 4\""), 1, "%s", s);
	cr_assert_not_null(strstr(s, "[retransmission]"));
	free(s);
	s = render(out_mermaid_write, 0);
	cr_assert_not_null(strstr(s, "Client-->>Server: PSH-ACK seq=1 ack=1 "
	    "len=5 (retransmission)\n"), "%s", s);
	free(s);
}

Test(export, svg_escapes_markup_and_bytes_that_are_not_utf8)
{
	char *s;

	fixture_handshake(&fx, 100, 500);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "send",
	    "<b>&\"'\x01\xff\xe4\xbd\xa0", 3);
	engine_finish(fx.e);
	s = render(out_svg_write, 0);
	cr_assert_not_null(strstr(s, "send(&lt;b&gt;&amp;&quot;&apos; ?"
	    "\xe4\xbd\xa0) = 3</text>"), "%s", s);
	cr_assert_null(strstr(s, "<b>"));
	cr_assert_not_null(strstr(s, "font-family=\"DejaVu Sans Mono, Noto "
	    "Sans Mono CJK SC, Noto Sans CJK SC"));
	free(s);
}

Test(export, svg_numbers_ignore_the_locale)
{
	char *s;

	fixture_capture(&fx, "handshake");
	s = render(out_svg_write, 0);
	cr_assert_null(strstr(s, "=\"0,"), "no decimal commas");
	cr_assert_not_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/"
	    "svg\""));
	cr_assert(strcmp(s + strlen(s) - 7, "</svg>\n") == 0);
	free(s);
}

/* ------------------------------------------------------------ --conn */

Test(export, conn_picks_one_diagram_and_zero_gives_all)
{
	char *s;

	fixture_handshake(&fx, 100, 500);
	fx.cport = 2000;
	fixture_handshake(&fx, 100, 500);
	engine_finish(fx.e);

	s = render(out_ladder_write, 2);
	cr_assert_not_null(strstr(s, "conn 2 tcp 10.0.0.1:2000"), "%s", s);
	cr_assert_null(strstr(s, "conn 1 "), "%s", s);
	cr_assert_eq(count(s, ">|") + count(s, "|<"), 3);
	free(s);
	s = render(out_ladder_write, 0);
	cr_assert_eq(count(s, "\nconn ") + (strncmp(s, "conn ", 5) == 0), 2);
	free(s);

	s = render(out_mermaid_write, 0);
	cr_assert_eq(count(s, "sequenceDiagram"), 2);
	free(s);
	s = render(out_mermaid_write, 1);
	cr_assert_eq(count(s, "sequenceDiagram"), 1);
	cr_assert_not_null(strstr(s, "10.0.0.1#58;1000"));
	free(s);

	s = render(out_svg_write, 0);
	cr_assert_eq(count(s, "<g class=\"conn\""), 2);
	free(s);
	s = render(out_svg_write, 2);
	cr_assert_eq(count(s, "<g class=\"conn\""), 1);
	cr_assert_not_null(strstr(s, "id=\"conn-2\""));
	free(s);
}

/* The diagrams read UTF-8 with u8.c's decoder, strict as XML wants. */
Test(export, diagram_text_is_read_by_the_one_decoder)
{
	char buf[32];
	int32_t cp;

	cr_assert_eq(diagram_utf8("A", &cp), 1);
	cr_assert_eq(cp, 'A');
	cr_assert_eq(diagram_utf8("\xe4\xb8\xad", &cp), 3);	/* 中 */
	cr_assert_eq(cp, 0x4e2d);
	cr_assert_eq(diagram_utf8("\xef\xbf\xbd", &cp), 3);	/* U+FFFD */
	cr_assert_eq(cp, 0xfffd);
	cr_assert_eq(diagram_utf8("\xff" "A", &cp), 1);
	cr_assert_eq(cp, -1);
	diagram_utf8("\xc0\x80", &cp);				/* overlong */
	cr_assert_eq(cp, -1);
	diagram_utf8("\xed\xa0\x80", &cp);			/* surrogate */
	cr_assert_eq(cp, -1);
	diagram_utf8("\xef\xbf\xbf", &cp);			/* U+FFFF */
	cr_assert_eq(cp, -1);
	cr_assert_eq(diagram_utf8("\xe4\xb8", &cp), 1);	/* cut short */
	cr_assert_eq(cp, -1);
	cr_assert_eq(diagram_width("ab\xe4\xb8\xad"), 4);
	diagram_clip("\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad" "ab", 7, buf,
	    sizeof buf);
	cr_assert_str_eq(buf, "\xe4\xb8\xad\xe4\xb8\xad...");
	diagram_clip("abc", 3, buf, sizeof buf);
	cr_assert_str_eq(buf, "abc");
}

/* ------------------------------------- one row model, two drawings */

/*
 * For every held conn the UI's rows and the diagram's are one list
 * (rows_agree.h: the same kinds of the same steps, calls on the same
 * rows, the same states).  Returns the calls that shared a segment's
 * row.
 */
static size_t
rows_agree(const char *what)
{
	char why[512];
	size_t shared = 0, n = 0;

	cr_assert_eq(rows_agree_all(fx.tl, why, sizeof why, &shared, &n), 0,
	    "%s: %s", what, why);
	cr_assert_gt(n, 0, "%s: no row compared", what);
	return shared;
}

Test(export, ui_rows_and_exporter_rows_agree_for_every_capture)
{
	DIR *dir = opendir(CAPTURES);
	struct dirent *de;
	char name[256];
	size_t n, count = 0;

	cr_assert_not_null(dir, "%s", CAPTURES);
	while ((de = readdir(dir)) != NULL) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".pcap") != 0 ||
		    n - 5 >= sizeof name)
			continue;
		memcpy(name, de->d_name, n - 5);
		name[n - 5] = '\0';
		teardown();
		setup();
		fixture_capture(&fx, name);
		cr_assert_gt(timeline_conns_held(fx.tl), 0, "%s", name);
		rows_agree(name);
		count++;
	}
	closedir(dir);
	cr_assert_geq(count, 14, "only %zu captures", count);
}

/* Calls before their conn exists, a call that sends a segment, one that
 * learns of a reset, and an ICMP error: drawn alike. */
Test(export, ui_rows_and_exporter_rows_agree_with_calls)
{
	struct ev_call sock = { .side = EV_SERVER, .ret = 3 };
	struct rows r;
	struct diagram d;
	size_t i, calls = 0;

	snprintf(sock.name, sizeof sock.name, "socket");
	engine_call(fx.e, 1000, &sock, 6, NULL, 0, NULL, 0);
	snprintf(sock.name, sizeof sock.name, "listen");
	engine_call(fx.e, 2000, &sock, 6, NULL, 0, NULL, 0);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "connect",
	    "10.0.0.2:80", 0);
	fixture_handshake(&fx, 100, 500);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, 101, 501, 5);
	fixture_seg(&fx, false, TCP_RST | TCP_ACK, 501, 106, 0);
	fixture_call(&fx, fx.now + 500, EV_CLIENT, "recv", "", -1);
	engine_finish(fx.e);
	/* connect() shares its SYN's row; the others are on their own. */
	cr_assert_eq(rows_agree("calls"), 1);
	rows_init(&r, 1);
	rows_update(&r, fx.tl);
	diagram_build(&d, fx.tl, timeline_conn_by_id(fx.tl, 1));
	for (i = 0; i < d.nrows; i++)
		if (d.rows[i].kind == DIAGRAM_CALL)
			calls++;
	cr_assert_eq(calls, 3, "socket, listen, recv: %zu", calls);
	for (i = 0; i < d.nrows && d.rows[i].kind != DIAGRAM_MSG; i++)
		;
	cr_assert_lt(i, d.nrows);
	cr_assert_str_eq(d.rows[i].label, "SYN seq=0");
	cr_assert_str_eq(d.rows[i].call, "connect(10.0.0.2:80) = 0");
	cr_assert_geq(r.n, 6);
	diagram_clear(&d);
	rows_clear(&r);
}

/* The endpoints every output writes, IPv4 by hand: as inet_ntop(). */
Test(export, ipv4_endpoints_are_written_as_inet_ntop_writes_them)
{
	static const uint8_t addrs[][4] = { { 0, 0, 0, 0 },
	    { 255, 255, 255, 255 }, { 10, 0, 0, 1 }, { 192, 168, 100, 9 },
	    { 1, 20, 199, 250 } };
	static const uint16_t ports[] = { 0, 9, 80, 65535, 4431 };
	struct conn_info ci;
	char got[64], want[64];
	size_t i;

	memset(&ci, 0, sizeof ci);
	for (i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		ci.caddr.family = ci.saddr.family = 4;
		memcpy(ci.caddr.a, addrs[i], 4);
		memcpy(ci.saddr.a, addrs[(i + 1) % 5], 4);
		ci.cport = ports[i];
		ci.sport = ports[(i + 2) % 5];
		out_endpoint(&ci, EV_CLIENT, got, sizeof got);
		pkt_endpoint_str(&ci.caddr, ci.cport, want, sizeof want);
		cr_assert_str_eq(got, want);
		out_endpoint(&ci, EV_SERVER, got, sizeof got);
		pkt_endpoint_str(&ci.saddr, ci.sport, want, sizeof want);
		cr_assert_str_eq(got, want);
	}
}
