#!/bin/sh
# The peer baseline of tests/bench/http: an execute request served the classic way.
# fcgiwrap runs this script once per request; it runs the request's code in a fresh
# bubblewrap sandbox around /usr/bin/python3 (every namespace unshared, /usr read-only,
# a private /proc, /dev and /tmp) and answers with a small JSON result shaped like
# Stockade's. The request body is the same JSON the Stockade API takes:
#   {"properties":{"codeInputType":"inline","executionType":"synchronous","code":"1+1"}}
# so the peer parses the request and runs its code, as Stockade does.

prog='
import io, json, sys, time
code = json.load(sys.stdin)["properties"]["code"]
out, err = io.StringIO(), io.StringIO()
status, result = "Success", None
t = time.perf_counter()
sys.stdout, sys.stderr = out, err
try:
    try:
        expr = compile(code, "<code>", "eval")
    except SyntaxError:
        exec(compile(code, "<code>", "exec"), {})
    else:
        result = eval(expr, {})
except BaseException as e:
    status = "Failure"
    print(repr(e), file=err)
sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
print(json.dumps({"properties": {"status": status, "stdout": out.getvalue(),
                                 "stderr": err.getvalue(), "result": result,
                                 "executionTimeInMilliseconds":
                                     int((time.perf_counter() - t) * 1000)}},
                 default=repr))
'

# /bin, /lib, /lib64 and /sbin are symbolic links into /usr on Debian; bind whichever
# is a real directory here
links=
for d in bin sbin lib lib32 lib64; do
    if [ -L "/$d" ]; then
        links="$links --symlink $(readlink "/$d") /$d"
    elif [ -d "/$d" ]; then
        links="$links --ro-bind /$d /$d"
    fi
done

# shellcheck disable=SC2086 # $links is a list of words
if out=$(head -c "${CONTENT_LENGTH:-0}" |
         bwrap --unshare-all --die-with-parent --new-session \
               --ro-bind /usr /usr $links --proc /proc --dev /dev --tmpfs /tmp \
               --chdir /tmp --clearenv --setenv PATH /usr/bin:/bin \
               /usr/bin/python3 -I -c "$prog" 2>/dev/null); then
    printf 'Status: 200 OK\r\nContent-Type: application/json\r\n\r\n%s\n' "$out"
else
    printf 'Status: 500 Internal Server Error\r\nContent-Type: application/json\r\n\r\n%s\n' \
        '{"error":"the sandbox failed"}'
fi
