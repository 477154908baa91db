/* SPDX-License-Identifier: ISC */
/*
 * The kernel's own TCP states through sock_diag.  Invariants: `prev`
 * holds what the last good dump saw (connected sockets only, at most
 * KSTATE_MAX); a change is reported once.  Netlink replies are read
 * with their lengths checked against what was received.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include "kstate.h"
#include "xmalloc.h"

#define KSTATE_MAX	65536		/* sockets remembered at once */
#define KSTATE_BUF	32768

struct kstate {
	int		 fd;
	uint16_t	*ports;
	size_t		 nports;
	struct kstate_sock *prev, *cur;
	size_t		 nprev, ncur, cap;
	uint32_t	 seq;
	uint8_t		*buf;
};

int
kstate_from_linux(unsigned st)
{
	/* include/net/tcp_states.h */
	static const int map[] = {
		[1] = TCP_ST_ESTABLISHED, [2] = TCP_ST_SYN_SENT,
		[3] = TCP_ST_SYN_RECEIVED, [4] = TCP_ST_FIN_WAIT_1,
		[5] = TCP_ST_FIN_WAIT_2, [6] = TCP_ST_TIME_WAIT,
		[7] = TCP_ST_CLOSED, [8] = TCP_ST_CLOSE_WAIT,
		[9] = TCP_ST_LAST_ACK, [10] = TCP_ST_LISTEN,
		[11] = TCP_ST_CLOSING, [12] = TCP_ST_SYN_RECEIVED,
	};

	if (st == 0 || st >= sizeof map / sizeof map[0])
		return -1;
	return map[st];
}

struct kstate *
kstate_new(const uint16_t *ports, size_t nports, char *err, size_t len)
{
	struct timeval tv = { 1, 0 };
	struct kstate *k;
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		snprintf(err, len, "sock_diag: %s", strerror(errno));
		return NULL;
	}
	/* A dump is answered at once; never wait long for one. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	k = xcalloc(1, sizeof *k);
	k->fd = fd;
	if (nports > 0) {
		k->ports = xreallocarray(NULL, nports, sizeof *k->ports);
		memcpy(k->ports, ports, nports * sizeof *ports);
		k->nports = nports;
	}
	k->buf = xmalloc(KSTATE_BUF);
	return k;
}

void
kstate_free(struct kstate *k)
{
	if (k == NULL)
		return;
	close(k->fd);
	free(k->ports);
	free(k->prev);
	free(k->cur);
	free(k->buf);
	free(k);
}

static bool
kstate_port_ok(const struct kstate *k, uint16_t a, uint16_t b)
{
	size_t i;

	if (k->nports == 0)
		return true;
	for (i = 0; i < k->nports; i++) {
		if (k->ports[i] == a || k->ports[i] == b)
			return true;
	}
	return false;
}

static void
kstate_addr(struct pkt_addr *a, uint8_t family, const uint8_t raw[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(a, 0, sizeof *a);
	if (family == AF_INET6 && memcmp(raw, mapped, 12) == 0) {
		a->family = 4;
		memcpy(a->a, raw + 12, 4);
	} else if (family == AF_INET6) {
		a->family = 6;
		memcpy(a->a, raw, 16);
	} else {
		a->family = 4;
		memcpy(a->a, raw, 4);
	}
}

static void
kstate_keep(struct kstate *k, const struct inet_diag_msg *m)
{
	struct kstate_sock *s;
	int st = kstate_from_linux(m->idiag_state);
	uint16_t lport = ntohs(m->id.idiag_sport);
	uint16_t rport = ntohs(m->id.idiag_dport);

	if (st < 0 || rport == 0 || lport == 0 ||
	    !kstate_port_ok(k, lport, rport) || k->ncur >= KSTATE_MAX)
		return;
	if (k->ncur == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->cur = xreallocarray(k->cur, k->cap, sizeof *k->cur);
		k->prev = xreallocarray(k->prev, k->cap, sizeof *k->prev);
	}
	s = &k->cur[k->ncur++];
	kstate_addr(&s->local, m->idiag_family,
	    (const uint8_t *)m->id.idiag_src);
	kstate_addr(&s->remote, m->idiag_family,
	    (const uint8_t *)m->id.idiag_dst);
	s->lport = lport;
	s->rport = rport;
	s->state = (enum tcp_state)st;
}

/* One family's dump into k->cur.  0 or -1 with a message. */
static int
kstate_dump(struct kstate *k, uint8_t family, char *err, size_t len)
{
	struct {
		struct nlmsghdr		nh;
		struct inet_diag_req_v2	req;
	} q;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct inet_diag_msg m;
	struct nlmsghdr nh;
	struct nlmsgerr ne;
	ssize_t n;
	size_t off;

	memset(&q, 0, sizeof q);
	q.nh.nlmsg_len = sizeof q;
	q.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.nh.nlmsg_seq = ++k->seq;
	q.req.sdiag_family = family;
	q.req.sdiag_protocol = IPPROTO_TCP;
	q.req.idiag_states = ~0U;
	if (sendto(k->fd, &q, sizeof q, 0, (struct sockaddr *)&sa,
	    sizeof sa) != (ssize_t)sizeof q) {
		snprintf(err, len, "sock_diag: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		n = recv(k->fd, k->buf, KSTATE_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, len, "sock_diag: %s", n < 0 ?
			    strerror(errno) : "end of file");
			return -1;
		}
		for (off = 0; off + sizeof nh <= (size_t)n;) {
			memcpy(&nh, k->buf + off, sizeof nh);
			if (nh.nlmsg_len < sizeof nh ||
			    nh.nlmsg_len > (size_t)n - off)
				break;
			if (nh.nlmsg_seq != k->seq)
				goto next;
			if (nh.nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh.nlmsg_type == NLMSG_ERROR) {
				memset(&ne, 0, sizeof ne);
				if (nh.nlmsg_len >= NLMSG_LENGTH(sizeof ne))
					memcpy(&ne, k->buf + off +
					    NLMSG_HDRLEN, sizeof ne);
				snprintf(err, len, "sock_diag: %s",
				    strerror(ne.error < 0 ? -ne.error : EIO));
				return -1;
			}
			if (nh.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
			    nh.nlmsg_len >= NLMSG_LENGTH(sizeof m)) {
				memcpy(&m, k->buf + off + NLMSG_HDRLEN,
				    sizeof m);
				kstate_keep(k, &m);
			}
next:
			off += NLMSG_ALIGN(nh.nlmsg_len);
		}
	}
}

static bool
kstate_same(const struct kstate_sock *a, const struct kstate_sock *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	    pkt_addr_cmp(&a->local, &b->local) == 0 &&
	    pkt_addr_cmp(&a->remote, &b->remote) == 0;
}

int
kstate_poll(struct kstate *k, kstate_cb cb, void *arg, char *err,
    size_t len)
{
	struct kstate_sock gone, *t;
	size_t i, j, tcap;
	int changes = 0;

	k->ncur = 0;
	if (kstate_dump(k, AF_INET, err, len) != 0 ||
	    kstate_dump(k, AF_INET6, err, len) != 0)
		return -1;
	for (i = 0; i < k->ncur; i++) {
		for (j = 0; j < k->nprev; j++) {
			if (kstate_same(&k->cur[i], &k->prev[j]))
				break;
		}
		if (j == k->nprev || k->prev[j].state != k->cur[i].state) {
			cb(arg, &k->cur[i]);
			changes++;
		}
	}
	for (j = 0; j < k->nprev; j++) {
		for (i = 0; i < k->ncur; i++) {
			if (kstate_same(&k->cur[i], &k->prev[j]))
				break;
		}
		if (i == k->ncur && k->prev[j].state != TCP_ST_CLOSED) {
			gone = k->prev[j];
			gone.state = TCP_ST_CLOSED;
			cb(arg, &gone);
			changes++;
		}
	}
	t = k->prev;
	k->prev = k->cur;
	k->cur = t;
	tcap = k->nprev;
	k->nprev = k->ncur;
	k->ncur = tcap;
	k->ncur = 0;
	return changes;
}
