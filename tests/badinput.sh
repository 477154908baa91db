#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Bad input a user can give replay (issue 6's table), beyond the cases
# tests/cli.sh covers: each names the file and the reason on one line of
# stderr and exits with the documented code (1: input problem, 2: usage).
# Where libpcap reads a file despite an odd header, the assertion is that
# the frames come out as they would from a well-formed file.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
# ok, bad, expect NAME RC STDERR-REGEX -- ARGS..., expect_status, $tmp
. "$top_srcdir/tests/tap.sh"
tap_show="$tmp/err $tmp/out"

# patch FILE OFFSET HEX...: overwrite bytes in place.
patch() {
	local f=$1 off=$2; shift 2
	printf "$(printf '\\x%s' "$@")" |
		dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# A capture of known layout, whatever captures/ holds: 4 UDP frames of
# 47 bytes over Ethernet, so records start at 24, 87, 150 and 213, and
# the file is 276 bytes.
udp="$tmp/udp.pcap"
python3 - "$udp" <<'PY'
import struct, sys
ip = bytes.fromhex("450000210001000040110000" "7f000001" "7f000001")
out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
for i in range(4):
    sport, dport = (1234, 53) if i % 2 == 0 else (53, 1234)
    frame = b"\0" * 12 + b"\x08\x00" + ip + \
        struct.pack(">HHHH", sport, dport, 13, 0) + b"hello"
    out += struct.pack("<IIII", 1700000000, i * 1000, len(frame), len(frame))
    out += frame
open(sys.argv[1], "wb").write(out)
PY
"$SYNFIN" replay --summary "$udp" >"$tmp/udp.sum" 2>&1
grep -q '^conn 1 udp 127.0.0.1:1234 -> 127.0.0.1:53: 4 packets' "$tmp/udp.sum" ||
	{ echo "# the test capture does not decode:"; cat "$tmp/udp.sum"; exit 99; }

# ------------------------------------------------------- unreadable
cp "$udp" "$tmp/locked.pcap"
chmod 000 "$tmp/locked.pcap"
if [ "$(id -u)" -ne 0 ]; then
	expect "an unreadable file names the reason" 1 \
	    "^synfin: $tmp/locked.pcap: Permission denied$" -- \
	    replay "$tmp/locked.pcap"
elif command -v setpriv >/dev/null; then
	# Root reads anything: run as nobody, with a copy of the program
	# it can reach (the build tree may be under /root).
	chmod 755 "$tmp"
	cp "$SYNFIN" "$tmp/synfin" && chmod 755 "$tmp/synfin"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$tmp/synfin" replay "$tmp/locked.pcap" >"$tmp/out" 2>"$tmp/err" </dev/null
	expect_status "an unreadable file names the reason" $? 1 \
	    "^synfin: $tmp/locked.pcap: Permission denied$"
else
	skipped "an unreadable file names the reason" "root reads it anyway, and no setpriv to drop privileges"
fi

# ----------------------------------------------- truncated headers
head -c 10 "$udp" >"$tmp/hdr.pcap"
expect "a truncated pcap file header says so" 1 \
    "^synfin: $tmp/hdr.pcap: truncated: 10 bytes, less than the 24-byte pcap file header$" -- \
    replay "$tmp/hdr.pcap"
printf '\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a\x01\x00' >"$tmp/hdr.pcapng"
expect "a truncated pcapng section header says so" 1 \
    "^synfin: $tmp/hdr.pcapng: truncated: 14 bytes, less than the 28-byte pcapng section header$" -- \
    replay "$tmp/hdr.pcapng"
head -c 3 "$udp" >"$tmp/magic.pcap"
expect "a file cut inside the magic number is truncated" 1 \
    "^synfin: $tmp/magic.pcap: truncated" -- replay "$tmp/magic.pcap"

# A header and no records: an empty capture, not an error.
head -c 24 "$udp" >"$tmp/none.pcap"
expect "a capture with no records is empty, exit 0" 0 "" -- \
    replay "$tmp/none.pcap"
[ ! -s "$tmp/err" ] && ok "... and says nothing on stderr" || bad "... and says nothing on stderr"

# ----------------------------------------------- truncated records
# Cut inside the last record's header: the three frames before are
# shown, then the reason with how far it got.
head -c 221 "$udp" >"$tmp/rechdr.pcap"
expect "a cut record header names the file, the reason, the frames read" 1 \
    "^synfin: $tmp/rechdr.pcap: truncated .*\(after 3 frames\)$" -- \
    replay --text "$tmp/rechdr.pcap"
[ "$(grep -Ec '^ +[0-9]+ ' "$tmp/out")" -eq 3 ] && ok "... and shows the 3 frames before it" ||
	bad "... and shows the 3 frames before it"
head -c 271 "$udp" >"$tmp/recdata.pcap"
expect "a cut last record, in JSON, ends with a warning and summaries" 1 \
    "^synfin: $tmp/recdata.pcap: truncated .*\(after 3 frames\)$" -- \
    replay --json "$tmp/recdata.pcap"
if grep -q '"type":"warning".*truncated' "$tmp/out" &&
    tail -1 "$tmp/out" | grep -q '"type":"summary"'; then
	ok "... the warning is in the JSON output too"
else
	bad "... the warning is in the JSON output too"
fi

# ------------------------------------------------------- snaplen
# libpcap cuts records longer than the header's snaplen to it (up to
# its own limit, 262144), as tcpdump shows them: each frame says so.
cp "$udp" "$tmp/snap32.pcap"
patch "$tmp/snap32.pcap" 16 20 00 00 00		# snaplen 32 < 47
expect "records longer than the snaplen are read, cut to it" 0 "" -- \
    replay --text "$tmp/snap32.pcap"
[ "$(grep -c "warning: frame cut short by the capture's snaplen" "$tmp/out")" -eq 4 ] &&
	ok "... and each frame says it was cut" || bad "... and each frame says it was cut"
# Beyond libpcap's limit the file is refused at that record.
patch "$tmp/snap32.pcap" 32 e0 93 04 00		# record 1: 300000 bytes
expect "a record longer than any snaplen is refused" 1 \
    "^synfin: $tmp/snap32.pcap: invalid packet capture length 300000.*\(after 0 frames\)$" -- \
    replay "$tmp/snap32.pcap"

for v in ff:ff:ff:ff 00:00:00:00 00:00:00:80; do
	cp "$udp" "$tmp/absurd.pcap"
	# shellcheck disable=SC2046
	patch "$tmp/absurd.pcap" 16 $(echo "$v" | tr : ' ')
	expect "an absurd snaplen ($v) is ignored" 0 "" -- \
	    replay --summary "$tmp/absurd.pcap"
	cmp -s "$tmp/out" "$tmp/udp.sum" && ok "... and frames decode as in the original" ||
		bad "... and frames decode as in the original"
done

cp "$udp" "$tmp/version.pcap"
patch "$tmp/version.pcap" 4 03 00
expect "an unknown pcap version is named" 1 \
    "^synfin: $tmp/version.pcap: unsupported pcap savefile version 3\.4$" -- \
    replay "$tmp/version.pcap"

# ------------------------------------------------------- pcapng
# Blocks as pcapng (RFC draft) lays them out, little-endian.
python3 - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
shb = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
def idb(lt):
    return blk(1, struct.pack("<HHI", lt, 0, 65535))
def epb(ifid, data, t):
    return blk(6, struct.pack("<IIIII", ifid, 0, t, len(data), len(data)) + data)
ip = bytes.fromhex("450000210001000040110000" "7f000001" "7f000001") + \
    struct.pack(">HHHH", 1234, 53, 13, 0) + b"hello"
eth = b"\0" * 12 + b"\x08\x00" + ip
with open(d + "/unknown.pcapng", "wb") as f:
    f.write(shb + idb(1) + blk(0x0BAD, b"abcd") + epb(0, eth, 0) +
            blk(0x80000001, b"custom!!") + epb(0, eth, 5))
with open(d + "/mixed.pcapng", "wb") as f:
    f.write(shb + idb(1) + idb(101) + epb(0, eth, 0) + epb(1, ip, 5))
with open(d + "/mixedlate.pcapng", "wb") as f:
    f.write(shb + idb(1) + epb(0, eth, 0) + idb(101) + epb(1, ip, 5))
PY
expect "pcapng with unknown blocks: they are skipped" 0 "" -- \
    replay --summary "$tmp/unknown.pcapng"
grep -q '^conn 1 udp 127.0.0.1:1234 -> 127.0.0.1:53: 2 packets' "$tmp/out" &&
	[ ! -s "$tmp/err" ] && ok "... and both frames around them are read" ||
	bad "... and both frames around them are read"
expect "pcapng with interfaces of different link types is refused" 1 \
    "^synfin: $tmp/mixed.pcapng: .*interface has a type 101 different from the type of the first interface.*split it by interface first" -- \
    replay "$tmp/mixed.pcapng"
expect "... also when the second interface comes after a frame" 1 \
    "^synfin: $tmp/mixedlate.pcapng: .*type 101 different .*\(after 1 frames\); libpcap reads pcapng files whose interfaces share" -- \
    replay --text "$tmp/mixedlate.pcapng"
grep -Eq '^ +1 ' "$tmp/out" && ok "... showing the frame before it" ||
	bad "... showing the frame before it"

# ------------------------------------------------- a terminal on stdin
if command -v script >/dev/null; then
	for args in "replay -" "-r -"; do
		# script(1) gives synfin a terminal; -e passes its status on.
		script -qec "$SYNFIN $args" /dev/null >"$tmp/tty" 2>&1 </dev/null
		rc=$?
		tr -d '\r' <"$tmp/tty" >"$tmp/err"
		expect_status "a terminal on stdin is refused ($args)" $rc 1 \
		    "^synfin: -: standard input is a terminal, not a capture"
	done
else
	skipped "a terminal on stdin is refused" "no script(1) to make a terminal"
fi

# ------------------------------------------------------- options
# The option is named (cli.sh checks the usage text and exit code).
expect "an unknown short option is named" 2 "^synfin: invalid option -- 'x'" -- \
    replay -x "$udp"
expect "an unknown long option is named" 2 "unrecognized option '--frobnicate'" -- \
    replay --frobnicate "$udp"
expect "an option missing its argument is named" 2 "option requires an argument -- 'c'" -- \
    replay "$udp" -c

tap_end
