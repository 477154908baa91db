#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Helpers for tests/export_browser.sh: build the pages Chromium loads and
check the screenshot it takes of synfin's exported SVGs.

  svgcheck.py pages DIR NAME:ARROWS...  write DIR/dom.html (every SVG inline,
                                        with a script that measures the real
                                        text boxes) and DIR/shot.html (every
                                        SVG as an image, stacked); print the
                                        window size the screenshot needs
  svgcheck.py png DIR                   check DIR/shot.png against the arrows
                                        the SVGs draw

Only the standard library: the PNG is decoded here.
"""
import json
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVGNS = "{http://www.w3.org/2000/svg}"

DOM_SCRIPT = r"""
<script>
function overlap(a, b, tol) {
  return a.left + tol < b.right && b.left + tol < a.right &&
         a.top + tol < b.bottom && b.top + tol < a.bottom;
}
function inside(x, y, r) {
  return x > r.left + 1 && x < r.right - 1 && y > r.top + 1 && y < r.bottom - 1;
}
const bad = [];
let ntexts = 0, narrows = 0;
for (const svg of document.querySelectorAll('svg')) {
  const name = svg.parentNode.id, o = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map(
    t => ({ r: t.getBoundingClientRect(), s: t.textContent }));
  ntexts += texts.length;
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++)
      if (overlap(texts[i].r, texts[j].r, 0.5))
        bad.push(name + ': "' + texts[i].s + '" overlaps "' + texts[j].s + '"');
  const arrows = svg.querySelectorAll('g.msg line, g.icmp line');
  narrows += arrows.length;
  const want = Number(svg.parentNode.dataset.arrows);
  if (arrows.length !== want)
    bad.push(name + ': ' + arrows.length + ' arrows, want ' + want);
  for (const l of svg.querySelectorAll('line')) {
    const x1 = +l.getAttribute('x1') + o.left, y1 = +l.getAttribute('y1') + o.top;
    const x2 = +l.getAttribute('x2') + o.left, y2 = +l.getAttribute('y2') + o.top;
    for (let k = 0; k <= 200; k++) {
      const x = x1 + (x2 - x1) * k / 200, y = y1 + (y2 - y1) * k / 200;
      const hit = texts.find(t => inside(x, y, t.r));
      if (hit) { bad.push(name + ': a line crosses "' + hit.s + '"'); break; }
    }
  }
}
document.getElementById('result').textContent = bad.length ?
  'BAD ' + bad.join(' | ') :
  'OK svgs=' + document.querySelectorAll('svg').length + ' texts=' + ntexts +
  ' arrows=' + narrows;
</script>
"""


def svg_size(path):
    root = ET.parse(path).getroot()
    return float(root.get("width")), float(root.get("height"))


def pages(d, specs):
    dom = ['<!DOCTYPE html><html><head><meta charset="utf-8">'
           '<style>body{margin:0}</style></head><body>']
    shot = list(dom)
    geo, top, width = [], 0.0, 0.0
    for spec in specs:
        name, arrows = spec.rsplit(":", 1)
        path = "%s/%s.svg" % (d, name)
        text = open(path, encoding="utf-8").read()
        body = text[text.index("<svg"):]
        dom.append('<div id="%s" data-arrows="%s">%s</div>' %
                   (name, arrows, body))
        w, h = svg_size(path)
        shot.append('<img src="%s.svg" width="%s" height="%s" '
                    'style="display:block">' % (name, w, h))
        root = ET.parse(path).getroot()
        lines = []
        for g in root.iter(SVGNS + "g"):
            if g.get("class") not in ("msg", "icmp"):
                continue
            for ln in g.iter(SVGNS + "line"):
                lines.append({
                    "x1": float(ln.get("x1")), "y1": float(ln.get("y1")),
                    "x2": float(ln.get("x2")), "y2": float(ln.get("y2")),
                    "dashed": ln.get("stroke-dasharray") is not None,
                })
        geo.append({"name": name, "top": top, "lines": lines,
                    "arrows": int(arrows)})
        top += h
        width = max(width, w)
    dom.append('<p id="result">pending</p>' + DOM_SCRIPT + '</body></html>')
    shot.append('</body></html>')
    open(d + "/dom.html", "w", encoding="utf-8").write("".join(dom))
    open(d + "/shot.html", "w", encoding="utf-8").write("".join(shot))
    json.dump(geo, open(d + "/geo.json", "w"))
    print("%d,%d" % (int(width + 0.999), int(top + 0.999)))


def png_read(path):
    """8-bit RGB or RGBA, not interlaced: what Chromium writes."""
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    off, idat = 8, b""
    while off < len(b):
        n, typ = struct.unpack(">I4s", b[off:off + 8])
        data = b[off + 8:off + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", data)
            assert depth == 8 and ctype in (2, 6) and lace == 0, (depth, ctype)
        elif typ == b"IDAT":
            idat += data
        off += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        cur = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                cur[x] = (cur[x] + cur[x - bpp]) & 255
        elif f == 2:
            cur = bytearray((a + b) & 255 for a, b in zip(cur, prev))
        elif f == 3:
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                cur[x] = (cur[x] + ((a + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                if x >= bpp:
                    a, c = cur[x - bpp], prev[x - bpp]
                else:
                    a = c = 0
                b = prev[x]
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[x] = (cur[x] + pr) & 255
        rows.append(cur)
        prev = cur
    return w, h, bpp, rows


def png(d):
    w, h, bpp, rows = png_read(d + "/shot.png")
    geo = json.load(open(d + "/geo.json"))

    def dark(x, y):
        if x < 0 or y < 0 or x >= w or y >= h:
            return False
        p = rows[y][x * bpp:x * bpp + 3]
        return (p[0] * 299 + p[1] * 587 + p[2] * 114) // 1000 < 110

    ndark = 0
    for row in rows:
        ndark += sum(1 for r, g, b in zip(row[0::bpp], row[1::bpp],
                                          row[2::bpp])
                     if r * 299 + g * 587 + b * 114 < 110000)
    frac = ndark / float(w * h)
    fails = []
    if not 0.005 < frac < 0.25:
        fails.append("dark pixels are %.3f of the picture" % frac)
    checked = 0
    for g in geo:
        for ln in g["lines"]:
            ts = [k / 10.0 for k in range(1, 10)]
            hits = 0
            for t in ts:
                x = ln["x1"] + (ln["x2"] - ln["x1"]) * t
                y = ln["y1"] + (ln["y2"] - ln["y1"]) * t + g["top"]
                xi, yi = int(round(x)), int(round(y))
                if any(dark(xi + dx, yi + dy)
                       for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
                    hits += 1
            need = 5 if ln["dashed"] else 9
            if hits < need:
                fails.append("%s: arrow at y=%.0f is not drawn (%d of 9)" %
                             (g["name"], ln["y1"], hits))
            checked += 1
    if fails:
        print("BAD " + "; ".join(fails))
        return 1
    print("OK %dx%d, %.1f%% dark, %d arrows found where the SVGs put them" %
          (w, h, 100 * frac, checked))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "pages":
        pages(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "png":
        sys.exit(png(sys.argv[2]))
    else:
        sys.exit("usage: svgcheck.py pages DIR NAME:ARROWS... | png DIR")
