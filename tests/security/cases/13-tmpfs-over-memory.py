# Row 13: the tmpfs cap (--disk 128M) is larger than the memory limit (32M): writing
# /dev/shm must be stopped by the memory cgroup (tmpfs pages are charged to the
# sandbox): OOM kill (memory_limit) or ENOMEM, never 48 MB written.
# args: --disk 128M --memory 32M --wall 10 --time 10
# timeout: 40
# expect: status in memory_limit,ok
# expect: stdout not contains wrote 48 MB
# expect: memory_peak_kb <= 40960
import errno, os
chunk = b"\xaa" * (1 << 20)
for mb in range(1, 200):
    try:                         # 1 MB files: the file-size limit is not what stops this
        fd = os.open("/dev/shm/fill-%d" % mb, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, chunk)
        os.close(fd)
    except OSError as e:
        print("write: %s after %d MB" % (errno.errorcode[e.errno], mb), flush=True)
        break
    if mb % 16 == 0:
        print("wrote %d MB" % mb, flush=True)
