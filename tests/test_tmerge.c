/* SPDX-License-Identifier: ISC */
/*
 * The time-ordered merge buffer (src/core/tmerge.c): order, ties, the
 * hold-back window, open items and their bounded hold, the flush at the
 * end, many items.
 */

#include "config.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "tmerge.h"

#define MS	1000000LL

/* Payloads are small ints (ids) behind pointers. */
#define ID(x)	((void *)(uintptr_t)(x))
#define PID(p)	((int)(uintptr_t)(p))

static bool
match_id(const void *p, const void *arg)
{
	return PID(p) == *(const int *)arg;
}

/* Drain what may leave at `now`: ids into `ids`, returns how many. */
static size_t
drain(struct tmerge *m, int64_t now, bool all, int *ids, size_t max,
    struct tmerge_item *items)
{
	struct tmerge_item t;
	size_t n = 0;

	while (tmerge_next(m, now, all, &t)) {
		cr_assert_lt(n, max, "more items than added");
		ids[n] = PID(t.p);
		if (items != NULL)
			items[n] = t;
		n++;
	}
	return n;
}

Test(tmerge, out_of_order_items_leave_in_time_order)
{
	struct tmerge *m = tmerge_new(10 * MS, 0);
	int64_t ts[] = { 50, 10, 40, 20, 30, 5 };
	int want[] = { 6, 2, 4, 5, 3, 1 }, got[6];
	size_t i, n;

	for (i = 0; i < 6; i++)
		tmerge_add(m, ts[i] * MS, 0, false, ID(i + 1));
	cr_assert_eq(tmerge_count(m), 6);
	n = drain(m, 1000 * MS, false, got, 6, NULL);
	cr_assert_eq(n, 6);
	for (i = 0; i < 6; i++)
		cr_assert_eq(got[i], want[i], "position %zu: %d, want %d", i,
		    got[i], want[i]);
	cr_assert_eq(tmerge_count(m), 0);
	tmerge_free(m, NULL);
}

Test(tmerge, equal_times_keep_the_order_they_came)
{
	struct tmerge *m = tmerge_new(0, 0);
	int got[7], want[7] = { 4, 1, 2, 3, 5, 6, 7 };
	size_t i, n;

	/* 1, 2, 3 at 100; 4 at 50 (before them); 5, 6 and 7 at 100 again,
	 * some of another kind. */
	tmerge_add(m, 100, 0, false, ID(1));
	tmerge_add(m, 100, 1, false, ID(2));
	tmerge_add(m, 100, 2, false, ID(3));
	tmerge_add(m, 50, 0, false, ID(4));
	tmerge_add(m, 100, 0, false, ID(5));
	tmerge_add(m, 100, 1, false, ID(6));
	tmerge_add(m, 100, 0, false, ID(7));
	n = drain(m, 100, false, got, 7, NULL);
	cr_assert_eq(n, 7);
	for (i = 0; i < 7; i++)
		cr_assert_eq(got[i], want[i], "position %zu: %d, want %d", i,
		    got[i], want[i]);
	tmerge_free(m, NULL);
}

Test(tmerge, items_wait_the_window)
{
	struct tmerge *m = tmerge_new(30 * MS, 0);
	struct tmerge_item t;

	tmerge_add(m, 100 * MS, 0, false, ID(1));
	tmerge_add(m, 110 * MS, 0, false, ID(2));
	cr_assert_eq(tmerge_deadline(m), 130 * MS);
	cr_assert_not(tmerge_next(m, 129 * MS, false, &t), "too young");
	cr_assert(tmerge_next(m, 130 * MS, false, &t), "30 ms old");
	cr_assert_eq(PID(t.p), 1);
	cr_assert_eq(t.ts, 100 * MS);
	cr_assert_not(t.open);
	cr_assert_not(t.late);
	cr_assert_eq(tmerge_deadline(m), 140 * MS);
	cr_assert_not(tmerge_next(m, 139 * MS, false, &t));
	/* Something older arrives while 2 waits: it goes first. */
	tmerge_add(m, 105 * MS, 0, false, ID(3));
	cr_assert(tmerge_next(m, 140 * MS, false, &t));
	cr_assert_eq(PID(t.p), 3);
	cr_assert(tmerge_next(m, 140 * MS, false, &t));
	cr_assert_eq(PID(t.p), 2);
	cr_assert_not(tmerge_next(m, 140 * MS, false, &t));
	cr_assert_eq(tmerge_deadline(m), -1, "empty: no deadline");
	tmerge_free(m, NULL);
}

Test(tmerge, an_open_item_holds_the_rest_until_it_closes)
{
	struct tmerge *m = tmerge_new(10 * MS, 0);
	struct tmerge_item *c, out[3];
	int id = 1, got[3];
	size_t n;

	tmerge_add(m, 100 * MS, 7, true, ID(1));	/* a call begins */
	tmerge_add(m, 101 * MS, 0, false, ID(2));
	tmerge_add(m, 102 * MS, 0, false, ID(3));
	cr_assert(tmerge_open(m));
	cr_assert_eq(tmerge_deadline(m), -1, "no hold: its close comes first");
	cr_assert_eq(drain(m, 10000 * MS, false, got, 3, NULL), 0,
	    "held, however old");
	c = tmerge_close(m, match_id, &id);
	cr_assert_not_null(c);
	cr_assert_eq(c->ts, 100 * MS, "keeps its start time");
	cr_assert_eq(c->kind, 7);
	cr_assert_not(c->open);
	cr_assert_not(tmerge_open(m));
	cr_assert_null(tmerge_close(m, match_id, &id), "closed once");
	n = drain(m, 10000 * MS, false, got, 3, out);
	cr_assert_eq(n, 3);
	cr_assert_eq(got[0], 1, "at its start's place");
	cr_assert_eq(got[1], 2);
	cr_assert_eq(got[2], 3);
	tmerge_free(m, NULL);
}

Test(tmerge, close_finds_the_first_open_match_only)
{
	struct tmerge *m = tmerge_new(0, 0);
	int id = 2, nope = 9;

	tmerge_add(m, 10, 0, false, ID(2));	/* not open: not matched */
	tmerge_add(m, 20, 0, true, ID(1));
	tmerge_add(m, 30, 0, true, ID(2));
	cr_assert_null(tmerge_close(m, match_id, &nope));
	cr_assert_eq(tmerge_close(m, match_id, &id)->ts, 30);
	cr_assert(tmerge_open(m), "1 is still open");
	tmerge_free(m, NULL);
}

Test(tmerge, the_hold_back_is_bounded)
{
	struct tmerge *m = tmerge_new(30 * MS, 200 * MS);
	struct tmerge_item t;
	int id = 1;
	void *p;

	tmerge_add(m, 100 * MS, 0, true, ID(1));
	tmerge_add(m, 110 * MS, 0, false, ID(2));
	cr_assert_eq(tmerge_deadline(m), 300 * MS, "start + hold");
	cr_assert_not(tmerge_next(m, 299 * MS, false, &t), "still held");
	/* 200 ms open: it leaves the order, 2 goes on. */
	cr_assert(tmerge_next(m, 300 * MS, false, &t));
	cr_assert_eq(PID(t.p), 2);
	cr_assert_eq(tmerge_count(m), 0);
	cr_assert(tmerge_open(m), "a late call waits for its close");
	cr_assert_eq(tmerge_deadline(m), -1);
	/* It returns at 400 ms: found late, and placed where it returned. */
	cr_assert_null(tmerge_close(m, match_id, &id), "not in the order");
	p = tmerge_unlate(m, match_id, &id);
	cr_assert_eq(PID(p), 1);
	cr_assert_not(tmerge_open(m));
	cr_assert_null(tmerge_unlate(m, match_id, &id), "taken once");
	tmerge_add(m, 400 * MS, 0, false, p);
	cr_assert(tmerge_next(m, 430 * MS, false, &t));
	cr_assert_eq(PID(t.p), 1);
	cr_assert_eq(t.ts, 400 * MS);
	cr_assert_not(t.late);
	tmerge_free(m, NULL);
}

Test(tmerge, flush_at_the_end_takes_everything_then_the_late)
{
	struct tmerge *m = tmerge_new(30 * MS, 100 * MS);
	struct tmerge_item out[6];
	int got[6];
	size_t n;

	tmerge_add(m, 10 * MS, 0, true, ID(1));		/* goes late */
	tmerge_add(m, 20 * MS, 0, true, ID(2));		/* goes late */
	tmerge_add(m, 30 * MS, 0, false, ID(3));
	cr_assert_eq(drain(m, 130 * MS, false, got, 6, NULL), 1);
	cr_assert_eq(got[0], 3);
	tmerge_add(m, 500 * MS, 0, true, ID(4));	/* open at the end */
	tmerge_add(m, 501 * MS, 0, false, ID(5));	/* young */
	cr_assert_eq(drain(m, 501 * MS, false, got, 6, NULL), 0);
	n = drain(m, 501 * MS, true, got, 6, out);
	cr_assert_eq(n, 4);
	cr_assert_eq(got[0], 4);
	cr_assert(out[0].open, "it never closed: the caller says so");
	cr_assert_not(out[0].late);
	cr_assert_eq(got[1], 5);
	cr_assert_eq(got[2], 1, "then the late ones, in the order they left");
	cr_assert(out[2].late);
	cr_assert_eq(out[2].ts, 10 * MS);
	cr_assert_eq(got[3], 2);
	cr_assert(out[3].late);
	cr_assert_not(tmerge_open(m));
	cr_assert_eq(tmerge_count(m), 0);
	tmerge_free(m, NULL);
}

static int dropped;

static void
drop_count(void *p)
{
	dropped += PID(p);
}

Test(tmerge, free_hands_back_what_is_still_inside)
{
	struct tmerge *m = tmerge_new(0, 10);
	struct tmerge_item t;

	tmerge_add(m, 0, 0, true, ID(1));
	tmerge_add(m, 5, 0, false, ID(2));
	tmerge_add(m, 50, 0, false, ID(4));
	cr_assert(tmerge_next(m, 10, false, &t), "1 goes late, 2 leaves");
	cr_assert_eq(PID(t.p), 2);
	dropped = 0;
	tmerge_free(m, drop_count);
	cr_assert_eq(dropped, 1 + 4, "the late one and the queued one");
}

/* Many items, added in an order that is mostly rising with stragglers,
 * taken out in steps: always non-decreasing times, ties in the order
 * added, none lost, none twice. */
Test(tmerge, many_items)
{
	enum { N = 20000 };
	struct tmerge *m = tmerge_new(50, 0);
	struct tmerge_item t;
	static int64_t ts[N + 1];
	static bool seen[N + 1];
	int64_t now, last_ts = INT64_MIN;
	int last_id = 0, id;
	size_t out = 0;
	unsigned r = 12345;

	for (id = 1; id <= N; id++) {
		r = r * 1103515245u + 12345u;
		/* Rising by 0..3, some 0..40 back: ties and stragglers. */
		ts[id] = id + (int64_t)((r >> 16) % 4) -
		    ((r >> 8) % 10 == 0 ? (int64_t)((r >> 20) % 40) : 0);
		tmerge_add(m, ts[id], 0, false, ID(id));
		if (id % 97 != 0)
			continue;
		now = id - 10;	/* what may leave: 50 old */
		while (tmerge_next(m, now, false, &t)) {
			cr_assert_leq(t.ts, now - 50);
			cr_assert_geq(t.ts, last_ts, "item %d at %lld after "
			    "%lld", PID(t.p), (long long)t.ts,
			    (long long)last_ts);
			if (t.ts == last_ts)
				cr_assert_gt(PID(t.p), last_id, "tie order");
			cr_assert_not(seen[PID(t.p)]);
			seen[PID(t.p)] = true;
			last_ts = t.ts;
			last_id = PID(t.p);
			out++;
		}
	}
	cr_assert_gt(out, N / 2, "most left on the way (%zu)", out);
	while (tmerge_next(m, 0, true, &t)) {
		cr_assert_eq(t.ts, ts[PID(t.p)]);
		cr_assert_geq(t.ts, last_ts);
		if (t.ts == last_ts)
			cr_assert_gt(PID(t.p), last_id, "tie order");
		cr_assert_not(seen[PID(t.p)]);
		seen[PID(t.p)] = true;
		last_ts = t.ts;
		last_id = PID(t.p);
		out++;
	}
	cr_assert_eq(out, N);
	tmerge_free(m, NULL);
}
