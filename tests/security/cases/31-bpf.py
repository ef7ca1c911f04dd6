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
# prelude: syscall

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
