// Row 31: perf_event_open on itself (allowed by the kernel's paranoid level, so only seccomp stops it).
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains perf_event_open(self, cpu-clock): EPERM
// expect: stdout contains perf_event_open(all, cpu 0): EPERM
// prelude: syscall

int main(void) {
    union { uint32_t w[32]; uint64_t q[16]; } attr = {{0}};
    attr.w[0] = 1; attr.w[1] = 128; attr.q[5] = (1 << 5) | (1 << 6);
    CALL("perf_event_open(self, cpu-clock)", SYS_perf_event_open, &attr, 0, -1, -1, 0);
    CALL("perf_event_open(all, cpu 0)", SYS_perf_event_open, &attr, -1, 0, -1, 0);
    printf("done\n");
    return 0;
}
