# Row 32: setuid/setgid binaries gain nothing: no_new_privs is set, every capability
# set is empty, /usr is mounted nosuid, setuid(0)/setgid(0) fail (EPERM, or EINVAL: uid 0
# is not even mapped), setgroups fails with EPERM,
# and running the host's setuid-root helpers (mount, su-like tools) leaves the euid at
# 1000: mount refuses as a non-root user would.
# args: --wall 10 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout matches ^NoNewPrivs:\s+1$
# expect: stdout matches ^CapEff:\s+0000000000000000$
# expect: stdout matches ^CapPrm:\s+0000000000000000$
# expect: stdout matches ^CapInh:\s+0000000000000000$
# expect: stdout matches ^CapAmb:\s+0000000000000000$
# expect: stdout matches ^Seccomp:\s+2$
# expect: stdout contains ids: 1000 1000 1000 / 1000 1000 1000
# expect: stdout matches ^setuid\(0\): (EPERM|EINVAL)$
# expect: stdout matches ^setgid\(0\): (EPERM|EINVAL)$
# expect: stdout contains setgroups([0]): EPERM
# expect: stdout matches ^mount /usr: \S*nosuid
# expect: stdout matches ^setuid helper /usr/bin/mount: euid 1000
# expect: stdout not contains LEAK
# expect: stdout contains done
import errno, os, stat, subprocess

for line in open("/proc/self/status"):
    if line.split(":")[0] in ("NoNewPrivs", "Seccomp", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        print(line.rstrip())
print("ids: %d %d %d / %d %d %d" % (os.getresuid() + os.getresgid()))
print("groups: %s" % os.getgroups())
for name, fn in (("setuid(0)", lambda: os.setuid(0)), ("setgid(0)", lambda: os.setgid(0)),
                 ("setresuid(0,0,0)", lambda: os.setresuid(0, 0, 0)), ("setgroups([0])", lambda: os.setgroups([0]))):
    try:
        fn()
        print("%s: LEAK succeeded" % name)
    except OSError as e:
        print("%s: %s" % (name, errno.errorcode[e.errno]))
for line in open("/proc/self/mountinfo"):
    parts = line.split()
    if parts[4] in ("/usr", "/", "/tmp", "/mnt/data", "/dev/shm"):
        print("mount %s: %s" % (parts[4], parts[5]))
helpers = [p for p in ("/usr/bin/mount", "/usr/bin/umount", "/usr/bin/passwd", "/usr/bin/newgrp",
                       "/usr/bin/chsh", "/usr/bin/su", "/usr/bin/sudo") if os.path.exists(p)]
for p in helpers:
    st = os.stat(p)
    print("%s: mode %o owner %d" % (p, st.st_mode & 0o7777, st.st_uid))
# Run a setuid-root helper and look at its credentials while it runs: it reads stdin
# (a pipe we hold open), so it stays alive long enough to inspect /proc/<pid>/status.
if os.path.exists("/usr/bin/mount"):
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.dup2(r, 0)
        # util-linux mount with --fake and a tmpfs: a root euid would let it go further
        os.execv("/usr/bin/mount", ["mount", "--fake", "-t", "tmpfs", "none", "/mnt/data"])
    import time
    euid = None
    for _ in range(200):
        try:
            for line in open("/proc/%d/status" % child):
                if line.startswith("Uid:"):
                    euid = int(line.split()[2])
            with open("/proc/%d/comm" % child) as f:
                if f.read().strip() == "mount":
                    break
        except OSError:
            break
        time.sleep(0.005)
    _, status = os.waitpid(child, 0)
    print("setuid helper /usr/bin/mount: euid %s, exit %d" % (euid, os.waitstatus_to_exitcode(status)))
    if euid == 0:
        print("LEAK: setuid bit honoured")
print("done")
