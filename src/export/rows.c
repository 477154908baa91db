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
	struct ev evb;
	const struct ev *pe;
	size_t k, n = 0;

	for (k = r->n; e->u.icmp.cause != 0 && k > 0 && n < ROWS_ICMP_BACK;
	    k--, n++) {
		if (r->v[k - 1].kind != ROWS_PKT)
			continue;
		pe = timeline_get(tl, r->v[k - 1].ev, &evb);
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
		r->dirty = 0;
		for (k = 0; k < r->n && r->v[k].st[side] == TCP_ST_LISTEN; k++)
			r->v[k].st[side] = TCP_ST_CLOSED;
	}
}

/*
 * A row's states from its step: a segment's are the timeline's (its
 * changes folded in), and where an endpoint changed twice within it
 * (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT on one FIN-ACK) the state it
 * passed through is its via.  Other rows keep the states before them.
 */
static void
rows_states(struct rows *r, const struct timeline *tl, size_t k)
{
	struct rows_row *row = &r->v[k];
	struct ev_state chg[ROWS_PATH];
	struct ev evb;
	const struct ev *e;
	size_t n, j;
	int s, seen[2] = { 0, 0 };

	row->via[0] = row->via[1] = ROWS_NO_VIA;
	if (row->kind != ROWS_PKT) {
		row->st[0] = k > 0 ? r->v[k - 1].st[0] : r->init[0];
		row->st[1] = k > 0 ? r->v[k - 1].st[1] : r->init[1];
		return;
	}
	if ((e = timeline_get(tl, row->ev, &evb)) == NULL ||
	    e->conn == NULL || e->conn->proto != 6)
		return;
	row->st[0] = (uint8_t)e->u.pkt.st_after[0];
	row->st[1] = (uint8_t)e->u.pkt.st_after[1];
	n = timeline_changes(tl, row->ev, chg, ROWS_PATH);
	if (n > ROWS_PATH)
		n = ROWS_PATH;
	/* The changes of a side, in order: all but its last are passed. */
	for (j = 0; j < n; j++) {
		s = chg[j].endpoint == EV_CLIENT ? 0 : 1;
		if (seen[s]++ > 0)
			row->via[s] = (uint8_t)chg[j].from;
	}
}

/* The lines the rows take from row `from` on (a row with a via takes
 * two). */
static void
rows_settle(struct rows *r, size_t from)
{
	struct rows_row *row;
	uint32_t line;
	size_t k;

	for (k = from; k < r->n; k++) {
		row = &r->v[k];
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

/* The first row at or after timeline index i. */
static size_t
rows_find(const struct rows *r, size_t i)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->v[mid].ev < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The conn's steps changed after the rows read them (ev.h: a change
 * decided by later evidence): the rows from where such a change can land
 * on read their states again.
 */
static void
rows_late(struct rows *r, const struct timeline *tl, const struct tl_conn *c)
{
	size_t at, k;

	if (c->nmods != r->nmods && r->n > 0) {
		/* r->nsteps and k count the conn's evicted steps too. */
		k = r->nsteps > TL_LATE_REACH ? r->nsteps - TL_LATE_REACH : 0;
		if (k < c->nevicted)
			at = 0;
		else if (k - c->nevicted < c->nsteps)
			at = rows_find(r,
			    timeline_conn_steps(tl, c)[k - c->nevicted]);
		else
			at = r->n;
		for (k = at; k < r->n; k++)
			rows_states(r, tl, k);
		if (at < r->dirty)
			r->dirty = at;
	}
	r->nmods = c->nmods;
	r->nsteps = c->nevicted + c->nsteps;
}

size_t
rows_update(struct rows *r, const struct timeline *tl)
{
	struct ev evb;
	const struct ev *e;
	const struct tl_conn *c;
	struct rows_row *row, *last;
	const size_t *loose, *steps = NULL;
	size_t before = r->n, len = timeline_len(tl), k, ci, li, nloose;
	enum ev_side side;
	bool mine;

	/* What the memory cap evicted is never read.  A late state change
	 * among it (ev.h) is in the timeline's states before its oldest
	 * held step: the last row gone shows them. */
	if (r->scanned < timeline_first(tl)) {
		enum tcp_state st[2];

		c = timeline_conn_by_id(tl, r->conn);
		k = 0;
		while (k < r->n && r->v[k].ev < timeline_first(tl))
			k++;
		if (c != NULL && k > 0 && c->info.proto == 6) {
			timeline_states_before(tl, c, 0, st);
			r->v[k - 1].st[0] = (uint8_t)st[0];
			r->v[k - 1].st[1] = (uint8_t)st[1];
		}
		r->scanned = timeline_first(tl);
	}
	/* The conn's steps and those of no conn, merged in order. */
	c = timeline_conn_by_id(tl, r->conn);
	loose = timeline_loose(tl, &nloose);
	if (c != NULL) {
		steps = timeline_conn_steps(tl, c);
		ci = timeline_conn_step(tl, c, r->scanned);
	} else
		ci = 0;
	for (li = 0; li < nloose && loose[li] < r->scanned; li++)
		;
	for (;;) {
		if (c != NULL && ci < c->nsteps && (li == nloose ||
		    steps[ci] < loose[li]))
			k = steps[ci++];
		else if (li < nloose)
			k = loose[li++];
		else
			break;
		if ((e = timeline_get(tl, k, &evb)) == NULL)
			continue;
		r->scanned = k;
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
			rows_states(r, tl, (size_t)(row - r->v));
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
			/* A change no segment in reach took: a step of its
			 * own, later than the rows before it, which do not
			 * show it; the rows after it do (their steps' states
			 * have it). */
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
	r->scanned = len;
	if (c != NULL)
		rows_late(r, tl, c);
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
