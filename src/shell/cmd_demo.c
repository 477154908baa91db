/* SPDX-License-Identifier: ISC */
/* synfin demo [NAME]: a lesson run for real, drawn or printed. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "demo.h"
#include "engine.h"
#include "i18n.h"
#include "i18n_init.h"
#include "scenario.h"
#include "timeline.h"
#include "ui.h"
#include "writer.h"

static int
cmd_demo_list(void)
{
	const struct scenario *s;
	int i;

	for (i = 0; (s = scenario_at(i)) != NULL; i++)
		printf("%-20s %s\n", s->name, _(s->summary));
	return EXIT_OK;
}

/* The demo drawn live: its frames and calls land in the UI's timeline. */
struct cmd_demo_feed {
	struct demo	*demo;
	struct engine	*e;
	bool		 done;
};

static int
cmd_demo_ready(void *arg)
{
	struct cmd_demo_feed *f = arg;
	int rc;

	if (f->done)
		return 1;
	if ((rc = demo_service(f->demo)) != 0) {
		engine_finish(f->e);
		f->done = true;
	}
	return rc;
}

static const char *
cmd_demo_held(void *arg)
{
	return demo_held(((struct cmd_demo_feed *)arg)->demo);
}

static void
cmd_demo_release(void *arg)
{
	demo_release(((struct cmd_demo_feed *)arg)->demo);
}

int
cmd_demo_ui(struct demo *demo, const char *title, const struct ui_feed *keys,
    struct timeline *given, char *err, size_t len)
{
	struct cmd_demo_feed mf = { .demo = demo };
	struct ui_feed feed = { .on_ready = cmd_demo_ready,
	    .held = cmd_demo_held, .release = cmd_demo_release, .arg = &mf };
	struct engine_config cfg;
	struct ui_opts uo = { .title = NULL };
	struct timeline *tl;
	int urc;

	tl = given != NULL ? given :
	    timeline_new(cmd_env_cap("SYNFIN_MAX_EVENTS", CMD_TL_MAX));
	cmd_engine_config(&cfg);
	mf.e = engine_new(&cfg, timeline_sink(tl));
	feed.fd = demo_fd(demo);
	if (keys != NULL) {
		feed.key = keys->key;
		feed.mode = keys->mode;
		feed.prompt = keys->prompt;
		feed.gate = keys->gate;
		feed.note = keys->note;
		feed.karg = keys->karg;
	}
	uo.title = title;
	uo.lang_missing = i18n_missing();
	uo.start = UI_START_LIVE;
	uo.mode = UI_MODE_DEMO;
	demo_start(demo, mf.e);
	urc = ui_main(tl, &uo, &feed);
	if (!mf.done)
		engine_finish(mf.e);
	engine_free(mf.e);
	if (given == NULL)
		timeline_free(tl);
	if (demo_dump_close(demo, err, len) != 0)
		return -1;
	if (urc == UI_NO_TERMINAL) {
		snprintf(err, len, "%s",
		    _("cannot open the terminal UI (use --text)"));
		return -1;
	}
	if (demo_error(demo, err, len) != NULL) {
		/* A peer died: the UI showed it; say it once more here. */
		return -1;
	}
	err[0] = '\0';
	return urc;	/* 128+signal after a signal */
}

int
cmd_demo(const struct cmd_opts *o, int argc, char **argv)
{
	struct demo_opts d = { .port = (uint16_t)o->port,
	    .pace_ms = (int)o->pace_ms, .step = o->step };
	struct output out = o->out;
	struct output_run *run;
	struct demo_stats st;
	struct demo *demo;
	struct sink *sink;
	char err[512], what[64];
	int perm, rc;

	if (o->list)
		return cmd_demo_list();
	if (argc > 1)
		return cmd_usage_error(_("demo takes one lesson name, not "
		    "'%s'"), argv[1]);
	d.scn = scenario_find(argc == 1 ? argv[0] : "handshake");
	if (d.scn == NULL)
		return cmd_usage_error(_("unknown lesson '%s' (synfin demo "
		    "--list shows them)"), argv[0]);
	if (o->out.mode == OUTPUT_SUMMARY)
		return cmd_usage_error("%s",
		    _("--summary is for replay and live"));
	/* Every path is checked, its file opened, before the lesson. */
	if (output_prepare(&out, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", out.svg, err);
		return EXIT_INPUT;
	}
	if (o->wfile != NULL && (d.dump = writer_start(o->wfile,
	    WRITER_RECORDS, err, sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->wfile, err);
		output_release(&out);
		return EXIT_INPUT;
	}
	if ((demo = demo_new(&d, &perm, err, sizeof err)) == NULL) {
		output_release(&out);
		fprintf(stderr, "synfin: demo: %s\n", err);
		if (perm)
			cmd_capture_fix(true);
		return EXIT_INPUT;
	}
	if (o->quiz) {
		snprintf(what, sizeof what, "demo %s --quiz", d.scn->name);
		rc = cmd_quiz_run(demo, &out, what, err, sizeof err);
		output_release(&out);
	} else if (cmd_wants_ui(&out)) {
		snprintf(what, sizeof what, "demo %s", d.scn->name);
		rc = cmd_demo_ui(demo, what, NULL, NULL, err, sizeof err);
	}
	else {
		run = output_open(&out, &sink);
		rc = demo_run(demo, sink, err, sizeof err);
		snprintf(what, sizeof what, "demo %s", d.scn->name);
		if (output_close(run, what) != 0 && rc == 0) {
			rc = -1;
			err[0] = '\0';
		}
	}
	demo_stats(demo, &st);
	if (rc != 0 && err[0] != '\0')
		fprintf(stderr, "synfin: demo: %s\n", err);
	if (st.first_syn_ms >= 0)
		fprintf(stderr, _("synfin demo %s: %" PRIu64 " packets "
		    "captured, %" PRIu64 " dropped; first packet %" PRId64
		    " ms after the start; CapEff %llx while parsing\n"),
		    d.scn->name, st.received, st.dropped, st.first_syn_ms,
		    st.capeff);
	else
		fprintf(stderr, _("synfin demo %s: 0 packets captured, %"
		    PRIu64 " dropped; no packet came; CapEff %llx while "
		    "parsing\n"), d.scn->name, st.dropped, st.capeff);
	demo_free(demo);
	if (rc > 128)
		return rc;
	if (rc == 0 && demo_signal() != 0)
		return 128 + demo_signal();
	return rc == 0 ? EXIT_OK : EXIT_INPUT;
}
