#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Seed inputs for fuzz_core from captures: runs of consecutive frames in
the harness's input format (see fuzz.h), so flows and the FSM see whole
conversations.  Reads pcap and pcapng with the standard library only.

usage: seeds.py OUTDIR CAPTURE...
"""
import hashlib
import os
import struct
import sys

# Index in fuzz_core.c's table, by LINKTYPE_* value.
LINKTYPES = [1, 0, 9, 101, 108, 113, 228, 229, 239, 276]
FRAMES_PER_SEED = 24
SEEDS_PER_CAPTURE = 4
MAX_FRAME = 1600


def read_pcap(b):
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None, []
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    if len(b) < 24:
        return None, []
    lt = struct.unpack(e + "I", b[20:24])[0] & 0xFFFF
    frames, off = [], 24
    while off + 16 <= len(b):
        sec, frac, incl, orig = struct.unpack(e + "IIII", b[off:off + 16])
        off += 16
        data = b[off:off + incl]
        off += incl
        ns = sec * 10**9 + (frac if nano else frac * 1000)
        frames.append((ns, data, orig))
    return lt, frames


def read_pcapng(b):
    if b[:4] != b"\x0a\x0d\x0d\x0a" or len(b) < 12:
        return None, []
    e = "<" if b[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    ifaces, frames, off = [], [], 0
    while off + 12 <= len(b):
        btype, blen = struct.unpack(e + "II", b[off:off + 8])
        if blen < 12 or off + blen > len(b):
            break
        body = b[off + 8:off + blen - 4]
        if btype == 0x0A0D0D0A:
            ifaces = []
        elif btype == 1 and len(body) >= 8:
            ifaces.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifid, hi, lo, cap, orig = struct.unpack(e + "IIIII", body[:20])
            if ifid < len(ifaces):
                ns = ((hi << 32) | lo) * 1000
                frames.append((ns, body[20:20 + cap], orig, ifaces[ifid]))
        elif btype == 3 and len(body) >= 4 and ifaces:
            orig = struct.unpack(e + "I", body[:4])[0]
            frames.append((0, body[4:4 + orig], orig, ifaces[0]))
        off += blen
    if not frames:
        return None, []
    lt = frames[0][3]
    return lt, [(t, d, o) for t, d, o, l in frames if l == lt]


def step(delta):
    if delta < 0:
        return 0xFF if delta <= -10**9 else 0
    for s in range(7):
        if delta >> (6 * s) < 32:
            return (s << 5) | (delta >> (6 * s))
    return (6 << 5) | 31        # 0xdf; 0xfe and 0xff mean other things


def encode(lt, frames):
    out = bytearray([LINKTYPES.index(lt), 0])
    prev = frames[0][0]
    for ns, data, orig in frames:
        data = data[:MAX_FRAME]
        extra = max(0, min(0xEF, orig - len(data)))
        out += struct.pack(">HBB", len(data), step(ns - prev), extra)
        out += data
        prev = ns
    return bytes(out)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            b = f.read()
        lt, frames = read_pcap(b)
        if lt is None:
            lt, frames = read_pcapng(b)
        if lt not in LINKTYPES or not frames:
            continue
        starts = range(0, len(frames), FRAMES_PER_SEED)
        for s in list(starts)[:SEEDS_PER_CAPTURE]:
            seed = encode(lt, frames[s:s + FRAMES_PER_SEED])
            name = hashlib.sha1(seed).hexdigest()
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(seed)
            n += 1
    print("%d seeds in %s" % (n, outdir))


if __name__ == "__main__":
    main()
