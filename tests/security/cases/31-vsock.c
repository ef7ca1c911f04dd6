// Row 31: socket(AF_VSOCK) (and AF_PACKET), also with upper bits set in the family
// (seccomp sees the whole register, the kernel only the low 32 bits), and
// NETLINK_KOBJECT_UEVENT (host device events).
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains socket(AF_VSOCK, SOCK_STREAM): EPERM
// expect: stdout contains socket(AF_VSOCK, SOCK_DGRAM): EPERM
// expect: stdout contains socket(AF_PACKET, SOCK_RAW): EPERM
// expect: stdout contains socket(AF_VSOCK|1<<32, SOCK_STREAM): EPERM
// expect: stdout contains socket(AF_PACKET|1<<40, SOCK_RAW): EPERM
// expect: stdout contains socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT): EPERM
// expect: stdout contains socket(AF_NETLINK|1<<32, NETLINK_KOBJECT_UEVENT|1<<33): EPERM
// prelude: syscall

int main(void) {
    CALL("socket(AF_VSOCK, SOCK_STREAM)", SYS_socket, 40, 1, 0);
    CALL("socket(AF_VSOCK, SOCK_DGRAM)", SYS_socket, 40, 2, 0);
    CALL("socket(AF_PACKET, SOCK_RAW)", SYS_socket, 17, 3, 0x0300);
    CALL("socket(AF_VSOCK|1<<32, SOCK_STREAM)", SYS_socket, 40L | (1L << 32), 1, 0);
    CALL("socket(AF_PACKET|1<<40, SOCK_RAW)", SYS_socket, 17L | (1L << 40), 3, 0x0300);
    CALL("socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT)", SYS_socket, 16, 2, 15);
    CALL("socket(AF_NETLINK|1<<32, NETLINK_KOBJECT_UEVENT|1<<33)", SYS_socket,
         16L | (1L << 32), 2, 15L | (1L << 33));
    printf("done\n");
    return 0;
}
