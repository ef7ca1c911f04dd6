# Row 5: CPU-bound infinite loop: killed at the CPU limit (1 s), long before the
# wall limit (8 s); status timeout, SIGKILL.
# args: --time 1 --wall 8
# timeout: 30
# expect: status == timeout
# expect: signal == SIGKILL
# expect: stdout contains looping
# expect: cpu_ms >= 900
# expect: cpu_ms <= 2500
# expect: wall_ms <= 4000
print("looping", flush=True)
while True:
    pass
