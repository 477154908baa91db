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
#include "narrate.h"
#include "out.h"
#include "quiz.h"
#include "timeline.h"
#include "ui.h"

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
		if ((e = timeline_at(tl, i)) == NULL)
			continue;
		if (asking && (q = quiz_at(&z, i)) != NULL) {
			out_text_end_line(sink);
			fprintf(out, "\n? %s\n", quiz_text(q));
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

struct cmd_quiz_ui {
	struct quiz		 z;
	const struct quiz_q	*pending;	/* asked, not answered yet */
	unsigned char		*done;		/* by question */
	size_t			 seen;		/* the newest event passed */
	char			 text[512];
	char			 line[256];
};

static int
cmd_quiz_gate(void *arg, size_t ev)
{
	struct cmd_quiz_ui *u = arg;
	const struct quiz_q *q = quiz_at(&u->z, ev);

	if (ev > u->seen)
		u->seen = ev;
	if (q == NULL || u->done[q - u->z.q])
		return 0;
	u->pending = q;
	return 1;
}

static const char *
cmd_quiz_note(void *arg)
{
	struct cmd_quiz_ui *u = arg;
	const struct quiz_q *q = u->pending;
	size_t o;
	int c;

	if (q == NULL)
		return NULL;
	o = (size_t)snprintf(u->text, sizeof u->text, "%s", quiz_text(q));
	for (c = 0; c < q->nchoices && o < sizeof u->text; c++)
		o += (size_t)snprintf(u->text + o, sizeof u->text - o,
		    "   %d) %s", c + 1, q->choice[c]);
	return u->text;
}

static int
cmd_quiz_key(void *arg, int ch)
{
	struct cmd_quiz_ui *u = arg;
	const struct quiz_q *q = u->pending;

	if (q == NULL || ch < '1' || ch >= '1' + q->nchoices)
		return 0;
	u->done[q - u->z.q] = 1;
	u->pending = NULL;
	if (quiz_answer(&u->z, q, ch - '1'))
		/* TRANSLATORS: the quiz's verdict on the status line, with
		   the score so far. */
		snprintf(u->line, sizeof u->line, _("Right. Score: %d of %d"),
		    u->z.right, u->z.asked);
	else
		/* TRANSLATORS: the right choice (SYN-ACK), then the score
		   so far. */
		snprintf(u->line, sizeof u->line, _("Not quite: it is %s. "
		    "Score: %d of %d"), q->choice[q->answer], u->z.right,
		    u->z.asked);
	return 2;	/* and show the step: the narration says why */
}

static const char *
cmd_quiz_prompt(void *arg)
{
	struct cmd_quiz_ui *u = arg;

	if (u->pending != NULL) {
		/* TRANSLATORS: the quiz asks; keys 1-4 answer. */
		snprintf(u->line, sizeof u->line, _("quiz: keys 1-%d answer "
		    "(score %d of %d)"), u->pending->nchoices, u->z.right,
		    u->z.asked);
		return u->line;
	}
	/* Past the last question (one on the first step shown is never
	 * asked: it is on screen from the start). */
	if (u->z.asked > 0 && u->z.q[u->z.n - 1].ev <= u->seen) {
		snprintf(u->line, sizeof u->line, P_("Quiz over: %d of %d "
		    "answer right (q quits)", "Quiz over: %d of %d answers "
		    "right (q quits)", u->z.asked), u->z.right, u->z.asked);
		return u->line;
	}
	return u->line[0] != '\0' ? u->line : NULL;
}

static int
cmd_quiz_ui(struct timeline *tl, const char *title, char *err, size_t len)
{
	struct cmd_quiz_ui u;
	struct ui_feed feed = { .fd = -1, .key = cmd_quiz_key,
	    .prompt = cmd_quiz_prompt, .gate = cmd_quiz_gate,
	    .note = cmd_quiz_note, .karg = &u };
	struct ui_opts uo;
	int urc;

	memset(&u, 0, sizeof u);
	memset(&uo, 0, sizeof uo);
	quiz_build(&u.z, tl);
	u.done = calloc(u.z.n ? u.z.n : 1, 1);
	if (u.done == NULL) {
		quiz_clear(&u.z);
		snprintf(err, len, "%s", strerror(ENOMEM));
		return -1;
	}
	uo.title = title;
	uo.start = UI_START_REPLAY;
	urc = ui_main(tl, &uo, &feed);
	if (urc != UI_NO_TERMINAL)
		cmd_quiz_score(&u.z, stderr);
	quiz_clear(&u.z);
	free(u.done);
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
