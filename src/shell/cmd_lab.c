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
#include "msg_text.h"
#include "peer.h"
#include "sandbox.h"
#include "timeline.h"
#include "ui.h"
#include "writer.h"
#include "xmalloc.h"

#define CMD_LAB_MAX_SCRIPT	(1024 * 1024)

/* The lab has no steps of its own: its actions come in demo_opts.lab. */
static const struct scenario cmd_lab_scn = { "lab", "", 0, NULL, 0 };

static int
cmd_lab_read(const char *path, struct lab_script *s)
{
	struct labscript_err err;
	char *buf, why[512], where[640];
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
	rc = labscript_parse(s, buf, n, &err);
	free(buf);
	if (rc != 0) {
		/* TRANSLATORS: a line number, then what is wrong. */
		snprintf(where, sizeof where, _("line %d: %s"), err.line,
		    msg_text(&err.why, true, why, sizeof why));
		fprintf(stderr, "synfin: %s: %s\n", path, where);
		return -1;
	}
	return 0;
}

/*
 * The lab on a terminal: a key chooses the side (c client, s server),
 * the next the call; the status line offers the calls that make sense
 * now (from what the side's peer has, PEER_LAB_*), but every call key
 * works: a refused call is the lesson, explained by the narration.  A
 * side blocked in a call takes no key until it returns (its peer makes
 * one call at a time): the prompt says what it waits in.
 */
struct cmd_lab_keys {
	struct demo		*demo;
	struct lab_script	*script;
	int			 side;		/* -1: none chosen yet */
	char			 prompt[320];
};

/* What each of the lab's call keys does (which key: ui/keys.c). */
static const struct {
	enum ui_key	key;
	enum lab_op	op;
	int		arg;
	int		arg2;
} cmd_lab_calls[] = {
	{ UI_K_LISTEN, LAB_LISTEN, 0, LAB_BACKLOG },
	{ UI_K_CONNECT, LAB_CONNECT, 0, 0 },
	{ UI_K_ACCEPT, LAB_ACCEPT, 0, 0 },
	{ UI_K_SEND, LAB_SEND, 0, 0 },
	{ UI_K_RECV, LAB_RECV, 0, 0 },
	{ UI_K_SHUT_WR, LAB_SHUTDOWN, LAB_SHUT_WR, 0 },
	{ UI_K_SHUT_RD, LAB_SHUTDOWN, LAB_SHUT_RD, 0 },
	{ UI_K_SHUT_RDWR, LAB_SHUTDOWN, LAB_SHUT_RDWR, 0 },
	{ UI_K_CLOSE, LAB_CLOSE, 0, 0 },
	{ UI_K_ABORT, LAB_ABORT, 0, 0 },
	{ UI_K_REUSEADDR, LAB_SETSOCKOPT, LAB_OPT_REUSEADDR, 1 },
	{ UI_K_LINGER, LAB_SETSOCKOPT, LAB_OPT_LINGER, 0 },
	{ UI_K_NODELAY, LAB_SETSOCKOPT, LAB_OPT_NODELAY, 1 },
};

/* The keys live now: a side's calls once one is chosen. */
static unsigned
cmd_lab_mode(void *arg, unsigned mode)
{
	struct cmd_lab_keys *k = arg;

	return (mode & UI_MODE_QUIZ) |
	    (k->side < 0 ? UI_MODE_LAB : UI_MODE_LAB_CALL);
}

static int
cmd_lab_key(void *arg, enum ui_key key)
{
	struct cmd_lab_keys *k = arg;
	struct lab_action a;
	size_t i;

	if (key == UI_K_CLIENT || key == UI_K_SERVER) {
		k->side = key == UI_K_CLIENT ? EV_CLIENT : EV_SERVER;
		return 1;
	}
	if (key == UI_K_BACK) {
		k->side = -1;
		return 1;
	}
	for (i = 0; i < sizeof cmd_lab_calls / sizeof cmd_lab_calls[0]; i++)
		if (cmd_lab_calls[i].key == key)
			break;
	if (k->side < 0 ||
	    i == sizeof cmd_lab_calls / sizeof cmd_lab_calls[0])
		return 0;
	if (demo_lab_busy(k->demo, k->side) != NULL)
		return 1;	/* the prompt says why nothing happens */
	memset(&a, 0, sizeof a);
	a.side = k->side;
	a.op = cmd_lab_calls[i].op;
	a.arg = cmd_lab_calls[i].arg;
	a.arg2 = cmd_lab_calls[i].arg2;
	if (a.op == LAB_SEND) {
		a.len = (size_t)snprintf(a.text, sizeof a.text, "%s",
		    k->side == EV_CLIENT ? "hello" : "Hello, world!");
	}
	labscript_push(k->script, &a);
	demo_lab_kick(k->demo);
	k->side = -1;
	return 1;
}

/* The key that asks `key` in the lab, from the key table (ui/keys.c). */
static const char *
cmd_lab_kn(enum ui_key key, char *buf, size_t len)
{
	return ui_key_name(key == UI_K_CLIENT || key == UI_K_SERVER ?
	    UI_MODE_LAB : UI_MODE_LAB_CALL, key, buf, len);
}

/* The calls that make sense now, by key: "l listen  u SO_REUSEADDR". */
enum cmd_lab_offer {
	CMD_LAB_O_LISTEN,	/* a server with no listener */
	CMD_LAB_O_ACCEPT,	/* a server that listens */
	CMD_LAB_O_CONNECT,	/* a client with no connection yet */
	CMD_LAB_O_CONN,		/* a connection */
	CMD_LAB_O_COUNT
};

static const struct {
	enum ui_key	 key;
	const char	*what;		/* a call's or an option's name */
} cmd_lab_offers[CMD_LAB_O_COUNT][6] = {
	[CMD_LAB_O_LISTEN] = { { UI_K_LISTEN, "listen" },
	    { UI_K_REUSEADDR, "SO_REUSEADDR" } },
	[CMD_LAB_O_ACCEPT] = { { UI_K_ACCEPT, "accept" },
	    { UI_K_CLOSE, "close" } },
	[CMD_LAB_O_CONNECT] = { { UI_K_CONNECT, "connect" },
	    { UI_K_NODELAY, "TCP_NODELAY" } },
	[CMD_LAB_O_CONN] = { { UI_K_SEND, "send" }, { UI_K_RECV, "recv" },
	    { UI_K_SHUT_WR, "shutdown" }, { UI_K_CLOSE, "close" },
	    { UI_K_ABORT, "abort" } },
};

static const char *
cmd_lab_prompt(void *arg)
{
	struct cmd_lab_keys *k = arg;
	const char *busy[2];
	char c[16], s[16], esc[16], offer[128], all[64], name[16];
	enum cmd_lab_offer o;
	unsigned has;
	size_t i, n;

	busy[0] = demo_lab_busy(k->demo, EV_CLIENT);
	busy[1] = demo_lab_busy(k->demo, EV_SERVER);
	cmd_lab_kn(UI_K_CLIENT, c, sizeof c);
	cmd_lab_kn(UI_K_SERVER, s, sizeof s);
	cmd_lab_kn(UI_K_BACK, esc, sizeof esc);
	if (k->side < 0) {
		if (busy[0] != NULL || busy[1] != NULL)
			/* TRANSLATORS: the first two %s are the lab's keys
			   (c, s), the others "accept() waits...", or "-". */
			snprintf(k->prompt, sizeof k->prompt, _("lab: %s client  "
			    "%s server  (client: %s, server: %s)"), c, s,
			    busy[0] ? busy[0] : "-", busy[1] ? busy[1] : "-");
		else
			/* TRANSLATORS: %s are the lab's keys (c, s). */
			snprintf(k->prompt, sizeof k->prompt, _("lab: %s client  "
			    "%s server  (then the call)"), c, s);
		return k->prompt;
	}
	if (busy[k->side] != NULL) {
		if (k->side == EV_CLIENT)
			/* TRANSLATORS: %s is "recv() waits...", then the
			   keys Esc and s. */
			snprintf(k->prompt, sizeof k->prompt, _("client: %s, "
			    "one call at a time (%s, then %s: the server)"),
			    busy[k->side], esc, s);
		else
			/* TRANSLATORS: %s is "recv() waits...", then the
			   keys Esc and c. */
			snprintf(k->prompt, sizeof k->prompt, _("server: %s, "
			    "one call at a time (%s, then %s: the client)"),
			    busy[k->side], esc, c);
		return k->prompt;
	}
	has = demo_lab_has(k->demo, k->side);
	if (k->side == EV_SERVER && !(has & PEER_LAB_LISTENING))
		o = CMD_LAB_O_LISTEN;
	else if (k->side == EV_SERVER && !(has & PEER_LAB_CONN))
		o = CMD_LAB_O_ACCEPT;
	else if (k->side == EV_CLIENT && !((has & PEER_LAB_CONN) &&
	    (has & PEER_LAB_USED)))
		o = CMD_LAB_O_CONNECT;
	else
		o = CMD_LAB_O_CONN;
	offer[0] = all[0] = '\0';
	for (i = 0; i < 6 && cmd_lab_offers[o][i].key != UI_K_NONE; i++) {
		n = strlen(offer);
		snprintf(offer + n, sizeof offer - n, "%s%s %s", i ? "  " : "",
		    cmd_lab_kn(cmd_lab_offers[o][i].key, name, sizeof name),
		    cmd_lab_offers[o][i].what);
	}
	for (i = 0; i < sizeof cmd_lab_calls / sizeof cmd_lab_calls[0]; i++) {
		n = strlen(all);
		snprintf(all + n, sizeof all - n, "%s%s", i ? " " : "",
		    cmd_lab_kn(cmd_lab_calls[i].key, name, sizeof name));
	}
	if (k->side == EV_CLIENT)
		/* TRANSLATORS: the calls that make sense now, as keys ("c
		   connect"), kept as they are; then every call key
		   (synfin(1), LAB KEYS), and the key back (Esc). */
		snprintf(k->prompt, sizeof k->prompt, _("client: %s | %s, %s"),
		    offer, all, esc);
	else
		/* TRANSLATORS: as "client: %s | %s, %s". */
		snprintf(k->prompt, sizeof k->prompt, _("server: %s | %s, %s"),
		    offer, all, esc);
	return k->prompt;
}

/* A keyboard lab with --quiz: the quiz answers first, then the lab. */
struct cmd_lab_quiz {
	struct cmd_lab_keys	*keys;
	struct cmd_quiz_ui	*quiz;
};

static int
cmd_lab_quiz_key(void *arg, enum ui_key key)
{
	struct cmd_lab_quiz *lq = arg;
	int k = cmd_quiz_ui_key(lq->quiz, key);

	if (k != 0 || cmd_quiz_ui_pending(lq->quiz))
		return k;	/* a question waits: no new action */
	return cmd_lab_key(lq->keys, key);
}

static unsigned
cmd_lab_quiz_mode(void *arg, unsigned mode)
{
	return cmd_lab_mode(((struct cmd_lab_quiz *)arg)->keys,
	    mode | UI_MODE_QUIZ);
}

static const char *
cmd_lab_quiz_prompt(void *arg)
{
	struct cmd_lab_quiz *lq = arg;

	if (cmd_quiz_ui_pending(lq->quiz))
		return cmd_quiz_ui_prompt(lq->quiz);
	return cmd_lab_prompt(lq->keys);
}

static int
cmd_lab_quiz_gate(void *arg, size_t ev)
{
	return cmd_quiz_ui_gate(((struct cmd_lab_quiz *)arg)->quiz, ev);
}

static const char *
cmd_lab_quiz_note(void *arg)
{
	return cmd_quiz_ui_note(((struct cmd_lab_quiz *)arg)->quiz);
}

/* -o: what was done, as a script that replays it, through its writer. */
static int
cmd_lab_save(struct writer *w, const char *path, const struct lab_script *s,
    int done)
{
	char line[LAB_TEXT_MAX * 4 + 64], err[512] = "";
	FILE *fp;
	int i, rc = 0;

	if ((fp = writer_stream(w)) == NULL) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		writer_end(w, false, err, sizeof err);
		fprintf(stderr, "synfin: %s: %s\n", path, err);
		return -1;
	}
	fputs("# synfin lab script (synfin lab --script FILE)\n", fp);
	for (i = 0; i < done && (size_t)i < s->n; i++) {
		labscript_format(&s->act[i], line, sizeof line);
		fprintf(fp, "%s\n", line);
	}
	if (fclose(fp) != 0)
		rc = -1;
	/* The writer says why a write failed; the file only when whole. */
	if (writer_end(w, rc == 0, err, sizeof err) != 0 || rc != 0) {
		fprintf(stderr, "synfin: %s: %s\n", path, err[0] != '\0' ?
		    err : strerror(EIO));
		return -1;
	}
	return 0;
}

int
cmd_lab(const struct cmd_opts *o, int argc, char **argv)
{
	struct demo_opts d = { .scn = &cmd_lab_scn, .port = (uint16_t)o->port,
	    .pace_ms = (int)o->pace_ms, .step = o->step };
	struct lab_script script = { 0 };
	struct output out = o->out;
	struct output_run *run;
	struct demo_stats st;
	struct demo *demo;
	struct sink *sink;
	struct writer *ow = NULL;
	struct cmd_lab_keys keys;
	struct cmd_lab_quiz lq = { NULL, NULL };
	struct timeline *tl = NULL;
	struct ui_feed kfeed = { .fd = -1 };
	char err[512], title[128];
	int perm, rc, done;

	if (argc > 0)
		return cmd_usage_error(_("lab takes no argument, not '%s' "
		    "(a script goes after --script)"), argv[0]);
	if (o->out.mode == OUTPUT_SUMMARY)
		return cmd_usage_error("%s",
		    _("--summary is for replay and live"));
	if (o->script == NULL && !cmd_wants_ui(&out))
		return cmd_usage_error("%s", _("lab without --script needs a "
		    "terminal: its keys drive it"));
	if (o->script != NULL && cmd_lab_read(o->script, &script) != 0)
		return EXIT_INPUT;
	d.lab = &script;
	/* On a terminal, keys may add actions after the script's. */
	d.lab_open = cmd_wants_ui(&out) && !(o->quiz && o->script != NULL);
	/* Every file opened now, by its writer (writer.h): the lab drops
	 * its privileges before writing, and a bad path is told at once. */
	if (o->ofile != NULL && (ow = writer_start(o->ofile, WRITER_WHOLE,
	    err, sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->ofile, err);
		labscript_clear(&script);
		return EXIT_INPUT;
	}
	if (output_prepare(&out, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", out.svg, err);
		writer_end(ow, false, err, sizeof err);
		labscript_clear(&script);
		return EXIT_INPUT;
	}
	if (o->wfile != NULL && (d.dump = writer_start(o->wfile,
	    WRITER_RECORDS, err, sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->wfile, err);
		output_release(&out);
		writer_end(ow, false, err, sizeof err);
		labscript_clear(&script);
		return EXIT_INPUT;
	}
	if ((demo = demo_new(&d, &perm, err, sizeof err)) == NULL) {
		output_release(&out);
		fprintf(stderr, "synfin: lab: %s\n", err);
		if (perm)
			cmd_capture_fix(true);
		writer_end(ow, false, err, sizeof err);
		labscript_clear(&script);
		return EXIT_INPUT;
	}
	if (o->quiz && o->script != NULL) {
		/* A script runs, then is asked about, as a demo lesson. */
		snprintf(title, sizeof title, "lab %s --quiz", o->script);
		rc = cmd_quiz_run(demo, &out, title, err, sizeof err);
		output_release(&out);
	} else if (cmd_wants_ui(&out)) {
		keys.demo = demo;
		keys.script = &script;
		keys.side = -1;
		kfeed.key = cmd_lab_key;
		kfeed.mode = cmd_lab_mode;
		kfeed.prompt = cmd_lab_prompt;
		kfeed.karg = &keys;
		if (o->quiz) {
			/* Keys: each action's segments are asked about
			 * before they are shown. */
			tl = timeline_new(cmd_env_cap("SYNFIN_MAX_EVENTS",
			    CMD_TL_MAX));
			lq.keys = &keys;
			lq.quiz = cmd_quiz_ui_new(tl, true);
			kfeed.key = cmd_lab_quiz_key;
			kfeed.mode = cmd_lab_quiz_mode;
			kfeed.prompt = cmd_lab_quiz_prompt;
			kfeed.gate = cmd_lab_quiz_gate;
			kfeed.note = cmd_lab_quiz_note;
			kfeed.karg = &lq;
		}
		snprintf(title, sizeof title, "lab %s%s", o->script != NULL ?
		    o->script : "", o->quiz ? " --quiz" : "");
		rc = cmd_demo_ui(demo, title, &kfeed, tl, err, sizeof err);
		if (lq.quiz != NULL) {
			cmd_quiz_ui_score(lq.quiz, stderr);
			cmd_quiz_ui_free(lq.quiz);
			timeline_free(tl);
		}
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
	if (ow != NULL && cmd_lab_save(ow, o->ofile, &script, done) != 0 &&
	    (rc == 0 || rc > 128))
		rc = -1;
	labscript_clear(&script);
	if (rc > 128)
		return rc;	/* 128+signal */
	if (rc == 0 && demo_signal() != 0)
		return 128 + demo_signal();
	return rc == 0 ? EXIT_OK : EXIT_INPUT;
}
