#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""synfin run with the programs of examples/, checked through --json.

Each case runs `synfin run --json [--server CMD] -- PROGRAM` and checks
what a learner must see: both programs' socket calls tied to the
connection, the handshake and the close with both endpoints' states, the
programs' output as `output` events, the surprises (a refused connect(),
a UDP datagram to nothing, a server restarted while its old connection
is in TIME_WAIT), synfin's exit status (PROGRAM's), and that nothing is
left running.  As root it runs once as root and once as nobody (an
unprivileged user namespace).  Prints one line per check and ends with
"N passed, M failed"; exits 77 (skip) when it cannot trace or capture.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SYNFIN = os.path.abspath(os.environ.get("SYNFIN", "./synfin"))
TOP = os.path.abspath(os.environ.get("top_srcdir", "."))
EX = os.path.join(TOP, "examples")
passed = failed = 0
sanitizer = []      # stderr of runs that a sanitizer complained in


def report(ok, name, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - %s" % name)
    else:
        failed += 1
        print("not ok - %s%s" % (name, (": " + why) if why else ""))


def py(name):
    return "python3 %s" % os.path.join(EX, name)


def run(args, server=None, pre=(), timeout=60, extra=(), stdin=None):
    cmd = list(pre) + [SYNFIN, "run", "--json"] + list(extra)
    if server is not None:
        cmd += ["--server", server]
    cmd += ["--"] + list(args)
    t = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, timeout=timeout,
                       input=stdin, stdin=None if stdin is not None else
                       subprocess.DEVNULL)
    wall = time.monotonic() - t
    if b"Sanitizer" in p.stderr or b"runtime error:" in p.stderr:
        sanitizer.append(" ".join(args) + ": " +
                         p.stderr.decode(errors="replace")[-400:])
    ev = []
    for line in p.stdout.decode(errors="replace").splitlines():
        try:
            ev.append(json.loads(line))
        except ValueError:
            ev.append({"type": "BAD", "line": line})
    return p.returncode, ev, p.stderr.decode(errors="replace"), wall


def calls(ev, side=None, name=None):
    return [e for e in ev if e["type"] == "call" and
            (side is None or e["side"] == side) and
            (name is None or e["call"] == name)]


def flags(ev, conn=1):
    out = []
    for e in ev:
        if e["type"] == "packet" and e.get("conn") == conn and "flags" in e:
            f = [x for x in ("SYN", "FIN", "RST", "ACK") if x in e["flags"]]
            out.append(("C>S " if e["dir"] == "c2s" else "S>C ") +
                       ",".join(f) + ("+data" if e["len"] else ""))
    return out


def path(ev, side, conn=1):
    st = [e for e in ev if e["type"] == "state" and e["conn"] == conn and
          e["endpoint"] == side]
    return [st[0]["from"]] + [e["to"] for e in st] if st else []


def outputs(ev, stream=None):
    return [e for e in ev if e["type"] == "output" and
            (stream is None or e["stream"] == stream)]


def contains_in_order(seq, want):
    it = iter(seq)
    return all(any(x == w for x in it) for w in want)


def check_tcp(label, pre=()):
    rc, ev, err, wall = run(py("tcp_client.py").split(),
                            server=py("tcp_server.py"), pre=pre)
    report(rc == 0, "%s: tcp: synfin exits with the client's status 0" %
           label, "rc=%d %s" % (rc, err[-300:]))
    report(all(e["type"] != "BAD" for e in ev),
           "%s: tcp: every line is JSON" % label)
    conns = [e for e in ev if e["type"] == "conn"]
    report(len(conns) == 1 and conns[0]["proto"] == "tcp" and
           conns[0]["server"] == "127.0.0.1:8080",
           "%s: tcp: one conn, to 127.0.0.1:8080" % label, repr(conns))
    f = flags(ev)
    report(contains_in_order(f, ["C>S SYN", "S>C SYN,ACK", "C>S ACK",
                                 "S>C ACK+data", "S>C FIN,ACK",
                                 "C>S FIN,ACK", "S>C ACK"]),
           "%s: tcp: the handshake, the data and the close are on the "
           "wire" % label, repr(f))
    report(path(ev, "client") == ["CLOSED", "SYN_SENT", "ESTABLISHED",
                                  "CLOSE_WAIT", "LAST_ACK", "CLOSED"] and
           path(ev, "server") == ["LISTEN", "SYN_RECEIVED", "ESTABLISHED",
                                  "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"],
           "%s: tcp: both endpoints' states, server closing first" % label,
           repr((path(ev, "client"), path(ev, "server"))))
    want = [("server", "socket"), ("server", "bind"), ("server", "listen"),
            ("client", "socket"), ("client", "connect"),
            ("server", "accept4"), ("server", "send"), ("client", "recv"),
            ("client", "close")]
    got = [(e["side"], e["call"]) for e in calls(ev)]
    report(contains_in_order(got, want[:5]) and
           all(w in got for w in want),
           "%s: tcp: both programs' calls, server first" % label, repr(got))
    tied = [e for e in calls(ev) if e["call"] in
            ("accept4", "send", "recv")]
    report(len(tied) == 4 and all(e["conn"] == 1 for e in tied) and
           any(e["call"] == "close" and e["conn"] == 1 and
               e["side"] == "client" for e in calls(ev)) and
           any(e["call"] == "close" and e["conn"] == 1 and
               e["side"] == "server" for e in calls(ev)),
           "%s: tcp: accept, send, recv and both close() calls are tied "
           "to conn 1" % label, repr(tied))
    progs = {(e["side"], e["prog"]) for e in calls(ev)}
    pids = {e["side"]: e["pid"] for e in calls(ev)}
    report(progs == {("server", "tcp_server.py"),
                     ("client", "tcp_client.py")} and
           len(set(pids.values())) == 2 and
           all(isinstance(p, int) and p > 0 for p in pids.values()),
           "%s: tcp: each call names its program and pid" % label,
           repr(progs))
    ks = {(e["side"], e["call"]): e.get("kernel_state") for e in calls(ev)}
    report(ks.get(("server", "listen")) == "LISTEN" and
           ks.get(("client", "connect")) == "ESTABLISHED" and
           ks.get(("server", "accept4")) == "ESTABLISHED" and
           ks.get(("client", "recv")) == "CLOSE_WAIT" and
           ks.get(("client", "close")) is None,
           "%s: tcp: the kernel's own state as each call returned "
           "(TCP_INFO): LISTEN, ESTABLISHED, CLOSE_WAIT after the FIN" %
           label, repr(ks))
    kp = {s: [e["state"] for e in ev if e["type"] == "kstate" and
              e["conn"] == 1 and e["endpoint"] == s]
          for s in ("client", "server")}
    report(contains_in_order(kp["client"], ["ESTABLISHED", "CLOSE_WAIT",
                                            "CLOSED"]) and
           "ESTABLISHED" in kp["server"] and kp["server"][-1:] ==
           ["TIME_WAIT"],
           "%s: tcp: kstate events: the kernel's own states of both ends "
           "(client ESTABLISHED, CLOSE_WAIT, CLOSED; server ESTABLISHED ... "
           "TIME_WAIT)" % label, repr(kp))
    lst = calls(ev, "server", "listen")
    sck = calls(ev, "client", "socket")
    report(lst and sck and 0 < sck[0]["time"] - lst[0]["time"] < 2,
           "%s: tcp: the client starts once the server listens, not after "
           "the 3 s wait" % label,
           repr((lst[:1], sck[:1])))
    rcv = calls(ev, "client", "recv")
    report(len(rcv) == 2 and rcv[0]["ret"] == 13 and
           rcv[0]["detail"]["args"] == '"Hello, world!"' and
           rcv[1]["ret"] == 0,
           "%s: tcp: recv() = 13, \"Hello, world!\", then recv() = 0 at "
           "the server's FIN" % label, repr(rcv))
    o = outputs(ev, "stdout")
    report(any(e["text"] == "Hello, world!" and e["side"] == "client" and
               e["prog"] == "tcp_client.py" and e["pid"] == pids.get(
                   "client") for e in o),
           "%s: tcp: the client's \"Hello, world!\" is an output event" %
           label, repr(o))
    report(any(e["text"] == "listening on 127.0.0.1:8080" and
               e["side"] == "server" for e in o),
           "%s: tcp: so is the server's line" % label)
    # (A state event carries the time of the packet that caused it and
    # may come a few events later, once the receiver showed it.)
    t = [e["time"] for e in ev if e["type"] in ("packet", "call",
                                                 "output")]
    report(t == sorted(t), "%s: tcp: packets, calls and output in time "
           "order" % label)
    c = calls(ev, "client", "connect")
    report(len(c) == 1 and c[0]["conn"] == 1 and ev.index(c[0]) <
           ev.index([e for e in ev if e["type"] == "packet"][0]),
           "%s: tcp: connect() is tied to conn 1, before its SYN" % label,
           repr(c))
    return ev


def check_refused(label, pre=()):
    rc, ev, err, _ = run(py("tcp_client.py").split(), pre=pre)
    c = calls(ev, "client", "connect")
    report(rc == 1, "%s: refused: synfin exits with the client's status 1"
           % label, "rc=%d" % rc)
    report(len(c) == 1 and c[0]["ret"] == -1 and
           c[0]["errno"] == "ECONNREFUSED",
           "%s: refused: connect() = -1 ECONNREFUSED" % label, repr(c))
    report(flags(ev) == ["C>S SYN", "S>C RST,ACK"],
           "%s: refused: SYN answered by RST" % label, repr(flags(ev)))
    report(any("ConnectionRefusedError" in e["text"]
               for e in outputs(ev, "stderr")),
           "%s: refused: Python's traceback is on stderr events" % label)


def check_udp(label, pre=()):
    rc, ev, err, _ = run(py("udp_client.py").split(),
                         server=py("udp_server.py"), pre=pre)
    report(rc == 0, "%s: udp: exit status 0" % label,
           "rc=%d %s" % (rc, err[-300:]))
    conns = [e for e in ev if e["type"] == "conn"]
    report(len(conns) == 1 and conns[0]["proto"] == "udp",
           "%s: udp: one UDP conn" % label, repr(conns))
    got = [(e["side"], e["call"], e["conn"]) for e in calls(ev)]
    report(("client", "connect", 1) in got and
           ("client", "send", 1) in got and
           ("server", "recvfrom", 1) in got and
           ("server", "sendto", 1) in got and
           ("client", "recv", 1) in got,
           "%s: udp: connect, send, recvfrom, sendto, recv tied to the "
           "conn" % label,
           repr(got))
    report(any(e["text"] == "Hello, world!" and e["side"] == "client"
               for e in outputs(ev, "stdout")),
           "%s: udp: the client prints \"Hello, world!\"" % label)
    report([e["dir"] for e in ev if e["type"] == "packet"] ==
           ["c2s", "s2c"], "%s: udp: two datagrams, no handshake" % label)


def check_udp_nothing(label, pre=()):
    rc, ev, err, _ = run(py("udp_client.py").split(), pre=pre)
    report(rc == 1, "%s: udp to nothing: exit status 1" % label,
           "rc=%d" % rc)
    pk = [e for e in ev if e["type"] == "packet"]
    ic = [e for e in ev if e["type"] == "icmp"]
    report(len(pk) == 1 and len(ic) == 1 and ic[0]["icmp_type"] == 3 and
           ic[0]["icmp_code"] == 3 and ic[0]["cause"] == pk[0]["frame"] and
           ic[0]["conn"] == pk[0]["conn"],
           "%s: udp to nothing: ICMP port unreachable tied to the "
           "datagram" % label, repr(ic))
    r = calls(ev, "client", "recv")
    report(len(r) == 1 and r[0]["errno"] == "ECONNREFUSED" and
           r[0]["conn"] == 1 and r[0]["time"] > ic[0]["time"],
           "%s: udp to nothing: the next recv() = -1 ECONNREFUSED, after "
           "the ICMP" % label, repr(r))
    report(any("Connection refused" in e["text"]
               for e in outputs(ev, "stderr")),
           "%s: udp to nothing: the client says so on stderr" % label)


def check_time_wait(label, pre=()):
    srv = py("tcp_server.py")
    cli = py("tcp_client.py")
    rc, ev, err, _ = run(["sh", "-c", "%s; sleep 0.3; %s" % (cli, cli)],
                         server="%s; %s" % (srv, srv), pre=pre)
    b = calls(ev, "server", "bind")
    report(len(b) == 2 and b[0]["ret"] == 0 and b[1]["ret"] == -1 and
           b[1]["errno"] == "EADDRINUSE",
           "%s: restart in TIME_WAIT: the second bind() = -1 EADDRINUSE" %
           label, repr([(x["ret"], x["errno"]) for x in b]))
    s = [e for e in ev if e["type"] == "summary" and e["conn"] == 1]
    report(len(s) == 1 and s[0]["server_state"] == "TIME_WAIT",
           "%s: restart in TIME_WAIT: the first conn's server end is in "
           "TIME_WAIT" % label, repr(s))
    p = subprocess.run(list(pre) + [SYNFIN, "run", "--text", "-v",
                        "--server", "%s; %s" % (srv, srv), "--",
                        "sh", "-c", "%s; sleep 0.3; %s" % (cli, cli)],
                       capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    out = p.stdout.decode(errors="replace")
    i = out.find("= -1 EADDRINUSE")
    why = out[i:i + 600] if i >= 0 else ""
    report("TIME_WAIT" in why and "SO_REUSEADDR" in why,
           "%s: restart in TIME_WAIT: -v says why: TIME_WAIT, SO_REUSEADDR"
           % label, why[:300])
    c = calls(ev, "client", "connect")
    report(len(c) == 2 and c[1]["errno"] == "ECONNREFUSED",
           "%s: restart in TIME_WAIT: so the second client is refused" %
           label, repr([(x["ret"], x["errno"]) for x in c]))


def leftovers(marker):
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True)
    return [l for l in out.stdout.decode().splitlines() if marker in l and
            "ps -eo" not in l]


def check_cleanup(label, pre=()):
    mk = "31.%d" % os.getpid()
    rc, ev, err, wall = run(["sh", "-c", "exit 7"],
                            server="sleep %s" % mk, pre=pre)
    report(rc == 7, "%s: synfin exits with PROGRAM's status (7)" % label,
           "rc=%d" % rc)
    report(not leftovers(mk) and wall < 10,
           "%s: a server that never ends is ended when PROGRAM exits "
           "(%.1f s)" % (label, wall), repr(leftovers(mk)))
    mk2 = "32.%d" % os.getpid()
    p = subprocess.Popen(list(pre) + [SYNFIN, "run", "--json", "--server",
                         "sleep %s" % mk2, "--", "sleep", mk2],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    for _ in range(200):
        if len(leftovers(mk2)) >= 2:
            break
        time.sleep(0.02)
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    time.sleep(0.1)
    report(rc == 128 + signal.SIGTERM,
           "%s: SIGTERM: synfin exits 143" % label, "rc=%r" % rc)
    report(not leftovers(mk2),
           "%s: SIGTERM: no program is left running" % label,
           repr(leftovers(mk2)))
    # SIGTERM while the programs are still being started (a child
    # stopped before the tracer set PTRACE_O_EXITKILL once survived).
    mk3 = "33.%d" % os.getpid()
    for d in (0, 0.005, 0.01, 0.02, 0.04, 0.08):
        p = subprocess.Popen(list(pre) + [SYNFIN, "run", "--json",
                             "--server", "sleep %s" % mk3, "--", "sleep",
                             mk3], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL)
        time.sleep(d)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    time.sleep(0.2)
    report(not leftovers(mk3),
           "%s: SIGTERM at once, six times: no program is left" % label,
           repr(leftovers(mk3)))


def check_stdin(label, pre=()):
    rc, ev, err, _ = run(["python3", "-c", "import sys; "
                          "print(sys.stdin.readline().strip().upper())"],
                         pre=pre, stdin=b"hello\n")
    o = outputs(ev, "stdout")
    report(rc == 0 and [e["text"] for e in o] == ["HELLO"],
           "%s: standard input passes through to PROGRAM" % label, repr(o))
    rc, ev, err, _ = run(["/nonexistent/prog"], pre=pre)
    report(rc == 127 and "cannot run /nonexistent/prog" in err,
           "%s: a PROGRAM that cannot run: exit 127, and why" % label,
           "rc=%d %s" % (rc, err[-200:]))


def check_children(label, pre=()):
    # More tracees than the tracer's first table holds, all at once.
    rc, ev, err, _ = run(["sh", "-c", "for i in $(seq 24); do python3 -c "
                          "'import socket; socket.socket().close()' & "
                          "done; wait"], pre=pre)
    s = calls(ev, None, "socket")
    report(rc == 0 and len(s) == 24 and len({e["pid"] for e in s}) == 24
           and all(e["side"] == "client" for e in s),
           "%s: 24 children at once: each socket() traced with its own "
           "pid" % label, "rc=%d %d calls" % (rc, len(s)))


def check_files(label, pre=()):
    d = tempfile.mkdtemp()
    os.chmod(d, 0o777)
    try:
        pcap, svg = os.path.join(d, "r.pcap"), os.path.join(d, "r.svg")
        rc, ev, err, _ = run(py("tcp_client.py").split(),
                             server=py("tcp_server.py"), pre=pre,
                             extra=("-w", pcap, "--svg", svg))
        n = len([e for e in ev if e["type"] == "packet"])
        r = subprocess.run([SYNFIN, "replay", "--json", pcap],
                           capture_output=True)
        m = len([l for l in r.stdout.decode().splitlines()
                 if '"type":"packet"' in l])
        report(rc == 0 and n > 0 and m == n,
               "%s: -w: the pcap holds the run's %d packets" % (label, n),
               "rc=%d replay=%d" % (rc, m))
        body = open(svg).read() if os.path.exists(svg) else ""
        report("<svg" in body[:400] and "connect(" in body and
               "accept4(" in body,
               "%s: --svg: the ladder with the programs' calls" % label)
    finally:
        shutil.rmtree(d)


def check_c(label, pre=()):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        print("ok - %s: C examples # SKIP no C compiler" % label)
        return
    d = tempfile.mkdtemp()
    os.chmod(d, 0o755)
    try:
        for n in ("tcp_server", "tcp_client", "udp_server", "udp_client"):
            subprocess.run([cc, "-o", os.path.join(d, n),
                            os.path.join(EX, n + ".c")], check=True)
        rc, ev, err, _ = run([os.path.join(d, "tcp_client")],
                             server=os.path.join(d, "tcp_server"), pre=pre)
        got = {(e["side"], e["call"], e["conn"]) for e in calls(ev)}
        report(rc == 0 and {("server", "accept", 1), ("server", "send", 1),
                            ("client", "recv", 1)} <= got and
               any(e["text"] == "Hello, world!" for e in outputs(ev)),
               "%s: C tcp_server/tcp_client: accept, send, recv on conn 1, "
               "\"Hello, world!\"" % label, "rc=%d %r" % (rc, got))
        rc, ev, err, _ = run([os.path.join(d, "udp_client")],
                             server=os.path.join(d, "udp_server"), pre=pre)
        report(rc == 0 and any(e["text"] == "Hello, world!"
                               for e in outputs(ev)) and
               [e["dir"] for e in ev if e["type"] == "packet"] ==
               ["c2s", "s2c"],
               "%s: C udp_server/udp_client: one datagram each way" %
               label, "rc=%d" % rc)
        rc, ev, err, _ = run([os.path.join(d, "udp_client")], pre=pre)
        r = calls(ev, "client", "recv")
        report(rc == 1 and len(r) == 1 and r[0]["errno"] == "ECONNREFUSED",
               "%s: C udp_client alone: recv() = -1 ECONNREFUSED" % label,
               repr(r))
    finally:
        shutil.rmtree(d)


def can_run():
    rc, ev, err, _ = run(["true"])
    if rc == 0:
        return True, err
    return False, err


def main():
    ok, err = can_run()
    if not ok:
        print("SKIP: synfin run cannot trace or capture here: %s" %
              err.strip().splitlines()[0] if err.strip() else "?")
        sys.exit(77)
    ways = [("root" if os.geteuid() == 0 else "user", ())]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            print("ok - unprivileged path # SKIP no setpriv")
        else:
            pre = (setpriv, "--reuid=65534", "--regid=65534",
                   "--clear-groups", "--")
            rc, ev, err, _ = run(["true"], pre=pre)
            if rc == 0 and "user and network namespace" in err:
                ways.append(("nobody", pre))
            else:
                print("ok - unprivileged path # SKIP no unprivileged "
                      "user namespace: %s" % err.strip()[:200])
    for label, pre in ways:
        rc, ev, err, _ = run(["python3", "-c", "import os; "
                              "print(os.getuid(), os.geteuid())"], pre=pre)
        where = "network namespace (root)" if label == "root" else \
            "user and network namespace"
        o = outputs(ev, "stdout")
        report(where in err, "%s: runs in a private %s" % (label, where),
               err[:200])
        if label == "root":
            report(len(o) == 1 and o[0]["text"] == "65534 65534",
                   "root: the programs run as nobody, not root",
                   repr(o))
        check_tcp(label, pre)
        check_refused(label, pre)
        check_udp(label, pre)
        check_udp_nothing(label, pre)
        check_time_wait(label, pre)
        check_cleanup(label, pre)
        check_files(label, pre)
        check_children(label, pre)
        check_stdin(label, pre)
        check_c(label, pre)
    report(not sanitizer, "no sanitizer report from any run",
           "; ".join(sanitizer)[:2000])
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
