#!/usr/bin/env python3
"""The judge's limits at their edges, through `stockade judge` (needs root).

  - a compiler run that makes no program (-fsyntax-only) is a compilation error, not
    an internal error of every test;
  - a program's files count against its memory limit: a binary carrying 60 MiB of
    data under a 32 MiB limit is memory_limit (the supervisor writes the files, so the
    cell's cgroup would not see them), through `stockade run` too;
  - --pids 2 lets a program start one thread (the cell's start-up helper is no longer
    counted);
  - stdin is a sealed file: reopened for writing, it still cannot be changed;
  - a Java program that fails with an exception exits 1: runtime_error, never internal.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import ok, need_root, plan, exit_code  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("STOCKADE_BIN") or os.path.join(ROOT, "build", "bin", "stockade")

need_root("cells need root: namespaces, cgroups and uid mappings")
TMP = tempfile.mkdtemp(prefix="stockade-judge-limits.")


def judge(name, source, tests, *args):
    src = os.path.join(TMP, name)
    with open(src, "w") as f:
        f.write(source)
    d = tempfile.mkdtemp(dir=TMP)
    for i, (inp, out) in enumerate(tests, 1):
        with open(os.path.join(d, "%02d.in" % i), "w") as f:
            f.write(inp)
        if out is not None:
            with open(os.path.join(d, "%02d.out" % i), "w") as f:
                f.write(out)
    p = subprocess.run([BIN, "judge"] + list(args) + [src, d], capture_output=True, timeout=300)
    try:
        return json.loads(p.stdout), p
    except ValueError:
        return {}, p


def first(r):
    return (r.get("tests") or [{}])[0]


r, p = judge("nothing.c", "int main(void) { return 0; }\n", [("", None)],
             "--compiler-options", "-fsyntax-only")
ok(p.returncode == 0 and r.get("verdict") == "compilation_error" and
   "cannot be run" in (r.get("compile") or {}).get("output", ""),
   "a compilation that makes no program: compilation_error, saying why", r)

r, p = judge("big.c",
             "#include <stdio.h>\n"
             "static const char big[60 << 20] = { 1 };\n"
             "int main(void) { long s = 0; for (long i = 0; i < (long)sizeof(big); i += 4096)"
             " s += big[i]; printf(\"%ld\\n\", s); return 0; }\n",
             [("", "1\n")], "--memory", "32M")
ok(r.get("verdict") == "memory_limit" and "files" in (first(r).get("message") or ""),
   "60 MiB of data in the binary under 32 MiB: memory_limit (its files count)", r)
r, p = judge("big2.c",
             "#include <stdio.h>\n"
             "static const char big[20 << 20] = { 1 };\n"
             "int main(void) { long s = 0; for (long i = 0; i < (long)sizeof(big); i += 4096)"
             " s += big[i]; printf(\"%ld\\n\", s); return 0; }\n",
             [("", "1\n")], "--memory", "64M")
ok(r.get("verdict") == "accepted", "20 MiB of data under 64 MiB: accepted", r)

# the same through `stockade run`
big = os.path.join(TMP, "big.c")
p = subprocess.run([BIN, "run", "--memory", "32M", big], capture_output=True, timeout=300)
try:
    rr = json.loads(p.stdout)
except ValueError:
    rr = {}
ok(rr.get("status") == "memory_limit",
   "stockade run: 60 MiB of data in the binary under 32 MiB is memory_limit", rr)

r, p = judge("thread.c",
             "#include <pthread.h>\n#include <stdio.h>\n"
             "static void *f(void *a) { return a; }\n"
             "int main(void) { pthread_t t; int e = pthread_create(&t, 0, f, 0);"
             " if (e) { printf(\"error %d\\n\", e); return 1; } pthread_join(t, 0);"
             " puts(\"ok\"); return 0; }\n",
             [("", "ok\n")], "--pids", "2")
ok(r.get("verdict") == "accepted", "--pids 2: the program and one thread", r)

r, p = judge("seal.c",
             "#include <fcntl.h>\n#include <stdio.h>\n#include <unistd.h>\n"
             "int main(void) { int fd = open(\"/proc/self/fd/0\", O_RDWR);"
             " if (fd >= 0 && write(fd, \"X\", 1) == 1) { puts(\"changed\"); return 0; }"
             " char c; if (read(0, &c, 1) == 1 && c == 'a') puts(\"sealed\"); return 0; }\n",
             [("abc\n", "sealed\n")])
ok(r.get("verdict") == "accepted", "stdin cannot be written, even reopened read-write", r)

r, p = judge("Main.java",
             "public class Main { public static void main(String[] a) {"
             " throw new IllegalStateException(\"no\"); } }\n",
             [("", None)], "--memory", "256M", "--time", "3", "--wall", "6")
ok(r.get("verdict") == "runtime_error" and first(r).get("exit_code") == 1,
   "java: an uncaught exception is a runtime error (exit code 1)", r)

subprocess.run(["rm", "-rf", TMP])
plan()
sys.exit(exit_code())
