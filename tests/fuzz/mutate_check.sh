#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# make check's short robustness run: a fixed set of mutated captures
# (MUTATE_CHECK_COUNT, default 100; MUTATE_SEED to vary it) through
# synfin.  The full run is `make mutate MUTANTS=10000` in a sanitizer
# build; see mutate_run.sh.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
MUTATE_SEEDS_AS_IS=0 MUTATE_KEEP=${MUTATE_KEEP:-$PWD/tests/fuzz/mutate-failures} \
    "${BASH:-bash}" "$top_srcdir/tests/fuzz/mutate_run.sh" \
    "${MUTATE_CHECK_COUNT:-100}" "${MUTATE_SEED:-6}"
rc=$?
[ $rc -eq 0 ] && echo "ok 1 - mutated captures" || echo "not ok 1 - mutated captures"
echo "1..1"
exit $rc
