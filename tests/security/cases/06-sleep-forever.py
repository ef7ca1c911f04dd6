# Row 6: sleep forever: killed at the wall limit; status timeout, SIGKILL; no CPU used.
# args: --wall 1.5 --time 5
# timeout: 30
# expect: status == timeout
# expect: signal == SIGKILL
# expect: stdout contains sleeping
# expect: wall_ms >= 1400
# expect: wall_ms <= 4000
# expect: cpu_ms <= 800
import time
print("sleeping", flush=True)
time.sleep(100000)
