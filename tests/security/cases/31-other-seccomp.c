// Row 31: the rest of the filter: modules, swap, TIOCSTI, clocks, acct, quotactl, file handles, syslog, sethostname, pidfd_getfd, process_vm_writev.
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains init_module: EPERM
// expect: stdout contains open_tree_attr (newer than the rule table): ENOSYS
// expect: stdout contains finit_module: EPERM
// expect: stdout contains delete_module: EPERM
// expect: stdout contains swapon: EPERM
// expect: stdout contains swapoff: EPERM
// expect: stdout contains ioctl(TIOCSTI): EPERM
// expect: stdout contains clock_settime: EPERM
// expect: stdout contains settimeofday: EPERM
// expect: stdout contains adjtimex(ADJ_FREQUENCY): EPERM
// expect: stdout contains clock_adjtime: EPERM
// expect: stdout contains acct: EPERM
// expect: stdout contains quotactl: EPERM
// expect: stdout contains name_to_handle_at: EPERM
// expect: stdout contains open_by_handle_at: EPERM
// expect: stdout contains syslog(SIZE_BUFFER): EPERM
// expect: stdout contains sethostname: EPERM
// expect: stdout contains pidfd_getfd: EPERM
// expect: stdout contains process_vm_writev(self): EPERM
// prelude: syscall

int main(void) {
    CALL("open_tree_attr (newer than the rule table)", 467, -100, "/tmp", 0, 0, 0);
    CALL("init_module", SYS_init_module, 0, 0, "");
    CALL("finit_module", SYS_finit_module, 0, "", 0);
    CALL("delete_module", SYS_delete_module, "stockade", O_NONBLOCK);
    close(open("/mnt/data/swap", O_WRONLY | O_CREAT, 0600));
    CALL("swapon", SYS_swapon, "/mnt/data/swap", 0);
    CALL("swapoff", SYS_swapoff, "/mnt/data/swap");
    char ch = 'x';
    CALL("ioctl(TIOCSTI)", SYS_ioctl, 0, 0x5412, &ch);
    long ts[2] = {0, 0};
    CALL("clock_settime", SYS_clock_settime, 0, ts);
    CALL("settimeofday", SYS_settimeofday, ts, 0);
    uint32_t tx[52] = {2};
    CALL("adjtimex(ADJ_FREQUENCY)", SYS_adjtimex, tx);
    CALL("clock_adjtime", SYS_clock_adjtime, 0, tx);
    CALL("acct", SYS_acct, 0);
    CALL("quotactl", SYS_quotactl, (0x800005 << 8) | 0, "/dev/null", 0, 0);
    uint32_t fh[34] = {128};
    int mnt = 0;
    CALL("name_to_handle_at", SYS_name_to_handle_at, -100, "/mnt/data", fh, &mnt, 0);
    CALL("open_by_handle_at", SYS_open_by_handle_at, -100, fh, 0);
    CALL("syslog(SIZE_BUFFER)", SYS_syslog, 10, 0, 0);
    CALL("sethostname", SYS_sethostname, "pwned", 5);
    long pidfd = syscall(434, getpid(), 0);
    printf("pidfd_open(self): %ld\n", pidfd);
    CALL("pidfd_getfd", 438, pidfd >= 0 ? pidfd : 0, 0, 0);
    char src[16] = "x", dst[16];
    struct { void *b; size_t l; } l = {src, 16}, r = {dst, 16};
    CALL("process_vm_writev(self)", SYS_process_vm_writev, getpid(), &l, 1, &r, 1, 0);
    printf("done\n");
    return 0;
}
