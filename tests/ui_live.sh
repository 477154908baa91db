#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# synfin live on a terminal, for real: synfin in a tmux pane captures the
# host's lo while Python makes connections on it.  The banner is on the
# screen before any packet; a connection made after the start is on the
# screen within 200 ms (measured by the script that connects, which reads
# the pane until it sees the connection); the final ACK of a close and a
# refused connection's RST are shown without another packet; the filter
# runs in the kernel (the packets of another port are not even counted)
# and keeps the ICMP error that quotes a matching datagram, not one that
# quotes another port; the newest connection is followed; q, Ctrl-C and
# SIGTERM restore the terminal (exit 0, 130, 143).  The text output, too,
# prints each packet as it arrives.  Needs root (capture on the host's
# lo), tmux and python3.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live capture on the host's lo needs root here"
	exit 77
fi
for t in tmux python3; do
	if ! command -v $t >/dev/null; then
		echo "SKIP: $t is not installed"
		[ "${SYNFIN_REQUIRE_TOOLS:-}" = 1 ] && exit 99
		exit 77
	fi
done
. "$top_srcdir/tests/tmux.sh"
app_pid() { ps -o pid= --ppid "$(T display -p -t 0 '#{pane_pid}')" | head -1 | tr -d ' '; }
restored() {
	wait_for "__EXIT=$1__" 5 &&
	[ "$(T display -p -t 0 '#{alternate_on}')" = 0 ] &&
	! screen | grep -q 'synfin ·' &&
	for ((i = 0; i < 40; i++)); do [ -s "$tmp/stty" ] && break; sleep 0.05; done &&
	grep -Eq '(^| )icanon( |$)' "$tmp/stty" &&
	grep -Eq '(^| )echo( |$)' "$tmp/stty"
}

# A port of its own per run, so that a parallel run or a TIME_WAIT left
# by the last one does not meet this one; below the ephemeral range
# (32768-60999), so that no other program's connection matches it.
port=$((10000 + $$ % 10000 * 2))

# peer.py ACTION PORT [PANE-SOCKET]: the connections, made by Python.
cat >"$tmp/peer.py" <<'PY'
import socket, subprocess, sys, time
act, port = sys.argv[1], int(sys.argv[2])

def screen():
    return subprocess.run(["tmux", "-S", sys.argv[3], "capture-pane", "-p",
                           "-t", "0"], capture_output=True, text=True).stdout

def seen(text, limit=3.0):
    """Milliseconds until `text` is on the pane, or -1."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if text in screen():
            return int((time.monotonic() - t0) * 1000)
        time.sleep(0.005)
    return -1

if act == "tcp":
    # Connect, measure until the client's port is drawn, then a close
    # where the client's final ACK is the last packet of all.
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port)); srv.listen(1)
    c = socket.create_connection(("127.0.0.1", port))
    cport = c.getsockname()[1]
    ms = seen("127.0.0.1:%d" % cport)
    a, _ = srv.accept()
    c.sendall(b"hello"); a.recv(10)
    a.sendall(b"Hello, world!"); c.recv(20)
    c.close(); time.sleep(0.1); a.close()
    time.sleep(0.1); srv.close()
    print(cport, ms)
elif act == "refused":
    c = socket.socket()
    try:
        c.connect(("127.0.0.1", port))
    except ConnectionRefusedError:
        pass
    print(c.getsockname()[1])
elif act == "udp":
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.connect(("127.0.0.1", port)); u.send(b"hi")
    try:
        u.recv(10)
    except ConnectionRefusedError:
        pass
    print(u.getsockname()[1])
elif act == "flood":
    # Datagrams to a port the filter does not name.
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    for _ in range(500):
        u.sendto(b"x", r.getsockname())
PY
peer() { python3 "$tmp/peer.py" "$1" "$2" "$sock"; }

# ------------------------------------------------------------------ UI
start 100 30 "$SYNFIN" live -i lo "'port $port'"
check "the banner says what is captured, before any packet" \
    "wait_for 'Capturing on lo, link type EN10MB' 3 && screen | grep -q \"filter 'port $port' (run in the kernel)\" && screen | grep -q 'No TCP or UDP conversation yet' && screen | grep -q \"live lo 'port $port'\""
set -- $(peer tcp $port)
cport=${1:-0} ms=${2:--1}
echo "# a connection made after the start was on screen after $ms ms"
check "a connection made after the start is on screen within 200 ms ($ms ms)" \
    "[ $ms -ge 0 ] && [ $ms -le 200 ]"
check "the close: the client's final ACK is shown, the server CLOSED" \
    "wait_for 'TIME_WAIT │◀─ FIN-ACK' 1 && wait_for '│── ACK [^│]*▶│ CLOSED' 1"
rport=$((port + 1))
set -- $(peer refused $port)
check "the newest connection is followed" "wait_for '127.0.0.1:${1:-x}' 1"
check "a refused connection's RST is shown at once" \
    "wait_for '◀─ RST-ACK' 1"
set -- $(peer udp $port)
check "UDP to nothing: the ICMP error that quotes it is kept" \
    "wait_for '127.0.0.1:${1:-x}' 1 && wait_for '◀┈ ICMP port unreachable' 1"
keys q
check "q quits and restores the terminal (exit 0)" "restored 0"

start 100 30 "$SYNFIN" live -i lo "'port $port'"
wait_for 'Capturing on lo' 3
keys C-c
check "Ctrl-C restores the terminal (exit 130)" "restored 130"
start 100 30 "$SYNFIN" live -i lo "'port $port'"
wait_for 'Capturing on lo' 3
kill -TERM "$(app_pid)"
check "SIGTERM restores the terminal (exit 143)" "restored 143"
T kill-server 2>/dev/null

# ---------------------------------------------------------- text, JSON
# Each packet's line is out as soon as the packet is in: the close's
# final ACK, then, once the server has been silent 200 ms (the evidence
# that it processed that ACK), its LAST_ACK -> CLOSED, before Ctrl-C.
port=$((port + 2))
"$SYNFIN" live -i lo --text "tcp port $port" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for i in $(seq 60); do grep -q 'Capturing on lo' "$tmp/err" && break; sleep 0.05; done
check "text: the banner on standard error before any packet" \
    "grep -q \"^synfin: Capturing on lo, link type EN10MB (Ethernet, 1), filter 'tcp port $port' (run in the kernel); ICMP errors\" $tmp/err"
python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(1)
c = socket.create_connection(("127.0.0.1", port)); a, _ = s.accept()
c.close(); time.sleep(0.1); a.close(); s.close()
PY
sleep 0.5
cp "$tmp/out" "$tmp/before"
kill -INT $pid
wait $pid
rc=$?
# The final ACK's effect on the server waits for evidence; with none
# (the server sends nothing more), it is decided 200 ms later.
check "text: the final ACK is printed without another packet, and the server's CLOSED" \
    "tail -2 $tmp/before | head -1 | grep -Eq '^ *([0-9]+) .* C->S ACK ' &&
     f=\$(tail -2 $tmp/before | head -1 | awk '{print \$1}') &&
     tail -1 $tmp/before | grep -Eq \"^ *\$f .*server LAST_ACK -> CLOSED\""
check "text: Ctrl-C ends it with status 130 (128+SIGINT)" "[ $rc -eq 130 ]"

# Without a filter the banner says so (on standard error: on a busy lo
# the UI's would give way to the first conversation at once).
"$SYNFIN" live -i lo --summary >/dev/null 2>"$tmp/err" &
pid=$!
for i in $(seq 60); do grep -q 'Capturing on lo' "$tmp/err" && break; sleep 0.05; done
kill -INT $pid
wait $pid
check "without a filter the banner says so" \
    "grep -q '^synfin: Capturing on lo, link type EN10MB (Ethernet, 1): every packet, no filter.$' $tmp/err"

# The kernel filter: 500 datagrams to another port are not even copied
# up (libpcap's received count stays small); the ICMP error quoting a
# datagram to another port is left out, the one quoting ours kept.
port=$((port + 2))
"$SYNFIN" live -i lo --json "udp port $port" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for i in $(seq 60); do grep -q 'Capturing on lo' "$tmp/err" && break; sleep 0.05; done
peer flood 0 >/dev/null
peer udp $((port + 1)) >/dev/null
peer udp $port >/dev/null
sleep 0.3
kill -INT $pid
wait $pid
recv=$(sed -n 's/.*: \([0-9]*\) packets received.*/\1/p' "$tmp/err")
echo "# 'udp port $port' with 500 datagrams to another port: ${recv:-?} packets received"
check "the filter runs in the kernel: other ports' packets are not received (${recv:-?})" \
    "[ -n '$recv' ] && [ $recv -le 10 ]"
check "ICMP errors: the one quoting the filter's port kept, the other left out" \
    "python3 - $tmp/out $port <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
icmp = [e for e in ev if e['type'] == 'icmp']
conns = [e for e in ev if e['type'] == 'conn']
assert len(icmp) == 1 and len(conns) == 1, (icmp, conns)
assert conns[0]['server'].endswith(':' + sys.argv[2]), conns
PY"

echo "1..$n"
[ "$fail" -eq 0 ]
