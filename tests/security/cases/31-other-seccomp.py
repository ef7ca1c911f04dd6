# Row 31: the rest of the filter: modules, swap, TIOCSTI, clocks, acct, quotactl, file handles, syslog, sethostname, pidfd_getfd, process_vm_writev.
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains init_module: EPERM
# expect: stdout contains open_tree_attr (newer than the rule table): ENOSYS
# expect: stdout contains finit_module: EPERM
# expect: stdout contains delete_module: EPERM
# expect: stdout contains swapon: EPERM
# expect: stdout contains swapoff: EPERM
# expect: stdout contains ioctl(TIOCSTI): EPERM
# expect: stdout contains clock_settime: EPERM
# expect: stdout contains settimeofday: EPERM
# expect: stdout contains adjtimex(ADJ_FREQUENCY): EPERM
# expect: stdout contains clock_adjtime: EPERM
# expect: stdout contains acct: EPERM
# expect: stdout contains quotactl: EPERM
# expect: stdout contains name_to_handle_at: EPERM
# expect: stdout contains open_by_handle_at: EPERM
# expect: stdout contains syslog(SIZE_BUFFER): EPERM
# expect: stdout contains sethostname: EPERM
# expect: stdout contains pidfd_getfd: EPERM
# expect: stdout contains process_vm_writev(self): EPERM
# prelude: syscall

call("open_tree_attr (newer than the rule table)", 467, -100, "/tmp", 0, 0, 0)
call("init_module", 175, 0, 0, "")
call("finit_module", 313, 0, "", 0)
call("delete_module", 176, "stockade", 0o4000)
open("/mnt/data/swap", "wb").close()
call("swapon", 167, "/mnt/data/swap", 0)
call("swapoff", 168, "/mnt/data/swap")
ch = ctypes.create_string_buffer(b"x")
for fd in (0, 1, 2):
    pass
call("ioctl(TIOCSTI)", 16, 0, 0x5412, ch)
ts = (ctypes.c_long * 2)(0, 0)
call("clock_settime", 227, 0, ts)
call("settimeofday", 164, ts, 0)
tx = ctypes.create_string_buffer(208)
ctypes.memmove(tx, (ctypes.c_uint32 * 1)(2), 4)                     # modes = ADJ_FREQUENCY
call("adjtimex(ADJ_FREQUENCY)", 159, tx)
call("clock_adjtime", 305, 0, tx)
call("acct", 163, 0)
call("quotactl", 179, (0x800005 << 8) | 0, "/dev/null", 0, 0)
fh = ctypes.create_string_buffer(136)
ctypes.memmove(fh, (ctypes.c_uint32 * 1)(128), 4)
mnt = ctypes.c_int(0)
call("name_to_handle_at", 303, -100, "/mnt/data", fh, ctypes.byref(mnt), 0)
call("open_by_handle_at", 304, -100, fh, 0)
call("syslog(SIZE_BUFFER)", 103, 10, 0, 0)
call("sethostname", 170, "pwned", 5)
pidfd = libc.syscall(ctypes.c_long(434), ctypes.c_long(os.getpid()), ctypes.c_long(0))
print("pidfd_open(self): %s" % (pidfd if pidfd >= 0 else errno.errorcode.get(ctypes.get_errno())))
call("pidfd_getfd", 438, pidfd if pidfd >= 0 else 0, 0, 0)
src = ctypes.create_string_buffer(16)
dst = ctypes.create_string_buffer(16)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
l = iovec(ctypes.cast(src, ctypes.c_void_p), 16)
r = iovec(ctypes.cast(dst, ctypes.c_void_p), 16)
call("process_vm_writev(self)", 311, os.getpid(), ctypes.byref(l), 1, ctypes.byref(r), 1, 0)
print("done")
