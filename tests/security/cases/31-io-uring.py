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
# prelude: syscall

params = ctypes.create_string_buffer(120)
call("io_uring_setup", 425, 8, params)
call("io_uring_enter", 426, 0, 1, 0, 0, 0, 0)
call("io_uring_register", 427, 0, 0, 0, 0)
print("done")
