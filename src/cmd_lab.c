/* SPDX-License-Identifier: ISC */
/*
 * synfin lab: the demo's two peers, driven by a student (keys) or a
 * script (--script FILE), every action a real socket call.  The lab is
 * the demo run with actions instead of a lesson's steps (demo.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "demo.h"
#include "engine.h"
#include "i18n.h"
#include "labscript.h"
#include "sandbox.h"
#include "timeline.h"
#include "ui.h"
#include "xmalloc.h"

#define CMD_LAB_MAX_SCRIPT	(1024 * 1024)

/* The lab has no steps of its own: its actions come in demo_opts.lab. */
static const struct scenario cmd_lab_scn = { "lab", "", 0, NULL, 0 };

static int
cmd_lab_read(const char *path, struct lab_script *s)
{
	char *buf, err[512];
	size_t n = 0;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(CMD_LAB_MAX_SCRIPT + 1);
	n = fread(buf, 1, CMD_LAB_MAX_SCRIPT + 1, fp);
	if (ferror(fp)) {
		fprintf(stderr, "synfin: %s: %s\n", path, strerror(errno));
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	if (n > CMD_LAB_MAX_SCRIPT) {
		fprintf(stderr, _("synfin: %s: a lab script is at most %d "
		    "bytes\n"), path, CMD_LAB_MAX_SCRIPT);
		free(buf);
		return -1;
	}
	rc = labscript_parse(s, buf, n, err, sizeof err);
	free(buf);
	if (rc != 0) {
		fprintf(stderr, "synfin: %s: %s\n", path, err);
		return -1;
	}
	return 0;
}

/* -o: what was done, as a script that replays it. */
static int
cmd_lab_save(FILE *fp, const char *path, const struct lab_script *s,
    int done)
{
	char line[LAB_TEXT_MAX * 4 + 64];
	int i;

	fputs("# synfin lab script (synfin lab --script FILE)\n", fp);
	for (i = 0; i < done && (size_t)i < s->n; i++) {
		labscript_format(&s->act[i], line, sizeof line);
		fprintf(fp, "%s\n", line);
	}
	if (fflush(fp) != 0 || ferror(fp)) {
		fprintf(stderr, "synfin: %s: %s\n", path, strerror(errno));
		fclose(fp);
		return -1;
	}
	if (fclose(fp) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_lab(const struct cmd_opts *o, int argc, char **argv)
{
	struct demo_opts d = { .scn = &cmd_lab_scn, .port = (uint16_t)o->port,
	    .pace_ms = (int)o->pace_ms, .step = o->step, .wfile = o->wfile };
	struct lab_script script = { 0 };
	struct output out = o->out;
	struct output_run *run;
	struct demo_stats st;
	struct demo *demo;
	struct sink *sink;
	FILE *ofp = NULL;
	char err[512], title[128];
	int perm, rc, done;
	uid_t uid;
	gid_t gid;

	if (argc > 0)
		return cmd_usage_error(_("lab takes no argument, not '%s' "
		    "(a script goes after --script)"), argv[0]);
	if (o->out.mode == OUTPUT_SUMMARY)
		return cmd_usage_error("%s",
		    _("--summary is for replay and live"));
	if (o->script == NULL)
		return cmd_usage_error("%s", _("lab needs --script FILE"));
	if (cmd_lab_read(o->script, &script) != 0)
		return EXIT_INPUT;
	d.lab = &script;
	if (o->ofile != NULL) {
		/* Opened now: the lab drops its privileges before writing. */
		if ((ofp = fopen(o->ofile, "w")) == NULL) {
			fprintf(stderr, "synfin: %s: %s\n", o->ofile,
			    strerror(errno));
			labscript_clear(&script);
			return EXIT_INPUT;
		}
		sandbox_target(&uid, &gid);
		if (fchown(fileno(ofp), uid, gid) != 0 && geteuid() == 0)
			fprintf(stderr, "synfin: %s: %s\n", o->ofile,
			    strerror(errno));
	}
	if (output_prepare(&out, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", out.svg, err);
		if (ofp != NULL)
			fclose(ofp);
		labscript_clear(&script);
		return EXIT_INPUT;
	}
	if ((demo = demo_new(&d, &perm, err, sizeof err)) == NULL) {
		output_release(&out);
		fprintf(stderr, "synfin: lab: %s\n", err);
		if (perm)
			cmd_capture_fix(true);
		if (ofp != NULL)
			fclose(ofp);
		labscript_clear(&script);
		return EXIT_INPUT;
	}
	if (cmd_wants_ui(&out)) {
		snprintf(title, sizeof title, "lab %s", o->script);
		rc = cmd_demo_ui(demo, title, err, sizeof err);
	} else {
		run = output_open(&out, &sink);
		rc = demo_run(demo, sink, err, sizeof err);
		if (output_close(run, "lab") != 0 && rc == 0) {
			rc = -1;
			err[0] = '\0';
		}
	}
	done = demo_lab_done(demo);
	demo_stats(demo, &st);
	if (rc != 0 && err[0] != '\0')
		fprintf(stderr, "synfin: lab: %s\n", err);
	fprintf(stderr, P_("synfin lab: %d action, %" PRIu64 " packets "
	    "captured, %" PRIu64 " dropped; CapEff %llx while parsing\n",
	    "synfin lab: %d actions, %" PRIu64 " packets captured, %" PRIu64
	    " dropped; CapEff %llx while parsing\n", done), done, st.received,
	    st.dropped, st.capeff);
	demo_free(demo);
	if (ofp != NULL && cmd_lab_save(ofp, o->ofile, &script, done) != 0)
		rc = -1;
	labscript_clear(&script);
	return rc == 0 ? EXIT_OK : EXIT_INPUT;
}
