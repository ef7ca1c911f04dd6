#!/usr/bin/env python3
"""Security suite of Stockade: one case per HOSTILE.md row, run through the CLI.

Prints TAP. Usage:
    tests/security/hostile.t [-v] [SUBSTRING...]     (only cases whose name contains one)
    prove -v tests/security/hostile.t
Environment:
    STOCKADE_BIN            the CLI (default <repo>/build/bin/stockade)
    STOCKADE_CASES          comma-separated substrings, same as the arguments
    STOCKADE_LEFTOVER_GRACE seconds a leftover may take to vanish (default 0.5)

Each case file (cases/*.py, *.c, *.cpp, *.sh, *.js) starts with comment directives
('#' or '//'), one per line, read until the first line that is not a comment:
    args: --pids 16 --wall 2          extra CLI arguments (shell-like split)
    lang: python                      default from the extension
    timeout: 40                       runner-side hard limit for the CLI (default 60)
    stdin: canary                     stdin file = "<host canary pid> <runner pid>\\n"
    stdin-text: 'hello\\n'            stdin file = this Python string literal
    host-file: PATH TOKEN             create PATH on the host holding TOKEN for the run
    host-tcp-listen: PORT             listen on host 127.0.0.1:PORT; fail if anything connects
    host-unix-listen: PATH            listen on a host unix socket ('@name' = abstract)
    host-canary: yes                  a host process that must survive the run
    host-procs-stable: N              host process count after <= before + N
    host-max-cell-procs: N            processes seen with a cell uid while running <= N
    prelude: NAME                     the program is prelude/NAME.<ext> followed by the case
    expect: status in ok,timeout      also: status == ok, status != ok
    expect: exit_code == 3            ==, !=, <, <=, >, >=, 'is null', 'is not null'
    expect: signal == SIGKILL         signal in SIGSEGV,SIGKILL ; signal is null
    expect: stdout contains TEXT      TEXT is literal (after strip); also stderr, compile_output
    expect: stdout not contains TEXT
    expect: stdout matches REGEX      re.search, MULTILINE; 'not matches' too
    expect: stdout_bytes == LITERAL   Python bytes literal compared to the decoded stream
    expect: stdout_len <= 65536       length in bytes of the decoded stream
    expect: stdout_truncated == true
    expect: stdout_encoding == base64
    expect: cpu_ms >= 900             any numeric field; also host_maxrss_kb (the CLI's
                                      peak RSS incl. waited-for children), runner_ms
"""
import ast
import base64
import glob
import json
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CASES_DIR = os.path.join(HERE, "cases")
BIN = os.environ.get("STOCKADE_BIN") or os.path.join(REPO, "build", "bin", "stockade")
CELL_UID_LO, CELL_UID_HI = 900000, 904096
GRACE = float(os.environ.get("STOCKADE_LEFTOVER_GRACE", "0.5"))
# The caller's environment, with secrets a cell must never see (row 33).
CLI_ENV = dict(os.environ)
CLI_ENV.update({"STOCKADE_HOSTILE_CANARY": "TOKEN-7d3e-env-canary",
                "STOCKADE_API_KEY": "TOKEN-7d3e-api-key",
                "MEMCACHED_SERVERS": "127.0.0.1:11211",
                "PYTHONPATH": "/work/TOKEN-7d3e-pythonpath"})
LANG_BY_EXT = {".py": "python", ".c": "c", ".cpp": "cpp", ".sh": "bash", ".js": "node"}
STATUSES = {"ok", "runtime_error", "timeout", "memory_limit", "output_limit",
            "compile_error", "internal_error"}


def diag(msg):
    for line in str(msg).splitlines() or [""]:
        print("# " + line)
    sys.stdout.flush()


# ---------------------------------------------------------------- host state

def host_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def process_table():
    """pid -> (ppid, ids, name, cmdline) for every host process."""
    table = {}
    for pid in host_pids():
        try:
            with open("/proc/%d/status" % pid) as f:
                st = f.read()
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            continue
        ids, ppid, name = [], 0, "?"
        for line in st.splitlines():
            if line.startswith("Uid:") or line.startswith("Gid:"):
                ids += [int(x) for x in line.split()[1:]]
            elif line.startswith("PPid:"):
                ppid = int(line.split()[1])
            elif line.startswith("Name:"):
                name = line.split(None, 1)[1] if len(line.split()) > 1 else "?"
        table[pid] = (ppid, ids, name, cmd)
    return table


def is_cell(ids):
    return any(CELL_UID_LO <= i < CELL_UID_HI for i in ids)


def owner_supervisor(pid, table):
    """The pid of the live host-side (non-cell) stockade process a cell process hangs
    from, or None when it is orphaned (reparented to init or to a subreaper)."""
    seen = set()
    while pid in table and pid not in seen:
        seen.add(pid)
        ppid, ids, name, cmd = table[pid]
        if not is_cell(ids) and pid != 1 and ("stockade" in name or "stockade" in cmd):
            return pid
        if not is_cell(ids):
            return None
        pid = ppid
    return None


def cell_processes(table=None, ours=None):
    """Processes with a cell uid/gid that no live supervisor other than `ours` owns.
    A concurrent run (another engineer's stockade) owns its cells: they are skipped."""
    table = process_table() if table is None else table
    found = []
    for pid, (ppid, ids, name, cmd) in sorted(table.items()):
        if not is_cell(ids):
            continue
        sup = owner_supervisor(pid, table)
        if sup is not None and sup != ours:
            continue
        found.append("pid %d (%s) ppid %d ids %s" % (pid, name, ppid, sorted(set(ids))))
    return found


def descendants_with_cell_uid(root, table):
    n = 0
    for pid, (ppid, ids, name, cmd) in table.items():
        if not is_cell(ids):
            continue
        p, seen = pid, set()
        while p in table and p not in seen and p > 1:
            seen.add(p)
            if p == root:
                n += 1
                break
            p = table[p][0]
    return n


def cell_cgroups(table=None):
    """cell-<slot> cgroups, except those of a slot whose processes a live concurrent
    supervisor owns."""
    table = process_table() if table is None else table
    foreign = set()
    for pid, (ppid, ids, name, cmd) in table.items():
        if is_cell(ids) and owner_supervisor(pid, table) is not None:
            foreign.update(i - CELL_UID_LO for i in ids if CELL_UID_LO <= i < CELL_UID_HI)
    out = []
    for pat in ("/sys/fs/cgroup/*/stockade/cell-*", "/sys/fs/cgroup/stockade/cell-*",
                "/sys/fs/cgroup/unified/stockade/cell-*"):
        for p in glob.glob(pat):
            try:
                slot = int(p.rsplit("cell-", 1)[1])
            except ValueError:
                slot = -1
            if os.path.isdir(p) and slot not in foreign:
                out.append(p)
    return sorted(set(out))


def mounts():
    res = set()
    with open("/proc/self/mountinfo") as f:
        for line in f:
            parts = line.split()
            sep = parts.index("-")
            # root, mount point, fs type, source (ids and options vary harmlessly)
            res.add(" ".join([parts[3], parts[4], parts[sep + 1], parts[sep + 2]]))
    return res


def leftovers(mounts_before):
    """What a run left behind. Strict for processes (an orphan with a cell uid is a
    leak at once); cgroups get GRACE seconds, since a concurrent run's group exists
    for a moment before its first process and after its last."""
    deadline = time.monotonic() + GRACE
    while True:
        problems = []
        table = process_table()
        procs = cell_processes(table)
        if procs:
            problems.append("processes with a cell uid remain: " + "; ".join(procs[:20]))
        cgs = cell_cgroups(table)
        if cgs:
            problems.append("cell cgroups remain: " + " ".join(cgs[:20]))
        new = sorted(mounts() - mounts_before)
        if new:
            problems.append("new mounts remain: " + "; ".join(new[:20]))
        if not problems or time.monotonic() >= deadline:
            return problems
        time.sleep(0.05)


# ---------------------------------------------------------------- case files

def parse_case(path):
    d = {"args": [], "expect": [], "lang": LANG_BY_EXT.get(os.path.splitext(path)[1]),
         "timeout": 60.0, "stdin": None, "stdin_text": None, "host_files": [],
         "tcp": [], "unix": [], "canary": False, "procs_stable": None, "max_cell_procs": None,
         "prelude": None}
    marker = "//" if os.path.splitext(path)[1] in (".c", ".cpp", ".js") else "#"
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s.startswith("#!"):
                continue
            if s.startswith(marker):
                s = s[len(marker):].strip()
            else:
                break
            m = re.match(r"([a-z_-]+):\s*(.*)$", s)
            if not m:
                continue
            key, val = m.group(1), m.group(2).strip()
            if key == "args":
                d["args"] += shlex.split(val)
            elif key == "expect":
                d["expect"].append(val)
            elif key == "lang":
                d["lang"] = val
            elif key == "timeout":
                d["timeout"] = float(val)
            elif key == "stdin":
                d["stdin"] = val
            elif key == "stdin-text":
                d["stdin_text"] = ast.literal_eval(val)
            elif key == "host-file":
                p, tok = val.split(None, 1)
                d["host_files"].append((p, tok))
            elif key == "host-tcp-listen":
                d["tcp"].append(int(val))
            elif key == "host-unix-listen":
                d["unix"].append(val)
            elif key == "host-canary":
                d["canary"] = val.lower() in ("yes", "true", "1")
            elif key == "host-procs-stable":
                d["procs_stable"] = int(val)
            elif key == "host-max-cell-procs":
                d["max_cell_procs"] = int(val)
            elif key == "prelude":
                if not re.match(r"^[a-z0-9_-]+$", val):
                    raise ValueError("%s: bad prelude name %r" % (path, val))
                d["prelude"] = val
    return d


# ---------------------------------------------------------------- listeners

class Listener:
    """A host socket that nothing in a cell may reach: counts accepted connections."""

    def __init__(self, family, addr):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.addr = addr
        if family == socket.AF_UNIX and isinstance(addr, str) and not addr.startswith("\0"):
            try:
                os.unlink(addr)
            except OSError:
                pass
        self.sock.bind(addr)
        if family == socket.AF_UNIX and isinstance(addr, str) and not addr.startswith("\0"):
            os.chmod(addr, 0o777)  # even world-writable it must be unreachable
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.accepted = 0
        self.stop = False
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            try:
                c.sendall(b"HOST-SERVICE-REACHED\n")
                c.close()
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.t.join(2)
        self.sock.close()
        if isinstance(self.addr, str) and self.addr and not self.addr.startswith("\0"):
            try:
                os.unlink(self.addr)
            except OSError:
                pass


# ---------------------------------------------------------------- assertions

def stream_bytes(res, name):
    val = res.get(name)
    if val is None:
        return b""
    enc = res.get(name + "_encoding", "utf-8")
    if enc == "base64":
        return base64.b64decode(val, validate=True)
    return val.encode("utf-8", "surrogatepass")


def schema_problems(res):
    p = []
    if not isinstance(res, dict):
        return ["result is not a JSON object"]
    if res.get("status") not in STATUSES:
        p.append("bad status %r" % res.get("status"))
    for k in ("exit_code",):
        if k not in res or not (res[k] is None or (isinstance(res[k], int) and not isinstance(res[k], bool))):
            p.append("bad %s %r" % (k, res.get(k)))
    if "signal" not in res or not (res["signal"] is None or (isinstance(res["signal"], str) and res["signal"].startswith("SIG"))):
        p.append("bad signal %r" % res.get("signal"))
    for s in ("stdout", "stderr"):
        if not isinstance(res.get(s), str):
            p.append("bad %s" % s)
        if res.get(s + "_encoding") not in ("utf-8", "base64"):
            p.append("bad %s_encoding %r" % (s, res.get(s + "_encoding")))
        if not isinstance(res.get(s + "_truncated"), bool):
            p.append("bad %s_truncated %r" % (s, res.get(s + "_truncated")))
        try:
            b = stream_bytes(res, s)
            if res.get(s + "_encoding") == "utf-8":
                b.decode("utf-8")  # lone surrogates etc. are not text
        except Exception as e:  # noqa: BLE001
            p.append("%s does not decode: %s" % (s, e))
    if "compile_output" not in res or not (res["compile_output"] is None or isinstance(res["compile_output"], str)):
        p.append("bad compile_output")
    for k in ("cpu_ms", "wall_ms", "memory_peak_kb"):
        v = res.get(k)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            p.append("bad %s %r" % (k, v))
    if res.get("status") == "ok" and (res.get("exit_code") != 0 or res.get("signal") is not None):
        p.append("status ok but exit_code %r signal %r" % (res.get("exit_code"), res.get("signal")))
    return p


def field_value(res, extra, name):
    if name in extra:
        return extra[name]
    m = re.match(r"(stdout|stderr|compile_output)_(bytes|len)$", name)
    if m:
        b = stream_bytes(res, m.group(1)) if m.group(1) != "compile_output" else (res.get("compile_output") or "").encode()
        return b if m.group(2) == "bytes" else len(b)
    if name not in res:
        raise KeyError("no field %r in the result" % name)
    return res[name]


def text_of(res, name):
    if name == "compile_output":
        return (res.get("compile_output") or "").encode("utf-8", "surrogatepass")
    return stream_bytes(res, name)


def check_expect(expr, res, extra):
    """Returns None when the expectation holds, else a message."""
    m = re.match(r"(stdout|stderr|compile_output)\s+(not\s+)?(contains|matches)\s+(.*)$", expr)
    if m:
        stream, neg, op, arg = m.group(1), bool(m.group(2)), m.group(3), m.group(4)
        data = text_of(res, stream)
        if op == "contains":
            hit = arg.encode("utf-8") in data
        else:
            hit = re.search(arg.encode("utf-8"), data, re.M) is not None
        if hit == neg:
            verb = ("contains" if op == "contains" else "matches") if neg else \
                ("does not contain" if op == "contains" else "does not match")
            return "%s %s %r" % (stream, verb, arg)
        return None
    m = re.match(r"([a-z_]+)\s+(is not null|is null)$", expr)
    if m:
        v = field_value(res, extra, m.group(1))
        ok = (v is None) == (m.group(2) == "is null")
        return None if ok else "%s is %r" % (m.group(1), v)
    m = re.match(r"([a-z_]+)\s+(not in|in)\s+(.*)$", expr)
    if m:
        v = field_value(res, extra, m.group(1))
        choices = [c.strip() for c in m.group(3).split(",")]
        choices = [None if c == "null" else c for c in choices]
        ok = (v in choices) == (m.group(2) == "in")
        return None if ok else "%s is %r, wanted %s %s" % (m.group(1), v, m.group(2), m.group(3))
    m = re.match(r"([a-z_]+)\s*(==|!=|<=|>=|<|>)\s*(.*)$", expr)
    if m:
        name, op, raw = m.groups()
        v = field_value(res, extra, name)
        if name.endswith("_bytes"):
            want = eval(raw, {"__builtins__": {}}, {"bytes": bytes, "range": range})  # noqa: S307 (our own case files)
        elif raw in ("true", "false"):
            want = raw == "true"
        elif raw == "null":
            want = None
        else:
            try:
                want = float(raw) if "." in raw else int(raw)
            except ValueError:
                want = raw
        try:
            ok = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b,
                  "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
                  "<": lambda a, b: a < b, ">": lambda a, b: a > b}[op](v, want)
        except TypeError:
            ok = False
        if ok:
            return None
        shown = v if not isinstance(v, bytes) or len(v) < 300 else v[:300] + b"..."
        return "%s is %r, wanted %s %r" % (name, shown, op, want)
    return "cannot parse expectation %r" % expr


# ---------------------------------------------------------------- running

def run_cli(argv, timeout, max_cell_procs_watch):
    """Runs the CLI; returns (rc, stdout, stderr, maxrss_kb, elapsed_ms, max_cell_procs)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True, cwd=REPO, env=CLI_ENV)
    bufs = {"out": [], "err": []}

    def reader(stream, key):
        while True:
            chunk = stream.read(65536)
            if not chunk:
                break
            bufs[key].append(chunk)

    ts = [threading.Thread(target=reader, args=(p.stdout, "out"), daemon=True),
          threading.Thread(target=reader, args=(p.stderr, "err"), daemon=True)]
    for t in ts:
        t.start()
    max_cells = 0
    killed = False
    rc, rusage = None, None
    while True:
        wpid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if wpid == p.pid:
            rc = os.waitstatus_to_exitcode(status)
            rusage = ru
            p.returncode = rc
            break
        if max_cell_procs_watch:
            max_cells = max(max_cells, descendants_with_cell_uid(p.pid, process_table()))
        if time.monotonic() - t0 > timeout and not killed:
            killed = True
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02 if max_cell_procs_watch else 0.01)
    for t in ts:
        t.join(5)
    elapsed = int((time.monotonic() - t0) * 1000)
    return (rc, b"".join(bufs["out"]), b"".join(bufs["err"]),
            rusage.ru_maxrss if rusage else 0, elapsed, max_cells, killed)


def run_case(num, path):
    name = os.path.relpath(path, HERE)
    d = parse_case(path)
    fails = []
    cleanup = []
    listeners = []
    canary = None
    try:
        for hp, tok in d["host_files"]:
            with open(hp, "w") as f:
                f.write(tok + "\n")
            os.chmod(hp, 0o644)
            cleanup.append(hp)
        for port in d["tcp"]:
            listeners.append(Listener(socket.AF_INET, ("127.0.0.1", port)))
        for up in d["unix"]:
            listeners.append(Listener(socket.AF_UNIX, "\0" + up[1:] if up.startswith("@") else up))
        if d["canary"] or d["stdin"] == "canary":
            canary = subprocess.Popen(["sleep", "300"], start_new_session=True)
        argv = [BIN, "run"]
        if d["lang"]:
            argv += ["--lang", d["lang"]]
        argv += d["args"]
        if d["stdin"] == "canary" or d["stdin_text"] is not None:
            fd, sp = tempfile.mkstemp(prefix="stockade-hostile-stdin-")
            with os.fdopen(fd, "w") as f:
                if d["stdin"] == "canary":
                    f.write("%d %d\n" % (canary.pid, os.getpid()))
                else:
                    f.write(d["stdin_text"])
            os.chmod(sp, 0o644)
            cleanup.append(sp)
            argv += ["--stdin", sp]
        if d["prelude"]:
            # one program file for the cell: the shared prelude, then the case
            ext = os.path.splitext(path)[1]
            with open(os.path.join(HERE, "prelude", d["prelude"] + ext), encoding="utf-8") as f:
                text = f.read()
            with open(path, encoding="utf-8") as f:
                text += f.read()
            fd, prog = tempfile.mkstemp(prefix="stockade-hostile-case-", suffix=ext)
            with os.fdopen(fd, "w") as f:
                f.write(text)
            cleanup.append(prog)
            argv.append(prog)
        else:
            argv.append(path)

        procs_before = len(host_pids())
        mounts_before = mounts()
        rc, out, err, maxrss, elapsed, max_cells, killed = run_cli(
            argv, d["timeout"], d["max_cell_procs"] is not None)
        procs_after = len(host_pids())

        res = None
        if killed:
            fails.append("the CLI did not finish within %gs (runner timeout); killed" % d["timeout"])
        if rc != 0:
            fails.append("CLI exit code %r (stockade itself failed)" % rc)
        try:
            res = json.loads(out.decode("utf-8"))  # strict: control characters must be escaped
        except Exception as e:  # noqa: BLE001
            fails.append("stdout of the CLI is not one JSON object: %s" % e)
        if res is not None:
            fails += schema_problems(res)
            extra = {"host_maxrss_kb": maxrss, "runner_ms": elapsed}
            for e in d["expect"]:
                try:
                    msg = check_expect(e, res, extra)
                except Exception as ex:  # noqa: BLE001
                    msg = "%s: %s" % (e, ex)
                if msg:
                    fails.append("expect %s: %s" % (e, msg))
        for ls in listeners:
            if ls.accepted:
                fails.append("host listener %r accepted %d connection(s) from the cell" % (ls.addr, ls.accepted))
        if canary is not None and canary.poll() is not None:
            fails.append("host canary process %d died (%r)" % (canary.pid, canary.returncode))
        if d["procs_stable"] is not None and procs_after > procs_before + d["procs_stable"]:
            fails.append("host process count %d before, %d after (allowed +%d)"
                         % (procs_before, procs_after, d["procs_stable"]))
        if d["max_cell_procs"] is not None and max_cells > d["max_cell_procs"]:
            fails.append("%d processes with a cell uid seen at once on the host (allowed %d)"
                         % (max_cells, d["max_cell_procs"]))
        fails += ["left behind: " + p for p in leftovers(mounts_before)]
    finally:
        for ls in listeners:
            ls.close()
        if canary is not None:
            try:
                canary.kill()
            except OSError:
                pass
            canary.wait()
        for f in cleanup:
            try:
                os.unlink(f)
            except OSError:
                pass

    if fails:
        print("not ok %d - %s" % (num, name))
        for f in fails:
            diag("  " + f)
        diag("  command: " + " ".join(shlex.quote(a) for a in argv))
        if res is not None:
            diag("  result: " + json.dumps(res)[:4000])
        else:
            diag("  stdout: %r" % out[:2000])
        if err:
            diag("  stockade stderr: %r" % err[:2000])
    else:
        print("ok %d - %s" % (num, name))
        if VERBOSE and res is not None:
            diag("  status=%s exit_code=%s signal=%s cpu_ms=%s wall_ms=%s memory_peak_kb=%s runner_ms=%d"
                 % (res["status"], res["exit_code"], res["signal"], res["cpu_ms"], res["wall_ms"],
                    res["memory_peak_kb"], elapsed))
    sys.stdout.flush()
    return not fails


VERBOSE = False


def main():
    global VERBOSE
    args = [a for a in sys.argv[1:]]
    if "-v" in args:
        VERBOSE = True
        args.remove("-v")
    filters = args + [s for s in os.environ.get("STOCKADE_CASES", "").split(",") if s]
    cases = sorted(glob.glob(os.path.join(CASES_DIR, "*")))
    cases = [c for c in cases if os.path.splitext(c)[1] in LANG_BY_EXT]
    if filters:
        cases = [c for c in cases if any(f in os.path.basename(c) for f in filters)]
    print("1..%d" % (len(cases) + 1))
    sys.stdout.flush()
    if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
        for i, c in enumerate(cases, 1):
            print("not ok %d - %s" % (i, os.path.relpath(c, HERE)))
        diag("%s is missing or not executable (run make, or set STOCKADE_BIN)" % BIN)
        print("not ok %d - global: nothing left behind" % (len(cases) + 1))
        return 1
    start_procs = len(host_pids())
    start_mounts = mounts()
    t0 = time.monotonic()
    failed = 0
    for i, c in enumerate(cases, 1):
        if not run_case(i, c):
            failed += 1
    problems = leftovers(start_mounts)
    end_procs = len(host_pids())
    if end_procs > start_procs + 20:
        problems.append("host process count grew from %d to %d over the suite" % (start_procs, end_procs))
    n = len(cases) + 1
    if problems:
        print("not ok %d - global: nothing left behind" % n)
        for p in problems:
            diag("  " + p)
        failed += 1
    else:
        print("ok %d - global: nothing left behind" % n)
    diag("suite took %.1fs" % (time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
