/*
 * Stockade when a cell cannot start: the CLI is run under a seccomp filter that makes
 * one step of the cell's start-up fail (the network namespace, the clone of init, the
 * id maps). Each must end in an internal_error result and exit 1: never a crash (a
 * SIGPIPE from writing to a helper that died), never a hang, and nothing left behind.
 * Needs root; skips otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leftovers.h"
#include "tap.h"

#define PARENT "stockade-test-failure"
#define UID_BASE 907000

enum breakage { NO_NETNS, NO_CLONE, NO_MAPS };

/* Runs the CLI with one start-up step denied; returns its wait status, output in out. */
static int run_broken(const char *bin, enum breakage b, char *out, size_t size)
{
	int p[2], st;
	pid_t pid;
	size_t len = 0;
	ssize_t n;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

		dup2(p[1], 1);
		close(p[0]);
		/* its message on stderr is expected: keep the TAP output clean */
		dup2(open("/dev/null", O_WRONLY), 2);
		if (b == NO_NETNS)
			seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0);
		else if (b == NO_CLONE)
			/* the clone of init: clone/clone3 with a new user namespace */
			seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER)),
			seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone3), 0);
		else
			/* the maps are one write each of "1000 9070NN 1\n": 14 bytes, a
			 * length nothing else on this path writes */
			seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(write), 1,
					 SCMP_A2(SCMP_CMP_EQ, 14));
		if (seccomp_load(ctx) < 0)
			_exit(126);
		execl(bin, bin, "run", "-c", "print(1)", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (len + 1 < size && (n = read(p[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return st;
}

int main(void)
{
	static const struct {
		enum breakage b;
		const char *name, *says;
	} cases[] = {
		{ NO_NETNS, "the network namespace cannot be made", "network namespace" },
		{ NO_CLONE, "init cannot be cloned", "clone" },
		{ NO_MAPS, "init's id maps cannot be written", "id maps" },
	};
	const char *bin = getenv("STOCKADE_BIN") ? getenv("STOCKADE_BIN") : "build/bin/stockade";
	char state[] = "/tmp/stockade-failure-XXXXXX", base[16], out[4096];

	if (geteuid() != 0 || access(bin, X_OK) != 0) {
		printf("1..0 # SKIP %s\n", geteuid() ? "needs root" : "stockade is not built");
		return 0;
	}
	snprintf(base, sizeof(base), "%d", UID_BASE);
	setenv("STOCKADE_STATE_DIR", mkdtemp(state), 1);
	setenv("STOCKADE_CGROUP_PARENT", PARENT, 1);
	setenv("STOCKADE_UID_BASE", base, 1);
	setenv("STOCKADE_UID_COUNT", "16", 1);
	plan(4 * 3);
	for (size_t i = 0; i < 3; i++) {
		int st = run_broken(bin, cases[i].b, out, sizeof(out));

		ok(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: exit 1, not a crash (status %#x)",
		   cases[i].name, st);
		ok(strstr(out, "\"status\":\"internal_error\"") && strstr(out, cases[i].says),
		   "%s: an internal_error result that says so (%s)", cases[i].name, out);
		is_int(leftover_groups(PARENT), 0, "no cgroup left");
		is_int(leftover_processes(UID_BASE, 16), 0, "no process left");
	}
	remove_parent_groups(PARENT);
	return done_testing();
}
