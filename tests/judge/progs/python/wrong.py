# wrong answer: prints the sum plus one
import sys
a, b = map(int, sys.stdin.read().split())
print(a + b + 1)
