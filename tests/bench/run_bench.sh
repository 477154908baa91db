#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench: synfin run's overhead.  tests/bench/sendloop makes 100,000
# send() calls; its wall time alone (in a network namespace of its own,
# as under synfin) against its wall time under `synfin run --json`
# (every call traced and reported, every datagram captured).  Best of 3.
set -u
top=${1:?builddir}
synfin=$top/synfin
loop=$top/tests/bench/sendloop
n=${SENDLOOP_N:-100000}
now() { date +%s.%N; }
best() {	# best of 3 wall times of "$@", in seconds
	b=
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || { echo "bench: $* failed" >&2; exit 1; }
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
if ! "$synfin" run --json -- true >/dev/null 2>&1; then
	echo "bench-run: SKIP (synfin run cannot trace or capture here)"
	exit 0
fi
if [ "$(id -u)" = 0 ]; then
	alone=$(best unshare -n sh -c "ip link set lo up && exec $loop $n")
else
	alone=$(best unshare -rn sh -c "ip link set lo up && exec $loop $n")
fi
traced=$(best "$synfin" run --json -- "$loop" "$n")
"$synfin" run --json -- "$loop" "$n" 2>"$top/tests/bench/run_bench.err" |
    grep -c '"call":"send"' >"$top/tests/bench/run_bench.calls"
echo "bench-run: $n send() calls: alone $(printf %.3f "$alone") s, under synfin run --json $(printf %.3f "$traced") s"
echo "bench-run: x$(echo "scale=1; $traced / $alone" | bc) wall time, $(echo "scale=1; ($traced - $alone) * 1000000 / $n" | bc) us more per call; $(cat "$top/tests/bench/run_bench.calls") send() calls reported"
tail -1 "$top/tests/bench/run_bench.err" | sed 's/^/bench-run: /'
