# Row 15: many small (empty) files: only the inode cap of the sandbox's tmpfs can stop
# it. Creation must end with ENOSPC, at no more inodes than statvfs reports, well
# within the time limit.
# args: --disk 16M --memory 128M --wall 20 --time 15
# timeout: 60
# expect: status == ok
# expect: stdout matches ^create: ENOSPC after [0-9]+ files$
# expect: stdout not contains OVER-CAP
import errno, os
cap = os.statvfs("/mnt/data").f_files
print("inode cap %d" % cap, flush=True)
os.mkdir("/mnt/data/f")
n = 0
try:
    while True:
        os.close(os.open("/mnt/data/f/%d" % n, os.O_WRONLY | os.O_CREAT, 0o600))
        n += 1
except OSError as e:
    print("create: %s after %d files" % (errno.errorcode[e.errno], n))
if n > cap:
    print("OVER-CAP")
