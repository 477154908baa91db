/* SPDX-License-Identifier: ISC */
/*
 * --quiz: a lesson or a lab run first (the kernel does not wait for a
 * class to guess), then shown step by step, with a question before each
 * segment that changes something (quiz.h), the answer revealed with the
 * narration's why, and the score at the end.  In the UI the keys 1-4
 * answer; with --text the questions go to standard output and the
 * answers come from standard input, one a line, so a quiz can be
 * scripted.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "demo.h"
#include "i18n.h"
#include "i18n_init.h"
#include "narrate.h"
#include "out.h"
#include "quiz.h"
#include "timeline.h"
#include "ui.h"
#include "xmalloc.h"

/* An answer from `in`: 1..n, or 0 at its end. */
static int
cmd_quiz_read(FILE *in, FILE *out, int n)
{
	char line[64];
	char *end;
	long v;

	for (;;) {
		if (fgets(line, sizeof line, in) == NULL)
			return 0;
		v = strtol(line, &end, 10);
		if (end != line && (*end == '\n' || *end == '\0' ||
		    *end == '\r') && v >= 1 && v <= n)
			return (int)v;
		/* TRANSLATORS: the quiz asks again; %d is 3 or 4. */
		fprintf(out, _("Answer with a number from 1 to %d:\n"), n);
		fflush(out);
	}
}

static void
cmd_quiz_score(const struct quiz *z, FILE *out)
{
	/* TRANSLATORS: the quiz's score at the end of the lesson. */
	fprintf(out, P_("Quiz: %d of %d answer right.\n",
	    "Quiz: %d of %d answers right.\n", z->asked), z->right, z->asked);
}

static int
cmd_quiz_text(const struct timeline *tl, FILE *in, FILE *out)
{
	struct ev evb;
	struct quiz z;
	const struct quiz_q *q;
	const struct ev *e;
	struct sink *sink = out_text_new(out, OUT_TEXT_FULL);
	char why[NARRATE_MAX];
	size_t i, n = timeline_len(tl);
	int a, c;
	bool asking = true;

	quiz_build(&z, tl);
	for (i = timeline_first(tl); i < n; i++) {
		if ((e = timeline_get(tl, i, &evb)) == NULL)
			continue;
		if (asking && (q = quiz_at(&z, i)) != NULL) {
			out_text_end_line(sink);
			fprintf(out, "\n? %s\n", _(quiz_text(q)));
			for (c = 0; c < q->nchoices; c++)
				fprintf(out, "  %d) %s\n", c + 1, q->choice[c]);
			fprintf(out, _("Answer with a number from 1 to %d:\n"),
			    q->nchoices);
			fflush(out);
			if ((a = cmd_quiz_read(in, out, q->nchoices)) == 0) {
				/* No more answers: show the rest. */
				asking = false;
			} else {
				if (quiz_answer(&z, q, a - 1))
					fprintf(out, "%s\n", _("Right."));
				else
					/* TRANSLATORS: %s is the right
					   choice (SYN-ACK, TIME_WAIT). */
					fprintf(out, _("Not quite: it is "
					    "%s.\n"), q->choice[q->answer]);
				narrate_event(tl, i, why, sizeof why);
				/* TRANSLATORS: the narration of the step
				   follows. */
				fprintf(out, _("Why: %s\n\n"), why);
			}
		}
		sink_emit(sink, e);
	}
	sink_close(sink);
	cmd_quiz_score(&z, out);
	fflush(out);
	quiz_clear(&z);
	return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------ the UI */

/*
 * The UI's quiz: questions rebuilt whenever the timeline has grown (a
 * keyboard lab's), answers remembered by their segment's event, so a
 * question asked stays the same and is never asked twice.
 */
struct cmd_quiz_ui {
	const struct timeline	*tl;
	bool			 live;		/* more may come: no "over" */
	size_t			 built;		/* timeline_len() when built */
	struct quiz		 z;
	struct quiz_q		 pend;		/* asked, not answered yet */
	bool			 pending;
	size_t			*answered;	/* events, in answer order */
	size_t			 nans;
	size_t			 capans;
	size_t			 seen;		/* the newest event passed */
	int			 asked;
	int			 right;
	char			 text[640];
	char			 line[256];
	char			 verdict[256];	/* on the last answer */
};

struct cmd_quiz_ui *
cmd_quiz_ui_new(const struct timeline *tl, bool live)
{
	struct cmd_quiz_ui *u = xcalloc(1, sizeof *u);

	u->tl = tl;
	u->live = live;
	return u;
}

void
cmd_quiz_ui_free(struct cmd_quiz_ui *u)
{
	if (u == NULL)
		return;
	quiz_clear(&u->z);
	free(u->answered);
	free(u);
}

bool
cmd_quiz_ui_pending(const struct cmd_quiz_ui *u)
{
	return u->pending;
}

static bool
cmd_quiz_ui_answered(const struct cmd_quiz_ui *u, size_t ev)
{
	size_t i;

	for (i = 0; i < u->nans; i++)
		if (u->answered[i] == ev)
			return true;
	return false;
}

int
cmd_quiz_ui_gate(void *arg, size_t ev)
{
	struct cmd_quiz_ui *u = arg;
	const struct quiz_q *q;

	if (timeline_len(u->tl) != u->built) {
		quiz_clear(&u->z);
		quiz_build(&u->z, u->tl);
		u->built = timeline_len(u->tl);
	}
	if (ev > u->seen)
		u->seen = ev;
	if (u->pending)
		return u->pend.ev == ev;
	q = quiz_at(&u->z, ev);
	if (q == NULL || cmd_quiz_ui_answered(u, ev))
		return 0;
	u->pend = *q;
	u->pending = true;
	return 1;
}

const char *
cmd_quiz_ui_note(void *arg)
{
	struct cmd_quiz_ui *u = arg;
	size_t o;
	int c;

	if (!u->pending)
		return NULL;
	/* The last answer's verdict first: a question may follow it at
	 * once (a lab's keys make several segments). */
	o = (size_t)snprintf(u->text, sizeof u->text, "%s%s%s", u->verdict,
	    u->verdict[0] != '\0' ? "  " : "", _(quiz_text(&u->pend)));
	for (c = 0; c < u->pend.nchoices && o < sizeof u->text; c++)
		o += (size_t)snprintf(u->text + o, sizeof u->text - o,
		    "   %d) %s", c + 1, u->pend.choice[c]);
	return u->text;
}

int
cmd_quiz_ui_key(void *arg, enum ui_key key)
{
	struct cmd_quiz_ui *u = arg;
	const struct quiz_q *q = &u->pend;
	int c = (int)key - UI_K_ANSWER1;

	if (!u->pending || key < UI_K_ANSWER1 || key > UI_K_ANSWER4 ||
	    c >= q->nchoices)
		return 0;
	if (u->nans == u->capans) {
		u->capans = u->capans ? u->capans * 2 : 32;
		u->answered = xreallocarray(u->answered, u->capans,
		    sizeof *u->answered);
	}
	u->answered[u->nans++] = q->ev;
	u->pending = false;
	u->asked++;
	if (c == q->answer) {
		u->right++;
		/* TRANSLATORS: the quiz's verdict on the status line, with
		   the score so far. */
		snprintf(u->line, sizeof u->line, _("Right. Score: %d of %d"),
		    u->right, u->asked);
	} else
		/* TRANSLATORS: the right choice (SYN-ACK), then the score
		   so far. */
		snprintf(u->line, sizeof u->line, _("Not quite: it is %s. "
		    "Score: %d of %d"), q->choice[q->answer], u->right,
		    u->asked);
	snprintf(u->verdict, sizeof u->verdict, "%s", u->line);
	/* Show the step, whose narration says why; live, go on to the
	 * newest (or the next question). */
	return u->live ? 3 : 2;
}

const char *
cmd_quiz_ui_prompt(void *arg)
{
	struct cmd_quiz_ui *u = arg;

	if (u->pending) {
		/* TRANSLATORS: the quiz asks; keys 1-4 answer. */
		snprintf(u->line, sizeof u->line, _("quiz: keys 1-%d answer "
		    "(score %d of %d)"), u->pend.nchoices, u->right,
		    u->asked);
		return u->line;
	}
	/* Past the last question (one on the first step shown is never
	 * asked: it is on screen from the start). */
	if (!u->live && u->asked > 0 && u->z.n > 0 &&
	    u->z.q[u->z.n - 1].ev <= u->seen) {
		snprintf(u->line, sizeof u->line, P_("Quiz over: %d of %d "
		    "answer right (q quits)", "Quiz over: %d of %d answers "
		    "right (q quits)", u->asked), u->right, u->asked);
		return u->line;
	}
	return u->line[0] != '\0' ? u->line : NULL;
}

void
cmd_quiz_ui_score(const struct cmd_quiz_ui *u, FILE *out)
{
	/* TRANSLATORS: the quiz's score at the end of the lesson. */
	fprintf(out, P_("Quiz: %d of %d answer right.\n",
	    "Quiz: %d of %d answers right.\n", u->asked), u->right, u->asked);
}

static int
cmd_quiz_ui(struct timeline *tl, const char *title, char *err, size_t len)
{
	struct cmd_quiz_ui *u = cmd_quiz_ui_new(tl, false);
	struct ui_feed feed = { .fd = -1, .key = cmd_quiz_ui_key,
	    .prompt = cmd_quiz_ui_prompt, .gate = cmd_quiz_ui_gate,
	    .note = cmd_quiz_ui_note, .karg = u };
	struct ui_opts uo;
	int urc;

	memset(&uo, 0, sizeof uo);
	uo.title = title;
	uo.lang_missing = i18n_missing();
	uo.start = UI_START_REPLAY;
	uo.mode = UI_MODE_REPLAY | UI_MODE_QUIZ;
	urc = ui_main(tl, &uo, &feed);
	if (urc != UI_NO_TERMINAL)
		cmd_quiz_ui_score(u, stderr);
	cmd_quiz_ui_free(u);
	if (urc == UI_NO_TERMINAL) {
		snprintf(err, len, "%s",
		    _("cannot open the terminal UI (use --text)"));
		return -1;
	}
	return 0;
}

int
cmd_quiz_run(struct demo *demo, const struct output *out, const char *title,
    char *err, size_t len)
{
	struct timeline *tl;
	int rc;

	tl = timeline_new(cmd_env_cap("SYNFIN_MAX_EVENTS", CMD_TL_MAX));
	rc = demo_run(demo, timeline_sink(tl), err, len);
	if (rc == 0) {
		if (cmd_wants_ui(out))
			rc = cmd_quiz_ui(tl, title, err, len);
		else if (cmd_quiz_text(tl, stdin, stdout) != 0) {
			snprintf(err, len, "%s", strerror(errno));
			rc = -1;
		}
	}
	timeline_free(tl);
	return rc;
}
