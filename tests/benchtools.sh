#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench's tools report what they say (tests/bench/bench.sh reads
# them): mkpcap -n N is N connections and 25.5 N packets, the same bytes
# as -c N -p 25.5N; uibench -l counts the events the UI's timeline
# evicted and sees the eviction notice on the screen only when the
# screen shows it; uibench without -l prints its redraw figures.
# check (tests/tap.sh) evals its condition: variables expand there.
# shellcheck disable=SC2016,SC2034
set -u
: "${top_srcdir:=.}"
mkpcap=${MKPCAP:-tests/bench/mkpcap}
uibench=${UIBENCH:-tests/bench/uibench}
# ok, bad, check NAME CONDITION, skipped, $tmp
. "$top_srcdir/tests/tap.sh"

# field KEY FILE: KEY=VALUE of uibench's line of figures
field() {
	sed -n "s/^uibench-[a-z]*:.* $1=\\([^ ]*\\).*/\\1/p" "$2"
}
# info WORD FILE: mkpcap's count of WORD (packets, connections)
info() {
	sed -n "s/.* \\([0-9][0-9]*\\) $1, .*/\\1/p" "$2"
}

check "mkpcap -n 400 runs" '"$mkpcap" -n 400 "$tmp/n.pcap" 2>"$tmp/n.info"'
p=$(info packets "$tmp/n.info")
c=$(info connections "$tmp/n.info")
check "mkpcap -n 400: 400 connections, 25.5 a connection within 5% \
($c connections, ${p:-no} packets)" \
    '[ "$c" = 400 ] && [ "${p:-0}" -ge 9690 ] && [ "$p" -le 10710 ]'
"$mkpcap" -c 400 -p 10200 "$tmp/c.pcap" 2>/dev/null
check "mkpcap -n 400 writes the bytes of -c 400 -p 10200" \
    'cmp -s "$tmp/n.pcap" "$tmp/c.pcap"'
"$mkpcap" -n 400 -p 30000 "$tmp/p.pcap" 2>"$tmp/p.info"
p=$(info packets "$tmp/p.info")
check "mkpcap -n 400 -p 30000: -p sets the packets (${p:-no})" \
    '[ "${p:-0}" -ge 28500 ] && [ "$p" -le 31500 ]'
"$mkpcap" -n 0 "$tmp/z.pcap" 2>"$tmp/z.err"
rc=$?
check "mkpcap -n 0 is refused with a usage that explains -n" \
    '[ $rc = 2 ] && grep -q "^ *-n N" "$tmp/z.err"'

if [ ! -x "$uibench" ]; then
	skipped "uibench" "$uibench is not built"
	tap_end
	exit
fi
check "uibench -l runs" '"$uibench" -l "$tmp/n.pcap" >"$tmp/u"'
check "uibench -l: 400 conns, nothing evicted, no notice: $(cat "$tmp/u")" \
    '[ "$(field conns "$tmp/u")" = 400 ] &&
    [ "$(field evicted "$tmp/u")" = 0 ] &&
    [ "$(field notice "$tmp/u")" = none ] &&
    [ "$(field hwm_kib "$tmp/u")" -gt 0 ]'
SYNFIN_MAX_EVENTS=300 "$uibench" -l "$tmp/n.pcap" >"$tmp/u"
e=$(field evicted "$tmp/u")
check "uibench -l under a cap of 300 events: evicted, notice on screen: \
$(cat "$tmp/u")" \
    '[ "${e:-0}" -gt 0 ] && [ "$(field held "$tmp/u")" -le 300 ] &&
    [ "$(field notice "$tmp/u")" = yes ]'
# Too small a terminal: the UI shows no title bar, so no notice.
SYNFIN_MAX_EVENTS=300 "$uibench" -l "$tmp/n.pcap" 40x10 >"$tmp/u"
check "uibench -l at 40x10: evicted, the notice not on screen: \
$(cat "$tmp/u")" \
    '[ "$(field evicted "$tmp/u")" = "$e" ] &&
    [ "$(field notice "$tmp/u")" = no ]'
"$uibench" "$tmp/n.pcap" 80x24 >"$tmp/f"
m=$(field max_ms "$tmp/f")
c=$(field max_cpu_ms "$tmp/f")
check "uibench: redraw figures ($(tail -n 1 "$tmp/f"))" \
    'awk -v m="${m:-0}" -v c="${c:-0}" "BEGIN { exit !(m > 0 && c > 0) }" &&
    grep -q "^  ladder frame at step 1 of " "$tmp/f"'
tap_end
