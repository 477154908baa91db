/* SPDX-License-Identifier: ISC */
/*
 * A capture read into a timeline, as replay reads one for its UI.  When
 * the timeline reads payloads again from the capture (capture_index(),
 * timeline_set_payload_source()), two threads share the work: one reads,
 * decodes and infers (capture, engine), the calling one stores the steps
 * (timeline); the events pass from one to the other in blocks, in order.
 * Otherwise (standard input: the events' payload bytes live only as long
 * as their frame) the calling thread does it all.  Either way the
 * timeline ends the same.
 */
#ifndef LOAD_H
#define LOAD_H

#include <stdint.h>

#include "engine.h"
#include "msg.h"

struct capture;
struct timeline;

/* Called now and then by the calling thread: frames read so far, and how
 * far into the file (percent; -1: unknown). */
typedef void	(*load_progress_fn)(void *arg, uint64_t frames, int pct);

/*
 * At most `count` frames (0: all) of cap through an engine configured
 * as cfg says into tl, then the engine's end (engine_finish()).  Returns
 * 0, or -1 with *err set when the capture could not be read to its end
 * (what was read is stored, and a warning event says so).
 */
int		 load_timeline(struct capture *cap, struct timeline *tl,
		     const struct engine_config *cfg, uint64_t count,
		     load_progress_fn progress, void *arg, struct msg *err);

#endif
