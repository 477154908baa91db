/* SPDX-License-Identifier: ISC */
/* Lab scripts: "SIDE CALL [ARG]" lines to actions and back. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "labscript.h"
#include "xmalloc.h"

static const char *const labscript_ops[] = {
	[LAB_LISTEN] = "listen", [LAB_CONNECT] = "connect",
	[LAB_ACCEPT] = "accept", [LAB_SEND] = "send", [LAB_RECV] = "recv",
	[LAB_SHUTDOWN] = "shutdown", [LAB_CLOSE] = "close",
	[LAB_ABORT] = "abort", [LAB_SETSOCKOPT] = "setsockopt",
	[LAB_SLEEP] = "sleep",
};

static const char *const labscript_opts[] = {
	[LAB_OPT_REUSEADDR] = "SO_REUSEADDR", [LAB_OPT_LINGER] = "SO_LINGER",
	[LAB_OPT_NODELAY] = "TCP_NODELAY",
};

static const char *const labscript_shuts[] = {
	[LAB_SHUT_RD] = "rd", [LAB_SHUT_WR] = "wr", [LAB_SHUT_RDWR] = "rdwr",
};

const char *
labscript_op_name(enum lab_op op)
{
	if ((unsigned)op >= sizeof labscript_ops / sizeof labscript_ops[0])
		return "?";
	return labscript_ops[op];
}

const char *
labscript_opt_name(enum lab_opt o)
{
	if ((unsigned)o >= sizeof labscript_opts / sizeof labscript_opts[0])
		return "?";
	return labscript_opts[o];
}

const char *
labscript_shut_name(enum lab_shut s)
{
	static const char *const names[] = { "SHUT_RD", "SHUT_WR",
	    "SHUT_RDWR" };

	if ((unsigned)s >= sizeof names / sizeof names[0])
		return "?";
	return names[s];
}

/* A cursor over one line: words split on blanks. */
struct labscript_cur {
	const char	*p;
	const char	*end;
};

static void
labscript_skip(struct labscript_cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\r'))
		c->p++;
}

/* The next word into w (NUL-terminated, cut to fit); false at the end. */
static bool
labscript_word(struct labscript_cur *c, char *w, size_t len)
{
	size_t n = 0;

	labscript_skip(c);
	if (c->p >= c->end)
		return false;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t' &&
	    *c->p != '\r') {
		if (n + 1 < len)
			w[n++] = *c->p;
		c->p++;
	}
	w[n] = '\0';
	return true;
}

static bool
labscript_num(const char *w, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(w, &end, 10);
	if (errno != 0 || end == w || *end != '\0' || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* A port: 1-65535, or "+N" for the lab's port plus N (arg -N). */
static int
labscript_port(const char *w, int *arg)
{
	int off;

	if (w[0] == '+') {
		if (!labscript_num(w + 1, 1, 1000, &off) || w[1] == '+' ||
		    w[1] == '-')
			return -1;
		*arg = -off;
		return 0;
	}
	return labscript_num(w, 1, 65535, arg) ? 0 : -1;
}

static int
labscript_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* send's TEXT: the rest of the line, or a "quoted" string with escapes. */
static int
labscript_text(struct labscript_cur *c, struct lab_action *a, struct msg *err)
{
	const char *e = c->end;
	char esc[2] = "";
	int h1, h2;

	labscript_skip(c);
	while (e > c->p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	a->len = 0;
	if (c->p >= e) {
		msg_init(err, N_("send needs TEXT"));
		return -1;
	}
	if (*c->p != '"') {
		if ((size_t)(e - c->p) > LAB_TEXT_MAX) {
			msg_init(err, N_("send carries at most %d bytes"));
			msg_num(err, LAB_TEXT_MAX);
			return -1;
		}
		a->len = (size_t)(e - c->p);
		memcpy(a->text, c->p, a->len);
		return 0;
	}
	for (c->p++; c->p < e && *c->p != '"'; c->p++) {
		char ch = *c->p;

		if (ch == '\\') {
			if (++c->p >= e)
				break;
			switch (*c->p) {
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case '\\': ch = '\\'; break;
			case '"': ch = '"'; break;
			case 'x':
				if (e - c->p < 3 ||
				    (h1 = labscript_hex(c->p[1])) < 0 ||
				    (h2 = labscript_hex(c->p[2])) < 0) {
					msg_init(err, N_("\\x "
					    "wants two hex digits"));
					return -1;
				}
				ch = (char)(h1 * 16 + h2);
				c->p += 2;
				break;
			default:
				esc[0] = *c->p;
				msg_init(err, N_("unknown escape '\\%s' (\\n "
				    "\\r \\t \\\\ \\\" \\xHH)"));
				msg_str(err, esc);
				return -1;
			}
		}
		if (a->len == LAB_TEXT_MAX) {
			msg_init(err, N_("send carries at most %d bytes"));
			msg_num(err, LAB_TEXT_MAX);
			return -1;
		}
		a->text[a->len++] = ch;
	}
	if (c->p >= e || c->p + 1 != e) {
		msg_init(err, N_("the quoted TEXT has no closing "
		    "quote at the end of the line"));
		return -1;
	}
	c->p = e;
	if (a->len == 0) {
		msg_init(err, N_("send needs TEXT"));
		return -1;
	}
	return 0;
}

static int
labscript_sockopt(struct labscript_cur *c, struct lab_action *a, struct msg *err)
{
	char name[32], val[32];
	size_t i;

	if (!labscript_word(c, name, sizeof name)) {
		msg_init(err, N_("setsockopt needs NAME VALUE "
		    "(SO_REUSEADDR 1, SO_LINGER 0, TCP_NODELAY 1)"));
		return -1;
	}
	for (i = 0; i < sizeof labscript_opts / sizeof labscript_opts[0]; i++)
		if (strcasecmp(name, labscript_opts[i]) == 0)
			break;
	if (i == sizeof labscript_opts / sizeof labscript_opts[0]) {
		msg_init(err, N_("unknown option '%s' (SO_REUSEADDR, "
		    "SO_LINGER, TCP_NODELAY)"));
		msg_str(err, name);
		return -1;
	}
	a->arg = (int)i;
	if (!labscript_word(c, val, sizeof val)) {
		msg_init(err, N_("setsockopt %s needs a VALUE"));
		msg_str(err, labscript_opts[i]);
		return -1;
	}
	if (i == LAB_OPT_LINGER) {
		if (strcmp(val, "off") == 0)
			a->arg2 = -1;
		else if (!labscript_num(val, -1, 3600, &a->arg2)) {
			msg_init(err, N_("SO_LINGER wants seconds from 0 to "
			    "3600, or off, not '%s'"));
			msg_str(err, val);
			return -1;
		}
	} else if (!labscript_num(val, 0, 1, &a->arg2)) {
		msg_init(err, N_("%s wants 0 or 1, not '%s'"));
		msg_str(err, labscript_opts[i]);
		msg_str(err, val);
		return -1;
	}
	return 0;
}

int
labscript_parse_line(const char *line, size_t len, struct lab_action *a,
    struct msg *err)
{
	struct labscript_cur c = { line, line + len };
	char w[64], extra[64];
	size_t i;

	memset(a, 0, sizeof *a);
	labscript_skip(&c);
	if (c.p >= c.end || *c.p == '#')
		return 0;
	labscript_word(&c, w, sizeof w);
	if (strcmp(w, "sleep") == 0) {
		a->op = LAB_SLEEP;
		if (!labscript_word(&c, w, sizeof w) ||
		    !labscript_num(w, 0, LAB_SLEEP_MAX, &a->arg)) {
			msg_init(err, N_("sleep wants milliseconds from 0 to "
			    "%d"));
			msg_num(err, LAB_SLEEP_MAX);
			return -1;
		}
		goto end;
	}
	if (strcmp(w, "client") == 0)
		a->side = EV_CLIENT;
	else if (strcmp(w, "server") == 0)
		a->side = EV_SERVER;
	else {
		msg_init(err, N_("'%s' is not client, server or sleep"));
		msg_str(err, w);
		return -1;
	}
	if (!labscript_word(&c, w, sizeof w)) {
		msg_init(err, N_("a call is missing after the "
		    "side (listen, connect, accept, send, recv, shutdown, "
		    "close, abort, setsockopt)"));
		return -1;
	}
	for (i = 0; i < LAB_SLEEP; i++)
		if (strcmp(w, labscript_ops[i]) == 0)
			break;
	if (i == LAB_SLEEP) {
		msg_init(err, N_("unknown call '%s' (listen, connect, "
		    "accept, send, recv, shutdown, close, abort, setsockopt)"));
		msg_str(err, w);
		return -1;
	}
	a->op = (enum lab_op)i;
	switch (a->op) {
	case LAB_LISTEN:
	case LAB_CONNECT:
		a->arg2 = a->op == LAB_LISTEN ? LAB_BACKLOG : 0;
		if (!labscript_word(&c, w, sizeof w))
			break;
		if (a->op == LAB_LISTEN && strcmp(w, "backlog") == 0)
			goto backlog;
		if (labscript_port(w, &a->arg) != 0) {
			msg_init(err, a->op == LAB_LISTEN ?
			    N_("listen wants a port (1 to 65535, or +N: the "
			    "lab's port plus N) or backlog N, not '%s'") :
			    N_("connect wants a port (1 to 65535, or +N: the "
			    "lab's port plus N), not '%s'"));
			msg_str(err, w);
			return -1;
		}
		if (a->op == LAB_CONNECT || !labscript_word(&c, w, sizeof w))
			break;
		if (strcmp(w, "backlog") != 0) {
			msg_init(err, N_("'%s' after the port: listen takes "
			    "backlog N there"));
			msg_str(err, w);
			return -1;
		}
backlog:
		if (!labscript_word(&c, w, sizeof w) ||
		    !labscript_num(w, 0, 4096, &a->arg2)) {
			msg_init(err, N_("backlog wants a number "
			    "from 0 to 4096"));
			return -1;
		}
		break;
	case LAB_SEND:
		return labscript_text(&c, a, err) == 0 ? 1 : -1;
	case LAB_RECV:
		if (labscript_word(&c, w, sizeof w) &&
		    !labscript_num(w, 1, 4096, &a->arg)) {
			msg_init(err, N_("recv wants a byte count from 1 to "
			    "4096, not '%s'"));
			msg_str(err, w);
			return -1;
		}
		break;
	case LAB_SHUTDOWN:
		if (!labscript_word(&c, w, sizeof w)) {
			msg_init(err, N_("shutdown needs rd, wr "
			    "or rdwr"));
			return -1;
		}
		for (i = 0; i < 3; i++)
			if (strcmp(w, labscript_shuts[i]) == 0)
				break;
		if (i == 3) {
			msg_init(err, N_("shutdown wants rd, wr or rdwr, not "
			    "'%s'"));
			msg_str(err, w);
			return -1;
		}
		a->arg = (int)i;
		break;
	case LAB_SETSOCKOPT:
		if (labscript_sockopt(&c, a, err) != 0)
			return -1;
		break;
	default:
		break;
	}
end:
	if (labscript_word(&c, extra, sizeof extra)) {
		msg_init(err, N_("'%s' after %s is one word too many"));
		msg_str(err, extra);
		msg_str(err, labscript_ops[a->op]);
		return -1;
	}
	return 1;
}

void
labscript_push(struct lab_script *s, const struct lab_action *a)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->act = xreallocarray(s->act, s->cap, sizeof *s->act);
	}
	s->act[s->n++] = *a;
}

void
labscript_clear(struct lab_script *s)
{
	free(s->act);
	memset(s, 0, sizeof *s);
}

int
labscript_parse(struct lab_script *s, const char *text, size_t len,
    struct labscript_err *err)
{
	const char *p = text, *end = text + len, *nl;
	struct lab_action a;
	int line = 0, rc;

	memset(s, 0, sizeof *s);
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		err->line = line;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL) {
			msg_init(&err->why, N_("a NUL byte (is this a text "
			    "file?)"));
			goto fail;
		}
		rc = labscript_parse_line(p, (size_t)(nl - p), &a, &err->why);
		if (rc < 0)
			goto fail;
		if (rc > 0) {
			if (s->n == LAB_MAX_ACTIONS) {
				msg_init(&err->why, N_("a script has at most "
				    "%d actions"));
				msg_num(&err->why, LAB_MAX_ACTIONS);
				goto fail;
			}
			a.line = line;
			labscript_push(s, &a);
		}
		p = nl + 1;
	}
	return 0;
fail:
	labscript_clear(s);
	return -1;
}

static bool
labscript_needs_quotes(const struct lab_action *a)
{
	size_t i;

	if (a->len == 0 || a->text[0] == '"' || a->text[0] == ' ' ||
	    a->text[a->len - 1] == ' ')
		return true;
	for (i = 0; i < a->len; i++) {
		unsigned char ch = (unsigned char)a->text[i];

		if (ch < 0x20 || ch == 0x7f)
			return true;
	}
	return false;
}

void
labscript_format(const struct lab_action *a, char *buf, size_t len)
{
	size_t o, i;
	int n;

	if (a->op == LAB_SLEEP) {
		snprintf(buf, len, "sleep %d", a->arg);
		return;
	}
	n = snprintf(buf, len, "%s %s", a->side == EV_CLIENT ? "client" :
	    "server", labscript_op_name(a->op));
	o = n < 0 ? 0 : (size_t)n;
	if (o >= len)
		return;
	switch (a->op) {
	case LAB_LISTEN:
	case LAB_CONNECT:
		if (a->arg < 0)
			snprintf(buf + o, len - o, " +%d", -a->arg);
		else if (a->arg > 0)
			snprintf(buf + o, len - o, " %d", a->arg);
		if (a->op == LAB_LISTEN && a->arg2 != LAB_BACKLOG) {
			o = strlen(buf);
			snprintf(buf + o, len - o, " backlog %d", a->arg2);
		}
		break;
	case LAB_RECV:
		if (a->arg != 0)
			snprintf(buf + o, len - o, " %d", a->arg);
		break;
	case LAB_SHUTDOWN:
		snprintf(buf + o, len - o, " %s", labscript_shuts[a->arg]);
		break;
	case LAB_SETSOCKOPT:
		if (a->arg == LAB_OPT_LINGER && a->arg2 < 0)
			snprintf(buf + o, len - o, " %s off",
			    labscript_opt_name(a->arg));
		else
			snprintf(buf + o, len - o, " %s %d",
			    labscript_opt_name(a->arg), a->arg2);
		break;
	case LAB_SEND:
		if (!labscript_needs_quotes(a)) {
			snprintf(buf + o, len - o, " %.*s", (int)a->len,
			    a->text);
			break;
		}
		if (o + 2 < len) {
			buf[o++] = ' ';
			buf[o++] = '"';
		}
		for (i = 0; i < a->len && o + 5 < len; i++) {
			unsigned char ch = (unsigned char)a->text[i];

			if (ch == '"' || ch == '\\') {
				buf[o++] = '\\';
				buf[o++] = (char)ch;
			} else if (ch == '\n') {
				buf[o++] = '\\';
				buf[o++] = 'n';
			} else if (ch < 0x20 || ch == 0x7f) {
				snprintf(buf + o, len - o, "\\x%02x", ch);
				o += 4;
			} else
				buf[o++] = (char)ch;
		}
		if (o + 1 < len)
			buf[o++] = '"';
		buf[o] = '\0';
		break;
	default:
		break;
	}
}
