#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden diagrams: export each bundled capture as SVG, Mermaid and plain
# text ladder and diff against tests/golden/NAME.{svg,mermaid,ladder}.
# SYNFIN_REGEN=1 rewrites the golden files on purpose (make golden).
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
golden="$top_srcdir/tests/golden"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

check() {	# name ext option...
	name=$1 ext=$2
	shift 2
	n=$((n + 1))
	if ! "$SYNFIN" replay "$cap" "$@" >"$tmp/$name.$ext" 2>"$tmp/err"; then
		echo "FAIL $name.$ext: exit $?"; cat "$tmp/err"
		fail=$((fail + 1))
		return
	fi
	if [ "${SYNFIN_REGEN:-}" = 1 ]; then
		cp "$tmp/$name.$ext" "$golden/$name.$ext"
		echo "wrote $golden/$name.$ext"
	elif ! diff -u "$golden/$name.$ext" "$tmp/$name.$ext"; then
		echo "FAIL $name.$ext: differs from tests/golden/$name.$ext"
		fail=$((fail + 1))
	else
		echo "ok $name.$ext"
	fi
}

for cap in "$top_srcdir"/captures/*.pcap; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap" .pcap)
	check "$name" svg --svg -
	check "$name" mermaid --mermaid
	check "$name" ladder --ladder
done
if [ $n -eq 0 ]; then
	echo "no captures found in $top_srcdir/captures"
	exit 99
fi

# A file export equals the one on standard output, and is whole.
cap="$top_srcdir/captures/handshake.pcap"
n=$((n + 1))
"$SYNFIN" replay "$cap" --svg "$tmp/file.svg" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && [ ! -s "$tmp/out" ] &&
    cmp -s "$tmp/file.svg" "$golden/handshake.svg" &&
    [ -z "$(find "$tmp" -name '.file.svg.*')" ]; then
	echo "ok --svg FILE writes the golden SVG, nothing on stdout"
else
	echo "FAIL --svg FILE"; fail=$((fail + 1))
fi

echo "$((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
