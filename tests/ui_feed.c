/* SPDX-License-Identifier: ISC */
/*
 * ui_feed: drive the UI's live side (struct ui_feed) from a test script.
 *
 *	ui_feed FILE.pcap FIFO
 *
 * Opens the UI in LIVE mode on an empty timeline and feeds it the frames
 * of FILE, one per command byte written to FIFO:
 *	f	feed the next frame
 *	a	feed every frame left
 *	h	hold a socket call: the UI announces "Next: the client calls
 *		close()" until it releases it, which adds the call
 *	e	the source ends
 * SYNFIN_MAX_EVENTS caps its timeline as it does synfin's.
 * tests/ui.sh uses it to check following, stepping back while frames
 * arrive, and classroom pacing, without privileges or a network.
 */

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "engine.h"
#include "timeline.h"
#include "ui.h"

struct ui_feed_test {
	int		 fd;
	struct capture	*cap;
	struct engine	*e;
	int64_t		 last_ts;
	int		 held;
};

static int
ui_feed_frame(struct ui_feed_test *t)
{
	struct capture_frame f;
	struct msg err;

	if (capture_next(t->cap, &f, &err) != CAPTURE_FRAME)
		return 0;
	engine_frame(t->e, f.frame, f.ts_ns, f.linktype, f.data, f.caplen,
	    f.wirelen);
	t->last_ts = f.ts_ns;
	return 1;
}

static int
ui_feed_ready(void *arg)
{
	struct ui_feed_test *t = arg;
	char buf[64];
	ssize_t n, i;

	if ((n = read(t->fd, buf, sizeof buf)) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		switch (buf[i]) {
		case 'f':
			ui_feed_frame(t);
			break;
		case 'a':
			while (ui_feed_frame(t))
				;
			break;
		case 'h':
			t->held = 1;
			break;
		case 'e':
			engine_finish(t->e);
			return 1;
		}
	}
	return 0;
}

static const char *
ui_feed_held(void *arg)
{
	struct ui_feed_test *t = arg;

	return t->held ? "Next: the client calls close()" : NULL;
}

static void
ui_feed_release(void *arg)
{
	struct ui_feed_test *t = arg;
	struct ev_call c = { .side = EV_CLIENT, .name = "close", .ret = 0 };

	t->held = 0;
	engine_call(t->e, t->last_ts, &c, 6, NULL, 0, NULL, 0);
}

int
main(int argc, char **argv)
{
	struct ui_feed_test t = { 0 };
	struct ui_opts o = { .title = "live test", .start = UI_START_LIVE };
	struct ui_feed feed = { .on_ready = ui_feed_ready,
	    .held = ui_feed_held, .release = ui_feed_release, .arg = &t };
	struct timeline *tl;
	const char *cap;
	char err[256];
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: ui_feed FILE.pcap FIFO\n");
		return 2;
	}
	if ((t.cap = capture_open_file(argv[1], err, sizeof err)) == NULL) {
		fprintf(stderr, "ui_feed: %s: %s\n", argv[1], err);
		return 1;
	}
	/* Read-write: the FIFO never reports a hang-up between writers. */
	if ((t.fd = open(argv[2], O_RDWR | O_NONBLOCK)) < 0) {
		perror(argv[2]);
		return 1;
	}
	feed.fd = t.fd;
	/* As synfin: SYNFIN_MAX_EVENTS caps the timeline (tests/memcap.sh). */
	cap = getenv("SYNFIN_MAX_EVENTS");
	tl = timeline_new(cap != NULL ? strtoul(cap, NULL, 10) : 0);
	t.e = engine_new(NULL, timeline_sink(tl));
	rc = ui_main(tl, &o, &feed);
	engine_free(t.e);
	timeline_free(tl);
	capture_close(t.cap);
	close(t.fd);
	return rc < 0 ? 1 : rc;
}
