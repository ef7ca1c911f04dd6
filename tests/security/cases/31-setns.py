# Row 31: setns into the cell's own namespaces (the fds are obtainable; joining is not).
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains setns(net): EPERM
# expect: stdout contains setns(mnt): EPERM
# expect: stdout contains setns(user): EPERM
# expect: stdout contains setns(pid): EPERM
# expect: stdout contains setns(uts): EPERM
# expect: stdout contains setns(ipc): EPERM
# expect: stdout contains setns(cgroup): EPERM
# prelude: syscall

for ns in ("net", "mnt", "user", "pid", "uts", "ipc", "cgroup"):
    try:
        fd = os.open("/proc/1/ns/" + ns, os.O_RDONLY)
    except OSError:
        fd = os.open("/proc/self/ns/" + ns, os.O_RDONLY)
    call("setns(%s)" % ns, 308, fd, 0)
    os.close(fd)
print("done")
