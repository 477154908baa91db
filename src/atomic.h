/* SPDX-License-Identifier: ISC */
/*
 * Whole files or none: write into a temporary file beside the target,
 * fsync it, then rename it over the target.  A reader never sees half a
 * file, a failed write leaves the old file (or no file) and no
 * temporary behind.
 */
#ifndef ATOMIC_H
#define ATOMIC_H

#include <stddef.h>
#include <stdio.h>

/* Writes the content to fp; returns 0, or -1 to give up. */
typedef int (*atomic_fill_cb)(FILE *fp, void *arg);

/*
 * Create `path` with what `fill` writes.  Returns 0, or -1 with the
 * reason (strerror's words, or the fill's failure) in err.
 */
int	atomic_write(const char *path, atomic_fill_cb fill, void *arg,
	    char *err, size_t errlen);

#endif
