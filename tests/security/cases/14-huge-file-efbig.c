// Row 14: one huge file with --fsize 4M, SIGXFSZ ignored: write fails with EFBIG at
// exactly the file-size limit.
// args: --fsize 4M --disk 64M --memory 128M --wall 10 --time 10
// timeout: 40
// expect: status == ok
// expect: stdout contains write: EFBIG
// expect: stdout contains size 4194304
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
static char chunk[1 << 20];
int main(void) {
    signal(SIGXFSZ, SIG_IGN);
    int fd = open("/mnt/data/huge", O_WRONLY | O_CREAT, 0600);
    for (;;)
        if (write(fd, chunk, sizeof chunk) < 0) {
            printf("write: %s\n", errno == EFBIG ? "EFBIG" : strerror(errno));
            break;
        }
    struct stat st;
    fstat(fd, &st);
    printf("size %ld\n", (long)st.st_size);
    return 0;
}
