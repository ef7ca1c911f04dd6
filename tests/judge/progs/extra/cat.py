# Echoes stdin to stdout byte for byte: the test's .in is the program's output, so a
# comparison mode can be tried on any pair of outputs.
import sys
sys.stdout.buffer.write(sys.stdin.buffer.read())
