#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Run every lab script in labs/ for real and check what it shows.

Each script runs as `synfin lab --script FILE --json --pace 0`; the calls
(return values, errno names), the packets and both endpoints' states are
checked against what the script must show, and, where the kernel's
sock:inet_sock_set_state tracepoint can be read, each endpoint's states
against the kernel's own (tests/demo.py's checks).  Then: -o saves what
ran as a script that replays to the same calls; a bad script fails with
its line number.  Prints one line per check, "N passed, M failed".
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo  # noqa: E402  (report, flags, path, calls, kernel checks)

SYNFIN = demo.SYNFIN
LABS = os.path.join(os.environ.get("top_srcdir", "."), "labs")


def run(script, port, extra=()):
    p = subprocess.run([SYNFIN, "lab", "--script", script, "--json",
                        "--pace", "0", "--port", str(port)] + list(extra),
                       capture_output=True, timeout=60)
    ev = [json.loads(l) for l in p.stdout.decode().splitlines() if l]
    return p.returncode, ev, p.stderr.decode()


def has(c, want):
    """want: (side, call, ret or None, errno or None), in c's tuples."""
    return any(x[0] == want[0] and x[1] == want[1] and
               (want[2] is None or x[2] == want[2]) and
               (len(want) < 4 or x[3] == want[3]) for x in c)


def in_order(c, wants):
    it = iter(c)
    return all(any(x[0] == w[0] and x[1] == w[1] and
                   (w[2] is None or x[2] == w[2]) and
                   (len(w) < 4 or x[3] == w[3]) for x in it) for w in wants)


def handshake(ev, conn=1):
    fl = demo.flags(ev, conn)
    return [("conn %d: three-way handshake" % conn,
             demo.contains_in_order(fl, ["C>S SYN", "S>C SYN,ACK",
                                         "C>S ACK"]), fl[:4]),
            ("conn %d: client SYN_SENT -> ESTABLISHED" % conn,
             demo.contains_in_order(demo.path(ev, "client", conn),
                                    ["CLOSED", "SYN_SENT", "ESTABLISHED"]),
             demo.path(ev, "client", conn)),
            ("conn %d: server LISTEN -> SYN_RECEIVED -> ESTABLISHED" % conn,
             demo.contains_in_order(demo.path(ev, "server", conn),
                                    ["LISTEN", "SYN_RECEIVED",
                                     "ESTABLISHED"]),
             demo.path(ev, "server", conn))]


def kstate(ev, side, call, ret=None, err=None):
    """The kernel's own states (TCP_INFO) at the calls that match."""
    return [e.get("kernel_state") for e in ev if e["type"] == "call" and
            e["side"] == side and e["call"] == call and
            (ret is None or e["ret"] == ret) and
            (err is None or e["errno"] == err)]


def lab_checks(name, ev):
    c = demo.calls(ev)
    fl = demo.flags(ev, 1)
    cp, sp = demo.path(ev, "client"), demo.path(ev, "server")
    out = [("listen: socket(), bind(), listen() return 0 or a descriptor",
            in_order(c, [("server", "socket", None), ("server", "bind", 0),
                         ("server", "listen", 0)]), c[:3]),
           ("connect() would block first (EINPROGRESS), then returns 0",
            in_order(c, [("client", "connect", -1, "EINPROGRESS"),
                         ("client", "connect", 0, None)]), c[:6])]
    if name != "time-wait-restart":
        out += handshake(ev)
    out.append(("the kernel's own state: LISTEN after listen(), "
                "ESTABLISHED after connect() = 0",
                "LISTEN" in kstate(ev, "server", "listen", 0) and
                "ESTABLISHED" in kstate(ev, "client", "connect", 0),
                (kstate(ev, "server", "listen"),
                 kstate(ev, "client", "connect"))))
    if name == "half-close":
        i = next((k for k, f in enumerate(fl) if f.startswith("C>S FIN")),
                 None)
        out += [
            ("shutdown(SHUT_WR) = 0, then the client's FIN",
             has(c, ("client", "shutdown", 0)) and i is not None, fl),
            ("the server reads hello, then the end: recv() = 5, then 0",
             in_order(c, [("server", "recv", 5), ("server", "recv", 0)]), c),
            ("the server still sends after the client's FIN",
             i is not None and any(f.startswith("S>C") and "+data" in f
                                   for f in fl[i:]) and
             has(c, ("client", "recv", 10)), fl),
            ("client FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT",
             demo.contains_in_order(cp, ["FIN_WAIT_1", "FIN_WAIT_2",
                                         "TIME_WAIT"]), cp),
            ("server CLOSE_WAIT -> LAST_ACK -> CLOSED",
             demo.contains_in_order(sp, ["CLOSE_WAIT", "LAST_ACK",
                                         "CLOSED"]), sp),
            ("the kernel agrees: the client FIN_WAIT after shutdown(), "
             "the server CLOSE_WAIT at recv() = 0",
             kstate(ev, "client", "shutdown", 0)[0] in ("FIN_WAIT_1",
                                                        "FIN_WAIT_2") and
             kstate(ev, "server", "recv", 0) == ["CLOSE_WAIT"] and
             kstate(ev, "client", "recv", 10) == ["FIN_WAIT_2"],
             (kstate(ev, "client", "shutdown"), kstate(ev, "server", "recv"),
              kstate(ev, "client", "recv")))]
    if name == "unread-close":
        out += [
            ("close() with unread data sends RST, not FIN",
             any(f.startswith("S>C RST") for f in fl) and
             not any(f.startswith("S>C FIN") for f in fl), fl),
            ("the client's recv() fails with ECONNRESET",
             has(c, ("client", "recv", -1, "ECONNRESET")), c),
            ("server ESTABLISHED -> CLOSED, client ESTABLISHED -> CLOSED",
             sp[-2:] == ["ESTABLISHED", "CLOSED"] and
             cp[-2:] == ["ESTABLISHED", "CLOSED"], (cp, sp)),
            ("the kernel agrees: the client's socket CLOSED at its recv()",
             kstate(ev, "client", "recv", -1, "ECONNRESET") == ["CLOSED"],
             kstate(ev, "client", "recv"))]
    if name == "send-after-close":
        i = next((k for k, f in enumerate(fl) if f.startswith("S>C FIN")),
                 None)
        out += [
            ("the server's close() sends FIN; client CLOSE_WAIT",
             i is not None and "CLOSE_WAIT" in cp, (fl, cp)),
            ("the client's first send() after it succeeds (5 bytes)",
             has(c, ("client", "send", 5)), c),
            ("... its data is answered by RST",
             i is not None and demo.contains_in_order(
                 fl[i:], ["C>S ACK+data", "S>C RST"]), fl),
            ("... and the next send() fails with EPIPE",
             in_order(c, [("client", "send", 5),
                          ("client", "send", -1, "EPIPE")]), c),
            ("server FIN_WAIT_2 -> CLOSED at the RST",
             demo.contains_in_order(sp, ["FIN_WAIT_1", "FIN_WAIT_2",
                                         "CLOSED"]), sp),
            # On lo the RST may be back before send() returns.
            ("the kernel agrees: CLOSE_WAIT or CLOSED at the first send(), "
             "CLOSED at the EPIPE",
             kstate(ev, "client", "send", 5)[0] in ("CLOSE_WAIT",
                                                   "CLOSED") and
             kstate(ev, "client", "send", -1, "EPIPE") == ["CLOSED"],
             kstate(ev, "client", "send"))]
    if name == "backlog":
        fl2 = demo.flags(ev, 2)
        pk2 = [e for e in ev if e["type"] == "packet" and e["conn"] == 2]
        out += [
            ("listen(backlog 0)",
             any(x[1] == "listen" and x[4] == "backlog 0" for x in c), c),
            ("two connections", len([e for e in ev
                                     if e["type"] == "summary"]) == 2, ""),
            ("conn 2: the first SYN gets no answer, its retransmission "
             "does",
             fl2[:3] == ["C>S SYN", "C>S SYN", "S>C SYN,ACK"] and
             "retransmission" in pk2[1].get("analysis", []) and
             pk2[1]["time"] - pk2[0]["time"] >= 0.9, fl2),
            ("accept() takes conn 1, then waits (EAGAIN) for conn 2",
             in_order(c, [("server", "accept", None),
                          ("server", "accept", -1, "EAGAIN"),
                          ("client", "connect", 0)]) and
             sum(1 for x in c if x[:2] == ("server", "accept") and
                 x[2] >= 0) == 2, c)]
        out += handshake(ev, 2)
    if name == "time-wait-restart":
        binds = [x for x in c if x[1] == "bind"]
        out += [
            ("the server closed first: conn 1 server TIME_WAIT",
             demo.summary(ev, 1).get("server_state") == "TIME_WAIT",
             demo.summary(ev, 1)),
            ("restart: bind() fails with EADDRINUSE, with SO_REUSEADDR "
             "on the new socket too",
             [b[2:4] for b in binds[:3]] == [(0, None),
                                              (-1, "EADDRINUSE"),
                                              (-1, "EADDRINUSE")] and
             in_order(c, [("server", "bind", -1, "EADDRINUSE"),
                          ("server", "setsockopt", 0),
                          ("server", "bind", -1, "EADDRINUSE")]), binds),
            ("with SO_REUSEADDR from the start the restart binds",
             [b[2] for b in binds[3:]] == [0, 0] and
             demo.summary(ev, 2).get("server_state") == "TIME_WAIT" and
             len([e for e in ev if e["type"] == "summary"]) == 3, binds)]
        out += handshake(ev, 2) + handshake(ev, 3)
    return out


def trace_ports(ports):
    """The kernel's states per endpoint, for each server port (one read:
    reading empties the trace)."""
    txt = open(demo.TRACE + "/trace").read()
    open(demo.TRACE + "/trace", "w").write("")
    out = {}
    for port in ports:
        eps = {}
        for line in txt.splitlines():
            if "inet_sock_set_state" not in line or \
                    "IPPROTO_TCP" not in line:
                continue
            kv = dict(w.split("=", 1) for w in line.split() if "=" in w)
            sport, dport = int(kv.get("sport", 0)), int(kv.get("dport", 0))
            if port not in (sport, dport) or dport == 0 or sport == 0:
                continue
            eps.setdefault((sport, dport),
                           [demo.KSTATE.get(kv["oldstate"], kv["oldstate"])])
            eps[(sport, dport)].append(demo.KSTATE.get(kv["newstate"],
                                                       kv["newstate"]))
        if eps:
            out[port] = eps
    return out


def main():
    names = sorted(f[:-4] for f in os.listdir(LABS) if f.endswith(".lab"))
    demo.report(len(names) >= 5, "labs/ has the five lessons", names)
    rc, ev, err = run(os.path.join(LABS, names[0]), 52300)
    if rc != 0 and ("permission" in err.lower() or
                    "capture" in err.lower()) and os.geteuid() != 0:
        print("SKIP: this user cannot capture here: %s" % err.strip())
        return 77
    tracer = demo.trace_setup() if os.geteuid() == 0 else None
    if tracer is None:
        print("# kernel truth: tracefs or sock/inet_sock_set_state is not "
              "available here; those checks are skipped")
    for i, name in enumerate(names):
        port = 52300 + 4 * i
        if tracer:
            demo.trace_read(tracer, port)
        rc, ev, err = run(os.path.join(LABS, name + ".lab"), port)
        stats = [l for l in err.splitlines() if "packets captured" in l]
        print("# %s: %s" % (name, stats[0] if stats else err.strip()))
        demo.report(rc == 0, "%s: exit 0" % name, err.strip()[-300:])
        demo.report(bool(stats) and " 0 dropped" in stats[0] and
                    "CapEff 0 " in stats[0],
                    "%s: no packet dropped, no capability while parsing" %
                    name, stats)
        for label, ok, why in lab_checks(name, ev):
            demo.report(ok, "%s: %s" % (name, label), "" if ok else
                        repr(why))
        # The kernel's own states on the timeline (sock_diag, kstate.h):
        # each endpoint's last one is where synfin ends it too.
        last = {}
        for e in ev:
            if e["type"] == "kstate":
                last[(e["conn"], e["endpoint"])] = e["state"]
        sums = [e for e in ev if e["type"] == "summary"]
        pairs = [((s["conn"], side), s[side + "_state"]) for s in sums
                 for side in ("client", "server")]
        demo.report(bool(pairs) and all(last.get(k) == v for k, v in pairs),
                    "%s: the kernel's own last state (sock_diag) of every "
                    "endpoint is synfin's final one" % name,
                    repr([(k, last.get(k), v) for k, v in pairs]))
        if tracer:
            # The kernel's tracepoint sees every namespace: keep the
            # endpoints whose client port is from the lab's private
            # range (demo.c), not other programs' on the same ports.
            private = "namespace" in err
            for p, kp in trace_ports((port, port + 1)).items():
                if private:
                    kp = {k: v for k, v in kp.items()
                          if 40000 <= (k[1] if k[0] == p else k[0]) < 41000}
                for label, ok, why in demo.kernel_checks(name, ev, kp, p):
                    demo.report(ok, "%s: %s" % (name, label),
                                "" if ok else repr(why))
    if tracer:
        open(tracer + "/enable", "w").write("0")

    with tempfile.TemporaryDirectory() as d:
        # -o: what ran, as a script that replays to the same calls.
        saved = os.path.join(d, "saved.lab")
        rc, ev, err = run(os.path.join(LABS, "half-close.lab"), 52290,
                          ["-o", saved])
        text = open(saved).read() if os.path.exists(saved) else ""
        rc2, ev2, err2 = run(saved, 52290) if text else (1, [], "")
        def strip(ev):
            # Descriptor numbers may differ (-o's file is one).
            # and whether a call had to wait is a matter of timing.
            # Each side's calls in order (the two sides' interleaving in
            # time may differ from run to run).
            c = [(x[0], x[1], "fd" if x[1] in ("socket", "accept") and
                  x[2] >= 0 else x[2], x[3]) for x in demo.calls(ev)
                 if x[3] not in ("EAGAIN", "EINPROGRESS")]
            return ([x for x in c if x[0] == "client"],
                    [x for x in c if x[0] == "server"])
        demo.report(rc == 0 and rc2 == 0 and "client shutdown wr" in text
                    and len(ev) > 0 and strip(ev) == strip(ev2),
                    "-o saves a script that replays to the same calls",
                    repr((text, err2)))
        # A bad script: its line number and what is wrong, exit 1.
        bad = os.path.join(d, "bad.lab")
        for body, want in (
                ("server listen\nclient conect\n",
                 "line 2: unknown call 'conect'"),
                ("# ok\nclient send\n", "line 2: send needs TEXT"),
                ("server shutdown both\n",
                 "line 1: shutdown wants rd, wr or rdwr, not 'both'"),
                ("server setsockopt SO_LINGER soon\n",
                 "line 1: SO_LINGER wants seconds"),
                ("sleep\n", "line 1: sleep wants milliseconds"),
                ("nobody listen\n", "line 1: 'nobody' is not client")):
            open(bad, "w").write(body)
            p = subprocess.run([SYNFIN, "lab", "--script", bad, "--json"],
                               capture_output=True, text=True, timeout=20)
            demo.report(p.returncode == 1 and p.stdout == "" and
                        ("synfin: %s: %s" % (bad, want)) in p.stderr,
                        "a bad script: %s" % want, p.stderr)
        # A line for a side blocked too long names both lines.
        open(bad, "w").write("server listen\nclient connect\nserver accept\n"
                             "server recv\nserver close\n")
        p = subprocess.run([SYNFIN, "lab", "--script", bad, "--json",
                            "--pace", "0", "--port", "52288"],
                           capture_output=True, text=True, timeout=30)
        demo.report(p.returncode == 1 and "line 5: the server is still "
                    "blocked in recv() from line 4" in p.stderr,
                    "a line waiting on a blocked side: both lines named",
                    p.stderr)
    print("%d passed, %d failed" % (demo.passed, demo.failed))
    return 0 if demo.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
