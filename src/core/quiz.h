/* SPDX-License-Identifier: ISC */
/*
 * The quiz: before a segment that changes something is shown, ask what
 * comes next -- which flags it carries, or which state an endpoint
 * enters -- with 3 or 4 choices, the answer taken from the timeline and
 * the wrong choices from the mistakes learners make (SYN-ACK for SYN,
 * FIN_WAIT_2 for TIME_WAIT ...).  Pure: questions are built from a
 * finished timeline; the shell asks them (UI keys 1-4, or stdin).
 *
 * Which segments: every TCP segment with SYN, FIN or RST, and every one
 * that moves an endpoint's state.  A segment with both gets a flags and
 * a state question in turn (the first a flags one), so a lesson mixes
 * the two.  Choices are placed by a fixed rule (no randomness): the same
 * lesson asks the same questions, so a class and a test can follow.
 */
#ifndef QUIZ_H
#define QUIZ_H

#include <stddef.h>

#include "ev.h"
#include "timeline.h"

#define QUIZ_CHOICES	4
#define QUIZ_CHOICE_LEN	24

enum quiz_kind {
	QUIZ_FLAGS,		/* which flags the next segment carries */
	QUIZ_STATE,		/* which state `who` enters */
};

struct quiz_q {
	size_t		ev;		/* the segment's event: ask before it */
	enum quiz_kind	kind;
	enum ev_side	who;		/* the sender (flags), the endpoint
					   (state) */
	int		nchoices;	/* 3 or 4 */
	int		answer;		/* 0-based index into choice */
	char		choice[QUIZ_CHOICES][QUIZ_CHOICE_LEN];
};

struct quiz {
	struct quiz_q	*q;
	size_t		 n;
	int		 asked;		/* the score so far */
	int		 right;
};

/* Build the questions for every held conn of tl, in timeline order. */
void		 quiz_build(struct quiz *, const struct timeline *tl);
void		 quiz_clear(struct quiz *);
/* The question about event ev, or NULL. */
const struct quiz_q *quiz_at(const struct quiz *, size_t ev);
/* The question as a sentence: an English message id (msg.h) that whoever
 * asks it translates ("Which state does the client enter next?"). */
const char	*quiz_text(const struct quiz_q *);
/* Record an answer (0-based); returns whether it was right. */
int		 quiz_answer(struct quiz *, const struct quiz_q *, int choice);

#endif
