/* SPDX-License-Identifier: ISC */
/* synfin's command line: subcommands, options and exit codes. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "capture.h"
#include "demo.h"
#include "sandbox.h"
#include "engine.h"
#include "out.h"
#include "timeline.h"
#include "ui.h"
#include "xmalloc.h"

/* Exit codes: a contract for scripts (synfin(1), EXIT STATUS). */
#define EXIT_OK		0
#define EXIT_INPUT	1	/* unreadable input, bad filter ... */
#define EXIT_USAGE	2

enum main_mode {
	MAIN_MODE_AUTO,
	MAIN_MODE_TEXT,
	MAIN_MODE_JSON,
	MAIN_MODE_SUMMARY,
};

static const char main_usage[] =
"usage: synfin demo [NAME] [--list] [--text | --json] [-w FILE] [--port N]\n"
"                   [--pace MS] [--step]\n"
"       synfin replay [-c COUNT] [--text | --json | --summary] FILE [FILTER...]\n"
"       synfin replay [-c COUNT] [--svg FILE] [--mermaid | --ladder]\n"
"                     [--conn N] FILE [FILTER...]\n"
"       synfin -r FILE [-c COUNT] [--text | --json | --summary] [FILTER...]\n"
"       synfin live -i IFACE [-c COUNT] [-w FILE] [--text | --json | --summary]\n"
"                   [FILTER...]\n"
"       synfin --help | --version\n";

static const char main_help[] =
"synfin makes TCP and UDP visible: every segment of every connection, and\n"
"both endpoints' TCP states (RFC 9293) as the packets drive them.\n"
"\n"
"Commands:\n"
"  demo [NAME]              run a lesson for real: synfin's own client and\n"
"                           server make socket calls on a private loopback\n"
"                           while it captures what the kernel sends (default\n"
"                           lesson: handshake; --list shows them all)\n"
"  replay FILE [FILTER...]  read a pcap or pcapng capture (\"-\" for standard\n"
"                           input), optionally through a BPF filter\n"
"                           expression as tcpdump takes it\n"
"  live -i IFACE [FILTER...] watch an interface (lo for your own programs)\n"
"                           until Ctrl-C\n"
"\n"
"Options:\n"
"  -r FILE         the same as 'replay FILE'\n"
"  -i IFACE        the interface to watch (live)\n"
"  -c COUNT        stop after COUNT frames (that pass the filter)\n"
"  -w FILE         also write every captured frame to a pcap file (demo,\n"
"                  live); complete even after Ctrl-C\n"
"  --text          one line per packet with state changes, then one summary\n"
"                  line per connection (the default when standard output is\n"
"                  not a terminal; on a terminal, replay opens the full-screen\n"
"                  UI: ladder, both state machines, narration; ? lists keys)\n"
"  --json          JSON Lines: one object per event (conn, packet, state,\n"
"                  call, icmp, warning, summary); see synfin(1)\n"
"  --summary       only the per-connection summary lines\n"
"  --list          list the demo's lessons\n"
"  --port N        the demo server's port (default 8080)\n"
"  --pace MS       the demo's delay between socket calls (default 400;\n"
"                  0 for tests)\n"
"  --step          hold each socket call of the demo until Enter is pressed\n"
"  --svg FILE      write the ladder diagram as SVG to FILE (\"-\": standard\n"
"                  output), whole or not at all; standard output still gets\n"
"                  --text, --json or --summary when one is given\n"
"  --mermaid       print the ladder as Mermaid sequenceDiagram blocks for\n"
"                  Markdown, instead of the text output\n"
"  --ladder        print the ladder as plain ASCII text with both endpoints'\n"
"                  states, instead of the text output\n"
"  --conn N        diagrams show only conn N (its id in the text output);\n"
"                  the default is every conn, one after another\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the version and exit\n"
"\n"
"Exit status: 0 success; 1 input problem (unreadable or truncated file,\n"
"unsupported link type, bad filter, no such interface, no permission to\n"
"capture); 2 usage error.\n";

static void
main_sigpipe(int sig)
{
	/* Output into a closed pipe (| head) ends quietly, like tcpdump. */
	_exit(EXIT_OK);
}

static int
main_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
main_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("synfin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(main_usage, stderr);
	return EXIT_USAGE;
}

/* Join trailing arguments into one filter expression, as tcpdump does. */
static char *
main_join(int argc, char **argv)
{
	size_t n = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = xmalloc(n);
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/*
 * Diagram exports (--svg, --mermaid, --ladder): the engine feeds a
 * timeline as well as (or, for the exports that take standard output,
 * instead of) the stream output, and the exporters draw it once the
 * input has ended.  --svg FILE writes atomically.
 */
#define MAIN_TL_MAX	2000000	/* events a diagram keeps */

struct main_export {
	const char	*svg;		/* --svg FILE, "-": standard output */
	bool		 mermaid;
	bool		 ladder;
	uint32_t	 conn;		/* --conn N; 0: every conn */
};

static bool
main_export_any(const struct main_export *x)
{
	return x->svg != NULL || x->mermaid || x->ladder;
}

/* Whether an export takes standard output (then nothing else does). */
static bool
main_export_stdout(const struct main_export *x)
{
	return x->mermaid || x->ladder ||
	    (x->svg != NULL && strcmp(x->svg, "-") == 0);
}

/* Both the stream output and the timeline get every event. */
struct main_tee {
	struct sink	 sink;
	struct sink	*a;
	struct sink	*b;
};

static void
main_tee_emit(struct sink *s, const struct ev *e)
{
	struct main_tee *t = (struct main_tee *)s;

	sink_emit(t->a, e);
	sink_emit(t->b, e);
}

static void
main_tee_close(struct sink *s)
{
	struct main_tee *t = (struct main_tee *)s;

	sink_close(t->a);
	sink_close(t->b);
	free(t);
}

static struct sink *
main_tee_new(struct sink *a, struct sink *b)
{
	struct main_tee *t = xcalloc(1, sizeof *t);

	t->sink.emit = main_tee_emit;
	t->sink.close = main_tee_close;
	t->a = a;
	t->b = b;
	return &t->sink;
}

struct main_svg_arg {
	const struct timeline	*tl;
	uint32_t		 conn;
};

static int
main_svg_fill(FILE *fp, void *arg)
{
	const struct main_svg_arg *a = arg;

	return out_svg_write(a->tl, a->conn, fp);
}

/* Draw what the timeline holds; `what` names the input in messages. */
static int
main_export_run(const struct main_export *x, const struct timeline *tl,
    const char *what)
{
	struct main_svg_arg a = { tl, x->conn };
	char err[512];
	int rc = EXIT_OK;

	if (x->conn != 0 && timeline_conn_by_id(tl, x->conn) == NULL) {
		fprintf(stderr, "synfin: %s: no conn %" PRIu32
		    " (it has %zu)\n", what, x->conn, timeline_nconns(tl));
		return EXIT_INPUT;
	}
	if (timeline_dropped(tl) > 0)
		fprintf(stderr, "synfin: %s: the diagram shows the first %zu "
		    "events; %zu more were left out\n", what, timeline_len(tl),
		    timeline_dropped(tl));
	if (x->svg != NULL && strcmp(x->svg, "-") == 0)
		out_svg_write(tl, x->conn, stdout);
	else if (x->svg != NULL &&
	    atomic_write(x->svg, main_svg_fill, &a, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", x->svg, err);
		rc = EXIT_INPUT;
	}
	if (x->mermaid)
		out_mermaid_write(tl, x->conn, stdout);
	if (x->ladder)
		out_ladder_write(tl, x->conn, stdout);
	return rc;
}

/*
 * The terminal UI over a timeline of the whole capture.  Without a usable
 * terminal (no TERM, say), the timeline is printed as --text would.
 */
static int
main_replay_ui(struct capture *cap, const char *path, uint64_t count)
{
	struct engine_config cfg;
	struct ui_opts uo;
	struct timeline *tl;
	struct engine *e;
	struct sink *text;
	const char *base;
	char err[512], title[256];
	size_t i;
	int rc = EXIT_OK, urc;

	tl = timeline_new(MAIN_TL_MAX);
	engine_config_default(&cfg);
	e = engine_new(&cfg, timeline_sink(tl));
	if (capture_run(cap, e, count, err, sizeof err) != 0) {
		engine_warn(e, 0, 0, err);
		rc = EXIT_INPUT;
	}
	engine_finish(e);
	engine_free(e);
	capture_close(cap);
	base = strrchr(path, '/');
	snprintf(title, sizeof title, "replay %s", base != NULL ? base + 1 :
	    path);
	uo.title = title;
	uo.start = UI_START_REPLAY;
	urc = ui_main(tl, &uo, NULL);
	if (urc == UI_NO_TERMINAL) {
		text = out_text_new(stdout, OUT_TEXT_FULL);
		for (i = 0; i < timeline_len(tl); i++)
			sink_emit(text, timeline_at(tl, i));
		sink_close(text);
	} else if (urc != 0)
		rc = urc;
	if (rc == EXIT_INPUT)
		fprintf(stderr, "synfin: %s: %s\n", path, err);
	timeline_free(tl);
	return rc;
}

static int
main_replay(const char *path, const char *filter, enum main_mode mode,
    uint64_t count, const struct main_export *x)
{
	struct timeline *tl = NULL;
	struct engine_config cfg;
	struct engine *e;
	struct capture *cap;
	struct sink *sink;
	char err[512], lt[128];
	int rc = EXIT_OK;

	if (strcmp(path, "-") == 0 && isatty(STDIN_FILENO)) {
		fprintf(stderr, "synfin: -: standard input is a terminal, not "
		    "a capture (pipe one in, or name a file)\n");
		return EXIT_INPUT;
	}
	if ((cap = capture_open_file(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", path, err);
		return EXIT_INPUT;
	}
	if (!dec_linktype_supported(capture_linktype(cap))) {
		capture_linktype_desc(capture_linktype(cap), lt, sizeof lt);
		fprintf(stderr, "synfin: %s: unsupported link type %s\n", path,
		    lt);
		capture_close(cap);
		return EXIT_INPUT;
	}
	if (filter != NULL && capture_set_filter(cap, filter, err,
	    sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", path, err);
		capture_close(cap);
		return EXIT_INPUT;
	}

	/* A person at a terminal gets the UI; pipes and files get text. */
	if (mode == MAIN_MODE_AUTO && !main_export_any(x) &&
	    isatty(STDOUT_FILENO))
		return main_replay_ui(cap, path, count);
	if (main_export_stdout(x) || (x->svg != NULL &&
	    mode == MAIN_MODE_AUTO))
		sink = NULL;
	else if (mode == MAIN_MODE_JSON)
		sink = out_json_new(stdout);
	else
		sink = out_text_new(stdout, mode == MAIN_MODE_SUMMARY ?
		    OUT_TEXT_SUMMARY : OUT_TEXT_FULL);
	if (main_export_any(x)) {
		tl = timeline_new(MAIN_TL_MAX);
		sink = sink == NULL ? timeline_sink(tl) :
		    main_tee_new(sink, timeline_sink(tl));
	}
	engine_config_default(&cfg);
	e = engine_new(&cfg, sink);
	if (capture_run(cap, e, count, err, sizeof err) != 0) {
		/* Show what was read, then say why it stopped. */
		engine_warn(e, 0, 0, err);
		rc = EXIT_INPUT;
	}
	engine_finish(e);
	engine_free(e);
	sink_close(sink);
	capture_close(cap);
	if (rc != EXIT_OK)
		fprintf(stderr, "synfin: %s: %s\n", path, err);
	if (tl != NULL) {
		if (main_export_run(x, tl, path) != EXIT_OK)
			rc = EXIT_INPUT;
		timeline_free(tl);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "synfin: writing output: %s\n",
		    strerror(errno));
		return EXIT_INPUT;
	}
	return rc;
}

struct main_opts {
	const char	*cmd;		/* "replay", "demo", "live" */
	enum main_mode	mode;
	const char	*file;		/* -r */
	const char	*wfile;		/* -w */
	const char	*iface;		/* -i */
	uint64_t	count;		/* -c */
	bool		list;
	long		port;
	long		pace_ms;
	bool		step;
	struct main_export x;		/* --svg, --mermaid, --ladder */
};

static struct sink *
main_sink(enum main_mode mode)
{
	if (mode == MAIN_MODE_JSON)
		return out_json_new(stdout);
	return out_text_new(stdout, mode == MAIN_MODE_SUMMARY ?
	    OUT_TEXT_SUMMARY : OUT_TEXT_FULL);
}

/* What to do when capturing is not allowed: the exact fix. */
static void
main_capture_fix(bool demo)
{
	fputs("synfin: to capture, run it with sudo, or give the binary the "
	    "capabilities:\n"
	    "    sudo setcap cap_net_raw,cap_net_admin+ep \"$(command -v "
	    "synfin)\"\n", stderr);
	if (demo)
		fputs("  or allow unprivileged user namespaces (then the demo "
		    "needs no privilege):\n"
		    "    sudo sysctl -w kernel.unprivileged_userns_clone=1\n"
		    "  Meanwhile, replay a lesson recorded from real traffic:\n"
		    "    synfin replay captures/handshake.pcap\n", stderr);
}

static int
main_list(void)
{
	const struct scenario *s;
	int i;

	for (i = 0; (s = scenario_at(i)) != NULL; i++)
		printf("%-20s %s\n", s->name, s->summary);
	return EXIT_OK;
}

/* The demo drawn live: its frames and calls land in the UI's timeline. */
struct main_demo_feed {
	struct demo	*demo;
	struct engine	*e;
	bool		 done;
};

static int
main_demo_ready(void *arg)
{
	struct main_demo_feed *f = arg;
	int rc;

	if (f->done)
		return 1;
	if ((rc = demo_service(f->demo)) != 0) {
		engine_finish(f->e);
		f->done = true;
	}
	return rc;
}

static const char *
main_demo_held(void *arg)
{
	return demo_held(((struct main_demo_feed *)arg)->demo);
}

static void
main_demo_release(void *arg)
{
	demo_release(((struct main_demo_feed *)arg)->demo);
}

static int
main_demo_ui(struct demo *demo, const char *name, char *err, size_t len)
{
	struct main_demo_feed mf = { .demo = demo };
	struct ui_feed feed = { .on_ready = main_demo_ready,
	    .held = main_demo_held, .release = main_demo_release, .arg = &mf };
	struct ui_opts uo;
	struct timeline *tl;
	char title[128];
	int urc;

	tl = timeline_new(MAIN_TL_MAX);
	mf.e = engine_new(NULL, timeline_sink(tl));
	feed.fd = demo_fd(demo);
	snprintf(title, sizeof title, "demo %s", name);
	uo.title = title;
	uo.start = UI_START_LIVE;
	demo_start(demo, mf.e);
	urc = ui_main(tl, &uo, &feed);
	if (!mf.done)
		engine_finish(mf.e);
	engine_free(mf.e);
	timeline_free(tl);
	if (urc == UI_NO_TERMINAL) {
		snprintf(err, len, "cannot open the terminal UI (use --text)");
		return -1;
	}
	return 0;
}

static int
main_demo(const struct main_opts *o, int argc, char **argv)
{
	struct demo_opts d = { .port = (uint16_t)o->port,
	    .pace_ms = (int)o->pace_ms, .step = o->step, .wfile = o->wfile };
	struct demo_stats st;
	struct demo *demo;
	struct sink *sink;
	char err[512];
	int perm, rc;

	if (o->list)
		return main_list();
	if (argc > 1)
		return main_usage_error("demo takes one lesson name, not '%s'",
		    argv[1]);
	d.scn = scenario_find(argc == 1 ? argv[0] : "handshake");
	if (d.scn == NULL)
		return main_usage_error("unknown lesson '%s' (synfin demo "
		    "--list shows them)", argv[0]);
	if (o->mode == MAIN_MODE_SUMMARY)
		return main_usage_error("%s", "--summary is for replay and live");
	if ((demo = demo_new(&d, &perm, err, sizeof err)) == NULL) {
		fprintf(stderr, "synfin: demo: %s\n", err);
		if (perm)
			main_capture_fix(true);
		return EXIT_INPUT;
	}
	if (o->mode == MAIN_MODE_AUTO && isatty(STDOUT_FILENO))
		rc = main_demo_ui(demo, d.scn->name, err, sizeof err);
	else {
		sink = main_sink(o->mode);
		rc = demo_run(demo, sink, err, sizeof err);
		sink_close(sink);
	}
	demo_stats(demo, &st);
	if (rc != 0)
		fprintf(stderr, "synfin: demo: %s\n", err);
	fprintf(stderr, "synfin demo %s: %" PRIu64 " packets captured, %"
	    PRIu64 " dropped; first packet %" PRId64 " ms after the start; "
	    "CapEff %llx while parsing\n", d.scn->name, st.received,
	    st.dropped, st.first_syn_ms, st.capeff);
	demo_free(demo);
	return rc == 0 ? EXIT_OK : EXIT_INPUT;
}

static volatile sig_atomic_t main_stop;

static void
main_on_signal(int sig)
{
	main_stop = sig;
}

static int
main_live(const struct main_opts *o, const char *filter)
{
	struct engine *e;
	struct capture *cap;
	struct capture_frame f;
	struct sigaction sa;
	struct sink *sink;
	struct pollfd p;
	uint64_t fed = 0, recv, drop;
	char err[512], derr[256];
	int perm, rc = EXIT_OK, n;

	if ((cap = capture_open_live(o->iface, &perm, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "synfin: %s: %s\n", o->iface, err);
		if (perm)
			main_capture_fix(false);
		return EXIT_INPUT;
	}
	if (filter != NULL && capture_set_filter(cap, filter, err,
	    sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", o->iface, err);
		capture_close(cap);
		return EXIT_INPUT;
	}
	if (o->wfile != NULL && capture_dump_open(cap, o->wfile, err,
	    sizeof err) != 0) {
		/* libpcap's message already names the file. */
		fprintf(stderr, "synfin: %s\n", err);
		capture_close(cap);
		return EXIT_INPUT;
	}
	if (sandbox_drop(derr, sizeof derr) != 0) {
		fprintf(stderr, "synfin: cannot drop privileges: %s\n", derr);
		capture_close(cap);
		return EXIT_INPUT;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = main_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	sink = main_sink(o->mode);
	e = engine_new(NULL, sink);
	p.fd = capture_fd(cap);
	p.events = POLLIN;
	while (!main_stop && (o->count == 0 || fed < o->count)) {
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
			if (o->mode != MAIN_MODE_SUMMARY)
				fflush(stdout);
			continue;
		}
		if (n == CAPTURE_END)
			break;
		poll(&p, 1, 200);
	}
	engine_finish(e);
	engine_free(e);
	sink_close(sink);
	capture_stats(cap, &recv, &drop);
	fprintf(stderr, "synfin: %s: %" PRIu64 " packets received, %" PRIu64
	    " dropped by the kernel\n", o->iface, recv, drop);
	if (capture_dump_close(cap, err, sizeof err) != 0) {
		fprintf(stderr, "synfin: %s: %s\n", o->wfile, err);
		rc = EXIT_INPUT;
	}
	capture_close(cap);
	return rc;
}

static int
main_number(const char *opt, const char *arg, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || *out < lo ||
	    *out > hi)
		return main_usage_error("%s wants a number from %ld to %ld, not "
		    "'%s'", opt, lo, hi, arg);
	return 0;
}

int
main(int argc, char **argv)
{
	enum { OPT_LIST = 256, OPT_PORT, OPT_PACE, OPT_STEP, OPT_SVG,
	    OPT_MERMAID, OPT_LADDER, OPT_CONN };
	static const struct option longopts[] = {
		{ "text", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "summary", no_argument, NULL, 's' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "pace", required_argument, NULL, OPT_PACE },
		{ "step", no_argument, NULL, OPT_STEP },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "mermaid", no_argument, NULL, OPT_MERMAID },
		{ "ladder", no_argument, NULL, OPT_LADDER },
		{ "conn", required_argument, NULL, OPT_CONN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct main_opts o = { .mode = MAIN_MODE_AUTO, .port = 8080,
	    .pace_ms = 400 };
	char *filter = NULL, *end;
	long v;
	int ch, rc;

	signal(SIGPIPE, main_sigpipe);

	/* A subcommand comes first, unless tcpdump's -r is used. */
	static char progname[] = "synfin";

	/* getopt names argv[0] in its messages: make them "synfin: ...". */
	argv[0] = progname;
	if (argc > 1 && argv[1][0] != '-') {
		o.cmd = argv[1];
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	while ((ch = getopt_long(argc, argv, "r:c:w:i:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			o.file = optarg;
			break;
		case 'w':
			o.wfile = optarg;
			break;
		case 'i':
			o.iface = optarg;
			break;
		case 'c':
			errno = 0;
			o.count = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o.count == 0 ||
			    optarg[0] == '-')
				return main_usage_error("-c wants a positive "
				    "number, not '%s'", optarg);
			break;
		case 't':
			o.mode = MAIN_MODE_TEXT;
			break;
		case 'j':
			o.mode = MAIN_MODE_JSON;
			break;
		case 's':
			o.mode = MAIN_MODE_SUMMARY;
			break;
		case OPT_LIST:
			o.list = true;
			break;
		case OPT_PORT:
			if (main_number("--port", optarg, 1, 65534, &v) != 0)
				return EXIT_USAGE;
			o.port = v;
			break;
		case OPT_PACE:
			if (main_number("--pace", optarg, 0, 60000, &v) != 0)
				return EXIT_USAGE;
			o.pace_ms = v;
			break;
		case OPT_STEP:
			o.step = true;
			break;
		case OPT_SVG:
			o.x.svg = optarg;
			break;
		case OPT_MERMAID:
			o.x.mermaid = true;
			break;
		case OPT_LADDER:
			o.x.ladder = true;
			break;
		case OPT_CONN:
			if (main_number("--conn", optarg, 1, UINT32_MAX,
			    &v) != 0)
				return EXIT_USAGE;
			o.x.conn = (uint32_t)v;
			break;
		case 'h':
			fputs(main_usage, stdout);
			fputc('\n', stdout);
			fputs(main_help, stdout);
			return EXIT_OK;
		case 'V':
			printf("synfin %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			fputs(main_usage, stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (o.x.mermaid && o.x.ladder)
		return main_usage_error("%s", "--mermaid and --ladder both "
		    "write to standard output; pick one");
	if (main_export_stdout(&o.x) && o.mode != MAIN_MODE_AUTO)
		return main_usage_error("%s", "--mermaid, --ladder and --svg - "
		    "take standard output; --text, --json and --summary "
		    "cannot share it");
	if (o.x.conn != 0 && !main_export_any(&o.x))
		return main_usage_error("%s", "--conn picks the conn for "
		    "--svg, --mermaid or --ladder");
	if (o.cmd == NULL && o.file == NULL) {
		if (argc > 0)
			return main_usage_error("unknown command '%s'",
			    argv[0]);
		return main_usage_error("%s", "no command given");
	}
	if (o.cmd == NULL || strcmp(o.cmd, "replay") == 0) {
		if (o.wfile != NULL || o.iface != NULL)
			return main_usage_error("%s", "-w and -i are for demo "
			    "and live, not replay");
		if (o.file == NULL) {
			if (argc == 0)
				return main_usage_error("%s",
				    "replay needs a FILE");
			o.file = argv[0];
			argc--;
			argv++;
		}
		if (argc > 0)
			filter = main_join(argc, argv);
		rc = main_replay(o.file, filter, o.mode, o.count, &o.x);
	} else if (main_export_any(&o.x)) {
		return main_usage_error("%s", "--svg, --mermaid and --ladder "
		    "work with replay for now");
	} else if (strcmp(o.cmd, "demo") == 0) {
		rc = main_demo(&o, argc, argv);
	} else if (strcmp(o.cmd, "live") == 0) {
		if (o.iface == NULL)
			return main_usage_error("%s", "live needs -i IFACE "
			    "(-i lo for programs on this machine)");
		if (argc > 0)
			filter = main_join(argc, argv);
		rc = main_live(&o, filter);
	} else
		return main_usage_error("unknown command '%s'", o.cmd);
	free(filter);
	return rc;
}
