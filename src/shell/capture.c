/* SPDX-License-Identifier: ISC */
/*
 * Packet sources over libpcap: saved files and interfaces.
 *
 * A file's filter runs here, in user space, so that frame numbers stay
 * those of the file.  An interface's filter F is compiled into the
 * kernel as "(F) or icmp or icmp6", so that only what is asked for is
 * copied up; here a frame is then kept when it matches F, or when it is
 * an ICMP or ICMPv6 error whose quoted packet matches F: that packet is
 * rebuilt from the quote's addresses, protocol and ports (and TCP
 * sequence number) as a raw IP packet and F, compiled a second time for
 * raw IP, is run over it.  A live capture numbers only the frames it
 * keeps, as a -w file of them does.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "engine.h"
#include "i18n.h"
#include "pkt.h"
#include "writer.h"
#include "xmalloc.h"

#define CAPTURE_QUOTE_MAX	64	/* the packet rebuilt from a quote */
/* libpcap's default 4 KiB stdio buffer doubles the cost of a read; one
 * of 1 MiB streams every byte read through the cache, out of the core's
 * 1 MiB L2, and the conns' state with it: 64 KiB stays put (--summary of
 * 2.55 M packets: 0.79 s of CPU against 0.97 s, median of 9 pairs). */
#define CAPTURE_FILE_BUFFER	(64 * 1024)

struct capture {
	pcap_t		*pcap;
	FILE		*fp;
	char		*buf;
	bool		 live;
	uint64_t	 frame;		/* frames read so far */
	int64_t		 last_ts_ns;	/* the previous frame's stamp */
	bool		 have_ts;
	bool		 warned_back;
	bool		 warned_clamp;
	struct writer	*dump;		/* -w */
	uint64_t	 dumped;	/* records handed to it */
	bool		 dump_failed;
	uint8_t		*rec;		/* one record, header and bytes */
	size_t		 reclen;
	bool		 filtered;
	struct bpf_program prog;	/* applied per frame, so frame numbers
					   stay those of the file */
	bool		 quoting;	/* live: ICMP errors quoting F kept */
	struct bpf_program quote;	/* F compiled for raw IP */
	char		*expr;		/* F as given */
	bool		 indexing;	/* capture_index() */
	off_t		*idx;		/* where frame k * EVERY + 1 starts */
	size_t		 nidx, capidx;
	uint64_t	 rframe;	/* capture_reread(): the frame read
					   last, 0: the stream is elsewhere */
};

static int64_t	capture_ts(const struct pcap_pkthdr *, unsigned *);
static void	capture_index_add(struct capture *);
static void	capture_stamp(struct capture *, const struct pcap_pkthdr *,
		    struct capture_frame *);
static int	capture_dump_record(struct capture *,
		    const struct pcap_pkthdr *, const u_char *, struct msg *);

/* The pcap magic numbers: micro- or nanoseconds, either byte order. */
static int
capture_is_pcap_magic(const unsigned char m[4])
{
	static const unsigned char magics[][4] = {
		{ 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 },
	};
	size_t i;

	for (i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		if (memcmp(m, magics[i], 4) == 0)
			return 1;
	}
	return 0;
}

/* Say plainly what libpcap would only call an "unknown file format". */
static int
capture_check_file(FILE *fp, char *err, size_t len)
{
	static const unsigned char pcapng[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
	unsigned char magic[4];
	struct stat sb;
	size_t n;

	if (fstat(fileno(fp), &sb) != 0) {
		snprintf(err, len, "%s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, len, "%s",
		    _("is a directory, not a capture file"));
		return -1;
	}
	if (!S_ISREG(sb.st_mode))
		return 0;
	if (sb.st_size == 0) {
		snprintf(err, len, "%s", _("empty file, not a capture"));
		return -1;
	}
	n = fread(magic, 1, sizeof magic, fp);
	if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		/* TRANSLATORS: keep the command as it is typed. */
		snprintf(err, len, "%s", _("gzip-compressed: decompress it "
		    "first (zcat FILE | synfin replay -)"));
		return -1;
	}
	/* libpcap says "unknown file format" or miscounts the bytes. */
	if (n == 4 && memcmp(magic, pcapng, 4) == 0 && sb.st_size < 28) {
		snprintf(err, len, _("truncated: %lld bytes, less than the "
		    "28-byte pcapng section header"), (long long)sb.st_size);
		return -1;
	}
	if (n == 4 && sb.st_size < 24 && capture_is_pcap_magic(magic)) {
		snprintf(err, len, _("truncated: %lld bytes, less than the "
		    "24-byte pcap file header"), (long long)sb.st_size);
		return -1;
	}
	rewind(fp);
	return 0;
}

struct capture *
capture_open_file(const char *path, char *err, size_t len)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, len, "%s", strerror(errno));
		return NULL;
	}
	return capture_open_fp(fp, err, len);
}

struct capture *
capture_open_fp(FILE *fp, char *err, size_t len)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c;

	if (fp != stdin && capture_check_file(fp, err, len) != 0) {
		fclose(fp);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->buf = xmalloc(CAPTURE_FILE_BUFFER);
	setvbuf(fp, c->buf, _IOFBF, CAPTURE_FILE_BUFFER);
	ebuf[0] = '\0';
	c->pcap = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (c->pcap == NULL) {
		snprintf(err, len, "%s", ebuf[0] != '\0' ? ebuf :
		    _("not a pcap or pcapng capture"));
		if (fp != stdin)
			fclose(fp);
		free(c->buf);
		free(c);
		return NULL;
	}
	c->fp = fp;	/* pcap_close() closes it */
	return c;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	capture_dump_discard(c);
	free(c->rec);
	if (c->filtered)
		pcap_freecode(&c->prog);
	if (c->quoting)
		pcap_freecode(&c->quote);
	free(c->expr);
	free(c->idx);
	pcap_close(c->pcap);
	free(c->buf);
	free(c);
}

/*
 * F compiled for raw IP, to test the packets ICMP errors quote; false
 * when F looks below IP (ether, arp ...) and so cannot be tested there.
 */
static bool
capture_compile_quote(struct capture *c, const char *expr)
{
	pcap_t *raw;
	bool ok;

	if ((raw = pcap_open_dead(DLT_RAW, CAPTURE_QUOTE_MAX)) == NULL)
		return false;
	ok = pcap_compile(raw, &c->quote, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
	pcap_close(raw);
	return ok;
}

/* F in the kernel, widened to the ICMP errors that may quote it. */
static int
capture_set_kernel(struct capture *c, const char *expr, char *err,
    size_t len)
{
	struct bpf_program k;
	char *wide;
	size_t n;
	int rc;

	c->quoting = capture_compile_quote(c, expr);
	if (c->quoting) {
		n = strlen(expr) + 32;
		wide = xmalloc(n);
		snprintf(wide, n, "(%s) or icmp or icmp6", expr);
		rc = pcap_compile(c->pcap, &k, wide, 1, PCAP_NETMASK_UNKNOWN);
		free(wide);
		if (rc != 0) {
			pcap_freecode(&c->quote);
			c->quoting = false;
		}
	}
	if (!c->quoting && pcap_compile(c->pcap, &k, expr, 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, len, _("bad filter expression: %s"),
		    pcap_geterr(c->pcap));
		return -1;
	}
	rc = pcap_setfilter(c->pcap, &k);
	pcap_freecode(&k);
	if (rc != 0) {
		snprintf(err, len, "%s", pcap_geterr(c->pcap));
		return -1;
	}
	return 0;
}

/*
 * libpcap's compiler takes time that grows faster than the filter: 0.1 s
 * for 50 terms, 5 s for 200, minutes for 1,000.  A big one is announced,
 * and a line every few seconds says it is still at it (Ctrl-C stops).
 */
#define CAPTURE_FILTER_BIG	64	/* terms */
#define CAPTURE_TICK_S		5

struct capture_ticker {
	pthread_mutex_t	 m;
	pthread_cond_t	 cv;
	bool		 done;
	struct timespec	 t0;
};

static size_t
capture_filter_terms(const char *expr)
{
	static const char *const ops[] = { " or ", " and ", "||", "&&" };
	const char *p;
	size_t i, n = 1;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		for (p = expr; (p = strstr(p, ops[i])) != NULL; p++)
			n++;
	return n;
}

static long
capture_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec);
}

static void *
capture_tick(void *arg)
{
	struct capture_ticker *t = arg;
	struct timespec until;

	pthread_mutex_lock(&t->m);
	while (!t->done) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += CAPTURE_TICK_S;
		if (pthread_cond_timedwait(&t->cv, &t->m, &until) != 0 &&
		    !t->done)
			fprintf(stderr, _("synfin: still compiling the filter "
			    "(%ld s)\n"), capture_since(&t->t0));
	}
	pthread_mutex_unlock(&t->m);
	return NULL;
}

static int	capture_set_filter1(struct capture *, const char *, char *,
		    size_t);

int
capture_set_filter(struct capture *c, const char *expr, char *err, size_t len)
{
	struct capture_ticker t = { .done = false };
	pthread_condattr_t ca;
	pthread_t th;
	size_t n = capture_filter_terms(expr);
	bool ticking = false;
	int rc;

	if (n < CAPTURE_FILTER_BIG)
		return capture_set_filter1(c, expr, err, len);
	fprintf(stderr, _("synfin: compiling a filter of %zu terms: libpcap "
	    "needs a while for one this big (seconds at 200 terms, minutes "
	    "at 1,000)\n"), n);
	clock_gettime(CLOCK_MONOTONIC, &t.t0);
	pthread_mutex_init(&t.m, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t.cv, &ca);
	pthread_condattr_destroy(&ca);
	ticking = pthread_create(&th, NULL, capture_tick, &t) == 0;
	rc = capture_set_filter1(c, expr, err, len);
	if (ticking) {
		pthread_mutex_lock(&t.m);
		t.done = true;
		pthread_cond_signal(&t.cv);
		pthread_mutex_unlock(&t.m);
		pthread_join(th, NULL);
	}
	pthread_cond_destroy(&t.cv);
	pthread_mutex_destroy(&t.m);
	if (rc == 0)
		fprintf(stderr, _("synfin: the filter is compiled (%ld s)\n"),
		    capture_since(&t.t0));
	return rc;
}

static int
capture_set_filter1(struct capture *c, const char *expr, char *err,
    size_t len)
{
	if (c->filtered) {
		pcap_freecode(&c->prog);
		c->filtered = false;
	}
	if (c->quoting) {
		pcap_freecode(&c->quote);
		c->quoting = false;
	}
	if (pcap_compile(c->pcap, &c->prog, expr, 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		/* TRANSLATORS: %s is libpcap's own message, in English. */
		snprintf(err, len, _("bad filter expression: %s"),
		    pcap_geterr(c->pcap));
		return -1;
	}
	c->filtered = true;
	if (c->live && capture_set_kernel(c, expr, err, len) != 0) {
		pcap_freecode(&c->prog);
		c->filtered = false;
		return -1;
	}
	free(c->expr);
	c->expr = xstrdup(expr);
	return 0;
}

const char *
capture_filter(const struct capture *c)
{
	return c->filtered ? c->expr : NULL;
}

bool
capture_quotes_icmp(const struct capture *c)
{
	return c->quoting;
}

/* Big-endian stores into the packet capture_quote_match() builds. */
static void
capture_put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
capture_put32(uint8_t *b, uint32_t v)
{
	capture_put16(b, (uint16_t)(v >> 16));
	capture_put16(b + 2, (uint16_t)v);
}

/*
 * Build the packet an ICMP error quotes as raw IP (its addresses,
 * protocol, ports and TCP sequence number; the rest zero) into b.
 * Returns its length.
 */
static size_t
capture_quote_packet(const struct pkt_inner *in, uint8_t *b, size_t len)
{
	size_t ip = in->ipver == 6 ? 40 : 20, l4, n;

	l4 = in->proto == 6 ? 20 : in->proto == 17 ? 8 : 0;
	n = ip + l4;
	if (len < 60 || (in->ipver != 4 && in->ipver != 6))
		return 0;
	memset(b, 0, n);
	if (in->ipver == 4) {
		b[0] = 0x45;
		capture_put16(b + 2, (uint16_t)n);
		b[8] = 64;
		b[9] = in->proto;
		memcpy(b + 12, in->src.a, 4);
		memcpy(b + 16, in->dst.a, 4);
	} else {
		b[0] = 0x60;
		capture_put16(b + 4, (uint16_t)l4);
		b[6] = in->proto;
		b[7] = 64;
		memcpy(b + 8, in->src.a, 16);
		memcpy(b + 24, in->dst.a, 16);
	}
	if (l4 > 0) {
		capture_put16(b + ip, in->sport);
		capture_put16(b + ip + 2, in->dport);
	}
	if (in->proto == 6) {
		capture_put32(b + ip + 4, in->seq);
		b[ip + 12] = 0x50;	/* data offset 5 */
	} else if (in->proto == 17)
		capture_put16(b + ip + 4, 8);
	return n;
}

/* Is this frame an ICMP error that quotes a packet F matches? */
static bool
capture_quote_match(struct capture *c, const struct pcap_pkthdr *h,
    const u_char *data)
{
	struct pcap_pkthdr qh;
	struct pkt p;
	uint8_t q[64];

	dec_frame(&p, pcap_datalink(c->pcap), data, h->caplen, h->len);
	if (p.kind != PKT_ICMP || p.inner.ipver == 0)
		return false;
	memset(&qh, 0, sizeof qh);
	qh.caplen = qh.len = (bpf_u_int32)capture_quote_packet(&p.inner, q,
	    sizeof q);
	return qh.caplen > 0 && pcap_offline_filter(&c->quote, &qh, q) != 0;
}

int
capture_linktype(const struct capture *c)
{
	return pcap_datalink(c->pcap);
}

void
capture_linktype_desc(int linktype, char *buf, size_t len)
{
	const char *name = pcap_datalink_val_to_name(linktype);
	const char *desc = pcap_datalink_val_to_description(linktype);

	if (name != NULL && desc != NULL)
		snprintf(buf, len, "%s (%s, %d)", name, desc, linktype);
	else
		snprintf(buf, len, "%d", linktype);
}

bool
capture_index(struct capture *c)
{
	struct stat sb;

	c->indexing = !c->live && c->frame == 0 && c->fp != NULL &&
	    fstat(fileno(c->fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    ftello(c->fp) >= 0;
	return c->indexing;
}

/* Where the next frame starts, as the (c->nidx)'th entry. */
static void
capture_index_add(struct capture *c)
{
	off_t at = ftello(c->fp);

	if (at < 0) {
		c->indexing = false;
		return;
	}
	if (c->nidx == c->capidx) {
		c->capidx = c->capidx ? c->capidx * 2 : 1024;
		c->idx = xreallocarray(c->idx, c->capidx, sizeof *c->idx);
	}
	c->idx[c->nidx++] = at;
}

int
capture_reread(struct capture *c, uint64_t frame, struct capture_frame *f)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n;
	size_t k;

	if (!c->indexing || frame == 0 || frame > c->frame)
		return -1;
	k = (size_t)((frame - 1) / CAPTURE_INDEX_EVERY);
	if (k >= c->nidx)
		return -1;
	/* Read on from where the last one was when it is on the way. */
	if (c->rframe != 0 && c->rframe < frame &&
	    (c->rframe - 1) / CAPTURE_INDEX_EVERY == k)
		n = c->rframe;
	else {
		c->rframe = 0;
		if (fseeko(c->fp, c->idx[k], SEEK_SET) != 0)
			return -1;
		n = (uint64_t)k * CAPTURE_INDEX_EVERY;
	}
	do {
		if (pcap_next_ex(c->pcap, &h, &data) != 1) {
			c->rframe = 0;
			return -1;
		}
	} while (++n < frame);
	c->rframe = frame;
	memset(f, 0, sizeof *f);
	f->frame = frame;
	f->ts_ns = capture_ts(h, &f->ts_flags);
	f->linktype = pcap_datalink(c->pcap);
	f->data = data;
	f->caplen = h->caplen;
	f->wirelen = h->len;
	return 0;
}

long
capture_payload(void *arg, uint64_t frame, int64_t ts_ns, uint8_t *buf,
    size_t len)
{
	struct capture_frame f;
	struct pkt p;
	size_t n;

	if (capture_reread(arg, frame, &f) != 0 || f.ts_ns != ts_ns)
		return -1;
	dec_frame(&p, f.linktype, f.data, f.caplen, f.wirelen);
	n = p.payload != NULL ? p.paycap : 0;
	if (n > len)
		n = len;
	if (n > 0)
		memcpy(buf, p.payload, n);
	return (long)n;
}

int
capture_next(struct capture *c, struct capture_frame *f, struct msg *err)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	for (;;) {
		if (c->indexing && c->frame == (uint64_t)c->nidx *
		    CAPTURE_INDEX_EVERY)
			capture_index_add(c);
		rc = pcap_next_ex(c->pcap, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			return CAPTURE_END;
		if (rc == PCAP_ERROR) {
			const char *why = pcap_geterr(c->pcap);

			/* libpcap 1.10 reads one link type and snaplen per
			 * pcapng file; say what to do about it. */
			if (strstr(why, "different from the") != NULL &&
			    strstr(why, "first interface") != NULL)
				/* TRANSLATORS: libpcap's message (in English),
				   then how many frames were read before it. */
				msg_init(err, N_("%s (after %llu frames); "
				    "libpcap reads pcapng files whose "
				    "interfaces share one link type and "
				    "snapshot length: split it by interface "
				    "first (tshark -r FILE -w OUT -Y "
				    "'frame.interface_id == 0')"));
			else
				/* TRANSLATORS: libpcap's message (in English),
				   then how many frames were read before it. */
				msg_init(err, N_("%s (after %llu frames)"));
			msg_str(err, why);
			msg_num(err, c->frame);
			return CAPTURE_ERROR;
		}
		if (rc == 0)
			return CAPTURE_NONE;	/* live: nothing waiting */
		if (c->live) {
			/* The kernel ran "(F) or icmp or icmp6". */
			if (c->filtered && pcap_offline_filter(&c->prog, h,
			    data) == 0 && !(c->quoting &&
			    capture_quote_match(c, h, data)))
				continue;
			c->frame++;
		} else {
			c->frame++;
			if (c->filtered && pcap_offline_filter(&c->prog, h,
			    data) == 0)
				continue;
		}
		if (c->dump != NULL && capture_dump_record(c, h, data, err) != 0)
			return CAPTURE_ERROR;
		f->frame = c->frame;
		capture_stamp(c, h, f);
		f->linktype = pcap_datalink(c->pcap);
		f->data = data;
		f->caplen = h->caplen;
		f->wirelen = h->len;
		return CAPTURE_FRAME;
	}
}

/* A record's stamp in nanoseconds, as capture_stamp() says. */
static int64_t
capture_ts(const struct pcap_pkthdr *h, unsigned *flags)
{
	int64_t sec = (int64_t)h->ts.tv_sec;

	*flags = 0;
	if (sec < 0 && sec >= INT32_MIN)
		sec += (int64_t)1 << 32;
	if (sec < 0 || sec > ((int64_t)1 << 33)) {
		sec = sec < 0 ? 0 : (int64_t)1 << 33;
		*flags |= CAPTURE_TS_CLAMPED;
	}
	return sec * 1000000000LL + h->ts.tv_usec;
}

/*
 * NANO precision: tv_usec holds nanoseconds.  A classic pcap's seconds
 * are an unsigned 32-bit field, which libpcap hands over as a signed
 * one: 2^31 and later (2038 to 2106) come negative; they are read back
 * as unsigned.  pcapng's 64-bit stamps can hold any seconds: clamp them
 * (to 2242) so nanoseconds, and differences of them, fit in 63 bits,
 * and say so.  A stamp before the previous one is said too: times are
 * shown as recorded, and they go backwards there.
 */
static void
capture_stamp(struct capture *c, const struct pcap_pkthdr *h,
    struct capture_frame *f)
{
	f->ts_ns = capture_ts(h, &f->ts_flags);
	f->ts_prev_ns = c->last_ts_ns;
	if (c->frame > 1 && c->have_ts && f->ts_ns < c->last_ts_ns)
		f->ts_flags |= CAPTURE_TS_BACK;
	c->last_ts_ns = f->ts_ns;
	c->have_ts = true;
}

/* The first stamp of each kind that cannot be shown as it is, said once
 * on the ladder and in every output. */
static void
capture_stamp_warn(struct capture *c, struct engine *e,
    const struct capture_frame *f)
{
	struct msg m;
	char secs[32];
	int64_t d;

	/* English ids with their arguments (msg.h): --json shows them as
	 * they are, the other outputs translated. */
	if ((f->ts_flags & CAPTURE_TS_BACK) && !c->warned_back) {
		c->warned_back = true;
		d = f->ts_prev_ns - f->ts_ns;
		snprintf(secs, sizeof secs, "%lld.%03lld",
		    (long long)(d / 1000000000), (long long)(d / 1000000 % 1000));
		/* TRANSLATORS: a frame number, then seconds ("0.500"). */
		msg_init(&m, N_("frame %llu is stamped %s s before the frame "
		    "read before it: the capture's clock went backwards; "
		    "times are shown as recorded"));
		msg_num(&m, f->frame);
		msg_str(&m, secs);
		engine_warn(e, f->frame, f->ts_ns, &m);
	}
	if ((f->ts_flags & CAPTURE_TS_CLAMPED) && !c->warned_clamp) {
		c->warned_clamp = true;
		msg_init(&m, N_("frame %llu has a timestamp before 1970 or after "
		    "2242: it is shown as that bound"));
		msg_num(&m, f->frame);
		engine_warn(e, f->frame, f->ts_ns, &m);
	}
}

int
capture_feed(struct capture *c, struct engine *e, uint64_t max,
    uint64_t *fed, struct msg *err)
{
	struct capture_frame f;
	int rc;

	*fed = 0;
	while (max == 0 || *fed < max) {
		rc = capture_next(c, &f, err);
		if (rc == CAPTURE_ERROR)
			return -1;
		if (rc != CAPTURE_FRAME)
			return 1;
		engine_frame(e, f.frame, f.ts_ns, f.linktype, f.data,
		    f.caplen, f.wirelen);
		if (f.ts_flags != 0)
			capture_stamp_warn(c, e, &f);
		(*fed)++;
	}
	return 0;
}

int
capture_run(struct capture *c, struct engine *e, uint64_t max,
    struct msg *err)
{
	uint64_t fed;

	return capture_feed(c, e, max, &fed, err) < 0 ? -1 : 0;
}

/*
 * Live capture.  Immediate mode, or packets still sitting in an unfilled
 * TPACKET_V3 block are lost when the capture stops; and a buffer large
 * enough for a burst of connections at full snaplen (LINUX-TCP-NOTES).
 */
#define CAPTURE_LIVE_SNAPLEN	65535
#define CAPTURE_LIVE_BUFFER	(32 * 1024 * 1024)

struct capture *
capture_open_live(const char *iface, int *perm, char *err, size_t len)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	pcap_t *p;
	int rc;

	*perm = 0;
	ebuf[0] = '\0';
	if ((p = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, len, "%s", ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, CAPTURE_LIVE_SNAPLEN);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, CAPTURE_LIVE_BUFFER);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(p);
	if (rc < 0) {
		if (rc == PCAP_ERROR_PERM_DENIED)
			*perm = 1;
		if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
			snprintf(err, len, "%s", _("no such interface"));
		else
			snprintf(err, len, "%s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, ebuf) != 0) {
		snprintf(err, len, "%s", ebuf);
		pcap_close(p);
		return NULL;
	}
	/* libpcap leaves its socket to every program exec'd after it. */
	if (pcap_get_selectable_fd(p) >= 0)
		fcntl(pcap_get_selectable_fd(p), F_SETFD, FD_CLOEXEC);
	c = xcalloc(1, sizeof *c);
	c->pcap = p;
	c->live = true;
	return c;
}

uint64_t
capture_count(const struct capture *c)
{
	return c->frame;
}

int
capture_progress(const struct capture *c)
{
	struct stat sb;
	off_t at;

	if (c->live || c->fp == NULL || fstat(fileno(c->fp), &sb) != 0 ||
	    !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    (at = ftello(c->fp)) < 0)
		return -1;
	return at >= sb.st_size ? 100 : (int)(at * 100 / sb.st_size);
}

int
capture_fd(const struct capture *c)
{
	return pcap_get_selectable_fd(c->pcap);
}

/* Integers as the host orders them: the magic number tells readers. */
static void
capture_host32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void
capture_host16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

int
capture_dump_attach(struct capture *c, struct writer *w, char *err,
    size_t len)
{
	uint8_t hdr[24];
	char why[256];

	c->dump = w;
	c->dumped = 0;
	c->dump_failed = false;
	/* A pcap file header, nanosecond stamps (as the capture's). */
	capture_host32(hdr, 0xa1b23c4d);
	capture_host16(hdr + 4, 2);
	capture_host16(hdr + 6, 4);
	capture_host32(hdr + 8, 0);
	capture_host32(hdr + 12, 0);
	capture_host32(hdr + 16, (uint32_t)pcap_snapshot(c->pcap));
	capture_host32(hdr + 20, (uint32_t)pcap_datalink(c->pcap));
	/* Written, not only sent: a full disk is told before the run. */
	if (writer_send(w, hdr, sizeof hdr, why, sizeof why) != 0 ||
	    writer_sync(w, why, sizeof why) != 0) {
		snprintf(err, len, "%s: %s", writer_path(w), why);
		capture_dump_discard(c);
		return -1;
	}
	return 0;
}

/* One frame to -w, as one chunk: the writer keeps only whole ones. */
static int
capture_dump_record(struct capture *c, const struct pcap_pkthdr *h,
    const u_char *data, struct msg *err)
{
	char why[256];

	if (16 + (size_t)h->caplen > c->reclen) {
		c->reclen = 16 + (size_t)h->caplen;
		c->rec = xreallocarray(c->rec, c->reclen, 1);
	}
	capture_host32(c->rec, (uint32_t)h->ts.tv_sec);
	capture_host32(c->rec + 4, (uint32_t)h->ts.tv_usec);
	capture_host32(c->rec + 8, h->caplen);
	capture_host32(c->rec + 12, h->len);
	memcpy(c->rec + 16, data, h->caplen);
	if (writer_send(c->dump, c->rec, 16 + (size_t)h->caplen, why,
	    sizeof why) != 0) {
		/* The writer's reason is in the user's language already: a
		 * failed -w ends the run and is told on stderr, never as a
		 * warning in an output (replay has no -w). */
		msg_init(err, "%s: %s");
		msg_str(err, writer_path(c->dump));
		msg_str(err, why);
		c->dump_failed = true;
		return -1;
	}
	c->dumped++;
	return 0;
}

bool
capture_dump_failed(const struct capture *c)
{
	return c->dump_failed;
}

int
capture_dump_close(struct capture *c, char *err, size_t len)
{
	char why[256];
	int rc = 0;

	if (c->dump == NULL)
		return 0;
	snprintf(err, len, "%s: ", writer_path(c->dump));
	if (writer_end(c->dump, true, why, sizeof why) != 0) {
		snprintf(err + strlen(err), len - strlen(err), "%s", why);
		rc = -1;
	}
	c->dump = NULL;
	return rc;
}

void
capture_dump_discard(struct capture *c)
{
	char why[8];

	if (c->dump == NULL)
		return;
	/* A run that ends badly keeps the frames it wrote, if any. */
	writer_end(c->dump, c->dumped > 0 && !c->dump_failed, why,
	    sizeof why);
	c->dump = NULL;
}

void
capture_stats(struct capture *c, uint64_t *received, uint64_t *dropped)
{
	struct pcap_stat ps;

	*received = *dropped = 0;
	if (c->live && pcap_stats(c->pcap, &ps) == 0) {
		*received = ps.ps_recv;
		*dropped = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
	}
}
