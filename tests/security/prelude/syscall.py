# Shared by the security cases that call system calls directly (prelude: syscall):
# call(label, nr, *args) prints "label: ERRNO" or "label: ALLOWED (r)".
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
