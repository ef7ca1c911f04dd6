#!/usr/bin/env python3
# Drives the runners of sandbox/runners/ the way the keeper does (sandbox/warm.c): the
# same argv and environment, fds 0-3 as pipes, SIGINT to the process group, and checks
# the protocol of sandbox/runners/README.md. Prints TAP.
#
# The runners are NOT sandboxed here: only benign code goes through them.
#
#   tests/pool/runners.t [python|node|bash ...]
#
# Run as root with RUNNERS_UID=1000, the runners run as that uid while the pipes stay
# root's, as in a cell (the Node runner cannot simply reopen /proc/self/fd/N then).

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402  (tests/lib/tap.py)
from tap import ok  # noqa: E402
tap.DIAG_LINES = 20  # this script's own cap on a failure's diagnostics
RUNNERS = os.path.join(ROOT, "sandbox", "runners")


def runner_argv(lang):
    """As sandbox/runners.c builds it."""
    src = open(os.path.join(RUNNERS, {"python": "python.py", "node": "node.js",
                                      "bash": "bash.sh"}[lang])).read()
    return {"python": ["/usr/bin/python3", "-I", "-c", src],
            "node": ["/usr/bin/node", "-e", src],
            "bash": ["/usr/bin/bash", "--noprofile", "--norc", "-c", src, "bash"]}[lang]


class Runner:
    def __init__(self, lang):
        self.lang = lang
        self.dir = tempfile.mkdtemp(prefix="runner-")
        home = os.path.join(self.dir, "home")
        self.cwd = os.path.join(self.dir, "data")
        os.makedirs(os.path.join(home, "mpl"))
        os.makedirs(self.cwd)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home,
               "MPLCONFIGDIR": os.path.join(home, "mpl"), "MPLBACKEND": "Agg",
               "LANG": "C.UTF-8"}
        req_r, self.req = os.pipe()
        self.rep, rep_w = os.pipe()
        self.out, out_w = os.pipe()
        self.err, err_w = os.pipe()

        uid = int(os.environ.get("RUNNERS_UID", "-1"))
        if uid >= 0:
            for d, _, files in os.walk(self.dir):
                for name in [d] + [os.path.join(d, f) for f in files]:
                    os.chown(name, uid, uid)

        def fd3():
            # dup2 clears close-on-exec; a pipe end already at 3 needs it done by hand
            if rep_w == 3:
                os.set_inheritable(3, True)
            else:
                os.dup2(rep_w, 3)
            if uid >= 0:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)

        self.proc = subprocess.Popen(runner_argv(lang), stdin=req_r, stdout=out_w,
                                     stderr=err_w, cwd=self.cwd, env=env,
                                     start_new_session=True, pass_fds=(3,),
                                     preexec_fn=fd3)
        for fd in (req_r, rep_w, out_w, err_w):
            os.close(fd)
        for fd in (self.rep, self.out, self.err):
            fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NONBLOCK)
        self.buf = {self.rep: b"", self.out: b"", self.err: b""}
        self.eof = set()

    def _pump(self, deadline):
        """Reads what the pipes hold, waiting at most until `deadline`."""
        fds = [fd for fd in (self.rep, self.out, self.err) if fd not in self.eof]
        if not fds:
            return
        r, _, _ = select.select(fds, [], [], max(0, deadline - time.monotonic()))
        for fd in r:
            try:
                data = os.read(fd, 1 << 20)
            except BlockingIOError:
                continue
            if data:
                self.buf[fd] += data
            else:
                self.eof.add(fd)

    def frame(self, timeout=30):
        """The next reply (parsed), or None at EOF or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            b = self.buf[self.rep]
            nl = b.find(b"\n")
            if nl > 0:
                n = int(b[:nl])
                if len(b) >= nl + 1 + n:
                    self.buf[self.rep] = b[nl + 1 + n:]
                    self.raw = b[nl + 1:nl + 1 + n]
                    # everything printed before the reply is in the pipes by now
                    self.drain()
                    return json.loads(self.raw)
            if time.monotonic() >= deadline or self.rep in self.eof:
                return None
            self._pump(deadline)

    def drain(self):
        for fd in (self.out, self.err):
            while True:
                try:
                    data = os.read(fd, 1 << 20)
                except BlockingIOError:
                    break
                if not data:
                    break
                self.buf[fd] += data

    def send(self, code):
        body = code.encode() if isinstance(code, str) else code
        data = b"%d\n%s" % (len(body), body)
        while data:
            data = data[os.write(self.req, data):]

    def take_output(self):
        out, err = self.buf[self.out], self.buf[self.err]
        self.buf[self.out] = self.buf[self.err] = b""
        return out.decode(errors="replace"), err.decode(errors="replace")

    def run(self, code, timeout=30):
        """(reply, stdout, stderr) of one request."""
        self.take_output()
        self.send(code)
        reply = self.frame(timeout)
        out, err = self.take_output()
        return reply, out, err

    def interrupt(self):
        os.killpg(self.proc.pid, signal.SIGINT)

    def close(self):
        if self.req is not None:
            os.close(self.req)
            self.req = None
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # whatever the code left behind
        except ProcessLookupError:
            pass
        for fd in (self.rep, self.out, self.err):
            os.close(fd)
        shutil.rmtree(self.dir, ignore_errors=True)


def reply_ok(rep, **want):
    """Does the reply have these fields (and the protocol's shape)?"""
    if not isinstance(rep, dict):
        return False
    keys = {"status", "value", "value_repr", "exception", "images", "exit_code"}
    if set(rep) != keys:
        return False
    return all(rep.get(k) == v for k, v in want.items())


def timed_interrupt(r, code, after=0.5):
    """Sends `code`, interrupts it after `after` s: (reply, seconds to the reply)."""
    r.take_output()
    r.send(code)
    time.sleep(after)
    t0 = time.monotonic()
    r.interrupt()
    rep = r.frame(timeout=5)
    return rep, time.monotonic() - t0


def common_start(lang):
    r = Runner(lang)
    rep = r.frame(timeout=60)
    ok(rep == {"ready": True}, "%s: first frame is ready" % lang, rep)
    out, err = r.take_output()
    return r


def common_end(r, lang, state_check):
    code, want = state_check
    r.interrupt()
    time.sleep(0.3)
    ok(r.proc.poll() is None, "%s: SIGINT while idle leaves the runner alive" % lang)
    rep, out, err = r.run(code)
    ok(rep and rep["status"] == "ok" and want(rep, out),
       "%s: state intact after an idle SIGINT" % lang, (rep, out, err))
    os.close(r.req)
    r.req = None
    try:
        rc = r.proc.wait(5)
    except subprocess.TimeoutExpired:
        rc = None
    ok(rc == 0, "%s: EOF on fd 0 ends the runner (exit %s)" % (lang, rc))
    r.close()


# --- Python ------------------------------------------------------------------------
def test_python():
    lang = "python"
    r = common_start(lang)

    rep, out, err = r.run("x = 41\n")
    ok(reply_ok(rep, status="ok", value=None, value_repr=None, exception=None, images=[],
                exit_code=0), "python: assignment, no value", rep)
    rep, out, err = r.run("x + 1")
    ok(reply_ok(rep, status="ok", value=42), "python: state persists; last expression", rep)
    rep, out, err = r.run('{"a": [1, 2.5, "s\u00e9", None, True]}')
    ok(reply_ok(rep, value={"a": [1, 2.5, "s\u00e9", None, True]}, value_repr=None),
       "python: JSON value", rep)
    rep, out, err = r.run("{1, 2}")
    ok(reply_ok(rep, value=None, value_repr="{1, 2}"), "python: repr value", rep)
    rep, out, err = r.run("float('nan')")
    ok(reply_ok(rep, value=None, value_repr="nan"), "python: NaN goes by repr", rep)
    rep, out, err = r.run("list(range(300000))")
    ok(reply_ok(rep, value=None) and 0 < len(rep["value_repr"]) < 70000,
       "python: a value over 1 MB goes by a capped repr",
       rep and (rep["value"] is None, len(rep["value_repr"] or "")))
    rep, out, err = r.run("None")
    ok(reply_ok(rep, value=None, value_repr=None), "python: None is no value", rep)

    rep, out, err = r.run("def f():\n    return 1 / 0\nf()\n")
    e = rep and rep["exception"] or {}
    ok(reply_ok(rep, status="error", exit_code=1, value=None) and
       e.get("type") == "ZeroDivisionError" and e.get("message") == "division by zero" and
       "<cell" in e.get("traceback", "") and "in f" in e["traceback"] and
       "return 1 / 0" in e["traceback"] and "_run_user" not in e["traceback"] and
       "_execute" not in e["traceback"],
       "python: exception with the user's frames only", rep)
    rep, out, err = r.run("import json\njson.loads('{')")
    ok(rep and rep["exception"]["type"] == "json.decoder.JSONDecodeError",
       "python: exception type is qualified", rep)
    rep, out, err = r.run("x = (\n")
    ok(reply_ok(rep, status="error", exit_code=1) and
       rep["exception"]["type"] == "SyntaxError" and "<cell" in rep["exception"]["traceback"],
       "python: SyntaxError", rep)
    rep, out, err = r.run("import sys\nsys.exit(3)")
    ok(reply_ok(rep, status="error", exit_code=1) and
       rep["exception"]["type"] == "SystemExit" and rep["exception"]["message"] == "3",
       "python: sys.exit is an exception", rep)
    rep, out, err = r.run("exit()")
    ok(reply_ok(rep, status="error") and rep["exception"]["type"] == "SystemExit",
       "python: exit() too", rep)
    rep, out, err = r.run("x")
    ok(reply_ok(rep, status="ok", value=41), "python: alive after SystemExit", rep)

    rep, out, err = r.run("import sys, subprocess\nprint('a')\n"
                          "subprocess.run(['echo', 'b'])\nprint('c', file=sys.stderr)\n"
                          "print('d', end='')\n")
    ok(rep and rep["status"] == "ok" and out == "a\nb\nd" and err == "c\n",
       "python: stdout/stderr in order, before the reply", (rep, out, err))
    rep, out, err = r.run("import os\nos.readlink('/proc/self/fd/0'), "
                          "sorted(os.listdir('/proc/self/fd'))")
    v = rep and rep["value"]
    ok(v and v[0] == "/dev/null", "python: stdin is /dev/null", v)
    rep, out, err = r.run("import subprocess\n"
                          "sorted(subprocess.run(['ls', '/proc/self/fd'], capture_output=True,"
                          " text=True).stdout.split(), key=int)")
    ok(rep and rep["value"] == ["0", "1", "2", "3"],
       "python: a child inherits only fds 0-2 (3 is ls's own)", rep)

    rep, out, err = r.run("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()\n")
    imgs = rep and rep["images"] or []
    ok(reply_ok(rep, status="ok") and len(imgs) == 1 and
       base64.b64decode(imgs[0])[:8] == b"\x89PNG\r\n\x1a\n" and err == "",
       "python: one figure gives one PNG, and show() says nothing",
       (rep and dict(rep, images=len(imgs)), err))
    rep, out, err = r.run("plt.get_fignums()")
    ok(reply_ok(rep, value=[], images=[]), "python: figures are closed after", rep)

    rep, t = timed_interrupt(r, "y = 7\nwhile True:\n    pass\n")
    ok(reply_ok(rep, status="interrupted", exit_code=1) and
       rep["exception"]["type"] == "KeyboardInterrupt" and t < 2,
       "python: a busy loop is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "import time\ntime.sleep(100)")
    ok(reply_ok(rep, status="interrupted") and t < 2,
       "python: sleep is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "import subprocess\nsubprocess.run(['sleep', '100'])")
    ok(reply_ok(rep, status="interrupted") and t < 2,
       "python: a child's sleep is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "import asyncio\nawait asyncio.sleep(100)")
    ok(reply_ok(rep, status="interrupted") and t < 2,
       "python: top-level await is interrupted (%.2f s)" % t, rep)
    rep, out, err = r.run("import asyncio\nawait asyncio.sleep(0.01)\ny * 6")
    ok(reply_ok(rep, status="ok", value=42), "python: state intact after interrupts", rep)
    rep, out, err = r.run("class C:\n    def __repr__(self):\n        while True: pass\nC()",
                          timeout=1)
    ok(rep is None, "python: a looping __repr__ holds the reply...")
    r.interrupt()
    rep = r.frame(timeout=3)
    ok(reply_ok(rep, status="interrupted"), "python: ...until SIGINT", rep)
    rep, out, err = r.run("import os\nif os.fork() == 0:\n    print('child')\n")
    time.sleep(0.3)
    r.drain()
    out2, _ = r.take_output()
    ok(reply_ok(rep, status="ok") and "child" in out + out2 and r.frame(timeout=0.5) is None,
       "python: a forked child does not reply", (rep, out + out2))
    for i in range(1100):
        rep, out, err = r.run("%d" % i)
        if not reply_ok(rep, value=i):
            break
    rep, out, err = r.run("import linecache\n"
                          "sum(k.startswith('<cell ') for k in linecache.cache)")
    ok(reply_ok(rep, status="ok") and 900 <= rep["value"] <= 1000,
       "python: 1100 cells later only the last 1000 sources are kept (%s), so a busy "
       "session does not grow by every cell it ran" % (rep or {}).get("value"), rep)

    common_end(r, lang, ("x", lambda rep, out: rep["value"] == 41))


# --- Node ----------------------------------------------------------------------------
def test_node():
    lang = "node"
    r = common_start(lang)

    rep, out, err = r.run("var a = 1; function f(x) { return x * 2 }\nlet b = 5;")
    ok(reply_ok(rep, status="ok", value=None, value_repr=None, exception=None, images=[],
                exit_code=0), "node: declarations, no value", rep)
    rep, out, err = r.run("f(a) + b")
    ok(reply_ok(rep, status="ok", value=7), "node: var, function and let persist", rep)
    rep, out, err = r.run("({a: [1, 's\u00e9', null, true], b: {c: 2.5}})")
    ok(reply_ok(rep, value={"a": [1, "s\u00e9", None, True], "b": {"c": 2.5}},
                value_repr=None), "node: JSON value", rep)
    rep, out, err = r.run("new Map([[1, 2]])")
    ok(reply_ok(rep, value=None, value_repr="Map(1) { 1 => 2 }"), "node: inspect value", rep)
    rep, out, err = r.run("NaN")
    ok(reply_ok(rep, value=None, value_repr="NaN"), "node: NaN goes by inspect", rep)
    rep, out, err = r.run("var o = {}; o.self = o; o")
    ok(reply_ok(rep, value=None) and "Circular" in rep["value_repr"],
       "node: a cycle goes by inspect", rep)
    rep, out, err = r.run("undefined")
    ok(reply_ok(rep, value=None, value_repr=None), "node: undefined is no value", rep)

    rep, out, err = r.run("function g() { return null.x }\ng()")
    e = rep and rep["exception"] or {}
    ok(reply_ok(rep, status="error", exit_code=1) and e.get("type") == "TypeError" and
       "null" in e.get("message", "") and "<cell" in e.get("traceback", "") and
       "at g" in e["traceback"] and "[eval]" not in e["traceback"] and
       "node:vm" not in e["traceback"], "node: exception with the user's frames only", rep)
    rep, out, err = r.run("throw 42")
    ok(reply_ok(rep, status="error") and rep["exception"]["type"] == "number" and
       rep["exception"]["message"] == "42", "node: a thrown non-Error", rep)
    rep, out, err = r.run("let = ;")
    ok(reply_ok(rep, status="error", exit_code=1) and
       rep["exception"]["type"] == "SyntaxError" and "<cell" in rep["exception"]["traceback"],
       "node: SyntaxError", rep)
    rep, out, err = r.run("process.exit(3)")
    ok(reply_ok(rep, status="error", exit_code=1) and
       rep["exception"]["type"] == "ProcessExit", "node: process.exit is an exception", rep)
    rep, out, err = r.run("a")
    ok(reply_ok(rep, status="ok", value=1), "node: alive after process.exit", rep)

    rep, out, err = r.run("console.log('a'); require('child_process').execSync('echo b', "
                          "{stdio: 'inherit'}); console.error('c'); "
                          "process.stdout.write('d'.repeat(200000)); console.log('e')")
    ok(rep and rep["status"] == "ok" and out == "a\nb\n" + "d" * 200000 + "e\n" and err == "c\n",
       "node: stdout/stderr in order, before the reply (200 kB)", (rep, out[:50], err))
    rep, out, err = r.run("require('fs').readlinkSync('/proc/self/fd/0')")
    ok(rep and rep["value"] == "/dev/null", "node: stdin is /dev/null", rep)
    rep, out, err = r.run("require('child_process').execSync('ls /proc/self/fd', "
                          "{stdio: ['inherit', 'pipe', 'inherit']}).toString().split('\\n')"
                          ".filter(Boolean).map(Number).sort((x, y) => x - y)")
    ok(rep and rep["value"] == [0, 1, 2, 3],
       "node: a child inherits only fds 0-2 (3 is ls's own)", rep)
    rep, out, err = r.run("require('fs').readFileSync(0, 'utf8')")
    ok(rep and rep["value"] == "", "node: reading stdin gives nothing", rep)

    rep, out, err = r.run("(async () => { await new Promise(r => setTimeout(r, 50)); "
                          "return a + 4 })()")
    ok(reply_ok(rep, status="ok", value=5), "node: a promise is awaited", rep)
    rep, out, err = r.run("Promise.reject(new RangeError('no'))")
    ok(reply_ok(rep, status="error") and rep["exception"]["type"] == "RangeError",
       "node: a rejection is an exception", rep)
    rep, out, err = r.run("setTimeout(() => { throw new Error('later') }, 10); 1")
    time.sleep(0.3)
    rep2, out2, err2 = r.run("a")
    ok(reply_ok(rep2, value=1) and "later" in err + err2,
       "node: an uncaught error in a callback is reported, the runner lives",
       (rep2, err + err2))

    rep, t = timed_interrupt(r, "var y = 7; while (true) {}")
    ok(reply_ok(rep, status="interrupted", exit_code=1) and t < 2,
       "node: a busy loop is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "new Promise(() => {})")
    ok(reply_ok(rep, status="interrupted") and t < 2,
       "node: awaiting is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "require('child_process').execSync('sleep 100')")
    ok(rep is not None and rep["status"] in ("interrupted", "error") and t < 2,
       "node: a child's sleep is interrupted (%.2f s, %s)" % (t, rep and rep["status"]), rep)
    rep, out, err = r.run("y * 6")
    ok(reply_ok(rep, status="ok", value=42), "node: state intact after interrupts", rep)

    r.send("1")
    r.send("2")
    r.send("a + 10")
    reps = [r.frame(), r.frame(), r.frame()]
    ok([x and x["value"] for x in reps] == [1, 2, 11], "node: queued requests, in order", reps)

    common_end(r, lang, ("a", lambda rep, out: rep["value"] == 1))


# --- Bash ----------------------------------------------------------------------------
def test_bash():
    lang = "bash"
    r = common_start(lang)

    rep, out, err = r.run("x=5; declare -A m=([k]=v); cd /tmp")
    ok(reply_ok(rep, status="ok", value=None, value_repr=None, exception=None, images=[],
                exit_code=0), "bash: reply shape", rep)
    rep, out, err = r.run('echo "$x ${m[k]} $PWD"')
    ok(reply_ok(rep, status="ok", exit_code=0) and out == "5 v /tmp\n",
       "bash: variables, declare -A and cwd persist", (rep, out, err))
    rep, out, err = r.run("false")
    ok(reply_ok(rep, status="ok", exit_code=1), "bash: exit_code is $?", rep)
    rep, out, err = r.run("exit 3; echo not reached")
    ok(reply_ok(rep, status="ok", exit_code=3) and out == "", "bash: exit ends the request",
       (rep, out))
    rep, out, err = r.run("f() { exit 4; }; f; echo not reached")
    ok(reply_ok(rep, status="ok", exit_code=4) and out == "",
       "bash: exit in a function too", (rep, out))
    rep, out, err = r.run("(exit 6); echo \"sub $?\"; exit abc")
    ok(reply_ok(rep, exit_code=2) and out == "sub 6\n" and "numeric argument" in err,
       "bash: a subshell's exit, exit's own checks", (rep, out, err))
    rep, out, err = r.run("return 7; echo not reached")
    ok(reply_ok(rep, status="ok", exit_code=7) and out == "", "bash: return ends the request",
       (rep, out))
    rep, out, err = r.run("if then")
    ok(reply_ok(rep, status="ok", exit_code=2) and "syntax error" in err,
       "bash: a syntax error is exit code 2", (rep, err))
    rep, out, err = r.run("echo $x")
    ok(out == "5\n", "bash: alive after exit and errors", (rep, out, err))

    rep, out, err = r.run("echo a; /bin/echo b; echo c >&2; printf d")
    ok(rep and out == "a\nb\nd" and err == "c\n",
       "bash: stdout/stderr in order, before the reply", (rep, out, err))
    rep, out, err = r.run("readlink /proc/self/fd/0; ls /proc/self/fd | sort -n | tr '\\n' ' '")
    ok(out == "/dev/null\n0 1 2 3 ", "bash: a child has /dev/null and fds 0-2 only",
       (rep, out, err))
    rep, out, err = r.run("cat; echo done")
    ok(out == "done\n", "bash: commands reading stdin get EOF", (rep, out))
    rep, out, err = r.run(b"echo one\x00echo two")
    ok(reply_ok(rep, exit_code=2) and "NUL" in err, "bash: a NUL byte is refused",
       (rep, out, err))
    rep, out, err = r.run("echo 'h\u00e9llo w\u00f6rld'; echo $LINENO ${#x}")
    ok(out == "h\u00e9llo w\u00f6rld\n1 1\n", "bash: framing counts bytes (UTF-8 body)",
       (rep, out))
    rep, out, err = r.run("set -x; y=1")
    rep, out, err = r.run("z=2")
    ok(rep["exit_code"] == 0 and "z=2" in err and "__sk" not in err and "/dev/fd" not in err,
       "bash: xtrace traces the user's code, not the runner's", err)
    rep, out, err = r.run("set +x; set -eu")
    rep, out, err = r.run("grep -q nothing /dev/null && echo found")
    ok(reply_ok(rep, status="ok", exit_code=1),
       "bash: under set -e, a failure that errexit ignores ends the request only", rep)
    rep, out, err = r.run("exit 3")
    ok(reply_ok(rep, status="ok", exit_code=3), "bash: exit under set -eu", rep)
    rep, t = timed_interrupt(r, "sleep 100")
    rep, out, err = r.run('echo "$-"')
    ok("e" in out and "u" in out, "bash: set -eu survives exit and an interrupt", (rep, out))
    rep, out, err = r.run("set +eu; set -u -o pipefail")
    rep, out, err = r.run("echo \"$- $SHELLOPTS\" | grep -q 'u.*pipefail' && echo kept")
    ok(out == "kept\n", "bash: the user's options persist", (rep, out, err))
    r.run("set +u +o pipefail")

    rep, t = timed_interrupt(r, "y=7; sleep 100; echo not reached")
    ok(reply_ok(rep, status="interrupted", exit_code=130) and t < 2,
       "bash: a foreground sleep is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "while :; do :; done; echo not reached")
    ok(reply_ok(rep, status="interrupted") and t < 2,
       "bash: a shell loop is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "g() { for i in 1 2; do while true; do :; done; done; }; "
                             "h() { g; echo nr1; }; h; echo nr2")
    ok(reply_ok(rep, status="interrupted") and t < 2,
       "bash: a loop in nested functions is interrupted (%.2f s)" % t, rep)
    rep, t = timed_interrupt(r, "v=$(while :; do :; done); echo not reached")
    ok(reply_ok(rep, status="interrupted") and t < 2,
       "bash: a loop in a command substitution is interrupted (%.2f s)" % t, rep)
    rep, out, err = r.run('echo "$x $y"; g() { echo g; }; g')
    ok(reply_ok(rep, status="ok") and out == "5 7\ng\n" and "not reached" not in out,
       "bash: state intact after interrupts, functions still run", (rep, out, err))

    common_end(r, lang, ("echo $x", lambda rep, out: out == "5\n"))

    # set -e ends the shell, as it would end a script; the reply still comes
    r = Runner(lang)
    r.frame(timeout=30)
    rep, out, err = r.run("set -e; echo a; false; echo not reached")
    try:
        rc = r.proc.wait(5)
    except subprocess.TimeoutExpired:
        rc = None
    ok(reply_ok(rep, status="ok", exit_code=1) and out == "a\n" and rc is not None,
       "bash: set -e failure replies, then the runner ends", (rep, out, err, rc))
    r.close()


def main():
    langs = sys.argv[1:] or ["python", "node", "bash"]
    for lang in langs:
        {"python": test_python, "node": test_node, "bash": test_bash}[lang]()
    tap.plan()
    sys.exit(tap.exit_code())


if __name__ == "__main__":
    main()
