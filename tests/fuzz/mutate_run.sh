#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Robustness run: make N mutated captures from the bundled captures (and
# ../shared/pcaps/public when it is there), then run `synfin replay
# --json` over each of them, and over every seed as it is, with a 10 s
# timeout.  Meant for an ASan+UBSan build (configure --enable-sanitizers):
# any crash, sanitizer report, hang, leak or exit code other than 0 or 1
# fails the run, and the input is kept in $MUTATE_KEEP.
#
# usage: SYNFIN=path/to/synfin top_srcdir=DIR mutate_run.sh [N [SEED]]
# env:   MUTATE_JOBS (default: nproc), MUTATE_TIMEOUT (10),
#        MUTATE_KEEP (default: ./mutate-failures), MUTATE_SEEDS (extra
#        seed files, space-separated), MUTATE_SEEDS_AS_IS=0 (run only
#        the mutants, not the seeds themselves)
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
count=${1:-1000}
seed=${2:-$(date +%s)}
jobs=${MUTATE_JOBS:-$(nproc 2>/dev/null || echo 2)}
tmo=${MUTATE_TIMEOUT:-10}
keep=${MUTATE_KEEP:-$PWD/mutate-failures}

seeds=("$top_srcdir"/captures/*.pcap)
pub="$top_srcdir/../shared/pcaps/public"
[ -d "$pub" ] && seeds+=("$pub"/*.pcap "$pub"/*.pcapng)
# shellcheck disable=SC2206
[ -n "${MUTATE_SEEDS:-}" ] && seeds+=($MUTATE_SEEDS)

if ! grep -aq __asan_init "$SYNFIN"; then
	echo "# $SYNFIN is not an ASan build: crashes, hangs and exit codes" \
	    "only (configure --enable-sanitizers for memory errors and leaks)"
fi

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
python3 "$top_srcdir/tests/fuzz/mutate.py" --seed "$seed" --count "$count" \
    "$tmp/in" "${seeds[@]}" >/dev/null || exit 99

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}"
export SYNFIN tmo

# One input: print "VERDICT path [detail]".  Few processes per input:
# on a loaded machine, spawning costs more than the run.
mutate_one() {
	local f=$1 err=$tmp/err.$BASHPID rc msg
	timeout -k 5 "$tmo" "$SYNFIN" replay --json "$f" >/dev/null 2>"$err"
	rc=$?
	msg=$(<"$err")
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "HANG $f"
	elif [[ $msg == *LeakSanitizer* ]]; then
		echo "LEAK $f"
	elif [[ $msg == *Sanitizer* || $msg == *"runtime error:"* ]]; then
		echo "CRASH $f sanitizer:" \
		    "$(grep -m1 -E 'ERROR|runtime error' "$err")"
	elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		echo "CRASH $f exit $rc: ${msg##*$'\n'}"
	elif [ $rc -eq 1 ] && [ -z "$msg" ]; then
		echo "SILENT $f exit 1 without a message"
	else
		echo "OK$rc $f"
	fi
}
mutate_some() {
	local f
	for f; do mutate_one "$f"; done
}
export -f mutate_one mutate_some
export tmp

start=$(date +%s)
# MUTATE_SEEDS_AS_IS=0: only the mutants (make check's short run).
{ [ "${MUTATE_SEEDS_AS_IS:-1}" = 0 ] || printf '%s\0' "${seeds[@]}"
  find "$tmp/in" -type f -print0; } |
	xargs -0 -n 16 -P "$jobs" bash -c 'mutate_some "$@"' _ >"$tmp/results"
secs=$(( $(date +%s) - start ))

total=$(wc -l <"$tmp/results")
ok0=$(grep -c '^OK0 ' "$tmp/results")
ok1=$(grep -c '^OK1 ' "$tmp/results")
crash=$(grep -c '^CRASH ' "$tmp/results")
hang=$(grep -c '^HANG ' "$tmp/results")
leak=$(grep -c '^LEAK ' "$tmp/results")
silent=$(grep -c '^SILENT ' "$tmp/results")
echo "# mutate_run: seed $seed, $count mutants of ${#seeds[@]} captures:" \
    "$total runs in ${secs}s: exit 0: $ok0, exit 1: $ok1," \
    "crashes: $crash, hangs: $hang, leaks: $leak, silent failures: $silent"
bad=$((crash + hang + leak + silent))
if [ $bad -gt 0 ]; then
	mkdir -p "$keep"
	grep -v '^OK' "$tmp/results" | while read -r verdict f rest; do
		cp "$f" "$keep/"
		echo "# $verdict $keep/$(basename "$f") $rest"
	done
	exit 1
fi
exit 0
