/* SPDX-License-Identifier: ISC */
/* Messages the core hands out: an English id and its arguments (msg.h). */

#include "config.h"

#include <assert.h>
#include <string.h>

#include "msg.h"

void
msg_init(struct msg *m, const char *id)
{
	m->id = id;
	m->n = 0;
	m->kind[0] = '\0';
	m->used = 0;
}

void
msg_num(struct msg *m, uint64_t v)
{
	assert(m->n < MSG_ARGS);
	m->u[m->n] = v;
	m->kind[m->n++] = 'u';
	m->kind[m->n] = '\0';
}

void
msg_errno(struct msg *m, int err)
{
	assert(m->n < MSG_ARGS);
	m->u[m->n] = (uint64_t)(unsigned)err;
	m->kind[m->n++] = 'e';
	m->kind[m->n] = '\0';
}

void
msg_str(struct msg *m, const char *s)
{
	size_t room, k = strlen(s);

	assert(m->n < MSG_ARGS && m->used + (MSG_ARGS - m->n) <= MSG_TEXT);
	/* Each argument that may follow keeps a byte for its own NUL. */
	room = MSG_TEXT - m->used - (MSG_ARGS - 1 - m->n);
	if (k >= room)
		k = room - 1;
	memcpy(m->text + m->used, s, k);
	m->text[m->used + k] = '\0';
	m->off[m->n] = m->used;
	m->used = (uint16_t)(m->used + k + 1);
	m->u[m->n] = 0;
	m->kind[m->n++] = 's';
	m->kind[m->n] = '\0';
}

const char *
msg_arg_str(const struct msg *m, unsigned i)
{
	return i < m->n && m->kind[i] == 's' ? m->text + m->off[i] : "";
}
