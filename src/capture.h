/* SPDX-License-Identifier: ISC */
/*
 * Packet sources: the only module that talks to libpcap.  Errors return
 * -1 (or NULL) with a message in a caller-supplied buffer; main.c
 * decides how to tell the user.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;
struct engine;

/* A saved capture (pcap or pcapng); "-" is standard input. */
struct capture	*capture_open_file(const char *path, char *err, size_t len);
void		 capture_close(struct capture *);

/* A BPF filter expression, as tcpdump takes it. */
int		 capture_set_filter(struct capture *, const char *expr,
		     char *err, size_t len);
int		 capture_linktype(const struct capture *);
/* "EN10MB (Ethernet)", or "linktype N" when libpcap has no name. */
void		 capture_linktype_desc(int linktype, char *buf, size_t len);

/*
 * Feed frames to the engine until the end of the input or `max` frames
 * (0: no limit).  Returns 0 at a clean end, -1 on a read error (the
 * frames before it were fed) with the message in err.
 */
int		 capture_run(struct capture *, struct engine *, uint64_t max,
		     char *err, size_t len);

#endif
