// Row 8: ignore SIGTERM (and every other catchable signal), in the main process and in
// a child: the supervisor must use SIGKILL. Ends at the wall limit.
// args: --wall 1.5 --time 5
// timeout: 30
// expect: status == timeout
// expect: signal == SIGKILL
// expect: stdout contains ignoring signals
// expect: wall_ms <= 5000
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void note(int s) { char b[32]; int n = snprintf(b, sizeof b, "caught %d, ignoring\n", s); write(1, b, n); }

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD) sigaction(s, &sa, NULL);
    if (fork() == 0) for (;;) pause();
    printf("ignoring signals\n");
    fflush(stdout);
    for (;;) pause();
}
