/* SPDX-License-Identifier: ISC */
/*
 * Bounds-checked byte cursor: the only way to read packet bytes.
 *
 * Invariant: pos <= len.  A read that would pass len sets the sticky
 * truncation flag, returns 0 and leaves pos at len, so every later read
 * also returns 0.  Callers test rd_trunc() once after a group of reads
 * instead of after each one.  Integers are assembled from bytes; packet
 * memory is never cast to a struct.
 */
#ifndef RD_H
#define RD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 pos;
	bool		 trunc;
};

static inline void
rd_init(struct rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->trunc = false;
}

static inline size_t
rd_left(const struct rd *r)
{
	return r->len - r->pos;
}

static inline bool
rd_trunc(const struct rd *r)
{
	return r->trunc;
}

static inline const uint8_t *
rd_ptr(const struct rd *r)
{
	return r->p + r->pos;
}

/* Take n bytes; NULL (and truncated) when fewer are left. */
static inline const uint8_t *
rd_take(struct rd *r, size_t n)
{
	const uint8_t *q;

	if (r->trunc || n > rd_left(r)) {
		r->trunc = true;
		r->pos = r->len;
		return NULL;
	}
	q = r->p + r->pos;
	r->pos += n;
	return q;
}

static inline bool
rd_skip(struct rd *r, size_t n)
{
	return rd_take(r, n) != NULL;
}

static inline uint8_t
rd_u8(struct rd *r)
{
	const uint8_t *q = rd_take(r, 1);

	return q ? q[0] : 0;
}

static inline uint16_t
rd_be16(struct rd *r)
{
	const uint8_t *q = rd_take(r, 2);

	return q ? (uint16_t)((q[0] << 8) | q[1]) : 0;
}

static inline uint16_t
rd_le16(struct rd *r)
{
	const uint8_t *q = rd_take(r, 2);

	return q ? (uint16_t)((q[1] << 8) | q[0]) : 0;
}

static inline uint32_t
rd_be32(struct rd *r)
{
	const uint8_t *q = rd_take(r, 4);

	return q ? ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) |
	    ((uint32_t)q[2] << 8) | q[3] : 0;
}

static inline uint32_t
rd_le32(struct rd *r)
{
	const uint8_t *q = rd_take(r, 4);

	return q ? ((uint32_t)q[3] << 24) | ((uint32_t)q[2] << 16) |
	    ((uint32_t)q[1] << 8) | q[0] : 0;
}

/*
 * A sub-cursor over the next n bytes, or over what is left if fewer
 * (the parent is then marked truncated).  The parent moves past them.
 */
static inline struct rd
rd_sub(struct rd *r, size_t n)
{
	struct rd s;
	size_t have = rd_left(r);

	if (n <= have) {
		rd_init(&s, r->p + r->pos, n);
		r->pos += n;
	} else {
		rd_init(&s, r->p + r->pos, have);
		r->pos = r->len;
		r->trunc = true;
	}
	return s;
}

#endif
