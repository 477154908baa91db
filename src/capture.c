/* SPDX-License-Identifier: ISC */
/* Packet sources over libpcap: saved files now, interfaces later. */

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "engine.h"
#include "xmalloc.h"

/* libpcap's default 4 KiB stdio buffer doubles the cost of a read. */
#define CAPTURE_FILE_BUFFER	(1024 * 1024)

struct capture {
	pcap_t		*pcap;
	FILE		*fp;
	char		*buf;
	bool		 filtered;
	struct bpf_program prog;	/* applied per frame, so frame numbers
					   stay those of the file */
};

/* Say plainly what libpcap would only call an "unknown file format". */
static int
capture_check_file(FILE *fp, char *err, size_t len)
{
	unsigned char magic[2];
	struct stat sb;

	if (fstat(fileno(fp), &sb) != 0) {
		snprintf(err, len, "%s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, len, "is a directory, not a capture file");
		return -1;
	}
	if (!S_ISREG(sb.st_mode))
		return 0;
	if (sb.st_size == 0) {
		snprintf(err, len, "empty file, not a capture");
		return -1;
	}
	if (fread(magic, 1, 2, fp) == 2 && magic[0] == 0x1f &&
	    magic[1] == 0x8b) {
		snprintf(err, len, "gzip-compressed: decompress it first "
		    "(zcat FILE | synfin replay -)");
		return -1;
	}
	rewind(fp);
	return 0;
}

struct capture *
capture_open_file(const char *path, char *err, size_t len)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, len, "%s", strerror(errno));
		return NULL;
	} else if (capture_check_file(fp, err, len) != 0) {
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
		    "not a pcap or pcapng capture");
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
	if (c->filtered)
		pcap_freecode(&c->prog);
	pcap_close(c->pcap);
	free(c->buf);
	free(c);
}

int
capture_set_filter(struct capture *c, const char *expr, char *err, size_t len)
{
	if (c->filtered) {
		pcap_freecode(&c->prog);
		c->filtered = false;
	}
	if (pcap_compile(c->pcap, &c->prog, expr, 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, len, "bad filter expression: %s",
		    pcap_geterr(c->pcap));
		return -1;
	}
	c->filtered = true;
	return 0;
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
		snprintf(buf, len, "link type %d", linktype);
}

int
capture_run(struct capture *c, struct engine *e, uint64_t max, char *err,
    size_t len)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frame = 0, fed = 0;
	int64_t ts;
	int lt = pcap_datalink(c->pcap), rc;

	while (max == 0 || fed < max) {
		rc = pcap_next_ex(c->pcap, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			break;
		if (rc == PCAP_ERROR) {
			snprintf(err, len, "%s (after %llu frames)",
			    pcap_geterr(c->pcap), (unsigned long long)frame);
			return -1;
		}
		if (rc != 1)
			continue;
		frame++;
		if (c->filtered && pcap_offline_filter(&c->prog, h, data) == 0)
			continue;
		/* NANO precision: tv_usec holds nanoseconds. */
		ts = (int64_t)h->ts.tv_sec * 1000000000LL + h->ts.tv_usec;
		engine_frame(e, frame, ts, lt, data, h->caplen, h->len);
		fed++;
	}
	return 0;
}
