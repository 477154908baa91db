/* SPDX-License-Identifier: ISC */
/*
 * A writer process: one output file (--svg FILE, -w FILE) written for a
 * parser that drops its privileges or never had the right ones.  It is
 * started before the run, opens the file at once through outfile.c (a
 * bad path is reported before a packet is read), as the invoking user
 * under sudo (so the file is theirs and no link they could not follow is
 * followed), as root only for plain root, and takes the bytes as chunks
 * over a socket.  It parses nothing but chunk lengths.
 *
 * The file appears under its name only when the run ends well
 * (writer_end with keep), or, for WRITER_RECORDS, when the parser
 * vanished after at least one record: each chunk is then one whole
 * record after a header chunk, and the records that came are kept.
 * A write error (ENOSPC, EIO, a short write) ends the writer: the next
 * writer_send, writer_sync or writer_end returns -1 with the reason, and
 * nothing is left under the file's name.
 */
#ifndef WRITER_H
#define WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum writer_mode {
	WRITER_WHOLE,		/* only writer_end(keep) makes the file */
	WRITER_RECORDS,		/* a header chunk, then one record a chunk */
};

struct writer;

/* Start it and wait for the file to be open; NULL with the reason. */
struct writer	*writer_start(const char *path, enum writer_mode,
		     char *err, size_t len);
const char	*writer_path(const struct writer *);

/* Hand over bytes (a record: in one call).  -1 with the reason. */
int		 writer_send(struct writer *, const void *, size_t,
		     char *err, size_t len);
/* Wait until what was sent is written.  -1 with the reason. */
int		 writer_sync(struct writer *, char *err, size_t len);

/*
 * A stdio stream into writer_send (for the exporters).  Close it with
 * fclose() before writer_end(), which then says why a write failed.
 */
FILE		*writer_stream(struct writer *);

/*
 * Finish: keep makes the file (and waits for the word that it is there),
 * otherwise the temporary file is removed.  Frees it, reaps the process.
 * Returns 0, or -1 with the reason (a write failed, a rename failed).
 */
int		 writer_end(struct writer *, bool keep, char *err, size_t len);

#endif
