#!/bin/sh
# SPDX-License-Identifier: ISC
# The layering the architecture promises (doc: CONTRIBUTING.md), checked by
# make check.  The folders are the pipeline, and dependencies point one
# way: src/shell -> ui -> src/export -> src/core (ui may use the core
# directly).  So a file under src/core includes no header of src/export,
# src/shell or ui; one under src/export none of src/shell or ui; one under
# ui none of src/shell.  Only src/shell/capture.[ch] include libpcap;
# curses only under ui/, and never in ui/layout.[ch] nor ui/keys.[ch]
# (curses-free, unit-tested).  The libraries hold their own folder:
# LAYERING_CORE (the sources of src/core/libcore.a) lie under src/core,
# LAYERING_EXPORT (src/export/libexport.a) under src/export.  The core
# never translates: no file under src/core calls gettext (_(), P_(), C_(),
# gettext(), ngettext() ...) or includes <libintl.h>; it hands out English
# message ids marked N_() with their arguments (msg.h), and the sinks
# translate.  Run by make check-layering.
set -u
: "${top_srcdir:?}" "${LAYERING_CORE:?}" "${LAYERING_EXPORT:?}"
cd "$top_srcdir" || exit 99
fail=0

bad()
{
	echo "FAIL: $*"
	fail=1
}

# No source lies in src/ itself: each is in the folder of its layer.
for f in src/*.[ch]; do
	[ -e "$f" ] && bad "$f is outside src/core, src/export and src/shell"
done

for f in src/*/*.[ch] ui/*.[ch]; do
	case $f in
	src/shell/capture.[ch]) ;;
	*)	grep -q '^#include.*<pcap' "$f" &&
		    bad "$f includes libpcap (only src/shell/capture.[ch] may)" ;;
	esac
done
for f in src/*/*.[ch] ui/layout.[ch] ui/keys.[ch]; do
	grep -q '^#include.*curses' "$f" &&
	    bad "$f includes curses (only ui/, and not ui/layout, ui/keys)"
	case $f in
	ui/layout.[ch]|ui/keys.[ch])
		grep -q '^#include "ui_int\.h"' "$f" &&
		    bad "$f includes ui_int.h: it stays curses-free" ;;
	esac
done

# The headers of a folder, as its files include them ("name.h").
headers()
{
	for h in "$1"/*.h; do
		[ -e "$h" ] && echo "${h##*/}"
	done
}

# check DIR FOLDER...: no file under DIR includes a header of FOLDER.
check()
{
	dir=$1
	shift
	for other in "$@"; do
		for h in $(headers "$other"); do
			for f in "$dir"/*.[ch]; do
				[ -e "$f" ] || continue
				grep -q "^#include \"$h\"" "$f" &&
				    bad "$f includes $other/$h"
			done
		done
	done
}
check src/core src/export src/shell ui
check src/export src/shell ui
check ui src/shell

# The core speaks English message ids; whoever shows them translates.
for f in src/core/*.[ch]; do
	[ -e "$f" ] || continue
	grep -nE '(^|[^A-Za-z0-9_])(_|P_|C_|[a-z]*gettext)[[:space:]]*\(' \
	    "$f" >"${TMPDIR:-/tmp}/layering.$$" &&
	    bad "$f calls gettext (the core hands out N_() ids, msg.h):" \
	    "$(head -3 "${TMPDIR:-/tmp}/layering.$$")"
	grep -q '^#include.*<libintl\.h>' "$f" &&
	    bad "$f includes <libintl.h> (the core never translates)"
done
rm -f "${TMPDIR:-/tmp}/layering.$$"

for f in $LAYERING_CORE; do
	case $f in
	src/core/*) ;;
	*) bad "$f is in libcore.a but not under src/core" ;;
	esac
done
for f in $LAYERING_EXPORT; do
	case $f in
	src/export/*) ;;
	*) bad "$f is in libexport.a but not under src/export" ;;
	esac
done

if [ "$fail" = 0 ]; then
	echo "layering ok"
	exit 0
fi
exit 1
