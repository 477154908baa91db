/* SPDX-License-Identifier: ISC */
/* Allocation wrappers that die cleanly (terminal restored) on failure. */

#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "xmalloc.h"

static void (*xmalloc_fatal_hook)(void);
static void (*xmalloc_fatal_print)(const char *, va_list);

void
xmalloc_set_fatal_hook(void (*fn)(void))
{
	xmalloc_fatal_hook = fn;
}

void
xmalloc_set_fatal_printer(void (*fn)(const char *, va_list))
{
	xmalloc_fatal_print = fn;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	if (xmalloc_fatal_hook != NULL) {
		void (*fn)(void) = xmalloc_fatal_hook;

		xmalloc_fatal_hook = NULL;
		fn();
	}
	va_start(ap, fmt);
	if (xmalloc_fatal_print != NULL)
		xmalloc_fatal_print(fmt, ap);
	else {
		fputs("synfin: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		fatal(N_("out of memory (%zu bytes)"), n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

	if (p == NULL)
		fatal(N_("out of memory (%zu x %zu bytes)"), nmemb, size);
	return p;
}

void *
xreallocarray(void *old, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		fatal(N_("allocation overflow (%zu x %zu bytes)"), nmemb,
		    size);
	p = realloc(old, nmemb * size == 0 ? 1 : nmemb * size);
	if (p == NULL)
		fatal(N_("out of memory (%zu x %zu bytes)"), nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}
