#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden diagrams: export each bundled capture as SVG, Mermaid and plain
# text ladder and diff against tests/golden/NAME.{svg,mermaid,ladder}.
# SYNFIN_REGEN=1 rewrites the golden files on purpose (make golden).
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
golden="$top_srcdir/tests/golden"
# ok, bad, same_as_golden NAME FILE (SYNFIN_REGEN=1 rewrites), $tmp
. "$top_srcdir/tests/tap.sh"

check() {	# name ext option...
	name=$1 ext=$2
	shift 2
	"$SYNFIN" replay "$cap" "$@" >"$tmp/$name.$ext" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "$name.$ext: exit $rc"; sed 's/^/#   /' "$tmp/err"
		return
	fi
	same_as_golden "$name.$ext" "$tmp/$name.$ext"
}

for cap in "$top_srcdir"/captures/*.pcap; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap" .pcap)
	check "$name" svg --svg -
	check "$name" mermaid --mermaid
	check "$name" ladder --ladder
done
if [ $((pass + fail)) -eq 0 ]; then
	echo "no captures found in $top_srcdir/captures"
	exit 99
fi

# A file export equals the one on standard output, and is whole.
cap="$top_srcdir/captures/handshake.pcap"
"$SYNFIN" replay "$cap" --svg "$tmp/file.svg" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && [ ! -s "$tmp/out" ] &&
    cmp -s "$tmp/file.svg" "$golden/handshake.svg" &&
    [ -z "$(find "$tmp" -name '.file.svg.*')" ]; then
	ok "--svg FILE writes the golden SVG, nothing on stdout"
else
	bad "--svg FILE writes the golden SVG, nothing on stdout"
fi

tap_end
