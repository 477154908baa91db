/* SPDX-License-Identifier: ISC */
/*
 * The engine: frames in, timeline events out.  Pure: no I/O, no clock
 * (each frame carries its time).  It owns the flow table and emits each
 * event to one sink as soon as it is known.  Memory is bounded by the
 * number of open flows, not by the number of frames.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "ev.h"

struct engine_config {
	uint32_t	max_flows;	/* open at once; the oldest is evicted */
	int64_t		closed_linger_ns; /* a closed TCP conn is kept so
					     late segments join it */
	int64_t		udp_idle_ns;	/* a UDP conn ends after this idle */
};

void		 engine_config_default(struct engine_config *);

struct engine	*engine_new(const struct engine_config *, struct sink *);
void		 engine_free(struct engine *);

/* One captured frame; `frame` is its 1-based number in the input. */
void		 engine_frame(struct engine *, uint64_t frame, int64_t ts_ns,
		     int linktype, const uint8_t *b, size_t caplen,
		     size_t wirelen);

/*
 * A socket call made at `ts_ns` (the clock pcap stamps with).  When the
 * call names its connection (local and remote endpoint), the event is
 * tied to that conn if it is known, and its side is then the conn's end
 * that has the local address.  A call that names a conn not seen yet
 * waits for the next frame, and is tied to the conn that frame opens,
 * just after its conn event.  Callers feed calls and frames in
 * time order.
 */
void		 engine_call(struct engine *, int64_t ts_ns,
		     const struct ev_call *call, uint8_t proto,
		     const struct pkt_addr *local, uint16_t lport,
		     const struct pkt_addr *remote, uint16_t rport);

/*
 * Calls that wait for their conn's first frame (engine_call) go out
 * untied: for a feeder that knows no frame is coming (its buffer is
 * empty).  engine_frame, engine_warn, engine_output, engine_finish do it
 * themselves when needed.
 */
void		 engine_calls_release(struct engine *);

/* synfin run: what a program wrote on its standard output or error. */
void		 engine_output(struct engine *, int64_t ts_ns,
		     const struct ev_output *);

/*
 * The kernel's state `st` of a TCP socket whose own address is
 * local:lport and peer remote:rport, read at `ts_ns` (source KSTATE_*).
 * When it names a known conn and differs from the last state the kernel
 * gave for that endpoint, an EV_KSTATE event says so, with the state the
 * packets show for it (its segments still waiting for evidence counted
 * as processed).  Sockets of no known conn are ignored.
 */
void		 engine_kstate(struct engine *, int64_t ts_ns,
		     const struct pkt_addr *local, uint16_t lport,
		     const struct pkt_addr *remote, uint16_t rport,
		     enum tcp_state st, int source);

/* An input-level problem (not about one frame), shown as a warning: an
 * English message id and its arguments (msg.h), copied by its sinks. */
void		 engine_warn(struct engine *, uint64_t frame, int64_t ts_ns,
		     const struct msg *);

/*
 * Live input: the engine's clock is now `now_ns` (the capture's clock).
 * A segment whose receiver has stayed silent 200 ms since is decided as
 * processed, and its state change emitted.  Replay never calls it: a
 * silence in a file is not evidence (a lost SYN-ACK is answered by a SYN
 * sent again a second later).
 */
void		 engine_tick(struct engine *, int64_t now_ns);

/* End of input: every conn still open gets its summary, after the state
 * changes still waiting for evidence (taken as processed). */
void		 engine_finish(struct engine *);

struct engine_stats {
	uint64_t	frames;
	uint64_t	malformed;	/* frames with a warning */
	uint64_t	ignored;	/* frames with nothing we track */
	uint64_t	conns;
	uint64_t	evicted;
};
void		 engine_stats(const struct engine *, struct engine_stats *);

#endif
