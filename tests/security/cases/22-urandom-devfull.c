// Row 22: write /dev/full (ENOSPC), then read /dev/urandom forever: bounded by the CPU
// limit (status timeout), nothing on the host.
// args: --time 1 --wall 6
// timeout: 30
// expect: status == timeout
// expect: stdout contains /dev/full: ENOSPC
// expect: stdout contains reading urandom
// expect: wall_ms <= 5000
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static char buf[1 << 20];
int main(void) {
    int fd = open("/dev/full", O_WRONLY);
    if (fd < 0) printf("/dev/full: open %s\n", strerror(errno));
    else if (write(fd, "xxxx", 4) < 0) printf("/dev/full: %s\n", errno == ENOSPC ? "ENOSPC" : strerror(errno));
    else printf("/dev/full: written?!\n");
    printf("reading urandom\n");
    fflush(stdout);
    fd = open("/dev/urandom", O_RDONLY);
    for (;;) if (read(fd, buf, sizeof buf) < 0) { printf("read: %s\n", strerror(errno)); return 1; }
}
