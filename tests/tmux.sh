# SPDX-License-Identifier: ISC
# The tmux harness the UI tests share (sourced by tests/ui.sh, ui_lab.sh,
# ui_live.sh, ui_run.sh): a private tmux server, TAP lines, and waiting on
# what the screen shows.  Defines tmp (removed at exit unless KEEP is
# set), sock, T, ok, bad, check, start, screen, wait_for and keys; a test
# may define its own start.  WAIT_SECONDS: wait_for's default wait (3).
tmp=$(mktemp -d) || exit 99
sock="$tmp/tmux"
export LANG=C.UTF-8 LC_ALL=
unset NO_COLOR TMUX
T() { tmux -S "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0

ok() { pass=$((pass + 1)); n=$((n + 1)); echo "ok $n - $1"; }
bad() {
	fail=$((fail + 1)); n=$((n + 1)); echo "not ok $n - $1"
	screen | sed 's/^/#   |/'
}
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# start COLS ROWS CMD...: run CMD in a fresh pane; when it ends, the pane
# prints its exit status (__EXIT=N__) and the terminal's modes ($tmp/stty).
start() {
	local cols=$1 rows=$2; shift 2
	T kill-server 2>/dev/null
	sleep 0.1
	rm -f "$tmp/stty"
	T new-session -d -x "$cols" -y "$rows" \
	    "$*; echo __EXIT=\$?__; stty -a >$tmp/stty; sleep 120"
	T set-option -g window-size manual >/dev/null 2>&1
}
screen() { T capture-pane -p -t 0 2>/dev/null; }
# wait_for REGEX [SECONDS]: until the screen matches (grep -E).
wait_for() {
	local i limit=$(( ${2:-${WAIT_SECONDS:-3}} * 20 ))
	for ((i = 0; i < limit; i++)); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
keys() { T send-keys -t 0 "$@"; }
