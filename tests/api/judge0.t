#!/usr/bin/env python3
"""End-to-end tests of the Judge0 CE compatible API (fcgi/api_judge0.c).

Starts the whole stack (build/stack.sh) with a test config, its own state directory and
ports, and talks HTTP to nginx as a Judge0 client would: every route with Judge0's
exact field names and JSON types, wait=true, asynchronous tokens polled until done,
base64_encoded both ways (and Judge0's answer to output that is not UTF-8), fields,
batches, /languages (ids 50 54 71 63 46 62), the 14 /statuses, /config_info's keys,
Judge0's 422 shapes, callbacks refused, X-Auth-Token, tokens scoped to their tenant,
and statuses 3, 4, 5, 6, 7, 10 and 11 from real programs. Prints TAP. Needs root.
"""
import base64
import hashlib
import json
import os
import re
import secrets
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from tap import ok  # noqa: E402  (tests/lib/tap.py)
import stack  # noqa: E402  (tests/lib/stack.py: build/stack.sh on a state dir of its own)

stack.need_stack()

KEY = stack.new_keys("acme", "other")
# STOCKADE_DEV_ANONYMOUS=none: every request needs a key here, no anonymous access
STACK = stack.Stack("judge0", """<?xml version="1.0"?>
<stockade version="1">
  <keeper socket="/run/unused.sock" busy-wait="1" max-upload="8M">
    <memcached servers="127.0.0.1:11211" timeout="0.2"/>
  </keeper>
  <runtime name="bash" ready="1" max-sessions="4" cooldown="60" timeout="10"
           max-timeout="60" grace="1">
    <limits memory="128M" pids="64" cpus="1" disk="32M" output="64K"/>
  </runtime>
  <fcgi workers="8" max-body="2M" max-request="1M" max-code="64K" max-upload="1M"
        max-depth="64"/>
  <tenant name="acme" max-sessions="3" executions-per-minute="1000">
    <key id="acme-1" sha256="%s"/>
  </tenant>
  <tenant name="other" max-sessions="3" executions-per-minute="1000">
    <key id="other-1" sha256="%s"/>
  </tenant>
  <judge spare="4" width="2" max-tests="8" max-runs="3" result-ttl="600">
    <test-defaults cpu="2" cpu-extra="0.5" wall="5" memory="128M" pids="60" output="1M"
                   stack="64M" file-size="1M"/>
    <test-max cpu="5" cpu-extra="2" wall="10" memory="256M" pids="120" output="4M"
              stack="128M" file-size="4M"/>
  </judge>
</stockade>
""" % (stack.sha256(KEY["acme"]), stack.sha256(KEY["other"])),
                 env={"STOCKADE_DEV_ANONYMOUS": "none"})


def call(method, path, body=None, headers=None, key="acme", timeout=120):
    """One request with X-Auth-Token (Judge0's header); key: a tenant, a literal, None."""
    return STACK.call(method, path, body, headers, key=KEY.get(key, key) if key else None,
                   auth="token", timeout=timeout)


def submit(obj, query="", key="acme"):
    return call("POST", "/submissions" + query, json.dumps(obj),
                {"Content-Type": "application/json"}, key=key)


def run(obj, query="", key="acme"):
    """POST with wait=true."""
    return submit(obj, "?wait=true" + ("&" + query if query else ""), key=key)


def poll(token, query="", key="acme", secs=60):
    """GET the token until its status is past Processing."""
    end = time.time() + secs
    while True:
        r = call("GET", "/submissions/%s%s" % (token, query), key=key)
        st = ((r.json or {}).get("status") or {}).get("id") if isinstance(r.json, dict) else None
        if r.status != 200 or (st is not None and st > 2) or time.time() > end:
            return r
        time.sleep(0.1)


def status_of(r):
    s = (r.json or {}).get("status") if isinstance(r.json, dict) else None
    return s.get("id") if isinstance(s, dict) else None


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


def is_422(r, field, says=None):
    """Judge0's validation error: 422 {"field": ["message", ...]}."""
    j = r.json if isinstance(r.json, dict) else {}
    msgs = j.get(field)
    return (r.status == 422 and isinstance(msgs, list) and msgs and
            all(isinstance(m, str) for m in msgs) and
            (says is None or any(says == m for m in msgs)))


DEFAULT_FIELDS = {"token", "time", "memory", "stdout", "stderr", "compile_output", "message",
                  "status"}
ALL_FIELDS = {
    "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id",
    "created_at", "finished_at", "time", "memory", "stderr", "token", "number_of_runs",
    "cpu_time_limit", "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit",
    "max_processes_and_or_threads", "enable_per_process_and_thread_time_limit",
    "enable_per_process_and_thread_memory_limit", "max_file_size", "compile_output",
    "exit_code", "exit_signal", "message", "wall_time", "compiler_options",
    "command_line_arguments", "redirect_stderr_to_stdout", "callback_url", "additional_files",
    "enable_network", "started_at", "queued_at", "updated_at", "queue_host",
    "execution_host", "status", "language",
}
STATUSES = ["In Queue", "Processing", "Accepted", "Wrong Answer", "Time Limit Exceeded",
            "Compilation Error", "Runtime Error (SIGSEGV)", "Runtime Error (SIGXFSZ)",
            "Runtime Error (SIGFPE)", "Runtime Error (SIGABRT)", "Runtime Error (NZEC)",
            "Runtime Error (Other)", "Internal Error", "Exec Format Error"]
CONFIG_KEYS = [
    "maintenance_mode", "enable_wait_result", "enable_compiler_options",
    "allowed_languages_for_compile_options", "enable_command_line_arguments",
    "enable_submission_delete", "enable_callbacks", "callbacks_max_tries", "callbacks_timeout",
    "enable_additional_files", "max_queue_size", "cpu_time_limit", "max_cpu_time_limit",
    "cpu_extra_time", "max_cpu_extra_time", "wall_time_limit", "max_wall_time_limit",
    "memory_limit", "max_memory_limit", "stack_limit", "max_stack_limit",
    "max_processes_and_or_threads", "max_max_processes_and_or_threads",
    "enable_per_process_and_thread_time_limit", "allow_enable_per_process_and_thread_time_limit",
    "enable_per_process_and_thread_memory_limit",
    "allow_enable_per_process_and_thread_memory_limit", "max_file_size", "max_max_file_size",
    "number_of_runs", "max_number_of_runs", "redirect_stderr_to_stdout", "max_extract_size",
    "enable_batched_submissions", "max_submission_batch_size", "submission_cache_duration",
    "use_docs_as_homepage", "allow_enable_network", "enable_network",
]
DECIMAL = re.compile(r"^\d+\.\d+$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
PY, C, CPP, JS, BASH, JAVA = 71, 50, 54, 63, 46, 62

with STACK:  # stops the stack at the end; an exception is one failed test
    STACK.start()

    # ==== what needs no key ===========================================================
    r = call("GET", "/languages", key=None)
    langs = r.json if isinstance(r.json, list) else []
    ids = {l.get("id") for l in langs if isinstance(l, dict)}
    ok(r.status == 200 and ids == {50, 54, 71, 63, 46, 62},
       "GET /languages without a key: ids 50 54 71 63 46 62", r)
    ok(all(set(l) == {"id", "name"} and isinstance(l["id"], int) and isinstance(l["name"], str)
           for l in langs), "each language is exactly {id, name}", langs)
    names = {l.get("id"): l.get("name", "") for l in langs}
    ok(re.match(r"^C \(GCC \d+\.\d+\.\d+\)$", names.get(50, "")) and
       re.match(r"^C\+\+ \(GCC \d+\.\d+\.\d+\)$", names.get(54, "")) and
       re.match(r"^Python \(3\.\d+\.\d+\)$", names.get(71, "")) and
       re.match(r"^JavaScript \(Node\.js \d+\.\d+\.\d+\)$", names.get(63, "")) and
       re.match(r"^Bash \(\d+\.\d+\.\d+\)$", names.get(46, "")) and
       re.match(r"^Java \(OpenJDK \d+[\d.]*\)$", names.get(62, "")),
       "names as Judge0 CE's, with the detected versions", names)
    ok([l.get("name") for l in langs] == sorted(l.get("name") for l in langs),
       "listed by name", names)
    r = call("GET", "/languages/71", key=None)
    j = r.json if isinstance(r.json, dict) else {}
    ok(r.status == 200 and set(j) == {"id", "name", "is_archived", "source_file", "compile_cmd",
                                      "run_cmd"} and j.get("id") == 71 and
       j.get("is_archived") is False and j.get("compile_cmd") is None and
       isinstance(j.get("run_cmd"), str) and j.get("source_file") == "main.py",
       "GET /languages/71: {id, name, is_archived false, source_file, compile_cmd null, run_cmd}",
       r)
    r = call("GET", "/languages/50", key=None)
    ok(r.status == 200 and "gcc" in ((r.json or {}).get("compile_cmd") or ""),
       "GET /languages/50: a compile_cmd", r)
    r = call("GET", "/languages/4", key=None)
    ok(r.status == 404 and isinstance((r.json or {}).get("error"), str),
       "GET /languages/4 (not here): 404 {error}", r)
    r = call("GET", "/languages/abc", key=None)
    ok(r.status == 404, "GET /languages/abc: 404", r)
    r = call("GET", "/statuses", key=None)
    st = r.json if isinstance(r.json, list) else []
    ok(r.status == 200 and len(st) == 14 and
       [s.get("id") for s in st] == list(range(1, 15)) and
       [s.get("description") for s in st] == STATUSES and all(set(s) == {"id", "description"}
                                                              for s in st),
       "GET /statuses: the 14, ids 1-14, Judge0's descriptions", r)
    r = call("GET", "/about", key=None)
    ok(r.status == 200 and isinstance((r.json or {}).get("version"), str),
       "GET /about: {version, ...}", r)
    r = call("GET", "/config_info", key=None)
    ci = r.json if isinstance(r.json, dict) else {}
    missing = [k for k in CONFIG_KEYS if k not in ci]
    ok(r.status == 200 and not missing, "GET /config_info: every Judge0 key", missing or r)
    ok(ci.get("enable_callbacks") is False and ci.get("enable_wait_result") is True and
       ci.get("cpu_time_limit") == 2 and ci.get("max_cpu_time_limit") == 5 and
       ci.get("cpu_extra_time") == 0.5 and ci.get("wall_time_limit") == 5 and
       ci.get("max_wall_time_limit") == 10 and ci.get("memory_limit") == 131072 and
       ci.get("max_memory_limit") == 262144 and ci.get("max_number_of_runs") == 3 and
       ci.get("max_submission_batch_size") == 20 and ci.get("enable_network") is False and
       ci.get("allow_enable_network") is False and ci.get("max_file_size") == 1024 and
       isinstance(ci.get("allowed_languages_for_compile_options"), list),
       "config_info: values from <judge>, callbacks and network off", ci)

    # ==== wait=true: statuses from real programs ==========================================
    r = run({"source_code": "print(input()[::-1])", "language_id": PY, "stdin": "abc",
             "expected_output": "cba"})
    j = r.json if isinstance(r.json, dict) else {}
    ok(r.status == 201 and set(j) == DEFAULT_FIELDS, "wait=true: 201 with Judge0's default "
       "fields exactly", r)
    ok(j.get("status") == {"id": 3, "description": "Accepted"} and j.get("stdout") == "cba\n" and
       j.get("stderr") is None and j.get("compile_output") is None and j.get("message") is None,
       "accepted: status 3, stdout, stderr/compile_output/message null", j)
    ok(isinstance(j.get("time"), str) and DECIMAL.match(j["time"]) and
       isinstance(j.get("memory"), int) and j["memory"] > 0 and UUID.match(j.get("token", "")),
       "time a decimal string of seconds, memory an integer (KB), token a UUID", j)
    wait_rid = r.h("x-ms-request-id")
    wait_token = j.get("token")
    r = call("GET", "/submissions/%s" % wait_token)
    ok(r.status == 200 and status_of(r) == 3 and (r.json or {}).get("stdout") == "cba\n",
       "a wait=true submission is kept: GET by its token", r)

    cases = [
        ("wrong answer", {"source_code": "print(1)", "language_id": PY, "expected_output": "2"},
         4, None),
        ("time limit", {"source_code": "while True: pass", "language_id": PY,
                        "cpu_time_limit": 0.3, "cpu_extra_time": 0}, 5, "Time limit exceeded"),
        ("compile error", {"source_code": "int main( {", "language_id": C}, 6, None),
        ("SIGSEGV", {"source_code": "int main(void){volatile int*p=0;return *p;}",
                     "language_id": C}, 7, "Caught fatal signal 11"),
        ("SIGABRT", {"source_code": "#include <cstdlib>\nint main(){std::abort();}",
                     "language_id": CPP}, 10, "Caught fatal signal 6"),
        ("NZEC", {"source_code": "raise SystemExit(3)", "language_id": PY}, 11,
         "Exited with error status 3"),
        ("NZEC from bash", {"source_code": "exit 1", "language_id": BASH}, 11,
         "Exited with error status 1"),
        ("node accepted", {"source_code": "console.log(6*7)", "language_id": JS,
                           "expected_output": "42"}, 3, None),
        ("java accepted", {"source_code": "public class Main { public static void main(String[] a)"
                                          " { System.out.println(42); } }",
                           "language_id": JAVA, "expected_output": "42"}, 3, None),
        ("memory limit", {"source_code": "x = bytearray(200 << 20)", "language_id": PY,
                          "memory_limit": 65536}, 12, "Memory limit exceeded"),
    ]
    for what, body, want, msg in cases:
        r = run(body, "fields=*")
        j = r.json if isinstance(r.json, dict) else {}
        ok(r.status == 201 and status_of(r) == want and j.get("status_id") == want and
           j.get("status", {}).get("description") == STATUSES[want - 1] and
           (msg is None or j.get("message") == msg),
           "%s: status %d %s%s" % (what, want, STATUSES[want - 1],
                                   ", message %r" % msg if msg else ""), r)
        if want == 6:
            ok(isinstance(j.get("compile_output"), str) and "error" in j["compile_output"] and
               j.get("stdout") is None and j.get("time") is None,
               "compile error: compile_output holds the compiler's words, nothing ran", j)
        if want == 7:
            ok(j.get("exit_signal") == 11 and isinstance(j.get("exit_code"), int),
               "SIGSEGV: exit_signal 11", j)
        if want == 11 and what == "NZEC":
            ok(j.get("exit_code") == 3 and j.get("exit_signal") is None, "NZEC: exit_code 3", j)

    # ==== fields ==========================================================================
    r = run({"source_code": "print('hi')", "language_id": PY}, "fields=*")
    j = r.json if isinstance(r.json, dict) else {}
    ok(r.status == 201 and set(j) == ALL_FIELDS, "fields=*: every attribute of a submission",
       sorted(set(j) ^ ALL_FIELDS))
    ok(j.get("source_code") == "print('hi')" and j.get("language_id") == PY and
       j.get("language") == {"id": PY, "name": names.get(PY)} and
       j.get("cpu_time_limit") == "2.0" and j.get("cpu_extra_time") == "0.5" and
       j.get("wall_time_limit") == "5.0" and j.get("memory_limit") == 131072 and
       j.get("stack_limit") == 65536 and j.get("max_processes_and_or_threads") == 60 and
       j.get("max_file_size") == 1024 and j.get("number_of_runs") == 1 and
       j.get("enable_network") is False and j.get("redirect_stderr_to_stdout") is False and
       j.get("callback_url") is None and j.get("exit_code") == 0 and
       DECIMAL.match(j.get("wall_time") or "") and TIME.match(j.get("created_at") or "") and
       TIME.match(j.get("finished_at") or ""),
       "fields=*: inputs, limits as Judge0 types them (decimals as strings), times", j)
    r = call("GET", "/submissions/%s?fields=stdout,status_id,%%20language" % j.get("token", "x"))
    ok(r.status == 200 and set(r.json or {}) == {"stdout", "status_id", "language"} and
       r.json.get("stdout") == "hi\n", "fields=stdout,status_id, language: just those", r)
    r = call("GET", "/submissions/%s?fields=stdout,bogus,nope" % j.get("token", "x"))
    ok(r.status == 400 and (r.json or {}).get("error") == "invalid fields: [bogus, nope]",
       "unknown fields: 400 {\"error\": \"invalid fields: [bogus, nope]\"}", r)

    # ==== asynchronous ====================================================================
    r = submit({"source_code": "import time\ntime.sleep(0.5)\nprint(input())",
                "language_id": PY, "stdin": "later"})
    ok(r.status == 201 and set(r.json or {}) == {"token"} and UUID.match(r.json["token"]),
       "no wait: 201 {token} at once", r)
    token = (r.json or {}).get("token", "x")
    first = call("GET", "/submissions/%s" % token)
    ok(first.status == 200 and status_of(first) in (1, 2, 3),
       "polled at once: In Queue, Processing or done (%s)" % status_of(first), first)
    r = poll(token)
    ok(r.status == 200 and status_of(r) == 3 and (r.json or {}).get("stdout") == "later\n",
       "polled until done: Accepted with its stdout", r)
    r = submit({"source_code": "print(1)", "language_id": PY}, "?wait=false")
    ok(r.status == 201 and set(r.json or {}) == {"token"}, "wait=false: a token as well", r)
    r = call("GET", "/submissions/%s" % secrets.token_hex(8))
    ok(r.status == 404 and isinstance((r.json or {}).get("error"), str),
       "an unknown token: 404 {error}", r)
    r = call("GET", "/submissions/%s" % token, key="other")
    ok(r.status == 404, "another tenant's token: 404, as if it did not exist", r)
    r = call("GET", "/submissions/%s" % token, key="acme")
    ok(r.status == 200, "... while its own tenant finds it", r)
    r = call("DELETE", "/submissions/%s" % token)
    ok(r.status == 400 and (r.json or {}).get("error") == "delete not allowed",
       "DELETE: 400 delete not allowed (enable_submission_delete false)", r)

    # ==== base64_encoded ==================================================================
    src = "import sys\ndata = sys.stdin.buffer.read()\nsys.stdout.buffer.write(data[::-1])\n"
    r = run({"source_code": base64.encodebytes(src.encode()).decode(),  # line breaks inside
             "language_id": PY, "stdin": b64(b"\x01\xfe\xff"), "expected_output": b64(b"\xff\xfe\x01")},
            "base64_encoded=true&fields=*")
    j = r.json if isinstance(r.json, dict) else {}
    ok(r.status == 201 and status_of(r) == 3 and
       base64.b64decode(j.get("stdout") or "") == b"\xff\xfe\x01" and
       base64.b64decode(j.get("source_code") or "") == src.encode() and
       base64.b64decode(j.get("stdin") or "") == b"\x01\xfe\xff",
       "base64_encoded=true: inputs (with line breaks) and outputs in base64", r)
    bin_token = j.get("token", "x")
    r = call("GET", "/submissions/%s" % bin_token)
    ok(r.status == 400 and "base64_encoded=true" in (r.json or {}).get("error", ""),
       "GET with base64_encoded=false of output that is not UTF-8: 400, use base64_encoded=true",
       r)
    r = call("GET", "/submissions/%s?base64_encoded=true" % bin_token)
    ok(r.status == 200 and base64.b64decode((r.json or {}).get("stdout") or "") ==
       b"\xff\xfe\x01", "... and with base64_encoded=true the bytes", r)
    r = run({"source_code": "import sys; sys.stdout.buffer.write(b'\\xff')", "language_id": PY})
    ok(r.status == 201 and "base64_encoded=true" in (r.json or {}).get("error", "") and
       UUID.match((r.json or {}).get("token", "")),
       "wait=true with output that is not UTF-8: 201 {error, token}", r)
    r = run({"source_code": "print(1)", "language_id": PY, "message": "x"}, "base64_encoded=true")
    ok(is_422(r, "source_code", "is not valid Base64"),
       "base64_encoded=true with a source that is not base64: 422", r)
    r = run({"source_code": b64("print('é')"), "language_id": PY}, "base64_encoded=true")
    ok(r.status == 201 and base64.b64decode((r.json or {}).get("stdout") or "") ==
       "é\n".encode(), "base64 output of UTF-8 text", r)

    # hostile numbers: out of every integer type (UBSan in `make asan` checks the
    # conversions), each a clean 422
    r = run({"source_code": "print(1)", "language_id": 1e308, "number_of_runs": -1e308,
             "cpu_time_limit": 1e308, "memory_limit": -1e308, "max_file_size": 1e300})
    ok(r.status == 422 and all(k in (r.json or {}) for k in
                               ("language_id", "number_of_runs", "cpu_time_limit", "memory_limit",
                                "max_file_size")),
       "numbers past every integer type: 422 naming each field", r)

    # ==== batches ==========================================================================
    r = call("POST", "/submissions/batch", json.dumps({"submissions": [
        {"source_code": "print(1)", "language_id": PY},
        {"source_code": "echo two", "language_id": BASH},
        {"source_code": "x", "language_id": 1234},
    ]}), {"Content-Type": "application/json"})
    bl = r.json if isinstance(r.json, list) else []
    ok(r.status == 201 and len(bl) == 3 and set(bl[0]) == {"token"} and set(bl[1]) == {"token"}
       and bl[2] == {"language_id": ["language with id 1234 doesn't exist"]},
       "POST /submissions/batch: 201 [{token}, {token}, the invalid entry's errors]", r)
    toks = [b.get("token") for b in bl[:2]] if len(bl) == 3 else ["x", "y"]
    batch_rid = r.h("x-ms-request-id")
    for t in toks:
        poll(t)
    q = urllib.parse.quote(",".join(toks + [secrets.token_hex(4)]))
    r = call("GET", "/submissions/batch?tokens=%s&fields=token,stdout,status" % q)
    subs = (r.json or {}).get("submissions") if isinstance(r.json, dict) else None
    ok(r.status == 200 and isinstance(subs, list) and len(subs) == 3 and subs[2] is None and
       [s and s.get("stdout") for s in subs[:2]] == ["1\n", "two\n"] and
       all(s and set(s) == {"token", "stdout", "status"} for s in subs[:2]),
       "GET /submissions/batch?tokens=a,b,unknown: {submissions: [a, b, null]} with fields", r)
    r = call("GET", "/submissions/batch?tokens=%s" % toks[0], key="other")
    ok(r.status == 200 and (r.json or {}).get("submissions") == [None],
       "another tenant's tokens in a batch: null", r)
    r = call("POST", "/submissions/batch", json.dumps({"submissions": [
        {"source_code": "x", "language_id": PY}] * 21}), {"Content-Type": "application/json"})
    ok(r.status == 400 and "less than or equal to 20" in (r.json or {}).get("error", ""),
       "a batch of 21: 400", r)
    r = call("POST", "/submissions/batch", json.dumps({"submissions": []}),
             {"Content-Type": "application/json"})
    ok(r.status == 400 and "at least one" in (r.json or {}).get("error", ""),
       "an empty batch: 400", r)
    r = call("POST", "/submissions/batch", json.dumps({"submissions": [{"language_id": PY}]}),
             {"Content-Type": "application/json"})
    ok(r.status == 422 and r.json == [{"source_code": ["can't be blank"]}],
       "a batch with no valid entry: 422 with each entry's errors", r)
    r = call("GET", "/submissions/batch")
    ok(r.status == 400 and "at least one" in (r.json or {}).get("error", ""),
       "GET /submissions/batch without tokens: 400", r)

    # ==== Judge0's 422s =====================================================================
    r = run({"language_id": PY})
    ok(is_422(r, "source_code", "can't be blank"), "no source_code: 422 can't be blank", r)
    r = run({"source_code": "x"})
    ok(is_422(r, "language_id", "can't be blank"), "no language_id: 422 can't be blank", r)
    r = run({"source_code": "x", "language_id": 9999})
    ok(is_422(r, "language_id", "language with id 9999 doesn't exist"),
       "language_id 9999: 422 \"language with id 9999 doesn't exist\"", r)
    r = run({"source_code": "x", "language_id": PY, "cpu_time_limit": 100})
    ok(is_422(r, "cpu_time_limit", "must be less than or equal to 5.0"),
       "cpu_time_limit over the maximum: 422", r)
    r = run({"source_code": "x", "language_id": PY, "memory_limit": 100})
    ok(is_422(r, "memory_limit", "must be greater than or equal to 2048"),
       "memory_limit 100: 422", r)
    r = run({"source_code": "x", "language_id": PY, "wall_time_limit": "soon"})
    ok(is_422(r, "wall_time_limit", "is not a number"), "wall_time_limit 'soon': 422", r)
    r = run({"source_code": "x", "language_id": PY, "number_of_runs": 0})
    ok(is_422(r, "number_of_runs", "must be greater than 0"), "number_of_runs 0: 422", r)
    r = run({"source_code": "x", "language_id": PY, "number_of_runs": 4})
    ok(is_422(r, "number_of_runs", "must be less than or equal to 3"),
       "number_of_runs over max-runs: 422", r)
    r = run({"source_code": "x", "language_id": PY, "max_processes_and_or_threads": 0})
    ok(is_422(r, "max_processes_and_or_threads", "must be greater than 0"),
       "max_processes_and_or_threads 0: 422", r)
    r = run({"source_code": "x", "language_id": PY,
             "callback_url": "http://example.invalid/hook"})
    ok(is_422(r, "callback_url", "callbacks are not supported by this server"),
       "callback_url: 422 {callback_url: [callbacks are not supported by this server]}", r)
    r = run({"source_code": "x", "language_id": PY, "enable_network": True})
    ok(is_422(r, "enable_network"), "enable_network true: 422", r)
    r = run({"source_code": "x", "language_id": PY, "additional_files": "UEsDBAo="})
    ok(is_422(r, "additional_files"), "additional_files: 422", r)
    r = run({"source_code": "x", "language_id": PY, "compiler_options": "-O2"})
    ok(is_422(r, "compiler_options",
              "setting compiler options is only allowed for compiled languages"),
       "compiler_options for Python: 422", r)
    r = run({"source_code": "x", "language_id": BASH, "command_line_arguments": "'open"})
    ok(is_422(r, "command_line_arguments"), "an unterminated quote in the arguments: 422", r)
    r = run({"language_id": 9999, "cpu_time_limit": -1})
    ok(r.status == 422 and {"source_code", "language_id", "cpu_time_limit"} <= set(r.json or {}),
       "several faults: one 422 naming each field", r)
    r = call("POST", "/submissions?wait=true", "{not json", {"Content-Type": "application/json"})
    ok(r.status == 400, "broken JSON: 400", r)

    # ==== what a submission can ask =========================================================
    r = run({"source_code": 'for a in "$@"; do echo "[$a]"; done', "language_id": BASH,
             "command_line_arguments": "one 'two words' \"three \\\" q\" four\\ five"})
    ok((r.json or {}).get("stdout") == "[one]\n[two words]\n[three \" q]\n[four five]\n",
       "command_line_arguments split as a shell would, quotes kept together", r)
    r = run({"source_code": "#include <stdio.h>\nint main(){printf(\"%d\\n\", V);}",
             "language_id": C, "compiler_options": "-DV=42", "expected_output": "42"})
    ok(status_of(r) == 3, "compiler_options for C", r)
    r = run({"source_code": "import sys; print('o', flush=True); print('e', file=sys.stderr)",
             "language_id": PY, "redirect_stderr_to_stdout": True})
    ok((r.json or {}).get("stdout") == "o\ne\n" and (r.json or {}).get("stderr") is None,
       "redirect_stderr_to_stdout", r)
    r = run({"source_code": "print(1)", "language_id": "71", "number_of_runs": "3",
             "cpu_time_limit": "1.5", "enable_per_process_and_thread_time_limit": True},
            "fields=status,number_of_runs,cpu_time_limit")
    ok(r.status == 201 and r.json == {"number_of_runs": 3, "cpu_time_limit": "1.5",
                                      "status": {"id": 3, "description": "Accepted"}},
       "numbers as strings, number_of_runs 3, per-process flags accepted", r)

    # ==== XML ====================================================================================
    r = call("POST", "/submissions?wait=true",
             "<request><source_code>print(int(input()) + 1)</source_code>"
             "<language_id>71</language_id><stdin>41</stdin><expected_output>42"
             "</expected_output><number_of_runs>2</number_of_runs></request>",
             {"Content-Type": "application/xml", "Accept": "application/xml"})
    try:
        doc = ET.fromstring(r.body)
    except ET.ParseError:
        doc = None
    ok(r.status == 201 and doc is not None and doc.tag == "response" and
       doc.findtext("status/id") == "3" and doc.findtext("stdout") == "42\n" and
       doc.find("stderr") is not None and doc.find("stderr").get("nil") == "true",
       "XML in and out: numbers as text, null as nil=\"true\"", r)

    # ==== keys ==================================================================================
    r = run({"source_code": "print(1)", "language_id": PY}, key=None)
    ok(r.status == 401, "no key (and no anonymous network here): 401", r)
    r = run({"source_code": "print(1)", "language_id": PY}, key="sk-wrong")
    ok(r.status == 401, "a wrong X-Auth-Token: 401", r)
    r = call("POST", "/submissions?wait=true", json.dumps({"source_code": "print(1)",
                                                            "language_id": PY}),
             {"Content-Type": "application/json", "Authorization": "Bearer " + KEY["other"]},
             key=None)
    ok(r.status == 201, "Authorization: Bearer works too", r)

    # ==== audit ===================================================================================
    rec = STACK.find_record(wait_rid)
    a = (rec or {}).get("audit") or {}
    ok(rec is not None and rec.get("msgid") == "judge0" and a.get("route") == "POST submissions"
       and a.get("execution_id") == wait_token and a.get("verdict") == "accepted" and
       a.get("language") == "python" and str(a.get("tests")) == "1" and
       str(a.get("tests_passed")) == "1" and a.get("key_id") == "acme-1" and
       a.get("code_sha256") == hashlib.sha256(b"print(input()[::-1])").hexdigest(),
       "audit: judge0, POST submissions, the token, verdict, language, tests, code hash", rec)
    rec = STACK.find_record(batch_rid)
    a = (rec or {}).get("audit") or {}
    both = (hashlib.sha256(b"print(1)").hexdigest() + hashlib.sha256(b"echo two").hexdigest())
    ok(a.get("code_sha256") == hashlib.sha256(both.encode()).hexdigest() and
       a.get("code_bytes") == len("print(1)") + len("echo two"),
       "audit of a batch: the SHA-256 of its sources' SHA-256s, and their bytes", rec)
    # no keeper: an asynchronous submission is refused, not promised a token
    p = STACK.sh("stop-one", "pool")
    r = submit({"source_code": "print(1)", "language_id": PY})
    ok(p.returncode == 0 and r.status == 503 and r.h("x-ms-error-code") == "KeeperUnavailable",
       "keeper stopped: an asynchronous submission gets 503 KeeperUnavailable, no token", r)
    STACK.check_fcgi_log()
STACK.finish()
