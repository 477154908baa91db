#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench: time synfin's replay of a large capture against a bare
# libpcap read loop and report the performance targets.
#
# usage: bench.sh BUILDDIR
#
# Environment:
#   MKPCAP_ARGS	options for mkpcap (default: its own defaults, 2M packets)
#   BENCH_RUNS	runs of each program, the best counts (default 3)
#   BENCH_CONN_RE	regex for one connection's line in synfin's --summary
#   		output (default '^conn'); change it here if the format moves
#   BENCH_STRICT	1: exit 1 when a target or check fails, not just report
#   SYNFIN	the synfin to time (default BUILDDIR/synfin)
#   BENCH_TIMER	gnu or python (default: GNU time if it works, else python3)
#
# Exit status: 0 when everything ran; 1 when synfin (or a helper) failed or
# crashed, or the capture could not be made.  Targets are reported as
# PASS/FAIL lines and do not change the exit status unless BENCH_STRICT=1.

set -u

builddir=${1:?usage: bench.sh BUILDDIR}
dir=$builddir/tests/bench
mkpcap=$dir/mkpcap
readloop=$dir/readloop
synfin=${SYNFIN:-$builddir/synfin}
pcap=$dir/bench.pcap
info=$dir/bench.info
out=$dir/synfin.out
runs=${BENCH_RUNS:-3}
mkargs=${MKPCAP_ARGS:-}
conn_re=${BENCH_CONN_RE:-'^conn'}
strict=${BENCH_STRICT:-0}

# Targets.
max_ratio=2		# synfin's time / the bare loop's
max_rss_mib=64		# synfin's peak RSS

die()
{
	echo "bench: $*" >&2
	exit 1
}

for p in "$mkpcap" "$readloop" "$synfin"; do
	[ -x "$p" ] || die "$p: not built"
done

# -- the capture, made once; again when mkpcap or its options change.
# shellcheck disable=SC3013 # -nt: dash, bash, busybox and BSD sh have it
if [ ! -f "$pcap" ] || [ ! -f "$info" ] || [ "$mkpcap" -nt "$pcap" ] ||
    [ "$(sed -n 's/^args: //p' "$info")" != "$mkargs" ]; then
	echo "bench: generating $pcap"
	rm -f "$pcap" "$info"
	# shellcheck disable=SC2086 # MKPCAP_ARGS is a list of options
	"$mkpcap" $mkargs "$pcap" 2> "$info.tmp" ||
	    { cat "$info.tmp" >&2; rm -f "$pcap" "$info.tmp"; \
	    die "mkpcap failed"; }
	echo "args: $mkargs" >> "$info.tmp"
	mv "$info.tmp" "$info"
else
	echo "bench: reusing $pcap"
fi
sed -n 's/^mkpcap: /  /p' "$info"
# "mkpcap: FILE: N packets, N connections, N max open, ..."
exp_packets=$(sed -n 's/.* \([0-9][0-9]*\) packets, .*/\1/p' "$info")
exp_conns=$(sed -n 's/.* \([0-9][0-9]*\) connections, .*/\1/p' "$info")
if [ -z "$exp_packets" ] || [ -z "$exp_conns" ]; then
	die "$info: cannot find the packet and connection counts"
fi

# -- timing: one run of a command, stdout to a file.  Sets t_sec (wall
# clock) and t_kib (peak RSS of the command).  Returns its exit status,
# 128 + signal if it was killed.
tmp=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || die "mktemp failed"
trap 'rm -f "$tmp" "$tmp.out"' EXIT
trap 'exit 130' INT TERM

timer=${BENCH_TIMER:-}
if [ -n "$timer" ]; then
	:
elif /usr/bin/time -f '%e %M' -o "$tmp" true 2>/dev/null &&
    [ "$(wc -w < "$tmp")" -eq 2 ]; then
	timer=gnu
elif command -v python3 > /dev/null 2>&1; then
	timer=python
else
	die "need GNU time (/usr/bin/time) or python3 to measure"
fi
# GNU time's %e has only centiseconds: prefer date's nanoseconds.
case $(date +%N 2>/dev/null) in
[0-9]*)	ns_date=1 ;;
*)	ns_date=0 ;;
esac

measure()
{
	m_out=$1
	shift
	if [ "$timer" = gnu ]; then
		[ "$ns_date" = 1 ] && m_t0=$(date +%s.%N)
		/usr/bin/time -f '%e %M' -o "$tmp" "$@" > "$m_out"
		m_rc=$?
		[ "$ns_date" = 1 ] && m_t1=$(date +%s.%N)
		# After a crash GNU time puts its own line first.
		# shellcheck disable=SC2046 # split "SECONDS KIB"
		set -- $(tail -n 1 "$tmp")
		t_sec=${1:-0}
		t_kib=${2:-0}
		[ "$ns_date" = 1 ] &&
		    t_sec=$(awk -v a="$m_t0" -v b="$m_t1" \
		    'BEGIN { printf "%.3f", b - a }')
	else
		python3 -c '
import resource, subprocess, sys, time
with open(sys.argv[2], "w") as out:
    t = time.monotonic()
    rc = subprocess.call(sys.argv[3:], stdout=out)
    t = time.monotonic() - t
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    f.write("%.3f %d\n" % (t, kib))
sys.exit(128 - rc if rc < 0 else rc)
' "$tmp" "$m_out" "$@"
		m_rc=$?
		# shellcheck disable=SC2046
		set -- $(cat "$tmp")
		t_sec=${1:-0}
		t_kib=${2:-0}
	fi
	return $m_rc
}

# best NAME OUT CMD...: BENCH_RUNS runs; sets best_sec (fastest) and
# best_kib (largest peak RSS).  Exits if a run fails.
best()
{
	b_name=$1
	shift
	best_sec=
	best_kib=0
	b_i=0
	while [ "$b_i" -lt "$runs" ]; do
		b_i=$((b_i + 1))
		measure "$@"
		b_rc=$?
		if [ "$b_rc" -ne 0 ]; then
			if [ "$b_rc" -gt 128 ]; then
				echo "FAIL: $b_name crashed" \
				    "(signal $((b_rc - 128)))" >&2
			else
				echo "FAIL: $b_name exited with status" \
				    "$b_rc" >&2
			fi
			exit 1
		fi
		printf '  %-14s run %d: %s s, %s KiB\n' "$b_name" "$b_i" \
		    "$t_sec" "$t_kib"
		if [ -z "$best_sec" ] ||
		    awk -v a="$t_sec" -v b="$best_sec" \
		    'BEGIN { exit !(a < b) }'; then
			best_sec=$t_sec
		fi
		[ "$t_kib" -gt "$best_kib" ] && best_kib=$t_kib
	done
}

echo "bench: best of $runs runs, timer: $timer"
if [ "$timer" = python ]; then
	# A child forked by python starts with python's pages resident, and
	# ru_maxrss keeps that high-water mark across exec: a floor.
	measure /dev/null true
	echo "bench: note: peak RSS under $((t_kib / 1024)) MiB reads as" \
	    "$((t_kib / 1024)) MiB with this timer (python's own, kept" \
	    "across fork and exec)"
fi
best readloop "$tmp.out" "$readloop" "$pcap"
loop_sec=$best_sec loop_kib=$best_kib
loop_packets=$(awk '{ print $1; exit }' "$tmp.out")
best "readloop -b" "$tmp.out" "$readloop" -b "$pcap"
bloop_sec=$best_sec bloop_kib=$best_kib
rm -f "$tmp.out"
# The output goes to a file, not /dev/null, so its lines can be counted;
# writing it is a small fraction of the run.
best synfin "$out" "$synfin" replay --summary "$pcap"
syn_sec=$best_sec syn_kib=$best_kib
syn_conns=$(grep -c -E "$conn_re" "$out")

# -- report.
echo
awk -v p="$exp_packets" \
    -v ls="$loop_sec" -v lk="$loop_kib" \
    -v bs="$bloop_sec" -v bk="$bloop_kib" \
    -v ss="$syn_sec" -v sk="$syn_kib" '
function row(name, s, k) {
	printf "%-22s %10d %8.3f %12.0f %8.2f %9.1f\n", name, p, s,
	    (s > 0 ? p / s : 0), (ls > 0 ? s / ls : 0), k / 1024
}
BEGIN {
	printf "%-22s %10s %8s %12s %8s %9s\n", "program", "packets",
	    "seconds", "packets/s", "x loop", "peak MiB"
	row("readloop", ls, lk)
	row("readloop -b (1 MiB)", bs, bk)
	row("synfin replay", ss, sk)
}'
echo

fails=0
report()
{
	if [ "$1" = 0 ]; then
		echo "PASS: $2"
	else
		echo "FAIL: $2"
		fails=$((fails + 1))
	fi
}

ratio=$(awk -v s="$syn_sec" -v l="$loop_sec" \
    'BEGIN { printf "%.2f", (l > 0 ? s / l : 0) }')
awk -v r="$ratio" -v m="$max_ratio" 'BEGIN { exit !(r > 0 && r <= m) }'
report $? "synfin within ${max_ratio}x the bare read loop (${ratio}x)"

rss=$(awk -v k="$syn_kib" 'BEGIN { printf "%.1f", k / 1024 }')
awk -v r="$rss" -v m="$max_rss_mib" 'BEGIN { exit !(r > 0 && r < m) }'
report $? "synfin peak RSS under $max_rss_mib MiB ($rss MiB)"

[ "$loop_packets" = "$exp_packets" ]
report $? "readloop read $loop_packets packets (mkpcap wrote $exp_packets)"

[ "$syn_conns" = "$exp_conns" ]
report $? "synfin summarised $syn_conns connections (lines matching \
'$conn_re'; mkpcap wrote $exp_conns)"

if [ "$fails" -gt 0 ] && [ "$strict" = 1 ]; then
	exit 1
fi
exit 0
