/* SPDX-License-Identifier: ISC */
/*
 * TCP sequence arithmetic, modulo 2^32 (RFC 9293 3.4).  Never compare
 * sequence numbers with a plain < : use these.
 */
#ifndef SEQ_H
#define SEQ_H

#include <stdint.h>
#include <stdbool.h>

static inline int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}

static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) <= 0;
}

static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) > 0;
}

static inline bool
seq_geq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) >= 0;
}

/* a <= s < a + n, modulo 2^32; an empty window holds nothing. */
static inline bool
seq_in_window(uint32_t s, uint32_t a, uint32_t n)
{
	return s - a < n;
}

static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

#endif
