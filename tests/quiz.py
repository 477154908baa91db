#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""--quiz --text, answered on standard input as a script would.

A lesson and a lab run for real, then asked: the first question answered
right, the second wrong on purpose, the rest with 1; the verdicts, the
explanation and the score at the end are checked, in English and in
Chinese.  Prints one line per check and "N passed, M failed".
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo  # noqa: E402  (report)

SYNFIN = demo.SYNFIN
LABS = os.path.join(os.environ.get("top_srcdir", "."), "labs")

WORDS = {
    "en": {"answer": "Answer with a number from 1 to", "right": "Right.",
           "wrong": "Not quite: it is %s.", "why": "Why: ",
           "score": "Quiz: %d of %d answers right.",
           "flags": "Which flags does it carry?",
           "state": "which state does the server enter?"},
    "zh_CN": {"answer": "请输入 1 到", "right": "答对了。",
              "wrong": "不对：答案是 %s。", "why": "原因：",
              "score": "测验：共 %2$d 题，答对 %1$d 题。",
              "flags": "带有哪些标志？",
              "state": "服务器进入哪个状态？"},
}


def score_line(lang, right, asked):
    s = WORDS[lang]["score"]
    if "%2$d" in s:
        return s.replace("%2$d", str(asked)).replace("%1$d", str(right))
    return s % (right, asked)


def quiz(args, lang, want_first=None, avoid_second=None):
    """Run a quiz; answer q1 with want_first, q2 with anything but
    avoid_second, the rest with 1.  Returns (rc, questions, out)."""
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
    p = subprocess.Popen([SYNFIN, "--lang", lang] + args,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    out, qs, choices, question = [], [], [], None
    for line in p.stdout:
        out.append(line)
        if line.startswith("? "):
            question, choices = line[2:].strip(), []
        elif line.startswith("  ") and ") " in line[:6] and \
                line.strip()[0].isdigit():
            choices.append(line.split(") ", 1)[1].strip())
        elif line.startswith(WORDS[lang]["answer"]) and question:
            n = len(qs)
            pick = 1
            if n == 0 and want_first in choices:
                pick = choices.index(want_first) + 1
            elif n == 1 and avoid_second is not None:
                pick = next(i + 1 for i, c in enumerate(choices)
                            if c != avoid_second)
            qs.append((question, choices, pick))
            question = None
            p.stdin.write("%d\n" % pick)
            p.stdin.flush()
    p.stdin.close()
    err = p.stderr.read()
    p.wait(timeout=60)
    return p.returncode, qs, "".join(out), err


def main():
    for lang in ("en", "zh_CN"):
        w = WORDS[lang]
        rc, qs, out, err = quiz(["demo", "handshake", "--quiz", "--text",
                                 "--pace", "0", "--port", "52400"], lang,
                                "SYN", "SYN_RECEIVED")
        if rc != 0 and "capture" in err.lower() and os.geteuid() != 0:
            print("SKIP: this user cannot capture here: %s" % err.strip())
            return 77
        demo.report(rc == 0 and len(qs) >= 5,
                    "%s: demo handshake --quiz --text asks %d questions" %
                    (lang, len(qs)), err[-300:])
        demo.report(len(qs) > 1 and w["flags"] in qs[0][0] and
                    w["state"] in qs[1][0] and
                    3 <= len(qs[0][1]) <= 4 and "SYN" in qs[0][1],
                    "%s: flags first, then the server's state, 3-4 "
                    "choices" % lang, repr(qs[:2]))
        blocks = out.split("\n? ")
        demo.report(len(blocks) > 2 and w["right"] in blocks[1] and
                    w["why"] in blocks[1] and "SYN" in blocks[1],
                    "%s: a right answer: said so, with the why" % lang,
                    blocks[1][:400] if len(blocks) > 1 else out[:400])
        demo.report(len(blocks) > 2 and
                    (w["wrong"] % "SYN_RECEIVED") in blocks[2],
                    "%s: a wrong answer: the right one is named" % lang,
                    blocks[2][:400] if len(blocks) > 2 else "")
        nright = out.count(w["right"])
        demo.report(score_line(lang, nright, len(qs)) in out and
                    out.rstrip().endswith(score_line(lang, nright,
                                                     len(qs))) and
                    nright >= 1 and nright < len(qs),
                    "%s: the score at the end: %d of %d" %
                    (lang, nright, len(qs)), out[-300:])
        demo.report("C->S SYN " in blocks[1] if len(blocks) > 1 else False,
                    "%s: the step is shown after its question" % lang, "")

    rc, qs, out, err = quiz(["lab", "--script",
                             os.path.join(LABS, "unread-close.lab"),
                             "--quiz", "--text", "--pace", "0", "--port",
                             "52402"], "en")
    demo.report(rc == 0 and len(qs) >= 3 and
                "S->C RST" in out.split("\n? ")[-1] and
                "Quiz: " in out.splitlines()[-1],
                "lab --script --quiz --text: the last question is before "
                "the RST, and a score", out[-300:] + err[-200:])

    p = subprocess.run([SYNFIN, "demo", "handshake", "--quiz", "--text",
                        "--pace", "0", "--port", "52404"],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=60)
    demo.report(p.returncode == 0 and "Quiz: 0 of 0 answers right." in
                p.stdout and "S->C FIN-ACK" in p.stdout,
                "no answers (end of input): the rest is shown, 0 of 0",
                p.stdout[-300:])
    for args, want in ((["demo", "--quiz", "--json"], "--quiz asks in the "
                        "UI or with --text"),
                       (["replay", "--quiz", "x.pcap"], "--quiz is for "
                        "demo and lab"),
                       (["lab", "--quiz", "--text"], "needs a terminal"),
                       (["demo", "--quiz", "--step"], "--step is not "
                        "needed")):
        p = subprocess.run([SYNFIN] + args, capture_output=True, text=True,
                           timeout=20)
        demo.report(p.returncode == 2 and want in p.stderr,
                    "usage: %s" % " ".join(args), p.stderr)
    print("%d passed, %d failed" % (demo.passed, demo.failed))
    return 0 if demo.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
