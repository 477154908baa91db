/* SPDX-License-Identifier: ISC */
/* The UI's rows and the diagram's rows agree (rows_agree.h). */

#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diagram.h"
#include "rows_agree.h"

static int
rows_agree_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* The states a diagram row shows after it (each endpoint's last). */
static void
rows_agree_shown(const struct diagram_row *dr, enum tcp_state st[2])
{
	int s;

	for (s = 0; s < 2; s++)
		if (dr->nst[s] > 0)
			st[s] = dr->st[s][dr->nst[s] - 1];
}

static int
rows_agree_rows(const struct timeline *tl, const struct diagram *d,
    const struct rows *r, char *why, size_t len, size_t *shared,
    size_t *nrows)
{
	const struct rows_row *rw;
	const struct diagram_row *dr;
	const struct ev *ev;
	struct ev evb;
	enum tcp_state st[2];
	size_t i, j, n;
	int want;
	uint32_t id = d->id;

	if (r->init[0] != d->init[0] || r->init[1] != d->init[1])
		return rows_agree_fail(why, len, "conn %" PRIu32 ": states "
		    "before the first row %s %s, the UI's %s %s", id,
		    tcp_state_name(d->init[0]), tcp_state_name(d->init[1]),
		    tcp_state_name(r->init[0]), tcp_state_name(r->init[1]));
	st[0] = d->init[0];
	st[1] = d->init[1];
	for (i = j = 0; i < r->n; i++) {
		rw = &r->v[i];
		/* The kernel's own state (demo, run): a line of the UI's
		 * only; the diagrams draw the wire. */
		if (rw->kind == ROWS_KSTATE)
			continue;
		for (; j < d->nrows && d->rows[j].kind == DIAGRAM_STATE; j++)
			rows_agree_shown(&d->rows[j], st);
		if (j == d->nrows)
			return rows_agree_fail(why, len, "conn %" PRIu32 ": "
			    "%zu rows, the diagram has fewer", id, r->n);
		dr = &d->rows[j++];
		(*nrows)++;
		want = rw->kind == ROWS_PKT ? DIAGRAM_MSG :
		    rw->kind == ROWS_ICMP ? DIAGRAM_ICMP :
		    rw->kind == ROWS_CALL ? DIAGRAM_CALL : DIAGRAM_NOTE;
		if ((int)dr->kind != want)
			return rows_agree_fail(why, len, "conn %" PRIu32
			    " row %zu: kind %d, the UI's %d", id, i,
			    (int)dr->kind, (int)rw->kind);
		if (dr->ev != rw->ev)
			return rows_agree_fail(why, len, "conn %" PRIu32
			    " row %zu: step %zu, the UI's %zu", id, i,
			    dr->ev, rw->ev);
		if (rw->kind != ROWS_WARN && dr->from != rw->side)
			return rows_agree_fail(why, len, "conn %" PRIu32
			    " row %zu: side %d, the UI's %d", id, i,
			    (int)dr->from, (int)rw->side);
		/* The call on the row: the same, or none in both. */
		if (dr->call_ev != rw->call || (dr->call[0] != '\0') !=
		    (rw->call >= 0))
			return rows_agree_fail(why, len, "conn %" PRIu32
			    " row %zu: call %" PRId64 " \"%s\", the UI's %"
			    PRId64, id, i, dr->call_ev, dr->call, rw->call);
		if (rw->call >= 0) {
			ev = timeline_get(tl, (size_t)rw->call, &evb);
			n = ev != NULL ? strlen(ev->u.call.name) : 0;
			if (ev == NULL || ev->type != EV_CALL ||
			    ev->u.call.side != (enum ev_side)rw->side ||
			    strncmp(dr->call, ev->u.call.name, n) != 0 ||
			    dr->call[n] != '(')
				return rows_agree_fail(why, len, "conn %"
				    PRIu32 " row %zu: \"%s\" is not the call "
				    "of step %" PRId64 " on that side", id, i,
				    dr->call, rw->call);
			(*shared)++;
		}
		if ((ev = timeline_get(tl, rw->ev, &evb)) == NULL)
			return rows_agree_fail(why, len, "conn %" PRIu32
			    " row %zu: step %zu is gone", id, i, rw->ev);
		if ((rw->kind == ROWS_PKT && dr->frame != ev->u.pkt.frame) ||
		    (rw->kind == ROWS_ICMP && dr->frame != ev->u.icmp.frame))
			return rows_agree_fail(why, len, "conn %" PRIu32
			    " row %zu: frame %" PRIu64, id, i, dr->frame);
		rows_agree_shown(dr, st);
		for (; j < d->nrows && d->rows[j].kind == DIAGRAM_STATE &&
		    d->rows[j].frame == dr->frame && dr->frame != 0; j++)
			rows_agree_shown(&d->rows[j], st);
		if (d->tcp && rw->kind == ROWS_PKT && (st[0] != rw->st[0] ||
		    st[1] != rw->st[1]))
			return rows_agree_fail(why, len, "conn %" PRIu32
			    " row %zu (frame %" PRIu64 "): %s %s, the UI's "
			    "%s %s", id, i, dr->frame, tcp_state_name(st[0]),
			    tcp_state_name(st[1]), tcp_state_name(rw->st[0]),
			    tcp_state_name(rw->st[1]));
	}
	for (; j < d->nrows; j++)
		if (d->rows[j].kind != DIAGRAM_STATE)
			return rows_agree_fail(why, len, "conn %" PRIu32
			    ": diagram row %zu (%s) the UI has not", id, j,
			    d->rows[j].label);
	return 0;
}

int
rows_agree_conn(const struct timeline *tl, const struct tl_conn *c,
    const struct rows *r, char *why, size_t len, size_t *shared,
    size_t *nrows)
{
	struct diagram d;
	size_t s = 0, n = 0;
	int rc;

	diagram_build(&d, tl, c);
	rc = rows_agree_rows(tl, &d, r, why, len, shared ? shared : &s,
	    nrows ? nrows : &n);
	diagram_clear(&d);
	return rc;
}

int
rows_agree_all(const struct timeline *tl, char *why, size_t len,
    size_t *shared, size_t *nrows)
{
	const struct tl_conn *c;
	struct rows r;
	size_t k;
	int rc = 0;

	for (k = 0; k < timeline_conns_held(tl) && rc == 0; k++) {
		c = timeline_conn_held(tl, k);
		rows_init(&r, c->info.id);
		rows_update(&r, tl);
		rc = rows_agree_conn(tl, c, &r, why, len, shared, nrows);
		rows_clear(&r);
	}
	return rc;
}
