/* SPDX-License-Identifier: ISC */
/*
 * Packet sources: the only module that talks to libpcap.  Errors return
 * -1 (or NULL) with a message in a caller-supplied buffer; main.c
 * decides how to tell the user.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#include "msg.h"

struct capture;
struct engine;
struct writer;

/* A saved capture (pcap or pcapng); "-" is standard input. */
struct capture	*capture_open_file(const char *path, char *err, size_t len);
/* The same from a stream already open (closed by it, but stdin). */
struct capture	*capture_open_fp(FILE *fp, char *err, size_t len);
void		 capture_close(struct capture *);

/*
 * A BPF filter expression, as tcpdump takes it.  A file's runs in user
 * space; an interface's in the kernel, widened to the ICMP and ICMPv6
 * errors that quote a packet it matches (see capture.c).
 */
int		 capture_set_filter(struct capture *, const char *expr,
		     char *err, size_t len);
/* The filter set, or NULL. */
const char	*capture_filter(const struct capture *);
/* Live: whether ICMP errors quoting a packet the filter matches are kept
 * (false when the filter looks below IP, as "ether host" does). */
bool		 capture_quotes_icmp(const struct capture *);

int		 capture_linktype(const struct capture *);
/* "EN10MB (Ethernet)", or "linktype N" when libpcap has no name. */
void		 capture_linktype_desc(int linktype, char *buf, size_t len);

/* One frame as capture_next() returns it (data valid until the next). */
struct capture_frame {
	uint64_t	frame;		/* 1-based, counting every frame read */
	int64_t		ts_ns;
	int		linktype;
	const uint8_t	*data;
	size_t		caplen;
	size_t		wirelen;
	unsigned	ts_flags;	/* CAPTURE_TS_*: said by capture_run */
	int64_t		ts_prev_ns;	/* the frame read before it */
};
#define CAPTURE_TS_BACK		0x1	/* before the frame read before it */
#define CAPTURE_TS_CLAMPED	0x2	/* before 1970 or after 2242 */

/*
 * A file's frames, read again (the UI's payload bytes: its timeline keeps
 * no copy of a replayed file's).  capture_index(), before the first
 * frame, keeps where every CAPTURE_INDEX_EVERY'th frame starts (false when
 * the capture cannot seek: live, standard input, a pipe); then
 * capture_reread() gives a frame read before again: 0, or -1 when it
 * cannot (an error, or the file changed).  Its data is valid until the
 * next read.  capture_next() after capture_reread() is not supported.
 */
#define CAPTURE_INDEX_EVERY	64
bool		 capture_index(struct capture *);
int		 capture_reread(struct capture *, uint64_t frame,
		     struct capture_frame *);
/*
 * A timeline's payload source (tl_payload_fn; arg is the capture): the
 * payload of the packet of frame `frame` read again, at most cap bytes to
 * buf; how many, or -1 when the frame is not the one stamped ts_ns (the
 * file changed) or cannot be read.
 */
long		 capture_payload(void *cap, uint64_t frame, int64_t ts_ns,
		     uint8_t *buf, size_t len);

#define CAPTURE_FRAME	1
#define CAPTURE_NONE	0	/* live: nothing waiting now */
#define CAPTURE_END	(-2)	/* end of the file */
#define CAPTURE_ERROR	(-1)

/* The next frame that passes the filter; written to -w first. */
int		 capture_next(struct capture *, struct capture_frame *,
		     struct msg *err);

/*
 * An interface, in immediate mode with a large buffer, non-blocking.
 * *perm is set when the reason is a lack of privileges.
 */
struct capture	*capture_open_live(const char *iface, int *perm, char *err,
		     size_t len);
int		 capture_fd(const struct capture *);
/* Frames read so far (before the filter). */
uint64_t	 capture_count(const struct capture *);
/* Received and dropped counts of a live capture (0 for files). */
void		 capture_stats(struct capture *, uint64_t *received,
		     uint64_t *dropped);

/*
 * -w: every frame read is also handed to a writer (writer.h: a pcap
 * file header first, then one record per frame), which capture owns from
 * here.  attach returns once the header is written (a full disk is told
 * before the run, then the writer is gone).  close makes the file (a
 * valid pcap, even without frames); discard, for a run that failed,
 * keeps the frames written if any, else leaves no file.  A write error
 * during the run makes capture_next() fail with "FILE: reason" and
 * capture_dump_failed() true.
 */
int		 capture_dump_attach(struct capture *, struct writer *,
		     char *err, size_t len);
int		 capture_dump_close(struct capture *, char *err, size_t len);
void		 capture_dump_discard(struct capture *);
bool		 capture_dump_failed(const struct capture *);

/*
 * Feed frames to the engine until the end of the input or `max` frames
 * (0: no limit).  Returns 0 at a clean end, -1 on a read error (the
 * frames before it were fed) with the message in err: an English id and
 * its arguments (msg.h), for a warning in every output and for stderr.
 */
int		 capture_run(struct capture *, struct engine *, uint64_t max,
		     struct msg *err);
/*
 * capture_run() by slices: at most `max` frames (0: no limit), *fed says
 * how many.  Returns 0 when it stopped at max, 1 at the end of the input,
 * -1 on a read error (err as for capture_run()).
 */
int		 capture_feed(struct capture *, struct engine *, uint64_t max,
		     uint64_t *fed, struct msg *err);
/*
 * How far into a capture file the reading is, in per cent of its size
 * (what the reader has buffered counts as read); -1 for a live capture, a
 * pipe, or a size unknown.
 */
int		 capture_progress(const struct capture *);

#endif
