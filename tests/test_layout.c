/* SPDX-License-Identifier: ISC */
/* The UI's layout maths: regions, ladder geometry, rows, the diagram. */

#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include "engine.h"
#include "fixture.h"
#include "layout.h"
#include "tcp_fsm.h"
#include "timeline.h"

/* ------------------------------------------------------------- screen */

static void
assert_inside(const struct lay_rect *r, int cols, int rows, const char *what)
{
	cr_assert(r->x >= 0 && r->y >= 0 && r->x + r->w <= cols &&
	    r->y + r->h <= rows, "%s (%d,%d %dx%d) leaves %dx%d", what, r->x,
	    r->y, r->w, r->h, cols, rows);
}

Test(layout, screen_80x24_stacks_title_ladder_narration_status)
{
	struct lay_screen s;

	lay_screen(&s, 80, 24);
	cr_assert_not(s.too_small);
	cr_assert_not(s.side, "80 columns leave no room beside the ladder");
	cr_assert_eq(s.title.y, 0);
	cr_assert_eq(s.main.y, 1);
	cr_assert_eq(s.narr.y, s.main.y + s.main.h);
	cr_assert_eq(s.status.y, 23);
	cr_assert_eq(s.narr.y + s.narr.h, s.status.y);
	cr_assert_geq(s.main.h, 12, "ladder gets %d lines", s.main.h);
	assert_inside(&s.main, 80, 24, "main");
	assert_inside(&s.narr, 80, 24, "narration");
}

Test(layout, screen_160x48_puts_the_diagram_and_detail_beside)
{
	struct lay_screen s;

	lay_screen(&s, 160, 48);
	cr_assert(s.side);
	cr_assert_eq(s.side_fsm.w, LAY_FSM_W);
	cr_assert_eq(s.side_fsm.h, LAY_FSM_H);
	cr_assert_gt(s.side_detail.h, 0);
	cr_assert_lt(s.main.x + s.main.w, s.side_fsm.x,
	    "ladder and diagram overlap");
	cr_assert_geq(s.main.w, 80);
	assert_inside(&s.side_fsm, 160, 48, "diagram");
	assert_inside(&s.side_detail, 160, 48, "detail");
	cr_assert_leq(s.side_detail.y + s.side_detail.h, s.narr.y);
}

Test(layout, screen_below_the_minimum_is_too_small)
{
	struct lay_screen s;

	lay_screen(&s, LAY_MIN_COLS - 1, 24);
	cr_assert(s.too_small);
	lay_screen(&s, 80, LAY_MIN_ROWS - 1);
	cr_assert(s.too_small);
	lay_screen(&s, LAY_MIN_COLS, LAY_MIN_ROWS);
	cr_assert_not(s.too_small);
	cr_assert_gt(s.main.h, 2);
}

Test(layout, narration_grows_and_the_main_view_gives_way)
{
	struct lay_screen a, b;

	lay_screen(&a, 80, 24);
	/* Five lines of text: the box grows by what they need. */
	lay_screen_fit(&b, 80, 24, 5, 0);
	cr_assert_eq(b.narr.h, 7);
	cr_assert_eq(b.main.h, a.main.h - 1);
	cr_assert_eq(b.narr.y + b.narr.h, b.status.y);
	cr_assert_eq(b.main.y + b.main.h, b.narr.y);
	/* Text that fits takes no more than the default. */
	lay_screen_fit(&b, 80, 24, 2, 0);
	cr_assert_eq(b.narr.h, a.narr.h);
	/* A lot of text: the main view keeps its minimum. */
	lay_screen_fit(&b, 80, 24, 40, 0);
	cr_assert_eq(b.main.h, LAY_MAIN_MIN);
	cr_assert_eq(b.narr.y + b.narr.h, b.status.y);
	lay_screen_fit(&b, 80, 24, 40, LAY_FSM_H);
	cr_assert_eq(b.main.h, LAY_FSM_H, "the diagram keeps its rows");
	/* Beside the ladder, the diagram stays while the text grows. */
	lay_screen_fit(&b, 160, 48, 12, LAY_FSM_H);
	cr_assert(b.side);
	cr_assert_eq(b.narr.h, 14);
}

/* ------------------------------------------------------------- ladder */

Test(layout, ladder_columns_are_symmetric_and_ordered)
{
	static const int widths[] = { 60, 80, 97, 120, 200 };
	struct lay_ladder l;
	size_t i;

	for (i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		lay_ladder_cols(&l, widths[i]);
		cr_assert_eq(l.lx, widths[i] - 1 - l.rx, "width %d", widths[i]);
		cr_assert_lt(l.lcall_x + l.call_w, l.lstate_x + 1);
		cr_assert_lt(l.lstate_x + l.state_w, l.lx + 1);
		cr_assert_gt(l.rstate_x, l.rx);
		cr_assert_leq(l.rcall_x + l.call_w, widths[i],
		    "width %d: right call column overflows", widths[i]);
		cr_assert_gt(l.label_x, l.lx);
		cr_assert_lt(l.label_x + l.label_w, l.rx - 1);
	}
}

Test(layout, ladder_at_80_columns_fits_a_data_segment_label)
{
	struct lay_ladder l;

	lay_ladder_cols(&l, 80);
	cr_assert_geq(l.label_w, (int)strlen("PSH-ACK seq=1 ack=6 len=13"));
}

Test(layout, call_column_fits_the_names_never_less)
{
	struct lay_ladder l;

	/* No calls (a replay): no column, the arrows get the room. */
	lay_ladder_fit(&l, 80, 0, 0);
	cr_assert_eq(l.call_w, 0);
	cr_assert_eq(l.lstate_x, 0);
	cr_assert_geq(l.label_w, LAY_LABEL_WANT);
	/* Calls of 13 cells: never less, even at 80. */
	lay_ladder_fit(&l, 80, 13, 40);
	cr_assert_eq(l.call_w, 13);
	cr_assert_leq(l.rcall_x + l.call_w, 80);
	cr_assert_eq(l.lx, 80 - 1 - l.rx);
	/* Wide: the arguments too, while the labels keep their room. */
	lay_ladder_fit(&l, 160, 13, 24);
	cr_assert_eq(l.call_w, 24);
	cr_assert_geq(l.label_w, LAY_LABEL_WANT);
	lay_ladder_fit(&l, 120, 13, 60);
	cr_assert_geq(l.label_w, LAY_LABEL_WANT);
	cr_assert_geq(l.call_w, 13);
}

Test(layout, table_columns_narrow_before_any_is_left_out)
{
	const int want[] = { 1, 5, 15, 15, 9, 24 };
	const int min[] = { 1, 5, 12, 12, 9, 10 };
	int x[6], w[6], i;

	/* Room for all: as wanted, the last takes the rest. */
	cr_assert(lay_cols_fit(6, want, min, 1, 120, x, w));
	for (i = 0; i < 5; i++)
		cr_assert_eq(w[i], want[i]);
	cr_assert_eq(x[5] + w[5], 120);
	/* 80 columns: every column still there, none under its minimum,
	 * the one with most to give gave first. */
	cr_assert(lay_cols_fit(6, want, min, 1, 70, x, w));
	for (i = 0; i < 6; i++) {
		cr_assert_geq(w[i], min[i], "column %d", i);
		if (i > 0)
			cr_assert_eq(x[i], x[i - 1] + w[i - 1] + 1);
	}
	cr_assert_eq(w[2], 15, "the endpoints keep their width");
	cr_assert_leq(x[5] + w[5], 70);
	/* Not even the minimums: said so. */
	cr_assert_not(lay_cols_fit(6, want, min, 1, 40, x, w));
}

Test(layout, arrows_point_at_the_receiver)
{
	struct lay_ladder l;
	struct lay_arrow a;

	lay_ladder_cols(&l, 80);
	lay_arrow(&a, &l, true, 3);
	cr_assert_eq(a.x0, l.lx + 1);
	cr_assert_eq(a.x1, l.rx - 1);
	cr_assert_eq(a.head_x, l.rx - 1);
	cr_assert_eq(a.label_w, 3);
	cr_assert_gt(a.label_x, a.x0 + 1, "label touches the tail");
	lay_arrow(&a, &l, false, 500);
	cr_assert_eq(a.head_x, l.lx + 1);
	cr_assert_eq(a.label_w, l.label_w, "a long label is clipped");
	cr_assert_lt(a.label_x + a.label_w, a.x1, "label hides the line");
}

Test(layout, label_drops_least_important_fields_first)
{
	const char *tok[] = { "PSH-ACK", "seq=1", "ack=6", "len=13",
	    "[retransmission]" };
	const int prio[] = { 0, 2, 3, 1, 4 };
	char buf[128];

	cr_assert_eq(lay_label(buf, sizeof buf, 80, tok, prio, 5), 43);
	cr_assert_str_eq(buf, "PSH-ACK seq=1 ack=6 len=13 [retransmission]");
	lay_label(buf, sizeof buf, 26, tok, prio, 5);
	cr_assert_str_eq(buf, "PSH-ACK seq=1 ack=6 len=13");
	lay_label(buf, sizeof buf, 20, tok, prio, 5);
	cr_assert_str_eq(buf, "PSH-ACK seq=1 len=13");
	lay_label(buf, sizeof buf, 4, tok, prio, 5);
	cr_assert_str_eq(buf, "PSH-");
}

Test(layout, label_skips_empty_tokens)
{
	const char *tok[] = { "ACK", "", "ack=1", NULL };
	const int prio[] = { 0, 1, 1, 1 };
	char buf[64];

	lay_label(buf, sizeof buf, 40, tok, prio, 4);
	cr_assert_str_eq(buf, "ACK ack=1");
}

/* ------------------------------------------------------- ladder rows */

static struct fixture fx;

/* 10.0.0.1:1000 and 10.0.0.2:80, frames 1 us apart from 1 s on. */
static void
rows_setup(void)
{
	fixture_open(&fx, 0, NULL);
	fx.now = 1000000000;
	fx.step = 1000;
	fx.cport = 1000;
}

static void
rows_teardown(void)
{
	fixture_close(&fx);
}

Test(layout, rows_are_one_per_segment_with_both_states, .init = rows_setup,
    .fini = rows_teardown)
{
	struct rows r;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fx.cport = 2000;			/* another conn */
	fixture_seg(&fx, true, TCP_SYN, 700, 0, 0);
	fx.cport = 1000;
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	rows_init(&r, 1);
	cr_assert_eq(rows_update(&r, fx.tl), 3);
	cr_assert_eq(r.init[0], TCP_ST_CLOSED);
	cr_assert_eq(r.init[1], TCP_ST_LISTEN);
	cr_assert_eq(r.v[0].side, EV_CLIENT);
	cr_assert_eq(r.v[0].st[0], TCP_ST_SYN_SENT);
	cr_assert_eq(r.v[0].st[1], TCP_ST_LISTEN);
	cr_assert_eq(r.v[1].side, EV_SERVER);
	cr_assert_eq(r.v[1].st[0], TCP_ST_ESTABLISHED);
	cr_assert_eq(r.v[1].st[1], TCP_ST_SYN_RECEIVED);
	/* Nothing shows yet that the server processed the last ACK ... */
	cr_assert_eq(r.v[2].st[1], TCP_ST_SYN_RECEIVED);
	cr_assert_eq(r.lines, 3);
	/* ... until the server's own segment does: the row of the ACK
	 * that caused it changes. */
	fixture_seg(&fx, false, TCP_ACK, 501, 101, 0);
	cr_assert_eq(rows_update(&r, fx.tl), 1);
	cr_assert_eq(r.v[2].st[1], TCP_ST_ESTABLISHED);
	cr_assert_eq(r.v[3].st[1], TCP_ST_ESTABLISHED);
	rows_clear(&r);
}

/*
 * One FIN-ACK takes the client through FIN_WAIT_2 to TIME_WAIT: its row
 * keeps the state passed through (via) and takes a second line, as the
 * diagrams draw it; the rows after it move down.
 */
Test(layout, rows_keep_a_state_passed_through_within_one_step,
    .init = rows_setup, .fini = rows_teardown)
{
	struct rows r;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, 101, 501, 0);
	/* acks our FIN */
	fixture_seg(&fx, false, TCP_FIN | TCP_ACK, 501, 102, 0);
	fixture_seg(&fx, true, TCP_ACK, 102, 502, 0);
	rows_init(&r, 1);
	cr_assert_eq(rows_update(&r, fx.tl), 6);
	cr_assert_eq(r.v[3].st[0], TCP_ST_FIN_WAIT_1);
	cr_assert_eq(r.v[3].via[0], ROWS_NO_VIA);
	cr_assert_eq(r.v[4].st[0], TCP_ST_TIME_WAIT);
	cr_assert_eq(r.v[4].via[0], TCP_ST_FIN_WAIT_2,
	    "the state passed through: %d", r.v[4].via[0]);
	cr_assert_eq(r.v[4].via[1], ROWS_NO_VIA);
	cr_assert_eq(r.v[4].line, 4);
	cr_assert_eq(r.v[5].line, 6, "the row after it is moved down");
	cr_assert_eq(r.lines, 7);
	cr_assert_eq(rows_at_line(&r, 5), -1, "the second line is no row");
	rows_clear(&r);
}

/*
 * Live: rows are built while the evidence comes in.  The ACK of the
 * client's FIN and the server's FIN are both decided by the client's
 * last ACK, after the ACK's row was built: FIN_WAIT_2 goes to the ACK's
 * row, TIME_WAIT to the FIN's, and nothing is passed through.
 */
Test(layout, rows_built_before_the_evidence_put_each_change_at_its_row,
    .init = rows_setup, .fini = rows_teardown)
{
	struct rows r;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, 101, 501, 0);
	fixture_seg(&fx, false, TCP_ACK, 501, 102, 0);	/* acks our FIN */
	rows_init(&r, 1);
	cr_assert_eq(rows_update(&r, fx.tl), 5);
	cr_assert_eq(r.v[4].st[0], TCP_ST_FIN_WAIT_1, "not decided yet");
	fixture_seg(&fx, false, TCP_FIN | TCP_ACK, 501, 102, 0);
	fixture_seg(&fx, true, TCP_ACK, 102, 502, 0);
	cr_assert_eq(rows_update(&r, fx.tl), 2);
	cr_assert_eq(r.v[4].st[0], TCP_ST_FIN_WAIT_2,
	    "the ACK's row: %s", tcp_state_name(r.v[4].st[0]));
	cr_assert_eq(r.v[5].st[0], TCP_ST_TIME_WAIT);
	cr_assert_eq(r.v[5].via[0], ROWS_NO_VIA, "nothing passed through");
	cr_assert_eq(r.lines, 7);
	rows_clear(&r);
}

Test(layout, rows_grow_with_the_timeline, .init = rows_setup,
    .fini = rows_teardown)
{
	struct rows r;

	rows_init(&r, 1);
	cr_assert_eq(rows_update(&r, fx.tl), 0);
	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	cr_assert_eq(rows_update(&r, fx.tl), 1);
	cr_assert_eq(rows_update(&r, fx.tl), 0, "an event is read twice");
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	cr_assert_eq(rows_update(&r, fx.tl), 1);
	cr_assert_eq(r.n, 2);
	rows_clear(&r);
}

Test(layout, idle_gaps_take_a_line_of_their_own, .init = rows_setup,
    .fini = rows_teardown)
{
	struct rows r;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fx.now += 5 * ROWS_GAP_NS;
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	rows_init(&r, 1);
	rows_update(&r, fx.tl);
	cr_assert(r.v[1].gap);
	cr_assert_eq(r.v[1].line, 2);
	cr_assert_eq(rows_at_line(&r, 0), 0);
	cr_assert_eq(rows_at_line(&r, 1), -1, "the idle mark is no row");
	cr_assert_eq(rows_at_line(&r, 2), 1);
	cr_assert_eq(rows_at_line(&r, 3), -1);
	rows_clear(&r);
}

Test(layout, a_call_shares_the_row_of_the_segment_it_causes,
    .init = rows_setup, .fini = rows_teardown)
{
	struct ev_call connect = { .side = EV_CLIENT, .name = "connect" };
	struct ev_call listen = { .side = EV_SERVER, .name = "listen" };
	struct rows r;

	engine_call(fx.e, fx.now, &listen, 6, NULL, 0, NULL, 0);
	engine_call(fx.e, fx.now, &connect, 6, NULL, 0, NULL, 0);
	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	rows_init(&r, 1);
	rows_update(&r, fx.tl);
	cr_assert_eq(r.n, 2, "rows %zu", r.n);
	cr_assert_eq(r.v[0].kind, ROWS_CALL);
	cr_assert_eq(r.v[0].side, EV_SERVER);
	cr_assert_eq(r.v[1].kind, ROWS_PKT);
	cr_assert_geq(r.v[1].call, 0);
	cr_assert_eq(fixture_at(fx.tl, (size_t)r.v[1].call)->type, EV_CALL);
	cr_assert_eq(r.v[1].st[0], TCP_ST_SYN_SENT);
	rows_clear(&r);
}

Test(layout, a_kernel_state_unlike_the_wire_gets_a_row_of_its_own,
    .init = rows_setup, .fini = rows_teardown)
{
	struct pkt_addr c = { .family = 4, .a = { 10, 0, 0, 1 } };
	struct pkt_addr s = { .family = 4, .a = { 10, 0, 0, 2 } };
	struct rows r;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	/* As the packets show: no row.  Ahead of them: a row. */
	engine_kstate(fx.e, fx.now + 1, &s, 80, &c, 1000, TCP_ST_ESTABLISHED,
	    KSTATE_DIAG);
	engine_kstate(fx.e, fx.now + 2, &c, 1000, &s, 80, TCP_ST_FIN_WAIT_1,
	    KSTATE_DIAG);
	/* The tracepoint's change of a sender comes microseconds before
	 * its packet: no row for it. */
	engine_kstate(fx.e, fx.now + 3, &s, 80, &c, 1000, TCP_ST_LAST_ACK,
	    KSTATE_TRACE);
	rows_init(&r, 1);
	rows_update(&r, fx.tl);
	cr_assert_eq(r.n, 4, "rows %zu", r.n);
	cr_assert_eq(r.v[3].kind, ROWS_KSTATE);
	cr_assert_eq(r.v[3].side, EV_CLIENT);
	cr_assert_eq(r.v[3].st[0], TCP_ST_ESTABLISHED, "the wire's state "
	    "stays that of the packets");
	rows_clear(&r);
}

static void
rows_setup_capped(void)
{
	fixture_open(&fx, 40, NULL);	/* evicts 5 at a time */
	fx.now = 1000000000;
	fx.step = 1000;
	fx.cport = 1000;
}

Test(layout, rows_drop_what_the_memory_cap_evicts,
    .init = rows_setup_capped, .fini = rows_teardown)
{
	struct rows r;
	uint32_t lines;
	size_t i, k, n0;
	uint8_t st1;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
	rows_init(&r, 1);
	rows_update(&r, fx.tl);
	cr_assert_eq(rows_trim(&r, timeline_first(fx.tl), &lines), 0);
	for (i = 0; i < 60; i++) {
		fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);
		if (i == 30)
			fx.now += 2 * ROWS_GAP_NS;	/* an idle line */
	}
	rows_update(&r, fx.tl);
	n0 = r.n;
	st1 = r.v[n0 - 1].st[1];
	cr_assert_gt(timeline_first(fx.tl), 0);
	k = rows_trim(&r, timeline_first(fx.tl), &lines);
	cr_assert_gt(k, 0);
	cr_assert_eq(r.n, n0 - k);
	cr_assert_gt(lines, 0);
	cr_assert_eq(r.v[0].line, 0, "lines count from 0 again");
	cr_assert_not(r.v[0].gap);
	cr_assert_eq(r.lines, r.v[r.n - 1].line + 1);
	cr_assert_eq(r.init[1], TCP_ST_ESTABLISHED,
	    "the states before the first row left are the last gone");
	for (i = 0; i < r.n; i++) {
		cr_assert_geq(r.v[i].ev, timeline_first(fx.tl));
		cr_assert_not_null(fixture_at(fx.tl, r.v[i].ev));
		cr_assert_eq(rows_at_line(&r, r.v[i].line), (long)i);
	}
	cr_assert_eq(r.v[r.n - 1].st[1], st1);
	/* Rows built afresh start at the oldest event held. */
	rows_clear(&r);
	rows_init(&r, 1);
	rows_update(&r, fx.tl);
	cr_assert_gt(r.n, 0);
	cr_assert_geq(r.v[0].ev, timeline_first(fx.tl));
	/* All gone: no row is left, and the lines they took are said. */
	k = rows_trim(&r, timeline_len(fx.tl), &lines);
	cr_assert_eq(r.n, 0);
	cr_assert_gt(k, 0);
	cr_assert_eq(r.lines, 0);
	rows_clear(&r);
}

/* ------------------------------------------------------ moving about */

Test(layout, scroll_keeps_the_selection_in_view_moving_little)
{
	cr_assert_eq(lay_scroll(0, 5, 10, 100), 0);
	cr_assert_eq(lay_scroll(0, 10, 10, 100), 1);
	cr_assert_eq(lay_scroll(50, 20, 10, 100), 20);
	cr_assert_eq(lay_scroll(50, 55, 10, 100), 50);
	cr_assert_eq(lay_scroll(95, 99, 10, 100), 90, "past the end");
	cr_assert_eq(lay_scroll(7, 3, 10, 5), 0, "all fits");
}

Test(layout, play_delay_spreads_bursts_and_compresses_idle)
{
	cr_assert_eq(lay_play_delay(1000, 100), LAY_STEP_MIN_NS);
	cr_assert_eq(lay_play_delay(500000000, 100), 500000000);
	cr_assert_eq(lay_play_delay(500000000, 200), 250000000);
	cr_assert_eq(lay_play_delay(3600LL * 1000000000, 100), ROWS_GAP_NS);
	cr_assert_eq(lay_play_delay(500000000, 50), 1000000000);
}

Test(layout, speeds_include_real_time_and_print_plainly)
{
	char buf[16];
	int i;

	cr_assert_eq(lay_speed(LAY_SPEED_DEFAULT), 100);
	lay_speed_str(LAY_SPEED_DEFAULT, buf, sizeof buf);
	cr_assert_str_eq(buf, "1x");
	lay_speed_str(1, buf, sizeof buf);
	cr_assert_str_eq(buf, "0.25x");
	lay_speed_str(0, buf, sizeof buf);
	cr_assert_str_eq(buf, "0.1x");
	for (i = 1; i < lay_speed_count(); i++)
		cr_assert_gt(lay_speed(i), lay_speed(i - 1));
	cr_assert_eq(lay_speed(99), lay_speed(lay_speed_count() - 1));
}

/* --------------------------------------------------------------- text */

Test(layout, wrap_breaks_at_spaces_within_the_width)
{
	const char *s = "The server acknowledges the client's SYN and sends "
	    "its own: SYN-ACK.";
	struct lay_span l[8];
	size_t n, i;

	n = lay_wrap(s, 20, l, 8);
	cr_assert_eq(n, 5, "%zu lines", n);
	for (i = 0; i < n; i++) {
		cr_assert_leq(l[i].len, 20);
		cr_assert_neq(s[l[i].off], ' ');
		cr_assert_neq(s[l[i].off + l[i].len - 1], ' ');
	}
	cr_assert_eq(strncmp(s + l[0].off, "The server", l[0].len), 0);
	cr_assert_eq(lay_wrap(s, 200, l, 8), 1);
	cr_assert_eq(lay_wrap("", 20, l, 8), 0);
}

Test(layout, wrap_cuts_words_longer_than_a_line)
{
	struct lay_span l[8];

	cr_assert_eq(lay_wrap("abcdefghij xy", 4, l, 8), 4);
	cr_assert_eq(l[0].len, 4);
	cr_assert_eq(l[3].off, 11);
}

Test(layout, width_counts_utf8_characters)
{
	cr_assert_eq(lay_width("abc", 3), 3);
	cr_assert_eq(lay_width("\xe2\x86\x92x", 4), 2);
}

/* Chinese (translated text) takes two columns a character. */
Test(layout, width_counts_terminal_columns_of_chinese)
{
	/* "SYN-ACK 已发送" */
	const char *s = "SYN-ACK \xe5\xb7\xb2\xe5\x8f\x91\xe9\x80\x81";

	cr_assert_eq(lay_width("\xe8\xbf\x9e\xe6\x8e\xa5", 6), 4); /* 连接 */
	cr_assert_eq(lay_width(s, strlen(s)), 7 + 1 + 6);
	cr_assert_eq(lay_width(s, 100), 14, "stops at the end of the string");
	cr_assert_eq(lay_width("\xef\xbc\x8c\xe3\x80\x82", 6), 4,
	    "full-width punctuation is wide too");
}

Test(layout, label_cuts_wide_text_by_whole_characters)
{
	const char *tok[] = { "\xe5\x8d\x95\xe6\xad\xa5\xe6\x92\xad"
	    "\xe6\x94\xbe", "SYN" };	/* 单步播放 */
	const int prio[] = { 0, 1 };
	char buf[64];

	cr_assert_eq(lay_label(buf, sizeof buf, 12, tok, prio, 2), 12);
	cr_assert_eq(lay_label(buf, sizeof buf, 9, tok, prio, 2), 8);
	cr_assert_str_eq(buf, tok[0]);
	cr_assert_eq(lay_label(buf, sizeof buf, 5, tok, prio, 2), 4);
	cr_assert_str_eq(buf, "\xe5\x8d\x95\xe6\xad\xa5", "cut to 单步");
	cr_assert_eq(lay_label(buf, sizeof buf, 1, tok, prio, 2), 0,
	    "no half of a wide character");
	cr_assert_str_eq(buf, "");
}

/* Every span holds whole characters and fits `width` columns. */
static void
assert_spans(const char *s, int width, const struct lay_span *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cr_assert_leq(lay_width(s + l[i].off, l[i].len), width,
		    "line %zu is %d columns wide", i,
		    lay_width(s + l[i].off, l[i].len));
		cr_assert_neq((unsigned char)s[l[i].off] & 0xc0, 0x80,
		    "line %zu starts inside a character", i);
		cr_assert_neq((unsigned char)s[l[i].off + l[i].len] & 0xc0,
		    0x80, "line %zu ends inside a character", i);
	}
}

Test(layout, wrap_breaks_chinese_between_characters)
{
	/* 服务器确认客户端的SYN，并发送自己的SYN-ACK。它现在处于
	 * SYN_RECEIVED状态，等待最后的ACK。 */
	const char *s = "\xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99\xa8\xe7\xa1\xae"
	    "\xe8\xae\xa4\xe5\xae\xa2\xe6\x88\xb7\xe7\xab\xaf\xe7\x9a\x84SYN"
	    "\xef\xbc\x8c\xe5\xb9\xb6\xe5\x8f\x91\xe9\x80\x81\xe8\x87\xaa"
	    "\xe5\xb7\xb1\xe7\x9a\x84SYN-ACK\xe3\x80\x82\xe5\xae\x83\xe7\x8e"
	    "\xb0\xe5\x9c\xa8\xe5\xa4\x84\xe4\xba\x8eSYN_RECEIVED\xe7\x8a\xb6"
	    "\xe6\x80\x81\xef\xbc\x8c\xe7\xad\x89\xe5\xbe\x85\xe6\x9c\x80"
	    "\xe5\x90\x8e\xe7\x9a\x84" "ACK\xe3\x80\x82";
	static const char *const whole[] = { "SYN-ACK", "SYN_RECEIVED" };
	struct lay_span l[16];
	char joined[512];
	size_t n, i, k, used = 0;
	int width;

	for (width = 14; width <= 40; width++) {
		n = lay_wrap(s, width, l, 16);
		cr_assert(n > 1 && n <= 16, "width %d: %zu lines", width, n);
		assert_spans(s, width, l, n);
		used = 0;
		for (i = 0; i < n; i++) {
			memcpy(joined + used, s + l[i].off, l[i].len);
			used += l[i].len;
			/* Not before closing punctuation (，。). */
			cr_assert(strncmp(s + l[i].off, "\xef\xbc\x8c", 3) &&
			    strncmp(s + l[i].off, "\xe3\x80\x82", 3),
			    "width %d: line %zu starts with punctuation",
			    width, i);
		}
		joined[used] = '\0';
		cr_assert_str_eq(joined, s, "width %d: nothing lost", width);
		for (k = 0; k < 2; k++) {
			for (i = 0; i < n; i++) {
				if (memmem(s + l[i].off, l[i].len, whole[k],
				    strlen(whole[k])) != NULL)
					break;
			}
			cr_assert_lt(i, n, "width %d: %s is split", width,
			    whole[k]);
		}
		/* Lines are filled, short only by a token kept whole
		 * with its punctuation ("SYN-ACK。" is 9 columns). */
		for (i = 0; i + 1 < n; i++)
			cr_assert_geq(lay_width(s + l[i].off, l[i].len),
			    width - 9, "width %d: line %zu is short", width,
			    i);
	}
}

Test(layout, wrap_moves_a_wide_character_off_the_edge)
{
	/* 连接已建立。 */
	const char *s = "\xe8\xbf\x9e\xe6\x8e\xa5\xe5\xb7\xb2\xe5\xbb\xba"
	    "\xe7\xab\x8b\xe3\x80\x82";
	struct lay_span l[8];
	size_t n;

	n = lay_wrap(s, 5, l, 8);
	cr_assert_eq(n, 3, "%zu lines", n);
	assert_spans(s, 5, l, n);
	cr_assert_eq(l[0].len, 6, "two characters (4 columns) on line 1");
	/* At 10 columns 。 would start line 2: 立 goes with it. */
	n = lay_wrap(s, 10, l, 8);
	cr_assert_eq(n, 2);
	cr_assert_eq(lay_width(s + l[0].off, l[0].len), 8);
	cr_assert_str_eq(s + l[1].off, "\xe7\xab\x8b\xe3\x80\x82");
	/* "abc" then 连: a break before a wide character. */
	n = lay_wrap("abc\xe8\xbf\x9e\xe6\x8e\xa5", 4, l, 8);
	cr_assert_eq(n, 2);
	cr_assert_eq(l[0].len, 3);
	cr_assert_eq(l[1].off, 3);
	/* A line narrower than one character still makes progress. */
	n = lay_wrap("\xe8\xbf\x9e\xe6\x8e\xa5", 1, l, 8);
	cr_assert_eq(n, 2);
	cr_assert_eq(l[0].len, 3);
}

Test(layout, wrap_mixes_spaces_and_chinese)
{
	/* 客户端 调用 connect()，发送 SYN。 */
	const char *s = "\xe5\xae\xa2\xe6\x88\xb7\xe7\xab\xaf \xe8\xb0\x83"
	    "\xe7\x94\xa8 connect()\xef\xbc\x8c\xe5\x8f\x91\xe9\x80\x81 SYN"
	    "\xe3\x80\x82";
	struct lay_span l[8];
	size_t n, i;

	n = lay_wrap(s, 12, l, 8);
	assert_spans(s, 12, l, n);
	for (i = 0; i < n; i++) {
		cr_assert_neq(s[l[i].off], ' ');
		cr_assert_neq(s[l[i].off + l[i].len - 1], ' ');
	}
	cr_assert_eq(strncmp(s + l[1].off, "connect()", 9), 0,
	    "connect() is not split");
}

/* ---------------------------------------------------- state diagram */

static bool
on_label(int x, int y, int node_skip)
{
	const struct lay_node *n;
	int i;

	for (i = 0; i < LAY_NODES; i++) {
		n = lay_fsm_node(i);
		/* The label, a space and a marker cell on each side. */
		if (i != node_skip && y == n->y && x >= n->x - 2 &&
		    x <= n->x + n->w + 1)
			return true;
	}
	return false;
}

Test(layout, diagram_labels_fit_and_keep_room_for_markers)
{
	const struct lay_node *a, *b;
	int i, j;

	for (i = 0; i < LAY_NODES; i++) {
		a = lay_fsm_node(i);
		cr_assert_not_null(a->name);
		cr_assert_eq(a->w, (int)strlen(a->name));
		cr_assert_geq(a->x - 2, 0, "%s has no marker room", a->name);
		cr_assert_leq(a->x + a->w + 2, LAY_FSM_W, "%s", a->name);
		cr_assert_lt(a->y, LAY_FSM_CAPTION, "%s", a->name);
		if (i < TCP_ST_COUNT)
			cr_assert_str_eq(a->name, tcp_state_name(i));
		for (j = 0; j < i; j++) {
			b = lay_fsm_node(j);
			cr_assert(a->y != b->y || a->x + a->w + 2 < b->x - 2 ||
			    b->x + b->w + 2 < a->x - 2, "%s and %s overlap",
			    a->name, b->name);
		}
	}
}

Test(layout, diagram_edges_join_their_nodes_and_cross_no_label)
{
	const struct lay_edge *e;
	const struct lay_node *from, *to;
	struct lay_point p0, h;
	size_t i;
	int k;

	for (i = 0; i < lay_fsm_nedges(); i++) {
		e = lay_fsm_edge(i);
		from = lay_fsm_node(e->from);
		to = lay_fsm_node(e->to);
		p0 = e->pts[0];
		h = e->pts[e->npts - 1];
		for (k = 0; k < e->npts; k++) {
			cr_assert(e->pts[k].x >= 0 && e->pts[k].x < LAY_FSM_W &&
			    e->pts[k].y >= 0 && e->pts[k].y < LAY_FSM_CAPTION,
			    "%s->%s leaves the diagram", from->name, to->name);
			cr_assert_not(on_label(e->pts[k].x, e->pts[k].y, -1),
			    "%s->%s crosses a label", from->name, to->name);
			if (k > 0)
				cr_assert(e->pts[k].x == e->pts[k - 1].x ||
				    e->pts[k].y == e->pts[k - 1].y,
				    "%s->%s: a slanted segment", from->name,
				    to->name);
		}
		/* It leaves from beside or under its node ... */
		cr_assert((abs(p0.y - from->y) == 1 && p0.x >= from->x &&
		    p0.x < from->x + from->w) || (p0.y == from->y &&
		    (p0.x == from->x - 4 || p0.x == from->x + from->w + 3)),
		    "%s->%s starts away from %s", from->name, to->name,
		    from->name);
		/* ... and its head touches the node it enters. */
		if (e->head == 'v' || e->head == '^')
			cr_assert(abs(h.y - to->y) == 1 && h.x >= to->x &&
			    h.x < to->x + to->w, "%s->%s: head misses",
			    from->name, to->name);
		else
			cr_assert(h.y == to->y && ((e->head == '<' &&
			    h.x == to->x + to->w + 3) || (e->head == '>' &&
			    h.x == to->x - 4)), "%s->%s: head misses",
			    from->name, to->name);
	}
}

Test(layout, diagram_draws_every_transition_but_resets)
{
	const struct tcp_fsm_row *row;
	int st, ev, from, to;

	for (st = 0; st < TCP_ST_COUNT; st++) {
		for (ev = 0; ev < TCP_EV_COUNT; ev++) {
			row = tcp_fsm_step(st, ev);
			/* Resets are not arcs of RFC 9293's figure. */
			if (row == NULL || row->why == TCP_WHY_RST_SENT ||
			    row->why == TCP_WHY_RST_RECEIVED ||
			    row->why == TCP_WHY_NEVER_LISTENING)
				continue;
			from = lay_fsm_node_of(st, false);
			to = lay_fsm_node_of(row->next, true);
			cr_assert_geq(lay_fsm_edge_find(from, to), 0,
			    "no edge %s -> %s (%s)", tcp_state_name(st),
			    tcp_state_name(row->next), tcp_why_key(row->why));
		}
	}
}

Test(layout, diagram_cells_connect_as_drawn)
{
	uint8_t grid[LAY_FSM_H][LAY_FSM_W];
	int e;

	memset(grid, 0, sizeof grid);
	e = lay_fsm_edge_find(TCP_ST_ESTABLISHED, TCP_ST_FIN_WAIT_1);
	cr_assert_geq(e, 0);
	lay_fsm_cells(grid, e);
	/* Down from under ESTABLISHED, a corner, left to the head. */
	cr_assert_eq(grid[7][28], LAY_UP | LAY_DOWN);
	cr_assert_eq(grid[8][28], LAY_UP | LAY_LEFT);
	cr_assert_eq(grid[8][20], LAY_LEFT | LAY_RIGHT);
	cr_assert_eq(grid[8][16] & LAY_HEAD_LEFT, LAY_HEAD_LEFT);
	cr_assert_eq(grid[9][28], 0);

	/* Where two edges part, the cell joins three ways. */
	memset(grid, 0, sizeof grid);
	lay_fsm_cells(grid, -1);
	cr_assert_eq(grid[6][8], LAY_UP | LAY_DOWN | LAY_RIGHT);
}

/* ------------------------------------------------- the labelled diagram */

static bool
big_cell_taken(const struct lay_fsm *f, int x, int y, int skip_edge_label)
{
	static uint8_t grid[LAY_FSM_MAXH][LAY_FSM_MAXW];
	const struct lay_node *n;
	const struct lay_edge *e;
	size_t i;

	memset(grid, 0, sizeof grid);
	lay_fsm_grid(f, grid, -1);
	if (grid[y][x] != 0)
		return true;
	for (i = 0; i < LAY_NODES; i++) {
		n = &f->nodes[i];
		/* The label, a space and a marker on each side. */
		if (y == n->y && x >= n->x - 2 && x <= n->x + n->w + 1)
			return true;
	}
	for (i = 0; i < f->nedges; i++) {
		e = &f->edges[i];
		if ((int)i == skip_edge_label || e->label == NULL ||
		    e->at.y < 0)
			continue;
		if (y == e->at.y && x >= e->at.x - 1 &&
		    x <= e->at.x + (int)strlen(e->label))
			return true;
	}
	return false;
}

Test(layout, big_diagram_labels_every_edge_clear_of_lines_and_names)
{
	const struct lay_fsm *f = lay_fsm_big();
	const struct lay_edge *e;
	size_t i;
	int x;

	cr_assert_eq(f->w, LAY_FSM_BIG_W);
	cr_assert_lt(f->caption + 1, f->h);
	for (i = 0; i < f->nedges; i++) {
		e = &f->edges[i];
		cr_assert_not_null(e->label, "edge %zu has no label", i);
		cr_assert_geq(e->at.y, 0, "%s is not written", e->label);
		cr_assert_lt(e->at.y, f->caption);
		cr_assert_geq(e->at.x, 0);
		cr_assert_leq(e->at.x + (int)strlen(e->label), f->w,
		    "%s leaves the diagram", e->label);
		/* Its cells and one on either side, so that it touches
		 * nothing. */
		for (x = e->at.x - 1; x <= e->at.x + (int)strlen(e->label);
		    x++)
			cr_assert(x < 0 || x >= f->w ||
			    !big_cell_taken(f, x, e->at.y, (int)i),
			    "%s touches a line, a name or a label at %d,%d",
			    e->label, x, e->at.y);
	}
}

Test(layout, big_diagram_has_the_small_ones_edges_and_joins_them)
{
	const struct lay_fsm *s = lay_fsm_small(), *b = lay_fsm_big();
	const struct lay_edge *e;
	const struct lay_node *from, *to;
	struct lay_point p0, h;
	size_t i;

	cr_assert_eq(s->nedges, b->nedges);
	for (i = 0; i < b->nedges; i++) {
		e = &b->edges[i];
		cr_assert_eq(lay_fsm_find(s, e->from, e->to), (int)i);
		cr_assert_str_eq(e->label, s->edges[i].label);
		from = &b->nodes[e->from];
		to = &b->nodes[e->to];
		p0 = e->pts[0];
		h = e->pts[e->npts - 1];
		cr_assert((abs(p0.y - from->y) == 1 && p0.x >= from->x &&
		    p0.x < from->x + from->w) || (p0.y == from->y &&
		    (p0.x == from->x - 4 || p0.x == from->x + from->w + 3)),
		    "%s->%s starts away from its node", from->name, to->name);
		if (e->head == 'v' || e->head == '^')
			cr_assert(abs(h.y - to->y) == 1 && h.x >= to->x &&
			    h.x < to->x + to->w, "%s->%s: head misses",
			    from->name, to->name);
		else
			cr_assert(h.y == to->y && ((e->head == '<' &&
			    h.x == to->x + to->w + 3) || (e->head == '>' &&
			    h.x == to->x - 4)), "%s->%s: head misses",
			    from->name, to->name);
	}
	cr_assert_eq(lay_fsm_pick(120, 31), b);
	cr_assert_eq(lay_fsm_pick(80, 16), s);
	cr_assert_eq(lay_fsm_pick(LAY_FSM_W, LAY_FSM_H), s);
}

Test(layout, a_change_is_labelled_as_the_rfc_does)
{
	cr_assert_str_eq(lay_why_label(TCP_WHY_PASSIVE_OPEN),
	    "rcv SYN / snd SYN,ACK");
	cr_assert_str_eq(lay_why_label(TCP_WHY_PASSIVE_CLOSE),
	    "rcv FIN / snd ACK");
	cr_assert_str_eq(lay_why_label(TCP_WHY_REFUSED), "rcv RST");
	cr_assert_str_eq(lay_why_label(TCP_WHY_RST_SENT), "snd RST");
	cr_assert_null(lay_why_label(TCP_WHY_COUNT));
}

/* ------------------------------------------------ many conversations */

Test(layout, jumps_find_the_next_and_previous_flag_and_state_change,
    .init = rows_setup, .fini = rows_teardown)
{
	struct rows r;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);			/* 0 */
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);	/* 1 */
	fixture_seg(&fx, true, TCP_ACK, 101, 501, 0);			/* 2 */
	fixture_seg(&fx, true, TCP_ACK | TCP_PSH, 101, 501, 0);		/* 3 */
	fixture_seg(&fx, false, TCP_ACK, 501, 101, 0);			/* 4 */
	fixture_seg(&fx, true, TCP_FIN | TCP_ACK, 101, 501, 0);		/* 5 */
	fixture_seg(&fx, false, TCP_RST, 501, 0, 0);			/* 6 */
	rows_init(&r, 1);
	rows_update(&r, fx.tl);
	cr_assert_eq(r.n, 7);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 0, 1, LAY_MARK_SYN), 1);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 1, 1, LAY_MARK_SYN), -1);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 6, -1, LAY_MARK_SYN), 1);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 0, 1, LAY_MARK_FIN), 5);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 5, -1, LAY_MARK_FIN), -1);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 0, 1, LAY_MARK_RST), 6);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 0, 1, LAY_MARK_RETX), -1);
	/* The first steps change states; the data does not. */
	cr_assert(lay_row_has(&r, fx.tl, 0, LAY_MARK_STATE));
	cr_assert_not(lay_row_has(&r, fx.tl, 3, LAY_MARK_STATE));
	cr_assert_eq(lay_rows_find(&r, fx.tl, 3, 1, LAY_MARK_STATE), 5);
	cr_assert_eq(lay_rows_find(&r, fx.tl, 5, -1, LAY_MARK_STATE), 2,
	    "the server's ESTABLISHED is on the ACK that caused it");
	rows_clear(&r);
}

Test(layout, the_list_filter_reads_ports_states_flags_and_addresses,
    .init = rows_setup, .fini = rows_teardown)
{
	const struct tl_conn *a, *b;

	fixture_seg(&fx, true, TCP_SYN, 100, 0, 0);
	fixture_seg(&fx, false, TCP_SYN | TCP_ACK, 500, 101, 0);
	fx.cport = 2000;
	fixture_seg(&fx, true, TCP_SYN, 700, 0, 0);
	fixture_seg(&fx, false, TCP_RST | TCP_ACK, 0, 701, 0);
	/* The flags seen are known from the summaries, at the end. */
	cr_assert_not(lay_conn_match(timeline_conn(fx.tl, 1), "rst"));
	engine_finish(fx.e);
	a = timeline_conn(fx.tl, 0);
	b = timeline_conn(fx.tl, 1);
	cr_assert_not_null(b);
	cr_assert(lay_conn_match(a, ""));
	cr_assert(lay_conn_match(a, "  "));
	cr_assert(lay_conn_match(a, "1000"));
	cr_assert(lay_conn_match(a, "80"), "the server's port");
	cr_assert_not(lay_conn_match(a, "100"), "a port is whole");
	cr_assert_not(lay_conn_match(a, "2000"));
	cr_assert(lay_conn_match(a, "tcp"));
	cr_assert_not(lay_conn_match(a, "udp"));
	cr_assert(lay_conn_match(a, "syn_received"), "a state, any case");
	cr_assert(lay_conn_match(a, "ESTABLISHED"));
	cr_assert_not(lay_conn_match(a, "TIME_WAIT"));
	cr_assert(lay_conn_match(b, "rst"));
	cr_assert_not(lay_conn_match(a, "rst"));
	cr_assert(lay_conn_match(a, "syn-ack"));
	cr_assert(lay_conn_match(a, "10.0.0.2"));
	cr_assert(lay_conn_match(a, "10.0.0.1:1000"));
	cr_assert_not(lay_conn_match(a, "192.168"));
	cr_assert(lay_conn_match(b, "tcp 2000 rst"), "every word holds");
	cr_assert_not(lay_conn_match(b, "tcp 1000 rst"));
	/* The orders. */
	cr_assert_lt(lay_conn_cmp(a, b, LAY_SORT_ID), 0);
	cr_assert_lt(lay_conn_cmp(a, b, LAY_SORT_CLIENT), 0);
	cr_assert_eq(lay_conn_cmp(a, a, LAY_SORT_PACKETS), 0);
}
