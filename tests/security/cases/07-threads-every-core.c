// Row 7: many threads burning every core. CPU is summed across threads: 8 threads
// reach the 1.5 s limit quickly; status timeout at the limit, long before the wall
// limit (10 s).
// args: --time 1.5 --wall 10
// timeout: 40
// expect: status == timeout
// expect: signal == SIGKILL
// expect: stdout contains threads started
// expect: cpu_ms >= 1350
// expect: cpu_ms <= 4000
// expect: wall_ms <= 6000
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *burn(void *a) { (void)a; for (volatile unsigned long x = 0;; x++) {} return NULL; }

int main(void) {
    pthread_t t;
    for (int i = 0; i < 8; i++) pthread_create(&t, NULL, burn, NULL);
    printf("threads started\n");
    fflush(stdout);
    for (;;) pause();
}
