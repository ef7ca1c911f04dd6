#!/bin/sh
# Installs the Debian packages Stockade needs to build, test and benchmark.
# Idempotent: asks dpkg what is already there, and runs apt-get (with an update first)
# only when something is missing. Run as root; as another user it only reports.
set -eu

# What each group is for, so a package never stays here without a reason.
BUILD="gcc make pkg-config libc6-dev libseccomp-dev libjansson-dev libxml2-dev libmemcached-dev"
# stockade-fcgi (issue 4): the FastCGI library, and libcrypto for SHA-256 (keys, code)
BUILD="$BUILD libfcgi-dev libssl-dev"
# The runtimes a cell runs: Debian's interpreters and compilers, never a user's own copy.
RUNTIMES="python3 nodejs bash g++"
# What warm python cells import before any user code (issue 3): plots and data frames.
RUNTIMES="$RUNTIMES python3-numpy python3-pandas python3-matplotlib"
# The judge's Java (issue 5): Debian's default JDK, reached as /usr/lib/jvm/default-java.
RUNTIMES="$RUNTIMES default-jdk-headless"
# The stack build/stack.sh starts: the session directory, the web server in front of
# stockade-fcgi, and the audit log's collector with its secure-logging (sealing) module.
STACK="memcached nginx syslog-ng-core syslog-ng-mod-slog"
# The TAP harness (prove) and the tools tests use to inspect results.
TEST="perl procps util-linux curl"
# The peer baseline of the one-shot benchmark; the HTTP benchmark's load generator and
# its peer (nginx + fcgiwrap running a bubblewrap-sandboxed python3 per request).
BENCH="bubblewrap wrk fcgiwrap"

want="$BUILD $RUNTIMES $STACK $TEST"
[ "${STOCKADE_DEPS_BENCH:-0}" = 1 ] && want="$want $BENCH"

missing=""
for p in $want; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing Debian packages:$missing (run as root to install them)" >&2
    exit 1
fi

echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
