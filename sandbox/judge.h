/*
 * judge.h - compile once, run many tests, give verdicts.
 *
 * A submission is compiled once in a cell of its own (for compiled languages), then
 * each test case runs in a fresh single-use cell taken from a pool of pre-started
 * empty cells (spare.h), up to `width` tests at once. Each run gets a verdict from
 * what the host measured (cgroup CPU time, wall time, OOM kills, output size, exit
 * status) and then, only if it ran cleanly, from comparing its stdout with the
 * expected output. Nothing the program prints can change a verdict otherwise.
 *
 * Used by the keeper (PROTO_JUDGE, for the HTTP APIs) and by `stockade judge`.
 */
#ifndef SBX_JUDGE_H
#define SBX_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "buf.h"
#include "cell.h"
#include "compare.h"
#include "lang.h"
#include "limit.h"
#include "spare.h"

/* Verdicts, least severe first: when several apply, the most severe wins. A
 * compilation error means no test ran. */
enum sbx_verdict {
	SBX_V_ACCEPTED,
	SBX_V_WRONG_ANSWER,
	SBX_V_RUNTIME_ERROR,
	SBX_V_OUTPUT_LIMIT,
	SBX_V_MEMORY_LIMIT,
	SBX_V_TIME_LIMIT,
	SBX_V_INTERNAL_ERROR,
	SBX_V_COMPILATION_ERROR,
};

/* The wire name ("accepted", "wrong_answer", ...). */
const char *sbx_verdict_name(enum sbx_verdict v);

#define SBX_JUDGE_MAX_FILES 16
#define SBX_JUDGE_MAX_ARGS 64

struct sbx_judge_file {
	const char *name;		/* a plain file name (sbx_cell_plain_name) */
	const char *data;
	size_t len;
};

struct sbx_judge_test {
	const char *in;			/* stdin, in_len bytes */
	size_t in_len;
	const char *exp;		/* the expected stdout, or NULL: not compared */
	size_t exp_len;
};

struct sbx_judge_req {
	const struct sbx_lang *lang;
	const char *const *compile;	/* the compiler's words (NULL-terminated; NULL
					 * for an interpreted language) */
	const char *const *run;		/* the program's words ("{memory_mb}" allowed) */
	const char *const *compile_extra; /* appended to compile (compiler options) */
	const char *const *args;	/* appended to run (the program's arguments) */
	const char *source;
	size_t source_len;
	const struct sbx_judge_file *files;	/* staged beside the source */
	unsigned nfiles;
	struct sbx_limits lim;		/* each test; cpu_ms is the verdict's limit */
	uint64_t cpu_extra_ms;		/* the program is stopped at cpu_ms + this */
	struct sbx_limits compile_lim;
	struct sbx_compare cmp;
	bool redirect_stderr;		/* stderr joins stdout (and the comparison) */
	unsigned runs;			/* of each test (>= 1) */
	unsigned width;			/* tests at once (>= 1) */
	int take_timeout_ms;		/* how long to wait for a spare cell */
	size_t keep_output;		/* bytes of each stream kept per test once
					 * judged (the comparison sees it all) */
	const struct sbx_judge_test *tests;
	unsigned ntests;
};

/* One test's result (over its runs: the most severe verdict, its outcome; CPU and
 * wall time averaged, memory the largest). */
struct sbx_judge_run {
	enum sbx_verdict verdict;
	const char *time_kind;		/* "cpu", "wall" or NULL */
	struct sbx_outcome o;
	char message[200];
};

struct sbx_judge_result {
	enum sbx_verdict verdict;
	bool compiled;			/* compile and compile_out are set */
	struct sbx_outcome compile;	/* the compiler's (its output in compile_out) */
	struct sbx_buf compile_out;
	enum sbx_verdict compile_verdict; /* accepted, compilation or internal error */
	struct sbx_judge_run *tests;	/* ntests of them (none ran on a compile error) */
	unsigned ntests, ran, passed;
	uint64_t judge_ms, compile_ms;
	unsigned cells, misses;		/* cells used; of them, taken after a wait */
};

/*
 * Judges the submission. Returns 0 when *res holds a result (internal errors of
 * cells included); -errno with *why when judging could not proceed at all. Free *res
 * with sbx_judge_result_free either way.
 */
int sbx_judge(struct sbx_spare *sp, const struct sbx_judge_req *rq, struct sbx_judge_result *res,
	      const char **why);

void sbx_judge_result_free(struct sbx_judge_result *res);

/* A language's command lines as words: a configured line (words separated by
 * spaces) where given and not empty, else the built-in one of lang.c. */
struct sbx_judge_cmds {
	const char *compile[SBX_LANG_MAXARGS + 1];	/* { NULL } when interpreted */
	const char *run[SBX_LANG_MAXARGS + 1];
	char buf[1100];
};

/* Returns 0, or -E2BIG with *why (too many words). */
int sbx_judge_cmds(const struct sbx_lang *l, const char *compile_line, const char *run_line,
		   struct sbx_judge_cmds *out, const char **why);

/* The limits spare cells are armed with: the largest of every limit a test (its CPU
 * time with the most extra time) or the compiler may be given. */
void sbx_judge_ceiling(const struct sbx_limits *test_max, uint64_t max_extra_ms,
		       const struct sbx_limits *compile, struct sbx_limits *ceiling);

/* Runs a language's version command on the host (lang->version: trusted, no user
 * input) and puts the first dotted number it prints in out ("12.2.0"); "" when none. */
void sbx_judge_version(const struct sbx_lang *l, char *out, size_t len);

/*
 * The result as JSON (the contract of PROTO_JUDGE's "result" and `stockade judge`'s
 * output). version may be NULL. A new reference, or NULL when memory ran out.
 */
json_t *sbx_judge_json(const struct sbx_judge_req *rq, const struct sbx_judge_result *res,
		       const char *version);

#endif
