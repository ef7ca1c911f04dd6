#!/usr/bin/env python3
"""End-to-end tests of the Piston v2 compatible API (fcgi/api_piston.c).

Starts the whole stack (build/stack.sh) with a test config, its own state directory and
ports, and talks HTTP to nginx as a Piston client would: /api/v2/runtimes' shape,
/api/v2/execute for every language (the compile stage only for compiled ones), a
text/plain body (the npm client's), versions and aliases, staged files in utf8,
base64 and hex, stdin's final newline, arguments, each run status (RE, SG, TO with
SIGKILL, OL, a memory kill), a compile error repeated as the run, Piston's 400
messages, keys, and the audit record. Prints TAP. Needs root.
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

stack.need_stack()

KEY = stack.new_keys("acme")["acme"]
# STOCKADE_DEV_ANONYMOUS=none: every request needs a key here, no anonymous access
STACK = stack.Stack("piston", """<?xml version="1.0"?>
<stockade version="1">
  <keeper socket="/run/unused.sock" busy-wait="1" max-upload="8M">
    <memcached servers="127.0.0.1:11211" timeout="0.2"/>
  </keeper>
  <runtime name="bash" ready="1" max-sessions="4" cooldown="60" timeout="10"
           max-timeout="60" grace="1">
    <limits memory="128M" pids="64" cpus="1" disk="32M" output="64K"/>
  </runtime>
  <fcgi workers="6" max-body="2M" max-request="1M" max-code="64K" max-upload="1M"
        max-depth="64"/>
  <tenant name="acme" max-sessions="3" executions-per-minute="1000">
    <key id="acme-1" sha256="%s"/>
  </tenant>
  <judge spare="4" width="2" max-tests="8" max-runs="3" result-ttl="600">
    <test-defaults cpu="2" cpu-extra="0.5" wall="5" memory="128M" pids="60" output="64K"
                   stack="64M" file-size="1M"/>
    <test-max cpu="5" cpu-extra="2" wall="10" memory="256M" pids="120" output="4M"
              stack="128M" file-size="4M"/>
  </judge>
</stockade>
""" % stack.sha256(KEY), env={"STOCKADE_DEV_ANONYMOUS": "none"})


def call(method, path, body=None, headers=None, key=KEY, timeout=120):
    """One request with Authorization: Bearer; key: the key to send, or None for none."""
    return STACK.call(method, path, body, headers, key=key, timeout=timeout)


def execute(obj, ctype="application/json", key=KEY):
    h = {"Content-Type": ctype} if ctype else {}
    return call("POST", "/api/v2/execute", json.dumps(obj), h, key=key)


def prog(language, content, version="*", **more):
    body = {"language": language, "version": version, "files": [{"content": content}]}
    body.update(more)
    return execute(body)


def stage_of(r, name="run"):
    s = (r.json or {}).get(name) if isinstance(r.json, dict) else None
    return s if isinstance(s, dict) else {}


def message(r, status=400):
    return r.status == status and isinstance(r.json, dict) and set(r.json) == {"message"} and \
        r.json["message"]


STAGE_KEYS = {"stdout", "stderr", "output", "code", "signal", "message", "status", "cpu_time",
              "wall_time", "memory"}

with STACK:  # stops the stack at the end; an exception is one failed test
    STACK.start()

    # ==== runtimes =========================================================================
    r = call("GET", "/api/v2/runtimes", key=None)
    rts = r.json if isinstance(r.json, list) else []
    by = {x.get("language"): x for x in rts if isinstance(x, dict)}
    ok(r.status == 200 and set(by) == {"c", "c++", "python", "javascript", "bash", "java"},
       "GET /api/v2/runtimes without a key: c c++ python javascript bash java", r)
    ok(all(isinstance(x.get("version"), str) and x["version"] and
           isinstance(x.get("aliases"), list) and set(x) <= {"language", "version", "aliases",
                                                             "runtime"} for x in rts),
       "each runtime: {language, version, aliases, runtime?}", rts)
    ok("cpp" in by.get("c++", {}).get("aliases", []) and
       "py" in by.get("python", {}).get("aliases", []) and
       "js" in by.get("javascript", {}).get("aliases", []) and
       by.get("javascript", {}).get("runtime") == "node" and
       by.get("c", {}).get("runtime") == "gcc" and "sh" in by.get("bash", {}).get("aliases", []),
       "aliases and runtimes as Piston names them", by)
    pyver = by.get("python", {}).get("version", "3")

    # ==== each language ===================================================================
    hello = {
        "c": "#include <stdio.h>\nint main(int c,char**v){char s[64];scanf(\"%63s\",s);"
             "printf(\"%s %s\\n\",s,v[1]);return 0;}\n",
        "c++": "#include <iostream>\nint main(int c,char**v){std::string s;std::cin>>s;"
               "std::cout<<s<<\" \"<<v[1]<<std::endl;}\n",
        "python": "import sys\nprint(input(), sys.argv[1])\n",
        "javascript": "const s=require('fs').readFileSync(0,'utf8').trim();"
                      "console.log(s+' '+process.argv[2]);\n",
        "bash": "read s; echo \"$s $1\"\n",
        "java": "import java.util.*;\npublic class Main{public static void main(String[] a){"
                "Scanner in=new Scanner(System.in);System.out.println(in.next()+\" \"+a[0]);}}\n",
    }
    for lang, src in hello.items():
        r = execute({"language": lang, "version": "*", "files": [{"name": "x", "content": src}],
                     "stdin": "hi", "args": ["there"]})
        j = r.json if isinstance(r.json, dict) else {}
        compiled = lang in ("c", "c++", "java")
        run = stage_of(r)
        ok(r.status == 200 and j.get("language") == lang and
           j.get("version") == by.get(lang, {}).get("version") and run.get("stdout") ==
           "hi there\n" and run.get("code") == 0 and run.get("signal") is None and
           run.get("status") is None and run.get("message") is None and
           run.get("output") == "hi there\n",
           "%s: language, version, run {stdout, code 0, signal/status/message null}" % lang, r)
        ok(set(run) == STAGE_KEYS and isinstance(run.get("cpu_time"), int) and
           isinstance(run.get("wall_time"), int) and isinstance(run.get("memory"), int) and
           run["memory"] > 0, "%s: the run stage has exactly Piston's keys, numbers" % lang,
           sorted(run))
        ok(("compile" in j) == compiled and (not compiled or (
            set(stage_of(r, "compile")) == STAGE_KEYS and stage_of(r, "compile").get("code") == 0)),
           "%s: %s" % (lang, "a compile stage, code 0" if compiled else "no compile stage"), j)

    # ==== bodies, versions, aliases ========================================================
    body = {"language": "python", "version": "*", "files": [{"content": "print(5)"}]}
    r = execute(body, ctype="text/plain")
    ok(r.status == 200 and stage_of(r).get("stdout") == "5\n",
       "Content-Type text/plain (the npm piston-client's): read as JSON", r)
    r = execute(body, ctype=None)
    ok(r.status == 200 and stage_of(r).get("stdout") == "5\n", "no Content-Type: JSON", r)
    r = execute(body, ctype="application/x-www-form-urlencoded")
    ok(r.status == 200, "any other Content-Type: JSON all the same", r)
    for alias in ("py", "python3", "PYTHON"):
        r = prog(alias, "print(1)")
        ok(r.status == 200 and (r.json or {}).get("language") == "python",
           "alias %s: answered as language python" % alias, r)
    for alias, lang in (("cpp", "c++"), ("js", "javascript"), ("node", "javascript"),
                        ("sh", "bash"), ("gcc", "c")):
        src = {"c++": "int main(){}", "javascript": "1", "bash": "true", "c": "int main(){}"}[lang]
        r = prog(alias, src)
        ok(r.status == 200 and (r.json or {}).get("language") == lang,
           "alias %s: %s" % (alias, lang), r)
    major, minor = pyver.split(".")[:2] if "." in pyver else (pyver, "0")
    for v in (pyver, major, "%s.%s" % (major, minor), "%s.x" % major):
        r = prog("python", "print(1)", version=v)
        ok(r.status == 200, "version %s matches python %s" % (v, pyver), r)
    r = prog("python", "print(1)", version="2")
    ok(message(r) == "python-2 runtime is unknown", "version 2: 400 python-2 runtime is unknown",
       r)
    r = prog("python", "print(1)", version=pyver.split(".")[0] + "1")
    ok(message(r) == "python-%s1 runtime is unknown" % pyver.split(".")[0],
       "a version prefix only matches whole components", r)
    r = prog("cobol", "DISPLAY 'HI'.")
    ok(message(r) == "cobol-* runtime is unknown", "cobol: 400 cobol-* runtime is unknown", r)

    r = call("POST", "/api/v2/execute",
             "<request><language>python</language><version>*</version><files><item>"
             "<content>print(6 * 7)</content></item></files><run_timeout>3000</run_timeout>"
             "</request>", {"Content-Type": "application/xml", "Accept": "application/xml"})
    try:
        doc = ET.fromstring(r.body)
    except ET.ParseError:
        doc = None
    ok(r.status == 200 and doc is not None and doc.findtext("run/stdout") == "42\n" and
       doc.findtext("language") == "python", "XML in and out (numbers as text)", r)

    # ==== files, stdin, args ===============================================================
    r = execute({"language": "python", "version": "*", "files": [
        {"name": "main.py", "content": "import helper\nprint(helper.x, open('d.bin','rb').read(),"
                                       " open('h.txt').read())"},
        {"name": "helper.py", "content": "x = 41 + 1"},
        {"name": "d.bin", "content": base64.b64encode(b"\x00\x01").decode(), "encoding": "base64"},
        {"name": "h.txt", "content": "6869", "encoding": "hex"},
    ]})
    ok(stage_of(r).get("stdout") == "42 b'\\x00\\x01' hi\n",
       "files beside the main one: utf8, base64 and hex, staged by name", r)
    r = execute({"language": "python", "version": "*", "files": [
        {"content": base64.b64encode(b"x").decode(), "encoding": "base64"},
        {"content": "import os; print(sorted(f for f in os.listdir('.') if f.startswith('file')))"},
    ]})
    ok(stage_of(r).get("stdout") == "['file0.code']\n",
       "the main file is the first utf8 one; a file without a name is file<i>.code", r)
    r = prog("python", "import sys; print(repr(sys.stdin.read()))", stdin="abc")
    ok(stage_of(r).get("stdout") == "'abc\\n'\n", "stdin gets a final newline, as in Piston", r)
    r = prog("python", "import sys; print(repr(sys.stdin.read()))")
    ok(stage_of(r).get("stdout") == "'\\n'\n", "no stdin: a lone newline, as in Piston", r)
    r = prog("bash", 'echo "$#:$1:$2"', args=["a b", "c"])
    ok(stage_of(r).get("stdout") == "2:a b:c\n", "args: each one argument", r)

    # ==== run statuses ========================================================================
    r = prog("bash", "echo out; echo err >&2; exit 3")
    run = stage_of(r)
    ok(run.get("status") == "RE" and run.get("code") == 3 and run.get("signal") is None and
       run.get("message") == "Exited with error status 3" and run.get("stdout") == "out\n" and
       run.get("stderr") == "err\n" and run.get("output") == "out\nerr\n",
       "exit 3: status RE, code 3, message; output is stdout then stderr", r)
    r = prog("c", "int main(void){volatile int *p = 0; return *p;}")
    run = stage_of(r)
    ok(run.get("status") == "SG" and run.get("signal") == "SIGSEGV" and run.get("code") is None,
       "a NULL dereference: status SG, signal SIGSEGV, code null", r)
    r = prog("python", "while True: pass", run_timeout=1000)
    run = stage_of(r)
    ok(run.get("status") == "TO" and run.get("signal") == "SIGKILL" and run.get("code") is None
       and 900 <= (run.get("wall_time") or 0) < 4000,
       "run_timeout 1000 on a busy loop: status TO, signal SIGKILL", r)
    r = prog("python", "while True: pass", run_cpu_time=300)
    run = stage_of(r)
    ok(run.get("status") == "TO" and run.get("signal") == "SIGKILL",
       "run_cpu_time 300: TO, SIGKILL", r)
    r = prog("python", "print('x' * 200000)")
    run = stage_of(r)
    ok(run.get("status") == "OL" and run.get("signal") == "SIGKILL" and
       run.get("message") == "stdout length exceeded",
       "stdout past the output limit: OL, SIGKILL", r)
    r = prog("python", "x = bytearray(200 << 20)", run_memory_limit=64 * 1024 * 1024)
    run = stage_of(r)
    ok(run.get("signal") == "SIGKILL" and run.get("status") == "SG",
       "200 MiB under run_memory_limit 64 MiB: SG, SIGKILL", r)
    r = prog("python", "print(1)", run_memory_limit=-1, run_timeout=0)
    ok(stage_of(r).get("stdout") == "1\n", "run_memory_limit -1 and run_timeout 0: defaults", r)

    # ==== compile errors =======================================================================
    r = prog("c", "int main( {")
    comp, run = stage_of(r, "compile"), stage_of(r)
    ok(r.status == 200 and comp.get("code") not in (0, None) and comp.get("status") == "RE" and
       "error" in comp.get("stderr", "") and comp.get("stdout") == "" and
       comp.get("output") == comp.get("stderr") and run == comp,
       "a C compile error: compile {code != 0, status RE, stderr}; run repeats it", r)

    # ==== Piston's 400s ==========================================================================
    r = execute({"version": "*", "files": [{"content": "1"}]})
    ok(message(r) == "language is required as a string", "no language: 400", r)
    r = execute({"language": "python", "files": [{"content": "1"}]})
    ok(message(r) == "version is required as a string", "no version: 400", r)
    r = execute({"language": "python", "version": "*"})
    ok(message(r) == "files is required as an array", "no files: 400", r)
    r = execute({"language": "python", "version": "*", "files": [{"name": "a"}]})
    ok(message(r) == "files[0].content is required as a string", "a file without content: 400", r)
    r = execute({"language": "python", "version": "*", "files": []})
    ok(message(r) == "files must include at least one utf8 encoded file", "no files: 400", r)
    r = prog("python", "1", run_timeout=60000)
    ok(message(r) == "run_timeout cannot exceed the configured limit of 10000",
       "run_timeout above test-max: 400 cannot exceed the configured limit", r)
    r = prog("python", "1", run_memory_limit=10 ** 12)
    ok(message(r) and "run_memory_limit cannot exceed" in message(r),
       "run_memory_limit above test-max: 400", r)
    r = prog("python", "1", run_timeout="soon")
    ok(message(r) == "If specified, run_timeout must be a number", "run_timeout 'soon': 400", r)
    r = prog("python", "1", run_cpu_time=-5)
    ok(message(r) == "run_cpu_time must be non-negative", "run_cpu_time -5: 400", r)
    r = execute({"language": "python", "version": "*", "files": [
        {"content": "1"}, {"name": "../x", "content": "2"}]})
    ok(message(r) and "files[1].name" in message(r), "a file name with a directory: 400", r)
    r = execute({"language": "python", "version": "*", "files": [
        {"content": "1"}, {"name": "z", "content": "zz", "encoding": "hex"}]})
    ok(message(r) and "files[1]" in message(r), "content that is not hex: 400", r)
    r = prog("python", "1", args="a b")
    ok(message(r) and "args" in message(r), "args not an array: 400", r)
    r = call("POST", "/api/v2/execute", "{oops", {"Content-Type": "text/plain"})
    ok(r.status == 400, "broken JSON: 400", r)
    r = call("GET", "/api/v2/packages")
    ok(message(r, 404), "GET /api/v2/packages: 404 {message}", r)

    # ==== keys and audit =========================================================================
    r = execute(body, key=None)
    ok(r.status == 401, "no key (no anonymous network here): 401", r)
    r = call("POST", "/api/v2/execute", json.dumps(body), {"Content-Type": "application/json",
                                                            "X-Auth-Token": KEY}, key=None)
    ok(r.status == 200, "X-Auth-Token", r)
    rid = r.headers.get("x-ms-request-id")
    rec = STACK.find_record(rid)
    a = (rec or {}).get("audit") or {}
    ok(rec is not None and rec.get("msgid") == "piston" and
       a.get("route") == "POST api/v2/execute" and a.get("verdict") == "accepted" and
       a.get("language") == "python" and str(a.get("tests")) == "1" and
       a.get("code_sha256") == hashlib.sha256(b"print(5)").hexdigest() and
       a.get("code_bytes") == 8, "audit: piston, the route, verdict, language, code hash", rec)
    STACK.check_fcgi_log()
STACK.finish()
