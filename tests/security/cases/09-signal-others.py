# Row 9: signal the supervisor and other sandboxes. stdin carries the host pid of a
# canary process and of the test runner (the CLI's parent): neither may be reachable
# (ESRCH/EPERM), the canary must survive (checked on the host), kill(ppid) and
# kill(-1) only affect the sandbox, and the CLI still reports a result.
# stdin: canary
# args: --wall 5 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout matches ^kill\(canary [0-9]+, SIGKILL\): (ESRCH|EPERM)$
# expect: stdout matches ^kill\(runner [0-9]+, SIGKILL\): (ESRCH|EPERM)$
# expect: stdout not contains LEAK
# expect: stdout contains survived
import errno, os, signal

canary, runner = (int(x) for x in open(0).read().split())

def tryk(label, pid, sig):
    try:
        os.kill(pid, sig)
        r = "sent"
    except OSError as e:
        r = errno.errorcode[e.errno]
    print("kill(%s %d, %s): %s" % (label, pid, signal.Signals(sig).name if sig else "0", r), flush=True)
    return r

tryk("canary", canary, signal.SIGKILL)
tryk("runner", runner, signal.SIGKILL)
visible = []
for p in range(1, 65536):
    try:
        os.kill(p, 0)
        visible.append(p)
    except ProcessLookupError:
        pass
    except PermissionError:
        visible.append(p)
print("pids answering kill(pid, 0): %s" % visible, flush=True)
if len(visible) > 4:
    print("LEAK: %d processes are visible" % len(visible))
tryk("ppid", os.getppid(), signal.SIGKILL)
tryk("init", 1, signal.SIGKILL)
tryk("all", -1, signal.SIGKILL)
print("survived", flush=True)
