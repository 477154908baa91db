/* SPDX-License-Identifier: ISC */
/* synfin replay FILE [FILTER...]: a capture file through the engine. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "capture.h"
#include "cmd.h"
#include "engine.h"
#include "i18n.h"
#include "i18n_init.h"
#include "load.h"
#include "msg_text.h"
#include "out.h"
#include "sandbox.h"
#include "timeline.h"
#include "ui.h"

#define CMD_REPLAY_QUIET_NS	500000000LL	/* none for a short load */

/*
 * The UI opens once the capture is read: a load that takes longer than
 * half a second says how far it is on the terminal (stderr), a line
 * redrawn in place and erased at the end.
 */
struct cmd_replay_progress {
	const char	*path;
	int64_t		 t0;
	bool		 tty;
	bool		 shown;
};

static void
cmd_replay_progress(void *arg, uint64_t frames, int pct)
{
	struct cmd_replay_progress *p = arg;

	if (!p->tty || pct < 0 || clock_ns(CLOCK_MONOTONIC) - p->t0 <
	    CMD_REPLAY_QUIET_NS)
		return;
	/* TRANSLATORS: a progress line, redrawn in place: %s is the
	   file, then a percentage and a count of packets. */
	fprintf(stderr, _("\rsynfin: reading %s: %d%%, %" PRIu64
	    " packets"), p->path, pct, frames);
	fflush(stderr);
	p->shown = true;
}

/*
 * The terminal UI over a timeline of the whole capture.  Without a usable
 * terminal (no TERM, say), the timeline is printed as --text would.
 */
static int
cmd_replay_ui(struct capture *cap, const char *path, uint64_t count)
{
	struct engine_config cfg;
	struct ui_opts uo = { .title = NULL };
	struct cmd_replay_progress pr = { path, clock_ns(CLOCK_MONOTONIC),
	    isatty(STDERR_FILENO) != 0, false };
	struct timeline *tl;
	struct sink *text;
	const char *base;
	struct msg err = { 0 };
	char why[MSG_TEXT_MAX], title[256];
	int rc = EXIT_OK, urc;

	tl = timeline_new(cmd_env_cap("SYNFIN_MAX_EVENTS", CMD_TL_MAX));
	/* A file read again for payloads needs no copy of them. */
	if (capture_index(cap))
		timeline_set_payload_source(tl, capture_payload, cap);
	cmd_engine_config(&cfg);
	if (load_timeline(cap, tl, &cfg, count, cmd_replay_progress, &pr,
	    &err) != 0)
		rc = EXIT_INPUT;
	if (pr.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	base = strrchr(path, '/');
	snprintf(title, sizeof title, "replay %s", base != NULL ? base + 1 :
	    path);
	uo.title = title;
	uo.lang_missing = i18n_missing();
	uo.start = UI_START_REPLAY;
	urc = ui_main(tl, &uo, NULL);
	if (urc == UI_NO_TERMINAL) {
		text = out_text_new(stdout, OUT_TEXT_FULL);
		timeline_replay(tl, text);
		sink_close(text);
	} else if (urc != 0)
		rc = urc;
	if (rc == EXIT_INPUT)
		fprintf(stderr, "synfin: %s: %s\n", path,
		    msg_text(&err, true, why, sizeof why));
	timeline_free(tl);
	capture_close(cap);
	return rc;
}

int
cmd_replay(const char *path, const char *filter, uint64_t count,
    struct output *o)
{
	struct output_run *run;
	struct engine_config cfg;
	struct engine *e;
	struct capture *cap;
	struct sink *sink;
	struct msg rerr = { 0 };
	char err[MSG_TEXT_MAX] = "", lt[128];
	int rc = EXIT_OK;
	FILE *fp;

	if (strcmp(path, "-") == 0 && isatty(STDIN_FILENO)) {
		fprintf(stderr, _("synfin: -: standard input is a terminal, "
		    "not a capture (pipe one in, or name a file)\n"));
		return EXIT_INPUT;
	}
	/* Every path is checked, its file opened, before the first byte
	 * is read. */
	if (output_prepare(o, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", o->svg, err);
		return EXIT_INPUT;
	}
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", path, strerror(errno));
		output_release(o);
		return EXIT_INPUT;
	}
	/* The file is open: parse it as the invoking user under sudo (or
	 * nobody as root), without a capability (a setcap'd binary has
	 * some), as demo and live do. */
	if (sandbox_drop(err, sizeof err) != 0) {
		fprintf(stderr, _("synfin: cannot drop privileges: %s\n"),
		    err);
		if (fp != stdin)
			fclose(fp);
		output_release(o);
		return EXIT_INPUT;
	}
	if ((cap = capture_open_fp(fp, err, sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", path, err);
		output_release(o);
		return EXIT_INPUT;
	}
	if (!dec_linktype_supported(capture_linktype(cap))) {
		capture_linktype_desc(capture_linktype(cap), lt, sizeof lt);
		fprintf(stderr, _("synfin: %s: unsupported link type %s\n"),
		    path, lt);
		capture_close(cap);
		output_release(o);
		return EXIT_INPUT;
	}
	if (filter != NULL && capture_set_filter(cap, filter, err,
	    sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", path, err);
		capture_close(cap);
		output_release(o);
		return EXIT_INPUT;
	}

	/* A person at a terminal gets the UI; pipes and files get text. */
	if (cmd_wants_ui(o))
		return cmd_replay_ui(cap, path, count);
	run = output_open(o, &sink);
	cmd_engine_config(&cfg);
	cfg.max_flows = output_max_flows(o, cfg.max_flows);
	e = engine_new(&cfg, sink);
	if (capture_run(cap, e, count, &rerr) != 0) {
		/* Show what was read, then say why it stopped: in every
		 * output (--json shows the English id), and on stderr in
		 * the user's language. */
		engine_warn(e, 0, 0, &rerr);
		rc = EXIT_INPUT;
	}
	engine_finish(e);
	engine_free(e);
	capture_close(cap);
	if (output_close(run, path) != 0)
		rc = EXIT_INPUT;
	if (rc != EXIT_OK && rerr.id != NULL)
		fprintf(stderr, "synfin: %s: %s\n", path,
		    msg_text(&rerr, true, err, sizeof err));
	return rc;
}
