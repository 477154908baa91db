/* SPDX-License-Identifier: ISC */
/*
 * Showing what the core hands out (msg.h): a message rendered for a
 * person, from its id's translation, or as the contract writes it, in
 * English (--json).  A translation whose holes do not fit the message's
 * arguments (a bad catalogue) falls back to the English id.
 */
#ifndef MSG_TEXT_H
#define MSG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"
#include "obuf.h"

/* Room for any message rendered: its text, the id's, the numbers'. */
#define MSG_TEXT_MAX	1024

/* The message in buf (cut to len - 1 bytes): translated, or English.
 * A NULL message (or one without an id) is "". */
const char	*msg_text(const struct msg *, bool translate, char *buf,
		     size_t len);
/* The same, appended to b. */
void		 msg_put(struct obuf *b, const struct msg *, bool translate);
/* With fmt for the id (a translation); English if fmt does not fit. */
const char	*msg_text_fmt(const struct msg *, const char *fmt, char *buf,
		     size_t len);

#endif
