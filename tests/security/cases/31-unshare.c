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
