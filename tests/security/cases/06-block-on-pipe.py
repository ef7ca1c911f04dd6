# Row 6: block forever reading a pipe nobody writes (and that stdin cannot close):
# killed at the wall limit; status timeout.
# args: --wall 1.5 --time 5
# timeout: 30
# expect: status == timeout
# expect: signal == SIGKILL
# expect: stdout contains blocking
# expect: wall_ms >= 1400
# expect: wall_ms <= 4000
import os
r, w = os.pipe()
print("blocking", flush=True)
os.read(r, 1)
print("read returned")
