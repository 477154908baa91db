/* SPDX-License-Identifier: ISC */
/*
 * synfin live -i IFACE [FILTER...]: an interface until q, Ctrl-C or -c.
 * On a terminal the UI follows the newest conversation; otherwise text,
 * JSON or a summary.  Either way each frame is shown as soon as the
 * capture hands it over: the capture is in immediate mode, and whatever
 * a sink holds back for the next event is flushed when nothing more is
 * waiting.
 */
#include "config.h"

#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "capture.h"
#include "cmd.h"
#include "engine.h"
#include "i18n.h"
#include "i18n_init.h"
#include "msg_text.h"
#include "sandbox.h"
#include "timeline.h"
#include "ui.h"
#include "writer.h"

/* Frames read in one go before the UI gets to draw and read keys. */
#define CMD_LIVE_BATCH	4096
/* How often the engine hears the time without a packet: a state change
 * waiting for evidence is decided 200 ms after its segment (engine.h). */
#define CMD_LIVE_TICK_MS	50

static volatile sig_atomic_t cmd_live_stop;

struct cmd_live {
	const struct cmd_opts *o;
	struct capture	*cap;
	struct engine	*e;
	uint64_t	 fed;
	bool		 failed;
	bool		 done;
	struct msg	 rerr;		/* why capture_next() failed */
	char		 err[MSG_TEXT_MAX];
};

static void
cmd_live_on_signal(int sig)
{
	cmd_live_stop = sig;
}

/*
 * Feed the frames waiting now, at most `max`.  Returns 0 when nothing
 * more is waiting, 1 when -c is reached, -1 on a capture error (in
 * l->rerr), 2 when `max` frames were fed and more may wait.
 */
static int
cmd_live_drain(struct cmd_live *l, size_t max)
{
	struct capture_frame f;
	size_t i;
	int n;

	for (i = 0; i < max; i++) {
		if (l->o->count != 0 && l->fed >= l->o->count)
			return 1;
		n = capture_next(l->cap, &f, &l->rerr);
		if (n == CAPTURE_ERROR) {
			l->failed = true;
			return -1;
		}
		if (n == CAPTURE_END)
			return 1;
		if (n != CAPTURE_FRAME) {
			/* Nothing waits: a receiver's silence is evidence
			 * too (engine_tick()), on the clock libpcap stamps
			 * live frames with. */
			engine_tick(l->e, clock_ns(CLOCK_REALTIME));
			return 0;
		}
		engine_frame(l->e, f.frame, f.ts_ns, f.linktype, f.data,
		    f.caplen, f.wirelen);
		l->fed++;
	}
	return l->o->count != 0 && l->fed >= l->o->count ? 1 : 2;
}

/* What is captured, said before the first packet (stderr or the UI). */
static void
cmd_live_banner(const struct cmd_live *l, char *buf, size_t len)
{
	const char *filter = capture_filter(l->cap);
	char lt[128];

	capture_linktype_desc(capture_linktype(l->cap), lt, sizeof lt);
	if (filter == NULL)
		snprintf(buf, len, _("Capturing on %s, link type %s: every "
		    "packet, no filter."), l->o->iface, lt);
	else if (capture_quotes_icmp(l->cap))
		snprintf(buf, len, _("Capturing on %s, link type %s, filter "
		    "'%s' (run in the kernel); ICMP errors that quote a "
		    "matching packet are kept too."), l->o->iface, lt, filter);
	else
		snprintf(buf, len, _("Capturing on %s, link type %s, filter "
		    "'%s' (run in the kernel)."), l->o->iface, lt, filter);
}

/* The UI's feed: the capture's descriptor is readable. */
static int
cmd_live_ready(void *arg)
{
	struct cmd_live *l = arg;
	int rc;

	if (l->done)
		return 1;
	/* Also called every CMD_LIVE_TICK_MS: draining nothing ticks. */
	rc = cmd_live_drain(l, CMD_LIVE_BATCH);
	if (rc == 0 || rc == 2)
		return 0;
	engine_finish(l->e);
	l->done = true;
	return rc < 0 ? -1 : 1;
}

static int
cmd_live_ui(struct cmd_live *l, const char *banner)
{
	struct ui_feed feed = { .on_ready = cmd_live_ready, .arg = l,
	    .tick_ms = CMD_LIVE_TICK_MS };
	struct ui_opts uo = { .start = UI_START_LIVE, .banner = banner,
	    .newest = true };
	struct engine_config cfg;
	struct timeline *tl;
	const char *filter = capture_filter(l->cap);
	char title[256];
	int urc;

	tl = timeline_new(cmd_env_cap("SYNFIN_MAX_EVENTS", CMD_TL_MAX));
	cmd_engine_config(&cfg);
	l->e = engine_new(&cfg, timeline_sink(tl));
	feed.fd = capture_fd(l->cap);
	if (filter != NULL)
		snprintf(title, sizeof title, "live %s '%s'", l->o->iface,
		    filter);
	else
		snprintf(title, sizeof title, "live %s", l->o->iface);
	uo.title = title;
	uo.lang_missing = i18n_missing();
	urc = ui_main(tl, &uo, &feed);
	if (!l->done)
		engine_finish(l->e);
	engine_free(l->e);
	l->e = NULL;
	timeline_free(tl);
	return urc;
}

/* Text, JSON or a summary until Ctrl-C or -c. */
static void
cmd_live_stream(struct cmd_live *l, struct sink *sink)
{
	struct engine_config cfg;
	struct pollfd p;
	int n;

	cmd_engine_config(&cfg);
	cfg.max_flows = output_max_flows(&l->o->out, cfg.max_flows);
	l->e = engine_new(&cfg, sink);
	p.fd = capture_fd(l->cap);
	p.events = POLLIN;
	while (!cmd_live_stop) {
		n = cmd_live_drain(l, CMD_LIVE_BATCH);
		if (n == 2)
			continue;
		/* Nothing more now: what the sink holds back goes out. */
		sink_flush(sink);
		if (n != 0)
			break;
		poll(&p, 1, CMD_LIVE_TICK_MS);
	}
	engine_finish(l->e);
	engine_free(l->e);
	l->e = NULL;
}

int
cmd_live(const struct cmd_opts *o, const char *filter)
{
	struct cmd_live l = { .o = o };
	struct output out = o->out;
	struct output_run *run;
	struct sigaction sa;
	struct sink *sink;
	struct writer *dump = NULL;
	uint64_t recv, drop;
	char banner[768], derr[256];
	int perm, rc = EXIT_OK, urc;

	/* Every path is checked, its file opened, before the capture. */
	if (output_prepare(&out, l.err, sizeof l.err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", out.svg, l.err);
		return EXIT_INPUT;
	}
	if (o->wfile != NULL && (dump = writer_start(o->wfile,
	    WRITER_RECORDS, l.err, sizeof l.err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->wfile, l.err);
		output_release(&out);
		return EXIT_INPUT;
	}
	if ((l.cap = capture_open_live(o->iface, &perm, l.err,
	    sizeof l.err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->iface, l.err);
		if (perm)
			cmd_capture_fix(false);
		writer_end(dump, false, derr, sizeof derr);
		output_release(&out);
		return EXIT_INPUT;
	}
	if (filter != NULL && capture_set_filter(l.cap, filter, l.err,
	    sizeof l.err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", o->iface, l.err);
		capture_close(l.cap);
		writer_end(dump, false, derr, sizeof derr);
		output_release(&out);
		return EXIT_INPUT;
	}
	if (dump != NULL && capture_dump_attach(l.cap, dump, l.err,
	    sizeof l.err) != 0) {
		/* It names the file; the capture ended the writer. */
		fprintf(stderr, "synfin: %s\n", l.err);
		capture_close(l.cap);
		output_release(&out);
		return EXIT_INPUT;
	}
	if (sandbox_drop(derr, sizeof derr) != 0) {
		fprintf(stderr, _("synfin: cannot drop privileges: %s\n"),
		    derr);
		capture_close(l.cap);
		output_release(&out);
		return EXIT_INPUT;
	}
	cmd_live_banner(&l, banner, sizeof banner);
	if (cmd_wants_ui(&out)) {
		urc = cmd_live_ui(&l, banner);
		if (urc == UI_NO_TERMINAL) {
			fprintf(stderr, "synfin: %s\n", _("cannot open the "
			    "terminal UI (use --text)"));
			rc = EXIT_INPUT;
		} else if (urc != 0)
			rc = urc;
		output_release(&out);
	} else {
		/* Before the banner: a script that waits for it to send
		 * SIGINT must find it caught (a background job starts with
		 * SIGINT ignored). */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = cmd_live_on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		fprintf(stderr, "synfin: %s\n", banner);
		run = output_open(&out, &sink);
		cmd_live_stream(&l, sink);
		if (output_close(run, o->iface) != 0)
			rc = EXIT_INPUT;
	}
	if (l.failed)
		msg_text(&l.rerr, true, l.err, sizeof l.err);
	if (l.failed && capture_dump_failed(l.cap)) {
		fprintf(stderr, "synfin: %s\n", l.err);	/* "FILE: why" */
		rc = EXIT_INPUT;
	} else if (l.failed) {
		fprintf(stderr, "synfin: %s: %s\n", o->iface, l.err);
		rc = EXIT_INPUT;
	}
	capture_stats(l.cap, &recv, &drop);
	fprintf(stderr, _("synfin: %s: %" PRIu64 " packets received, %"
	    PRIu64 " dropped by the kernel\n"), o->iface, recv, drop);
	/* A failed run keeps the frames written, if any (capture_close). */
	if (!l.failed && capture_dump_close(l.cap, l.err,
	    sizeof l.err) != 0) {
		fprintf(stderr, "synfin: %s\n", l.err);	/* "FILE: why" */
		rc = EXIT_INPUT;
	}
	capture_close(l.cap);
	if (rc == EXIT_OK && cmd_live_stop != 0)
		rc = 128 + cmd_live_stop;
	return rc;
}
