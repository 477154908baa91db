/* SPDX-License-Identifier: ISC */
/* Output files: temporary file and rename, or straight to a FIFO/device. */

#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "outfile.h"
#include "xmalloc.h"

#define OUTFILE_MAX_LINKS	40	/* as the kernel's ELOOP */

struct outfile {
	int	 fd;
	bool	 direct;
	char	*tmp;		/* the temporary file; NULL when direct */
	char	*target;	/* what tmp is renamed to */
	char	*dir;		/* target's directory */
};

/* The directory part of path ("." when it has none). */
static char *
outfile_dirname(const char *path)
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

/*
 * "-", /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name a
 * descriptor synfin already holds: write a duplicate of it.  (Opening
 * /proc/self/fd/N again fails once a process has changed its uid, and
 * would truncate a file the shell opened for appending.)  Returns the
 * descriptor number, or -1 when path names none.
 */
static int
outfile_fd_name(const char *path)
{
	const char *p = NULL;
	char *end;
	long n;

	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	if (strncmp(path, "/dev/fd/", 8) == 0)
		p = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		p = path + 14;
	if (p == NULL || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	if (errno != 0 || *end != '\0' || n > INT_MAX)
		return -1;
	return (int)n;
}

/*
 * As root, walk the path as the kernel would and refuse a symbolic link
 * that root does not own: its owner could have pointed it at
 * /etc/shadow.  (fs.protected_symlinks covers sticky directories only.)
 */
static int
outfile_links_ok(const char *path, char *err, size_t len)
{
	char *done, *todo, *comp, *next, *link, *t;
	size_t dn;
	ssize_t ln;
	struct stat st;
	int links = 0, rc = -1;

	done = xmalloc(PATH_MAX);
	link = xmalloc(PATH_MAX);
	todo = xstrdup(path);
	done[0] = '\0';
	if (path[0] != '/' && getcwd(done, PATH_MAX) == NULL) {
		snprintf(err, len, "getcwd: %s", strerror(errno));
		goto out;
	}
	if (strcmp(done, "/") == 0)
		done[0] = '\0';
	comp = todo;
	while (comp != NULL) {
		next = strchr(comp, '/');
		if (next != NULL)
			*next++ = '\0';
		if (*comp == '\0' || strcmp(comp, ".") == 0) {
			comp = next;
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			if ((t = strrchr(done, '/')) != NULL)
				*t = '\0';
			comp = next;
			continue;
		}
		dn = strlen(done);
		if (dn + strlen(comp) + 2 > PATH_MAX) {
			snprintf(err, len, "%s", strerror(ENAMETOOLONG));
			goto out;
		}
		done[dn] = '/';
		strcpy(done + dn + 1, comp);
		if (lstat(done, &st) != 0) {
			rc = 0;		/* the rest does not exist yet */
			goto out;
		}
		if (!S_ISLNK(st.st_mode)) {
			comp = next;
			continue;
		}
		if (st.st_uid != 0) {
			/* TRANSLATORS: a path, and the uid owning it. */
			snprintf(err, len, _("%s is a symbolic link owned by "
			    "uid %u: as root, synfin does not follow it"),
			    done, (unsigned)st.st_uid);
			goto out;
		}
		if (++links > OUTFILE_MAX_LINKS ||
		    (ln = readlink(done, link, PATH_MAX - 1)) < 0) {
			snprintf(err, len, "%s", strerror(links >
			    OUTFILE_MAX_LINKS ? ELOOP : errno));
			goto out;
		}
		link[ln] = '\0';
		/* Go on with the link's text, then what followed it. */
		t = xmalloc((size_t)ln + (next != NULL ? strlen(next) : 0) +
		    2);
		sprintf(t, "%s/%s", link, next != NULL ? next : "");
		free(todo);
		todo = t;
		if (link[0] == '/')
			done[0] = '\0';
		else
			done[dn] = '\0';
		comp = todo;
	}
	rc = 0;
out:
	free(done);
	free(link);
	free(todo);
	return rc;
}

/* A temporary file beside target, no one else's, mode as open(2) gives. */
static int
outfile_tmp(struct outfile *of, const char *base, char *err, size_t len)
{
	unsigned char r[6];
	size_t n = strlen(of->dir) + strlen(base) + 16;
	int i, j;

	of->tmp = xmalloc(n);
	for (i = 0; i < 100; i++) {
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
			for (j = 0; j < (int)sizeof r; j++)
				r[j] = (unsigned char)(rand() + i);
		}
		snprintf(of->tmp, n, "%s/.%s.%02x%02x%02x%02x%02x%02x",
		    of->dir, base, r[0], r[1], r[2], r[3], r[4], r[5]);
		of->fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0666);
		if (of->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	snprintf(err, len, "%s", strerror(errno));
	free(of->tmp);
	of->tmp = NULL;
	return -1;
}

struct outfile *
outfile_open(const char *path, char *err, size_t len)
{
	struct outfile *of = xcalloc(1, sizeof *of);
	struct stat st;
	const char *base, *what;
	char *real = NULL;
	int fd, fl, exists;

	of->fd = -1;
	if ((fd = outfile_fd_name(path)) >= 0) {
		fl = fcntl(fd, F_GETFL);
		if (fl == -1 || (fl & O_ACCMODE) == O_RDONLY) {
			snprintf(err, len, "%s", strerror(EBADF));
			goto fail;
		}
		if ((of->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
			snprintf(err, len, "%s", strerror(errno));
			goto fail;
		}
		of->direct = true;
		return of;
	}
	if (path[0] == '\0') {
		snprintf(err, len, "%s", strerror(ENOENT));
		goto fail;
	}
	if (geteuid() == 0 && outfile_links_ok(path, err, len) != 0)
		goto fail;
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT) {
		snprintf(err, len, "%s", strerror(errno));
		goto fail;
	}
	if (!exists && lstat(path, &st) == 0) {
		snprintf(err, len, "%s", _("a symbolic link to nothing"));
		goto fail;
	}
	what = NULL;
	if (exists && S_ISDIR(st.st_mode))
		what = strerror(EISDIR);
	else if (exists && S_ISBLK(st.st_mode))
		what = _("a block device: synfin writes no disk");
	else if (exists && S_ISSOCK(st.st_mode))
		what = _("a socket, not a file");
	if (what != NULL) {
		snprintf(err, len, "%s", what);
		goto fail;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* A FIFO or a character device: written, never replaced. */
		of->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (of->fd < 0 || fstat(of->fd, &st) != 0) {
			snprintf(err, len, "%s", strerror(errno));
			goto fail;
		}
		if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ||
		    S_ISBLK(st.st_mode)) {
			snprintf(err, len, "%s", _("changed while it was "
			    "opened"));
			goto fail;
		}
		of->direct = true;
		return of;
	}
	/* A regular file (or none yet): through a link, the file it names,
	 * so the link stays. */
	if (exists && (real = realpath(path, NULL)) == NULL) {
		snprintf(err, len, "%s", strerror(errno));
		goto fail;
	}
	of->target = real != NULL ? real : xstrdup(path);
	base = strrchr(of->target, '/');
	base = base != NULL ? base + 1 : of->target;
	if (*base == '\0') {
		snprintf(err, len, "%s", strerror(EISDIR));
		goto fail;
	}
	of->dir = outfile_dirname(of->target);
	if (outfile_tmp(of, base, err, len) != 0)
		goto fail;
	/* Replacing a file keeps who may read it. */
	if (exists)
		(void)fchmod(of->fd, st.st_mode & 0777);
	return of;
fail:
	if (of->fd >= 0)
		close(of->fd);
	free(of->target);
	free(of->dir);
	free(of);
	return NULL;
}

bool
outfile_direct(const struct outfile *of)
{
	return of->direct;
}

int
outfile_fd(const struct outfile *of)
{
	return of->fd;
}

int
outfile_write(struct outfile *of, const void *buf, size_t n, char *err,
    size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = write(of->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* A write of 0 bytes into a file is a full disk. */
			snprintf(err, len, "%s", strerror(w < 0 ? errno :
			    ENOSPC));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
outfile_free(struct outfile *of)
{
	free(of->tmp);
	free(of->target);
	free(of->dir);
	free(of);
}

/* Make the rename itself durable; a failure here loses nothing. */
static void
outfile_sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

int
outfile_commit(struct outfile *of, char *err, size_t len)
{
	int rc = 0;

	if (of->direct) {
		if (close(of->fd) != 0 && errno != EINTR) {
			snprintf(err, len, "%s", strerror(errno));
			rc = -1;
		}
		outfile_free(of);
		return rc;
	}
	if (fsync(of->fd) != 0) {
		snprintf(err, len, "%s", strerror(errno));
		rc = -1;
	}
	if (close(of->fd) != 0 && errno != EINTR && rc == 0) {
		snprintf(err, len, "%s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(of->tmp, of->target) != 0) {
		snprintf(err, len, "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(of->tmp);
	else
		outfile_sync_dir(of->dir);
	outfile_free(of);
	return rc;
}

void
outfile_abort(struct outfile *of)
{
	if (of == NULL)
		return;
	close(of->fd);
	if (!of->direct)
		unlink(of->tmp);
	outfile_free(of);
}

/* ------------------------------------------------ whole files by stdio */

struct outfile_cookie {
	struct outfile	*of;
	char		 err[256];
};

static ssize_t
outfile_cookie_write(void *arg, const char *buf, size_t n)
{
	struct outfile_cookie *c = arg;

	if (c->err[0] != '\0')
		return -1;
	if (outfile_write(c->of, buf, n, c->err, sizeof c->err) != 0)
		return -1;
	return (ssize_t)n;
}

int
outfile_write_whole(const char *path, outfile_fill_cb fill, void *arg,
    char *err, size_t len)
{
	cookie_io_functions_t io = { .write = outfile_cookie_write };
	struct outfile_cookie c = { .err = "" };
	FILE *fp;
	int rc, saved;

	if ((c.of = outfile_open(path, err, len)) == NULL)
		return -1;
	if ((fp = fopencookie(&c, "w", io)) == NULL) {
		snprintf(err, len, "%s", strerror(errno));
		outfile_abort(c.of);
		return -1;
	}
	errno = 0;
	rc = fill(fp, arg);
	saved = errno;
	if (fclose(fp) != 0 || rc != 0) {
		if (c.err[0] != '\0')
			snprintf(err, len, "%s", c.err);
		else
			snprintf(err, len, "%s", strerror(saved != 0 ? saved :
			    errno != 0 ? errno : EIO));
		outfile_abort(c.of);
		return -1;
	}
	return outfile_commit(c.of, err, len);
}
