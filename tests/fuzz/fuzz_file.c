/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness over the file path: the input is a whole pcap or
 * pcapng file, opened and read by capture.c (so through libpcap, with
 * synfin's own checks) into the engine and the JSON and text output.
 * capture_open_file() takes a path, so each input is written to one
 * temporary file per process, in /dev/shm when there is one.
 */

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "engine.h"
#include "ev.h"
#include "fuzz.h"
#include "out.h"
#include "pkt.h"

static char	 fuzz_file_path[256];
static int	 fuzz_file_fd = -1;
static FILE	*fuzz_file_null;

static void
fuzz_file_cleanup(void)
{
	if (fuzz_file_fd != -1)
		unlink(fuzz_file_path);
}

static void
fuzz_file_setup(void)
{
	const char *dir = getenv("TMPDIR");

	if (dir == NULL || *dir == '\0')
		dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_file_path, sizeof fuzz_file_path,
	    "%s/synfin-fuzz-XXXXXX", dir);
	if ((fuzz_file_fd = mkstemp(fuzz_file_path)) == -1) {
		perror(fuzz_file_path);
		abort();
	}
	atexit(fuzz_file_cleanup);
	if ((fuzz_file_null = fopen("/dev/null", "w")) == NULL)
		abort();
}

/* Two sinks behind one: the text and JSON exporters. */
struct fuzz_file_tee {
	struct sink	 sink;
	struct sink	*out[2];
};

static void
fuzz_file_tee_emit(struct sink *s, const struct ev *e)
{
	struct fuzz_file_tee *t = (struct fuzz_file_tee *)s;

	sink_emit(t->out[0], e);
	sink_emit(t->out[1], e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_config cfg;
	struct fuzz_file_tee tee;
	struct capture *cap;
	struct engine *e;
	struct msg why;
	uint8_t pay[512];
	uint64_t n;
	char err[512];

	if (fuzz_file_fd == -1)
		fuzz_file_setup();
	if (ftruncate(fuzz_file_fd, 0) != 0 ||
	    pwrite(fuzz_file_fd, data, size, 0) != (ssize_t)size)
		abort();

	if ((cap = capture_open_file(fuzz_file_path, err, sizeof err)) == NULL)
		return 0;
	if (!dec_linktype_supported(capture_linktype(cap))) {
		capture_close(cap);
		return 0;
	}
	/*
	 * Some inputs go through a filter, as "replay FILE tcp" does; not
	 * every link type has TCP in libpcap's eyes, as main.c finds too.
	 */
	if (size % 4 == 3 && capture_set_filter(cap, "tcp or udp", err,
	    sizeof err) != 0) {
		capture_close(cap);
		return 0;
	}

	/* Frames are read again (the UI's payloads) after the run. */
	capture_index(cap);
	memset(&tee, 0, sizeof tee);
	tee.sink.emit = fuzz_file_tee_emit;
	tee.out[0] = out_json_new(fuzz_file_null);
	tee.out[1] = out_text_new(fuzz_file_null, OUT_TEXT_FULL);
	engine_config_default(&cfg);
	e = engine_new(&cfg, &tee.sink);
	if (capture_run(cap, e, 0, &why) != 0)
		engine_warn(e, 0, 0, &why);
	engine_finish(e);
	engine_free(e);
	sink_close(tee.out[0]);
	sink_close(tee.out[1]);
	/* The newest frames read again, and the first, at any stamp. */
	for (n = capture_count(cap); n > 0 && capture_count(cap) - n < 8; n--)
		capture_payload(cap, n, (int64_t)n, pay, sizeof pay);
	capture_payload(cap, 1, 0, pay, sizeof pay);
	capture_close(cap);
	fflush(fuzz_file_null);
	return 0;
}
