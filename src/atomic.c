/* SPDX-License-Identifier: ISC */
/* Whole-file writes through a temporary file, fsync and rename. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "xmalloc.h"

/* The directory part of path ("." when it has none). */
static char *
atomic_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xmalloc((size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

/* Make the rename itself durable; a failure here loses nothing. */
static void
atomic_sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

int
atomic_write(const char *path, atomic_fill_cb fill, void *arg, char *err,
    size_t errlen)
{
	const char *base = strrchr(path, '/');
	char *dir, *tmp;
	FILE *fp;
	size_t n;
	mode_t mask;
	int fd, saved;

	base = base != NULL ? base + 1 : path;
	if (*base == '\0') {
		snprintf(err, errlen, "%s", strerror(EISDIR));
		return -1;
	}
	dir = atomic_dir(path);
	n = strlen(dir) + strlen(base) + 16;
	tmp = xmalloc(n);
	snprintf(tmp, n, "%s/.%s.XXXXXX", dir, base);
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail_free;
	}
	/* mkstemp makes 0600; a new file gets what open(2) would give. */
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	if ((fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		goto fail_unlink;
	}
	errno = 0;
	if (fill(fp, arg) != 0 || fflush(fp) != 0 || ferror(fp)) {
		saved = errno != 0 ? errno : EIO;
		snprintf(err, errlen, "%s", strerror(saved));
		fclose(fp);
		goto fail_unlink;
	}
	if (fsync(fileno(fp)) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		fclose(fp);
		goto fail_unlink;
	}
	if (fclose(fp) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail_unlink;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail_unlink;
	}
	atomic_sync_dir(dir);
	free(tmp);
	free(dir);
	return 0;

fail_unlink:
	unlink(tmp);
fail_free:
	free(tmp);
	free(dir);
	return -1;
}
