#!/bin/sh
# build/run.sh - the whole Stockade stack in the foreground (`make run`).
#
# Starts what build/stack.sh starts (memcached, syslog-ng, the keeper, stockade-fcgi,
# nginx), prints the URL, the development API key and a request to try, then follows
# the logs. Ctrl-C (or SIGTERM) stops the whole stack and exits 0. A stack already
# running in the same state directory is taken over and stopped at the end as well.
#
# Settings: those of build/stack.sh (PORT, STOCKADE_RUN_DIR, ...).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
run=${STOCKADE_RUN_DIR:-/tmp/stockade-dev}
port=${PORT:-8080}
stack=$here/build/stack.sh
follower=

stop() {
    trap - INT TERM
    [ -z "$follower" ] || kill "$follower" 2>/dev/null || true
    echo
    echo "run.sh: stopping the stack"
    "$stack" stop
    exit "${1:-0}"
}
trap 'stop 0' INT TERM

if ! "$stack" start; then
    echo "run.sh: the stack did not start; stopping what did" >&2
    stop 1
fi
key=$(cat "$run/dev-key")

cat <<EOF

Stockade is running on http://127.0.0.1:$port/

  development API key:  $key   (also in $run/dev-key)
  state and logs:       $run

Try it:

  curl -s -X POST "http://127.0.0.1:$port/pools/python/code/execute?api-version=2024-02-02-preview&identifier=demo" \\
    -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \\
    -d '{"properties":{"codeInputType":"inline","executionType":"synchronous","code":"6*7"}}'

Judge a submission (Judge0's API; from this machine no key is needed):

  curl -s -X POST "http://127.0.0.1:$port/submissions?wait=true" -H 'Content-Type: application/json' \
    -d '{"language_id":71,"source_code":"print(int(input())*2)","stdin":"21","expected_output":"42"}'

Audit records: $run/audit.jsonl. Ctrl-C stops everything.

EOF

# Follow the daemons' logs until a signal comes; `wait` returns early for a trapped one.
(cd "$run" && exec tail -n 0 -F pool.log fcgi.log syslog-ng.log nginx-error.log) &
follower=$!
while :; do
    wait "$follower" || true
    # tail ended on its own (it should not): keep the stack up until a signal anyway
    follower=
    sleep 3600 &
    follower=$!
done
