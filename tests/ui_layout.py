#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The UI's layout at the sizes a class uses, read back from tmux.

Every bundled capture (captures/*.pcap: the lessons, as recorded) is
replayed in the UI at 80x24, 120x40 and 160x48, in English and in Chinese
(--lang zh_CN).  Each step of each conversation is shown on the ladder,
the last one also in the state diagram and the detail view, and the
connection list where there is one; every screen is read back with
tmux capture-pane and fails on:

  - a line wider than the terminal;
  - a cut word: a word that synfin never writes (not in its catalogue,
    its sources or its text output for that capture) unless an ellipsis
    follows it (a payload's hex dump is the bytes as they are: not
    checked);
  - a call name cut: "name(" without its ")";
  - a diagram marker glued to a state name ("CESTABLISHED", "LISTENS");
  - on the ladder, a narration that is not whole (the text of that step
    in `synfin replay --text -v`, same language, or at least whole
    sentences), or that ends in an ellipsis;
  - in the connection list, a missing column: every heading, and for
    every conversation its number, protocol, both endpoints, its
    packets, both endpoints' states and the flags seen, as --summary
    says them.

When the demo can capture here (root or user namespaces), a few lessons
are also run for real at 80x24, so that socket calls are on the ladder.
Prints TAP; needs tmux and python3 (the caller checks).
"""

import glob
import os
import re
import subprocess
import sys
import time
import unicodedata

SYNFIN = os.environ["SYNFIN"]
TOP = os.environ["top_srcdir"]
CAPS = sorted(glob.glob(os.path.join(TOP, "captures", "*.pcap")))
SIZES = [(80, 24), (120, 40), (160, 48)]
LOCALEDIR = os.environ.get("SYNFIN_LOCALEDIR",
                           os.path.join(os.path.dirname(SYNFIN), "po",
                                        "locale"))
SOCK = None
NSTART = 0
STATES = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
          "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
          "TIME_WAIT"]
CALLS = ["socket", "bind", "listen", "accept", "connect", "send", "recv",
         "sendto", "recvfrom", "shutdown", "close", "setsockopt"]
ELL = ("\u2026", "...")

n_ok = n_bad = 0


def tap(ok, what, detail=None, screen=None):
    global n_ok, n_bad
    if ok:
        n_ok += 1
        print("ok %d - %s" % (n_ok + n_bad, what))
        return
    n_bad += 1
    print("not ok %d - %s" % (n_ok + n_bad, what))
    for d in (detail or [])[:8]:
        print("#   " + d)
    for l in (screen or [])[:60]:
        print("#   |" + l)


def tmux(*args, check=True):
    r = subprocess.run(["tmux", "-S", SOCK, "-f", "/dev/null"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if check and r.returncode != 0:
        raise RuntimeError("tmux %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


def screen():
    return tmux("capture-pane", "-p", "-t", "0").split("\n")[:-1]


def wait(pred, secs=5.0, settle=0.0):
    """Until pred(screen) holds on two captures in a row, `settle`
    seconds apart (a frame may be read while it is being written: the
    status line, written last, tells a step's frame is whole; a new view
    has no such sign)."""
    end = time.time() + secs
    last = None
    while time.time() < end:
        s = screen()
        if pred(s):
            if s == last:
                return s
            last = s
            time.sleep(settle)
            continue
        last = None
        time.sleep(0.01)
    return None


def status(s):
    m = re.search(r"(?:step|步骤) (\d+)/(\d+)", s[-1] if s else "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def run(cmd, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True,
                          env=e).stdout


# ------------------------------------------------------- what is right

WORD = re.compile(r"[A-Za-z][A-Za-z_]*")


def words(text):
    out = set()
    for m in WORD.finditer(text):
        out.add(m.group(0))
    return out


def base_vocab():
    v = {"C", "S", "x", "s", "S", "SA", "A", "D", "F", "R"}
    for p in [os.path.join(TOP, "po", "zh_CN.po")] + \
            glob.glob(os.path.join(TOP, "src", "*", "*.[ch]")) + \
            glob.glob(os.path.join(TOP, "ui", "*.[ch]")):
        with open(p, encoding="utf-8") as f:
            v |= words(f.read())
    v |= words(run([SYNFIN, "--help"]))
    return v


def norm(t):
    return re.sub(r"\s+", "", t)


def narrations(text):
    return {norm(l.strip()[2:]) for l in text.split("\n")
            if l.strip().startswith("# ")}


def summary(cap):
    """conn id -> (proto, client state, server state, flags seen)."""
    out = {}
    for l in run([SYNFIN, "replay", "--summary", cap]).split("\n"):
        m = re.match(r"conn (\d+) (tcp|udp) \S+ -> \S+: (\d+) packets"
                     r"(?:.*; client (\S+), server (\S+); ([A-Z,-]*) \()?",
                     l)
        if m:
            out[int(m.group(1))] = (m.group(2).upper(), int(m.group(3)),
                                    m.group(4) or "-", m.group(5) or "-",
                                    m.group(6) or "")
    return out


BRIEF = {"SYN": "S", "SYN-ACK": "SA", "ACK": "A", "DATA": "D", "FIN": "F",
         "RST": "R"}


# --------------------------------------------------------------- checks

def check_screen(s, cols, rows, vocab, ctx, errs):
    if len(s) != rows:
        errs.append("%s: %d lines on a %d-line terminal" % (ctx, len(s),
                                                            rows))
    glued = re.compile(r"(?<![A-Za-z_])C(%s)(?![A-Za-z_0-9])|"
                       r"(?<![A-Za-z_])(%s)S(?![A-Za-z_0-9])" %
                       ("|".join(STATES), "|".join(STATES)))
    for i, l in enumerate(s):
        if width(l) > cols:
            errs.append("%s line %d: %d columns wide" % (ctx, i + 1,
                                                         width(l)))
        # A payload's hex dump (the detail view): its text column is
        # the bytes as they are, cut where the line of 8 ends.
        hexdump = re.search(r"\b[0-9a-f]{4}  (?:[0-9a-f]{2} )+", l)
        for m in WORD.finditer(l):
            w = m.group(0)
            if hexdump and m.start() >= hexdump.start():
                break
            a, b = m.start(), m.end()
            if a > 0 and l[a - 1].isdigit() or b < len(l) and \
                    l[b].isdigit():
                continue        # part of a number: 0x010, 2MSL
            if w in vocab or l[b:].startswith(ELL):
                continue
            errs.append("%s line %d: a cut word %r without an ellipsis: %s"
                        % (ctx, i + 1, w, l.strip()))
        g = glued.search(l)
        if g:
            errs.append("%s line %d: a marker glued to a state: %r" %
                        (ctx, i + 1, g.group(0)))
        for m in re.finditer(r"(?<![A-Za-z_])([a-z_]+)\(", l):
            if m.group(1) not in CALLS:
                continue
            rest = l[m.end():]
            if ")" not in rest.split("\u2502")[0] and \
                    not rest.startswith(ELL):
                errs.append("%s line %d: a call cut: %r" %
                            (ctx, i + 1, l[m.start():].strip()))


def narration_box(s):
    """The text of the last box on the screen (the narration)."""
    top = bot = None
    for i, l in enumerate(s):
        if l.startswith("\u250c"):
            top = i
        if l.startswith("\u2514") and top is not None:
            bot = i
    if top is None or bot is None or bot < top:
        return None
    lines = [re.sub(r"^\u2502 ?", "", l).rstrip() for l in s[top + 1:bot]]
    lines = [re.sub(r" *\u2502$", "", l) for l in lines]
    return " ".join(l.strip() for l in lines).strip()


def check_narration(s, expected, ctx, errs):
    t = narration_box(s)
    if t is None:
        errs.append("%s: no narration box" % ctx)
        return
    if t.endswith(ELL):
        errs.append("%s: the narration is cut: %s" % (ctx, t[-60:]))
    elif expected is not None and norm(t) not in expected and \
            not re.search(r"[.\u3002!\uff01?\uff1f)\uff09]$", t):
        # Not a sentence of --text -v as it stands (a step can join
        # several), and it stops before the end of a sentence.
        errs.append("%s: the narration is not whole: %s" % (ctx, t[-80:]))


def check_list(s, summ, zh, ctx, errs):
    heads = ["#", "协议", "客户端", "服务器", "包数", "出现过"] if zh else \
        ["#", "proto", "client", "server", "pkts", "seen"]
    h = s[1] if len(s) > 1 else ""
    for w in heads:
        if w not in h:
            errs.append("%s: the heading %r is missing: %s" % (ctx, w, h))
    if h.count(heads[2]) != 2 or h.count(heads[3]) != 2:
        errs.append("%s: the state headings are missing: %s" % (ctx, h))
    st = "|".join(STATES + ["-"])
    row = re.compile(r"^[ >] (\d+) +(TCP|UDP) +(\S+) +\u2192 +(\S+) +(\d+) "
                     r"+(%s) +(%s) +(\S*)" % (st, st))
    seen = {}
    for l in s[2:]:
        m = row.match(l)
        if m:
            seen[int(m.group(1))] = m
    for cid, (proto, pk, cst, sst, flags) in summ.items():
        m = seen.get(cid)
        if m is None:
            errs.append("%s: conversation %d has no complete row" %
                        (ctx, cid))
            continue
        if m.group(2) != proto or int(m.group(5)) != pk or \
                m.group(6) != cst or m.group(7) != sst:
            errs.append("%s: conversation %d's row says %s" %
                        (ctx, cid, m.group(0)))
        if any(m.group(k).endswith(ELL) for k in (3, 4)) and \
                ctx.startswith(("120", "160")):
            errs.append("%s: an endpoint cut at this width: %s" %
                        (ctx, m.group(0)))
        full = flags.replace("DATA", "数据") if zh else flags
        brief = ",".join(BRIEF[f] for f in flags.split(",") if f)
        if m.group(8) not in (full, brief):
            errs.append("%s: conversation %d: flags seen %r, not %r" %
                        (ctx, cid, m.group(8), full))
        if m.group(8) != full and not ctx.startswith("80"):
            errs.append("%s: the flags are shortened at this width: %r" %
                        (ctx, m.group(8)))


# -------------------------------------------------------------- driving

def keys(*k):
    tmux("send-keys", "-t", "0", *k)


def start(cmd, cols, rows, zh):
    global SOCK, NSTART
    # A fresh server each time: reusing a socket races with its death.
    if SOCK is not None:
        tmux("kill-server", check=False)
    env = "LANG=C.UTF-8 LC_ALL= LANGUAGE= SYNFIN_LOCALEDIR=%s" % LOCALEDIR
    for attempt in range(3):
        NSTART += 1
        SOCK = "/tmp/synfin-ui-layout-%d-%d" % (os.getpid(), NSTART)
        try:
            tmux("new-session", "-d", "-x", str(cols), "-y", str(rows),
                 "env %s %s; sleep 60" % (env, cmd))
            break
        except RuntimeError:
            # A loaded machine: a server that did not come up.
            if attempt == 2:
                raise
            time.sleep(0.2)
    tmux("set-option", "-g", "window-size", "manual", check=False)


def resize(cols, rows):
    tmux("resize-window", "-t", "0", "-x", str(cols), "-y", str(rows))
    return wait(lambda s: len(s) == rows and status(s) is not None and
                max(width(l) for l in s) <= cols and
                width(s[-1].rstrip()) > cols // 3)


def steps(ctx, cols, rows, vocab, expected, errs, shots):
    """Every step of the conn shown, from the first."""
    keys("g")
    s = wait(lambda s: status(s) is not None and status(s)[0] == 1)
    if s is None:
        errs.append("%s: step 1 never shown" % ctx)
        return None
    n = status(s)[1]
    k = 1
    while k <= n:
        if k > 1:
            keys("Right")
            s = wait(lambda s, k=k: status(s) is not None and
                     status(s)[0] == k)
            if s is None:
                errs.append("%s: step %d never shown" % (ctx, k))
                return None
            # A lesson's last events may still come in.
            n = status(s)[1]
        shots[0] += 1
        c = "%s step %d/%d" % (ctx, k, n)
        check_screen(s, cols, rows, vocab, c, errs)
        check_narration(s, expected, c, errs)
        k += 1
    return s


def views(ctx, cols, rows, vocab, errs, shots, last, nviews):
    """Tab through the other views from the ladder, back to where it
    started; returns the screens."""
    out = []
    prev = last
    for v in range(nviews - 1):
        keys("Tab")
        s = wait(lambda s, p=prev: s != p, settle=0.05)
        if s is None:
            errs.append("%s: Tab changes nothing" % ctx)
            return out
        shots[0] += 1
        check_screen(s, cols, rows, vocab, "%s view %d" % (ctx, v + 2),
                     errs)
        out.append(s)
        prev = s
    return out


def replay(cap, zh, vocab):
    name = os.path.basename(cap)[:-5]
    lang = "zh_CN" if zh else "en"
    summ = summary(cap)
    env = {"SYNFIN_LOCALEDIR": LOCALEDIR, "LANG": "C.UTF-8"}
    args = [SYNFIN] + (["--lang", "zh_CN"] if zh else []) + \
        ["replay", "--text", "-v", cap]
    text = run(args, env)
    expected = narrations(text)
    v = vocab | words(text) | words(name)
    multi = len(summ) > 1
    shots = [0]
    start("%s %s replay %s" % (SYNFIN, "--lang zh_CN" if zh else "",
                               cap), 80, 24, zh)
    # Up and drawn before the first resize.
    wait(lambda s: status(s) is not None)
    for cols, rows in SIZES:
        errs = []
        ctx = "%dx%d %s %s" % (cols, rows, lang, name)
        if resize(cols, rows) is None:
            tap(False, "%s: the UI is drawn" % ctx, screen=screen())
            continue
        if multi:
            keys("g")
            s = wait(lambda s: re.search(r"^[ >] 1 ", "\n".join(s), re.M)
                     and len(s) > 1 and "#" in s[1])
            if s is None:
                errs.append("%s: the list does not open" % ctx)
            else:
                check_screen(s, cols, rows, v, ctx + " list", errs)
                check_list(s, summ, zh, "%s list" % ctx, errs)
                check_narration(s, None, ctx + " list", errs)
            for cid in sorted(summ):
                keys("g")
                for _ in range(cid - 1):
                    keys("Down")
                keys("Enter")
                want = "%d/%d" % (cid, len(summ))
                if wait(lambda s: want in s[0]) is None:
                    errs.append("%s: conversation %d not shown" %
                                (ctx, cid))
                    break
                last = steps("%s conn %d" % (ctx, cid), cols, rows, v,
                             expected, errs, shots)
                if last is None:
                    break
                views("%s conn %d" % (ctx, cid), cols, rows, v, errs,
                      shots, last, 4)
        else:
            last = steps(ctx, cols, rows, v, expected, errs, shots)
            if last is not None:
                views(ctx, cols, rows, v, errs, shots, last, 3)
                keys("Tab")
                if wait(lambda s: s == last) is None:
                    errs.append("%s: Tab does not come back to the "
                                "ladder" % ctx)
        tap(not errs, "%s: %d screens, nothing cut, glued or missing" %
            (ctx, shots[0]), errs, screen() if errs else None)
        shots[0] = 0


def demo_ok():
    r = subprocess.run([SYNFIN, "demo", "refused", "--text", "--pace", "0"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


def demo(lesson, zh, vocab):
    lang = "zh_CN" if zh else "en"
    cols, rows = 80, 24
    ctx = "%dx%d %s demo %s" % (cols, rows, lang, lesson)
    start("%s %s demo %s --pace 0" % (SYNFIN, "--lang zh_CN" if zh else "",
                                      lesson), cols, rows, zh)
    # The lesson ends: the UI stays, paused, on its last step, and the
    # status line no longer changes (a lesson may pause between calls).
    end = time.time() + 20
    s, since = None, time.time()
    while time.time() < end:
        t = screen()
        if not (re.search(r"(PAUSED|暂停)", t[-1] if t else "") and
                status(t) is not None and status(t)[0] == status(t)[1]):
            s = None
        elif s is None or status(t) != status(s):
            s, since = t, time.time()
        elif time.time() - since > 1.0:
            break
        time.sleep(0.05)
    else:
        s = None
    errs = []
    shots = [0]
    if s is None:
        tap(False, "%s: the lesson ends on screen" % ctx, screen=screen())
        return
    v = vocab | words(lesson)
    steps(ctx, cols, rows, v, None, errs, shots)
    tap(not errs, "%s: %d screens with socket calls, nothing cut" %
        (ctx, shots[0]), errs, screen() if errs else None)


def main():
    zh = os.path.exists(os.path.join(LOCALEDIR, "zh_CN", "LC_MESSAGES",
                                     "synfin.mo"))
    vocab = base_vocab()
    try:
        for cap in CAPS:
            for lang in ([False, True] if zh else [False]):
                replay(cap, lang, vocab)
        if not zh:
            msg = "no zh_CN catalogue in %s (make builds it)" % LOCALEDIR
            if os.environ.get("SYNFIN_REQUIRE_TOOLS") == "1":
                tap(False, "Chinese screens: " + msg)
            else:
                print("# SKIP Chinese screens: " + msg)
        if demo_ok():
            for lesson in ("half-close", "udp", "fastopen"):
                for lang in ([False, True] if zh else [False]):
                    demo(lesson, lang, vocab)
        else:
            print("# the demo cannot capture here: lessons run for real "
                  "skipped")
    finally:
        if SOCK is not None:
            tmux("kill-server", check=False)
    print("1..%d" % (n_ok + n_bad))
    return 1 if n_bad else 0


if __name__ == "__main__":
    sys.exit(main())
