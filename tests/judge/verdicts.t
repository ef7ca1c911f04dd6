#!/usr/bin/env python3
"""The judge's verdict matrix, through `stockade judge` (issue 5).

For each language (c, cpp, python, node, bash, java) a program that is accepted, wrong,
too slow in CPU, sleeping past the wall limit, too hungry, too talkative, crashing by a
signal and by a non-zero exit, and (compiled languages) not compiling, each judged
against a directory of NN.in / NN.out files; then the severity of mixed verdicts, the
comparison modes, a .in without .out, tests named other than NN, stdin beyond a pipe's
64 KiB, binary output, program output that pretends to be a verdict, programs near the
limits (under them: accepted; CPU past the limit within the extra time; threads;
children outliving main), --redirect-stderr, --arg, --runs and --width, a submission
with 30 tests that is compiled once, and at the end no cell process left on the host.

Java cannot send itself a signal (Runtime.halt is an exit): its "signal" case crashes
the JVM with a write to address 0 through sun.misc.Unsafe (the JVM aborts: SIGABRT),
and an extra "exception" case checks that an uncaught exception is exit code 1.

The programs are tests/judge/progs/<lang>/<case>.<ext> and tests/judge/progs/extra/.
Prints TAP. Needs root (cells). Environment:
    STOCKADE_BIN     the CLI (default <repo>/build/bin/stockade)
    JUDGE_T_JOBS     judgements run at once (default 2)
    JUDGE_T_ONLY     comma-separated languages or sections to run (default: all), e.g.
                     "c,python" or "severity,compare"; sections: severity compare
                     no-out stdin fake names binary options edges compile-once
"""
import base64
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGS = os.path.join(HERE, "progs")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402  (tests/lib/tap.py)
from tap import ok, skip, note  # noqa: E402
from cells import orphans  # noqa: E402  (tests/lib/cells.py)

BIN = os.environ.get("STOCKADE_BIN") or os.path.join(ROOT, "build", "bin", "stockade")
JOBS = int(os.environ.get("JUDGE_T_JOBS", "2"))
ONLY = [s for s in os.environ.get("JUDGE_T_ONLY", "").split(",") if s]

VERDICTS = ("accepted", "wrong_answer", "time_limit", "memory_limit", "output_limit",
            "runtime_error", "compilation_error", "internal_error")
# least to most severe (the contract's order); compilation_error stands apart
SEVERITY = ["accepted", "wrong_answer", "runtime_error", "output_limit", "memory_limit",
            "time_limit", "internal_error"]
EXT = {"c": "c", "cpp": "cpp", "python": "py", "node": "js", "bash": "sh", "java": "java"}
COMPILED = ("c", "cpp", "java")
SIGSEGV, SIGABRT = 11, 6

# Test dirs of the matrix: two integers in, their sum out.
SUM_TESTS = [("1 2\n", "3\n"), ("10 -4\n", "6\n"), ("1000000 2000000\n", "3000000\n")]
ONE_TEST = [("1 2\n", "3\n")]

# The limits (seconds, sizes as the CLI takes them). Java's JVM needs room: 256M and a
# little more CPU for its start, except in the memory case.
LIMITS = {"time": "1", "wall": "2", "memory": "64M", "output": "1M"}
JAVA_LIMITS = {"time": "2", "wall": "4", "memory": "256M", "output": "1M"}
MEM_LIMIT_KB = 64 * 1024
OUT_LIMIT_KB = 1024
CPU_EXTRA = "0.5"

TMP = None


def want(section):
    return not ONLY or section in ONLY


def write_tests(tests, names=None):
    """A fresh test dir: tests is a list of (stdin, expected-or-None), str or bytes."""
    d = tempfile.mkdtemp(prefix="tests.", dir=TMP)
    for i, (inp, out) in enumerate(tests, 1):
        name = names[i - 1] if names else "%02d" % i
        with open(os.path.join(d, name + ".in"), "wb") as f:
            f.write(inp.encode() if isinstance(inp, str) else inp)
        if out is not None:
            with open(os.path.join(d, name + ".out"), "wb") as f:
                f.write(out.encode() if isinstance(out, str) else out)
    return d


def flags(limits, extra=None):
    lim = dict(limits)
    lim.update(extra or {})
    args = []
    for k in ("time", "extra", "wall", "memory", "output", "compare", "abs", "rel", "width"):
        if k in lim:
            args += ["--" + k, str(lim[k])]
    return args


class Judged:
    """One `stockade judge` run: rc, the result object (or None), stderr, elapsed ms,
    and the CPU time of the CLI and every process it waited for."""

    def __init__(self, argv, rc, out, err, ms, child_cpu_ms):
        self.argv, self.rc, self.err, self.ms, self.child_cpu_ms = argv, rc, err, ms, child_cpu_ms
        self.out = out
        self.r = None
        self.why = None
        try:
            self.r = json.loads(out.decode("utf-8"))
            if not isinstance(self.r, dict):
                self.r, self.why = None, "stdout is JSON but not an object"
        except ValueError as e:
            self.why = "stdout is not JSON (%s): %r" % (e, out[:300])

    def diag(self):
        s = "command: %s\nrc=%s elapsed=%d ms\n" % (" ".join(self.argv), self.rc, self.ms)
        if self.r is not None:
            s += "result: " + json.dumps(self.r)[:3000] + "\n"
        else:
            s += (self.why or "") + "\n"
        if self.err:
            s += "stderr: " + self.err.decode("utf-8", "replace")[:1500]
        return s


def judge(src, tests, args, lang=None, timeout=180):
    d = tests if isinstance(tests, str) else write_tests(tests)
    argv = [BIN, "judge"] + (["--lang", lang] if lang else []) + args + [src, d]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        err += b"\n[verdicts.t: killed after %ds]" % timeout
    ms = (time.monotonic() - t0) * 1000
    # the CLI has been reaped by communicate(); its children's CPU is in RUSAGE_CHILDREN,
    # but that sums every child of this process: the caller reads it around one run alone
    return Judged(argv, p.returncode, out, err, ms, None)


def stream(t, name):
    v = t.get(name) or ""
    if t.get(name + "_encoding") == "base64":
        return base64.b64decode(v)
    return v.encode("utf-8", "surrogatepass")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def schema_problems(r):
    """What breaks the contract's result object."""
    p = []
    if r.get("verdict") not in VERDICTS:
        p.append("verdict %r" % r.get("verdict"))
    for k in ("language", "version"):
        if not isinstance(r.get(k), str):
            p.append("%s %r" % (k, r.get(k)))
    for k in ("passed", "total", "cpu_ms", "wall_ms", "memory_kb"):
        if not is_int(r.get(k)) or r[k] < 0:
            p.append("%s %r" % (k, r.get(k)))
    c = r.get("compile", "missing")
    if c is not None:
        if not isinstance(c, dict):
            p.append("compile %r" % (c,))
        else:
            if c.get("status") not in ("ok", "compilation_error", "internal_error"):
                p.append("compile.status %r" % c.get("status"))
            if not isinstance(c.get("output"), str):
                p.append("compile.output %r" % c.get("output"))
            if c.get("output_encoding") not in ("utf-8", "base64"):
                p.append("compile.output_encoding %r" % c.get("output_encoding"))
            if not isinstance(c.get("output_truncated"), bool):
                p.append("compile.output_truncated %r" % c.get("output_truncated"))
            for k in ("exit_code", "signal"):
                if not (c.get(k, "missing") is None or is_int(c.get(k))):
                    p.append("compile.%s %r" % (k, c.get(k)))
            for k in ("cpu_ms", "wall_ms", "memory_kb"):
                if not is_int(c.get(k)) or c[k] < 0:
                    p.append("compile.%s %r" % (k, c.get(k)))
    tests = r.get("tests")
    if not isinstance(tests, list):
        p.append("tests %r" % (tests,))
        tests = []
    for i, t in enumerate(tests):
        if not isinstance(t, dict):
            p.append("tests[%d] %r" % (i, t))
            continue
        if t.get("verdict") not in VERDICTS or t.get("verdict") == "compilation_error":
            p.append("tests[%d].verdict %r" % (i, t.get("verdict")))
        if t.get("time_kind", "missing") not in ("cpu", "wall", None):
            p.append("tests[%d].time_kind %r" % (i, t.get("time_kind")))
        if (t.get("verdict") == "time_limit") != (t.get("time_kind") is not None):
            p.append("tests[%d]: verdict %r with time_kind %r" % (i, t.get("verdict"), t.get("time_kind")))
        for k in ("cpu_ms", "wall_ms", "memory_kb"):
            if not is_int(t.get(k)) or t[k] < 0:
                p.append("tests[%d].%s %r" % (i, k, t.get(k)))
        for k in ("exit_code", "signal"):
            if not (t.get(k, "missing") is None or is_int(t.get(k))):
                p.append("tests[%d].%s %r" % (i, k, t.get(k)))
        if t.get("exit_code") is not None and t.get("signal") is not None:
            p.append("tests[%d]: both exit_code and signal" % i)
        for s in ("stdout", "stderr"):
            if not isinstance(t.get(s), str):
                p.append("tests[%d].%s %r" % (i, s, t.get(s)))
            if t.get(s + "_encoding") not in ("utf-8", "base64"):
                p.append("tests[%d].%s_encoding %r" % (i, s, t.get(s + "_encoding")))
            if not isinstance(t.get(s + "_truncated"), bool):
                p.append("tests[%d].%s_truncated %r" % (i, s, t.get(s + "_truncated")))
        if not (t.get("message", "missing") is None or isinstance(t.get("message"), str)):
            p.append("tests[%d].message %r" % (i, t.get("message")))
    if not isinstance(r.get("limits"), dict):
        p.append("limits %r" % r.get("limits"))
    if not isinstance(r.get("compare"), dict) or "mode" not in r.get("compare", {}):
        p.append("compare %r" % r.get("compare"))
    st = r.get("stats")
    if not isinstance(st, dict):
        p.append("stats %r" % (st,))
    else:
        for k in ("judge_ms", "compile_ms", "cells", "spare_misses"):
            if not is_int(st.get(k)) or st[k] < 0:
                p.append("stats.%s %r" % (k, st.get(k)))
    if tests and is_int(r.get("passed")):
        n = sum(1 for t in tests if isinstance(t, dict) and t.get("verdict") == "accepted")
        if r["passed"] != n:
            p.append("passed %r but %d tests accepted" % (r["passed"], n))
    if tests and r.get("total") != len(tests):
        p.append("total %r but %d tests" % (r.get("total"), len(tests)))
    if tests and all(isinstance(t, dict) and t.get("verdict") in SEVERITY for t in tests):
        worst = max((t["verdict"] for t in tests), key=SEVERITY.index)
        if r.get("verdict") != worst:
            p.append("overall verdict %r but the most severe test verdict is %r"
                     % (r.get("verdict"), worst))
        for k in ("cpu_ms", "wall_ms", "memory_kb"):
            m = max(t.get(k) or 0 for t in tests)
            if is_int(r.get(k)) and r[k] != m:
                p.append("%s %r is not the largest over the tests (%r)" % (k, r.get(k), m))
    return p


def check_common(tag, j, compiled):
    """The result came back and is well-formed. Returns the result or None."""
    good = j.rc == 0 and j.r is not None
    ok(good, "%s: exit 0 and one JSON result" % tag, j.diag())
    if not good:
        return None
    probs = schema_problems(j.r)
    if compiled is not None:
        if compiled and not isinstance(j.r.get("compile"), dict):
            probs.append("compiled language without a compile object")
        if not compiled and j.r.get("compile") is not None:
            probs.append("interpreted language with a compile object")
    ok(not probs, "%s: result well-formed (verdict %s)" % (tag, j.r.get("verdict")),
       "\n".join(probs) + "\n" + j.diag())
    return j.r


def t0(r):
    ts = r.get("tests") or [{}]
    return ts[0] if isinstance(ts[0], dict) else {}


# ---------------------------------------------------------------- the matrix

def matrix_jobs(lang):
    """(name, callable) pairs: each callable judges one program."""
    base = JAVA_LIMITS if lang == "java" else LIMITS
    prog = lambda case: os.path.join(PROGS, lang, "%s.%s" % (case, EXT[lang]))  # noqa: E731
    cases = {
        "accepted": (SUM_TESTS, flags(base)),
        "wrong": (SUM_TESTS, flags(base)),
        "cpu": (ONE_TEST, flags(base, {"extra": CPU_EXTRA, "wall": "6"})),
        "sleep": (ONE_TEST, flags(base)),
        "memory": (ONE_TEST, flags(base, {"memory": "64M"})),
        "output": (ONE_TEST, flags(base)),
        "signal": (ONE_TEST, flags(base)),
        "exit": (ONE_TEST, flags(base)),
    }
    if lang in COMPILED:
        cases["compile_error"] = (ONE_TEST, flags(base))
    if lang == "java":
        cases["exception"] = (ONE_TEST, flags(base))
    jobs = []
    for case, (tests, args) in cases.items():
        jobs.append(("%s/%s" % (lang, case),
                     (lambda p=prog(case), t=tests, a=args: judge(p, t, a, lang=lang))))
    return jobs


def check_matrix(lang, case, j):
    tag = "%s/%s" % (lang, case)
    compiled = lang in COMPILED
    r = check_common(tag, j, compiled)
    if r is None:
        return
    base = JAVA_LIMITS if lang == "java" else LIMITS
    cpu_limit = float(base["time"]) * 1000
    wall_limit = float(base["wall"]) * 1000
    t = t0(r)
    d = j.diag()
    lname = {"node": ("node", "javascript")}.get(lang, (lang,))
    if case == "accepted":
        ok(r.get("language") in lname, "%s: language %r reported" % (tag, r.get("language")), d)
        if compiled:
            c = r.get("compile") or {}
            ok(c.get("status") == "ok" and c.get("exit_code") == 0,
               "%s: compiled (status ok, exit 0)" % tag, d)
        ts = r.get("tests") or []
        ok(r["verdict"] == "accepted" and r["passed"] == 3 and r["total"] == 3 and len(ts) == 3 and
           all(x.get("verdict") == "accepted" for x in ts),
           "%s: accepted, 3 of 3 passed" % tag, d)
        ok(all(stream(x, "stdout") == exp.encode() for x, (_, exp) in zip(ts, SUM_TESTS)) and len(ts) == 3,
           "%s: each test's stdout is the sum" % tag, d)
        ok(all(x.get("exit_code") == 0 and x.get("signal") is None and x.get("time_kind") is None
               for x in ts) and ts, "%s: exit code 0, no signal, no time kind" % tag, d)
        ok(all(0 <= x["cpu_ms"] < cpu_limit and 0 <= x["wall_ms"] < wall_limit and
               0 < x["memory_kb"] < int(base["memory"][:-1]) * 1024 for x in ts) and ts,
           "%s: cpu_ms, wall_ms, memory_kb plausible (%s)" % (
               tag, ", ".join("%s/%s/%s" % (x.get("cpu_ms"), x.get("wall_ms"), x.get("memory_kb")) for x in ts)), d)
        if lang == "c":
            lim = r.get("limits") or {}
            ok(lim.get("cpu_ms") == 1000 and lim.get("wall_ms") == 2000 and
               lim.get("memory_kb") == MEM_LIMIT_KB and lim.get("output_kb") == OUT_LIMIT_KB,
               "%s: limits as applied = the flags (--time 1 --wall 2 --memory 64M --output 1M)" % tag,
               json.dumps(lim))
            st = r.get("stats") or {}
            ok(st.get("cells") == 4, "%s: stats.cells = 4 (3 tests + 1 compile), got %r" % (tag, st.get("cells")), d)
            ok((r.get("compare") or {}).get("mode") == "trailing_whitespace",
               "%s: the default comparison is trailing_whitespace" % tag, json.dumps(r.get("compare")))
        if lang == "python":
            st = r.get("stats") or {}
            ok(st.get("cells") == 3, "%s: stats.cells = 3 (no compile cell), got %r" % (tag, st.get("cells")), d)
    elif case == "wrong":
        ts = r.get("tests") or []
        ok(r["verdict"] == "wrong_answer" and r["passed"] == 0 and r["total"] == 3 and len(ts) == 3 and
           all(x.get("verdict") == "wrong_answer" and x.get("exit_code") == 0 for x in ts),
           "%s: wrong_answer on every test, 0 of 3 passed" % tag, d)
    elif case == "cpu":
        ok(r["verdict"] == "time_limit" and t.get("verdict") == "time_limit" and t.get("time_kind") == "cpu",
           "%s: time_limit, time_kind cpu" % tag, d)
        extra = float(CPU_EXTRA) * 1000
        ok(is_int(t.get("cpu_ms")) and cpu_limit <= t["cpu_ms"] <= cpu_limit + extra + 1000,
           "%s: cpu_ms %s >= the limit %d and near it" % (tag, t.get("cpu_ms"), cpu_limit), d)
        ok(is_int(t.get("wall_ms")) and t["wall_ms"] < 6000 and r["passed"] == 0 and r["total"] == 1,
           "%s: killed before the wall limit (wall_ms %s), 0 of 1 passed" % (tag, t.get("wall_ms")), d)
    elif case == "sleep":
        ok(r["verdict"] == "time_limit" and t.get("verdict") == "time_limit" and t.get("time_kind") == "wall",
           "%s: time_limit, time_kind wall" % tag, d)
        ok(is_int(t.get("wall_ms")) and wall_limit <= t["wall_ms"] <= wall_limit + 3000,
           "%s: wall_ms %s >= the wall limit %d and near it" % (tag, t.get("wall_ms"), wall_limit), d)
        ok(is_int(t.get("cpu_ms")) and t["cpu_ms"] < min(cpu_limit, 1500 if lang == "java" else 300),
           "%s: cpu_ms %s small" % (tag, t.get("cpu_ms")), d)
    elif case == "memory":
        ok(r["verdict"] == "memory_limit" and t.get("verdict") == "memory_limit" and t.get("time_kind") is None,
           "%s: memory_limit" % tag, d)
        ok(is_int(t.get("memory_kb")) and MEM_LIMIT_KB // 2 <= t["memory_kb"] <= MEM_LIMIT_KB + 4096,
           "%s: memory_kb %s near the 64M limit" % (tag, t.get("memory_kb")), d)
    elif case == "output":
        ok(r["verdict"] == "output_limit" and t.get("verdict") == "output_limit",
           "%s: output_limit" % tag, d)
        out = stream(t, "stdout")
        ok(t.get("stdout_truncated") is True and len(out) <= OUT_LIMIT_KB * 1024 and
           out.startswith(b"0123456789abcde\n"),
           "%s: stdout kept up to the limit and flagged truncated (%d bytes)" % (tag, len(out)), d)
    elif case == "signal":
        sigs = (SIGABRT, SIGSEGV) if lang == "java" else (SIGSEGV,)
        ok(r["verdict"] == "runtime_error" and t.get("verdict") == "runtime_error",
           "%s: runtime_error" % tag, d)
        ok(t.get("signal") in sigs and t.get("exit_code") is None,
           "%s: signal %r (want %s), no exit code" % (tag, t.get("signal"), "/".join(map(str, sigs))), d)
        ok(stream(t, "stdout").startswith(b"about to crash"),
           "%s: the output before the crash is kept" % tag, d)
    elif case == "exit":
        ok(r["verdict"] == "runtime_error" and t.get("verdict") == "runtime_error" and
           t.get("exit_code") == 3 and t.get("signal") is None,
           "%s: runtime_error with exit_code 3, no signal" % tag, d)
        ok(stream(t, "stdout") == b"bye\n", "%s: stdout kept" % tag, d)
    elif case == "exception":
        ok(r["verdict"] == "runtime_error" and t.get("exit_code") == 1 and t.get("signal") is None and
           b"IllegalStateException" in stream(t, "stderr"),
           "%s: uncaught exception: runtime_error, exit_code 1, the trace in stderr" % tag, d)
    elif case == "compile_error":
        c = r.get("compile") or {}
        text = c.get("output") or ""
        if c.get("output_encoding") == "base64":
            text = base64.b64decode(text).decode("utf-8", "replace")
        ok(r["verdict"] == "compilation_error" and c.get("status") == "compilation_error",
           "%s: compilation_error" % tag, d)
        word = "incompatible types" if lang == "java" else "undeclared_thing"
        ok("error" in text and word in text,
           "%s: the compile output names the error (%r)" % (tag, word), d)
        ok(r.get("tests") == [] and r.get("passed") == 0,
           "%s: no test ran (tests [], passed 0)" % tag, d)
        ok(is_int(c.get("exit_code")) and c["exit_code"] != 0, "%s: compiler exit code %r" % (tag, c.get("exit_code")), d)


# ---------------------------------------------------------------- other sections

def extra(name):
    return os.path.join(PROGS, "extra", name)


def severity_jobs():
    prog = extra("actions.c")
    a = flags(LIMITS, {"extra": CPU_EXTRA})
    scen = {
        # name: (actions per test, expected per-test verdicts, overall)
        "wrong+time": (["wrong", "loop", "ok"], ["wrong_answer", "time_limit", "accepted"], "time_limit"),
        "memory+output": (["mem", "out"], ["memory_limit", "output_limit"], "memory_limit"),
        "runtime+output+wrong": (["exit3", "out", "wrong"], ["runtime_error", "output_limit", "wrong_answer"],
                                 "output_limit"),
        "wrong+signal": (["wrong", "segv", "ok"], ["wrong_answer", "runtime_error", "accepted"], "runtime_error"),
        "output+wall+memory": (["out", "sleep", "mem"], ["output_limit", "time_limit", "memory_limit"],
                               "time_limit"),
    }
    jobs = []
    for name, (acts, per, overall) in scen.items():
        tests = [(w + "\n", "ok\n") for w in acts]
        jobs.append(("severity/" + name, (lambda t=tests: judge(prog, t, a)), (per, overall)))
    return jobs


def check_severity(name, j, exp):
    per, overall = exp
    tag = "severity/" + name
    r = check_common(tag, j, True)
    if r is None:
        return
    got = [t.get("verdict") for t in r.get("tests") or []]
    ok(got == per, "%s: test verdicts %s" % (tag, got), "want %s\n%s" % (per, j.diag()))
    ok(r.get("verdict") == overall, "%s: overall %s (the most severe)" % (tag, r.get("verdict")),
       "want %s\n%s" % (overall, j.diag()))
    ok(r.get("passed") == per.count("accepted") and r.get("total") == len(per),
       "%s: passed %r of %r" % (tag, r.get("passed"), r.get("total")), j.diag())


# (program output, expected output, accepted?) per mode
COMPARE = {
    "exact": ([], [
        ("1 2\n", "1 2\n", True),
        ("1 2 \n", "1 2\n", False),
        ("1 2", "1 2\n", False),
        ("1 2\r\n", "1 2\n", False),
        ("1 2\n\n", "1 2\n", False),
    ]),
    "trailing_whitespace": (None, [   # None: no --compare flag, the default
        ("1 2\n", "1 2\n", True),
        ("1 2  \t\n", "1 2\n", True),
        ("1 2\r\n3\r\n", "1 2\n3\n", True),
        ("1 2", "1 2\n", True),
        ("1 2\n\n\n", "1 2\n", True),
        ("1 2\n", "1 2\n\n", True),
        ("1  2\n", "1 2\n", False),
        (" 1 2\n", "1 2\n", False),
        ("\n1 2\n", "1 2\n", False),
        ("1 2\n3\n", "1 2\n", False),
        ("1 2\n\n3\n", "1 2\n3\n", False),
    ]),
    "tokens": ([], [
        ("1   2\n\n3", "1 2 3\n", True),
        ("\t1\r\n2 3 ", "1 2 3", True),
        ("1 2 3 4", "1 2 3", False),
        ("1.0 2 3", "1 2 3", False),
        ("", "", True),
    ]),
    "float-abs": (["--abs", "1e-3", "--rel", "0"], [
        ("3.1416\n", "3.14159\n", True),
        ("3.15\n", "3.14159\n", False),
        ("x 1.0004 y\n", "x 1 y\n", True),
        ("x 1.0004 z\n", "x 1 y\n", False),
        ("-0.0005 2\n", "0 2\n", True),
        ("1000.5\n", "1000\n", False),
        ("1 2\n", "1 2 3\n", False),
    ]),
    "float-rel": (["--abs", "0", "--rel", "1e-2"], [
        ("1005\n", "1000\n", True),
        ("1020\n", "1000\n", False),
        ("0.01005\n", "0.01\n", True),
        ("0.0102\n", "0.01\n", False),
    ]),
    "float-default": ([], [
        ("1.0000001\n", "1\n", True),
        ("1.001\n", "1\n", False),
    ]),
}


def compare_jobs():
    prog = extra("cat.py")
    jobs = []
    for name, (extra_args, cases) in COMPARE.items():
        args = flags(LIMITS)
        if extra_args is not None:
            args += ["--compare", name.split("-")[0]] + extra_args
        tests = [(out, exp) for out, exp, _ in cases]
        jobs.append(("compare/" + name, (lambda t=tests, a=args: judge(prog, t, a)), cases))
    return jobs


def check_compare(name, j, cases):
    tag = "compare/" + name
    r = check_common(tag, j, False)
    if r is None:
        return
    mode = name.split("-")[0]
    ok((r.get("compare") or {}).get("mode") == mode, "%s: compare.mode reported %r" % (
        tag, (r.get("compare") or {}).get("mode")), json.dumps(r.get("compare")))
    if name == "float-abs":
        c = r.get("compare") or {}
        ok(c.get("abs") == 1e-3 and c.get("rel") == 0, "%s: abs/rel as given (%r, %r)" % (tag, c.get("abs"), c.get("rel")),
           json.dumps(c))
    got = [t.get("verdict") for t in r.get("tests") or []]
    for i, (out, exp, acc) in enumerate(cases):
        w = "accepted" if acc else "wrong_answer"
        g = got[i] if i < len(got) else None
        ok(g == w, "%s: output %r vs expected %r -> %s" % (tag, out, exp, w), "got %r\n%s" % (g, j.diag()))


def nout_job():
    prog = extra("actions.c")
    d = write_tests([("ok\n", "ok\n"), ("wrong\n", None), ("segv\n", None)])
    return ("no-out", lambda: judge(prog, d, flags(LIMITS)), None)


def check_nout(name, j, _):
    tag = "a .in without .out"
    r = check_common(tag, j, True)
    if r is None:
        return
    ts = r.get("tests") or []
    got = [t.get("verdict") for t in ts]
    ok(got == ["accepted", "accepted", "runtime_error"] and r.get("total") == 3,
       "%s: run uncompared (accepted when clean, runtime_error when it crashed): %s" % (tag, got), j.diag())
    ok(len(ts) >= 2 and stream(ts[1], "stdout") == b"bad\n",
       "%s: it really ran (its stdout kept)" % tag, j.diag())
    ok(r.get("verdict") == "runtime_error" and r.get("passed") == 2,
       "%s: overall runtime_error, 2 passed" % tag, j.diag())


def big_stdin_inputs():
    # 1 MiB of every byte value (a pseudo-random walk), 100 KiB on one line, 64 KiB + 1
    import hashlib
    blob = b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(1 << 15))  # 1 MiB
    line = (b"abcdefghij" * 10240)[:102400]
    edge = b"x" * 65537
    return [blob, line, edge]


def fnv(b):
    h = 0xcbf29ce484222325
    for c in b:
        h ^= c
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%d %016x\n" % (len(b), h)


def stdin_jobs():
    ins = big_stdin_inputs()
    tests = [(b, fnv(b)) for b in ins]
    echo = (b"0123456789 " * 30000)[:300000] + b"\n"  # 300 KB back out
    return [("stdin/hash", lambda: judge(extra("stdin_hash.c"), tests, flags(LIMITS, {"output": "8M"})),
             [len(b) for b in ins]),
            ("stdin/echo", lambda: judge(extra("cat.py"), [(echo, echo)],
                                         flags(LIMITS, {"output": "8M", "compare": "exact"})), None)]


def check_stdin(name, j, sizes):
    tag = name + " (stdin beyond 64 KiB)"
    r = check_common(tag, j, name == "stdin/hash")
    if r is None:
        return
    got = [t.get("verdict") for t in r.get("tests") or []]
    if sizes:
        ok(got == ["accepted"] * len(sizes), "%s: %s bytes read whole and intact: %s" % (tag, sizes, got), j.diag())
        ok(all(t.get("stdout_truncated") is False for t in r.get("tests") or []),
           "%s: nothing truncated" % tag, j.diag())
    else:
        ok(got == ["accepted"], "%s: 300 KB in, the same 300 KB out, exact comparison: %s" % (tag, got), j.diag())


def names_job():
    prog = extra("actions.c")
    d = write_tests([("ok\n", "ok\n"), ("wrong\n", "bad\n"), ("ok\n", "ok\n")],
                    names=["sample", "big-1", "z"])
    with open(os.path.join(d, "README.txt"), "w") as f:
        f.write("not a test\n")
    return ("names", lambda: judge(prog, d, flags(LIMITS)), None)


def check_names(name, j, _):
    tag = "tests named X.in / X.out (not NN), beside a README"
    r = check_common(tag, j, True)
    if r is None:
        return
    ok(r.get("verdict") == "accepted" and r.get("total") == 3 and r.get("passed") == 3,
       "%s: 3 tests, all accepted" % tag, j.diag())


def binary_job():
    data = bytes(range(256)) * 4 + b"\xff\xfe\x00\xc3(" + b"\n"
    return ("binary", lambda: judge(extra("cat.py"), [(data, data)], flags(LIMITS, {"compare": "exact"})), data)


def check_binary(name, j, data):
    tag = "binary output (NUL, invalid UTF-8)"
    r = check_common(tag, j, False)
    if r is None:
        return
    t = t0(r)
    ok(r.get("verdict") == "accepted", "%s: compared byte for byte: accepted" % tag, j.diag())
    ok(t.get("stdout_encoding") == "base64" and stream(t, "stdout") == data,
       "%s: returned intact, base64" % tag, j.diag())


def options_jobs():
    prog = extra("args_stderr.py")
    tests = [("1 2\n", "x|y z\n3\n"), ("5 5\n", "x|y z\n10\n")]
    args = ["--arg", "x", "--arg", "y z"]
    acc = os.path.join(PROGS, "c", "accepted.c")
    return [
        ("options/redirect", lambda: judge(prog, tests, flags(LIMITS) + args + ["--redirect-stderr"]),
         "accepted"),
        ("options/no-redirect", lambda: judge(prog, tests, flags(LIMITS) + args), "wrong_answer"),
        ("options/runs", lambda: judge(acc, SUM_TESTS[:2], flags(LIMITS) + ["--runs", "3"]), "accepted"),
        ("options/width1", lambda: judge(acc, SUM_TESTS, flags(LIMITS, {"width": "1"})), "accepted"),
    ]


def check_options(name, j, verdict):
    tag = name
    r = check_common(tag, j, name.endswith(("runs", "width1")))
    if r is None:
        return
    if name == "options/redirect":
        ok(r.get("verdict") == "accepted" and all(t.get("stderr") == "" for t in r.get("tests") or []),
           "%s: --redirect-stderr joins stderr to stdout, --arg passes arguments whole: accepted" % tag,
           j.diag())
    elif name == "options/no-redirect":
        ts = r.get("tests") or [{}]
        ok(r.get("verdict") == "wrong_answer" and stream(ts[0], "stderr") == b"3\n" and
           stream(ts[0], "stdout") == b"x|y z\n",
           "%s: without it stderr is apart (and not compared): wrong_answer" % tag, j.diag())
    elif name == "options/runs":
        st = r.get("stats") or {}
        ok(r.get("verdict") == "accepted" and r.get("total") == 2 and st.get("cells") == 7,
           "%s: --runs 3 with 2 tests: 2 results, 7 cells (2 x 3 runs + 1 compile), got %r"
           % (tag, st.get("cells")), j.diag())
    else:
        ok(r.get("verdict") == "accepted" and r.get("passed") == 3, "%s: --width 1: accepted" % tag, j.diag())


def edges_job():
    prog = extra("edges.c")
    whats = ["mem40", "cpu700", "cpu1200", "threads", "orphan", "orphancpu"]
    tests = [("%s 1 %d\n" % (w, i), "%d\n" % (1 + i)) for i, w in enumerate(whats)]
    return ("edges", lambda: judge(prog, tests, flags(LIMITS, {"extra": CPU_EXTRA, "wall": "4"})), whats)


def check_edges(name, j, whats):
    tag = "near the limits"
    r = check_common(tag, j, True)
    if r is None:
        return
    ts = dict(zip(whats, r.get("tests") or []))
    d = j.diag()
    t = ts.get("mem40", {})
    ok(t.get("verdict") == "accepted" and 40 * 1024 <= (t.get("memory_kb") or 0) < MEM_LIMIT_KB,
       "%s: 40 MiB touched under a 64M limit: accepted, memory_kb %s measured" % (tag, t.get("memory_kb")), d)
    t = ts.get("cpu700", {})
    ok(t.get("verdict") == "accepted" and 650 <= (t.get("cpu_ms") or 0) < 1000,
       "%s: 0.7 s of CPU under a 1 s limit: accepted, cpu_ms %s" % (tag, t.get("cpu_ms")), d)
    t = ts.get("cpu1200", {})
    ok(t.get("verdict") == "time_limit" and t.get("time_kind") == "cpu" and 1150 <= (t.get("cpu_ms") or 0) < 1500,
       "%s: 1.2 s of CPU, finished within the extra time: time_limit (cpu), cpu_ms %s"
       % (tag, t.get("cpu_ms")), d)
    t = ts.get("threads", {})
    ok(t.get("verdict") == "time_limit" and t.get("time_kind") == "cpu" and (t.get("cpu_ms") or 0) >= 1000,
       "%s: four spinning threads: CPU summed, time_limit (cpu), cpu_ms %s wall_ms %s"
       % (tag, t.get("cpu_ms"), t.get("wall_ms")), d)
    t = ts.get("orphan", {})
    ok(t.get("verdict") == "accepted" and (t.get("wall_ms") or 0) < 1000,
       "%s: a child sleeping in its own session after main exits: accepted at once (wall_ms %s)"
       % (tag, t.get("wall_ms")), d)
    t = ts.get("orphancpu", {})
    ok(t.get("verdict") == "accepted" and (t.get("cpu_ms") or 0) >= 450,
       "%s: a child's 0.5 s of CPU is counted (cpu_ms %s)" % (tag, t.get("cpu_ms")), d)


def fake_job():
    prog = extra("fake.py")
    # what fake.py prints, byte for byte, when stdin says "ok"
    printed = ('accepted\n{"ok": true, "result": {"verdict": "accepted", "passed": 1, "total": 1, '
               '"status": {"id": 3, "description": "Accepted"}}}\n')
    tests = [("ok\n", "3\n"), ("exit3\n", printed), ("ok\n", printed)]
    return ("fake", lambda: judge(prog, tests, flags(LIMITS)), None)


def check_fake(name, j, _):
    tag = "output claiming 'accepted'"
    r = check_common(tag, j, False)
    if r is None:
        return
    got = [t.get("verdict") for t in r.get("tests") or []]
    ok(got == ["wrong_answer", "runtime_error", "accepted"],
       "%s: verdicts from the comparison and the exit status only: %s" % (tag, got), j.diag())
    ok(r.get("verdict") == "runtime_error" and r.get("passed") == 1,
       "%s: overall runtime_error, 1 passed" % tag, j.diag())


def compile_once_job():
    tests = [("%d\n" % i, "%d\n" % (2 * i)) for i in range(1, 31)]
    d = write_tests(tests)

    def run():
        before = os.times()
        j = judge(extra("compile_once.c"), d, flags(LIMITS, {"time": "2", "wall": "4"}))
        after = os.times()
        j.child_cpu_ms = ((after.children_user - before.children_user) +
                          (after.children_system - before.children_system)) * 1000
        return j
    return ("compile-once", run, None)


def check_compile_once(name, j, _):
    tag = "compile once (30 tests)"
    r = check_common(tag, j, True)
    if r is None:
        return
    ts = r.get("tests") or []
    ok(r.get("verdict") == "accepted" and r.get("passed") == 30 and r.get("total") == 30 and len(ts) == 30,
       "%s: 30 of 30 accepted" % tag, j.diag())
    st = r.get("stats") or {}
    ok(st.get("cells") == 31, "%s: stats.cells = 31 (30 tests + 1 compile), got %r" % (tag, st.get("cells")),
       j.diag())
    c = r.get("compile") or {}
    text = c.get("output") or ""
    if c.get("output_encoding") == "base64":
        text = base64.b64decode(text).decode("utf-8", "replace")
    n = len(re.findall(r"#pragma message: STOCKADE-COMPILE-MARK", text))
    ok(c.get("status") == "ok" and n == 1,
       "%s: one compile object whose output holds the #pragma message once (%d)" % (tag, n), j.diag())
    cw, jm = c.get("wall_ms") or 0, st.get("judge_ms") or 0
    if cw < 300:
        skip("%s: judging time against compile time" % tag,
             "the compile took only %d ms: too fast to tell 1 compile from 30" % cw)
    else:
        # 30 compiles would take >= 30 * cw / width (width <= 2 by default) >= 15 * cw
        ok(jm < 5 * cw, "%s: judge_ms %d < 5 x the compile's %d ms (30 compiles would need ~%d)"
           % (tag, jm, cw, 15 * cw), j.diag())
    cc = c.get("cpu_ms") or 0
    if j.child_cpu_ms is None or cc < 300 or j.child_cpu_ms < 0.7 * cc:
        skip("%s: CPU of every process the CLI waited for" % tag,
             "the CLI's children CPU (%s ms) does not cover the compile's %d ms: cells are not its "
             "waited-for descendants" % (j.child_cpu_ms, cc))
    else:
        ok(j.child_cpu_ms < 3 * cc + 3000,
           "%s: CPU of the CLI and all it waited for %d ms < 3 x one compile's %d ms + 3 s"
           % (tag, j.child_cpu_ms, cc), j.diag())


# ---------------------------------------------------------------- main

def main():
    global TMP
    tap.need_root("cells need root (cgroups, namespaces, uid maps)")
    if not os.access(BIN, os.X_OK):
        tap.skip_all("%s is not built" % BIN)
    p = subprocess.run([BIN, "judge", "--help"], capture_output=True)
    if b"unknown command" in p.stderr:
        tap.skip_all("%s has no judge command yet" % BIN)
    TMP = tempfile.mkdtemp(prefix="stockade-judge-t.")
    t_start = time.monotonic()
    try:
        # usage errors first (cheap)
        acc = os.path.join(PROGS, "c", "accepted.c")
        d = write_tests(ONE_TEST)
        for args, what in ((["judge"], "no arguments"),
                           (["judge", acc], "no test dir"),
                           (["judge", "--lang", "cobol", acc, d], "unknown language"),
                           (["judge", "--compare", "fuzzy", acc, d], "unknown comparison mode"),
                           (["judge", "--time", "-1", acc, d], "bad time")):
            q = subprocess.run([BIN] + args, capture_output=True)
            ok(q.returncode == 2 and q.stdout == b"", "usage error (%s): exit 2, nothing on stdout" % what,
               "rc=%d out=%r err=%r" % (q.returncode, q.stdout[:200], q.stderr[:300]))

        # every judgement, run JOBS at a time; checked in a fixed order
        work = []   # (kind, name, fn, aux)
        for lang in EXT:
            if want(lang):
                for name, fn in matrix_jobs(lang):
                    work.append(("matrix", name, fn, None))
        if want("severity"):
            work += [("severity", n, f, a) for n, f, a in severity_jobs()]
        if want("compare"):
            work += [("compare", n, f, a) for n, f, a in compare_jobs()]
        if want("no-out"):
            work.append(("nout",) + nout_job())
        if want("stdin"):
            work += [("stdin", n, f, a) for n, f, a in stdin_jobs()]
        if want("fake"):
            work.append(("fake",) + fake_job())
        if want("options"):
            work += [("options", n, f, a) for n, f, a in options_jobs()]
        if want("edges"):
            work.append(("edges",) + edges_job())
        if want("names"):
            work.append(("names",) + names_job())
        if want("binary"):
            work.append(("binary",) + binary_job())
        once = compile_once_job() if want("compile-once") else None

        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
            futs = [(k, n, ex.submit(f), a) for k, n, f, a in work]
            for kind, name, fut, aux in futs:
                try:
                    j = fut.result()
                except Exception as e:  # noqa: BLE001
                    ok(False, "%s: judged" % name, repr(e))
                    continue
                if kind == "matrix":
                    lang, case = name.split("/")
                    check_matrix(lang, case, j)
                elif kind == "severity":
                    check_severity(name.split("/", 1)[1], j, aux)
                elif kind == "compare":
                    check_compare(name.split("/", 1)[1], j, aux)
                elif kind == "nout":
                    check_nout(name, j, aux)
                elif kind == "stdin":
                    check_stdin(name, j, aux)
                elif kind == "fake":
                    check_fake(name, j, aux)
                elif kind == "options":
                    check_options(name, j, aux)
                elif kind == "edges":
                    check_edges(name, j, aux)
                elif kind == "names":
                    check_names(name, j, aux)
                elif kind == "binary":
                    check_binary(name, j, aux)
        if once:
            # alone, so that the CPU of this process's children is this run's only
            check_compile_once(once[0], once[1](), None)
        deadline = time.monotonic() + 3
        left = orphans()
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = orphans()
        ok(not left, "no process of any cell is left on the host (orphans, daemons, sleepers)",
           "\n".join(left))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    note("verdicts.t took %.1f s" % (time.monotonic() - t_start))
    tap.plan()
    return tap.exit_code()


if __name__ == "__main__":
    sys.exit(main())
