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
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *en(int e) {
    static char b[32];
    switch (e) {
    case EPERM: return "EPERM"; case ENOSYS: return "ENOSYS"; case EACCES: return "EACCES";
    case EINVAL: return "EINVAL"; case EBADF: return "EBADF"; case EFAULT: return "EFAULT";
    case ENOENT: return "ENOENT"; case ENOTTY: return "ENOTTY"; case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENOMEM: return "ENOMEM"; case EOPNOTSUPP: return "EOPNOTSUPP"; case ESRCH: return "ESRCH";
    case ENODEV: return "ENODEV"; case EBUSY: return "EBUSY"; case ENOKEY: return "ENOKEY";
    }
    snprintf(b, sizeof b, "errno %d", e);
    return b;
}
static void report(const char *label, long r, int fork_like) {
    if (r == 0 && fork_like) _exit(0);
    if (r == -1) printf("%s: %s\n", label, en(errno));
    else { printf("%s: ALLOWED (%ld)\n", label, r); if (fork_like) waitpid((pid_t)r, NULL, 0); }
    fflush(stdout);
}
#define CALL(label, ...) report(label, syscall(__VA_ARGS__), 0)
#define CALL_FORK(label, ...) report(label, syscall(__VA_ARGS__), 1)

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
