# Row 31: keyctl / add_key / request_key.
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains keyctl(KEYCTL_GET_KEYRING_ID, session): EPERM
# expect: stdout contains add_key(user): EPERM
# expect: stdout contains request_key(user): EPERM
# prelude: syscall

call("keyctl(KEYCTL_GET_KEYRING_ID, session)", 250, 0, -3, 1)
call("add_key(user)", 248, "user", "stockade", "secret", 6, -2)
call("request_key(user)", 249, "user", "stockade", 0, 0)
print("done")
