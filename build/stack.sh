#!/bin/sh
# build/stack.sh start|stop|status - the local Stockade stack in the background.
#
# Starts memcached (loopback only) and the keeper (stockade-pool), with every piece of
# state (pid files, logs, the keeper's socket) in $STOCKADE_RUN_DIR (default
# /tmp/stockade-dev). `start` returns once the keeper answers and every runtime has
# its warm cells; `stop` ends the keeper (which ends every cell) and memcached.
#
# Settings (environment):
#   STOCKADE_RUN_DIR         state directory (/tmp/stockade-dev)
#   STOCKADE_CONF            the keeper's config (conf/stockade.xml)
#   STOCKADE_MEMCACHED_PORT  memcached's port on 127.0.0.1 (21211: not the system's)
#   STOCKADE_READY_TIMEOUT   seconds `start` waits for the warm cells (180)
#   STOCKADE_BIN_DIR         where stockade and stockade-pool are (build/bin)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
run=${STOCKADE_RUN_DIR:-/tmp/stockade-dev}
conf=${STOCKADE_CONF:-$here/conf/stockade.xml}
port=${STOCKADE_MEMCACHED_PORT:-21211}
bin=${STOCKADE_BIN_DIR:-$here/build/bin}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() { # pidfile seconds
    [ -f "$1" ] || return 0
    pid=$(cat "$1")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
            sleep 0.1; i=$((i + 1))
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$1"
}

start_memcached() {
    alive "$run/memcached.pid" && return 0
    user=nobody
    id memcache >/dev/null 2>&1 && user=memcache
    # in the foreground of its own session: its pid is known without a pid file (which
    # it would write after dropping to $user, who cannot write $run)
    setsid memcached -l 127.0.0.1 -p "$port" -U 0 -m 64 -c 1024 -u "$user" \
        >>"$run/memcached.log" 2>&1 </dev/null &
    echo $! >"$run/memcached.pid"
    i=0
    until python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 50 ] || ! alive "$run/memcached.pid"; then
            echo "stack.sh: memcached did not start on 127.0.0.1:$port; see $run/memcached.log" >&2
            exit 1
        fi
        sleep 0.1
    done
}

# Waits until the keeper answers and every runtime has its `ready` warm cells.
wait_ready() {
    limit=${STOCKADE_READY_TIMEOUT:-180}
    i=0
    while :; do
        if out=$("$bin/stockade" pool --socket "$run/pool.sock" 2>/dev/null) &&
           echo "$out" | python3 -c '
import json, sys
p = json.load(sys.stdin)["pool"]["runtimes"]
sys.exit(0 if all(r["warm"] >= r["ready"] for r in p.values()) else 1)'; then
            return 0
        fi
        alive "$run/pool.pid" || { echo "stack.sh: the keeper died; see $run/pool.log" >&2; tail -5 "$run/pool.log" >&2; exit 1; }
        i=$((i + 1))
        [ $i -gt $((limit * 5)) ] && { echo "stack.sh: the pool did not fill within ${limit}s" >&2; exit 1; }
        sleep 0.2
    done
}

start_keeper() {
    if ! alive "$run/pool.pid"; then
        # its own session: Ctrl-C in the caller's terminal is not the keeper's
        setsid "$bin/stockade-pool" --config "$conf" --socket "$run/pool.sock" \
            --memcached "127.0.0.1:$port" >>"$run/pool.log" 2>&1 </dev/null &
        echo $! >"$run/pool.pid"
    fi
    wait_ready
}

case "${1:-}" in
start)
    [ -x "$bin/stockade-pool" ] || { echo "stack.sh: build first (make)" >&2; exit 1; }
    mkdir -p "$run"
    start_memcached
    start_keeper
    echo "stack.sh: memcached on 127.0.0.1:$port, keeper on $run/pool.sock"
    ;;
stop)
    stop_pid "$run/pool.pid" 20
    stop_pid "$run/memcached.pid" 5
    rm -f "$run/pool.sock"
    ;;
status)
    for p in memcached pool; do
        if alive "$run/$p.pid"; then echo "$p: running ($(cat "$run/$p.pid"))"; else echo "$p: stopped"; fi
    done
    ;;
*)
    echo "usage: build/stack.sh start|stop|status" >&2
    exit 2
    ;;
esac
