/* SPDX-License-Identifier: ISC */
/*
 * tcp_classify(): every kind of segment, as the FSM events of its sender
 * and of its receiver, and the RSTs a receiver would not accept.
 */

#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "pkt.h"
#include "tcp_classify.h"

/* What one endpoint has sent so far, as the cases need it. */
struct half_spec {
	bool		seen, syn, fin, next_set;
	uint32_t	isn, fin_seq, next_seq, win;
	int		wscale;
};

/* An array, not a pointer: Criterion's workers are new processes. */
struct cls_case {
	char		label[64];
	uint16_t	flags;
	uint32_t	seq, ack;
	struct half_spec snd, rcv;
	enum tcp_state	rcv_st;
	bool		ok;
	unsigned	ns, nr;
	enum tcp_fsm_ev	sl[TCP_CLASSIFY_EVS], rl[TCP_CLASSIFY_EVS];
};

/* Client ISN 1000, server ISN 5000; nothing seen; or SYNs seen, no
 * scale; or the receiver's FIN at 6000 seen too. */
#define NONE	{ .wscale = -1 }
#define CLI	{ .seen = true, .syn = true, .isn = 1000, .next_set = true, \
	.next_seq = 1001, .win = 1000, .wscale = -1 }
#define SRV	{ .seen = true, .syn = true, .isn = 5000, .next_set = true, \
	.next_seq = 5001, .win = 1000, .wscale = -1 }
#define SRV_FIN	{ .seen = true, .syn = true, .isn = 5000, .fin = true, \
	.fin_seq = 6000, .next_set = true, .next_seq = 6001, .win = 1000, \
	.wscale = -1 }
/* For RSTs: the sender sent up to 2000, the receiver's window is `w`,
 * scaled by `rs` when the sender's scale `ss` is known too. */
#define RSND(ss) { .seen = true, .next_set = true, .next_seq = 2000, \
	.wscale = (ss) }
#define RRCV(w, rs) { .seen = true, .next_set = true, .next_seq = 9000, \
	.win = (w), .wscale = (rs) }

#define F(x)	TCP_##x
#define E(x)	TCP_EV_##x
#define ST(x)	TCP_ST_##x

ParameterizedTestParameters(tcp_classify, rows)
{
	static struct cls_case cases[] = {
		/* Opening. */
		{ "SYN", F(SYN), 1000, 0, NONE, NONE, ST(LISTEN), true,
		    1, 1, { E(SND_SYN) }, { E(RCV_SYN) } },
		{ "SYN sent again", F(SYN), 1000, 0, CLI, NONE, ST(LISTEN),
		    true, 1, 1, { E(SND_SYN) }, { E(RCV_SYN) } },
		{ "SYN-ACK", F(SYN) | F(ACK), 5000, 1001, NONE, CLI,
		    ST(SYN_SENT), true, 1, 1, { E(SND_SYNACK) },
		    { E(RCV_SYNACK) } },
		{ "SYN-ACK acking past the ISN", F(SYN) | F(ACK), 5000, 1500,
		    NONE, CLI, ST(SYN_SENT), true, 1, 1, { E(SND_SYNACK) },
		    { E(RCV_SYNACK) } },
		{ "SYN-ACK whose ack is the ISN itself", F(SYN) | F(ACK), 5000,
		    1000, NONE, CLI, ST(SYN_SENT), true, 1, 0,
		    { E(SND_SYNACK) }, { 0 } },
		{ "SYN-ACK whose ack is below the ISN", F(SYN) | F(ACK), 5000,
		    900, NONE, CLI, ST(SYN_SENT), true, 1, 0,
		    { E(SND_SYNACK) }, { 0 } },
		{ "SYN-ACK, the receiver's SYN not captured", F(SYN) | F(ACK),
		    5000, 77, NONE, NONE, ST(SYN_SENT), true, 1, 1,
		    { E(SND_SYNACK) }, { E(RCV_SYNACK) } },
		{ "ACK of SYN", F(ACK), 1001, 5001, CLI, SRV,
		    ST(SYN_RECEIVED), true, 1, 1, { E(SND_ACK) },
		    { E(RCV_ACK_SYN) } },
		{ "ACK that does not cover the SYN", F(ACK), 1001, 5000, CLI,
		    SRV, ST(SYN_RECEIVED), true, 1, 0, { E(SND_ACK) },
		    { 0 } },
		{ "ACK, the receiver's SYN not captured", F(ACK), 1001, 3,
		    CLI, NONE, ST(ESTABLISHED), true, 1, 1, { E(SND_ACK) },
		    { E(RCV_ACK_SYN) } },
		{ "data with ACK", F(ACK) | F(PSH), 1001, 5001, CLI, SRV,
		    ST(ESTABLISHED), true, 1, 1, { E(SND_ACK) },
		    { E(RCV_ACK_SYN) } },
		{ "no flags at all", 0, 1001, 0, CLI, SRV, ST(ESTABLISHED),
		    true, 0, 0, { 0 }, { 0 } },
		/* Closing. */
		{ "ACK of FIN", F(ACK), 1001, 6001, CLI, SRV_FIN,
		    ST(FIN_WAIT_1), true, 1, 2, { E(SND_ACK) },
		    { E(RCV_ACK_SYN), E(RCV_ACK_FIN) } },
		{ "ACK that stops short of the FIN", F(ACK), 1001, 6000, CLI,
		    SRV_FIN, ST(FIN_WAIT_1), true, 1, 1, { E(SND_ACK) },
		    { E(RCV_ACK_SYN) } },
		{ "FIN without ACK", F(FIN), 1001, 0, CLI, SRV,
		    ST(ESTABLISHED), true, 1, 1, { E(SND_FIN) },
		    { E(RCV_FIN) } },
		{ "FIN-ACK", F(FIN) | F(ACK), 1001, 5001, CLI, SRV,
		    ST(ESTABLISHED), true, 1, 2, { E(SND_FIN) },
		    { E(RCV_ACK_SYN), E(RCV_FIN) } },
		{ "FIN-ACK that acks the receiver's FIN", F(FIN) | F(ACK),
		    1001, 6001, CLI, SRV_FIN, ST(FIN_WAIT_1), true, 1, 3,
		    { E(SND_FIN) },
		    { E(RCV_ACK_SYN), E(RCV_ACK_FIN), E(RCV_FIN) } },
		{ "FIN-ACK short of the receiver's FIN", F(FIN) | F(ACK),
		    1001, 6000, CLI, SRV_FIN, ST(FIN_WAIT_1), true, 1, 2,
		    { E(SND_FIN) }, { E(RCV_ACK_SYN), E(RCV_FIN) } },
		{ "SYN with FIN: the SYN wins", F(SYN) | F(FIN), 1000, 0,
		    NONE, NONE, ST(LISTEN), true, 1, 1, { E(SND_SYN) },
		    { E(RCV_SYN) } },
		/* RST: window 1000 from 2000 holds 2000 .. 2999. */
		{ "RST in window", F(RST), 2000, 0, RSND(-1), RRCV(1000, -1),
		    ST(ESTABLISHED), true, 1, 1, { E(SND_RST) },
		    { E(RCV_RST) } },
		{ "RST at the window's last byte", F(RST), 2999, 0, RSND(-1),
		    RRCV(1000, -1), ST(ESTABLISHED), true, 1, 1,
		    { E(SND_RST) }, { E(RCV_RST) } },
		{ "RST just past the window", F(RST), 3000, 0, RSND(-1),
		    RRCV(1000, -1), ST(ESTABLISHED), false, 0, 0, { 0 },
		    { 0 } },
		{ "RST before the window", F(RST), 1999, 0, RSND(-1),
		    RRCV(1000, -1), ST(ESTABLISHED), false, 0, 0, { 0 },
		    { 0 } },
		{ "RST-ACK in window, flags beside RST ignored",
		    F(RST) | F(ACK) | F(FIN) | F(SYN), 2500, 1, RSND(-1),
		    RRCV(1000, -1), ST(ESTABLISHED), true, 1, 1,
		    { E(SND_RST) }, { E(RCV_RST) } },
		{ "RST in the scaled window", F(RST), 2000 + 1200, 0,
		    RSND(2), RRCV(1000, 2), ST(ESTABLISHED), true, 1, 1,
		    { E(SND_RST) }, { E(RCV_RST) } },
		{ "RST past the scaled window", F(RST), 2000 + 4000, 0,
		    RSND(2), RRCV(1000, 2), ST(ESTABLISHED), false, 0, 0,
		    { 0 }, { 0 } },
		{ "RST: no scale unless both SYNs had one", F(RST),
		    2000 + 1200, 0, RSND(-1), RRCV(1000, 2), ST(ESTABLISHED),
		    false, 0, 0, { 0 }, { 0 } },
		{ "RST into a zero window, at its edge", F(RST), 2000, 0,
		    RSND(-1), RRCV(0, -1), ST(ESTABLISHED), true, 1, 1,
		    { E(SND_RST) }, { E(RCV_RST) } },
		{ "RST into a zero window, one past", F(RST), 2001, 0,
		    RSND(-1), RRCV(0, -1), ST(ESTABLISHED), false, 0, 0,
		    { 0 }, { 0 } },
		{ "RST, the receiver never seen", F(RST), 123456, 0,
		    RSND(-1), NONE, ST(ESTABLISHED), true, 1, 1,
		    { E(SND_RST) }, { E(RCV_RST) } },
		{ "RST, nothing seen from its sender", F(RST), 123456, 0,
		    NONE, RRCV(1000, -1), ST(ESTABLISHED), true, 1, 1,
		    { E(SND_RST) }, { E(RCV_RST) } },
		/* RST to SYN_SENT (3.10.7.3): it must ack the SYN. */
		{ "RST-ACK refusing the SYN", F(RST) | F(ACK), 0, 1001, NONE,
		    CLI, ST(SYN_SENT), true, 1, 1, { E(SND_RST) },
		    { E(RCV_RST) } },
		{ "RST-ACK acking past the SYN", F(RST) | F(ACK), 0, 1002,
		    NONE, CLI, ST(SYN_SENT), false, 0, 0, { 0 }, { 0 } },
		{ "RST-ACK acking short of the SYN", F(RST) | F(ACK), 0, 1000,
		    NONE, CLI, ST(SYN_SENT), false, 0, 0, { 0 }, { 0 } },
		{ "bare RST to SYN_SENT", F(RST), 2000, 0, RSND(-1), CLI,
		    ST(SYN_SENT), false, 0, 0, { 0 }, { 0 } },
		{ "RST-ACK to SYN_SENT, its SYN not captured", F(RST) | F(ACK),
		    0, 42, NONE, NONE, ST(SYN_SENT), true, 1, 1,
		    { E(SND_RST) }, { E(RCV_RST) } },
		{ "RST-ACK refusing, window not consulted in SYN_SENT",
		    F(RST) | F(ACK), 77777, 1001, RSND(-1), CLI, ST(SYN_SENT),
		    true, 1, 1, { E(SND_RST) }, { E(RCV_RST) } },
	};

	return cr_make_param_array(struct cls_case, cases,
	    sizeof cases / sizeof cases[0]);
}

static void
half_make(struct tcp_half *h, const struct half_spec *s)
{
	tcp_half_init(h);
	h->seen = s->seen;
	h->syn_seen = s->syn;
	h->isn = s->isn;
	h->fin_seen = s->fin;
	h->fin_seq = s->fin_seq;
	h->next_set = s->next_set;
	h->next_seq = s->next_seq;
	h->win = s->win;
	h->wscale = s->wscale;
}

static void
evs_check(const char *label, const char *who, const struct tcp_fsm_evs *got,
    unsigned n, const enum tcp_fsm_ev *want)
{
	unsigned i;

	cr_assert_eq(got->n, n, "%s: %s has %u events, want %u (first: %s)",
	    label, who, got->n, n,
	    got->n > 0 ? tcp_fsm_ev_name(got->ev[0]) : "-");
	for (i = 0; i < n; i++)
		cr_assert_eq(got->ev[i], want[i], "%s: %s event %u is %s, "
		    "want %s", label, who, i, tcp_fsm_ev_name(got->ev[i]),
		    tcp_fsm_ev_name(want[i]));
}

ParameterizedTest(struct cls_case *c, tcp_classify, rows)
{
	struct tcp_seg s = { c->flags, c->seq, c->ack };
	struct tcp_half snd, rcv, snd0, rcv0;
	struct tcp_fsm_evs sl = { .n = 99 }, rl = { .n = 99 };
	bool ok;

	half_make(&snd, &c->snd);
	half_make(&rcv, &c->rcv);
	snd0 = snd;
	rcv0 = rcv;
	ok = tcp_classify(&s, &snd, &rcv, c->rcv_st, &sl, &rl);
	cr_assert_eq(ok, c->ok, "%s: returned %d, want %d", c->label, ok,
	    c->ok);
	evs_check(c->label, "sender", &sl, c->ns, c->sl);
	evs_check(c->label, "receiver", &rl, c->nr, c->rl);
	/* Pure: the halves are read, never written. */
	cr_assert(memcmp(&snd, &snd0, sizeof snd) == 0, "%s: snd written",
	    c->label);
	cr_assert(memcmp(&rcv, &rcv0, sizeof rcv) == 0, "%s: rcv written",
	    c->label);
}

/* The receiver's state is read for a RST only: a SYN-ACK is classified
 * alike whatever state its receiver is projected in. */
Test(tcp_classify, state_read_for_rst_only)
{
	struct tcp_seg s = { TCP_SYN | TCP_ACK, 5000, 1001 };
	struct tcp_half snd, rcv;
	struct tcp_fsm_evs sl, rl;
	int st;

	tcp_half_init(&snd);
	tcp_half_init(&rcv);
	rcv.seen = rcv.syn_seen = true;
	rcv.isn = 1000;
	for (st = 0; st < TCP_ST_COUNT; st++) {
		cr_assert(tcp_classify(&s, &snd, &rcv, (enum tcp_state)st,
		    &sl, &rl));
		cr_assert_eq(sl.n, 1);
		cr_assert_eq(rl.n, 1);
		cr_assert_eq(rl.ev[0], TCP_EV_RCV_SYNACK, "in %s",
		    tcp_state_name((enum tcp_state)st));
	}
}

/* Sequence numbers wrap: an ACK of a SYN sent at 2^32 - 1 is 0. */
Test(tcp_classify, ack_wraps)
{
	struct tcp_seg s = { TCP_ACK, 10, 0 };
	struct tcp_half snd, rcv;
	struct tcp_fsm_evs sl, rl;

	tcp_half_init(&snd);
	tcp_half_init(&rcv);
	rcv.seen = rcv.syn_seen = true;
	rcv.isn = UINT32_MAX;
	cr_assert(tcp_classify(&s, &snd, &rcv, TCP_ST_SYN_RECEIVED, &sl,
	    &rl));
	cr_assert_eq(rl.n, 1);
	cr_assert_eq(rl.ev[0], TCP_EV_RCV_ACK_SYN);
	s.ack = UINT32_MAX;
	cr_assert(tcp_classify(&s, &snd, &rcv, TCP_ST_SYN_RECEIVED, &sl,
	    &rl));
	cr_assert_eq(rl.n, 0, "an ack of the ISN itself covers nothing");
}
