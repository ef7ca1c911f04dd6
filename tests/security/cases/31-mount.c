// Row 31: mount, umount2, pivot_root, chroot and the new mount API.
// Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
// process; nothing may be ALLOWED.
// args: --wall 5 --time 5
// timeout: 30
// expect: status in ok,runtime_error
// expect: stdout not contains ALLOWED
// expect: stdout contains done
// expect: stdout contains mount(tmpfs): EPERM
// expect: stdout contains mount(MS_REMOUNT /usr rw): EPERM
// expect: stdout contains umount2(/tmp, MNT_DETACH): EPERM
// expect: stdout contains pivot_root: EPERM
// expect: stdout contains chroot(/mnt/data): EPERM
// expect: stdout contains fsopen(tmpfs): EPERM
// expect: stdout contains fspick(/tmp): EPERM
// expect: stdout contains fsconfig: EPERM
// expect: stdout contains fsmount: EPERM
// expect: stdout contains open_tree(/usr, OPEN_TREE_CLONE): EPERM
// expect: stdout contains move_mount: EPERM
// expect: stdout contains mount_setattr(/usr): EPERM
// prelude: syscall
#include <sys/stat.h>

int main(void) {
    mkdir("/mnt/data/m", 0700);
    CALL("mount(tmpfs)", SYS_mount, "none", "/mnt/data/m", "tmpfs", 0, 0);
    CALL("mount(MS_REMOUNT /usr rw)", SYS_mount, "none", "/usr", 0, 32 | 4096, 0);
    CALL("umount2(/tmp, MNT_DETACH)", SYS_umount2, "/tmp", 2);
    CALL("pivot_root", SYS_pivot_root, "/mnt/data", "/mnt/data/m");
    CALL("chroot(/mnt/data)", SYS_chroot, "/mnt/data");
    CALL("fsopen(tmpfs)", 430, "tmpfs", 0);
    CALL("fspick(/tmp)", 433, -100, "/tmp", 0);
    CALL("fsconfig", 431, 0, 6, 0, 0, 0);
    CALL("fsmount", 432, 0, 0, 0);
    CALL("open_tree(/usr, OPEN_TREE_CLONE)", 428, -100, "/usr", 1);
    CALL("move_mount", 429, -100, "/tmp", -100, "/mnt/data/m", 0);
    char attr[32] = {0};
    CALL("mount_setattr(/usr)", 442, -100, "/usr", 0, attr, 32);
    printf("done\n");
    return 0;
}
