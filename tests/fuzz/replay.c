/* SPDX-License-Identifier: ISC */
/*
 * Replay saved fuzz inputs without libFuzzer: each argument is a file,
 * or a directory whose files are all replayed, through the harness this
 * is linked with.  A crash shows as the process dying (under the
 * sanitizers, with a report); the name of the input is printed first.
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
replay_file(const char *path, int verbose)
{
	struct stat sb;
	uint8_t *buf;
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &sb) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	/* Exactly the input's size, as libFuzzer gives it. */
	buf = malloc(sb.st_size > 0 ? (size_t)sb.st_size : 1);
	if (buf == NULL) {
		fclose(fp);
		return -1;
	}
	n = fread(buf, 1, (size_t)sb.st_size, fp);
	fclose(fp);
	if (verbose) {
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
		fflush(stderr);
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay_dir(const char *path, int verbose, unsigned long *count)
{
	struct dirent *de;
	char **names = NULL, full[4096];
	size_t n = 0, i;
	int rc = 0;
	DIR *d;

	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		if (names == NULL || (names[n] = strdup(de->d_name)) == NULL)
			abort();
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, replay_cmp);
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		if (replay_file(full, verbose) != 0)
			rc = -1;
		else
			(*count)++;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned long count = 0;
	int i, rc = 0, verbose = getenv("REPLAY_VERBOSE") != NULL;
	struct stat sb;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (replay_dir(argv[i], verbose, &count) != 0)
				rc = 1;
		} else if (replay_file(argv[i], verbose) != 0)
			rc = 1;
		else
			count++;
	}
	printf("replayed %lu inputs\n", count);
	return rc;
}
