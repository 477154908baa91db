/* SPDX-License-Identifier: ISC */
/*
 * --text -v: the text output with each step's narration under its line.
 */
#ifndef OUT_EXPLAIN_H
#define OUT_EXPLAIN_H

#include <stdio.h>

#include "ev.h"

/*
 * A sink that prints what out_text_new(fp, OUT_TEXT_FULL) prints and,
 * under each packet, call, ICMP error, warning, summary and state change
 * not already told with its packet, the narration (narrate.h), indented
 * and marked "  # ".  A packet's line waits for the events that follow it
 * in the same frame, since its narration includes the state changes they
 * bring; close() prints what is left.
 */
struct sink	*out_explain_new(FILE *fp);

#endif
