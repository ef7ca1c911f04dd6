// Row 31: bpf(BPF_MAP_CREATE) and bpf(BPF_PROG_LOAD).
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains bpf(BPF_MAP_CREATE): EPERM
// expect: stdout contains bpf(BPF_PROG_LOAD): EPERM
// prelude: syscall

int main(void) {
    uint32_t attr[32] = {2, 4, 4, 1};
    CALL("bpf(BPF_MAP_CREATE)", SYS_bpf, 0, attr, 128);
    uint64_t insns[2] = {0xb7, 0x95};
    union { uint32_t w[32]; uint64_t q[16]; } prog = {{0}};
    prog.w[0] = 1; prog.w[1] = 2;
    prog.q[1] = (uintptr_t)insns; prog.q[2] = (uintptr_t)"GPL";
    CALL("bpf(BPF_PROG_LOAD)", SYS_bpf, 5, &prog, 128);
    printf("done\n");
    return 0;
}
