#!/bin/sh
# SPDX-License-Identifier: ISC
# Automake wrapper for tests/conformance.py: synfin against the tshark
# oracle on the public corpus.  Skips (77) only when the corpus directory
# is absent; a missing python3 or synfin binary is a hard error (99).
#
# Environment: SYNFIN (the binary), SYNFIN_CORPUS (the corpus directory,
# default $top_srcdir/../shared/pcaps/public), SYNFIN_TIMEOUT (seconds
# per file), PYTHON (interpreter), top_srcdir.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
SYNFIN=${SYNFIN:-$(pwd)/synfin}
export SYNFIN top_srcdir
corpus=${SYNFIN_CORPUS:-$top_srcdir/../shared/pcaps/public}

if [ ! -d "$corpus" ]; then
	echo "SKIP: conformance corpus not found: $corpus (set SYNFIN_CORPUS)"
	exit 77
fi

py=
for c in "${PYTHON:-}" python3 python; do
	[ -n "$c" ] || continue
	if command -v "$c" >/dev/null 2>&1 &&
	    "$c" -c 'import sys; sys.exit(sys.version_info < (3, 6))' \
	    2>/dev/null; then
		py=$c
		break
	fi
done
if [ -z "$py" ]; then
	echo "ERROR: python3 (3.6 or later) not found; set PYTHON" >&2
	exit 99
fi

"$py" "$top_srcdir/tests/conformance.py" "$corpus"
rc=$?
case $rc in
0|1)	exit $rc ;;
*)	exit 99 ;;	# usage error, no synfin binary, or a crash of the script
esac
