# Row 33: the sandbox's environment is built from scratch: exactly PATH, HOME=/mnt/data
# and LANG=C.UTF-8, none of the caller's variables (the runner sets secrets such as
# STOCKADE_API_KEY and MEMCACHED_SERVERS in the CLI's environment), and no process of
# the cell exposes them through /proc/<pid>/environ or cmdline either.
# args: --wall 5 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout matches ^env names: HOME LANG MATPLOTLIBRC PATH$
# expect: stdout matches ^HOME=/mnt/data$
# expect: stdout matches ^LANG=C\.UTF-8$
# expect: stdout matches ^PATH=/
# expect: stdout not contains TOKEN-7d3e
# expect: stdout not contains LEAK
# expect: stdout contains done
import os
env = dict(os.environ)
print("env names: %s" % " ".join(sorted(env)))
for k in sorted(env):
    print("%s=%s" % (k, env[k]))
for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
    for what in ("environ", "cmdline"):
        try:
            data = open("/proc/%s/%s" % (pid, what), "rb").read()
        except OSError as e:
            print("/proc/%s/%s: %s" % (pid, what, e.strerror))
            continue
        if b"TOKEN-7d3e" in data or b"MEMCACHED" in data or b"STOCKADE_" in data:
            print("LEAK: caller's environment in /proc/%s/%s" % (pid, what))
print("done")
