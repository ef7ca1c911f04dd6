# too talkative: writes 64 MiB to stdout (output limit)
import sys
block = "0123456789abcde\n" * 4096
for _ in range(1024):
    sys.stdout.write(block)
