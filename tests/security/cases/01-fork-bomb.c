// Row 1: fork bomb. fork must fail with EAGAIN at the pids limit, the whole tree is
// killed at the wall limit, and the host process table is unaffected.
// args: --pids 16 --wall 2 --time 4
// timeout: 30
// expect: status in timeout,runtime_error
// expect: stdout contains fork failed: EAGAIN
// expect: wall_ms <= 5000
// host-max-cell-procs: 20
// host-procs-stable: 10
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    int n = 0;
    for (;;) {
        pid_t p = fork();
        if (p < 0) {
            printf("fork failed: %s after %d children\n", errno == EAGAIN ? "EAGAIN" : strerror(errno), n);
            fflush(stdout);
            break;
        }
        if (p == 0)
            for (;;) if (fork() < 0) usleep(10000);
        n++;
    }
    for (;;) if (fork() < 0) usleep(10000);
}
