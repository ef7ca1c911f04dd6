// Row 13: the tmpfs cap (--disk 128M) is larger than the memory limit (32M): writing
// /tmp must be stopped by the memory cgroup (tmpfs pages are charged to the
// sandbox): OOM kill (memory_limit) or ENOMEM, never 48 MB written.
// args: --disk 128M --memory 32M --wall 10 --time 10
// timeout: 40
// expect: status in memory_limit,ok
// expect: stdout not contains wrote 48 MB
// expect: memory_peak_kb <= 40960
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static char chunk[1 << 20];
int main(void) {
    memset(chunk, 0xaa, sizeof chunk);
    for (int mb = 1; mb < 200; mb++) {
        char name[64];           /* 1 MB files: the file-size limit is not what stops this */
        snprintf(name, sizeof name, "/tmp/fill-%d", mb);
        int fd = open(name, O_WRONLY | O_CREAT, 0600);
        ssize_t n = fd < 0 ? -1 : write(fd, chunk, sizeof chunk);
        if (fd >= 0) close(fd);
        if (n < 0) { printf("write: %s after %d MB\n", strerror(errno), mb); fflush(stdout); break; }
        if (mb % 16 == 0) { printf("wrote %d MB\n", mb); fflush(stdout); }
    }
    return 0;
}
