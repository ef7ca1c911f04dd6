# Row 31: socket(AF_VSOCK) (and AF_PACKET), also with upper bits set in the family
# (seccomp sees the whole register, the kernel only the low 32 bits), and
# NETLINK_KOBJECT_UEVENT (host device events).
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains socket(AF_VSOCK, SOCK_STREAM): EPERM
# expect: stdout contains socket(AF_VSOCK, SOCK_DGRAM): EPERM
# expect: stdout contains socket(AF_PACKET, SOCK_RAW): EPERM
# expect: stdout contains socket(AF_VSOCK|1<<32, SOCK_STREAM): EPERM
# expect: stdout contains socket(AF_PACKET|1<<40, SOCK_RAW): EPERM
# expect: stdout contains socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT): EPERM
# expect: stdout contains socket(AF_NETLINK|1<<32, NETLINK_KOBJECT_UEVENT|1<<33): EPERM
# prelude: syscall

call("socket(AF_VSOCK, SOCK_STREAM)", 41, 40, 1, 0)
call("socket(AF_VSOCK, SOCK_DGRAM)", 41, 40, 2, 0)
call("socket(AF_PACKET, SOCK_RAW)", 41, 17, 3, 0x0300)
call("socket(AF_VSOCK|1<<32, SOCK_STREAM)", 41, 40 | (1 << 32), 1, 0)
call("socket(AF_PACKET|1<<40, SOCK_RAW)", 41, 17 | (1 << 40), 3, 0x0300)
call("socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT)", 41, 16, 2, 15)
call("socket(AF_NETLINK|1<<32, NETLINK_KOBJECT_UEVENT|1<<33)", 41, 16 | (1 << 32), 2, 15 | (1 << 33))
print("done")
