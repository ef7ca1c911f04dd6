// Row 3: children that outlive the main process are killed when the run ends, and
// their CPU time is counted in the result. Two children burn CPU while the main
// process sleeps 1.5 s and exits 0: the CPU in the result must be theirs.
// args: --wall 5 --time 10
// timeout: 30
// expect: status == ok
// expect: exit_code == 0
// expect: stdout contains main exits
// expect: cpu_ms >= 900
// expect: wall_ms <= 4500
#include <stdio.h>
#include <unistd.h>

int main(void) {
    for (int i = 0; i < 2; i++)
        if (fork() == 0) { volatile unsigned long x = 0; for (;;) x++; }
    usleep(1500000);
    printf("main exits\n");
    return 0;
}
