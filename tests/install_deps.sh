#!/bin/sh
# SPDX-License-Identifier: ISC
# The README's first command: install-deps.sh.  It is what the
# README and .ci/run call; its package list resolves in apt (apt-get
# install -s, where apt and its lists are here); as root it calls no
# sudo, as a user it goes through sudo, and a user without sudo is told
# what to do.  Changes nothing on the machine (-n).
set -u
: "${top_srcdir:?}"
deps="$top_srcdir/install-deps.sh"
# ok, bad, skipped, check NAME 'CONDITION', $tmp
. "$top_srcdir/tests/tap.sh"
tap_show="$tmp/out"
tap_lines=10

sh -n "$deps" >"$tmp/out" 2>&1
check "install-deps.sh parses (sh -n)" "[ \$? -eq 0 ]"
# The README's quick start runs it first; CI runs the same script and the
# README's test command.
sed -n '/^## Quick start/,/^## /p' "$top_srcdir/README.md" >"$tmp/out"
check "the README's first command starts with the script" \
    "grep -q '^sh install-deps.sh && ./autogen.sh && ./configure && make && ./synfin demo\$' '$tmp/out' && grep -q '^make check\$' '$tmp/out'"
if [ -f "$top_srcdir/.ci/run" ]; then
	grep -E 'install-deps|make -j"\$jobs" check' "$top_srcdir/.ci/run" >"$tmp/out"
	check ".ci/run calls the same script and the README's test command" \
	    "grep -q '^sh install-deps.sh' '$tmp/out' && grep -q 'make -j\"\$jobs\" check' '$tmp/out'"
else
	skipped ".ci/run calls the same script" "no .ci/ here (a release tarball)"
fi

if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null ||
    ! apt-cache show build-essential 2>/dev/null | grep -q '^Package:'; then
	skipped "the package list resolves" "no apt, or no package lists (apt-get update)"
else
	if [ "$(id -u)" = 0 ]; then
		sh "$deps" -n >"$tmp/out" 2>&1
		check "as root: apt-get install -s resolves every package, no sudo" \
		    "[ \$? -eq 0 ] && grep -q 'resolves: build-essential .*librsvg2-bin libxml2-utils' '$tmp/out' && ! grep -q sudo '$tmp/out'"
	fi
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		# A user: a sudo of our own on PATH, recorded when called.
		mkdir -p "$tmp/bin" && chmod 755 "$tmp" "$tmp/bin"
		printf '#!/bin/sh\nexec "$@"\n' >"$tmp/bin/sudo"
		chmod 755 "$tmp/bin/sudo"
		as_user() {
			setpriv --reuid=65534 --regid=65534 --clear-groups \
			    env HOME=/ PATH="$1" sh "$deps" -n
		}
		as_user "$tmp/bin:$PATH" >"$tmp/out" 2>&1
		check "as a user: each command that needs root goes through sudo" \
		    "[ \$? -eq 0 ] && grep -q '^+ $tmp/bin/sudo env DEBIAN_FRONTEND=noninteractive apt-get install' '$tmp/out'"
		mkdir -p "$tmp/nosudo"
		for t in id sh dpkg-query grep sed cat; do
			ln -s "$(command -v $t)" "$tmp/nosudo/$t"
		done
		as_user "$tmp/nosudo" >"$tmp/out" 2>&1
		check "as a user without sudo: it says to run it as root (exit 1)" \
		    "[ \$? -eq 1 ] && grep -q 'run it as root, or install sudo' '$tmp/out'"
	else
		skipped "as a user, through sudo" "not root, or no setpriv"
	fi
fi
tap_end
