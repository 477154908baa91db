#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Replay the saved fuzz corpus (seeds, and every crash ever found) through
# both harnesses, without libFuzzer.  In a sanitizer build a regression
# dies with a report; leaks are checked too, as libFuzzer would.
set -u
: "${top_srcdir:?}"
bin=${builddir:-.}/tests/fuzz
corpus="$top_srcdir/tests/fuzz/corpus"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS_EXTRA:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fail=0
n=0
for h in core file; do
	n=$((n + 1))
	out=$("$bin/replay_$h" "$corpus/$h" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q 'Sanitizer\|runtime error' <<<"$out"; then
		echo "ok $n - fuzz_$h corpus: $out"
	else
		echo "not ok $n - fuzz_$h corpus (exit $rc)"
		# Say which input, then the report.
		REPLAY_VERBOSE=1 "$bin/replay_$h" "$corpus/$h" 2>&1 |
			grep -B1 -A30 -m1 'Sanitizer\|runtime error' | sed 's/^/#   /'
		fail=1
	fi
done
echo "1..$n"
exit $fail
