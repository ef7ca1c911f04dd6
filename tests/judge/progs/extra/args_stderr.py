# Prints its command-line arguments joined by "|" on stdout, then the sum of the two
# integers of stdin on stderr: its output matches "ARGS\nSUM\n" only when stderr joins
# stdout (--redirect-stderr) and the arguments arrive whole (--arg).
import sys
a, b = map(int, sys.stdin.read().split())
print("|".join(sys.argv[1:]), flush=True)
print(a + b, file=sys.stderr, flush=True)
