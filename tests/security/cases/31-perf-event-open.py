# Row 31: perf_event_open on itself (allowed by the kernel's paranoid level, so only seccomp stops it).
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains perf_event_open(self, cpu-clock): EPERM
# expect: stdout contains perf_event_open(all, cpu 0): EPERM
# prelude: syscall

attr = ctypes.create_string_buffer(128)
ctypes.memmove(attr, (ctypes.c_uint32 * 2)(1, 128), 8)                   # SOFTWARE, size 128
ctypes.memmove(ctypes.addressof(attr) + 40, (ctypes.c_uint64 * 1)((1 << 5) | (1 << 6)), 8)
call("perf_event_open(self, cpu-clock)", 298, attr, 0, -1, -1, 0)
call("perf_event_open(all, cpu 0)", 298, attr, -1, 0, -1, 0)
print("done")
