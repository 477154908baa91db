#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Make doc/ui-handshake.png from a real run: synfin's UI in a tmux pane,
# captured with its colours (capture-pane -e), turned into HTML and
# photographed by headless Chromium.
#
# usage: doc/ui-screenshot.sh [SYNFIN] [OUT.png] [LANG]
#   doc/ui-screenshot.sh ./synfin doc/ui-handshake.zh_CN.png zh_CN
# (an uninstalled build finds its catalogue with SYNFIN_LOCALEDIR=po/locale)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
synfin=${1:-$top/synfin}
out=${2:-$top/doc/ui-handshake.png}
lang=${3:-en}
cols=140 rows=34
chrome=$(command -v chromium || command -v chromium-browser) ||
	{ echo "ui-screenshot: needs chromium" >&2; exit 1; }
tmp=$(mktemp -d)
sock=synfin-shot-$$
T() { tmux -S "$tmp/$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

export LANG=C.UTF-8
T new-session -d -x "$cols" -y "$rows" \
    "env TERM=screen-256color $synfin --lang $lang replay $top/captures/handshake.pcap; sleep 60"
sleep 1
# The server's FIN: both sides move, three states change at once.
T send-keys -t 0 End Left
sleep 0.5
T capture-pane -p -e -N -t 0 >"$tmp/screen.ansi"

python3 - "$tmp/screen.ansi" "$tmp/screen.html" "$cols" <<'EOF'
import html, re, sys, unicodedata
src, dst, cols = sys.argv[1], sys.argv[2], int(sys.argv[3])
pal = ["#1e1e1e", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd",
       "#56b6c2", "#dcdfe4"]
bright = ["#5c6370", "#ff7b86", "#b5e890", "#ffd68a", "#8cc8ff", "#e09cff",
          "#7fe0ec", "#ffffff"]
FG, BG = "#dcdfe4", "#1e1e1e"
def reset():
    return {"fg": None, "bg": None, "b": False, "d": False, "u": False,
            "r": False}
st = reset()
def apply(params):
    global st
    ps = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0: st = reset()
        elif p == 1: st["b"] = True
        elif p == 2: st["d"] = True
        elif p == 4: st["u"] = True
        elif p == 7: st["r"] = True
        elif p == 22: st["b"] = st["d"] = False
        elif p == 24: st["u"] = False
        elif p == 27: st["r"] = False
        elif 30 <= p <= 37: st["fg"] = pal[p - 30]
        elif 90 <= p <= 97: st["fg"] = bright[p - 90]
        elif p == 39: st["fg"] = None
        elif 40 <= p <= 47: st["bg"] = pal[p - 40]
        elif 100 <= p <= 107: st["bg"] = bright[p - 100]
        elif p == 49: st["bg"] = None
        elif p in (38, 48) and i + 2 < len(ps) and ps[i + 1] == 5:
            n = ps[i + 2]
            c = pal[n] if n < 8 else bright[n - 8] if n < 16 else FG
            st["fg" if p == 38 else "bg"] = c
            i += 2
        i += 1
def span(text):
    fg, bg = st["fg"] or FG, st["bg"] or BG
    if st["r"]: fg, bg = bg, fg
    style = "color:%s;background:%s" % (fg, bg)
    if st["b"]: style += ";font-weight:bold"
    if st["d"]: style += ";opacity:0.6"
    if st["u"]: style += ";text-decoration:underline"
    # A wide character takes two columns in the terminal: give it two
    # cells here too, whatever the width of the font's glyph.
    body = "".join('<span class="w">%s</span>' % html.escape(c)
                   if unicodedata.east_asian_width(c) in "WF"
                   else html.escape(c) for c in text)
    return '<span style="%s">%s</span>' % (style, body)
out = []
for line in open(src, encoding="utf-8").read().split("\n"):
    parts = re.split(r"\x1b\[([0-9;]*)m", line)
    row = []
    for k, part in enumerate(parts):
        if k % 2: apply(part)
        elif part: row.append(span(part))
    out.append("".join(row))
    st = reset()
page = """<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: %s; }
pre { margin: 0; padding: 12px; color: %s; width: %dch;
      font: 15px/1.2 'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', monospace; }
.w { display: inline-block; width: 2ch; text-align: center; }
</style><pre>%s</pre>""" % (BG, FG, cols, "\n".join(out).rstrip("\n"))
open(dst, "w", encoding="utf-8").write(page)
EOF

# 15px DejaVu Sans Mono: about 9 px a column, 18 px a line.
w=$((cols * 9 + 40)) h=$((rows * 18 + 30))
"$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size="$w,$h" --screenshot="$out" "file://$tmp/screen.html" \
    >/dev/null 2>&1
echo "ui-screenshot: wrote $out"
