/* SPDX-License-Identifier: ISC */
/* The hot-path output appender (see obuf.h for its invariants). */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obuf.h"
#include "xmalloc.h"

void
obuf_init(struct obuf *b, FILE *fp)
{
	b->cap = OBUF_CHUNK;
	b->p = xmalloc(b->cap);
	b->len = 0;
	b->fp = fp;
	b->err = 0;
}

void
obuf_clear(struct obuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int
obuf_flush(struct obuf *b)
{
	size_t n = b->len;

	if (b->fp == NULL)
		return 0;
	b->len = 0;
	if (b->err != 0) {
		errno = b->err;
		return -1;
	}
	if (n > 0 && fwrite(b->p, 1, n, b->fp) != n) {
		b->err = errno != 0 ? errno : EIO;
		return -1;
	}
	return 0;
}

char *
obuf_grow(struct obuf *b, size_t n)
{
	/* A stream takes what is held; memory only grows when one append
	 * is bigger than the chunk (or there is no stream). */
	if (b->fp != NULL && b->len > 0)
		obuf_flush(b);
	if (b->cap - b->len < n) {
		if (n > SIZE_MAX / 2 - b->len)
			fatal("obuf: %zu bytes", n);
		b->cap = (b->len + n) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	return b->p + b->len;
}

/* The decimal digits of v, written backwards from end (which has room
 * for 20); returns the first.  Two digits per division. */
static char *
obuf_digits(char *end, uint64_t v)
{
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	char *d = end;
	unsigned r;

	while (v >= 100) {
		r = (unsigned)(v % 100) * 2;
		v /= 100;
		*--d = pairs[r + 1];
		*--d = pairs[r];
	}
	if (v >= 10) {
		r = (unsigned)v * 2;
		*--d = pairs[r + 1];
		*--d = pairs[r];
	} else
		*--d = (char)('0' + v);
	return d;
}

static unsigned
obuf_ndigits(uint64_t v)
{
	unsigned n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	if (v >= 1000)
		return n + 3;
	if (v >= 100)
		return n + 2;
	return v >= 10 ? n + 1 : n;
}

void
obuf_u64(struct obuf *b, uint64_t v)
{
	char *d = obuf_room(b, 20);
	unsigned n;

	if (v < 10) {
		*d = (char)('0' + v);
		b->len++;
		return;
	}
	/* In place: no copy of a variable, short length. */
	n = obuf_ndigits(v);
	obuf_digits(d + n, v);
	b->len += n;
}

void
obuf_i64(struct obuf *b, int64_t v)
{
	if (v < 0) {
		obuf_c(b, '-');
		obuf_u64(b, -(uint64_t)v);
	} else
		obuf_u64(b, (uint64_t)v);
}

void
obuf_u64_pad(struct obuf *b, uint64_t v, unsigned width)
{
	char tmp[20], *d;
	size_t n;

	d = obuf_digits(tmp + sizeof tmp, v);
	n = (size_t)(tmp + sizeof tmp - d);
	if (n < width) {
		memset(obuf_room(b, width - n), ' ', width - n);
		b->len += width - n;
	}
	obuf_put(b, d, n);
}

void
obuf_str_pad(struct obuf *b, const char *s, unsigned width)
{
	size_t n = strlen(s);

	obuf_put(b, s, n);
	if (n < width) {
		memset(obuf_room(b, width - n), ' ', width - n);
		b->len += width - n;
	}
}

void
obuf_u64_zero(struct obuf *b, uint64_t v, unsigned digits)
{
	char *d;
	unsigned i;

	if (digits > 20)
		digits = 20;
	d = obuf_room(b, digits);
	for (i = digits; i > 0; i--) {
		d[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	b->len += digits;
}

void
obuf_hex2(struct obuf *b, uint8_t v)
{
	static const char hex[] = "0123456789abcdef";
	char *d = obuf_room(b, 2);

	d[0] = hex[v >> 4];
	d[1] = hex[v & 15];
	b->len += 2;
}

void
obuf_json_str(struct obuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;

	obuf_c(b, '"');
	for (;;) {
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			obuf_put(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			obuf_c(b, '\\');
			obuf_c(b, (char)*p);
		} else {
			obuf_lit(b, "\\u00");
			obuf_hex2(b, *p);
		}
		p++;
	}
	obuf_c(b, '"');
}

void
obuf_time(struct obuf *b, int64_t ns)
{
	uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	if (ns < 0)
		obuf_c(b, '-');
	obuf_u64(b, u / 1000000000U);
	obuf_c(b, '.');
	obuf_u64_zero(b, u % 1000000000U, 9);
}

void
obuf_printf(struct obuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	obuf_room(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ------------------------------------------------ compiled formats */

int
obuf_fmt_compile(struct obuf_fmt *f, const char *fmt, const char *kinds)
{
	size_t nargs = strlen(kinds), t = 0, start;
	bool used[OBUF_FMT_MAX] = { false };
	const char *p = fmt;
	unsigned next = 0, idx, i;
	char conv;

	if (nargs > OBUF_FMT_MAX)
		return -1;
	memset(f, 0, sizeof *f);
	start = 0;
	while (*p != '\0') {
		if (*p != '%') {
			if (t >= sizeof f->text)
				return -1;
			f->text[t++] = *p++;
			continue;
		}
		p++;
		if (*p == '%') {
			if (t >= sizeof f->text)
				return -1;
			f->text[t++] = *p++;
			continue;
		}
		/* A hole: close the literal before it. */
		if (f->n >= nargs)
			return -1;
		idx = next++;
		if (*p >= '1' && *p <= '9' && p[1] == '$') {
			idx = (unsigned)(*p - '1');
			p += 2;
		}
		while (*p == 'l' || *p == 'h' || *p == 'z' || *p == 'j')
			p++;
		if ((conv = *p) == '\0')
			return -1;
		p++;
		if (idx >= nargs || used[idx])
			return -1;
		if (conv == 's' ? kinds[idx] != 's' :
		    (conv == 'u' || conv == 'd') ? kinds[idx] != 'u' : true)
			return -1;
		used[idx] = true;
		f->lit[f->n][0] = (uint16_t)start;
		f->lit[f->n][1] = (uint16_t)(t - start);
		f->arg[f->n] = (uint8_t)idx;
		f->kind[f->n] = kinds[idx];
		f->n++;
		start = t;
	}
	for (i = 0; i < nargs; i++)
		if (!used[i])
			return -1;
	f->lit[f->n][0] = (uint16_t)start;
	f->lit[f->n][1] = (uint16_t)(t - start);
	return 0;
}

void
obuf_fmt_put(struct obuf *b, const struct obuf_fmt *f,
    const struct obuf_arg *args)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		obuf_put(b, f->text + f->lit[i][0], f->lit[i][1]);
		if (f->kind[i] == 's')
			obuf_str(b, args[f->arg[i]].s);
		else
			obuf_u64(b, args[f->arg[i]].u);
	}
	obuf_put(b, f->text + f->lit[f->n][0], f->lit[f->n][1]);
}
