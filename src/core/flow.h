/* SPDX-License-Identifier: ISC */
/*
 * Flow table: one entry per conversation, both directions sharing it.
 *
 * The key is the canonical 5-tuple: protocol, family, and the two
 * (address, port) endpoints ordered so that endpoint 0 compares lower
 * (address bytes, then port).  flow_key_make() says whether the packet's
 * source was endpoint 1 ("swapped").  Each flow sits in one of a few
 * expiry lists, oldest activity first, so the engine can find flows to
 * expire or evict in O(1).  The table owns the flows; `data` is the
 * caller's and is freed by the caller before flow_remove().
 */
#ifndef FLOW_H
#define FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

struct flow_key {
	uint8_t		proto;
	uint8_t		family;
	uint16_t	port[2];
	uint8_t		addr[2][16];
};

#define FLOW_LISTS	3

struct flow {
	struct flow_key	key;
	uint32_t	hash;
	int		list;		/* which expiry list */
	int64_t		last_ns;	/* time of the last touch */
	struct flow	*prev;
	struct flow	*next;
	void		*data;
};

struct flow_table;

/* Canonical key; *swapped is true when src is the key's endpoint 1. */
void		 flow_key_make(struct flow_key *k, uint8_t proto,
		     const struct pkt_addr *src, uint16_t sport,
		     const struct pkt_addr *dst, uint16_t dport, bool *swapped);
uint32_t	 flow_key_hash(const struct flow_key *k);

struct flow_table *flow_table_new(void);
/* Frees the table and every flow left in it (not their data). */
void		 flow_table_free(struct flow_table *);

struct flow	*flow_lookup(struct flow_table *, const struct flow_key *);
/* Insert a new flow (the key must not be present) at the tail of list. */
struct flow	*flow_insert(struct flow_table *, const struct flow_key *,
		     int list, int64_t now);
void		 flow_remove(struct flow_table *, struct flow *);
/* Mark activity: move to the tail of `list`. */
void		 flow_touch(struct flow_table *, struct flow *, int list,
		     int64_t now);
/* The least recently touched flow of a list, or NULL. */
struct flow	*flow_oldest(const struct flow_table *, int list);
size_t		 flow_count(const struct flow_table *);
size_t		 flow_list_count(const struct flow_table *, int list);
/* Every flow, in no particular order; fn may not change the table. */
void		 flow_foreach(struct flow_table *,
		     void (*fn)(struct flow *, void *), void *arg);

#endif
