/* SPDX-License-Identifier: ISC */
/* Allocation that cannot fail: out of memory is fatal, after a hook. */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);

/* Called once before the process dies (the UI restores the terminal). */
void	 xmalloc_set_fatal_hook(void (*)(void));
/*
 * How fatal() prints its message: the shell's printer shows it to a
 * person (translated: the core's formats are English message ids marked
 * N_()); without one it goes to stderr as it is, after "synfin: ".
 */
void	 xmalloc_set_fatal_printer(void (*)(const char *fmt, va_list));
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2),
	     noreturn));

#endif
