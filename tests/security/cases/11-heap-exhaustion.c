// Row 11: heap exhaustion under a 64 MB limit: allocation fails or the OOM killer
// acts inside the sandbox's cgroup; status memory_limit; peak near the limit.
// args: --memory 64M --wall 10 --time 10
// timeout: 40
// expect: status == memory_limit
// expect: stdout contains allocating
// expect: memory_peak_kb >= 50000
// expect: memory_peak_kb <= 73728
// expect: wall_ms <= 8000
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    printf("allocating\n");
    fflush(stdout);
    for (int mb = 0;; mb++) {
        char *p = malloc(1 << 20);
        if (!p) { printf("malloc failed after %d MB\n", mb); return 1; }
        memset(p, 1, 1 << 20);
    }
}
