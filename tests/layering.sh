#!/bin/sh
# SPDX-License-Identifier: ISC
# The layering the architecture promises (doc: CONTRIBUTING.md), checked by
# make check: only capture.[ch] include libpcap; curses only under ui/, and
# never in ui/layout.[ch] (curses-free, unit-tested); no file of the core
# library (LAYERING_CORE, the sources of src/libsynfin.a) includes a
# header of the shell (LAYERING_SHELL, the program's own sources), so the
# core stays pure and links without them.  Run by make check-layering too.
set -u
: "${top_srcdir:?}" "${LAYERING_CORE:?}" "${LAYERING_SHELL:?}"
cd "$top_srcdir" || exit 99
fail=0

bad()
{
	echo "FAIL: $*"
	fail=1
}

for f in src/*.[ch] ui/*.[ch]; do
	case $f in
	src/capture.[ch]) ;;
	*)	grep -q '^#include.*<pcap' "$f" &&
		    bad "$f includes libpcap (only src/capture.[ch] may)" ;;
	esac
done
for f in src/*.[ch] ui/layout.[ch]; do
	grep -q '^#include.*curses' "$f" &&
	    bad "$f includes curses (only ui/, and not ui/layout)"
	case $f in
	ui/layout.[ch])
		grep -q '^#include "ui_int\.h"' "$f" &&
		    bad "$f includes ui_int.h: ui/layout stays curses-free" ;;
	esac
done
# Headers that belong to the shell: the .h files among its sources.
shell_h=
for f in $LAYERING_SHELL; do
	case $f in
	src/*.h) shell_h="$shell_h ${f#src/}" ;;
	esac
done
for f in $LAYERING_CORE; do
	case $f in
	*.c|*.h) ;;
	*) continue ;;
	esac
	for h in $shell_h; do
		grep -q "^#include \"$h\"" "$f" &&
		    bad "$f (core) includes $h (shell)"
	done
done
if [ "$fail" = 0 ]; then
	echo "layering ok"
	exit 0
fi
exit 1
