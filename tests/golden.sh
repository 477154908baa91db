#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden tests, tcpdump-style: replay each bundled capture (and a twin
# cut to a 64-byte snaplen) in text mode and diff against tests/golden/.
# SYNFIN_REGEN=1 rewrites the golden files on purpose (make golden).
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
# ok, bad, same_as_golden NAME FILE (SYNFIN_REGEN=1 rewrites), $tmp
. "$top_srcdir/tests/tap.sh"

# Copy a classic pcap with every record cut to at most $2 bytes.
cut_snaplen() {
	python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
src, dst, snap = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = open(src, 'rb').read()
magic = b[:4]
e = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
hdr = bytearray(b[:24])
struct.pack_into(e + 'I', hdr, 16, snap)
out = [bytes(hdr)]
off = 24
while off + 16 <= len(b):
    sec, frac, incl, orig = struct.unpack_from(e + 'IIII', b, off)
    data = b[off + 16:off + 16 + incl]
    off += 16 + incl
    cut = data[:snap]
    out.append(struct.pack(e + 'IIII', sec, frac, len(cut), orig) + cut)
open(dst, 'wb').write(b''.join(out))
PY
}

check() {	# name capture
	"$SYNFIN" replay --text "$2" >"$tmp/$1.txt" 2>"$tmp/$1.err"
	rc=$?
	if [ $rc -gt 1 ]; then
		bad "$1: exit $rc"; sed 's/^/#   /' "$tmp/$1.err"
		return
	fi
	same_as_golden "$1.txt" "$tmp/$1.txt"
}

for cap in "$top_srcdir"/captures/*.pcap; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap" .pcap)
	check "$name" "$cap"
	cut_snaplen "$cap" "$tmp/$name.trunc.pcap" 64 || exit 99
	check "$name.trunc" "$tmp/$name.trunc.pcap"
done
if [ $((pass + fail)) -eq 0 ]; then
	echo "no captures found in $top_srcdir/captures"
	exit 99
fi
tap_end
