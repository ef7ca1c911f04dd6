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
