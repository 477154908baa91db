/* SPDX-License-Identifier: ISC */
/*
 * Timeline events: what the engine tells its sinks (text, JSON, the
 * timeline the UI reads, exporters).  A sink sees each event once, in
 * order; pointers inside an event (conn info, strings) are valid only
 * during the emit call.  Copy what you keep.
 *
 * Order guarantees: a conn event before any event of that conn; a packet
 * event before the state events it caused (same frame); a conn's summary
 * after all its other events.  A receiver's state event is decided by
 * evidence (engine.c): it may come a few events after its packet, after
 * the packets of the conn sent before the receiver's next segment, but
 * always before that segment's packet event (or the summary).  An
 * endpoint's state events come in the order its states changed.
 */
#ifndef EV_H
#define EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "pkt.h"
#include "tcp_fsm.h"

enum ev_type {
	EV_CONN,
	EV_PACKET,
	EV_STATE,
	EV_ICMP,
	EV_WARNING,
	EV_SUMMARY,
	EV_CALL,
	EV_UNPROCESSED,
	EV_OUTPUT,
	EV_KSTATE,
};

enum ev_dir {
	EV_C2S = 0,
	EV_S2C = 1,
};

enum ev_side {
	EV_CLIENT = 0,
	EV_SERVER = 1,
};

/* Analysis notes per segment (tcp_analysis.c), as Wireshark names them. */
#define AN_RETRANSMISSION	0x0001
#define AN_FAST_RETRANSMISSION	0x0002
#define AN_SPURIOUS_RETRANSMISSION 0x0004
#define AN_OUT_OF_ORDER		0x0008
#define AN_LOST_SEGMENT		0x0010	/* previous segment not captured */
#define AN_DUP_ACK		0x0020
#define AN_ZERO_WINDOW		0x0040
#define AN_WINDOW_UPDATE	0x0080
#define AN_KEEP_ALIVE		0x0100
#define AN_ACKED_UNSEEN		0x0200	/* ACKed segment that wasn't captured */
#define AN_ZERO_WINDOW_PROBE	0x0400
#define AN_RST_IGNORED		0x0800	/* RST outside the receive window */
#define AN_FRAGMENT		0x1000	/* IP fragment, not reassembled */
#define AN_TRUNCATED		0x2000	/* cut by the capture's snaplen */
#define AN_NOT_PROCESSED	0x4000	/* its receiver demonstrably did not
					   process it (EV_UNPROCESSED says
					   why, when known only later) */
#define AN_COUNT		15

/* Wireshark's tcp.completeness bits. */
#define COMPL_SYN	1
#define COMPL_SYNACK	2
#define COMPL_ACK	4
#define COMPL_DATA	8
#define COMPL_FIN	16
#define COMPL_RST	32

/* What a conn is, fixed when it is first seen. */
struct conn_info {
	uint32_t	id;		/* 1-based, in order of first packet */
	uint8_t		proto;		/* 6 TCP, 17 UDP */
	bool		guessed;	/* roles from port heuristics */
	struct pkt_addr	caddr;
	struct pkt_addr	saddr;
	uint16_t	cport;
	uint16_t	sport;
	bool		no_socket;	/* UDP: the server's host answered
					   port unreachable and the "server"
					   never sent: no socket had that
					   port (set on later events) */
	enum tcp_state	init[2];	/* TCP: states before the first
					   packet, by enum ev_side (a guess
					   for the server of a SYN: LISTEN,
					   until a RST answers the SYN: then
					   CLOSED, "nothing listening", on
					   that conn's later events) */
};

struct ev_packet {
	uint64_t	frame;
	enum ev_dir	dir;
	uint32_t	len;		/* payload bytes */
	uint32_t	caplen;		/* frame bytes captured */
	/* TCP only */
	uint16_t	flags;
	uint32_t	seq, ack, rseq, rack;
	uint32_t	win;		/* scaled when scaling is known */
	struct tcp_opts	opt;
	uint32_t	analysis;	/* AN_* */
	/* UDP only: the request this datagram answers (0: none) */
	uint64_t	reply_to;
	/* TCP: both endpoints' states once this packet was processed,
	 * by enum ev_side (also when no state event says so, as for the
	 * server that answers a SYN with RST: it was never listening) */
	enum tcp_state	st_after[2];
	/* The payload's first paycap bytes (len may be more: cut by the
	 * snaplen, or by the timeline, which keeps a copy of at most
	 * TL_PAYLOAD_MAX bytes); NULL when none is held.  The engine's
	 * points into the frame, valid during the emit call only. */
	const uint8_t	*payload;
	uint32_t	paycap;
	/* The timeline had a copy and dropped it, past its payload budget
	 * (timeline.h): captured, but no longer held. */
	bool		paygone;
	/* The timeline keeps no copy (a file's payload is read again from
	 * the file, timeline_get_payload()) and reading it again failed. */
	bool		payunread;
};

struct ev_state {
	uint64_t	frame;		/* the segment that caused it */
	uint64_t	decided_by;	/* the later segment whose evidence
					   decided it; 0: at once, or at the
					   end of input or a timeout */
	enum ev_side	endpoint;
	enum tcp_state	from;
	enum tcp_state	to;
	enum tcp_why	why;
};

/* Why a segment's receiver did not process it (EV_UNPROCESSED). */
enum ev_unproc_why {
	EV_UNPROC_RECEIVER_SENT_AGAIN,	/* the receiver sent again what the
					   segment answered (a SYN after a
					   SYN-ACK, a FIN after its ACK) */
	EV_UNPROC_SENDER_SENT_AGAIN,	/* its sender sent it again before
					   the receiver showed any sign of
					   it */
	EV_UNPROC_DROPPED_BY_FILTER,	/* a lesson's socket filter dropped
					   it before the socket saw it */
	EV_UNPROC_COUNT
};

/*
 * A segment seen earlier (its packet event already emitted) that its
 * receiver did not process, as later evidence shows.  Views mark that
 * packet AN_NOT_PROCESSED.
 */
struct ev_unprocessed {
	uint64_t	frame;		/* the segment not processed */
	uint64_t	decided_by;	/* the segment that shows it; 0: none */
	enum ev_side	endpoint;	/* its receiver */
	enum ev_unproc_why why;
};

struct ev_icmp {
	uint64_t	frame;
	uint8_t		family;		/* 4 or 6 */
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	struct pkt_addr	src;		/* who sent the error */
	uint64_t	cause;		/* frame of the datagram/segment it
					   answers, when known (0: unknown) */
};

/*
 * A warning is a message (msg.h): an English id and its arguments, never
 * a sentence.  The sink renders it (msg_text()): translated for a person,
 * as it is for --json.
 */
struct ev_warning {
	uint64_t	frame;		/* 0: not about one frame */
	const struct msg *msg;
};

struct ev_summary {
	uint64_t	packets;
	uint64_t	bytes_c2s;
	uint64_t	bytes_s2c;
	uint8_t		completeness;	/* COMPL_*, TCP only */
	enum tcp_state	client_state;
	enum tcp_state	server_state;
	uint64_t	retransmissions;
	int64_t		first_ns;
	int64_t		last_ns;
	bool		evicted;	/* forced out by the flow cap */
};

/*
 * A socket call one of the demo's peers made (socket, connect ...), or
 * one a program made under synfin run (then pid and prog say whose).
 */
struct ev_call {
	enum ev_side	side;
	char		name[16];	/* "connect" */
	char		args[64];	/* "127.0.0.1:8080", "13 bytes" */
	int64_t		ret;
	int		err;		/* errno value; 0: none */
	/* A lesson's drop-all socket filter, attached or lifted by this
	 * call: segments sent to `side` meanwhile never reach its socket. */
	uint8_t		filter;		/* EV_CALL_FILTER_* */
	int32_t		pid;		/* synfin run: the caller; 0: a peer */
	char		prog[16];	/* synfin run: its name */
	/* demo, lab: the kernel's own state of the call's TCP socket as
	 * the call returned (TCP_INFO), as enum tcp_state + 1; 0: none
	 * (not TCP, no socket, or a state RFC 9293 does not name). */
	uint8_t		kstate;
};

/* synfin run: a line (or a piece of one) a program wrote. */
enum ev_stream {
	EV_STDOUT = 1,
	EV_STDERR = 2,
};

struct ev_output {
	int32_t		pid;		/* the program synfin started */
	char		prog[16];
	enum ev_side	side;		/* its role: --server CMD or PROGRAM */
	enum ev_stream	stream;
	const char	*text;		/* without its newline; not NUL-safe
					   bytes are replaced */
};

#define EV_CALL_FILTER_NONE	0
#define EV_CALL_FILTER_DROP	1	/* attached */
#define EV_CALL_FILTER_LIFT	2	/* lifted */

/*
 * The kernel's own state of one endpoint's socket, read from the kernel
 * (sock_diag, the sock:inet_sock_set_state tracepoint) by a source that
 * runs the programs (demo, run), when it changed.  `wire` is what the
 * packets had shown for that endpoint until then, its segments still
 * waiting for evidence counted as processed: they differ where the wire
 * cannot tell (FIN_WAIT_1 while the FIN waits behind unsent data) or was
 * wrong (a SYN-ACK captured, then dropped before TCP saw it).
 */
#define KSTATE_DIAG	0	/* sock_diag: the state when asked */
#define KSTATE_TRACE	1	/* the tracepoint: the change itself */

struct ev_kstate {
	enum ev_side	endpoint;
	enum tcp_state	state;
	enum tcp_state	wire;
	uint8_t		source;		/* KSTATE_* */
};

struct ev {
	enum ev_type	type;
	int64_t		ts_ns;		/* capture time, ns since the epoch */
	const struct conn_info *conn;	/* NULL for conn-less events */
	union {
		struct ev_packet	pkt;
		struct ev_state		state;
		struct ev_icmp		icmp;
		struct ev_warning	warn;
		struct ev_summary	sum;
		struct ev_call		call;
		struct ev_unprocessed	unproc;
		struct ev_output	out;
		struct ev_kstate	kstate;
	} u;
};

/*
 * A consumer of events.  close() flushes and frees it.  flush (may be
 * NULL) writes out what a sink holds back waiting for the next event
 * (text holds a packet's line for its state changes): a live source
 * calls it once the input has nothing more for now.  `ignores` has
 * EV_BIT(type) set for each type the sink drops unread: the engine does
 * not build those events (0, the default: it reads every type).
 */
#define EV_BIT(type)	(1U << (type))

struct sink {
	void	(*emit)(struct sink *, const struct ev *);
	void	(*close)(struct sink *);
	void	(*flush)(struct sink *);
	unsigned ignores;
};

static inline void
sink_emit(struct sink *s, const struct ev *e)
{
	s->emit(s, e);
}

static inline bool
sink_wants(const struct sink *s, enum ev_type type)
{
	return (s->ignores & EV_BIT(type)) == 0;
}

static inline void
sink_flush(struct sink *s)
{
	if (s != NULL && s->flush != NULL)
		s->flush(s);
}

static inline void
sink_close(struct sink *s)
{
	if (s != NULL && s->close != NULL)
		s->close(s);
}

/* "retransmission" for AN_RETRANSMISSION; NULL for an unknown bit. */
const char	*ev_analysis_name(uint32_t bit);
/* "SYN-ACK", "PSH-ACK", "NONE": flags as the ladder labels them. */
void		 ev_flags_label(uint16_t flags, char *buf, size_t len);
/* "port unreachable": what an ICMP or ICMPv6 error says, in English. */
const char	*ev_icmp_desc(uint8_t family, uint8_t type, uint8_t code);
/* "receiver_sent_again": the JSON key of an enum ev_unproc_why. */
const char	*ev_unproc_key(enum ev_unproc_why why);
/* "ECONNREFUSED" for ECONNREFUSED; "E123" for a number it lacks. */
const char	*ev_errno_name(int err);
/* Flag names, lowest bit first ("FIN" ... "AE"); NULL past the end. */
const char	*ev_flag_name(unsigned bit);
/*
 * Payload bytes as a person reads them: printable ASCII as it is, every
 * other byte (CR, LF, binary) a dot.  Writes at most len - 1 characters
 * and a NUL; returns how many bytes of p it wrote.
 */
size_t		 ev_payload_text(const uint8_t *p, size_t n, char *buf,
		    size_t len);
/*
 * One line of a hex dump of p[0..n): the offset `off`, then `per` bytes
 * from there in hex (the last line padded, so the text column stays in
 * place), then the same bytes as ev_payload_text() writes them.
 */
void		 ev_payload_hexline(const uint8_t *p, size_t n, size_t off,
		    size_t per, char *buf, size_t len);

#endif
