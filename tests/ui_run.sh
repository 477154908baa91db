#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# synfin run's UI as a person sees it, in a tmux pane: the calls of both
# example programs on the ladder beside their segments, the programs'
# output in its own view (o) and never on the ladder's screen, and after
# q or Ctrl-C a terminal left as found and no program left running.
# Needs tmux and python3, and a namespace synfin can capture in.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
for t in tmux python3; do
	if ! command -v $t >/dev/null; then
		echo "SKIP: $t is not installed"
		[ "${SYNFIN_REQUIRE_TOOLS:-}" = 1 ] && exit 99
		exit 77
	fi
done
if ! "$SYNFIN" run --json -- true >/dev/null 2>&1; then
	echo "SKIP: synfin run cannot trace or capture here"
	exit 77
fi
ex="$top_srcdir/examples"
WAIT_SECONDS=5
. "$top_srcdir/tests/tmux.sh"
restored() {
	wait_for "__EXIT=$1__" 10 &&
	[ "$(T display -p -t 0 '#{alternate_on}')" = 0 ] &&
	for ((i = 0; i < 40; i++)); do [ -s "$tmp/stty" ] && break; sleep 0.05; done &&
	grep -Eq '(^| )icanon( |$)' "$tmp/stty" &&
	grep -Eq '(^| )echo( |$)' "$tmp/stty"
}
# Processes whose command line holds $1 (none may outlive synfin).
left() { ps -eo args= | grep -F -- "$1" | grep -v -e grep -e 'sleep 120' -e tmux; }
gone() {
	local i
	for ((i = 0; i < 40; i++)); do [ -z "$(left "$1")" ] && return 0; sleep 0.05; done
	return 1
}

# -------------------------------------------------- the TCP examples
start 110 32 "'$SYNFIN' run --server 'python3 $ex/tcp_server.py' -- python3 $ex/tcp_client.py"
check "the server's socket calls are on its side of the ladder" \
    "wait_for '│ +listen\(backlog 1\)' 10"
check "the client's connect() shares its row with the SYN" \
    "wait_for '^connect\(127\.0\.0\.1:8080\) +SYN_SENT │── SYN '"
check "accept and send are drawn by the server's lifeline" \
    "wait_for '│ +accept4?\(127\.0\.0\.1:[0-9]+\)' && wait_for '│ +send\(\"Hello, world!\"\)'"
# The client's FIN-ACK acknowledges the server's FIN: the server passes
# FIN_WAIT_2 on its way to TIME_WAIT (a second line), unless the client's
# kernel sent that ACK on its own first (a row that shows FIN_WAIT_2).
close_states() {
	screen | grep -A1 'LAST_ACK │── FIN-ACK' > "$tmp/close" || return 1
	if grep -q 'LAST_ACK │── FIN-ACK .*│ FIN_WAIT_2' "$tmp/close"; then
		tail -1 "$tmp/close" | grep -q '│ TIME_WAIT'
	else
		grep -q 'LAST_ACK │── FIN-ACK .*│ TIME_WAIT' "$tmp/close" &&
		    screen | grep -q '│── ACK .*│ FIN_WAIT_2'
	fi
}
check "the close: the server's FIN and the client's, both ends' states" \
    "wait_for 'CLOSE_WAIT │◀─ FIN-ACK' && wait_for 'LAST_ACK │── FIN-ACK' && close_states"
check "the programs' output is not on the ladder's screen" \
    "! screen | grep -q '1> Hello'"
keys o
check "o: the output view shows each program's lines with pid and stream" \
    "wait_for 'tcp_client\.py\[[0-9]+\] 1> Hello, world!' && wait_for 'tcp_server\.py\[[0-9]+\] 1> listening on 127\.0\.0\.1:8080'"
keys o
check "o again: back to the ladder" "wait_for 'connect\(127\.0\.0\.1:8080\)'"
keys '?'
check "?: run's help has o, the programs' output, and no lab or quiz key" \
    "wait_for '─ Keys ─' && screen | grep -Eq '│ +o +the programs. output, and back' && ! screen | grep -Eq 'listen\\(\\)|answer the question'"
keys x
check "any key closes it" "for i in \$(seq 40); do ! screen | grep -q '─ Keys ─' && break; sleep 0.05; done; ! screen | grep -q '─ Keys ─'"
keys q
check "q after the client is done: exit 0 (its status), terminal restored" \
    "restored 0"

# -------------------------------------------- q while a program still runs
mk="7$$.25"
start 100 30 "'$SYNFIN' run --server 'sleep 9$mk' -- sleep 8$mk"
check "a run still going is drawn" "wait_for 'synfin · run' 10"
check "its programs run" "for i in \$(seq 50); do [ -n \"\$(left 8$mk)\" ] && break; sleep 0.05; done; [ -n \"\$(left 8$mk)\" ]"
keys q
check "q while PROGRAM runs: exit 0, terminal restored" "restored 0"
check "q: no program is left running" "gone 9$mk && gone 8$mk"

mk="6$$.25"
start 100 30 "'$SYNFIN' run --server 'sleep 9$mk' -- sleep 8$mk"
check "another run is drawn" "wait_for 'synfin · run' 10"
sleep 0.3
keys C-c
check "Ctrl-C: exit 130, terminal restored" "restored 130"
check "Ctrl-C: no program is left running" "gone 9$mk && gone 8$mk"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
