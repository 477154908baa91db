#!/bin/sh
# SPDX-License-Identifier: ISC
# The kernel's own states beside the wire's (see tests/kstate.py).
: "${SYNFIN:?}" "${top_srcdir:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
SYNFIN="$SYNFIN" exec python3 "$top_srcdir/tests/kstate.py"
