// Row 15: many small (empty) files: only the inode cap of the sandbox's tmpfs can stop
// it. Creation must end with ENOSPC, at no more inodes than statvfs reports, well
// within the time limit.
// args: --disk 16M --memory 128M --wall 20 --time 15
// timeout: 60
// expect: status == ok
// expect: stdout matches ^create: ENOSPC after [0-9]+ files$
// expect: stdout not contains OVER-CAP
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
int main(void) {
    struct statvfs st;
    statvfs("/mnt/data", &st);
    printf("inode cap %lu\n", st.f_files);
    fflush(stdout);
    mkdir("/mnt/data/f", 0700);
    unsigned long n = 0;
    char p[64];
    for (;; n++) {
        snprintf(p, sizeof p, "/mnt/data/f/%lu", n);
        int fd = open(p, O_WRONLY | O_CREAT, 0600);
        if (fd < 0) { printf("create: %s after %lu files\n", errno == ENOSPC ? "ENOSPC" : strerror(errno), n); break; }
        close(fd);
    }
    if (n > st.f_files) printf("OVER-CAP\n");
    return 0;
}
