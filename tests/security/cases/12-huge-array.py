# Row 12: a huge array (512 MB) built in one go under a 64 MB limit: memory limit
# (MemoryError or the OOM killer), never the host's memory.
# args: --memory 64M --wall 10 --time 10
# timeout: 40
# expect: status in memory_limit,runtime_error
# expect: stdout contains building
# expect: stdout not contains built
# expect: memory_peak_kb <= 73728
print("building", flush=True)
a = [1] * (64 << 20)          # 512 MB of pointers, all written
print("built", len(a))
