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
#include <unistd.h>

#include "capture.h"
#include "pkt.h"
#include "timeline.h"

#ifndef PUBLIC_PCAPS
#define PUBLIC_PCAPS	"/work/shared/pcaps/public"
#endif

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
	static const char *const caps[] = {
		"abort", "fastopen", "half-close", "handshake", "ipv6",
		"loss", "many", "refused", "server-close",
		"simultaneous-close", "syn-retry", "udp-unreachable", "udp",
		"unread-close",
	};
	char path[512];
	size_t k;

	for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
		snprintf(path, sizeof path, "%s/%s.pcap", CAPTURES, caps[k]);
		check_file(path, caps[k]);
	}
}

Test(capture_reread, the_public_corpus)
{
	const char *dir = getenv("SYNFIN_PUBLIC_PCAPS");
	char path[1024];
	struct dirent *d;
	size_t len, n = 0;
	DIR *dp;

	if (dir == NULL)
		dir = PUBLIC_PCAPS;
	if ((dp = opendir(dir)) == NULL)
		cr_skip_test("no public corpus at %s", dir);
	while ((d = readdir(dp)) != NULL) {
		len = strlen(d->d_name);
		if ((len < 5 || strcmp(d->d_name + len - 5, ".pcap") != 0) &&
		    (len < 7 || strcmp(d->d_name + len - 7, ".pcapng") != 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		check_file(path, d->d_name);
		n++;
	}
	closedir(dp);
	cr_assert_gt(n, 0);
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
