// Row 12: a huge static array (512 MB of .bss) touched page by page under a 64 MB
// limit: memory limit (or runtime error), never the host's memory.
// args: --memory 64M --wall 10 --time 10
// timeout: 40
// expect: status in memory_limit,runtime_error
// expect: stdout contains touching
// expect: stdout not contains touched all
// expect: memory_peak_kb <= 73728
#include <stdio.h>
static char big[512u << 20];
int main(void) {
    printf("touching\n");
    fflush(stdout);
    for (unsigned long i = 0; i < sizeof big; i += 4096) big[i] = 1;
    printf("touched all\n");
    return big[12345];
}
