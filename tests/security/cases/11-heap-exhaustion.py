# Row 11: heap exhaustion under a 64 MB limit: allocation fails or the OOM killer
# acts inside the sandbox's cgroup; status memory_limit; peak near the limit.
# args: --memory 64M --wall 10 --time 10
# timeout: 40
# expect: status == memory_limit
# expect: stdout contains allocating
# expect: memory_peak_kb >= 50000
# expect: memory_peak_kb <= 73728
# expect: wall_ms <= 8000
import sys
print("allocating", flush=True)
hoard = []
try:
    while True:
        hoard.append(bytearray(b"\x01") * (1 << 20))   # touched, not just reserved
except MemoryError:
    print("MemoryError after %d MB" % len(hoard), flush=True)
    sys.exit(1)
