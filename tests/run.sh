#!/bin/sh
# SPDX-License-Identifier: ISC
# synfin run with the programs of examples/ (see tests/run.py).
: "${SYNFIN:?}" "${top_srcdir:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
SYNFIN="$SYNFIN" exec python3 "$top_srcdir/tests/run.py"
