/* SPDX-License-Identifier: ISC */
/*
 * Text output: one readable line per packet, then one per conversation.
 *
 * Translated (_()): the words for people ("conn", "client", "warning:",
 * "packets", ICMP sentences, ...).  Kept in English, as tokens a reader
 * greps for and tcpdump or tshark print them: C->S / S->C, tcp / udp,
 * UDP, flag names, state names, seq= ack= win= len=, TCP option names in
 * <...>, analysis names in [...] (tshark's vocabulary, and the JSON
 * values), the completeness flags, socket-call and errno names, numbers,
 * and the punctuation that structures a line ("  | ", " -> ", the "; "
 * between a summary's fields), so a script splits it the same way in
 * every language.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "msg_text.h"
#include "obuf.h"
#include "out.h"
#include "xmalloc.h"

/*
 * A packet's line is held open (no newline yet) until the next event that
 * is not one of its state changes, so that those land on the line of the
 * packet that caused them.  Lines are appended to an obuf; the translated
 * words and formats are looked up once, when the sink is made.
 */
struct out_text {
	struct sink	sink;
	struct obuf	b;
	enum out_text_mode mode;
	bool		have_t0;
	int64_t		t0;
	bool		pending;	/* a line without its newline yet */
	uint64_t	frame;		/* of the pending line */
	int		last_side;	/* of the pending line's last state
					   change, or -1 */
	enum tcp_state	last_to;
	/* Translated once. */
	const char	*w_side[2];	/* "client", "server" */
	const char	*w_guessed;	/* "roles guessed" */
	const char	*w_evicted;
	const char	*w_bad_opts;
	const char	*w_conn_guessed; /* " (roles guessed)" */
	struct obuf_fmt	 f_sum;		/* conn ...: N packets, ... */
	struct obuf_fmt	 f_states;	/* client %s, server %s */
	struct obuf_fmt	 f_retrans;	/* N retransmissions */
	struct obuf_fmt	 f_conn;	/* conn N tcp A -> B */
	struct obuf_fmt	 f_reply;	/* reply to N */
	struct obuf_fmt	 f_shows;	/* (frame N shows it) */
};

/* Decimal digits of v (< 100000) at p; returns the end. */
static char *
out_text_dec(char *p, unsigned v)
{
	char tmp[8];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

void
out_endpoint(const struct conn_info *ci, enum ev_side side, char *buf,
    size_t len)
{
	const struct pkt_addr *a = side == EV_CLIENT ? &ci->caddr :
	    &ci->saddr;
	uint16_t port = side == EV_CLIENT ? ci->cport : ci->sport;
	char *p = buf;
	int i;

	/* IPv4 by hand: one per summary line on the hot path.  What
	 * inet_ntop() writes: four decimal bytes, no leading zeros. */
	if (a->family != 4 || len < sizeof "255.255.255.255:65535") {
		pkt_endpoint_str(a, port, buf, len);
		return;
	}
	for (i = 0; i < 4; i++) {
		p = out_text_dec(p, a->a[i]);
		*p++ = i < 3 ? '.' : ':';
	}
	p = out_text_dec(p, port);
	*p = '\0';
}

void
out_time(int64_t ns, char *buf, size_t len)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%09" PRIu64, sign, u / 1000000000U,
	    u % 1000000000U);
}

/* The translation of msgid as a compiled format; a translation whose
 * holes do not match falls back to the English. */
static void
out_text_fmt(struct obuf_fmt *f, const char *msgid, const char *kinds)
{
	if (obuf_fmt_compile(f, _(msgid), kinds) != 0 &&
	    obuf_fmt_compile(f, msgid, kinds) != 0)
		fatal("out_text: bad format \"%s\"", msgid);
}

static void
out_text_flush(struct out_text *o)
{
	if (!o->pending)
		return;
	obuf_c(&o->b, '\n');
	o->pending = false;
}

static void
out_text_start(struct out_text *o, uint64_t frame, int64_t ts)
{
	struct obuf *b = &o->b;
	uint64_t rel;

	out_text_flush(o);
	if (!o->have_t0) {
		o->have_t0 = true;
		o->t0 = ts;
	}
	o->pending = true;
	o->frame = frame;
	o->last_side = -1;
	if (frame > 0)
		obuf_u64_pad(b, frame, 6);
	else
		obuf_lit(b, "     -");
	obuf_c(b, ' ');
	/* "%s%" PRId64 ".%06" PRId64: microseconds since the first event */
	if (ts < o->t0) {
		obuf_c(b, '-');
		rel = (uint64_t)o->t0 - (uint64_t)ts;
	} else
		rel = (uint64_t)ts - (uint64_t)o->t0;
	obuf_u64(b, rel / 1000000000U);
	obuf_c(b, '.');
	obuf_u64_zero(b, (rel % 1000000000U) / 1000, 6);
	obuf_c(b, ' ');
}

/* The conn column: "%4" PRIu32 " ", or "   - " without a conn. */
static void
out_text_conn(struct out_text *o, const struct conn_info *ci)
{
	if (ci != NULL)
		obuf_u64_pad(&o->b, ci->id, 4);
	else
		obuf_lit(&o->b, "   -");
	obuf_c(&o->b, ' ');
}

static void
out_text_options(struct out_text *o, const struct tcp_opts *t)
{
	struct obuf *b = &o->b;
	const char *sep = " <";
	unsigned i;

#define SEP()	do { obuf_str(b, sep); sep = ","; } while (0)
	if (t->present == 0)
		return;
	if (t->present & TCPOPT_F_MSS) {
		SEP();
		obuf_lit(b, "mss ");
		obuf_u64(b, t->mss);
	}
	if (t->present & TCPOPT_F_SACK_PERM) {
		SEP();
		obuf_lit(b, "sackOK");
	}
	if (t->present & TCPOPT_F_SACK) {
		SEP();
		obuf_lit(b, "sack ");
		obuf_u64(b, t->nsack);
	}
	if (t->present & TCPOPT_F_TS) {
		SEP();
		obuf_lit(b, "TS val ");
		obuf_u64(b, t->ts_val);
		obuf_lit(b, " ecr ");
		obuf_u64(b, t->ts_ecr);
	}
	if (t->present & TCPOPT_F_WSCALE) {
		SEP();
		obuf_lit(b, "wscale ");
		obuf_u64(b, t->wscale);
	}
	if (t->present & TCPOPT_F_TFO) {
		SEP();
		if (t->tfo_len == 0)
			obuf_lit(b, "tfo cookiereq");
		else
			obuf_lit(b, "tfo cookie");
	}
	if (t->present & TCPOPT_F_MPTCP) {
		SEP();
		obuf_lit(b, "mptcp");
	}
	if (t->present & TCPOPT_F_MD5) {
		SEP();
		obuf_lit(b, "md5");
	}
	if (t->present & TCPOPT_F_AO) {
		SEP();
		obuf_lit(b, "tcp-ao");
	}
	for (i = 0; i < t->nunknown && i < TCPOPT_MAX_UNKNOWN; i++) {
		SEP();
		obuf_lit(b, "opt-");
		obuf_u64(b, t->unknown[i]);
	}
	if (t->present & TCPOPT_F_MALFORMED) {
		SEP();
		obuf_str(b, o->w_bad_opts);
	}
#undef SEP
	obuf_c(b, '>');
}

static void
out_text_analysis(struct out_text *o, uint32_t an)
{
	const char *sep = " [";
	unsigned i;

	for (i = 0; i < AN_COUNT && (an >> i) != 0; i++) {
		if (an & (1U << i)) {
			obuf_str(&o->b, sep);
			obuf_str(&o->b, ev_analysis_name(1U << i));
			sep = ", ";
		}
	}
	if (an != 0)
		obuf_c(&o->b, ']');
}

static void
out_text_packet(struct out_text *o, const struct ev *e)
{
	const struct ev_packet *p = &e->u.pkt;
	struct obuf *b = &o->b;
	struct obuf_arg a[1];
	char fl[64];

	out_text_start(o, p->frame, e->ts_ns);
	out_text_conn(o, e->conn);
	if (p->dir == EV_C2S)
		obuf_lit(b, "C->S ");
	else
		obuf_lit(b, "S->C ");
	if (e->conn->proto != 6) {
		obuf_lit(b, "UDP len=");
		obuf_u64(b, p->len);
		if (p->reply_to != 0) {
			obuf_c(b, ' ');
			a[0].u = p->reply_to;
			obuf_fmt_put(b, &o->f_reply, a);
		}
		out_text_analysis(o, p->analysis);
		return;
	}
	ev_flags_label(p->flags, fl, sizeof fl);
	obuf_str_pad(b, fl, 7);
	obuf_lit(b, " seq=");
	obuf_u64(b, p->rseq);
	if (p->flags & TCP_ACK) {
		obuf_lit(b, " ack=");
		obuf_u64(b, p->rack);
	}
	obuf_lit(b, " win=");
	obuf_u64(b, p->win);
	obuf_lit(b, " len=");
	obuf_u64(b, p->len);
	out_text_options(o, &p->opt);
	out_text_analysis(o, p->analysis);
}

static void
out_text_state(struct out_text *o, const struct ev *e)
{
	const struct ev_state *s = &e->u.state;
	struct obuf *b = &o->b;
	struct obuf_arg a[1];
	bool late;

	/* Decided after later packets: on a line of its own, under the
	 * frame that caused it. */
	late = !o->pending || o->frame != s->frame;
	if (o->pending && o->frame != s->frame)
		out_text_flush(o);
	if (!o->pending) {
		out_text_start(o, s->frame, e->ts_ns);
		obuf_u64_pad(b, e->conn->id, 4);
	}
	if (o->last_side == (int)s->endpoint && o->last_to == s->from) {
		obuf_lit(b, " -> ");
		obuf_str(b, tcp_state_name(s->to));
	} else {
		if (o->last_side < 0)
			obuf_lit(b, "  | ");
		else
			obuf_lit(b, "; ");
		obuf_str(b, o->w_side[s->endpoint == EV_CLIENT ? 0 : 1]);
		obuf_c(b, ' ');
		obuf_str(b, tcp_state_name(s->from));
		obuf_lit(b, " -> ");
		obuf_str(b, tcp_state_name(s->to));
	}
	if (late && s->decided_by != 0 && s->decided_by != s->frame) {
		a[0].u = s->decided_by;
		obuf_fmt_put(b, &o->f_shows, a);
	}
	o->last_side = (int)s->endpoint;
	o->last_to = s->to;
}

static void
out_text_summary(struct out_text *o, const struct ev *e)
{
	const struct ev_summary *s = &e->u.sum;
	const struct conn_info *ci = e->conn;
	static const char *cnames[] = { "SYN", "SYN-ACK", "ACK", "DATA",
	    "FIN", "RST" };
	struct obuf *b = &o->b;
	struct obuf_arg a[7];
	char c[64], sv[64];
	unsigned i;
	const char *sep = "";

	out_text_flush(o);
	out_endpoint(ci, EV_CLIENT, c, sizeof c);
	out_endpoint(ci, EV_SERVER, sv, sizeof sv);
	a[0].u = ci->id;
	a[1].s = ci->proto == 6 ? "tcp" : "udp";
	a[2].s = c;
	a[3].s = sv;
	a[4].u = s->packets;
	a[5].u = s->bytes_c2s;
	a[6].u = s->bytes_s2c;
	obuf_fmt_put(b, &o->f_sum, a);
	if (ci->proto == 6) {
		obuf_lit(b, "; ");
		a[0].s = tcp_state_name(s->client_state);
		a[1].s = tcp_state_name(s->server_state);
		obuf_fmt_put(b, &o->f_states, a);
		obuf_lit(b, "; ");
		for (i = 0; i < 6; i++) {
			if (s->completeness & (1U << i)) {
				obuf_str(b, sep);
				obuf_str(b, cnames[i]);
				sep = ",";
			}
		}
		if (*sep != '\0')
			obuf_c(b, ' ');
		obuf_c(b, '(');
		obuf_u64(b, s->completeness);
		obuf_lit(b, "); ");
		a[0].u = s->retransmissions;
		obuf_fmt_put(b, &o->f_retrans, a);
	}
	if (ci->guessed) {
		obuf_lit(b, "; ");
		obuf_str(b, o->w_guessed);
	}
	if (s->evicted) {
		obuf_lit(b, "; ");
		obuf_str(b, o->w_evicted);
	}
	obuf_c(b, '\n');
}

static void
out_text_emit(struct sink *sink, const struct ev *e)
{
	struct out_text *o = (struct out_text *)sink;
	struct obuf *b = &o->b;
	struct obuf_arg args[4];
	char c[64], sv[64], a[64];

	if (o->mode == OUT_TEXT_SUMMARY) {
		if (e->type == EV_SUMMARY)
			out_text_summary(o, e);
		return;
	}
	switch (e->type) {
	case EV_CONN:
		out_text_flush(o);
		out_endpoint(e->conn, EV_CLIENT, c, sizeof c);
		out_endpoint(e->conn, EV_SERVER, sv, sizeof sv);
		args[0].u = e->conn->id;
		args[1].s = e->conn->proto == 6 ? "tcp" : "udp";
		args[2].s = c;
		args[3].s = sv;
		obuf_fmt_put(b, &o->f_conn, args);
		if (e->conn->guessed)
			obuf_str(b, o->w_conn_guessed);
		obuf_c(b, '\n');
		break;
	case EV_PACKET:
		out_text_packet(o, e);
		break;
	case EV_STATE:
		out_text_state(o, e);
		break;
	case EV_UNPROCESSED:
		out_text_start(o, e->u.unproc.frame, e->ts_ns);
		out_text_conn(o, e->conn);
		obuf_printf(b, e->u.unproc.endpoint == EV_CLIENT ?
		    _("not processed by the client: %s") :
		    _("not processed by the server: %s"),
		    e->u.unproc.why == EV_UNPROC_RECEIVER_SENT_AGAIN ?
		    _("it sent again what this segment answered") :
		    e->u.unproc.why == EV_UNPROC_SENDER_SENT_AGAIN ?
		    _("its sender sent it again first") :
		    _("dropped by the lesson's socket filter"));
		if (e->u.unproc.decided_by != 0)
			obuf_printf(b, _(" (frame %" PRIu64 " shows it)"),
			    e->u.unproc.decided_by);
		out_text_flush(o);
		break;
	case EV_ICMP:
		out_text_start(o, e->u.icmp.frame, e->ts_ns);
		pkt_addr_str(&e->u.icmp.src, a, sizeof a);
		out_text_conn(o, e->conn);
		obuf_printf(b, _("ICMP%s %s (type %u code %u) from %s"),
		    e->u.icmp.family == 6 ? "v6" : "",
		    _(ev_icmp_desc(e->u.icmp.family, e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code)), e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code, a);
		if (e->u.icmp.cause != 0)
			obuf_printf(b, _(" (answers frame %" PRIu64 ")"),
			    e->u.icmp.cause);
		out_text_flush(o);
		break;
	case EV_WARNING: {
		char text[MSG_TEXT_MAX];

		if (e->u.warn.frame != 0)
			out_text_start(o, e->u.warn.frame, e->ts_ns);
		else {
			out_text_flush(o);
			o->pending = true;
			obuf_lit(b, "     -");
		}
		obuf_c(b, ' ');
		obuf_printf(b, _("warning: %s"), msg_text(e->u.warn.msg, true,
		    text, sizeof text));
		out_text_flush(o);
		break;
	}
	case EV_SUMMARY:
		out_text_summary(o, e);
		break;
	case EV_KSTATE:
		/* Only where a read found the kernel and the wire apart,
		 * as the ladder shows it. */
		if (e->u.kstate.state == e->u.kstate.wire ||
		    e->u.kstate.source != KSTATE_DIAG)
			break;
		out_text_start(o, 0, e->ts_ns);
		out_text_conn(o, e->conn);
		/* TRANSLATORS: the kernel's own state of a socket, then
		   what the packets show; state names stay as they are. */
		obuf_printf(b, _("kernel: %s %s (the packets show %s)"),
		    e->u.kstate.endpoint == EV_CLIENT ? _("client") :
		    _("server"), tcp_state_name(e->u.kstate.state),
		    tcp_state_name(e->u.kstate.wire));
		out_text_flush(o);
		break;
	case EV_CALL:
		out_text_start(o, 0, e->ts_ns);
		out_text_conn(o, e->conn);
		obuf_str(b, o->w_side[e->u.call.side == EV_CLIENT ? 0 : 1]);
		obuf_c(b, ' ');
		if (e->u.call.pid != 0) {
			obuf_str(b, e->u.call.prog);
			obuf_c(b, '[');
			obuf_i64(b, e->u.call.pid);
			obuf_lit(b, "] ");
		}
		obuf_str(b, e->u.call.name);
		obuf_c(b, '(');
		obuf_str(b, e->u.call.args);
		obuf_lit(b, ") = ");
		obuf_i64(b, e->u.call.ret);
		if (e->u.call.err != 0)
			obuf_printf(b, " %s (%s)", ev_errno_name(e->u.call.err),
			    strerror(e->u.call.err));
		out_text_flush(o);
		break;
	case EV_OUTPUT:
		/* synfin run: a program's line, marked "1>" or "2>" as the
		 * shell numbers its streams. */
		out_text_start(o, 0, e->ts_ns);
		obuf_lit(b, "   - ");
		obuf_str(b, e->u.out.prog);
		obuf_c(b, '[');
		obuf_i64(b, e->u.out.pid);
		if (e->u.out.stream == EV_STDERR)
			obuf_lit(b, "] 2> ");
		else
			obuf_lit(b, "] 1> ");
		obuf_str(b, e->u.out.text);
		out_text_flush(o);
		break;
	}
}

void
out_text_end_line(struct sink *sink)
{
	struct out_text *o = (struct out_text *)sink;

	out_text_flush(o);
	obuf_flush(&o->b);
}

static void
out_text_flush_sink(struct sink *sink)
{
	struct out_text *o = (struct out_text *)sink;

	out_text_flush(o);
	obuf_flush(&o->b);
	fflush(o->b.fp);
}

static void
out_text_close(struct sink *sink)
{
	struct out_text *o = (struct out_text *)sink;

	out_text_flush(o);
	obuf_flush(&o->b);
	fflush(o->b.fp);
	obuf_clear(&o->b);
	free(o);
}

struct sink *
out_text_new(FILE *fp, enum out_text_mode mode)
{
	struct out_text *o = xcalloc(1, sizeof *o);

	o->sink.emit = out_text_emit;
	o->sink.close = out_text_close;
	o->sink.flush = out_text_flush_sink;
	if (mode == OUT_TEXT_SUMMARY)
		o->sink.ignores = ~EV_BIT(EV_SUMMARY);
	o->mode = mode;
	obuf_init(&o->b, fp);
	o->w_side[0] = _("client");
	o->w_side[1] = _("server");
	o->w_guessed = _("roles guessed");
	o->w_evicted = _("closed early (too many conversations)");
	o->w_bad_opts = _("bad options");
	o->w_conn_guessed = _(" (roles guessed)");
	out_text_fmt(&o->f_sum, N_("conn %" PRIu32 " %s %s -> %s: %" PRIu64
	    " packets, %" PRIu64 " bytes c2s, %" PRIu64 " bytes s2c"),
	    "usssuuu");
	out_text_fmt(&o->f_states, N_("client %s, server %s"), "ss");
	out_text_fmt(&o->f_retrans, N_("%" PRIu64 " retransmissions"), "u");
	out_text_fmt(&o->f_conn, N_("conn %" PRIu32 " %s %s -> %s"), "usss");
	out_text_fmt(&o->f_reply, N_("reply to %" PRIu64), "u");
	out_text_fmt(&o->f_shows, N_(" (frame %" PRIu64 " shows it)"), "u");
	return &o->sink;
}
