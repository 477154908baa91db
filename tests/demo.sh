#!/bin/sh
# SPDX-License-Identifier: ISC
# Every demo lesson, run for real (see tests/demo.py).
: "${SYNFIN:?}" "${top_srcdir:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
SYNFIN="$SYNFIN" exec python3 "$top_srcdir/tests/demo.py"
