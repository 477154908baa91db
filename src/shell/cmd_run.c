/* SPDX-License-Identifier: ISC */
/* synfin run [--server CMD] -- PROGRAM [ARGS...]: your own programs. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "i18n.h"
#include "i18n_init.h"
#include "run.h"
#include "timeline.h"
#include "ui.h"
#include "writer.h"

/* The run drawn live: its frames, calls and output land in the UI. */
struct cmd_run_feed {
	struct run	*run;
	struct engine	*e;
	bool		 done;
};

static int
cmd_run_ready(void *arg)
{
	struct cmd_run_feed *f = arg;
	int rc;

	if (f->done)
		return 1;
	if ((rc = run_service(f->run)) != 0) {
		engine_finish(f->e);
		f->done = true;
	}
	return rc;
}

static int
cmd_run_ui(struct run *run, const char *prog, int *sig, char *err,
    size_t len)
{
	struct cmd_run_feed mf = { .run = run };
	struct ui_feed feed = { .on_ready = cmd_run_ready, .arg = &mf };
	struct engine_config cfg;
	struct ui_opts uo = { .start = UI_START_LIVE, .newest = true,
	    .mode = UI_MODE_RUN };
	struct timeline *tl;
	char title[128], banner[160];
	int urc;

	tl = timeline_new(cmd_env_cap("SYNFIN_MAX_EVENTS", CMD_TL_MAX));
	cmd_engine_config(&cfg);
	mf.e = engine_new(&cfg, timeline_sink(tl));
	feed.fd = run_fd(run);
	snprintf(title, sizeof title, "run %s", prog);	/* an argv[0] */
	uo.title = title;
	/* TRANSLATORS: on the empty ladder until the first packet; %s is
	   the program. */
	snprintf(banner, sizeof banner, _("Running %s on a private "
	    "loopback; its output: o"), prog);
	uo.banner = banner;
	uo.lang_missing = i18n_missing();
	run_start(run, mf.e);
	urc = ui_main(tl, &uo, &feed);
	if (!mf.done)
		engine_finish(mf.e);
	engine_free(mf.e);
	timeline_free(tl);
	if (urc == UI_NO_TERMINAL) {
		snprintf(err, len, "%s",
		    _("cannot open the terminal UI (use --text)"));
		return -1;
	}
	*sig = urc > 128 ? urc - 128 : 0;
	return 0;
}

int
cmd_run(const struct cmd_opts *o, int argc, char **argv)
{
	struct run_opts ro = { .server = o->server, .argv = argv };
	struct output out = o->out;
	struct output_run *orun;
	struct run_stats st;
	struct run *run;
	struct sink *sink;
	char err[512];
	int perm, rc, sig = 0, status;
	bool ui;

	if (argc == 0)
		return cmd_usage_error("%s", _("run needs a PROGRAM (synfin "
		    "run -- PROGRAM [ARGS...])"));
	if (o->server != NULL && o->server[0] == '\0')
		return cmd_usage_error("%s", _("--server wants a command"));
	/* Every path is checked, its file opened, before the programs. */
	if (output_prepare(&out, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", out.svg, err);
		return EXIT_INPUT;
	}
	if (o->wfile != NULL && (ro.dump = writer_start(o->wfile,
	    WRITER_RECORDS, err, sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->wfile, err);
		output_release(&out);
		return EXIT_INPUT;
	}
	ui = cmd_wants_ui(&out);
	/* On a terminal the UI has the keyboard; else PROGRAM reads it. */
	ro.stdin_pass = !ui;
	if ((run = run_new(&ro, &perm, err, sizeof err)) == NULL) {
		output_release(&out);
		fprintf(stderr, "synfin: run: %s\n", err);
		if (perm)
			cmd_capture_fix(true);
		return EXIT_INPUT;
	}
	if (ui)
		rc = cmd_run_ui(run, argv[0], &sig, err, sizeof err);
	else {
		orun = output_open(&out, &sink);
		rc = run_run(run, sink, err, sizeof err);
		if (output_close(orun, "run") != 0 && rc == 0) {
			rc = -1;
			err[0] = '\0';
		}
		sig = run_signal(run);
	}
	run_stats(run, &st);
	status = run_exit_status(run);
	if (rc != 0 && err[0] != '\0')
		fprintf(stderr, "synfin: run: %s\n", err);
	fprintf(stderr, _("synfin run: %" PRIu64 " socket calls traced, %"
	    PRIu64 " packets captured, %" PRIu64 " dropped; CapEff %llx "
	    "while parsing\n"), st.calls, st.received, st.dropped,
	    st.capeff);
	run_free(run);
	if (sig != 0)
		return 128 + sig;
	if (rc != 0)
		return EXIT_INPUT;
	/* As strace: PROGRAM's own status; after q in the UI, 0 if it
	 * was still running. */
	if (status < 0 && ui)
		return EXIT_OK;
	return status >= 0 ? status : EXIT_INPUT;
}
