/* SPDX-License-Identifier: ISC */
/* Flow table: canonical 5-tuple keys, open addressing, expiry lists. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "xmalloc.h"

/*
 * Open addressing with linear probing over (hash, flow) slots, so a probe
 * touches one cache line before it touches a flow.  Deletion shifts the
 * following run back (no tombstones).  The table doubles at 1/2 load.
 */
struct flow_slot {
	uint32_t	hash;
	struct flow	*f;
};

struct flow_list {
	struct flow	*head;
	struct flow	*tail;
	size_t		n;
};

struct flow_table {
	struct flow_slot *slots;
	size_t		mask;
	size_t		n;
	struct flow_list lists[FLOW_LISTS];
	struct flow	*spare;		/* freed flows, reused */
};

static int
flow_ep_cmp(const struct pkt_addr *a, uint16_t ap, const struct pkt_addr *b,
    uint16_t bp)
{
	int c = memcmp(a->a, b->a, sizeof a->a);

	if (c != 0)
		return c;
	return (int)ap - (int)bp;
}

void
flow_key_make(struct flow_key *k, uint8_t proto, const struct pkt_addr *src,
    uint16_t sport, const struct pkt_addr *dst, uint16_t dport, bool *swapped)
{
	bool sw = flow_ep_cmp(src, sport, dst, dport) > 0;

	memset(k, 0, sizeof *k);
	k->proto = proto;
	k->family = src->family;
	if (!sw) {
		memcpy(k->addr[0], src->a, 16);
		memcpy(k->addr[1], dst->a, 16);
		k->port[0] = sport;
		k->port[1] = dport;
	} else {
		memcpy(k->addr[0], dst->a, 16);
		memcpy(k->addr[1], src->a, 16);
		k->port[0] = dport;
		k->port[1] = sport;
	}
	*swapped = sw;
}

static uint64_t
flow_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static uint64_t
flow_load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

uint32_t
flow_key_hash(const struct flow_key *k)
{
	uint64_t h = 0x2545f4914f6cdd1dULL;

	h = flow_mix(h, (uint64_t)k->proto << 40 | (uint64_t)k->family << 32 |
	    (uint64_t)k->port[0] << 16 | k->port[1]);
	h = flow_mix(h, flow_load64(k->addr[0]));
	h = flow_mix(h, flow_load64(k->addr[1]));
	if (k->family == 6) {
		h = flow_mix(h, flow_load64(k->addr[0] + 8));
		h = flow_mix(h, flow_load64(k->addr[1] + 8));
	}
	return (uint32_t)(h ^ (h >> 32));
}

struct flow_table *
flow_table_new(void)
{
	struct flow_table *t = xcalloc(1, sizeof *t);

	t->mask = 1024 - 1;
	t->slots = xcalloc(t->mask + 1, sizeof *t->slots);
	return t;
}

void
flow_table_free(struct flow_table *t)
{
	struct flow *f, *next;
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < FLOW_LISTS; i++) {
		for (f = t->lists[i].head; f != NULL; f = next) {
			next = f->next;
			free(f);
		}
	}
	for (f = t->spare; f != NULL; f = next) {
		next = f->next;
		free(f);
	}
	free(t->slots);
	free(t);
}

static void
flow_list_unlink(struct flow_table *t, struct flow *f)
{
	struct flow_list *l = &t->lists[f->list];

	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
	l->n--;
}

static void
flow_list_append(struct flow_table *t, struct flow *f, int list)
{
	struct flow_list *l = &t->lists[list];

	f->list = list;
	f->next = NULL;
	f->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
	l->n++;
}

struct flow *
flow_lookup(struct flow_table *t, const struct flow_key *k)
{
	uint32_t h = flow_key_hash(k);
	size_t i;

	for (i = h & t->mask; t->slots[i].f != NULL; i = (i + 1) & t->mask) {
		if (t->slots[i].hash == h &&
		    memcmp(&t->slots[i].f->key, k, sizeof *k) == 0)
			return t->slots[i].f;
	}
	return NULL;
}

static void
flow_place(struct flow_table *t, struct flow *f)
{
	size_t i;

	for (i = f->hash & t->mask; t->slots[i].f != NULL;
	    i = (i + 1) & t->mask)
		;
	t->slots[i].hash = f->hash;
	t->slots[i].f = f;
}

static void
flow_grow(struct flow_table *t)
{
	struct flow_slot *old = t->slots;
	size_t i, oldn = t->mask + 1;

	t->mask = oldn * 2 - 1;
	t->slots = xcalloc(t->mask + 1, sizeof *t->slots);
	for (i = 0; i < oldn; i++) {
		if (old[i].f != NULL)
			flow_place(t, old[i].f);
	}
	free(old);
}

struct flow *
flow_insert(struct flow_table *t, const struct flow_key *k, int list,
    int64_t now)
{
	struct flow *f;

	if ((t->n + 1) * 2 > t->mask + 1)
		flow_grow(t);
	if (t->spare != NULL) {
		f = t->spare;
		t->spare = f->next;
	} else
		f = xmalloc(sizeof *f);
	memset(f, 0, sizeof *f);
	f->key = *k;
	f->hash = flow_key_hash(k);
	f->last_ns = now;
	flow_place(t, f);
	flow_list_append(t, f, list);
	t->n++;
	return f;
}

void
flow_remove(struct flow_table *t, struct flow *f)
{
	size_t i, j, home;

	for (i = f->hash & t->mask; t->slots[i].f != f; i = (i + 1) & t->mask)
		;
	/* Backward-shift deletion: pull later members of the run back. */
	j = i;
	for (;;) {
		t->slots[i].f = NULL;
		for (;;) {
			j = (j + 1) & t->mask;
			if (t->slots[j].f == NULL)
				goto done;
			home = t->slots[j].hash & t->mask;
			/* Can slot j move to i? Only if home is not in (i, j]. */
			if (i <= j ? (home <= i || home > j) :
			    (home <= i && home > j))
				break;
		}
		t->slots[i] = t->slots[j];
		i = j;
	}
done:
	flow_list_unlink(t, f);
	t->n--;
	f->next = t->spare;
	t->spare = f;
}

void
flow_touch(struct flow_table *t, struct flow *f, int list, int64_t now)
{
	if (now > f->last_ns)
		f->last_ns = now;
	if (f->list == list && t->lists[list].tail == f)
		return;
	flow_list_unlink(t, f);
	flow_list_append(t, f, list);
}

struct flow *
flow_oldest(const struct flow_table *t, int list)
{
	return t->lists[list].head;
}

size_t
flow_count(const struct flow_table *t)
{
	return t->n;
}

size_t
flow_list_count(const struct flow_table *t, int list)
{
	return t->lists[list].n;
}

void
flow_foreach(struct flow_table *t, void (*fn)(struct flow *, void *),
    void *arg)
{
	struct flow *f;
	int i;

	for (i = 0; i < FLOW_LISTS; i++) {
		for (f = t->lists[i].head; f != NULL; f = f->next)
			fn(f, arg);
	}
}
