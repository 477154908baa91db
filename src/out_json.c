/* SPDX-License-Identifier: ISC */
/* JSON Lines output: one object per timeline event (a contract). */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "out.h"
#include "xmalloc.h"

struct out_json {
	struct sink	sink;
	FILE		*fp;
};

static void
out_json_str(FILE *fp, const char *s)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

static void
out_json_time(FILE *fp, int64_t ns)
{
	char t[40];

	out_time(ns, t, sizeof t);
	fputs(t, fp);
}

static void
out_json_frame(FILE *fp, const char *key, uint64_t frame)
{
	if (frame == 0)
		fprintf(fp, ",\"%s\":null", key);
	else
		fprintf(fp, ",\"%s\":%" PRIu64, key, frame);
}

static void
out_json_options(FILE *fp, const struct tcp_opts *t)
{
	const char *sep = "";
	unsigned i;

	fputs(",\"options\":{", fp);
	if (t->present & TCPOPT_F_MSS) {
		fprintf(fp, "%s\"mss\":%u", sep, t->mss);
		sep = ",";
	}
	if (t->present & TCPOPT_F_WSCALE) {
		fprintf(fp, "%s\"wscale\":%u", sep, t->wscale);
		sep = ",";
	}
	if (t->present & TCPOPT_F_SACK_PERM) {
		fprintf(fp, "%s\"sack_perm\":true", sep);
		sep = ",";
	}
	if (t->present & TCPOPT_F_SACK) {
		fprintf(fp, "%s\"sack\":[", sep);
		for (i = 0; i < t->nsack && i < TCPOPT_MAX_SACK; i++)
			fprintf(fp, "%s[%" PRIu32 ",%" PRIu32 "]",
			    i > 0 ? "," : "", t->sack[i][0], t->sack[i][1]);
		fputc(']', fp);
		sep = ",";
	}
	if (t->present & TCPOPT_F_TS) {
		fprintf(fp, "%s\"ts\":{\"val\":%" PRIu32 ",\"ecr\":%" PRIu32
		    "}", sep, t->ts_val, t->ts_ecr);
		sep = ",";
	}
	if (t->present & TCPOPT_F_TFO) {
		fprintf(fp, "%s\"tfo\":\"", sep);
		for (i = 0; i < t->tfo_len && i < TCPOPT_MAX_TFO; i++)
			fprintf(fp, "%02x", t->tfo_cookie[i]);
		fputc('"', fp);
		sep = ",";
	}
	if (t->present & TCPOPT_F_MPTCP) {
		fprintf(fp, "%s\"mptcp\":true", sep);
		sep = ",";
	}
	if (t->present & TCPOPT_F_MD5) {
		fprintf(fp, "%s\"md5\":true", sep);
		sep = ",";
	}
	if (t->present & TCPOPT_F_AO) {
		fprintf(fp, "%s\"tcp_ao\":true", sep);
		sep = ",";
	}
	if (t->nunknown > 0) {
		fprintf(fp, "%s\"unknown\":[", sep);
		for (i = 0; i < t->nunknown && i < TCPOPT_MAX_UNKNOWN; i++)
			fprintf(fp, "%s%u", i > 0 ? "," : "", t->unknown[i]);
		fputc(']', fp);
		sep = ",";
	}
	if (t->present & TCPOPT_F_MALFORMED)
		fprintf(fp, "%s\"malformed\":true", sep);
	fputc('}', fp);
}

static void
out_json_packet(FILE *fp, const struct ev *e)
{
	const struct ev_packet *p = &e->u.pkt;
	const char *sep = "";
	const char *name;
	unsigned i;

	fprintf(fp, "{\"type\":\"packet\",\"frame\":%" PRIu64 ",\"time\":",
	    p->frame);
	out_json_time(fp, e->ts_ns);
	fprintf(fp, ",\"conn\":%" PRIu32 ",\"dir\":\"%s\",\"len\":%" PRIu32,
	    e->conn->id, p->dir == EV_C2S ? "c2s" : "s2c", p->len);
	if (e->conn->proto == 6) {
		fputs(",\"flags\":[", fp);
		for (i = 0; (name = ev_flag_name(i)) != NULL; i++) {
			if (p->flags & (1U << i)) {
				fprintf(fp, "%s\"%s\"", sep, name);
				sep = ",";
			}
		}
		fprintf(fp, "],\"seq\":%" PRIu32 ",\"ack\":%" PRIu32
		    ",\"rseq\":%" PRIu32 ",\"rack\":%" PRIu32 ",\"win\":%"
		    PRIu32, p->seq, p->ack, p->rseq, p->rack, p->win);
		out_json_options(fp, &p->opt);
	} else if (p->reply_to != 0)
		fprintf(fp, ",\"reply_to\":%" PRIu64, p->reply_to);
	fputs(",\"analysis\":[", fp);
	sep = "";
	for (i = 0; i < AN_COUNT; i++) {
		if (p->analysis & (1U << i)) {
			fprintf(fp, "%s\"%s\"", sep, ev_analysis_name(1U << i));
			sep = ",";
		}
	}
	fputs("]}\n", fp);
}

static void
out_json_emit(struct sink *sink, const struct ev *e)
{
	struct out_json *o = (struct out_json *)sink;
	FILE *fp = o->fp;
	char c[64], s[64];

	switch (e->type) {
	case EV_CONN:
		out_endpoint(e->conn, EV_CLIENT, c, sizeof c);
		out_endpoint(e->conn, EV_SERVER, s, sizeof s);
		fprintf(fp, "{\"type\":\"conn\",\"id\":%" PRIu32 ",\"proto\":"
		    "\"%s\",\"client\":\"%s\",\"server\":\"%s\",\"roles\":"
		    "\"%s\",\"time\":", e->conn->id,
		    e->conn->proto == 6 ? "tcp" : "udp", c, s,
		    e->conn->guessed ? "guessed" : "observed");
		out_json_time(fp, e->ts_ns);
		fputs("}\n", fp);
		break;
	case EV_PACKET:
		out_json_packet(fp, e);
		break;
	case EV_STATE:
		fprintf(fp, "{\"type\":\"state\",\"frame\":%" PRIu64
		    ",\"time\":", e->u.state.frame);
		out_json_time(fp, e->ts_ns);
		fprintf(fp, ",\"conn\":%" PRIu32 ",\"endpoint\":\"%s\","
		    "\"from\":\"%s\",\"to\":\"%s\",\"why\":\"%s\"",
		    e->conn->id,
		    e->u.state.endpoint == EV_CLIENT ? "client" : "server",
		    tcp_state_name(e->u.state.from),
		    tcp_state_name(e->u.state.to), tcp_why_key(e->u.state.why));
		if (e->u.state.decided_by != 0 &&
		    e->u.state.decided_by != e->u.state.frame)
			fprintf(fp, ",\"decided_by\":%" PRIu64,
			    e->u.state.decided_by);
		fputs("}\n", fp);
		break;
	case EV_UNPROCESSED:
		fprintf(fp, "{\"type\":\"not_processed\",\"frame\":%" PRIu64
		    ",\"time\":", e->u.unproc.frame);
		out_json_time(fp, e->ts_ns);
		fprintf(fp, ",\"conn\":%" PRIu32 ",\"endpoint\":\"%s\","
		    "\"why\":\"%s\"", e->conn->id,
		    e->u.unproc.endpoint == EV_CLIENT ? "client" : "server",
		    ev_unproc_key(e->u.unproc.why));
		out_json_frame(fp, "decided_by", e->u.unproc.decided_by);
		fputs("}\n", fp);
		break;
	case EV_ICMP:
		pkt_addr_str(&e->u.icmp.src, c, sizeof c);
		fprintf(fp, "{\"type\":\"icmp\",\"frame\":%" PRIu64 ",\"time\":",
		    e->u.icmp.frame);
		out_json_time(fp, e->ts_ns);
		if (e->conn != NULL)
			fprintf(fp, ",\"conn\":%" PRIu32, e->conn->id);
		else
			fputs(",\"conn\":null", fp);
		fprintf(fp, ",\"family\":%u,\"icmp_type\":%u,\"icmp_code\":%u,"
		    "\"from\":\"%s\"", e->u.icmp.family, e->u.icmp.icmp_type,
		    e->u.icmp.icmp_code, c);
		out_json_frame(fp, "cause", e->u.icmp.cause);
		fputs("}\n", fp);
		break;
	case EV_WARNING:
		fputs("{\"type\":\"warning\"", fp);
		out_json_frame(fp, "frame", e->u.warn.frame);
		fputs(",\"message\":", fp);
		out_json_str(fp, e->u.warn.message);
		fputs("}\n", fp);
		break;
	case EV_SUMMARY:
		fprintf(fp, "{\"type\":\"summary\",\"conn\":%" PRIu32
		    ",\"proto\":\"%s\",\"packets\":%" PRIu64 ",\"bytes_c2s\":%"
		    PRIu64 ",\"bytes_s2c\":%" PRIu64, e->conn->id,
		    e->conn->proto == 6 ? "tcp" : "udp", e->u.sum.packets,
		    e->u.sum.bytes_c2s, e->u.sum.bytes_s2c);
		if (e->conn->proto == 6)
			fprintf(fp, ",\"completeness\":%u,\"client_state\":"
			    "\"%s\",\"server_state\":\"%s\",\"retransmissions\":%"
			    PRIu64, e->u.sum.completeness,
			    tcp_state_name(e->u.sum.client_state),
			    tcp_state_name(e->u.sum.server_state),
			    e->u.sum.retransmissions);
		fputs(",\"first\":", fp);
		out_json_time(fp, e->u.sum.first_ns);
		fputs(",\"last\":", fp);
		out_json_time(fp, e->u.sum.last_ns);
		fprintf(fp, ",\"evicted\":%s}\n",
		    e->u.sum.evicted ? "true" : "false");
		break;
	case EV_CALL:
		fputs("{\"type\":\"call\",\"time\":", fp);
		out_json_time(fp, e->ts_ns);
		if (e->conn != NULL)
			fprintf(fp, ",\"conn\":%" PRIu32, e->conn->id);
		else
			fputs(",\"conn\":null", fp);
		fprintf(fp, ",\"side\":\"%s\",\"call\":",
		    e->u.call.side == EV_CLIENT ? "client" : "server");
		out_json_str(fp, e->u.call.name);
		fprintf(fp, ",\"ret\":%" PRId64 ",\"errno\":", e->u.call.ret);
		if (e->u.call.err != 0)
			out_json_str(fp, ev_errno_name(e->u.call.err));
		else
			fputs("null", fp);
		fputs(",\"detail\":{\"args\":", fp);
		out_json_str(fp, e->u.call.args);
		fputs("}}\n", fp);
		break;
	}
}

static void
out_json_flush(struct sink *sink)
{
	fflush(((struct out_json *)sink)->fp);
}

static void
out_json_close(struct sink *sink)
{
	struct out_json *o = (struct out_json *)sink;

	fflush(o->fp);
	free(o);
}

struct sink *
out_json_new(FILE *fp)
{
	struct out_json *o = xcalloc(1, sizeof *o);

	o->sink.emit = out_json_emit;
	o->sink.close = out_json_close;
	o->sink.flush = out_json_flush;
	o->fp = fp;
	return &o->sink;
}
