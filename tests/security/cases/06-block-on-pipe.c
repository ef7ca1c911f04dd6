// Row 6: block forever reading a pipe nobody writes (and that stdin cannot close):
// killed at the wall limit; status timeout.
// args: --wall 1.5 --time 5
// timeout: 30
// expect: status == timeout
// expect: signal == SIGKILL
// expect: stdout contains blocking
// expect: wall_ms >= 1400
// expect: wall_ms <= 4000
#include <stdio.h>
#include <unistd.h>
int main(void) {
    int p[2];
    char c;
    if (pipe(p)) return 1;
    printf("blocking\n");
    fflush(stdout);
    read(p[0], &c, 1);
    printf("read returned\n");
    return 0;
}
