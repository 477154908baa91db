/* SPDX-License-Identifier: ISC */
/*
 * uibench: how long the UI takes to open a capture and to draw a frame.
 *
 *	uibench [-l] FILE.pcap [COLSxROWS]
 *
 * Loads FILE into a timeline as `synfin replay FILE` does for its UI (the
 * same engine configuration, the same timeline budget), then draws into a
 * curses screen on /dev/null (no terminal needed).
 *
 * With -l (load), it draws the first frame of the connection list, as the
 * UI opens on a capture of many conns, and exits: time that process with
 * the same timer as `synfin replay --summary` and the two compare like for
 * like, from exec to exit.  It prints one line of figures, key=value:
 *
 *	uibench-load: events=N held=N evicted=N conns=N conns_evicted=N
 *	    held_mib=X budget_mib=X hwm_kib=N notice=yes|no|none
 *	    first_frame_ms=X
 *
 * first_frame_ms runs from main() to the frame on the screen; hwm_kib is
 * VmHWM, the peak resident memory the kernel counted; notice says whether
 * the frame shows the number of events evicted ("none": nothing was).
 *
 * Without -l it measures redraws: the connection list, and the ladder of
 * the conversation with the most steps at its first, middle and last
 * step.  Every frame is a full repaint (clearok), the worst case; each
 * figure is the mean of RUNS frames, in wall-clock time and in this
 * process's CPU time (user + system: other jobs on a shared machine
 * disturb it far less).  Its last line:
 *
 *	uibench-frames: conns_ms=X first_ms=X mid_ms=X last_ms=X max_ms=X
 *	    max_cpu_ms=X
 *
 * SYNFIN_MAX_EVENTS caps the timeline's events as it does synfin's.  Not
 * part of make check: make bench runs it (targets in tests/bench/bench.sh).
 */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "load.h"
#include "cmd.h"
#include "engine.h"
#include "msg_text.h"
#include "timeline.h"
#include "ui_int.h"

#define RUNS	200

static double
uibench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
uibench_now(void)
{
	return uibench_clock(CLOCK_MONOTONIC);
}

/* The peak resident memory so far in KiB (Linux; 0 elsewhere). */
static unsigned long
uibench_hwm(void)
{
	char line[256];
	unsigned long kib = 0;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtoul(line + 6, NULL, 10);
	fclose(fp);
	return kib;
}

/* SYNFIN_MAX_EVENTS as synfin reads it (cmd_env_cap in src/main.c). */
static size_t
uibench_cap(void)
{
	const char *s = getenv("SYNFIN_MAX_EVENTS");
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return CMD_TL_MAX;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > SIZE_MAX)
		return CMD_TL_MAX;
	return (size_t)v;
}

/* FILE into a new timeline, as cmd_replay_ui() does (it stays open, read
 * again for payloads). */
static struct capture *uibench_cap_file;

static struct timeline *
uibench_load(const char *path)
{
	struct engine_config cfg;
	struct timeline *tl;
	struct capture *cap;
	struct msg why;
	char err[MSG_TEXT_MAX];

	if ((cap = capture_open_file(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "uibench: %s: %s\n", path, err);
		exit(1);
	}
	tl = timeline_new(uibench_cap());
	if (capture_index(cap))
		timeline_set_payload_source(tl, capture_payload, cap);
	engine_config_default(&cfg);
	if (load_timeline(cap, tl, &cfg, 0, NULL, NULL, &why) != 0) {
		fprintf(stderr, "uibench: %s: %s\n", path,
		    msg_text(&why, false, err, sizeof err));
		exit(1);
	}
	uibench_cap_file = cap;
	return tl;
}

/*
 * Whether the screen shows `n` as a number (not part of a longer one):
 * the eviction notice, whatever its words and language.
 */
static bool
uibench_shows(size_t n, int rows, int cols)
{
	char line[1024], num[32], *p;
	size_t k;
	int y;

	k = (size_t)snprintf(num, sizeof num, "%zu", n);
	if (cols >= (int)sizeof line)
		cols = (int)sizeof line - 1;
	for (y = 0; y < rows; y++) {
		if (mvwinnstr(stdscr, y, 0, line, cols) == ERR)
			continue;
		for (p = line; (p = strstr(p, num)) != NULL; p++)
			if ((p == line || p[-1] < '0' || p[-1] > '9') &&
			    (p[k] < '0' || p[k] > '9'))
				return true;
	}
	return false;
}

/* The mean frame in ms, wall clock; *cpu_max grows to its CPU time. */
static double
uibench_frames(struct ui *ui, double *cpu_max, const char *what)
{
	double t0 = uibench_now(), c0, ms, cpu;
	int i;

	c0 = uibench_clock(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < RUNS; i++) {
		clearok(curscr, TRUE);
		ui_draw(ui);
		doupdate();
	}
	ms = (uibench_now() - t0) / RUNS * 1e3;
	cpu = (uibench_clock(CLOCK_PROCESS_CPUTIME_ID) - c0) / RUNS * 1e3;
	if (cpu > *cpu_max)
		*cpu_max = cpu;
	printf("  %s: %.3f ms, %.3f ms CPU%s\n", what, ms, cpu, ms <= 5.0 &&
	    cpu <= 5.0 ? "" : "  (over the 5 ms target)");
	return ms;
}

static double
uibench_max(double a, double b)
{
	return a > b ? a : b;
}

static void
uibench_usage(void)
{
	fprintf(stderr, "usage: uibench [-l] FILE.pcap [COLSxROWS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct ui_opts o = { .title = "bench", .start = UI_START_REPLAY };
	const struct tl_conn *c, *big = NULL;
	struct timeline *tl;
	struct ui ui;
	SCREEN *scr;
	FILE *null;
	char size[16], size2[16];
	const char *cols = "160", *rows = "48", *notice;
	size_t i, bigi = 0, pos[3];
	double t_start, t0, t_load, t_list, ms[4] = { 0, 0, 0, 0 }, max;
	double cpu_max = 0, cpu_first;
	char what[96];
	int ch, k, w, h;
	bool load_only = false;

	t_start = uibench_now();
	while ((ch = getopt(argc, argv, "l")) != -1) {
		if (ch == 'l')
			load_only = true;
		else
			uibench_usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		uibench_usage();
	if (argc > 1) {
		if (sscanf(argv[1], "%dx%d", &w, &h) != 2 || w <= 0 ||
		    h <= 0 || w > 1000 || h > 1000)
			uibench_usage();
		snprintf(size, sizeof size, "%d", w);
		snprintf(size2, sizeof size2, "%d", h);
		cols = size;
		rows = size2;
	}
	setenv("COLUMNS", cols, 1);
	setenv("LINES", rows, 1);
	setenv("TERM", "xterm-256color", 1);

	tl = uibench_load(argv[0]);
	t_load = uibench_now() - t_start;

	null = fopen("/dev/null", "w");
	if (null == NULL || (scr = newterm(NULL, null, stdin)) == NULL) {
		fprintf(stderr, "uibench: no curses screen\n");
		return 1;
	}
	theme_init(true);
	t0 = uibench_now();
	ui_state_init(&ui, tl, &o, NULL);	/* the list, if > 1 conn */
	ui_draw(&ui);
	doupdate();
	t_list = uibench_now() - t0;
	/* CPU time from exec to the first frame: what the list on screen
	 * cost, without the teardown after it. */
	cpu_first = uibench_clock(CLOCK_PROCESS_CPUTIME_ID);

	if (load_only) {
		notice = timeline_evicted(tl) == 0 ? "none" :
		    uibench_shows(timeline_evicted(tl), LINES, COLS) ? "yes" :
		    "no";
		printf("uibench-load: events=%zu held=%zu evicted=%zu "
		    "conns=%zu conns_evicted=%zu held_mib=%.1f budget_mib=%.0f "
		    "hwm_kib=%lu notice=%s first_frame_ms=%.1f "
		    "first_frame_cpu_s=%.3f\n",
		    timeline_len(tl), timeline_len(tl) - timeline_first(tl),
		    timeline_evicted(tl), timeline_nconns(tl),
		    timeline_conns_evicted(tl),
		    (double)timeline_bytes(tl) / 1048576.0,
		    (double)TL_BUDGET / 1048576.0, uibench_hwm(), notice,
		    (t_load + t_list) * 1e3, cpu_first);
		goto out;
	}

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
	printf("  peak memory %lu kB\n", uibench_hwm());
	printf("  first frame of the %s: %.2f ms\n", ui.view ==
	    UI_VIEW_CONNS ? "connection list" : "ladder", t_list * 1e3);
	ui.view = UI_VIEW_CONNS;
	ms[0] = uibench_frames(&ui, &cpu_max, "connection list frame");
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
			snprintf(what, sizeof what, "ladder frame at step %zu "
			    "of %zu", pos[k] + 1, ui.rows.n);
			ms[k + 1] = uibench_frames(&ui, &cpu_max, what);
		}
	}
	max = uibench_max(uibench_max(ms[0], ms[1]), uibench_max(ms[2],
	    ms[3]));
	printf("uibench-frames: conns_ms=%.3f first_ms=%.3f mid_ms=%.3f "
	    "last_ms=%.3f max_ms=%.3f max_cpu_ms=%.3f\n", ms[0], ms[1], ms[2],
	    ms[3], max, cpu_max);
out:
	ui_state_clear(&ui);
	endwin();
	delscreen(scr);
	fclose(null);
	timeline_free(tl);
	capture_close(uibench_cap_file);
	return 0;
}
