# crashing by a non-zero exit (runtime error, exit code 3)
import sys
print("bye")
sys.exit(3)
