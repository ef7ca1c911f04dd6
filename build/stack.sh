#!/bin/sh
# build/stack.sh start|stop|status|stop-one NAME - the local Stockade stack in the background.
#
# Five components, started in this order and stopped in the reverse one:
#   memcached  the session directory, on 127.0.0.1:$STOCKADE_MEMCACHED_PORT only
#   syslog-ng  follows the audit spool ($RUN/audit) into $RUN/audit.jsonl
#   pool       the keeper (stockade-pool, root), on $RUN/pool.sock (group stockade, 0660)
#   fcgi       stockade-fcgi on $RUN/fcgi.sock; it drops to the user stockade itself
#              (skipped, with a message, while it is not built)
#   nginx      on 127.0.0.1:$PORT, serving www/ and passing the API paths to fcgi
# Each runs in the foreground of a session of its own (setsid, so a Ctrl-C in the
# caller's terminal is not theirs); its pid is $RUN/NAME.pid (syslog-ng:
# syslog-ng.pid-of-ours, beside the pid file syslog-ng writes itself) and its log
# $RUN/NAME.log (nginx: nginx-error.log and nginx-access.log).
#
# `start` starts what is not running and leaves alone what is, so after one component
# died it brings back that one. It returns once the keeper has its warm cells and
# http://127.0.0.1:$PORT/healthz answers 200. `stop` ends every component and waits for
# each; `stop-one NAME` ends one (for tests). `status` prints one line per component.
#
# Every start renders, from the sources in the tree:
#   $RUN/stockade.xml     $STOCKADE_CONF with this stack's sockets, memcached, audit
#                         spool, a tenant "dev" whose key is $RUN/dev-key and which
#                         also serves keyless requests from 127.0.0.0/8, and a <judge>
#   $RUN/syslog-ng.conf   conf/syslog-ng/stockade.conf
#   $RUN/nginx.conf       a top-level nginx config including $RUN/nginx-stockade.conf,
#                         which is conf/nginx/stockade.conf
# The development key ($RUN/dev-key, 0600) is made once and kept across restarts.
#
# Settings (environment):
#   PORT                     nginx's port on 127.0.0.1 (8080)
#   STOCKADE_RUN_DIR         state directory (/tmp/stockade-dev)
#   STOCKADE_CONF            the config to start from (conf/stockade.xml)
#   STOCKADE_MEMCACHED_PORT  memcached's port on 127.0.0.1 (21211: not the system's)
#   STOCKADE_READY_TIMEOUT   seconds `start` waits for the warm cells (180)
#   STOCKADE_HTTP_TIMEOUT    seconds `start` waits for /healthz to answer 200 (30)
#   STOCKADE_SEAL            1: also seal the audit records (secure logging) in $RUN/seal
#   STOCKADE_DEV_RATE        the dev tenant's executions per minute (1000000)
#   STOCKADE_DEV_ANONYMOUS   the networks whose keyless requests are the dev tenant's
#                            (127.0.0.0/8; "none": every request needs the key)
#   STOCKADE_JUDGE_SPARE     judge/@spare, the keeper's empty judge cells (the conf's)
#   STOCKADE_BIN_DIR         where stockade, stockade-pool, stockade-fcgi are (build/bin)
# Needs root (the keeper, and the user stockade, made on first use).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
run=${STOCKADE_RUN_DIR:-/tmp/stockade-dev}
src_conf=${STOCKADE_CONF:-$here/conf/stockade.xml}
conf=$run/stockade.xml
port=${STOCKADE_MEMCACHED_PORT:-21211}
http_port=${PORT:-8080}
bin=${STOCKADE_BIN_DIR:-$here/build/bin}
user=stockade

# nginx's workers run as www-data where it exists; they reach fcgi.sock through its group
ngx_user=www-data
id "$ngx_user" >/dev/null 2>&1 || ngx_user=nobody
ngx_group=$(id -gn "$ngx_user")

components="memcached syslog-ng pool fcgi nginx"

say() { echo "stack.sh: $*"; }
die() { echo "stack.sh: $*" >&2; exit 1; }

pidfile() {
    case $1 in
    syslog-ng) echo "$run/syslog-ng.pid-of-ours" ;;
    *) echo "$run/$1.pid" ;;
    esac
}

# running PID: whether the process runs. A zombie does not: a killed component waits to
# be reaped by init, which may take a moment, and `start` must replace it at once.
running() {
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "${state%% *}" != Z ]
}

# group_running PGID: whether a process of the group runs (zombies aside).
group_running() {
    ps -e -o pgid= -o stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

# alive PIDFILE: whether the process it names runs.
alive() { [ -f "$1" ] && running "$(cat "$1")"; }

# stop_pid PIDFILE SECONDS: SIGTERM, and waits up to SECONDS for the process to end and
# 2 more for the rest of its group (workers; it was started with setsid, so its pid is
# its group's); then SIGKILL to whatever of the group is left, and waits for that.
stop_pid() {
    [ -f "$1" ] || return 0
    pid=$(cat "$1")
    if running "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        i=0
        while running "$pid" && [ $i -lt $(($2 * 10)) ]; do
            sleep 0.1; i=$((i + 1))
        done
        i=0
        while group_running "$pid" && [ $i -lt 20 ]; do
            sleep 0.1; i=$((i + 1))
        done
        if group_running "$pid"; then
            kill -KILL -"$pid" 2>/dev/null || true
            i=0
            while group_running "$pid" && [ $i -lt 50 ]; do
                sleep 0.1; i=$((i + 1))
            done
        fi
    fi
    rm -f "$1"
}

# port_open PORT: whether something accepts connections on 127.0.0.1:PORT
port_open() {
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" 2>/dev/null
}

# render TEMPLATE OUTPUT NAME=VALUE...: writes TEMPLATE to OUTPUT with each @NAME@
# replaced by VALUE. A placeholder left without a value is an error, so a template
# that grows one fails here, by name, rather than in the daemon reading it.
render() {
    python3 - "$@" <<'EOF'
import os, re, sys
src, dst = sys.argv[1:3]
with open(src) as f:
    text = f.read()
for pair in sys.argv[3:]:
    name, value = pair.split("=", 1)
    text = text.replace("@%s@" % name, value)
left = sorted(set(re.findall(r"@[A-Z][A-Z0-9_]*@", text)))
if left:
    sys.exit("stack.sh: %s: no value for %s" % (src, ", ".join(left)))
with open(dst + ".new", "w") as f:
    f.write(text)
os.replace(dst + ".new", dst)
EOF
}

# The user stockade-fcgi runs as, and the group that may reach the keeper's socket.
ensure_user() {
    id "$user" >/dev/null 2>&1 && return 0
    [ "$(id -u)" = 0 ] || die "the user $user does not exist and only root can add it"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$user" || die "useradd $user failed"
}

# $RUN/dev-key: made once, kept across restarts; no newline, so it can be read whole.
ensure_dev_key() {
    [ -s "$run/dev-key" ] && return 0
    key=sk-dev-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077; printf '%s' "$key" >"$run/dev-key.new")
    mv "$run/dev-key.new" "$run/dev-key"
}

# $RUN/stockade.xml: $STOCKADE_CONF with this stack's sockets, memcached and spool, the
# tenant "dev" unless the source has one, anonymous access to the dev tenant from
# loopback (the development stack's), and a <judge> (empty, so every default, when the
# source has none; STOCKADE_JUDGE_SPARE sets its spare). Other attributes and comments
# are kept.
render_conf() {
    [ -f "$src_conf" ] || die "$src_conf: no such file (STOCKADE_CONF)"
    python3 - "$src_conf" "$conf" "$run" "127.0.0.1:$port" "$run/dev-key" "$user" \
        "$ngx_group" <<'EOF' || die "cannot render $conf from $src_conf"
import hashlib, os, sys
import xml.etree.ElementTree as ET

src, dst, run, servers, key_file, user, ngx_group = sys.argv[1:]
tree = ET.parse(src, ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
root = tree.getroot()


def child(parent, tag):
    e = parent.find(tag)
    return e if e is not None else ET.SubElement(parent, tag)


def put(e, **attrs):
    for k, v in attrs.items():
        e.set(k.replace("_", "-"), v)


root.insert(0, ET.Comment(" Rendered by build/stack.sh from %s; edit that file. " % src))
keeper = child(root, "keeper")
put(keeper, socket=run + "/pool.sock", group=user, mode="0660")
put(child(keeper, "memcached"), servers=servers)
put(child(root, "fcgi"), socket=run + "/fcgi.sock", owner=user, group=ngx_group,
    mode="0660", user=user)
put(child(root, "audit"), spool=run + "/audit")
if not any(t.get("name") == "dev" for t in root.findall("tenant")):
    with open(key_file, "rb") as f:
        digest = hashlib.sha256(f.read().strip()).hexdigest()
    # generous: the dev tenant is for trying things and for benchmarks
    tenant = ET.SubElement(root, "tenant", {
        "name": "dev", "max-sessions": "1000",
        "executions-per-minute": os.environ.get("STOCKADE_DEV_RATE", "1000000")})
    ET.SubElement(tenant, "key", id="dev", sha256=digest)
anon_nets = os.environ.get("STOCKADE_DEV_ANONYMOUS", "127.0.0.0/8").strip()
if anon_nets and anon_nets != "none":
    for tenant in root.findall("tenant"):
        if tenant.get("name") == "dev" and tenant.find("anonymous") is None:
            ET.SubElement(tenant, "anonymous", networks=anon_nets)
judge = child(root, "judge")
if os.environ.get("STOCKADE_JUDGE_SPARE"):
    put(judge, spare=os.environ["STOCKADE_JUDGE_SPARE"])
ET.indent(tree, "  ")
tree.write(dst + ".new", encoding="UTF-8", xml_declaration=True)
os.replace(dst + ".new", dst)
EOF
    # root reads it, then the user the web front end drops to
    chgrp "$user" "$conf"
    chmod 0640 "$conf"
}

start_memcached() {
    alive "$(pidfile memcached)" && return 0
    mc_user=nobody
    id memcache >/dev/null 2>&1 && mc_user=memcache
    # in the foreground of its own session: its pid is known without a pid file (which
    # it would write after dropping to $mc_user, who cannot write $run)
    setsid memcached -l 127.0.0.1 -p "$port" -U 0 -m 64 -c 1024 -u "$mc_user" \
        >>"$run/memcached.log" 2>&1 </dev/null &
    echo $! >"$(pidfile memcached)"
    i=0
    until port_open "$port"; do
        i=$((i + 1))
        if [ $i -gt 50 ] || ! alive "$(pidfile memcached)"; then
            die "memcached did not start on 127.0.0.1:$port; see $run/memcached.log"
        fi
        sleep 0.1
    done
}

# syslog-ng, from the template with its placeholders filled in. In a container that
# does not let it manage capabilities it is started again with --no-caps.
start_syslog_ng() {
    pf=$(pidfile syslog-ng)
    alive "$pf" && return 0
    tpl=$here/conf/syslog-ng/stockade.conf
    # SEAL: with STOCKADE_SEAL=1, also the sealed copy of the records
    # (conf/syslog-ng/seal.conf) in $RUN/seal, keys made once with slogkey; the first
    # host key is kept as host.key.k0 for slogverify
    seal=
    if [ "${STOCKADE_SEAL:-0}" = 1 ]; then
        mkdir -p "$run/seal"
        chmod 0700 "$run/seal"
        if [ ! -f "$run/seal/host.key" ]; then
            slogkey -m "$run/seal/master.key" >/dev/null ||
                die "slogkey -m failed (package syslog-ng-mod-slog)"
            slogkey -d "$run/seal/master.key" "$(hostname)" 0 "$run/seal/host.key" >/dev/null ||
                die "slogkey -d failed"
            cp "$run/seal/host.key" "$run/seal/host.key.k0"
        fi
        seal=$(sed "s|@SEAL_DIR@|$run/seal|g" "$here/conf/syslog-ng/seal.conf")
    fi
    render "$tpl" "$run/syslog-ng.conf" \
        SPOOL="$run/audit" \
        OUT="$run/audit.jsonl" \
        SEAL="$seal" || die "cannot render $run/syslog-ng.conf"
    if ! out=$(syslog-ng --syntax-only -f "$run/syslog-ng.conf" 2>&1); then
        echo "$out" >&2
        die "$run/syslog-ng.conf (from $tpl) is not valid"
    fi
    for caps in "" --no-caps; do
        rm -f "$run/syslog-ng.ctl"
        # shellcheck disable=SC2086 # $caps is one flag or none
        setsid syslog-ng -F -e $caps -f "$run/syslog-ng.conf" -R "$run/syslog-ng.persist" \
            -c "$run/syslog-ng.ctl" -p "$run/syslog-ng.pid" \
            >>"$run/syslog-ng.log" 2>&1 </dev/null &
        echo $! >"$pf"
        # the control socket appears once the configuration is running
        i=0
        while [ ! -S "$run/syslog-ng.ctl" ] && alive "$pf" && [ $i -lt 100 ]; do
            sleep 0.1; i=$((i + 1))
        done
        [ -S "$run/syslog-ng.ctl" ] && alive "$pf" && return 0
        stop_pid "$pf" 2
        # once more with --no-caps only if capabilities were what it could not manage
        if [ -n "$caps" ] || ! grep -qi capabilit "$run/syslog-ng.log" 2>/dev/null; then
            break
        fi
    done
    tail -n 5 "$run/syslog-ng.log" >&2
    die "syslog-ng did not start; see $run/syslog-ng.log"
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
        alive "$run/pool.pid" || { echo "stack.sh: the keeper died; see $run/pool.log" >&2; tail -n 5 "$run/pool.log" >&2; exit 1; }
        i=$((i + 1))
        [ $i -gt $((limit * 5)) ] && die "the pool did not fill within ${limit}s; see $run/pool.log"
        sleep 0.2
    done
}

start_keeper() {
    if ! alive "$(pidfile pool)"; then
        # --socket and --memcached repeat what $conf says, for a reader of `ps`
        setsid "$bin/stockade-pool" --config "$conf" --socket "$run/pool.sock" \
            --memcached "127.0.0.1:$port" >>"$run/pool.log" 2>&1 </dev/null &
        echo $! >"$(pidfile pool)"
    fi
    wait_ready
}

# stockade-fcgi reads its socket, user, workers, audit spool, keeper socket and memcached
# from $conf; it makes its socket as root, then drops to $user.
start_fcgi() {
    pf=$(pidfile fcgi)
    alive "$pf" && return 0
    if [ ! -x "$bin/stockade-fcgi" ]; then
        say "$bin/stockade-fcgi is not built: the API is not started (make)" >&2
        return 0
    fi
    rm -f "$run/fcgi.sock"
    setsid "$bin/stockade-fcgi" --config "$conf" >>"$run/fcgi.log" 2>&1 </dev/null &
    echo $! >"$pf"
    i=0
    until [ -S "$run/fcgi.sock" ]; do
        i=$((i + 1))
        if [ $i -gt 100 ] || ! alive "$pf"; then
            tail -n 5 "$run/fcgi.log" >&2
            die "stockade-fcgi did not make $run/fcgi.sock; see $run/fcgi.log"
        fi
        sleep 0.1
    done
}

# nginx with a top-level config of this stack's own, every path in $RUN, not daemonized
# (its pid is $!); -e: its start-up errors go to $RUN too, not /var/log/nginx.
start_nginx() {
    pf=$(pidfile nginx)
    alive "$pf" && return 0
    port_open "$http_port" &&
        die "something else listens on 127.0.0.1:$http_port; stop it or set PORT"
    mkdir -p "$run/nginx"
    # nginx's body limit is the app's <fcgi max-body>, so the two always agree
    max_body=$(python3 -c 'import sys, xml.etree.ElementTree as ET
f = ET.parse(sys.argv[1]).getroot().find("fcgi")
print((f.get("max-body") if f is not None else None) or "129M")' "$conf") ||
        die "cannot read <fcgi max-body> from $conf"
    render "$here/conf/nginx/stockade.conf" "$run/nginx-stockade.conf" \
        LISTEN="127.0.0.1:$http_port" \
        MAX_BODY="$max_body" \
        ROOT="$here/www" \
        FCGI_SOCKET="$run/fcgi.sock" || die "cannot render $run/nginx-stockade.conf"
    # the snippet's relative include is relative to the top-level config's directory
    ln -sf /etc/nginx/fastcgi_params "$run/fastcgi_params"
    ngx_user_line=
    [ "$(id -u)" = 0 ] && ngx_user_line="user $ngx_user $ngx_group;"
    cat >"$run/nginx.conf" <<EOF
# Rendered by build/stack.sh: the local stack's nginx. The server is
# conf/nginx/stockade.conf, rendered as nginx-stockade.conf.
$ngx_user_line
worker_processes 2;
pid $run/nginx/nginx.pid;
error_log $run/nginx-error.log;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log $run/nginx-access.log combined buffer=64k flush=1s;
    client_body_temp_path $run/nginx/client_body;
    fastcgi_temp_path $run/nginx/fastcgi;
    proxy_temp_path $run/nginx/proxy;
    uwsgi_temp_path $run/nginx/uwsgi;
    scgi_temp_path $run/nginx/scgi;
    include $run/nginx-stockade.conf;
}
EOF
    set -- -c "$run/nginx.conf" -p "$run/nginx/" -e "$run/nginx-error.log"
    if ! out=$(nginx -t -q "$@" 2>&1); then
        echo "$out" >&2
        die "$run/nginx.conf is not valid"
    fi
    setsid nginx "$@" -g 'daemon off;' >>"$run/nginx.log" 2>&1 </dev/null &
    echo $! >"$pf"
    i=0
    until port_open "$http_port"; do
        i=$((i + 1))
        if [ $i -gt 50 ] || ! alive "$pf"; then
            tail -n 5 "$run/nginx-error.log" >&2
            die "nginx did not start on 127.0.0.1:$http_port; see $run/nginx-error.log"
        fi
        sleep 0.1
    done
}

# Waits until /healthz answers 200 (only when stockade-fcgi is running).
wait_http() {
    alive "$(pidfile fcgi)" || return 0
    limit=${STOCKADE_HTTP_TIMEOUT:-30}
    i=0
    while :; do
        code=$(python3 - "http://127.0.0.1:$http_port/healthz" <<'EOF'
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError as e:
    print("no answer (%s)" % e)
EOF
)
        [ "$code" = 200 ] && return 0
        alive "$(pidfile fcgi)" || {
            tail -n 5 "$run/fcgi.log" >&2
            die "stockade-fcgi died; see $run/fcgi.log"
        }
        i=$((i + 1))
        [ $i -gt $((limit * 5)) ] &&
            die "/healthz answered $code, not 200, for ${limit}s; see $run/fcgi.log and $run/nginx-error.log"
        sleep 0.2
    done
}

stop_one() {
    case $1 in
    nginx) stop_pid "$(pidfile nginx)" 10 ;;
    fcgi) stop_pid "$(pidfile fcgi)" 15; rm -f "$run/fcgi.sock" ;;
    pool) stop_pid "$(pidfile pool)" 20; rm -f "$run/pool.sock" ;;
    syslog-ng) stop_pid "$(pidfile syslog-ng)" 10; rm -f "$run/syslog-ng.ctl" ;;
    memcached) stop_pid "$(pidfile memcached)" 5 ;;
    *) echo "stack.sh: stop-one: no component $1 (one of: $components)" >&2; exit 2 ;;
    esac
}

case "${1:-}" in
start)
    [ -x "$bin/stockade-pool" ] || die "build first (make)"
    alive "$(pidfile nginx)" || ! port_open "$http_port" ||
        die "something else listens on 127.0.0.1:$http_port; stop it or set PORT"
    mkdir -p "$run"
    # stockade-fcgi, no longer root, reaches its files through $run
    chmod 0755 "$run"
    ensure_user
    # the audit spool: stockade-fcgi writes it; syslog-ng, root but with only the
    # capabilities it raises for a file it opens, lists it through the group
    mkdir -p "$run/audit"
    chown "$user:0" "$run/audit"
    chmod 0750 "$run/audit"
    ensure_dev_key
    render_conf
    start_memcached
    start_syslog_ng
    start_keeper
    start_fcgi
    start_nginx
    wait_http
    say "http://127.0.0.1:$http_port/ (memcached 127.0.0.1:$port, keeper $run/pool.sock, state in $run)"
    ;;
stop)
    for c in nginx fcgi pool syslog-ng memcached; do
        stop_one "$c"
    done
    ;;
stop-one)
    [ $# -eq 2 ] || { echo "usage: build/stack.sh stop-one NAME (one of: $components)" >&2; exit 2; }
    stop_one "$2"
    ;;
status)
    for c in $components; do
        if alive "$(pidfile "$c")"; then
            echo "$c: running ($(cat "$(pidfile "$c")"))"
        else
            echo "$c: stopped"
        fi
    done
    ;;
*)
    echo "usage: build/stack.sh start|stop|status|stop-one NAME" >&2
    exit 2
    ;;
esac
