# Row 22: write /dev/full (ENOSPC), then read /dev/urandom forever: bounded by the CPU
# limit (status timeout), nothing on the host.
# args: --time 1 --wall 6
# timeout: 30
# expect: status == timeout
# expect: stdout contains /dev/full: ENOSPC
# expect: stdout contains reading urandom
# expect: wall_ms <= 5000
import errno, os
try:
    with open("/dev/full", "wb", buffering=0) as f:
        f.write(b"x" * 4096)
    print("/dev/full: written?!")
except OSError as e:
    print("/dev/full: %s" % errno.errorcode[e.errno])
print("reading urandom", flush=True)
fd = os.open("/dev/urandom", os.O_RDONLY)
while True:
    os.read(fd, 1 << 20)
