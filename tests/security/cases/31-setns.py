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
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def arg(a):
    if isinstance(a, int):
        return ctypes.c_long(a)
    if isinstance(a, str):
        return ctypes.c_char_p(a.encode())
    return a

def call(label, nr, *args, fork_like=False):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[arg(a) for a in args])
    if r == 0 and fork_like:
        os._exit(0)                      # a child that should never have existed
    if r == -1:
        e = ctypes.get_errno()
        print("%s: %s" % (label, errno.errorcode.get(e, str(e))), flush=True)
    else:
        print("%s: ALLOWED (%d)" % (label, r), flush=True)
        if fork_like:
            os.waitpid(r, 0)

for ns in ("net", "mnt", "user", "pid", "uts", "ipc", "cgroup"):
    try:
        fd = os.open("/proc/1/ns/" + ns, os.O_RDONLY)
    except OSError:
        fd = os.open("/proc/self/ns/" + ns, os.O_RDONLY)
    call("setns(%s)" % ns, 308, fd, 0)
    os.close(fd)
print("done")
