#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Memory stays bounded however long synfin watches: the engine tracks at
# most SYNFIN_MAX_FLOWS conversations at once and the UI's timeline holds
# at most SYNFIN_MAX_EVENTS events, evicting the oldest with a visible
# notice.  With both caps set low, the volume of an hour of a busy
# loopback (500,000 short connections, 5.4 million packets from
# tests/bench/mkpcap, stamped over half a minute so that nothing expires
# by time: the worst case) goes through
#   1. the streaming path (replay -, the same engine and output as live),
#   2. the terminal UI (replay - in tmux: the notice is on screen),
#   3. the UI fed live (tests/ui_feed) while it follows and while paused,
#   4. a real flood of short connections on lo watched by synfin live
#      (root only),
# and each run's peak RSS (VmHWM) must stay under a bound made of a
# baseline measured on a tiny input plus a per-event and per-flow cost.
# This asserts memory, not speed; it takes about 40 s on two busy cores.
set -u
: "${SYNFIN:?}"
builddir=$(dirname "$SYNFIN")
mkpcap=$builddir/tests/bench/mkpcap
feedprog=$builddir/tests/ui_feed
tmp=$(mktemp -d) || exit 99
export LANG=C.UTF-8 LC_ALL=
unset NO_COLOR TMUX SYNFIN_MAX_EVENTS SYNFIN_MAX_FLOWS
pass=0 fail=0 n=0
ok() { pass=$((pass + 1)); n=$((n + 1)); echo "ok $n - $1"; }
bad() { fail=$((fail + 1)); n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
cleanup() {
	[ -n "${T_SOCK:-}" ] && tmux -S "$T_SOCK" kill-server 2>/dev/null
	[ -n "${live_pid:-}" ] && kill "$live_pid" 2>/dev/null
	[ -n "${flood_pid:-}" ] && kill "$flood_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Under AddressSanitizer RSS holds its shadow memory and its quarantine of
# freed blocks (256 MB): no measure of synfin's own.  The flood still runs
# (for crashes and leaks); the bounds are checked by the plain build.
asan=0
grep -q __asan_init "$SYNFIN" 2>/dev/null && asan=1
rss_check() {
	if [ $asan = 1 ]; then
		skip "$1: the sanitizer build's RSS is ASan's; the plain build checks it"
	else
		check "$1" "$2"
	fi
}

if [ ! -x "$mkpcap" ]; then
	echo "SKIP: $mkpcap is not built (make tests/bench/mkpcap)"
	exit 77
fi
# Without python3: a skip, or a failure where CI requires every tool.
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"
	[ "${SYNFIN_REQUIRE_TOOLS:-0}" = 1 ] && exit 99; exit 77; }

# The caps, and what each event and each flow may cost at most: an event
# is 160 bytes in the timeline plus its conn's step (16, and slack); a
# flow is the engine's conn and flow entry plus the timeline's conn.
EVENTS=200000
FLOWS=1000
EV_BYTES=300
FLOW_BYTES=4096
SLACK_KB=4096		# allocator and stdio buffers, curses' screens

# An hour of a busy loopback: 500k short connections, 400 open at once.
flood() {
	"$mkpcap" -p 5000000 -c 500000 -o 400 -S 96 /dev/stdout 2>"$tmp/mk"
}
tiny() { "$mkpcap" -p 1000 -c 100 -o 40 -S 96 /dev/stdout 2>/dev/null; }

# hwm PID: VmHWM of a running process, in KiB.
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# peak CMD...: run CMD (its exit status is kept) and write its peak RSS
# in KiB to $tmp/peak: GNU time's, or VmHWM polled while it runs.  (Not
# wait4() from python: a forked python's own RSS would count.)
if /usr/bin/time -f %M -o "$tmp/peak" true 2>/dev/null; then
	peak() { /usr/bin/time -f %M -o "$tmp/peak" "$@"; }
else
	peak() {
		local pid h max=0 rc
		"$@" <&0 &
		pid=$!
		while kill -0 "$pid" 2>/dev/null; do
			h=$(hwm "$pid")
			[ -n "$h" ] && [ "$h" -gt "$max" ] && max=$h
			sleep 0.05
		done
		wait "$pid"
		rc=$?
		echo "$max" >"$tmp/peak"
		return "$rc"
	}
fi

# ------------------------------------------ 1. the streaming path
t0=$SECONDS
tiny | SYNFIN_MAX_FLOWS=$FLOWS peak "$SYNFIN" replay --summary - \
    >"$tmp/tiny.out"
base=$(cat "$tmp/peak")
flood | SYNFIN_MAX_FLOWS=$FLOWS peak "$SYNFIN" replay --summary - \
    >"$tmp/flood.out" 2>"$tmp/flood.err"
rc=$?
got=$(cat "$tmp/peak")
bound=$((base + SLACK_KB + FLOWS * FLOW_BYTES / 1024))
conns=$(grep -c '^conn ' "$tmp/flood.out")
early=$(grep -c 'closed early' "$tmp/flood.out")
echo "# stream: $(head -1 "$tmp/mk" | sed 's/^mkpcap: [^:]*: //')"
echo "# stream: peak RSS ${got} KiB (baseline ${base} KiB, bound ${bound} KiB)," \
    "$conns conns, $early closed early by the flow cap, $((SECONDS - t0)) s"
check "stream: the whole flood is read and summarised (exit 0)" \
    "[ $rc = 0 ] && [ $conns -ge 500000 ] && [ ! -s $tmp/flood.err ]"
check "stream: the flow cap evicts and says so (closed early)" \
    "[ $early -gt 100000 ]"
rss_check "stream: peak RSS stays under the bound the caps give" \
    "[ $got -le $bound ]"

# ------------------------------------------------------ 2. the UI
T_SOCK=$tmp/tmux
T() { tmux -S "$T_SOCK" -f /dev/null "$@"; }
screen() { T capture-pane -p -t 0 2>/dev/null; }
wait_for() {
	local i limit=$(( ${2:-3} * 20 ))
	for ((i = 0; i < limit; i++)); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
keys() { T send-keys -t 0 "$@"; }
app_pid() { pgrep -P "$(T display -p -t 0 '#{pane_pid}')" -x "$1" | head -1; }
# start CMD: in a fresh 100x30 pane; prints __EXIT=status__ when done.
start() {
	local try
	T kill-server 2>/dev/null
	# A fresh socket each time: reusing one races with its server's end.
	nsock=$((${nsock:-0} + 1))
	T_SOCK=$tmp/tmux-$nsock
	rm -f "$tmp/stty"
	# A server still shutting down makes new-session fail ("server
	# exited unexpectedly") under load: wait, then try again.
	for try in 1 2 3 4 5; do
		T new-session -d -x 100 -y 30 \
		    "$*; echo __EXIT=\$?__; stty -a >$tmp/stty; sleep 120" \
		    2>/dev/null && T has-session 2>/dev/null && return 0
		sleep 0.5
	done
	echo "# tmux would not start a session"
	return 1
}
# feed TEXT: write to the live UI's fifo, never blocking the test if the
# UI is gone.
feed() {
	timeout 10 sh -c 'printf "%s" "$1" >"$2"' sh "$1" "$tmp/fifo"
}
restored() {
	wait_for "__EXIT=$1__" 5 &&
	for ((i = 0; i < 40; i++)); do [ -s "$tmp/stty" ] && break; sleep 0.05; done &&
	grep -Eq '(^| )icanon( |$)' "$tmp/stty" &&
	grep -Eq '(^| )echo( |$)' "$tmp/stty"
}

if ! command -v tmux >/dev/null; then
	skip "the UI under a flood: tmux is not installed"
else
	t0=$SECONDS
	caps="SYNFIN_MAX_EVENTS=$EVENTS SYNFIN_MAX_FLOWS=$FLOWS"
	tiny >"$tmp/tiny.pcap"
	start "env $caps $SYNFIN replay $tmp/tiny.pcap"
	wait_for 'conn [0-9]+/100' 10
	pid=$(app_pid synfin)
	uibase=$(hwm "$pid")
	keys q
	restored 0 >/dev/null

	start "$mkpcap -p 5000000 -c 500000 -o 400 -S 96 /dev/stdout" \
	    "2>/dev/null | env $caps $SYNFIN replay -"
	check "UI: the flood is read; the notice says the oldest were dropped" \
	    "wait_for 'conn [0-9]+/500000 oldest [0-9]+ events dropped \\(memory cap\\)' 60"
	pid=$(app_pid synfin)
	got=$(hwm "$pid")
	bound=$((uibase + SLACK_KB + EVENTS * EV_BYTES / 1024 + FLOWS * FLOW_BYTES / 1024))
	echo "# UI: peak RSS ${got:-?} KiB (baseline ${uibase:-?} KiB, bound ${bound} KiB), loaded in $((SECONDS - t0)) s"
	rss_check "UI: peak RSS stays under the bound the caps give" \
	    "[ -n '$got' ] && [ -n '$uibase' ] && [ $got -le $bound ]"
	check "UI: the list starts at the oldest conn still held, no holes" \
	    "[ \$(screen | grep -Ec '^[ >] [0-9]+ +TCP ') -ge 20 ]"
	keys End Enter
	check "UI: a held conn's ladder opens" \
	    "wait_for 'step [0-9]+/[0-9]+' && screen | grep -q 'TIME_WAIT\\|CLOSED\\|ESTABLISHED'"
	keys End Left Home Tab Tab Tab Down Down Enter
	check "UI: stepping and the views still work" \
	    "wait_for 'PAUSED.*step 1/' 3"
	keys q
	check "UI: q restores the terminal" "restored 0"
fi

# -------------------------------------------- 3. the UI fed live
if ! command -v tmux >/dev/null; then
	skip "the live UI under the cap: tmux is not installed"
elif [ ! -x "$feedprog" ]; then
	bad "tests/ui_feed was not built"
else
	"$mkpcap" -p 40000 -c 4000 -o 30 -S 96 "$tmp/small.pcap" 2>/dev/null
	mkfifo "$tmp/fifo"
	start "env SYNFIN_MAX_EVENTS=3000 $feedprog $tmp/small.pcap $tmp/fifo"
	wait_for 'LIVE.*step 0/0'
	# 4000 frames: about 4200 steps (a segment's state changes are
	# folded into its step), past the cap of 3000.
	for i in 1 2 3 4 5 6 7 8 9 10; do feed "$(printf '%0400d' 0 | tr 0 f)"; done
	check "live UI: it follows the newest while the cap evicts the oldest" \
	    "wait_for 'oldest [0-9]+ events dropped \\(memory cap\\)' && wait_for 'LIVE'"
	keys Left Left
	check "live UI: stepping back holds the view" "wait_for 'PAUSED'"
	for i in 1 2 3 4 5 6 7 8 9 10; do feed "$(printf '%0300d' 0 | tr 0 f)"; done
	sleep 0.5
	check "live UI: its conn and rows evicted under it, it still draws" \
	    "wait_for 'step [0-9]+/[0-9]+' && screen | grep -q 'memory cap'"
	keys Home Right Right Tab Tab Tab Up Enter End
	feed a
	feed e
	check "live UI: the source ends; held steps, keys, views still work" \
	    "wait_for 'PAUSED' && screen | grep -q 'oldest'"
	pid=$(app_pid ui_feed)
	echo "# live UI: peak RSS $(hwm "$pid") KiB with a cap of 3000 events"
	keys q
	check "live UI: q restores the terminal" "restored 0"
fi

# ------------------------------------------ 4. a real flood on lo
if [ "$(id -u)" != 0 ]; then
	skip "a real loopback flood: needs root to capture (synfin live -i lo)"
else
	port=$((20000 + $$ % 20000))
	t0=$SECONDS
	SYNFIN_MAX_FLOWS=200 "$SYNFIN" live -i lo --summary \
	    "tcp port $port" >"$tmp/live.out" 2>"$tmp/live.err" &
	live_pid=$!
	sleep 1
	livebase=$(hwm "$live_pid")
	# Many short connections from many loopback addresses (no port runs
	# out), half closed with FIN, half reset; 20 s.
	python3 - "$port" 20 >"$tmp/flood.txt" 2>&1 <<'EOF' &
import socket, struct, sys, threading, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(4096)
def serve():
    while True:
        try:
            c, _ = srv.accept()
        except OSError:
            return
        try:
            c.recv(64)
            c.sendall(b"ok\n")
        except OSError:
            pass
        c.close()
threading.Thread(target=serve, daemon=True).start()
end, n = time.time() + secs, 0
while time.time() < end:
    s = socket.socket()
    try:
        s.bind(("127.%d.%d.%d" % (1 + n // 60000 % 200, n // 250 % 240,
            1 + n % 250), 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"hello\n")
        s.recv(64)
        if n % 2:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                struct.pack("ii", 1, 0))
        n += 1
    except OSError:
        pass
    s.close()
print(n)
EOF
	flood_pid=$!
	livemax=0
	while kill -0 "$flood_pid" 2>/dev/null; do
		h=$(hwm "$live_pid")
		[ -n "$h" ] && [ "$h" -gt "$livemax" ] && livemax=$h
		sleep 0.5
	done
	flood_pid=
	sleep 1
	h=$(hwm "$live_pid")
	[ -n "$h" ] && [ "$h" -gt "$livemax" ] && livemax=$h
	kill -INT "$live_pid"
	wait "$live_pid"
	rc=$?
	live_pid=
	made=$(tail -1 "$tmp/flood.txt")
	lconns=$(grep -c '^conn ' "$tmp/live.out")
	learly=$(grep -c 'closed early' "$tmp/live.out")
	bound=$((livebase + SLACK_KB + 200 * FLOW_BYTES / 1024))
	echo "# live: $made connections in 20 s; $lconns conns seen, $learly closed early; peak RSS ${livemax} KiB (at start ${livebase} KiB, bound ${bound} KiB); $((SECONDS - t0)) s"
	sed 's/^/# live: /' "$tmp/live.err"
	check "live: it ends normally on Ctrl-C (exit 130, counts printed)" \
	    "[ $rc = 130 ] && grep -q 'packets received' $tmp/live.err"
	check "live: it saw the flood, and the flow cap evicted" \
	    "[ $lconns -gt 1000 ] && [ $learly -gt 0 ]"
	rss_check "live: peak RSS stays under the bound the caps give" \
	    "[ $livemax -le $bound ]"
fi

echo "1..$n"
[ "$fail" -eq 0 ]
