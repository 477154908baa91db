#!/bin/sh
# SPDX-License-Identifier: ISC
# synfin live on lo: a real connection made by another program is tracked
# with both endpoints' states, -w writes what was seen, Ctrl-C (SIGINT)
# ends it cleanly with the summary and libpcap's counts.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live capture on the host's lo needs root here"
	exit 77
fi
# Without python3: a skip, or a failure where CI requires every tool.
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"
	[ "${SYNFIN_REQUIRE_TOOLS:-0}" = 1 ] && exit 99; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; sed 's/^/#   /' "$tmp/err" | tail -5; }
# Server ports below the ephemeral range (32768-60999): no other program's
# connection on lo can match the filter.
port=31931
# The capture is ready once synfin says what it captures (on stderr).
ready() {
	for i in $(seq 100); do
		grep -q 'Capturing on lo' "$tmp/err" 2>/dev/null && return
		sleep 0.05
	done
}

"$SYNFIN" live -i lo --json -w "$tmp/live.pcap" "tcp port $port" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
ready
python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(1)
c = socket.create_connection(("127.0.0.1", port)); a, _ = s.accept()
c.sendall(b"hello"); a.recv(10); a.sendall(b"Hello, world!"); c.recv(20)
c.close(); time.sleep(0.05); a.recv(10); a.close(); s.close()
PY
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && ok "Ctrl-C ends it with status 130 (128+SIGINT)" || bad "Ctrl-C ends it with status 130 (got $rc)"
grep -q 'packets received, 0 dropped' "$tmp/err" && ok "it prints libpcap's counts" || bad "it prints libpcap's counts"
python3 - "$tmp/out" <<'PY' && ok "the connection, both endpoints' states, the summary" || bad "the connection, both endpoints' states, the summary"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
st = lambda side: [e["to"] for e in ev if e["type"] == "state" and e["endpoint"] == side]
assert any(e["type"] == "conn" and e["server"].endswith(":31931") for e in ev)
assert "ESTABLISHED" in st("client") and "TIME_WAIT" in st("client"), st("client")
assert "SYN_RECEIVED" in st("server") and st("server")[-1] == "CLOSED", st("server")
s = [e for e in ev if e["type"] == "summary"]
assert s and s[0]["packets"] >= 10 and s[0]["bytes_c2s"] == 5, s
open(sys.argv[1] + ".n", "w").write(str(s[0]["packets"]))
PY
n=$("$SYNFIN" replay --summary "$tmp/live.pcap" 2>/dev/null |
	grep -c " $(cat "$tmp/out.n" 2>/dev/null) packets")
[ "$n" = 1 ] && ok "-w wrote every frame, readable by replay" || bad "-w wrote every frame, readable by replay"
"$SYNFIN" live -i nosuchif0 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^synfin: nosuchif0: no such interface' "$tmp/err" &&
	ok "an interface that does not exist is named, exit 1" ||
	bad "an interface that does not exist is named, exit 1"
"$SYNFIN" live >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'live needs -i IFACE' "$tmp/err" && ok "live without -i is a usage error" ||
	bad "live without -i is a usage error"
# -w where it cannot write: one line naming the file and the reason,
# exit 1, and no output file.
"$SYNFIN" live -i lo -w "$tmp/missing/x.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	grep -q "^synfin: $tmp/missing/x.pcap: No such file or directory$" "$tmp/err" &&
	ok "live -w into a missing directory: the file and the reason, exit 1" ||
	bad "live -w into a missing directory: the file and the reason, exit 1"
"$SYNFIN" demo --text --pace 0 -w "$tmp/missing/x.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^synfin: $tmp/missing/x.pcap: No such file or directory$" "$tmp/err" &&
	[ ! -s "$tmp/out" ] &&
	ok "demo -w into a missing directory: the file and the reason, exit 1" ||
	bad "demo -w into a missing directory: the file and the reason, exit 1"
mkdir "$tmp/adir"
"$SYNFIN" demo --text --pace 0 -w "$tmp/adir" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^synfin: $tmp/adir: Is a directory$" "$tmp/err" &&
	ok "demo -w onto a directory is refused, exit 1" ||
	bad "demo -w onto a directory is refused, exit 1"

# Privileges: once the capture is open, before the first packet, live
# runs as nobody (plain root) or as sudo's invoking user, every uid and
# gid field, no groups, no capability in any set, no_new_privs.
nobody=$(getent passwd nobody | cut -d: -f3,4)
nobody=${nobody:-65534:65534}
for who in root sudo; do
	if [ $who = root ]; then
		want=$nobody
		env -u SUDO_UID -u SUDO_GID -u SUDO_USER "$SYNFIN" live -i lo \
		    --text "tcp port 1" >"$tmp/out" 2>"$tmp/err" &
	else
		want=1000:1000
		SUDO_UID=1000 SUDO_GID=1000 "$SYNFIN" live -i lo --text \
		    "tcp port 1" >"$tmp/out" 2>"$tmp/err" &
	fi
	pid=$!
	for i in $(seq 50); do
		grep -Eq '^Uid:[[:space:]]+0[[:space:]]' "/proc/$pid/status" 2>/dev/null || break
		sleep 0.05
	done
	cp "/proc/$pid/status" "$tmp/status" 2>/dev/null
	kill -INT $pid
	wait $pid
	u=${want%:*} g=${want#*:}
	grep -Eq "^Uid:[[:space:]]+$u[[:space:]]+$u[[:space:]]+$u[[:space:]]+$u\$" "$tmp/status" &&
	    grep -Eq "^Gid:[[:space:]]+$g[[:space:]]+$g[[:space:]]+$g[[:space:]]+$g\$" "$tmp/status" &&
	    grep -Eq '^Groups:[[:space:]]*$' "$tmp/status" &&
	    ok "live as $who: it parses as $u/$g (real, effective, saved, fs), no groups" ||
	    { bad "live as $who: it parses as $u/$g (real, effective, saved, fs), no groups"; grep -E '^(Uid|Gid|Groups)' "$tmp/status" | sed 's/^/#   /'; }
	[ "$(grep -Ec '^Cap(Inh|Prm|Eff|Bnd|Amb):[[:space:]]+0+$' "$tmp/status")" = 5 ] &&
	    grep -Eq '^NoNewPrivs:[[:space:]]+1$' "$tmp/status" &&
	    ok "live as $who: no capability in any set, none to regain" ||
	    { bad "live as $who: no capability in any set, none to regain"; grep -E '^(Cap|NoNew)' "$tmp/status" | sed 's/^/#   /'; }
done

# Diagrams from live, drawn after -c frames: --svg FILE into a directory
# only root may write (synfin parses as nobody; a writer keeps root), and
# -v with the narration.
port=31933
mkdir -m 700 "$tmp/rootonly"
"$SYNFIN" live -i lo -c 10 --svg "$tmp/rootonly/live.svg" -v \
    "tcp port $port" >"$tmp/out" 2>"$tmp/err" &
pid=$!
ready
python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(1)
c = socket.create_connection(("127.0.0.1", port)); a, _ = s.accept()
c.sendall(b"hello"); a.recv(10); a.sendall(b"Hello, world!"); c.recv(20)
c.close(); time.sleep(0.05); a.recv(10); a.close(); s.close()
PY
for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 $pid 2>/dev/null || break; sleep 0.5; done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc -eq 0 ] && grep -q 'TIME_WAIT' "$tmp/rootonly/live.svg" &&
    grep -q '</svg>' "$tmp/rootonly/live.svg" &&
    [ "$(stat -c %U "$tmp/rootonly/live.svg")" = root ]; then
	ok "live -c 10 --svg FILE: the diagram, written where only root may"
else
	bad "live -c 10 --svg FILE: the diagram, written where only root may (rc $rc)"
fi
grep -q '^        # .*three-way handshake' "$tmp/out" &&
	ok "live -v narrates each step" || bad "live -v narrates each step"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
