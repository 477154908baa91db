#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The exported SVGs as a browser shows them: every bundled capture's
# diagram, inline in a page headless Chromium lays out with real fonts
# (no two texts overlap, no line crosses a text, one arrow per segment or
# ICMP error), then a screenshot whose pixels must show each arrow where
# the SVG puts it; each in English and in Chinese (--lang zh_CN); and a
# lesson's (demo handshake, with its socket calls) where the demo runs.  Skips (77) only without Chromium; with
# SYNFIN_REQUIRE_TOOLS=1 (CI) a missing tool fails instead.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
# ok, bad, skip_all (77, or 99 under SYNFIN_REQUIRE_TOOLS=1), $tmp
. "$top_srcdir/tests/tap.sh"
chrome=$(command -v chromium || command -v chromium-browser) ||
	skip_all "chromium is not installed (Debian package chromium)"
command -v python3 >/dev/null || skip_all "python3 is not installed"

browser() {
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --no-first-run \
	    --user-data-dir="$tmp/profile" --hide-scrollbars \
	    --allow-file-access-from-files "$@" 2>>"$tmp/chrome.log"
}

specs=()
for cap in "$top_srcdir"/captures/*.pcap; do
	name=$(basename "$cap" .pcap)
	"$SYNFIN" replay "$cap" --svg "$tmp/$name.svg" || exit 99
	# Arrows expected: the frames of the text output (segments, ICMP).
	n=$("$SYNFIN" replay --text "$cap" |
	    awk '$1 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ &&
	    $4 ~ /^(C->S|S->C|ICMP)$/ { n++ } END { print n + 0 }')
	specs+=("$name:$n")
	# The same diagram in Chinese: wider headings and labels, CJK fonts.
	"$SYNFIN" --lang zh_CN replay "$cap" --svg "$tmp/$name.zh.svg" || exit 99
	grep -q '客户端' "$tmp/$name.zh.svg" ||
		bad "$name: the --lang zh_CN SVG is in Chinese"
	specs+=("$name.zh:$n")
done
# A lesson's diagram, where the demo can run: socket calls in their
# columns, on the line of the segment they sent or on their own.
if "$SYNFIN" demo handshake --pace 0 --svg "$tmp/lesson.svg" --text \
    >"$tmp/lesson.txt" 2>/dev/null &&
    "$SYNFIN" --lang zh_CN demo handshake --pace 0 \
    --svg "$tmp/lesson.zh.svg" >/dev/null 2>&1; then
	n=$(awk '$1 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ &&
	    $4 ~ /^(C->S|S->C|ICMP)$/ { n++ } END { print n + 0 }' \
	    "$tmp/lesson.txt")
	grep -q 'connect(127.0.0.1:8080) = 0' "$tmp/lesson.svg" ||
		bad "the lesson's SVG has its calls"
	specs+=("lesson:$n" "lesson.zh:$n")
fi
size=$(python3 "$top_srcdir/tests/svgcheck.py" pages "$tmp" "${specs[@]}") ||
	exit 99

start=$(date +%s%N)
browser --virtual-time-budget=5000 --dump-dom "file://$tmp/dom.html" \
    >"$tmp/dom.out"
result=$(sed -n 's/.*<p id="result">\([^<]*\)<.*/\1/p' "$tmp/dom.out")
ms=$((($(date +%s%N) - start) / 1000000))
case $result in
OK*)	ok "Chromium lays out ${#specs[@]} SVGs: $result (${ms} ms)" ;;
*)	echo "# ${result:-no result; see below}"
	tail -5 "$tmp/chrome.log" | sed 's/^/#   /'
	bad "Chromium lays out the SVGs without overlaps" ;;
esac

browser --window-size="$size" --screenshot="$tmp/shot.png" \
    "file://$tmp/shot.html" >/dev/null
if [ -s "$tmp/shot.png" ] && out=$(python3 "$top_srcdir/tests/svgcheck.py" \
    png "$tmp"); then
	ok "the screenshot shows every arrow: $out"
else
	echo "# ${out:-no screenshot}"
	bad "the screenshot shows every arrow"
fi
[ -n "${SYNFIN_KEEP_SHOT:-}" ] && cp "$tmp/shot.png" "$SYNFIN_KEEP_SHOT"

tap_end
