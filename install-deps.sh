#!/bin/sh
# SPDX-License-Identifier: ISC
# Install from apt what synfin's build, its demo and every check of
# `make check` use, on Debian or Ubuntu: as root, or through sudo when
# run by a user.  The README's first command and .ci/run call it, so the
# list below is the one CI proves.  Only what is missing is installed (no
# apt-get update when nothing is).  -n: change nothing, but resolve the
# whole list with `apt-get install -s` and print the commands it would
# run.  Extra arguments are more packages to install (CI's compilers).
set -eu
cd "$(dirname "$0")"

dry=0
if [ "${1:-}" = -n ]; then
	dry=1
	shift
fi
SUDO=
if [ "$(id -u)" != 0 ]; then
	SUDO=$(command -v sudo) || {
		echo "install-deps: run it as root, or install sudo" >&2
		exit 1
	}
fi
run() {
	echo "+ $*"
	[ "$dry" = 1 ] || "$@"
}
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# The build; the tests: tmux (the UI), python3 (drivers), locales (the
# zh_CN.UTF-8 locale), librsvg2-bin and libxml2-utils (SVG checks), the
# fonts they render with (CJK included); nodejs and npm for mermaid.js.
pkgs="build-essential autoconf automake pkg-config libpcap-dev
	libncurses-dev libcriterion-dev gettext python3 tmux locales
	librsvg2-bin libxml2-utils fonts-dejavu-core fonts-noto-cjk $*"
# Node from elsewhere (NodeSource) brings its own npm and conflicts
# with Debian's.
command -v npm >/dev/null || pkgs="$pkgs nodejs npm"

missing=
for p in $pkgs chromium; do
	installed "$p" || missing="$missing $p"
done
if [ -n "$missing" ] || [ "$dry" = 1 ]; then
	[ -z "$missing" ] || run $SUDO apt-get update -q
	# Chromium (the two checks that render diagrams in a browser) is a
	# Debian package; Ubuntu has only a snap stub, which containers
	# cannot run: there those two checks skip and say why.
	if installed chromium ||
	    apt-cache show chromium 2>/dev/null | grep -q '^Filename:'; then
		pkgs="$pkgs chromium"
	else
		echo "install-deps: no chromium package here (Ubuntu ships a" \
		    "snap): the browser checks of make check will skip" >&2
	fi
	if [ "$dry" = 1 ]; then
		# shellcheck disable=SC2086
		apt-get install -s -q --no-install-recommends $pkgs >/dev/null
		echo "install-deps: apt-get install -s resolves:" $pkgs
	fi
	# shellcheck disable=SC2086
	run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $pkgs
fi

# The Chinese checks run under the zh_CN.UTF-8 locale; a fresh machine
# has only C and C.UTF-8.
if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\{0,1\}8'; then
	run $SUDO localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
fi

# mermaid.js, as tests/mermaid/package-lock.json locks it, from npm (not
# packaged by Debian), for tests/export_mermaid.sh.
if [ ! -r tests/mermaid/node_modules/mermaid/dist/mermaid.min.js ]; then
	run sh -c 'cd tests/mermaid && npm ci --no-audit --no-fund --loglevel=error'
fi
echo "install-deps: done"
