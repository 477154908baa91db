/* SPDX-License-Identifier: ISC */
/*
 * One row model, two drawings: the rows the UI's ladder draws (rows.c)
 * and the rows the exporters draw (diagram_build()) are one list.  Used
 * by tests/test_export.c (every bundled capture, calls made by hand) and
 * tests/rows_lesson.c (every demo lesson, rows built as the live UI
 * builds them).
 */
#ifndef ROWS_AGREE_H
#define ROWS_AGREE_H

#include <stddef.h>

#include "rows.h"
#include "timeline.h"

/*
 * Conn c's rows `r` (built by the caller, at once or as events came)
 * against its diagram: the same kinds (a segment, an ICMP error, a call
 * on its own, a warning) of the same steps (timeline indices), in the
 * same order, on the same sides; a call that shares a segment's row in
 * the UI shares it in the diagram, and only there; each segment leaves
 * both endpoints in the same states.  The diagram adds only rows of
 * state changes no shown segment caused; the UI only its lines of the
 * kernel's own state.  Returns 0, or -1 with the first difference in
 * why.  *shared (may be NULL) is increased by the calls that shared a
 * segment's row, *rows by the rows compared.
 */
int	rows_agree_conn(const struct timeline *tl, const struct tl_conn *c,
	    const struct rows *r, char *why, size_t len, size_t *shared,
	    size_t *rows);
/* Every held conn of tl, its rows built at once. */
int	rows_agree_all(const struct timeline *tl, char *why, size_t len,
	    size_t *shared, size_t *rows);

#endif
