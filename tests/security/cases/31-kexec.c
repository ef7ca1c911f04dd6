// Row 31: kexec_load / kexec_file_load.
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains kexec_load: EPERM
// expect: stdout contains kexec_file_load: EPERM
// prelude: syscall

int main(void) {
    CALL("kexec_load", SYS_kexec_load, 0, 0, 0, 0);
    CALL("kexec_file_load", SYS_kexec_file_load, 0, 0, 1, "", 4);
    printf("done\n");
    return 0;
}
