#!/usr/bin/env python3
"""End-to-end tests of the native judge API (fcgi/api_judge.c): POST /v1/judge and
GET /v1/languages.

Starts the whole stack (build/stack.sh: memcached, syslog-ng, the keeper with its
spare cells, stockade-fcgi, nginx) with a test config, its own state directory and
ports, and talks HTTP to nginx: verdicts from real programs (accepted, wrong answer,
compilation error, runtime error, time and memory limits), the result's shape, XML in
and out, base64 fields, staged files, arguments and compiler options, every kind of
bad request naming its field, unknown languages, limits above the <judge> maxima, the
per-minute quota, keys and anonymous access from loopback, the audit record and the
metrics. Prints TAP. Needs root.
"""
import base64
import hashlib
import json
import os
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from tap import ok  # noqa: E402  (tests/lib/tap.py)
import stack  # noqa: E402  (tests/lib/stack.py: build/stack.sh on a state dir of its own)
from stack import is_error  # noqa: E402

stack.need_stack()

KEY = stack.new_keys("acme", "tiny")
MAX_CODE = 4096
# "tiny" has 2 executions a minute, for the quota's 429
STACK = stack.Stack("judge", """<?xml version="1.0"?>
<stockade version="1">
  <keeper socket="/run/unused.sock" busy-wait="1" max-upload="8M">
    <memcached servers="127.0.0.1:11211" timeout="0.2"/>
  </keeper>
  <runtime name="bash" ready="1" max-sessions="4" cooldown="60" timeout="10"
           max-timeout="60" grace="1">
    <limits memory="128M" pids="64" cpus="1" disk="32M" output="64K"/>
  </runtime>
  <fcgi workers="6" max-body="2M" max-request="1M" max-code="%d" max-upload="1M"
        max-depth="64"/>
  <tenant name="acme" max-sessions="3" executions-per-minute="1000">
    <key id="acme-1" sha256="%s"/>
  </tenant>
  <tenant name="tiny" max-sessions="3" executions-per-minute="2">
    <key id="tiny-1" sha256="%s"/>
  </tenant>
  <judge spare="4" width="2" max-tests="8" max-runs="3" result-ttl="600">
    <test-defaults cpu="2" cpu-extra="0.5" wall="5" memory="128M" pids="60" output="1M"
                   stack="64M" file-size="1M"/>
    <test-max cpu="5" cpu-extra="2" wall="10" memory="256M" pids="120" output="4M"
              stack="128M" file-size="4M"/>
  </judge>
</stockade>
""" % (MAX_CODE, stack.sha256(KEY["acme"]), stack.sha256(KEY["tiny"])))


# ---- HTTP --------------------------------------------------------------------------------

def call(method, path, body=None, headers=None, key="acme", auth="bearer", timeout=120):
    """One request; key: a tenant of KEY, a literal key (sk-...), or None for none."""
    return STACK.call(method, path, body, headers, key=KEY.get(key, key) if key else None,
                   auth=auth, timeout=timeout)


def judge(obj, key="acme", headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    return call("POST", "/v1/judge", json.dumps(obj), h, key=key)


def res(r):
    return r.json if isinstance(r.json, dict) else {}


def tests_of(r):
    return res(r).get("tests") or []


def metric(text, name, labels):
    """The value of one sample of /metrics, or None."""
    want = "%s{%s}" % (name, ",".join('%s="%s"' % kv for kv in labels))
    for line in text.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return None


C_SUM = "#include <stdio.h>\nint main(void){long a,b;if(scanf(\"%ld %ld\",&a,&b)!=2)return 2;" \
        "printf(\"%ld\\n\",a+b);return 0;}\n"
PY_ECHO = "import sys\nprint(sys.stdin.read().strip().upper())\n"

with STACK:  # stops the stack at the end; an exception is one failed test
    STACK.start()

    # ==== GET /v1/languages ==============================================================
    r = call("GET", "/v1/languages", key=None)
    langs = (res(r).get("languages") or []) if r.status == 200 else []
    names = {l.get("name") for l in langs if isinstance(l, dict)}
    ok(r.status == 200 and {"c", "cpp", "python", "node", "bash", "java"} <= names,
       "GET /v1/languages: 200, the keeper's languages c cpp python node bash java", r)
    ok(langs and all(isinstance(l.get("version"), str) and l["version"] and
                     isinstance(l.get("compiled"), bool) and isinstance(l.get("aliases"), list)
                     and isinstance(l.get("source"), str) for l in langs),
       "each language: a version string, compiled, aliases, source", langs)
    by = {l.get("name"): l for l in langs}
    ok(by.get("c", {}).get("compiled") is True and by.get("python", {}).get("compiled") is False,
       "c is compiled, python is not", by)
    r = call("POST", "/v1/languages", "{}", {"Content-Type": "application/json"})
    ok(is_error(r, 405, "MethodNotAllowed"), "POST /v1/languages: 405", r)
    r = call("GET", "/v1/judge")
    ok(is_error(r, 405, "MethodNotAllowed"), "GET /v1/judge: 405", r)
    r = call("GET", "/v1/nothing")
    ok(is_error(r, 404, "NotFound"), "an unknown /v1/ route: 404 NotFound", r)

    # ==== verdicts from real programs ====================================================
    r = judge({"language": "c", "source": C_SUM,
               "tests": [{"stdin": "1 2", "expected": "3"}, {"stdin": "40 2\n", "expected": "42\n"}]})
    o = res(r)
    ok(r.status == 200 and o.get("verdict") == "accepted" and o.get("passed") == 2 and
       o.get("total") == 2, "C, two tests: 200 accepted, passed 2 of 2", r)
    ok(r.h("content-type") and r.h("content-type").startswith("application/json"),
       "the answer is JSON", r.headers)
    ok(o.get("language") == "c" and isinstance(o.get("version"), str) and
       isinstance(o.get("compile"), dict) and o["compile"].get("status") == "ok" and
       isinstance(o["compile"].get("cpu_ms"), int),
       "result: language, version, compile {status ok, cpu_ms, ...}", o)
    t = tests_of(r)
    ok(len(t) == 2 and [x.get("stdout") for x in t] == ["3\n", "42\n"] and
       all(x.get("verdict") == "accepted" and x.get("exit_code") == 0 and x.get("signal") is None
           and isinstance(x.get("cpu_ms"), int) and isinstance(x.get("wall_ms"), int) and
           isinstance(x.get("memory_kb"), int) and x.get("stdout_encoding") == "utf-8"
           for x in t), "each test: verdict, stdout, exit_code 0, cpu/wall/memory", t)
    lim = o.get("limits") or {}
    ok(lim.get("cpu_ms") == 2000 and lim.get("wall_ms") == 5000 and
       lim.get("memory_kb") == 128 * 1024 and lim.get("cpu_extra_ms") == 500,
       "limits as applied: the <judge> test-defaults", lim)
    ok(all(isinstance(o.get(k), int) for k in ("cpu_ms", "wall_ms", "memory_kb")) and
       isinstance(o.get("stats"), dict), "maxima over the tests and stats", o)
    accepted_rid = r.h("x-ms-request-id")

    r = judge({"language": "python", "source": PY_ECHO,
               "tests": [{"stdin": "abc", "expected": "ABC"}, {"stdin": "x", "expected": "nope"}]})
    t = tests_of(r)
    ok(r.status == 200 and res(r).get("verdict") == "wrong_answer" and
       res(r).get("passed") == 1 and [x.get("verdict") for x in t] == ["accepted", "wrong_answer"],
       "python: one right, one wrong: wrong_answer, passed 1", r)
    ok(res(r).get("compile") is None, "an interpreted language has compile null", res(r))

    r = judge({"language": "c", "source": "int main(void) { return undefined_thing; }\n",
               "tests": [{"stdin": "", "expected": ""}]})
    o = res(r)
    ok(r.status == 200 and o.get("verdict") == "compilation_error" and o.get("tests") == [] and
       (o.get("compile") or {}).get("status") == "compilation_error" and
       "undefined_thing" in (o.get("compile") or {}).get("output", ""),
       "a C compile error: compilation_error, no test ran, the compiler's output", r)
    compile_error_rid = r.h("x-ms-request-id")

    r = judge({"language": "bash", "source": "echo out; echo err >&2; exit 3\n",
               "tests": [{}]})
    t = tests_of(r)
    ok(r.status == 200 and res(r).get("verdict") == "runtime_error" and t and
       t[0].get("exit_code") == 3 and t[0].get("stdout") == "out\n" and
       t[0].get("stderr") == "err\n", "bash exit 3: runtime_error, exit_code 3, both streams", r)
    r = judge({"language": "bash", "source": "echo out; echo err >&2\n", "redirect_stderr": True,
               "tests": [{"expected": "out\nerr\n"}]})
    ok(res(r).get("verdict") == "accepted", "redirect_stderr: stderr joins stdout", r)

    r = judge({"language": "python", "source": "while True: pass\n",
               "limits": {"cpu_ms": 300, "cpu_extra_ms": 0}, "tests": [{}]})
    t = tests_of(r)
    ok(res(r).get("verdict") == "time_limit" and t and t[0].get("time_kind") == "cpu",
       "a busy loop with cpu_ms 300: time_limit (cpu)", r)
    r = judge({"language": "python", "source": "x = bytearray(200 << 20)\nprint(len(x))\n",
               "limits": {"memory_kb": 65536}, "tests": [{}]})
    ok(res(r).get("verdict") == "memory_limit", "200 MiB under memory_kb 65536: memory_limit", r)
    r = judge({"language": "c", "source": "int main(void){volatile int *p = 0; return *p;}\n",
               "tests": [{}]})
    t = tests_of(r)
    ok(res(r).get("verdict") == "runtime_error" and t and t[0].get("signal") == 11,
       "a NULL dereference: runtime_error, signal 11", r)

    # ==== the request's other fields =======================================================
    r = judge({"language": "c", "source": "#include <stdio.h>\n#include \"v.h\"\n"
               "int main(int c, char **v){printf(\"%d %s %s\\n\", VALUE + EXTRA, v[1], v[2]);}\n",
               "files": [{"name": "v.h", "content": "#define VALUE 40\n"}],
               "compiler_options": "-DEXTRA=2", "args": ["a b", "c"],
               "tests": [{"expected": "42 a b c"}]})
    ok(res(r).get("verdict") == "accepted", "files staged beside the source, compiler_options, "
       "args (one argument with a space)", r)
    r = judge({"language": "python", "source": "print(open('data.bin','rb').read().hex())\n",
               "files": [{"name": "data.bin", "content": base64.b64encode(b"\x00\xff").decode(),
                          "encoding": "base64"}],
               "tests": [{"expected": "00ff"}]})
    ok(res(r).get("verdict") == "accepted", "a staged file in base64", r)
    src = "import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read()[::-1])\n"
    r = judge({"language": "python",
               "source": base64.encodebytes(src.encode()).decode(),  # with line breaks
               "source_encoding": "base64",
               "tests": [{"stdin": base64.b64encode(b"\xfe\xff").decode(),
                          "stdin_encoding": "base64",
                          "expected": base64.b64encode(b"\xff\xfe").decode(),
                          "expected_encoding": "base64"}]})
    t = tests_of(r)
    ok(res(r).get("verdict") == "accepted" and t and t[0].get("stdout_encoding") == "base64" and
       base64.b64decode(t[0].get("stdout", "")) == b"\xff\xfe",
       "base64 source (with line breaks), stdin and expected; output that is not UTF-8 "
       "comes back in base64", r)
    r = judge({"language": "python", "source": "print(1)\n", "runs": 3, "width": 2,
               "tests": [{"expected": "1"}, {"expected": "1"}]})
    ok(res(r).get("verdict") == "accepted" and res(r).get("stats", {}).get("cells", 0) >= 6,
       "runs 3, width 2: every run in a cell of its own", r)
    r = judge({"language": "python", "source": "print(0.1 + 0.2)\n",
               "compare": {"mode": "float", "abs": 1e-9}, "tests": [{"expected": "0.3"}]})
    ok(res(r).get("verdict") == "accepted" and res(r).get("compare", {}).get("mode") == "float",
       "compare float", r)
    r = judge({"language": "python", "source": "print('x' * 100000)\n", "keep_output": 10,
               "tests": [{}]})
    t = tests_of(r)
    ok(t and t[0].get("stdout") == "x" * 10 and t[0].get("stdout_truncated") is True,
       "keep_output 10: stdout cut and flagged", r)
    r = judge({"language": "py", "source": "print(2)", "tests": [{"expected": "2"}]})
    ok(res(r).get("verdict") == "accepted" and res(r).get("language") == "python",
       "an alias (py) names the language", r)

    # ==== XML ================================================================================
    body = ("<?xml version=\"1.0\"?><request><language>c</language><source>%s</source>"
            "<limits><cpu_ms>1000</cpu_ms><memory_kb>65536</memory_kb></limits>"
            "<runs>1</runs><redirect_stderr>false</redirect_stderr><files/>"
            "<tests><item><stdin>2 3</stdin><expected>5</expected></item>"
            "<item><stdin>1 1</stdin><expected nil=\"true\"/></item></tests></request>"
            % C_SUM.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    r = call("POST", "/v1/judge", body, {"Content-Type": "application/xml",
                                          "Accept": "application/xml"})
    try:
        doc = ET.fromstring(r.body)
    except ET.ParseError:
        doc = None
    ok(r.status == 200 and r.h("content-type").startswith("application/xml") and
       doc is not None and doc.tag == "response" and doc.findtext("verdict") == "accepted" and
       doc.findtext("passed") == "2" and doc.findtext("limits/cpu_ms") == "1000" and
       [i.findtext("stdout") for i in doc.findall("tests/item")] == ["5\n", "2\n"],
       "XML in and out: numbers as text, an empty list, nil expected, <response>", r)
    r = call("POST", "/v1/judge", "<request><language>c</language>", {"Content-Type":
                                                                      "application/xml"})
    ok(is_error(r, 400, "InvalidXml"), "broken XML: 400 InvalidXml", r)
    r = call("POST", "/v1/judge", "<request><language>c</language><source>x</source>"
             "<tests><item><stdin>1</stdin></item></tests><runs>two</runs></request>",
             {"Content-Type": "application/xml"})
    ok(is_error(r, 400, "InvalidRequest", "runs"), "XML runs 'two': 400 naming runs", r)

    # ==== bad requests =======================================================================
    good = {"language": "python", "source": "print(1)", "tests": [{"expected": "1"}]}

    def bad(change, field, status=400, code="InvalidRequest", what=None):
        body = dict(good)
        for k, v in change.items():
            if v is None:
                body.pop(k, None)
            else:
                body[k] = v
        r = judge(body)
        ok(is_error(r, status, code, field), what or "%s: %d %s naming %s" % (
            json.dumps(change)[:70], status, code, field), r)

    bad({"language": None}, "language")
    bad({"source": None}, "source")
    bad({"source": 12}, "source")
    bad({"tests": None}, "tests")
    bad({"tests": []}, "tests")
    bad({"tests": [{}] * 9}, "tests", what="9 tests, max-tests 8: 400 naming tests")
    bad({"tests": [{"stdin": 1}]}, "tests[0].stdin")
    bad({"tests": [{"input": "x"}]}, "tests[0].input")
    bad({"tests": ["x"]}, "tests[0]")
    bad({"limits": {"cpu_ms": 6000}}, "limits.cpu_ms: at most 5000",
        what="limits.cpu_ms above test-max: 400 'limits.cpu_ms: at most 5000'")
    bad({"limits": {"memory_kb": 512 * 1024}}, "limits.memory_kb: at most 262144")
    bad({"limits": {"wall_ms": 0}}, "limits.wall_ms: at least 1")
    bad({"limits": {"cpu_ms": "fast"}}, "limits.cpu_ms")
    bad({"limits": {"gpu": 1}}, "limits.gpu")
    bad({"limits": 5}, "limits")
    bad({"compile_limits": {"wall_ms": 10 ** 9}}, "compile_limits.wall_ms")
    bad({"runs": 4}, "runs: at most 3")
    bad({"runs": 0}, "runs")
    bad({"width": 3}, "width: at most 2")
    bad({"keep_output": -1}, "keep_output")
    bad({"compare": {"mode": "fuzzy"}}, "compare.mode")
    bad({"compare": {"abs": -1}}, "compare.abs")
    bad({"redirect_stderr": "maybe"}, "redirect_stderr")
    bad({"source_encoding": "rot13"}, "source_encoding")
    bad({"source": "!!!", "source_encoding": "base64"}, "source: not base64")
    bad({"files": [{"name": "a/b.h", "content": ""}]}, "files[0].name")
    bad({"files": [{"name": "..", "content": ""}]}, "files[0].name")
    bad({"files": [{"name": "x.h"}]}, "files[0].content")
    bad({"files": [{"name": "f%d" % i, "content": ""} for i in range(17)]}, "files")
    bad({"args": "a b"}, "args")
    r = judge(dict(good, args=["a\u0000b"]))
    ok(is_error(r, 400, "InvalidJson"), "a NUL in a string (args): 400 InvalidJson", r)
    bad({"compiler_options": "x" * 2000}, "compiler_options")
    bad({"colour": "blue"}, "colour", what="an unknown field: 400 naming it")
    bad({"language": "cobol"}, "cobol", code="UnknownLanguage",
        what="an unknown language: 400 UnknownLanguage")
    bad({"source": "#" * (MAX_CODE + 1)}, "source", status=413, code="CodeTooLarge",
        what="source over max-code: 413 CodeTooLarge")
    r = call("POST", "/v1/judge", "{\"language\": ", {"Content-Type": "application/json"})
    ok(is_error(r, 400, "InvalidJson"), "broken JSON: 400 InvalidJson", r)
    r = call("POST", "/v1/judge", "[1, 2]", {"Content-Type": "application/json"})
    ok(is_error(r, 400, "InvalidJson"), "a JSON array body: 400 InvalidJson", r)
    r = call("POST", "/v1/judge", json.dumps(good), {"Content-Type": "text/csv"})
    ok(is_error(r, 415, "UnsupportedMediaType"), "Content-Type text/csv: 415", r)
    deep = {"language": "python", "source": "1", "tests": [{}], "compare": {}}
    node = deep["compare"]
    for _ in range(80):
        node["x"] = {}
        node = node["x"]
    r = judge(deep)
    ok(is_error(r, 400, "InvalidJson"), "nesting past max-depth: 400 InvalidJson", r)

    # ==== keys, anonymous access, quota ==========================================================
    r = judge(good, key="sk-wrong")
    ok(is_error(r, 401, "InvalidApiKey"), "a wrong key: 401 InvalidApiKey", r)
    r = judge(good, key="acme")
    ok(res(r).get("verdict") == "accepted", "the acme key", r)
    r = call("POST", "/v1/judge", json.dumps(good), {"Content-Type": "application/json",
                                                       "X-Auth-Token": KEY["acme"]}, key=None)
    ok(res(r).get("verdict") == "accepted", "X-Auth-Token works as well", r)
    r = judge(good, key=None)
    ok(r.status == 200 and res(r).get("verdict") == "accepted",
       "no key from 127.0.0.1: served as the dev stack's anonymous tenant", r)
    anon_rid = r.h("x-ms-request-id")
    tiny = [judge(good, key="tiny") for _ in range(3)]
    ok([x.status for x in tiny[:2]] == [200, 200] and is_error(tiny[2], 429, "QuotaExceeded")
       and tiny[2].h("retry-after"),
       "a tenant of 2 executions a minute: the third submission is 429 with Retry-After",
       [x.status for x in tiny])

    # ==== audit and metrics ========================================================================
    rec = STACK.find_record(accepted_rid)
    a = (rec or {}).get("audit") or {}
    ok(rec is not None and rec.get("msgid") == "judge" and a.get("route") == "POST v1/judge" and
       a.get("tenant") == "acme" and a.get("key_id") == "acme-1" and a.get("http_status") == 200,
       "audit: msgid judge, route POST v1/judge, tenant, key id, status", rec)
    ok(a.get("verdict") == "accepted" and a.get("language") == "c" and
       str(a.get("tests")) == "2" and str(a.get("tests_passed")) == "2",
       "audit: verdict, language, tests and tests_passed", a)
    ok(a.get("code_sha256") == hashlib.sha256(C_SUM.encode()).hexdigest() and
       a.get("code_bytes") == len(C_SUM.encode()),
       "audit: the source's SHA-256 and size", a)
    ok(all(isinstance(a.get(k), int) for k in ("cpu_ms", "wall_ms", "memory_peak_kb")) and
       a.get("timeout_ms") == 5000 and a.get("memory_limit_kb") == 128 * 1024,
       "audit: the tests' cpu/wall/memory maxima and the limits", a)
    ok("verdict=accepted" in (rec or {}).get("msg", ""), "audit msg says the verdict", rec)
    rec = STACK.find_record(compile_error_rid)
    a = (rec or {}).get("audit") or {}
    ok(a.get("verdict") == "compilation_error" and str(a.get("tests")) == "1" and
       str(a.get("tests_passed")) == "0", "audit of a compile error: tests 1, passed 0", a)
    rec = STACK.find_record(anon_rid)
    a = (rec or {}).get("audit") or {}
    ok(a.get("tenant") == "dev" and a.get("key_id") == "anonymous",
       "audit of an anonymous request: tenant dev, key id anonymous", a)
    # review regressions: bytes the JSON between fcgi and the keeper must carry
    r = judge({"language": "python", "source": "import sys; sys.stdout.buffer.write(b'a\\0b')",
               "tests": [{"stdin": ""}]})
    t = (tests_of(r) or [{}])[0]
    ok(r.status == 200 and t.get("verdict") == "accepted" and t.get("stdout") == "a\u0000b",
       "a NUL byte in a program's output comes back (not a 503)", r)
    r = judge({"language": "python", "source": "import sys; print(len(sys.stdin.buffer.read()))",
               "tests": [{"stdin": base64.b64encode(b"x\0y").decode(), "stdin_encoding": "base64",
                          "expected": "3"}]})
    ok(r.status == 200 and (res(r) or {}).get("verdict") == "accepted",
       "stdin with a NUL byte, sent as base64, reaches the program whole", r)
    # 8 tests x 1 MB of control characters (6 bytes each once escaped in JSON) would be
    # ~48 MB of reply: each test keeps its share of 2 MiB instead
    many = judge({"language": "python",
                  "source": "import sys; sys.stdout.write('\\x01' * 500000); "
                            "sys.stderr.write('\\x01' * 500000)",
                  "tests": [{"stdin": ""}] * 8, "limits": {"output_kb": 4096},
                  "keep_output": 4 * 1024 * 1024})
    ok(many.status == 200 and (res(many) or {}).get("passed") == 8 and
       all(len(t.get("stdout", "")) == 2 * 1024 * 1024 // 16 and t.get("stdout_truncated")
           for t in tests_of(many)),
       "8 tests of 1 MB of output each: judged, each keeping its share of 2 MiB", many.status)
    r = call("POST", "/api/v2/execute", json.dumps({"language": "a" * 63 + "\u00e9", "version": "*",
                                                     "files": [{"content": "print(1)"}]}),
             {"Content-Type": "application/json"})
    ok(r.status == 400, "Piston: a language name cut mid-character is a 400, not a 500", r)
    r = call("GET", "/metrics", key=None)
    text = r.body.decode(errors="replace")
    v = metric(text, "stockade_judge_submissions_total", [("api", "judge"), ("verdict", "accepted")])
    ok(r.status == 200 and v is not None and v >= 10,
       "/metrics: stockade_judge_submissions_total{api=judge,verdict=accepted} counts them", v)
    v = metric(text, "stockade_errors_total", [("code", "InvalidRequest")])
    ok(v is not None and v >= 20, "/metrics: the InvalidRequest answers are counted", v)
    STACK.check_fcgi_log()
STACK.finish()
