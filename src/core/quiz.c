/* SPDX-License-Identifier: ISC */
/* Quiz questions from a timeline: what the next segment carries or does. */

#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "quiz.h"
#include "xmalloc.h"

/* The flags a learner tells apart; ECN and URG bits are left out. */
#define QUIZ_FLAG_MASK	(TCP_SYN | TCP_FIN | TCP_RST | TCP_PSH | TCP_ACK)

/* Wrong answers that are right next door: the usual confusions. */
static const struct {
	const char	*answer;
	const char	*wrong[3];
} quiz_flag_confusions[] = {
	{ "SYN", { "SYN-ACK", "ACK", "RST" } },
	{ "SYN-ACK", { "SYN", "ACK", "RST-ACK" } },
	{ "ACK", { "SYN-ACK", "FIN-ACK", "PSH-ACK" } },
	{ "PSH-ACK", { "ACK", "FIN-ACK", "SYN-ACK" } },
	{ "FIN-ACK", { "ACK", "RST", "SYN-ACK" } },
	{ "FIN", { "FIN-ACK", "ACK", "RST" } },
	{ "FIN-PSH-ACK", { "PSH-ACK", "FIN-ACK", "RST-ACK" } },
	{ "RST", { "FIN-ACK", "RST-ACK", "ACK" } },
	{ "RST-ACK", { "RST", "FIN-ACK", "SYN-ACK" } },
	{ "RST-PSH-ACK", { "RST-ACK", "FIN-ACK", "PSH-ACK" } },
};

static const enum tcp_state quiz_state_confusions[TCP_ST_COUNT][3] = {
	[TCP_ST_CLOSED] = { TCP_ST_TIME_WAIT, TCP_ST_LAST_ACK,
	    TCP_ST_LISTEN },
	[TCP_ST_LISTEN] = { TCP_ST_CLOSED, TCP_ST_SYN_RECEIVED,
	    TCP_ST_SYN_SENT },
	[TCP_ST_SYN_SENT] = { TCP_ST_SYN_RECEIVED, TCP_ST_ESTABLISHED,
	    TCP_ST_LISTEN },
	[TCP_ST_SYN_RECEIVED] = { TCP_ST_ESTABLISHED, TCP_ST_SYN_SENT,
	    TCP_ST_LISTEN },
	[TCP_ST_ESTABLISHED] = { TCP_ST_SYN_RECEIVED, TCP_ST_CLOSE_WAIT,
	    TCP_ST_FIN_WAIT_1 },
	[TCP_ST_FIN_WAIT_1] = { TCP_ST_CLOSE_WAIT, TCP_ST_FIN_WAIT_2,
	    TCP_ST_CLOSING },
	[TCP_ST_FIN_WAIT_2] = { TCP_ST_TIME_WAIT, TCP_ST_CLOSING,
	    TCP_ST_CLOSE_WAIT },
	[TCP_ST_CLOSE_WAIT] = { TCP_ST_FIN_WAIT_1, TCP_ST_LAST_ACK,
	    TCP_ST_CLOSED },
	[TCP_ST_CLOSING] = { TCP_ST_TIME_WAIT, TCP_ST_FIN_WAIT_2,
	    TCP_ST_LAST_ACK },
	[TCP_ST_LAST_ACK] = { TCP_ST_CLOSED, TCP_ST_TIME_WAIT,
	    TCP_ST_CLOSE_WAIT },
	[TCP_ST_TIME_WAIT] = { TCP_ST_CLOSED, TCP_ST_FIN_WAIT_2,
	    TCP_ST_CLOSING },
};

/* The distractors' stand-ins when a confusion is the answer itself. */
static const char *const quiz_flag_spare[] = { "ACK", "FIN-ACK", "RST",
    "SYN-ACK", "PSH-ACK", "SYN" };
static const enum tcp_state quiz_state_spare[] = { TCP_ST_CLOSED,
    TCP_ST_ESTABLISHED, TCP_ST_TIME_WAIT, TCP_ST_CLOSE_WAIT };

static bool
quiz_has(const struct quiz_q *q, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(q->choice[i], s) == 0)
			return true;
	return false;
}

/*
 * Fill the choices: the answer and up to 3 wrong ones (never the answer
 * again, never `not`, e.g. the state the endpoint is already in), then
 * move the answer to a place that depends on the question's number.
 */
static void
quiz_place(struct quiz_q *q, const char *answer, const char *const *wrong,
    size_t nwrong, const char *const *spare, size_t nspare, const char *not,
    size_t number)
{
	char tmp[QUIZ_CHOICE_LEN];
	size_t i;
	int pos;

	q->nchoices = 0;
	snprintf(q->choice[q->nchoices++], QUIZ_CHOICE_LEN, "%s", answer);
	for (i = 0; i < nwrong + nspare && q->nchoices < QUIZ_CHOICES; i++) {
		const char *w = i < nwrong ? wrong[i] : spare[i - nwrong];

		if (w == NULL || quiz_has(q, q->nchoices, w) ||
		    (not != NULL && strcmp(w, not) == 0))
			continue;
		snprintf(q->choice[q->nchoices++], QUIZ_CHOICE_LEN, "%s", w);
	}
	pos = (int)((number * 3 + 1) % (size_t)q->nchoices);
	memcpy(tmp, q->choice[0], sizeof tmp);
	memcpy(q->choice[0], q->choice[pos], sizeof tmp);
	memcpy(q->choice[pos], tmp, sizeof tmp);
	q->answer = pos;
}

static void
quiz_flags(struct quiz_q *q, const struct ev *e, size_t number)
{
	const char *const *wrong = NULL;
	char label[QUIZ_CHOICE_LEN];
	size_t i;

	ev_flags_label(e->u.pkt.flags & QUIZ_FLAG_MASK, label, sizeof label);
	for (i = 0; i < sizeof quiz_flag_confusions /
	    sizeof quiz_flag_confusions[0]; i++)
		if (strcmp(quiz_flag_confusions[i].answer, label) == 0)
			wrong = quiz_flag_confusions[i].wrong;
	q->kind = QUIZ_FLAGS;
	q->who = e->u.pkt.dir == EV_C2S ? EV_CLIENT : EV_SERVER;
	quiz_place(q, label, wrong, wrong != NULL ? 3 : 0, quiz_flag_spare,
	    sizeof quiz_flag_spare / sizeof quiz_flag_spare[0], NULL, number);
}

static void
quiz_state(struct quiz_q *q, const struct ev_state *st, size_t number)
{
	const char *wrong[3], *spare[4];
	enum tcp_state to = st->to;
	size_t i;

	for (i = 0; i < 3; i++)
		wrong[i] = to < TCP_ST_COUNT ?
		    tcp_state_name(quiz_state_confusions[to][i]) : NULL;
	for (i = 0; i < 4; i++)
		spare[i] = tcp_state_name(quiz_state_spare[i]);
	q->kind = QUIZ_STATE;
	q->who = st->endpoint;
	quiz_place(q, tcp_state_name(to), wrong, 3, spare, 4,
	    tcp_state_name(st->from), number);
}

#define QUIZ_MAX_CHG	8

/*
 * The first state change segment step i (of conn c) caused: at its own
 * step, or where the evidence put it, a few steps of the conn later.
 */
static bool
quiz_first_change(const struct timeline *tl, const struct tl_conn *c,
    size_t i, uint64_t frame, struct ev_state *out)
{
	struct ev_state chg[QUIZ_MAX_CHG];
	size_t lo, k, j, n;

	if (c == NULL)
		return false;
	lo = timeline_conn_step(tl, c, i);
	for (k = lo; k < c->nsteps && k < lo + TL_LATE_REACH; k++) {
		n = timeline_changes(tl, timeline_conn_steps(tl, c)[k], chg,
		    QUIZ_MAX_CHG);
		for (j = 0; j < n && j < QUIZ_MAX_CHG; j++) {
			if (chg[j].frame == frame) {
				*out = chg[j];
				return true;
			}
		}
	}
	return false;
}

void
quiz_build(struct quiz *z, const struct timeline *tl)
{
	struct ev evb;
	struct ev_state st = { 0 };
	size_t i, n = timeline_len(tl), cap = 0;
	const struct ev *e;
	bool notable, state;

	memset(z, 0, sizeof *z);
	for (i = timeline_first(tl); i < n; i++) {
		if ((e = timeline_get(tl, i, &evb)) == NULL || e->conn == NULL ||
		    e->conn->proto != 6 || e->type != EV_PACKET)
			continue;
		notable = (e->u.pkt.flags & (TCP_SYN | TCP_FIN | TCP_RST)) != 0;
		state = quiz_first_change(tl, timeline_conn_by_id(tl,
		    e->conn->id), i, e->u.pkt.frame, &st);
		if (!notable && !state)
			continue;
		if (z->n == cap) {
			cap = cap ? cap * 2 : 64;
			z->q = xreallocarray(z->q, cap, sizeof *z->q);
		}
		memset(&z->q[z->n], 0, sizeof z->q[z->n]);
		z->q[z->n].ev = i;
		/* Both kinds possible: take turns, flags first. */
		if (notable && (!state || z->n % 2 == 0))
			quiz_flags(&z->q[z->n], e, z->n);
		else
			quiz_state(&z->q[z->n], &st, z->n);
		z->n++;
	}
	if (z->q == NULL)
		z->q = xcalloc(1, sizeof *z->q);
}

void
quiz_clear(struct quiz *z)
{
	free(z->q);
	memset(z, 0, sizeof *z);
}

const struct quiz_q *
quiz_at(const struct quiz *z, size_t ev)
{
	size_t lo = 0, hi = z->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->q[mid].ev < ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < z->n && z->q[lo].ev == ev ? &z->q[lo] : NULL;
}

const char *
quiz_text(const struct quiz_q *q)
{
	if (q->kind == QUIZ_FLAGS)
		return q->who == EV_CLIENT ?
		    /* TRANSLATORS: the quiz; flag names in the choices stay
		       as written (SYN-ACK). */
		    N_("The client sends the next segment. Which flags does it "
		    "carry?") :
		    N_("The server sends the next segment. Which flags does it "
		    "carry?");
	return q->who == EV_CLIENT ?
	    /* TRANSLATORS: the quiz; state names in the choices stay as
	       written (TIME_WAIT). */
	    N_("With the next segment, which state does the client enter?") :
	    N_("With the next segment, which state does the server enter?");
}

int
quiz_answer(struct quiz *z, const struct quiz_q *q, int choice)
{
	int right = choice == q->answer;

	z->asked++;
	z->right += right;
	return right;
}
