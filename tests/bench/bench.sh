#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench: time synfin's replay of a large capture against a bare
# libpcap read loop, and the UI's load and redraw, and report the
# performance targets of issue 14.
#
# usage: bench.sh BUILDDIR
#
# Environment:
#   MKPCAP_ARGS	options for mkpcap (default: -n 100000, issue 14's capture:
#   		2.55M packets in 100k connections, 1.8 GB; the capture 4
#   		times as large is 7.4 GB; empty: mkpcap's own, 2M packets)
#   BENCH_RUNS	runs of each program, the best counts (default 3)
#   BENCH_BIG	0: skip the capture 4 times as large that shows --summary's
#   		memory stays flat and the UI's load time linear (default
#   		1; it takes 4x the disk)
#   BENCH_CONN_RE	regex for one connection's line in synfin's --summary
#   		output (default '^conn'); change it here if the format moves
#   BENCH_STRICT	1: exit 1 when a target or check fails, not just report
#   SYNFIN	the synfin to time (default BUILDDIR/synfin)
#   BENCH_TIMER	gnu or python (default: GNU time if it works, else python3)
#   BENCH_CLOCK	cpu or wall: what the ratios to F1 compare (default cpu:
#   		user + system time, which other jobs on a shared machine
#   		disturb far less than the wall clock; both are printed)
#
# The UI is timed as tests/bench/uibench -l: a process that loads the
# capture as `synfin replay FILE` does for its UI (reading and decoding on
# one thread, storing the steps on another), draws the first frame of the
# connection list and exits.  Its time is the list's: from main() to that
# frame by the wall clock, and from exec to that frame in CPU time (best of
# BENCH_RUNS each), not the teardown after it.  The UI's targets (its
# ratio to --summary, the 4x capture's to the 1x one) compare the wall
# clock whatever BENCH_CLOCK says: they are how long a person waits for
# the list, and the load's two threads overlap; the CPU time is printed
# beside them.
# Its redraw is uibench's mean frame time at the first, middle and last
# step of the longest conversation of bench.pcap and of a capture that
# is one conversation of 100,000 packets (ui100k-1.pcap, as make bench-ui).
#
# Exit status: 0 when everything ran; 1 when synfin (or a helper) failed or
# crashed, or the capture could not be made.  Targets are reported as
# PASS/FAIL lines and do not change the exit status unless BENCH_STRICT=1.

set -u

builddir=${1:?usage: bench.sh BUILDDIR}
dir=$builddir/tests/bench
mkpcap=$dir/mkpcap
readloop=$dir/readloop
uibench=$dir/uibench
synfin=${SYNFIN:-$builddir/synfin}
pcap=$dir/bench.pcap
out=$dir/synfin.out
runs=${BENCH_RUNS:-3}
mkargs=${MKPCAP_ARGS--n 100000}
conn_re=${BENCH_CONN_RE:-'^conn'}
strict=${BENCH_STRICT:-0}

# Targets (issue 14), against F1 = the buffered read loop (readloop -b)
# of the same run.
max_sum_ratio=3		# --summary's time / F1's
max_out_ratio=6		# --json's and --text's time / F1's
max_rss_mib=16		# --summary's peak RSS, on both captures
max_rss_growth=1.25	# the 4x capture's peak RSS / the 1x one's
max_ui_ratio=1.5	# the UI's time to its connection list / --summary's
max_ui_hwm_mib=256	# the UI's VmHWM on the 1x capture (no event evicted)
max_ui_big_ratio=4.5	# the UI's time on the 4x capture / on the 1x one
max_ui_big_hwm_mib=300	# the UI's VmHWM on the 4x capture (events evicted)
max_frame_ms=5		# the UI's slowest redraw
big=${BENCH_BIG:-1}
big_packets=0

die()
{
	echo "bench: $*" >&2
	exit 1
}

for p in "$mkpcap" "$readloop" "$uibench" "$synfin"; do
	[ -x "$p" ] || die "$p: not built"
done

# -- a capture, made once; again when mkpcap or its options change.
# mkcap FILE ARGS: sets exp_packets and exp_conns from its info file.
mkcap()
{
	mk_pcap=$1
	mk_info=$1.info
	mk_args=$2
	# shellcheck disable=SC3013 # -nt: dash, bash, busybox and BSD sh
	if [ ! -f "$mk_pcap" ] || [ ! -f "$mk_info" ] ||
	    [ "$mkpcap" -nt "$mk_pcap" ] ||
	    [ "$(sed -n 's/^args: //p' "$mk_info")" != "$mk_args" ]; then
		echo "bench: generating $mk_pcap"
		rm -f "$mk_pcap" "$mk_info"
		# shellcheck disable=SC2086 # a list of options
		"$mkpcap" $mk_args "$mk_pcap" 2> "$mk_info.tmp" ||
		    { cat "$mk_info.tmp" >&2; rm -f "$mk_pcap" \
		    "$mk_info.tmp"; die "mkpcap failed"; }
		echo "args: $mk_args" >> "$mk_info.tmp"
		mv "$mk_info.tmp" "$mk_info"
	else
		echo "bench: reusing $mk_pcap"
	fi
	sed -n 's/^mkpcap: /  /p' "$mk_info"
	# "mkpcap: FILE: N packets, N connections, N max open, ..."
	exp_packets=$(sed -n 's/.* \([0-9][0-9]*\) packets, .*/\1/p' \
	    "$mk_info")
	exp_conns=$(sed -n 's/.* \([0-9][0-9]*\) connections, .*/\1/p' \
	    "$mk_info")
	if [ -z "$exp_packets" ] || [ -z "$exp_conns" ]; then
		die "$mk_info: cannot find the packet and connection counts"
	fi
}

mkcap "$pcap" "$mkargs"
if [ "$big" = 1 ]; then
	one_packets=$exp_packets one_conns=$exp_conns
	big_pcap=$dir/bench4x.pcap
	mkcap "$big_pcap" "$mkargs -p $((exp_packets * 4)) \
-c $((exp_conns * 4))"
	big_packets=$exp_packets big_conns=$exp_conns
	exp_packets=$one_packets exp_conns=$one_conns
fi
one_pcap=$dir/ui100k-1.pcap
one_packets=$exp_packets one_conns=$exp_conns
mkcap "$one_pcap" "-p 100000 -c 1 -o 1"
exp_packets=$one_packets exp_conns=$one_conns

# -- timing: one run of a command, stdout to a file.  Sets t_sec (wall
# clock), t_cpu (user + system seconds) and t_kib (peak RSS of the
# command).  Returns its exit status,
# 128 + signal if it was killed.
tmp=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || die "mktemp failed"
trap 'rm -f "$tmp" "$tmp.out"' EXIT
trap 'exit 130' INT TERM

timer=${BENCH_TIMER:-}
if [ -n "$timer" ]; then
	:
elif /usr/bin/time -f '%e %M %U %S' -o "$tmp" true 2>/dev/null &&
    [ "$(wc -w < "$tmp")" -eq 4 ]; then
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
		/usr/bin/time -f '%e %M %U %S' -o "$tmp" "$@" > "$m_out"
		m_rc=$?
		[ "$ns_date" = 1 ] && m_t1=$(date +%s.%N)
		# After a crash GNU time puts its own line first.
		# shellcheck disable=SC2046 # split "SECONDS KIB USER SYS"
		set -- $(tail -n 1 "$tmp")
		t_sec=${1:-0}
		t_kib=${2:-0}
		t_cpu=$(awk -v u="${3:-0}" -v s="${4:-0}" \
		    'BEGIN { printf "%.3f", u + s }')
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
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write("%.3f %d %.3f\n" % (t, ru.ru_maxrss, ru.ru_utime + ru.ru_stime))
sys.exit(128 - rc if rc < 0 else rc)
' "$tmp" "$m_out" "$@"
		m_rc=$?
		# shellcheck disable=SC2046
		set -- $(cat "$tmp")
		t_sec=${1:-0}
		t_kib=${2:-0}
		t_cpu=${3:-0}
	fi
	return $m_rc
}

# best NAME OUT CMD...: BENCH_RUNS runs; sets best_sec (fastest wall
# clock), best_cpu (least CPU time) and best_kib (largest peak RSS); each
# best is taken separately.  Exits if a run fails.
best()
{
	b_name=$1
	shift
	best_sec=
	best_cpu=
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
		printf '  %-20s run %d: %s s, %s s CPU, %s KiB\n' \
		    "$b_name" "$b_i" "$t_sec" "$t_cpu" "$t_kib"
		best_sec=$(lesser "$t_sec" "$best_sec")
		best_cpu=$(lesser "$t_cpu" "$best_cpu")
		[ "$t_kib" -gt "$best_kib" ] && best_kib=$t_kib
		# A caller's own figures of the run (uibest).
		[ -z "${best_each:-}" ] || "$best_each"
	done
}

# lesser A B: the smaller number; A when B is empty.
lesser()
{
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b ? a : b) }'
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
loop_sec=$best_sec loop_cpu=$best_cpu loop_kib=$best_kib
loop_packets=$(awk '{ print $1; exit }' "$tmp.out")
best "readloop -b" "$tmp.out" "$readloop" -b "$pcap"
bloop_sec=$best_sec bloop_cpu=$best_cpu bloop_kib=$best_kib
rm -f "$tmp.out"
# --summary's output goes to a file, so its lines can be counted.  --json
# and --text write about half the capture's size (650 MB for the default
# one): timed into /dev/null, they measure synfin, not how fast this
# machine's file system takes 650 MB; one more run counts their lines.
best "synfin --summary" "$out" "$synfin" replay --summary "$pcap"
syn_sec=$best_sec syn_cpu=$best_cpu syn_kib=$best_kib
syn_conns=$(grep -c -E "$conn_re" "$out")
rm -f "$out"
# The UI: figures from the last run's line (they do not change from run
# to run but for VmHWM, within a few pages).
uival()
{
	sed -n "s/^uibench-load:.* $1=\([^ ]*\).*/\1/p" "$tmp.out"
}
# uibest NAME FILE: best "uibench -l" of FILE, and of its runs the least
# wall (first_sec) and CPU (first_cpu) time to the first frame.
uibest()
{
	first_sec=
	first_cpu=
	best_each=uifirst
	best "$1" "$tmp.out" "$uibench" -l "$2"
	best_each=
}
uifirst()
{
	f_sec=$(awk -v m="$(uival first_frame_ms)" \
	    'BEGIN { printf "%.3f", m / 1000 }')
	f_cpu=$(uival first_frame_cpu_s)
	[ -n "$f_cpu" ] || die "uibench -l printed no figures: $(cat "$tmp.out")"
	echo "  $b_name: first frame after $f_sec s, $f_cpu s CPU"
	first_sec=$(lesser "$f_sec" "$first_sec")
	first_cpu=$(lesser "$f_cpu" "$first_cpu")
}
uibest "uibench -l" "$pcap"
ui_sec=$best_sec ui_cpu=$best_cpu ui_kib=$best_kib
ui_fsec=$first_sec ui_fcpu=$first_cpu
ui_conns=$(uival conns)
ui_evicted=$(uival evicted)
ui_hwm=$(uival hwm_kib)
ui_notice=$(uival notice)
if [ -z "$ui_evicted" ] || [ -z "$ui_hwm" ]; then
	die "uibench -l printed no figures: $(cat "$tmp.out")"
fi
rm -f "$tmp.out"
best "synfin --json" /dev/null "$synfin" replay --json "$pcap"
json_sec=$best_sec json_cpu=$best_cpu json_kib=$best_kib
json_sums=$("$synfin" replay --json "$pcap" | grep -c '^{"type":"summary"')
best "synfin --text" /dev/null "$synfin" replay --text "$pcap"
text_sec=$best_sec text_cpu=$best_cpu text_kib=$best_kib
big_sec=0 big_cpu=0 big_kib=0
if [ "$big" = 1 ]; then
	best "synfin --summary 4x" "$out" "$synfin" replay --summary \
	    "$big_pcap"
	big_sec=$best_sec big_cpu=$best_cpu big_kib=$best_kib
	big_got=$(grep -c -E "$conn_re" "$out")
	rm -f "$out"
	uibest "uibench -l 4x" "$big_pcap"
	uibig_sec=$best_sec uibig_cpu=$best_cpu uibig_kib=$best_kib
	uibig_fsec=$first_sec uibig_fcpu=$first_cpu
	uibig_conns=$(uival conns)
	uibig_evicted=$(uival evicted)
	uibig_hwm=$(uival hwm_kib)
	uibig_notice=$(uival notice)
	if [ -z "$uibig_evicted" ] || [ -z "$uibig_hwm" ]; then
		die "uibench -l printed no figures: $(cat "$tmp.out")"
	fi
	rm -f "$tmp.out"
fi
# Redraw: one run each (uibench averages 200 frames a figure), the
# slowest frame by each clock.
frame_wall=0 frame_cpu=0 frame_wall_at='' frame_cpu_at=
for f in "$pcap" "$one_pcap"; do
	"$uibench" "$f" 160x48 > "$tmp.out" ||
	    die "uibench $f failed"
	echo "  uibench ${f##*/} 160x48:"
	sed -n 's/^  \(.* frame.*\)/    \1/p' "$tmp.out"
	m=$(sed -n 's/^uibench-frames:.* max_ms=\([0-9.]*\).*/\1/p' \
	    "$tmp.out")
	c=$(sed -n 's/^uibench-frames:.* max_cpu_ms=\([0-9.]*\).*/\1/p' \
	    "$tmp.out")
	if [ -z "$m" ] || [ -z "$c" ]; then
		die "uibench $f printed no figures"
	fi
	if awk -v a="$m" -v b="$frame_wall" 'BEGIN { exit !(a > b) }'; then
		frame_wall=$m
		frame_wall_at=${f##*/}
	fi
	if awk -v a="$c" -v b="$frame_cpu" 'BEGIN { exit !(a > b) }'; then
		frame_cpu=$c
		frame_cpu_at=${f##*/}
	fi
done
rm -f "$tmp.out"

# -- report.
case ${BENCH_CLOCK:-cpu} in
wall)	pick() { echo "$1"; } ;;
*)	pick() { echo "$2"; } ;;
esac
f1=$(pick "$bloop_sec" "$bloop_cpu")
echo
echo "bench: x F1 compares ${BENCH_CLOCK:-cpu} time"
# x F1: against F1 scaled to the row's packets (the 4x capture's own loop
# would take about four times as long).
awk -v p="$exp_packets" -v f1="$f1" -v clk="${BENCH_CLOCK:-cpu}" \
    -v ls="$loop_sec" -v lc="$loop_cpu" -v lk="$loop_kib" \
    -v bs="$bloop_sec" -v bc="$bloop_cpu" -v bk="$bloop_kib" \
    -v ss="$syn_sec" -v sc="$syn_cpu" -v sk="$syn_kib" \
    -v js="$json_sec" -v jc="$json_cpu" -v jk="$json_kib" \
    -v ts="$text_sec" -v tc="$text_cpu" -v tk="$text_kib" \
    -v gs="$big_sec" -v gc="$big_cpu" -v gk="$big_kib" -v gp="$big_packets" \
    -v us="$ui_sec" -v uc="$ui_cpu" -v uk="$ui_kib" \
    -v vs="${uibig_sec:-0}" -v vc="${uibig_cpu:-0}" -v vk="${uibig_kib:-0}" '
function row(name, n, s, c, k) {
	printf "%-22s %10d %8.3f %8.3f %12.0f %8.2f %9.1f\n", name, n, s, c,
	    (s > 0 ? n / s : 0),
	    (f1 > 0 && p > 0 ? (clk == "wall" ? s : c) / (f1 * n / p) : 0),
	    k / 1024
}
BEGIN {
	printf "%-22s %10s %8s %8s %12s %8s %9s\n", "program", "packets",
	    "wall s", "CPU s", "packets/s", "x F1", "peak MiB"
	row("readloop", p, ls, lc, lk)
	row("F1: readloop -b", p, bs, bc, bk)
	row("replay --summary", p, ss, sc, sk)
	row("replay --json", p, js, jc, jk)
	row("replay --text", p, ts, tc, tk)
	if (gs > 0)
		row("replay --summary 4x", gp, gs, gc, gk)
	row("UI: conn list", p, us, uc, uk)
	if (vs > 0)
		row("UI: conn list 4x", gp, vs, vc, vk)
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

# ratio_check NAME SECONDS MAX
ratio_check()
{
	rc_ratio=$(awk -v s="$2" -v l="$f1" \
	    'BEGIN { printf "%.2f", (l > 0 ? s / l : 0) }')
	awk -v r="$rc_ratio" -v m="$3" 'BEGIN { exit !(r > 0 && r <= m) }'
	report $? "$1 within ${3}x F1 (${rc_ratio}x: $2 s against $f1 s, \
${BENCH_CLOCK:-cpu} time)"
}
ratio_check "replay --summary" "$(pick "$syn_sec" "$syn_cpu")" \
    "$max_sum_ratio"
ratio_check "replay --json" "$(pick "$json_sec" "$json_cpu")" \
    "$max_out_ratio"
ratio_check "replay --text" "$(pick "$text_sec" "$text_cpu")" \
    "$max_out_ratio"

rss=$(awk -v k="$syn_kib" 'BEGIN { printf "%.1f", k / 1024 }')
awk -v r="$rss" -v m="$max_rss_mib" 'BEGIN { exit !(r > 0 && r <= m) }'
report $? "replay --summary peak RSS at most $max_rss_mib MiB ($rss MiB)"
if [ "$big" = 1 ]; then
	brss=$(awk -v k="$big_kib" 'BEGIN { printf "%.1f", k / 1024 }')
	awk -v r="$brss" -v a="$rss" -v m="$max_rss_mib" \
	    -v g="$max_rss_growth" \
	    'BEGIN { exit !(r > 0 && r <= m && r <= a * g) }'
	report $? "replay --summary peak RSS flat on the 4x capture \
($brss MiB against $rss MiB; at most ${max_rss_growth}x and $max_rss_mib MiB)"
	[ "$big_got" = "$big_conns" ]
	report $? "replay --summary 4x summarised $big_got connections \
(mkpcap wrote $big_conns)"
fi

# The UI (issue 14): against --summary of the same run, the time to the
# first frame of the list, by the wall clock (see the top).
ui_ratio=$(awk -v a="$ui_fsec" -v b="$syn_sec" \
    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
ui_cratio=$(awk -v a="$ui_fcpu" -v b="$syn_cpu" \
    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
awk -v r="$ui_ratio" -v m="$max_ui_ratio" 'BEGIN { exit !(r > 0 && r <= m) }'
report $? "UI: connection list on screen within ${max_ui_ratio}x replay \
--summary (${ui_ratio}x: $ui_fsec s to the first frame against $syn_sec s, \
wall clock; CPU time ${ui_cratio}x: $ui_fcpu s against $syn_cpu s)"
[ "$ui_evicted" = 0 ]
report $? "UI: no event evicted ($ui_evicted evicted, notice on screen: \
$ui_notice)"
hwm=$(awk -v k="$ui_hwm" 'BEGIN { printf "%.1f", k / 1024 }')
awk -v r="$hwm" -v m="$max_ui_hwm_mib" 'BEGIN { exit !(r > 0 && r <= m) }'
report $? "UI: VmHWM at most $max_ui_hwm_mib MiB ($hwm MiB)"
if [ "$big" = 1 ]; then
	uibig_ratio=$(awk -v a="$uibig_fsec" -v b="$ui_fsec" \
	    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	uibig_cratio=$(awk -v a="$uibig_fcpu" -v b="$ui_fcpu" \
	    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	awk -v r="$uibig_ratio" -v m="$max_ui_big_ratio" \
	    'BEGIN { exit !(r > 0 && r <= m) }'
	report $? "UI 4x: load time within ${max_ui_big_ratio}x the 1x one \
(${uibig_ratio}x: $uibig_fsec s to the first frame against $ui_fsec s, wall \
clock; CPU time ${uibig_cratio}x: $uibig_fcpu s against $ui_fcpu s)"
	bhwm=$(awk -v k="$uibig_hwm" 'BEGIN { printf "%.1f", k / 1024 }')
	awk -v r="$bhwm" -v m="$max_ui_big_hwm_mib" \
	    'BEGIN { exit !(r > 0 && r <= m) }'
	report $? "UI 4x: VmHWM at most $max_ui_big_hwm_mib MiB ($bhwm MiB)"
	[ "$uibig_evicted" -gt 0 ] && [ "$uibig_notice" = yes ]
	report $? "UI 4x: events evicted and the screen says so \
($uibig_evicted evicted, notice on screen: $uibig_notice)"
fi
frame_max=$(pick "$frame_wall" "$frame_cpu")
frame_at=$(pick "$frame_wall_at" "$frame_cpu_at")
awk -v r="$frame_max" -v m="$max_frame_ms" 'BEGIN { exit !(r > 0 && r <= m) }'
report $? "UI: redraw at most $max_frame_ms ms at any step measured \
(slowest $frame_max ms, $frame_at, ${BENCH_CLOCK:-cpu} time; \
${frame_wall} ms wall; the conn list and the first, middle and last step \
of the longest conversation)"

[ "$loop_packets" = "$exp_packets" ]
report $? "readloop read $loop_packets packets (mkpcap wrote $exp_packets)"

[ "$syn_conns" = "$exp_conns" ]
report $? "synfin summarised $syn_conns connections (lines matching \
'$conn_re'; mkpcap wrote $exp_conns)"

[ "$json_sums" = "$exp_conns" ]
report $? "replay --json wrote $json_sums summary objects (mkpcap wrote \
$exp_conns connections)"

[ "$ui_conns" = "$exp_conns" ]
report $? "UI's timeline saw $ui_conns connections (mkpcap wrote $exp_conns)"
if [ "$big" = 1 ]; then
	[ "$uibig_conns" = "$big_conns" ]
	report $? "UI's timeline saw $uibig_conns connections on the 4x \
capture (mkpcap wrote $big_conns)"
fi

if [ "$fails" -gt 0 ] && [ "$strict" = 1 ]; then
	exit 1
fi
exit 0
