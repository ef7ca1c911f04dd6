/*
 * Unit tests: the judge's pieces (command lines, base64 input, ceilings, versions,
 * verdict names) and, as root, the engine on a pool of pre-started cells: stdin
 * delivered, the verdict of each test and the most severe overall, several runs of a
 * test, CPU extra time, output kept, a fire beyond the armed limits refused, and
 * nothing left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge.h"
#include "leftovers.h"
#include "result.h"
#include "run.h"
#include "tap.h"

#define UID_BASE 908000
#define UID_COUNT 16

static void pieces(void)
{
	const struct sbx_lang *java = sbx_lang_find("java");
	const char *argv[8], *why = NULL;
	const char *const words[] = { "/j", "-Xmx{memory_mb}m", "x{memory_mb}y{memory_mb}", NULL };
	char buf[64], *d;
	size_t used = 0, n;
	unsigned k = 0;
	struct sbx_judge_cmds cmds;
	struct sbx_limits t, c, ceil;
	char version[32];

	ok(sbx_lang_words(words, 256ull << 20, argv, &k, 8, buf, &used, sizeof(buf)) == 0 && k == 3 &&
	   !strcmp(argv[1], "-Xmx256m") && !strcmp(argv[2], "x256y{memory_mb}") && !argv[3],
	   "{memory_mb} becomes the limit in MiB (the first in a word)");
	used = 0;
	k = 0;
	ok(sbx_lang_words(words, 1ull << 30, argv, &k, 8, buf, &used, 12) == -E2BIG,
	   "a full buffer is -E2BIG, not an overflow");
	used = 0;
	k = 0;
	ok(sbx_lang_words(words, 1ull << 30, argv, &k, 3, buf, &used, sizeof(buf)) == -E2BIG,
	   "a full argv is -E2BIG");
	ok(java && sbx_lang_compiled(java) && sbx_lang_is_binary(java, "Main.class") &&
	   sbx_lang_is_binary(java, "Main$Inner.class") && !sbx_lang_is_binary(java, "Main.java") &&
	   !sbx_lang_is_binary(java, ".class"), "java: every .class file is the program");
	ok(sbx_lang_is_binary(sbx_lang_find("c"), "main") &&
	   !sbx_lang_is_binary(sbx_lang_find("c"), "main.c"), "c: main is the program");

	d = sbx_base64_decode("aGVs\nbG8=", 9, &n);
	ok(d && n == 5 && !memcmp(d, "hello", 5), "base64 with a newline and padding");
	free(d);
	d = sbx_base64_decode("AP8-_w", 6, &n);
	ok(d && n == 4 && !memcmp(d, "\x00\xff\x3e\xff", 4), "URL-safe, unpadded, binary");
	free(d);
	ok(!sbx_base64_decode("aGk*", 4, &n), "a character outside base64 is refused");
	ok(!sbx_base64_decode("aGk=x", 5, &n), "data after padding is refused");
	ok(!sbx_base64_decode("a", 1, &n), "a lone character is refused");
	d = sbx_base64_decode("", 0, &n);
	ok(d && n == 0, "empty is empty");
	free(d);

	ok(sbx_judge_cmds(sbx_lang_find("c"), "/usr/bin/gcc  -O0 -o main main.c", NULL, &cmds, &why) == 0 &&
	   !strcmp(cmds.compile[1], "-O0") && !cmds.compile[5] && !strcmp(cmds.run[0], "/mnt/data/main"),
	   "a configured compile line replaces the built-in one; run stays built-in");
	ok(sbx_judge_cmds(sbx_lang_find("python"), "/x y", "", &cmds, &why) == 0 && !cmds.compile[0] &&
	   !strcmp(cmds.run[0], "/usr/bin/python3"), "an interpreted language compiles nothing");
	{
		char many[200] = "/a";

		for (int i = 0; i < 20; i++)
			strcat(many, " w");
		ok(sbx_judge_cmds(sbx_lang_find("c"), many, NULL, &cmds, &why) == -E2BIG,
		   "a line of more words than a command may have is refused");
	}
	sbx_limits_default(&t);
	sbx_limits_default(&c);
	t.cpu_ms = 15000;
	c.cpu_ms = 10000;
	t.memory = 512u << 20;
	c.memory = 1u << 30;
	sbx_judge_ceiling(&t, 5000, &c, &ceil);
	ok(ceil.cpu_ms == 20000 && ceil.memory == 1u << 30, "the ceiling: test CPU with extra, compile memory");
	sbx_judge_version(sbx_lang_find("c"), version, sizeof(version));
	ok(version[0] >= '0' && version[0] <= '9' && strchr(version, '.'), "gcc's version: %s", version);
	ok(!strcmp(sbx_verdict_name(SBX_V_TIME_LIMIT), "time_limit") &&
	   SBX_V_INTERNAL_ERROR > SBX_V_TIME_LIMIT && SBX_V_TIME_LIMIT > SBX_V_MEMORY_LIMIT &&
	   SBX_V_MEMORY_LIMIT > SBX_V_OUTPUT_LIMIT && SBX_V_OUTPUT_LIMIT > SBX_V_RUNTIME_ERROR &&
	   SBX_V_RUNTIME_ERROR > SBX_V_WRONG_ANSWER && SBX_V_WRONG_ANSWER > SBX_V_ACCEPTED,
	   "severity: internal > time > memory > output > runtime > wrong > accepted");
}

static void engine(void)
{
	/* test 1 echoes its input; test 2 is wrong; test 3 is too talkative on run 2 only
	 * (a file in /tmp cannot tell runs apart: each is a fresh cell, so the run is told
	 * by the input) */
	static const char prog[] =
		"read x\n"
		"case $x in\n"
		"  talk) head -c 300000 /dev/zero | tr '\\0' a ;;\n"
		"  burn) python3 -c 'import time\nwhile time.process_time() < 1.5: pass'; echo burnt ;;\n"
		"  *) echo \"$x\"; echo err >&2 ;;\n"
		"esac\n";
	struct sbx_judge_test tests[] = {
		{ "hello\n", 6, "hello\n", 6 },
		{ "world\n", 6, "other\n", 6 },
		{ "talk\n", 5, "x", 1 },
		{ "burn\n", 5, NULL, 0 },
	};
	struct sbx_runner r;
	struct sbx_spare *sp = NULL;
	struct sbx_limits ceil, lim;
	struct sbx_judge_req rq;
	struct sbx_judge_result res;
	struct sbx_judge_cmds cmds;
	const char *why = NULL;
	int rc;

	ok(sbx_runner_init(&r, &why) == 0, "runner (%s)", why ? why : "ok");
	sbx_limits_default(&lim);
	lim.cpu_ms = 1000;
	lim.wall_ms = 8000;
	lim.output = 100000;
	ceil = lim;
	ceil.cpu_ms = 5000;
	ceil.memory = 512u << 20;
	ok(sbx_spare_open(&sp, &r.site, &r.sys, &ceil, sbx_cell_env, 3, &why) == 0,
	   "a pool of 3 spare cells (%s)", why ? why : "ok");
	sbx_judge_cmds(sbx_lang_find("bash"), NULL, NULL, &cmds, &why);
	memset(&rq, 0, sizeof(rq));
	rq.lang = sbx_lang_find("bash");
	rq.run = cmds.run;
	rq.source = prog;
	rq.source_len = sizeof(prog) - 1;
	rq.lim = lim;
	rq.cpu_extra_ms = 2500;	/* the burner is judged at 1 s, stopped only at 3.5 s */
	rq.cmp.mode = SBX_CMP_TRAILING_WS;
	rq.runs = 2;
	rq.width = 2;
	rq.take_timeout_ms = 30000;
	rq.keep_output = 1000;
	rq.tests = tests;
	rq.ntests = 4;
	rc = sbx_judge(sp, &rq, &res, &why);
	ok(rc == 0, "judged (%s)", why ? why : "ok");
	if (rc == 0) {
		ok(res.tests[0].verdict == SBX_V_ACCEPTED && res.tests[0].o.out.len == 6 &&
		   !memcmp(res.tests[0].o.out.data, "hello\n", 6) && res.tests[0].o.err.len == 4,
		   "test 1: stdin reached the program; accepted; stderr kept apart");
		ok(res.tests[1].verdict == SBX_V_WRONG_ANSWER, "test 2: wrong answer (%s)",
		   sbx_verdict_name(res.tests[1].verdict));
		ok(res.tests[2].verdict == SBX_V_OUTPUT_LIMIT && res.tests[2].o.out.len == 1000 &&
		   res.tests[2].o.out.truncated, "test 3: output limit, 1000 bytes kept, flagged (%s, %zu)",
		   sbx_verdict_name(res.tests[2].verdict), res.tests[2].o.out.len);
		ok(res.tests[3].verdict == SBX_V_TIME_LIMIT && res.tests[3].time_kind &&
		   !strcmp(res.tests[3].time_kind, "cpu") && res.tests[3].o.exit_code == 0 &&
		   res.tests[3].o.cpu_ms >= 1400,
		   "test 4: ran to its end within the extra time (exit 0), judged over 1 s of CPU: "
		   "time_limit (%s, %llu ms)", sbx_verdict_name(res.tests[3].verdict),
		   (unsigned long long)res.tests[3].o.cpu_ms);
		ok(res.verdict == SBX_V_TIME_LIMIT && res.passed == 1 && res.ran == 4,
		   "overall: the most severe (time_limit), 1 passed of 4");
		ok(res.cells == 8, "2 runs of 4 tests: 8 cells, one each (%u)", res.cells);
	}
	sbx_judge_result_free(&res);

	/* a fire beyond what the cell was armed with is refused before anything runs */
	{
		struct sbx_spare_cell *sc;
		struct sbx_outcome o;
		const char *argv[] = { "/usr/bin/true", NULL };
		struct sbx_exec x = { .argv = argv, .stdin_fd = -1 };
		struct sbx_limits big = lim;
		bool missed;

		big.cpu_ms = ceil.cpu_ms + 1;
		ok(sbx_spare_take(sp, 30000, &sc, &missed, &why) == 0 &&
		   sbx_cell_fire(&sc->cell, &sc->lv, &x, &big, &o, &why) == -ERANGE,
		   "fire with more CPU than armed: -ERANGE");
		sbx_outcome_free(&o);
		sbx_spare_done(sp, sc);
	}
	sbx_spare_close(sp);
	sbx_runner_free(&r);
	is_int(leftover_processes(UID_BASE, UID_COUNT), 0, "no process of any cell is left");
}

int main(void)
{
	char state[] = "/tmp/stockade-judge-XXXXXX", base[16], count[16];

	plan(geteuid() == 0 ? 28 : 17);
	pieces();
	if (geteuid() != 0) {
		printf("# the engine's tests need root (cells); skipped\n");
		return done_testing();
	}
	snprintf(base, sizeof(base), "%d", UID_BASE);
	snprintf(count, sizeof(count), "%d", UID_COUNT);
	setenv("STOCKADE_STATE_DIR", mkdtemp(state), 1);
	setenv("STOCKADE_CGROUP_PARENT", "stockade-test-judge", 1);
	setenv("STOCKADE_UID_BASE", base, 1);
	setenv("STOCKADE_UID_COUNT", count, 1);
	engine();
	return done_testing();
}
