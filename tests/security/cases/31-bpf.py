# Row 31: bpf(BPF_MAP_CREATE) and bpf(BPF_PROG_LOAD).
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains bpf(BPF_MAP_CREATE): EPERM
# expect: stdout contains bpf(BPF_PROG_LOAD): EPERM
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

attr = ctypes.create_string_buffer(128)
ctypes.memmove(attr, (ctypes.c_uint32 * 4)(2, 4, 4, 1), 16)   # ARRAY map, 4/4 bytes, 1 entry
call("bpf(BPF_MAP_CREATE)", 321, 0, attr, 128)
insns = (ctypes.c_uint64 * 2)(0x00000000000000b7, 0x0000000000000095)  # r0 = 0; exit
lic = ctypes.create_string_buffer(b"GPL")
prog = ctypes.create_string_buffer(128)
ctypes.memmove(prog, (ctypes.c_uint32 * 2)(1, 2), 8)                 # SOCKET_FILTER, 2 insns
ctypes.memmove(ctypes.addressof(prog) + 8, (ctypes.c_uint64 * 2)(ctypes.addressof(insns), ctypes.addressof(lic)), 16)
call("bpf(BPF_PROG_LOAD)", 321, 5, prog, 128)
print("done")
