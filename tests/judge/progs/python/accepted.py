# accepted: reads two integers, prints their sum
import sys
a, b = map(int, sys.stdin.read().split())
print(a + b)
