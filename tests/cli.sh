#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The command line as a user meets it: help, exit codes, messages that
# name the file and the reason, filters, stdin, closed pipes.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
caps="$top_srcdir/captures"
# ok, bad, expect NAME RC STDERR-REGEX -- ARGS..., $tmp
. "$top_srcdir/tests/tap.sh"
tap_show="$tmp/err $tmp/out"

expect "--help exits 0" 0 "" -- --help
grep -q '^ *synfin replay \[' "$tmp/out" && ok "--help shows usage" || bad "--help shows usage"
grep -q 'Exit status' "$tmp/out" && ok "--help documents exit codes" || bad "--help documents exit codes"
expect "-h exits 0" 0 "" -- -h
expect "--version exits 0" 0 "" -- --version
grep -Eq '^synfin [0-9]+\.[0-9]+' "$tmp/out" && ok "--version names it" || bad "--version names it"
expect "no arguments is a usage error" 2 "no command given" --
expect "unknown option is a usage error" 2 "usage:" -- --bogus
expect "unknown command is a usage error" 2 "unknown command 'frobnicate'" -- frobnicate
expect "replay without a file is a usage error" 2 "replay needs a FILE" -- replay
expect "-c 0 is a usage error" 2 "positive number" -- -c 0 -r "$caps/udp.pcap"
expect "missing file names it and the reason" 1 "^synfin: $tmp/none.pcap: No such file or directory$" -- replay "$tmp/none.pcap"
expect "a directory is refused" 1 "^synfin: $tmp: " -- replay "$tmp"
: >"$tmp/empty.pcap"
expect "an empty file is refused" 1 "^synfin: $tmp/empty.pcap: " -- replay "$tmp/empty.pcap"
echo "this is not a capture" >"$tmp/text.pcap"
expect "a text file is refused" 1 "^synfin: $tmp/text.pcap: " -- replay "$tmp/text.pcap"
gzip -c "$caps/udp.pcap" >"$tmp/udp.pcap.gz"
expect "a gzip'd capture is named as such" 1 "gzip-compressed" -- replay "$tmp/udp.pcap.gz"
# A pcap header with link type 147 (USER0), which nothing decodes.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x93\x00\x00\x00' >"$tmp/user0.pcap"
expect "an unsupported link type is named" 1 "unsupported link type .*147" -- replay "$tmp/user0.pcap"
expect "a bad filter is refused" 1 "bad filter expression" -- replay "$caps/handshake.pcap" "tcp and and"

# Filters keep the file's frame numbers.
"$SYNFIN" replay --text "$caps/handshake.pcap" 'tcp[tcpflags] & tcp-fin != 0' >"$tmp/out" 2>"$tmp/err"
frames=$(awk '$1 ~ /^[0-9]+$/ {print $1}' "$tmp/out" | tr '\n' ' ')
[ "$frames" = "8 9 " ] && ok "a filter keeps frame numbers" || { echo "# frames: $frames"; bad "a filter keeps frame numbers"; }

"$SYNFIN" -r "$caps/handshake.pcap" -c 3 --text >"$tmp/out" 2>"$tmp/err"
[ "$(awk '$1 ~ /^[0-9]+$/' "$tmp/out" | wc -l)" -eq 3 ] && ok "-c 3 stops after 3 frames" || bad "-c 3 stops after 3 frames"

"$SYNFIN" replay --text - <"$caps/udp.pcap" >"$tmp/out" 2>"$tmp/err"
"$SYNFIN" replay --text "$caps/udp.pcap" >"$tmp/out2" 2>&1
cmp -s "$tmp/out" "$tmp/out2" && ok "- reads standard input" || bad "- reads standard input"

"$SYNFIN" -r "$caps/handshake.pcap" --text >"$tmp/out2" 2>&1
"$SYNFIN" replay "$caps/handshake.pcap" >"$tmp/out" 2>&1
cmp -s "$tmp/out" "$tmp/out2" && ok "-r FILE equals replay FILE, text when not a terminal" || bad "-r FILE equals replay FILE"

"$SYNFIN" replay --summary "$caps/handshake.pcap" >"$tmp/out" 2>"$tmp/err"
[ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -q '^conn 1 tcp .*client TIME_WAIT, server CLOSED' "$tmp/out" &&
	ok "--summary prints one line per conversation" || bad "--summary prints one line per conversation"

# JSON: every line is an object with a type; a conn precedes its packets.
"$SYNFIN" replay --json "$caps/handshake.pcap" >"$tmp/out" 2>"$tmp/err"
if python3 - "$tmp/out" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert "type" in o, line
    if o["type"] == "conn":
        seen.add(o["id"])
    elif o["type"] in ("packet", "state", "summary"):
        assert o["conn"] in seen, line
types = [json.loads(l)["type"] for l in open(sys.argv[1])]
assert types[0] == "conn" and types[-1] == "summary", types
PY
then ok "--json is JSON Lines in contract order"; else bad "--json is JSON Lines in contract order"; fi

# JSON, evidence: a state event names the frame that caused it and, when
# a later segment decided it, that one; it comes after its packet and
# before the deciding packet; a segment its receiver never processed has
# a not_processed event (syn-retry: the SYN-ACK the filter dropped).
"$SYNFIN" replay --json "$caps/syn-retry.pcap" >"$tmp/out" 2>"$tmp/err"
if python3 - "$tmp/out" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
pos = {e["frame"]: i for i, e in enumerate(ev) if e["type"] == "packet"}
late = [e for e in ev if e["type"] == "state" and "decided_by" in e]
assert late, "no state event decided later"
for e in late:
    i = ev.index(e)
    assert pos[e["frame"]] < i < pos[e["decided_by"]], e
np = [e for e in ev if e["type"] == "not_processed"]
assert np and np[0]["frame"] == 2 and np[0]["endpoint"] == "client", np
assert np[0]["why"] in ("receiver_sent_again", "sender_sent_again"), np
# The client went SYN_SENT -> ESTABLISHED once, never back.
cp = [(e["from"], e["to"]) for e in ev
      if e["type"] == "state" and e["endpoint"] == "client"]
assert cp[:2] == [("CLOSED", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED")], cp
PY
then ok "--json: decided_by, not_processed, no state goes back"; else bad "--json: decided_by, not_processed, no state goes back"; fi

# A truncated file: what was read is shown, then the reason, exit 1.
head -c 700 "$caps/handshake.pcap" >"$tmp/cut.pcap"
"$SYNFIN" replay --text "$tmp/cut.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'truncated' "$tmp/err" && grep -Eq '^ +1 ' "$tmp/out" &&
	grep -q 'warning: .*truncated' "$tmp/out"; then
	ok "a truncated file shows what it has, then fails with the reason"
else
	echo "# rc=$rc"; bad "a truncated file shows what it has, then fails with the reason"
fi

# Output into a closed pipe ends quietly with status 0.
big="$top_srcdir/../shared/pcaps/public/zeek__tcp_timestamp.pcap"
[ -r "$big" ] || big="$caps/handshake.pcap"
"$SYNFIN" replay --json "$big" 2>"$tmp/err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && ok "a closed pipe ends quietly with 0" || { echo "# rc=$rc"; bad "a closed pipe ends quietly with 0"; }

# --help and the man page name the same options.
man="$top_srcdir/doc/synfin.1"
"$SYNFIN" --help >"$tmp/help"
help_opts=$(grep -oE '^  (-[a-zA-Z], )?--?[a-zA-Z][a-z-]*' "$tmp/help" |
	grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u)
man_opts=$({ grep -oE '\\-\\-[a-z]([a-z]|\\-[a-z])*' "$man";
	grep -oE '^\.(B|BI|BR) \\-[a-zA-Z]( |$)' "$man" | sed 's/^\.[A-Z]* //'; } |
	sed 's/\\-/-/g; s/ $//' | sort -u)
missing=
for o in $help_opts; do
	grep -qx -- "$o" <<<"$man_opts" || missing="$missing $o"
done
[ -z "$missing" ] && ok "every option of --help is in synfin(1)" ||
	{ echo "# missing in synfin(1):$missing"; bad "every option of --help is in synfin(1)"; }
missing=
for o in $man_opts; do
	grep -q -- "$o\b" "$tmp/help" || missing="$missing $o"
done
[ -z "$missing" ] && ok "every option of synfin(1) is in --help" ||
	{ echo "# missing in --help:$missing"; bad "every option of synfin(1) is in --help"; }

# -v: each data segment's payload under its narration, in hex and text,
# at most the first 512 bytes, and how many there were.
"$SYNFIN" replay -v "$caps/handshake.pcap" >"$tmp/out" 2>"$tmp/err"
grep -q '^        | payload: 13 bytes$' "$tmp/out" &&
    grep -q '^        | 0000  48 65 6c 6c 6f 2c 20 77 6f 72 6c 64 21 *Hello, world!$' "$tmp/out" &&
    [ "$(grep -c '^        | payload' "$tmp/out")" = 2 ] &&
    ok "-v: the demo's \"Hello, world!\" under its segment" ||
    bad "-v: the demo's \"Hello, world!\" under its segment"
if command -v python3 >/dev/null; then
	# An FTP greeting, then a 1400-byte segment whole and cut at 70 bytes.
	python3 - "$tmp/ftp.pcap" <<'PY'
import struct, sys
def seg(sport, dport, seq, data, snap=65535):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, 0x18,
                      65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(data), 0, 0, 64, 6,
                     0, bytes([10, 0, 0, 2 if sport == 21 else 1]),
                     bytes([10, 0, 0, 1 if sport == 21 else 2]))
    frame = ip + tcp + data
    return frame[:snap], len(frame)
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)]
big = bytes(range(256)) * 5 + bytes(120)
for i, (f, n) in enumerate([seg(21, 40000, 1, b"220 (vsFTPd 3.0.3)\r\n"),
                            seg(21, 40000, 22, big),
                            seg(21, 40000, 1422, big, 70)]):
    out.append(struct.pack("<IIII", 1, i, len(f), n) + f)
open(sys.argv[1], "wb").write(b"".join(out))
PY
	"$SYNFIN" replay -v "$tmp/ftp.pcap" >"$tmp/out" 2>"$tmp/err"
	grep -q '^        | 0000  32 32 30 20 28 76 73 46 54 50 64 20 33 2e 30 2e  220 (vsFTPd 3.0.$' "$tmp/out" &&
	    grep -q '^        | 0010  33 29 0d 0a  *3)..$' "$tmp/out" &&
	    ok "-v: an FTP greeting reads \"220 (vsFTPd 3.0.3)..\"" ||
	    bad "-v: an FTP greeting reads \"220 (vsFTPd 3.0.3)..\""
	grep -q '^        | payload: the first 512 of 1400 bytes$' "$tmp/out" &&
	    grep -q '^        | 01f0  f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff  ~*\.*$' "$tmp/out" &&
	    ! grep -q '^        | 0200 ' "$tmp/out" &&
	    ok "-v: a long segment shows its first 512 bytes and says so" ||
	    bad "-v: a long segment shows its first 512 bytes and says so"
	grep -q '^        | payload: the first 30 of 1400 bytes$' "$tmp/out" &&
	    ok "-v: a segment cut by the snaplen says how much was captured" ||
	    bad "-v: a segment cut by the snaplen says how much was captured"
fi

tap_end
