#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Record the small captures in captures/ from real kernel sockets.

Each scenario runs real sockets on 127.0.0.1 while tcpdump records `lo`
with a BPF filter on the scenario's fixed port, so every file holds
exactly one small conversation as Linux really sends it.  These files are
stand-ins until `synfin demo -w` records the same scenarios itself.

Usage (as root, or with CAP_NET_RAW for tcpdump):
    tests/record_captures.py [--outdir DIR] [--tcpdump PATH] [SCENARIO...]

Capture discipline (see LINUX-TCP-NOTES.md, "Capturing on lo"):
  * --immediate-mode: without it (TPACKET_V3 blocks) the frames still
    in an unfilled block are lost when tcpdump stops -- on a quiet lo
    that is every frame ("0 packets captured");
  * -U (packet-buffered output), -B 16384 so the ring holds every frame
    at snaplen 262144;
  * the sockets start only once tcpdump says "listening on";
  * tcpdump is stopped with SIGINT after a settle delay, and its
    "dropped by kernel" count must be 0.
Standard library only.
"""

import argparse
import errno
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
PAUSE = 0.020           # between socket calls, so ordering is natural
SETTLE = 0.300          # after the last socket call, before SIGINT
LISTEN_TIMEOUT = 10.0   # seconds to wait for "listening on"


def pause():
    time.sleep(PAUSE)


class Server(threading.Thread):
    """A TCP server on a fixed port that runs `handler(conn)` once."""

    def __init__(self, port, handler):
        super().__init__(daemon=True)
        self.handler = handler
        self.error = None
        self.ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind((HOST, port))
        self.ls.listen(4)

    def run(self):
        try:
            conn, _ = self.ls.accept()
            self.ls.close()
            with conn:
                self.handler(conn)
        except Exception as e:  # reported by finish()
            self.error = e

    def finish(self):
        self.join(10)
        if self.is_alive():
            raise RuntimeError("server thread did not finish")
        if self.error is not None:
            raise self.error


def recv_all_until_eof(s):
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return data
        data += chunk


def connect(port):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.connect((HOST, port))
    return c


# ------------------------------------------------------------ scenarios
# Each scenario: (name, port, BPF filter, function(port), description).

def sc_handshake(port):
    """Handshake, 5-byte request, 13-byte reply, client closes first."""
    def handler(conn):
        req = conn.recv(100)
        assert req == b"hello", req
        pause()
        conn.sendall(b"Hello, world!")
        rest = recv_all_until_eof(conn)   # the client's FIN
        assert rest == b"", rest
        pause()
        # conn.close() by the with-block in Server.run
    srv = Server(port, handler)
    srv.start()
    pause()
    c = connect(port)
    pause()
    c.sendall(b"hello")
    reply = c.recv(100)
    assert reply == b"Hello, world!", reply
    pause()
    c.close()
    srv.finish()


def sc_refused(port):
    """connect() to a port nobody listens on: SYN, then RST/ACK."""
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        c.connect((HOST, port))
    except ConnectionRefusedError:
        pass
    else:
        raise RuntimeError("port %d is open: cannot record a refusal" %
                           port)
    finally:
        c.close()


def sc_abort(port):
    """Data both ways, then the client closes with SO_LINGER {1,0}: RST."""
    got_reset = []

    def handler(conn):
        req = conn.recv(100)
        assert req == b"hello", req
        pause()
        conn.sendall(b"Hello, world!")
        try:
            rest = conn.recv(100)
            got_reset.append(rest == b"")   # EOF would mean no RST
        except ConnectionResetError:
            got_reset.append(True)
    srv = Server(port, handler)
    srv.start()
    pause()
    c = connect(port)
    pause()
    c.sendall(b"hello")
    reply = c.recv(100)        # read everything: the RST is the linger's
    assert reply == b"Hello, world!", reply
    pause()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                 struct.pack("ii", 1, 0))
    c.close()
    srv.finish()
    if got_reset != [True]:
        raise RuntimeError("server did not see the reset")


def sc_half_close(port):
    """Client: request, shutdown(SHUT_WR); server keeps sending after the
    FIN, then closes."""
    def handler(conn):
        req = recv_all_until_eof(conn)    # request, then the FIN
        assert req == b"hello", req
        for i in range(1, 4):
            pause()
            conn.sendall(b"more %d\n" % i)
        pause()
    srv = Server(port, handler)
    srv.start()
    pause()
    c = connect(port)
    pause()
    c.sendall(b"hello")
    pause()
    c.shutdown(socket.SHUT_WR)
    data = recv_all_until_eof(c)
    assert data == b"more 1\nmore 2\nmore 3\n", data
    pause()
    c.close()
    srv.finish()


def sc_server_close(port):
    """Server replies and closes first; the client closes on EOF."""
    def handler(conn):
        req = conn.recv(100)
        assert req == b"hello", req
        pause()
        conn.sendall(b"Hello, world!")
        pause()
    srv = Server(port, handler)
    srv.start()
    pause()
    c = connect(port)
    pause()
    c.sendall(b"hello")
    data = recv_all_until_eof(c)
    assert data == b"Hello, world!", data
    pause()
    c.close()
    srv.finish()


def sc_udp(port):
    """UDP request/response, twice (the server echoes)."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, port))
    err = []

    def echo():
        try:
            for _ in range(2):
                data, peer = srv.recvfrom(2048)
                pause()
                srv.sendto(data, peer)
        except Exception as e:
            err.append(e)
    t = threading.Thread(target=echo, daemon=True)
    t.start()
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(5)
    for i in (1, 2):
        pause()
        msg = b"ping %d" % i
        c.sendto(msg, (HOST, port))
        data, _ = c.recvfrom(2048)
        assert data == msg, data
    c.close()
    t.join(5)
    srv.close()
    if err:
        raise err[0]


def sc_udp_unreachable(port):
    """Connected UDP socket to a closed port: ICMP port unreachable, and
    the next recv() fails with ECONNREFUSED."""
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(5)
    c.connect((HOST, port))
    pause()
    c.send(b"anyone there?")
    pause()
    try:
        c.recv(2048)
    except ConnectionRefusedError:
        pass
    else:
        raise RuntimeError("port %d answered: cannot record unreachable" %
                           port)
    finally:
        c.close()


def tcp_filter(port):
    return "tcp port %d" % port


# ICMP port unreachable (type 3 code 3) quoting a UDP datagram to `port`:
# 8 bytes of ICMP header, then the quoted IPv4 header (20 bytes on lo),
# then the quoted UDP header whose destination port is at offset 2.
def udp_icmp_filter(port):
    return ("udp port %d or (icmp[0] == 3 and icmp[1] == 3 and "
            "icmp[30:2] == %d)" % (port, port))


SCENARIOS = [
    ("handshake", 47001, tcp_filter, sc_handshake),
    ("refused", 47002, tcp_filter, sc_refused),
    ("abort", 47003, tcp_filter, sc_abort),
    ("half-close", 47004, tcp_filter, sc_half_close),
    ("server-close", 47005, tcp_filter, sc_server_close),
    ("udp", 47006, lambda p: "udp port %d" % p, sc_udp),
    ("udp-unreachable", 47007, udp_icmp_filter, sc_udp_unreachable),
]


# ------------------------------------------------------------ capture
class Tcpdump:
    def __init__(self, tcpdump, path, bpf):
        # -Z root: do not drop to the tcpdump user, so the file can be
        # written anywhere root can write.
        self.argv = [tcpdump, "--immediate-mode", "-U", "-B", "16384",
                     "-s", "262144", "-i", "lo", "-Z", "root", "-w", path,
                     bpf]
        self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        self.stderr = b""
        self._wait_listening()

    def _wait_listening(self):
        fd = self.p.stderr.fileno()
        deadline = time.monotonic() + LISTEN_TIMEOUT
        while b"listening on" not in self.stderr:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise RuntimeError("tcpdump did not start listening: %r" %
                                   self.stderr.decode(errors="replace"))
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:   # tcpdump exited
                self.p.wait()
                raise RuntimeError("tcpdump exited (%d): %s" % (
                    self.p.returncode,
                    self.stderr.decode(errors="replace").strip()))
            self.stderr += chunk

    def stop(self):
        time.sleep(SETTLE)
        self.p.send_signal(signal.SIGINT)
        try:
            rest = self.p.stderr.read()
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError("tcpdump did not stop on SIGINT")
        self.stderr += rest
        text = self.stderr.decode(errors="replace")
        if self.p.returncode != 0:
            raise RuntimeError("tcpdump failed (%d): %s" %
                               (self.p.returncode, text.strip()))
        for line in text.splitlines():
            words = line.split()
            if "dropped by kernel" in line and int(words[0]) != 0:
                raise RuntimeError("tcpdump: " + line.strip())
            if line.endswith("packets captured") and int(words[0]) == 0:
                raise RuntimeError("tcpdump captured nothing")
        return text

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def record(name, port, mkfilter, fn, outdir, tcpdump):
    final = os.path.join(outdir, name + ".pcap")
    fd, tmp = tempfile.mkstemp(prefix="." + name + ".", suffix=".pcap",
                               dir=outdir)
    os.close(fd)
    try:
        td = Tcpdump(tcpdump, tmp, mkfilter(port))
        try:
            fn(port)
        except BaseException:
            td.kill()
            raise
        text = td.stop()
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    captured = [ln for ln in text.splitlines() if "captured" in ln]
    print("%-16s %s (%s)" % (name, final,
                             captured[0].strip() if captured else "?"))
    return final


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outdir", default=os.path.join(top, "captures"))
    ap.add_argument("--tcpdump", default=shutil.which("tcpdump") or
                    "tcpdump")
    ap.add_argument("--list", action="store_true",
                    help="print the listing (tcpdump -nn -r) of each file")
    ap.add_argument("scenario", nargs="*",
                    help="names to record (default: all)")
    args = ap.parse_args()

    names = [s[0] for s in SCENARIOS]
    for n in args.scenario:
        if n not in names:
            ap.error("unknown scenario %r (have: %s)" %
                     (n, ", ".join(names)))
    os.makedirs(args.outdir, exist_ok=True)
    rc = 0
    for name, port, mkfilter, fn in SCENARIOS:
        if args.scenario and name not in args.scenario:
            continue
        try:
            path = record(name, port, mkfilter, fn, args.outdir,
                          args.tcpdump)
        except Exception as e:
            print("%-16s FAILED: %s" % (name, e), file=sys.stderr)
            rc = 1
            continue
        if args.list:
            subprocess.run([args.tcpdump, "-nn", "-r", path],
                           stderr=subprocess.DEVNULL)
    return rc


if __name__ == "__main__":
    sys.exit(main())
