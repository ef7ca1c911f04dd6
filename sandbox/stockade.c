/*
 * stockade.c - the `stockade` command line tool.
 *
 *   stockade run [options] (FILE | -c CODE)   run one program in a fresh cell
 *   stockade judge [options] SOURCE TESTDIR   judge a submission: execs stockade-judge
 *                                             beside this binary (judge_cli.c)
 *   stockade check                            what the kernel offers
 *   stockade exec | files | sessions | pool   talk to the keeper (client.c)
 *
 * `run` needs no server: it is its own supervisor (see cell.c for the process tree). For
 * compiled languages it runs the compiler in one cell, copies the binary out through
 * the supervisor's handle on that cell's /mnt/data, and runs it in a second, fresh cell.
 * It prints one JSON object on stdout and exits 0 whenever it produced a result,
 * whatever the program did; 1 when Stockade itself failed; 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cell.h"
#include "cgroup.h"
#include "check.h"
#include "client.h"
#include "filter.h"
#include "lang.h"
#include "limit.h"
#include "result.h"
#include "run.h"
#include "slot.h"
#include "util.h"

#define STOCKADE_VERSION "0.4.0"

/* The largest program text and --stdin file accepted. */
#define MAX_CODE (16u << 20)
#define MAX_STDIN (64u << 20)

enum { EXIT_RESULT = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stockade run [--lang L] [--time S] [--wall S] [--memory SIZE] [--pids N]\n"
		"                    [--output SIZE] [--disk SIZE] [--fsize SIZE] [--stdin FILE]\n"
		"                    (FILE | -c CODE)\n"
		"       stockade judge [options] SOURCE TESTDIR   (stockade judge --help)\n"
		"       stockade check\n"
		"       stockade --version\n");
	client_usage(f);
	fprintf(f,
		"\n"
		"  --lang L       python, node, bash, c, cpp, java (default: from FILE's extension,\n"
		"                 python for -c)\n"
		"  --time S       CPU seconds, all processes together (default 5)\n"
		"  --wall S       wall-clock seconds (default 10)\n"
		"  --memory SIZE  memory, tmpfs included, no swap (default 256M)\n"
		"  --pids N       processes and threads (default 64)\n"
		"  --output SIZE  bytes kept per stream; more ends the run (default 1M)\n"
		"  --disk SIZE    size of each of /tmp, /mnt/data, /dev/shm (default 64M)\n"
		"  --fsize SIZE   largest file the program may write (default 16M)\n"
		"  --stdin FILE   the program's standard input (default: empty)\n"
		"SIZE takes K, M, G suffixes (powers of 1024); S takes fractions (0.5).\n");
}

static int fail(const char *fmt, const char *arg, const char *why)
{
	fprintf(stderr, "stockade: ");
	fprintf(stderr, fmt, arg);
	if (why)
		fprintf(stderr, ": %s", why);
	fputc('\n', stderr);
	return EXIT_FAILED;
}


/* The program's stdin: a sealed memfd holding the file, so the program sees a seekable
 * private copy and nothing of the host's file system. */
static int stdin_memfd(const char *path, const char **why)
{
	size_t len;
	char *data = sbx_slurp(path, MAX_STDIN, &len, why);
	int fd;

	if (!data)
		return -1;
	fd = sbx_sealed_memfd(data, len, why);
	free(data);
	return fd < 0 ? -1 : fd;
}

static int print_result(const struct sbx_run_result *res)
{
	const struct sbx_outcome *o = &res->o;
	json_t *r = sbx_result_json(o, res->compiled ? &res->compile_out : NULL);
	char *s;

	if (!r)
		return fail("%s", "cannot encode the result", "out of memory");
	s = json_dumps(r, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(r);
	if (!s)
		return fail("%s", "cannot encode the result", "out of memory");
	puts(s);
	free(s);
	if (fflush(stdout) != 0)
		return EXIT_FAILED;
	if (res->leftover)
		fprintf(stderr, "stockade: warning: a cell's cgroup could not be removed yet; "
			"the next run in its slot removes it\n");
	if (o->status == SBX_STATUS_INTERNAL_ERROR) {
		fprintf(stderr, "stockade: internal error: %s\n", o->message);
		return EXIT_FAILED;
	}
	return EXIT_RESULT;
}

static int parse_limit(const char *opt, const char *val, int rc)
{
	if (rc < 0) {
		fprintf(stderr, "stockade: %s: invalid value '%s'\n", opt, val);
		return EXIT_USAGE;
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "time", required_argument, NULL, 't' },
		{ "wall", required_argument, NULL, 'w' },
		{ "memory", required_argument, NULL, 'm' },
		{ "pids", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "disk", required_argument, NULL, 'd' },
		{ "fsize", required_argument, NULL, 'f' },
		{ "stdin", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sbx_limits lim;
	struct sbx_runner runner;
	struct sbx_run_result res;
	const struct sbx_lang *lang = NULL;
	const char *code_arg = NULL, *file = NULL, *stdin_path = NULL, *why = NULL;
	char *code;
	size_t len;
	uint64_t n;
	int c, rc, stdin_fd = -1;

	sbx_limits_default(&lim);
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!(lang = sbx_lang_find(optarg))) {
				fprintf(stderr, "stockade: --lang: unknown language '%s' "
					"(python, node, bash, c, cpp)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if ((rc = parse_limit("--time", optarg, sbx_parse_seconds(optarg, &lim.cpu_ms))))
				return rc;
			break;
		case 'w':
			if ((rc = parse_limit("--wall", optarg, sbx_parse_seconds(optarg, &lim.wall_ms))))
				return rc;
			break;
		case 'm':
			if ((rc = parse_limit("--memory", optarg, sbx_parse_size(optarg, &lim.memory))))
				return rc;
			break;
		case 'p':
			if ((rc = parse_limit("--pids", optarg, sbx_parse_uint(optarg, 1, 32768, &n))))
				return rc;
			lim.pids = (uint32_t)n;
			break;
		case 'o':
			if ((rc = parse_limit("--output", optarg, sbx_parse_size(optarg, &lim.output))))
				return rc;
			break;
		case 'd':
			if ((rc = parse_limit("--disk", optarg, sbx_parse_size(optarg, &lim.disk))))
				return rc;
			break;
		case 'f':
			if ((rc = parse_limit("--fsize", optarg, sbx_parse_size(optarg, &lim.fsize))))
				return rc;
			break;
		case 'i':
			stdin_path = optarg;
			break;
		case 'c':
			code_arg = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_RESULT;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if ((code_arg != NULL) == (optind < argc) || argc - optind > 1) {
		fprintf(stderr, "stockade: run takes exactly one of FILE or -c CODE\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!sbx_limits_valid(&lim, &why)) {
		fprintf(stderr, "stockade: %s\n", why);
		return EXIT_USAGE;
	}
	if (code_arg) {
		len = strlen(code_arg);
		if (len > MAX_CODE)
			return fail("%s", "-c CODE", "too large");
		code = strdup(code_arg);
		if (!lang)
			lang = sbx_lang_find("python");
	} else {
		file = argv[optind];
		if (!lang && !(lang = sbx_lang_for_file(file))) {
			fprintf(stderr, "stockade: cannot tell the language of '%s': use --lang\n", file);
			return EXIT_USAGE;
		}
		code = sbx_slurp(file, MAX_CODE, &len, &why);
		if (!code)
			return fail("cannot read %s", file, why);
	}
	if (!code)
		return fail("%s", "out of memory", NULL);
	if (geteuid() != 0) {
		free(code);
		return fail("%s", "stockade run needs root: it creates cgroups, namespaces "
			    "and uid mappings", NULL);
	}
	if (stdin_path && (stdin_fd = stdin_memfd(stdin_path, &why)) < 0) {
		free(code);
		return fail("cannot read --stdin %s", stdin_path, why);
	}

	rc = EXIT_FAILED;
	if (sbx_runner_init(&runner, &why) < 0) {
		fail("%s", "cannot prepare", why);
		goto out;
	}
	if (sbx_run_program(&runner, lang, &lim, code, len, stdin_fd, &res, &why) < 0)
		rc = fail("%s", "cannot run the program", why);
	else
		rc = print_result(&res);
	sbx_run_result_free(&res);
	sbx_runner_free(&runner);
out:
	if (stdin_fd >= 0)
		close(stdin_fd);
	free(code);
	return rc;
}

/* `stockade judge ...`: runs stockade-judge from this binary's directory with the same
 * arguments (its own binary: see judge_tool.c). Returns only on failure. */
static int exec_judge(char **argv)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0 || (size_t)n > sizeof(self) - sizeof("stockade-judge"))
		return fail("%s", "cannot find stockade-judge", "where is this binary?");
	self[n] = '\0';
	slash = strrchr(self, '/');
	strcpy(slash + 1, "stockade-judge");
	argv[1] = "judge";
	execv(self, argv + 1);
	return fail("cannot run %s", self, strerror(errno));
}

static int cmd_check(void)
{
	struct sbx_site site;
	const char *why;

	if (sbx_site_from_env(&site, &why) < 0)
		return fail("%s", "bad environment", why);
	return sbx_check(stdout, &site);
}

int main(int argc, char **argv)
{
	/* a cell that dies early closes the pipes we write: EPIPE, not death */
	signal(SIGPIPE, SIG_IGN);
	sbx_cell_hide_argv(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "judge"))
		return exec_judge(argv);
	if (!strcmp(argv[1], "check"))
		return cmd_check();
	if (!strcmp(argv[1], "exec") || !strcmp(argv[1], "files") ||
	    !strcmp(argv[1], "sessions") || !strcmp(argv[1], "pool"))
		return client_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("stockade %s\n", STOCKADE_VERSION);
		return EXIT_RESULT;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_RESULT;
	}
	fprintf(stderr, "stockade: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
