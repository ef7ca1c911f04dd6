# Row 12: unbounded recursion with the interpreter's guard removed: the C stack
# overflows (SIGSEGV, runtime error) or the memory limit stops it.
# args: --memory 64M --wall 10 --time 10
# timeout: 40
# expect: status in runtime_error,memory_limit
# expect: signal in SIGSEGV,SIGKILL,SIGBUS
# expect: stdout contains recursing
# expect: memory_peak_kb <= 73728
import sys
sys.setrecursionlimit(1 << 30)
print("recursing", flush=True)

def down(n):
    return down(n + 1) + 1

down(0)
