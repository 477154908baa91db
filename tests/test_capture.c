/* SPDX-License-Identifier: ISC */
/*
 * A replayed file's frames read again (capture_reread, capture_payload):
 * the UI's timeline keeps no payload copy of a file, so every payload it
 * shows is read again.  For every bundled capture and the public corpus
 * (pcap and pcapng), each frame's payload read again, in any order, is
 * the payload the first read decoded.
 */

#include "config.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "fixture.h"
#include "engine.h"
#include "load.h"
#include "pkt.h"
#include "timeline.h"


/* What the first read saw of a frame. */
struct seen {
	int64_t		ts_ns;
	long		n;		/* payload bytes, at most TL_PAYLOAD_MAX */
	uint8_t		pay[TL_PAYLOAD_MAX];
};

/* Every frame of path, read as replay reads it, indexed. */
static struct seen *
read_all(const char *path, struct capture **capp, size_t *np)
{
	char err[256];
	struct capture *cap;
	struct capture_frame f;
	struct seen *v;
	struct msg why;
	struct pkt p;
	size_t n = 0, capn = 0;
	int rc;

	/* The corpus has files libpcap refuses: nothing to read again. */
	if ((cap = capture_open_file(path, err, sizeof err)) == NULL)
		return NULL;
	capn = 64;
	cr_assert_not_null(v = malloc(capn * sizeof *v));
	cr_assert(capture_index(cap), "%s: a file can be indexed", path);
	while ((rc = capture_next(cap, &f, &why)) == CAPTURE_FRAME) {
		cr_assert_eq(f.frame, n + 1);
		if (n == capn) {
			capn *= 2;
			v = realloc(v, capn * sizeof *v);
			cr_assert_not_null(v);
		}
		v[n].ts_ns = f.ts_ns;
		dec_frame(&p, f.linktype, f.data, f.caplen, f.wirelen);
		v[n].n = p.payload != NULL ? (long)p.paycap : 0;
		if (v[n].n > TL_PAYLOAD_MAX)
			v[n].n = TL_PAYLOAD_MAX;
		if (v[n].n > 0)
			memcpy(v[n].pay, p.payload, (size_t)v[n].n);
		n++;
	}
	*capp = cap;
	*np = n;
	return v;
}

static void
check_one(const char *name, struct capture *cap, const struct seen *v,
    size_t i)
{
	uint8_t buf[TL_PAYLOAD_MAX];
	long n;

	n = capture_payload(cap, i + 1, v[i].ts_ns, buf, sizeof buf);
	cr_assert_eq(n, v[i].n, "%s: frame %zu: %ld bytes, first read %ld",
	    name, i + 1, n, v[i].n);
	if (n > 0)
		cr_assert_arr_eq(buf, v[i].pay, (size_t)n, "%s: frame %zu",
		    name, i + 1);
}

static void
check_file(const char *path, const char *name)
{
	struct capture *cap;
	struct seen *v;
	uint8_t buf[16];
	uint32_t x = 12345;
	size_t n, i, k;

	if ((v = read_all(path, &cap, &n)) == NULL)
		return;
	/* Backwards, forwards, then anywhere. */
	for (i = n; i > 0; i--)
		check_one(name, cap, v, i - 1);
	for (i = 0; i < n; i++)
		check_one(name, cap, v, i);
	for (k = 0; k < n && k < 2000; k++) {
		x = x * 1103515245u + 12345u;
		check_one(name, cap, v, (x >> 8) % n);
	}
	/* Not a frame of it, or another frame's stamp: -1. */
	cr_assert_eq(capture_payload(cap, 0, 0, buf, sizeof buf), -1);
	cr_assert_eq(capture_payload(cap, n + 1, 0, buf, sizeof buf), -1);
	if (n > 0)
		cr_assert_eq(capture_payload(cap, 1, v[0].ts_ns + 1, buf,
		    sizeof buf), -1, "%s: a stamp that differs", name);
	capture_close(cap);
	free(v);
}

Test(capture_reread, every_bundled_capture)
{
	fixture_each_bundled(check_file);
}

Test(capture_reread, the_public_corpus)
{
	if (fixture_each_public(check_file) < 0)
		cr_skip_test("no public corpus");
}

/* A file that changed after it was read: what is read again says so. */
Test(capture_reread, a_file_changed_since_is_not_read_as_it_was)
{
	char path[] = "/tmp/synfin-reread-XXXXXX", src[512];
	struct capture *cap;
	struct seen *v;
	uint8_t buf[TL_PAYLOAD_MAX], *all;
	size_t n, len;
	long size;
	FILE *in, *out;
	int fd;

	snprintf(src, sizeof src, "%s/many.pcap", CAPTURES);
	cr_assert_not_null(in = fopen(src, "rb"));
	fseek(in, 0, SEEK_END);
	size = ftell(in);
	rewind(in);
	all = malloc((size_t)size);
	cr_assert_eq(fread(all, 1, (size_t)size, in), (size_t)size);
	fclose(in);
	cr_assert_geq(fd = mkstemp(path), 0);
	cr_assert_not_null(out = fdopen(fd, "wb"));
	cr_assert_eq(fwrite(all, 1, (size_t)size, out), (size_t)size);
	fclose(out);

	cr_assert_not_null(v = read_all(path, &cap, &n));
	cr_assert_gt(n, 2);
	/* Cut to its header: no frame is left to read again. */
	cr_assert_eq(truncate(path, 24), 0);
	cr_assert_eq(capture_payload(cap, n, v[n - 1].ts_ns, buf, sizeof buf),
	    -1);
	/* Rewritten with its stamps moved: not the frames stored. */
	len = (size_t)size;
	all[24 + 4] ^= 0x01;	/* the first record's microseconds */
	cr_assert_not_null(out = fopen(path, "wb"));
	cr_assert_eq(fwrite(all, 1, len, out), len);
	fclose(out);
	cr_assert_eq(capture_payload(cap, 1, v[0].ts_ns, buf, sizeof buf), -1);
	check_one("many (rewritten)", cap, v, n - 1);
	capture_close(cap);
	unlink(path);
	free(all);
	free(v);
}

/* Standard input, a pipe: nothing to read again, copies instead. */
Test(capture_reread, a_pipe_is_not_indexed)
{
	char src[512], err[256];
	struct capture *cap;
	FILE *fp;

	snprintf(src, sizeof src, "cat %s/handshake.pcap", CAPTURES);
	cr_assert_not_null(fp = popen(src, "r"));
	cap = capture_open_fp(fp, err, sizeof err);
	cr_assert_not_null(cap, "%s", err);
	cr_assert(!capture_index(cap));
	capture_close(cap);
}

/* ---------------------------------------------------------- load.c */

/* path into a timeline with load_timeline(): on two threads when the
 * file is read again for payloads (reread), else on one. */
static struct timeline *
load_file(const char *path, bool reread, uint64_t count,
    struct capture **capp, int *rc, struct msg *err)
{
	struct engine_config cfg;
	struct timeline *tl;
	struct capture *cap;
	char why[256];

	if ((cap = capture_open_file(path, why, sizeof why)) == NULL)
		return NULL;
	tl = timeline_new(0);
	/* Copies of every payload, to compare with those read again. */
	timeline_set_payload_budget(tl, (size_t)1 << 30);
	if (reread && capture_index(cap))
		timeline_set_payload_source(tl, capture_payload, cap);
	engine_config_default(&cfg);
	*rc = load_timeline(cap, tl, &cfg, count, NULL, NULL, err);
	*capp = cap;
	return tl;
}

/* The two timelines hold the same steps, changes and conns. */
static void
same_timelines(const char *name, const struct timeline *a,
    const struct timeline *b)
{
	struct ev ea, eb;
	struct ev_state ca[16], cb[16];
	const struct ev *x, *y;
	const struct tl_conn *p, *q;
	size_t i, n;

	cr_assert_eq(timeline_len(a), timeline_len(b), "%s: steps", name);
	cr_assert_eq(timeline_nconns(a), timeline_nconns(b), "%s", name);
	for (i = timeline_first(a); i < timeline_len(a); i++) {
		x = timeline_get_payload(a, i, &ea);
		y = timeline_get(b, i, &eb);
		cr_assert(x != NULL && y != NULL, "%s: step %zu", name, i);
		cr_assert(x->type == y->type && x->ts_ns == y->ts_ns &&
		    (x->conn == NULL) == (y->conn == NULL) &&
		    (x->conn == NULL || x->conn->id == y->conn->id),
		    "%s: step %zu", name, i);
		if (x->type == EV_PACKET) {
			const struct ev_packet *u = &x->u.pkt, *v = &y->u.pkt;

			cr_assert(u->frame == v->frame && u->dir == v->dir &&
			    u->len == v->len && u->flags == v->flags &&
			    u->seq == v->seq && u->ack == v->ack &&
			    u->rseq == v->rseq && u->rack == v->rack &&
			    u->win == v->win && u->analysis == v->analysis &&
			    u->st_after[0] == v->st_after[0] &&
			    u->st_after[1] == v->st_after[1] &&
			    u->reply_to == v->reply_to &&
			    memcmp(&u->opt, &v->opt, sizeof u->opt) == 0,
			    "%s: step %zu (frame %llu)", name, i,
			    (unsigned long long)u->frame);
			cr_assert_eq(u->paycap, v->paycap, "%s: step %zu",
			    name, i);
			if (u->paycap > 0)
				cr_assert_arr_eq(u->payload, v->payload,
				    u->paycap, "%s: step %zu", name, i);
		} else if (x->type == EV_WARNING) {
			cr_assert(x->u.warn.msg != NULL && y->u.warn.msg !=
			    NULL && x->u.warn.msg->id == y->u.warn.msg->id &&
			    memcmp(x->u.warn.msg->text, y->u.warn.msg->text,
			    x->u.warn.msg->used) == 0, "%s: step %zu", name,
			    i);
		} else if (x->type != EV_CONN)
			cr_assert(memcmp(&x->u, &y->u, sizeof x->u) == 0,
			    "%s: step %zu", name, i);
		n = timeline_changes(a, i, ca, 16);
		cr_assert_eq(n, timeline_changes(b, i, cb, 16), "%s: %zu",
		    name, i);
		if (n > 16)
			n = 16;
		cr_assert(memcmp(ca, cb, n * sizeof ca[0]) == 0,
		    "%s: step %zu's changes", name, i);
	}
	for (i = 0; i < timeline_nconns(a); i++) {
		p = timeline_conn(a, i);
		q = timeline_conn(b, i);
		cr_assert((p == NULL) == (q == NULL), "%s: conn %zu", name, i);
		if (p == NULL)
			continue;
		cr_assert(memcmp(&p->info, &q->info, sizeof p->info) == 0 &&
		    p->packets == q->packets && p->bytes[0] == q->bytes[0] &&
		    p->bytes[1] == q->bytes[1] && p->st[0] == q->st[0] &&
		    p->st[1] == q->st[1] && p->over == q->over &&
		    p->nsteps == q->nsteps && p->last == q->last &&
		    p->nmods == q->nmods, "%s: conn %zu", name, i);
	}
}

/* Two threads or one, the same timeline, whatever the capture. */
static void
load_both(const char *path, const char *name)
{
	struct capture *c2, *c1;
	struct timeline *t2, *t1;
	struct msg e2, e1;
	int r2 = 0, r1 = 0;

	memset(&e2, 0, sizeof e2);
	memset(&e1, 0, sizeof e1);
	if ((t2 = load_file(path, true, 0, &c2, &r2, &e2)) == NULL)
		return;
	cr_assert(timeline_has_payload_source(t2), "%s", name);
	cr_assert_not_null(t1 = load_file(path, false, 0, &c1, &r1, &e1));
	cr_assert(!timeline_has_payload_source(t1));
	cr_assert_eq(r2, r1, "%s: the same end", name);
	if (r2 != 0)
		cr_assert(e2.id == e1.id, "%s: the same error", name);
	same_timelines(name, t2, t1);
	timeline_free(t2);
	timeline_free(t1);
	capture_close(c2);
	capture_close(c1);
}

Test(load, two_threads_store_what_one_stores_bundled)
{
	fixture_each_bundled(load_both);
}

Test(load, two_threads_store_what_one_stores_public)
{
	if (fixture_each_public(load_both) < 0)
		cr_skip_test("no public corpus");
}

/*
 * Many blocks' worth (mkpcap's capture, when built), a count that stops
 * early, and a file cut short: the same on two threads as on one, the
 * error said and stored as a warning.
 */
Test(load, many_blocks_a_count_and_a_cut_file)
{
	char path[] = "/tmp/synfin-load-XXXXXX", cmd[1024];
	struct capture *c2, *c1;
	struct timeline *t2, *t1;
	struct msg e2, e1;
	struct ev buf;
	const struct ev *e;
	struct stat sb;
	size_t i;
	int fd, r2, r1;

	cr_assert_geq(fd = mkstemp(path), 0);
	close(fd);
	snprintf(cmd, sizeof cmd, "%s/tests/bench/mkpcap -p 40000 -c 400 %s "
	    "2>/dev/null", BUILDDIR, path);
	if (system(cmd) != 0) {
		unlink(path);
		cr_skip_test("no mkpcap");
	}
	load_both(path, "mkpcap 40000");
	/* The first 12345 frames. */
	t2 = load_file(path, true, 12345, &c2, &r2, &e2);
	t1 = load_file(path, false, 12345, &c1, &r1, &e1);
	cr_assert_eq(capture_count(c2), 12345);
	same_timelines("mkpcap, 12345 frames", t2, t1);
	timeline_free(t2);
	timeline_free(t1);
	capture_close(c2);
	capture_close(c1);
	/* Cut in the middle of a record. */
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(truncate(path, sb.st_size / 2 + 7), 0);
	memset(&e2, 0, sizeof e2);
	t2 = load_file(path, true, 0, &c2, &r2, &e2);
	cr_assert_eq(r2, -1, "a cut file is an error");
	cr_assert_not_null(e2.id);
	for (i = timeline_len(t2); i > timeline_first(t2); i--)
		if ((e = timeline_get(t2, i - 1, &buf))->type == EV_WARNING &&
		    e->u.warn.msg->id == e2.id)
			break;
	cr_assert_gt(i, timeline_first(t2), "the error is a warning step");
	timeline_free(t2);
	capture_close(c2);
	load_both(path, "mkpcap, cut");
	unlink(path);
}
