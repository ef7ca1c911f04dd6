// Row 31: userfaultfd (user-mode-only, which the kernel itself would allow) and /dev/userfaultfd.
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains userfaultfd(UFFD_USER_MODE_ONLY): EPERM
// expect: stdout contains userfaultfd(0): EPERM
// prelude: syscall

int main(void) {
    CALL("userfaultfd(UFFD_USER_MODE_ONLY)", SYS_userfaultfd, O_CLOEXEC | 1);
    CALL("userfaultfd(0)", SYS_userfaultfd, O_CLOEXEC);
    printf("/dev/userfaultfd exists: %s\n", access("/dev/userfaultfd", F_OK) == 0 ? "True" : "False");
    printf("done\n");
    return 0;
}
