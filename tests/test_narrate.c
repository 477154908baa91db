/* SPDX-License-Identifier: ISC */
/* Narration says, in plain words, what each step of a timeline means. */

#include "config.h"

#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "engine.h"
#include "fixture.h"
#include "narrate.h"
#include "timeline.h"
#include "u8.h"

#define CISN	1000u
#define SISN	5000u

static struct fixture fx;
static char out[NARRATE_MAX];

/* 10.0.0.1:40000 and 10.0.0.2:80 (UDP 53), frame n at n ms. */
static void
setup(void)
{
	fixture_open(&fx, 0, NULL);
}

static void
teardown(void)
{
	fixture_close(&fx);
}

TestSuite(narrate, .init = setup, .fini = teardown);

/* The index of the n'th (1-based) packet event of the timeline. */
static size_t
packet(unsigned n)
{
	const struct ev *ev;
	size_t i;

	for (i = 0; (ev = fixture_at(fx.tl, i)) != NULL; i++) {
		if (ev->type == EV_PACKET && --n == 0)
			return i;
	}
	cr_assert_fail("no packet %u", n);
	return 0;
}

static size_t
first_of(enum ev_type type)
{
	const struct ev *ev;
	size_t i;

	for (i = 0; (ev = fixture_at(fx.tl, i)) != NULL; i++) {
		if (ev->type == type)
			return i;
	}
	cr_assert_fail("no event of type %d", (int)type);
	return 0;
}

static const char *
say(size_t i)
{
	size_t n = narrate_event(fx.tl, i, out, sizeof out);

	cr_assert_eq(n, strlen(out));
	return out;
}

#define cr_assert_says(hay, needle) \
	cr_assert(strstr((hay), (needle)) != NULL, \
	    "narration \"%s\" lacks \"%s\"", (hay), (needle))

Test(narrate, syn_tells_the_active_open)
{
	fixture_handshake(&fx, CISN, SISN);
	cr_assert_says(say(packet(1)), "The client opens the connection");
	cr_assert_says(out, "It is now SYN_SENT");
}

Test(narrate, synack_reads_as_the_textbook_says)
{
	fixture_handshake(&fx, CISN, SISN);
	cr_assert_says(say(packet(2)), "The server acknowledges the client's "
	    "SYN and sends its own: SYN-ACK. It is now SYN_RECEIVED, waiting "
	    "for the final ACK.");
	/* The client's own change rides on the same segment. */
	cr_assert_says(out, "The client receives the SYN-ACK");
	cr_assert_says(out, "ESTABLISHED");
}

Test(narrate, last_handshake_ack_establishes_the_server)
{
	fixture_handshake(&fx, CISN, SISN);
	/* Only the end of the input shows the server processed it. */
	engine_finish(fx.e);
	cr_assert_says(say(packet(3)), "The server receives the ACK of its "
	    "SYN");
	cr_assert_says(out, "three-way handshake");
}

Test(narrate, data_segment_says_how_many_bytes_and_which)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, CISN + 1, SISN + 1, 5);
	cr_assert_says(say(packet(4)), "The client sends 5 bytes of data, "
	    "bytes 1 to 5 of its stream.");
}

Test(narrate, pure_ack_explains_the_ack_number)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, CISN + 1, SISN + 1, 5);
	fixture_seg(&fx, false, TCP_ACK, SISN + 1, CISN + 6, 0);
	cr_assert_says(say(packet(5)), "The server acknowledges: ack=6");
	cr_assert_says(out, "expects that byte next");
}

Test(narrate, close_sequence_tells_every_side)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, false, TCP_FIN | TCP_ACK, SISN + 1, CISN + 2, 0);
	fixture_seg(&fx, true, TCP_ACK, CISN + 2, SISN + 2, 0);
	engine_finish(fx.e);
	cr_assert_says(say(packet(4)), "It is now FIN_WAIT_1");
	cr_assert_says(out, "It is now CLOSE_WAIT");
	cr_assert_says(say(packet(5)), "It is now LAST_ACK");
	cr_assert_says(out, "FIN_WAIT_2");
	cr_assert_says(out, "TIME_WAIT");
	cr_assert_says(say(packet(6)), "The server receives the ACK of its "
	    "FIN");
}

Test(narrate, refused_connect_names_the_errno)
{
	fixture_seg(&fx, true, TCP_SYN, CISN, 0, 0);
	fixture_seg(&fx, false, TCP_RST | TCP_ACK, 0, CISN + 1, 0);
	cr_assert_says(say(packet(2)), "refused");
	cr_assert_says(out, "ECONNREFUSED");
}

Test(narrate, abort_tells_both_sides_of_the_rst)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, true, TCP_RST | TCP_ACK, CISN + 1, SISN + 1, 0);
	cr_assert_says(say(packet(4)), "The client aborts the connection");
	cr_assert_says(out, "The server receives the RST");
}

Test(narrate, retransmission_is_explained)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, CISN + 1, SISN + 1, 5);
	fixture_skip(&fx, 500);	/* long enough not to look out of order */
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, CISN + 1, SISN + 1, 5);
	cr_assert_says(say(packet(5)), "retransmission");
}

Test(narrate, dup_ack_and_zero_window_are_explained)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, true, TCP_PSH | TCP_ACK, CISN + 1, SISN + 1, 5);
	fixture_seg(&fx, false, TCP_ACK, SISN + 1, CISN + 6, 0);
	fixture_seg(&fx, false, TCP_ACK, SISN + 1, CISN + 6, 0);
	cr_assert_says(say(packet(6)), "duplicate ACK");
	fixture_tcp(&fx, false, &(struct pb_tcp){ .flags = TCP_ACK,
	    .seq = SISN + 1, .ack = CISN + 6, .win_zero = true });
	cr_assert_says(say(packet(7)), "Zero window");
}

Test(narrate, keep_alive_is_explained)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_seg(&fx, true, TCP_ACK, CISN, SISN + 1, 0);
	cr_assert_says(say(packet(4)), "keep-alive");
}

Test(narrate, udp_has_no_handshake_and_replies_are_paired)
{
	fixture_udp(&fx, true, 10);
	fixture_udp(&fx, false, 20);
	fixture_udp(&fx, true, 10);
	cr_assert_says(say(packet(1)), "UDP datagram of 10 bytes");
	cr_assert_says(out, "no handshake");
	cr_assert_says(say(packet(2)), "a reply to frame 1");
	cr_assert_says(say(packet(3)), "another");
}

Test(narrate, icmp_port_unreachable_explains_the_closed_port)
{
	fixture_udp(&fx, true, 10);
	fixture_icmp_unreach(&fx, 10);
	cr_assert_says(say(first_of(EV_ICMP)), "The host 10.0.0.2 answers "
	    "with an ICMP error, port unreachable");
}

Test(narrate, socket_calls_say_what_the_kernel_does)
{
	struct ev_call c = { .side = EV_CLIENT, .name = "connect",
	    .args = "10.0.0.2:80", .ret = 0 };

	engine_call(fx.e, 0, &c, 6, NULL, 0, NULL, 0);
	cr_assert_says(say(first_of(EV_CALL)), "The client calls "
	    "connect(10.0.0.2:80)");
	cr_assert_says(out, "three-way handshake");
}

/* On a UDP socket connect, recv and close put nothing on the wire. */
Test(narrate, udp_calls_are_told_as_udp)
{
	struct ev_call sock = { .side = EV_CLIENT, .name = "socket",
	    .args = "AF_INET, SOCK_DGRAM", .ret = 3 };
	struct ev_call conn = { .side = EV_CLIENT, .name = "connect",
	    .args = "10.0.0.2:53", .ret = 0 };
	struct ev_call cl = { .side = EV_CLIENT, .name = "close", .ret = 0 };
	size_t i;

	engine_call(fx.e, 0, &sock, 17, NULL, 0, NULL, 0);
	engine_call(fx.e, 1, &conn, 17, NULL, 0, NULL, 0);
	engine_call(fx.e, 2, &cl, 17, NULL, 0, NULL, 0);
	i = first_of(EV_CALL);
	cr_assert_says(say(i + 1), "for UDP this only sets where");
	cr_assert(strstr(out, "three-way handshake") == NULL, "%s", out);
	cr_assert_says(say(i + 2), "UDP has no FIN");
	cr_assert(strstr(out, "sends FIN") == NULL, "%s", out);
}

Test(narrate, failing_call_names_its_errno)
{
	struct ev_call c = { .side = EV_CLIENT, .name = "connect",
	    .args = "10.0.0.2:81", .ret = -1, .err = ECONNREFUSED };

	engine_call(fx.e, 0, &c, 6, NULL, 0, NULL, 0);
	/* The call is shown as it begins: the RST that fails it is still
	 * to come, and the sentence says so in that order. */
	cr_assert_says(say(first_of(EV_CALL)), "will answer the SYN with RST");
	cr_assert_says(out, "When that answer comes, it returns -1 with "
	    "ECONNREFUSED");
	cr_assert(strstr(out, "It fails") == NULL, "%s", out);
}

/* synfin run: the UDP surprise, told on the recv() that reports it. */
Test(narrate, connected_udp_recv_refused_tells_of_the_icmp_error)
{
	struct ev_call sock = { .side = EV_CLIENT, .name = "socket",
	    .args = "AF_INET, SOCK_DGRAM", .ret = 3 };
	struct ev_call r = { .side = EV_CLIENT, .name = "recv",
	    .ret = -1, .err = ECONNREFUSED };
	size_t i;

	engine_call(fx.e, 0, &sock, 17, NULL, 0, NULL, 0);
	engine_call(fx.e, 1, &r, 17, NULL, 0, NULL, 0);
	i = first_of(EV_CALL);
	cr_assert_says(say(i + 1), "It fails: ECONNREFUSED");
	cr_assert_says(out, "ICMP port unreachable that came back is "
	    "reported now");
	cr_assert(strstr(out, "will answer the SYN") == NULL, "%s", out);
}

/* synfin run names calls as the program made them: accept4 is accept. */
Test(narrate, accept4_is_told_as_accept)
{
	struct ev_call c = { .side = EV_SERVER, .name = "accept4",
	    .args = "10.0.0.1:40000", .ret = 5 };

	engine_call(fx.e, 0, &c, 6, NULL, 0, NULL, 0);
	cr_assert_says(say(first_of(EV_CALL)), "it takes a connection its "
	    "kernel has already completed");
}

Test(narrate, so_reuseaddr_is_explained_with_time_wait)
{
	struct ev_call c = { .side = EV_SERVER, .name = "setsockopt",
	    .args = "SO_REUSEADDR, 1", .ret = 0 };

	engine_call(fx.e, 0, &c, 6, NULL, 0, NULL, 0);
	cr_assert_says(say(first_of(EV_CALL)), "TIME_WAIT");
}

Test(narrate, other_failing_call_names_its_errno)
{
	struct ev_call c = { .side = EV_CLIENT, .name = "bind",
	    .args = "10.0.0.2:81", .ret = -1, .err = EADDRINUSE };

	engine_call(fx.e, 0, &c, 6, NULL, 0, NULL, 0);
	cr_assert_says(say(first_of(EV_CALL)), "It fails: EADDRINUSE");
}

Test(narrate, setsockopt_so_linger_and_the_filter_are_explained)
{
	struct ev_call c = { .side = EV_CLIENT, .name = "setsockopt",
	    .args = "SO_LINGER {on, 0 s}", .ret = 0 };
	struct ev_call f = { .side = EV_SERVER, .name = "setsockopt",
	    .args = "SO_ATTACH_FILTER drop all, 100 ms", .ret = 0,
	    .filter = EV_CALL_FILTER_DROP };
	struct ev_call cl = { .side = EV_CLIENT, .name = "close" };

	engine_call(fx.e, 0, &c, 6, NULL, 0, NULL, 0);
	cr_assert_says(say(first_of(EV_CALL)), "abort with RST");
	engine_call(fx.e, 0, &f, 6, NULL, 0, NULL, 0);
	cr_assert_says(say(first_of(EV_CALL) + 1), "drops everything");
	/* close() with no connection (a listener) sends nothing. */
	engine_call(fx.e, 0, &cl, 6, NULL, 0, NULL, 0);
	cr_assert_says(say(first_of(EV_CALL) + 2), "nothing goes on the "
	    "wire");
}

Test(narrate, a_dropped_synack_and_its_copy_are_told)
{
	struct ev_call f = { .side = EV_CLIENT, .name = "setsockopt",
	    .args = "SO_ATTACH_FILTER drop all, 300 ms", .ret = 0,
	    .filter = EV_CALL_FILTER_DROP };
	struct ev_call lift = { .side = EV_CLIENT, .name = "setsockopt",
	    .args = "SO_DETACH_FILTER", .ret = 0,
	    .filter = EV_CALL_FILTER_LIFT };

	fixture_seg(&fx, true, TCP_SYN, CISN, 0, 0);
	engine_call(fx.e, 1500000, &f, 6, NULL, 0, NULL, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, SISN, CISN + 1, 0);
	engine_call(fx.e, 2500000, &lift, 6, NULL, 0, NULL, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, SISN, CISN + 1, 0);
	fixture_seg(&fx, true, TCP_ACK, CISN + 1, SISN + 1, 0);
	engine_finish(fx.e);
	cr_assert_says(say(packet(2)), "Frame 2 was dropped before the "
	    "client's socket saw it");
	cr_assert(strstr(out, "ESTABLISHED") == NULL, "%s", out);
	cr_assert_says(say(packet(3)), "It replaces frame 2");
	cr_assert_says(out, "ESTABLISHED");
}

Test(narrate, unknown_call_is_still_told)
{
	struct ev_call c = { .side = EV_SERVER, .name = "setsockopt",
	    .args = "TCP_NODELAY 1", .ret = 0 };

	engine_call(fx.e, 0, &c, 6, NULL, 0, NULL, 0);
	cr_assert_str_eq(say(first_of(EV_CALL)),
	    "The server calls setsockopt(TCP_NODELAY 1).");
}

Test(narrate, warnings_are_passed_on)
{
	struct msg m;

	msg_init(&m, "the file ends in the middle of frame %u");
	msg_num(&m, 7);
	engine_warn(fx.e, 0, 0, &m);
	cr_assert_str_eq(say(first_of(EV_WARNING)),
	    "Warning: the file ends in the middle of frame 7.");
}

Test(narrate, conn_and_summary_are_told)
{
	fixture_handshake(&fx, CISN, SISN);
	engine_finish(fx.e);
	cr_assert_says(say(first_of(EV_CONN)), "the client 10.0.0.1:40000 "
	    "talks to the server 10.0.0.2:80 over TCP");
	cr_assert_says(say(first_of(EV_SUMMARY)), "3 packets");
	cr_assert_says(out, "The client ends in ESTABLISHED");
}

Test(narrate, every_why_key_has_a_sentence_naming_its_state)
{
	static const struct {
		enum tcp_why	why;
		const char	*state;
	} want[] = {
		{ TCP_WHY_ACTIVE_OPEN, "SYN_SENT" },
		{ TCP_WHY_PASSIVE_OPEN, "SYN_RECEIVED" },
		{ TCP_WHY_SIMULTANEOUS_OPEN, "SYN_RECEIVED" },
		{ TCP_WHY_SYNACK_RECEIVED, "ESTABLISHED" },
		{ TCP_WHY_SYNACK_NOT_CAPTURED, "ESTABLISHED" },
		{ TCP_WHY_HANDSHAKE_ACKED, "ESTABLISHED" },
		{ TCP_WHY_ACK_NOT_CAPTURED, "ESTABLISHED" },
		{ TCP_WHY_ACTIVE_CLOSE, "FIN_WAIT_1" },
		{ TCP_WHY_CLOSE_BEFORE_ESTABLISHED, "FIN_WAIT_1" },
		{ TCP_WHY_PASSIVE_CLOSE, "CLOSE_WAIT" },
		{ TCP_WHY_FIN_ACKED, "FIN_WAIT_2" },
		{ TCP_WHY_PEER_FIN_AFTER_OURS, "TIME_WAIT" },
		{ TCP_WHY_SIMULTANEOUS_CLOSE, "CLOSING" },
		{ TCP_WHY_CLOSING_ACKED, "TIME_WAIT" },
		{ TCP_WHY_LAST_CLOSE, "LAST_ACK" },
		{ TCP_WHY_LAST_ACK_ACKED, "CLOSED" },
		{ TCP_WHY_RST_SENT, "CLOSED" },
		{ TCP_WHY_RST_RECEIVED, "CLOSED" },
		{ TCP_WHY_REFUSED, "CLOSED" },
		{ TCP_WHY_NEVER_LISTENING, "CLOSED" },
	};
	size_t i;

	cr_assert_eq(sizeof want / sizeof want[0], TCP_WHY_COUNT - 1,
	    "a tcp_why key is missing from this test");
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		cr_assert_gt(narrate_why(want[i].why, EV_SERVER, out,
		    sizeof out), 0, "%s", tcp_why_key(want[i].why));
		cr_assert(strstr(out, want[i].state) != NULL,
		    "%s: \"%s\" lacks %s", tcp_why_key(want[i].why), out,
		    want[i].state);
		cr_assert(strstr(out, "{") == NULL, "%s: unfilled hole",
		    tcp_why_key(want[i].why));
	}
	cr_assert_eq(narrate_why(TCP_WHY_NONE, EV_CLIENT, out, sizeof out),
	    0);
}

Test(narrate, small_buffers_are_cut_and_terminated)
{
	char small[16];

	fixture_handshake(&fx, CISN, SISN);
	memset(small, 'x', sizeof small);
	cr_assert_eq(narrate_event(fx.tl, packet(2), small, sizeof small), 15);
	cr_assert_eq(small[15], '\0');
	cr_assert_eq(narrate_event(fx.tl, packet(2), small, 0), 0);
	cr_assert_eq(small[0], 'T');
}

Test(narrate, past_the_end_is_empty)
{
	out[0] = 'x';
	cr_assert_eq(narrate_event(fx.tl, 12345, out, sizeof out), 0);
	cr_assert_str_eq(out, "");
}

/*
 * Chinese, from the catalogue the build compiles ($SYNFIN_LOCALEDIR, as
 * make check sets it), when it and the zh_CN.UTF-8 locale are there.
 * Each test runs in its own process, so the locale does not leak.
 */
static void
chinese(void)
{
	const char *dir = getenv("SYNFIN_LOCALEDIR");
	char mo[4096];

	if (dir == NULL || *dir == '\0')
		cr_skip_test("SYNFIN_LOCALEDIR is not set: no catalogue");
	snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/synfin.mo", dir);
	if (access(mo, R_OK) != 0)
		cr_skip_test("no zh_CN catalogue at %s", mo);
	if (setlocale(LC_ALL, "zh_CN.UTF-8") == NULL)
		cr_skip_test("the zh_CN.UTF-8 locale is not installed");
	setenv("LANGUAGE", "zh_CN", 1);
	bindtextdomain("synfin", dir);
	textdomain("synfin");
}

Test(narrate, handshake_reads_in_chinese)
{
	chinese();
	fixture_handshake(&fx, CISN, SISN);
	engine_finish(fx.e);
	say(packet(3));
	cr_assert_says(out, "三次握手");
	cr_assert_says(out, "ESTABLISHED");
	cr_assert(strstr(out, "{") == NULL, "unfilled hole: \"%s\"", out);
	/* Sentences follow "。" with no space; holes are filled. */
	cr_assert_says(say(packet(2)), "SYN_RECEIVED状态，等待最后一个ACK。"
	    "客户端收到SYN-ACK");
	cr_assert(strstr(out, "。 ") == NULL, "a space after 。: \"%s\"", out);
}

Test(narrate, chinese_is_cut_between_characters)
{
	char small[15];
	uint32_t cp;
	size_t n, i, k;

	chinese();
	fixture_handshake(&fx, CISN, SISN);
	/* "服务器确认..." : 3 bytes a character, 14 bytes of room. */
	n = narrate_event(fx.tl, packet(2), small, sizeof small);
	cr_assert_eq(n, 12, "cut at %zu bytes, not 12", n);
	for (i = 0; i < n; i += k) {
		k = u8_decode(small + i, n - i, &cp);
		cr_assert_neq(cp, 0xfffd, "a character is split at byte %zu",
		    i);
	}
}

Test(narrate, a_fin_long_after_close_says_when_the_state_changed)
{
	fixture_handshake(&fx, CISN, SISN);
	/* close() at 3.5 ms; the FIN leaves at 4 ms, then one 60 ms on. */
	fixture_call(&fx, 3500000, EV_CLIENT, "close", "", 0);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, CISN + 1, SISN + 1, 0);
	cr_assert(strstr(say(packet(4)), "ms before this FIN") == NULL,
	    "%s", out);
	fixture_skip(&fx, 60);
	/* The same FIN again. */
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, CISN + 1, SISN + 1, 0);
	cr_assert(strstr(say(packet(5)), "ms before this FIN") == NULL,
	    "not the first FIN: %s", out);
}

Test(narrate, a_late_fin_after_close)
{
	fixture_handshake(&fx, CISN, SISN);
	fixture_call(&fx, 3500000, EV_CLIENT, "close", "", 0);
	/* The FIN queued behind data: 181 ms on. */
	fixture_skip(&fx, 180);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, CISN + 1, SISN + 1, 0);
	cr_assert_says(say(packet(4)), "The client called close() 180 ms "
	    "before this FIN: its kernel has been FIN_WAIT_1 since then");
}

Test(narrate, a_server_that_never_answered_is_a_guess)
{
	fixture_seg(&fx, true, TCP_SYN, CISN, 0, 0);
	engine_finish(fx.e);
	cr_assert_says(say(first_of(EV_SUMMARY)), "The server never "
	    "answered: nothing on the wire shows its state");
}

Test(narrate, kernel_state_ahead_of_the_wire_is_explained)
{
	struct pkt_addr c = { .family = 4, .a = { 10, 0, 0, 1 } };
	struct pkt_addr s = { .family = 4, .a = { 10, 0, 0, 2 } };

	fixture_handshake(&fx, CISN, SISN);
	engine_kstate(fx.e, 10000000, &s, 80, &c, 40000, TCP_ST_ESTABLISHED,
	    KSTATE_DIAG);
	cr_assert_says(say(first_of(EV_KSTATE)), "as its packets show");
	engine_kstate(fx.e, 11000000, &c, 40000, &s, 80, TCP_ST_FIN_WAIT_1,
	    KSTATE_DIAG);
	say(timeline_len(fx.tl) - 1);
	cr_assert_says(out, "client's socket in FIN_WAIT_1");
	cr_assert_says(out, "packets so far show ESTABLISHED");
	cr_assert_says(out, "FIN waits behind data");
}

Test(narrate, kernel_state_behind_the_wire_is_explained)
{
	struct pkt_addr c = { .family = 4, .a = { 10, 0, 0, 1 } };
	struct pkt_addr s = { .family = 4, .a = { 10, 0, 0, 2 } };

	fixture_handshake(&fx, CISN, SISN);
	/* The SYN-ACK was captured, then dropped before TCP saw it. */
	engine_kstate(fx.e, 10000000, &c, 40000, &s, 80, TCP_ST_SYN_SENT,
	    KSTATE_DIAG);
	say(first_of(EV_KSTATE));
	cr_assert_says(out, "in SYN_SENT");
	cr_assert_says(out, "has not made the change the packets suggest");
}

Test(narrate, crossing_fins_are_told_where_the_ladder_shows_them)
{
	fixture_handshake(&fx, CISN, SISN);
	/* Frames 4 and 5: the FINs cross. */
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, CISN + 1, SISN + 1, 0);
	fixture_seg(&fx, false, TCP_FIN | TCP_ACK, SISN + 1, CISN + 1, 0);
	fixture_seg(&fx, true, TCP_ACK, CISN + 2, SISN + 2, 0);
	fixture_seg(&fx, false, TCP_ACK, SISN + 2, CISN + 2, 0);
	engine_finish(fx.e);
	/* The client's FIN reached the server only after the server sent
	 * its own: not CLOSE_WAIT, and not yet CLOSING at this step. */
	say(packet(4));
	cr_assert(strstr(out, "The server") == NULL, "%s", out);
	cr_assert_says(say(packet(5)), "The server has nothing more to send "
	    "and sends FIN. It is now FIN_WAIT_1");
	cr_assert_says(out, "The server receives a FIN while its own FIN is "
	    "still unacknowledged");
	cr_assert_says(out, "The client receives a FIN while its own FIN");
}
