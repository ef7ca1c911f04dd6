# Row 2: fork, setsid, double fork, ignore the usual signals, keep the output pipes
# open; the main process exits at once. Nothing may survive the request (checked on
# the host by the runner: no process with a cell uid, no cgroup, no mount).
# args: --wall 3 --time 3
# timeout: 30
# expect: status in ok,timeout
# expect: stdout contains main exits
# expect: wall_ms <= 6000
import os, signal, sys, time

for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1):
    signal.signal(sig, signal.SIG_IGN)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:          # grandchild: a daemon in its own session
        if os.fork() == 0:      # and one more that changes its process group
            os.setpgid(0, 0)
        while True:
            time.sleep(0.05)
    os._exit(0)
os.wait()
print("main exits", flush=True)
