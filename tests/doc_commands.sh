#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Every synfin command the documentation tells a reader to type, checked
# against the synfin that was built: README.md and the teaching guides.
# From the fenced shell blocks (``` or ```sh; in a block with "$ "
# prompts, only the prompted lines), each "synfin ..." or "./synfin ..."
# command must name a subcommand that exists, options that --help lists,
# lessons that 'demo --list' lists and files under captures/ that exist.
# replay commands are run, with --text appended (as written when they
# export: their files go to a temporary directory), and must exit 0; a
# demo that exports a diagram is run too, at --pace 0, where the demo can
# capture.  One line per command.  Skips (77) only without python3.
set -u
: "${SYNFIN:?}" "${top_srcdir:?}"
# Without python3: a skip, or a failure where CI requires every tool.
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"
	[ "${SYNFIN_REQUIRE_TOOLS:-0}" = 1 ] && exit 99; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

LC_ALL=C LANGUAGE='' "$SYNFIN" --help >"$tmp/help" 2>&1 ||
	{ echo "not ok - synfin --help fails"; exit 1; }
LC_ALL=C LANGUAGE='' "$SYNFIN" demo --list >"$tmp/lessons" 2>&1 ||
	{ echo "not ok - synfin demo --list fails"; exit 1; }

SYNFIN_TMP=$tmp python3 - "$top_srcdir" README.md doc/teaching-guide.md \
    doc/teaching-guide.zh_CN.md <<'PY'
import os, re, shlex, subprocess, sys

srcdir, docs = sys.argv[1], sys.argv[2:]
synfin, tmp = os.environ["SYNFIN"], os.environ["SYNFIN_TMP"]
help_text = open(os.path.join(tmp, "help"), encoding="utf-8").read()
OPTS = set(re.findall(r"(?<![\w-])(--?[A-Za-z][A-Za-z-]*)", help_text))
VALUED = set(re.findall(r"(?<![\w-])(--?[A-Za-z][a-z-]*)[ =][A-Z][A-Z_]+\b",
    help_text))
m = re.search(r"^Commands:\n(.*?)\n\n", help_text, re.M | re.S)
SUBCMDS = set(re.findall(r"^  ([a-z]+) ", m.group(1), re.M)) if m else set()
LESSONS = {l.split()[0] for l in open(os.path.join(tmp, "lessons"),
    encoding="utf-8") if l.strip()}
SHELL_INFO = {"", "sh", "shell", "bash", "console", "sh-session", "zsh"}
EXPORTS = {"--svg", "--mermaid", "--ladder"}
MODES = {"--text", "--json", "--summary", "--mermaid", "--ladder"}
SEPS = {"&&", "||", ";", "|", "&", "(", ")"}
REDIR = {">", ">>", "<", ">|"}
npass = nfail = 0
demo_ok = None


def report(ok, where, cmd, note):
    global npass, nfail
    if ok:
        npass += 1
    else:
        nfail += 1
    print("%s - %s: %s%s" % ("ok" if ok else "not ok", where, cmd,
        " (%s)" % note if note else ""))


def blocks(path):
    """(line number, text) of the command lines of the shell blocks."""
    out, fence, info, body = [], None, "", []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        s = line.strip()
        if fence is None:
            m = re.match(r"(```+|~~~+)\s*([\w-]*)", s)
            if m:
                fence, info, body = m.group(1), m.group(2).lower(), []
            continue
        if s.startswith(fence):
            if info in SHELL_INFO:
                if any(t.startswith("$ ") for _, t in body):
                    body = [(k, t[2:]) for k, t in body if t.startswith("$ ")]
                out.extend(join_continued(body))
            fence = None
            continue
        body.append((n, s))
    return out


def join_continued(body):
    out, acc, first = [], "", None
    for n, t in body:
        if first is None:
            first = n
        if t.endswith("\\"):
            acc += t[:-1] + " "
            continue
        out.append((first, acc + t))
        acc, first = "", None
    return out


def split(text):
    lex = shlex.shlex(text, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    return list(lex)


def commands(text):
    """(env, words, redirections) of each synfin command in a line."""
    try:
        toks = split(text)
    except ValueError:
        return []
    segs, cur = [], []
    for t in toks + [";"]:
        if t in SEPS:
            if cur:
                segs.append(cur)
            cur = []
        else:
            cur.append(t)
    found = []
    for seg in segs:
        env = {}
        while seg and (seg[0] in ("sudo", "env", "time") or
                re.match(r"[A-Za-z_]\w*=", seg[0])):
            if "=" in seg[0]:
                k, v = seg[0].split("=", 1)
                env[k] = v
            seg = seg[1:]
        if not seg or os.path.basename(seg[0]) != "synfin":
            continue
        if len(seg) > 1 and seg[1] == "(":
            continue
        words, redir, i = [], [], 1
        while i < len(seg):
            t = seg[i]
            if re.fullmatch(r"[0-9]", t) and i + 1 < len(seg) and \
                    seg[i + 1] in REDIR:
                i += 1
                t = seg[i]
            if t in REDIR:
                if i + 1 < len(seg):
                    redir.append((t, seg[i + 1]))
                i += 2
                continue
            words.append(t)
            i += 1
        found.append((env, words, redir))
    return found


def parse(words):
    """Options with their values, and the positional arguments."""
    opts, pos, i = [], [], 0
    while i < len(words):
        w = words[i]
        if w == "--":
            # synfin run -- PROGRAM ARGS: the program's, not synfin's
            pos.extend(words[i + 1:])
            break
        if w.startswith("-") and w != "-":
            name, _, val = w.partition("=")
            if not _ and name in VALUED and i + 1 < len(words):
                val = words[i + 1]
                i += 1
            opts.append((name, val))
        else:
            pos.append(w)
        i += 1
    return opts, pos


def local(path):
    """A path under captures/ as a file of the source tree, else None."""
    k = path.find("captures/")
    return os.path.join(srcdir, path[k:]) if k >= 0 else None


def can_demo():
    global demo_ok
    if demo_ok is None:
        r = subprocess.run([synfin, "demo", "refused", "--pace", "0",
            "--text"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        demo_ok = r.returncode == 0
    return demo_ok


def run(env, words, redir, opts, where, cmd, append):
    """Run it from the source tree, with every written file in tmp."""
    out_file, in_file, argv = None, None, []
    words = list(words)
    for k, w in enumerate(words):
        if k > 0 and words[k - 1] == "--svg" and w != "-":
            words[k] = os.path.join(tmp, os.path.basename(w))
        elif w.startswith("--svg=") and w != "--svg=-":
            words[k] = "--svg=" + os.path.join(tmp, os.path.basename(w[6:]))
    for op, f in redir:
        if op == "<":
            in_file = os.path.join(srcdir, f)
        else:
            out_file = os.path.join(tmp, os.path.basename(f))
    argv = [synfin] + words + append
    e = dict(os.environ)
    e.update(env)
    try:
        with open(in_file, "rb") if in_file else open(os.devnull, "rb") \
                as fin, open(out_file or os.path.join(tmp, "out"),
                "wb") as fout:
            r = subprocess.run(argv, cwd=srcdir, env=e, stdin=fin,
                stdout=fout, stderr=subprocess.PIPE, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as x:
        report(False, where, cmd, "cannot run: %s" % x)
        return
    if r.returncode != 0:
        err = r.stderr.decode(errors="replace").strip().splitlines()
        err = [l for l in err if l.startswith("synfin: ")] or err
        report(False, where, cmd, "exit %d: %s" % (r.returncode,
            err[0] if err else ""))
        return
    for k, w in enumerate(words):
        if k > 0 and words[k - 1] == "--svg" and w != "-" and \
                os.path.getsize(w) == 0:
            report(False, where, cmd, "%s is empty" % w)
            return
    report(True, where, cmd, "ran%s: exit 0" % (" with " + " ".join(append)
        if append else ""))


def check(where, env, words, redir):
    cmd = " ".join(["synfin"] + [shlex.quote(w) for w in words] +
        ["%s %s" % r for r in redir])
    opts, pos = parse(words)
    bad = [o for o, _ in opts if o not in OPTS]
    if bad:
        return report(False, where, cmd, "not in --help: " + " ".join(bad))
    names = dict(opts)
    if pos and pos[0] in SUBCMDS:
        sub, args = pos[0], pos[1:]
    elif "-r" in names:
        sub, args = "replay", [names["-r"]] + pos
    elif not pos:
        sub, args = None, []
    else:
        return report(False, where, cmd, "no such command: " + pos[0])
    if sub == "demo" and args and args[0] not in LESSONS:
        return report(False, where, cmd, "no such lesson: " + args[0])
    files = [v for _, v in opts if v] + args + [f for _, f in redir]
    for f in files:
        p = local(f)
        if p is not None and not os.path.isfile(p):
            return report(False, where, cmd, "no such file: " + f)
    exports = EXPORTS & set(names) or any(op != "<" for op, _ in redir)
    if sub == "replay":
        src = args[0] if args else None
        if src is None:
            return report(False, where, cmd, "replay without a FILE")
        if src != "-" and local(src) is None:
            return report(True, where, cmd,
                "checked; not run: %s is an example name" % src)
        append = [] if exports or MODES & set(names) else ["--text"]
        return run(env, words, redir, opts, where, cmd, append)
    if sub == "demo" and exports:
        if not can_demo():
            return report(True, where, cmd,
                "checked; not run: the demo cannot capture here")
        words = [w for w in words if w != "--step"]
        return run(env, words, redir, opts, where, cmd, ["--pace", "0"])
    report(True, where, cmd, "checked")


for doc in docs:
    path = os.path.join(srcdir, doc)
    if not os.path.isfile(path):
        report(False, doc, "(missing)", "no such file")
        continue
    seen = 0
    for n, text in blocks(path):
        for env, words, redir in commands(text):
            seen += 1
            check("%s:%d" % (doc, n), env, words, redir)
    if seen == 0:
        report(False, doc, "(none)", "no synfin command in a shell block")

print("1..%d" % (npass + nfail))
print("# %d passed, %d failed" % (npass, nfail))
sys.exit(1 if nfail else 0)
PY
