#!/bin/sh
# SPDX-License-Identifier: ISC
# One row model for every lesson: each demo lesson run for real
# (tests/rows_lesson, --pace 0), its UI rows read as the live ladder
# reads them, compared with its diagrams' rows.  Skips (77) where the
# demo cannot run (no root nor unprivileged user namespaces).
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
# ok, bad, skip_all, $tmp
. "$top_srcdir/tests/tap.sh"
prog=$(dirname "$SYNFIN")/tests/rows_lesson
[ -x "$prog" ] || skip_all "tests/rows_lesson is not built"
lessons=$("$SYNFIN" demo --list | awk '{ print $1 }')
[ -n "$lessons" ] || { bad "synfin demo --list names lessons"; tap_end; }
for l in $lessons; do
	"$prog" "$l" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 77 ] && skip_all "$(cat "$tmp/out")"
	if [ $rc -eq 0 ]; then
		ok "$(cat "$tmp/out")"
	else
		sed 's/^/#   /' "$tmp/out" "$tmp/err" | head -10
		bad "$l: the UI's rows and the diagram's agree"
	fi
done
tap_end
