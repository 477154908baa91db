#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The export options as a user meets them: what shares standard output,
# --conn, and --svg FILE written whole or not at all, with a one-line
# message naming the file and the reason.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
caps="$top_srcdir/captures"
golden="$top_srcdir/tests/golden"
# ok, bad, expect NAME RC STDERR-REGEX -- ARGS..., $tmp
. "$top_srcdir/tests/tap.sh"
tap_show="$tmp/err"
tap_lines=5
h="$caps/handshake.pcap"

expect "--mermaid with --ladder is a usage error" 2 "pick one" -- replay "$h" --mermaid --ladder
expect "--ladder with --json is a usage error" 2 "cannot share" -- replay "$h" --ladder --json
expect "--svg - with --text is a usage error" 2 "cannot share" -- replay "$h" --svg - --text
expect "--conn without an export is a usage error" 2 "--conn picks" -- replay "$h" --conn 1
expect "--conn 0 is a usage error" 2 "--conn wants a number" -- replay "$h" --ladder --conn 0
expect "--conn x is a usage error" 2 "--conn wants a number" -- replay "$h" --ladder --conn x
expect "--conn of a conn the input lacks" 1 "^synfin: .*handshake.pcap: no conn 5 \(it has 1\)$" -- replay "$h" --ladder --conn 5
expect "-v with --json is a usage error" 2 "-v adds the narration" -- replay "$h" -v --json
grep -q -- '--svg FILE' <("$SYNFIN" --help) && ok "--help names --svg FILE" || bad "--help names --svg FILE"

expect "--ladder --conn 1" 0 "" -- replay "$h" --ladder --conn 1
cmp -s "$tmp/out" "$golden/handshake.ladder" && ok "--conn 1 of one conn is the whole ladder" || bad "--conn 1 of one conn is the whole ladder"

"$SYNFIN" replay "$h" --text >"$tmp/text" 2>&1
expect "--svg FILE --text" 0 "" -- replay "$h" --svg "$tmp/a.svg" --text
cmp -s "$tmp/out" "$tmp/text" && cmp -s "$tmp/a.svg" "$golden/handshake.svg" &&
	ok "--svg FILE --text: the text on stdout, the SVG in the file" ||
	bad "--svg FILE --text: the text on stdout, the SVG in the file"
expect "--svg - writes to stdout" 0 "" -- replay "$h" --svg -
cmp -s "$tmp/out" "$golden/handshake.svg" && ok "--svg - is the golden SVG" || bad "--svg - is the golden SVG"

expect "--svg into a missing directory" 1 "^synfin: $tmp/none/a.svg: No such file or directory$" -- replay "$h" --svg "$tmp/none/a.svg"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && ok "the message is one line" || bad "the message is one line"
mkdir "$tmp/dir.svg"
expect "--svg onto a directory" 1 "^synfin: $tmp/dir.svg: Is a directory$" -- replay "$h" --svg "$tmp/dir.svg"

# A write that fails half way (the file size limit): exit 1, one line
# naming the file and the reason, the old file intact, no temporary.
mkdir "$tmp/w"
echo "old content" >"$tmp/w/a.svg"
(trap '' XFSZ; ulimit -f 2; exec "$SYNFIN" replay "$caps/half-close.pcap" \
    --svg "$tmp/w/a.svg") >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -Eq "^synfin: $tmp/w/a.svg: File too large$" "$tmp/err" &&
    [ "$(cat "$tmp/w/a.svg")" = "old content" ] &&
    [ "$(ls -A "$tmp/w")" = "a.svg" ]; then
	ok "a failed write keeps the old file, leaves no temporary, says why"
else
	echo "# rc=$rc; files: $(ls -A "$tmp/w" | tr '\n' ' ')"
	bad "a failed write keeps the old file, leaves no temporary, says why"
fi

# Diagrams from the demo: the same exporters, drawn once the lesson is over
# (the demo needs root or unprivileged user namespaces).
if "$SYNFIN" demo handshake --pace 0 --ladder >"$tmp/d.ladder" 2>"$tmp/err"; then
	# A call that sent a segment on the segment's line, as the UI has
	# it; one no segment followed on a line of its own.
	if grep -Eq '^ +1 [0-9.]+ connect\(127\.0\.0\.1:8080\) = 0 +SYN_SENT \|-+ SYN seq=0 -+>\|$' "$tmp/d.ladder" &&
	    grep -q 'TIME_WAIT' "$tmp/d.ladder" &&
	    grep -Eq '^ +[0-9]+ [0-9.]+ send\("hello"\) = 5 +\|-+ PSH-ACK seq=1 ack=1 len=5 -+>\|$' "$tmp/d.ladder" &&
	    grep -Eq '^ +[0-9.]+ +\| +\| +listen\(backlog 5\) = 0$' "$tmp/d.ladder" &&
	    ! grep -Eq '^ +[0-9.]+ +connect\(' "$tmp/d.ladder"; then
		ok "demo --ladder draws the lesson with its socket calls"
	else
		sed 's/^/#   /' "$tmp/d.ladder"
		bad "demo --ladder draws the lesson with its socket calls"
	fi
	"$SYNFIN" demo half-close --pace 0 --svg "$tmp/d.svg" --text \
	    >"$tmp/d.txt" 2>"$tmp/err"
	if [ $? -eq 0 ] && python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == "svg"' "$tmp/d.svg" 2>>"$tmp/err" &&
	    grep -q 'shutdown' "$tmp/d.svg" && grep -q 'FIN_WAIT_2' "$tmp/d.svg" &&
	    grep -Eq '^ +[0-9]+ .* C->S FIN' "$tmp/d.txt" &&
	    [ -z "$(find "$tmp" -name '*.tmp*')" ]; then
		ok "demo --svg FILE --text: a whole SVG and the text output"
	else
		bad "demo --svg FILE --text: a whole SVG and the text output"
	fi
	"$SYNFIN" demo refused --pace 0 --mermaid >"$tmp/d.md" 2>"$tmp/err"
	if [ $? -eq 0 ] && head -1 "$tmp/d.md" | grep -q '^```mermaid' &&
	    grep -q 'sequenceDiagram' "$tmp/d.md" && grep -q 'RST' "$tmp/d.md"; then
		ok "demo --mermaid prints the lesson's sequenceDiagram"
	else
		bad "demo --mermaid prints the lesson's sequenceDiagram"
	fi
	"$SYNFIN" demo handshake --pace 0 -v >"$tmp/d.v" 2>"$tmp/err"
	if [ $? -eq 0 ] && grep -q '^        # .*connect(127' "$tmp/d.v" &&
	    grep -q '^        # .*three-way handshake' "$tmp/d.v"; then
		ok "demo -v narrates each step under its line"
	else
		bad "demo -v narrates each step under its line"
	fi
	# Started with sudo, the SVG is the invoking user's (here nobody's).
	chmod 711 "$tmp"; mkdir -m 777 "$tmp/pub"
	SUDO_UID=65534 SUDO_GID=65534 "$SYNFIN" demo refused --pace 0 \
	    --svg "$tmp/pub/s.svg" >/dev/null 2>"$tmp/err"
	if [ $? -eq 0 ] && [ "$(stat -c %u:%g "$tmp/pub/s.svg" 2>/dev/null)" = 65534:65534 ] &&
	    grep -q '</svg>' "$tmp/pub/s.svg"; then
		ok "demo --svg under sudo: the file is the invoking user's"
	else
		bad "demo --svg under sudo: the file is the invoking user's"
	fi
	# The parser killed mid-lesson: its --svg writer gets no diagram and
	# writes nothing, and goes away.
	"$SYNFIN" demo loss --svg "$tmp/k.svg" >/dev/null 2>&1 &
	pid=$!
	sleep 1
	writer=$(pgrep -P $pid -x synfin | head -1)
	kill -KILL $pid
	wait $pid 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -n "$writer" ] && kill -0 "$writer" 2>/dev/null || break
		sleep 0.2
	done
	if [ -n "$writer" ] && ! kill -0 "$writer" 2>/dev/null &&
	    [ -z "$(ls -A "$tmp" | grep '^k\.svg')" ]; then
		ok "demo --svg: a killed run leaves no file and no writer behind"
	else
		echo "# writer=$writer; $(ls -A "$tmp" | grep '^k\.svg' | tr '\n' ' ')"
		bad "demo --svg: a killed run leaves no file and no writer behind"
	fi
elif grep -q 'to capture, run it with sudo' "$tmp/err"; then
	echo "ok - demo diagrams # SKIP the demo cannot run here (no privilege, no user namespaces)"
else
	bad "demo --ladder runs"
fi

tap_end
