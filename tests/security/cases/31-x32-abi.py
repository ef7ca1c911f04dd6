# Row 31 / interface: a system call through the x32 ABI (getpid with __X32_SYSCALL_BIT)
# must kill the process with SIGSYS; nothing after it may run.
# args: --wall 5 --time 5
# timeout: 30
# expect: status == runtime_error
# expect: signal == SIGSYS
# expect: stdout contains before
# expect: stdout not contains survived
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
print("before", flush=True)
r = libc.syscall(ctypes.c_long(0x40000000 | 39))
print("survived: %d errno %d" % (r, ctypes.get_errno()), flush=True)
