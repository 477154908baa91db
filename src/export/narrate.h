/* SPDX-License-Identifier: ISC */
/*
 * Narration: what a timeline event means, told in one to four plain
 * sentences for someone learning TCP ("The server acknowledges the
 * client's SYN and sends its own: SYN-ACK. ...").  Pure: it reads the
 * timeline through its const accessors and writes into a caller buffer.
 *
 * A packet's narration includes the state changes it caused (the EV_STATE
 * events that follow it for the same conn and frame), so a view that
 * shows one step per packet narrates the packet, not its states.  Every
 * sentence goes through _() (i18n.h).
 */
#ifndef NARRATE_H
#define NARRATE_H

#include <stddef.h>

#include "ev.h"
#include "timeline.h"

/* A buffer this big holds any narration whole. */
#define NARRATE_MAX	1024

/*
 * Narrate event `i` of `tl` into buf (always NUL-terminated, cut to fit).
 * Returns the length written; 0 when there is nothing to say (an index
 * past the end).  Every event type gets a narration: packets (TCP and
 * UDP, with their analysis notes), state changes, ICMP errors, warnings,
 * socket calls, conn starts and summaries.
 */
size_t	narrate_event(const struct timeline *tl, size_t i, char *buf,
	    size_t len);

/*
 * The sentence for one state change: endpoint `side` moved for reason
 * `why` (tcp_fsm.h).  Returns the length written; 0 for TCP_WHY_NONE.
 */
size_t	narrate_why(enum tcp_why why, enum ev_side side, char *buf,
	    size_t len);

#endif
