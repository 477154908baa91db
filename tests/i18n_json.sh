#!/bin/sh
# SPDX-License-Identifier: ISC
# --json is English by construction: its writer never translates, and the
# core hands it English message ids, so a Chinese locale changes no byte of
# it; the process is not forced into English for it, so an error on
# standard error is still in the user's language.  The capture made here
# has a warning of every origin: the core's plain (a frame cut inside a
# header) and with numbers (an IPv4 fragment at an offset), the shell's
# (a clock that goes backwards) and libpcap's (the file ends inside a
# record).  Skips (77) when the zh_CN.UTF-8 locale is not generated or the
# build has no zh_CN catalogue.
set -u
: "${SYNFIN:?}"
if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf8' ||
    ! LC_ALL=zh_CN.UTF-8 locale charmap 2>/dev/null | grep -q UTF-8; then
	echo "1..0 # SKIP the zh_CN.UTF-8 locale is not generated (locale-gen zh_CN.UTF-8)"
	exit 77
fi
mo=${SYNFIN_LOCALEDIR:-$(dirname "$SYNFIN")/po/locale}/zh_CN/LC_MESSAGES/synfin.mo
if [ ! -f "$mo" ]; then
	echo "1..0 # SKIP no zh_CN catalogue at $mo (msgfmt missing at build time)"
	exit 77
fi
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is needed to write the capture"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
check()
{
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		fail=1
	fi
}
han() { LC_ALL=C.UTF-8 grep -qP '[\x{4e00}-\x{9fff}]' "$@"; }

python3 - "$tmp/warn.pcap" <<'PY'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ip(payload, frag=0, proto=6, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                    frag, 64, proto, 0, bytes([10, 0, 0, 1]),
                    bytes([10, 0, 0, 2]))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def tcp(sport, dport, seq, flags):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags,
                       65535, 0, 0)

eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
frames = [
    (10.0, eth + ip(tcp(40000, 80, 1000, 0x02))),   # a SYN
    (10.1, eth + ip(b"\0" * 16, frag=3)),           # fragment at 24
    (10.2, eth + ip(tcp(40000, 80, 1001, 0x10))[:30]),  # cut in TCP
    (9.5, eth + ip(tcp(40000, 80, 1001, 0x10))),    # clock goes back
]
out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for ts, f in frames:
    out += struct.pack("<IIII", int(ts), int(ts * 1e6) % 1000000, len(f),
                       len(f)) + f
# The last record's header promises more bytes than the file has.
out += struct.pack("<IIII", 11, 0, 60, 60) + eth + b"\x45"
open(sys.argv[1], "wb").write(out)
PY

run() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES "$@"; }
run LANG=C "$SYNFIN" replay --json "$tmp/warn.pcap" >"$tmp/c.json" \
    2>"$tmp/c.err"
run LANG=zh_CN.UTF-8 "$SYNFIN" replay --json "$tmp/warn.pcap" \
    >"$tmp/zh.json" 2>"$tmp/zh.err"
check "the capture has a warning of every origin" \
    "grep -q 'fragment at offset 24' '$tmp/c.json' &&
    grep -q 'ends inside a header' '$tmp/c.json' &&
    grep -q 'went backwards' '$tmp/c.json' &&
    grep -q 'after 4 frames' '$tmp/c.json'"
check "LANG=zh_CN.UTF-8: replay --json writes the same bytes as LANG=C" \
    "[ -s '$tmp/c.json' ] && cmp '$tmp/c.json' '$tmp/zh.json'"
check "LANG=zh_CN.UTF-8: the same input error on stderr is in Chinese" \
    "han '$tmp/zh.err' && ! han '$tmp/c.err'"
run LANG=zh_CN.UTF-8 "$SYNFIN" replay --json "$tmp/none.pcap" \
    >"$tmp/none.json" 2>"$tmp/none.err"
rc=$?
check "LANG=zh_CN.UTF-8 replay --json of a missing file: exit 1, Chinese" \
    "[ $rc -eq 1 ] && han '$tmp/none.err'"
run LANG=zh_CN.UTF-8 "$SYNFIN" replay --text "$tmp/warn.pcap" \
    >"$tmp/zh.txt" 2>/dev/null
check "the same warnings in --text are in Chinese" \
    "grep -q '^ *warning\\|警告' '$tmp/zh.txt' && han '$tmp/zh.txt'"
echo "1..$n"
exit "$fail"
