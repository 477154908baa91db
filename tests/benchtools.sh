#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench's tools report what they say (tests/bench/bench.sh reads
# them): mkpcap -n N is N connections and 25.5 N packets, the same bytes
# as -c N -p 25.5N; uibench -l counts the events the UI's timeline
# evicted and sees the eviction notice on the screen only when the
# screen shows it; uibench without -l prints its redraw figures.
set -u
mkpcap=${MKPCAP:-tests/bench/mkpcap}
uibench=${UIBENCH:-tests/bench/uibench}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
fail=0

echo "TAP version 13"
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}
# field KEY FILE: KEY=VALUE of uibench's line of figures
field() {
	sed -n "s/^uibench-[a-z]*:.* $1=\\([^ ]*\\).*/\\1/p" "$2"
}
info() {
	sed -n "s/.* \\([0-9][0-9]*\\) $1, .*/\\1/p" "$2"
}

"$mkpcap" -n 400 "$tmp/n.pcap" 2> "$tmp/n.info"
ok $? "mkpcap -n 400 runs"
p=$(info packets "$tmp/n.info")
c=$(info connections "$tmp/n.info")
[ "$c" = 400 ] && [ "${p:-0}" -ge 9690 ] && [ "$p" -le 10710 ]
ok $? "mkpcap -n 400: 400 connections, 25.5 a connection within 5% \
($c connections, ${p:-no} packets)"
"$mkpcap" -c 400 -p 10200 "$tmp/c.pcap" 2>/dev/null
cmp -s "$tmp/n.pcap" "$tmp/c.pcap"
ok $? "mkpcap -n 400 writes the bytes of -c 400 -p 10200"
"$mkpcap" -n 400 -p 30000 "$tmp/p.pcap" 2> "$tmp/p.info"
p=$(info packets "$tmp/p.info")
[ "${p:-0}" -ge 28500 ] && [ "$p" -le 31500 ]
ok $? "mkpcap -n 400 -p 30000: -p sets the packets (${p:-no})"
"$mkpcap" -n 0 "$tmp/z.pcap" 2> "$tmp/z.err"
[ $? = 2 ] && grep -q '^ *-n N' "$tmp/z.err"
ok $? "mkpcap -n 0 is refused with a usage that explains -n"

if [ ! -x "$uibench" ]; then
	n=$((n + 1))
	echo "ok $n - uibench # SKIP $uibench is not built"
	echo "1..$n"
	exit $fail
fi
"$uibench" -l "$tmp/n.pcap" > "$tmp/u"
ok $? "uibench -l runs"
[ "$(field conns "$tmp/u")" = 400 ] && [ "$(field evicted "$tmp/u")" = 0 ] &&
    [ "$(field notice "$tmp/u")" = none ] &&
    [ "$(field hwm_kib "$tmp/u")" -gt 0 ]
ok $? "uibench -l: 400 conns, nothing evicted, no notice: $(cat "$tmp/u")"
SYNFIN_MAX_EVENTS=300 "$uibench" -l "$tmp/n.pcap" > "$tmp/u"
e=$(field evicted "$tmp/u")
[ "${e:-0}" -gt 0 ] && [ "$(field held "$tmp/u")" -le 300 ] &&
    [ "$(field notice "$tmp/u")" = yes ]
ok $? "uibench -l under a cap of 300 events: evicted, notice on screen: \
$(cat "$tmp/u")"
# Too small a terminal: the UI shows no title bar, so no notice.
SYNFIN_MAX_EVENTS=300 "$uibench" -l "$tmp/n.pcap" 40x10 > "$tmp/u"
[ "$(field evicted "$tmp/u")" = "$e" ] && [ "$(field notice "$tmp/u")" = no ]
ok $? "uibench -l at 40x10: evicted, the notice not on screen: \
$(cat "$tmp/u")"
"$uibench" "$tmp/n.pcap" 80x24 > "$tmp/f"
m=$(field max_ms "$tmp/f")
c=$(field max_cpu_ms "$tmp/f")
awk -v m="${m:-0}" -v c="${c:-0}" 'BEGIN { exit !(m > 0 && c > 0) }' &&
    grep -q '^  ladder frame at step 1 of ' "$tmp/f"
ok $? "uibench: redraw figures ($(tail -n 1 "$tmp/f"))"
echo "1..$n"
exit $fail
