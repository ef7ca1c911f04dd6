# Row 18: walk "..", /proc/1/root, /proc/self/root, /proc/<pid>/cwd and /proc/<host
# pid> to reach the host: only the cell's own root and processes are visible. The host
# has /work/shared/HOSTILE.md and a marker file planted for this run; stdin carries
# the host pids of a canary and of the runner.
# stdin: canary
# host-file: /tmp/stockade-hostile-marker TOKEN-a41b-host-marker
# args: --wall 10 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout not contains TOKEN-a41b-host-marker
# expect: stdout not contains REACHABLE
# expect: stdout not contains LEAK
# expect: stdout contains done
import os

canary, runner = (int(x) for x in open(0).read().split())
targets = ["work/shared/HOSTILE.md", "tmp/stockade-hostile-marker"]
os.chdir("/mnt/data")
up = "/".join([".."] * 40)
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print("pids in /proc: %s" % pids)
if len(pids) > 4:
    print("LEAK: %d processes visible" % len(pids))
for hp in (canary, runner):
    print("/proc/%d: %s" % (hp, "LEAK: host pid visible" if os.path.exists("/proc/%d" % hp) else "absent"))
roots = ["/", up + "/", "/proc/1/root/", "/proc/self/root/", "/proc/1/cwd/" + up + "/",
         "/proc/self/cwd/" + up + "/", "/proc/%d/root/" % canary, "/proc/%d/root/" % runner,
         "/proc/self/root/proc/1/root/", "/dev/fd/../../" + up + "/", "/usr/" + up + "/"]
roots += ["/proc/%d/root/" % p for p in pids] + ["/proc/%d/cwd/%s/" % (p, up) for p in pids]
for r in roots:
    for t in targets:
        p = r + t
        try:
            with open(p) as f:
                print("REACHABLE %s: %r" % (p, f.read(100)))
        except OSError as e:
            pass
top = sorted(os.listdir(up))
print("root via ..: %s" % top)
for host_only in ("work",):
    if host_only in top:
        print("LEAK: host directory /%s visible" % host_only)
# an fd opened before chroot-like games cannot exist here, but /proc/*/fd can point out
for p in pids:
    try:
        for fd in os.listdir("/proc/%d/fd" % p):
            dest = os.readlink("/proc/%d/fd/%s" % (p, fd))
            if dest.startswith("/work") or dest.startswith("/root"):
                print("LEAK: /proc/%d/fd/%s -> %s" % (p, fd, dest))
    except OSError:
        pass
print("done")
