/* SPDX-License-Identifier: ISC */
/* The timeline: every event, stored in order, indexed per conn. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "xmalloc.h"

/*
 * Events live in fixed-size chunks so that growing the log never moves
 * what a view holds a pointer to.  Strings an event points to (warning
 * messages) are copied into memory the timeline owns; conn pointers are
 * rewritten to the timeline's own copies.
 */
#define TL_CHUNK	4096

struct timeline {
	struct sink	sink;
	size_t		max;
	size_t		n;
	size_t		dropped;
	struct ev	**chunks;
	size_t		nchunks;
	struct tl_conn	**conns;	/* by id - 1 */
	size_t		nconns;
	size_t		capconns;
	char		**strings;
	size_t		nstrings;
};

static struct ev *
timeline_slot(struct timeline *tl, size_t i)
{
	size_t c = i / TL_CHUNK;

	if (c >= tl->nchunks) {
		tl->chunks = xreallocarray(tl->chunks, c + 1,
		    sizeof *tl->chunks);
		tl->chunks[c] = xreallocarray(NULL, TL_CHUNK, sizeof (struct ev));
		tl->nchunks = c + 1;
	}
	return &tl->chunks[c][i % TL_CHUNK];
}

static struct tl_conn *
timeline_find(const struct timeline *tl, uint32_t id)
{
	if (id == 0 || id > tl->nconns)
		return NULL;
	return tl->conns[id - 1];
}

static struct tl_conn *
timeline_add_conn(struct timeline *tl, const struct conn_info *ci)
{
	struct tl_conn *c;

	/* Ids come in order from 1, one conn event each. */
	while (tl->nconns < ci->id) {
		if (tl->nconns == tl->capconns) {
			tl->capconns = tl->capconns ? tl->capconns * 2 : 16;
			tl->conns = xreallocarray(tl->conns, tl->capconns,
			    sizeof *tl->conns);
		}
		tl->conns[tl->nconns++] = NULL;
	}
	if ((c = tl->conns[ci->id - 1]) != NULL)
		return c;
	c = xcalloc(1, sizeof *c);
	c->info = *ci;
	c->st[0] = ci->init[0];
	c->st[1] = ci->init[1];
	tl->conns[ci->id - 1] = c;
	return c;
}

static void
timeline_add_step(struct tl_conn *c, size_t ev)
{
	if (c->nsteps == c->capsteps) {
		c->capsteps = c->capsteps ? c->capsteps * 2 : 16;
		c->steps = xreallocarray(c->steps, c->capsteps,
		    sizeof *c->steps);
	}
	c->steps[c->nsteps].ev = (uint32_t)ev;
	c->steps[c->nsteps].st[0] = c->st[0];
	c->steps[c->nsteps].st[1] = c->st[1];
	c->nsteps++;
}

static void
timeline_emit(struct sink *sink, const struct ev *e)
{
	struct timeline *tl = (struct timeline *)sink;
	struct tl_conn *c = NULL;
	struct ev *slot;

	if (e->type == EV_CONN && e->conn != NULL)
		c = timeline_add_conn(tl, e->conn);
	else if (e->conn != NULL)
		c = timeline_find(tl, e->conn->id);

	/* Per-conn figures stay right even when the log is full. */
	if (c != NULL) {
		switch (e->type) {
		case EV_PACKET:
			c->packets++;
			c->bytes[e->u.pkt.dir] += e->u.pkt.len;
			if (c->info.proto == 6) {
				c->st[0] = e->u.pkt.st_after[0];
				c->st[1] = e->u.pkt.st_after[1];
			}
			break;
		case EV_SUMMARY:
			c->over = true;
			c->sum = e->u.sum;
			c->completeness = e->u.sum.completeness;
			break;
		default:
			break;
		}
	}
	if (tl->max != 0 && tl->n >= tl->max) {
		tl->dropped++;
		return;
	}
	slot = timeline_slot(tl, tl->n);
	*slot = *e;
	if (c != NULL)
		slot->conn = &c->info;
	if (e->type == EV_WARNING) {
		tl->strings = xreallocarray(tl->strings, tl->nstrings + 1,
		    sizeof *tl->strings);
		tl->strings[tl->nstrings] = xstrdup(e->u.warn.message);
		slot->u.warn.message = tl->strings[tl->nstrings++];
	}
	if (c != NULL)
		timeline_add_step(c, tl->n);
	tl->n++;
}

struct timeline *
timeline_new(size_t max_events)
{
	struct timeline *tl = xcalloc(1, sizeof *tl);

	tl->sink.emit = timeline_emit;
	tl->sink.close = NULL;
	tl->max = max_events;
	return tl;
}

void
timeline_free(struct timeline *tl)
{
	size_t i;

	if (tl == NULL)
		return;
	for (i = 0; i < tl->nchunks; i++)
		free(tl->chunks[i]);
	free(tl->chunks);
	for (i = 0; i < tl->nconns; i++) {
		if (tl->conns[i] != NULL)
			free(tl->conns[i]->steps);
		free(tl->conns[i]);
	}
	free(tl->conns);
	for (i = 0; i < tl->nstrings; i++)
		free(tl->strings[i]);
	free(tl->strings);
	free(tl);
}

struct sink *
timeline_sink(struct timeline *tl)
{
	return &tl->sink;
}

size_t
timeline_len(const struct timeline *tl)
{
	return tl->n;
}

const struct ev *
timeline_at(const struct timeline *tl, size_t i)
{
	if (i >= tl->n)
		return NULL;
	return &tl->chunks[i / TL_CHUNK][i % TL_CHUNK];
}

size_t
timeline_dropped(const struct timeline *tl)
{
	return tl->dropped;
}

size_t
timeline_nconns(const struct timeline *tl)
{
	return tl->nconns;
}

const struct tl_conn *
timeline_conn(const struct timeline *tl, size_t idx)
{
	if (idx >= tl->nconns)
		return NULL;
	return tl->conns[idx];
}

const struct tl_conn *
timeline_conn_by_id(const struct timeline *tl, uint32_t id)
{
	return timeline_find(tl, id);
}

void
timeline_states_before(const struct tl_conn *c, size_t n,
    enum tcp_state st[2])
{
	if (n == 0 || c->nsteps == 0) {
		st[0] = c->info.init[0];
		st[1] = c->info.init[1];
		return;
	}
	if (n > c->nsteps)
		n = c->nsteps;
	st[0] = c->steps[n - 1].st[0];
	st[1] = c->steps[n - 1].st[1];
}
