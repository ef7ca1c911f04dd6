"""The whole Stockade stack for the end-to-end tests over HTTP (tests/api/*.t).

build/stack.sh starts memcached, syslog-ng, the keeper, stockade-fcgi and nginx in
the background. A test script gives this module a config; a Stack then holds a state
directory and ports of its own (so two scripts, or a script and a developer's stack,
never meet), runs stack.sh with the environment that points it there, and talks HTTP
to its nginx. The shape of a script:

    stack.need_stack()                          # root and a built stockade-fcgi, or skip
    KEY = stack.new_keys("acme")                # {"acme": "sk-acme-..."}
    STACK = stack.Stack("judge", CONF_XML % stack.sha256(KEY["acme"]))
    with STACK:                                 # stops the stack at the end, whatever
        STACK.start()                           # test 1; a failed start ends the block
        r = STACK.call("GET", "/v1/languages", key=KEY["acme"])
        ok(r.status == 200, "...", r)
        STACK.check_fcgi_log()
    STACK.finish()                              # the plan, the logs kept or removed, exit

Every test it prints itself (start, the log check, stop) keeps the name the scripts
gave it before this module existed, so their TAP output is unchanged.
"""
import hashlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import tap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STACK_SH = os.path.join(ROOT, "build", "stack.sh")


def bin_dir():
    """Where stockade, stockade-pool and stockade-fcgi are: $STOCKADE_BIN_DIR, else the
    folder of $STOCKADE_BIN (the variable the other tests take), else build/bin."""
    if os.environ.get("STOCKADE_BIN_DIR"):
        return os.environ["STOCKADE_BIN_DIR"]
    if os.environ.get("STOCKADE_BIN"):
        return os.path.dirname(os.environ["STOCKADE_BIN"])
    return os.path.join(ROOT, "build", "bin")


def need_stack():
    """Skips the whole script unless the stack can run here: it needs root (the keeper
    makes cgroups and namespaces) and a built stockade-fcgi."""
    tap.need_root("the keeper creates cgroups and namespaces: needs root")
    if not os.access(os.path.join(bin_dir(), "stockade-fcgi"), os.X_OK):
        tap.skip_all("%s/stockade-fcgi is not built (make)" % bin_dir())


def sha256(text):
    """The hex SHA-256 of a string: what a <key sha256="..."/> of the config holds."""
    return hashlib.sha256(text.encode()).hexdigest()


def new_keys(*tenants):
    """A fresh API key for each tenant: {"acme": "sk-acme-<32 hex digits>", ...}."""
    return {t: "sk-%s-%s" % (t, secrets.token_hex(16)) for t in tenants}


def is_error(r, status, code=None, says=None):
    """Stockade's own error contract (not the Judge0 or Piston one): the status, a body
    {"error": {"code", "message"}} with a message, and x-ms-error-code equal to the
    code; `code` and `says` (a part of the message), when given, must match too."""
    e = (r.json or {}).get("error") if isinstance(r.json, dict) else None
    return (r.status == status and isinstance(e, dict) and isinstance(e.get("code"), str) and
            isinstance(e.get("message"), str) and e["message"] != "" and
            (code is None or e["code"] == code) and r.h("x-ms-error-code") == e["code"] and
            (says is None or says in e["message"]))


def children(pid):
    """The pids of the processes whose parent is `pid`, sorted; zombies (dead, waiting
    to be reaped) left out. E.g. stockade-fcgi's workers, under its master."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue  # ended meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and ")", so cut at the last ")"
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(d))
    return sorted(out)


class Resp:
    """One HTTP answer: status, headers (names in lower case), body (bytes), and json,
    the body parsed, or None when it is empty or not JSON. Printed (as the diagnostics
    of a failed test) as the status, the headers and the start of the body."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def h(self, name):
        """A header's value, or None; the name in any case."""
        return self.headers.get(name.lower())

    def __repr__(self):
        return "%d %s %r" % (self.status, self.headers, self.body[:800])


class Stack:
    """One stack of the test's own: a state directory, two free ports, the config.

    name  a word for the state directory's name (/tmp/stockade-NAME-test.XXXX)
    conf  the config's XML text; written to the state directory as `conf_name`, it is
          what stack.sh starts from (it adds the sockets, the dev tenant, ...)
    env   more environment for stack.sh, e.g. {"STOCKADE_DEV_ANONYMOUS": "none"}
    """

    def __init__(self, name, conf, env=None, conf_name="src.xml"):
        self.run = tempfile.mkdtemp(prefix="stockade-%s-test." % name)
        # free a moment ago; if another process takes nginx's port meanwhile, stack.sh
        # start says so ("something else listens on 127.0.0.1:PORT")
        self.http_port = tap.free_port()
        self.mc_port = tap.free_port()
        self.conf = os.path.join(self.run, conf_name)
        with open(self.conf, "w") as f:
            f.write(conf)
        self.env = dict(os.environ, STOCKADE_RUN_DIR=self.run, STOCKADE_CONF=self.conf,
                        STOCKADE_BIN_DIR=bin_dir(), PORT=str(self.http_port),
                        STOCKADE_MEMCACHED_PORT=str(self.mc_port),
                        # how long start waits for the keeper's warm cells: 120s, what
                        # these tests always used (stack.sh's own default is 180); a
                        # value in the caller's environment wins
                        STOCKADE_READY_TIMEOUT=os.environ.get("STOCKADE_READY_TIMEOUT",
                                                              "120"))
        self.env.update(env or {})
        self.audit_jsonl = os.path.join(self.run, "audit.jsonl")  # syslog-ng writes it
        self.dev_key = None       # the dev tenant's key, read once the stack is up
        self.t_start = time.time()

    # ---- build/stack.sh ------------------------------------------------------------------

    def sh(self, *args, timeout=240):
        """Runs build/stack.sh ARGS (start, stop, status, stop-one NAME) on this stack;
        the CompletedProcess, its output as text. If it does not end within `timeout`
        seconds, returncode is None and stderr says so (rather than an exception)."""
        # STOCKADE_RUN_DIR set here again, whatever the caller did to self.env: stack.sh
        # falls back to /tmp/stockade-dev, and a stop there would end a developer's stack
        env = dict(self.env, STOCKADE_RUN_DIR=self.run)
        try:
            return subprocess.run([STACK_SH] + list(args), env=env, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else \
                (e.stdout or "")
            return subprocess.CompletedProcess(
                e.cmd, None, out, "build/stack.sh %s: still running after %gs\n"
                % (" ".join(args), timeout))

    def start(self, name="build/stack.sh start: the whole stack answers /healthz"):
        """Starts the stack: one test, `name`. Once it is up, reads the dev key and notes
        the time it took. If it failed, notes where the logs are and the end of each,
        and raises SystemExit: the `with` block ends there (and stops what did start)."""
        p = self.sh("start")
        if not tap.ok(p.returncode == 0, name, p.stdout + p.stderr):
            self.note_logs()
            raise SystemExit
        self.dev_key = self.read("dev-key").strip()
        tap.note("stack up in %.1fs on port %d" % (time.time() - self.t_start,
                                                   self.http_port))

    def stop(self, name="build/stack.sh stop"):
        """Stops every component: one test, `name`."""
        p = self.sh("stop")
        tap.ok(p.returncode == 0, name, p.stdout + p.stderr)

    # `with STACK:` around the tests: the stack is stopped at the end whatever happens, and
    # an exception in the tests is one failed test rather than a silent stop.
    def __enter__(self):
        self.t_start = time.time()
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, Exception):
            tap.ok(False, "the test ran to its end",
                   "".join(traceback.format_exception(kind, exc, tb)))
        self.stop()
        # SystemExit (a failed start, or a test that gave up) and exceptions end here;
        # a KeyboardInterrupt goes on, once the stack is stopped
        return kind is None or issubclass(kind, (SystemExit, Exception))

    def finish(self):
        """After the `with` block: notes the time, prints the plan, removes the state
        directory if every test passed (else says where it is) and exits 0 or 1."""
        tap.note("%.1fs in all" % (time.time() - self.t_start))
        tap.plan()
        if tap.failed:
            print("# logs kept in %s" % self.run)
        else:
            shutil.rmtree(self.run, ignore_errors=True)
        sys.exit(tap.exit_code())

    # ---- files of the state directory ----------------------------------------------------

    def path(self, name):
        """A file of the state directory: fcgi.log, pool.log, dev-key, fcgi.pid, ..."""
        return os.path.join(self.run, name)

    def pid(self, name):
        """The pid a component's pid file holds (memcached, pool, fcgi, nginx), or None."""
        try:
            return int(self.read(name + ".pid").strip())
        except ValueError:
            return None

    def read(self, name):
        """A file of the state directory as text ("" if it cannot be read)."""
        try:
            with open(self.path(name), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def note_logs(self, lines=5):
        """Notes the state directory and the last lines of each of its logs: why a start
        failed is usually there, and not in stack.sh's own output."""
        tap.note("the stack's state and logs: %s" % self.run)
        try:
            logs = sorted(n for n in os.listdir(self.run) if n.endswith(".log"))
        except OSError:
            logs = []
        for name in logs:
            tail = self.read(name).splitlines()[-lines:]
            if tail:
                tap.note("%s:\n  %s" % (name, "\n  ".join(tail)))

    def check_fcgi_log(self, name="fcgi.log: no worker died, no sanitizer report"):
        """One test, `name`: stockade-fcgi's log says no worker died or exited (its master
        logs each) and holds no sanitizer report (the builds with ASan/UBSan)."""
        bad = [l for l in self.read("fcgi.log").splitlines()
               if "died of signal" in l or "exited" in l or
               "Sanitizer" in l or "runtime error:" in l]
        tap.ok(not bad, name, "\n".join(bad[:10]))

    # ---- the audit trail ($RUN/audit.jsonl, written by syslog-ng) ------------------------

    def audit_records(self):
        """Every record in audit.jsonl so far, parsed (lines that do not parse left out)."""
        out = []
        # split on "\n" only: a record may hold a U+2028, which splitlines() splits on
        for line in self.read("audit.jsonl").split("\n"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def find_record(self, rid, secs=10):
        """The audit record of the request whose x-ms-request-id is `rid`, waiting up to
        `secs` seconds for syslog-ng to write it; None if it does not come."""
        end = time.time() + secs
        while time.time() < end:
            for r in self.audit_records():
                if (r.get("audit") or {}).get("request_id") == rid:
                    return r
            time.sleep(0.2)
        return None

    # ---- HTTP ------------------------------------------------------------------------------

    def call(self, method, path, body=None, headers=None, key=None, auth="bearer",
             timeout=120):
        """One request to nginx, on a connection of its own; a Resp.

        key   the API key to send, or None (or "") to send none
        auth  how: "bearer" (Authorization: Bearer KEY) or "token" (X-Auth-Token: KEY)
        headers are added after the key's, so they can replace it; a str body is sent
        as UTF-8."""
        hdrs = {}
        if key and auth == "bearer":
            hdrs["Authorization"] = "Bearer " + key
        elif key and auth == "token":
            hdrs["X-Auth-Token"] = key
        hdrs.update(headers or {})
        if isinstance(body, str):
            body = body.encode()
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=hdrs)
            r = c.getresponse()
            return Resp(r.status, r.getheaders(), r.read())
        finally:
            c.close()
