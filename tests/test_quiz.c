/* SPDX-License-Identifier: ISC */
/* Tests for quiz.h: questions from a timeline, answers from the wire. */
#include "config.h"

#include <criterion/criterion.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fixture.h"
#include "quiz.h"
#include "tcp_fsm.h"
#include "timeline.h"

static struct fixture fx;
static struct quiz z;

static void
setup(void)
{
	fixture_open(&fx, 0, NULL);
}

static void
teardown(void)
{
	quiz_clear(&z);
	fixture_close(&fx);
}

/* A bundled capture and the quiz on it. */
static void
load(const char *name)
{
	fixture_capture(&fx, name);
	quiz_build(&z, fx.tl);
}

static const char *
answer(const struct quiz_q *q)
{
	return q->choice[q->answer];
}

/* The flags label of the segment a question is about. */
static void
flags_of(const struct quiz_q *q, char *buf, size_t len)
{
	const struct ev *p = fixture_at(fx.tl, q->ev);

	cr_assert(p != NULL && p->type == EV_PACKET);
	ev_flags_label(p->u.pkt.flags & (TCP_SYN | TCP_FIN | TCP_RST |
	    TCP_PSH | TCP_ACK), buf, len);
}

TestSuite(quiz, .init = setup, .fini = teardown);

/* Oracle: the first state change caused by the frame of packet step i,
 * wherever the timeline put it (its step or a later one). */
static bool
first_change(size_t i, struct ev_state *out)
{
	struct ev_state chg[16];
	uint64_t frame = fixture_at(fx.tl, i)->u.pkt.frame;
	size_t k, j, n;

	for (k = i; k < timeline_len(fx.tl); k++) {
		n = timeline_changes(fx.tl, k, chg, 16);
		for (j = 0; j < n && j < 16; j++)
			if (chg[j].frame == frame) {
				*out = chg[j];
				return true;
			}
	}
	return false;
}

Test(quiz, handshake_asks_flags_and_states_in_turn)
{
	load("handshake");
	cr_assert_geq(z.n, 5, "%zu questions", z.n);
	cr_assert_eq(z.q[0].kind, QUIZ_FLAGS);
	cr_assert_eq(z.q[0].who, EV_CLIENT);
	cr_assert_str_eq(answer(&z.q[0]), "SYN");
	cr_assert_eq(z.q[1].kind, QUIZ_STATE);
	cr_assert_eq(z.q[1].who, EV_SERVER);
	cr_assert_str_eq(answer(&z.q[1]), "SYN_RECEIVED");
	/* The handshake's last ACK: no flag to ask, a state to. */
	cr_assert_eq(z.q[2].kind, QUIZ_STATE);
	cr_assert_str_eq(answer(&z.q[2]), "ESTABLISHED");
}

/* Every answer is what the timeline says: the segment's flags, or the
 * state its first state change enters. */
Test(quiz, answers_come_from_the_timeline)
{
	static const char *const lessons[] = { "handshake", "half-close",
	    "abort", "refused", "unread-close", "simultaneous-close",
	    "server-close", "syn-retry" };
	char label[32];
	struct ev_state st;
	size_t i, l;

	for (l = 0; l < sizeof lessons / sizeof lessons[0]; l++) {
		teardown();
		setup();
		load(lessons[l]);
		cr_assert_gt(z.n, 0, "%s", lessons[l]);
		for (i = 0; i < z.n; i++) {
			const struct quiz_q *q = &z.q[i];

			cr_assert(i == 0 || z.q[i - 1].ev < q->ev);
			cr_assert_eq(quiz_at(&z, q->ev), q);
			if (q->kind == QUIZ_FLAGS) {
				flags_of(q, label, sizeof label);
				cr_assert_str_eq(answer(q), label, "%s q%zu",
				    lessons[l], i);
				continue;
			}
			/* Its first state change, for the same frame. */
			cr_assert(first_change(q->ev, &st), "%s q%zu",
			    lessons[l], i);
			cr_assert_str_eq(answer(q), tcp_state_name(st.to),
			    "%s q%zu", lessons[l], i);
			cr_assert_eq(q->who, st.endpoint);
		}
	}
}

/* 3-4 distinct choices, one right; never the state it is already in;
 * and the right one is not always in the same place. */
Test(quiz, choices_are_distinct_and_plausible)
{
	struct ev_state st;
	bool places[QUIZ_CHOICES] = { false };
	size_t i;
	int a, b, nplaces = 0;

	load("half-close");
	for (i = 0; i < z.n; i++) {
		const struct quiz_q *q = &z.q[i];

		cr_assert(q->nchoices >= 3 && q->nchoices <= QUIZ_CHOICES);
		cr_assert(q->answer >= 0 && q->answer < q->nchoices);
		for (a = 0; a < q->nchoices; a++)
			for (b = a + 1; b < q->nchoices; b++)
				cr_assert_str_neq(q->choice[a], q->choice[b]);
		if (!places[q->answer])
			nplaces++;
		places[q->answer] = true;
		if (q->kind != QUIZ_STATE)
			continue;
		cr_assert(first_change(q->ev, &st));
		for (a = 0; a < q->nchoices; a++)
			cr_assert_str_neq(q->choice[a],
			    tcp_state_name(st.from));
	}
	cr_assert_geq(nplaces, 3, "the answer sits in %d places", nplaces);
}

Test(quiz, a_segment_that_changes_nothing_is_not_asked)
{
	size_t i;
	const struct ev *p;

	load("handshake");
	for (i = 0; i < z.n; i++) {
		p = fixture_at(fx.tl, z.q[i].ev);
		if (p->u.pkt.len > 0 && !(p->u.pkt.flags & (TCP_SYN | TCP_FIN |
		    TCP_RST)))
			cr_assert_eq(z.q[i].kind, QUIZ_STATE);
	}
	/* handshake: 10 segments, the data and their ACKs change nothing. */
	cr_assert_lt(z.n, 10);
}

Test(quiz, scores_right_and_wrong)
{
	load("abort");
	cr_assert_eq(quiz_answer(&z, &z.q[0], z.q[0].answer), 1);
	cr_assert_eq(quiz_answer(&z, &z.q[1], (z.q[1].answer + 1) %
	    z.q[1].nchoices), 0);
	cr_assert_eq(z.asked, 2);
	cr_assert_eq(z.right, 1);
}

Test(quiz, udp_and_nothing_give_no_question)
{
	load("udp");
	cr_assert_eq(z.n, 0);
	cr_assert_null(quiz_at(&z, 0));
}

Test(quiz, questions_are_sentences)
{
	load("handshake");
	setlocale(LC_ALL, "C");
	cr_assert(strstr(quiz_text(&z.q[0]), "Which flags") != NULL);
	cr_assert(strstr(quiz_text(&z.q[1]), "server enter") != NULL);
}
