# Stockade's bash runner: a persistent shell that speaks the protocol of README.md.
#
# The keeper starts it as `/usr/bin/bash --noprofile --norc -c <this file> bash` in a
# warm cell. Each request's code runs in this very shell, so variables, functions, `cd`,
# traps and options persist from request to request. The reply carries the code's $?
# and never a value, an exception or images.
#
# How the code runs. The loop at the end sources the code from a here-string, at the top
# level of the shell: `declare` makes globals there, as in a script, and `return` ends
# the request. To abandon the code half-way (SIGINT, `exit`), the runner sets a DEBUG
# trap that, with extdebug, makes every command inside a function or a sourced file
# return; the calls unwind one by one until the loop is back at the top level, where
# the trap lets commands run again.
#
# Interrupts. SIGINT is ignored while the runner reads and writes frames, and trapped
# while user code runs. A foreground command gets the SIGINT too (the keeper signals the
# whole process group), so the shell's wait for it ends; a pure-shell loop is stopped at
# its next command. Limits: a command that ignores or survives SIGINT is waited for;
# one long step inside a builtin (a huge brace expansion, say) ends before the trap can
# run; code that sets its own INT trap replaces the runner's until the next request.
#
# Exits. `exit` is a function: in the shell itself it ends the request with its status
# (a subshell's `exit` is the builtin's). Still fatal to the runner, as to a script:
# `builtin exit`, `exec cmd`, a failing command under `set -e`, an unset variable under
# `set -u`, `${v:?}`, and `exit` under `set -o posix` (where special builtins come
# before functions). The EXIT trap then sends the request's reply before the shell
# goes (unless the code replaced that trap); the keeper sees the end of the pipes next.
#
# Every name of the runner starts with __sk_, so that the user's own names don't
# collide with them.

__sk_die() {
	builtin printf 'stockade runner: %s\n' "$1" >&2
	builtin exit 2
}

# --- The pipes ---------------------------------------------------------------------
#
# Requests and replies move to the top of the descriptor table, out of the way of the
# user's own numbers, and the user's stdin is /dev/null. bash cannot mark them
# close-on-exec, so they are closed for the duration of each request instead (a
# redirection on the `.` command below; bash keeps its saved copies close-on-exec).
__sk_top=$(ulimit -n 2>/dev/null)
[[ $__sk_top =~ ^[0-9]+$ ]] && (( __sk_top <= 1024 )) || __sk_top=1024
__sk_req=$(( __sk_top - 1 ))	# requests
__sk_rep=$(( __sk_top - 2 ))	# replies
__sk_src=$(( __sk_top - 3 ))	# the here-string that carries a request's code
builtin eval "exec $__sk_req<&0 $__sk_rep>&3 0</dev/null 3>&-" ||
	__sk_die "fds 0 and 3 must be the request and reply pipes"

# --- Frames --------------------------------------------------------------------------

# Read one request into __sk_code; false at end of file. Under LC_ALL=C, read counts
# bytes. `read -N` would drop NUL bytes without counting them and lose the framing, so
# the body is read up to each NUL (-d '') at most the bytes left (-n); a chunk shorter
# than asked for ended at a NUL, which read consumed. A request with a NUL is refused.
__sk_read() {
	local LC_ALL=C __sk_len __sk_left __sk_chunk
	IFS= builtin read -r -u "$__sk_req" __sk_len || return 1
	[[ $__sk_len =~ ^[0-9]{1,10}$ ]] || __sk_die "request header is not a length"
	__sk_left=$(( 10#$__sk_len ))
	__sk_code=
	__sk_nul=
	while (( __sk_left > 0 )); do
		IFS= builtin read -r -d '' -n "$__sk_left" -u "$__sk_req" __sk_chunk ||
			__sk_die "end of file inside a request"
		__sk_code+=$__sk_chunk
		if (( ${#__sk_chunk} < __sk_left )); then
			__sk_nul=1
			__sk_left=$(( __sk_left - ${#__sk_chunk} - 1 ))
		else
			__sk_left=0
		fi
	done
	return 0
}

# Reply: status and exit code; bash has no value, exception or images. ASCII only, so
# ${#} counts bytes in any locale.
__sk_reply() {
	local __sk_body="{\"status\": \"$1\", \"value\": null, \"value_repr\": null, \"exception\": null, \"images\": [], \"exit_code\": $2}"
	builtin printf '%d\n%s' "${#__sk_body}" "$__sk_body" >&"$__sk_rep" || builtin exit 0
}

# --- The user's shell options ----------------------------------------------------------
#
# errexit, nounset, xtrace and pipefail belong to the user's code; the runner's own
# commands run without them (errexit would end the runner at its first false test,
# xtrace would trace it onto the user's stderr). Callers wrap __sk_leave in
# `{ ...; } 2>/dev/null` so that not even its own call is traced. Runner code that
# runs while the user's options are in force (exit, the traps) must survive them.
__sk_flags=		# the user's e and u
__sk_xtrace=		# x
__sk_pipefail=		# pipefail
__sk_in_user=		# set while the user's options are in force

__sk_leave() {
	__sk_flags=${-//[^eu]/}
	__sk_xtrace=${-//[^x]/}
	__sk_pipefail=
	[[ -o pipefail ]] && __sk_pipefail=1
	builtin set +eux +o pipefail
	__sk_in_user=
}

# The user's options back, but xtrace: that comes back in the code's own first line
# (__sk_prefix), so that the `.` running the code is not traced.
__sk_enter() {
	__sk_in_user=1
	__sk_prefix="{ exec $__sk_src<&-; ${__sk_xtrace:+set -x; }} 2>/dev/null; "
	[[ -z $__sk_pipefail ]] || builtin set -o pipefail
	[[ -z $__sk_flags ]] || builtin set "-$__sk_flags"
}

# --- Abandoning the user's code --------------------------------------------------------
__sk_why=		# why the code is being abandoned: "int" or "exit"
__sk_rc=0		# the request's exit code

__sk_ret2() {
	return 2
}

# Start unwinding (see the top of the file). Everything is done before the DEBUG trap
# is set: from then on, any command in a function, this one included, returns.
__sk_arm() {
	[[ -z $__sk_why ]] || return 0
	__sk_leave
	__sk_why=$1
	__sk_rc=$2
	__sk_extdebug=
	builtin shopt -q extdebug && __sk_extdebug=1
	__sk_debug=$(builtin trap -p DEBUG)
	builtin shopt -s extdebug
	builtin trap 'if [[ -n ${BASH_SOURCE[0]+x} ]]; then __sk_ret2; fi' DEBUG
}

# Back at the top level: give the user their own DEBUG trap and extdebug setting.
__sk_disarm() {
	[[ -n $__sk_extdebug ]] || builtin shopt -u extdebug
	[[ -z $__sk_debug ]] || builtin eval "$__sk_debug"
}

__sk_on_int() {
	[[ -z $__sk_in_user ]] || __sk_arm int 130
}

# `exit` ends the request, not the shell. The builtin still checks the argument (in a
# subshell, so that its messages and statuses are exactly its own); a subshell's exit,
# and an exit outside the user's code, are the builtin's.
exit() {
	local __sk_s=$?
	if (( $# > 1 )); then
		builtin printf 'bash: exit: too many arguments\n' >&2
		return 1
	fi
	if (( $# == 1 )); then
		__sk_s=0
		(builtin exit "$1") || __sk_s=$?	# `||`: no errexit here
	fi
	if [[ $BASHPID != "$$" || -z $__sk_in_user ]]; then
		builtin exit "$__sk_s"
	fi
	{ __sk_arm exit "$__sk_s"; } 2>/dev/null
}

# The shell is going away in the middle of a request (see "Exits" above): the keeper
# still gets the request's reply.
__sk_on_exit() {
	local __sk_s=$?
	builtin set +eux +o pipefail
	if [[ -n $__sk_busy ]]; then
		__sk_busy=
		__sk_reply ok "$__sk_s"
	fi
}

builtin trap '{ __sk_on_exit; } 2>/dev/null' EXIT

# Runs as `.` ends (back at source depth 0; not when the user's own functions or nested
# sources return): the user's options go before `.` returns the code's status, which
# under errexit would otherwise end the shell even when the code's last failure was one
# that errexit ignores (`grep -q x f && echo found`).
# ${BASH_SOURCE[0]+x}, not ${#BASH_SOURCE[@]}: the user's nounset may be on.
__sk_on_return='{
	if [[ -z ${BASH_SOURCE[0]+x} && -n $__sk_in_user ]]; then
		__sk_leave
	fi
} 2>/dev/null'

# --- The conversation ------------------------------------------------------------------
builtin trap '' INT
builtin printf '%d\n%s' 15 '{"ready": true}' >&"$__sk_rep" || builtin exit 0

# The code reaches `.` as a here-string on a high fd, behind __sk_prefix: `.` reads all
# of it before the first command, which closes that fd (no child inherits it) and turns
# xtrace back on, on the code's first line, so $LINENO is unchanged.
#
# Built as text: a redirection's fd number must be written out. The loop stays at the
# top level, so that the user's `declare` makes globals.
builtin eval '
while __sk_read; do
	if [[ -n $__sk_nul ]]; then
		builtin printf "bash: the code contains a NUL byte\n" >&2
		__sk_reply ok 2
		continue
	fi
	__sk_busy=1 __sk_why= __sk_rc=0
	builtin trap "{ __sk_on_int; } 2>/dev/null" INT
	__sk_enter
	builtin trap "$__sk_on_return" RETURN
	. /dev/fd/'"$__sk_src"' '"$__sk_src"'<<<"$__sk_prefix$__sk_code" {__sk_req}<&- {__sk_rep}>&-
	{
		__sk_s=$?
		builtin trap - RETURN
		if [[ -n $__sk_why ]]; then
			builtin trap - DEBUG
		else
			__sk_rc=$__sk_s
			# unless the RETURN trap did it (the code may have replaced it)
			[[ -z $__sk_in_user ]] || __sk_leave
		fi
	} 2>/dev/null
	builtin trap "" INT
	[[ -z $__sk_why ]] || __sk_disarm
	__sk_busy=
	if [[ $__sk_why == int ]]; then
		__sk_reply interrupted 130
	else
		__sk_reply ok "$__sk_rc"
	fi
done'
builtin exit 0
