/* SPDX-License-Identifier: ISC */
/*
 * Frames, calls, output and kernel states merged in time order (demo,
 * run): the shell's types over the core's ordering (src/core/tmerge.c).
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>

#include "engine.h"
#include "merge.h"
#include "tmerge.h"
#include "xmalloc.h"

enum merge_kind {
	MERGE_FRAME,
	MERGE_CALL,
	MERGE_OUTPUT,
	MERGE_KSTATE,
};

/* One payload, with the frame's bytes or the text after it. */
struct merge_item {
	union {
		struct peer_msg	msg;		/* MERGE_CALL */
		struct capture_frame f;		/* MERGE_FRAME */
		struct ev_output out;		/* MERGE_OUTPUT */
		struct kstate_sock ks;		/* MERGE_KSTATE */
	} u;
	uint8_t		data[];
};

struct merge {
	struct tmerge	*q;
	int64_t		window;
};

static struct merge_item *
merge_item_new(size_t extra)
{
	struct merge_item *it = xmalloc(sizeof *it + extra);

	memset(it, 0, sizeof *it);
	return it;
}

struct merge *
merge_new(int64_t window_ns, int64_t hold_ns)
{
	struct merge *m = xcalloc(1, sizeof *m);

	m->q = tmerge_new(window_ns, hold_ns);
	m->window = window_ns;
	return m;
}

void
merge_free(struct merge *m)
{
	if (m == NULL)
		return;
	tmerge_free(m->q, free);
	free(m);
}

void
merge_frame(struct merge *m, const struct capture_frame *f)
{
	struct merge_item *it = merge_item_new(f->caplen);

	it->u.f = *f;
	if (f->caplen > 0)
		memcpy(it->data, f->data, f->caplen);
	it->u.f.data = it->data;
	tmerge_add(m->q, f->ts_ns, MERGE_FRAME, false, it);
}

/* The start of the call `arg` ends: same side, same step. */
static bool
merge_same_call(const void *p, const void *arg)
{
	const struct peer_msg *a = &((const struct merge_item *)p)->u.msg;
	const struct peer_msg *b = arg;

	return a->side == b->side && a->step == b->step;
}

void
merge_call(struct merge *m, const struct peer_msg *msg)
{
	struct tmerge_item *open;
	struct merge_item *it;

	if (msg->kind == PEER_END && msg->step >= 0) {
		if ((open = tmerge_close(m->q, merge_same_call, msg)) !=
		    NULL) {
			/* Keep the start's time and place. */
			it = open->p;
			it->u.msg = *msg;
			it->u.msg.ts_ns = open->ts;
			return;
		}
		if ((it = tmerge_unlate(m->q, merge_same_call, msg)) !=
		    NULL) {
			/* It held the others long enough: its place is
			 * where it returned. */
			it->u.msg = *msg;
			it->u.msg.ts_ns = msg->end_ns != 0 ? msg->end_ns :
			    msg->ts_ns;
			tmerge_add(m->q, it->u.msg.ts_ns, MERGE_CALL, false,
			    it);
			return;
		}
	}
	it = merge_item_new(0);
	it->u.msg = *msg;
	tmerge_add(m->q, msg->ts_ns, MERGE_CALL, msg->kind != PEER_END, it);
}

void
merge_output(struct merge *m, int64_t ts_ns, const struct ev_output *out)
{
	size_t n = strlen(out->text);
	struct merge_item *it = merge_item_new(n + 1);

	it->u.out = *out;
	memcpy(it->data, out->text, n + 1);
	it->u.out.text = (const char *)it->data;
	tmerge_add(m->q, ts_ns, MERGE_OUTPUT, false, it);
}

void
merge_kstate(struct merge *m, int64_t ts_ns, const struct kstate_sock *ks)
{
	struct merge_item *it = merge_item_new(0);

	it->u.ks = *ks;
	tmerge_add(m->q, ts_ns, MERGE_KSTATE, false, it);
}

static void
merge_emit_call(struct engine *e, int64_t ts, struct peer_msg *msg)
{
	engine_call(e, ts, &msg->call, msg->proto, &msg->local, msg->lport,
	    &msg->remote, msg->rport);
}

void
merge_flush(struct merge *m, struct engine *e, int64_t now, bool all)
{
	struct tmerge_item t;
	struct merge_item *it;
	bool released = false;

	while (tmerge_next(m->q, now, all, &t)) {
		it = t.p;
		if (t.late && !released) {
			/* No frame waits that could open their conn. */
			engine_calls_release(e);
			released = true;
		}
		switch ((enum merge_kind)t.kind) {
		case MERGE_CALL:
			if (t.open || t.late) {
				/* Never returned: where it was given up. */
				it->u.msg.call.ret = -1;
				it->u.msg.call.err = EINTR;
			}
			merge_emit_call(e, t.late ? now : t.ts, &it->u.msg);
			break;
		case MERGE_FRAME:
			engine_frame(e, it->u.f.frame, it->u.f.ts_ns,
			    it->u.f.linktype, it->u.f.data, it->u.f.caplen,
			    it->u.f.wirelen);
			break;
		case MERGE_OUTPUT:
			engine_output(e, t.ts, &it->u.out);
			break;
		case MERGE_KSTATE:
			engine_kstate(e, t.ts, &it->u.ks.local, it->u.ks.lport,
			    &it->u.ks.remote, it->u.ks.rport, it->u.ks.state,
			    it->u.ks.source);
			break;
		}
		free(it);
	}
	if (!released && tmerge_count(m->q) == 0)
		/* No frame waits that could open their conn. */
		engine_calls_release(e);
	/* Nothing older than the horizon can come: a receiver silent since
	 * is decided (engine_tick()). */
	if (!all)
		engine_tick(e, now - m->window);
}

bool
merge_calls_open(const struct merge *m)
{
	return tmerge_open(m->q);
}

int64_t
merge_earlier(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

void
merge_arm(int tfd, int64_t when, int64_t now)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	int64_t t;

	if (when < 0)
		return;
	t = when - now;
	if (t < 1000000)
		t = 1000000;
	its.it_value.tv_sec = t / 1000000000LL;
	its.it_value.tv_nsec = t % 1000000000LL;
	timerfd_settime(tfd, 0, &its, NULL);
}

int64_t
merge_deadline(const struct merge *m)
{
	return tmerge_deadline(m->q);
}
