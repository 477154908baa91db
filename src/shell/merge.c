/* SPDX-License-Identifier: ISC */
/* Frames, calls and output merged in time order (demo, run). */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "merge.h"
#include "xmalloc.h"

enum merge_kind {
	MERGE_FRAME,
	MERGE_CALL,
	MERGE_OUTPUT,
	MERGE_KSTATE,
};

struct merge_item {
	int64_t		ts;
	enum merge_kind	kind;
	bool		done;
	struct peer_msg	msg;		/* MERGE_CALL */
	struct capture_frame f;		/* MERGE_FRAME */
	struct ev_output out;		/* MERGE_OUTPUT */
	struct kstate_sock ks;		/* MERGE_KSTATE */
	uint8_t		*data;		/* the frame's bytes, the text */
};

struct merge {
	int64_t		window;
	int64_t		hold;
	struct merge_item *items;
	size_t		n;
	size_t		cap;
	struct peer_msg	*late;		/* open past `hold`: out of items */
	size_t		nlate;
	size_t		caplate;
};

struct merge *
merge_new(int64_t window_ns, int64_t hold_ns)
{
	struct merge *m = xcalloc(1, sizeof *m);

	m->window = window_ns;
	m->hold = hold_ns;
	return m;
}

void
merge_free(struct merge *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->items[i].data);
	free(m->items);
	free(m->late);
	free(m);
}

/* Keep the buffer sorted by time; equal times keep arrival order. */
static struct merge_item *
merge_insert(struct merge *m, int64_t ts, enum merge_kind kind)
{
	size_t i;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->items = xreallocarray(m->items, m->cap, sizeof *m->items);
	}
	for (i = m->n; i > 0 && m->items[i - 1].ts > ts; i--)
		;
	memmove(&m->items[i + 1], &m->items[i],
	    (m->n - i) * sizeof *m->items);
	m->n++;
	memset(&m->items[i], 0, sizeof m->items[i]);
	m->items[i].ts = ts;
	m->items[i].kind = kind;
	return &m->items[i];
}

void
merge_frame(struct merge *m, const struct capture_frame *f)
{
	struct merge_item *it = merge_insert(m, f->ts_ns, MERGE_FRAME);

	it->done = true;
	it->f = *f;
	it->data = xmalloc(f->caplen ? f->caplen : 1);
	memcpy(it->data, f->data, f->caplen);
	it->f.data = it->data;
}

void
merge_call(struct merge *m, const struct peer_msg *msg)
{
	struct merge_item *it;
	struct peer_msg late;
	size_t i;

	if (msg->kind == PEER_END && msg->step >= 0) {
		for (i = 0; i < m->n; i++) {
			it = &m->items[i];
			if (it->kind == MERGE_CALL && !it->done &&
			    it->msg.side == msg->side &&
			    it->msg.step == msg->step) {
				/* Keep the start's time and place. */
				it->msg = *msg;
				it->msg.ts_ns = it->ts;
				it->done = true;
				return;
			}
		}
		for (i = 0; i < m->nlate; i++) {
			if (m->late[i].side == msg->side &&
			    m->late[i].step == msg->step)
				break;
		}
		if (i < m->nlate) {
			/* It held the others long enough: its place is
			 * where it returned. */
			late = *msg;
			late.ts_ns = msg->end_ns != 0 ? msg->end_ns :
			    msg->ts_ns;
			m->late[i] = m->late[--m->nlate];
			it = merge_insert(m, late.ts_ns, MERGE_CALL);
			it->msg = late;
			it->done = true;
			return;
		}
	}
	it = merge_insert(m, msg->ts_ns, MERGE_CALL);
	it->msg = *msg;
	it->done = msg->kind == PEER_END;
}

void
merge_output(struct merge *m, int64_t ts_ns, const struct ev_output *out)
{
	struct merge_item *it = merge_insert(m, ts_ns, MERGE_OUTPUT);
	size_t n = strlen(out->text);

	it->done = true;
	it->out = *out;
	it->data = xmalloc(n + 1);
	memcpy(it->data, out->text, n + 1);
	it->out.text = (const char *)it->data;
}

void
merge_kstate(struct merge *m, int64_t ts_ns, const struct kstate_sock *ks)
{
	struct merge_item *it = merge_insert(m, ts_ns, MERGE_KSTATE);

	it->done = true;
	it->ks = *ks;
}

static void
merge_emit_call(struct engine *e, int64_t ts, struct peer_msg *msg)
{
	engine_call(e, ts, &msg->call, msg->proto, &msg->local, msg->lport,
	    &msg->remote, msg->rport);
}

/* An open call past `hold` leaves the buffer for the late list. */
static void
merge_late(struct merge *m, size_t k)
{
	if (m->nlate == m->caplate) {
		m->caplate = m->caplate ? m->caplate * 2 : 8;
		m->late = xreallocarray(m->late, m->caplate, sizeof *m->late);
	}
	m->late[m->nlate++] = m->items[k].msg;
	memmove(&m->items[k], &m->items[k + 1],
	    (m->n - k - 1) * sizeof *m->items);
	m->n--;
}

void
merge_flush(struct merge *m, struct engine *e, int64_t now, bool all)
{
	int64_t horizon = now - m->window;
	struct merge_item *it;
	size_t k = 0, i;

	while (k < m->n) {
		it = &m->items[k];
		if (!all && !it->done && m->hold > 0 &&
		    it->ts <= now - m->hold) {
			merge_late(m, k);
			continue;
		}
		if (!all && (!it->done || it->ts > horizon))
			break;
		switch (it->kind) {
		case MERGE_CALL:
			if (!it->done) {
				it->msg.call.ret = -1;
				it->msg.call.err = EINTR;
			}
			merge_emit_call(e, it->ts, &it->msg);
			break;
		case MERGE_FRAME:
			engine_frame(e, it->f.frame, it->f.ts_ns,
			    it->f.linktype, it->f.data, it->f.caplen,
			    it->f.wirelen);
			break;
		case MERGE_OUTPUT:
			engine_output(e, it->ts, &it->out);
			break;
		case MERGE_KSTATE:
			engine_kstate(e, it->ts, &it->ks.local, it->ks.lport,
			    &it->ks.remote, it->ks.rport, it->ks.state,
			    it->ks.source);
			break;
		}
		free(it->data);
		k++;
	}
	if (k > 0) {
		memmove(m->items, m->items + k, (m->n - k) * sizeof *m->items);
		m->n -= k;
	}
	if (m->n == 0)
		/* No frame waits that could open their conn. */
		engine_calls_release(e);
	/* Nothing older than the horizon can come: a receiver silent since
	 * is decided (engine_tick()). */
	if (!all)
		engine_tick(e, horizon);
	if (all) {
		/* Calls that never returned, where they were given up. */
		for (i = 0; i < m->nlate; i++) {
			m->late[i].call.ret = -1;
			m->late[i].call.err = EINTR;
			merge_emit_call(e, now, &m->late[i]);
		}
		m->nlate = 0;
	}
}

bool
merge_calls_open(const struct merge *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->items[i].kind == MERGE_CALL && !m->items[i].done)
			return true;
	}
	return m->nlate > 0;
}

int64_t
merge_deadline(const struct merge *m)
{
	if (m->n == 0)
		return -1;
	if (m->items[0].done)
		return m->items[0].ts + m->window;
	/* A call still running holds the buffer: its return wakes us,
	 * or its hold ends. */
	return m->hold > 0 ? m->items[0].ts + m->hold : -1;
}
