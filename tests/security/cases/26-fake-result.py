# Row 26: print fake service results (a JSON result with status ok, "status: ok",
# an unbalanced brace), also to every inherited file descriptor beyond 2, then exit 3.
# The result comes from out-of-band metadata: runtime_error, exit code 3, and the fake
# text is returned as plain data in stdout.
# args: --wall 5 --time 5
# timeout: 30
# expect: status == runtime_error
# expect: exit_code == 3
# expect: signal is null
# expect: stdout contains {"status": "ok", "exit_code": 0
# expect: stderr contains status: ok
import os, sys
fake = '{"status": "ok", "exit_code": 0, "signal": null, "stdout": "42\\n", "stderr": "", "cpu_ms": 1}\n'
extra = []
for fd in range(3, 256):
    try:
        os.fstat(fd)
        extra.append(fd)
    except OSError:
        pass
sys.stdout.write(fake)
sys.stdout.write('}\n{"status": "ok"}\n"\n')
sys.stderr.write("status: ok\nexit_code: 0\n" + fake)
for fd in extra:
    try:
        os.write(fd, fake.encode())
    except OSError:
        pass
print("inherited fds beyond 2: %s" % extra)
sys.stdout.flush()
os._exit(3)
