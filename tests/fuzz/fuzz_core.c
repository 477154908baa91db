/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness over the whole core: link decode, flow table, both
 * endpoints' FSMs, analysis, the timeline and the text and JSON output.
 * The input format is in fuzz.h.  Each frame is copied into a buffer of
 * exactly its caplen so that AddressSanitizer sees any overread.
 */

#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ev.h"
#include "fuzz.h"
#include "out.h"
#include "pkt.h"
#include "tcp_fsm.h"
#include "timeline.h"

static const int fuzz_core_linktypes[] = {
	DEC_LT_ETHERNET, DEC_LT_NULL, DEC_LT_PPP, DEC_LT_RAW, DEC_LT_LOOP,
	DEC_LT_LINUX_SLL, DEC_LT_IPV4, DEC_LT_IPV6, DEC_LT_NFLOG,
	DEC_LT_LINUX_SLL2,
};
#define FUZZ_CORE_NLT \
	(sizeof fuzz_core_linktypes / sizeof fuzz_core_linktypes[0])

/* The latest time capture.c gives: 2^33 s and a nanosecond field. */
#define FUZZ_CORE_TS_MAX	((1LL << 33) * 1000000000LL + 4294967295LL)

/* One engine, three consumers. */
struct fuzz_core_tee {
	struct sink	 sink;
	struct sink	*out[3];
	size_t		 nout;
	size_t		 nstates;	/* state changes emitted */
};

static void
fuzz_core_tee_emit(struct sink *s, const struct ev *e)
{
	struct fuzz_core_tee *t = (struct fuzz_core_tee *)s;
	size_t i;

	/* The invariant: every state change is one of RFC 9293's. */
	if (e->type == EV_STATE && !tcp_fsm_legal(e->u.state.from,
	    e->u.state.to))
		abort();
	if (e->type == EV_STATE)
		t->nstates++;
	for (i = 0; i < t->nout; i++)
		sink_emit(t->out[i], e);
}

static FILE *fuzz_core_null;

/*
 * Walk the timeline as a view would, through its accessors only: what the
 * memory cap evicted reads as NULL, everything held is there, and no held
 * step names an evicted event.  Each TCP conn's states are a chain of its
 * changes (from the states before a step, through the changes folded into
 * it, to the states after it), and when nothing was evicted every change
 * the engine emitted (nstates) is held exactly once.
 */
static void
fuzz_core_walk(const struct timeline *tl, size_t nstates)
{
	struct ev evb;
	struct ev_state chg[TL_REPLAY_CHG];
	const struct tl_conn *c;
	const size_t *steps;
	const struct ev *e;
	enum tcp_state st[2], after[2];
	size_t i, n, k, m, len = timeline_len(tl), first = timeline_first(tl);
	size_t held = 0;
	unsigned sum = 0;
	int side;

	if (first > len || timeline_evicted(tl) != first)
		abort();
	if (first > 0 && timeline_get(tl, first - 1, &evb) != NULL)
		abort();
	for (i = first; i < len; i++) {
		e = timeline_get(tl, i, &evb);
		if (e == NULL)
			abort();
		sum += e->type;
		/* Every change folded into a step is one of RFC 9293's. */
		n = timeline_changes(tl, i, chg, TL_REPLAY_CHG);
		held += n;
		while (n-- > 0)
			if (n < TL_REPLAY_CHG &&
			    !tcp_fsm_legal(chg[n].from, chg[n].to))
				abort();
	}
	if (timeline_get(tl, len, &evb) != NULL)
		abort();
	if (first == 0 && held != nstates)
		abort();		/* a change lost or doubled */
	for (i = 0; i < timeline_nconns(tl); i++) {
		c = timeline_conn(tl, i);
		if (c == NULL) {
			if (i >= timeline_conn_first(tl) &&
			    timeline_evicted(tl) == 0)
				abort();	/* only the cap drops conns */
			continue;
		}
		if (timeline_conn_by_id(tl, c->info.id) != c ||
		    timeline_conn_held(tl, timeline_conn_rank(tl, i)) != c)
			abort();
		steps = timeline_conn_steps(tl, c);
		for (n = 0; n <= c->nsteps; n++) {
			timeline_states_before(tl, c, n, st);
			sum += st[0] + st[1];
			if (n < c->nsteps && (steps[n] >= len ||
			    steps[n] < first || (n > 0 &&
			    steps[n] <= steps[n - 1])))
				abort();
		}
		if (c->nsteps > 0 && steps[c->nsteps - 1] != c->last)
			abort();
		if (c->info.proto != 6)
			continue;
		for (n = 0; n < c->nsteps; n++) {
			timeline_states_before(tl, c, n, st);
			timeline_states_before(tl, c, n + 1, after);
			m = timeline_changes(tl, steps[n], chg,
			    TL_REPLAY_CHG);
			for (k = 0; k < m && k < TL_REPLAY_CHG; k++) {
				side = chg[k].endpoint == EV_CLIENT ? 0 : 1;
				if (chg[k].from != st[side])
					abort();	/* not from there */
				st[side] = chg[k].to;
			}
			if (m <= TL_REPLAY_CHG && (st[0] != after[0] ||
			    st[1] != after[1]))
				abort();	/* its changes lead elsewhere */
		}
	}
	(void)sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_config cfg;
	struct fuzz_core_tee tee;
	struct timeline *tl;
	struct engine *e;
	struct msg none;
	uint64_t frame = 0;
	int64_t ts = 1700000000LL * 1000000000LL, step;
	size_t off, caplen, wirelen;
	uint8_t knobs, dt, *buf;
	size_t cap;
	int lt;

	if (size < FUZZ_CORE_HDR)
		return 0;
	if (fuzz_core_null == NULL &&
	    (fuzz_core_null = fopen("/dev/null", "w")) == NULL)
		abort();
	lt = fuzz_core_linktypes[data[0] % FUZZ_CORE_NLT];
	knobs = data[1];

	engine_config_default(&cfg);
	if (knobs & 0x80)
		cfg.max_flows = 1 + (knobs & 0x07);
	cap = (knobs & 0x40) ? 1 + 8 * ((knobs >> 3) & 0x07) : 0;
	tl = timeline_new(cap);
	memset(&tee, 0, sizeof tee);
	tee.sink.emit = fuzz_core_tee_emit;
	tee.out[tee.nout++] = out_text_new(fuzz_core_null,
	    (knobs & 0x20) ? OUT_TEXT_SUMMARY : OUT_TEXT_FULL);
	tee.out[tee.nout++] = out_json_new(fuzz_core_null);
	tee.out[tee.nout++] = timeline_sink(tl);
	e = engine_new(&cfg, &tee.sink);

	off = FUZZ_CORE_HDR;
	while (size - off >= FUZZ_CORE_FRAME_HDR) {
		caplen = (size_t)data[off] << 8 | data[off + 1];
		dt = data[off + 2];
		wirelen = data[off + 3];
		off += FUZZ_CORE_FRAME_HDR;
		if (caplen > size - off)
			caplen = size - off;
		/* Also the impossible: shorter on the wire than captured. */
		if (wirelen >= 0xf0)
			wirelen = caplen * (wirelen & 0x0f) / 16;
		else
			wirelen += caplen;
		/*
		 * Any time capture.c can hand over: it clamps seconds to
		 * [0, 2^33], so 0xfe jumps between the two ends.
		 */
		if (dt == 0xfe)
			ts = ts > FUZZ_CORE_TS_MAX / 2 ? 0 : FUZZ_CORE_TS_MAX;
		else if (dt == 0xff)
			ts = ts > 1000000000LL ? ts - 1000000000LL : 0;
		else {
			step = (int64_t)(dt & 0x1f) << (6 * (dt >> 5));
			ts = ts > FUZZ_CORE_TS_MAX - step ? FUZZ_CORE_TS_MAX :
			    ts + step;
		}
		/* Exactly caplen bytes, so an overread is caught. */
		buf = malloc(caplen > 0 ? caplen : 1);
		if (buf == NULL)
			abort();
		memcpy(buf, data + off, caplen);
		engine_frame(e, ++frame, ts, lt, buf,
		    caplen, wirelen);
		free(buf);
		/* Live: silence decides what is pending. */
		if (knobs & 0x08)
			engine_tick(e, ts);
		off += caplen;
	}
	if (frame == 0) {
		msg_init(&none, "no frames");
		engine_warn(e, 0, ts, &none);
	}
	engine_finish(e);
	engine_free(e);
	sink_close(tee.out[0]);
	sink_close(tee.out[1]);
	fuzz_core_walk(tl, tee.nstates);
	if (cap != 0 && timeline_len(tl) - timeline_first(tl) > cap)
		abort();		/* the memory cap holds */
	timeline_free(tl);
	fflush(fuzz_core_null);
	return 0;
}
