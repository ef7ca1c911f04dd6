#!/usr/bin/env python3
"""End-to-end tests of `stockade run` and `stockade check`: flags, exit codes, the JSON
result, every language, stdin, concurrency, and recovery from a crashed run.

Prints TAP. Needs root (cells create cgroups and namespaces); skips with the reason
otherwise. STOCKADE_BIN names the binary (default: build/bin/stockade of this tree).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402  (tests/lib/tap.py)
from tap import ok, skip  # noqa: E402
BIN = os.environ.get("STOCKADE_BIN") or os.path.join(ROOT, "build", "bin", "stockade")
KEYS = {
    "status": str, "exit_code": (int, type(None)), "signal": (str, type(None)),
    "stdout": str, "stderr": str, "stdout_truncated": bool, "stderr_truncated": bool,
    "compile_output": (str, type(None)), "cpu_ms": int, "wall_ms": int,
    "memory_peak_kb": int,
}


def run(args, env=None, stdin=None, timeout=60):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([BIN] + args, capture_output=True, env=e, input=stdin, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def result(args, **kw):
    rc, out, err = run(["run"] + args, **kw)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, "stdout was not JSON: %r\nstderr: %s" % (out[:500], err)


def cgroups_left(parent="stockade"):
    left = []
    for ctl in ("memory", "pids", "cpu", "cpuacct"):
        d = "/sys/fs/cgroup/%s/%s" % (ctl, parent)
        if os.path.isdir(d):
            left += [os.path.join(d, x) for x in os.listdir(d) if x.startswith("cell-")]
    return left


def main():
    tap.need_root("cells need root (cgroups, namespaces, uid maps)")
    if not os.access(BIN, os.X_OK):
        print("1..0 # SKIP %s is not built" % BIN)
        return 0
    tmp = tempfile.mkdtemp(prefix="stockade-cli-")

    # -- usage errors: exit 2, a message, nothing on stdout
    for args, what in (
        (["run"], "no program"),
        (["run", "-c", "1", "x.py"], "both -c and FILE"),
        (["run", "--memory", "lots", "-c", "1"], "bad size"),
        (["run", "--time", "-1", "-c", "1"], "bad time"),
        (["run", "--pids", "0", "-c", "1"], "pids out of range"),
        (["run", "--memory", "1M", "-c", "1"], "memory below the minimum"),
        (["run", "--lang", "cobol", "-c", "1"], "unknown language"),
        (["frobnicate"], "unknown command"),
    ):
        rc, out, err = run(args)
        ok(rc == 2 and out == "" and err.startswith("stockade:"), "usage error (%s): exit 2 with a message" % what,
           "rc=%d out=%r err=%r" % (rc, out, err))
    rc, out, err = run(["run", os.path.join(tmp, "prog.unknown")])
    ok(rc == 2 and "--lang" in err, "unknown extension asks for --lang", err)
    rc, out, err = run(["run", os.path.join(tmp, "missing.py")])
    ok(rc == 1 and "missing.py" in err, "unreadable FILE: exit 1 naming it", err)
    rc, out, _ = run(["--version"])
    ok(rc == 0 and out.startswith("stockade "), "--version")

    # -- check
    rc, out, err = run(["check"])
    ok(rc == 0, "check: exit 0 on this kernel", out + err)
    for word in ("user namespace", "pid namespace", "network namespace", "seccomp",
                 "memory controller", "pids controller", "cpu controller", "cgroup version"):
        ok(word in out, "check reports %s" % word, out)
    rc, out, err = run(["check"], env={"STOCKADE_CGROUP_ROOT": "/sys/fs/cgroup/unified"})
    ok(rc == 1 and "v2" in out and "MISS" in out and "refuses" in out,
       "check on a v2 tree without controllers: says what is missing and what follows", out)

    # -- the result object, per language
    programs = {
        "python": ("import sys; print('hi'); sys.exit(3)", 3),
        "node": ("console.log('hi'); process.exit(3)", 3),
        "bash": ("echo hi; exit 3", 3),
        "c": ('#include <stdio.h>\nint main(void){puts("hi");return 3;}\n', 3),
        "cpp": ('#include <iostream>\nint main(){std::cout<<"hi"<<std::endl;return 3;}\n', 3),
    }
    for lang, (code, code_rc) in programs.items():
        rc, r, err = result(["--lang", lang, "-c", code])
        good = rc == 0 and r is not None
        ok(good and all(isinstance(r.get(k), t) for k, t in KEYS.items()) and set(KEYS) <= set(r),
           "%s: every key present with its type" % lang, json.dumps(r) if r else err)
        ok(good and r["status"] == "runtime_error" and r["exit_code"] == code_rc and
           r["stdout"] == "hi\n" and r["signal"] is None,
           "%s: exit code and stdout reported" % lang, json.dumps(r) if r else err)
        ok(good and r["memory_peak_kb"] > 0 and r["wall_ms"] >= 0,
           "%s: measured by the host (memory %s KiB)" % (lang, r and r.get("memory_peak_kb")),
           json.dumps(r) if r else err)
        if lang in ("c", "cpp"):
            ok(good and r["compile_output"] == "", "%s: compile_output is the (empty) compiler output" % lang,
               json.dumps(r) if r else err)

    # FILE with the language from its extension
    path = os.path.join(tmp, "hello.py")
    with open(path, "w") as f:
        f.write("print(6*7)\n")
    rc, r, err = result([path])
    ok(rc == 0 and r and r["status"] == "ok" and r["stdout"] == "42\n", "FILE: .py runs as python",
       json.dumps(r) if r else err)

    # compile errors: no exit code of a program that never ran
    rc, r, err = result(["--lang", "c", "-c", "int main(void) { return x; }"])
    ok(rc == 0 and r and r["status"] == "compile_error" and "undeclared" in r["compile_output"] and
       r["exit_code"] is None and r["stdout"] == "", "compile error: status, compiler message, no exit code",
       json.dumps(r) if r else err)

    # stdin
    sfile = os.path.join(tmp, "in.txt")
    with open(sfile, "wb") as f:
        f.write(b"3 4\n")
    rc, r, err = result(["--stdin", sfile, "-c", "a, b = map(int, input().split()); print(a * b)"])
    ok(rc == 0 and r and r["stdout"] == "12\n", "--stdin feeds the program", json.dumps(r) if r else err)
    rc, r, err = result(["--lang", "bash", "-c", "cat; echo end; readlink /proc/self/fd/0"])
    ok(rc == 0 and r and r["stdout"] == "end\n/dev/null\n" and r["stderr"] == "",
       "no --stdin: stdin is an open /dev/null", json.dumps(r) if r else err)
    rc, r, err = result(["--lang", "c", "--stdin", sfile, "-c",
                         '#include <stdio.h>\nint main(void){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);}'])
    ok(rc == 0 and r and r["status"] == "ok" and r["stdout"] == "7\n", "--stdin reaches a compiled program",
       json.dumps(r) if r else err)

    # limits from flags reach the kernel
    rc, r, err = result(["--lang", "bash", "--memory", "100M", "--pids", "10", "-c",
                         "cat /proc/self/limits | grep -E 'file size|open files|core'; ulimit -s"])
    ok(rc == 0 and r and "16777216" in r["stdout"] and "256" in r["stdout"],
       "rlimits applied (file size 16 MiB, 256 open files)", json.dumps(r) if r else err)
    rc, r, err = result(["--time", "0.3", "-c", "while True: pass"])
    ok(rc == 0 and r and r["status"] == "timeout" and 300 <= r["cpu_ms"] < 1300,
       "--time 0.3: timeout near 300 ms of CPU (%s)" % (r and r.get("cpu_ms")), json.dumps(r) if r else err)
    rc, r, err = result(["--wall", "0.5", "--lang", "bash", "-c", "sleep 10"])
    ok(rc == 0 and r and r["status"] == "timeout" and 500 <= r["wall_ms"] < 2000 and r["signal"] == "SIGKILL",
       "--wall 0.5: timeout near 500 ms, SIGKILL (%s)" % (r and r.get("wall_ms")), json.dumps(r) if r else err)

    # The rest uses a cgroup parent and a state directory of its own, so other runs on the
    # machine (and their cgroups) are neither counted nor touched.
    parent = "stockade-test-cli"
    state = tempfile.mkdtemp(prefix="stockade-state-")
    iso = {"STOCKADE_STATE_DIR": state, "STOCKADE_CGROUP_PARENT": parent}

    # the program starts clean: default signal handling, nothing blocked (the
    # supervisor ignores SIGPIPE), no real-time priority, small locked memory
    rc, r, err = result(["--lang", "bash", "-c",
                         "grep -E '^Sig(Ign|Blk)' /proc/self/status; yes | head -1 >/dev/null; "
                         "echo pipe ${PIPESTATUS[0]}; ulimit -r -e -l"])
    ok(rc == 0 and r and "SigIgn:\t0000000000000000" in r["stdout"] and
       "SigBlk:\t0000000000000000" in r["stdout"] and "pipe 141" in r["stdout"],
       "signals: defaults, nothing ignored or blocked; SIGPIPE kills", json.dumps(r) if r else err)
    # the program's limits do not come from the supervisor: with generous ones it still
    # gets small ones (needs CAP_SYS_RESOURCE to start it so), with smaller ones it
    # keeps those (a limit is never raised)
    import resource

    def ulimits(preexec):
        p = subprocess.run([BIN, "run", "--lang", "bash", "-c", "ulimit -r -e -l"], capture_output=True,
                           preexec_fn=preexec, timeout=60)
        try:
            return json.loads(p.stdout)["stdout"].rstrip().split("\n")
        except (ValueError, KeyError):
            return p.stdout + p.stderr

    def generous():
        resource.setrlimit(resource.RLIMIT_RTPRIO, (50, 50))
        resource.setrlimit(resource.RLIMIT_NICE, (30, 30))
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    try:
        if os.fork() == 0:
            try:
                generous()
                os._exit(0)
            except (ValueError, OSError):
                os._exit(1)
        can_raise = os.wait()[1] == 0
    except OSError:
        can_raise = False
    if can_raise:
        lim = ulimits(generous)
        ok(lim == ["real-time priority                  (-r) 0", "scheduling priority                 (-e) 0",
                   "max locked memory           (kbytes, -l) 8192"],
           "rlimits: no real-time or raised priority, 8 MiB locked memory, whatever the supervisor had",
           lim)
    else:
        skip(None, "raising the supervisor's limits needs CAP_SYS_RESOURCE, which this host's "
             "root lacks")
    lim = ulimits(lambda: resource.setrlimit(resource.RLIMIT_MEMLOCK, (64 << 10, 64 << 10)))
    ok(isinstance(lim, list) and lim[-1] == "max locked memory           (kbytes, -l) 64",
       "rlimits: a smaller limit of the supervisor is kept, and the cell still starts", lim)

    # a compiled program the kernel refuses to execute is the program's failure
    rc, r, err = result(["--lang", "c", "-c",
                         '__attribute__((section(".interp"), used)) static const char t[1] = { 1 };\n'
                         "int main(void) { return 0; }\n"])
    ok(rc == 0 and r and r["status"] == "runtime_error" and r["exit_code"] is None and
       "could not be executed" in r.get("error", ""),
       "a binary the kernel will not exec: runtime_error with the reason, exit 0", json.dumps(r) if r else err)
    # and one too large for the run cell's disk is a compile error, not a failure
    rc, r, err = result(["--lang", "c", "--disk", "8M", "-c",
                         "char big[12 << 20] = {1}; int main(void) { return big[5]; }\n"])
    ok(rc == 0 and r and r["status"] == "compile_error" and "disk limit" in r["compile_output"],
       "a binary larger than --disk: compile_error saying so, exit 0", json.dumps(r) if r else err)

    # concurrent cells get distinct host uids; all are cleaned up
    procs = [subprocess.Popen([BIN, "run", "--lang", "bash", "-c", "sleep 0.5; cat /proc/self/uid_map"],
                              stdout=subprocess.PIPE, env=dict(os.environ, **iso)) for _ in range(6)]
    maps = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        try:
            maps.append(json.loads(out)["stdout"].split()[1])
        except (ValueError, KeyError, IndexError):
            maps.append(None)
    ok(None not in maps and len(set(maps)) == 6, "6 concurrent cells: 6 distinct host uids %s" % maps)
    ok(cgroups_left(parent) == [], "no cell cgroup left after the concurrent runs", cgroups_left(parent))

    # a crashed holder of a slot left its cgroup and a process behind: the next run in
    # that slot kills the process and replaces the group
    env = dict(iso, STOCKADE_UID_COUNT="1", STOCKADE_UID_BASE="905000")
    stale = "/sys/fs/cgroup/pids/%s/cell-0" % parent
    os.makedirs(stale, exist_ok=True)
    squatter = subprocess.Popen(["sleep", "60"])
    with open(stale + "/cgroup.procs", "w") as f:
        f.write(str(squatter.pid))
    rc, r, err = result(["-c", "print('after crash')"], env=env)
    ok(rc == 0 and r and r["stdout"] == "after crash\n", "a stale cgroup of the slot is replaced",
       json.dumps(r) if r else err)
    try:
        squatter.wait(timeout=5)
        killed = squatter.returncode == -9
    except subprocess.TimeoutExpired:
        squatter.kill()
        killed = False
    ok(killed, "the process left in the stale cgroup was killed")
    ok(not os.path.exists(stale), "the slot's cgroup is gone afterwards")

    # a slot held by a live run is not taken: with one slot, a second run waits for none
    # and fails clearly instead of sharing a uid
    holder = subprocess.Popen([BIN, "run", "--lang", "bash", "-c", "sleep 2"], env=dict(os.environ, **env),
                              stdout=subprocess.PIPE)
    time.sleep(0.5)
    rc, out, err = run(["run", "-c", "1"], env=env)
    ok(rc == 1 and "slot" in err, "all uid slots busy: exit 1 with a clear message", err)
    holder.communicate(timeout=30)

    # the cell has a session of its own: kill(0, SIGCONT) reaches nothing outside. The
    # wrapper leads the process group stockade runs in, and reports any SIGCONT.
    wrapper = ("import signal, subprocess, sys\n"
               "got = []\n"
               "signal.signal(signal.SIGCONT, lambda *a: got.append(1))\n"
               "subprocess.run([sys.argv[1], 'run', '--lang', 'bash', '-c', "
               "'kill -CONT 0; kill -CONT -1; echo sid=$(ps -o sid= -p $$)'], stdout=subprocess.DEVNULL)\n"
               "print('SIGCONT reached the host' if got else 'nothing reached the host')\n")
    p = subprocess.run([sys.executable, "-c", wrapper, BIN], capture_output=True, timeout=60,
                       start_new_session=True)
    ok(p.stdout.decode().strip() == "nothing reached the host",
       "kill(0, SIGCONT) in the cell does not reach the supervisor's process group",
       p.stdout.decode() + p.stderr.decode())
    rc, r, err = result(["--lang", "bash", "-c", "echo $(ps -o sid= -p $$) $(ps -o pgid= -p $$)"])
    ok(rc == 0 and r and r["stdout"].split() == ["1", "1"], "the program's session and group are the cell's own",
       json.dumps(r) if r else err)

    # init keeps nothing of the supervisor's: only its status pipe
    run_p = subprocess.Popen([BIN, "run", "--lang", "bash", "-c", "sleep 1"], stdout=subprocess.PIPE,
                             env=dict(os.environ, **iso))
    init_fds = None
    for _ in range(100):
        time.sleep(0.02)
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % pid) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid == run_p.pid and os.stat("/proc/" + pid).st_uid >= 900000:
                    init_fds = sorted(int(x) for x in os.listdir("/proc/%s/fd" % pid))
            except (OSError, ValueError, IndexError):
                pass
        if init_fds is not None:
            break
    run_p.communicate(timeout=30)
    ok(init_fds is not None and len(init_fds) == 1,
       "the cell's init holds exactly one descriptor, its status pipe (%s)" % init_fds)

    # /proc/1/cmdline in the cell does not show the supervisor's arguments
    rc, r, err = result(["--time", "4.321", "-c", "print(open('/proc/1/cmdline','rb').read())"])
    ok(rc == 0 and r and "4.321" not in r["stdout"] and "stockade-init" in r["stdout"],
       "the supervisor's argv is not visible as /proc/1/cmdline", json.dumps(r) if r else err)

    # Stockade's own failures exit 1 with a message (and never pretend a result)
    rc, out, err = run(["run", "-c", "1"], env={"STOCKADE_CGROUP_ROOT": "/nonexistent"})
    ok(rc == 1 and "cgroup" in err, "no cgroup file system: exit 1, says so", err)
    rc, out, err = run(["run", "-c", "1"], env={"STOCKADE_CGROUP_ROOT": "/sys/fs/cgroup/unified"})
    ok(rc == 1 and "controllers missing" in err and "memory" in err,
       "cgroup v2 without controllers: refuses, naming them", err)
    ok(not os.listdir("/sys/fs/cgroup/unified/stockade") if os.path.isdir("/sys/fs/cgroup/unified/stockade") else True,
       "the refused v2 run left no cell cgroup")

    for ctl in ("memory", "pids", "cpu", "cpuacct"):
        try:
            os.rmdir("/sys/fs/cgroup/%s/%s" % (ctl, parent))
        except OSError:
            pass

    tap.plan()
    return tap.exit_code()


if __name__ == "__main__":
    sys.exit(main())
