/* SPDX-License-Identifier: ISC */
/*
 * The ladder diagram as Mermaid sequenceDiagram text, one fenced
 * ```mermaid block per conn, ready to paste into Markdown.  A socket
 * call that sent a segment is the first line of its message (Mermaid
 * cannot put a note beside a message); one on its own is a Note left of
 * the client or right of the server.  Every
 * character Mermaid's parser or its HTML labels would take for syntax
 * (; # : % < > & " and the like) is written as one of Mermaid's entity
 * codes (#59; is ';'), so no label can end a statement early.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "diagram.h"
#include "i18n.h"
#include "out.h"

/* Participant ids, part of the syntax: never translated (the aliases
 * shown, "client 10.0.0.1:5000", are). */
static const char *out_mermaid_name[2] = { "Client", "Server" };

/* Text as Mermaid reads it: entity codes for its syntax characters. */
static void
out_mermaid_text(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', fp);
		else if (strchr(";#:%<>&\"'`{}[]|\\", *p) != NULL)
			fprintf(fp, "#%u;", *p);
		else
			fputc(*p, fp);
	}
}

static void
out_mermaid_states(FILE *fp, const struct diagram_row *r, int side)
{
	size_t k;

	for (k = 0; k < r->nst[side]; k++)
		fprintf(fp, "    Note over %s: %s\n", out_mermaid_name[side],
		    tcp_state_name(r->st[side][k]));
}

static void
out_mermaid_row(FILE *fp, const struct diagram_row *r)
{
	const char *from = out_mermaid_name[r->from];
	const char *to = out_mermaid_name[!r->from];

	switch (r->kind) {
	case DIAGRAM_MSG:
	case DIAGRAM_ICMP:
		/* Dotted: a retransmission; open arrowhead: ICMP; a cross:
		 * its receiver never processed it. */
		fprintf(fp, "    %s%s%s: ", from, r->kind == DIAGRAM_ICMP ?
		    "--)" : r->lost ? (r->retrans ? "--x" : "-x") :
		    r->retrans ? "-->>" : "->>", to);
		/* The call that sent it shares its row: Mermaid has no note
		 * beside a message, only notes on slots of their own, so it
		 * is the first line of the message's text. */
		if (r->call[0] != '\0') {
			out_mermaid_text(fp, r->call);
			fputs("<br/>", fp);
		}
		out_mermaid_text(fp, r->label);
		if (r->notes[0] != '\0') {
			fputs(" (", fp);
			out_mermaid_text(fp, r->notes);
			fputc(')', fp);
		}
		fputc('\n', fp);
		/* The sender's change as it sends, then the receiver's. */
		out_mermaid_states(fp, r, r->from);
		out_mermaid_states(fp, r, !r->from);
		break;
	case DIAGRAM_STATE:
		out_mermaid_states(fp, r, EV_CLIENT);
		out_mermaid_states(fp, r, EV_SERVER);
		break;
	case DIAGRAM_CALL:
		fprintf(fp, "    Note %s of %s: ", r->from == EV_CLIENT ?
		    "left" : "right", from);
		out_mermaid_text(fp, r->label);
		fputc('\n', fp);
		break;
	case DIAGRAM_NOTE:
		fputs("    Note over Client,Server: ", fp);
		out_mermaid_text(fp, r->label);
		fputc('\n', fp);
		break;
	}
}

static void
out_mermaid_one(FILE *fp, const struct diagram *d)
{
	const unsigned char *p;
	size_t i;

	fputs("```mermaid\nsequenceDiagram\n    %% ", fp);
	for (p = (const unsigned char *)d->title; *p != '\0'; p++)
		fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, fp);
	fputs("\n    participant Client as ", fp);
	out_mermaid_text(fp, _("client"));
	fputc(' ', fp);
	out_mermaid_text(fp, d->client);
	fputs("\n    participant Server as ", fp);
	out_mermaid_text(fp, d->no_socket ? _("no socket") : _("server"));
	fputc(' ', fp);
	out_mermaid_text(fp, d->server);
	fputc('\n', fp);
	if (d->tcp) {
		fprintf(fp, "    Note over Client: %s\n",
		    tcp_state_name(d->init[0]));
		fprintf(fp, "    Note over Server: %s\n",
		    tcp_state_name(d->init[1]));
	}
	for (i = 0; i < d->nrows; i++)
		out_mermaid_row(fp, &d->rows[i]);
	fputs("```\n", fp);
}

int
out_mermaid_write(const struct timeline *tl, uint32_t id, FILE *fp)
{
	diagram_each(tl, id, fp, out_mermaid_one);
	return ferror(fp) ? -1 : 0;
}
