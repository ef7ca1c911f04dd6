// Row 31 / interface: a system call through the i386 ABI (int 0x80, getpid) must kill
// the process with SIGSYS; nothing after it may run.
// args: --wall 5 --time 5
// timeout: 30
// expect: status == runtime_error
// expect: signal == SIGSYS
// expect: stdout contains before
// expect: stdout not contains survived
#include <stdio.h>
#include <unistd.h>
int main(void) {
    printf("before\n");
    fflush(stdout);
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
    printf("survived: %ld\n", r);
    return 0;
}
