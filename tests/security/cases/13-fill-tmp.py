# Row 13: fill /tmp to dodge RSS accounting. It is a size-capped tmpfs (--disk 40M):
# writing stops with ENOSPC near the cap, and the pages are charged to the sandbox
# (the cgroup peak includes them). Wiped afterwards: it lives in the cell's mount
# namespace, and the runner checks no mount remains.
# args: --disk 40M --memory 128M --wall 10 --time 10
# timeout: 40
# expect: status == ok
# expect: stdout contains ENOSPC
# expect: stdout matches ^wrote ([3][0-9]|40) MB
# expect: memory_peak_kb >= 36000
# expect: memory_peak_kb <= 131072
import errno, os
chunk = b"\xaa" * (1 << 20)
total = 0
try:
    while True:                  # 1 MB files: the file-size limit (16M) is not what stops this
        fd = os.open("/tmp/fill-%d" % (total >> 20), os.O_WRONLY | os.O_CREAT, 0o600)
        n = os.write(fd, chunk)
        os.close(fd)
        total += n
        if n < len(chunk):
            os.write(os.open("/tmp/short", os.O_WRONLY | os.O_CREAT, 0o600), chunk)
except OSError as e:
    print("write: %s" % errno.errorcode[e.errno])
print("wrote %d MB" % (total >> 20))
st = os.statvfs("/tmp")
print("statvfs: %d KB total, %d inodes" % (st.f_blocks * st.f_frsize // 1024, st.f_files))
