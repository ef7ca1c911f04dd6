# Row 14: one huge file in /mnt/data with --fsize 4M (disk 64M): EFBIG at exactly the
# file-size limit (Python ignores SIGXFSZ, so the write fails instead of killing).
# args: --fsize 4M --disk 64M --memory 128M --wall 10 --time 10
# timeout: 40
# expect: status == ok
# expect: stdout contains write: EFBIG
# expect: stdout contains size 4194304
import errno, os
fd = os.open("/mnt/data/huge", os.O_WRONLY | os.O_CREAT, 0o600)
chunk = b"z" * (1 << 20)
try:
    while True:
        os.write(fd, chunk)
except OSError as e:
    print("write: %s" % errno.errorcode[e.errno])
print("size %d" % os.fstat(fd).st_size)
