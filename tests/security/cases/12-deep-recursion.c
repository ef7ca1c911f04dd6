// Row 12: unbounded recursion with 1 KB frames: the stack limit stops it (SIGSEGV,
// runtime error) or the memory limit does; the host is unaffected.
// args: --memory 64M --wall 10 --time 10
// timeout: 40
// expect: status in runtime_error,memory_limit
// expect: signal in SIGSEGV,SIGKILL,SIGBUS
// expect: stdout contains recursing
// expect: memory_peak_kb <= 73728
#include <stdio.h>
#include <string.h>
static long down(long n) {
    volatile char frame[1024];
    memset((char *)frame, (int)n, sizeof frame);
    return down(n + 1) + frame[n % 1024];
}
int main(void) {
    printf("recursing\n");
    fflush(stdout);
    return (int)down(0);
}
