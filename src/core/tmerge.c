/* SPDX-License-Identifier: ISC */
/* Items merged into time order, held back a window, flushed in order. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tmerge.h"
#include "xmalloc.h"

/*
 * The queue is items[head .. n), sorted by (ts, order of addition); the
 * items before `head` have left.  The late list is in the order its
 * items left the queue.
 */
struct tmerge {
	int64_t		window;
	int64_t		hold;
	struct tmerge_item *items;
	size_t		head;
	size_t		n;
	size_t		cap;
	struct tmerge_item *late;
	size_t		nlate;
	size_t		caplate;
};

struct tmerge *
tmerge_new(int64_t window_ns, int64_t hold_ns)
{
	struct tmerge *m = xcalloc(1, sizeof *m);

	m->window = window_ns;
	m->hold = hold_ns;
	return m;
}

void
tmerge_free(struct tmerge *m, void (*drop)(void *p))
{
	size_t i;

	if (m == NULL)
		return;
	if (drop != NULL) {
		for (i = m->head; i < m->n; i++)
			drop(m->items[i].p);
		for (i = 0; i < m->nlate; i++)
			drop(m->late[i].p);
	}
	free(m->items);
	free(m->late);
	free(m);
}

void
tmerge_add(struct tmerge *m, int64_t ts, int kind, bool open, void *p)
{
	size_t lo, hi, mid;

	if (m->n == m->cap) {
		if (m->head > 0) {
			/* Reuse the room the items that left made. */
			memmove(m->items, m->items + m->head,
			    (m->n - m->head) * sizeof *m->items);
			m->n -= m->head;
			m->head = 0;
		} else {
			m->cap = m->cap ? m->cap * 2 : 64;
			m->items = xreallocarray(m->items, m->cap,
			    sizeof *m->items);
		}
	}
	/* After the last item at or before ts: equal times stay in the
	 * order they came.  Most arrive in order: look at the tail first. */
	if (m->n == m->head || m->items[m->n - 1].ts <= ts)
		lo = m->n;
	else {
		lo = m->head;
		hi = m->n - 1;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (m->items[mid].ts <= ts)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	memmove(&m->items[lo + 1], &m->items[lo],
	    (m->n - lo) * sizeof *m->items);
	m->n++;
	m->items[lo] = (struct tmerge_item){ .ts = ts, .kind = kind,
	    .open = open, .p = p };
}

struct tmerge_item *
tmerge_close(struct tmerge *m, bool (*match)(const void *, const void *),
    const void *arg)
{
	size_t i;

	for (i = m->head; i < m->n; i++) {
		if (m->items[i].open && match(m->items[i].p, arg)) {
			m->items[i].open = false;
			return &m->items[i];
		}
	}
	return NULL;
}

void *
tmerge_unlate(struct tmerge *m, bool (*match)(const void *, const void *),
    const void *arg)
{
	void *p;
	size_t i;

	for (i = 0; i < m->nlate; i++) {
		if (match(m->late[i].p, arg)) {
			p = m->late[i].p;
			memmove(&m->late[i], &m->late[i + 1],
			    (m->nlate - i - 1) * sizeof *m->late);
			m->nlate--;
			return p;
		}
	}
	return NULL;
}

/* The open head, `hold` old, leaves the order for the late list. */
static void
tmerge_to_late(struct tmerge *m)
{
	if (m->nlate == m->caplate) {
		m->caplate = m->caplate ? m->caplate * 2 : 8;
		m->late = xreallocarray(m->late, m->caplate, sizeof *m->late);
	}
	m->late[m->nlate] = m->items[m->head++];
	m->late[m->nlate++].late = true;
}

bool
tmerge_next(struct tmerge *m, int64_t now, bool all, struct tmerge_item *out)
{
	const struct tmerge_item *it;

	while (m->head < m->n) {
		it = &m->items[m->head];
		if (!all && it->open && m->hold > 0 &&
		    it->ts <= now - m->hold) {
			tmerge_to_late(m);
			continue;
		}
		if (!all && (it->open || it->ts > now - m->window))
			break;
		*out = *it;
		if (++m->head == m->n)
			m->head = m->n = 0;
		return true;
	}
	if (m->head == m->n)
		m->head = m->n = 0;
	if (all && m->nlate > 0) {
		*out = m->late[0];
		memmove(&m->late[0], &m->late[1],
		    (m->nlate - 1) * sizeof *m->late);
		m->nlate--;
		return true;
	}
	return false;
}

size_t
tmerge_count(const struct tmerge *m)
{
	return m->n - m->head;
}

bool
tmerge_open(const struct tmerge *m)
{
	size_t i;

	for (i = m->head; i < m->n; i++) {
		if (m->items[i].open)
			return true;
	}
	return m->nlate > 0;
}

int64_t
tmerge_deadline(const struct tmerge *m)
{
	const struct tmerge_item *it;

	if (m->head == m->n)
		return -1;
	it = &m->items[m->head];
	if (!it->open)
		return it->ts + m->window;
	return m->hold > 0 ? it->ts + m->hold : -1;
}
