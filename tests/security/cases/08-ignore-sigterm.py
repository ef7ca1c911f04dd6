# Row 8: ignore SIGTERM (and every other catchable signal), in the main process and in
# a child: the supervisor must use SIGKILL. Ends at the wall limit.
# args: --wall 1.5 --time 5
# timeout: 30
# expect: status == timeout
# expect: signal == SIGKILL
# expect: stdout contains ignoring signals
# expect: wall_ms <= 5000
import os, signal, time

def note(sig, frame):
    os.write(1, b"caught %d, ignoring\n" % sig)

for s in range(1, signal.NSIG):
    if s in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD):
        continue
    try:
        signal.signal(s, note)
    except (OSError, ValueError):
        pass
if os.fork() == 0:
    while True:
        time.sleep(0.05)
print("ignoring signals", flush=True)
while True:
    time.sleep(0.05)
