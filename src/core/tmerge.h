/* SPDX-License-Identifier: ISC */
/*
 * A time-ordered merge buffer: items that reach us out of order (frames
 * stamped by the kernel, socket calls reported by whoever made or traced
 * them, kernel-state reads), each with a time, a kind and an opaque
 * payload, leave in order of time.  Pure: the caller says what time it
 * is; the buffer neither reads a clock nor looks into a payload.
 *
 * - Items are ordered by time; equal times keep the order they were
 *   added in.
 * - An item leaves (tmerge_next()) once it is `window` old: anything
 *   older may still arrive until then.
 * - An item added `open` (a call that has begun and not returned) keeps
 *   its place by its start time and holds back every item after it until
 *   it is closed (tmerge_close()).  With `hold` > 0 the hold-back is
 *   bounded: an open item `hold` old leaves the order for a list of late
 *   items, and the items behind it go on; its close is then found with
 *   tmerge_unlate() and the caller adds it again where it belongs.
 * - At the end (`all`), everything leaves in order, open or not, then
 *   the late items, flagged `late`, in the order they became late.
 *
 * Payloads belong to the caller: the buffer hands them back, never
 * frees them (tmerge_free() calls `drop` on those still inside).
 */
#ifndef TMERGE_H
#define TMERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tmerge;

struct tmerge_item {
	int64_t		ts;
	int		kind;		/* the caller's */
	bool		open;		/* begun, not closed: holds the rest */
	bool		late;		/* left the order open, past `hold` */
	void		*p;		/* the caller's payload */
};

/* `window_ns` >= 0; `hold_ns` 0: an open item holds the rest until it
 * is closed, however long. */
struct tmerge	*tmerge_new(int64_t window_ns, int64_t hold_ns);
/* Frees the buffer; `drop` (when not NULL) is called on each payload
 * still inside, queued or late. */
void		 tmerge_free(struct tmerge *, void (*drop)(void *p));

/* Add an item at `ts`, after those already there at the same time. */
void		 tmerge_add(struct tmerge *, int64_t ts, int kind, bool open,
		     void *p);

/*
 * The first open item (in time order) whose payload `match` accepts:
 * closed, keeping its time and place, and returned (valid until the
 * buffer next changes); NULL when none.
 */
struct tmerge_item *tmerge_close(struct tmerge *,
		     bool (*match)(const void *p, const void *arg),
		     const void *arg);
/*
 * The first late item whose payload `match` accepts: taken out of the
 * late list, its payload returned; NULL when none.
 */
void		*tmerge_unlate(struct tmerge *,
		     bool (*match)(const void *p, const void *arg),
		     const void *arg);

/*
 * The next item that may leave at `now`, or everything when `all` (the
 * queued items in order, then the late ones with `late` set): true and
 * `*out` filled, the item gone from the buffer; false when none may
 * leave yet.  Without `all`, an open item `hold` old at the head first
 * moves to the late list.
 */
bool		 tmerge_next(struct tmerge *, int64_t now, bool all,
		     struct tmerge_item *out);

size_t		 tmerge_count(const struct tmerge *);	/* queued, not late */
/* Whether an open item is queued, or a late one waits for its close. */
bool		 tmerge_open(const struct tmerge *);
/*
 * When tmerge_next() may next return an item without `all`: the head's
 * time + window, or, when the head is open, its time + hold (-1 without
 * a hold: its close must come first); -1 when nothing is queued.
 */
int64_t		 tmerge_deadline(const struct tmerge *);

#endif
