#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Languages: the zh_CN catalogue is complete against the strings marked in
# the sources, the language follows the locale and --lang, Chinese output
# keeps its layout, and what is a contract (JSON, states, flags, options)
# stays the same in every language.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
caps="$top_srcdir/captures"
po="$top_srcdir/po/zh_CN.po"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; sed 's/^/#   /' "$tmp/err" 2>/dev/null | head -10; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
skipped() {
	if [ "${SYNFIN_REQUIRE_TOOLS:-0}" = 1 ]; then
		bad "$1 (cannot run: $2)"
	else
		skip=$((skip + 1)); echo "ok - $1 # SKIP $2"
	fi
}
han() { grep -qP '[\x{4e00}-\x{9fff}]' "$@"; }	# holds Chinese characters

# --- the catalogue ---------------------------------------------------
if ! command -v msgfmt >/dev/null || ! command -v xgettext >/dev/null; then
	skipped "catalogue checks" "gettext tools not installed"
else
	msgfmt -c --statistics -o "$tmp/zh.mo" "$po" 2>"$tmp/stat"
	cat "$tmp/stat" | sed 's/^/# /'
	check "zh_CN.po compiles with msgfmt -c (format directives agree)" \
	    "[ -s '$tmp/zh.mo' ]"
	check "msgfmt --statistics: zh_CN 100 % translated, nothing fuzzy" \
	    "grep -Eq '^[0-9]+ translated messages?\\.\$' '$tmp/stat'"
	# Every string marked in the sources today has a translation: the
	# .po cannot lag behind the code.
	(cd "$top_srcdir" && xgettext --from-code=UTF-8 -k_ -kN_ \
	    -kP_:1,2 -kC_:1c,2 -o "$tmp/fresh.pot" src/*/*.c src/*/*.h ui/*.c \
	    ui/*.h) 2>"$tmp/err"
	msgcmp "$po" "$tmp/fresh.pot" >"$tmp/err" 2>&1
	check "every marked string in src/ and ui/ is translated (msgcmp)" \
	    "[ \$? -eq 0 ] || { head -20 '$tmp/err'; false; }"
	n=$(grep -c '^msgid ' "$tmp/fresh.pot")
	check "the sources mark their messages ($n msgids, at least 300)" \
	    "[ '$n' -ge 300 ]"
fi

# --- --lang works on any machine: C.UTF-8 stands in -----------------
LANG=C LC_ALL= "$SYNFIN" --lang zh_CN replay --text -v "$caps/handshake.pcap" \
    >"$tmp/zh_c.out" 2>"$tmp/err"
check "--lang zh_CN under LANG=C prints Chinese narration" "han '$tmp/zh_c.out'"
LANG=C LC_ALL= "$SYNFIN" replay --text -v "$caps/handshake.pcap" \
    >"$tmp/en.out" 2>"$tmp/err"
check "LANG=C prints English narration" \
    "! han '$tmp/en.out' && grep -q '^        # ' '$tmp/en.out'"
"$SYNFIN" --lang xx_YY replay --text "$caps/handshake.pcap" >/dev/null 2>"$tmp/err"
check "--lang with no catalogue says so and goes on in English" \
    "grep -q 'no xx_YY translation' '$tmp/err'"

# --- where the catalogue is found ------------------------------------
# The build puts it in po/locale beside the executable (in-tree and
# out-of-tree alike); an uninstalled synfin reads it there without
# SYNFIN_LOCALEDIR.  With none anywhere, a language synfin ships that
# the locale asks for is said to be missing, and one it never had is not.
beside=$(dirname "$SYNFIN")/po/locale/zh_CN/LC_MESSAGES/synfin.mo
if [ ! -f "$beside" ]; then
	skipped "the build's own catalogue" "no $beside (msgfmt missing at build time)"
else
	(cd "$tmp" && env -u SYNFIN_LOCALEDIR LANG=C LANGUAGE= LC_ALL= \
	    "$SYNFIN" --lang zh_CN replay --text -v "$caps/handshake.pcap") \
	    >"$tmp/beside.out" 2>"$tmp/err"
	check "--lang zh_CN without SYNFIN_LOCALEDIR nor install: Chinese from the build" \
	    "han '$tmp/beside.out' && ! grep -q translation '$tmp/err'"
fi
mkdir -p "$tmp/nocat"
LANG=C.UTF-8 LANGUAGE= LC_ALL= SYNFIN_LOCALEDIR="$tmp/nocat" "$SYNFIN" \
    --lang zh_CN replay --text -v "$caps/handshake.pcap" >"$tmp/nocat.out" 2>"$tmp/err"
check "--lang zh_CN with no catalogue: English, and stderr names the directory" \
    "! han '$tmp/nocat.out' && grep -q 'no zh_CN translation in $tmp/nocat' '$tmp/err'"
LANG=zh_CN.UTF-8 LANGUAGE= LC_ALL= SYNFIN_LOCALEDIR="$tmp/nocat" "$SYNFIN" \
    replay --text "$caps/handshake.pcap" >/dev/null 2>"$tmp/err"
check "LANG=zh_CN.UTF-8 with no catalogue says so too" \
    "grep -q 'no zh_CN.UTF-8 translation' '$tmp/err'"
LANG=fr_FR.UTF-8 LANGUAGE= LC_ALL= "$SYNFIN" replay --text \
    "$caps/handshake.pcap" >/dev/null 2>"$tmp/err"
check "LANG=fr_FR.UTF-8 (no French in synfin): English without a warning" \
    "! grep -q translation '$tmp/err'"
# A locale that is not generated (LOCPATH hides them all but the built-in
# C.UTF-8) still gives its language, as --lang would.
LOCPATH="$tmp/nocat" LANG=zh_CN.UTF-8 LANGUAGE= LC_ALL= "$SYNFIN" \
    replay --text -v "$caps/handshake.pcap" >"$tmp/noloc.out" 2>"$tmp/err"
check "LANG=zh_CN.UTF-8 without the locale generated: Chinese all the same" \
    "han '$tmp/noloc.out' && grep -q '三次握手' '$tmp/noloc.out'"
"$SYNFIN" --lang '../../etc' replay --text "$caps/handshake.pcap" >/dev/null 2>"$tmp/err"
check "--lang with a path in it is a usage error (exit 2)" "[ \$? -eq 2 ]"

# --- the locale decides ----------------------------------------------
if ! LC_ALL=zh_CN.UTF-8 locale charmap 2>/dev/null | grep -q UTF-8 ||
    ! locale -a | grep -qix 'zh_CN.utf8'; then
	skipped "LANG=zh_CN.UTF-8 checks" "the zh_CN.UTF-8 locale is not generated (locale-gen)"
else
	zh() { LANG=zh_CN.UTF-8 LC_ALL= LANGUAGE= "$SYNFIN" "$@"; }
	zh replay --text -v "$caps/handshake.pcap" >"$tmp/zh.out" 2>"$tmp/err"
	check "LANG=zh_CN.UTF-8: --text -v narrates in Chinese" \
	    "han '$tmp/zh.out'"
	check "the handshake is told as 三次握手" "grep -q '三次握手' '$tmp/zh.out'"
	check "the close is told with 挥手 or 关闭" "grep -Eq '挥手|关闭' '$tmp/zh.out'"
	# Layout: every packet line keeps its columns and tokens; only the
	# words after '|' (client/server) may change.  Compare to English.
	grep -E '^ +[0-9]+ ' "$tmp/en.out" | cut -d'|' -f1 >"$tmp/en.pk"
	grep -E '^ +[0-9]+ ' "$tmp/zh.out" | cut -d'|' -f1 >"$tmp/zh.pk"
	check "Chinese packet lines keep the English columns, byte for byte" \
	    "[ -s '$tmp/en.pk' ] && cmp -s '$tmp/en.pk' '$tmp/zh.pk'"
	check "state names and flags stay untranslated" \
	    "grep -q 'SYN_SENT' '$tmp/zh.out' && grep -q 'SYN-ACK' '$tmp/zh.out' && grep -q 'TIME_WAIT' '$tmp/zh.out'"
	check "one narration line per step, as in English" \
	    "[ \$(grep -c '^        # ' '$tmp/zh.out') -eq \$(grep -c '^        # ' '$tmp/en.out') ]"
	LANG=zh_CN.UTF-8 "$SYNFIN" --lang en replay --text -v "$caps/handshake.pcap" >"$tmp/en2.out" 2>"$tmp/err"
	check "--lang en in a Chinese locale is English, same as LANG=C" \
	    "cmp -s '$tmp/en.out' '$tmp/en2.out'"
	zh replay --json "$caps/handshake.pcap" >"$tmp/zh.json" 2>"$tmp/err"
	LANG=C "$SYNFIN" replay --json "$caps/handshake.pcap" >"$tmp/c.json" 2>&1
	check "--json is the same in every language (a contract)" \
	    "cmp -s '$tmp/zh.json' '$tmp/c.json'"
	zh --help >"$tmp/zh.help" 2>&1
	LANG=C "$SYNFIN" --help >"$tmp/c.help" 2>&1
	check "--help is in Chinese" "han '$tmp/zh.help'"
	grep -oE '(^|[ [])--?[a-zA-Z][-a-zA-Z]*' "$tmp/zh.help" | tr -d ' [' | sort -u >"$tmp/zh.opts"
	grep -oE '(^|[ [])--?[a-zA-Z][-a-zA-Z]*' "$tmp/c.help" | tr -d ' [' | sort -u >"$tmp/c.opts"
	check "--help names the same options in both languages" \
	    "cmp -s '$tmp/zh.opts' '$tmp/c.opts' || diff '$tmp/c.opts' '$tmp/zh.opts' | head"
	zh replay "$tmp/none.pcap" >/dev/null 2>"$tmp/err"
	check "errors keep their exit code in Chinese" "[ \$? -eq 1 ]"
	zh frobnicate >/dev/null 2>"$tmp/err"
	check "usage errors are in Chinese (exit 2)" "[ \$? -eq 2 ] && han '$tmp/err'"
	zh demo --list >"$tmp/list" 2>"$tmp/err"
	check "demo --list describes the lessons in Chinese" \
	    "han '$tmp/list' && grep -q '^handshake ' '$tmp/list'"
	zh replay --ladder "$caps/handshake.pcap" >"$tmp/zh.ladder" 2>"$tmp/err"
	# Every lifeline '|' of the ladder sits in the same column in display
	# cells whatever the language of the words around it.
	python3 - "$tmp/zh.ladder" >"$tmp/err" 2>&1 <<'EOF'
import sys, unicodedata
def cells(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    bars = [cells(line[:i]) for i, c in enumerate(line) if c == "|"]
    if len(bars) >= 2:
        cols.add((bars[0], bars[-1]))
print(cols)
sys.exit(0 if len(cols) == 1 else 1)
EOF
	check "--ladder in Chinese: both lifelines in one column on every row" "[ \$? -eq 0 ]"
fi

echo "# $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
