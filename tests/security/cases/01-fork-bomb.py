# Row 1: fork bomb. fork must fail with EAGAIN at the pids limit, the whole tree is
# killed at the wall limit, and the host process table is unaffected.
# args: --pids 16 --wall 2 --time 4
# timeout: 30
# expect: status in timeout,runtime_error
# expect: stdout contains fork failed: EAGAIN
# expect: wall_ms <= 5000
# host-max-cell-procs: 20
# host-procs-stable: 10
import errno, os, time

n = 0
while True:
    try:
        pid = os.fork()
    except OSError as e:
        print("fork failed: %s after %d children" % (errno.errorcode.get(e.errno, e.errno), n), flush=True)
        break
    if pid == 0:
        while True:          # every child bombs too
            try:
                os.fork()
            except OSError:
                time.sleep(0.01)
    n += 1
while True:                  # keep pressing on the limit until killed
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
