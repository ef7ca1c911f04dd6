// Row 9: signal the supervisor and other sandboxes. stdin carries the host pid of a
// canary process and of the test runner (the CLI's parent): neither may be reachable
// (ESRCH/EPERM), the canary must survive (checked on the host), kill(ppid) and
// kill(-1) only affect the sandbox, and the CLI still reports a result.
// stdin: canary
// args: --wall 5 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout matches ^kill\(canary [0-9]+, SIGKILL\): (ESRCH|EPERM)$
// expect: stdout matches ^kill\(runner [0-9]+, SIGKILL\): (ESRCH|EPERM)$
// expect: stdout not contains LEAK
// expect: stdout contains survived
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *en(int e) { return e == ESRCH ? "ESRCH" : e == EPERM ? "EPERM" : strerror(e); }

static void tryk(const char *label, int pid, int sig) {
    int r = kill(pid, sig);
    printf("kill(%s %d, %s): %s\n", label, pid, sig ? "SIGKILL" : "0", r == 0 ? "sent" : en(errno));
    fflush(stdout);
}

int main(void) {
    int canary = 0, runner = 0, n = 0;
    if (scanf("%d %d", &canary, &runner) != 2) { printf("no pids on stdin\n"); return 2; }
    tryk("canary", canary, SIGKILL);
    tryk("runner", runner, SIGKILL);
    printf("pids answering kill(pid, 0):");
    for (int p = 1; p < 131072; p++)
        if (p != getpid() && (kill(p, 0) == 0 || errno == EPERM)) { printf(" %d", p); n++; }
    printf("\n");
    if (n > 4) printf("LEAK: %d processes are visible\n", n);
    tryk("ppid", getppid(), SIGKILL);
    tryk("init", 1, SIGKILL);
    tryk("all", -1, SIGKILL);
    printf("survived\n");
    return 0;
}
