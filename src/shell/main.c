/* SPDX-License-Identifier: ISC */
/*
 * synfin's command line: the language, the options, the dispatch to the
 * commands (cmd.h), and what the commands share.
 */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "i18n.h"
#include "i18n_init.h"
#include "output.h"
#include "sandbox.h"
#include "xmalloc.h"

static const char main_usage[] = N_(
"usage: synfin demo [NAME] [--list] [--text [-v] | --json] [-w FILE]\n"
"                   [--port N] [--pace MS] [--step] [DIAGRAM]\n"
"       synfin demo [NAME] --quiz [--text] [--port N]\n"
"       synfin lab [--script FILE] [-o FILE] [--text [-v] | --json]\n"
"                  [-w FILE] [--port N] [--pace MS] [--step] [DIAGRAM]\n"
"       synfin lab [--script FILE] --quiz [--text] [--port N]\n"
"       synfin replay [-c COUNT] [--text [-v] | --json | --summary]\n"
"                     [DIAGRAM] FILE [FILTER...]\n"
"       synfin -r FILE [-c COUNT] [--text [-v] | --json | --summary]\n"
"                     [DIAGRAM] [FILTER...]\n"
"       synfin live -i IFACE [-c COUNT] [-w FILE]\n"
"                   [--text [-v] | --json | --summary] [DIAGRAM] [FILTER...]\n"
"       synfin run [--server CMD] [-w FILE] [--text [-v] | --json]\n"
"                  [DIAGRAM] -- PROGRAM [ARGS...]\n"
"       synfin --help | --version\n"
"DIAGRAM: [--svg FILE] [--mermaid | --ladder] [--conn N]\n"
"Every command takes --lang LANG.\n");

static const char main_help[] = N_(
"synfin makes TCP and UDP visible: every segment of every connection, and\n"
"both endpoints' TCP states (RFC 9293) as the packets drive them.\n"
"\n"
"Commands:\n"
"  demo [NAME]              run a lesson for real: synfin's own client and\n"
"                           server make socket calls on a private loopback\n"
"                           while it captures what the kernel sends (default\n"
"                           lesson: handshake; --list shows them all)\n"
"  lab [--script FILE]      the demo's client and server, driven by you: each\n"
"                           key (c c: the client connects) or line of FILE\n"
"                           (\"client connect\") is a real socket call on a\n"
"                           private loopback, shown with its result beside\n"
"                           the packets it caused (synfin(1), LAB KEYS, LAB\n"
"                           SCRIPTS)\n"
"  replay FILE [FILTER...]  read a pcap or pcapng capture (\"-\" for standard\n"
"                           input), optionally through a BPF filter\n"
"                           expression as tcpdump takes it\n"
"  live -i IFACE [FILTER...] watch an interface (lo for your own programs)\n"
"                           until q or Ctrl-C; the filter runs in the\n"
"                           kernel and keeps the ICMP errors that quote a\n"
"                           packet it matches\n"
"  run -- PROGRAM [ARGS...] run your own program on a private loopback and\n"
"                           show its socket calls beside the packets they\n"
"                           cause, and its output; synfin exits with\n"
"                           PROGRAM's status\n"
"\n"
"Options:\n"
"  -r FILE         the same as 'replay FILE'\n"
"  -i IFACE        the interface to watch (live)\n"
"  -c COUNT        stop after COUNT frames (that pass the filter)\n"
"  -w FILE         also write every captured frame to a pcap file (demo,\n"
"                  live, run), opened before the run, whole after Ctrl-C;\n"
"                  a FIFO or a device is written, never replaced\n"
"  --text          one line per packet with state changes, then one summary\n"
"                  line per connection (the default when standard output is\n"
"                  not a terminal; on a terminal, the commands open the\n"
"                  full-screen UI: ladder, both state machines, narration;\n"
"                  ? lists keys)\n"
"  -v              with --text: the narration of each step under its line\n"
"  --json          JSON Lines: one object per event (conn, packet, state,\n"
"                  call, kstate, icmp, warning, summary; output for run),\n"
"                  always in English; see synfin(1)\n"
"  --summary       only the per-connection summary lines\n"
"  --list          list the demo's lessons\n"
"  --port N        the demo server's port (default 8080)\n"
"  --pace MS       the demo's delay between socket calls (default 400;\n"
"                  0 for tests)\n"
"  --step          hold each socket call of the demo until Enter is pressed\n"
"  --script FILE   the lab's actions, one a line: SIDE CALL [ARG]\n"
"  -o FILE         save the lab's actions as a script that replays them\n"
"  --quiz          before each segment that changes something, ask which\n"
"                  flags it carries or which state an endpoint enters, then\n"
"                  show it (keys 1-4; a lesson or script runs first and is\n"
"                  shown step by step; with --text, answers on standard\n"
"                  input); the score at the end\n"
"  --server CMD    run: start CMD (with /bin/sh -c) first, and PROGRAM once\n"
"                  CMD listens (at most 3 s later); CMD gets SIGTERM when\n"
"                  PROGRAM has exited\n"
"  --svg FILE      when the input ends, write the ladder diagram as SVG to\n"
"                  FILE (\"-\": standard output), whole or not at all;\n"
"                  standard output still gets --text, --json or --summary\n"
"                  when one is given\n"
"  --mermaid       print the ladder as Mermaid sequenceDiagram blocks for\n"
"                  Markdown, instead of the text output\n"
"  --ladder        print the ladder as plain text with both endpoints'\n"
"                  states, instead of the text output\n"
"  --conn N        diagrams show only conn N (its id in the text output);\n"
"                  the default is the first 100 conns, one after another\n"
"  --lang LANG     the language of messages, narration and the UI (zh_CN,\n"
"                  en); the default follows the locale (LANG, LC_ALL,\n"
"                  LC_MESSAGES, LANGUAGE)\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the version and exit\n"
"\n"
"Exit status: 0 success; 1 input problem (unreadable or truncated file,\n"
"unsupported link type, bad filter, no such interface, no permission to\n"
"capture, a file that cannot be written); 2 usage error; 128+N after\n"
"signal N (130 after Ctrl-C).\n");

/* fatal() from any layer: the core's formats are English message ids,
 * shown to a person in their language. */
static void
main_fatal_print(const char *fmt, va_list ap)
{
	fputs("synfin: ", stderr);
	vfprintf(stderr, _(fmt), ap);
	fputc('\n', stderr);
}

static void
main_sigpipe(int sig)
{
	/* Output into a closed pipe (| head) ends quietly, like tcpdump. */
	_exit(EXIT_OK);
}

int
cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int
cmd_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("synfin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(_(main_usage), stderr);
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
 * A memory cap, lowered through the environment for tests that prove
 * the bounds in seconds (synfin(1), ENVIRONMENT): SYNFIN_MAX_EVENTS for
 * the UI's timeline, SYNFIN_MAX_FLOWS for the conversations tracked at
 * once.  Anything but a positive number leaves the default.
 */
size_t
cmd_env_cap(const char *name, size_t dflt)
{
	const char *s = getenv(name);
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return dflt;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > SIZE_MAX)
		return dflt;
	return (size_t)v;
}

void
cmd_engine_config(struct engine_config *cfg)
{
	size_t v;

	engine_config_default(cfg);
	v = cmd_env_cap("SYNFIN_MAX_FLOWS", cfg->max_flows);
	cfg->max_flows = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int
main_number(const char *opt, const char *arg, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || *out < lo ||
	    *out > hi)
		return cmd_usage_error(_("%s wants a number from %ld to %ld, "
		    "not '%s'"), opt, lo, hi, arg);
	return 0;
}

bool
cmd_wants_ui(const struct output *o)
{
	return o->mode == OUTPUT_AUTO && !o->explain &&
	    !output_export_any(o) && isatty(STDOUT_FILENO);
}

void
cmd_capture_fix(bool demo)
{
	const char *fix;
	bool blocking, any = false;
	size_t i;

	fputs(_("synfin: to capture, run it with sudo, or give the binary the "
	    "capabilities:\n"), stderr);
	fputs("    sudo setcap cap_net_raw,cap_net_admin+ep \"$(command -v "
	    "synfin)\"\n", stderr);
	if (demo) {
		fputs(_("  or allow unprivileged user namespaces (then the "
		    "demo needs no privilege):\n"), stderr);
		/* The switches that forbid them here; all when none
		 * known does (a kernel that says so otherwise). */
		for (i = 0; (fix = sandbox_userns_fix(i, &blocking)) != NULL;
		    i++)
			any = any || blocking;
		for (i = 0; (fix = sandbox_userns_fix(i, &blocking)) != NULL;
		    i++) {
			if (blocking || !any)
				fprintf(stderr, "    sudo sysctl -w %s\n", fix);
		}
		if (!any)
			fputs(_("  (the last one is Ubuntu's AppArmor "
			    "restriction, 23.10 and later)\n"), stderr);
		fputs(_("  Meanwhile, replay a lesson recorded from real "
		    "traffic:\n"), stderr);
		fputs("    synfin replay captures/handshake.pcap\n", stderr);
	}
}

/*
 * The language is chosen before the first message, so --lang is taken
 * out of argv (anywhere before "--", before or after the command) ahead
 * of getopt, which may itself complain.  --json needs no language of its
 * own: its writer never translates.  Returns the new argc; *lang is NULL
 * without --lang, "" when it lacks a value.
 */
static int
main_prescan(int argc, char **argv, const char **lang)
{
	int i, n = 1;

	*lang = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--lang") == 0) {
			*lang = i + 1 < argc ? argv[++i] : "";
			continue;
		}
		if (strncmp(argv[i], "--lang=", 7) == 0) {
			*lang = argv[i] + 7;
			continue;
		}
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int
main(int argc, char **argv)
{
	enum { OPT_LIST = 256, OPT_PORT, OPT_PACE, OPT_STEP, OPT_SVG,
	    OPT_MERMAID, OPT_LADDER, OPT_CONN, OPT_SCRIPT, OPT_SERVER,
	    OPT_QUIZ };
	static const struct option longopts[] = {
		{ "text", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "summary", no_argument, NULL, 's' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "pace", required_argument, NULL, OPT_PACE },
		{ "step", no_argument, NULL, OPT_STEP },
		{ "script", required_argument, NULL, OPT_SCRIPT },
		{ "quiz", no_argument, NULL, OPT_QUIZ },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "mermaid", no_argument, NULL, OPT_MERMAID },
		{ "ladder", no_argument, NULL, OPT_LADDER },
		{ "conn", required_argument, NULL, OPT_CONN },
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char progname[] = "synfin";
	struct cmd_opts o = { .out.mode = OUTPUT_AUTO, .port = 8080,
	    .pace_ms = 400 };
	const char *conflict, *lang, *demo_only = NULL;
	char *filter = NULL, *end;
	long v;
	int ch, rc;

	signal(SIGPIPE, main_sigpipe);
	argc = main_prescan(argc, argv, &lang);
	if (lang != NULL && !i18n_lang_valid(lang)) {
		i18n_init(NULL);
		return cmd_usage_error(_("--lang wants a language such as "
		    "zh_CN or en, not '%s'"), lang);
	}
	if (i18n_init(lang) != 0)
		fprintf(stderr, _("synfin: no %s translation in %s; messages "
		    "stay in English\n"), i18n_missing(), i18n_localedir());
	xmalloc_set_fatal_printer(main_fatal_print);

	/* getopt names argv[0] in its messages: make them "synfin: ...". */
	argv[0] = progname;
	/* A subcommand comes first, unless tcpdump's -r is used. */
	if (argc > 1 && argv[1][0] != '-') {
		o.cmd = argv[1];
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	/* run: PROGRAM's own options are not synfin's ("+": stop at it). */
	while ((ch = getopt_long(argc, argv, o.cmd != NULL &&
	    strcmp(o.cmd, "run") == 0 ? "+r:c:w:i:o:vhV" : "r:c:w:i:o:vhV",
	    longopts, NULL)) != -1) {
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
		case 'o':
			o.ofile = optarg;
			break;
		case OPT_SCRIPT:
			o.script = optarg;
			break;
		case OPT_QUIZ:
			o.quiz = true;
			break;
		case 'c':
			errno = 0;
			o.count = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o.count == 0 ||
			    optarg[0] == '-')
				return cmd_usage_error(_("-c wants a positive "
				    "number, not '%s'"), optarg);
			break;
		case 't':
			o.out.mode = OUTPUT_TEXT;
			break;
		case 'v':
			o.out.explain = true;
			break;
		case 'j':
			o.out.mode = OUTPUT_JSON;
			break;
		case 's':
			o.out.mode = OUTPUT_SUMMARY;
			break;
		case OPT_LIST:
			o.list = true;
			demo_only = "--list";
			break;
		case OPT_PORT:
			if (main_number("--port", optarg, 1, 65534, &v) != 0)
				return EXIT_USAGE;
			o.port = v;
			demo_only = "--port";
			break;
		case OPT_PACE:
			if (main_number("--pace", optarg, 0, 60000, &v) != 0)
				return EXIT_USAGE;
			o.pace_ms = v;
			demo_only = "--pace";
			break;
		case OPT_STEP:
			o.step = true;
			demo_only = "--step";
			break;
		case OPT_SVG:
			o.out.svg = optarg;
			break;
		case OPT_MERMAID:
			o.out.mermaid = true;
			break;
		case OPT_LADDER:
			o.out.ladder = true;
			break;
		case OPT_SERVER:
			o.server = optarg;
			break;
		case OPT_CONN:
			if (main_number("--conn", optarg, 1, UINT32_MAX,
			    &v) != 0)
				return EXIT_USAGE;
			o.out.conn = (uint32_t)v;
			break;
		case 'h':
			fputs(_(main_usage), stdout);
			fputc('\n', stdout);
			fputs(_(main_help), stdout);
			return EXIT_OK;
		case 'V':
			printf("synfin %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			fputs(_(main_usage), stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	o.out.max_events = cmd_env_cap("SYNFIN_MAX_EVENTS", CMD_TL_MAX);
	/* -v alone means --text -v. */
	if (o.out.explain && o.out.mode == OUTPUT_AUTO)
		o.out.mode = OUTPUT_TEXT;
	if ((conflict = output_conflict(&o.out)) != NULL)
		return cmd_usage_error("%s", conflict);
	if (o.cmd == NULL && o.file == NULL) {
		if (argc > 0)
			return cmd_usage_error(_("unknown command '%s'"),
			    argv[0]);
		return cmd_usage_error("%s", _("no command given"));
	}
	if (o.quiz && (o.cmd == NULL || (strcmp(o.cmd, "demo") != 0 &&
	    strcmp(o.cmd, "lab") != 0)))
		return cmd_usage_error("%s", _("--quiz is for demo and lab"));
	if (o.quiz && (o.out.mode == OUTPUT_JSON ||
	    o.out.mode == OUTPUT_SUMMARY || o.out.explain ||
	    output_export_any(&o.out)))
		return cmd_usage_error("%s", _("--quiz asks in the UI or with "
		    "--text, and explains each answer itself"));
	if (o.quiz && o.step)
		return cmd_usage_error("%s", _("--quiz holds each step for its "
		    "question; --step is not needed"));
	if ((o.script != NULL || o.ofile != NULL) &&
	    (o.cmd == NULL || strcmp(o.cmd, "lab") != 0))
		return cmd_usage_error("%s", _("--script and -o are for lab"));
	/* Silently ignored, they would mislead: the demo's own options. */
	if (demo_only != NULL && (o.cmd == NULL || strcmp(o.cmd, "replay") ==
	    0 || strcmp(o.cmd, "live") == 0))
		/* TRANSLATORS: an option (--pace), then replay or live. */
		return cmd_usage_error(_("%s is for demo and lab, not %s"),
		    demo_only, o.cmd != NULL ? o.cmd : "replay");
	if (o.cmd == NULL || strcmp(o.cmd, "replay") == 0) {
		if (o.wfile != NULL || o.iface != NULL)
			return cmd_usage_error("%s", _("-w and -i are for "
			    "demo and live, not replay"));
		if (o.file == NULL) {
			if (argc == 0)
				return cmd_usage_error("%s",
				    _("replay needs a FILE"));
			o.file = argv[0];
			argc--;
			argv++;
		}
		if (argc > 0)
			filter = main_join(argc, argv);
		rc = cmd_replay(o.file, filter, o.count, &o.out);
	} else if (strcmp(o.cmd, "demo") == 0) {
		rc = cmd_demo(&o, argc, argv);
	} else if (strcmp(o.cmd, "lab") == 0) {
		rc = cmd_lab(&o, argc, argv);
	} else if (strcmp(o.cmd, "run") == 0) {
		if (o.iface != NULL || o.file != NULL || o.count != 0)
			return cmd_usage_error("%s", _("-r, -i and -c are not "
			    "for run"));
		rc = cmd_run(&o, argc, argv);
	} else if (strcmp(o.cmd, "live") == 0) {
		if (o.iface == NULL)
			return cmd_usage_error("%s", _("live needs -i IFACE "
			    "(-i lo for programs on this machine)"));
		if (argc > 0)
			filter = main_join(argc, argv);
		rc = cmd_live(&o, filter);
	} else
		return cmd_usage_error(_("unknown command '%s'"), o.cmd);
	free(filter);
	return rc;
}
