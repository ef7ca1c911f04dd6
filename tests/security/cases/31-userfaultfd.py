# Row 31: userfaultfd (user-mode-only, which the kernel itself would allow) and /dev/userfaultfd.
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains userfaultfd(UFFD_USER_MODE_ONLY): EPERM
# expect: stdout contains userfaultfd(0): EPERM
# prelude: syscall

call("userfaultfd(UFFD_USER_MODE_ONLY)", 323, 0o2000000 | 1)
call("userfaultfd(0)", 323, 0o2000000)
print("/dev/userfaultfd exists: %s" % os.path.exists("/dev/userfaultfd"))
print("done")
