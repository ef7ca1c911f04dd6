// Row 13: fill /tmp to dodge RSS accounting. It is a size-capped tmpfs (--disk 40M):
// writing stops with ENOSPC near the cap, and the pages are charged to the sandbox
// (the cgroup peak includes them; the program itself uses ~1 MB). Wiped afterwards:
// it lives in the cell's mount namespace, and the runner checks no mount remains.
// args: --disk 40M --memory 128M --wall 10 --time 10
// timeout: 40
// expect: status == ok
// expect: stdout contains ENOSPC
// expect: stdout matches ^wrote ([3][0-9]|40) MB
// expect: memory_peak_kb >= 36000
// expect: memory_peak_kb <= 131072
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>
static char chunk[1 << 20];
int main(void) {
    memset(chunk, 0xaa, sizeof chunk);
    long total = 0;
    char name[64];
    for (;;) {                  /* 1 MB files: the file-size limit (16M) is not what stops this */
        snprintf(name, sizeof name, "/tmp/fill-%ld", total >> 20);
        int fd = open(name, O_WRONLY | O_CREAT, 0600);
        if (fd < 0) { printf("open: %s\n", errno == ENOSPC ? "ENOSPC" : strerror(errno)); break; }
        ssize_t n = write(fd, chunk, sizeof chunk);
        close(fd);
        if (n < 0) { printf("write: %s\n", errno == ENOSPC ? "ENOSPC" : strerror(errno)); break; }
        total += n;
        if (n < (ssize_t)sizeof chunk) { printf("short write\n"); }
    }
    printf("wrote %ld MB\n", total >> 20);
    struct statvfs st;
    statvfs("/tmp", &st);
    printf("statvfs: %lu KB total, %lu inodes\n", st.f_blocks * st.f_frsize / 1024, st.f_files);
    return 0;
}
