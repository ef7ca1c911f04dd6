// Row 31: new user (and other) namespaces through clone; clone3 is not available.
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains clone(CLONE_NEWUSER): EPERM
// expect: stdout contains clone(CLONE_NEWNET): EPERM
// expect: stdout contains clone(CLONE_NEWNS|CLONE_NEWPID): EPERM
// expect: stdout contains clone3(CLONE_NEWUSER): ENOSYS
// expect: stdout contains clone3(0): ENOSYS
// prelude: syscall

int main(void) {
    CALL_FORK("clone(CLONE_NEWUSER)", SYS_clone, 0x10000000 | SIGCHLD, 0, 0, 0, 0);
    CALL_FORK("clone(CLONE_NEWNET)", SYS_clone, 0x40000000 | SIGCHLD, 0, 0, 0, 0);
    CALL_FORK("clone(CLONE_NEWNS|CLONE_NEWPID)", SYS_clone, 0x20000 | 0x20000000 | SIGCHLD, 0, 0, 0, 0);
    uint64_t a[11] = {0x10000000, 0, 0, 0, SIGCHLD, 0, 0, 0, 0, 0, 0};
    CALL_FORK("clone3(CLONE_NEWUSER)", 435, a, 88);
    uint64_t b[11] = {0, 0, 0, 0, SIGCHLD, 0, 0, 0, 0, 0, 0};
    CALL_FORK("clone3(0)", 435, b, 88);
    printf("done\n");
    return 0;
}
