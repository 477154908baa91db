/* SPDX-License-Identifier: ISC */
/*
 * uibench: how long the UI takes to open a capture and to draw a frame.
 *
 *	uibench FILE.pcap [COLSxROWS]
 *
 * Loads FILE into a timeline as `synfin replay` does, then draws into a
 * curses screen on /dev/null (no terminal needed): the connection list,
 * and the ladder of the conversation with the most steps at its first,
 * middle and last step.  Every frame is a full repaint (clearok), the
 * worst case; the figure is the mean of RUNS frames.  Not part of make
 * check: make bench runs it (target: <= 5 ms a frame).
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "engine.h"
#include "timeline.h"
#include "ui_int.h"

#define RUNS	200

static double
uibench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The peak resident memory so far (Linux), as the kernel counts it. */
static void
uibench_hwm(void)
{
	char line[256];
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			printf("  peak memory %s", line + 6 + strspn(line + 6,
			    " \t"));
	fclose(fp);
}

static double
uibench_frames(struct ui *ui)
{
	double t0 = uibench_now();
	int i;

	for (i = 0; i < RUNS; i++) {
		clearok(curscr, TRUE);
		ui_draw(ui);
		doupdate();
	}
	return (uibench_now() - t0) / RUNS * 1e3;
}

int
main(int argc, char **argv)
{
	struct ui_opts o = { .title = "bench", .start = UI_START_REPLAY };
	const struct tl_conn *c, *big = NULL;
	struct timeline *tl;
	struct capture *cap;
	struct engine *e;
	struct ui ui;
	SCREEN *scr;
	FILE *null;
	char err[256], size[16], size2[16];
	const char *cols = "160", *rows = "48";
	size_t i, bigi = 0, pos[3];
	double t0, t_load, t_list, ms;
	int k, w, h;

	if (argc < 2) {
		fprintf(stderr, "usage: uibench FILE.pcap [COLSxROWS]\n");
		return 2;
	}
	if (argc > 2 && sscanf(argv[2], "%dx%d", &w, &h) == 2 && w > 0 &&
	    h > 0) {
		snprintf(size, sizeof size, "%d", w);
		snprintf(size2, sizeof size2, "%d", h);
		cols = size;
		rows = size2;
	}
	setenv("COLUMNS", cols, 1);
	setenv("LINES", rows, 1);
	setenv("TERM", "xterm-256color", 1);

	t0 = uibench_now();
	if ((cap = capture_open_file(argv[1], err, sizeof err)) == NULL) {
		fprintf(stderr, "uibench: %s: %s\n", argv[1], err);
		return 1;
	}
	tl = timeline_new(0);
	e = engine_new(NULL, timeline_sink(tl));
	capture_run(cap, e, 0, err, sizeof err);
	engine_finish(e);
	engine_free(e);
	capture_close(cap);
	t_load = uibench_now() - t0;

	null = fopen("/dev/null", "w");
	if (null == NULL || (scr = newterm(NULL, null, stdin)) == NULL) {
		fprintf(stderr, "uibench: no curses screen\n");
		return 1;
	}
	theme_init(true);
	t0 = uibench_now();
	ui_state_init(&ui, tl, &o, NULL);
	ui.view = UI_VIEW_CONNS;
	ui_draw(&ui);
	doupdate();
	t_list = uibench_now() - t0;

	for (i = 0; i < timeline_conns_held(tl); i++) {
		c = timeline_conn_held(tl, i);
		if (big == NULL || c->nsteps > big->nsteps) {
			big = c;
			bigi = c->info.id - 1;
		}
	}
	printf("uibench: %zu events, %zu conns, %sx%s\n", timeline_len(tl),
	    timeline_nconns(tl), cols, rows);
	printf("  open (read, timeline): %.1f ms\n", t_load * 1e3);
	printf("  held: %zu events, %zu conns, %.1f MiB of a %.0f MiB budget; "
	    "evicted: %zu events, %zu conns\n", timeline_len(tl) -
	    timeline_first(tl), timeline_conns_held(tl),
	    (double)timeline_bytes(tl) / 1048576.0,
	    (double)TL_BUDGET / 1048576.0, timeline_evicted(tl),
	    timeline_conns_evicted(tl));
	uibench_hwm();
	printf("  first frame of the connection list: %.2f ms\n",
	    t_list * 1e3);
	ms = uibench_frames(&ui);
	printf("  connection list frame: %.3f ms\n", ms);
	if (big != NULL) {
		ui.view = UI_VIEW_LADDER;
		t0 = uibench_now();
		ui_pick_conn(&ui, bigi);
		printf("  pick conn %" PRIu32 " (%zu ladder rows): %.2f ms\n",
		    big->info.id, ui.rows.n, (uibench_now() - t0) * 1e3);
		pos[0] = 0;
		pos[1] = ui.rows.n / 2;
		pos[2] = ui.rows.n > 0 ? ui.rows.n - 1 : 0;
		for (k = 0; k < 3; k++) {
			ui_select(&ui, pos[k]);
			ms = uibench_frames(&ui);
			printf("  ladder frame at step %zu of %zu: %.3f ms%s\n",
			    pos[k] + 1, ui.rows.n, ms, ms <= 5.0 ? "" :
			    "  (over the 5 ms target)");
		}
	}
	ui_state_clear(&ui);
	endwin();
	delscreen(scr);
	fclose(null);
	timeline_free(tl);
	return 0;
}
