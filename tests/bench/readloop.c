/* SPDX-License-Identifier: ISC */
/* readloop: the benchmark's baseline, libpcap's bare offline read loop. */

/*
 * This is the floor synfin's replay is measured against: open the file,
 * call pcap_next_ex() until the end, touch one byte of each packet so the
 * loop does real work, print the count.  With -b the file is opened by us
 * with a 1 MiB stdio buffer and handed to pcap_fopen_offline(), to show
 * how much a bigger read buffer is worth.
 */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#define READLOOP_BUF	(1024 * 1024)

static void	usage(void) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr, "usage: readloop [-b] file\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*h;
	const u_char		*data;
	pcap_t			*p;
	FILE			*f = NULL;
	char			*buf = NULL;
	uint64_t		 packets = 0, bytes = 0, touch = 0;
	int			 ch, r, bflag = 0;

	while ((ch = getopt(argc, argv, "b")) != -1) {
		switch (ch) {
		case 'b':
			bflag = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();

	errbuf[0] = '\0';
	if (bflag) {
		/* glibc ignores setvbuf's size unless we pass the buffer. */
		if ((buf = malloc(READLOOP_BUF)) == NULL) {
			fprintf(stderr, "readloop: out of memory\n");
			return 1;
		}
		if ((f = fopen(argv[0], "rb")) == NULL) {
			fprintf(stderr, "readloop: %s: %s\n", argv[0],
			    strerror(errno));
			return 1;
		}
		if (setvbuf(f, buf, _IOFBF, READLOOP_BUF) != 0) {
			fprintf(stderr, "readloop: setvbuf failed\n");
			return 1;
		}
		p = pcap_fopen_offline(f, errbuf);
		if (p == NULL)
			fclose(f);
	} else
		p = pcap_open_offline(argv[0], errbuf);
	if (p == NULL) {
		fprintf(stderr, "readloop: %s: %s\n", argv[0], errbuf);
		free(buf);
		return 1;
	}

	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
		if (h->caplen > 0)
			touch += data[h->caplen - 1];
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "readloop: %s: %s\n", argv[0], pcap_geterr(p));
		pcap_close(p);
		free(buf);
		return 1;
	}
	pcap_close(p);		/* closes f too */
	free(buf);

	printf("%" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " touched\n",
	    packets, bytes, touch);
	return 0;
}
