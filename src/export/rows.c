/* SPDX-License-Identifier: ISC */
/* The ladder's rows, one model for the UI and the exporters (rows.h). */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "xmalloc.h"

void
rows_init(struct rows *r, uint32_t conn)
{
	memset(r, 0, sizeof *r);
	r->conn = conn;
}

void
rows_clear(struct rows *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}

static struct rows_row *
rows_add(struct rows *r, const struct ev *e, size_t i,
    enum rows_kind kind, enum ev_side side)
{
	struct rows_row *row;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	row = &r->v[r->n];
	memset(row, 0, sizeof *row);
	row->ev = i;
	row->call = -1;
	row->kind = (uint8_t)kind;
	row->side = (uint8_t)side;
	row->via[0] = row->via[1] = ROWS_NO_VIA;
	if (r->n > 0) {
		row->st[0] = r->v[r->n - 1].st[0];
		row->st[1] = r->v[r->n - 1].st[1];
		row->gap = e->ts_ns - r->last_ts > ROWS_GAP_NS;
	} else {
		row->st[0] = r->init[0];
		row->st[1] = r->init[1];
	}
	row->line = r->lines + (row->gap ? 1 : 0);
	r->lines = row->line + 1;
	r->last_ts = e->ts_ns;
	r->n++;
	return row;
}

/* How far back an ICMP error looks for the segment it answers. */
#define ROWS_ICMP_BACK	256

/*
 * Which side an ICMP error is drawn from: it goes back to whoever sent
 * what it answers, so from the other side; else the side whose address
 * sent it (a router on the path stands on the server's side, as seen
 * from the client).
 */
static enum ev_side
rows_icmp_side(const struct rows *r, const struct timeline *tl,
    const struct ev *e)
{
	const struct ev *pe;
	size_t k, n = 0;

	for (k = r->n; e->u.icmp.cause != 0 && k > 0 && n < ROWS_ICMP_BACK;
	    k--, n++) {
		if (r->v[k - 1].kind != ROWS_PKT)
			continue;
		pe = timeline_at(tl, r->v[k - 1].ev);
		if (pe != NULL && pe->type == EV_PACKET &&
		    pe->u.pkt.frame == e->u.icmp.cause)
			return r->v[k - 1].side == EV_CLIENT ? EV_SERVER :
			    EV_CLIENT;
	}
	if (e->conn != NULL && pkt_addr_cmp(&e->u.icmp.src,
	    &e->conn->caddr) == 0 && pkt_addr_cmp(&e->u.icmp.src,
	    &e->conn->saddr) != 0)
		return EV_CLIENT;
	return EV_SERVER;
}

static void
rows_fix_init(struct rows *r, const struct conn_info *ci)
{
	size_t k;
	int side;

	for (side = 0; side < 2; side++) {
		if (r->init[side] != TCP_ST_LISTEN ||
		    ci->init[side] != TCP_ST_CLOSED)
			continue;
		r->init[side] = TCP_ST_CLOSED;
		if (r->npath[side] > 0 && r->path[side][0] == TCP_ST_LISTEN)
			r->path[side][0] = TCP_ST_CLOSED;
		r->dirty = 0;
		for (k = 0; k < r->n && r->v[k].st[side] == TCP_ST_LISTEN; k++)
			r->v[k].st[side] = TCP_ST_CLOSED;
	}
}

/*
 * A state change decided after later rows were built (ev.h): the rows
 * from its packet's (or from where the endpoint entered `from`) on show
 * the new state, as the timeline's st_after now does.
 */
static void
rows_late_state(struct rows *r, const struct timeline *tl,
    const struct ev_state *s)
{
	const struct ev *pe;
	size_t k, at = r->n, n = 0;
	int side = s->endpoint == EV_CLIENT ? 0 : 1;

	/* The row of the segment that caused it, when it is near: from
	 * there on.  (Looking for it by state alone stops too soon when a
	 * row built after the timeline fixed its st_after is already past
	 * `to`: a live FIN_WAIT_2 then went to the FIN's row.) */
	for (k = r->n; k > 0 && n < 256; k--, n++) {
		pe = timeline_at(tl, r->v[k - 1].ev);
		if (r->v[k - 1].kind == ROWS_PKT && pe != NULL &&
		    pe->type == EV_PACKET && pe->u.pkt.frame == s->frame) {
			at = k - 1;
			goto found;
		}
	}
	/* Else from where the endpoint entered `from` (crossing FINs).
	 * Rows built after the timeline fixed its st_after have it. */
	for (k = r->n, n = 0; k > 0 && n < 256; k--, n++) {
		if (r->v[k - 1].st[side] != (uint8_t)s->from &&
		    r->v[k - 1].st[side] != (uint8_t)s->to)
			break;
		at = k - 1;
		pe = timeline_at(tl, r->v[k - 1].ev);
		if (r->v[k - 1].kind == ROWS_PKT && pe != NULL &&
		    pe->type == EV_PACKET && pe->u.pkt.frame == s->frame)
			break;
	}
found:
	for (k = at; k < r->n; k++) {
		if (r->v[k].st[side] == (uint8_t)s->from)
			r->v[k].st[side] = (uint8_t)s->to;
	}
	if (at < r->dirty)
		r->dirty = at;
}

/* The endpoint's path: one more state change, in emission order. */
static void
rows_path_add(struct rows *r, const struct ev_state *s)
{
	int side = s->endpoint == EV_CLIENT ? 0 : 1;

	if (r->npath[side] == 0)
		r->path[side][r->npath[side]++] = (uint8_t)s->from;
	if (r->npath[side] < ROWS_PATH)
		r->path[side][r->npath[side]++] = (uint8_t)s->to;
}

/*
 * From row `from` on: where each row's states stand in the endpoints'
 * paths, the one state a row passed through unseen (its via), and the
 * lines the rows take (a row with a via takes two).
 */
static void
rows_settle(struct rows *r, size_t from)
{
	struct rows_row *row;
	const uint8_t *before;
	unsigned p, q;
	uint32_t line;
	size_t k;
	int s;

	for (k = from; k < r->n; k++) {
		row = &r->v[k];
		before = k > 0 ? r->v[k - 1].st : r->init;
		for (s = 0; s < 2; s++) {
			p = k > 0 ? r->v[k - 1].pos[s] : 0;
			row->via[s] = ROWS_NO_VIA;
			row->pos[s] = (uint8_t)p;
			if (row->st[s] == before[s] || p >= r->npath[s] ||
			    r->path[s][p] != before[s])
				continue;
			for (q = p + 1; q < r->npath[s] &&
			    r->path[s][q] != row->st[s]; q++)
				;
			if (q == r->npath[s])
				continue;	/* not on its path: no guess */
			row->pos[s] = (uint8_t)q;
			if (q >= p + 2)
				row->via[s] = r->path[s][q - 1];
		}
		line = k > 0 ? r->v[k - 1].line + 1 +
		    (r->v[k - 1].via[0] != ROWS_NO_VIA ||
		    r->v[k - 1].via[1] != ROWS_NO_VIA) : 0;
		row->line = line + (row->gap ? 1 : 0);
	}
	if (r->n > 0) {
		row = &r->v[r->n - 1];
		r->lines = row->line + 1 + (row->via[0] != ROWS_NO_VIA ||
		    row->via[1] != ROWS_NO_VIA);
	}
	r->dirty = r->n;
}

size_t
rows_update(struct rows *r, const struct timeline *tl)
{
	const struct ev *e;
	struct rows_row *row, *last;
	size_t before = r->n, len = timeline_len(tl), k;
	enum ev_side side;
	bool mine;

	/* What the memory cap evicted is never read.  A late state change
	 * among it (ev.h) is in the timeline's states before its oldest
	 * held step: the last row gone shows them. */
	if (r->scanned < timeline_first(tl)) {
		const struct tl_conn *c = timeline_conn_by_id(tl, r->conn);
		enum tcp_state st[2];

		k = 0;
		while (k < r->n && r->v[k].ev < timeline_first(tl))
			k++;
		if (c != NULL && k > 0 && c->info.proto == 6) {
			timeline_states_before(c, 0, st);
			r->v[k - 1].st[0] = (uint8_t)st[0];
			r->v[k - 1].st[1] = (uint8_t)st[1];
		}
		r->scanned = timeline_first(tl);
	}
	for (; r->scanned < len; r->scanned++) {
		e = timeline_at(tl, r->scanned);
		mine = e->conn != NULL && e->conn->id == r->conn;
		if (e->conn == NULL && (e->type == EV_CALL ||
		    e->type == EV_WARNING))
			mine = true;
		if (!mine)
			continue;
		/* A server first guessed LISTEN that answered the SYN with
		 * RST was never listening (ev.h conn_info.init). */
		if (e->type != EV_CONN && e->conn != NULL &&
		    e->conn->proto == 6)
			rows_fix_init(r, e->conn);
		switch (e->type) {
		case EV_CONN:
			/* Rows before it are calls and warnings no conn
			 * claimed (ev.h: a conn event comes first): they
			 * show the states before its first packet too. */
			r->init[0] = (uint8_t)e->conn->init[0];
			r->init[1] = (uint8_t)e->conn->init[1];
			r->path[0][0] = r->init[0];
			r->path[1][0] = r->init[1];
			r->npath[0] = r->npath[1] = 1;
			r->dirty = 0;
			for (k = 0; k < r->n; k++) {
				r->v[k].st[0] = r->init[0];
				r->v[k].st[1] = r->init[1];
			}
			break;
		case EV_PACKET:
			side = e->u.pkt.dir == EV_C2S ? EV_CLIENT : EV_SERVER;
			last = r->n > 0 ? &r->v[r->n - 1] : NULL;
			/* A call waiting for its segment: they share a row. */
			if (last != NULL && last->kind == ROWS_CALL &&
			    last->side == side && last->call < 0 &&
			    e->ts_ns - r->last_ts <= ROWS_GAP_NS) {
				row = last;
				row->call = (int64_t)row->ev;
				row->ev = r->scanned;
				row->kind = ROWS_PKT;
				r->last_ts = e->ts_ns;
			} else
				row = rows_add(r, e, r->scanned,
				    ROWS_PKT, side);
			if (e->conn->proto == 6) {
				row->st[0] = (uint8_t)e->u.pkt.st_after[0];
				row->st[1] = (uint8_t)e->u.pkt.st_after[1];
			}
			break;
		case EV_ICMP:
			rows_add(r, e, r->scanned, ROWS_ICMP,
			    rows_icmp_side(r, tl, e));
			break;
		case EV_CALL:
			rows_add(r, e, r->scanned, ROWS_CALL,
			    e->u.call.side);
			break;
		case EV_WARNING:
			rows_add(r, e, r->scanned, ROWS_WARN,
			    EV_CLIENT);
			break;
		case EV_STATE:
			rows_path_add(r, &e->u.state);
			rows_late_state(r, tl, &e->u.state);
			break;
		case EV_KSTATE:
			/* A discreet line only where a read found the
			 * kernel and the wire apart (a traced change of a
			 * sender comes microseconds before its packet). */
			if (e->u.kstate.state != e->u.kstate.wire &&
			    e->u.kstate.source == KSTATE_DIAG)
				rows_add(r, e, r->scanned, ROWS_KSTATE,
				    e->u.kstate.endpoint);
			break;
		default:
			break;
		}
	}
	if (r->dirty > before)
		r->dirty = before;
	rows_settle(r, r->dirty);
	return r->n - before;
}

size_t
rows_trim(struct rows *r, size_t first, uint32_t *lines)
{
	size_t k = 0, i;
	uint32_t base;

	*lines = 0;
	while (k < r->n && r->v[k].ev < first)
		k++;
	if (k == 0 && (r->n == 0 || r->v[0].call < 0 ||
	    (size_t)r->v[0].call >= first))
		return 0;
	if (k > 0) {
		/* The states before the first row left are the last gone. */
		r->init[0] = r->v[k - 1].st[0];
		r->init[1] = r->v[k - 1].st[1];
	}
	if (k == r->n) {
		*lines = r->lines;
		r->n = 0;
		r->lines = 0;
		r->dirty = 0;
		return k;
	}
	memmove(r->v, r->v + k, (r->n - k) * sizeof *r->v);
	r->n -= k;
	/* Only the first row left can name a call before it. */
	if (r->v[0].call >= 0 && (size_t)r->v[0].call < first)
		r->v[0].call = -1;
	r->v[0].gap = false;
	base = r->v[0].line;
	for (i = 0; i < r->n; i++)
		r->v[i].line -= base;
	r->lines -= base;
	r->dirty = r->n;
	*lines = base;
	return k;
}

long
rows_at_line(const struct rows *r, uint32_t line)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->v[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n && r->v[lo].line == line)
		return (long)lo;
	return -1;
}
