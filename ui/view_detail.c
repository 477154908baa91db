/* SPDX-License-Identifier: ISC */
/* The detail view (every decoded field of a step) and the narration box. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "msg_text.h"
#include "narrate.h"
#include "ui_int.h"

#define VD_KEY_W	9	/* the field-name column */

struct view_detail_out {
	const struct lay_rect *r;
	int		 y;
};

static void
view_detail_line(struct view_detail_out *o, const char *key, const char *val)
{
	const struct lay_rect *r = o->r;

	if (o->y >= r->y + r->h)
		return;
	attrset(theme_attr(TH_KEY));
	ui_put(o->y, r->x + 1, VD_KEY_W, key);
	attrset(A_NORMAL);
	ui_put(o->y, r->x + 1 + VD_KEY_W, r->w - 2 - VD_KEY_W, val);
	o->y++;
}

static void
view_detail_time(char *buf, size_t len, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";

	if (ns < 0)
		ns = -ns;
	snprintf(buf, len, "%s%" PRId64 ".%06" PRId64 " s", sign,
	    ns / 1000000000, (ns % 1000000000) / 1000);
}

static void
view_detail_opts(const struct tcp_opts *t, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

#define VD_ADD(...) do {						\
	if (used < len)							\
		used += (size_t)snprintf(buf + used, len - used,	\
		    __VA_ARGS__);					\
} while (0)
	buf[0] = '\0';
	if (t->present & TCPOPT_F_MSS)
		VD_ADD("%smss %u", used ? ", " : "", t->mss);
	if (t->present & TCPOPT_F_SACK_PERM)
		VD_ADD("%ssackOK", used ? ", " : "");
	if (t->present & TCPOPT_F_SACK)
		VD_ADD(P_("%ssack %u block", "%ssack %u blocks", t->nsack),
		    used ? ", " : "", t->nsack);
	if (t->present & TCPOPT_F_TS)
		VD_ADD("%sTS val %" PRIu32 " ecr %" PRIu32, used ? ", " : "",
		    t->ts_val, t->ts_ecr);
	if (t->present & TCPOPT_F_WSCALE)
		VD_ADD("%swscale %u", used ? ", " : "", t->wscale);
	if (t->present & TCPOPT_F_TFO)
		VD_ADD("%stfo %s", used ? ", " : "", t->tfo_len == 0 ?
		    _("cookie request") : _("cookie"));
	if (t->present & TCPOPT_F_MPTCP)
		VD_ADD("%smptcp", used ? ", " : "");
	if (t->present & TCPOPT_F_MD5)
		VD_ADD("%smd5", used ? ", " : "");
	if (t->present & TCPOPT_F_AO)
		VD_ADD("%stcp-ao", used ? ", " : "");
	for (i = 0; i < t->nunknown && i < TCPOPT_MAX_UNKNOWN; i++)
		VD_ADD("%skind %u", used ? ", " : "", t->unknown[i]);
	if (t->present & TCPOPT_F_MALFORMED)
		VD_ADD("%s%s", used ? ", " : "", _("malformed"));
	if (used == 0)
		VD_ADD("%s", _("none"));
#undef VD_ADD
}

static void
view_detail_packet(struct ui *ui, struct view_detail_out *o,
    const struct rows_row *row, const struct ev *e)
{
	struct ev evb;
	const struct ev_packet *p = &e->u.pkt;
	struct ui_change ch[8];
	char buf[256], t[32];
	size_t used, j, nch;
	unsigned i;

	if (e->conn->proto == 6) {
		used = 0;
		for (i = 0; ev_flag_name(i) != NULL; i++) {
			if (p->flags & (1U << i))
				used += (size_t)snprintf(buf + used,
				    sizeof buf - used, "%s ", ev_flag_name(i));
		}
		snprintf(buf + used, sizeof buf - used, "(0x%03x)", p->flags);
		view_detail_line(o, _("Flags"), buf);
		snprintf(buf, sizeof buf, _("%" PRIu32 " (absolute %" PRIu32
		    ")"), p->rseq, p->seq);
		view_detail_line(o, _("Seq"), buf);
		if (p->flags & TCP_ACK)
			snprintf(buf, sizeof buf, _("%" PRIu32 " (absolute %"
			    PRIu32 ")"), p->rack, p->ack);
		else
			snprintf(buf, sizeof buf, "%s", _("- (no ACK flag)"));
		view_detail_line(o, _("Ack"), buf);
		snprintf(buf, sizeof buf, "%" PRIu32, p->win);
		view_detail_line(o, _("Window"), buf);
	}
	/* What of it was captured is the payload's line. */
	snprintf(buf, sizeof buf, P_("%" PRIu32 " byte of payload",
	    "%" PRIu32 " bytes of payload", p->len), p->len);
	view_detail_line(o, _("Length"), buf);
	if (e->conn->proto == 6) {
		view_detail_opts(&p->opt, buf, sizeof buf);
		view_detail_line(o, _("Options"), buf);
	} else if (p->reply_to != 0) {
		snprintf(buf, sizeof buf, _("a reply to frame %" PRIu64),
		    p->reply_to);
		view_detail_line(o, _("Reply"), buf);
	}
	used = 0;
	buf[0] = '\0';
	for (i = 0; i < AN_COUNT; i++) {
		if ((p->analysis & (1U << i)) && used < sizeof buf)
			used += (size_t)snprintf(buf + used, sizeof buf - used,
			    "%s%s", used ? ", " : "",
			    ev_analysis_name(1U << i));
	}
	view_detail_line(o, _("Notes"), used ? buf : _("none"));
	if (ui->sel > 0 && row == &ui->rows.v[ui->sel]) {
		view_detail_time(t, sizeof t, e->ts_ns - timeline_get(ui->tl, ui->rows.v[ui->sel - 1].ev, &evb)->ts_ns);
		snprintf(buf, sizeof buf, _("+%s since the step before"), t);
	} else
		snprintf(buf, sizeof buf, "%s", _("the first step"));
	view_detail_line(o, _("Time"), buf);
	if (e->conn->proto != 6)
		return;
	used = 0;
	buf[0] = '\0';
	nch = ui_changes(ui, (size_t)(row - ui->rows.v), ch, 8);
	for (j = 0; j < nch && used < sizeof buf; j++)
		used += (size_t)snprintf(buf + used, sizeof buf - used,
		    "%s%s %s %s %s", used ? "; " : "",
		    ch[j].side == EV_CLIENT ? _("client") : _("server"),
		    tcp_state_name(ch[j].from), ui->g->to,
		    tcp_state_name(ch[j].to));
	view_detail_line(o, _("States"), used ? buf : _("no change"));
}

/*
 * The payload as the timeline keeps it, in hex and text, from the left
 * edge: 16 bytes a line where they fit, else 8.  What the rectangle
 * cannot hold is counted on its last line, not dropped in silence.
 */
static void
view_detail_payload(struct view_detail_out *o, const struct ev_packet *p)
{
	const struct lay_rect *r = o->r;
	char buf[160];
	size_t per, off;

	if (p->len == 0)
		return;
	if (p->payunread)
		/* TRANSLATORS: the UI reads a replayed file's payload bytes
		   again when they are shown; the file changed since. */
		snprintf(buf, sizeof buf, P_("%" PRIu32 " byte, could not be "
		    "read again (the file changed?)", "%" PRIu32 " bytes, could "
		    "not be read again (the file changed?)", p->len), p->len);
	else if (p->paygone)
		/* TRANSLATORS: the UI kept a copy of the payload and let it
		   go to stay under its memory budget. */
		snprintf(buf, sizeof buf, P_("%" PRIu32 " byte, no longer held "
		    "(memory budget)", "%" PRIu32 " bytes, no longer held "
		    "(memory budget)", p->len), p->len);
	else if (p->paycap == 0)
		snprintf(buf, sizeof buf, P_("%" PRIu32 " byte, not captured",
		    "%" PRIu32 " bytes, not captured", p->len), p->len);
	else if (p->paycap < p->len)
		snprintf(buf, sizeof buf, P_("the first %" PRIu32 " of %"
		    PRIu32 " byte", "the first %" PRIu32 " of %" PRIu32
		    " bytes", p->len), p->paycap, p->len);
	else
		snprintf(buf, sizeof buf, P_("%" PRIu32 " byte", "%" PRIu32
		    " bytes", p->len), p->len);
	view_detail_line(o, _("Payload"), buf);
	per = r->w - 2 >= 5 + 16 * 3 + 2 + 16 ? 16 : 8;
	for (off = 0; off < p->paycap && o->y < r->y + r->h; off += per) {
		if (o->y + 1 == r->y + r->h && off + per < p->paycap) {
			snprintf(buf, sizeof buf, P_("... %" PRIu32 " more "
			    "byte (a taller terminal shows it)", "... %" PRIu32
			    " more bytes (a taller terminal shows them)",
			    p->paycap - (uint32_t)off),
			    p->paycap - (uint32_t)off);
			attrset(theme_attr(TH_DIM));
		} else
			ev_payload_hexline(p->payload, p->paycap, off, per,
			    buf, sizeof buf);
		ui_put(o->y++, r->x + 1, r->w - 2, buf);
		attrset(A_NORMAL);
	}
}

static void
view_detail_draw(struct ui *ui, const struct lay_rect *r)
{
	struct ev evb, cevb;
	const struct rows_row *row = ui_row(ui);
	struct view_detail_out o = { r, r->y };
	const struct ev *e, *c;
	char buf[256], a[64];

	if (row == NULL) {
		ui_put(r->y + 1, r->x + 1, r->w - 2, _("No step to show."));
		return;
	}
	e = timeline_get_payload(ui->tl, row->ev, &evb);
	attrset(A_BOLD);
	switch (row->kind) {
	case ROWS_PKT:
		snprintf(buf, sizeof buf, _("Step %zu of %zu %s frame %" PRIu64
		    " %s %s"), ui->sel + 1, ui->rows.n, ui->g->sep,
		    e->u.pkt.frame, ui->g->sep, e->u.pkt.dir == EV_C2S ?
		    _("client to server") : _("server to client"));
		break;
	case ROWS_ICMP:
		snprintf(buf, sizeof buf, _("Step %zu of %zu %s frame %" PRIu64
		    " %s ICMP error"), ui->sel + 1, ui->rows.n, ui->g->sep,
		    e->u.icmp.frame, ui->g->sep);
		break;
	default:
		snprintf(buf, sizeof buf, _("Step %zu of %zu"), ui->sel + 1,
		    ui->rows.n);
		break;
	}
	ui_put(o.y++, r->x + 1, r->w - 2, buf);
	attrset(A_NORMAL);
	if (row->call >= 0 || row->kind == ROWS_CALL) {
		c = timeline_get(ui->tl, row->call >= 0 ? (size_t)row->call :
		    row->ev, &cevb);
		snprintf(buf, sizeof buf, "%s %s(%s) = %" PRId64 "%s%s",
		    c->u.call.side == EV_CLIENT ? _("client") : _("server"),
		    c->u.call.name, c->u.call.args, c->u.call.ret,
		    c->u.call.err ? " " : "", c->u.call.err ?
		    ev_errno_name(c->u.call.err) : "");
		view_detail_line(&o, _("Call"), buf);
		if (c->u.call.kstate != 0 && c->u.call.kstate <= TCP_ST_COUNT) {
			/* TRANSLATORS: the kernel's own state of the call's
			   socket (a state name, kept as is), read with
			   TCP_INFO as the call returned. */
			snprintf(buf, sizeof buf, _("%s (TCP_INFO, as the "
			    "call returned)"),
			    tcp_state_name(c->u.call.kstate - 1));
			view_detail_line(&o, _("Kernel"), buf);
		}
	}
	switch (row->kind) {
	case ROWS_PKT:
		view_detail_packet(ui, &o, row, e);
		view_detail_payload(&o, &e->u.pkt);
		break;
	case ROWS_ICMP:
		pkt_addr_str(&e->u.icmp.src, a, sizeof a);
		snprintf(buf, sizeof buf, _("%s (type %u code %u)"),
		    _(ev_icmp_desc(e->u.icmp.family, e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code)), e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code);
		view_detail_line(&o, _("ICMP"), buf);
		view_detail_line(&o, _("From"), a);
		if (e->u.icmp.cause != 0) {
			snprintf(buf, sizeof buf, _("frame %" PRIu64),
			    e->u.icmp.cause);
			view_detail_line(&o, _("Answers"), buf);
		}
		break;
	case ROWS_WARN:
		view_detail_line(&o, _("Warning"), msg_text(e->u.warn.msg,
		    true, buf, sizeof buf));
		break;
	case ROWS_KSTATE:
		/* TRANSLATORS: endpoint, the kernel's state, the packets'. */
		snprintf(buf, sizeof buf, _("%s %s; the packets show %s"),
		    e->u.kstate.endpoint == EV_CLIENT ? _("client") :
		    _("server"), tcp_state_name(e->u.kstate.state),
		    tcp_state_name(e->u.kstate.wire));
		view_detail_line(&o, _("Kernel"), buf);
		break;
	default:
		break;
	}
}

/* "2 · SYN-ACK server → client" */
static void
view_detail_title(struct ui *ui, const struct rows_row *row, char *buf,
    size_t len)
{
	struct ev evb;
	const struct ev *e = timeline_get(ui->tl, row->ev, &evb);
	char fl[48];

	switch (row->kind) {
	case ROWS_PKT:
		if (e->conn->proto == 6)
			ev_flags_label(e->u.pkt.flags, fl, sizeof fl);
		else
			snprintf(fl, sizeof fl, "UDP");
		snprintf(buf, len, "%zu %s %s %s %s %s", ui->sel + 1,
		    ui->g->sep, fl, e->u.pkt.dir == EV_C2S ? _("client") :
		    _("server"), ui->g->to, e->u.pkt.dir == EV_C2S ?
		    _("server") : _("client"));
		break;
	case ROWS_ICMP:
		snprintf(buf, len, "%zu %s ICMP %s", ui->sel + 1, ui->g->sep,
		    _(ev_icmp_desc(e->u.icmp.family, e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code)));
		break;
	case ROWS_CALL:
		snprintf(buf, len, "%zu %s %s %s()", ui->sel + 1, ui->g->sep,
		    e->u.call.side == EV_CLIENT ? _("client") : _("server"),
		    e->u.call.name);
		break;
	case ROWS_KSTATE:
		snprintf(buf, len, "%zu %s %s %s %s", ui->sel + 1, ui->g->sep,
		    _("kernel"), e->u.kstate.endpoint == EV_CLIENT ?
		    _("client") : _("server"),
		    tcp_state_name(e->u.kstate.state));
		break;
	default:
		snprintf(buf, len, "%zu %s %s", ui->sel + 1, ui->g->sep,
		    _("warning"));
		break;
	}
}

/* The narration of what is selected, and the title of its box. */
static void
view_detail_narration_text(struct ui *ui, char *text, size_t tlen,
    char *title, size_t len)
{
	const struct rows_row *row = ui_row(ui);
	size_t used = 0;

	text[0] = '\0';
	title[0] = '\0';
	if (ui->view == UI_VIEW_CONNS) {
		const struct tl_conn *c = timeline_conn(ui->tl, ui->conns_sel);

		if (c != NULL && c->nsteps > 0)
			narrate_event(ui->tl, c->over ? c->last :
			    timeline_conn_steps(ui->tl, c)[0], text, tlen);
		snprintf(title, len, _("conversation %zu"),
		    ui->conns_sel + 1);
	} else if (row != NULL) {
		if (row->call >= 0)
			used = narrate_event(ui->tl, (size_t)row->call, text,
			    tlen);
		/* Sentences part with a space, but not after a wide
		 * full stop (Chinese: "。"). */
		if (used > 0 && used + 1 < tlen &&
		    (unsigned char)text[used - 1] < 0x80)
			text[used++] = ' ';
		narrate_event(ui->tl, row->ev, text + used, tlen - used);
		view_detail_title(ui, row, title, len);
	} else if (ui_dropped(ui) > 0)
		snprintf(text, tlen, P_("This conversation's %zu event "
		    "was dropped to stay under the memory cap (see the title "
		    "bar).", "This conversation's %zu events were dropped to "
		    "stay under the memory cap (see the title bar).",
		    ui_dropped(ui)), ui_dropped(ui));
	else
		snprintf(text, tlen, "%s", _("Nothing has happened yet."));
}

int
view_detail_narration_lines(struct ui *ui, int width)
{
	char text[2 * NARRATE_MAX], title[192];

	view_detail_narration_text(ui, text, sizeof text, title, sizeof title);
	return (int)lay_wrap(text, width - 4, NULL, 0);
}

void
view_detail_narration(struct ui *ui, const struct lay_rect *r)
{
	const char *held = NULL;
	char text[2 * NARRATE_MAX], title[192];
	struct lay_span sp[32];
	size_t n, i, max = (size_t)(r->h - 2);
	int w = r->w - 4;

	if (ui->feed != NULL && ui->feed->held != NULL && ui->follow)
		held = ui->feed->held(ui->feed->arg);
	view_detail_narration_text(ui, text, sizeof text, title, sizeof title);
	if (held != NULL)
		snprintf(title, sizeof title, _("%s (Enter)"), held);
	if (ui->feed != NULL && ui->feed->note != NULL &&
	    ui->view != UI_VIEW_CONNS &&
	    (held = ui->feed->note(ui->feed->karg)) != NULL) {
		/* A question in place of the narration: it would tell. */
		snprintf(text, sizeof text, "%s", held);
		/* TRANSLATORS: the narration box's title while the quiz
		   asks. */
		snprintf(title, sizeof title, "%s", _("quiz"));
		held = NULL;
	}
	ui_frame(r, title);
	if (held != NULL) {
		/* The title and its two spaces, as ui_frame() clipped it. */
		int tw = lay_width(title, strlen(title)) + 2;

		mvchgat(r->y, r->x + 2, tw < r->w - 4 ? tw : r->w - 4,
		    A_REVERSE | A_BOLD, 0, NULL);
	}
	if (max > sizeof sp / sizeof sp[0])
		max = sizeof sp / sizeof sp[0];
	n = lay_wrap(text, w, sp, max);
	for (i = 0; i < n && i < max; i++) {
		if (i + 1 == max && n > max) {
			/* No room left on the screen: say that there is
			 * more than fits (ui_put() ends it in "…"). */
			ui_put(r->y + 1 + (int)i, r->x + 2, w,
			    text + sp[i].off);
			break;
		}
		mvaddnstr(r->y + 1 + (int)i, r->x + 2, text + sp[i].off,
		    (int)sp[i].len);
	}
}

const struct ui_view view_detail = {
	.name = "detail",
	.draw = view_detail_draw,
	.key = NULL,
	.resize = NULL,
};
