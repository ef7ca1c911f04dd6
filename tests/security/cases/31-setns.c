// Row 31: setns into the cell's own namespaces (the fds are obtainable; joining is not).
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains setns(net): EPERM
// expect: stdout contains setns(mnt): EPERM
// expect: stdout contains setns(user): EPERM
// expect: stdout contains setns(pid): EPERM
// expect: stdout contains setns(uts): EPERM
// expect: stdout contains setns(ipc): EPERM
// expect: stdout contains setns(cgroup): EPERM
// prelude: syscall

int main(void) {
    const char *ns[] = {"net", "mnt", "user", "pid", "uts", "ipc", "cgroup"};
    for (int i = 0; i < 7; i++) {
        char p[64], label[64];
        snprintf(p, sizeof p, "/proc/1/ns/%s", ns[i]);
        int fd = open(p, O_RDONLY);
        if (fd < 0) { snprintf(p, sizeof p, "/proc/self/ns/%s", ns[i]); fd = open(p, O_RDONLY); }
        snprintf(label, sizeof label, "setns(%s)", ns[i]);
        CALL(label, SYS_setns, fd, 0);
        close(fd);
    }
    printf("done\n");
    return 0;
}
