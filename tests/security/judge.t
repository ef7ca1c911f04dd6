#!/usr/bin/env python3
"""HOSTILE.md rows 4 and 23 through the judge (issue 5).

Row 4, "a daemon started while compiling: compilation is sandboxed too; nothing survives
it": a C submission whose compiler options make gcc run every sub-program (cc1, as,
collect2) under a wrapper (`-wrapper /bin/sh,...`) that starts daemons first: setsid,
nohup, a double fork, one that ignores SIGTERM; some with their output descriptors
closed, some keeping gcc's stdout/stderr open. The wrapper then runs the real program,
so the submission still compiles. Afterwards no process of those daemons (found by the
unique numbers on their command lines) and no cell process without a live Stockade
supervisor may be left on the host, and the result must have come back without waiting
for the daemons.

Row 23: `#include "/dev/zero"`, an include bomb, a macro bomb, a C++ template explosion
(and `#include "/dev/stdin"`) end as compilation_error within the compile cell's limits
(never a hang, never internal_error), and the judge keeps working: an accepted
submission right after each.

Both rows go through the keeper (PROTO_JUDGE, which takes compiler_options and files)
on a private stack (build/stack.sh, its own run dir and ports), and row 23 also through
`stockade judge` (with --conf for small compile limits); row 4 through the CLI too when
it has --compiler-options.

Prints TAP. Needs root. Environment: STOCKADE_BIN, STOCKADE_BIN_DIR (the keeper's).
"""
import base64
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402
from tap import ok, skip, note  # noqa: E402
from cells import orphans, process_table  # noqa: E402  (tests/lib/cells.py)
from keeper import call  # noqa: E402  (tests/lib/keeper.py)

BIN = os.environ.get("STOCKADE_BIN") or os.path.join(ROOT, "build", "bin", "stockade")
BIN_DIR = os.environ.get("STOCKADE_BIN_DIR") or os.path.dirname(BIN)
PROTO_JUDGE, PROTO_LANGUAGES = 10, 11
# the compile cell's limits for this suite (conf <judge><compile>): small, so a bomb
# ends quickly
COMPILE_CPU_S, COMPILE_WALL_S, COMPILE_MEM = 3, 6, "256M"
GRACE = 3.0   # seconds a killed process may take to vanish from /proc

HELLO = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'
HELLO_TESTS = [{"stdin": "", "expected": "hello\n"}]

# -- row 4: the wrapper gcc runs cc1, as and collect2 under
DAEMON_RE = re.compile(rb"sleep\x0098765[0-9]")
WRAPPER_DETACHED = r"""# gcc -wrapper: starts daemons, then runs the real sub-program ("$@")
echo "DAEMON-STARTED $(basename "$1")" >&2
setsid sleep 987651 </dev/null >/dev/null 2>&1 &
d=$!
nohup sleep 987652 </dev/null >/dev/null 2>&1 &
( ( setsid sleep 987653 </dev/null >/dev/null 2>&1 & ) & )
setsid sh -c 'trap "" HUP INT TERM; exec sleep 987654' </dev/null >/dev/null 2>&1 &
sleep 0.2; kill -0 $d 2>/dev/null && echo "DAEMON-ALIVE" >&2
exec "$@"
"""
# (stderr only: under -pipe, cc1's stdout is the pipe to as, and a daemon holding it
# would make gcc itself wait forever, which the compile cell's wall limit ends as a
# compilation error; that is not what this case is about)
WRAPPER_HOLDING = r"""# gcc -wrapper: daemons that keep gcc's stderr (the compile output) open
echo "DAEMON-STARTED $(basename "$1")" >&2
setsid sleep 987655 </dev/null >/dev/null &
d=$!
( ( trap "" HUP TERM; exec sleep 987656 </dev/null >/dev/null ) & )
sleep 0.2; kill -0 $d 2>/dev/null && echo "DAEMON-ALIVE" >&2
exec "$@"
"""
# no file needed: sh -c with ${IFS} for spaces (compiler_options split on whitespace);
# the daemon keeps gcc's stderr open
WRAPPER_INLINE = ('-wrapper /bin/sh,-c,echo${IFS}DAEMON-STARTED>&2;'
                  'setsid${IFS}sleep${IFS}987657</dev/null>/dev/null&exec${IFS}"$0"${IFS}"$@"')

ROW23 = {
    "include-dev-zero": ("c", '#include "/dev/zero"\nint main(void) { return 0; }\n'),
    "include-self": ("c", "#include __FILE__\n#include __FILE__\nint main(void) { return 0; }\n"),
    "include-bomb-two-files": ("c", None),   # a.h includes b.h twice and b.h a.h twice (files)
    "macro-bomb": ("c", "".join(["#define A0 x+\n"] +
                                ["#define A%d A%d A%d\n" % (i, i - 1, i - 1) for i in range(1, 41)]) +
                   "int main(void) { int x = 1; return A40 0; }\n"),
    "template-explosion": ("cpp",
                           "template <int D, unsigned long long I> struct T {\n"
                           "  enum : unsigned long long { v = T<D - 1, 2 * I>::v + T<D - 1, 2 * I + 1>::v };\n"
                           "};\n"
                           "template <unsigned long long I> struct T<0, I> { enum : unsigned long long { v = 1 }; };\n"
                           "int main() { return T<40, 0>::v != 0; }\n"),
    "include-dev-stdin": ("c", '#include "/dev/stdin"\n' + HELLO),
}
BOMB_FILES = [
    {"name": "a.h", "content": '#include "b.h"\n#include "b.h"\nint a;\n'},
    {"name": "b.h", "content": '#include "a.h"\n#include "a.h"\nint b;\n'},
]


# ---------------------------------------------------------------- host processes

def daemons(table=None):
    table = process_table() if table is None else table
    return ["pid %d uid %s: %s" % (pid, sorted(set(ids)), cmd.replace(b"\0", b" ").decode("utf-8", "replace"))
            for pid, (ppid, ids, name, cmd) in sorted(table.items()) if DAEMON_RE.search(cmd)]


CGROUP_PATTERNS = ("/sys/fs/cgroup/memory/stockade/cell-*", "/sys/fs/cgroup/stockade/cell-*",
                   "/sys/fs/cgroup/unified/stockade/cell-*")


def cell_cgroup_tasks():
    """cell-<n> cgroup path -> the pids in it (memory controller on v1, the group on v2)."""
    out = {}
    for pat in CGROUP_PATTERNS:
        for d in glob.glob(pat):
            for f in ("tasks", "cgroup.procs"):
                try:
                    with open(os.path.join(d, f)) as fh:
                        out[d] = {int(x) for x in fh.read().split()}
                    break
                except OSError:
                    continue
    return out


def descends_from(pid, root, table):
    seen = set()
    while pid in table and pid not in seen and pid > 1:
        if pid == root:
            return True
        seen.add(pid)
        pid = table[pid][0]
    return pid == root


def settle(check):
    """check() -> list of problems; polls it for up to GRACE seconds until it is empty."""
    deadline = time.monotonic() + GRACE
    while True:
        left = check()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


# ---------------------------------------------------------------- keeper

class Stack:
    def __init__(self):
        self.run = tempfile.mkdtemp(prefix="h4-judge-sec.", dir="/tmp")
        os.chmod(self.run, 0o755)
        conf = os.path.join(self.run, "src.xml")
        with open(conf, "w") as f:
            f.write("""<stockade version="1"><keeper socket="/run/unused.sock"/>
  <runtime name="python" ready="0" max-sessions="4"/>
  <judge spare="4"><compile cpu="%d" wall="%d" memory="%s"/></judge>
</stockade>
""" % (COMPILE_CPU_S, COMPILE_WALL_S, COMPILE_MEM))
        self.env = dict(os.environ, STOCKADE_RUN_DIR=self.run, STOCKADE_CONF=conf,
                        STOCKADE_BIN_DIR=BIN_DIR, PORT=str(tap.free_port()),
                        STOCKADE_MEMCACHED_PORT=str(tap.free_port()))
        self.env.pop("STOCKADE_JUDGE_SPARE", None)
        self.sock = None

    def start(self):
        p = subprocess.run([os.path.join(ROOT, "build", "stack.sh"), "start"], env=self.env,
                           capture_output=True, timeout=300)
        if p.returncode != 0:
            return "stack.sh start failed: %s" % (p.stdout + p.stderr).decode("utf-8", "replace")[-1500:]
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(os.path.join(self.run, "pool.sock"))
        return None

    def judge(self, req, timeout=120):
        t0 = time.monotonic()
        try:
            rep = call(self.sock, PROTO_JUDGE, req, timeout)
        except (OSError, ConnectionError, ValueError) as e:
            # reconnect for the next request; this one failed
            self.sock.close()
            self.sock = socket.socket(socket.AF_UNIX)
            try:
                self.sock.connect(os.path.join(self.run, "pool.sock"))
            except OSError:
                pass
            return None, (time.monotonic() - t0) * 1000, repr(e)
        return rep, (time.monotonic() - t0) * 1000, None

    def keeper_cgroups(self):
        """The cell cgroups holding a process of this stack's keeper (its spare cells)."""
        try:
            with open(os.path.join(self.run, "pool.pid")) as f:
                keeper = int(f.read().strip())
        except (OSError, ValueError):
            return []
        table = process_table()
        return sorted(d for d, pids in cell_cgroup_tasks().items()
                      if any(descends_from(p, keeper, table) for p in pids))

    def stop(self):
        """Stops the stack; returns the keeper's cell cgroups that outlived it."""
        if self.sock:
            self.sock.close()
        mine = self.keeper_cgroups()
        subprocess.run([os.path.join(ROOT, "build", "stack.sh"), "stop"], env=self.env,
                       capture_output=True, timeout=120)
        shutil.rmtree(self.run, ignore_errors=True)
        self.cgroups_seen = len(mine)
        return settle(lambda: [d for d in mine if os.path.isdir(d)])


def compile_text(r):
    c = (r or {}).get("compile") or {}
    t = c.get("output") or ""
    if c.get("output_encoding") == "base64":
        t = base64.b64decode(t).decode("utf-8", "replace")
    return t


def short(x):
    return json.dumps(x)[:3000]


# ---------------------------------------------------------------- row 4

def row4_keeper(st):
    variants = [
        ("detached daemons (fds closed), wrapper in a staged file",
         {"files": [{"name": "evil.sh", "content": WRAPPER_DETACHED}],
          "compiler_options": "-wrapper /bin/sh,evil.sh"}),
        ("daemons holding gcc's stderr, wrapper in a staged file",
         {"files": [{"name": "evil.sh", "content": WRAPPER_HOLDING}],
          "compiler_options": "-wrapper /bin/sh,evil.sh"}),
        ("daemon holding stderr, wrapper inline (no file)",
         {"compiler_options": WRAPPER_INLINE}),
    ]
    for what, extra in variants:
        tag = "row 4 (keeper): " + what
        req = {"tenant": "hostile", "language": "c", "source": HELLO, "tests": HELLO_TESTS}
        req.update(extra)
        rep, ms, err = st.judge(req, timeout=COMPILE_WALL_S + 60)
        came = rep is not None and rep.get("ok") is True
        ok(came, "%s: a result came back (%.0f ms)" % (tag, ms), err or short(rep))
        if not came:
            continue
        r = rep["result"]
        text = compile_text(r)
        started = "DAEMON-STARTED" in text
        ok(started, "%s: the wrapper ran in the compile cell (its mark in the compile output)" % tag,
           short(r))
        if "files" in extra:
            ok("DAEMON-ALIVE" in text, "%s: a daemon was alive 0.2 s after it started" % tag, short(r))
        ok(r.get("verdict") == "accepted" and (r.get("compile") or {}).get("status") == "ok",
           "%s: still compiled and accepted" % tag, short(r))
        ok(ms < COMPILE_WALL_S * 1000,
           "%s: the reply did not wait for the daemons (%.0f ms < the compile wall limit %d s)"
           % (tag, ms, COMPILE_WALL_S), short(r))
        left = settle(daemons)
        ok(not left, "%s: no daemon survives" % tag, "\n".join(left))
        left = settle(orphans)
        ok(not left, "%s: no cell process without a live supervisor" % tag, "\n".join(left))


def row4_cli(tmp, has_opt):
    tag = "row 4 (CLI --compiler-options)"
    if not has_opt:
        skip(tag, "`stockade judge` has no --compiler-options: only the keeper path is tested")
        return
    src = os.path.join(tmp, "hello.c")
    with open(src, "w") as f:
        f.write(HELLO)
    td = os.path.join(tmp, "hello-tests")
    os.makedirs(td, exist_ok=True)
    with open(os.path.join(td, "01.in"), "w") as f:
        f.write("")
    with open(os.path.join(td, "01.out"), "w") as f:
        f.write("hello\n")
    t0 = time.monotonic()
    p = subprocess.run([BIN, "judge", "--conf", CLI_CONF, "--compiler-options", WRAPPER_INLINE, src, td],
                       capture_output=True, timeout=COMPILE_WALL_S + 60)
    ms = (time.monotonic() - t0) * 1000
    try:
        r = json.loads(p.stdout)
    except ValueError:
        r = None
    ok(p.returncode == 0 and r is not None, "%s: a result came back (%.0f ms)" % (tag, ms),
       "rc=%d out=%r err=%r" % (p.returncode, p.stdout[:500], p.stderr[:500]))
    if r is None:
        return
    ok("DAEMON-STARTED" in compile_text(r) and r.get("verdict") == "accepted",
       "%s: the wrapper ran, and the submission was accepted" % tag, short(r))
    left = settle(daemons)
    ok(not left, "%s: no daemon survives" % tag, "\n".join(left))
    left = settle(orphans)
    ok(not left, "%s: no cell process left" % tag, "\n".join(left))


# ---------------------------------------------------------------- row 23

def row23_check(tag, r, ms, hard_ms):
    ok(r.get("verdict") == "compilation_error" and (r.get("compile") or {}).get("status") == "compilation_error",
       "%s: compilation_error (got %s)" % (tag, r.get("verdict")), short(r))
    ok(r.get("tests") == [], "%s: no test ran" % tag, short(r))
    c = r.get("compile") or {}
    within = (isinstance(c.get("cpu_ms"), int) and c["cpu_ms"] <= COMPILE_CPU_S * 1000 + 1500 and
              isinstance(c.get("wall_ms"), int) and c["wall_ms"] <= COMPILE_WALL_S * 1000 + 1500 and
              isinstance(c.get("memory_kb"), int) and c["memory_kb"] <= 256 * 1024 + 8192)
    ok(within, "%s: within the compile limits (cpu %s ms, wall %s ms, memory %s KiB)"
       % (tag, c.get("cpu_ms"), c.get("wall_ms"), c.get("memory_kb")), short(c))
    ok(ms < hard_ms, "%s: answered in %.0f ms" % (tag, ms), short(r))


def row23_keeper(st):
    for name, (lang, src) in ROW23.items():
        tag = "row 23 (keeper): " + name
        req = {"tenant": "hostile", "language": lang, "tests": HELLO_TESTS}
        if src is None:
            req.update(source='#include "a.h"\nint main(void) { return 0; }\n', files=BOMB_FILES)
        else:
            req["source"] = src
        rep, ms, err = st.judge(req, timeout=COMPILE_WALL_S + 60)
        came = rep is not None and rep.get("ok") is True
        ok(came, "%s: a result came back" % tag, err or short(rep))
        if came:
            r = rep["result"]
            if name == "include-dev-stdin":
                # stdin of the compiler is empty (/dev/null: compiles) or a pipe nobody
                # writes (waits until the wall limit): either way a normal answer
                ok(r.get("verdict") in ("accepted", "compilation_error"),
                   "%s: accepted (empty stdin) or compilation_error, never internal (%s)"
                   % (tag, r.get("verdict")), short(r))
                ok(ms < COMPILE_WALL_S * 1000 + 10000, "%s: answered in %.0f ms" % (tag, ms), short(r))
            else:
                row23_check(tag, r, ms, COMPILE_WALL_S * 1000 + 10000)
        # the judge keeps working
        rep, ms, err = st.judge({"tenant": "hostile", "language": "c", "source": HELLO,
                                 "tests": HELLO_TESTS})
        ok(rep is not None and rep.get("ok") and rep["result"].get("verdict") == "accepted",
           "%s: an accepted submission right after" % tag, err or short(rep))
    left = settle(orphans)
    ok(not left, "row 23 (keeper): no cell process left without a supervisor", "\n".join(left))


CLI_CONF = None


def row23_cli(tmp):
    for name, (lang, src) in ROW23.items():
        tag = "row 23 (CLI): " + name
        d = os.path.join(tmp, "r23-" + name)
        os.makedirs(os.path.join(d, "t"))
        if src is None:
            # the CLI stages no extra files: a self-including pair is the include bomb
            tag += " (as one self-including file)"
            src = "#include __FILE__\n#include __FILE__\n#include __FILE__\nint x;\n"
        path = os.path.join(d, "main." + ("cpp" if lang == "cpp" else "c"))
        with open(path, "w") as f:
            f.write(src)
        with open(os.path.join(d, "t", "01.in"), "w") as f:
            f.write("")
        with open(os.path.join(d, "t", "01.out"), "w") as f:
            f.write("hello\n")
        t0 = time.monotonic()
        try:
            p = subprocess.run([BIN, "judge", "--conf", CLI_CONF, "--lang", lang, path, os.path.join(d, "t")],
                               capture_output=True, timeout=COMPILE_WALL_S + 60)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            rc, out, err = None, b"", b"timed out"
        ms = (time.monotonic() - t0) * 1000
        try:
            r = json.loads(out)
        except ValueError:
            r = None
        ok(rc == 0 and r is not None, "%s: exit 0 and a result" % tag,
           "rc=%r out=%r err=%r" % (rc, out[:500], err[:800]))
        if r is None:
            continue
        if name == "include-dev-stdin":
            ok(r.get("verdict") in ("accepted", "compilation_error"),
               "%s: accepted (empty stdin) or compilation_error (%s)" % (tag, r.get("verdict")), short(r))
        else:
            row23_check(tag, r, ms, COMPILE_WALL_S * 1000 + 15000)
    # and it keeps working
    d = os.path.join(tmp, "r23-after")
    os.makedirs(os.path.join(d, "t"))
    with open(os.path.join(d, "main.c"), "w") as f:
        f.write(HELLO)
    with open(os.path.join(d, "t", "01.in"), "w") as f:
        f.write("")
    with open(os.path.join(d, "t", "01.out"), "w") as f:
        f.write("hello\n")
    p = subprocess.run([BIN, "judge", "--conf", CLI_CONF, os.path.join(d, "main.c"), os.path.join(d, "t")],
                       capture_output=True, timeout=120)
    try:
        r = json.loads(p.stdout)
    except ValueError:
        r = {}
    ok(p.returncode == 0 and r.get("verdict") == "accepted", "row 23 (CLI): an accepted submission after them",
       "rc=%d out=%r err=%r" % (p.returncode, p.stdout[:500], p.stderr[:500]))
    left = settle(orphans)
    ok(not left, "row 23 (CLI): no cell process left", "\n".join(left))


# ---------------------------------------------------------------- main

def main():
    global CLI_CONF
    tap.need_root("cells and the keeper need root")
    if not os.access(BIN, os.X_OK):
        tap.skip_all("%s is not built" % BIN)
    h = subprocess.run([BIN, "judge", "--help"], capture_output=True)
    if b"unknown command" in h.stderr:
        tap.skip_all("%s has no judge command yet" % BIN)
    has_opt = b"--compiler-options" in h.stdout + h.stderr
    pre = settle(orphans)
    if pre:
        note("cell processes without a supervisor before the suite (not ours):\n" + "\n".join(pre))
    tmp = tempfile.mkdtemp(prefix="h4-judge-sec-cli.", dir="/tmp")
    CLI_CONF = os.path.join(tmp, "stockade.xml")
    with open(CLI_CONF, "w") as f:
        f.write("""<stockade version="1"><keeper socket="/run/unused.sock"/>
  <runtime name="python" ready="0"/>
  <judge><compile cpu="%d" wall="%d" memory="%s"/></judge>
</stockade>
""" % (COMPILE_CPU_S, COMPILE_WALL_S, COMPILE_MEM))
    t0 = time.monotonic()
    st = Stack()
    stopped = False
    try:
        why = st.start()
        if why:
            ok(False, "the private stack starts", why)
        else:
            rep = call(st.sock, PROTO_LANGUAGES, {}, 120)
            if not rep.get("ok"):
                skip("row 4 and row 23 through the keeper", "the keeper does not judge yet: %s" % short(rep))
            else:
                ok(any(l.get("name") == "c" for l in rep.get("languages", [])), "the keeper judges C",
                   short(rep))
                row4_keeper(st)
                row23_keeper(st)
                left = st.stop()
                stopped = True
                ok(st.cgroups_seen > 0 and not left,
                   "the keeper's stop removes its spare cells' cgroups (%d seen running)" % st.cgroups_seen,
                   "left behind:\n" + "\n".join(left))
    finally:
        if not stopped:
            st.stop()
    try:
        row4_cli(tmp, has_opt)
        row23_cli(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    left = settle(daemons)
    ok(not left, "global: no daemon of row 4 anywhere on the host", "\n".join(left))
    note("judge.t took %.1f s" % (time.monotonic() - t0))
    tap.plan()
    return tap.exit_code()


if __name__ == "__main__":
    sys.exit(main())
