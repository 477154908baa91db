#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Every bundled capture's SVG is well-formed XML (xmllint) and renders
# through librsvg (rsvg-convert) at its declared size, with each arrow's
# pixels where the SVG says.  Skips (77) only without xmllint or
# rsvg-convert; with SYNFIN_REQUIRE_TOOLS=1 (CI) these fail instead.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
# ok, bad, skip_all (77, or 99 under SYNFIN_REQUIRE_TOOLS=1), $tmp
. "$top_srcdir/tests/tap.sh"
command -v xmllint >/dev/null ||
	skip_all "xmllint is not installed (Debian package libxml2-utils)"
command -v rsvg-convert >/dev/null ||
	skip_all "rsvg-convert is not installed (Debian package librsvg2-bin)"
command -v python3 >/dev/null || skip_all "python3 is not installed"

for cap in "$top_srcdir"/captures/*.pcap; do
	name=$(basename "$cap" .pcap)
	d="$tmp/$name"
	mkdir "$d"
	"$SYNFIN" replay "$cap" --svg "$d/$name.svg" || exit 99
	if xmllint --noout "$d/$name.svg" 2>"$d/err"; then
		ok "$name.svg is well-formed XML"
	else
		sed 's/^/#   /' "$d/err" | head -5; bad "$name.svg is well-formed XML"
	fi
	n=$("$SYNFIN" replay --text "$cap" |
	    awk '$1 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ &&
	    $4 ~ /^(C->S|S->C|ICMP)$/ { n++ } END { print n + 0 }')
	size=$(python3 "$top_srcdir/tests/svgcheck.py" pages "$d" "$name:$n")
	if rsvg-convert -o "$d/shot.png" "$d/$name.svg" 2>"$d/err" &&
	    out=$(python3 "$top_srcdir/tests/svgcheck.py" png "$d") &&
	    [[ "$out" == "OK ${size/,/x},"* ]]; then
		ok "rsvg-convert renders $name.svg: $out"
	else
		echo "# ${out:-} (want ${size/,/x})"; sed 's/^/#   /' "$d/err"
		bad "rsvg-convert renders $name.svg"
	fi
done
tap_end
