#!/usr/bin/env python3
"""End-to-end tests of the operations side of the HTTP service and its audit trail.

Starts the whole stack (build/stack.sh: memcached, syslog-ng, the keeper, stockade-fcgi,
nginx) with a test config in a private state directory and ports, and checks, over
HTTP:
  - /healthz, /pool and /metrics (Prometheus text, parsed: counters move by exactly
    what was done, histogram buckets are cumulative, error codes are counted);
  - the audit trail: for an execution, a failing one, a 401, a 429, a 400, an upload
    and an ops request, the record in $RUN/audit.jsonl (found by x-ms-request-id) and
    its raw RFC 5424 line in the spool; no API key anywhere in them;
  - syslog-ng stopped and started while 300 requests run: every record exactly once;
  - HOSTILE row 27: code in a cell cannot reach /dev/log, the spool or syslog-ng's
    control socket, and what it prints never becomes a record;
  - a FastCGI worker killed (the master replaces it and counts it), the master
    stopped (nginx answers a JSON 502/503) and started again;
  - memcached stopped (a running session keeps working) and started again;
  - the keeper killed (503 KeeperUnavailable with Retry-After, /healthz 503) and
    started again (new sessions work).
Prints TAP. Needs root.
"""
import concurrent.futures
import hashlib
import http.client as httpc
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402  (tests/lib/tap.py)
from tap import ok, note  # noqa: E402
import stack  # noqa: E402  (tests/lib/stack.py: build/stack.sh on a state dir of its own)
from stack import children  # noqa: E402
API_VERSION = "2024-02-02-preview"
SD_ID = "stockade@32473"

tap.need_root("the stack runs the keeper (cgroups, namespaces): needs root")
for prog in ("nginx", "memcached", "/usr/sbin/syslog-ng"):
    if not shutil.which(prog):
        tap.skip_all("%s is not installed (build/deps.sh installs it)" % prog)


# a second tenant with a known key and a tiny rate, for the 429
OPS_KEY = "sk-opstest-" + uuid.uuid4().hex
OPS_KEY_ID = "ops-key-1"
OPS_RATE = 2
# STOCKADE_DEV_ANONYMOUS=none: the 401s counted here need a stack where every request
# needs a key. STOCKADE_READY_TIMEOUT: stack.sh's own default (180), as this test had.
STACK = stack.Stack("ops", """<?xml version="1.0"?>
<stockade version="1">
  <keeper socket="/run/unused.sock" busy-wait="2" max-upload="8M">
    <memcached servers="127.0.0.1:11211" timeout="0.2"/>
  </keeper>
  <runtime name="python" ready="2" max-sessions="16" cooldown="300" timeout="10"
           max-timeout="60" grace="1">
    <limits memory="256M" pids="64" cpus="1" disk="32M" inodes="1024" output="64K"/>
  </runtime>
  <fcgi workers="3"/>
  <tenant name="ops" executions-per-minute="%d">
    <key id="%s" sha256="%s"/>
  </tenant>
</stockade>
""" % (OPS_RATE, OPS_KEY_ID, stack.sha256(OPS_KEY)), conf_name="source.xml",
                    env={"STOCKADE_DEV_ANONYMOUS": "none",
                         "STOCKADE_READY_TIMEOUT": os.environ.get("STOCKADE_READY_TIMEOUT",
                                                                  "180")})
RUN = STACK.run
PORT = STACK.http_port
WORKERS = 3
MEMORY_KB = 256 * 1024
TIMEOUT_MS = 10000
AUDIT_JSONL = STACK.audit_jsonl
SPOOL = os.path.join(RUN, "audit")


# ---- HTTP ----------------------------------------------------------------------------

class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        try:
            return json.loads(self.body.decode())
        except ValueError:
            return None

    @property
    def rid(self):
        return self.headers.get("x-ms-request-id")

    def __repr__(self):
        return "%s %s %r" % (self.status, self.headers, self.body[:600])


def req(method, path, body=None, headers=None, timeout=60):
    c = httpc.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    except (OSError, httpc.HTTPException) as e:
        return Answer(0, {}, repr(e).encode())
    finally:
        c.close()


def az_path(op, ident, pool="python"):
    return "/pools/%s/%s?api-version=%s&identifier=%s" % (pool, op, API_VERSION, ident)


def execute(ident, code, key=None, extra=None, timeout=60, headers=None):
    props = {"codeInputType": "inline", "executionType": "synchronous", "code": code}
    props.update(extra or {})
    body = json.dumps({"properties": props}).encode()
    h = {"Authorization": "Bearer " + (key or DEV_KEY), "Content-Type": "application/json"}
    h.update(headers or {})
    a = req("POST", az_path("code/execute", ident), body, h, timeout=timeout)
    a.request_body = body
    return a


def props(a):
    return ((a.json or {}).get("properties") or {})


def wait_for(pred, secs, step=0.2):
    end = time.time() + secs
    while True:
        v = pred()
        if v or time.time() > end:
            return v
        time.sleep(step)


# ---- metrics -------------------------------------------------------------------------

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse_metrics(text):
    """{(name, frozenset(labels)): value}, the TYPE of each family, and bad lines."""
    samples, types, bad = {}, {}, []
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) (\S+) (.*)$", line)
            if not m:
                bad.append(line)
            elif m.group(1) == "TYPE":
                types[m.group(2)] = m.group(3)
            continue
        m = SAMPLE.match(line)
        if not m:
            bad.append(line)
            continue
        labels = {}
        if m.group(3):
            rest = m.group(3)
            pos = 0
            while pos < len(rest):
                lm = LABEL.match(rest, pos)
                if not lm:
                    bad.append(line)
                    break
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        try:
            v = float(m.group(4))
        except ValueError:
            bad.append(line)
            continue
        samples[(m.group(1), frozenset(labels.items()))] = v
    return samples, types, bad


def metrics():
    a = req("GET", "/metrics")
    if a.status != 200:
        return {}, {}, ["HTTP %s" % a]
    return parse_metrics(a.body.decode())


def mval(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


# ---- audit ---------------------------------------------------------------------------

def audit_records():
    out = []
    try:
        with open(AUDIT_JSONL, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError:
                    out.append({"unparsable": line})
    except OSError:
        pass
    return out


def by_rid(records):
    d = {}
    for r in records:
        rid = (r.get("audit") or {}).get("request_id")
        d.setdefault(rid, []).append(r)
    return d


def find_record(rid, secs=8):
    def look():
        for r in audit_records():
            if (r.get("audit") or {}).get("request_id") == rid:
                return r
        return None
    return wait_for(look, secs)


def spool_text():
    text = ""
    for name in sorted(os.listdir(SPOOL)):
        with open(os.path.join(SPOOL, name), encoding="utf-8", errors="replace") as f:
            text += f.read()
    return text


def spool_line(rid):
    for line in spool_text().splitlines():
        if 'request_id="%s"' % rid in line:
            return line
    return None


RFC5424 = re.compile(
    r'^<(\d{1,3})>1 '
    r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) '
    r'([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) '
    r'\[' + re.escape(SD_ID) + r'((?: [a-z0-9_]{1,32}="(?:[^"\\\]]|\\.)*")*)\]'
    r'(?: (.*))?$')


def check_spool_line(rid, severity, what):
    line = spool_line(rid)
    m = RFC5424.match(line or "")
    if not ok(m is not None, "%s: the spool line is RFC 5424 with SD-ID %s" % (what, SD_ID),
              line):
        return
    ok(int(m.group(1)) == 10 * 8 + severity,
       "%s: PRI is authpriv with severity %d" % (what, severity), line)
    ok(m.group(4) == "stockade-fcgi", "%s: APP-NAME stockade-fcgi" % what, line)


# ---- the stack -----------------------------------------------------------------------

def alive(pid):
    st = read("/proc/%d/stat" % pid)
    return bool(st) and not st[st.rindex(")") + 2:].startswith("Z")


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


started = False
try:
    t0 = time.time()
    p = STACK.sh("start")
    started = True
    if not ok(p.returncode == 0, "build/stack.sh start", p.stdout + p.stderr):
        tap.plan()
        sys.exit(1)
    note("stack up in %.1fs on port %d, state in %s" % (time.time() - t0, PORT, RUN))
    DEV_KEY = STACK.read("dev-key").strip()

    # ---- /healthz and /pool ---------------------------------------------------------
    a = req("GET", "/healthz")
    j = a.json or {}
    ok(a.status == 200 and j.get("status") == "ok", "/healthz: 200 status ok", a)
    ok(j.get("keeper") == "up" and j.get("memcached") == "up",
       "/healthz: keeper up, memcached up", a)
    ok(a.headers.get("content-type", "").startswith("application/json"),
       "/healthz: JSON", a)
    a = req("GET", "/pool")
    j = a.json or {}
    py = (j.get("runtimes") or {}).get("python") or {}
    ok(a.status == 200 and isinstance(j.get("runtimes"), dict), "/pool: 200 with runtimes", a)
    ok(all(isinstance(py.get(k), int) for k in ("warm", "starting", "bound", "ready",
                                                 "max_sessions"))
       and py.get("ready") == 2 and py.get("max_sessions") == 16,
       "/pool: python has warm/starting/bound counts, ready 2, max_sessions 16", j)

    # ---- metrics --------------------------------------------------------------------
    s0, types, bad = metrics()
    ok(not bad and s0, "/metrics: every line is Prometheus text", bad)
    ok(types.get("stockade_executions_total") == "counter"
       and types.get("stockade_execution_seconds") == "histogram"
       and types.get("stockade_errors_total") == "counter"
       and types.get("stockade_worker_restarts_total") == "counter"
       and types.get("stockade_pool_cells") == "gauge",
       "/metrics: TYPE lines for counters, the histogram and the gauges", types)
    fams = set(name for name, _ in s0)
    untyped = sorted(f for f in fams
                     if f not in types and re.sub(r"_(bucket|sum|count)$", "", f) not in types)
    ok(not untyped, "/metrics: every sample belongs to a family with a TYPE", untyped)
    ok(all(mval(s0, "stockade_pool_cells", pool="python", state=st) is not None
           for st in ("warm", "starting", "bound")),
       "/metrics: stockade_pool_cells{pool=python} gauges for warm, starting, bound",
       sorted(k for k in s0 if k[0] == "stockade_pool_cells"))
    ok(mval(s0, "stockade_keeper_up") == 1 and mval(s0, "stockade_memcached_up") == 1,
       "/metrics: keeper up 1, memcached up 1")

    IDENT = "ops-main-" + uuid.uuid4().hex[:8]
    N = 5
    answers = [execute(IDENT, "x = %d\nx * 2" % i) for i in range(N)]
    ok(all(a.status == 200 and props(a).get("status") == "Success" for a in answers),
       "%d executions in one session succeed" % N, [a for a in answers if a.status != 200])
    ok([props(a).get("result") for a in answers] == [2 * i for i in range(N)],
       "they return their values", [props(a).get("result") for a in answers])
    s1, _, _ = metrics()
    ok_before = mval(s0, "stockade_executions_total", pool="python", status="ok") or 0
    ok_after = mval(s1, "stockade_executions_total", pool="python", status="ok")
    ok(ok_after == ok_before + N,
       "stockade_executions_total{pool=python,status=ok} grew by exactly %d" % N,
       (ok_before, ok_after))
    c0 = mval(s0, "stockade_execution_seconds_count", pool="python") or 0
    c1 = mval(s1, "stockade_execution_seconds_count", pool="python")
    ok(c1 == c0 + N, "stockade_execution_seconds_count grew by exactly %d" % N, (c0, c1))
    buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in s1.items()
                      if k[0] == "stockade_execution_seconds_bucket"
                      and dict(k[1]).get("pool") == "python"), key=lambda x: x[0])
    ok(len(buckets) >= 5 and buckets[-1][0] == float("inf"),
       "histogram: buckets up to le=+Inf", buckets)
    ok(all(buckets[i][1] <= buckets[i + 1][1] for i in range(len(buckets) - 1)),
       "histogram: buckets are cumulative (never decrease with le)", buckets)
    ok(buckets and buckets[-1][1] == c1, "histogram: the +Inf bucket equals _count",
       (buckets[-1:], c1))
    total_exec = sum(v for k, v in s1.items() if k[0] == "stockade_executions_total"
                     and dict(k[1]).get("pool") == "python")
    ok(c1 == total_exec, "histogram: _count equals the sum of executions_total over statuses",
       (c1, total_exec))
    sum1 = mval(s1, "stockade_execution_seconds_sum", pool="python") or 0
    sum0 = mval(s0, "stockade_execution_seconds_sum", pool="python") or 0
    ok(0 < sum1 - sum0 < 60, "histogram: _sum grew by a plausible time", (sum0, sum1))

    u0 = mval(s1, "stockade_errors_total", code="Unauthorized") or 0
    i0 = mval(s1, "stockade_errors_total", code="InvalidApiKey") or 0
    r4_0 = mval(s1, "stockade_http_requests_total", **{"class": "4xx"}) or 0
    a_nokey = req("POST", az_path("code/execute", IDENT), b'{"properties":{"code":"1"}}',
                   {"Content-Type": "application/json"})
    BOGUS_KEY = "sk-bogus-" + uuid.uuid4().hex
    a_401 = execute(IDENT, "print('never')", key=BOGUS_KEY)
    ok(a_nokey.status == 401 and (a_nokey.json or {}).get("error", {}).get("code")
       == "Unauthorized", "no key: 401 Unauthorized", a_nokey)
    ok(a_401.status == 401 and a_401.headers.get("x-ms-error-code") == "InvalidApiKey"
       and (a_401.json or {}).get("error", {}).get("code") == "InvalidApiKey",
       "a bad key: 401 InvalidApiKey (header and body)", a_401)
    s2, _, _ = metrics()
    ok(mval(s2, "stockade_errors_total", code="Unauthorized") == u0 + 1
       and mval(s2, "stockade_errors_total", code="InvalidApiKey") == i0 + 1,
       "stockade_errors_total counts the 401s by code",
       (u0, i0, mval(s2, "stockade_errors_total", code="Unauthorized"),
        mval(s2, "stockade_errors_total", code="InvalidApiKey")))
    ok(mval(s2, "stockade_http_requests_total", **{"class": "4xx"}) == r4_0 + 2,
       "stockade_http_requests_total{class=4xx} grew by 2",
       (r4_0, mval(s2, "stockade_http_requests_total", **{"class": "4xx"})))

    # ---- audit records ----------------------------------------------------------------
    code_ok = "import math\nprint('h\u00e9llo')\nmath.factorial(10)"
    # a client's X-Forwarded-For is not the client address (nginx's REMOTE_ADDR is)
    a_ok = execute(IDENT, code_ok, extra={"timeoutInSeconds": 7},
                   headers={"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"})
    code_fail = "raise ValueError('on purpose')"
    a_fail = execute(IDENT, code_fail)
    ok(a_ok.status == 200 and props(a_ok).get("result") == 3628800
       and props(a_ok).get("stdout") == "h\u00e9llo\n", "audited execution ran", a_ok)
    ok(a_fail.status == 200 and props(a_fail).get("status") == "Failure"
       and "ValueError" in props(a_fail).get("stderr", ""), "failing execution: Failure", a_fail)
    # the 429: the ops tenant may run OPS_RATE a minute (a minute may turn meanwhile)
    OPS_IDENT = "ops-rate-" + uuid.uuid4().hex[:8]
    a_429 = None
    code_429 = "1 + 1"
    for i in range(3 * OPS_RATE + 2):
        a = execute(OPS_IDENT, code_429, key=OPS_KEY)
        if a.status == 429:
            a_429 = a
            break
        if a.status != 200:
            break
    ok(a_429 is not None and a_429.headers.get("x-ms-error-code") == "QuotaExceeded"
       and int(a_429.headers.get("retry-after", "0")) > 0,
       "the tenant's %d executions a minute: then 429 QuotaExceeded with Retry-After"
       % OPS_RATE, a_429 or a)
    code_400 = "print(1)"
    a_400 = execute(IDENT, code_400, extra={"timeoutInSeconds": 0})
    ok(a_400.status == 400 and a_400.headers.get("x-ms-error-code") == "InvalidTimeout",
       "timeoutInSeconds 0: 400 InvalidTimeout", a_400)
    boundary = "----stockadeops" + uuid.uuid4().hex
    UP_NAME = "d]a't\"a [1] \u00e9t\u00e9.csv"  # ] and " are escaped in the spool
    file_bytes = b"a,b\n1,2\n" * 100
    up_body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\""
               "\r\nContent-Type: text/csv\r\n\r\n" % (boundary, UP_NAME.replace('"', '\\"'))).encode() + file_bytes + \
        ("\r\n--%s--\r\n" % boundary).encode()
    a_up = req("POST", az_path("files/upload", IDENT), up_body,
                {"Authorization": "Bearer " + DEV_KEY,
                 "Content-Type": "multipart/form-data; boundary=" + boundary})
    ok(a_up.status == 200, "upload of %r: 200" % UP_NAME, a_up)
    ok(json.dumps(a_up.json or {}).find(json.dumps(UP_NAME)) >= 0,
       "the upload's answer names the file as sent", a_up)
    a_ops = req("GET", "/pool")
    ok(a_ops.status == 200, "GET /pool: 200", a_ops)

    for what, a in (("execution", a_ok), ("failing execution", a_fail), ("401", a_401),
                    ("429", a_429), ("400", a_400), ("upload", a_up), ("ops", a_ops)):
        ok(a is not None and re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}"
                                      r"-[0-9a-f]{12}$", a.rid or ""),
           "%s: x-ms-request-id is a UUID" % what, a)

    def rec_of(a, what):
        r = find_record(a.rid) if a is not None and a.rid else None
        ok(r is not None, "%s: its record is in audit.jsonl" % what, a)
        return r or {}, (r or {}).get("audit") or {}

    def sha(s):
        return hashlib.sha256(s.encode()).hexdigest()

    # an execution
    r, au = rec_of(a_ok, "execution")
    st = props(a_ok).get("stockade") or {}
    want = {"tenant": "dev", "key_id": "dev", "client": "127.0.0.1", "method": "POST",
            "api": "azure-2024-02-02", "route": "POST code/execute", "identifier": IDENT,
            "pool": "python", "code_sha256": sha(code_ok),
            "code_bytes": len(code_ok.encode()), "timeout_ms": 7000,
            "memory_limit_kb": MEMORY_KB, "http_status": 200, "status": "ok", "exit_code": 0,
            "cpu_ms": st.get("cpu_ms"), "wall_ms": st.get("wall_ms"),
            "memory_peak_kb": st.get("memory_peak_kb"), "bytes_out": len(a_ok.body),
            "bytes_in": len(a_ok.request_body)}
    diff = {k: (v, au.get(k)) for k, v in want.items() if au.get(k) != v}
    ok(not diff, "execution: record fields (tenant, key id, client, api, route, identifier, "
       "pool, code sha256/size, limits, outcome, bytes)", diff or au)
    ok("203.0.113.9" not in json.dumps(r), "execution: a forwarded-for header is not the client")
    ok(isinstance(au.get("memory_peak_kb"), int) and au["memory_peak_kb"] > 0
       and isinstance(au.get("cpu_ms"), int) and isinstance(au.get("wall_ms"), int),
       "execution: cpu_ms, wall_ms, memory_peak_kb are measured numbers", au)
    ok(isinstance(au.get("duration_us"), int) and au["duration_us"] > 0
       and re.match(r"^[0-9a-f-]{36}$", au.get("execution_id") or ""),
       "execution: duration_us and an execution_id", au)
    ok(r.get("severity") == "info" and r.get("facility") == "authpriv"
       and r.get("app") == "stockade-fcgi" and r.get("msgid") == "azure-2024-02-02",
       "execution: header fields (severity info, authpriv, app, msgid)", r)
    ok("error_code" not in au, "execution: no error code", au)
    check_spool_line(a_ok.rid, 6, "execution")

    # a failing execution
    r, au = rec_of(a_fail, "failing execution")
    st = props(a_fail).get("stockade") or {}
    want = {"tenant": "dev", "key_id": "dev", "identifier": IDENT, "pool": "python",
            "route": "POST code/execute", "code_sha256": sha(code_fail),
            "code_bytes": len(code_fail), "timeout_ms": TIMEOUT_MS,
            "memory_limit_kb": MEMORY_KB, "http_status": 200, "status": "runtime_error",
            "exit_code": 1, "cpu_ms": st.get("cpu_ms"), "wall_ms": st.get("wall_ms"),
            "memory_peak_kb": st.get("memory_peak_kb"), "bytes_out": len(a_fail.body)}
    diff = {k: (v, au.get(k)) for k, v in want.items() if au.get(k) != v}
    ok(not diff, "failing execution: status runtime_error, exit code 1, the runtime's "
       "default timeout", diff or au)

    # the 401
    r, au = rec_of(a_401, "401")
    want = {"client": "127.0.0.1", "method": "POST", "api": "azure-2024-02-02",
            "pool": "python", "http_status": 401, "error_code": "InvalidApiKey",
            "bytes_out": len(a_401.body)}
    diff = {k: (v, au.get(k)) for k, v in want.items() if au.get(k) != v}
    ok(not diff, "401: record with error code InvalidApiKey", diff or au)
    ok("tenant" not in au and "key_id" not in au and "status" not in au,
       "401: no tenant, key id or execution status", au)
    ok(r.get("severity") == "notice", "401: severity notice", r)
    check_spool_line(a_401.rid, 5, "401")

    # the 429
    r, au = rec_of(a_429, "429")
    want = {"tenant": "ops", "key_id": OPS_KEY_ID, "identifier": OPS_IDENT, "pool": "python",
            "http_status": 429, "error_code": "QuotaExceeded", "code_sha256": sha(code_429),
            "code_bytes": len(code_429), "route": "POST code/execute"}
    diff = {k: (v, au.get(k)) for k, v in want.items() if au.get(k) != v}
    ok(not diff, "429: record of tenant ops, key ops-key-1, QuotaExceeded", diff or au)
    ok("status" not in au and "cpu_ms" not in au, "429: no execution outcome", au)
    ok(r.get("severity") == "notice", "429: severity notice", r)

    # the 400
    r, au = rec_of(a_400, "400")
    want = {"tenant": "dev", "key_id": "dev", "identifier": IDENT, "http_status": 400,
            "error_code": "InvalidTimeout", "code_sha256": sha(code_400),
            "code_bytes": len(code_400)}
    diff = {k: (v, au.get(k)) for k, v in want.items() if au.get(k) != v}
    ok(not diff, "400: record with error code InvalidTimeout", diff or au)
    ok(r.get("severity") == "info", "400: severity info", r)

    # the upload
    r, au = rec_of(a_up, "upload")
    want = {"tenant": "dev", "key_id": "dev", "identifier": IDENT, "pool": "python",
            "route": "POST files/upload", "http_status": 200, "file_name": UP_NAME,
            "file_bytes": len(file_bytes), "bytes_in": len(up_body),
            "bytes_out": len(a_up.body)}
    diff = {k: (v, au.get(k)) for k, v in want.items() if au.get(k) != v}
    ok(not diff, "upload: record with file name and size", diff or au)
    ok("code_sha256" not in au, "upload: no code hash", au)
    check_spool_line(a_up.rid, 6, "upload")

    # the ops request
    r, au = rec_of(a_ops, "ops")
    want = {"api": "ops", "route": "pool", "method": "GET", "http_status": 200,
            "client": "127.0.0.1", "bytes_out": len(a_ops.body)}
    diff = {k: (v, au.get(k)) for k, v in want.items() if au.get(k) != v}
    ok(not diff, "ops: record api ops, route pool", diff or au)
    ok("tenant" not in au and "key_id" not in au, "ops: no tenant", au)
    check_spool_line(a_ops.rid, 6, "ops")

    # every line of the spool is one well-formed record
    lines = spool_text().splitlines()
    badl = [l for l in lines if not RFC5424.match(l)]
    ok(lines and not badl, "every spool line (%d) is RFC 5424 with our SD-ID" % len(lines),
       badl[:3])
    recs = audit_records()
    ok(recs and all("unparsable" not in r for r in recs), "audit.jsonl: every line is JSON",
       [r for r in recs if "unparsable" in r][:3])

    # keys appear nowhere
    hay = read(AUDIT_JSONL) + spool_text()
    logs = "".join(read(os.path.join(RUN, x)) for x in ("fcgi.log", "pool.log",
                                                         "syslog-ng.log"))
    for name, key in (("the dev key", DEV_KEY), ("the ops key", OPS_KEY),
                      ("the rejected key", BOGUS_KEY)):
        ok(key not in hay and key[8:] not in hay,
           "%s appears nowhere in audit.jsonl or the spool" % name)
        ok(key not in logs, "%s appears nowhere in the daemons' logs" % name)

    # ---- HOSTILE 27: a cell cannot reach syslog ---------------------------------------
    H_IDENT = "ops-hostile27-" + uuid.uuid4().hex[:8]
    marker = "FORGED" + uuid.uuid4().hex
    forged_rid = str(uuid.uuid4())
    forged = ('<86>1 2030-01-01T00:00:00.000000Z vm stockade-fcgi 1 azure-2024-02-02 '
              '[stockade@32473 request_id="%s" tenant="root" key_id="%s" http_status="200"] '
              'POST code/execute 200 tenant=root' % (forged_rid, marker))
    probe = r'''
import json, os, socket
paths = {"devlog": "/dev/log", "spool": %r, "ctl": %r, "run": %r,
         "jsonl": %r, "journal": "/run/systemd/journal/socket"}
out = {k: os.path.exists(p) for k, p in paths.items()}
def try_unix(path, kind):
    try:
        s = socket.socket(socket.AF_UNIX, kind)
        s.settimeout(0.5)
        s.connect(path)
        return "connected"
    except OSError as e:
        return type(e).__name__
out["unix_dgram_devlog"] = try_unix("/dev/log", socket.SOCK_DGRAM)
out["unix_stream_ctl"] = try_unix(%r, socket.SOCK_STREAM)
try:
    import syslog
    syslog.openlog("stockade-fcgi", 0, syslog.LOG_AUTHPRIV)
    syslog.syslog(syslog.LOG_INFO, %r)
    out["syslog_module"] = "called"
except Exception as e:
    out["syslog_module"] = type(e).__name__
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(%r.encode(), ("127.0.0.1", 514))
    out["udp514"] = "sent"
except OSError as e:
    out["udp514"] = type(e).__name__
print(json.dumps(out))
''' % (SPOOL, os.path.join(RUN, "syslog-ng.ctl"), RUN, AUDIT_JSONL,
       os.path.join(RUN, "syslog-ng.ctl"), forged, forged)
    a = execute(H_IDENT, probe)
    try:
        seen = json.loads(props(a).get("stdout", "").strip().splitlines()[-1])
    except (ValueError, IndexError):
        seen = {}
    ok(a.status == 200 and seen, "27: the probe ran in a cell", a)
    ok(seen.get("devlog") is False, "27: /dev/log does not exist in the cell", seen)
    ok(seen.get("spool") is False and seen.get("jsonl") is False and seen.get("run") is False,
       "27: the spool, audit.jsonl and the state directory are not visible in the cell", seen)
    ok(seen.get("ctl") is False and seen.get("unix_stream_ctl") != "connected",
       "27: syslog-ng's control socket is not visible nor reachable", seen)
    ok(seen.get("unix_dgram_devlog") != "connected", "27: nothing to connect to at /dev/log",
       seen)
    ok(seen.get("journal") is False, "27: no journald socket either", seen)
    # forged records on stdout, stderr, and as the last expression's value
    forge_code = ("import sys\nf = %r\nprint(f)\nprint('\\n' + f, flush=True)\n"
                  "sys.stderr.write(f + '\\n')\nsys.__stdout__.write(f + '\\n')\nf") % forged
    a_forge = execute(H_IDENT, forge_code)
    ok(a_forge.status == 200 and marker in props(a_forge).get("stdout", ""),
       "27: the cell printed a forged RFC 5424 record (stdout, stderr, value)", a_forge)
    last = req("GET", "/healthz")  # a record after the forgery, to know syslog-ng is past it
    ok(find_record(a_forge.rid) is not None and find_record(last.rid) is not None,
       "27: the forging execution's own record and a later one arrived")
    recs = audit_records()
    ok(not by_rid(recs).get(forged_rid),
       "27: no record with the forged request id in audit.jsonl", by_rid(recs).get(forged_rid))
    ok(marker not in read(AUDIT_JSONL) and marker not in spool_text(),
       "27: the forged text appears nowhere in audit.jsonl or the spool")
    ok(len(by_rid(recs).get(a_forge.rid, [])) == 1,
       "27: the forging execution has exactly one record", by_rid(recs).get(a_forge.rid))
    # the same through the one free-text field a client controls: the path
    inj_pool = "x\n\\\"] " + forged.replace(marker, marker + "P")
    inj = ("/pools/" + re.sub(r"[^A-Za-z0-9]", lambda m: "%%%02X" % ord(m.group()), inj_pool)
           + "/code/execute?api-version=" + API_VERSION + "&identifier=abcd")
    a_inj = req("POST", inj, b'{"properties":{"code":"1"}}',
                 {"Authorization": "Bearer " + DEV_KEY, "Content-Type": "application/json"})
    ok(a_inj.status == 404, "a pool name with a newline and a forged record: 404", a_inj)
    r_inj = find_record(a_inj.rid) if a_inj.rid else None
    ok(r_inj is not None and not by_rid(audit_records()).get(forged_rid)
       and all(l.startswith("<") for l in spool_text().splitlines()),
       "its record is one record; no line of the spool starts inside it", r_inj)
    want_pool = ("x\ufffd" + inj_pool[2:])[:126]  # cut at 128 bytes (U+FFFD is 3)
    ok(r_inj and r_inj["audit"].get("pool") == want_pool
       and r_inj["audit"].get("error_code") == "PoolNotFound",
       "its pool field is the name with U+FFFD for the newline, cut at 128 bytes",
       (want_pool, r_inj))
    check_spool_line(a_inj.rid, 6, "a forged pool name")

    # ---- syslog-ng restarted under load ------------------------------------------------
    TOTAL = 300
    rids, errs = [], []
    lock = threading.Lock()
    done = [0]
    restart = {}

    def loader():
        # keeps going until the restart is over and TOTAL requests were made
        while True:
            with lock:
                if done[0] >= 5000 or (restart.get("rc") and done[0] >= TOTAL
                                       and done[0] >= restart["started_at"] + 50):
                    return
            a = req("GET", "/healthz", timeout=30)
            with lock:
                done[0] += 1
                if a.status == 200 and a.rid:
                    rids.append(a.rid)
                else:
                    errs.append(a)
            time.sleep(0.01)

    def restarter():
        wait_for(lambda: done[0] >= TOTAL // 4, 30, 0.01)
        p1 = STACK.sh("stop-one", "syslog-ng")
        restart["stopped_at"] = done[0]
        time.sleep(0.3)
        p2 = STACK.sh("start")
        restart["started_at"] = done[0]
        restart["rc"] = (p1.returncode, p2.returncode, p1.stderr + p2.stderr)

    rt = threading.Thread(target=restarter)
    rt.start()
    loaders = [threading.Thread(target=loader) for _ in range(4)]
    for t in loaders:
        t.start()
    for t in loaders:
        t.join(120)
    rt.join(120)
    TOTAL = done[0]
    note("syslog-ng stopped after %s and started after %s of %d requests"
         % (restart.get("stopped_at"), restart.get("started_at"), TOTAL))
    ok(restart.get("rc", (1, 1))[:2] == (0, 0), "syslog-ng: stop-one and start succeeded",
       restart)
    ok(not errs and len(rids) == TOTAL and TOTAL >= 300,
       "all %d requests answered 200 meanwhile" % TOTAL,
       errs[:3])
    ok(TOTAL // 8 <= restart.get("stopped_at", 0) and restart.get("started_at", TOTAL) < TOTAL,
       "the restart happened while requests ran",
       restart)

    def counts():
        d = by_rid(audit_records())
        return {rid: len(d.get(rid, [])) for rid in rids}
    wait_for(lambda: all(c >= 1 for c in counts().values()), 20, 0.5)
    time.sleep(1)
    c = counts()
    missing = [r for r, k in c.items() if k == 0]
    dup = [r for r, k in c.items() if k > 1]
    ok(not missing, "every request's record reached audit.jsonl across the restart",
       "%d missing, e.g. %s" % (len(missing), missing[:3]))
    ok(not dup, "no record arrived twice", "%d duplicated, e.g. %s" % (len(dup), dup[:3]))

    # ---- a FastCGI worker killed ---------------------------------------------------------
    master = STACK.pid("fcgi")
    ws = children(master) if master else []
    ok(len(ws) == WORKERS, "stockade-fcgi: the master has %d workers" % WORKERS, ws)
    restarts0 = mval(metrics()[0], "stockade_worker_restarts_total")
    victim = ws[0] if ws else None
    if victim:
        os.kill(victim, signal.SIGKILL)
    t_kill = time.time()
    a = wait_for(lambda: (lambda x: x if x.status == 200 else None)(req("GET", "/healthz")),
                 5, 0.1)
    ok(a is not None, "the service answers after a worker was killed")
    a = execute(IDENT, "x")
    ok(a.status == 200 and props(a).get("result") == N - 1,
       "an execution in the existing session works after the kill", a)
    ok(wait_for(lambda: re.search(r"worker %d died of signal 9" % (victim or -1),
                                  read(os.path.join(RUN, "fcgi.log"))), 5),
       "the master logged the worker's death and its replacement",
       read(os.path.join(RUN, "fcgi.log"))[-800:])
    ws2 = wait_for(lambda: (lambda c: c if len(c) == WORKERS and victim not in c else None)(
        children(master)), 5)
    ok(ws2 is not None, "the number of workers came back to %d" % WORKERS, children(master))
    note("worker replaced in %.2fs" % (time.time() - t_kill))
    restarts1 = mval(metrics()[0], "stockade_worker_restarts_total")
    ok(restarts0 is not None and restarts1 == restarts0 + 1,
       "stockade_worker_restarts_total grew by 1", (restarts0, restarts1))

    # every worker killed at once, one of them serving a slow execution
    ws = children(master)
    restarts1 = mval(metrics()[0], "stockade_worker_restarts_total")
    slow = {}
    st_ = threading.Thread(target=lambda: slow.setdefault(
        "a", execute(IDENT, "import time\ntime.sleep(1.5)\nx")))
    st_.start()
    time.sleep(0.5)
    for w in ws:
        os.kill(w, signal.SIGKILL)
    st_.join(30)
    a = slow.get("a")
    j = (a.json or {}) if a else {}
    ok(a is not None and a.status in (502, 503) and isinstance(
        (j.get("error") or {}).get("code"), str),
       "all workers killed: the request in flight gets a JSON 502/503 from nginx", a)
    a = wait_for(lambda: (lambda x: x if x.status == 200 else None)(
        execute(IDENT, "x", timeout=10)), 8, 0.2)
    ok(a is not None and props(a).get("result") == N - 1,
       "all workers killed: the session answers again within seconds", a)
    ws3 = wait_for(lambda: (lambda c: c if len(c) == WORKERS and not set(c) & set(ws)
                            else None)(children(master)), 5)
    ok(ws3 is not None, "all workers killed: %d new workers" % WORKERS, (ws, children(master)))
    restarts2 = mval(metrics()[0], "stockade_worker_restarts_total")
    ok(restarts1 is not None and restarts2 == restarts1 + WORKERS,
       "stockade_worker_restarts_total grew by %d" % WORKERS, (restarts1, restarts2))

    # ---- memcached stopped -----------------------------------------------------------
    p = STACK.sh("stop-one", "memcached")
    ok(p.returncode == 0, "stack.sh stop-one memcached", p.stderr)
    t = time.time()
    a1 = execute(IDENT, "x += 100\nx")
    a2 = execute(IDENT, "x")
    el = time.time() - t
    ok(a1.status == 200 and props(a1).get("result") == N - 1 + 100
       and a2.status == 200 and props(a2).get("result") == N - 1 + 100,
       "memcached down: executions in the existing session still work, state kept", (a1, a2))
    ok(el < 5, "memcached down: and without waiting on it (%.2fs for two)" % el)
    a = execute("ops-mcdown-" + uuid.uuid4().hex[:8], "z = 5\nz")
    ok(a.status == 200 and props(a).get("result") == 5,
       "memcached down: a new session is bound locally and works", a)
    a = req("GET", "/healthz")
    ok(a.status == 200 and (a.json or {}).get("memcached") == "down",
       "memcached down: /healthz 200 and says memcached down",
       a)
    p = STACK.sh("start")
    ok(p.returncode == 0, "stack.sh start brings memcached back", p.stdout + p.stderr)
    ok(wait_for(lambda: (req("GET", "/healthz").json or {}).get("memcached") == "up", 10),
       "memcached back: /healthz says up")
    a = execute(IDENT, "x")
    ok(a.status == 200 and props(a).get("result") == N - 1 + 100,
       "memcached back: the session still works", a)
    ok(wait_for(lambda: mval(metrics()[0], "stockade_memcached_up") == 1, 10),
       "memcached back: stockade_memcached_up 1")
    # the tenants' rate limits live in memcached: they apply again
    got = []

    def limited():
        a = execute(OPS_IDENT, "2", key=OPS_KEY)
        got.append(a.status)
        return a.status == 429
    ok(wait_for(limited, 10, 0.1), "memcached back: the tenant's rate limit applies again",
       got)

    # ---- the keeper killed ---------------------------------------------------------------
    keeper = STACK.pid("pool")
    if keeper:
        os.kill(keeper, signal.SIGKILL)
    wait_for(lambda: not alive(keeper), 5, 0.05)
    a = execute(IDENT, "x")
    j = a.json or {}
    ok(a.status == 503 and a.headers.get("x-ms-error-code") == "KeeperUnavailable"
       and (j.get("error") or {}).get("code") == "KeeperUnavailable",
       "keeper killed: an execution gets 503 KeeperUnavailable", a)
    ok(a.headers.get("retry-after", "").isdigit() and int(a.headers["retry-after"]) > 0,
       "keeper killed: with Retry-After", a.headers)
    a_new = execute("ops-new-" + uuid.uuid4().hex[:8], "1")
    ok(a_new.status == 503 and a_new.headers.get("x-ms-error-code") == "KeeperUnavailable",
       "keeper killed: a new session gets 503 KeeperUnavailable too", a_new)
    h = req("GET", "/healthz")
    ok(h.status == 503 and (h.json or {}).get("keeper") == "down",
       "keeper killed: /healthz 503, keeper down", h)
    s, _, _ = metrics()
    ok(mval(s, "stockade_keeper_up") == 0, "keeper killed: stockade_keeper_up 0")
    ok((mval(s, "stockade_errors_total", code="KeeperUnavailable") or 0) >= 2,
       "keeper killed: stockade_errors_total{code=KeeperUnavailable} counts the 503s",
       mval(s, "stockade_errors_total", code="KeeperUnavailable"))
    r = find_record(a.rid)
    ok(r is not None and (r.get("audit") or {}).get("error_code") == "KeeperUnavailable"
       and (r.get("audit") or {}).get("http_status") == 503 and r.get("severity") == "warning",
       "keeper killed: the 503 is audited with severity warning", r)
    p = STACK.sh("start")
    ok(p.returncode == 0, "stack.sh start brings the keeper back", p.stdout + p.stderr)
    h = req("GET", "/healthz")
    ok(h.status == 200 and (h.json or {}).get("keeper") == "up", "keeper back: /healthz 200", h)
    K_IDENT = "ops-after-keeper-" + uuid.uuid4().hex[:8]
    a = execute(K_IDENT, "y = 7\ny * 6")
    ok(a.status == 200 and props(a).get("result") == 42
       and (props(a).get("stockade") or {}).get("new_session") is True,
       "keeper back: a new session works", a)
    a = execute(IDENT, "'x' in globals()")
    ok(a.status == 200 and props(a).get("result") is False
       and (props(a).get("stockade") or {}).get("new_session") is True,
       "keeper back: the old identifier gets a fresh session (its cell died with the keeper)",
       a)

    # ---- the FastCGI master stopped ------------------------------------------------------
    p = STACK.sh("stop-one", "fcgi")
    ok(p.returncode == 0, "stack.sh stop-one fcgi", p.stderr)
    left = children(master)
    ok(not left and not alive(master), "the master and its workers are gone",
       left)
    for what, a in (("an execution", execute(K_IDENT, "y")), ("/healthz", req("GET", "/healthz"))):
        j = a.json or {}
        ok(a.status in (502, 503) and a.headers.get("content-type", "").startswith(
            "application/json") and isinstance((j.get("error") or {}).get("code"), str)
           and (j.get("error") or {}).get("message"),
           "fcgi down: %s gets a JSON %s error with a code from nginx" % (what, a.status), a)
    p = STACK.sh("start")
    ok(p.returncode == 0, "stack.sh start brings stockade-fcgi back", p.stdout + p.stderr)
    a = execute(K_IDENT, "y")
    ok(a.status == 200 and props(a).get("result") == 7,
       "fcgi back: the session (kept by the keeper) answers", a)
    newm = STACK.pid("fcgi")
    ok(newm and len(wait_for(lambda: children(newm) if len(children(newm)) == WORKERS
                             else None, 5) or []) == WORKERS,
       "fcgi back: %d workers" % WORKERS)

    flog = read(os.path.join(RUN, "fcgi.log"))
    deaths = re.findall(r"worker \d+ (?:died of signal \d+|exited \d+)", flog)
    ok(len(deaths) == 1 + WORKERS,
       "fcgi.log: no worker died but the %d killed" % (1 + WORKERS), deaths)
    san = [l for l in (flog + read(os.path.join(RUN, "pool.log"))).splitlines()
           if re.search(r"ERROR: \w+Sanitizer|runtime error:", l)]
    ok(not san, "no sanitizer report in fcgi.log or pool.log", san[:10])
    # (LeakSanitizer cannot stop the world in a process that made itself non-dumpable,
    # as the master does: its "fatal error" at exit is the tool's, not a finding.)
    p = STACK.sh("status")
    ok(p.returncode == 0 and p.stdout.count("running") == 5, "stack.sh status: all 5 running",
       p.stdout)
finally:
    if started:
        p = STACK.sh("stop")
        ok(p.returncode == 0, "build/stack.sh stop", p.stdout + p.stderr)

tap.plan()
if tap.failed:
    print("# %d failed; state left in %s" % (tap.failed, RUN))
    sys.exit(1)
shutil.rmtree(RUN, ignore_errors=True)
