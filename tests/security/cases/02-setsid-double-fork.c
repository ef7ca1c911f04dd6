// Row 2: fork, setsid, double fork, ignore the usual signals, keep the output pipes
// open; the main process exits at once. Nothing may survive the request (checked on
// the host by the runner: no process with a cell uid, no cgroup, no mount).
// args: --wall 3 --time 3
// timeout: 30
// expect: status in ok,timeout
// expect: stdout contains main exits
// expect: wall_ms <= 6000
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int sigs[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGPIPE};
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_IGN);
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            if (fork() == 0) setpgid(0, 0);
            for (;;) usleep(50000);
        }
        _exit(0);
    }
    wait(NULL);
    printf("main exits\n");
    return 0;
}
