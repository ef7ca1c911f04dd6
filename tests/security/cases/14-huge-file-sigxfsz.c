// Row 14: one huge file with --fsize 4M and the default SIGXFSZ disposition: the
// process is killed by SIGXFSZ at the file-size limit; runtime error.
// args: --fsize 4M --disk 64M --memory 128M --wall 10 --time 10
// timeout: 40
// expect: status == runtime_error
// expect: signal == SIGXFSZ
// expect: stdout contains writing
// expect: stdout not contains survived
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
static char chunk[1 << 20];
int main(void) {
    int fd = open("/mnt/data/huge", O_WRONLY | O_CREAT, 0600);
    printf("writing\n");
    fflush(stdout);
    for (int i = 0; i < 64; i++) write(fd, chunk, sizeof chunk);
    printf("survived\n");
    return 0;
}
