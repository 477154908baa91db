/* SPDX-License-Identifier: ISC */
/*
 * outfile.c: whole files through a temporary file and rename; FIFOs,
 * devices and descriptors written directly, never replaced; symbolic
 * links another user owns not followed as root; every write checked.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "outfile.h"

static char one[] = "one", two[] = "two", old[] = "old", x[] = "x";

static int
fill_text(FILE *fp, void *arg)
{
	fputs(arg, fp);
	return 0;
}

static int
fill_fail(FILE *fp, void *arg)
{
	fputs("half a fi", fp);
	errno = *(int *)arg;
	return -1;
}

static int
fill_big(FILE *fp, void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < 64 * 1024; i++)
		fputc('x', fp);
	return ferror(fp) ? -1 : 0;
}

static char tdir[] = "/tmp/synfin-outfile-XXXXXX";

static void
outfile_fini(void)
{
	char cmd[64];

	if (strchr(tdir, 'X') == NULL) {
		snprintf(cmd, sizeof cmd, "rm -rf %s", tdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tdir);
	}
}

TestSuite(outfile, .fini = outfile_fini);

static size_t
files_in(const char *dir)
{
	char cmd[256], buf[64];
	FILE *p;

	snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
	cr_assert_not_null(p = popen(cmd, "r"));
	cr_assert_not_null(fgets(buf, sizeof buf, p));
	pclose(p);
	return (size_t)strtoul(buf, NULL, 10);
}

static void
slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	cr_assert_not_null(fp, "%s", path);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

Test(outfile, writes_and_replaces_a_whole_file)
{
	char path[64], buf[64], err[128];
	struct stat st;
	mode_t mask = umask(0);

	umask(mask);
	cr_assert_not_null(mkdtemp(tdir));
	snprintf(path, sizeof path, "%s/a.svg", tdir);
	cr_assert_eq(outfile_write_whole(path, fill_text, one, err,
	    sizeof err), 0, "%s", err);
	slurp(path, buf, sizeof buf);
	cr_assert_str_eq(buf, "one");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0666 & ~mask,
	    "mode %o", st.st_mode & 0777);
	cr_assert_eq(outfile_write_whole(path, fill_text, two, err,
	    sizeof err), 0);
	slurp(path, buf, sizeof buf);
	cr_assert_str_eq(buf, "two");
	cr_assert_eq(files_in(tdir), 1, "no temporary file left");
}

Test(outfile, a_replaced_file_keeps_its_mode)
{
	char path[64], err[128];
	struct stat st;

	cr_assert_not_null(mkdtemp(tdir));
	snprintf(path, sizeof path, "%s/private.pcap", tdir);
	cr_assert_eq(outfile_write_whole(path, fill_text, one, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(chmod(path, 0600), 0);
	cr_assert_eq(outfile_write_whole(path, fill_text, two, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
}

Test(outfile, a_failed_fill_keeps_the_old_file_and_leaves_no_temp)
{
	char path[64], buf[64], err[128];
	int why = ENOSPC;

	cr_assert_not_null(mkdtemp(tdir));
	snprintf(path, sizeof path, "%s/a.svg", tdir);
	cr_assert_eq(outfile_write_whole(path, fill_text, old, err,
	    sizeof err), 0);
	cr_assert_eq(outfile_write_whole(path, fill_fail, &why, err,
	    sizeof err), -1);
	cr_assert_str_eq(err, strerror(ENOSPC));
	slurp(path, buf, sizeof buf);
	cr_assert_str_eq(buf, "old");
	cr_assert_eq(files_in(tdir), 1);
}

Test(outfile, a_write_error_names_the_reason_and_leaves_nothing)
{
	struct rlimit rl = { 4096, 4096 };
	char path[64], err[128];

	cr_assert_not_null(mkdtemp(tdir));
	snprintf(path, sizeof path, "%s/big.svg", tdir);
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	cr_assert_eq(outfile_write_whole(path, fill_big, NULL, err,
	    sizeof err), -1);
	cr_assert_str_eq(err, strerror(EFBIG));
	cr_assert_eq(files_in(tdir), 0, "neither the file nor a temporary");
}

Test(outfile, a_missing_directory_is_an_error_with_its_reason)
{
	char err[128];

	cr_assert_eq(outfile_write_whole("/nonexistent-synfin-dir/a.svg",
	    fill_text, x, err, sizeof err), -1);
	cr_assert_str_eq(err, strerror(ENOENT));
	cr_assert_eq(outfile_write_whole("", fill_text, x, err, sizeof err),
	    -1);
}

Test(outfile, a_directory_and_a_link_to_nothing_are_refused)
{
	char path[64], err[128];

	cr_assert_not_null(mkdtemp(tdir));
	cr_assert_eq(outfile_write_whole(tdir, fill_text, x, err,
	    sizeof err), -1);
	cr_assert_str_eq(err, strerror(EISDIR));
	snprintf(path, sizeof path, "%s/dangling", tdir);
	cr_assert_eq(symlink("/nonexistent-synfin-dir/x", path), 0);
	cr_assert_eq(outfile_write_whole(path, fill_text, x, err,
	    sizeof err), -1);
	cr_assert_eq(files_in(tdir), 1, "only the link");
}

Test(outfile, a_fifo_is_written_not_replaced)
{
	char path[64], buf[64], err[128];
	struct stat st;
	ssize_t n;
	int rd;

	cr_assert_not_null(mkdtemp(tdir));
	snprintf(path, sizeof path, "%s/fifo", tdir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	/* Held open both ways, so opening it to write does not wait. */
	cr_assert_geq(rd = open(path, O_RDWR | O_NONBLOCK), 0);
	cr_assert_eq(outfile_write_whole(path, fill_text, one, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISFIFO(st.st_mode), "still a FIFO");
	n = read(rd, buf, sizeof buf - 1);
	cr_assert_eq(n, 3);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "one");
	close(rd);
	cr_assert_eq(files_in(tdir), 1, "no temporary file beside it");
}

Test(outfile, a_character_device_is_written_not_replaced)
{
	char null[64] = "/dev/null", full[64] = "/dev/full", err[128];
	struct stat st;

	/* As root, nodes of our own (mknod c 1 3, c 1 7): a regression must
	 * not replace the machine's /dev/null.  Others cannot replace it. */
	if (geteuid() == 0) {
		cr_assert_not_null(mkdtemp(tdir));
		snprintf(null, sizeof null, "%s/null", tdir);
		snprintf(full, sizeof full, "%s/full", tdir);
		cr_assert_eq(mknod(null, S_IFCHR | 0666, makedev(1, 3)), 0);
		cr_assert_eq(mknod(full, S_IFCHR | 0666, makedev(1, 7)), 0);
	}
	cr_assert_eq(outfile_write_whole(null, fill_text, one, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(stat(null, &st), 0);
	cr_assert(S_ISCHR(st.st_mode));
	/* The full device: every write fails with ENOSPC, and it is said. */
	cr_assert_eq(outfile_write_whole(full, fill_big, NULL, err,
	    sizeof err), -1);
	cr_assert_str_eq(err, strerror(ENOSPC));
	cr_assert_eq(stat(full, &st), 0);
	cr_assert(S_ISCHR(st.st_mode), "still a device");
}

Test(outfile, a_descriptor_name_writes_to_that_descriptor)
{
	char path[64], buf[64], err[128];
	int p[2];
	ssize_t n;

	cr_assert_eq(pipe(p), 0);
	snprintf(path, sizeof path, "/dev/fd/%d", p[1]);
	cr_assert_eq(outfile_write_whole(path, fill_text, two, err,
	    sizeof err), 0, "%s", err);
	n = read(p[0], buf, sizeof buf - 1);
	cr_assert_eq(n, 3);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "two");
	snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
	cr_assert_eq(outfile_write_whole(path, fill_text, two, err,
	    sizeof err), -1, "a read end is no output");
	close(p[0]);
	close(p[1]);
}

Test(outfile, a_link_to_a_file_replaces_the_file_and_keeps_the_link)
{
	char path[64], target[64], buf[64], err[128];
	struct stat st;

	cr_assert_not_null(mkdtemp(tdir));
	snprintf(target, sizeof target, "%s/real.svg", tdir);
	snprintf(path, sizeof path, "%s/link.svg", tdir);
	cr_assert_eq(outfile_write_whole(target, fill_text, old, err,
	    sizeof err), 0);
	cr_assert_eq(symlink("real.svg", path), 0);
	cr_assert_eq(outfile_write_whole(path, fill_text, one, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the link stays a link");
	slurp(target, buf, sizeof buf);
	cr_assert_str_eq(buf, "one");
}

Test(outfile, as_root_a_link_another_user_owns_is_not_followed)
{
	char path[64], target[64], buf[64], err[256];

	if (geteuid() != 0)
		cr_skip_test("needs root (chown of a link)");
	cr_assert_not_null(mkdtemp(tdir));
	snprintf(target, sizeof target, "%s/shadow", tdir);
	snprintf(path, sizeof path, "%s/out.pcap", tdir);
	cr_assert_eq(outfile_write_whole(target, fill_text, old, err,
	    sizeof err), 0);
	cr_assert_eq(symlink(target, path), 0);
	cr_assert_eq(lchown(path, 65534, 65534), 0);
	cr_assert_eq(outfile_write_whole(path, fill_text, one, err,
	    sizeof err), -1);
	cr_assert_not_null(strstr(err, "owned by uid 65534"), "%s", err);
	slurp(target, buf, sizeof buf);
	cr_assert_str_eq(buf, "old", "the target is untouched");
	/* A directory link too, anywhere on the path. */
	snprintf(path, sizeof path, "%s/d", tdir);
	cr_assert_eq(symlink("/etc", path), 0);
	cr_assert_eq(lchown(path, 65534, 65534), 0);
	snprintf(path, sizeof path, "%s/d/synfin-test.svg", tdir);
	cr_assert_eq(outfile_write_whole(path, fill_text, one, err,
	    sizeof err), -1);
	cr_assert_eq(access("/etc/synfin-test.svg", F_OK), -1);
}
