/* SPDX-License-Identifier: ISC */
/*
 * The one way synfin opens a file the user names for output (-w, --svg,
 * and any later one).  Invariants:
 *  - a regular target (or one that does not exist yet) is written into a
 *    temporary file made with O_CREAT|O_EXCL|O_NOFOLLOW beside it, and
 *    renamed over it only on outfile_commit(): a reader never sees half a
 *    file, a failure leaves the old file (or none) and no temporary;
 *  - a target that exists and is not a regular file (a FIFO, a character
 *    device, "-", /dev/stdout, /dev/fd/N) is written directly and never
 *    replaced; a directory, a block device or a socket is refused;
 *  - as root, no symbolic link owned by another user is followed, on any
 *    component of the path (another user could point it anywhere);
 *  - every write is checked: a short write, EIO, ENOSPC fails with the
 *    reason.
 * Nothing here changes the owner of anything: a file belongs to whoever
 * opens it (writer.c opens as the invoking user under sudo).
 */
#ifndef OUTFILE_H
#define OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile;

/*
 * Check `path` and open it for writing (the temporary file exists from
 * here).  Returns NULL with the reason (strerror's words or a sentence)
 * in err.
 */
struct outfile	*outfile_open(const char *path, char *err, size_t len);

/* Whether it is written directly (a FIFO, a device, standard output). */
bool		 outfile_direct(const struct outfile *);
/* Its descriptor (to keep it open while closing others). */
int		 outfile_fd(const struct outfile *);

/* All of buf, or -1 with the reason (ENOSPC, EIO, a short write). */
int		 outfile_write(struct outfile *, const void *buf, size_t n,
		     char *err, size_t len);

/*
 * Make it the file under its name: fsync, close, rename (a direct target
 * is only closed).  Frees it, whatever happens; returns 0, or -1 with the
 * reason, and then no temporary file is left.
 */
int		 outfile_commit(struct outfile *, char *err, size_t len);

/* Give up: the temporary file is removed, the target left as it was. */
void		 outfile_abort(struct outfile *);

/* Writes the content to fp; returns 0, or -1 to give up. */
typedef int (*outfile_fill_cb)(FILE *fp, void *arg);

/*
 * A whole file from what `fill` writes: open, fill, commit.  Returns 0,
 * or -1 with the reason in err.
 */
int		 outfile_write_whole(const char *path, outfile_fill_cb fill,
		     void *arg, char *err, size_t len);

#endif
