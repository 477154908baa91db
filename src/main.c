/* SPDX-License-Identifier: ISC */
/* synfin's command line: subcommands, options and exit codes. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "engine.h"
#include "out.h"
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
"usage: synfin replay [-c COUNT] [--text | --json | --summary] FILE [FILTER...]\n"
"       synfin -r FILE [-c COUNT] [--text | --json | --summary] [FILTER...]\n"
"       synfin --help | --version\n";

static const char main_help[] =
"synfin makes TCP and UDP visible: every segment of every connection, and\n"
"both endpoints' TCP states (RFC 9293) as the packets drive them.\n"
"\n"
"Commands:\n"
"  replay FILE [FILTER...]  read a pcap or pcapng capture (\"-\" for standard\n"
"                           input), optionally through a BPF filter\n"
"                           expression as tcpdump takes it\n"
"\n"
"Options:\n"
"  -r FILE         the same as 'replay FILE'\n"
"  -c COUNT        stop after COUNT frames (that pass the filter)\n"
"  --text          one line per packet with state changes, then one summary\n"
"                  line per connection (the default)\n"
"  --json          JSON Lines: one object per event (conn, packet, state,\n"
"                  icmp, warning, summary); see synfin(1)\n"
"  --summary       only the per-connection summary lines\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the version and exit\n"
"\n"
"Exit status: 0 success; 1 input problem (unreadable or truncated file,\n"
"unsupported link type, bad filter); 2 usage error.\n";

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

static int
main_replay(const char *path, const char *filter, enum main_mode mode,
    uint64_t count)
{
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

	if (mode == MAIN_MODE_JSON)
		sink = out_json_new(stdout);
	else
		sink = out_text_new(stdout, mode == MAIN_MODE_SUMMARY ?
		    OUT_TEXT_SUMMARY : OUT_TEXT_FULL);
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
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "synfin: writing output: %s\n",
		    strerror(errno));
		return EXIT_INPUT;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "text", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "summary", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum main_mode mode = MAIN_MODE_AUTO;
	const char *file = NULL, *cmd = NULL;
	char *filter = NULL, *end;
	uint64_t count = 0;
	int ch, rc;

	signal(SIGPIPE, main_sigpipe);

	/* A subcommand comes first, unless tcpdump's -r is used. */
	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	}
	while ((ch = getopt_long(argc, argv, "r:c:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			file = optarg;
			break;
		case 'c':
			errno = 0;
			count = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || count == 0 ||
			    optarg[0] == '-')
				return main_usage_error("-c wants a positive "
				    "number, not '%s'", optarg);
			break;
		case 't':
			mode = MAIN_MODE_TEXT;
			break;
		case 'j':
			mode = MAIN_MODE_JSON;
			break;
		case 's':
			mode = MAIN_MODE_SUMMARY;
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

	if (cmd == NULL && file == NULL) {
		if (argc > 0)
			return main_usage_error("unknown command '%s'",
			    argv[0]);
		return main_usage_error("%s", "no command given");
	}
	if (cmd != NULL && strcmp(cmd, "replay") != 0)
		return main_usage_error("unknown command '%s'", cmd);
	if (file == NULL) {
		if (argc == 0)
			return main_usage_error("%s", "replay needs a FILE");
		file = argv[0];
		argc--;
		argv++;
	}
	if (argc > 0)
		filter = main_join(argc, argv);
	rc = main_replay(file, filter, mode, count);
	free(filter);
	return rc;
}
