/* SPDX-License-Identifier: ISC */
/*
 * A capture read into a timeline (load.h): the reading thread runs the
 * capture and the engine into a sink that copies each event into a block;
 * full blocks go, in order, to the calling thread, which hands their
 * events to the timeline and gives the blocks back.  A block holds what
 * the engine's event points to and that lives only during the emit call:
 * its conn's info and its warning's message.  At most LOAD_BLOCKS blocks
 * exist: a reader ahead of the timeline waits for one to come back.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "load.h"
#include "timeline.h"
#include "xmalloc.h"

#define LOAD_SLICE	65536	/* frames between progress reports */
#define LOAD_BLOCK	4096	/* events a block carries (950 KB) */
#define LOAD_BLOCKS	4	/* blocks at most, full or being filled */

/* A copy a block owns (a warning's message, a line of output). */
struct load_owned {
	struct load_owned	*next;
	max_align_t		 data[];
};

struct load_block {
	struct load_block	*next;
	size_t			 n;
	struct load_owned	*owned;
	struct ev		 ev[LOAD_BLOCK];
	struct conn_info	 ci[LOAD_BLOCK];
};

struct load {
	struct sink		 sink;	/* the engine's, in the reading thread */
	struct capture		*cap;
	const struct engine_config *cfg;
	uint64_t		 count;
	struct sink		*out;	/* the timeline's */
	load_progress_fn	 progress;
	void			*arg;

	/* Between the threads, under mu. */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;	/* a block full or back, or done */
	int			 waiting;	/* threads in cv's wait */
	struct load_block	*full, *last;	/* in order */
	struct load_block	*spare;
	unsigned		 nblocks;
	bool			 done;
	uint64_t		 frames;
	int			 pct;

	/* The reading thread's. */
	struct load_block	*cur;
	int			 rc;
	struct msg		 err;
};

/* Under mu: wait for the other thread; wake it (when it waits). */
static void
load_wait(struct load *l)
{
	l->waiting++;
	pthread_cond_wait(&l->cv, &l->mu);
	l->waiting--;
}

static void
load_wake(struct load *l)
{
	if (l->waiting > 0)
		pthread_cond_broadcast(&l->cv);
}

static void *
load_keep(struct load_block *b, const void *p, size_t len)
{
	struct load_owned *o = xmalloc(sizeof *o + len);

	memcpy(o->data, p, len);
	o->next = b->owned;
	b->owned = o;
	return o->data;
}

static void
load_block_clear(struct load_block *b)
{
	struct load_owned *o;

	while ((o = b->owned) != NULL) {
		b->owned = o->next;
		free(o);
	}
	b->n = 0;
}

/* A block to fill: one given back, a new one, or wait for one. */
static struct load_block *
load_block_get(struct load *l)
{
	struct load_block *b = NULL;

	pthread_mutex_lock(&l->mu);
	while (l->spare == NULL && l->nblocks >= LOAD_BLOCKS)
		load_wait(l);
	if (l->spare != NULL) {
		b = l->spare;
		l->spare = b->next;
	} else
		l->nblocks++;
	pthread_mutex_unlock(&l->mu);
	if (b == NULL) {
		b = xmalloc(sizeof *b);
		b->owned = NULL;
		b->n = 0;
	}
	b->next = NULL;
	return b;
}

static void
load_publish(struct load *l, struct load_block *b)
{
	pthread_mutex_lock(&l->mu);
	if (l->last != NULL)
		l->last->next = b;
	else
		l->full = b;
	l->last = b;
	load_wake(l);
	pthread_mutex_unlock(&l->mu);
}

static void
load_emit(struct sink *s, const struct ev *e)
{
	struct load *l = (struct load *)s;
	struct load_block *b = l->cur;
	struct ev *d;

	if (b == NULL)
		b = l->cur = load_block_get(l);
	d = &b->ev[b->n];
	*d = *e;
	if (e->conn != NULL) {
		b->ci[b->n] = *e->conn;
		d->conn = &b->ci[b->n];
	}
	switch (e->type) {
	case EV_PACKET:
		/* Read again from the file by the timeline. */
		d->u.pkt.payload = NULL;
		d->u.pkt.paycap = 0;
		break;
	case EV_WARNING:
		if (e->u.warn.msg != NULL)
			d->u.warn.msg = load_keep(b, e->u.warn.msg,
			    sizeof *e->u.warn.msg);
		break;
	case EV_OUTPUT:
		if (e->u.out.text != NULL)
			d->u.out.text = load_keep(b, e->u.out.text,
			    strlen(e->u.out.text) + 1);
		break;
	default:
		break;
	}
	if (++b->n == LOAD_BLOCK) {
		load_publish(l, b);
		l->cur = NULL;
	}
}

/* How far the reading is, for the calling thread's report. */
static void
load_mark(struct load *l, bool threaded)
{
	uint64_t frames = capture_count(l->cap);
	int pct = capture_progress(l->cap);

	if (!threaded) {
		if (l->progress != NULL)
			l->progress(l->arg, frames, pct);
		return;
	}
	pthread_mutex_lock(&l->mu);
	l->frames = frames;
	l->pct = pct;
	pthread_mutex_unlock(&l->mu);
}

/* The capture through an engine into sink, to its end or count. */
static void
load_read(struct load *l, struct sink *sink, bool threaded)
{
	struct engine *e = engine_new(l->cfg, sink);
	uint64_t left = l->count, fed;
	int rc;

	for (;;) {
		rc = capture_feed(l->cap, e, l->count == 0 ||
		    left > LOAD_SLICE ? LOAD_SLICE : left, &fed, &l->err);
		if (l->count != 0)
			left -= fed;
		if (rc != 0 || (l->count != 0 && left == 0))
			break;
		load_mark(l, threaded);
	}
	if (rc < 0)
		engine_warn(e, 0, 0, &l->err);
	engine_finish(e);
	engine_free(e);
	l->rc = rc < 0 ? -1 : 0;
}

static void *
load_thread(void *arg)
{
	struct load *l = arg;

	load_read(l, &l->sink, true);
	if (l->cur != NULL && l->cur->n > 0)
		load_publish(l, l->cur);
	else if (l->cur != NULL) {
		pthread_mutex_lock(&l->mu);
		l->cur->next = l->spare;
		l->spare = l->cur;
		pthread_mutex_unlock(&l->mu);
	}
	l->cur = NULL;
	pthread_mutex_lock(&l->mu);
	l->done = true;
	load_wake(l);
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* The calling thread: each block's events to the timeline, in order. */
static void
load_store(struct load *l)
{
	struct load_block *b;
	uint64_t frames, shown = 0;
	size_t i;
	int pct;

	for (;;) {
		pthread_mutex_lock(&l->mu);
		while (l->full == NULL && !l->done)
			load_wait(l);
		if ((b = l->full) != NULL) {
			l->full = b->next;
			if (l->full == NULL)
				l->last = NULL;
		}
		frames = l->frames;
		pct = l->pct;
		pthread_mutex_unlock(&l->mu);
		if (b == NULL)
			break;
		for (i = 0; i < b->n; i++)
			sink_emit(l->out, &b->ev[i]);
		load_block_clear(b);
		pthread_mutex_lock(&l->mu);
		b->next = l->spare;
		l->spare = b;
		load_wake(l);
		pthread_mutex_unlock(&l->mu);
		if (l->progress != NULL && frames != shown) {
			l->progress(l->arg, frames, pct);
			shown = frames;
		}
	}
}

int
load_timeline(struct capture *cap, struct timeline *tl,
    const struct engine_config *cfg, uint64_t count,
    load_progress_fn progress, void *arg, struct msg *err)
{
	struct load l;
	struct load_block *b;
	pthread_t th;
	sigset_t all, old;
	int rc;

	memset(&l, 0, sizeof l);
	l.cap = cap;
	l.cfg = cfg;
	l.count = count;
	l.out = timeline_sink(tl);
	l.progress = progress;
	l.arg = arg;
	l.sink.emit = load_emit;
	l.sink.ignores = l.out->ignores;
	/* Without a payload source the events' payloads must be copied
	 * while their frame is there: one thread. */
	if (!timeline_has_payload_source(tl)) {
		load_read(&l, l.out, false);
		goto out;
	}
	pthread_mutex_init(&l.mu, NULL);
	pthread_cond_init(&l.cv, NULL);
	/* Signals are the calling thread's to take. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&th, NULL, load_thread, &l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		load_read(&l, l.out, false);
	else {
		load_store(&l);
		pthread_join(th, NULL);
	}
	while ((b = l.spare) != NULL) {
		l.spare = b->next;
		load_block_clear(b);
		free(b);
	}
	pthread_cond_destroy(&l.cv);
	pthread_mutex_destroy(&l.mu);
out:
	if (l.rc != 0)
		*err = l.err;
	return l.rc;
}
