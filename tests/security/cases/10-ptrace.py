# Row 10: ptrace anything: PTRACE_TRACEME, attaching to init / the parent / an own
# child, process_vm_readv on itself, /proc/<pid>/mem of init. All must fail with
# EPERM (seccomp) or kill the process; nothing may succeed.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains ptrace(PTRACE_TRACEME): EPERM
# expect: stdout contains ptrace(PTRACE_ATTACH, child): EPERM
# expect: stdout contains ptrace(PTRACE_SEIZE, init): EPERM
# expect: stdout contains process_vm_readv(self): EPERM
# expect: stdout contains done
import ctypes, errno, os, signal, time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def report(name, r):
    if r == -1:
        print("%s: %s" % (name, errno.errorcode[ctypes.get_errno()]), flush=True)
    else:
        print("%s: ALLOWED (%d)" % (name, r), flush=True)

PTRACE_TRACEME, PTRACE_ATTACH, PTRACE_SEIZE = 0, 16, 0x4206
SYS_ptrace, SYS_process_vm_readv = 101, 310
report("ptrace(PTRACE_TRACEME)", libc.syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0))
child = os.fork()
if child == 0:
    time.sleep(30)
    os._exit(0)
report("ptrace(PTRACE_ATTACH, child)", libc.syscall(SYS_ptrace, PTRACE_ATTACH, child, 0, 0))
report("ptrace(PTRACE_SEIZE, init)", libc.syscall(SYS_ptrace, PTRACE_SEIZE, 1, 0, 0))
report("ptrace(PTRACE_ATTACH, parent)", libc.syscall(SYS_ptrace, PTRACE_ATTACH, os.getppid(), 0, 0))
os.kill(child, signal.SIGKILL)

class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
src = ctypes.create_string_buffer(b"secret", 16)
dst = ctypes.create_string_buffer(16)
l = iovec(ctypes.cast(dst, ctypes.c_void_p), 16)
r = iovec(ctypes.cast(src, ctypes.c_void_p), 16)
report("process_vm_readv(self)", libc.syscall(SYS_process_vm_readv, os.getpid(),
       ctypes.byref(l), 1, ctypes.byref(r), 1, 0))
for path in ("/proc/1/mem", "/proc/%d/mem" % os.getppid()):
    if path == "/proc/%d/mem" % os.getpid():
        continue
    try:
        open(path, "rb").close()
        print("open %s: ALLOWED" % path)
    except OSError as e:
        print("open %s: %s" % (path, errno.errorcode[e.errno]))
print("done")
