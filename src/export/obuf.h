/* SPDX-License-Identifier: ISC */
/*
 * An output appender for the hot path (the kernel's seq_buf, Redis's sds):
 * one growing buffer, integers formatted by hand, constant text by memcpy,
 * one fwrite() per OBUF_CHUNK.  printf stays for cold paths.
 *
 * Invariants: len <= cap; the buffer is handed to the stream when an
 * append would pass OBUF_CHUNK, or on obuf_flush(); a failed write is
 * sticky (err, and the stream's own error flag), after which appends are
 * dropped so memory stays bounded.
 */
#ifndef OBUF_H
#define OBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OBUF_CHUNK	(1024 * 1024)

struct obuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	FILE	*fp;		/* NULL: memory only (tests), never flushed */
	int	 err;		/* errno of the first failed write, or 0 */
};

void	 obuf_init(struct obuf *, FILE *);
/* Free the buffer without writing it. */
void	 obuf_clear(struct obuf *);
/* Write what is held; -1 (and errno) when the stream refused it. */
int	 obuf_flush(struct obuf *);
/* Room for n more bytes (flushing or growing); never fails. */
char	*obuf_grow(struct obuf *, size_t n);

static inline char *
obuf_room(struct obuf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return b->p + b->len;
	return obuf_grow(b, n);
}

static inline void
obuf_put(struct obuf *b, const void *s, size_t n)
{
	char *d = obuf_room(b, n);

	memcpy(d, s, n);
	b->len += n;
}

/* A string literal, its length known at compile time. */
#define obuf_lit(b, s)	obuf_put((b), "" s, sizeof(s) - 1)

static inline void
obuf_c(struct obuf *b, char c)
{
	*obuf_room(b, 1) = c;
	b->len++;
}

static inline void
obuf_str(struct obuf *b, const char *s)
{
	obuf_put(b, s, strlen(s));
}

void	 obuf_u64(struct obuf *, uint64_t);
void	 obuf_i64(struct obuf *, int64_t);
/* printf's "%*" PRIu64 (width > 0, right-aligned) and "%-*s". */
void	 obuf_u64_pad(struct obuf *, uint64_t, unsigned width);
void	 obuf_str_pad(struct obuf *, const char *, unsigned width);
/* v as exactly `digits` digits, zero-padded ("%0*u"); digits <= 20. */
void	 obuf_u64_zero(struct obuf *, uint64_t v, unsigned digits);
/* Two lower-case hex digits. */
void	 obuf_hex2(struct obuf *, uint8_t);
/* A JSON string: quotes, \" \\ and \u00XX for control bytes. */
void	 obuf_json_str(struct obuf *, const char *);
/* Nanoseconds since the epoch as "SECONDS.NNNNNNNNN" (out_time()). */
void	 obuf_time(struct obuf *, int64_t ns);
/* Cold paths only. */
void	 obuf_printf(struct obuf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));

/*
 * A printf format (a translated message, looked up once) split into
 * literal text and numbered holes, so each use is memcpy and integer
 * appends.  Holes: %s, %u and %d with l/ll/h/z/j modifiers, %% and
 * positional %N$.  `kinds` says what each argument is, in order: 's' a
 * string, 'u' an unsigned number.  A format whose holes do not match
 * `kinds` (a bad translation) is refused.
 */
#define OBUF_FMT_MAX	8	/* holes */
#define OBUF_FMT_TEXT	512	/* literal bytes (a Chinese sentence) */

struct obuf_fmt {
	unsigned	 n;			/* holes */
	uint8_t		 arg[OBUF_FMT_MAX];	/* hole -> argument index */
	char		 kind[OBUF_FMT_MAX];	/* 's' or 'u' */
	uint16_t	 lit[OBUF_FMT_MAX + 1][2]; /* offset, length */
	char		 text[OBUF_FMT_TEXT];
};

struct obuf_arg {
	const char	*s;
	uint64_t	 u;
};

/* 0, or -1 when fmt does not fit kinds or the limits. */
int	 obuf_fmt_compile(struct obuf_fmt *, const char *fmt,
	     const char *kinds);
/* args[i] by kinds[i] of the compile. */
void	 obuf_fmt_put(struct obuf *, const struct obuf_fmt *,
	     const struct obuf_arg *args);

#endif
