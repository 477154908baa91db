#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Mutated captures for robustness runs: N files made from seed captures
by bit flips, truncations, corrupted length fields (pcap record headers,
pcapng block and packet lengths, IPv4/IPv6/TCP/UDP lengths), corrupted
global headers and spliced, duplicated or dropped records.  Python 3
standard library only; the same --seed gives the same files.

usage: mutate.py [--seed S] [--count N] OUTDIR SEED_CAPTURE...
"""
import argparse
import os
import random
import struct

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
    b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">",
}
PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"
# Values that break length arithmetic.
INTERESTING32 = [0, 1, 2, 3, 4, 7, 8, 15, 16, 20, 40, 63, 64, 127, 128,
                 255, 256, 1500, 1514, 65535, 65536, 65537, 262144, 262145,
                 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]
INTERESTING16 = [0, 1, 4, 5, 7, 8, 19, 20, 21, 39, 40, 41, 59, 60, 61,
                 0x7FFF, 0x8000, 0xFFFE, 0xFFFF]
# Link-layer header lengths before IP, for the link types we find IP in.
LINK_HDR = {0: 4, 1: 14, 101: 0, 108: 4, 113: 16, 228: 0, 229: 0, 276: 20}


# ------------------------------------------------------------- parsing
class Capture:
    """A capture as a list of records over its bytes, so that mutations
    can find the fields they corrupt."""

    def __init__(self, data):
        self.data = bytearray(data)
        self.kind = None
        self.e = "<"
        self.linktype = None
        self.records = []   # (offset of header, header len, caplen)
        if bytes(self.data[:4]) in PCAP_MAGICS:
            self.kind = "pcap"
            self._parse_pcap()
        elif bytes(self.data[:4]) == PCAPNG_SHB:
            self.kind = "pcapng"
            self._parse_pcapng()

    def _parse_pcap(self):
        d = self.data
        self.e = PCAP_MAGICS[bytes(d[:4])]
        if len(d) < 24:
            return
        self.linktype = struct.unpack(self.e + "I", d[20:24])[0] & 0xFFFF
        off = 24
        while off + 16 <= len(d):
            incl = struct.unpack(self.e + "I", d[off + 8:off + 12])[0]
            if off + 16 + incl > len(d):
                break
            self.records.append((off, 16, incl))
            off += 16 + incl

    def _parse_pcapng(self):
        d = self.data
        if len(d) < 12:
            return
        self.e = "<" if bytes(d[8:12]) == b"\x4d\x3c\x2b\x1a" else ">"
        off = 0
        while off + 12 <= len(d):
            btype, blen = struct.unpack(self.e + "II", d[off:off + 8])
            if blen < 12 or off + blen > len(d):
                break
            if btype == 1 and self.linktype is None and blen >= 16:
                self.linktype = struct.unpack(self.e + "H",
                                              d[off + 8:off + 10])[0]
            if btype == 6 and blen >= 32:
                cap = struct.unpack(self.e + "I", d[off + 20:off + 24])[0]
                self.records.append((off, 28, min(cap, blen - 32)))
            elif btype == 3 and blen >= 16:
                self.records.append((off, 12, blen - 16))
            off += blen

    def record_bytes(self, r):
        off, hl, cap = r
        if self.kind == "pcapng":
            blen = struct.unpack(self.e + "I", self.data[off + 4:off + 8])[0]
            return bytes(self.data[off:off + blen])
        return bytes(self.data[off:off + hl + cap])

    def header_len(self):
        if self.kind == "pcap":
            return 24
        if self.records:
            return self.records[0][0]
        return min(len(self.data), 28)

    def ip_offset(self, r):
        """Offset of the IP header inside record r, or None."""
        off, hl, cap = r
        lt = self.linktype
        if lt not in LINK_HDR:
            return None
        p = off + hl + LINK_HDR[lt]
        if lt == 1:
            # Skip VLAN tags.
            while p - 2 + 2 <= len(self.data) and \
                    self.data[p - 2:p] in (b"\x81\x00", b"\x88\xa8"):
                p += 4
        if p >= off + hl + cap or p >= len(self.data):
            return None
        return p


# ----------------------------------------------------------- mutations
def put(d, off, fmt, v):
    n = struct.calcsize(fmt)
    if 0 <= off and off + n <= len(d):
        d[off:off + n] = struct.pack(fmt, v)


def mut_bitflip(c, rng, pool):
    d = c.data
    if not d:
        return
    start = c.header_len() if rng.random() < 0.8 else 0
    if start >= len(d):
        start = 0
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(start, len(d))
        d[i] ^= 1 << rng.randrange(8)


def mut_bytes(c, rng, pool):
    d = c.data
    for _ in range(rng.randint(1, 8)):
        if d:
            d[rng.randrange(len(d))] = rng.choice([0, 0xFF, 0x7F, 0x80,
                                                   rng.randrange(256)])


def mut_truncate(c, rng, pool):
    d = c.data
    if not d:
        return
    r = rng.random()
    if r < 0.2:
        n = rng.randrange(min(len(d), 40) + 1)      # inside global header
    elif r < 0.6 and c.records:
        off, hl, cap = rng.choice(c.records)        # inside a record
        n = off + rng.randrange(hl + cap + 1)
    else:
        n = rng.randrange(len(d) + 1)
    del d[n:]


def mut_record_len(c, rng, pool):
    if not c.records:
        return
    off, hl, cap = rng.choice(c.records)
    e = c.e
    if c.kind == "pcap":
        field = off + rng.choice([8, 12])
        v = rng.choice(INTERESTING32 + [cap + 1, cap - 1 & 0xFFFFFFFF,
                                        cap * 2, rng.randrange(1 << 32)])
        put(c.data, field, e + "I", v)
        if rng.random() < 0.3:          # orig_len below caplen
            put(c.data, off + 12, e + "I", max(0, cap - rng.randint(1, 40)))
    else:
        # Block total length (either copy), or an EPB's lengths.
        blen = struct.unpack(e + "I", c.data[off + 4:off + 8])[0]
        field = rng.choice([off + 4, off + blen - 4, off + 20, off + 24])
        v = rng.choice(INTERESTING32 + [blen + 4, blen - 4, cap + 1])
        put(c.data, field, e + "I", v & 0xFFFFFFFF)


def mut_global(c, rng, pool):
    d = c.data
    e = c.e
    if c.kind == "pcap":
        what = rng.randrange(5)
        if what == 0:       # snaplen
            put(d, 16, e + "I", rng.choice(INTERESTING32))
        elif what == 1:     # link type, often one we decode
            put(d, 20, e + "I", rng.choice(list(LINK_HDR) + [9, 239, 147,
                                           rng.randrange(1 << 16),
                                           rng.randrange(1 << 32)]))
        elif what == 2:     # version
            put(d, 4, e + "H", rng.choice([1, 2, 3, 0xFFFF]))
            put(d, 6, e + "H", rng.choice([0, 1, 4, 5, 0xFFFF]))
        elif what == 3:     # the other byte order, or nanoseconds
            d[0:4] = rng.choice(list(PCAP_MAGICS))
        else:               # FCS bits in the link type field
            put(d, 20, e + "I", (c.linktype or 1) | rng.choice(
                [0x10000000, 0x04000000, 0xF0000000]))
    elif c.kind == "pcapng":
        # SHB/IDB fields: version, section length, link type, snaplen,
        # and an options area.
        fields = [(4, "I"), (12, "H"), (14, "H"), (16, "Q")]
        off = 0
        if len(d) >= 12:
            off = struct.unpack(e + "I", d[4:8])[0]
        if off + 16 <= len(d):
            fields += [(off + 4, "I"), (off + 8, "H"), (off + 12, "I")]
        pos, f = rng.choice(fields)
        bits = 8 * struct.calcsize(f)
        v = rng.choice(INTERESTING32 + list(LINK_HDR) + [147])
        put(d, pos, e + f, v & ((1 << bits) - 1))


def mut_ip_len(c, rng, pool):
    recs = [r for r in c.records if c.ip_offset(r) is not None]
    if not recs:
        return
    r = rng.choice(recs)
    p = c.ip_offset(r)
    d = c.data
    end = r[0] + r[1] + r[2]
    ver = d[p] >> 4
    if ver == 4 and p + 20 <= end:
        ihl = (d[p] & 0xF) * 4
        l4 = p + ihl
        proto = d[p + 9]
        choice = rng.randrange(6)
        if choice == 0:
            put(d, p + 2, ">H", rng.choice(INTERESTING16))      # total len
        elif choice == 1:
            d[p] = 0x40 | rng.randrange(16)                     # IHL
        elif choice == 2:
            put(d, p + 6, ">H", rng.choice([0x2000, 0x1FFF, 0x3FFF,
                                            0x4000, rng.randrange(1 << 16)]))
        elif choice == 3:
            d[p + 9] = rng.choice([6, 17, 1, 58, 41, 4, 0, 255])
        elif proto == 6 and l4 + 20 <= end:
            d[l4 + 12] = (rng.randrange(16) << 4) | (d[l4 + 12] & 0xF)
            if rng.random() < 0.5 and l4 + 21 <= end:           # options
                for i in range(l4 + 20, min(end, l4 + 60)):
                    if rng.random() < 0.2:
                        d[i] = rng.choice([0, 1, 2, 3, 4, 5, 8, 30, 34,
                                           254, 255, rng.randrange(256)])
        elif proto == 17 and l4 + 8 <= end:
            put(d, l4 + 4, ">H", rng.choice(INTERESTING16))     # UDP len
        else:
            put(d, p + 2, ">H", rng.choice(INTERESTING16))
    elif ver == 6 and p + 40 <= end:
        choice = rng.randrange(3)
        l4 = p + 40
        if choice == 0:
            put(d, p + 4, ">H", rng.choice(INTERESTING16))      # payload len
        elif choice == 1:
            d[p + 6] = rng.choice([0, 43, 44, 60, 6, 17, 58, 59, 51, 50,
                                   135, 139, 140, 253])
        elif d[p + 6] == 6 and l4 + 20 <= end:
            d[l4 + 12] = (rng.randrange(16) << 4) | (d[l4 + 12] & 0xF)
        elif d[p + 6] == 17 and l4 + 8 <= end:
            put(d, l4 + 4, ">H", rng.choice(INTERESTING16))
        else:
            put(d, p + 4, ">H", rng.choice(INTERESTING16))


def mut_splice(c, rng, pool):
    """Records from another capture, duplicated, dropped or reordered."""
    if not c.records:
        return
    recs = [c.record_bytes(r) for r in c.records]
    other = Capture(rng.choice(pool))
    what = rng.randrange(4)
    if what == 0 and other.records and other.kind == c.kind:
        for _ in range(rng.randint(1, 8)):
            recs.insert(rng.randrange(len(recs) + 1),
                        other.record_bytes(rng.choice(other.records)))
    elif what == 1:
        i = rng.randrange(len(recs))
        recs[i:i] = [recs[i]] * rng.randint(1, 4)
    elif what == 2 and len(recs) > 1:
        del recs[rng.randrange(len(recs))]
    else:
        rng.shuffle(recs)
    if c.kind == "pcapng":
        # Records stay whole blocks; also insert an unknown block.
        if rng.random() < 0.3:
            body = bytes(rng.randrange(256) for _ in range(rng.choice(
                [0, 4, 8, 12])))
            blk = struct.pack(c.e + "II", rng.choice(
                [0x0BAD, 0x80000001, 7, 9, 10, 0x40000000]),
                12 + len(body)) + body + struct.pack(c.e + "I",
                                                      12 + len(body))
            recs.insert(rng.randrange(len(recs) + 1), blk)
    head = bytes(c.data[:c.records[0][0]])
    c.data = bytearray(head + b"".join(recs))


def mut_raw_splice(c, rng, pool):
    """Bytes of another capture glued at a random point (misaligned)."""
    other = rng.choice(pool)
    if not other or not c.data:
        return
    a = rng.randrange(len(c.data) + 1)
    b = rng.randrange(len(other))
    c.data = c.data[:a] + bytearray(other[b:b + rng.randint(1, 4096)])


MUTATIONS = [
    (mut_bitflip, 4), (mut_bytes, 2), (mut_truncate, 2),
    (mut_record_len, 3), (mut_global, 2), (mut_ip_len, 4), (mut_splice, 2),
    (mut_raw_splice, 1),
]


def mutate(seed_bytes, rng, pool):
    c = Capture(seed_bytes)
    funcs = [f for f, w in MUTATIONS for _ in range(w)]
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        f = rng.choice(funcs)
        f(c, rng, pool)
        c = Capture(bytes(c.data))      # the next one sees the new fields
    return bytes(c.data), c.kind


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("outdir")
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    pool = []
    for path in a.captures:
        with open(path, "rb") as f:
            b = f.read()
        if b[:4] in PCAP_MAGICS or b[:4] == PCAPNG_SHB:
            pool.append(b)
    if not pool:
        ap.error("no pcap or pcapng seed among the captures")
    os.makedirs(a.outdir, exist_ok=True)
    rng = random.Random(a.seed)
    for i in range(a.count):
        seed = rng.choice(pool)
        out, kind = mutate(seed, rng, pool)
        ext = "pcapng" if seed[:4] == PCAPNG_SHB else "pcap"
        name = os.path.join(a.outdir, "mut-%d-%06d.%s" % (a.seed, i, ext))
        with open(name, "wb") as f:
            f.write(out)
    print("%d mutants in %s" % (a.count, a.outdir))


if __name__ == "__main__":
    main()
