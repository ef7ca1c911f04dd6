#!/usr/bin/env python3
"""End-to-end test of the audit trail's collector: conf/syslog-ng/stockade.conf.

Starts a real syslog-ng with the config rendered into a temporary directory (the
sealed copy included), appends RFC 5424 records to the spool the way fcgi/audit.c
does (one write per record, O_APPEND, day files), and checks the JSON lines it writes.
Then writes 3000 numbered records from a thread while syslog-ng is stopped and
started twice, across two day files, and checks each arrives exactly once, and that
the sealed log verifies with slogverify and stops verifying once a byte is changed.
Prints TAP.
"""
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tap  # noqa: E402  (tests/lib/tap.py)
from tap import ok, skip  # noqa: E402
SYSLOG_NG = "/usr/sbin/syslog-ng"
CONF = os.path.join(ROOT, "conf", "syslog-ng", "stockade.conf")
SEAL_CONF = os.path.join(ROOT, "conf", "syslog-ng", "seal.conf")
SD_ID = "stockade@32473"
N = 3000

if not os.access(SYSLOG_NG, os.X_OK):
    tap.skip_all("%s is not installed (build/deps.sh installs syslog-ng-core)" % SYSLOG_NG)
SEALING = bool(shutil.which("slogkey") and shutil.which("slogverify"))

RUN = tempfile.mkdtemp(prefix="stockade-syslog-test.")
SPOOL = os.path.join(RUN, "spool")
OUT = os.path.join(RUN, "audit.json")
SEAL = os.path.join(RUN, "seal")
K0 = os.path.join(RUN, "host.key.k0")   # the initial key, kept away from the log host
RENDERED = os.path.join(RUN, "syslog-ng.conf")
PERSIST = os.path.join(RUN, "syslog-ng.persist")
CTL = os.path.join(RUN, "syslog-ng.ctl")
PIDFILE = os.path.join(RUN, "syslog-ng.pid")
ERRLOG = os.path.join(RUN, "syslog-ng.stderr")
os.mkdir(SPOOL, 0o750)
os.mkdir(SEAL, 0o700)


# ---- records, shaped as audit_format() shapes them --------------------------------

def escape(v):
    return re.sub(r'(["\\\]])', r"\\\1", v)


def record(fields, msg, status=200, when=None, msgid="azure-2024-02-02"):
    pri = 85 if status in (401, 403, 429) else 84 if 500 <= status < 600 else 86
    when = when or datetime.datetime.now(datetime.timezone.utc)
    ts = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    sd = "".join(' %s="%s"' % (k, escape(str(v))) for k, v in fields)
    return "<%d>1 %s web1 stockade-fcgi %d %s [%s%s] %s\n" % (
        pri, ts, os.getpid(), msgid, SD_ID, sd, msg)


def append(day, line):
    """One write(2) of the whole line, as the workers do."""
    fd = os.open(os.path.join(SPOOL, "audit-%s.log" % day),
                 os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def out_lines():
    try:
        with open(OUT, encoding="utf-8") as f:
            return f.read().splitlines()
    except OSError:
        return []


def wait_for(pred, secs, step=0.1):
    end = time.time() + secs
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


# ---- syslog-ng ---------------------------------------------------------------------

def render():
    with open(CONF) as f:
        text = f.read()
    seal = ""
    if SEALING:
        with open(SEAL_CONF) as f:
            seal = f.read().replace("@SEAL_DIR@", SEAL)
    text = text.replace("@SPOOL@", SPOOL).replace("@OUT@", OUT).replace("@SEAL@", seal)
    with open(RENDERED, "w") as f:
        f.write(text)


proc = None


def start():
    global proc
    for stale in (CTL, PIDFILE):
        if os.path.exists(stale):
            os.unlink(stale)
    err = open(ERRLOG, "a")
    proc = subprocess.Popen([SYSLOG_NG, "-F", "-e", "-f", RENDERED, "-R", PERSIST,
                             "-c", CTL, "-p", PIDFILE],
                            stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    err.close()
    return wait_for(lambda: os.path.exists(CTL) or proc.poll() is not None, 10) and \
        proc.poll() is None


def stop():
    """SIGTERM and wait: a clean stop, as build/stack.sh stop does it."""
    global proc
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    rc = proc.returncode if proc else None
    proc = None
    return rc


def errlog():
    try:
        with open(ERRLOG) as f:
            return f.read()
    except OSError:
        return ""


def slogverify(slog, mac, plain):
    return subprocess.run(["slogverify", "-k", K0, "-m", mac, slog, plain],
                          capture_output=True, text=True, timeout=30)


try:
    written = []        # every line appended, in order, for the sealed log's check

    # ---- keys and config -------------------------------------------------------
    if SEALING:
        host_key = os.path.join(SEAL, "host.key")
        p1 = subprocess.run(["slogkey", "-m", os.path.join(RUN, "master.key")],
                            capture_output=True, text=True)
        p2 = subprocess.run(["slogkey", "-d", os.path.join(RUN, "master.key"),
                             "stockade-test", "0001", host_key],
                            capture_output=True, text=True)
        ok(p1.returncode == 0 and p2.returncode == 0 and os.path.exists(host_key),
           "slogkey: a master key and the initial host key k0",
           p1.stdout + p1.stderr + p2.stdout + p2.stderr)
        shutil.copy(host_key, K0)
    else:
        skip("slogkey: a master key and the initial host key k0",
             "syslog-ng-mod-slog is not installed: no sealing")
    render()
    p = subprocess.run([SYSLOG_NG, "-s", "-f", RENDERED], capture_output=True, text=True)
    ok(p.returncode == 0, "the rendered config passes syslog-ng --syntax-only",
       p.stdout + p.stderr)
    with open(RENDERED) as f:
        text = f.read()
    ok(not re.search(r"@[A-Z_]+@", text) and
       not re.search(r"\b(system|unix-dgram|unix-stream|network|syslog|internal)\(",
                     text),
       "every placeholder is filled; no system or network source")

    if not ok(start(), "syslog-ng starts (foreground, own persist file and control socket)",
              errlog()):
        raise SystemExit

    # ---- one record of each kind -------------------------------------------------
    t = datetime.datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    ok_fields = [("request_id", "0f8fad5b-d9cb-469f-a165-70867728950e"),
                 ("tenant", "acme"), ("key_id", "acme-ci"), ("client", "127.0.0.1"),
                 ("method", "POST"), ("api", "azure-2024-02-02"),
                 ("route", "POST code/execute"), ("http_status", 200),
                 ("pool", "python"), ("identifier", "s1"), ("status", "success"),
                 ("exit_code", 0), ("code_sha256", "e3b0c442" * 8), ("code_bytes", 42),
                 ("timeout_ms", 30000), ("cpu_ms", 12), ("wall_ms", 15),
                 ("memory_peak_kb", 20480), ("bytes_in", 120), ("bytes_out", 300),
                 ("duration_us", 17345)]
    odd_fields = [("request_id", "odd"), ("tenant", 'a"b\\c]d'),
                  ("error_message", "caf\u00e9 \ufffd line")]
    denied_fields = [("request_id", "denied"), ("client", "10.0.0.9"),
                     ("method", "GET"), ("route", "GET files"), ("http_status", 401),
                     ("error_code", "Unauthorized")]
    first = [record(ok_fields, "POST code/execute 200 tenant=acme status=success", 200, t),
             record(odd_fields, 'GET files tenant=a"b\\c]d', 200, t),
             record(denied_fields, "GET files 401 error=Unauthorized", 401, t,
                    msgid="request")]
    for line in first:
        append("20240501", line)
        written.append(line)
    lines = wait_for(lambda: len(out_lines()) >= 3 and out_lines(), 10) or []
    ok(len(lines) == 3, "three records, three JSON lines", lines)
    try:
        js = [json.loads(x) for x in lines]
        ok(all(isinstance(x, dict) for x in js), "each line is a JSON object", lines)
    except ValueError as e:
        js = []
        ok(False, "each line is a JSON object", "%s\n%s" % (e, "\n".join(lines)))
    byid = {j.get("audit", {}).get("request_id"): j for j in js}
    j = byid.get("0f8fad5b-d9cb-469f-a165-70867728950e", {})
    want_audit = dict(ok_fields)
    ok(j.get("time") == "2024-05-01T12:00:00.123456+00:00" and j.get("host") == "web1" and
       j.get("app") == "stockade-fcgi" and j.get("procid") == os.getpid() and
       j.get("msgid") == "azure-2024-02-02" and j.get("facility") == "authpriv" and
       j.get("severity") == "info" and
       j.get("msg") == "POST code/execute 200 tenant=acme status=success",
       "header fields: the record's time (UTC, us), host, app, procid, msgid, "
       "facility, severity, msg", j)
    ok(j.get("audit") == want_audit,
       "every PARAM under \"audit\", counts and codes as numbers", j)
    j = byid.get("odd", {})
    ok(j.get("audit", {}).get("tenant") == 'a"b\\c]d' and
       j["audit"].get("error_message") == "caf\u00e9 \ufffd line" and
       j.get("msg") == 'GET files tenant=a"b\\c]d',
       "escaped \" \\ ] come back as written; UTF-8 is kept", j)
    j = byid.get("denied", {})
    ok(j.get("severity") == "notice" and j.get("msgid") == "request" and
       j.get("audit") == dict(denied_fields),
       "a denial: severity notice; unset fields are absent, not empty", j)

    # ---- 3000 records across two restarts and a day change ----------------------
    def writer():
        for i in range(N):
            day = "20240501" if i < N // 2 else "20240502"
            line = record([("request_id", "seq-%06d" % i), ("tenant", "load"),
                           ("http_status", 200), ("bytes_out", i)],
                          "POST code/execute 200 tenant=load")
            append(day, line)
            written.append(line)
            time.sleep(0.002)

    th = threading.Thread(target=writer)
    th.start()
    restarts = []
    for _ in range(2):
        time.sleep(1.5)
        restarts.append(stop())
        time.sleep(0.5)     # records keep arriving while nobody reads the spool
        restarts.append(start())
    th.join()
    ok(restarts == [0, True, 0, True], "syslog-ng stopped (SIGTERM) and started twice "
       "while records were written", (restarts, errlog()))

    def seqs():
        out = []
        for x in out_lines():
            try:
                rid = json.loads(x).get("audit", {}).get("request_id", "")
            except ValueError:
                continue
            if rid.startswith("seq-"):
                out.append(int(rid[4:]))
        return out

    got = wait_for(lambda: len(seqs()) >= N and seqs(), 20) or seqs()
    missing = sorted(set(range(N)) - set(got))
    dups = sorted(i for i in set(got) if got.count(i) > 1) if len(got) != len(set(got)) \
        else []
    ok(not missing, "all %d records arrived (%d lines)" % (N, len(got)),
       "missing: %s" % missing[:20])
    ok(not dups, "none arrived twice", "twice: %s" % dups[:20])
    bad = [x for x in out_lines() if not x.startswith("{") or not x.endswith("}")]
    ok(len(out_lines()) == N + 3 and not bad,
       "nothing else in the output (%d lines)" % len(out_lines()), bad[:5])
    ok(stop() == 0, "syslog-ng stops cleanly", errlog())

    # ---- the sealed copy -----------------------------------------------------------
    slog = os.path.join(SEAL, "audit.slog")
    mac = os.path.join(SEAL, "mac.dat")
    if SEALING and os.path.exists(slog):
        plain = os.path.join(RUN, "verified.log")
        p = slogverify(slog, mac, plain)
        ok(p.returncode == 0, "slogverify: the sealed log verifies with k0 and the MAC",
           p.stdout + p.stderr)
        try:
            with open(plain, encoding="utf-8") as f:
                restored = [re.sub(r"^[0-9a-f]+: ", "", x) for x in f.read().splitlines()]
        except OSError:
            restored = []
        ok(sorted(restored) == sorted(x.rstrip("\n") for x in written),
           "... and restores every record exactly as written (%d)" % len(restored),
           "restored %d, written %d" % (len(restored), len(written)))

        with open(slog, "rb") as f:
            data = bytearray(f.read())
        at = data.index(b":", len(data) // 2) + 10    # inside a record's ciphertext
        data[at] = ord("A") if data[at] != ord("A") else ord("B")
        with open(os.path.join(RUN, "tampered.slog"), "wb") as f:
            f.write(data)
        p = slogverify(os.path.join(RUN, "tampered.slog"), mac, plain + ".2")
        ok(p.returncode != 0, "one byte changed: slogverify fails", p.stdout + p.stderr)
        with open(slog, "rb") as f:
            cut = f.read().splitlines(keepends=True)[:-1]
        with open(os.path.join(RUN, "truncated.slog"), "wb") as f:
            f.write(b"".join(cut))
        p = slogverify(os.path.join(RUN, "truncated.slog"), mac, plain + ".3")
        ok(p.returncode != 0, "the last record removed: slogverify fails",
           p.stdout + p.stderr)
    else:
        for name in ("slogverify: the sealed log verifies", "... and restores every record",
                     "one byte changed: slogverify fails",
                     "the last record removed: slogverify fails"):
            if SEALING:
                ok(False, name, "no sealed log: %s" % slog)
            else:
                skip(name, "syslog-ng-mod-slog is not installed: no sealing")
except SystemExit:
    pass
finally:
    stop()

tap.plan()
if tap.failed:
    print("# files kept in %s" % RUN)
else:
    shutil.rmtree(RUN, ignore_errors=True)
sys.exit(tap.exit_code())
