# Row 31: io_uring_setup / io_uring_enter / io_uring_register.
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains io_uring_setup: EPERM
# expect: stdout contains io_uring_enter: EPERM
# expect: stdout contains io_uring_register: EPERM
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

params = ctypes.create_string_buffer(120)
call("io_uring_setup", 425, 8, params)
call("io_uring_enter", 426, 0, 1, 0, 0, 0, 0)
call("io_uring_register", 427, 0, 0, 0, 0)
print("done")
