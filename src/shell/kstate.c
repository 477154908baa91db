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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include "clock.h"
#include "ev.h"
#include "kstate.h"
#include "xmalloc.h"

#define KSTATE_MAX	65536		/* sockets remembered at once */
#define KSTATE_BUF	32768
#define KSTATE_RING_PAGES 64		/* a tracepoint ring's data, per CPU */
#define KSTATE_TRACEFS	"/sys/kernel/tracing/events/sock/inet_sock_set_state"

/* The tracepoint's fields we read: offset and size in its raw record. */
enum {
	KT_OLD, KT_NEW, KT_SPORT, KT_DPORT, KT_FAMILY, KT_PROTO, KT_SADDR,
	KT_DADDR, KT_SADDR6, KT_DADDR6, KT_NFIELDS
};

struct kstate_ring {
	int		 fd;
	uint8_t		*base;		/* the control page, then the data */
};

struct kstate {
	int		 fd;
	uint16_t	*ports;
	size_t		 nports;
	struct kstate_sock *prev, *cur;
	size_t		 nprev, ncur, cap;
	uint32_t	 seq;
	uint8_t		*buf;
	int64_t		 now;		/* when the last reply came */
	/* the tracepoint */
	struct kstate_ring *rings;
	size_t		 nrings;
	size_t		 pagesz;
	unsigned	 off[KT_NFIELDS];
	uint64_t	 lost;
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
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nrings; i++) {
		munmap(k->rings[i].base, (1 + KSTATE_RING_PAGES) * k->pagesz);
		close(k->rings[i].fd);
	}
	free(k->rings);
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
	s->source = KSTATE_DIAG;
	s->ts_ns = k->now;
}

/* One family's dump into k->cur.  0 or -1 with a message. */
static int
kstate_dump(struct kstate *k, uint8_t family, struct msg *err)
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
		msg_init(err, "sock_diag: %s");
		msg_errno(err, errno);
		return -1;
	}
	for (;;) {
		n = recv(k->fd, k->buf, KSTATE_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			msg_init(err, "sock_diag: %s");
			if (n < 0)
				msg_errno(err, errno);
			else
				msg_str(err, "end of file");
			return -1;
		}
		/* The clock pcap stamps with: a read is placed among the
		 * frames by it. */
		k->now = clock_ns(CLOCK_REALTIME);
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
				msg_init(err, "sock_diag: %s");
				msg_errno(err, ne.error < 0 ? -ne.error : EIO);
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
kstate_poll(struct kstate *k, kstate_cb cb, void *arg, struct msg *err)
{
	struct kstate_sock gone, *t;
	size_t i, j, tcap;
	int changes = 0;

	k->ncur = 0;
	if (kstate_dump(k, AF_INET, err) != 0 ||
	    kstate_dump(k, AF_INET6, err) != 0)
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
			gone.ts_ns = k->now;
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

/* ---------------------------------------------------- the tracepoint */

/* The offsets of the fields we need, from the tracepoint's format file. */
static int
kstate_trace_format(struct kstate *k, char *err, size_t len)
{
	static const struct {
		const char	*name;
		unsigned	 size;
	} want[KT_NFIELDS] = {
		[KT_OLD] = { "oldstate", 4 }, [KT_NEW] = { "newstate", 4 },
		[KT_SPORT] = { "sport", 2 }, [KT_DPORT] = { "dport", 2 },
		[KT_FAMILY] = { "family", 2 }, [KT_PROTO] = { "protocol", 2 },
		[KT_SADDR] = { "saddr", 4 }, [KT_DADDR] = { "daddr", 4 },
		[KT_SADDR6] = { "saddr_v6", 16 },
		[KT_DADDR6] = { "daddr_v6", 16 },
	};
	char line[256], name[64], *p, *q;
	unsigned off, size, found = 0, i;
	FILE *fp;

	if ((fp = fopen(KSTATE_TRACEFS "/format", "r")) == NULL) {
		snprintf(err, len, "%s/format: %s", KSTATE_TRACEFS,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		/* "field:__u8 saddr[4];	offset:32;	size:4;	..." */
		if ((p = strstr(line, "field:")) == NULL ||
		    (q = strchr(p, ';')) == NULL)
			continue;
		*q = '\0';
		if ((p = strrchr(p, ' ')) == NULL)
			continue;
		snprintf(name, sizeof name, "%s", p + 1);
		if ((p = strchr(name, '[')) != NULL)
			*p = '\0';
		if ((p = strstr(q + 1, "offset:")) == NULL ||
		    sscanf(p, "offset:%u;", &off) != 1 ||
		    (p = strstr(q + 1, "size:")) == NULL ||
		    sscanf(p, "size:%u;", &size) != 1)
			continue;
		for (i = 0; i < KT_NFIELDS; i++) {
			if (strcmp(name, want[i].name) == 0 &&
			    size == want[i].size && off < 4096) {
				k->off[i] = off;
				found |= 1U << i;
			}
		}
	}
	fclose(fp);
	if (found != (1U << KT_NFIELDS) - 1) {
		snprintf(err, len, "%s", "sock:inet_sock_set_state: "
		    "unexpected format");
		return -1;
	}
	return 0;
}

int
kstate_trace_open(struct kstate *k, char *err, size_t len)
{
	struct perf_event_attr a;
	unsigned long long id;
	long ncpu, cpu;
	void *base;
	FILE *fp;
	int fd;

	if ((fp = fopen(KSTATE_TRACEFS "/id", "r")) == NULL) {
		snprintf(err, len, "%s/id: %s", KSTATE_TRACEFS,
		    strerror(errno));
		return -1;
	}
	if (fscanf(fp, "%llu", &id) != 1) {
		fclose(fp);
		snprintf(err, len, "%s/id: unreadable", KSTATE_TRACEFS);
		return -1;
	}
	fclose(fp);
	if (kstate_trace_format(k, err, len) != 0)
		return -1;
	k->pagesz = (size_t)sysconf(_SC_PAGESIZE);
	ncpu = sysconf(_SC_NPROCESSORS_CONF);
	if (ncpu < 1 || ncpu > 4096)
		ncpu = 1;
	k->rings = xcalloc((size_t)ncpu, sizeof *k->rings);
	memset(&a, 0, sizeof a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof a;
	a.config = id;
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
	a.wakeup_events = 1;
	a.use_clockid = 1;
	/* CLOCK_REALTIME, the clock pcap stamps with, is refused for a
	 * tracepoint (not NMI-safe): monotonic, moved to it when read. */
	a.clockid = CLOCK_MONOTONIC;
	for (cpu = 0; cpu < ncpu; cpu++) {
		fd = (int)syscall(SYS_perf_event_open, &a, -1, (int)cpu, -1,
		    PERF_FLAG_FD_CLOEXEC);
		if (fd < 0 && errno == ENODEV)
			continue;	/* an offline CPU */
		if (fd < 0) {
			snprintf(err, len, "perf_event_open: %s",
			    strerror(errno));
			return -1;
		}
		base = mmap(NULL, (1 + KSTATE_RING_PAGES) * k->pagesz,
		    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (base == MAP_FAILED) {
			snprintf(err, len, "perf mmap: %s", strerror(errno));
			close(fd);
			return -1;
		}
		k->rings[k->nrings].fd = fd;
		k->rings[k->nrings].base = base;
		k->nrings++;
	}
	return 0;
}

/* n bytes at ring offset `at` (which may wrap) into dst. */
static void
kstate_ring_copy(const uint8_t *data, size_t size, uint64_t at, void *dst,
    size_t n)
{
	size_t o = (size_t)(at % size), first = n < size - o ? n : size - o;

	memcpy(dst, data + o, first);
	memcpy((uint8_t *)dst + first, data, n - first);
}

static uint16_t
kstate_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);	/* the kernel's, in host order */
	return v;
}

static int32_t
kstate_i32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* One raw record: a change worth reporting fills *s. */
static bool
kstate_trace_parse(const struct kstate *k, const uint8_t *raw, size_t n,
    struct kstate_sock *s)
{
	static const unsigned size[KT_NFIELDS] = { 4, 4, 2, 2, 2, 2, 4, 4,
	    16, 16 };
	uint8_t a[16];
	uint16_t family;
	int st, i;

	for (i = 0; i < KT_NFIELDS; i++) {
		if (k->off[i] + size[i] > n)
			return false;
	}
	if (kstate_u16(raw + k->off[KT_PROTO]) != IPPROTO_TCP)
		return false;
	st = kstate_i32(raw + k->off[KT_NEW]);
	/* CLOSE: gone, or a TIME_WAIT / FIN_WAIT_2 mini-socket: a read
	 * tells which. */
	if (st == 7 || (st = kstate_from_linux((unsigned)st)) < 0)
		return false;
	memset(s, 0, sizeof *s);
	s->lport = kstate_u16(raw + k->off[KT_SPORT]);
	s->rport = kstate_u16(raw + k->off[KT_DPORT]);
	if (s->lport == 0 || s->rport == 0 ||
	    !kstate_port_ok(k, s->lport, s->rport))
		return false;
	family = kstate_u16(raw + k->off[KT_FAMILY]);
	if (family == AF_INET) {
		memcpy(a, raw + k->off[KT_SADDR], 4);
		kstate_addr(&s->local, AF_INET, a);
		memcpy(a, raw + k->off[KT_DADDR], 4);
		kstate_addr(&s->remote, AF_INET, a);
	} else if (family == AF_INET6) {
		kstate_addr(&s->local, AF_INET6, raw + k->off[KT_SADDR6]);
		kstate_addr(&s->remote, AF_INET6, raw + k->off[KT_DADDR6]);
	} else
		return false;
	s->state = (enum tcp_state)st;
	s->source = KSTATE_TRACE;
	return true;
}

int
kstate_trace_read(struct kstate *k, kstate_cb cb, void *arg)
{
	struct perf_event_mmap_page *mp;
	struct perf_event_header h;
	struct kstate_sock s;
	size_t size = KSTATE_RING_PAGES * k->pagesz, r;
	uint64_t head, tail, t;
	uint32_t rawn;
	uint8_t rec[512];
	int64_t shift;
	struct timespec rt, mono;
	int n = 0;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	shift = ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000LL +
	    rt.tv_nsec - mono.tv_nsec;

	for (r = 0; r < k->nrings; r++) {
		mp = (struct perf_event_mmap_page *)k->rings[r].base;
		head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
		tail = mp->data_tail;
		while (tail + sizeof h <= head) {
			kstate_ring_copy(k->rings[r].base + k->pagesz, size,
			    tail, &h, sizeof h);
			if (h.size < sizeof h || tail + h.size > head)
				break;
			/* header, u64 time, u32 size, the raw record */
			if (h.type == PERF_RECORD_SAMPLE && h.size <= sizeof rec
			    && h.size >= sizeof h + 12) {
				kstate_ring_copy(k->rings[r].base + k->pagesz,
				    size, tail, rec, h.size);
				memcpy(&t, rec + sizeof h, 8);
				memcpy(&rawn, rec + sizeof h + 8, 4);
				if (rawn <= h.size - sizeof h - 12 &&
				    kstate_trace_parse(k, rec + sizeof h + 12,
				    rawn, &s)) {
					s.ts_ns = (int64_t)t + shift;
					cb(arg, &s);
					n++;
				}
			} else if (h.type == PERF_RECORD_LOST)
				k->lost++;
			tail += h.size;
		}
		__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
	}
	return n;
}
