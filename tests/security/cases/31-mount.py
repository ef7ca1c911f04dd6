# Row 31: mount, umount2, pivot_root, chroot and the new mount API.
# Each must be refused by the seccomp filter (EPERM, clone3 ENOSYS) or kill the
# process; nothing may be ALLOWED.
# args: --wall 5 --time 5
# timeout: 30
# expect: status in ok,runtime_error
# expect: stdout not contains ALLOWED
# expect: stdout contains done
# expect: stdout contains mount(tmpfs): EPERM
# expect: stdout contains mount(MS_REMOUNT /usr rw): EPERM
# expect: stdout contains umount2(/tmp, MNT_DETACH): EPERM
# expect: stdout contains pivot_root: EPERM
# expect: stdout contains chroot(/mnt/data): EPERM
# expect: stdout contains fsopen(tmpfs): EPERM
# expect: stdout contains fspick(/tmp): EPERM
# expect: stdout contains fsconfig: EPERM
# expect: stdout contains fsmount: EPERM
# expect: stdout contains open_tree(/usr, OPEN_TREE_CLONE): EPERM
# expect: stdout contains move_mount: EPERM
# expect: stdout contains mount_setattr(/usr): EPERM
# prelude: syscall

os.mkdir("/mnt/data/m")
call("mount(tmpfs)", 165, "none", "/mnt/data/m", "tmpfs", 0, 0)
call("mount(MS_REMOUNT /usr rw)", 165, "none", "/usr", 0, 32 | 4096, 0)
call("umount2(/tmp, MNT_DETACH)", 166, "/tmp", 2)
call("pivot_root", 155, "/mnt/data", "/mnt/data/m")
call("chroot(/mnt/data)", 161, "/mnt/data")
call("fsopen(tmpfs)", 430, "tmpfs", 0)
call("fspick(/tmp)", 433, -100, "/tmp", 0)
call("fsconfig", 431, 0, 6, 0, 0, 0)
call("fsmount", 432, 0, 0, 0)
call("open_tree(/usr, OPEN_TREE_CLONE)", 428, -100, "/usr", 1)
call("move_mount", 429, -100, "/tmp", -100, "/mnt/data/m", 0)
attr = ctypes.create_string_buffer(32)
call("mount_setattr(/usr)", 442, -100, "/usr", 0, attr, 32)
print("done")
