# Row 31 / interface: a system call through the i386 ABI (int 0x80, getpid), from
# machine code placed in an executable mapping, must kill the process with SIGSYS.
# args: --wall 5 --time 5
# timeout: 30
# expect: status == runtime_error
# expect: signal == SIGSYS
# expect: stdout contains before
# expect: stdout not contains survived
import ctypes, mmap
code = bytes([0xb8, 0x14, 0, 0, 0,      # mov eax, 20 (getpid, i386)
              0xcd, 0x80,               # int 0x80
              0xc3])                    # ret
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(code)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
fn = ctypes.CFUNCTYPE(ctypes.c_long)(addr)
print("before", flush=True)
r = fn()
print("survived: %d" % r, flush=True)
