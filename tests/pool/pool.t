#!/usr/bin/env python3
"""End-to-end tests of the warm pool and stateful sessions (issue 3).

Starts a real memcached and a real keeper (build/stack.sh, with a test config and its
own state directory and port), talks to the keeper through `stockade exec | files |
sessions | pool` and, for malformed messages, through its socket directly, and reads
memcached's keys over its text protocol. Prints TAP. Needs root.
"""
import concurrent.futures
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402  (tests/lib/tap.py)
from tap import ok, free_port  # noqa: E402
BIN = os.environ.get("STOCKADE_BIN") or os.path.join(ROOT, "build", "bin", "stockade")
STACK = os.path.join(ROOT, "build", "stack.sh")

tap.need_root("the keeper creates cgroups and namespaces: needs root")


RUN = tempfile.mkdtemp(prefix="stockade-pool-test.")
PORT = free_port()
CONF = os.path.join(RUN, "stockade.xml")
with open(CONF, "w") as f:
    f.write("""<?xml version="1.0"?>
<stockade version="1">
  <keeper socket="/run/unused.sock" busy-wait="1" max-upload="8M">
    <memcached servers="127.0.0.1:11211" timeout="0.2"/>
  </keeper>
  <runtime name="python" ready="2" max-sessions="16" cooldown="300" timeout="10"
           max-timeout="60" grace="1">
    <limits memory="256M" pids="64" cpus="1" disk="32M" inodes="1024" output="64K"/>
  </runtime>
  <runtime name="node" ready="1" max-sessions="2" cooldown="300" timeout="10" grace="1">
    <limits memory="256M" pids="64" cpus="1" disk="32M" output="64K"/>
  </runtime>
  <runtime name="bash" ready="1" max-sessions="2" cooldown="4" timeout="10" grace="1">
    <limits memory="128M" pids="64" cpus="1" disk="32M" output="64K"/>
  </runtime>
</stockade>
""")
ENV = dict(os.environ, STOCKADE_RUN_DIR=RUN, STOCKADE_CONF=CONF,
           STOCKADE_BIN_DIR=os.path.dirname(BIN),  # the keeper built with BIN (asan)
           STOCKADE_MEMCACHED_PORT=str(PORT),
           PORT=str(free_port()))  # the stack's nginx, unused here but started
SOCK = os.path.join(RUN, "pool.sock")


def stack(cmd, timeout=240):
    return subprocess.run([STACK, cmd], env=ENV, capture_output=True, text=True,
                          timeout=timeout)


def cli(args, timeout=120):
    p = subprocess.run([BIN] + args, env=ENV, capture_output=True, timeout=timeout)
    try:
        j = json.loads(p.stdout.decode())
    except ValueError:
        j = None
    return p.returncode, j, p.stderr.decode("utf-8", "replace")


def ex(session, code, lang=None, tenant="dev", timeout=None):
    args = ["exec", "--session", session, "--tenant", tenant, "-c", code]
    if lang:
        args[1:1] = ["--lang", lang]
    if timeout:
        args[1:1] = ["--timeout", str(timeout)]
    rc, j, err = cli(args)
    return j or {"ok": False, "stderr_of_cli": err, "rc": rc}


def res(j):
    return (j or {}).get("result") or {}


def pool():
    rc, j, err = cli(["pool"])
    return (j or {}).get("pool") or {}


def mc(cmd):
    """One memcached text-protocol command; returns the raw answer."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=2)
    s.sendall(cmd.encode() + b"\r\n")
    data = b""
    while not re.search(rb"(END|STORED|DELETED|NOT_FOUND|ERROR|\d+)\r\n$", data):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode("utf-8", "replace")


def mc_get(key):
    m = re.match(r"VALUE \S+ \d+ \d+\r\n(.*?)\r\nEND", mc("get " + key), re.S)
    return m.group(1) if m else None


def cell_groups():
    d = "/sys/fs/cgroup/memory/stockade"
    return sorted(x for x in os.listdir(d) if x.startswith("cell-")) if os.path.isdir(d) else []


def sandbox_procs():
    """Processes running as a sandbox uid (900000 and up)."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/status" % pid) as f:
                for line in f:
                    if line.startswith("Uid:") and int(line.split()[1]) >= 900000:
                        out.append(pid)
        except OSError:
            pass
    return out


def wait_for(pred, secs, step=0.2):
    end = time.time() + secs
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def keeper_pid():
    with open(os.path.join(RUN, "pool.pid")) as f:
        return int(f.read())


try:
    p = stack("start")
    if not ok(p.returncode == 0, "build/stack.sh start: memcached and the keeper, pool filled",
              p.stdout + p.stderr):
        tap.plan()
        sys.exit(1)
    pl = pool()
    ok(pl.get("runtimes", {}).get("python", {}).get("warm") == 2 and
       pl["runtimes"]["node"]["warm"] == 1 and pl["runtimes"]["bash"]["warm"] == 1,
       "the pool holds `ready` warm cells per runtime", pl)
    ok(pl.get("memcached") == "up", "the keeper reports memcached up", pl)

    # ---- state within a session ---------------------------------------------------
    t0 = time.time()
    j = ex("s1", "x = 41\nimport os; os.getcwd()")
    bind_s = time.time() - t0
    ok(j.get("ok") and res(j).get("status") == "ok" and res(j).get("value") == "/mnt/data",
       "first exec binds a warm cell; the working directory is /mnt/data", j)
    ok(j.get("session", {}).get("new") is True, "the first call made a new session", j)
    cell1 = j.get("session", {}).get("cell")
    j = ex("s1", "x + 1")
    ok(res(j).get("value") == 42 and j["session"]["cell"] == cell1 and
       j["session"]["new"] is False, "variables persist between executions", j)
    j = ex("s1", "print('out'); import sys; print('err', file=sys.stderr); {'a': [1, 2]}")
    r = res(j)
    ok(r.get("stdout") == "out\n" and r.get("stderr") == "err\n" and
       r.get("value") == {"a": [1, 2]}, "stdout, stderr and a JSON value", j)
    j = ex("s1", "object()")
    ok(res(j).get("value") is None and (res(j).get("value_repr") or "").startswith("<object"),
       "a value that is not JSON comes back as its repr", j)
    j = ex("s1", "1/0")
    e = res(j).get("exception") or {}
    ok(res(j).get("status") == "runtime_error" and e.get("type") == "ZeroDivisionError" and
       "1/0" in (e.get("traceback") or ""), "an exception: type, message, traceback", j)
    ok(res(j).get("cpu_ms", -1) >= 0 and res(j).get("memory_peak_kb", 0) > 1000 and
       "wall_ms" in res(j), "cpu, wall and peak memory measured by the host", res(j))
    j = ex("s1", "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()")
    imgs = res(j).get("images") or []
    import base64
    ok(len(imgs) == 1 and base64.b64decode(imgs[0]["data"])[:8] == b"\x89PNG\r\n\x1a\n",
       "a matplotlib figure comes back as a PNG", {k: v for k, v in res(j).items()
                                                    if k != "images"})
    j = ex("s1", "import sys; [m in sys.modules for m in ('numpy', 'pandas', 'matplotlib')]")
    ok(res(j).get("value") == [True, True, True],
       "numpy, pandas and matplotlib were imported before the session began", j)

    # ---- files ------------------------------------------------------------------------
    src = os.path.join(RUN, "upload.txt")
    with open(src, "wb") as f:
        f.write(b"hello\x00world\n")
    rc, j, err = cli(["files", "--session", "s1", "put", src, "data.bin"])
    ok(rc == 0 and j.get("file", {}).get("size") == 12, "upload a file", (j, err))
    j = ex("s1", "open('data.bin','rb').read()[:5].decode()")
    ok(res(j).get("value") == "hello", "the code sees the uploaded file", j)
    ex("s1", "open('made.txt','w').write('made by code')")
    rc, j, err = cli(["files", "--session", "s1", "list"])
    names = sorted(f["name"] for f in (j or {}).get("files", []))
    ok(rc == 0 and names == ["data.bin", "made.txt"], "list shows both files", j)
    out = os.path.join(RUN, "made.out")
    rc, j, err = cli(["files", "--session", "s1", "get", "made.txt", out])
    ok(rc == 0 and open(out).read() == "made by code", "download a file the code made", err)
    rc, j, err = cli(["files", "--session", "s1", "rm", "made.txt"])
    j2 = ex("s1", "import os; sorted(os.listdir('.'))")
    ok(rc == 0 and res(j2).get("value") == ["data.bin"], "delete a file", (j, j2))
    rc, j, err = cli(["files", "--session", "s1", "get", "../etc/passwd"])
    ok(rc == 1 and j and j["error"]["code"] == "bad_request", "a path in a file name is refused",
       (j, err))

    # ---- HOSTILE 19: links the sandbox made are never followed ------------------------
    ex("s1", "import os; os.symlink('/etc/shadow', 'shadow'); os.symlink('data.bin', 'alias')")
    rc, j, err = cli(["files", "--session", "s1", "get", "shadow"])
    ok(rc == 1 and j and j["error"]["code"] == "bad_request" and "link" in j["error"]["message"],
       "row 19: download of a link to a host file is refused", (j, err))
    rc, j, err = cli(["files", "--session", "s1", "get", "alias"])
    ok(rc == 1 and j and "link" in j["error"]["message"],
       "row 19: even a link to a file of the session is not followed", j)
    rc, j, err = cli(["files", "--session", "s1", "list"])
    types = {f["name"]: f["type"] for f in (j or {}).get("files", [])}
    ok(types.get("shadow") == "link" and types.get("alias") == "link",
       "row 19: listing shows links as links", j)
    with open(src, "wb") as f:
        f.write(b"replaced")
    rc, j, err = cli(["files", "--session", "s1", "put", src, "alias"])
    j2 = ex("s1", "import os; (os.path.islink('alias'), open('data.bin','rb').read()[:5])")
    ok(rc == 0 and res(j2).get("value_repr") == "(False, b'hello')",
       "row 19: an upload over a link replaces the link, never writes through it", (j, j2))
    rc, j, err = cli(["files", "--session", "s1", "rm", "shadow"])
    ok(rc == 0 and os.path.exists("/etc/shadow"), "row 19: deleting a link removes the link only")

    # ---- HOSTILE 16: nothing crosses sessions -------------------------------------------
    ex("s1", "import subprocess; open('/tmp/secret','w').write('s1'); "
             "subprocess.Popen(['sleep', '300'])")
    j = ex("s2", "import os\n"
                 "[ 'x' in globals(), os.listdir('/mnt/data'), os.path.exists('/tmp/secret'),\n"
                 "  sorted(int(p) for p in os.listdir('/proc') if p.isdigit()) ]")
    v = res(j).get("value") or [None] * 4
    ok(v[0] is False, "row 16: another session does not see the first one's variables", j)
    ok(v[1] == [] and v[2] is False, "row 16: nor its /mnt/data or /tmp", j)
    ok(j.get("session", {}).get("cell") != cell1 and v[3] is not None and len(v[3]) <= 3,
       "row 16: nor its processes (its own pid namespace: init, runner, maybe a child)", v)
    j = ex("s1", "import os; sorted(int(p) for p in os.listdir('/proc') if p.isdigit())")
    ok(len(res(j).get("value") or []) >= 3, "processes persist within a session (sleep)", j)
    j = ex("s2", "1", tenant="other")
    ok(j.get("session", {}).get("new") is True and j["session"]["cell"] not in (cell1,),
       "row 37: the same identifier under another tenant is another session", j)

    # ---- node and bash --------------------------------------------------------------------
    j = ex("n1", "var a = 20; function twice(x) { return 2 * x }", lang="node")
    j = ex("n1", "console.log('hi'); twice(a) + 2", lang="node")
    ok(res(j).get("value") == 42 and res(j).get("stdout") == "hi\n",
       "node: a persistent context and the last value", j)
    j = ex("n1", "null.x", lang="node")
    ok(res(j).get("status") == "runtime_error" and
       (res(j).get("exception") or {}).get("type") == "TypeError", "node: an exception", j)
    j = ex("n1", "1", lang="python")
    ok(not j.get("ok") and j["error"]["code"] == "runtime_mismatch",
       "a session keeps its runtime", j)
    ex("b1", "cd /tmp; V=hello", lang="bash")
    j = ex("b1", "echo $V $PWD; false", lang="bash")
    ok(res(j).get("stdout") == "hello /tmp\n" and res(j).get("exit_code") == 1,
       "bash: cwd and variables persist; the exit code is reported", j)

    # ---- timeouts ---------------------------------------------------------------------
    ex("t1", "state = 'kept'")
    t0 = time.time()
    j = ex("t1", "import time\nwhile True: time.sleep(0.1)", timeout=1)
    took = time.time() - t0
    ok(res(j).get("status") == "timeout" and not res(j).get("session_ended") and took < 5,
       "a timeout interrupts the execution (%.1fs)" % took, j)
    j = ex("t1", "state")
    ok(res(j).get("value") == "kept" and j["session"]["new"] is False,
       "the session survives the interrupt", j)
    cell_t1 = j["session"]["cell"]
    j = ex("t1", "import time\nwhile True:\n    try:\n        time.sleep(100)\n"
                 "    except KeyboardInterrupt:\n        pass", timeout=1)
    ok(res(j).get("status") == "timeout" and res(j).get("session_ended") is True and
       "session has ended" in (res(j).get("message") or ""),
       "code that ignores the interrupt ends the session cleanly", j)
    j = ex("t1", "'state' in globals()")
    ok(j["session"]["new"] is True and j["session"]["cell"] != cell_t1 and
       res(j).get("value") is False, "the next request gets a fresh session", j)
    j = ex("b1", "sleep 100", lang="bash", timeout=1)
    ok(res(j).get("status") == "timeout" and not res(j).get("session_ended"),
       "bash: a timeout interrupts a command", j)

    # ---- busy ---------------------------------------------------------------------------
    with concurrent.futures.ThreadPoolExecutor(2) as tp:
        a = tp.submit(ex, "busy", "import time; time.sleep(3)")
        time.sleep(1.0)
        b = tp.submit(ex, "busy", "1")
        ra, rb = a.result(), b.result()
    ok(res(ra).get("status") == "ok" and not rb.get("ok") and rb["error"]["code"] == "busy",
       "a second execution in a busy session gets \"busy\" after busy-wait", (ra, rb))

    # ---- identifiers race -------------------------------------------------------------------
    with concurrent.futures.ThreadPoolExecutor(8) as tp:
        outs = list(tp.map(lambda i: ex("race", "import os; os.getpid()"), range(8)))
    cells = {o.get("session", {}).get("cell") for o in outs}
    news = sum(1 for o in outs if o.get("session", {}).get("new"))
    ok(len(cells) == 1 and None not in cells and news == 1,
       "8 concurrent first calls end with one session", [o.get("session") for o in outs])
    v = mc_get("stockade:s:dev:race")
    ok(v is not None and v.split()[2] == str(cells.pop() if cells else None) and
       v.split()[3] == "python", "memcached holds the binding: host boot cell runtime", v)

    # ---- the pool refills; capacity ---------------------------------------------------------
    ok(wait_for(lambda: pool().get("runtimes", {}).get("python", {}).get("warm") == 2, 30),
       "the pool refills in the background", pool())
    outs = [ex(b, "true", lang="bash") for b in ("b2", "b3", "b4")]
    codes = [o.get("ok") or o.get("error", {}).get("code") for o in outs]
    ok(outs[0].get("ok") and "no_capacity" in codes and codes.count(True) <= 2,
       "max-sessions (2) reached: no_capacity", codes)

    # ---- cooldown ---------------------------------------------------------------------------
    ok(mc_get("stockade:s:dev:b2") is not None, "bash session b2 is in memcached")
    ok(wait_for(lambda: not any(s["session"] == "b2" for s in
                                (cli(["sessions"])[1] or {}).get("sessions", [])), 10),
       "cooldown: an idle session ends", cli(["sessions"])[1])
    ok(mc_get("stockade:s:dev:b2") is None, "cooldown: its binding is gone from memcached")
    ok(wait_for(lambda: not any(s["runtime"] == "bash" for s in
                                (cli(["sessions"])[1] or {}).get("sessions", [])), 10),
       "cooldown ended the other bash sessions too")
    j = ex("b5", "echo ok", lang="bash")
    ok(res(j).get("stdout") == "ok\n", "cooldown freed the cells for new sessions", j)

    # ---- HOSTILE 34, 35 --------------------------------------------------------------------
    j = ex("crash", "x = 1\nimport ctypes\nctypes.string_at(0)")
    ok(res(j).get("status") == "runtime_error" and res(j).get("session_ended") is True,
       "row 34: an interpreter crash is contained and ends the session", j)
    j = ex("crash", "'x' in globals()")
    ok(j["session"]["new"] is True and res(j).get("value") is False,
       "row 34: the crashed cell is discarded, not reused", j)
    j = ex("tamper", "import os\nfor fd in os.listdir('/proc/self/fd'):\n"
                     "    try: os.write(int(fd), b'5\\n{\"st')\n    except OSError: pass")
    j2 = ex("s2", "'still fine'")
    ok(res(j2).get("value") == "still fine", "row 35: tampering with the runner harms no "
       "other session", (j, j2))
    j = ex("tamper", "1 + 1")
    ok(j.get("ok") and res(j).get("status") in ("ok", "runtime_error"),
       "row 35: the tampering session gets a well-formed answer", j)
    j = ex("monkey", "import builtins\nbuiltins.exec = None\nimport json\njson.dumps = None")
    j = ex("monkey", "2 + 2")
    ok(j.get("ok") and "status" in res(j),
       "row 35: a monkeypatched runner still yields a well-formed result", j)

    # ---- OOM ------------------------------------------------------------------------------
    j = ex("oom", "b = bytearray(400 << 20)")
    ok(res(j).get("status") == "memory_limit", "an OOM in a session is memory_limit", j)

    # ---- hostile replies and output -------------------------------------------------------
    deep = "import os\nfd = [int(f) for f in os.listdir('/proc/self/fd') if int(f) >= 10]\n" \
           "body = b'{\"status\":\"ok\",\"value\":' + b'[' * 2000 + b']' * 2000 + b'}'\n" \
           "for f in fd:\n    try: os.write(f, str(len(body)).encode() + b'\\n' + body)\n" \
           "    except OSError: pass\n" \
           "import time; time.sleep(0.5)"
    j = ex("deep", deep)
    ok(j.get("ok") and "too deeply" in (res(j).get("value_repr") or "") and
       pool().get("runtimes"), "row 35: a forged reply nested 2000 deep does not crash the "
       "keeper", {k: v for k, v in (j or {}).items() if k != "result"})
    j = ex("big", "import sys; sys.stdout.write('\\x01' * (60 << 10)); "
                  "sys.stderr.write('\\x02' * (60 << 10))")
    ok(j.get("ok") and len(res(j).get("stdout", "")) == 60 << 10,
       "output that JSON escaping inflates still comes back", j.get("error"))
    t0 = time.time()
    j = ex("closed", "import os, time; os.close(1); os.close(2); time.sleep(2); 'done'")
    ok(res(j).get("value") == "done", "a session that closed its stdout and stderr is served")
    big = os.path.join(RUN, "big.bin")
    with open(big, "wb") as f:
        f.truncate(9 << 20)
    rc, j, err = cli(["files", "--session", "s1", "put", big])
    ok(rc == 1 and j and j["error"]["code"] == "too_large",
       "an upload over max-upload gets too_large, not a dropped connection", (j, err))

    # ---- malformed keeper messages -----------------------------------------------------------
    def raw(data):
        s = socket.socket(socket.AF_UNIX)
        s.connect(SOCK)
        s.settimeout(5)
        s.sendall(data)
        try:
            got = s.recv(100)
        except socket.timeout:
            got = "timeout"
        except ConnectionResetError:
            got = b""   # closed with our bytes unread
        s.close()
        return got
    head = lambda t, jl, bl, magic=0x314b5453: struct.pack("<IHHII", magic, t, 0, jl, bl)
    ok(raw(b"GET / HTTP/1.0\r\n\r\n") == b"", "garbage ends the connection")
    ok(raw(head(2, 1 << 30, 0)) == b"", "an oversized JSON length ends the connection")
    ok(raw(head(2, 5, 0) + b"[1,2]") == b"", "JSON that is not an object ends the connection")
    ok(raw(head(99, 2, 0) + b"{}") == b"", "an unknown type ends the connection")
    ok(raw(head(0x102, 2, 0) + b"{}") == b"", "a reply sent to the keeper ends the connection")
    ok(raw(head(2, 2, 0, magic=1) + b"{}") == b"", "a bad magic ends the connection")
    s = socket.socket(socket.AF_UNIX)
    s.connect(SOCK)
    s.settimeout(5)
    s.sendall(head(2, 2, 0) + b"{}")
    r = b""
    while len(r) < 16 or len(r) < 16 + struct.unpack("<IHHII", r[:16])[3]:
        chunk = s.recv(4096)
        if not chunk:
            break
        r += chunk
    s.close()
    ok(r[4:6] == struct.pack("<H", 0x102) and b'"bad_request"' in r,
       "a well-formed request with bad fields gets an error reply", r)
    j = ex("s1", "x")
    ok(res(j).get("value") == 41, "the keeper kept serving after malformed clients", j)

    # ---- memcached restart ---------------------------------------------------------------
    mpid = int(open(os.path.join(RUN, "memcached.pid")).read())
    os.kill(mpid, signal.SIGKILL)
    wait_for(lambda: not os.path.exists("/proc/%d" % mpid), 5)
    t0 = time.time()
    j = ex("s1", "x")
    ok(res(j).get("value") == 41 and time.time() - t0 < 3,
       "memcached down: a running session goes on", j)
    j = ex("during", "'new while down'")
    ok(res(j).get("value") == "new while down",
       "memcached down: a new session is bound from the keeper's own state", j)
    os.unlink(os.path.join(RUN, "memcached.pid"))
    p = stack("start")
    ok(p.returncode == 0, "memcached restarted", p.stderr)
    ok(wait_for(lambda: mc_get("stockade:s:dev:s1"), 8) and mc_get("stockade:s:dev:during"),
       "after the restart the keeper republishes its sessions", mc("get stockade:s:dev:s1"))
    j = ex("s1", "x")
    ok(res(j).get("value") == 41 and j["session"]["new"] is False,
       "the session survived memcached's restart", j)

    # ---- two keepers (two hosts) racing for one identifier -----------------------------
    conf_b = os.path.join(RUN, "b.xml")
    with open(conf_b, "w") as f:
        f.write("""<stockade version="1"><keeper socket="/run/unused.sock" host="hostb"/>
  <runtime name="python" ready="2" max-sessions="4"><limits memory="256M"/></runtime>
</stockade>""")
    sock_b = os.path.join(RUN, "b.sock")
    kb = subprocess.Popen([os.path.join(os.path.dirname(BIN), "stockade-pool"), "--config",
                           conf_b, "--socket", sock_b, "--memcached", "127.0.0.1:%d" % PORT],
                          stdout=subprocess.DEVNULL, stderr=open(os.path.join(RUN, "b.log"), "w"),
                          start_new_session=True)
    try:
        ok(wait_for(lambda: (json.loads(subprocess.run(
            [BIN, "pool", "--socket", sock_b], capture_output=True).stdout or b"{}")
            .get("pool", {}).get("runtimes", {}).get("python", {}).get("warm") == 2), 60),
           "a second keeper (host hostb) runs beside the first")

        def on(sock, i):
            p = subprocess.run([BIN, "exec", "--socket", sock, "--session", "xhost", "-c",
                                "%d" % i], env=ENV, capture_output=True, timeout=60)
            return json.loads(p.stdout or b"{}")
        with concurrent.futures.ThreadPoolExecutor(6) as tp:
            outs = list(tp.map(lambda i: on(SOCK if i % 2 else sock_b, i), range(6)))
        hosts = {o["session"]["host"] for o in outs if o.get("ok")}
        news = sum(1 for o in outs if o.get("ok") and o["session"]["new"])
        away = [o["error"].get("host") for o in outs if not o.get("ok")]
        ok(len(hosts) == 1 and news == 1 and away and set(away) == hosts and
           all(o.get("ok") or o["error"]["code"] == "elsewhere" for o in outs),
           "two hosts racing for an identifier: one session; the other host answers "
           "\"elsewhere\" naming the holder", outs)
    finally:
        kb.send_signal(signal.SIGTERM)
        kb.wait(30)

    # ---- keeper restart -------------------------------------------------------------------
    before = cell_groups()
    ok(len(before) >= 5, "cells exist before the keeper stops", before)
    kp = keeper_pid()
    os.kill(kp, signal.SIGTERM)
    wait_for(lambda: not os.path.exists("/proc/%d" % kp), 20)
    ok(wait_for(lambda: not sandbox_procs(), 10) and cell_groups() == [],
       "SIGTERM: the keeper ends every cell; no process or cgroup is left",
       (sandbox_procs(), cell_groups()))
    p = stack("start")
    ok(p.returncode == 0 and pool().get("runtimes", {}).get("python", {}).get("warm") == 2,
       "a new keeper starts and fills its pool", p.stderr)
    j = ex("s1", "'x' in globals()")
    ok(j["session"]["new"] is True and res(j).get("value") is False,
       "a session of the previous keeper is not resumed: a fresh one", j)
    kp = keeper_pid()
    os.kill(kp, signal.SIGKILL)
    wait_for(lambda: not os.path.exists("/proc/%d" % kp), 5)
    ok(wait_for(lambda: not sandbox_procs(), 10), "SIGKILL: every cell dies with the keeper",
       sandbox_procs())
    os.unlink(os.path.join(RUN, "pool.pid"))
    p = stack("start")
    # the new keeper's own cells: its warm ones and the judge's spare (empty) cells,
    # counted once its spare cells are all armed
    wait_for(lambda: (pool().get("judge") or {}).get("ready") ==
             (pool().get("judge") or {}).get("target"), 20)
    groups = cell_groups()
    warm = sum(r.get("warm", 0) + r.get("bound", 0)
               for r in pool().get("runtimes", {}).values())
    warm += (pool().get("judge") or {}).get("ready", 0)
    ok(p.returncode == 0 and len(groups) == warm,
       "the next keeper removed its predecessor's cgroups (%d groups, %d cells)"
       % (len(groups), warm), (groups, pool()))
finally:
    stack("stop")

ok(wait_for(lambda: not sandbox_procs() and cell_groups() == [], 10),
   "build/stack.sh stop leaves nothing behind", (sandbox_procs(), cell_groups()))
tap.plan()
if tap.failed:
    print("# logs kept in %s" % RUN)
else:
    import shutil
    shutil.rmtree(RUN, ignore_errors=True)
sys.exit(tap.exit_code())
