#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Safe as root (issue 12): each attack or accident reproduced, then what
# synfin must do instead.  A user's symlink to a root-owned file under
# SUDO_UID; a FIFO and a character device as --svg and -w targets; a
# tiny tmpfs that fills up; -w files that are valid pcaps or absent.
# Needs root (CI runs it as root); skipped with the reason otherwise.
set -u
unset SYNFIN_MAX_EVENTS SYNFIN_MAX_FLOWS
: "${SYNFIN:?}" "${top_srcdir:?}"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: these attacks need root (mknod, chown, mount, capture)"
	exit 77
fi
caps="$top_srcdir/captures"
tmp=$(mktemp -d) || exit 99
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0
ok() { pass=$((pass + 1)); n=$((n + 1)); echo "ok $n - $1"; }
bad() {
	fail=$((fail + 1)); n=$((n + 1)); echo "not ok $n - $1"
	sed 's/^/#   /' "$tmp/err" 2>/dev/null | tail -5
}
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
# A pcap file whole: replay reads it to the end without a word.
valid_pcap() { "$SYNFIN" replay --summary "$1" >/dev/null 2>"$tmp/rerr"; }
nlines() { wc -l <"$tmp/err" | tr -d ' '; }

# The demo needs to capture: root gives a network namespace.
if ! "$SYNFIN" demo refused --text --pace 0 >/dev/null 2>"$tmp/err"; then
	echo "SKIP: the demo cannot capture here"; cat "$tmp/err"
	exit 77
fi

# ------------------------------------------- 1. a user's symlink, sudo
# The user owns userdir and plants userdir/out.pcap -> a root-owned file.
mkdir -p "$tmp/userdir"
chown 65534:65534 "$tmp/userdir"
echo secret >"$tmp/rootfile"
chmod 644 "$tmp/rootfile"
ln -s ../rootfile "$tmp/userdir/out.pcap"
chown -h 65534:65534 "$tmp/userdir/out.pcap"
SUDO_UID=65534 SUDO_GID=65534 "$SYNFIN" demo --text --pace 0 \
    -w "$tmp/userdir/out.pcap" >/dev/null 2>"$tmp/err"
rc=$?
check "sudo demo -w through the user's link to a root file: exit 1" \
    "[ $rc = 1 ] && grep -q '^synfin: .*userdir/out.pcap: Permission denied' '$tmp/err'"
check "... the root-owned file is untouched, still root's" \
    "[ \"\$(cat '$tmp/rootfile')\" = secret ] && [ \"\$(stat -c %u:%g '$tmp/rootfile')\" = 0:0 ]"
check "... refused before the lesson ran (no capture line)" \
    "! grep -q 'packets captured' '$tmp/err'"
SUDO_UID=65534 SUDO_GID=65534 "$SYNFIN" live -i lo -c 1 \
    -w "$tmp/userdir/out.pcap" >/dev/null 2>"$tmp/err"
rc=$?
check "sudo live -w through the same link: exit 1, file untouched" \
    "[ $rc = 1 ] && [ \"\$(cat '$tmp/rootfile')\" = secret ] && grep -q 'Permission denied' '$tmp/err'"
"$SYNFIN" demo --text --pace 0 -w "$tmp/userdir/out.pcap" \
    >/dev/null 2>"$tmp/err"
rc=$?
check "plain root: a link owned by another user is not followed" \
    "[ $rc = 1 ] && grep -q 'symbolic link owned by uid 65534' '$tmp/err' && [ \"\$(cat '$tmp/rootfile')\" = secret ]"
SUDO_UID=65534 SUDO_GID=65534 "$SYNFIN" demo --text --pace 0 \
    -w "$tmp/userdir/mine.pcap" >/dev/null 2>"$tmp/err"
rc=$?
check "sudo demo -w in the user's own directory: the user's file, valid" \
    "[ $rc = 0 ] && [ \"\$(stat -c %u:%g '$tmp/userdir/mine.pcap')\" = 65534:65534 ] && valid_pcap '$tmp/userdir/mine.pcap'"
SUDO_UID=65534 SUDO_GID=65534 "$SYNFIN" replay --svg \
    "$tmp/userdir/mine.svg" "$caps/handshake.pcap" 2>"$tmp/err"
check "sudo replay --svg: the SVG is the user's" \
    "[ \"\$(stat -c %u '$tmp/userdir/mine.svg')\" = 65534 ]"
# Under sudo the file is made with the user's rights, their groups too:
# a directory they may write only through a supplementary group.
member=$(getent group | awk -F: '$4 != "" { split($4, m, ","); print $1, m[1]; exit }')
if [ -n "$member" ] && id -u "${member#* }" >/dev/null 2>&1; then
	grp=${member%% *} usr=${member#* }
	mkdir -m 770 "$tmp/groupdir"
	chgrp "$grp" "$tmp/groupdir"
	SUDO_UID=$(id -u "$usr") SUDO_GID=$(id -g "$usr") "$SYNFIN" replay \
	    --svg "$tmp/groupdir/g.svg" "$caps/handshake.pcap" 2>"$tmp/err"
	check "sudo --svg into a directory of the user's group $grp: written" \
	    "[ \"\$(stat -c %u '$tmp/groupdir/g.svg' 2>/dev/null)\" = \"\$(id -u $usr)\" ]"
else
	echo "# no user with a supplementary group here: that check is skipped"
fi
# Plain root never hands a file to nobody.
"$SYNFIN" demo --text --pace 0 -w "$tmp/root.pcap" >/dev/null 2>"$tmp/err"
check "plain root: -w is root's file, not nobody's" \
    "[ \"\$(stat -c %u '$tmp/root.pcap')\" = 0 ] && valid_pcap '$tmp/root.pcap'"

# ------------------------------------ 2. FIFOs and devices as targets
mknod "$tmp/full" c 1 7
mkfifo "$tmp/fifo"
for args in "replay --svg $tmp/full $caps/handshake.pcap" \
    "demo --text --pace 0 -w $tmp/full" \
    "demo --text --pace 0 --svg $tmp/full" \
    "live -i lo -c 1 -w $tmp/full"; do
	"$SYNFIN" $args >/dev/null 2>"$tmp/err"
	rc=$?
	what=$(echo "$args" | sed "s|$tmp/||; s|$caps/||; s| --text --pace 0||")
	check "$what (mknod c 1 7): exit 1, the file and reason" \
	    "[ $rc = 1 ] && grep -q '^synfin: .*full: No space left on device' '$tmp/err'"
	check "... the device is still a device, root's" \
	    "[ \"\$(stat -c %F:%u '$tmp/full')\" = 'character special file:0' ]"
done
check "-w to a full device: said before the capture began" \
    "! grep -q 'packets received' '$tmp/err'"
"$SYNFIN" demo --text --pace 0 --svg "$tmp/nodir/x.svg" >/dev/null \
    2>"$tmp/err"
rc=$?
check "a bad --svg path is told before the lesson runs" \
    "[ $rc = 1 ] && grep -q 'nodir/x.svg: No such file' '$tmp/err' && ! grep -q 'capturing on' '$tmp/err'"
timeout 20 cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
"$SYNFIN" replay --svg "$tmp/fifo" "$caps/handshake.pcap" 2>"$tmp/err"
rc=$?
wait $reader
check "--svg FIFO: written through, still a FIFO" \
    "[ $rc = 0 ] && [ -p '$tmp/fifo' ] && grep -q '</svg>' '$tmp/fifo.out'"
timeout 20 cat "$tmp/fifo" >"$tmp/fifo.pcap" &
reader=$!
"$SYNFIN" demo --text --pace 0 -w "$tmp/fifo" >/dev/null 2>"$tmp/err"
rc=$?
wait $reader
check "-w FIFO: a whole pcap through it, still a FIFO" \
    "[ $rc = 0 ] && [ -p '$tmp/fifo' ] && valid_pcap '$tmp/fifo.pcap'"
# The names of /dev, in a private mount namespace over a /dev of our own:
# a synfin that still replaced them (as the old one did) must not break
# the machine the tests run on.
if unshare -m true 2>/dev/null; then
	unshare -m bash -c '
	    mount -t tmpfs -o mode=755 tmpfs /dev || exit 3
	    mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/full c 1 7
	    mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/urandom c 1 9
	    ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin
	    ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
	    "$SYNFIN" replay --svg /dev/stdout "$2/handshake.pcap" \
	        >"$1/stdout.svg" 2>"$1/err.stdout"
	    [ -L /dev/stdout ] && echo link >"$1/stdout.kind"
	    "$SYNFIN" replay --svg /dev/null "$2/handshake.pcap" \
	        2>"$1/err.null"
	    echo "$? $(stat -c %F:%t:%T /dev/null)" >"$1/null.kind"' \
	    sh "$tmp" "$caps"
	check "--svg /dev/stdout: written to standard output, the link stays" \
	    "grep -q '</svg>' '$tmp/stdout.svg' && [ -s '$tmp/stdout.kind' ]"
	check "--svg /dev/null: exit 0, /dev/null still the null device" \
	    "[ \"\$(cat '$tmp/null.kind')\" = '0 character special file:1:3' ]"
else
	echo "# no mount namespace here: the /dev checks are skipped"
fi
"$SYNFIN" replay --svg /dev/fd/3 "$caps/handshake.pcap" \
    3>"$tmp/fd3.svg" 2>"$tmp/err"
check "--svg /dev/fd/3 (as >(...) gives): written to that descriptor" \
    "grep -q '</svg>' '$tmp/fd3.svg'"

# --------------------------------------------- 3. a tiny tmpfs fills up
if unshare -m true 2>/dev/null; then
	mkdir -p "$tmp/mnt"
	unshare -m bash -c '
	    mount -t tmpfs -o size=64k tmpfs "$1" || exit 3
	    head -c 56k /dev/zero >"$1/filler"
	    "$SYNFIN" replay --svg "$1/big.svg" "$2/many.pcap" 2>"$1.err1"
	    echo $? >"$1.rc1"
	    ls -A "$1" >"$1.ls1"
	    head -c 8k /dev/zero >>"$1/filler" 2>/dev/null
	    "$SYNFIN" demo --text --pace 0 -w "$1/d.pcap" >/dev/null \
	        2>"$1.err2"
	    echo $? >"$1.rc2"
	    ls -A "$1" >"$1.ls2"' sh "$tmp/mnt" "$caps" 2>/dev/null
	check "a full tmpfs: --svg exit 1, the file and reason on one line" \
	    "[ \"\$(cat '$tmp/mnt.rc1')\" = 1 ] && grep -q '^synfin: .*/big.svg: No space left on device' '$tmp/mnt.err1' && [ \"\$(grep -c . '$tmp/mnt.err1')\" = 1 ]"
	check "... no half SVG and no temporary file left" \
	    "[ \"\$(cat '$tmp/mnt.ls1')\" = filler ]"
	check "a full tmpfs: demo -w exit 1, the file and reason named" \
	    "[ \"\$(cat '$tmp/mnt.rc2')\" = 1 ] && grep -q '^synfin: .*d.pcap: No space left on device' '$tmp/mnt.err2'"
	check "... no -w file, no temporary file left" \
	    "[ \"\$(cat '$tmp/mnt.ls2')\" = filler ]"
else
	echo "# no mount namespace here: the tmpfs checks are skipped"
fi

# --------------------- 6. -w: a valid pcap from the moment it exists
# With --pace 400 the first SYN comes after four calls (about 1.6 s).
"$SYNFIN" demo --text --pace 400 -w "$tmp/early.pcap" >/dev/null \
    2>"$tmp/err" &
pid=$!
sleep 0.5
check "-w before the first frame: no file under its name yet" \
    "[ ! -e '$tmp/early.pcap' ]"
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.3
check "-w killed before its first frame: no file, no temporary" \
    "[ ! -e '$tmp/early.pcap' ] && [ \"\$(ls -A '$tmp' | grep -c '^\\.early')\" = 0 ]"
"$SYNFIN" demo --text --pace 400 -w "$tmp/slow.pcap" >"$tmp/slow.out" \
    2>"$tmp/err" &
pid=$!
# Mid-lesson: once the first frames are out and their file is there (a
# fixed sleep was too short under ASan on a loaded machine), long before
# the lesson's last call (about 5 s at this pace).
for i in $(seq 150); do
	grep -q 'C->S SYN ' "$tmp/slow.out" 2>/dev/null &&
	    [ -e "$tmp/slow.pcap" ] && break
	sleep 0.1
done
check "-w during the lesson: nothing half-written under its name" \
    "[ ! -e '$tmp/slow.pcap' ] || valid_pcap '$tmp/slow.pcap'"
kill -KILL $pid
wait $pid 2>/dev/null
for i in $(seq 50); do
	[ -e "$tmp/slow.pcap" ] && break
	sleep 0.05
done
check "-w after SIGKILL mid-lesson: the frames so far, a valid pcap" \
    "valid_pcap '$tmp/slow.pcap' && [ \"\$(ls -A '$tmp' | grep -c '^\\.slow')\" = 0 ]"

# ------------------- 4. the demo on the host's loopback, a port in use
# A private user and network namespace whose limits forbid further
# namespaces: synfin falls back to "the host's loopback" (this one),
# where another program listens on 8080 first.
if unshare -U -r -n true 2>/dev/null; then
	unshare -U -r -n bash -c '
	    ip link set lo up 2>/dev/null ||
	        python3 -c "import socket,fcntl,struct; s=socket.socket(); fcntl.ioctl(s,0x8914,struct.pack(\"16sh\",b\"lo\",1|64))"
	    echo 0 >/proc/sys/user/max_net_namespaces
	    echo 0 >/proc/sys/user/max_user_namespaces
	    python3 -c "import socket,time; s=socket.socket(); s.bind((\"127.0.0.1\",8080)); s.listen(); open(\"$1/held\",\"w\"); time.sleep(30)" &
	    for i in $(seq 100); do [ -e "$1/held" ] && break; sleep 0.1; done
	    timeout 20 "$SYNFIN" demo --text --pace 0 -w "$1/host.pcap" \
	        >"$1/host.out" 2>"$1/host.err"
	    echo $? >"$1/host.rc"
	    kill %1' sh "$tmp" 2>/dev/null
	cp "$tmp/host.err" "$tmp/err" 2>/dev/null
	check "host loopback, 8080 held by another program: exit 1, one line" \
	    "[ \"\$(cat '$tmp/host.rc')\" = 1 ] && grep -qx 'synfin: demo: port 8080 is in use on 127.0.0.1: pick another with --port' '$tmp/host.err'"
	check "... no lesson ran, no packet of the other program shown" \
	    "[ ! -s '$tmp/host.out' ]"
	check "... and the -w file it had opened is not left behind" \
	    "[ ! -e '$tmp/host.pcap' ] && [ \"\$(ls -A '$tmp' | grep -c '^\\.host')\" = 0 ]"
else
	echo "# no user namespace here: the host-loopback checks are skipped"
fi

# ----------------- 8. the demo's peers inherit no descriptor of synfin's
"$SYNFIN" demo --text --pace 300 -w "$tmp/fds.pcap" >/dev/null \
    2>"$tmp/err" &
pid=$!
sleep 0.6
kids=$(ps -o pid= --ppid $pid)
leak=
for k in $kids; do
	# The writer holds the -w file; a peer holds its two pipes and, later,
	# its own sockets; none may hold an AF_PACKET socket.
	pk=$(awk 'NR > 1 { print $NF }' "/proc/$k/net/packet" 2>/dev/null)
	for fd in /proc/$k/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		for ino in $pk; do
			[ "$l" = "socket:[$ino]" ] && leak="$leak $k:${fd##*/}"
		done
	done
done
wait $pid
check "demo: no child holds the capture's AF_PACKET socket" \
    "[ -n '$kids' ] && [ -z '$leak' ]"

# ------------------------------------------------ 7. bounded diagrams
# 200,000 connections (mkpcap, as tests/memcap.sh makes its flood), and
# 100,000 open at once: the first 100 conversations are drawn, the rest
# counted, peak RSS (GNU time's, the writer process included) < 64 MiB.
mkpcap=$(dirname "$SYNFIN")/tests/bench/mkpcap
# Under AddressSanitizer RSS is its shadow memory and quarantine: the
# plain build checks the bound, the sanitizer build the rest, on --svg.
asan=0
grep -q __asan_init "$SYNFIN" 2>/dev/null && asan=1
rss() {
	if [ $asan = 1 ]; then
		echo "# skipped under ASan (the plain build checks it): $1"
	else
		check "$@"
	fi
}
exporters="--svg@$tmp/big.svg --ladder --mermaid"
[ $asan = 1 ] && exporters="--svg@$tmp/big.svg"
if [ -x "$mkpcap" ] && /usr/bin/time -f %M -o "$tmp/peak" true 2>/dev/null; then
	big() { "$mkpcap" -p 1000000 -c 200000 -o "$1" -S 96 /dev/stdout 2>/dev/null; }
	for o in $exporters; do
		o=$(echo "$o" | tr @ ' ')
		big 1000 | /usr/bin/time -f %M -o "$tmp/peak" "$SYNFIN" replay \
		    $o - >"$tmp/big.out" 2>"$tmp/err"
		rc=$?
		kb=$(tail -1 "$tmp/peak")
		echo "# ${o%% *}, 200,000 connections: peak RSS $kb KiB"
		check "${o%% *} of 200,000 connections: exit 0" "[ $rc = 0 ]"
		rss "${o%% *} of 200,000 connections: peak RSS < 64 MiB ($kb KiB)" \
		    "[ '$kb' -lt 65536 ]"
		check "... the first 100 drawn, the 199900 others named, --conn told" \
		    "grep -q 'the first 100 of 200000 conversations; the other 199900 were left out: pick one with --conn N' '$tmp/err'"
	done
	check "... the SVG holds 100 conversations" \
	    "[ \"\$(grep -c '<g class=\"conn\"' '$tmp/big.svg')\" = 100 ]"
fi
# Memory only: the plain build (the sanitizer build has no bound to check).
if [ $asan = 0 ] && [ -x "$mkpcap" ] &&
    /usr/bin/time -f %M -o "$tmp/peak" true 2>/dev/null; then
	big 100000 | /usr/bin/time -f %M -o "$tmp/peak" "$SYNFIN" replay \
	    --svg "$tmp/open.svg" - 2>"$tmp/err"
	kb=$(tail -1 "$tmp/peak")
	echo "# --svg, 100,000 connections open at once: peak RSS $kb KiB"
	check "--svg with 100,000 connections open at once: drawn" \
	    "grep -q '<g class=\"conn\"' '$tmp/open.svg'"
	rss "--svg with 100,000 connections open at once: < 64 MiB ($kb KiB)" \
	    "[ '$kb' -lt 65536 ]"
	"$mkpcap" -p 400000 -c 1 -o 1 -S 96 /dev/stdout 2>/dev/null |
	    /usr/bin/time -f %M -o "$tmp/peak" "$SYNFIN" replay \
	    --svg "$tmp/one.svg" - 2>"$tmp/err"
	kb=$(tail -1 "$tmp/peak")
	echo "# --svg, one connection of 360,000 packets: peak RSS $kb KiB"
	check "--svg of one connection of 360,000 packets: the cap is said" \
	    "grep -q 'left out to stay under the memory cap' '$tmp/err'"
	rss "--svg of one connection of 360,000 packets: < 64 MiB ($kb KiB)" \
	    "[ '$kb' -lt 65536 ]"
	big 1000 | "$SYNFIN" replay --svg - --conn 150000 - >"$tmp/c.svg" \
	    2>"$tmp/err"
	# Payload kept per segment too (no -S): the heaviest events.
	"$mkpcap" -p 400000 -c 1 -o 1 /dev/stdout 2>/dev/null |
	    /usr/bin/time -f %M -o "$tmp/peak" "$SYNFIN" replay \
	    --svg "$tmp/one.svg" - 2>"$tmp/err"
	kb=$(tail -1 "$tmp/peak")
	echo "# --svg, one connection with full payloads: peak RSS $kb KiB"
	rss "--svg of one connection with full payloads: < 64 MiB ($kb KiB)" \
	    "[ '$kb' -lt 65536 ]"
	check "--conn 150000 draws that one conversation" \
	    "[ \"\$(grep -c '<g class=\"conn\"' '$tmp/c.svg')\" = 1 ] && grep -q 'id=\"conn-150000\"' '$tmp/c.svg'"
	rm -f "$tmp/big.svg" "$tmp/open.svg" "$tmp/one.svg" "$tmp/big.out"
else
	echo "# the sanitizer build, or no mkpcap or GNU time: memory bounds not checked here"
fi

# ------------------------------------- 5. 128+signal from every command
"$SYNFIN" demo --text --pace 400 >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
check "demo --text, Ctrl-C before the first packet: exit 130" "[ $rc = 130 ]"
check "... and no 'first packet -1 ms': it says no packet came" \
    "grep -q 'handshake: 0 packets captured, 0 dropped; no packet came' '$tmp/err' && ! grep -q -- '-1 ms' '$tmp/err'"
"$SYNFIN" demo --text --pace 300 >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1.6
kill -HUP $pid
wait $pid
rc=$?
check "demo --text, SIGHUP mid-lesson: exit 129" "[ $rc = 129 ]"
"$SYNFIN" live -i lo --text 'tcp port 1' >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
check "live --text, SIGTERM: exit 143" "[ $rc = 143 ]"
# Each UI in a tmux pane: SIGTERM, SIGHUP, SIGINT, the exit status, and
# the terminal given back (tests/ui.sh checks the modes in detail).
if command -v tmux >/dev/null; then
	sock="$tmp/tmux.0"
	T() { tmux -S "$sock" -f /dev/null "$@"; }
	k=0
	for what in "replay $caps/handshake.pcap" "demo --pace 300" \
	    "live -i lo tcp port 1"; do
		for sig in TERM HUP INT; do
			# A fresh server each time: reusing a socket races
			# with its death (as tests/ui.sh says).
			T kill-server 2>/dev/null
			k=$((k + 1))
			sock="$tmp/tmux.$k"
			T new-session -d -x 100 -y 30 "$SYNFIN $what; echo __EXIT=\$?__; sleep 30"
			ok=
			for i in $(seq 100); do
				T capture-pane -p -t 0 2>/dev/null | grep -q 'synfin ·' && { ok=1; break; }
				sleep 0.05
			done
			app=$(ps -o pid= --ppid "$(T display -p -t 0 '#{pane_pid}')" 2>/dev/null | head -1 | tr -d ' ')
			[ -n "$app" ] && kill -$sig "$app"
			want=$((128 + $(kill -l $sig)))
			for i in $(seq 100); do
				T capture-pane -p -t 0 2>/dev/null | grep -q "__EXIT=" && break
				sleep 0.05
			done
			check "${what%% *} UI, SIG$sig: exit $want, the terminal back" \
			    "[ -n '$ok' ] && T capture-pane -p -t 0 | grep -q '__EXIT=${want}__' && [ \"\$(T display -p -t 0 '#{alternate_on}')\" = 0 ]"
		done
	done
	T kill-server 2>/dev/null
else
	echo "# no tmux: the UI signal checks are skipped"
fi

# ----------------------------------------------------------- 8. the rest
"$SYNFIN" replay --pace 0 "$caps/handshake.pcap" >/dev/null 2>"$tmp/err"
rc=$?
check "replay --pace: a usage error (2), not silently ignored" \
    "[ $rc = 2 ] && grep -q '^synfin: --pace is for demo and lab, not replay' '$tmp/err'"
"$SYNFIN" -r "$caps/handshake.pcap" --step >/dev/null 2>"$tmp/err"
rc=$?
check "-r FILE --step: a usage error" \
    "[ $rc = 2 ] && grep -q -- '--step is for demo and lab, not replay' '$tmp/err'"
"$SYNFIN" live -i lo --port 9000 >/dev/null 2>"$tmp/err"
rc=$?
check "live --port: a usage error" \
    "[ $rc = 2 ] && grep -q -- '--port is for demo and lab, not live' '$tmp/err'"
"$SYNFIN" --lang zh_CN.UTF-8 replay --summary "$caps/handshake.pcap" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--lang zh_CN.UTF-8 is accepted, as the locale is written" \
    "[ $rc = 0 ] && grep -q '连接 1' '$tmp/out'"
# replay under sudo: the file is opened, then parsed as the invoking user.
mkfifo "$tmp/cap.fifo"
SUDO_UID=65534 SUDO_GID=65534 "$SYNFIN" replay --summary "$tmp/cap.fifo" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/cap.fifo"
sleep 0.3
grep -E '^(Uid|Gid|CapEff)' "/proc/$pid/status" >"$tmp/status" 2>/dev/null
cat "$caps/handshake.pcap" >&3
exec 3>&-
wait $pid
rc=$?
check "sudo replay: it parses as the invoking user, no capability" \
    "[ $rc = 0 ] && grep -Eq '^Uid:[[:space:]]+65534[[:space:]]+65534' '$tmp/status' && grep -Eq '^CapEff:[[:space:]]+0+\$' '$tmp/status' && grep -q '^conn 1' '$tmp/out'"
# Classic pcap stamps are unsigned 32-bit seconds: 2^31 and later are
# 2038-2106, not 0; a stamp going backwards is said.
python3 - "$caps/handshake.pcap" "$tmp" <<'PY'
import struct, sys
src = open(sys.argv[1], 'rb').read()
e = '<' if src[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
recs, off = [], 24
while off + 16 <= len(src):
    s, u, cl, wl = struct.unpack(e + 'IIII', src[off:off + 16])
    recs.append([s, u, cl, wl, src[off + 16:off + 16 + cl]]); off += 16 + cl
def write(name, f):
    out = bytearray(src[:24])
    for i, r in enumerate(recs):
        s, u = f(i, r)
        out += struct.pack(e + 'IIII', s, u, r[2], r[3]) + r[4]
    open(sys.argv[2] + '/' + name, 'wb').write(out)
base = recs[0][0]
write('y2038.pcap', lambda i, r: (r[0] - base + 0x80000010, r[1]))
write('back.pcap', lambda i, r: (r[0] - (5 if i == 4 else 0), r[1]))
PY
"$SYNFIN" replay --json "$tmp/y2038.pcap" >"$tmp/out" 2>"$tmp/err"
check "a pcap stamp of 2^31+16 s reads as 2038, not as 0" \
    "head -1 '$tmp/out' | grep -q '\"time\":2147483664\\.'"
"$SYNFIN" replay --text "$tmp/back.pcap" >"$tmp/out" 2>"$tmp/err"
check "a stamp going backwards is said, once, with its frame" \
    "[ \"\$(grep -c 'warning: frame 5 is stamped 4.999 s before the frame read before it' '$tmp/out')\" = 1 ]"
f=$(seq 1 100 | sed 's/^/port /' | paste -sd'|' | sed 's/|/ or /g')
"$SYNFIN" replay --summary "$caps/handshake.pcap" "$f" >/dev/null \
    2>"$tmp/err"
check "a filter of 100 terms is announced before it compiles, then done" \
    "grep -q '^synfin: compiling a filter of 100 terms' '$tmp/err' && grep -q '^synfin: the filter is compiled' '$tmp/err'"
# Without user namespaces (here: a user namespace whose limit is 0, the
# demo run as uid 65534 in it), the hint names the switch that is off.
if command -v setpriv >/dev/null && unshare -U true 2>/dev/null; then
	mkfifo "$tmp/go"
	unshare -U bash -c 'read x <"$1/go"; exec bash -c "echo 0 >/proc/sys/user/max_user_namespaces && exec setpriv --reuid=65534 --regid=65534 --clear-groups \"\$0\" demo --text --pace 0" "$2"' \
	    sh "$tmp" "$SYNFIN" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for i in $(seq 100); do
		[ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
		sleep 0.02
	done
	python3 -c '
import os, sys
for f in ("uid_map", "gid_map"):
    fd = os.open("/proc/%s/%s" % (sys.argv[1], f), os.O_WRONLY)
    os.write(fd, b"0 0 1\n65534 65534 1\n"); os.close(fd)' $pid
	echo go >"$tmp/go"
	wait $pid
	rc=$?
	check "no user namespaces: exit 1, the hint names user.max_user_namespaces" \
	    "[ $rc = 1 ] && grep -q 'sudo sysctl -w user.max_user_namespaces=' '$tmp/err' && grep -q 'user.max_user_namespaces = 0' '$tmp/err'"
else
	echo "# no setpriv or user namespaces: the hint check is skipped"
fi

echo "1..$n"
echo "# $pass passed, $fail failed"
[ $fail -eq 0 ]
