#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# synfin --mermaid as mermaid.js reads it: each bundled capture's diagram
# and the escaping fixture (tests/golden/hostile.mermaid: a call on its
# own, and one that shares its segment's message) are rendered by
# mermaid (npm, tests/mermaid/) in headless Chromium; a parse error or a
# rendered message count other than the segments (and ICMP errors) the
# text output shows fails.  A control diagram with the escapes undone
# must fail to parse, so a harness that cannot fail fails.  Skips (77)
# only without Chromium or the npm package (cd tests/mermaid && npm ci);
# with SYNFIN_REQUIRE_TOOLS=1 (CI) these fail instead.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
# ok, bad, skip_all (77, or 99 under SYNFIN_REQUIRE_TOOLS=1), $tmp
. "$top_srcdir/tests/tap.sh"
chrome=$(command -v chromium || command -v chromium-browser) ||
	skip_all "chromium is not installed (Debian package chromium)"
mjs="$top_srcdir/tests/mermaid/node_modules/mermaid/dist/mermaid.min.js"
[ -r "$mjs" ] || skip_all "mermaid is not installed: cd tests/mermaid && npm ci"
command -v python3 >/dev/null || skip_all "python3 is not installed"

specs=()
for cap in "$top_srcdir"/captures/*.pcap; do
	name=$(basename "$cap" .pcap)
	"$SYNFIN" replay "$cap" --mermaid >"$tmp/$name.mermaid" || exit 99
	n=$("$SYNFIN" replay --text "$cap" |
	    awk '$1 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ &&
	    $4 ~ /^(C->S|S->C|ICMP)$/ { n++ } END { print n + 0 }')
	specs+=("$name:$n:ok")
done
cp "$top_srcdir/tests/golden/hostile.mermaid" "$tmp/hostile.mermaid"
specs+=("hostile:$(grep -Ec -- '->>|--\)' "$tmp/hostile.mermaid"):ok")
# The control: the same fixture with its entity codes turned back into
# the characters they stand for.
python3 - "$tmp/hostile.mermaid" "$tmp/control.mermaid" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.sub(r"#(\d+);", lambda m: chr(int(m[1])), t))
PY
specs+=("control:0:error")

python3 - "$tmp" "$mjs" "${specs[@]}" <<'PY'
import html, re, sys
d, mjs, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
out = ['<!DOCTYPE html><html><head><meta charset="utf-8">'
       '<script src="file://%s"></script></head><body>' % html.escape(mjs)]
for spec in specs:
    name, n, want = spec.split(":")
    text = open("%s/%s.mermaid" % (d, name)).read()
    # What a Markdown renderer hands mermaid: the inside of each fence
    # (one per conn), each a diagram of its own.
    blocks, cur = [], None
    for l in text.splitlines():
        if l.startswith("```"):
            if cur is not None:
                blocks.append(cur)
                cur = None
            else:
                cur = []
        elif cur is not None:
            cur.append(l)
    if cur is not None or not blocks:
        blocks.append(cur or [l for l in text.splitlines()])
    for i, b in enumerate(blocks):
        # Messages: ->> and -->> (segments), --) (ICMP), -x and --x
        # (a segment its receiver never processed).
        bn = sum(1 for l in b
                 if re.match(r"\s*\w+(--?>>|--\)|--?x)\w+:", l))
        out.append('<pre class="src" data-name="%s" data-messages="%s" '
                   'data-want="%s">%s</pre>' % (
                       name if len(blocks) == 1 else "%s#%d" % (name, i + 1),
                       bn, want, html.escape("\n".join(b))))
out.append('''<div id="out"></div><p id="result">pending</p><script>
(async () => {
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
  const res = [];
  let k = 0;
  for (const pre of document.querySelectorAll("pre.src")) {
    const name = pre.dataset.name, want = pre.dataset.want;
    try {
      const r = await mermaid.render("d" + k++, pre.textContent);
      const box = document.createElement("div");
      box.innerHTML = r.svg;
      const n = box.querySelectorAll(".messageLine0, .messageLine1").length;
      if (want !== "ok")
        res.push(name + ":PARSED-BUT-SHOULD-NOT");
      else if (name === "hostile" &&
               (!box.textContent.includes("send(a;b#c:d<e>f&g\\"h'i") ||
                !box.textContent.includes("close(end; participant X) = -1")))
        res.push(name + ":TEXT-" + encodeURIComponent(box.textContent.slice(0, 400)));
      else if (String(n) !== pre.dataset.messages)
        res.push(name + ":MESSAGES-" + n + "-WANT-" + pre.dataset.messages);
      else
        res.push(name + ":ok-" + n);
    } catch (e) {
      res.push(want === "error" ? name + ":ok-error" :
               name + ":ERROR-" + String(e.message || e).replace(/\\s+/g, " "));
    }
  }
  document.getElementById("result").textContent = res.join(" ");
})();
</script></body></html>''')
open(d + "/page.html", "w").write("".join(out))
PY

start=$(date +%s%N)
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --no-first-run \
    --user-data-dir="$tmp/profile" --allow-file-access-from-files \
    --virtual-time-budget=20000 --dump-dom "file://$tmp/page.html" \
    >"$tmp/dom.out" 2>"$tmp/chrome.log"
ms=$((($(date +%s%N) - start) / 1000000))
result=$(sed -n 's/.*<p id="result">\([^<]*\)<.*/\1/p' "$tmp/dom.out")
echo "# rendered in $ms ms: $result"
for spec in "${specs[@]}"; do
	name=${spec%%:*}
	# One token per diagram: NAME:..., or NAME#k:... for a file of
	# several conns; all must be ok.
	toks=$(tr ' ' '\n' <<<"$result" | grep -E "^$name(#[0-9]+)?:")
	if [ -n "$toks" ] && ! grep -qv ":ok-" <<<"$toks"; then
		ok "mermaid renders $name ($(tr '\n' ' ' <<<"$toks"))"
	else
		bad "mermaid renders $name"
	fi
done
if [ $fail -gt 0 ] && [ -z "$result" ]; then
	tail -5 "$tmp/chrome.log" | sed 's/^/#   /'
fi
tap_end
