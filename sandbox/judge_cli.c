/*
 * judge_cli.c - `stockade judge [options] SOURCE TESTDIR`.
 *
 * TESTDIR holds the test cases as file pairs NAME.in / NAME.out, judged in the order
 * of their names (natural order: 2 before 10). A NAME.in without NAME.out is run
 * without comparison; a NAME.out without NAME.in gets empty input. Limits, language
 * command lines and compile limits come from <judge> of --conf FILE, or from its
 * defaults; options override a test's limits.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "judge.h"
#include "judge_cli.h"
#include "run.h"
#include "util.h"

#define MAX_SOURCE (16u << 20)
#define MAX_TEST_FILE (64u << 20)
#define MAX_TESTS_TOTAL (1ull << 30)	/* bytes of all the tests' files together */

enum { EXIT_RESULT = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

void judge_cli_usage(FILE *f)
{
	fprintf(f,
		"usage: stockade judge [--lang L] [--time S] [--extra S] [--wall S] [--memory SIZE]\n"
		"                      [--pids N] [--output SIZE] [--stack SIZE] [--fsize SIZE]\n"
		"                      [--compare MODE] [--abs X] [--rel X] [--width N] [--runs N]\n"
		"                      [--compiler-options STR] [--arg A]... [--keep SIZE]\n"
		"                      [--redirect-stderr] [--conf FILE] SOURCE TESTDIR\n"
		"\n"
		"  TESTDIR holds NAME.in / NAME.out pairs; a .in without .out is not compared.\n"
		"  --lang L       c, cpp, java, python, node, bash (default: SOURCE's extension)\n"
		"  --time S       CPU seconds per test, the verdict's limit (conf default 5)\n"
		"  --extra S      CPU seconds beyond --time before the program is stopped (1)\n"
		"  --wall S       wall-clock seconds per test (10)\n"
		"  --memory SIZE  memory per test (128M); --pids N processes and threads (60)\n"
		"  --output SIZE  stdout or stderr beyond this is output_limit (8M)\n"
		"  --compare MODE trailing_whitespace (default), exact, tokens, float\n"
		"  --abs X --rel X  float tolerances (1e-6 each)\n"
		"  --width N      tests at once (conf width, 2); --runs N runs of each test (1)\n"
		"  --keep SIZE    bytes of each test's stdout/stderr printed (64K)\n"
		"  --conf FILE    read <judge> from FILE (default: its built-in defaults)\n");
}

struct test_file {
	char *stem;
	char *in, *out;
	size_t in_len, out_len;
	bool has_out;
};

static int by_stem(const void *a, const void *b)
{
	return strverscmp(((const struct test_file *)a)->stem, ((const struct test_file *)b)->stem);
}

static struct test_file *find_stem(struct test_file *t, unsigned n, const char *stem, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (strlen(t[i].stem) == len && !memcmp(t[i].stem, stem, len))
			return &t[i];
	return NULL;
}

/* Reads TESTDIR into tests (sorted). Returns how many, or -1 with a message printed. */
static int read_tests(const char *dir, unsigned max, struct test_file **out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct test_file *t = NULL;
	unsigned n = 0;
	unsigned long long total = 0;

	if (!d) {
		fprintf(stderr, "stockade: cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool in = len > 3 && !strcmp(e->d_name + len - 3, ".in");
		bool o = len > 4 && !strcmp(e->d_name + len - 4, ".out");
		size_t stem = len - (in ? 3 : 4);
		struct test_file *f;
		char path[4096];
		const char *why;
		size_t got;
		char *data;

		if (!in && !o)
			continue;
		if (!(f = find_stem(t, n, e->d_name, stem))) {
			struct test_file *nt;

			if (n >= max) {
				fprintf(stderr, "stockade: %s: more than %u tests\n", dir, max);
				goto fail;
			}
			if (!(nt = realloc(t, (n + 1) * sizeof(*t))))
				goto oom;
			t = nt;
			f = &t[n++];
			memset(f, 0, sizeof(*f));
			if (!(f->stem = strndup(e->d_name, stem)))
				goto oom;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(data = sbx_slurp(path, MAX_TEST_FILE, &got, &why))) {
			fprintf(stderr, "stockade: cannot read %s: %s\n", path, why);
			goto fail;
		}
		if ((total += got) > MAX_TESTS_TOTAL) {
			free(data);
			fprintf(stderr, "stockade: %s: the tests are larger than 1 GiB\n", dir);
			goto fail;
		}
		if (in) {
			f->in = data;
			f->in_len = got;
		} else {
			f->out = data;
			f->out_len = got;
			f->has_out = true;
		}
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "stockade: %s has no NAME.in or NAME.out files\n", dir);
		free(t);
		return -1;
	}
	qsort(t, n, sizeof(*t), by_stem);
	*out = t;
	return (int)n;
oom:
	fprintf(stderr, "stockade: out of memory\n");
fail:
	closedir(d);
	for (unsigned i = 0; i < n; i++) {
		free(t[i].stem);
		free(t[i].in);
		free(t[i].out);
	}
	free(t);
	return -1;
}

/* The configuration: --conf FILE, or the built-in defaults (an empty file's). */
static int load_conf(const char *path, struct conf *c)
{
	static const char empty[] = "<stockade version=\"1\"><runtime name=\"python\"/></stockade>\n";
	char err[512], fdpath[40];
	int fd = -1, rc;

	if (!path) {
		fd = memfd_create("stockade.xml", MFD_CLOEXEC);
		if (fd < 0 || write(fd, empty, sizeof(empty) - 1) != (ssize_t)sizeof(empty) - 1) {
			fprintf(stderr, "stockade: cannot make the default configuration\n");
			if (fd >= 0)
				close(fd);
			return -1;
		}
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		path = fdpath;
	}
	rc = conf_load(path, c, err, sizeof(err));
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		fprintf(stderr, "stockade: %s\n", err);
	return rc;
}

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "stockade: %s: invalid value '%s'\n", opt, val);
	return EXIT_USAGE;
}

int judge_cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "time", required_argument, NULL, 't' },
		{ "extra", required_argument, NULL, 'x' },
		{ "wall", required_argument, NULL, 'w' },
		{ "memory", required_argument, NULL, 'm' },
		{ "pids", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "stack", required_argument, NULL, 's' },
		{ "fsize", required_argument, NULL, 'f' },
		{ "compare", required_argument, NULL, 'C' },
		{ "abs", required_argument, NULL, 'A' },
		{ "rel", required_argument, NULL, 'R' },
		{ "width", required_argument, NULL, 'W' },
		{ "runs", required_argument, NULL, 'N' },
		{ "compiler-options", required_argument, NULL, 'O' },
		{ "arg", required_argument, NULL, 'a' },
		{ "keep", required_argument, NULL, 'k' },
		{ "redirect-stderr", no_argument, NULL, 'r' },
		{ "conf", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* options are applied after the configuration is read */
	const char *o_time = NULL, *o_extra = NULL, *o_wall = NULL, *o_mem = NULL, *o_pids = NULL;
	const char *o_out = NULL, *o_stack = NULL, *o_fsize = NULL, *o_width = NULL;
	const char *o_runs = NULL, *o_keep = NULL, *o_conf = NULL, *copts = NULL;
	const char *args[SBX_JUDGE_MAX_ARGS + 1], *extra[SBX_JUDGE_MAX_ARGS + 1];
	unsigned nargs = 0, nextra = 0;
	static struct conf conf;
	static struct sbx_judge_cmds cmds;
	struct sbx_judge_req rq;
	struct sbx_judge_result res;
	struct sbx_runner runner;
	struct sbx_spare *sp = NULL;
	struct sbx_limits ceiling;
	struct sbx_judge_test *tests = NULL;
	struct test_file *tf = NULL;
	const struct sbx_lang *lang = NULL;
	const struct conf_lang *cl;
	const char *why = NULL;
	char *source = NULL, *copts_buf = NULL, version[32];
	size_t source_len;
	uint64_t v;
	int c, ntests = 0, rc = EXIT_FAILED;

	memset(&rq, 0, sizeof(rq));
	rq.cmp.mode = SBX_CMP_TRAILING_WS;
	rq.cmp.abs_tol = rq.cmp.rel_tol = 1e-6;
	rq.runs = 1;
	rq.keep_output = 64u << 10;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!(lang = sbx_lang_find(optarg))) {
				fprintf(stderr, "stockade: --lang: unknown language '%s' "
					"(c, cpp, java, python, node, bash)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't': o_time = optarg; break;
		case 'x': o_extra = optarg; break;
		case 'w': o_wall = optarg; break;
		case 'm': o_mem = optarg; break;
		case 'p': o_pids = optarg; break;
		case 'o': o_out = optarg; break;
		case 's': o_stack = optarg; break;
		case 'f': o_fsize = optarg; break;
		case 'W': o_width = optarg; break;
		case 'N': o_runs = optarg; break;
		case 'k': o_keep = optarg; break;
		case 'c': o_conf = optarg; break;
		case 'O': copts = optarg; break;
		case 'r': rq.redirect_stderr = true; break;
		case 'C':
			if (sbx_compare_mode(optarg, &rq.cmp.mode) < 0)
				return bad("--compare", optarg);
			break;
		case 'A':
		case 'R': {
			char *end;
			double d = strtod(optarg, &end);

			if (end == optarg || *end || !(d >= 0))
				return bad(c == 'A' ? "--abs" : "--rel", optarg);
			*(c == 'A' ? &rq.cmp.abs_tol : &rq.cmp.rel_tol) = d;
			break;
		}
		case 'a':
			if (nargs >= SBX_JUDGE_MAX_ARGS) {
				fprintf(stderr, "stockade: at most %d --arg\n", SBX_JUDGE_MAX_ARGS);
				return EXIT_USAGE;
			}
			args[nargs++] = optarg;
			break;
		case 'h':
			judge_cli_usage(stdout);
			return EXIT_RESULT;
		default:
			judge_cli_usage(stderr);
			return EXIT_USAGE;
		}
	}
	args[nargs] = NULL;
	if (argc - optind != 2) {
		fprintf(stderr, "stockade: judge takes SOURCE and TESTDIR\n");
		judge_cli_usage(stderr);
		return EXIT_USAGE;
	}
	if (!lang && !(lang = sbx_lang_for_file(argv[optind]))) {
		fprintf(stderr, "stockade: cannot tell the language of '%s': use --lang\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (load_conf(o_conf, &conf) < 0)
		return EXIT_USAGE;
	rq.lim = conf.judge.test;
	rq.cpu_extra_ms = conf.judge.cpu_extra_ms;
	rq.compile_lim = conf.judge.compile;
	rq.width = conf.judge.width;
	if ((o_time && sbx_parse_seconds(o_time, &rq.lim.cpu_ms) < 0) ||
	    (o_extra && sbx_parse_seconds(o_extra, &rq.cpu_extra_ms) < 0) ||
	    (o_wall && sbx_parse_seconds(o_wall, &rq.lim.wall_ms) < 0) ||
	    (o_mem && sbx_parse_size(o_mem, &rq.lim.memory) < 0) ||
	    (o_out && sbx_parse_size(o_out, &rq.lim.output) < 0) ||
	    (o_stack && sbx_parse_size(o_stack, &rq.lim.stack) < 0) ||
	    (o_fsize && sbx_parse_size(o_fsize, &rq.lim.fsize) < 0) ||
	    (o_keep && sbx_parse_size(o_keep, &v) < 0)) {
		fprintf(stderr, "stockade: invalid limit\n");
		return EXIT_USAGE;
	}
	if (o_keep)
		rq.keep_output = v;
	if (o_pids) {
		if (sbx_parse_uint(o_pids, 1, 32768, &v) < 0)
			return bad("--pids", o_pids);
		rq.lim.pids = (uint32_t)v;
	}
	if (o_width) {
		if (sbx_parse_uint(o_width, 1, 64, &v) < 0)
			return bad("--width", o_width);
		rq.width = (unsigned)v;
	}
	if (o_runs) {
		if (sbx_parse_uint(o_runs, 1, 100, &v) < 0)
			return bad("--runs", o_runs);
		rq.runs = (unsigned)v;
	}
	if (!sbx_limits_valid(&rq.lim, &why)) {
		fprintf(stderr, "stockade: %s\n", why);
		return EXIT_USAGE;
	}
	if (copts) {
		/* compiler options: words separated by spaces */
		if (!(copts_buf = strdup(copts)))
			return EXIT_FAILED;
		for (char *save = NULL, *w = strtok_r(copts_buf, " \t", &save); w;
		     w = strtok_r(NULL, " \t", &save)) {
			if (nextra >= SBX_JUDGE_MAX_ARGS) {
				free(copts_buf);
				fprintf(stderr, "stockade: too many compiler options\n");
				return EXIT_USAGE;
			}
			extra[nextra++] = w;
		}
	}
	extra[nextra] = NULL;
	cl = conf_judge_lang(&conf, lang->name);
	if (sbx_judge_cmds(lang, cl ? cl->compile : NULL, cl ? cl->run : NULL, &cmds, &why) < 0) {
		fprintf(stderr, "stockade: %s\n", why);
		goto out;
	}
	rq.lang = lang;
	rq.compile = sbx_lang_compiled(lang) ? cmds.compile : NULL;
	rq.run = cmds.run;
	rq.compile_extra = extra;
	rq.args = args;
	rq.take_timeout_ms = 60000;
	if (!(source = sbx_slurp(argv[optind], MAX_SOURCE, &source_len, &why))) {
		fprintf(stderr, "stockade: cannot read %s: %s\n", argv[optind], why);
		goto out;
	}
	rq.source = source;
	rq.source_len = source_len;
	if ((ntests = read_tests(argv[optind + 1], conf.judge.max_tests, &tf)) < 0)
		goto out;
	if (!(tests = calloc((size_t)ntests, sizeof(*tests))))
		goto out;
	for (int i = 0; i < ntests; i++) {
		tests[i].in = tf[i].in;
		tests[i].in_len = tf[i].in_len;
		tests[i].exp = tf[i].has_out ? (tf[i].out ? tf[i].out : "") : NULL;
		tests[i].exp_len = tf[i].out_len;
	}
	rq.tests = tests;
	rq.ntests = (unsigned)ntests;
	if (geteuid() != 0) {
		fprintf(stderr, "stockade: stockade judge needs root: it creates cgroups, "
			"namespaces and uid mappings\n");
		goto out;
	}
	if (sbx_runner_init(&runner, &why) < 0) {
		fprintf(stderr, "stockade: cannot prepare: %s\n", why);
		goto out;
	}
	sbx_judge_ceiling(&rq.lim, rq.cpu_extra_ms, &rq.compile_lim, &ceiling);
	{
		/* enough cells armed ahead for the compiler and the first tests at once */
		unsigned jobs = rq.ntests * rq.runs + (rq.compile ? 1 : 0);
		unsigned target = jobs < rq.width + 2 ? jobs : rq.width + 2;

		if (sbx_spare_open(&sp, &runner.site, &runner.sys, &ceiling, sbx_cell_env, target,
				   &why) < 0) {
			fprintf(stderr, "stockade: cannot start cells: %s\n", why);
			sbx_runner_free(&runner);
			goto out;
		}
	}
	if (sbx_judge(sp, &rq, &res, &why) < 0) {
		fprintf(stderr, "stockade: cannot judge: %s\n", why);
	} else {
		json_t *j;
		char *s = NULL;

		sbx_judge_version(lang, version, sizeof(version));
		if ((j = sbx_judge_json(&rq, &res, version[0] ? version : NULL)))
			s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
		json_decref(j);
		if (s) {
			puts(s);
			free(s);
			rc = fflush(stdout) == 0 ? EXIT_RESULT : EXIT_FAILED;
		} else {
			fprintf(stderr, "stockade: cannot encode the result: out of memory\n");
		}
	}
	sbx_judge_result_free(&res);
	sbx_spare_close(sp);
	sbx_runner_free(&runner);
out:
	for (int i = 0; i < ntests; i++) {
		free(tf[i].stem);
		free(tf[i].in);
		free(tf[i].out);
	}
	free(tf);
	free(tests);
	free(source);
	free(copts_buf);
	return rc;
}
