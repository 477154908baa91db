/* SPDX-License-Identifier: ISC */
/*
 * rows_lesson: run demo lessons for real and check that the UI's rows
 * and the diagram's rows agree (rows_agree.h) on each.
 *
 *	rows_lesson NAME
 *
 * Runs lesson NAME (--pace 0) as the UI runs a demo: the engine fed by
 * demo_service() while each conn's rows are read after every step, as the
 * live ladder reads them; once the lesson is over, those rows, and rows
 * built at once, are compared with each conn's diagram.  Prints one line
 * (conns, rows, calls that shared a segment's row) and exits 0; 1 with
 * the first difference; 77 when the demo cannot run here (no root nor
 * user namespaces).  tests/rows_lessons.sh runs it for every lesson.
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "engine.h"
#include "rows.h"
#include "rows_agree.h"
#include "scenario.h"
#include "timeline.h"

#define LESSON_CONNS	16

int
main(int argc, char **argv)
{
	struct demo_opts o = { .port = 8080, .pace_ms = 0, .quiet = true };
	struct rows rows[LESSON_CONNS];
	struct pollfd p;
	struct demo *d;
	struct engine *e;
	struct timeline *tl;
	const struct tl_conn *c;
	char err[512];
	size_t k, shared = 0, n = 0, nconns;
	int perm = 0, rc;

	if (argc != 2 || (o.scn = scenario_find(argv[1])) == NULL) {
		fprintf(stderr, "usage: rows_lesson LESSON\n");
		return 2;
	}
	if ((d = demo_new(&o, &perm, err, sizeof err)) == NULL) {
		printf("%s: the demo cannot run here: %s\n", argv[1], err);
		return 77;
	}
	tl = timeline_new(0);
	e = engine_new(NULL, timeline_sink(tl));
	for (k = 0; k < LESSON_CONNS; k++)
		rows_init(&rows[k], (uint32_t)k + 1);
	demo_start(d, e);
	p.fd = demo_fd(d);
	p.events = POLLIN;
	while ((rc = demo_service(d)) == 0) {
		/* As the live ladder: what came since its last look. */
		for (k = 0; k < LESSON_CONNS && k < timeline_nconns(tl); k++)
			rows_update(&rows[k], tl);
		if (demo_held(d) != NULL) {
			demo_release(d);
			continue;
		}
		if (poll(&p, 1, 1000) < 0 && errno != EINTR) {
			perror("poll");
			return 1;
		}
	}
	engine_finish(e);
	if (rc < 0) {
		printf("%s: the lesson failed: %s\n", argv[1],
		    demo_error(d, err, sizeof err) != NULL ? err : "?");
		return 1;
	}
	nconns = timeline_conns_held(tl);
	if (nconns == 0 || nconns > LESSON_CONNS) {
		printf("%s: %zu conns\n", argv[1], nconns);
		return 1;
	}
	rc = 0;
	for (k = 0; k < nconns && rc == 0; k++) {
		c = timeline_conn_held(tl, k);
		if (c->info.id == 0 || c->info.id > LESSON_CONNS)
			continue;
		rows_update(&rows[c->info.id - 1], tl);
		rc = rows_agree_conn(tl, c, &rows[c->info.id - 1], err,
		    sizeof err, &shared, &n);
	}
	/* The same rows read at once (a replay's, --ladder's). */
	if (rc == 0)
		rc = rows_agree_all(tl, err, sizeof err, NULL, NULL);
	if (rc != 0)
		printf("%s: %s\n", argv[1], err);
	else
		printf("%s: %zu conns, %zu rows agree (read live and at "
		    "once), %zu calls on their segment's row\n", argv[1],
		    nconns, n, shared);
	for (k = 0; k < LESSON_CONNS; k++)
		rows_clear(&rows[k]);
	engine_free(e);
	timeline_free(tl);
	demo_free(d);
	return rc == 0 ? 0 : 1;
}
