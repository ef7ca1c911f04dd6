// Row 31: reboot (the harmless CAD_OFF command).
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains reboot(LINUX_REBOOT_CMD_CAD_OFF): EPERM
// prelude: syscall

int main(void) {
    CALL("reboot(LINUX_REBOOT_CMD_CAD_OFF)", SYS_reboot, 0xfee1dead, 672274793, 0, 0);
    printf("done\n");
    return 0;
}
