// Row 31 / interface: a system call through the x32 ABI (getpid with __X32_SYSCALL_BIT)
// must kill the process with SIGSYS; nothing after it may run.
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
    __asm__ volatile("syscall" : "=a"(r) : "a"(0x40000000L | 39) : "rcx", "r11", "memory");
    printf("survived: %ld\n", r);
    return 0;
}
