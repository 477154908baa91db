# SPDX-License-Identifier: ISC
# What the shell tests share; a test sources it after `set -u`:
#
#	. "$top_srcdir/tests/tap.sh"
#
# It gives a scratch directory $tmp (removed on exit) and one line per
# check, "ok - NAME" or "not ok - NAME", counted in $pass, $fail and
# $skip.  After a "not ok" come, as "#" lines, the first $tap_lines lines
# of the files named in $tap_show (none unless the test names them, e.g.
# tap_show="$tmp/err $tmp/out").  tap_end prints the counts and is the
# test's exit status: the last command of the test.
#
#	ok NAME / bad NAME		a check passed / failed
#	check NAME 'SHELL-CONDITION'	ok or bad as the condition holds
#	skipped NAME REASON		a check that cannot run here
#	skip_all REASON			the test cannot run here: exit 77
#					(99 under SYNFIN_REQUIRE_TOOLS=1)
#	expect NAME RC STDERR-REGEX -- ARGS...
#					run synfin ARGS (stdout to $tmp/out,
#					stderr to $tmp/err): it exits RC, its
#					stderr matches the regex (when one is
#					given) and, for RC 1, is one line
#	expect_status NAME GOT RC STDERR-REGEX
#					the same for a run already made, that
#					exited GOT
#	same_as_golden NAME FILE	FILE is tests/golden/NAME (the diff
#					follows a "not ok"); under
#					SYNFIN_REGEN=1 (make golden) FILE
#					becomes tests/golden/NAME instead
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
tap_show=
tap_lines=20

ok()
{
	pass=$((pass + 1))
	echo "ok - $1"
}

bad()
{
	fail=$((fail + 1))
	echo "not ok - $1"
	# shellcheck disable=SC2086 # a list of scratch files, no blanks
	[ -z "$tap_show" ] ||
	    sed 's/^/#   /' $tap_show 2>/dev/null | head -n "$tap_lines"
}

check()
{
	if eval "$2"; then ok "$1"; else bad "$1"; fi
}

skipped()
{
	skip=$((skip + 1))
	echo "ok - $1 # SKIP $2"
}

skip_all()
{
	echo "SKIP: $1"
	[ "${SYNFIN_REQUIRE_TOOLS:-0}" = 1 ] && exit 99
	exit 77
}

expect_status()
{
	if [ "$2" -ne "$3" ]; then
		echo "# exit $2, want $3"; bad "$1"; return 1
	fi
	if [ -n "$4" ] && ! grep -Eq -- "$4" "$tmp/err"; then
		echo "# stderr does not match /$4/"; bad "$1"; return 1
	fi
	# Usage errors add the usage text; input errors are one line.
	if [ -n "$4" ] && [ "$3" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]
	then
		echo "# stderr is not one line"; bad "$1"; return 1
	fi
	ok "$1"
}

expect()
{
	_tap_name=$1 _tap_rc=$2 _tap_re=$3
	shift 4
	"${SYNFIN:?}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	expect_status "$_tap_name" $? "$_tap_rc" "$_tap_re"
}

same_as_golden()
{
	if [ "${SYNFIN_REGEN:-0}" = 1 ]; then
		if cp "$2" "${top_srcdir:?}/tests/golden/$1"; then
			ok "$1: wrote tests/golden/$1"
		else
			bad "$1: cannot write tests/golden/$1"
		fi
	elif diff -u "$top_srcdir/tests/golden/$1" "$2" >"$tmp/golden.diff"
	then
		ok "$1"
	else
		bad "$1: differs from tests/golden/$1"
		sed 's/^/#   /' "$tmp/golden.diff"
	fi
}

tap_end()
{
	echo "# $pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
}
