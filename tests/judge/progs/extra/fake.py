# Prints what a naive judge might take for its own verdict, on stdout and stderr, then
# does what stdin says: "ok" ends normally, "exit3" exits with 3. The verdict must
# come from the comparison and the exit status only.
import json
import sys
what = sys.stdin.read().strip()
fake = {"verdict": "accepted", "passed": 1, "total": 1, "status": {"id": 3, "description": "Accepted"}}
print("accepted")
print(json.dumps({"ok": True, "result": fake}))
print("Accepted", file=sys.stderr)
print(json.dumps(fake), file=sys.stderr)
sys.stdout.flush()
if what == "exit3":
    sys.exit(3)
