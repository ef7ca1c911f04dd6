#!/usr/bin/env python3
"""The README's quick start, walked through as a new user would.

Runs `make run` (PORT, STOCKADE_RUN_DIR and the memcached port set to private values;
STOCKADE_BIN_DIR passed through) in the background in a process group of its own,
waits until it prints the URL and the development key, runs the request it suggests,
then runs the shell block after the `<!-- quickstart ... -->` marker in README.md with
sh, the port 8080 and /tmp/stockade-dev replaced by the private values (nothing else
is changed), and checks the second answer: result 43 and stdout "42\\n". Then sends
SIGINT to make's process group (Ctrl-C in its terminal) and checks that everything
it started has stopped. Prints TAP. Needs root.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402  (tests/lib/tap.py)
from tap import ok, note, free_port  # noqa: E402
tap.DIAG_LINES = 40  # this script's diagnostics run longer
README = os.path.join(ROOT, "README.md")

tap.need_root("make run starts the keeper (cgroups, namespaces): needs root")
for prog in ("make", "curl", "nginx", "memcached"):
    if not shutil.which(prog):
        tap.skip_all("%s is not installed" % prog)


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def wait_for(pred, secs, step=0.2):
    end = time.time() + secs
    while True:
        v = pred()
        if v or time.time() > end:
            return v
        time.sleep(step)


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def procs():
    """{pid: (ppid, state, cmdline)} of every process."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = read("/proc/%s/stat" % d)
        if not st:
            continue
        rest = st[st.rindex(")") + 2:].split()
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            cmd = ""
        out[int(d)] = (int(rest[1]), rest[0], cmd)
    return out


def descendants(roots, table):
    found = set()
    todo = [r for r in roots if r in table]
    while todo:
        p = todo.pop()
        if p in found:
            continue
        found.add(p)
        todo.extend(c for c, (pp, _, _) in table.items() if pp == p)
    return found


def living(pids):
    t = procs()
    return sorted(p for p in pids if p in t and t[p][1] != "Z")


# ---- the block the README promises runs as written --------------------------------------
text = read(README)
m = re.search(r"<!--\s*quickstart\b[^>]*-->\s*```(?:sh|console|bash)?\n(.*?)```", text, re.S)
if not m:
    print("1..1")
    ok(False, "README.md has a shell block after a <!-- quickstart --> marker")
    sys.exit(1)
BLOCK = m.group(1)

RUN = tempfile.mkdtemp(prefix="stockade-quickstart.")
os.chmod(RUN, 0o755)
PORT = free_port()
MC_PORT = free_port()
env = dict(os.environ, PORT=str(PORT), STOCKADE_RUN_DIR=RUN,
           # not the user's concern, but two stacks on one host must not share one
           STOCKADE_MEMCACHED_PORT=str(MC_PORT))
for k in ("STOCKADE_CONF",):
    env.pop(k, None)
if not os.environ.get("STOCKADE_BIN_DIR") and os.environ.get("STOCKADE_BIN"):
    env["STOCKADE_BIN_DIR"] = os.path.dirname(os.environ["STOCKADE_BIN"])

ok("8080" in BLOCK and "/tmp/stockade-dev" in BLOCK,
   "the quickstart block uses the documented port 8080 and /tmp/stockade-dev", BLOCK)
script = BLOCK.replace("8080", str(PORT)).replace("/tmp/stockade-dev", RUN)

# ---- make run --------------------------------------------------------------------------
out_lines = []
out_lock = threading.Lock()
make = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        start_new_session=True)


def reader():
    for raw in make.stdout:
        with out_lock:
            out_lines.append(raw.decode("utf-8", "replace"))


rt = threading.Thread(target=reader, daemon=True)
rt.start()


def output():
    with out_lock:
        return "".join(out_lines)


class Abort(Exception):
    pass


pids_seen = set()
try:
    t0 = time.time()
    url_re = re.compile(r"http://127\.0\.0\.1:%d/" % PORT)
    key_re = re.compile(r"\b(sk-[A-Za-z0-9_-]{16,})\b")

    def printed():
        o = output()
        return (url_re.search(o) and key_re.search(o) and "Ctrl-C" in o) or make.poll() is not None

    wait_for(printed, 240, 0.2)
    o = output()
    if not ok(make.poll() is None and url_re.search(o) and key_re.search(o),
              "make run prints the URL and a development key and keeps running",
              o[-3000:]):
        raise Abort()
    note("make run was ready in %.1fs" % (time.time() - t0))
    key = key_re.search(o).group(1)
    ok(key == read(os.path.join(RUN, "dev-key")).strip(),
       "the printed key is the one in $STOCKADE_RUN_DIR/dev-key")
    ok(port_open(PORT), "something listens on the printed port")

    # the pids of what it started, for the end
    table = procs()
    for name in ("memcached", "syslog-ng.pid-of-ours", "pool", "fcgi", "nginx"):
        f = os.path.join(RUN, name if name.endswith("ours") else name + ".pid")
        try:
            pids_seen.add(int(read(f).strip()))
        except ValueError:
            pass
    pids_seen |= descendants(list(pids_seen) + [make.pid], table)
    ok(len([p for p in pids_seen if p != make.pid]) >= 5,
       "the stack's five daemons (and their workers) are running", sorted(pids_seen))

    # the request make run suggests, copied from its output
    sm = re.search(r"^\s*(curl .*?)(?:\n\s*\n)", o, re.S | re.M)
    if ok(sm is not None, "make run prints a curl request to try", o[-2000:]):
        suggested = sm.group(1)
        p = subprocess.run(["sh", "-c", suggested], capture_output=True, text=True, timeout=120)
        try:
            j = json.loads(p.stdout)
        except ValueError:
            j = {}
        ok(p.returncode == 0 and ((j.get("properties") or {}).get("status") == "Success"),
           "the suggested request runs and succeeds", (suggested, p.stdout, p.stderr))
    # the judge request it suggests (Judge0, no key: the dev stack serves 127.0.0.0/8)
    sm = re.search(r"^\s*(curl [^\n]*submissions.*?)(?:\n\s*\n)", o, re.S | re.M)
    if ok(sm is not None, "make run prints a judge request to try", o[-2000:]):
        p = subprocess.run(["sh", "-c", sm.group(1)], capture_output=True, text=True, timeout=120)
        try:
            j = json.loads(p.stdout)
        except ValueError:
            j = {}
        ok(p.returncode == 0 and (j.get("status") or {}).get("id") == 3,
           "the suggested judge request is Accepted, with no key", (sm.group(1), p.stdout, p.stderr))

    # the README's block
    p = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=180)
    ok(p.returncode == 0, "the quickstart block exits 0", p.stderr)
    answers = []
    dec = json.JSONDecoder()
    s = p.stdout
    pos = 0
    try:
        while pos < len(s):
            while pos < len(s) and s[pos].isspace():
                pos += 1
            if pos >= len(s):
                break
            obj, pos = dec.raw_decode(s, pos)
            answers.append(obj)
    except ValueError:
        pass
    ok(len(answers) == 2, "it prints two JSON answers", p.stdout[:2000])
    first = (answers[0] if answers else {}).get("properties") or {}
    second = (answers[1] if len(answers) > 1 else {}).get("properties") or {}
    ok(first.get("status") == "Success", "the first answer: Success", answers[:1])
    ok(second.get("status") == "Success" and second.get("result") == 43
       and second.get("stdout") == "42\n",
       "the second answer: result 43, stdout \"42\\n\" (state kept in the session)",
       answers[1:])
    ok((second.get("stockade") or {}).get("new_session") is False,
       "the second call ran in the same session", answers[1:])
except Abort:
    pass
finally:
    # Ctrl-C in make run's terminal: SIGINT to its process group
    before_int = len(output())
    if make.poll() is None:
        table = procs()
        pids_seen |= descendants(list(pids_seen) + [make.pid], table)
        try:
            os.killpg(make.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
    try:
        make.wait(90)
    except subprocess.TimeoutExpired:
        pass
    ok(make.poll() is not None, "make run ends after SIGINT", output()[-2000:])
    rt.join(5)
    ok("stop" in output()[before_int:].lower(), "it says it stops the stack",
       output()[-1500:])

    left = living(pids_seen)
    ok(not left, "every process it started has stopped",
       "\n".join("%d %s" % (p, procs().get(p, (0, "", ""))[2]) for p in left))
    names = ("stockade-fcgi", "stockade-pool", "nginx", "syslog-ng", "memcached")
    strays = ["%d %s" % (p, c) for p, (pp, st, c) in procs().items()
              if st != "Z" and (RUN in c or " %d " % MC_PORT in c + " ")
              and any(x in c for x in names)]
    ok(not strays, "no stockade-fcgi, stockade-pool, nginx, syslog-ng or memcached with "
       "this run dir (or memcached port) is left", "\n".join(strays))
    ok(not os.path.exists(os.path.join(RUN, "fcgi.sock")), "the fcgi socket is gone")
    ok(not port_open(PORT) and not port_open(MC_PORT),
       "nothing listens on the HTTP and memcached ports any more")
    if make.poll() is None:
        # leave nothing behind, whatever happened
        try:
            os.killpg(make.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        subprocess.run([os.path.join(ROOT, "build", "stack.sh"), "stop"], env=env,
                       capture_output=True, timeout=120)


# ---- Ctrl-C while make run is still starting -----------------------------------------------
RUN2 = tempfile.mkdtemp(prefix="stockade-quickstart2.")
os.chmod(RUN2, 0o755)
PORT2, MC_PORT2 = free_port(), free_port()
env2 = dict(env, PORT=str(PORT2), STOCKADE_RUN_DIR=RUN2, STOCKADE_MEMCACHED_PORT=str(MC_PORT2))
make2 = subprocess.Popen(["make", "run"], cwd=ROOT, env=env2, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
# the keeper has started and is warming its cells: stack.sh start is in progress
wait_for(lambda: os.path.exists(os.path.join(RUN2, "pool.pid")) or make2.poll() is not None,
         120, 0.02)
table = procs()
pids2 = set()
for name in ("memcached.pid", "syslog-ng.pid-of-ours", "pool.pid"):
    try:
        pids2.add(int(read(os.path.join(RUN2, name)).strip()))
    except ValueError:
        pass
pids2 |= descendants(list(pids2) + [make2.pid], table)
started_early = make2.poll() is None and not port_open(PORT2)
note("SIGINT with %d processes up, before nginx listened: %s" % (len(pids2), started_early))
try:
    os.killpg(make2.pid, signal.SIGINT)
except ProcessLookupError:
    pass
try:
    out2 = make2.communicate(timeout=90)[0].decode("utf-8", "replace")
except subprocess.TimeoutExpired:
    out2 = ""
ok(make2.poll() is not None, "Ctrl-C while starting: make run ends", out2[-2000:])
time.sleep(0.5)
t = procs()
# the stack's processes appear during the start: look again by run dir and port
strays = ["%d %s" % (p, c) for p, (pp, st, c) in t.items()
          if st != "Z" and (RUN2 in c or " %d " % MC_PORT2 in c + " ")]
left = living(pids2)
ok(not left and not strays, "Ctrl-C while starting: everything it started has stopped",
   "\n".join(strays + ["%d %s" % (p, t.get(p, (0, "", ""))[2]) for p in left]) + "\n"
   + out2[-1500:])
ok(not port_open(PORT2) and not port_open(MC_PORT2) and
   not os.path.exists(os.path.join(RUN2, "fcgi.sock")),
   "Ctrl-C while starting: no port left open, no fcgi socket")
if make2.poll() is None:
    try:
        os.killpg(make2.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
if strays or left or make2.poll() is None:
    subprocess.run([os.path.join(ROOT, "build", "stack.sh"), "stop"], env=env2,
                   capture_output=True, timeout=120)
else:
    shutil.rmtree(RUN2, ignore_errors=True)

tap.plan()
if tap.failed:
    print("# %d failed; state left in %s" % (tap.failed, RUN))
    sys.exit(1)
shutil.rmtree(RUN, ignore_errors=True)
