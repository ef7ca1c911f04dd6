# Row 7: many threads burning every core (hashing releases the GIL, so these threads
# really run in parallel). CPU is summed across threads: 8 threads reach the 1.5 s
# limit quickly; status timeout at the limit, long before the wall limit (10 s).
# args: --time 1.5 --wall 10
# timeout: 40
# expect: status == timeout
# expect: signal == SIGKILL
# expect: stdout contains threads started
# expect: cpu_ms >= 1350
# expect: cpu_ms <= 4000
# expect: wall_ms <= 6000
import hashlib, threading

data = b"x" * (1 << 20)

def burn():
    while True:
        hashlib.sha256(data).digest()

for _ in range(8):
    threading.Thread(target=burn, daemon=True).start()
print("threads started", flush=True)
threading.Event().wait()
