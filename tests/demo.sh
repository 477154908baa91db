#!/bin/sh
# SPDX-License-Identifier: ISC
# Every demo lesson, run for real (see tests/demo.py).
: "${SYNFIN:?}" "${top_srcdir:?}"
# Without python3: a skip, or a failure where CI requires every tool.
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"
	[ "${SYNFIN_REQUIRE_TOOLS:-0}" = 1 ] && exit 99; exit 77; }
SYNFIN="$SYNFIN" exec python3 "$top_srcdir/tests/demo.py"
