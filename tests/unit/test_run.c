/*
 * The compile-then-run path (sbx_run_program), including HOSTILE.md row 4: a daemon
 * started while compiling must not survive the compilation.
 *
 * Plain C source cannot make gcc start a process, so the hostile compiler here is a
 * language of the test's own whose "compiler" leaves daemons behind (setsid, double
 * fork, nohup) before producing its binary: the same code path the CLI's C and C++
 * take. Needs root (cells); skips otherwise.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leftovers.h"
#include "run.h"
#include "tap.h"

#define UID_BASE 906000
#define UID_COUNT 8

#define DAEMONS "setsid sleep 300 & (sleep 300 &) & nohup sleep 300 >/dev/null 2>&1 & " \
		"echo compiling; "

int main(void)
{
	struct sbx_lang daemon_cc = {
		.name = "daemon-cc", .source = "main.sh", .binary = "main",
		.compile = { "/usr/bin/bash", "-c", DAEMONS "cp main.sh main && chmod 755 main" },
		.run = { "/mnt/data/main" },
	};
	struct sbx_lang daemon_cc_fails = daemon_cc;
	static const char src[] = "#!/bin/sh\necho hello from the binary\n";
	char state[] = "/tmp/stockade-run-XXXXXX", base[16], count[16];
	struct sbx_runner r;
	struct sbx_run_result res;
	struct sbx_limits l;
	const char *why = NULL;
	int rc;

	if (geteuid() != 0) {
		printf("1..0 # SKIP cells need root\n");
		return 0;
	}
	daemon_cc_fails.compile[2] = DAEMONS "echo 'main.c:1: error: no' >&2; exit 1";
	snprintf(base, sizeof(base), "%d", UID_BASE);
	snprintf(count, sizeof(count), "%d", UID_COUNT);
	setenv("STOCKADE_STATE_DIR", mkdtemp(state), 1);
	setenv("STOCKADE_CGROUP_PARENT", "stockade-test-run", 1);
	setenv("STOCKADE_UID_BASE", base, 1);
	setenv("STOCKADE_UID_COUNT", count, 1);
	plan(12);
	ok(sbx_runner_init(&r, &why) == 0, "runner (%s)", why ? why : "ok");
	sbx_limits_default(&l);

	/* a compiler that leaves daemons, then succeeds */
	rc = sbx_run_program(&r, &daemon_cc, &l, src, sizeof(src) - 1, -1, &res, &why);
	ok(rc == 0 && res.o.status == SBX_STATUS_OK, "compiled and ran (status %s, %s)",
	   sbx_status_name(res.o.status), rc ? why : res.o.message);
	ok(res.compiled && res.compile_out.data && strstr(res.compile_out.data, "compiling"),
	   "the compiler's output is the compile output");
	is_str(res.o.out.data, "hello from the binary\n", "the binary ran in its own cell");
	is_int(leftover_processes(UID_BASE, UID_COUNT), 0, "no daemon of the compile step survives it");
	is_int(leftover_groups("stockade-test-run"), 0, "no cgroup of either cell is left");
	sbx_run_result_free(&res);

	/* a compiler that leaves daemons, then fails */
	rc = sbx_run_program(&r, &daemon_cc_fails, &l, src, sizeof(src) - 1, -1, &res, &why);
	ok(rc == 0 && res.o.status == SBX_STATUS_COMPILE_ERROR, "compile_error (status %s)",
	   sbx_status_name(res.o.status));
	ok(res.compile_out.data && strstr(res.compile_out.data, "error: no"),
	   "the compiler's message is kept");
	ok(res.o.exit_code == -1 && res.o.signal == 0 && res.o.out.len == 0,
	   "no exit code, signal or output of a program that never ran");
	is_int(leftover_processes(UID_BASE, UID_COUNT), 0, "no daemon of the failed compilation survives");
	is_int(leftover_groups("stockade-test-run"), 0, "no cgroup is left");
	sbx_run_result_free(&res);

	/* the real thing, for comparison: gcc */
	rc = sbx_run_program(&r, sbx_lang_find("c"), &l, "int main(void){return 7;}", 25, -1,
			     &res, &why);
	ok(rc == 0 && res.o.status == SBX_STATUS_RUNTIME_ERROR && res.o.exit_code == 7,
	   "gcc compiles and the binary runs (exit %d)", res.o.exit_code);
	sbx_run_result_free(&res);
	sbx_runner_free(&r);
	remove_parent_groups("stockade-test-run");
	return done_testing();
}
