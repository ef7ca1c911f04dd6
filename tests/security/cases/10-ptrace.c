// Row 10: ptrace anything: PTRACE_TRACEME, attaching to init / the parent / an own
// child, process_vm_readv on itself, /proc/<pid>/mem of init. All must fail with
// EPERM (seccomp) or kill the process; nothing may succeed.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains ptrace(PTRACE_TRACEME): EPERM
// expect: stdout contains ptrace(PTRACE_ATTACH, child): EPERM
// expect: stdout contains ptrace(PTRACE_SEIZE, init): EPERM
// expect: stdout contains process_vm_readv(self): EPERM
// expect: stdout contains done
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *en(int e) {
    switch (e) { case EPERM: return "EPERM"; case EACCES: return "EACCES"; case ESRCH: return "ESRCH";
                 case ENOSYS: return "ENOSYS"; case EIO: return "EIO"; default: return strerror(e); }
}
static void report(const char *name, long r) {
    if (r == -1) printf("%s: %s\n", name, en(errno)); else printf("%s: ALLOWED (%ld)\n", name, r);
    fflush(stdout);
}

int main(void) {
    report("ptrace(PTRACE_TRACEME)", syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0));
    pid_t child = fork();
    if (child == 0) { sleep(30); _exit(0); }
    report("ptrace(PTRACE_ATTACH, child)", syscall(SYS_ptrace, PTRACE_ATTACH, child, 0, 0));
    report("ptrace(PTRACE_SEIZE, init)", syscall(SYS_ptrace, PTRACE_SEIZE, 1, 0, 0));
    report("ptrace(PTRACE_ATTACH, parent)", syscall(SYS_ptrace, PTRACE_ATTACH, getppid(), 0, 0));
    kill(child, SIGKILL);
    char src[16] = "secret", dst[16];
    struct iovec l = {dst, 16}, r = {src, 16};
    report("process_vm_readv(self)", syscall(SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 0));
    const char *paths[] = {"/proc/1/mem", NULL};
    char pp[64];
    snprintf(pp, sizeof pp, "/proc/%d/mem", getppid());
    paths[1] = pp;
    for (int i = 0; i < 2; i++) {
        if ((i == 0 && getpid() == 1) || (i == 1 && getppid() == getpid())) continue;
        int fd = open(paths[i], O_RDONLY);
        if (fd < 0) printf("open %s: %s\n", paths[i], en(errno));
        else { printf("open %s: ALLOWED\n", paths[i]); close(fd); }
    }
    printf("done\n");
    return 0;
}
