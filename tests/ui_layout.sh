#!/bin/sh
# SPDX-License-Identifier: ISC
# The UI's layout at 80x24, 120x40 and 160x48 in both languages, every
# bundled capture step by step, read back from tmux (see
# tests/ui_layout.py).  Needs tmux and python3.
: "${SYNFIN:?}" "${top_srcdir:?}"
for t in tmux python3; do
	if ! command -v $t >/dev/null; then
		echo "SKIP: $t is not installed"
		[ "${SYNFIN_REQUIRE_TOOLS:-}" = 1 ] && exit 99
		exit 77
	fi
done
unset TMUX NO_COLOR
exec python3 "$top_srcdir/tests/ui_layout.py"
