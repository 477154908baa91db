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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "out.h"
#include "xmalloc.h"

/*
 * A packet's line is held until the next event that is not one of its
 * state changes, so that those land on the line of the packet that
 * caused them.
 */
struct out_text {
	struct sink	sink;
	FILE		*fp;
	enum out_text_mode mode;
	bool		have_t0;
	int64_t		t0;
	bool		pending;
	uint64_t	frame;		/* of the pending line */
	int		last_side;	/* of the pending line's last state
					   change, or -1 */
	enum tcp_state	last_to;
	size_t		used;
	char		line[1024];
};

void
out_endpoint(const struct conn_info *ci, enum ev_side side, char *buf,
    size_t len)
{
	if (side == EV_CLIENT)
		pkt_endpoint_str(&ci->caddr, ci->cport, buf, len);
	else
		pkt_endpoint_str(&ci->saddr, ci->sport, buf, len);
}

void
out_time(int64_t ns, char *buf, size_t len)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%09" PRIu64, sign, u / 1000000000U,
	    u % 1000000000U);
}

static void
out_text_add(struct out_text *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_text_add(struct out_text *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= sizeof o->line - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->line + o->used, sizeof o->line - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
	if (o->used >= sizeof o->line)
		o->used = sizeof o->line - 1;
}

static void
out_text_flush(struct out_text *o)
{
	if (!o->pending)
		return;
	fputs(o->line, o->fp);
	fputc('\n', o->fp);
	o->pending = false;
	o->used = 0;
}

static void
out_text_start(struct out_text *o, uint64_t frame, int64_t ts)
{
	int64_t rel;

	out_text_flush(o);
	if (!o->have_t0) {
		o->have_t0 = true;
		o->t0 = ts;
	}
	rel = ts - o->t0;
	o->used = 0;
	o->line[0] = '\0';
	o->pending = true;
	o->frame = frame;
	o->last_side = -1;
	if (frame > 0)
		out_text_add(o, "%6" PRIu64 " ", frame);
	else
		out_text_add(o, "%6s ", "-");
	out_text_add(o, "%s%" PRId64 ".%06" PRId64 " ", rel < 0 ? "-" : "",
	    (rel < 0 ? -rel : rel) / 1000000000,
	    ((rel < 0 ? -rel : rel) % 1000000000) / 1000);
}

static void
out_text_options(struct out_text *o, const struct tcp_opts *t)
{
	const char *sep = " <";
	unsigned i;

	if (t->present == 0)
		return;
	if (t->present & TCPOPT_F_MSS) {
		out_text_add(o, "%smss %u", sep, t->mss);
		sep = ",";
	}
	if (t->present & TCPOPT_F_SACK_PERM) {
		out_text_add(o, "%ssackOK", sep);
		sep = ",";
	}
	if (t->present & TCPOPT_F_SACK) {
		out_text_add(o, "%ssack %u", sep, t->nsack);
		sep = ",";
	}
	if (t->present & TCPOPT_F_TS) {
		out_text_add(o, "%sTS val %" PRIu32 " ecr %" PRIu32, sep,
		    t->ts_val, t->ts_ecr);
		sep = ",";
	}
	if (t->present & TCPOPT_F_WSCALE) {
		out_text_add(o, "%swscale %u", sep, t->wscale);
		sep = ",";
	}
	if (t->present & TCPOPT_F_TFO) {
		if (t->tfo_len == 0)
			out_text_add(o, "%stfo cookiereq", sep);
		else
			out_text_add(o, "%stfo cookie", sep);
		sep = ",";
	}
	if (t->present & TCPOPT_F_MPTCP) {
		out_text_add(o, "%smptcp", sep);
		sep = ",";
	}
	if (t->present & TCPOPT_F_MD5) {
		out_text_add(o, "%smd5", sep);
		sep = ",";
	}
	if (t->present & TCPOPT_F_AO) {
		out_text_add(o, "%stcp-ao", sep);
		sep = ",";
	}
	for (i = 0; i < t->nunknown && i < TCPOPT_MAX_UNKNOWN; i++) {
		out_text_add(o, "%sopt-%u", sep, t->unknown[i]);
		sep = ",";
	}
	if (t->present & TCPOPT_F_MALFORMED) {
		out_text_add(o, "%s%s", sep, _("bad options"));
		sep = ",";
	}
	out_text_add(o, ">");
}

static void
out_text_analysis(struct out_text *o, uint32_t an)
{
	const char *sep = " [";
	unsigned i;

	for (i = 0; i < AN_COUNT; i++) {
		if (an & (1U << i)) {
			out_text_add(o, "%s%s", sep, ev_analysis_name(1U << i));
			sep = ", ";
		}
	}
	if (an != 0)
		out_text_add(o, "]");
}

static void
out_text_packet(struct out_text *o, const struct ev *e)
{
	const struct ev_packet *p = &e->u.pkt;
	char fl[64];

	out_text_start(o, p->frame, e->ts_ns);
	out_text_add(o, "%4" PRIu32 " %s ", e->conn->id,
	    p->dir == EV_C2S ? "C->S" : "S->C");
	if (e->conn->proto != 6) {
		out_text_add(o, "UDP len=%" PRIu32, p->len);
		if (p->reply_to != 0) {
			out_text_add(o, " ");
			out_text_add(o, _("reply to %" PRIu64), p->reply_to);
		}
		out_text_analysis(o, p->analysis);
		return;
	}
	ev_flags_label(p->flags, fl, sizeof fl);
	out_text_add(o, "%-7s seq=%" PRIu32, fl, p->rseq);
	if (p->flags & TCP_ACK)
		out_text_add(o, " ack=%" PRIu32, p->rack);
	out_text_add(o, " win=%" PRIu32 " len=%" PRIu32, p->win, p->len);
	out_text_options(o, &p->opt);
	out_text_analysis(o, p->analysis);
}

static void
out_text_state(struct out_text *o, const struct ev *e)
{
	const struct ev_state *s = &e->u.state;

	bool late;

	/* Decided after later packets: on a line of its own, under the
	 * frame that caused it. */
	late = !o->pending || o->frame != s->frame;
	if (o->pending && o->frame != s->frame)
		out_text_flush(o);
	if (!o->pending) {
		out_text_start(o, s->frame, e->ts_ns);
		out_text_add(o, "%4" PRIu32, e->conn->id);
	}
	if (o->last_side == (int)s->endpoint && o->last_to == s->from)
		out_text_add(o, " -> %s", tcp_state_name(s->to));
	else
		out_text_add(o, "%s%s %s -> %s", o->last_side < 0 ? "  | " :
		    "; ", s->endpoint == EV_CLIENT ? _("client") : _("server"),
		    tcp_state_name(s->from), tcp_state_name(s->to));
	if (late && s->decided_by != 0 && s->decided_by != s->frame)
		out_text_add(o, _(" (frame %" PRIu64 " shows it)"),
		    s->decided_by);
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
	char c[64], sv[64];
	unsigned i;
	const char *sep = "";

	out_text_flush(o);
	out_endpoint(ci, EV_CLIENT, c, sizeof c);
	out_endpoint(ci, EV_SERVER, sv, sizeof sv);
	fprintf(o->fp, _("conn %" PRIu32 " %s %s -> %s: %" PRIu64 " packets, %"
	    PRIu64 " bytes c2s, %" PRIu64 " bytes s2c"), ci->id,
	    ci->proto == 6 ? "tcp" : "udp", c, sv, s->packets, s->bytes_c2s,
	    s->bytes_s2c);
	if (ci->proto == 6) {
		fputs("; ", o->fp);
		fprintf(o->fp, _("client %s, server %s"),
		    tcp_state_name(s->client_state),
		    tcp_state_name(s->server_state));
		fputs("; ", o->fp);
		for (i = 0; i < 6; i++) {
			if (s->completeness & (1U << i)) {
				fprintf(o->fp, "%s%s", sep, cnames[i]);
				sep = ",";
			}
		}
		fprintf(o->fp, "%s(%u); ", *sep != '\0' ? " " : "",
		    s->completeness);
		fprintf(o->fp, _("%" PRIu64 " retransmissions"),
		    s->retransmissions);
	}
	if (ci->guessed)
		fprintf(o->fp, "; %s", _("roles guessed"));
	if (s->evicted)
		fprintf(o->fp, "; %s",
		    _("closed early (too many conversations)"));
	fputc('\n', o->fp);
}

static void
out_text_emit(struct sink *sink, const struct ev *e)
{
	struct out_text *o = (struct out_text *)sink;
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
		fprintf(o->fp, _("conn %" PRIu32 " %s %s -> %s"), e->conn->id,
		    e->conn->proto == 6 ? "tcp" : "udp", c, sv);
		if (e->conn->guessed)
			fputs(_(" (roles guessed)"), o->fp);
		fputc('\n', o->fp);
		break;
	case EV_PACKET:
		out_text_packet(o, e);
		break;
	case EV_STATE:
		out_text_state(o, e);
		break;
	case EV_UNPROCESSED:
		out_text_start(o, e->u.unproc.frame, e->ts_ns);
		out_text_add(o, "%4" PRIu32 " ", e->conn->id);
		out_text_add(o, e->u.unproc.endpoint == EV_CLIENT ?
		    _("not processed by the client: %s") :
		    _("not processed by the server: %s"),
		    e->u.unproc.why == EV_UNPROC_RECEIVER_SENT_AGAIN ?
		    _("it sent again what this segment answered") :
		    e->u.unproc.why == EV_UNPROC_SENDER_SENT_AGAIN ?
		    _("its sender sent it again first") :
		    _("dropped by the lesson's socket filter"));
		if (e->u.unproc.decided_by != 0)
			out_text_add(o, _(" (frame %" PRIu64 " shows it)"),
			    e->u.unproc.decided_by);
		out_text_flush(o);
		break;
	case EV_ICMP:
		out_text_start(o, e->u.icmp.frame, e->ts_ns);
		pkt_addr_str(&e->u.icmp.src, a, sizeof a);
		if (e->conn != NULL)
			out_text_add(o, "%4" PRIu32 " ", e->conn->id);
		else
			out_text_add(o, "%4s ", "-");
		out_text_add(o, _("ICMP%s %s (type %u code %u) from %s"),
		    e->u.icmp.family == 6 ? "v6" : "",
		    _(ev_icmp_desc(e->u.icmp.family, e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code)), e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code, a);
		if (e->u.icmp.cause != 0)
			out_text_add(o, _(" (answers frame %" PRIu64 ")"),
			    e->u.icmp.cause);
		out_text_flush(o);
		break;
	case EV_WARNING:
		if (e->u.warn.frame != 0)
			out_text_start(o, e->u.warn.frame, e->ts_ns);
		else {
			out_text_flush(o);
			o->pending = true;
			o->used = 0;
			out_text_add(o, "%6s", "-");
		}
		out_text_add(o, " ");
		out_text_add(o, _("warning: %s"), e->u.warn.message);
		out_text_flush(o);
		break;
	case EV_SUMMARY:
		out_text_summary(o, e);
		break;
	case EV_CALL:
		out_text_start(o, 0, e->ts_ns);
		if (e->conn != NULL)
			out_text_add(o, "%4" PRIu32 " ", e->conn->id);
		else
			out_text_add(o, "%4s ", "-");
		out_text_add(o, "%s %s(%s) = %" PRId64, e->u.call.side ==
		    EV_CLIENT ? _("client") : _("server"), e->u.call.name,
		    e->u.call.args, e->u.call.ret);
		if (e->u.call.err != 0)
			out_text_add(o, " %s (%s)", ev_errno_name(e->u.call.err),
			    strerror(e->u.call.err));
		out_text_flush(o);
		break;
	}
}

void
out_text_end_line(struct sink *sink)
{
	out_text_flush((struct out_text *)sink);
}

static void
out_text_flush_sink(struct sink *sink)
{
	struct out_text *o = (struct out_text *)sink;

	out_text_flush(o);
	fflush(o->fp);
}

static void
out_text_close(struct sink *sink)
{
	struct out_text *o = (struct out_text *)sink;

	out_text_flush(o);
	fflush(o->fp);
	free(o);
}

struct sink *
out_text_new(FILE *fp, enum out_text_mode mode)
{
	struct out_text *o = xcalloc(1, sizeof *o);

	o->sink.emit = out_text_emit;
	o->sink.close = out_text_close;
	o->sink.flush = out_text_flush_sink;
	o->fp = fp;
	o->mode = mode;
	return &o->sink;
}
