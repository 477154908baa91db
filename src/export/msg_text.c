/* SPDX-License-Identifier: ISC */
/* Rendering the core's messages for people and for JSON (msg_text.h). */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "msg_text.h"

/* An errno value's text: strerror's (the locale's language) for a
 * person, glibc's untranslated English for the contract. */
static const char *
msg_text_errno(uint64_t err, bool translate, char *buf, size_t len)
{
	const char *s;

	if (translate)
		return strerror((int)err);
	if ((s = strerrordesc_np((int)err)) != NULL)
		return s;
	snprintf(buf, len, "Unknown error %d", (int)err);
	return buf;
}

/*
 * fmt (a translation of m's id), else the id itself, compiled for m's
 * arguments into f, and the arguments into a; -1 when not even the id
 * fits them (a bug: the id and its arguments disagree).
 */
static int
msg_text_compile(const struct msg *m, const char *fmt, bool translate,
    struct obuf_fmt *f, struct obuf_arg *a, char errs[][128])
{
	char kinds[MSG_ARGS + 1];
	unsigned i;

	for (i = 0; i < m->n; i++) {
		kinds[i] = m->kind[i] == 'u' ? 'u' : 's';
		a[i].u = m->u[i];
		a[i].s = NULL;
		if (m->kind[i] == 's')
			a[i].s = m->text + m->off[i];
		else if (m->kind[i] == 'e')
			a[i].s = msg_text_errno(m->u[i], translate, errs[i],
			    sizeof errs[i]);
	}
	kinds[m->n] = '\0';
	if (fmt != NULL && obuf_fmt_compile(f, fmt, kinds) == 0)
		return 0;
	return obuf_fmt_compile(f, m->id, kinds);
}

/* s[0..k) after buf[0..used), cut to what len - 1 leaves; the new used. */
static size_t
msg_text_add(char *buf, size_t len, size_t used, const char *s, size_t k)
{
	if (k > len - 1 - used)
		k = len - 1 - used;
	memcpy(buf + used, s, k);
	return used + k;
}

static const char *
msg_text_render(const struct msg *m, const char *fmt, bool translate,
    char *buf, size_t len)
{
	struct obuf_fmt f;
	struct obuf_arg a[MSG_ARGS];
	char errs[MSG_ARGS][128], num[24];
	size_t used = 0;
	unsigned i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (m == NULL || m->id == NULL)
		return buf;
	if (m->n == 0) {
		/* Not a format: the text as it is. */
		snprintf(buf, len, "%s", fmt != NULL ? fmt : m->id);
		return buf;
	}
	if (msg_text_compile(m, fmt, translate, &f, a, errs) != 0) {
		snprintf(buf, len, "%s", m->id);
		return buf;
	}
	for (i = 0; i < f.n; i++) {
		used = msg_text_add(buf, len, used, f.text + f.lit[i][0],
		    f.lit[i][1]);
		if (f.kind[i] == 's')
			used = msg_text_add(buf, len, used, a[f.arg[i]].s,
			    strlen(a[f.arg[i]].s));
		else {
			snprintf(num, sizeof num, "%" PRIu64, a[f.arg[i]].u);
			used = msg_text_add(buf, len, used, num, strlen(num));
		}
	}
	used = msg_text_add(buf, len, used, f.text + f.lit[f.n][0],
	    f.lit[f.n][1]);
	buf[used] = '\0';
	return buf;
}

const char *
msg_text_fmt(const struct msg *m, const char *fmt, char *buf, size_t len)
{
	return msg_text_render(m, fmt, true, buf, len);
}

const char *
msg_text(const struct msg *m, bool translate, char *buf, size_t len)
{
	const char *fmt = NULL;

	if (m != NULL && m->id != NULL)
		fmt = translate && m->id[0] != '\0' ? _(m->id) : m->id;
	return msg_text_render(m, fmt, translate, buf, len);
}

void
msg_put(struct obuf *b, const struct msg *m, bool translate)
{
	char text[MSG_TEXT_MAX];

	obuf_str(b, msg_text(m, translate, text, sizeof text));
}
