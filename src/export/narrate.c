/* SPDX-License-Identifier: ISC */
/* Plain-language narration of timeline events, written for learners. */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "msg_text.h"
#include "narrate.h"
#include "u8.h"

/*
 * Sentences are templates with named holes ("The {who} sends ...") so a
 * translation can move the words around, or use a hole twice or not at
 * all; narrate_put() fills the holes from a struct narrate_vars.  A hole
 * with no value is left empty.  Every template is a whole sentence (or
 * several): nothing here glues English fragments in an order a
 * translation could not change.  Sentences are joined by a space, except
 * after a wide (CJK) character: Chinese puts none after "。".
 */
struct narrate_vars {
	const char	*who;		/* "client": who acts */
	const char	*peer;		/* the other side */
	const char	*n;		/* a length */
	const char	*seq;
	const char	*end;
	const char	*ack;
	const char	*frame;
	const char	*name;		/* a socket call */
	const char	*args;
	const char	*ret;
	const char	*err;
	const char	*errstr;
	const char	*desc;		/* an ICMP error in words */
	const char	*addr;
	const char	*msg;
	const char	*label;		/* flags as the ladder writes them */
	const char	*cli;
	const char	*srv;
	const char	*proto;
	const char	*cstate;
	const char	*sstate;
	const char	*data;		/* a filled sub-template (counts) */
	const char	*kstate;	/* the kernel's state of a socket */
	const char	*wstate;	/* what the packets show */
};

static const struct {
	const char	*name;
	size_t		 off;
} narrate_holes[] = {
#define NARRATE_HOLE(f) { #f, offsetof(struct narrate_vars, f) }
	NARRATE_HOLE(who), NARRATE_HOLE(peer), NARRATE_HOLE(n),
	NARRATE_HOLE(seq), NARRATE_HOLE(end), NARRATE_HOLE(ack),
	NARRATE_HOLE(frame), NARRATE_HOLE(name), NARRATE_HOLE(args),
	NARRATE_HOLE(ret), NARRATE_HOLE(err), NARRATE_HOLE(errstr),
	NARRATE_HOLE(desc), NARRATE_HOLE(addr), NARRATE_HOLE(msg),
	NARRATE_HOLE(label), NARRATE_HOLE(cli), NARRATE_HOLE(srv),
	NARRATE_HOLE(proto), NARRATE_HOLE(cstate), NARRATE_HOLE(sstate),
	NARRATE_HOLE(data), NARRATE_HOLE(kstate), NARRATE_HOLE(wstate),
#undef NARRATE_HOLE
};

struct narrate_out {
	char		*buf;
	size_t		 len;
	size_t		 used;
	bool		 cut;		/* full: nothing more is added */
};

/* Append n bytes; when they do not fit, cut at a character boundary. */
static void
narrate_addn(struct narrate_out *o, const char *s, size_t n)
{
	if (o->len == 0 || o->cut)
		return;
	if (o->used + n >= o->len) {
		n = o->len - 1 - o->used;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		o->cut = true;
	}
	memcpy(o->buf + o->used, s, n);
	o->used += n;
	o->buf[o->used] = '\0';
}

/* Whether the text so far ends with a wide character ("。"). */
static bool
narrate_ends_wide(const struct narrate_out *o)
{
	size_t k = o->used - 1;
	uint32_t cp;

	while (k > 0 && ((unsigned char)o->buf[k] & 0xc0) == 0x80)
		k--;
	u8_decode(o->buf + k, o->used - k, &cp);
	return u8_cp_breakable(cp);
}

/* The space between two sentences, none after a wide character. */
static void
narrate_sep(struct narrate_out *o)
{
	if (o->used > 0 && !narrate_ends_wide(o))
		narrate_addn(o, " ", 1);
}

/* gettext, but never for "": that would return the catalogue header. */
static const char *
narrate_tr(const char *s)
{
	return *s == '\0' ? s : _(s);
}

/* A count as ngettext takes it (the gettext manual's advice past ULONG_MAX). */
static unsigned long
narrate_count(uint64_t n)
{
	return n <= ULONG_MAX ? (unsigned long)n :
	    (unsigned long)(n % 1000000 + 1000000);
}

static const char *
narrate_hole(const struct narrate_vars *v, const char *name, size_t n)
{
	const char *const *p;
	size_t i;

	for (i = 0; i < sizeof narrate_holes / sizeof narrate_holes[0]; i++) {
		if (strlen(narrate_holes[i].name) != n ||
		    strncmp(narrate_holes[i].name, name, n) != 0)
			continue;
		p = (const char *const *)(const void *)((const char *)v +
		    narrate_holes[i].off);
		return *p != NULL ? *p : "";
	}
	return "";
}

/* Append a template with its holes filled. */
static void
narrate_fill(struct narrate_out *o, const char *tmpl,
    const struct narrate_vars *v)
{
	const char *p = tmpl, *close, *val;
	size_t run;

	while (*p != '\0') {
		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			val = narrate_hole(v, p + 1, (size_t)(close - p - 1));
			narrate_addn(o, val, strlen(val));
			p = close + 1;
			continue;
		}
		/* Whole runs, so a cut never splits a character. */
		run = 1 + strcspn(p + 1, "{");
		narrate_addn(o, p, run);
		p += run;
	}
}

/* Append one sentence (or more), after the space between sentences. */
static void
narrate_put(struct narrate_out *o, const char *tmpl,
    const struct narrate_vars *v)
{
	if (*tmpl == '\0')
		return;
	narrate_sep(o);
	narrate_fill(o, tmpl, v);
}

/* Append sentences already filled (no holes are read in them). */
static void
narrate_say(struct narrate_out *o, const char *text)
{
	if (*text == '\0')
		return;
	narrate_sep(o);
	narrate_addn(o, text, strlen(text));
}

/* The words that fill {who} and {peer}. */
static const char *
narrate_side(enum ev_side side)
{
	/* TRANSLATORS: fills {who} or {peer} in the narration: "The {who}
	   sends ...", "the {peer}'s SYN".  A noun as it stands inside a
	   sentence (not a column title). */
	return side == EV_CLIENT ? C_("narration", "client") :
	    C_("narration", "server");
}

/* ------------------------------------------------------- state changes */

/* RFC 9293 3.3.2 figure 5, one sentence per arc; who = who moved. */
static const char *narrate_why_text[TCP_WHY_COUNT] = {
	[TCP_WHY_NONE] = "",
	/* TRANSLATORS: the narration's {holes} are filled by synfin: keep
	   each name as it is ({who}, not a translation of it); they may
	   move, repeat or go.  {who} is the endpoint that acts, "client" or
	   "server" (translated); {peer} is the other one.  State names
	   (SYN_SENT), flag names (SYN-ACK) and socket calls (connect())
	   stay in English. */
	[TCP_WHY_ACTIVE_OPEN] = N_("The {who} opens the connection: it "
	    "sends a SYN carrying its initial sequence number. It is now "
	    "SYN_SENT, waiting for the {peer}'s SYN-ACK."),
	[TCP_WHY_PASSIVE_OPEN] = N_("The {who} acknowledges the {peer}'s SYN "
	    "and sends its own: SYN-ACK. It is now SYN_RECEIVED, waiting for "
	    "the final ACK."),
	[TCP_WHY_SIMULTANEOUS_OPEN] = N_("The {who} receives a SYN while its "
	    "own SYN is still unanswered: both sides opened at once. It is "
	    "now SYN_RECEIVED."),
	[TCP_WHY_SYNACK_RECEIVED] = N_("The {who} receives the SYN-ACK: its "
	    "SYN is acknowledged, so it is now ESTABLISHED and answers with "
	    "the last ACK of the handshake."),
	[TCP_WHY_SYNACK_NOT_CAPTURED] = N_("The {who} acknowledges a SYN-ACK "
	    "that this capture missed, so it must be ESTABLISHED now."),
	[TCP_WHY_HANDSHAKE_ACKED] = N_("The {who} receives the ACK of its "
	    "SYN, the last of the three-way handshake, and is now "
	    "ESTABLISHED: data can flow both ways."),
	[TCP_WHY_ACK_NOT_CAPTURED] = N_("The handshake's last ACK was not "
	    "captured, but the {who} now sends as an ESTABLISHED endpoint "
	    "would, so it is ESTABLISHED."),
	[TCP_WHY_ACTIVE_CLOSE] = N_("The {who} has nothing more to send and "
	    "sends FIN. It is now FIN_WAIT_1, waiting for the {peer} to "
	    "acknowledge it."),
	[TCP_WHY_CLOSE_BEFORE_ESTABLISHED] = N_("The {who} closes before the "
	    "handshake is over: it sends FIN from SYN_RECEIVED and is now "
	    "FIN_WAIT_1."),
	[TCP_WHY_PASSIVE_CLOSE] = N_("The {who} receives the FIN: the {peer} "
	    "will send no more data. It is now CLOSE_WAIT and may still send "
	    "until its application closes too."),
	[TCP_WHY_FIN_ACKED] = N_("The {who}'s FIN is acknowledged. It is now "
	    "FIN_WAIT_2, waiting for the {peer}'s FIN."),
	[TCP_WHY_PEER_FIN_AFTER_OURS] = N_("The {who} receives the {peer}'s "
	    "FIN and is now TIME_WAIT: it lingers for twice the maximum "
	    "segment lifetime, in case its last ACK is lost and the FIN "
	    "comes again."),
	[TCP_WHY_SIMULTANEOUS_CLOSE] = N_("The {who} receives a FIN while its "
	    "own FIN is still unacknowledged: both sides closed at once. It "
	    "is now CLOSING."),
	[TCP_WHY_CLOSING_ACKED] = N_("The {who}'s FIN is acknowledged at "
	    "last. It is now TIME_WAIT."),
	[TCP_WHY_LAST_CLOSE] = N_("The {who} closes its side too and sends "
	    "its FIN. It is now LAST_ACK, waiting for the final ACK."),
	[TCP_WHY_LAST_ACK_ACKED] = N_("The {who} receives the ACK of its FIN: "
	    "the connection is over for it. It is now CLOSED."),
	[TCP_WHY_RST_SENT] = N_("The {who} aborts the connection with a "
	    "reset (RST): no goodbye, and data still in flight is thrown "
	    "away. It is now CLOSED."),
	[TCP_WHY_RST_RECEIVED] = N_("The {who} receives the RST and drops "
	    "the connection at once. It is now CLOSED."),
	[TCP_WHY_REFUSED] = N_("The {who} learns that nothing listens on "
	    "that port: the answer to its SYN is a RST. The connection is "
	    "refused (connect() fails with ECONNREFUSED) and it is CLOSED."),
	[TCP_WHY_NEVER_LISTENING] = N_("The {who} was never listening on "
	    "that port: its kernel answered the SYN with RST, so it stays "
	    "CLOSED."),
};

size_t
narrate_why(enum tcp_why why, enum ev_side side, char *buf, size_t len)
{
	struct narrate_out o = { buf, len, 0, false };
	struct narrate_vars v = { 0 };

	if (len > 0)
		buf[0] = '\0';
	if ((unsigned)why >= TCP_WHY_COUNT)
		return 0;
	v.who = narrate_side(side);
	v.peer = narrate_side(side == EV_CLIENT ? EV_SERVER : EV_CLIENT);
	narrate_put(&o, narrate_tr(narrate_why_text[why]), &v);
	return o.used;
}

/* ------------------------------------------------------------ packets */

/* How far past a packet its state changes may come (engine.c decides a
 * receiver's change on its next segment, a few events later). */
#define NARRATE_LOOKAHEAD	64

/* Analysis notes, lowest bit first (ev.h AN_*). */
static const char *narrate_an_text[AN_COUNT] = {
	N_("This is a retransmission: the {who} sends again what it sent "
	    "before, because no acknowledgement came in time."),
	N_("This is a fast retransmission: duplicate ACKs told the {who} a "
	    "segment was lost, so it resends it without waiting for a "
	    "timeout."),
	N_("This retransmission was not needed: the {peer} had already "
	    "acknowledged this data."),
	N_("This segment arrives out of order: it fills a gap before data "
	    "already seen."),
	N_("There is a gap in the sequence numbers: an earlier segment was "
	    "lost, or the capture missed it."),
	N_("This is a duplicate ACK: the {who} repeats the same "
	    "acknowledgement, a sign that data from the {peer} is missing."),
	N_("Zero window: the {who}'s receive buffer is full, so the {peer} "
	    "must stop sending until it opens again."),
	N_("This is a window update: the {who} only announces that it has "
	    "room to receive again."),
	N_("This is a keep-alive: the {who} checks that the quiet {peer} is "
	    "still there."),
	N_("It acknowledges data this capture never saw."),
	N_("This is a zero-window probe: the {who} asks whether the {peer}'s "
	    "window has opened."),
	N_("This RST lies outside the receive window, so the {peer} ignores "
	    "it (RFC 9293 3.10.7)."),
	N_("This is an IP fragment; synfin does not reassemble fragments."),
	N_("The capture cut this frame short (its snaplen), but its headers "
	    "are whole."),
	N_("The {peer} never processed this segment: it was lost after the "
	    "capture point, and the {peer}'s state does not change."),
};

static void
narrate_notes(struct narrate_out *o, uint32_t an,
    const struct narrate_vars *v)
{
	unsigned i;

	for (i = 0; i < AN_COUNT; i++) {
		if (an & (1U << i))
			narrate_put(o, narrate_tr(narrate_an_text[i]), v);
	}
}

/* Is event i the first packet of its conn? */
static int
narrate_first_packet(const struct timeline *tl, size_t i,
    const struct conn_info *ci)
{
	struct ev evb;
	const struct tl_conn *c = timeline_conn_by_id(tl, ci->id);
	const struct ev *e;
	const size_t *steps;
	size_t k;

	/* More evicted than its conn event: an earlier packet was one. */
	if (c == NULL || c->nevicted > 1)
		return 0;
	steps = timeline_conn_steps(tl, c);
	for (k = 0; k < c->nsteps; k++) {
		e = timeline_get(tl, steps[k], &evb);
		if (e != NULL && e->type == EV_PACKET)
			return steps[k] == i;
	}
	return 0;
}

static void
narrate_udp(struct narrate_out *o, const struct timeline *tl, size_t i,
    const struct ev *e, struct narrate_vars *v)
{
	const struct ev_packet *p = &e->u.pkt;
	char frame[24];

	if (p->reply_to != 0) {
		snprintf(frame, sizeof frame, "%" PRIu64, p->reply_to);
		v->frame = frame;
		/* TRANSLATORS: {n} is a count of bytes, {frame} a frame
		   number. */
		narrate_put(o, P_("The {who} answers with a datagram of {n} "
		    "byte, a reply to frame {frame}. UDP keeps no connection: "
		    "only the addresses and ports pair the reply with its "
		    "request.", "The {who} answers with a datagram of {n} "
		    "bytes, a reply to frame {frame}. UDP keeps no connection: "
		    "only the addresses and ports pair the reply with its "
		    "request.", p->len), v);
	} else if (narrate_first_packet(tl, i, e->conn))
		narrate_put(o, P_("The {who} sends a UDP datagram of {n} "
		    "byte. There is no handshake: UDP just sends, and nothing "
		    "on the wire says whether anyone is listening.",
		    "The {who} sends a UDP datagram of {n} "
		    "bytes. There is no handshake: UDP just sends, and nothing "
		    "on the wire says whether anyone is listening.", p->len),
		    v);
	else
		narrate_put(o, P_("The {who} sends another datagram, of {n} "
		    "byte.", "The {who} sends another datagram, of {n} "
		    "bytes.", p->len), v);
	narrate_notes(o, p->analysis, v);
}

/* Why a receiver did not process a segment (enum ev_unproc_why). */
static const char *narrate_unproc_text[EV_UNPROC_COUNT] = {
	N_("Frame {n} never reached the {who}'s socket: the {who} sends "
	    "again what that segment answered, so it did not process it. "
	    "Its state did not change."),
	N_("Frame {n} never reached the {who}'s socket: the {peer} sends it "
	    "again before the {who} showed any sign of it."),
	N_("Frame {n} was dropped before the {who}'s socket saw it: the "
	    "lesson's socket filter threw it away, so the {who} never "
	    "processed it."),
};

static void
narrate_unproc(struct narrate_out *o, const struct ev *e)
{
	struct narrate_vars v = { 0 };
	char n[24];

	if ((unsigned)e->u.unproc.why >= EV_UNPROC_COUNT)
		return;
	snprintf(n, sizeof n, "%" PRIu64, e->u.unproc.frame);
	v.n = n;
	v.who = narrate_side(e->u.unproc.endpoint);
	v.peer = narrate_side(e->u.unproc.endpoint == EV_CLIENT ? EV_SERVER :
	    EV_CLIENT);
	narrate_put(o, narrate_tr(narrate_unproc_text[e->u.unproc.why]), &v);
}

/* The event that says packet event i (e) was not processed, if held. */
static const struct ev *
narrate_unprocessed(const struct timeline *tl, size_t i, const struct ev *e,
    struct ev *evb)
{
	const struct ev *s;
	size_t j;

	for (j = i + 1; j < i + 4 * NARRATE_LOOKAHEAD &&
	    (s = timeline_get(tl, j, evb)) != NULL; j++) {
		if (s->type == EV_UNPROCESSED && s->conn == e->conn &&
		    s->u.unproc.frame == e->u.pkt.frame)
			return s;
	}
	return NULL;
}

/*
 * The close() or shutdown() that queued FIN packet i, when it was made
 * more than a millisecond before it: how long before (ns), or 0.
 */
static uint64_t
narrate_close_call(const struct timeline *tl, size_t i, const struct ev *e,
    struct ev *evb, const struct ev **call)
{
	const struct ev *s;
	enum ev_side side = e->u.pkt.dir == EV_C2S ? EV_CLIENT : EV_SERVER;
	size_t j;

	for (j = i; j > timeline_first(tl) && j + 16 * NARRATE_LOOKAHEAD > i;
	    j--) {
		s = timeline_get(tl, j - 1, evb);
		if (s == NULL || s->conn != e->conn)
			continue;
		if (s->type == EV_PACKET && s->u.pkt.dir == e->u.pkt.dir &&
		    (s->u.pkt.flags & TCP_FIN))
			return 0;	/* not the first FIN */
		if (s->type != EV_CALL || s->u.call.side != side ||
		    (strcmp(s->u.call.name, "close") != 0 &&
		    strcmp(s->u.call.name, "shutdown") != 0))
			continue;
		*call = s;
		if (e->ts_ns - s->ts_ns > 1000000)
			return (uint64_t)(e->ts_ns - s->ts_ns);
		return 0;
	}
	return 0;
}

/* Does packet i answer the peer's latest segment, a copy sent again? */
static bool
narrate_answers_copy(const struct timeline *tl, size_t i, const struct ev *e)
{
	struct ev evb;
	const struct ev *s;
	size_t j;

	for (j = i; j > timeline_first(tl) && j + NARRATE_LOOKAHEAD > i;
	    j--) {
		s = timeline_get(tl, j - 1, &evb);
		if (s == NULL || s->type != EV_PACKET || s->conn != e->conn ||
		    s->u.pkt.dir == e->u.pkt.dir)
			continue;
		return (s->u.pkt.analysis & (AN_RETRANSMISSION |
		    AN_SPURIOUS_RETRANSMISSION | AN_FAST_RETRANSMISSION)) != 0;
	}
	return false;
}

/*
 * The frame of an earlier copy of packet i (same direction, sequence
 * number and SYN/FIN) that its receiver never processed; 0: none.
 */
static uint64_t
narrate_lost_copy(const struct timeline *tl, size_t i, const struct ev *e)
{
	struct ev evb;
	const struct ev *s;
	const struct ev_packet *p = &e->u.pkt;
	size_t j;

	for (j = i; j > timeline_first(tl) && j + 4 * NARRATE_LOOKAHEAD > i;
	    j--) {
		s = timeline_get(tl, j - 1, &evb);
		if (s == NULL || s->type != EV_PACKET || s->conn != e->conn)
			continue;
		/* The nearest earlier copy: was it the one lost? */
		if (s->u.pkt.dir == p->dir && s->u.pkt.seq == p->seq &&
		    (s->u.pkt.flags & (TCP_SYN | TCP_FIN)) ==
		    (p->flags & (TCP_SYN | TCP_FIN)))
			return (s->u.pkt.analysis & AN_NOT_PROCESSED) ?
			    s->u.pkt.frame : 0;
	}
	return 0;
}

#define NARRATE_MAX_CHANGES	8

/*
 * The state changes to tell with packet step i, as the ladder shows them
 * at its step (the timeline folds into a step the changes it caused, and
 * those an earlier frame caused that the evidence put at this step:
 * crossing FINs, the server's CLOSING, caused by the client's FIN, at
 * the server's own FIN, once it is FIN_WAIT_1).
 */
static size_t
narrate_changes(const struct timeline *tl, size_t i, struct ev_state *out,
    size_t max)
{
	size_t n = timeline_changes(tl, i, out, max);

	return n < max ? n : max;
}

static void
narrate_tcp(struct narrate_out *o, const struct timeline *tl, size_t i,
    const struct ev *e, struct narrate_vars *v)
{
	const struct ev_packet *p = &e->u.pkt;
	struct ev ub, cb;
	const struct ev *u, *call;
	char seq[24], end[16], ack[16], label[64], why[NARRATE_MAX];
	struct ev_state chg[NARRATE_MAX_CHANGES];
	size_t j, nstates;
	uint64_t lost;
	uint32_t first, an;

	/* The changes shown at this step (ev.h: decided a few events
	 * later by the receiver's evidence). */
	nstates = narrate_changes(tl, i, chg, NARRATE_MAX_CHANGES);
	/* A SYN takes one sequence number before its data (TCP Fast Open). */
	first = p->rseq + ((p->flags & TCP_SYN) != 0);
	snprintf(seq, sizeof seq, "%" PRIu32, first);
	snprintf(end, sizeof end, "%" PRIu32, first + p->len - 1);
	snprintf(ack, sizeof ack, "%" PRIu32, p->rack);
	ev_flags_label(p->flags, label, sizeof label);
	v->seq = seq;
	v->end = end;
	v->ack = ack;
	v->label = label;

	if (p->len == 1) {
		/* TRANSLATORS: {seq} numbers the byte, counting from 1 in
		   the sender's stream. */
		narrate_put(o, _("The {who} sends 1 byte of data, byte {seq} "
		    "of its stream."), v);
	} else if (p->len > 1) {
		/* TRANSLATORS: {n} (2 or more) bytes; {seq} and {end} number
		   the first and the last, counting from 1 in the sender's
		   stream.  English never shows the first form (one byte
		   has a sentence of its own). */
		narrate_put(o, P_("The {who} sends {n} byte of data, bytes "
		    "{seq} to {end} of its stream.", "The {who} sends {n} bytes "
		    "of data, bytes {seq} to {end} of its stream.", p->len), v);
	} else if (nstates == 0) {
		if (p->flags & TCP_RST)
			/* TRANSLATORS: {label} is the segment's flags as the
			   ladder writes them: "RST", "RST-ACK", "SYN",
			   "FIN-ACK". */
			narrate_put(o, _("The {who} sends a reset: {label}."),
			    v);
		else if (p->flags & (TCP_SYN | TCP_FIN))
			narrate_put(o, _("The {who} sends {label} again."), v);
		else if (p->flags & TCP_ACK)
			/* TRANSLATORS: keep "ack={ack}" as it is: it is the
			   field the packet line shows. */
			narrate_put(o, _("The {who} acknowledges: ack={ack} "
			    "means it has everything the {peer} sent before "
			    "byte {ack}, and expects that byte next."), v);
		else
			narrate_put(o, _("The {who} sends a segment with "
			    "flags {label}."), v);
	}
	for (j = 0; j < nstates; j++) {
		narrate_why(chg[j].why, chg[j].endpoint, why, sizeof why);
		narrate_say(o, why);
	}
	/* A FIN queued behind data: the state changed at the call. */
	if ((p->flags & TCP_FIN) && (lost = narrate_close_call(tl, i, e,
	    &cb, &call)) != 0) {
		snprintf(seq, sizeof seq, "%" PRIu64, lost / 1000000);
		v->n = seq;
		v->name = call->u.call.name;
		v->cstate = tcp_state_name(p->st_after[p->dir == EV_C2S ?
		    EV_CLIENT : EV_SERVER]);
		/* TRANSLATORS: {name} is close or shutdown; {n} counts
		   milliseconds; {cstate} a state name, kept in English. */
		narrate_put(o, _("The {who} called {name}() {n} ms before "
		    "this FIN: its kernel has been {cstate} since then, while "
		    "the data queued before the FIN went out. The wire shows "
		    "the change only now."), v);
	}
	/* TCP Fast Open (RFC 7413): the cookie is the whole trick. */
	if ((p->opt.present & TCPOPT_F_TFO) && (p->flags & TCP_SYN)) {
		if (!(p->flags & TCP_ACK) && p->opt.tfo_len == 0)
			narrate_put(o, _("Its TCP Fast Open option is empty: it "
			    "asks the {peer} for a cookie, to send data in "
			    "the SYN next time."), v);
		else if (!(p->flags & TCP_ACK))
			narrate_put(o, _("It carries the Fast Open cookie the "
			    "{peer} gave it before: with it, the {peer} may "
			    "take the data in this SYN at once, a round trip "
			    "early."), v);
		else if (p->opt.tfo_len > 0)
			narrate_put(o, _("It hands the {peer} a Fast Open "
			    "cookie: the {peer}'s next connection may carry "
			    "data in its SYN."), v);
	}
	/* Not processed: say why when a later event knows. */
	an = p->analysis;
	if ((an & AN_NOT_PROCESSED) &&
	    (u = narrate_unprocessed(tl, i, e, &ub)) != NULL) {
		narrate_unproc(o, u);
		an &= ~(uint32_t)AN_NOT_PROCESSED;
	}
	/* A duplicate ACK that answers a copy sent again says nothing is
	 * missing: it only answers that copy. */
	if ((an & AN_DUP_ACK) && narrate_answers_copy(tl, i, e)) {
		an &= ~(uint32_t)AN_DUP_ACK;
		narrate_put(o, _("It repeats the same acknowledgement because "
		    "the {peer} sent a segment again that the {who} already "
		    "had: nothing is missing."), v);
	}
	narrate_notes(o, an, v);
	/* A copy sent again of one its receiver never saw. */
	if (p->analysis & (AN_RETRANSMISSION | AN_FAST_RETRANSMISSION |
	    AN_SPURIOUS_RETRANSMISSION | AN_OUT_OF_ORDER) &&
	    (lost = narrate_lost_copy(tl, i, e)) != 0) {
		snprintf(seq, sizeof seq, "%" PRIu64, lost);
		v->n = seq;
		narrate_put(o, _("It replaces frame {n}, which never reached "
		    "the {peer}'s socket: this copy is the one that counts."),
		    v);
	}
}

static void
narrate_packet(struct narrate_out *o, const struct timeline *tl, size_t i,
    const struct ev *e)
{
	struct narrate_vars v = { 0 };
	enum ev_side sender;
	char n[16];

	sender = e->u.pkt.dir == EV_C2S ? EV_CLIENT : EV_SERVER;
	v.who = narrate_side(sender);
	v.peer = narrate_side(sender == EV_CLIENT ? EV_SERVER : EV_CLIENT);
	snprintf(n, sizeof n, "%" PRIu32, e->u.pkt.len);
	v.n = n;
	if (e->conn != NULL && e->conn->proto == 6)
		narrate_tcp(o, tl, i, e, &v);
	else
		narrate_udp(o, tl, i, e, &v);
}

/* -------------------------------------------------------------- calls */

/* What a socket call does, as a learner needs to hear it. */
static const struct {
	const char	*name;
	const char	*text;
	int		 says_ret;	/* the return value is a byte count */
} narrate_calls[] = {
	/* TRANSLATORS: the socket calls stay as written (socket(),
	   bind(...)); {args} is what the program passed, as C would write
	   it ("10.0.0.2:80", "SHUT_WR"). */
	{ "socket", N_("The {who} calls socket(): it asks its kernel for a "
	    "new socket. Nothing goes on the wire yet."), 0 },
	{ "bind", N_("The {who} calls bind({args}): it claims that address "
	    "and port. Nothing goes on the wire."), 0 },
	{ "listen", N_("The {who} calls listen(): its socket is now LISTEN, "
	    "and its kernel will answer SYNs by itself."), 0 },
	{ "connect", N_("The {who} calls connect({args}): for TCP, its kernel "
	    "starts the three-way handshake by sending a SYN."), 0 },
	{ "accept", N_("The {who} calls accept(): it takes a connection its "
	    "kernel has already completed. The handshake never waits for "
	    "accept()."), 0 },
	{ "send", N_("The {who} calls send({args}): it hands the data to its "
	    "kernel, which sends it when it can."), 1 },
	{ "write", N_("The {who} calls write({args}): it hands the data to "
	    "its kernel, which sends it when it can."), 1 },
	{ "sendto", N_("The {who} calls sendto({args}): the datagram leaves "
	    "at once, with no handshake before it."), 1 },
	{ "recv", N_("The {who} calls recv(): it reads data its kernel has "
	    "already received and acknowledged."), 1 },
	{ "read", N_("The {who} calls read(): it reads data its kernel has "
	    "already received and acknowledged."), 1 },
	{ "recvfrom", N_("The {who} calls recvfrom(): it reads a datagram "
	    "its kernel has received."), 1 },
	{ "shutdown", N_("The {who} calls shutdown({args}): it will send no "
	    "more, so its kernel sends FIN, but it can still receive."), 0 },
	{ "close", N_("The {who} calls close(): the application is done with "
	    "the socket. Its kernel sends FIN (or RST, if received data was "
	    "left unread)."), 0 },
};

/* close() and setsockopt() as what they do in this situation. */
static const char *narrate_close_none = N_("The {who} calls close() on a "
    "socket with no connection to end (a listening socket, or one whose "
    "connection is already over): nothing goes on the wire.");
static const char *narrate_close_linger = N_("The {who} calls close() with "
    "SO_LINGER set to 0 seconds: its kernel does not say goodbye with FIN "
    "but aborts the connection with RST, and throws away anything unsent.");
static const char *narrate_close_unread = N_("The {who} calls close() "
    "while data it received is still unread: its kernel aborts with RST "
    "instead of FIN, so the {peer} learns that data was lost (RFC 2525).");
static const struct {
	const char	*prefix;
	const char	*text;
} narrate_sockopts[] = {
	{ "SO_LINGER", N_("The {who} calls setsockopt({args}): with SO_LINGER "
	    "on and 0 seconds, its close() will abort with RST instead of "
	    "closing with FIN. Nothing goes on the wire yet.") },
	{ "SO_ATTACH_FILTER", N_("The {who} calls setsockopt({args}): it "
	    "attaches a socket filter that drops everything, this lesson's "
	    "stand-in for a lossy network. Segments still reach the capture "
	    "point, then are thrown away before its socket sees them.") },
	{ "TCP_FASTOPEN", N_("The {who} calls setsockopt({args}): its "
	    "listener will take data carried in a SYN that brings a valid "
	    "Fast Open cookie (RFC 7413), and give cookies to clients that "
	    "ask.") },
	{ "SO_DETACH_FILTER", N_("The {who} calls setsockopt({args}): the "
	    "filter is gone, and what arrives from now on reaches its "
	    "socket.") },
	{ "SO_REUSEADDR", N_("The {who} calls setsockopt({args}): with "
	    "SO_REUSEADDR its bind() may take a port that a connection in "
	    "TIME_WAIT still holds, as a server restarted at once needs. "
	    "Nothing goes on the wire.") },
};

/* Which close() this is: the text that says what it sends. */
static const char *
narrate_close(const struct timeline *tl, size_t idx, const struct ev *e)
{
	struct ev evb;
	const struct ev *s;
	size_t k;

	if (e->conn == NULL || e->conn->proto != 6)
		return e->conn == NULL ? narrate_close_none : NULL;
	for (k = idx; k > timeline_first(tl) && k + 4 * NARRATE_LOOKAHEAD >
	    idx; k--) {
		s = timeline_get(tl, k - 1, &evb);
		if (s != NULL && s->type == EV_CALL &&
		    s->u.call.side == e->u.call.side &&
		    strcmp(s->u.call.name, "setsockopt") == 0 &&
		    strncmp(s->u.call.args, "SO_LINGER", 9) == 0)
			return narrate_close_linger;
	}
	/* What its kernel sent next tells FIN from RST. */
	for (k = idx + 1; k < idx + 4 * NARRATE_LOOKAHEAD &&
	    (s = timeline_get(tl, k, &evb)) != NULL; k++) {
		if (s->type != EV_PACKET || s->conn != e->conn ||
		    (s->u.pkt.dir == EV_C2S) != (e->u.call.side == EV_CLIENT))
			continue;
		if (s->u.pkt.flags & TCP_RST)
			return narrate_close_unread;
		if (s->u.pkt.flags & TCP_FIN)
			break;
	}
	return NULL;
}

/* The same calls on a UDP socket, where they differ. */
static const struct {
	const char	*name;
	const char	*text;
} narrate_udp_calls[] = {
	{ "connect", N_("The {who} calls connect({args}): for UDP this only "
	    "sets where its datagrams go by default. Nothing goes on the "
	    "wire: UDP has no handshake.") },
	{ "send", N_("The {who} calls send({args}): the datagram leaves at "
	    "once, with no handshake before it.") },
	{ "write", N_("The {who} calls write({args}): the datagram leaves at "
	    "once, with no handshake before it.") },
	{ "recv", N_("The {who} calls recv(): it reads a datagram its kernel "
	    "has received. Nobody acknowledges it: UDP has no ACKs.") },
	{ "read", N_("The {who} calls read(): it reads a datagram its kernel "
	    "has received. Nobody acknowledges it: UDP has no ACKs.") },
	{ "close", N_("The {who} calls close(): the socket is gone. Nothing "
	    "goes on the wire: UDP has no FIN.") },
};

/*
 * Why the kernel refused a call, or why it would block: the lesson of a
 * lab key pressed "too early" or "too late".  name NULL: any call.  A
 * call that would block is not a failure: the program waits (the lab's
 * peers in poll(), as a blocking call would in the kernel) and the call
 * is shown again when it returns.
 */
static const struct {
	const char	*name;
	int		 err;
	bool		 waits;
	const char	*text;
} narrate_call_errs[] = {
	/* TRANSLATORS: errno names (EINPROGRESS), socket calls, options
	   (SO_REUSEADDR), flags and states stay as written. */
	{ "connect", EINPROGRESS, true, N_("The {who}'s kernel has sent the "
	    "SYN; the call does not wait for the answer (EINPROGRESS): the "
	    "{who} waits until the handshake ends, and connect() is shown "
	    "again when it returns.") },
	{ "accept", EAGAIN, true, N_("No completed connection waits in the "
	    "accept queue yet (EAGAIN): accept() waits until the kernel has "
	    "finished a handshake, and is shown again when it returns.") },
	{ "recv", EAGAIN, true, N_("No data has arrived yet (EAGAIN): recv() "
	    "waits for data or a FIN, and is shown again when it returns.") },
	{ "connect", ECONNREFUSED, false, N_("Nothing listens on that port: "
	    "the {peer}'s kernel will answer the SYN with RST, and connect() "
	    "then fails.") },
	{ "connect", EISCONN, false, N_("This socket is connected already; a "
	    "TCP socket connects once.") },
	/* synfin run: a connected UDP socket after an ICMP error */
	{ NULL, ECONNREFUSED, false, N_("An earlier datagram of this "
	    "connected socket found nobody listening: the ICMP port "
	    "unreachable that came back is reported now, on this call. An "
	    "unconnected UDP socket never learns of it.") },
	{ "connect", ETIMEDOUT, false, N_("No answer came to the SYN and its "
	    "retransmissions; the kernel gave up.") },
	{ "send", EPIPE, false, N_("This socket can send no more: the {peer} "
	    "reset the connection (its RST arrived), or this side shut down "
	    "writing. A program that did not ask for MSG_NOSIGNAL would also "
	    "be killed by SIGPIPE.") },
	{ NULL, ECONNRESET, false, N_("The {peer}'s RST ended the connection: "
	    "data still in flight or unread is lost, and the socket can do "
	    "nothing more but close().") },
	{ "bind", EADDRINUSE, false, N_("Another socket holds this address "
	    "and port: a listener, or a connection in TIME_WAIT. On Linux, "
	    "SO_REUSEADDR lets bind() share the port with a TIME_WAIT "
	    "connection only if the socket that made that connection had "
	    "SO_REUSEADDR too.") },
	{ "accept", EINVAL, false, N_("The socket is not listening: accept() "
	    "works only after listen().") },
	{ "listen", EINVAL, false, N_("A connected socket cannot listen: "
	    "listen() is for a socket that is bound and not connected.") },
	{ NULL, ENOTCONN, false, N_("The socket is not connected: it is a "
	    "listener, or its connection never was or is gone.") },
	{ NULL, EBADF, false, N_("There is no such socket: it was closed "
	    "already, or never opened.") },
};

/*
 * Whether the call at index i is made on a UDP socket: its conn says so,
 * or, before there is one, the caller's latest socket() call.
 */
static bool
narrate_call_udp(const struct timeline *tl, size_t i, const struct ev *e)
{
	struct ev evb;
	const struct ev *p;
	size_t k;

	if (e->conn != NULL)
		return e->conn->proto == 17;
	for (k = i; k-- > timeline_first(tl);) {
		p = timeline_get(tl, k, &evb);
		if (p == NULL || p->type != EV_CALL ||
		    p->u.call.side != e->u.call.side ||
		    strcmp(p->u.call.name, "socket") != 0)
			continue;
		return strstr(p->u.call.args, "SOCK_DGRAM") != NULL;
	}
	return false;
}

static void
narrate_call(struct narrate_out *o, const struct timeline *tl, size_t idx,
    const struct ev *e)
{
	const struct ev_call *c = &e->u.call;
	struct narrate_vars v = { 0 };
	/* TRANSLATORS: a socket call synfin has no sentence for: {name} is
	   its name (setsockopt), {args} its arguments. */
	const char *text = N_("The {who} calls {name}({args}).");
	const char *why = NULL, *alt;
	/* accept4() is accept() with flags: the same sentences. */
	const char *name = strcmp(c->name, "accept4") == 0 ? "accept" :
	    c->name;
	char ret[24];
	int says_ret = 0;
	bool later = false;
	size_t i;

	v.who = narrate_side(c->side);
	v.peer = narrate_side(c->side == EV_CLIENT ? EV_SERVER : EV_CLIENT);
	v.name = c->name;
	v.args = c->args;
	for (i = 0; i < sizeof narrate_calls / sizeof narrate_calls[0]; i++) {
		if (strcmp(narrate_calls[i].name, name) == 0) {
			text = narrate_calls[i].text;
			says_ret = narrate_calls[i].says_ret;
			break;
		}
	}
	if (strcmp(c->name, "close") == 0 && c->err == 0 &&
	    (alt = narrate_close(tl, idx, e)) != NULL)
		text = alt;
	for (i = 0; strcmp(c->name, "setsockopt") == 0 &&
	    i < sizeof narrate_sockopts / sizeof narrate_sockopts[0]; i++) {
		if (strncmp(c->args, narrate_sockopts[i].prefix,
		    strlen(narrate_sockopts[i].prefix)) == 0)
			text = narrate_sockopts[i].text;
	}
	if (narrate_call_udp(tl, idx, e)) {
		for (i = 0; i < sizeof narrate_udp_calls /
		    sizeof narrate_udp_calls[0]; i++) {
			if (strcmp(narrate_udp_calls[i].name, name) == 0)
				text = narrate_udp_calls[i].text;
		}
	}
	narrate_put(o, _(text), &v);
	for (i = 0; c->err != 0 && i < sizeof narrate_call_errs /
	    sizeof narrate_call_errs[0]; i++) {
		if (narrate_call_errs[i].err != c->err ||
		    (narrate_call_errs[i].name != NULL &&
		    strcmp(narrate_call_errs[i].name, name) != 0))
			continue;
		if (narrate_call_errs[i].waits) {
			narrate_put(o, _(narrate_call_errs[i].text), &v);
			return;
		}
		why = narrate_call_errs[i].text;
		/* connect() is shown as it begins; the segment (or
		 * its absence) that makes it fail comes after. */
		later = strcmp(c->name, "connect") == 0 &&
		    (c->err == ECONNREFUSED || c->err == ETIMEDOUT);
		break;
	}
	if (c->err != 0) {
		v.err = ev_errno_name(c->err);
		v.errstr = strerror(c->err);
		/* TRANSLATORS: {err} is the errno name (ECONNREFUSED), kept
		   as is; {errstr} is the C library's words for it
		   ("Connection refused", in the user's language if the C
		   library has it). */
		if (later) {
			narrate_put(o, _(why), &v);
			/* TRANSLATORS: as "It fails: {err} ({errstr})." */
			narrate_put(o, _("When that answer comes, it returns "
			    "-1 with {err} ({errstr})."), &v);
		} else {
			narrate_put(o, _("It fails: {err} ({errstr})."), &v);
			if (why != NULL)
				narrate_put(o, _(why), &v);
		}
	} else if (says_ret) {
		snprintf(ret, sizeof ret, "%" PRId64, c->ret);
		v.ret = ret;
		/* TRANSLATORS: {ret} is the call's return value: the
		   number of bytes sent or read. */
		narrate_put(o, _("It returns {ret}."), &v);
	}
}

/* --------------------------------------------------------- the others */

/*
 * ev_icmp_desc()'s English words, said in the learner's language (the
 * ladder and --json keep the English).
 */
static const char *
narrate_icmp_desc(const char *desc)
{
	const char *const words[][2] = {
		{ "network unreachable",
		    /* TRANSLATORS: what an ICMP error reports; fills
		       {desc} in "{addr} sends an ICMP error: {desc}." */
		    C_("ICMP error", "network unreachable") },
		{ "host unreachable",
		    C_("ICMP error", "host unreachable") },
		{ "protocol unreachable",
		    C_("ICMP error", "protocol unreachable") },
		{ "port unreachable",
		    C_("ICMP error", "port unreachable") },
		{ "fragmentation needed",
		    C_("ICMP error", "fragmentation needed") },
		{ "source route failed",
		    C_("ICMP error", "source route failed") },
		{ "no route to destination",
		    C_("ICMP error", "no route to destination") },
		{ "administratively prohibited",
		    C_("ICMP error", "administratively prohibited") },
		{ "beyond scope of source address",
		    C_("ICMP error", "beyond scope of source address") },
		{ "address unreachable",
		    C_("ICMP error", "address unreachable") },
		{ "unreachable",
		    C_("ICMP error", "unreachable") },
		{ "packet too big",
		    C_("ICMP error", "packet too big") },
		{ "time exceeded",
		    C_("ICMP error", "time exceeded") },
		{ "parameter problem",
		    C_("ICMP error", "parameter problem") },
		{ "source quench",
		    C_("ICMP error", "source quench") },
		{ "redirect",
		    C_("ICMP error", "redirect") },
		{ "error",
		    C_("ICMP error", "error") },
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(words[i][0], desc) == 0)
			return words[i][1];
	}
	return desc;
}

static int
narrate_port_unreachable(const struct ev_icmp *ic)
{
	if (ic->family == 6)
		return ic->icmp_type == 1 && ic->icmp_code == 4;
	return ic->icmp_type == 3 && ic->icmp_code == 3;
}

static void
narrate_icmp(struct narrate_out *o, const struct ev *e)
{
	const struct ev_icmp *ic = &e->u.icmp;
	struct narrate_vars v = { 0 };
	char addr[64], frame[24];

	pkt_addr_str(&ic->src, addr, sizeof addr);
	v.addr = addr;
	v.desc = narrate_icmp_desc(ev_icmp_desc(ic->family, ic->icmp_type,
	    ic->icmp_code));
	snprintf(frame, sizeof frame, "%" PRIu64, ic->cause);
	v.frame = frame;
	if (narrate_port_unreachable(ic)) {
		narrate_put(o, _("The host {addr} answers with an ICMP error, "
		    "port unreachable: nothing listens on that port. This is "
		    "how a closed UDP port says no; a connected UDP socket "
		    "sees it as ECONNREFUSED."), &v);
		return;
	}
	/* TRANSLATORS: {addr} is an IP address; {desc} what the error
	   says ("host unreachable", translated). */
	narrate_put(o, _("{addr} sends an ICMP error: {desc}. It reports a "
	    "problem with an earlier packet."), &v);
	if (ic->cause != 0)
		narrate_put(o, _("It quotes frame {frame}."), &v);
}

static void
narrate_conn(struct narrate_out *o, const struct ev *e)
{
	struct narrate_vars v = { 0 };
	char cli[64], srv[64];

	pkt_endpoint_str(&e->conn->caddr, e->conn->cport, cli, sizeof cli);
	pkt_endpoint_str(&e->conn->saddr, e->conn->sport, srv, sizeof srv);
	v.cli = cli;
	v.srv = srv;
	v.proto = e->conn->proto == 6 ? "TCP" : "UDP";
	/* TRANSLATORS: {cli} and {srv} are address:port; {proto} is TCP
	   or UDP. */
	narrate_put(o, _("A new conversation: the client {cli} talks to the "
	    "server {srv} over {proto}."), &v);
	if (e->conn->guessed)
		narrate_put(o, _("Which side is the client was guessed from "
		    "the port numbers: the capture missed the start."), &v);
}

static void
narrate_summary(struct narrate_out *o, const struct ev *e)
{
	const struct ev_summary *s = &e->u.sum;
	struct narrate_vars v = { 0 };
	char n[24], cb[24], sb[24], data[256];
	struct narrate_out d = { data, sizeof data, 0, false };

	snprintf(n, sizeof n, "%" PRIu64, s->packets);
	snprintf(cb, sizeof cb, "%" PRIu64, s->bytes_c2s);
	snprintf(sb, sizeof sb, "%" PRIu64, s->bytes_s2c);
	v.n = n;
	v.cli = cb;
	v.srv = sb;
	data[0] = '\0';
	/* TRANSLATORS: fills {data} in "The conversation is over: {n}
	   packets, {data}."; {cli} and {srv} count the bytes of data each
	   side sent (the form follows {cli}). */
	narrate_fill(&d, P_("{cli} byte of data from the client and {srv} "
	    "from the server", "{cli} bytes of data from the client and {srv} "
	    "from the server", narrate_count(s->bytes_c2s)), &v);
	v.data = data;
	/* TRANSLATORS: {n} counts packets; {data} is the sentence part
	   "{cli} bytes of data from the client and {srv} from the
	   server", translated on its own. */
	narrate_put(o, P_("The conversation is over: {n} packet, {data}.",
	    "The conversation is over: {n} packets, {data}.",
	    narrate_count(s->packets)), &v);
	if (e->conn != NULL && e->conn->proto == 6) {
		v.cstate = tcp_state_name(s->client_state);
		v.sstate = tcp_state_name(s->server_state);
		/* TRANSLATORS: {cstate} and {sstate} are state names
		   (ESTABLISHED, TIME_WAIT), kept in English. */
		narrate_put(o, _("The client ends in {cstate}, the server in "
		    "{sstate}."), &v);
		/* Where the wire cannot tell, say so. */
		if (s->server_state == TCP_ST_LISTEN)
			narrate_put(o, _("The server never answered: nothing "
			    "on the wire shows its state, and LISTEN is only "
			    "what a SYN is sent to."), &v);
	}
	if (s->evicted)
		narrate_put(o, _("It was closed early: too many conversations "
		    "were open at once."), &v);
}

/* How far along a connection's life a state is, to tell which of the
 * kernel and the wire is ahead. */
static int
narrate_rank(enum tcp_state st)
{
	static const int rank[TCP_ST_COUNT] = {
		[TCP_ST_CLOSED] = 7, [TCP_ST_LISTEN] = 0,
		[TCP_ST_SYN_SENT] = 1, [TCP_ST_SYN_RECEIVED] = 2,
		[TCP_ST_ESTABLISHED] = 3, [TCP_ST_FIN_WAIT_1] = 4,
		[TCP_ST_CLOSE_WAIT] = 4, [TCP_ST_FIN_WAIT_2] = 5,
		[TCP_ST_CLOSING] = 5, [TCP_ST_LAST_ACK] = 5,
		[TCP_ST_TIME_WAIT] = 6,
	};

	return st < TCP_ST_COUNT ? rank[st] : 0;
}

/* The kernel's own state beside the one the packets show. */
static void
narrate_kstate(struct narrate_out *o, const struct ev *e)
{
	const struct ev_kstate *k = &e->u.kstate;
	struct narrate_vars v = { 0 };

	v.who = narrate_side(k->endpoint);
	v.kstate = tcp_state_name(k->state);
	v.wstate = tcp_state_name(k->wire);
	if (k->state == k->wire) {
		/* TRANSLATORS: {kstate} is a state name (ESTABLISHED), kept
		   as is. */
		narrate_put(o, _("The kernel has the {who}'s socket in "
		    "{kstate}, as its packets show."), &v);
		return;
	}
	/* TRANSLATORS: {kstate} and {wstate} are state names, kept as is:
	   the kernel's own, and what the packets showed until now. */
	narrate_put(o, _("The kernel has the {who}'s socket in {kstate}, "
	    "while its packets so far show {wstate}."), &v);
	if ((k->state == TCP_ST_FIN_WAIT_1 || k->state == TCP_ST_LAST_ACK) &&
	    (k->wire == TCP_ST_ESTABLISHED || k->wire == TCP_ST_CLOSE_WAIT))
		narrate_put(o, _("close() or shutdown() moved it there at "
		    "once, before its FIN left: the FIN waits behind data "
		    "not yet sent, or is on its way. The wire shows this "
		    "state only when the FIN appears."), &v);
	else if (k->state == TCP_ST_SYN_SENT && k->wire == TCP_ST_CLOSED)
		narrate_put(o, _("connect() moved it there before its SYN "
		    "left; the wire shows it with the SYN."), &v);
	else if (k->state == TCP_ST_CLOSED)
		narrate_put(o, _("The kernel no longer has this socket: it "
		    "was closed and freed, and no packet says so."), &v);
	else if (narrate_rank(k->state) < narrate_rank(k->wire))
		narrate_put(o, _("The kernel has not made the change the "
		    "packets suggest: it has not handled that segment yet "
		    "(the capture sees a segment as it arrives, before TCP "
		    "does), or it dropped it after the capture point (a "
		    "socket filter, a full queue) and never will."), &v);
	else
		narrate_put(o, _("Not every state has a packet of its own: "
		    "some change before their segment leaves, some with no "
		    "segment at all, and the wire shows them only when a "
		    "segment reveals them."), &v);
}

size_t
narrate_event(const struct timeline *tl, size_t i, char *buf, size_t len)
{
	struct ev evb;
	struct narrate_out o = { buf, len, 0, false };
	struct narrate_vars v = { 0 };
	const struct ev *e;
	char why[NARRATE_MAX], text[MSG_TEXT_MAX];

	if (len > 0)
		buf[0] = '\0';
	if ((e = timeline_get(tl, i, &evb)) == NULL)
		return 0;
	switch (e->type) {
	case EV_CONN:
		if (e->conn != NULL)
			narrate_conn(&o, e);
		break;
	case EV_PACKET:
		if (e->conn != NULL)
			narrate_packet(&o, tl, i, e);
		break;
	case EV_STATE:
		narrate_why(e->u.state.why, e->u.state.endpoint, why,
		    sizeof why);
		narrate_say(&o, why);
		break;
	case EV_ICMP:
		narrate_icmp(&o, e);
		break;
	case EV_WARNING:
		v.msg = msg_text(e->u.warn.msg, true, text, sizeof text);
		/* TRANSLATORS: {msg} is the warning itself (in your
		   language; a part from the capture library is English). */
		narrate_put(&o, _("Warning: {msg}."), &v);
		break;
	case EV_SUMMARY:
		narrate_summary(&o, e);
		break;
	case EV_CALL:
		narrate_call(&o, tl, i, e);
		break;
	case EV_UNPROCESSED:
		narrate_unproc(&o, e);
		break;
	case EV_OUTPUT:
		v.who = narrate_side(e->u.out.side);
		v.name = e->u.out.prog;
		v.msg = e->u.out.text;
		narrate_put(&o, e->u.out.stream == EV_STDERR ?
		    /* TRANSLATORS: synfin run: {name} is a program (the
		       client's or server's), {msg} the line it wrote. */
		    _("The {who} program {name} writes on its standard error: "
		    "{msg}") :
		    /* TRANSLATORS: synfin run: {name} is a program (the
		       client's or server's), {msg} the line it wrote. */
		    _("The {who} program {name} writes on its standard "
		    "output: {msg}"), &v);
		break;
	case EV_KSTATE:
		if (e->conn != NULL)
			narrate_kstate(&o, e);
		break;
	}
	return o.used;
}
