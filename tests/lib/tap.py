"""TAP output for the python end-to-end tests (tests/*/*.t): the helpers they share.

A script puts this folder on sys.path and imports the module. ok() numbers and prints each
test; tap.n (tests so far) and tap.failed (how many of them failed) give the plan, which
these scripts print last with plan(), and the exit status, exit_code().
"""
import os
import socket
import sys

n = 0            # tests printed so far
failed = 0       # how many of them were "not ok"
DIAG_LINES = 30  # at most this many lines of a failure's diagnostics are printed


def ok(cond, name, diag=None):
    """Prints "ok N - name" or "not ok N - name" and, on failure, `diag` as "#   " lines."""
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond:
        failed += 1
        if diag is not None:
            for line in str(diag).splitlines()[:DIAG_LINES]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def skip(name, why):
    """A test that cannot run here: "ok N - name # SKIP why" ("ok N # SKIP why" if no name)."""
    global n
    n += 1
    if name is None:
        print("ok %d # SKIP %s" % (n, why))
    else:
        print("ok %d - %s # SKIP %s" % (n, name, why))
    sys.stdout.flush()


def note(msg):
    """A comment for the reader: each line of `msg` as a "# " line."""
    for line in str(msg).splitlines() or [""]:
        print("# " + line)
    sys.stdout.flush()


def skip_all(why):
    """Nothing can run here: prints the plan "1..0 # SKIP why" and exits 0."""
    print("1..0 # SKIP " + why)
    sys.stdout.flush()
    sys.exit(0)


def need_root(why):
    """Skips the whole script, saying `why`, unless it runs as root."""
    if os.geteuid() != 0:
        skip_all(why)


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def plan():
    """Prints the plan, "1..N", for the N tests so far (these scripts print it last)."""
    print("1..%d" % n)
    sys.stdout.flush()


def exit_code():
    """1 when any test failed, else 0."""
    return 1 if failed else 0
