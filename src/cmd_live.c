/* SPDX-License-Identifier: ISC */
/* synfin live -i IFACE [FILTER...]: an interface until Ctrl-C or -c. */
#include "config.h"

#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "cmd.h"
#include "engine.h"
#include "i18n.h"
#include "sandbox.h"

static volatile sig_atomic_t cmd_live_stop;

static void
cmd_live_on_signal(int sig)
{
	cmd_live_stop = sig;
}

int
cmd_live(const struct cmd_opts *o, const char *filter)
{
	struct output out = o->out;
	struct output_run *run;
	struct engine_config cfg;
	struct engine *e;
	struct capture *cap;
	struct capture_frame f;
	struct sigaction sa;
	struct sink *sink;
	struct pollfd p;
	uint64_t fed = 0, recv, drop;
	char err[512], derr[256];
	int perm, rc = EXIT_OK, n;

	if (output_prepare(&out, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", out.svg, err);
		return EXIT_INPUT;
	}
	if ((cap = capture_open_live(o->iface, &perm, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->iface, err);
		if (perm)
			cmd_capture_fix(false);
		output_release(&out);
		return EXIT_INPUT;
	}
	if (filter != NULL && capture_set_filter(cap, filter, err,
	    sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", o->iface, err);
		capture_close(cap);
		output_release(&out);
		return EXIT_INPUT;
	}
	if (o->wfile != NULL && capture_dump_open(cap, o->wfile, err,
	    sizeof err) != 0) {
		/* libpcap's message already names the file. */
		fprintf(stderr, "synfin: %s\n", err);
		capture_close(cap);
		output_release(&out);
		return EXIT_INPUT;
	}
	if (sandbox_drop(derr, sizeof derr) != 0) {
		fprintf(stderr, _("synfin: cannot drop privileges: %s\n"),
		    derr);
		capture_close(cap);
		output_release(&out);
		return EXIT_INPUT;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_live_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	run = output_open(&out, &sink);
	cmd_engine_config(&cfg);
	e = engine_new(&cfg, sink);
	p.fd = capture_fd(cap);
	p.events = POLLIN;
	while (!cmd_live_stop && (o->count == 0 || fed < o->count)) {
		n = capture_next(cap, &f, err, sizeof err);
		if (n == CAPTURE_ERROR) {
			fprintf(stderr, "synfin: %s: %s\n", o->iface, err);
			rc = EXIT_INPUT;
			break;
		}
		if (n == CAPTURE_FRAME) {
			engine_frame(e, f.frame, f.ts_ns, f.linktype, f.data,
			    f.caplen, f.wirelen);
			fed++;
			if (out.mode != OUTPUT_SUMMARY)
				fflush(stdout);
			continue;
		}
		if (n == CAPTURE_END)
			break;
		poll(&p, 1, 200);
	}
	engine_finish(e);
	engine_free(e);
	if (output_close(run, o->iface) != 0)
		rc = EXIT_INPUT;
	capture_stats(cap, &recv, &drop);
	fprintf(stderr, _("synfin: %s: %" PRIu64 " packets received, %"
	    PRIu64 " dropped by the kernel\n"), o->iface, recv, drop);
	if (capture_dump_close(cap, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", o->wfile, err);
		rc = EXIT_INPUT;
	}
	capture_close(cap);
	return rc;
}
