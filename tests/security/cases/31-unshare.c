// Row 31: unshare of every namespace kind.
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains unshare(CLONE_NEWUSER): EPERM
// expect: stdout contains unshare(CLONE_NEWNS): EPERM
// expect: stdout contains unshare(CLONE_NEWNET): EPERM
// expect: stdout contains unshare(CLONE_NEWPID): EPERM
// expect: stdout contains unshare(CLONE_NEWUTS): EPERM
// expect: stdout contains unshare(CLONE_NEWIPC): EPERM
// expect: stdout contains unshare(CLONE_NEWCGROUP): EPERM
// expect: stdout contains unshare(CLONE_NEWTIME): EPERM
// prelude: syscall

int main(void) {
    struct { const char *n; long f; } fl[] = {{"CLONE_NEWUSER", 0x10000000}, {"CLONE_NEWNS", 0x20000},
        {"CLONE_NEWNET", 0x40000000}, {"CLONE_NEWPID", 0x20000000}, {"CLONE_NEWUTS", 0x04000000},
        {"CLONE_NEWIPC", 0x08000000}, {"CLONE_NEWCGROUP", 0x02000000}, {"CLONE_NEWTIME", 0x80}};
    for (int i = 0; i < 8; i++) {
        char label[64];
        snprintf(label, sizeof label, "unshare(%s)", fl[i].n);
        CALL(label, SYS_unshare, fl[i].f);
    }
    printf("done\n");
    return 0;
}
