# Row 24: infinite stderr: capped at the output limit (64K), the program is killed,
# status output_limit, long before the wall limit; the CLI's own memory stays bounded.
# args: --output 64K --wall 8 --time 8
# timeout: 30
# expect: status == output_limit
# expect: stderr_truncated == true
# expect: stderr_len <= 65536
# expect: stderr_len >= 60000
# expect: stderr contains xxxxxxxx
# expect: wall_ms <= 5000
# expect: host_maxrss_kb <= 131072
import sys
out = sys.stderr
line = "x" * 4095 + "\n"
while True:
    out.write(line)
