#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Compare synfin's TCP reconstruction with tshark's on a public corpus.

For every capture in the corpus directory this runs

    $SYNFIN replay --json FILE

and compares each TCP stream that tshark 4.0 found (the oracle records in
CORPUS/expected/FILE.jsonl, see shared/oracle/README.md) with the synfin
conn that holds it.  It also checks that synfin survives every file,
including the malformed ones and those tshark cannot read.

Matching.  synfin conns and tshark streams are matched on the unordered
4-tuple, then by frame overlap: tshark may split one 4-tuple into several
streams (port reuse, split handshakes), synfin may split or merge
differently.  Each tshark stream is compared with the synfin TCP conn of
the same 4-tuple that holds most of its frames.

A stream agrees when all of these match (the "aspects"):
  frames        the conn holds exactly the stream's frames (no segment
                missing, none from elsewhere; no conn at all fails too)
  roles         tshark's client/server are synfin's conn client/server,
                when tshark saw the SYN (client_by "syn").  When it did not
                (client_by "first_sender"), its "client" is only the first
                sender, the real server in midstream captures: no claim to
                compare with.  Then only a synfin claim of "observed" roles
                is checked, against the stream itself: the sender of its
                first SYN+ACK segment, if any, must be synfin's server.
                Flags and lengths are compared with the directions matched
                by address either way.
  flags         per frame, synfin's flags in tshark's notation "C>S SYN,ACK":
                names in bit order FIN,SYN,RST,PSH,ACK,URG,ECE,CWR,AE, an
                empty list is "NONE".  tshark's "RES" (reserved bits 0xE00)
                is dropped before comparing: synfin's output contract has
                no field for the reserved bits.
  lens          per frame, synfin's "len" against tshark's tcp.len
  completeness  synfin's summary "completeness" (a number, or a list of
                the names SYN, SYN-ACK, ACK, DATA, FIN, RST) against
                tshark's final tcp.completeness
Per file: synfin must exit 0 or 1 (no signal, no timeout, no sanitizer
report), print valid JSON Lines, and report no TCP conn that holds no
frame of any tshark stream (aspect "extra").

Differences listed in KNOWN_DIFFERENCES.md (file | stream | aspect |
reason, "*" as a wildcard) are EXPLAINED.  An entry that matches nothing
is reported as STALE.  Crashes and broken output are never explained.

Output: one line per file (OK, EXPLAINED, DIFF or CRASH and a short
reason), the details of every difference, then totals and a last line
"N passed, M failed", where each tshark stream and each file (the
per-file checks) is one test.  Exit status 0 only if nothing is
unexplained, nothing crashed and at least 95 % of the streams agree.

Environment: SYNFIN (the binary; default $top_srcdir/synfin),
SYNFIN_CORPUS (default $top_srcdir/../shared/pcaps/public),
SYNFIN_TIMEOUT (seconds per file, default 60), top_srcdir.
Standard library only.
"""

import argparse
import concurrent.futures
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys

AGREEMENT_MIN = 95.0
CAPTURE_EXT = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")

FLAG_BITS = [("FIN", 0x001), ("SYN", 0x002), ("RST", 0x004), ("PSH", 0x008),
             ("ACK", 0x010), ("URG", 0x020), ("ECE", 0x040), ("CWR", 0x080),
             ("AE", 0x100)]
FLAG_BY_NAME = dict(FLAG_BITS)
# Accepted spellings of the same bit in synfin's output.
FLAG_ALIASES = {"NS": "AE", "ECN": "ECE"}
COMPL_BITS = [("SYN", 1), ("SYN-ACK", 2), ("ACK", 4), ("DATA", 8),
              ("FIN", 16), ("RST", 32)]
COMPL_BY_NAME = dict(COMPL_BITS)
RULE_ADJUSTED = []
ASPECTS = ("frames", "roles", "flags", "lens", "completeness", "extra")
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "ERROR: MemorySanitizer",
                   "WARNING: ThreadSanitizer")


# ------------------------------------------------------------ helpers
def endpoint(s):
    """'1.2.3.4:80' or '[::1]:80' -> (ip_address, port), or None."""
    if not isinstance(s, str):
        return None
    m = re.fullmatch(r"\[([^\]]+)\]:(\d+)|([^:\[\]]+):(\d+)", s.strip())
    if not m:
        return None
    addr = m.group(1) or m.group(3)
    port = m.group(2) or m.group(4)
    try:
        return (ipaddress.ip_address(addr.split("%")[0]), int(port))
    except ValueError:
        return None


def ep_str(ep):
    a, p = ep
    return ("[%s]:%d" if a.version == 6 else "%s:%d") % (a, p)


def tuple_key(a, b):
    return frozenset((a, b)) if a != b else frozenset((a,))


def flags_from_synfin(v):
    """synfin's "flags" (list of names) -> bitmask, or None if unusable."""
    if isinstance(v, int):
        return v
    if not isinstance(v, list):
        return None
    bits = 0
    for name in v:
        if not isinstance(name, str):
            return None
        n = name.upper()
        n = FLAG_ALIASES.get(n, n)
        if n not in FLAG_BY_NAME:
            return None
        bits |= FLAG_BY_NAME[n]
    return bits


def flags_str(bits):
    names = [n for n, b in FLAG_BITS if bits & b]
    return ",".join(names) if names else "NONE"


def tshark_flags(s):
    """'C>S SYN,ACK,RES' -> ('C>S', 'SYN,ACK') with RES dropped."""
    d, _, names = s.partition(" ")
    kept = [n for n in names.split(",") if n and n not in ("RES", "NONE")]
    bits = 0
    for n in kept:
        bits |= FLAG_BY_NAME.get(n, 0)
    return d, flags_str(bits)


def completeness_value(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        if v.strip().isdigit():
            return int(v)
        v = [x for x in re.split(r"[,|+ ]+", v) if x]
    if isinstance(v, dict):
        for k in ("value", "bits", "mask"):
            if k in v:
                return completeness_value(v[k])
        return None
    if isinstance(v, list):
        bits = 0
        for n in v:
            if not isinstance(n, str) or n.upper() not in COMPL_BY_NAME:
                return None
            bits |= COMPL_BY_NAME[n.upper()]
        return bits
    return None


def compl_str(v):
    if v is None:
        return "none"
    names = [n for n, b in COMPL_BITS if v & b]
    return "%d (%s)" % (v, ",".join(names) if names else "-")


def frames_str(frames, limit=8):
    frames = sorted(frames)
    s = ",".join(str(f) for f in frames[:limit])
    if len(frames) > limit:
        s += ",... (%d)" % len(frames)
    return s


# ------------------------------------------------------------ known list
class Known:
    """The machine-readable table of KNOWN_DIFFERENCES.md.

    Rows `| file | stream | aspect | reason |` between the markers
    <!-- conformance:begin --> and <!-- conformance:end -->.  file and
    stream may be "*"; aspect is one of ASPECTS or "*"."""

    def __init__(self, path):
        self.path = path
        self.entries = []
        self.errors = []
        if not path or not os.path.exists(path):
            return
        inside = False
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if "<!-- conformance:begin -->" in line:
                    inside = True
                    continue
                if "<!-- conformance:end -->" in line:
                    inside = False
                    continue
                if not inside or not line.lstrip().startswith("|"):
                    continue
                cells = [c.strip() for c in line.strip().strip("|")
                         .split("|")]
                if len(cells) < 4:
                    self.errors.append("%s:%d: expected 4 columns" %
                                       (path, n))
                    continue
                file, stream, aspect = (c.strip("` ") for c in cells[:3])
                reason = "|".join(cells[3:]).strip()
                if file.lower() == "file" or set(file) <= set("-: "):
                    continue    # header or separator row
                if stream != "*" and not stream.isdigit():
                    self.errors.append("%s:%d: bad stream %r" %
                                       (path, n, stream))
                    continue
                if aspect != "*" and aspect not in ASPECTS:
                    self.errors.append("%s:%d: bad aspect %r" %
                                       (path, n, aspect))
                    continue
                self.entries.append({"file": file, "stream": stream,
                                     "aspect": aspect, "reason": reason,
                                     "line": n, "used": False})

    def lookup(self, file, stream, aspect):
        """The entry explaining (file, stream, aspect), or None.
        stream is an int, or None for file-level aspects."""
        for e in self.entries:
            if e["file"] not in ("*", file):
                continue
            if e["aspect"] not in ("*", aspect):
                continue
            if e["stream"] != "*" and (stream is None or
                                       int(e["stream"]) != stream):
                continue
            e["used"] = True
            return e
        return None

    def files(self):
        return {e["file"] for e in self.entries}


# ------------------------------------------------------------ running
def run_synfin(synfin, path, timeout):
    env = dict(os.environ)
    # An ASan report must not look like exit code 1 (input problem).
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                           ":exitcode=86:detect_leaks=0").lstrip(":")
    env["UBSAN_OPTIONS"] = (env.get("UBSAN_OPTIONS", "") +
                            ":print_stacktrace=1").lstrip(":")
    try:
        p = subprocess.run([synfin, "replay", "--json", path],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        return {"rc": None, "timeout": True, "stdout": e.stdout or b"",
                "stderr": e.stderr or b""}
    except OSError as e:
        return {"rc": None, "oserror": str(e), "stdout": b"", "stderr": b""}
    return {"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr}


def crash_reason(res):
    if res.get("oserror"):
        return "cannot run synfin: " + res["oserror"]
    if res.get("timeout"):
        return "timed out"
    rc = res["rc"]
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = "signal %d" % -rc
        return "killed by " + name
    err = res["stderr"].decode("utf-8", "replace")
    for mark in SANITIZER_MARKS:
        if mark in err:
            line = next(ln for ln in err.splitlines() if mark in ln)
            return "sanitizer: " + line.strip()[:120]
    if rc not in (0, 1):
        return "exit code %d" % rc
    return None


def parse_synfin(stdout):
    """JSON Lines -> (conns, packets by conn, summaries, errors)."""
    conns, pkts, sums, errors = {}, {}, {}, []
    for n, line in enumerate(stdout.decode("utf-8", "replace")
                             .splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except ValueError:
            errors.append("line %d is not JSON: %.60s" % (n, line))
            continue
        if not isinstance(r, dict):
            errors.append("line %d is not an object" % n)
            continue
        t = r.get("type")
        if t == "conn":
            c, s = endpoint(r.get("client")), endpoint(r.get("server"))
            if c is None or s is None or "id" not in r:
                errors.append("line %d: conn without id/client/server" % n)
                continue
            conns[r["id"]] = {"id": r["id"], "proto": r.get("proto"),
                              "client": c, "server": s,
                              "roles": r.get("roles")}
        elif t == "packet":
            cid = r.get("conn")
            if cid not in conns:
                errors.append("line %d: packet of unknown conn %r" %
                              (n, cid))
                continue
            if conns[cid]["proto"] != "tcp":
                continue
            fl = flags_from_synfin(r.get("flags"))
            if (not isinstance(r.get("frame"), int) or
                    r.get("dir") not in ("c2s", "s2c") or fl is None or
                    not isinstance(r.get("len"), int)):
                errors.append("line %d: TCP packet without frame/dir/"
                              "flags/len: %.80s" % (n, line))
                continue
            pkts.setdefault(cid, []).append(
                {"frame": r["frame"], "dir": r["dir"], "flags": fl,
                 "len": r["len"]})
        elif t == "summary":
            sums[r.get("conn")] = r
    return conns, pkts, sums, errors


def load_oracle(path):
    if not os.path.exists(path):
        return None
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                recs.append(json.loads(line))
    return recs


# ------------------------------------------------------------ comparing
def compare_stream(st, conn, pkts, summary, frame_owner_t, frame_owner_s):
    """Differences between tshark stream `st` and synfin conn `conn`:
    a list of (aspect, text).  `pkts` are the conn's TCP packets."""
    diffs = []
    tc, ts = endpoint(st["client"]), endpoint(st["server"])
    if conn is None:
        owners = sorted({frame_owner_s[f] for f in st["frames"]
                         if f in frame_owner_s})
        txt = "no synfin TCP conn holds its frames"
        if owners:
            txt = "no conn with this 4-tuple; frames are in conn " + \
                ",".join(map(str, owners))
        return [("frames", txt)], None

    # Orientation: which synfin direction is tshark's C>S.
    if conn["client"] == tc and conn["server"] == ts:
        swapped = False
    elif conn["client"] == ts and conn["server"] == tc:
        swapped = True
    else:
        return [("roles", "4-tuple mismatch")], conn["id"]
    if st.get("client_by") == "syn":
        if swapped:
            diffs.append(("roles", "synfin client %s (%s), tshark client "
                          "%s (by syn)" % (ep_str(conn["client"]),
                                           conn["roles"], st["client"])))
    elif conn["roles"] == "observed":
        # tshark's client is its first sender: check synfin's claim
        # against the first SYN+ACK of the stream instead.
        for f, fl in zip(st["frames"], st["flags"]):
            d, names = tshark_flags(fl)
            bits = 0
            for n in names.split(","):
                bits |= FLAG_BY_NAME.get(n, 0)
            if bits & 0x012 == 0x012:
                synack_from = tc if d == "C>S" else ts
                if synack_from != conn["server"]:
                    diffs.append(("roles", "synfin says observed client "
                                  "%s, but frame %d SYN+ACK comes from %s"
                                  % (ep_str(conn["client"]), f,
                                     ep_str(synack_from))))
                break

    by_frame = {}
    dup = set()
    for p in pkts:
        if p["frame"] in by_frame:
            dup.add(p["frame"])
        by_frame[p["frame"]] = p
    tframes = st["frames"]
    tset = set(tframes)
    sset = set(by_frame)
    missing = [f for f in tframes if f not in sset]
    extra = sorted(sset - tset)
    parts = []
    if missing:
        owners = sorted({frame_owner_s[f] for f in missing
                         if f in frame_owner_s and
                         frame_owner_s[f] != conn["id"]})
        parts.append("synfin lacks frame %s%s" % (
            frames_str(missing),
            " (in conn %s)" % ",".join(map(str, owners)) if owners else ""))
    if extra:
        others = sorted({frame_owner_t[f] for f in extra
                         if f in frame_owner_t})
        parts.append("conn %d also has frame %s%s" % (
            conn["id"], frames_str(extra),
            " (tshark stream %s)" % ",".join(map(str, others))
            if others else ""))
    if dup:
        parts.append("frame %s reported twice" % frames_str(dup))
    if parts:
        diffs.append(("frames", "; ".join(parts)))

    fl_bad, len_bad = [], []
    for f, tfl, tlen in zip(tframes, st["flags"], st["lens"]):
        p = by_frame.get(f)
        if p is None:
            continue
        d = p["dir"]
        if swapped:
            d = "s2c" if d == "c2s" else "c2s"
        mine = ("C>S " if d == "c2s" else "S>C ") + flags_str(p["flags"])
        td, tnames = tshark_flags(tfl)
        theirs = td + " " + tnames
        if mine != theirs:
            fl_bad.append((f, mine, theirs))
        if p["len"] != tlen:
            len_bad.append((f, p["len"], tlen))
    if fl_bad:
        f, mine, theirs = fl_bad[0]
        diffs.append(("flags", "frame %d: synfin %r, tshark %r%s" % (
            f, mine, theirs,
            " (+%d more)" % (len(fl_bad) - 1) if len(fl_bad) > 1 else "")))
    if len_bad:
        f, mine, theirs = len_bad[0]
        diffs.append(("lens", "frame %d: synfin len %d, tshark %d%s" % (
            f, mine, theirs,
            " (+%d more)" % (len(len_bad) - 1) if len(len_bad) > 1
            else "")))

    if summary is None:
        diffs.append(("completeness", "no summary for conn %d" % conn["id"]))
    else:
        cv = completeness_value(summary.get("completeness"))
        want = st["completeness"]
        # Where tshark's value contradicts its own completeness rule
        # (the oracle says so: completeness_rule_consistent false, an
        # artefact of dissectors creating conversations in advance),
        # the rule is what synfin is held to.
        if (st.get("completeness_rule_consistent") is False and
                st.get("completeness_rule") is not None):
            want = st["completeness_rule"]
            if cv == want and cv != st["completeness"]:
                RULE_ADJUSTED.append("%s stream %s: synfin %s = rule, "
                                     "tshark %s" % (
                                         st.get("_file", "?"),
                                         st["stream"], cv,
                                         st["completeness"]))
        if cv != want:
            diffs.append(("completeness", "synfin %s, tshark %s" % (
                compl_str(cv) if cv is not None else
                repr(summary.get("completeness")),
                compl_str(st["completeness"]))))
    return diffs, conn["id"]


def check_file(name, path, oracle_path, synfin, timeout):
    """Run synfin on one file and compare: a result dict."""
    res = run_synfin(synfin, path, timeout)
    out = {"file": name, "rc": res["rc"], "crash": crash_reason(res),
           "streams": [], "file_diffs": [], "tshark_error": None,
           "no_oracle": False, "roles_skipped": 0}
    oracle = load_oracle(oracle_path)
    streams = [r for r in oracle or [] if r.get("type") == "tcp_stream"]
    out["n_oracle_streams"] = len(streams)
    if out["crash"]:
        return out
    conns, pkts, sums, errors = parse_synfin(res["stdout"])
    if errors:
        out["contract"] = errors[:3] + (["... %d more" % (len(errors) - 3)]
                                        if len(errors) > 3 else [])
    if oracle is None:
        out["no_oracle"] = True
        return out
    for r in oracle:
        if r.get("type") == "error":
            out["tshark_error"] = r.get("error", "").strip() or "error"
        elif r.get("type") == "summary" and r.get("tshark_rc"):
            out["tshark_error"] = (r.get("tshark_stderr") or "").strip() \
                or "exit %s" % r.get("tshark_rc")
    if res["rc"] == 1 and not out["tshark_error"]:
        # Not a failure by itself (exit 1 is an input problem), but worth
        # seeing: synfin gave up on a file tshark read to the end.
        err = res["stderr"].decode("utf-8", "replace").strip()
        err = err.splitlines()[-1] if err else "(no message)"
        err = err.replace("synfin: ", "", 1).replace(path + ": ", "", 1)
        out["note"] = "synfin exit 1 on a file tshark reads: " + err[:150]

    frame_owner_t = {}
    for st in streams:
        st["_file"] = name
        for f in st["frames"]:
            frame_owner_t.setdefault(f, st["stream"])
    frame_owner_s = {}
    tcp_conns = {cid: c for cid, c in conns.items() if c["proto"] == "tcp"}
    for cid in tcp_conns:
        for p in pkts.get(cid, []):
            frame_owner_s.setdefault(p["frame"], cid)

    used = set()
    for st in streams:
        tk = tuple_key(endpoint(st["client"]), endpoint(st["server"]))
        tset = set(st["frames"])
        best, best_key = None, None
        for cid, c in tcp_conns.items():
            if tuple_key(c["client"], c["server"]) != tk:
                continue
            cframes = [p["frame"] for p in pkts.get(cid, [])]
            overlap = len(tset.intersection(cframes))
            first = min(cframes) if cframes else 0
            key = (overlap, -abs(first - st["first_frame"]))
            if overlap and (best_key is None or key > best_key):
                best, best_key = c, key
        diffs, cid = compare_stream(
            st, best, pkts.get(best["id"], []) if best else [],
            sums.get(best["id"]) if best else None,
            frame_owner_t, frame_owner_s)
        if best is not None:
            used.add(best["id"])
            if st.get("client_by") != "syn":
                out["roles_skipped"] += 1
        out["streams"].append({"stream": st["stream"], "conn": cid,
                               "diffs": diffs})

    extra = []
    for cid, c in sorted(tcp_conns.items()):
        if cid in used:
            continue
        frames = [p["frame"] for p in pkts.get(cid, [])]
        if any(f in frame_owner_t for f in frames):
            continue    # a split: reported on the stream that lacks them
        extra.append("conn %d %s -> %s (frame %s)" % (
            cid, ep_str(c["client"]), ep_str(c["server"]),
            frames_str(frames, 4) or "-"))
    if extra:
        out["file_diffs"].append(("extra", "synfin TCP conn with no "
                                  "tshark stream: " + "; ".join(extra)))
    return out


# ------------------------------------------------------------ reporting
def first_sentence(text, limit=80):
    """The first sentence of a reason, for the one-line-per-file table."""
    m = re.match(r"(.+?\.)(\s|$)", text)
    s = m.group(1) if m else text
    return s if len(s) <= limit else s[:limit - 3] + "..."


def short_tshark_error(msg):
    """tshark's file error without the file name, shortened."""
    msg = msg.replace("tshark: ", "")
    m = re.search(r"\((.*)\)", msg)
    if m:
        return m.group(1)[:60]
    msg = re.sub(r'The file "[^"]*" ', "", msg)
    return msg.splitlines()[0][:60] if msg else msg


def list_captures(corpus):
    names = []
    for n in sorted(os.listdir(corpus)):
        p = os.path.join(corpus, n)
        if os.path.isfile(p) and not n.startswith(".") and \
                n.lower().endswith(CAPTURE_EXT):
            names.append(n)
    return names


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.environ.get("top_srcdir") or os.path.dirname(here)
    ap = argparse.ArgumentParser(
        description="Compare synfin replay --json with the tshark oracle.")
    ap.add_argument("corpus", nargs="?",
                    default=os.environ.get("SYNFIN_CORPUS") or
                    os.path.join(top, "..", "shared", "pcaps", "public"))
    ap.add_argument("--synfin", default=os.environ.get("SYNFIN") or
                    os.path.join(top, "synfin"))
    ap.add_argument("--known", default=os.path.join(
        here, "KNOWN_DIFFERENCES.md"))
    ap.add_argument("--timeout", type=float,
                    default=float(os.environ.get("SYNFIN_TIMEOUT", "60")))
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", action="append", default=[],
                    help="check only files containing this string")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="no per-difference details")
    args = ap.parse_args()

    corpus = os.path.normpath(args.corpus)
    if not os.path.isdir(corpus):
        print("conformance: corpus %s not found" % corpus, file=sys.stderr)
        return 2
    if not (os.path.isfile(args.synfin) and
            os.access(args.synfin, os.X_OK)):
        print("conformance: %s is not an executable synfin" % args.synfin,
              file=sys.stderr)
        return 2
    known = Known(args.known)
    for e in known.errors:
        print("conformance: " + e, file=sys.stderr)

    files = list_captures(corpus)
    if args.only:
        files = [f for f in files if any(s in f for s in args.only)]
    print("# synfin %s" % args.synfin)
    print("# corpus %s (%d captures)" % (corpus, len(files)))
    print("# known differences %s (%d entries)" % (args.known,
                                                   len(known.entries)))

    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
        futs = [ex.submit(check_file, f, os.path.join(corpus, f),
                          os.path.join(corpus, "expected", f + ".jsonl"),
                          args.synfin, args.timeout) for f in files]
        results = [fu.result() for fu in futs]

    n_streams = n_agree = n_expl = n_unexpl = 0
    files_ok = files_expl = files_bad = n_crash = roles_skipped = 0
    passed = failed = 0
    details = []
    notes = []
    width = min(56, max([len(f) for f in files] + [10]))
    for r in results:
        name = r["file"]
        unexpl, expl = [], []      # (label, aspect, text[, reason])
        file_unexpl = False
        if r["crash"]:
            # The file's test and all its streams fail: nothing agreed.
            n_crash += 1
            files_bad += 1
            n_streams += r["n_oracle_streams"]
            n_unexpl += r["n_oracle_streams"]
            failed += 1 + r["n_oracle_streams"]
            print("%-9s %-*s %s" % ("CRASH", width, name, r["crash"]))
            details.append("CRASH     %s: %s (%d tshark streams not "
                           "compared)" % (name, r["crash"],
                                          r["n_oracle_streams"]))
            continue
        roles_skipped += r["roles_skipped"]
        if r.get("contract"):
            file_unexpl = True
            unexpl.append(("file", "contract", "; ".join(r["contract"])))
        for aspect, text in r["file_diffs"]:
            e = known.lookup(name, None, aspect)
            if e:
                expl.append(("file", aspect, text, e["reason"]))
            else:
                file_unexpl = True
                unexpl.append(("file", aspect, text))
        for s in r["streams"]:
            n_streams += 1
            label = "stream %d" % s["stream"]
            if s["conn"] is not None:
                label += " (conn %s)" % s["conn"]
            if not s["diffs"]:
                n_agree += 1
                passed += 1
                continue
            bad = False
            for aspect, text in s["diffs"]:
                e = known.lookup(name, s["stream"], aspect)
                if e:
                    expl.append((label, aspect, text, e["reason"]))
                else:
                    bad = True
                    unexpl.append((label, aspect, text))
            if bad:
                n_unexpl += 1
                failed += 1
            else:
                n_expl += 1
                passed += 1
        if file_unexpl:
            failed += 1
        else:
            passed += 1

        nst = len(r["streams"])
        if unexpl:
            files_bad += 1
            status = "DIFF"
            first = unexpl[0]
            why = "%s: %s: %s" % first[:3]
            if len(unexpl) > 1:
                why += " (+%d more)" % (len(unexpl) - 1)
        elif expl:
            files_expl += 1
            status = "EXPLAINED"
            reasons = []
            for x in expl:
                short = first_sentence(x[3])
                if short not in reasons:
                    reasons.append(short)
            why = " / ".join(reasons)
        else:
            files_ok += 1
            status = "OK"
            if r["no_oracle"]:
                why = "no oracle file; synfin exit %d" % r["rc"]
            elif not nst:
                why = "no TCP stream%s; synfin exit %d" % (
                    " (tshark: %s)" % short_tshark_error(r["tshark_error"])
                    if r["tshark_error"] else "", r["rc"])
            else:
                why = "%d stream%s agree%s; synfin exit %d" % (
                    nst, "" if nst == 1 else "s", "s" if nst == 1 else "",
                    r["rc"])
        print("%-9s %-*s %s" % (status, width, name, why))
        if r.get("note"):
            notes.append("NOTE      %s: %s" % (name, r["note"]))
        for x in unexpl:
            details.append("DIFF      %s %s %s: %s" % (name, x[0], x[1],
                                                       x[2]))
        for x in expl:
            details.append("EXPLAINED %s %s %s: %s\n          -> %s" % (
                name, x[0], x[1], x[2], x[3]))

    if details and not args.quiet:
        print()
        print("# differences")
        for d in details:
            print(d)
    if notes:
        print()
        print("# notes (not counted)")
        for n in notes:
            print(n)
    checked = set(files)
    stale = [e for e in known.entries if not e["used"] and
             (e["file"] == "*" or e["file"] in checked)]
    if stale:
        print()
        for e in stale:
            print("STALE     %s:%d: %s stream %s %s matches no difference"
                  % (os.path.basename(args.known), e["line"], e["file"],
                     e["stream"], e["aspect"]))
    pct = 100.0 * n_agree / n_streams if n_streams else 100.0
    print()
    print("streams compared: %d, agreeing: %d (%.1f %%), explained: %d, "
          "unexplained: %d" % (n_streams, n_agree, pct, n_expl, n_unexpl))
    print("roles compared only where tshark saw the SYN: %d streams "
          "without one" % roles_skipped)
    print("files: %d ok, %d explained, %d unexplained (%d crashed); "
          "known-difference entries: %d, stale: %d" %
          (files_ok, files_expl, files_bad, n_crash, len(known.entries),
           len(stale)))
    if RULE_ADJUSTED:
        print("completeness held to tshark's own rule where tshark "
              "contradicts it (%d): %s" % (len(RULE_ADJUSTED),
                                           "; ".join(RULE_ADJUSTED)))
        print("strict agreement with tshark's completeness field: "
              "%d of %d (%.1f %%)" % (n_agree - len(RULE_ADJUSTED),
                                      n_streams, 100.0 * (
                                          n_agree - len(RULE_ADJUSTED)) /
                                      n_streams if n_streams else 100.0))
    if pct < AGREEMENT_MIN:
        print("agreement %.1f %% is below %.0f %%" % (pct, AGREEMENT_MIN))
    print("%d passed, %d failed" % (passed, failed))
    ok = failed == 0 and n_crash == 0 and pct >= AGREEMENT_MIN
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
