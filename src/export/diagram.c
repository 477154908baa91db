/* SPDX-License-Identifier: ISC */
/* The rows of a conn's ladder diagram, read from the timeline. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagram.h"
#include "i18n.h"
#include "msg_text.h"
#include "out.h"
#include "rows.h"
#include "u8.h"
#include "xmalloc.h"

#define DIAGRAM_RETRANS	(AN_RETRANSMISSION | AN_FAST_RETRANSMISSION | \
			 AN_SPURIOUS_RETRANSMISSION)

static struct diagram_row *
diagram_add(struct diagram *d, enum diagram_kind kind, size_t ev,
    int64_t rel, uint64_t frame, enum ev_side from)
{
	struct diagram_row *r;

	if (d->nrows == d->caprows) {
		d->caprows = d->caprows ? d->caprows * 2 : 32;
		d->rows = xreallocarray(d->rows, d->caprows, sizeof *d->rows);
	}
	r = &d->rows[d->nrows++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->ev = ev;
	r->call_ev = -1;
	r->rel_ns = rel;
	r->frame = frame;
	r->from = from;
	return r;
}

static void
diagram_notes(struct diagram_row *r, uint32_t an)
{
	size_t used = 0;
	unsigned i;
	int n;

	for (i = 0; i < AN_COUNT; i++) {
		if (!(an & (1U << i)) || used >= sizeof r->notes)
			continue;
		n = snprintf(r->notes + used, sizeof r->notes - used, "%s%s",
		    used > 0 ? ", " : "", ev_analysis_name(1U << i));
		if (n > 0)
			used += (size_t)n;
	}
	r->retrans = (an & DIAGRAM_RETRANS) != 0;
	r->lost = (an & AN_NOT_PROCESSED) != 0;
}

static struct diagram_row *
diagram_packet(struct diagram *d, const struct ev *e, size_t ev, int64_t t0)
{
	const struct ev_packet *p = &e->u.pkt;
	struct diagram_row *r;
	char fl[64];
	size_t n;

	r = diagram_add(d, DIAGRAM_MSG, ev, e->ts_ns - t0, p->frame,
	    p->dir == EV_C2S ? EV_CLIENT : EV_SERVER);
	diagram_notes(r, p->analysis);
	if (!d->tcp) {
		snprintf(r->label, sizeof r->label, "UDP len=%" PRIu32, p->len);
		return r;
	}
	ev_flags_label(p->flags, fl, sizeof fl);
	r->rst = (p->flags & TCP_RST) != 0;
	n = (size_t)snprintf(r->label, sizeof r->label, "%s seq=%" PRIu32, fl,
	    p->rseq);
	if ((p->flags & TCP_ACK) && n < sizeof r->label)
		n += (size_t)snprintf(r->label + n, sizeof r->label - n,
		    " ack=%" PRIu32, p->rack);
	if (p->len > 0 && n < sizeof r->label)
		snprintf(r->label + n, sizeof r->label - n, " len=%" PRIu32,
		    p->len);
	return r;
}

static void
diagram_push_state(struct diagram *d, struct diagram_row **last,
    enum ev_side side, enum tcp_state to, size_t ev, int64_t rel,
    uint64_t frame)
{
	struct diagram_row *r = *last;

	if (r == NULL || frame == 0 || r->frame != frame ||
	    (r->kind != DIAGRAM_MSG && r->kind != DIAGRAM_STATE) ||
	    r->nst[side] == DIAGRAM_MAX_ST) {
		r = diagram_add(d, DIAGRAM_STATE, ev, rel, frame, side);
		*last = r;
	}
	r->st[side][r->nst[side]++] = to;
}

/* States the packet row left behind that no state event named. */
static void
diagram_settle(struct diagram *d, size_t row, const enum tcp_state after[2],
    enum tcp_state cur[2])
{
	struct diagram_row *r;
	enum tcp_state shown;
	size_t i;
	int s;

	if (row >= d->nrows)
		return;
	for (s = 0; s < 2; s++) {
		shown = cur[s];
		for (i = row; i < d->nrows; i++) {
			if (d->rows[i].nst[s] > 0)
				shown = d->rows[i].st[s][d->rows[i].nst[s] - 1];
		}
		r = &d->rows[row];
		if (shown != after[s] && r->nst[s] < DIAGRAM_MAX_ST)
			r->st[s][r->nst[s]++] = after[s];
		cur[s] = after[s];
	}
}

#define DIAGRAM_MAX_CHG	8	/* changes drawn per segment */

/* A socket call as the diagrams write it: "connect(10.0.0.2:80) = 0". */
static void
diagram_call_label(const struct ev *e, char *buf, size_t len)
{
	if (e->u.call.err != 0)
		snprintf(buf, len, "%s(%s) = %" PRId64 " %s", e->u.call.name,
		    e->u.call.args, e->u.call.ret,
		    ev_errno_name(e->u.call.err));
	else
		snprintf(buf, len, "%s(%s) = %" PRId64, e->u.call.name,
		    e->u.call.args, e->u.call.ret);
}

/*
 * The conn's rows are the UI's (rows.c: the same segments, calls, ICMP
 * errors on the same side, warnings, in the same order); the diagram adds
 * their labels and, per row and endpoint, the state changes in order.
 */
void
diagram_build(struct diagram *d, const struct timeline *tl,
    const struct tl_conn *c)
{
	struct ev evb, cevb;
	const struct ev *e, *ce, *first;
	const struct rows_row *rw;
	struct rows rows;
	struct diagram_row *r, *last = NULL;
	struct ev_state chg[DIAGRAM_MAX_CHG];
	enum tcp_state cur[2], after[2];
	size_t i, j, k = 0, nchg, prow;
	const size_t *steps;
	int64_t t0;
	char a[64], text[MSG_TEXT_MAX];
	int n;

	memset(d, 0, sizeof *d);
	d->id = c->info.id;
	d->tcp = c->info.proto == 6;
	d->no_socket = c->info.no_socket;
	out_endpoint(&c->info, EV_CLIENT, d->client, sizeof d->client);
	out_endpoint(&c->info, EV_SERVER, d->server, sizeof d->server);
	n = snprintf(d->title, sizeof d->title, _("conn %" PRIu32 " %s %s -> "
	    "%s"), d->id, d->tcp ? "tcp" : "udp", d->client, d->server);
	if (c->info.guessed && n > 0 && (size_t)n < sizeof d->title)
		snprintf(d->title + n, sizeof d->title - (size_t)n, "%s",
		    _(" (roles guessed)"));
	/* Before its oldest event held (the memory cap may evict some). */
	timeline_states_before(tl, c, 0, cur);
	d->init[0] = cur[0];
	d->init[1] = cur[1];
	first = timeline_get(tl, timeline_first(tl), &evb);
	t0 = first != NULL ? first->ts_ns : 0;

	rows_init(&rows, c->info.id);
	rows_update(&rows, tl);
	for (i = 0; i <= rows.n; i++) {
		rw = i < rows.n ? &rows.v[i] : NULL;
		/* A change no segment took (its segment was gone), before
		 * this row's step. */
		steps = timeline_conn_steps(tl, c);
		for (; k < c->nsteps && (rw == NULL || steps[k] < rw->ev);
		    k++) {
			e = timeline_get(tl, steps[k], &evb);
			if (e == NULL || e->type != EV_STATE)
				continue;
			diagram_push_state(d, &last, e->u.state.endpoint,
			    e->u.state.to, steps[k], e->ts_ns - t0,
			    e->u.state.frame);
			cur[e->u.state.endpoint] = e->u.state.to;
		}
		if (rw == NULL || (e = timeline_get(tl, rw->ev, &evb)) == NULL)
			continue;
		switch (rw->kind) {
		case ROWS_PKT:
			r = diagram_packet(d, e, rw->ev, t0);
			/* The call that sent it shares its row, as in the
			 * UI: beside the sender's lifeline. */
			if (rw->call >= 0 && (ce = timeline_get(tl,
			    (size_t)rw->call, &cevb)) != NULL) {
				r->call_ev = rw->call;
				diagram_call_label(ce, r->call,
				    sizeof r->call);
			}
			prow = d->nrows - 1;
			last = &d->rows[prow];
			if (!d->tcp)
				break;
			/* The changes it caused, in order, on its row; then
			 * what its states are if no change named them. */
			nchg = timeline_changes(tl, rw->ev, chg,
			    DIAGRAM_MAX_CHG);
			for (j = 0; j < nchg && j < DIAGRAM_MAX_CHG; j++)
				diagram_push_state(d, &last, chg[j].endpoint,
				    chg[j].to, rw->ev, e->ts_ns - t0,
				    e->u.pkt.frame);
			after[0] = e->u.pkt.st_after[0];
			after[1] = e->u.pkt.st_after[1];
			diagram_settle(d, prow, after, cur);
			break;
		case ROWS_ICMP:
			r = diagram_add(d, DIAGRAM_ICMP, rw->ev, e->ts_ns - t0,
			    e->u.icmp.frame, (enum ev_side)rw->side);
			pkt_addr_str(&e->u.icmp.src, a, sizeof a);
			snprintf(r->label, sizeof r->label, "ICMP%s %s",
			    e->u.icmp.family == 6 ? "v6" : "",
			    _(ev_icmp_desc(e->u.icmp.family,
			    e->u.icmp.icmp_type, e->u.icmp.icmp_code)));
			snprintf(r->notes, sizeof r->notes, _("from %s"), a);
			last = r;
			break;
		case ROWS_CALL:	/* no segment of its caller followed */
			r = diagram_add(d, DIAGRAM_CALL, rw->ev, e->ts_ns - t0,
			    0, (enum ev_side)rw->side);
			diagram_call_label(e, r->label, sizeof r->label);
			last = r;
			break;
		case ROWS_WARN:
			r = diagram_add(d, DIAGRAM_NOTE, rw->ev, e->ts_ns - t0,
			    e->u.warn.frame, EV_CLIENT);
			snprintf(r->label, sizeof r->label, _("warning: %s"),
			    msg_text(e->u.warn.msg, true, text, sizeof text));
			last = r;
			break;
		case ROWS_KSTATE:	/* the diagrams draw the wire */
			break;
		}
	}
	rows_clear(&rows);
}

void
diagram_clear(struct diagram *d)
{
	free(d->rows);
	memset(d, 0, sizeof *d);
}

size_t
diagram_select(const struct timeline *tl, uint32_t id, size_t *first)
{
	if (id == 0) {
		/* Conns before the first held went with their events. */
		*first = timeline_conn_first(tl);
		return timeline_nconns(tl) - *first;
	}
	*first = 0;
	if (timeline_conn_by_id(tl, id) == NULL)
		return 0;
	*first = id - 1;
	return 1;
}

size_t
diagram_each(const struct timeline *tl, uint32_t id, FILE *fp,
    void (*one)(FILE *, const struct diagram *))
{
	struct diagram d;
	const struct tl_conn *c;
	size_t i, n, first, drawn = 0;

	n = diagram_select(tl, id, &first);
	for (i = 0; i < n; i++) {
		if ((c = timeline_conn(tl, first + i)) == NULL)
			continue;
		diagram_build(&d, tl, c);
		if (drawn++ > 0)
			fputc('\n', fp);
		one(fp, &d);
		diagram_clear(&d);
	}
	return drawn;
}

void
diagram_time(int64_t rel, char *buf, size_t len)
{
	uint64_t u = rel < 0 ? -(uint64_t)rel : (uint64_t)rel;

	snprintf(buf, len, "%s%" PRIu64 ".%06" PRIu64, rel < 0 ? "-" : "",
	    u / 1000000000U, (u % 1000000000U) / 1000U);
}

/*
 * One decoder for all of synfin: u8.c's.  For XML, what it cannot decode
 * (its U+FFFD that was not one in the text) and the noncharacters XML
 * forbids are bad (-1).  s is NUL-terminated: the decoder stops at the
 * first byte that does not continue a character, so 4 bytes is a bound.
 */
size_t
diagram_utf8(const char *s, int32_t *cp)
{
	uint32_t u;
	size_t n = u8_decode(s, 4, &u);

	if ((u == 0xfffd && (n != 3 || memcmp(s, "\xef\xbf\xbd", 3) != 0)) ||
	    u == 0xfffe || u == 0xffff)
		*cp = -1;
	else
		*cp = (int32_t)u;
	return n > 0 ? n : 1;
}

size_t
diagram_width(const char *s)
{
	return u8_strwidth(s);
}

void
diagram_clip(const char *s, size_t cells, char *buf, size_t len)
{
	size_t used = 0, w = 0, n, cw, left = strlen(s);
	uint32_t cp;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (u8_strwidth(s) <= cells) {
		snprintf(buf, len, "%s", s);
		return;
	}
	cells = cells > 3 ? cells - 3 : 0;
	while (left > 0) {
		n = u8_decode(s, left, &cp);
		cw = (size_t)u8_cp_width(cp);
		if (w + cw > cells || used + n + 4 > len)
			break;
		memcpy(buf + used, s, n);
		used += n;
		w += cw;
		s += n;
		left -= n;
	}
	memcpy(buf + used, "...", 4);
}
