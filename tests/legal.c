/* SPDX-License-Identifier: ISC */
/*
 * The legal-transition invariant over whole inputs: every state event the
 * engine emits is a transition of RFC 9293's machine (tcp_fsm_legal())
 * and starts from the state the endpoint was last put in.
 *
 *   legal FILE...          replay each capture through the engine
 *   legal --json FILE...   read synfin's --json output ("-": stdin), as
 *                          the lessons run live print it
 *
 * Prints one line per illegal transition and a total per input; exits 1
 * when any input has one, 2 when an input cannot be read.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "ev.h"
#include "tcp_fsm.h"
#include "xmalloc.h"

struct legal_conn {
	enum tcp_state	st[2];
	bool		known[2];
};

struct legal {
	struct sink	 sink;
	const char	*name;
	struct legal_conn *c;
	size_t		 nc;
	unsigned long	 states, illegal;
};

static struct legal_conn *
legal_conn(struct legal *l, uint32_t id)
{
	if (id >= l->nc) {
		size_t n = id + 1 > 2 * l->nc ? id + 1 : 2 * l->nc;

		l->c = xreallocarray(l->c, n, sizeof *l->c);
		memset(l->c + l->nc, 0, (n - l->nc) * sizeof *l->c);
		l->nc = n;
	}
	return &l->c[id];
}

static void
legal_state(struct legal *l, uint32_t id, uint64_t frame, int side,
    enum tcp_state from, enum tcp_state to)
{
	struct legal_conn *c = legal_conn(l, id);
	const char *bad = NULL;

	l->states++;
	if (c->known[side] && c->st[side] != from)
		bad = "does not start where the endpoint was";
	else if (!tcp_fsm_legal(from, to))
		bad = "is not a transition of RFC 9293";
	if (bad != NULL) {
		l->illegal++;
		printf("%s: conn %u frame %llu %s %s -> %s %s\n", l->name,
		    (unsigned)id, (unsigned long long)frame,
		    side == EV_CLIENT ? "client" : "server",
		    tcp_state_name(from), tcp_state_name(to), bad);
	}
	c->st[side] = to;
	c->known[side] = true;
}

static void
legal_emit(struct sink *s, const struct ev *e)
{
	struct legal *l = (struct legal *)s;
	struct legal_conn *c;

	if (e->conn == NULL || e->conn->proto != 6)
		return;
	if (e->type == EV_CONN) {
		c = legal_conn(l, e->conn->id);
		c->st[0] = e->conn->init[0];
		c->st[1] = e->conn->init[1];
		c->known[0] = c->known[1] = true;
	} else if (e->type == EV_STATE)
		legal_state(l, e->conn->id, e->u.state.frame,
		    e->u.state.endpoint, e->u.state.from, e->u.state.to);
}

static int
legal_pcap(struct legal *l, const char *path)
{
	struct engine *e;
	struct capture *cap;
	char err[512];
	struct msg why;
	int rc;

	if ((cap = capture_open_file(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, err);
		return -1;
	}
	e = engine_new(NULL, &l->sink);
	/* A read error mid-file still leaves the frames before it. */
	rc = capture_run(cap, e, 0, &why);
	engine_finish(e);
	engine_free(e);
	capture_close(cap);
	(void)rc;
	return 0;
}

static enum tcp_state
legal_parse_state(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	size_t n;
	int i;

	if (p == NULL)
		return TCP_ST_COUNT;
	p += strlen(key);
	for (i = 0; i < TCP_ST_COUNT; i++) {
		n = strlen(tcp_state_name((enum tcp_state)i));
		if (strncmp(p, tcp_state_name((enum tcp_state)i), n) == 0 &&
		    p[n] == '"')
			return (enum tcp_state)i;
	}
	return TCP_ST_COUNT;
}

static unsigned long long
legal_parse_num(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p != NULL ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static int
legal_json(struct legal *l, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[4096];
	enum tcp_state from, to;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "{\"type\":\"state\"", 15) != 0)
			continue;
		from = legal_parse_state(line, "\"from\":\"");
		to = legal_parse_state(line, "\"to\":\"");
		if (from == TCP_ST_COUNT || to == TCP_ST_COUNT) {
			printf("%s: unreadable state event: %s", l->name,
			    line);
			l->illegal++;
			continue;
		}
		legal_state(l, (uint32_t)legal_parse_num(line, "\"conn\":"),
		    legal_parse_num(line, "\"frame\":"),
		    strstr(line, "\"endpoint\":\"server\"") != NULL,
		    from, to);
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	struct legal l;
	unsigned long states = 0, illegal = 0, bad_inputs = 0, files = 0;
	bool json = false;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		memset(&l, 0, sizeof l);
		l.sink.emit = legal_emit;
		l.name = argv[i];
		if ((json ? legal_json(&l, argv[i]) :
		    legal_pcap(&l, argv[i])) != 0) {
			rc = 2;
			continue;
		}
		files++;
		if (l.illegal > 0)
			bad_inputs++;
		printf("%s: %lu state changes, %lu illegal\n", argv[i],
		    l.states, l.illegal);
		states += l.states;
		illegal += l.illegal;
		free(l.c);
	}
	printf("total: %lu inputs, %lu state changes, %lu illegal in %lu "
	    "inputs\n", files, states, illegal, bad_inputs);
	if (rc == 0 && illegal > 0)
		rc = 1;
	return rc;
}
