// Shared by the security cases that call system calls directly (prelude: syscall):
// CALL(label, nr, args...) prints "label: ERRNO" or "label: ALLOWED (r)".
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
