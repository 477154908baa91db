#!/bin/sh
# SPDX-License-Identifier: ISC
# The legal-transition invariant (RFC 9293 figure 5 plus RST/abort to
# CLOSED, FIN_WAIT_1 -> TIME_WAIT, SYN_RECEIVED -> CLOSE_WAIT) over every
# bundled capture, the public corpus beside the clone (../shared), and a
# generated capture: 0 illegal state changes.  The lessons run live are
# checked by tests/demo.py through `legal --json`.
set -u
: "${top_srcdir:=.}"
bin=${LEGAL:-tests/legal}
mkpcap=${MKPCAP:-tests/bench/mkpcap}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
fail=0

echo "TAP version 13"
check() {
	name=$1
	shift
	n=$((n + 1))
	if "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; then
		echo "ok $n - $name: $(tail -n 1 "$tmp/out")"
	else
		echo "not ok $n - $name"
		grep -v ', 0 illegal$' "$tmp/out" | sed 's/^/#   /'
		sed 's/^/#   /' "$tmp/err"
		fail=1
	fi
}

check "bundled captures" "$top_srcdir"/captures/*.pcap

pub=
for d in "$top_srcdir/../shared/pcaps/public" /work/shared/pcaps/public; do
	if test -d "$d"; then
		pub=$d
		break
	fi
done
if test -n "$pub"; then
	# Files libpcap itself refuses (bad versions) are skipped.
	set --
	for f in "$pub"/*.pcap "$pub"/*.pcapng; do
		test -f "$f" || continue
		case $f in *invalid-vers*|*shb-option-too-long*) continue;; esac
		set -- "$@" "$f"
	done
	check "public captures ($#)" "$@"
else
	n=$((n + 1))
	echo "ok $n - public captures # SKIP ../shared/pcaps/public is absent"
fi

if "$mkpcap" -p 50000 -c 2000 -s 7 "$tmp/gen.pcap" >/dev/null 2>&1; then
	check "generated capture (mkpcap, 50k packets)" "$tmp/gen.pcap"
else
	n=$((n + 1))
	echo "not ok $n - mkpcap failed"
	fail=1
fi
echo "1..$n"
exit $fail
