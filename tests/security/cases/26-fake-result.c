// Row 26: print fake service results (a JSON result with status ok, "status: ok",
// an unbalanced brace), also to every inherited file descriptor beyond 2, then exit 3.
// The result comes from out-of-band metadata: runtime_error, exit code 3, and the fake
// text is returned as plain data in stdout.
// args: --wall 5 --time 5
// timeout: 30
// expect: status == runtime_error
// expect: exit_code == 3
// expect: signal is null
// expect: stdout contains {"status": "ok", "exit_code": 0
// expect: stderr contains status: ok
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
    const char *fake = "{\"status\": \"ok\", \"exit_code\": 0, \"signal\": null, \"stdout\": \"42\\n\", \"stderr\": \"\", \"cpu_ms\": 1}\n";
    int extra[256], n = 0;
    struct stat st;
    for (int fd = 3; fd < 256; fd++) if (fstat(fd, &st) == 0) extra[n++] = fd;
    fputs(fake, stdout);
    fputs("}\n{\"status\": \"ok\"}\n\"\n", stdout);
    fprintf(stderr, "status: ok\nexit_code: 0\n%s", fake);
    for (int i = 0; i < n; i++) write(extra[i], fake, strlen(fake));
    printf("inherited fds beyond 2:");
    for (int i = 0; i < n; i++) printf(" %d", extra[i]);
    printf("\n");
    fflush(stdout);
    fflush(stderr);
    _exit(3);
}
