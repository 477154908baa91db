/* SPDX-License-Identifier: ISC */
/*
 * What the core hands out to be shown to a person: a message id and its
 * arguments, never a sentence.  The id is English, marked N_() so that
 * xgettext collects it, and is a printf format when the message has
 * arguments; the arguments are numbers (a %u or %d hole), strings (a %s
 * hole) or errno values (a %s hole: strerror's text, in English for
 * JSON), in the order the English names them (a translation may take
 * them as %1$s, %2$u).  The core neither formats nor translates: whoever
 * shows a message renders it (msg_text(), src/export/msg_text.h), from
 * the id's translation for a person (the text sink, the narration, the
 * UI, error printing in the shell) and from the id itself where English
 * is the contract (--json), so JSON is English by construction and no
 * file under src/core calls gettext: tests/layering.sh checks it.
 *
 * A message owns copies of its string arguments (at most MSG_TEXT bytes
 * in all; longer ones are cut), so it can be copied and kept.
 */
#ifndef MSG_H
#define MSG_H

#include <stdint.h>

/* Marks an English message id for xgettext; it is used untranslated. */
#ifndef N_
#define N_(s)	(s)
#endif

#define MSG_ARGS	5	/* arguments of one message */
#define MSG_TEXT	320	/* bytes of its string arguments, NULs too */

struct msg {
	const char	*id;		/* English, static; NULL: none */
	uint8_t		 n;		/* arguments */
	char		 kind[MSG_ARGS + 1];	/* 'u', 's' or 'e' each */
	uint16_t	 off[MSG_ARGS];	/* 's': where in text */
	uint16_t	 used;		/* bytes of text taken */
	uint64_t	 u[MSG_ARGS];	/* 'u': the number; 'e': errno */
	char		 text[MSG_TEXT];
};

/* A message with this id and no argument yet (a format only once it
 * has some: an id without arguments is shown as it is). */
void		 msg_init(struct msg *, const char *id);
/* Add a number, then a string (copied), as the id's next hole. */
void		 msg_num(struct msg *, uint64_t);
void		 msg_str(struct msg *, const char *);
/* Add an errno value: its text, as strerror(3) or in English. */
void		 msg_errno(struct msg *, int);
/* The i-th string argument ("" when i is not one). */
const char	*msg_arg_str(const struct msg *, unsigned i);

#endif
