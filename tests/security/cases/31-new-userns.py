# Row 31: new user (and other) namespaces through clone; clone3 is not available.
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains clone(CLONE_NEWUSER): EPERM
# expect: stdout contains clone(CLONE_NEWNET): EPERM
# expect: stdout contains clone(CLONE_NEWNS|CLONE_NEWPID): EPERM
# expect: stdout contains clone3(CLONE_NEWUSER): ENOSYS
# expect: stdout contains clone3(0): ENOSYS
# prelude: syscall

call("clone(CLONE_NEWUSER)", 56, 0x10000000 | 17, 0, 0, 0, 0, fork_like=True)
call("clone(CLONE_NEWNET)", 56, 0x40000000 | 17, 0, 0, 0, 0, fork_like=True)
call("clone(CLONE_NEWNS|CLONE_NEWPID)", 56, 0x20000 | 0x20000000 | 17, 0, 0, 0, 0, fork_like=True)
args = (ctypes.c_uint64 * 11)(0x10000000, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0)
call("clone3(CLONE_NEWUSER)", 435, args, 88, fork_like=True)
args = (ctypes.c_uint64 * 11)(0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0)
call("clone3(0)", 435, args, 88, fork_like=True)
try:
    print("max_user_namespaces: %s" % open("/proc/sys/user/max_user_namespaces").read().strip())
except OSError as e:
    print("max_user_namespaces: %s" % e)
print("done")
