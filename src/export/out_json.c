/* SPDX-License-Identifier: ISC */
/*
 * JSON Lines output: one object per timeline event (a contract).  Lines
 * are built with the obuf appender: constant keys by memcpy, numbers by
 * hand, one write per megabyte.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "msg_text.h"
#include "obuf.h"
#include "out.h"
#include "xmalloc.h"

struct out_json {
	struct sink	sink;
	struct obuf	b;
};

static void
out_json_frame(struct obuf *b, const char *key, uint64_t frame)
{
	obuf_lit(b, ",\"");
	obuf_str(b, key);
	obuf_lit(b, "\":");
	if (frame == 0)
		obuf_lit(b, "null");
	else
		obuf_u64(b, frame);
}

static void
out_json_conn(struct obuf *b, const struct conn_info *ci)
{
	if (ci != NULL) {
		obuf_lit(b, ",\"conn\":");
		obuf_u64(b, ci->id);
	} else
		obuf_lit(b, ",\"conn\":null");
}

/* ",KEY" with the separator the object needs so far. */
static void
out_json_key(struct obuf *b, bool *first, const char *key, size_t len)
{
	if (!*first)
		obuf_c(b, ',');
	*first = false;
	obuf_put(b, key, len);
}

#define out_json_lkey(b, first, k)	out_json_key((b), (first), "" k, \
					    sizeof(k) - 1)

static void
out_json_options(struct obuf *b, const struct tcp_opts *t)
{
	bool first = true;
	unsigned i;

	obuf_lit(b, ",\"options\":{");
	if (t->present & TCPOPT_F_MSS) {
		out_json_lkey(b, &first, "\"mss\":");
		obuf_u64(b, t->mss);
	}
	if (t->present & TCPOPT_F_WSCALE) {
		out_json_lkey(b, &first, "\"wscale\":");
		obuf_u64(b, t->wscale);
	}
	if (t->present & TCPOPT_F_SACK_PERM)
		out_json_lkey(b, &first, "\"sack_perm\":true");
	if (t->present & TCPOPT_F_SACK) {
		out_json_lkey(b, &first, "\"sack\":[");
		for (i = 0; i < t->nsack && i < TCPOPT_MAX_SACK; i++) {
			if (i > 0)
				obuf_c(b, ',');
			obuf_c(b, '[');
			obuf_u64(b, t->sack[i][0]);
			obuf_c(b, ',');
			obuf_u64(b, t->sack[i][1]);
			obuf_c(b, ']');
		}
		obuf_c(b, ']');
	}
	if (t->present & TCPOPT_F_TS) {
		out_json_lkey(b, &first, "\"ts\":{\"val\":");
		obuf_u64(b, t->ts_val);
		obuf_lit(b, ",\"ecr\":");
		obuf_u64(b, t->ts_ecr);
		obuf_c(b, '}');
	}
	if (t->present & TCPOPT_F_TFO) {
		out_json_lkey(b, &first, "\"tfo\":\"");
		for (i = 0; i < t->tfo_len && i < TCPOPT_MAX_TFO; i++)
			obuf_hex2(b, t->tfo_cookie[i]);
		obuf_c(b, '"');
	}
	if (t->present & TCPOPT_F_MPTCP)
		out_json_lkey(b, &first, "\"mptcp\":true");
	if (t->present & TCPOPT_F_MD5)
		out_json_lkey(b, &first, "\"md5\":true");
	if (t->present & TCPOPT_F_AO)
		out_json_lkey(b, &first, "\"tcp_ao\":true");
	if (t->nunknown > 0) {
		out_json_lkey(b, &first, "\"unknown\":[");
		for (i = 0; i < t->nunknown && i < TCPOPT_MAX_UNKNOWN; i++) {
			if (i > 0)
				obuf_c(b, ',');
			obuf_u64(b, t->unknown[i]);
		}
		obuf_c(b, ']');
	}
	if (t->present & TCPOPT_F_MALFORMED)
		out_json_lkey(b, &first, "\"malformed\":true");
	obuf_c(b, '}');
}

/* A JSON array of names, one per set bit below count that has one
 * (name(i) for bit i). */
static void
out_json_names(struct obuf *b, uint32_t bits, const char *(*name)(unsigned),
    unsigned count)
{
	bool first = true;
	const char *n;
	unsigned i;

	obuf_c(b, '[');
	for (i = 0; i < count && bits != 0; i++) {
		if (!(bits & (1U << i)) || (n = name(i)) == NULL)
			continue;
		bits &= ~(1U << i);
		if (!first)
			obuf_c(b, ',');
		first = false;
		obuf_c(b, '"');
		obuf_str(b, n);
		obuf_c(b, '"');
	}
	obuf_c(b, ']');
}

static const char *
out_json_an_name(unsigned i)
{
	return ev_analysis_name(1U << i);
}

static void
out_json_packet(struct obuf *b, const struct ev *e)
{
	const struct ev_packet *p = &e->u.pkt;

	obuf_lit(b, "{\"type\":\"packet\",\"frame\":");
	obuf_u64(b, p->frame);
	obuf_lit(b, ",\"time\":");
	obuf_time(b, e->ts_ns);
	obuf_lit(b, ",\"conn\":");
	obuf_u64(b, e->conn->id);
	if (p->dir == EV_C2S)
		obuf_lit(b, ",\"dir\":\"c2s\",\"len\":");
	else
		obuf_lit(b, ",\"dir\":\"s2c\",\"len\":");
	obuf_u64(b, p->len);
	if (e->conn->proto == 6) {
		obuf_lit(b, ",\"flags\":");
		out_json_names(b, p->flags, ev_flag_name, 16);
		obuf_lit(b, ",\"seq\":");
		obuf_u64(b, p->seq);
		obuf_lit(b, ",\"ack\":");
		obuf_u64(b, p->ack);
		obuf_lit(b, ",\"rseq\":");
		obuf_u64(b, p->rseq);
		obuf_lit(b, ",\"rack\":");
		obuf_u64(b, p->rack);
		obuf_lit(b, ",\"win\":");
		obuf_u64(b, p->win);
		out_json_options(b, &p->opt);
	} else if (p->reply_to != 0) {
		obuf_lit(b, ",\"reply_to\":");
		obuf_u64(b, p->reply_to);
	}
	obuf_lit(b, ",\"analysis\":");
	out_json_names(b, p->analysis, out_json_an_name, AN_COUNT);
	obuf_lit(b, "}\n");
}

static void
out_json_side(struct obuf *b, const char *key, size_t len, int side)
{
	obuf_put(b, key, len);
	if (side == EV_CLIENT)
		obuf_lit(b, "\"client\"");
	else
		obuf_lit(b, "\"server\"");
}

static void
out_json_emit(struct sink *sink, const struct ev *e)
{
	struct out_json *o = (struct out_json *)sink;
	struct obuf *b = &o->b;
	char c[64], s[64];

	switch (e->type) {
	case EV_CONN:
		out_endpoint(e->conn, EV_CLIENT, c, sizeof c);
		out_endpoint(e->conn, EV_SERVER, s, sizeof s);
		obuf_lit(b, "{\"type\":\"conn\",\"id\":");
		obuf_u64(b, e->conn->id);
		if (e->conn->proto == 6)
			obuf_lit(b, ",\"proto\":\"tcp\",\"client\":\"");
		else
			obuf_lit(b, ",\"proto\":\"udp\",\"client\":\"");
		obuf_str(b, c);
		obuf_lit(b, "\",\"server\":\"");
		obuf_str(b, s);
		if (e->conn->guessed)
			obuf_lit(b, "\",\"roles\":\"guessed\",\"time\":");
		else
			obuf_lit(b, "\",\"roles\":\"observed\",\"time\":");
		obuf_time(b, e->ts_ns);
		obuf_lit(b, "}\n");
		break;
	case EV_PACKET:
		out_json_packet(b, e);
		break;
	case EV_STATE:
		obuf_lit(b, "{\"type\":\"state\",\"frame\":");
		obuf_u64(b, e->u.state.frame);
		obuf_lit(b, ",\"time\":");
		obuf_time(b, e->ts_ns);
		obuf_lit(b, ",\"conn\":");
		obuf_u64(b, e->conn->id);
		out_json_side(b, ",\"endpoint\":", 12, e->u.state.endpoint);
		obuf_lit(b, ",\"from\":\"");
		obuf_str(b, tcp_state_name(e->u.state.from));
		obuf_lit(b, "\",\"to\":\"");
		obuf_str(b, tcp_state_name(e->u.state.to));
		obuf_lit(b, "\",\"why\":\"");
		obuf_str(b, tcp_why_key(e->u.state.why));
		obuf_c(b, '"');
		if (e->u.state.decided_by != 0 &&
		    e->u.state.decided_by != e->u.state.frame) {
			obuf_lit(b, ",\"decided_by\":");
			obuf_u64(b, e->u.state.decided_by);
		}
		obuf_lit(b, "}\n");
		break;
	case EV_UNPROCESSED:
		obuf_lit(b, "{\"type\":\"not_processed\",\"frame\":");
		obuf_u64(b, e->u.unproc.frame);
		obuf_lit(b, ",\"time\":");
		obuf_time(b, e->ts_ns);
		obuf_lit(b, ",\"conn\":");
		obuf_u64(b, e->conn->id);
		out_json_side(b, ",\"endpoint\":", 12, e->u.unproc.endpoint);
		obuf_lit(b, ",\"why\":\"");
		obuf_str(b, ev_unproc_key(e->u.unproc.why));
		obuf_c(b, '"');
		out_json_frame(b, "decided_by", e->u.unproc.decided_by);
		obuf_lit(b, "}\n");
		break;
	case EV_ICMP:
		pkt_addr_str(&e->u.icmp.src, c, sizeof c);
		obuf_lit(b, "{\"type\":\"icmp\",\"frame\":");
		obuf_u64(b, e->u.icmp.frame);
		obuf_lit(b, ",\"time\":");
		obuf_time(b, e->ts_ns);
		out_json_conn(b, e->conn);
		obuf_lit(b, ",\"family\":");
		obuf_u64(b, e->u.icmp.family);
		obuf_lit(b, ",\"icmp_type\":");
		obuf_u64(b, e->u.icmp.icmp_type);
		obuf_lit(b, ",\"icmp_code\":");
		obuf_u64(b, e->u.icmp.icmp_code);
		obuf_lit(b, ",\"from\":\"");
		obuf_str(b, c);
		obuf_c(b, '"');
		out_json_frame(b, "cause", e->u.icmp.cause);
		obuf_lit(b, "}\n");
		break;
	case EV_WARNING: {
		char text[MSG_TEXT_MAX];

		obuf_lit(b, "{\"type\":\"warning\"");
		out_json_frame(b, "frame", e->u.warn.frame);
		obuf_lit(b, ",\"message\":");
		/* English by construction: the id as it is, never _(). */
		obuf_json_str(b, msg_text(e->u.warn.msg, false, text,
		    sizeof text));
		obuf_lit(b, "}\n");
		break;
	}
	case EV_SUMMARY:
		obuf_lit(b, "{\"type\":\"summary\",\"conn\":");
		obuf_u64(b, e->conn->id);
		if (e->conn->proto == 6)
			obuf_lit(b, ",\"proto\":\"tcp\",\"packets\":");
		else
			obuf_lit(b, ",\"proto\":\"udp\",\"packets\":");
		obuf_u64(b, e->u.sum.packets);
		obuf_lit(b, ",\"bytes_c2s\":");
		obuf_u64(b, e->u.sum.bytes_c2s);
		obuf_lit(b, ",\"bytes_s2c\":");
		obuf_u64(b, e->u.sum.bytes_s2c);
		if (e->conn->proto == 6) {
			obuf_lit(b, ",\"completeness\":");
			obuf_u64(b, e->u.sum.completeness);
			obuf_lit(b, ",\"client_state\":\"");
			obuf_str(b, tcp_state_name(e->u.sum.client_state));
			obuf_lit(b, "\",\"server_state\":\"");
			obuf_str(b, tcp_state_name(e->u.sum.server_state));
			obuf_lit(b, "\",\"retransmissions\":");
			obuf_u64(b, e->u.sum.retransmissions);
		}
		obuf_lit(b, ",\"first\":");
		obuf_time(b, e->u.sum.first_ns);
		obuf_lit(b, ",\"last\":");
		obuf_time(b, e->u.sum.last_ns);
		if (e->u.sum.evicted)
			obuf_lit(b, ",\"evicted\":true}\n");
		else
			obuf_lit(b, ",\"evicted\":false}\n");
		break;
	case EV_KSTATE:
		obuf_lit(b, "{\"type\":\"kstate\",\"time\":");
		obuf_time(b, e->ts_ns);
		obuf_lit(b, ",\"conn\":");
		obuf_u64(b, e->conn->id);
		out_json_side(b, ",\"endpoint\":", 12, e->u.kstate.endpoint);
		obuf_lit(b, ",\"state\":\"");
		obuf_str(b, tcp_state_name(e->u.kstate.state));
		obuf_lit(b, "\",\"wire\":\"");
		obuf_str(b, tcp_state_name(e->u.kstate.wire));
		if (e->u.kstate.source == KSTATE_TRACE)
			obuf_lit(b, "\",\"source\":\"tracepoint\"}\n");
		else
			obuf_lit(b, "\",\"source\":\"sock_diag\"}\n");
		break;
	case EV_CALL:
		obuf_lit(b, "{\"type\":\"call\",\"time\":");
		obuf_time(b, e->ts_ns);
		out_json_conn(b, e->conn);
		out_json_side(b, ",\"side\":", 8, e->u.call.side);
		obuf_lit(b, ",\"call\":");
		obuf_json_str(b, e->u.call.name);
		obuf_lit(b, ",\"ret\":");
		obuf_i64(b, e->u.call.ret);
		obuf_lit(b, ",\"errno\":");
		if (e->u.call.err != 0)
			obuf_json_str(b, ev_errno_name(e->u.call.err));
		else
			obuf_lit(b, "null");
		obuf_lit(b, ",\"detail\":{\"args\":");
		obuf_json_str(b, e->u.call.args);
		obuf_c(b, '}');
		if (e->u.call.kstate != 0 &&
		    e->u.call.kstate <= TCP_ST_COUNT) {
			obuf_lit(b, ",\"kernel_state\":");
			obuf_json_str(b, tcp_state_name(e->u.call.kstate - 1));
		}
		if (e->u.call.pid != 0) {
			obuf_lit(b, ",\"pid\":");
			obuf_i64(b, e->u.call.pid);
			obuf_lit(b, ",\"prog\":");
			obuf_json_str(b, e->u.call.prog);
		}
		obuf_lit(b, "}\n");
		break;
	case EV_OUTPUT:
		obuf_lit(b, "{\"type\":\"output\",\"time\":");
		obuf_time(b, e->ts_ns);
		out_json_side(b, ",\"side\":", 8, e->u.out.side);
		obuf_lit(b, ",\"pid\":");
		obuf_i64(b, e->u.out.pid);
		obuf_lit(b, ",\"prog\":");
		obuf_json_str(b, e->u.out.prog);
		if (e->u.out.stream == EV_STDERR)
			obuf_lit(b, ",\"stream\":\"stderr\",\"text\":");
		else
			obuf_lit(b, ",\"stream\":\"stdout\",\"text\":");
		obuf_json_str(b, e->u.out.text);
		obuf_lit(b, "}\n");
		break;
	}
}

static void
out_json_flush(struct sink *sink)
{
	struct out_json *o = (struct out_json *)sink;

	obuf_flush(&o->b);
	fflush(o->b.fp);
}

static void
out_json_close(struct sink *sink)
{
	struct out_json *o = (struct out_json *)sink;

	obuf_flush(&o->b);
	fflush(o->b.fp);
	obuf_clear(&o->b);
	free(o);
}

struct sink *
out_json_new(FILE *fp)
{
	struct out_json *o = xcalloc(1, sizeof *o);

	o->sink.emit = out_json_emit;
	o->sink.close = out_json_close;
	o->sink.flush = out_json_flush;
	obuf_init(&o->b, fp);
	return &o->sink;
}
