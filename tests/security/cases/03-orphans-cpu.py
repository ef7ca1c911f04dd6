# Row 3: children that outlive the main process are killed when the run ends, and
# their CPU time is counted in the result. Two children burn CPU while the main
# process sleeps 1.5 s and exits 0: the CPU in the result must be theirs.
# args: --wall 5 --time 10
# timeout: 30
# expect: status == ok
# expect: exit_code == 0
# expect: stdout contains main exits
# expect: cpu_ms >= 900
# expect: wall_ms <= 4500
import os, time

for _ in range(2):
    if os.fork() == 0:
        while True:
            pass
time.sleep(1.5)
print("main exits", flush=True)
