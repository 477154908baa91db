#!/bin/sh
# SPDX-License-Identifier: ISC
# Every lab script in labs/, run for real (see tests/lab.py).
: "${SYNFIN:?}" "${top_srcdir:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
SYNFIN="$SYNFIN" exec python3 "$top_srcdir/tests/lab.py"
