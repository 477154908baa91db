#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# synfin lab driven by keys in a tmux pane, as a student drives it: a
# handshake, a half-close and an abort, each key a real socket call whose
# packets and states must appear on the screen; a blocked accept() that
# does not freeze the UI; -o saving what was done.  Then a quiz round in
# English and in Chinese: a right and a wrong answer, the score at the
# end.  Needs tmux and the
# right to capture (root or user namespaces); else skipped.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
if ! command -v tmux >/dev/null; then
	echo "SKIP: tmux is not installed (Debian package tmux)"
	[ "${SYNFIN_REQUIRE_TOOLS:-}" = 1 ] && exit 99
	exit 77
fi
. "$top_srcdir/tests/tmux.sh"
nstart=0
start() {
	local cols=$1 rows=$2; shift 2
	T kill-server 2>/dev/null
	nstart=$((nstart + 1))
	sock="$tmp/synfin-uilab-$$-$nstart"
	T new-session -d -x "$cols" -y "$rows" \
	    "$* 2>$tmp/err; echo __EXIT=\$?__; sleep 120"
}
narration() {
	screen | sed -n '/┌─/,/└─/p' | sed '1d;$d' |
	    sed 's/^│ *//; s/ *│$//' | tr '\n' ' ' | tr -s ' '
}
# act SIDE KEY REGEX: choose the side, press the call's key, wait until
# the screen shows REGEX.
act() { keys "$1"; keys "$2"; wait_for "$3" 3; }

# Can this machine run the lab at all (capture rights)?
if ! "$SYNFIN" lab --script /dev/null --json --port 52250 >/dev/null \
    2>"$tmp/probe"; then
	echo "SKIP: the lab cannot run here: $(cat "$tmp/probe")"
	exit 77
fi

# --- a handshake and a half-close, key by key ---------------------------
start 110 40 "$SYNFIN" lab -o "$tmp/saved.lab" --port 52252
check "the lab offers the sides" "wait_for 'lab: c client  s server' 5"
keys '?'
check "?: the lab's help: the sides, their calls, the UI's keys left" \
    "wait_for '─ Keys ─' 2 &&
     screen | grep -Eq 'c s +choose the client \\(c\\) or the server' &&
     screen | grep -q 'then, for the side chosen:' &&
     screen | grep -Eq '│ +l +listen\\(\\)' &&
     screen | grep -Eq '│ +w W +shutdown\\(SHUT_WR\\)' &&
     screen | grep -Eq '│ +Esc +back' &&
     screen | grep -Eq 'Right n +next step' &&
     screen | grep -Eq 'f t +the next FIN, retransmission' &&
     screen | grep -q 'Press any key'"
check "?: no jump the lab's c s r hide is offered (nor o, run's)" \
    "! screen | grep -Eq 'the next SYN|Right l n|programs. output'"
keys x
check "any key closes the lab's help, and does nothing else" \
    "sleep 0.3; ! screen | grep -q '─ Keys ─' &&
     screen | grep -q 'lab: c client  s server  (then'"
keys s
keys '?'
check "?: with a side chosen, the same help" \
    "wait_for '─ Keys ─' 2 && screen | grep -Eq '│ +l +listen\\(\\)'"
keys x
sleep 0.3
check "the server is offered listen first" "wait_for 'server: l listen' 2"
keys l
check "s l: socket(), bind(), listen() on the server" \
    "wait_for 'listen\\(\\)' 3"
act s a 'server: -|accept\(\)\.\.\.'
check "s a: accept() waits, and the UI says so" \
    "wait_for 'server: accept\\(\\) waits' 3"
keys s
check "a side blocked in a call takes no call key, and says why" \
    "wait_for 'server: accept\\(\\) waits..., one call at a time' 2"
keys Escape
sleep 0.3
act c c 'SYN_SENT'
check "c c: the SYN, SYN-ACK, ACK with both sides' states" \
    "wait_for 'ESTABLISHED .*SYN-ACK.*SYN_RECEIVED' 3 &&
     wait_for 'ACK seq=1 ack=1 .*ESTABLISHED' 3 &&
     screen | grep -q 'SYN_SENT'"
check "... and the blocked accept() returns" \
    "wait_for 'lab: c client  s server  \\(then' 3"
act c s 'PSH-ACK seq=1 ack=1 len=5'
check "c s: the client's data on the wire" "screen | grep -q 'len=5'"
act c w 'FIN_WAIT_1'
check "c w: shutdown(SHUT_WR), the client's FIN: FIN_WAIT_1, CLOSE_WAIT" \
    "wait_for 'CLOSE_WAIT' 2 && wait_for 'FIN_WAIT_2' 2"
act s r 'recv\(\)'
act s r 'recv\(\).*recv\(\)|recv\(\)'
act s s 'len=13'
check "the server still sends after the client's FIN (half-close)" \
    "screen | grep -q 'len=13'"
act c r 'recv\(\)'
act s x 'LAST_ACK'
check "s x: the server's FIN: LAST_ACK, then the client's TIME_WAIT" \
    "wait_for 'TIME_WAIT' 3 && wait_for 'CLOSED' 3"
act c x 'close\(\)'
keys q
check "q quits with 0" "wait_for '__EXIT=0__' 5"
check "-o saved what the keys did, as a script" \
    "grep -qx 'server listen' '$tmp/saved.lab' &&
     grep -qx 'client shutdown wr' '$tmp/saved.lab' &&
     grep -qx 'server send Hello, world!' '$tmp/saved.lab' &&
     [ \$(grep -vc '^#' '$tmp/saved.lab') -eq 11 ]"
"$SYNFIN" lab --script "$tmp/saved.lab" --json --pace 0 --port 52254 \
    >"$tmp/replay.json" 2>"$tmp/err"
check "... which replays as a lesson: the same calls, the FIN from SHUT_WR" \
    "grep -q '\"call\":\"shutdown\",\"ret\":0' '$tmp/replay.json' &&
     grep -q '\"flags\":\\[\"FIN\",\"ACK\"\\]' '$tmp/replay.json'"

# --- an abort -----------------------------------------------------------
start 110 40 "$SYNFIN" lab --port 52256
wait_for 'lab: c client' 5
act s l 'listen\(\)'
act c c 'ESTABLISHED'
act s a 'accept\(\)'
sleep 0.3
act c '!' 'RST'
check "c !: SO_LINGER 0 and close(): RST, both sides CLOSED" \
    "screen | grep -q 'setsockopt()' && screen | grep -Eq '◀─ RST|── RST' &&
     [ \$(screen | grep -c CLOSED) -ge 2 ]"
act s r 'recv\(\) ECON'
check "s r: recv() fails with ECONNRESET, and the narration says why" \
    "narration | grep -q 'It fails: ECONNRESET' &&
     narration | grep -q 'RST ended the connection'"
keys s
keys '!'
check "a call the kernel refuses is still made: abort on a reset socket" \
    "wait_for 'close\\(\\)' 3"
keys q
check "q quits with 0" "wait_for '__EXIT=0__' 5"

# --- a quiz round in each language ---------------------------------------
choices() { narration | grep -oE '[1-4]\) [A-Z_-]+'; }
num_of() { choices | awk -v w="$1" '$2 == w { sub(/\)/, "", $1); print $1; exit }'; }
num_not() { choices | awk -v w="$1" '$2 != w { sub(/\)/, "", $1); print $1; exit }'; }
for lang in en zh_CN; do
	if [ $lang = en ]; then
		ask='quiz: keys 1-[34] answer'; right='Right. Score: 1 of 1'
		wrong='Not quite: it is SYN_RECEIVED. Score: 1 of 2'
		over='Quiz over: [0-9]+ of [0-9]+ answers right'
		final='^Quiz: [1-9][0-9]* of [0-9]+ answers right.$'
	else
		ask='测验：按 1-[34] 作答'; right='答对了。得分：1/1'
		wrong='不对：答案是 SYN_RECEIVED。得分：1/2'
		over='测验结束：共 [0-9]+ 题，答对 [0-9]+ 题'
		final='^测验：共 [0-9]+ 题，答对 [1-9][0-9]* 题。$'
	fi
	start 110 36 "$SYNFIN" --lang $lang demo handshake --quiz --pace 0 \
	    --port 52258
	wait_for 'socket\(\)' 8
	keys End
	check "$lang: End stops at the first question: flags, 3-4 choices" \
	    "wait_for '$ask' 3 && choices | grep -q ') SYN-ACK' &&
	     ! screen | grep -q '── SYN '"
	keys "$(num_of SYN)"
	check "$lang: a right answer: said so, the step shown and narrated" \
	    "wait_for '$right' 2 && screen | grep -q '── SYN ' &&
	     narration | grep -q 'SYN_SENT'"
	keys End
	wait_for "$ask" 3
	keys "$(num_not SYN_RECEIVED)"
	check "$lang: a wrong answer: the right one named, the score kept" \
	    "wait_for '$wrong' 2 && screen | grep -q 'SYN-ACK'"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		screen | grep -Eq "$over" && break
		keys End
		wait_for "$ask|$over" 2
		screen | grep -Eq "$over" || keys 1
	done
	check "$lang: the score at the end of the lesson" "wait_for '$over' 2"
	keys q
	check "$lang: q quits; the score is said once more on stderr" \
	    "wait_for '__EXIT=0__' 5 && grep -Eq '$final' '$tmp/err'"
done

# --- the keyboard lab with --quiz: asked before the packets are shown ----
start 110 36 "$SYNFIN" lab --quiz --port 52260
wait_for 'lab: c client' 5
act s l 'listen\('
keys c; keys c
check "lab --quiz: c c, and the UI stops before the SYN to ask" \
    "wait_for 'quiz: keys 1-[34] answer' 3 && choices | grep -q ') SYN-ACK' &&
     ! screen | grep -q '── SYN '"
keys "$(num_of SYN)"
check "... the right answer, then the SYN, and the next question" \
    "wait_for 'Right. Score: 1 of 1' 2 && screen | grep -q '── SYN '"
keys c
keys c
check "... no new action while a question waits" \
    "sleep 0.5; [ \$(screen | grep -c 'connect()') -le 2 ]"
for i in 1 2 3 4 5 6; do
	screen | grep -q 'quiz: keys' || break
	keys 1
	sleep 0.3
done
keys q
check "... q quits; the score on stderr" \
    "wait_for '__EXIT=0__' 5 && grep -Eq '^Quiz: [1-9][0-9]* of [0-9]+ answers right.$' '$tmp/err'"

# --- Ctrl-C: the terminal restored, 128+SIGINT ---------------------------
start 110 36 "$SYNFIN" lab --port 52262
wait_for 'lab: c client' 5
act s l 'listen\('
act s a 'accept\(\)\.\.\.'
keys C-c
check "Ctrl-C while accept() waits: exit 130, the terminal restored" \
    "wait_for '__EXIT=130__' 5 && [ \"\$(T display -p -t 0 '#{alternate_on}')\" = 0 ]"

# --- no terminal, no script ---------------------------------------------
"$SYNFIN" lab --text >/dev/null 2>"$tmp/err"
rc=$?
check "lab without --script or a terminal is a usage error" \
    "[ $rc -eq 2 ] && grep -q 'needs a terminal' '$tmp/err'"

echo "# $pass passed, $fail failed"
echo "1..$n"
[ "$fail" -eq 0 ]
