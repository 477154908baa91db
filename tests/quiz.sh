#!/bin/sh
# SPDX-License-Identifier: ISC
# --quiz --text answered on standard input (see tests/quiz.py).
: "${SYNFIN:?}" "${top_srcdir:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
SYNFIN="$SYNFIN" exec python3 "$top_srcdir/tests/quiz.py"
