/* SPDX-License-Identifier: ISC */
/* The demo's lessons, each a table of socket calls for two peers. */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "i18n.h"
#include "scenario.h"

#define C(op, fd, arg, data, fl) { EV_CLIENT, SCN_##op, fd, arg, data, fl }
#define S(op, fd, arg, data, fl) { EV_SERVER, SCN_##op, fd, arg, data, fl }
#define PAUSE(ms)		 { EV_CLIENT, SCN_PAUSE, 0, ms, NULL, 0 }

/* Slots: 0 the server's listener, 1 what it accepts, 2 the client's. */
#define SERVER_UP \
	S(SOCKET, 0, SOCK_STREAM, NULL, 0), \
	S(BIND, 0, 0, NULL, 0), \
	S(LISTEN, 0, 5, NULL, 0), \
	S(ACCEPT, 0, 1, NULL, SCN_NOWAIT)

#define REQUEST_REPLY \
	C(SEND, 2, 0, "hello", 0), \
	S(RECV, 1, 0, NULL, 0), \
	S(SEND, 1, 0, "Hello, world!", 0), \
	C(RECV, 2, 0, NULL, 0)

#define CONNECT \
	C(SOCKET, 2, SOCK_STREAM, NULL, 0), \
	C(CONNECT, 2, 0, NULL, 0)

static const struct scn_step scn_handshake[] = {
	SERVER_UP, CONNECT, REQUEST_REPLY,
	C(CLOSE, 2, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_server_close[] = {
	SERVER_UP, CONNECT, REQUEST_REPLY,
	S(CLOSE, 1, 0, NULL, 0),
	C(RECV, 2, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_half_close[] = {
	SERVER_UP, CONNECT,
	C(SEND, 2, 0, "hello", 0),
	C(SHUTDOWN, 2, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(SEND, 1, 0, "still here", 0),
	C(RECV, 2, 0, NULL, 0),
	S(SEND, 1, 0, "and more", 0),
	C(RECV, 2, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	C(RECV, 2, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_simultaneous_close[] = {
	SERVER_UP, CONNECT, REQUEST_REPLY,
	/* Both released at once, to shut down at one shared instant. */
	C(SHUTDOWN_AT, 2, 0, NULL, SCN_NOWAIT),
	S(SHUTDOWN_AT, 1, 0, NULL, 0),
	PAUSE(20),
	C(RECV, 2, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_abort[] = {
	SERVER_UP, CONNECT, REQUEST_REPLY,
	C(LINGER0, 2, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_refused[] = {
	C(SOCKET, 2, SOCK_STREAM, NULL, 0),
	C(CONNECT, 2, 1, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
};

static const struct scn_step scn_unread_close[] = {
	SERVER_UP, CONNECT,
	C(SEND, 2, 0, "hello", 0),
	PAUSE(20),
	S(CLOSE, 1, 0, NULL, 0),
	C(RECV, 2, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_loss[] = {
	SERVER_UP, CONNECT,
	/* Segments reaching the server in the next 100 ms are dropped after
	 * the capture point: the lost one and its retransmission show. */
	S(DROP, 1, 100, NULL, 0),
	C(SEND, 2, 0, "hello", 0),
	S(RECV, 1, 0, NULL, 0),
	S(SEND, 1, 0, "Hello, world!", 0),
	C(RECV, 2, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_syn_retry[] = {
	SERVER_UP,
	C(SOCKET, 2, SOCK_STREAM, NULL, 0),
	/* The client drops what it receives for 300 ms: the SYN-ACK. */
	C(DROP, 2, 300, NULL, 0),
	C(CONNECT, 2, 0, NULL, 0),
	REQUEST_REPLY,
	C(CLOSE, 2, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_udp[] = {
	S(SOCKET, 0, SOCK_DGRAM, NULL, 0),
	S(BIND, 0, 0, NULL, 0),
	S(RECVFROM, 0, 0, NULL, SCN_NOWAIT),
	C(SOCKET, 2, SOCK_DGRAM, NULL, 0),
	C(SENDTO, 2, 0, "hello", 0),
	S(REPLY, 0, 0, "Hello, world!", 0),
	C(RECV, 2, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_udp_unreachable[] = {
	C(SOCKET, 2, SOCK_DGRAM, NULL, 0),
	C(CONNECT, 2, 1, NULL, 0),
	C(SEND, 2, 0, "hello", 0),
	PAUSE(20),
	C(RECV, 2, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
};

static const struct scn_step scn_many[] = {
	S(SOCKET, 0, SOCK_STREAM, NULL, 0),
	S(BIND, 0, 0, NULL, 0),
	S(LISTEN, 0, 8, NULL, 0),
	S(ACCEPT, 0, 6, NULL, SCN_NOWAIT),
	C(SOCKET, 2, SOCK_STREAM, NULL, 0),
	C(CONNECT, 2, 0, NULL, 0),
	S(ACCEPT, 0, 7, NULL, SCN_NOWAIT),
	C(SOCKET, 3, SOCK_STREAM, NULL, 0),
	C(CONNECT, 3, 0, NULL, 0),
	S(ACCEPT, 0, 8, NULL, SCN_NOWAIT),
	C(SOCKET, 4, SOCK_STREAM, NULL, 0),
	C(CONNECT, 4, 0, NULL, 0),
	S(ACCEPT, 0, 9, NULL, SCN_NOWAIT),
	C(SOCKET, 5, SOCK_STREAM, NULL, 0),
	C(CONNECT, 5, 0, NULL, 0),
	/* 1: the client closes first. */
	C(SEND, 2, 0, "one", 0),
	S(RECV, 6, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(RECV, 6, 0, NULL, 0),
	S(CLOSE, 6, 0, NULL, 0),
	/* 2: the client aborts. */
	C(LINGER0, 3, 0, NULL, 0),
	C(CLOSE, 3, 0, NULL, 0),
	S(RECV, 7, 0, NULL, 0),
	S(CLOSE, 7, 0, NULL, 0),
	/* 3: the server closes first. */
	S(CLOSE, 8, 0, NULL, 0),
	C(RECV, 4, 0, NULL, 0),
	C(CLOSE, 4, 0, NULL, 0),
	/* 4: the server closes with unread data. */
	C(SEND, 5, 0, "four", 0),
	PAUSE(20),
	S(CLOSE, 9, 0, NULL, 0),
	C(RECV, 5, 0, NULL, 0),
	C(CLOSE, 5, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

static const struct scn_step scn_fastopen[] = {
	S(SOCKET, 0, SOCK_STREAM, NULL, 0),
	S(FASTOPEN, 0, 5, NULL, 0),
	S(BIND, 0, 0, NULL, 0),
	S(LISTEN, 0, 5, NULL, 0),
	/* First connection: the client asks for a cookie. */
	S(ACCEPT, 0, 1, NULL, SCN_NOWAIT),
	C(SOCKET, 2, SOCK_STREAM, NULL, 0),
	C(SEND_FASTOPEN, 2, 0, "hello", 0),
	S(RECV, 1, 0, NULL, 0),
	C(CLOSE, 2, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	/* Second: the data rides in the SYN. */
	S(ACCEPT, 0, 1, NULL, SCN_NOWAIT),
	C(SOCKET, 3, SOCK_STREAM, NULL, 0),
	C(SEND_FASTOPEN, 3, 0, "hello", 0),
	S(RECV, 1, 0, NULL, 0),
	S(SEND, 1, 0, "Hello, world!", 0),
	C(RECV, 3, 0, NULL, 0),
	C(CLOSE, 3, 0, NULL, 0),
	S(RECV, 1, 0, NULL, 0),
	S(CLOSE, 1, 0, NULL, 0),
	S(CLOSE, 0, 0, NULL, 0),
};

#define SCN(name, summary, flags, steps) \
	{ name, summary, flags, steps, sizeof steps / sizeof steps[0] }

static const struct scenario scn_table[] = {
	/*
	 * TRANSLATORS: the lessons' one-line summaries (synfin demo --list).
	 * Keep socket calls (connect(), close()), flags (SYN, FIN, RST),
	 * states (CLOSING), options (SO_LINGER, SHUT_WR), errno names as
	 * they are.
	 */
	SCN("handshake", N_("connect, request, \"Hello, world!\", close: the "
	    "three-way handshake and the close"), 0, scn_handshake),
	SCN("server-close", N_("the server closes first"), 0,
	    scn_server_close),
	SCN("half-close", N_("shutdown(SHUT_WR): the server goes on sending "
	    "after the client's FIN"), 0, scn_half_close),
	SCN("simultaneous-close", N_("both sides shut down at the same "
	    "instant: crossing FINs, CLOSING"), SCN_RACE,
	    scn_simultaneous_close),
	SCN("abort", N_("SO_LINGER 0: close() sends RST"), 0, scn_abort),
	SCN("refused", N_("connect() to a closed port: RST, \"connection "
	    "refused\""), 0, scn_refused),
	SCN("unread-close", N_("close() with unread data sends RST"), 0,
	    scn_unread_close),
	SCN("loss", N_("a segment is lost and retransmitted after the RTO"),
	    SCN_DROPS, scn_loss),
	SCN("syn-retry", N_("the SYN-ACK is lost: SYN and SYN-ACK are sent "
	    "again"), SCN_DROPS, scn_syn_retry),
	SCN("udp", N_("a UDP request and its response: no handshake, no "
	    "teardown"), 0, scn_udp),
	SCN("udp-unreachable", N_("a datagram to a closed port: ICMP port "
	    "unreachable, then ECONNREFUSED"), 0, scn_udp_unreachable),
	SCN("ipv6", N_("the handshake lesson over ::1"), SCN_V6,
	    scn_handshake),
	SCN("many", N_("four connections at once, each ending its own way"),
	    0, scn_many),
	SCN("fastopen", N_("TCP Fast Open: a cookie first, then data in the "
	    "SYN"), SCN_TFO, scn_fastopen),
};

const struct scenario *
scenario_at(int i)
{
	if (i < 0 || (size_t)i >= sizeof scn_table / sizeof scn_table[0])
		return NULL;
	return &scn_table[i];
}

const struct scenario *
scenario_find(const char *name)
{
	const struct scenario *s;
	int i;

	for (i = 0; (s = scenario_at(i)) != NULL; i++) {
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

const char *
scenario_op_name(enum scn_op op)
{
	static const char *names[] = {
		[SCN_SOCKET] = "socket", [SCN_BIND] = "bind",
		[SCN_LISTEN] = "listen", [SCN_ACCEPT] = "accept",
		[SCN_CONNECT] = "connect", [SCN_SEND] = "send",
		[SCN_RECV] = "recv", [SCN_SENDTO] = "sendto",
		[SCN_RECVFROM] = "recvfrom", [SCN_REPLY] = "sendto",
		[SCN_SHUTDOWN] = "shutdown", [SCN_SHUTDOWN_AT] = "shutdown",
		[SCN_CLOSE] = "close", [SCN_LINGER0] = "setsockopt",
		[SCN_DROP] = "setsockopt", [SCN_FASTOPEN] = "setsockopt",
		[SCN_SEND_FASTOPEN] = "sendto", [SCN_PAUSE] = "pause",
	};

	if ((unsigned)op >= sizeof names / sizeof names[0])
		return "?";
	return names[op];
}
