/*
 * judge.c - compile once, run every test in a fresh pre-started cell, give verdicts.
 *
 * The compiler runs in a spare cell of its own under the compile limits; the cell is
 * kept (ended, not destroyed) while the tests run, and each test cell gets a copy of
 * what the compiler made, read from it without following anything the compiler could
 * have planted. An interpreted program is staged into each test cell as source.
 *
 * Tests run as jobs (test x run) taken in order by `width` threads: the caller and
 * width - 1 helpers. Each job takes a spare cell, stages the program, hands it its
 * stdin as a sealed file (sbx_sealed_memfd), fires it and waits. The
 * verdict is decided as soon as the run ends, from the host's measurements first and
 * the comparison last; the output is then cut to what the caller keeps, so a
 * submission of many tests never holds every test's whole output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "judge.h"
#include "result.h"
#include "run.h"
#include "util.h"

#define MAX_WORDS (SBX_LANG_MAXARGS + SBX_JUDGE_MAX_ARGS + 2)

const char *sbx_verdict_name(enum sbx_verdict v)
{
	static const char *const names[] = {
		[SBX_V_ACCEPTED] = "accepted",
		[SBX_V_WRONG_ANSWER] = "wrong_answer",
		[SBX_V_RUNTIME_ERROR] = "runtime_error",
		[SBX_V_OUTPUT_LIMIT] = "output_limit",
		[SBX_V_MEMORY_LIMIT] = "memory_limit",
		[SBX_V_TIME_LIMIT] = "time_limit",
		[SBX_V_INTERNAL_ERROR] = "internal_error",
		[SBX_V_COMPILATION_ERROR] = "compilation_error",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "internal_error";
}

/* A command line: words, then extra words, with {memory_mb} replaced. */
struct cmdline {
	const char *argv[MAX_WORDS + 1];
	char buf[SBX_FIRE_MAX_ARGV];
};

static int build_cmd(struct cmdline *c, const char *const *words, const char *const *extra,
		     uint64_t memory, const char **why)
{
	size_t used = 0;
	unsigned n = 0;

	c->argv[0] = NULL;
	if (sbx_lang_words(words, memory, c->argv, &n, MAX_WORDS + 1, c->buf, &used,
			   sizeof(c->buf)) < 0 ||
	    (extra && sbx_lang_words(extra, memory, c->argv, &n, MAX_WORDS + 1, c->buf, &used,
				     sizeof(c->buf)) < 0)) {
		*why = "the command line is too long";
		return -E2BIG;
	}
	if (n == 0) {
		*why = "empty command line";
		return -EINVAL;
	}
	return 0;
}

/* Everything the jobs share. */
struct judging {
	struct sbx_spare *sp;
	const struct sbx_judge_req *rq;
	struct sbx_judge_result *res;
	struct cmdline run;
	struct sbx_spare_cell *cc;	/* the compile cell, or NULL */
	struct sbx_judge_run *jobs;	/* ntests * runs */
	unsigned njobs;
	atomic_uint next;
	atomic_uint cells, misses;
	atomic_bool starved;		/* a take timed out: the rest fail at once */
	uint64_t prog_bytes;		/* what the compiler made, staged in each cell */
	bool user_binary;		/* the program exec'd was made by the compiler */
};

/* Stages the extra files (data, headers, modules); *bytes grows by their size. */
static int stage_files(struct sbx_cell *c, const struct sbx_judge_req *rq, uint64_t *bytes,
		       const char **why)
{
	int rc = 0;

	for (unsigned i = 0; rc == 0 && i < rq->nfiles; i++) {
		rc = sbx_cell_put(c, rq->files[i].name, rq->files[i].data, rq->files[i].len, 0644,
				  why);
		*bytes += rq->files[i].len;
	}
	return rc;
}

/* Stages the source and the extra files; *bytes gets their size. */
static int stage_sources(struct sbx_cell *c, const struct sbx_judge_req *rq, uint64_t *bytes,
			 const char **why)
{
	int rc = sbx_cell_put(c, rq->lang->source, rq->source, rq->source_len, 0644, why);

	*bytes = rq->source_len;
	return rc < 0 ? rc : stage_files(c, rq, bytes, why);
}

/* Keeps the first `keep` bytes of a captured stream, and only their memory: a
 * submission's tests must not each hold a whole output limit until the end. */
static void cut(struct sbx_buf *b, size_t keep)
{
	char *d;

	if (b->len <= keep)
		return;
	b->len = keep;
	b->truncated = true;
	if (!b->data)
		return;
	b->data[keep] = '\0';
	if ((d = realloc(b->data, keep + 1))) {
		b->data = d;
		b->alloc = keep + 1;
	}
}

/* The verdict of one run, from the host's measurements, then the comparison. */
static enum sbx_verdict verdict_of(const struct sbx_judge_req *rq, const struct sbx_judge_test *t,
				   struct sbx_judge_run *r)
{
	const struct sbx_outcome *o = &r->o;

	r->time_kind = NULL;
	if (o->status == SBX_STATUS_INTERNAL_ERROR) {
		snprintf(r->message, sizeof(r->message), "%s", o->message);
		return SBX_V_INTERNAL_ERROR;
	}
	if (o->cpu_exceeded || o->cpu_ms > rq->lim.cpu_ms || o->signal == SIGXCPU) {
		r->time_kind = "cpu";
		snprintf(r->message, sizeof(r->message), "CPU time %" PRIu64 " ms > %" PRIu64 " ms",
			 o->cpu_ms, rq->lim.cpu_ms);
		return SBX_V_TIME_LIMIT;
	}
	if (o->wall_exceeded) {
		r->time_kind = "wall";
		snprintf(r->message, sizeof(r->message), "wall time %" PRIu64 " ms > %" PRIu64 " ms",
			 o->wall_ms, rq->lim.wall_ms);
		return SBX_V_TIME_LIMIT;
	}
	if (o->oom || o->status == SBX_STATUS_MEMORY_LIMIT) {
		snprintf(r->message, sizeof(r->message), "memory limit of %" PRIu64 " KiB %s",
			 rq->lim.memory >> 10, o->oom ? "reached (killed)" : "reached (allocation failed)");
		return SBX_V_MEMORY_LIMIT;
	}
	if (o->output_exceeded) {
		snprintf(r->message, sizeof(r->message), "output over %" PRIu64 " bytes",
			 rq->lim.output);
		return SBX_V_OUTPUT_LIMIT;
	}
	if (o->status != SBX_STATUS_OK) {
		if (o->exec_failed)
			snprintf(r->message, sizeof(r->message), "%s", o->message);
		else if (o->signal)
			snprintf(r->message, sizeof(r->message), "killed by signal %d (SIG%s)",
				 o->signal, sigabbrev_np(o->signal) ? sigabbrev_np(o->signal) : "?");
		else
			snprintf(r->message, sizeof(r->message), "exit code %d", o->exit_code);
		return SBX_V_RUNTIME_ERROR;
	}
	if (t->exp && !sbx_compare(&rq->cmp, o->out.data, o->out.len, t->exp, t->exp_len)) {
		snprintf(r->message, sizeof(r->message), "the output differs from the expected (%s)",
			 sbx_compare_name(rq->cmp.mode));
		return SBX_V_WRONG_ANSWER;
	}
	r->message[0] = '\0';
	return SBX_V_ACCEPTED;
}

/* A run whose program never ran: its verdict (an internal error, or memory when its
 * files alone fill the limit) and why, with nothing measured. */
static void not_run(struct sbx_judge_run *r, enum sbx_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void not_run(struct sbx_judge_run *r, enum sbx_verdict v, const char *fmt, ...)
{
	va_list ap;

	sbx_outcome_free(&r->o);
	memset(&r->o, 0, sizeof(r->o));
	r->o.status = v == SBX_V_INTERNAL_ERROR ? SBX_STATUS_INTERNAL_ERROR
						: SBX_STATUS_MEMORY_LIMIT;
	r->o.exit_code = -1;
	sbx_buf_init(&r->o.out, 0);
	sbx_buf_init(&r->o.err, 0);
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	r->verdict = v;
	r->time_kind = NULL;
}

/* Runs job i: test i / runs, in a fresh spare cell. Returns true when the program
 * never started because of the cell (its set-up or the start failed): worth one more
 * try in another cell. */
static bool run_attempt(struct judging *j, unsigned i)
{
	const struct sbx_judge_req *rq = j->rq;
	const struct sbx_judge_test *t = &rq->tests[i / rq->runs];
	struct sbx_judge_run *r = &j->jobs[i];
	struct sbx_spare_cell *sc;
	struct sbx_limits lim = rq->lim;
	struct sbx_exec x = { .argv = j->run.argv, .stdin_fd = -1,
			      .merge_stderr = rq->redirect_stderr,
			      .user_binary = j->user_binary,
			      .end_with_program = true };
	const char *why = NULL, *what;
	uint64_t staged = 0;
	bool missed, retry = false;
	int rc;

	if (atomic_load(&j->starved)) {
		not_run(r, SBX_V_INTERNAL_ERROR, "no cell: an earlier test of this submission "
			"found none in time");
		return false;
	}
	if ((rc = sbx_spare_take(j->sp, rq->take_timeout_ms, &sc, &missed, &why)) < 0) {
		atomic_store(&j->starved, true);
		not_run(r, SBX_V_INTERNAL_ERROR, "no cell: %s", why);
		return false;
	}
	atomic_fetch_add(&j->cells, 1);
	if (missed)
		atomic_fetch_add(&j->misses, 1);
	if (j->cc) {
		rc = sbx_run_copy_binary(&sc->cell, &j->cc->cell, rq->lang, &staged, &why);
		if (rc == 0)
			rc = stage_files(&sc->cell, rq, &staged, &why);
	} else {
		rc = stage_sources(&sc->cell, rq, &staged, &why);
	}
	if (rc < 0) {
		what = "cannot stage the program";
		goto fail;
	}
	/* The staged files' pages are charged to the supervisor, which wrote them, not to
	 * the cell: they are taken off the cell's memory limit, so that the program and
	 * its files together stay within it (a program cannot hide data in its binary). */
	if (staged + (4u << 20) > lim.memory) {
		not_run(r, SBX_V_MEMORY_LIMIT, "the program's files alone (%" PRIu64 " KiB) leave "
			"no room in the memory limit of %" PRIu64 " KiB", staged >> 10,
			lim.memory >> 10);
		sbx_spare_done(j->sp, sc);
		return false;
	}
	lim.memory -= staged;
	if (t->in_len && (x.stdin_fd = sbx_sealed_memfd(t->in, t->in_len, &why)) < 0) {
		what = "cannot give the program its input";
		goto fail;
	}
	/* stopped at the limit plus the extra time, judged at the limit */
	lim.cpu_ms += rq->cpu_extra_ms;
	rc = sbx_cell_fire(&sc->cell, &sc->lv, &x, &lim, &r->o, &why);
	if (x.stdin_fd >= 0)
		close(x.stdin_fd);
	if (rc < 0) {
		what = "cannot start the program";
		retry = true;	/* the cell failed, not the program */
		goto fail;
	}
	if ((rc = sbx_cell_wait(&sc->cell, &x, &sc->lv, &r->o, &why)) < 0) {
		what = "cannot run the program";
		goto fail;
	}
	sbx_spare_done(j->sp, sc);
	r->verdict = verdict_of(rq, t, r);
	cut(&r->o.out, rq->keep_output);
	cut(&r->o.err, rq->keep_output);
	return r->o.setup_failed;

fail:
	not_run(r, SBX_V_INTERNAL_ERROR, "%s: %s", what, why ? why : "unknown");
	sbx_spare_done(j->sp, sc);
	return retry;
}

static void run_job(struct judging *j, unsigned i)
{
	/* a cell that failed before the program ran says nothing about the program */
	if (run_attempt(j, i)) {
		sbx_outcome_free(&j->jobs[i].o);
		run_attempt(j, i);
	}
}

static void *job_thread(void *arg)
{
	struct judging *j = arg;
	unsigned i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->njobs)
		run_job(j, i);
	return NULL;
}

/* Compiles into j->cc (kept for the tests) or sets the compile verdict. */
static int compile(struct judging *j, const char **why)
{
	const struct sbx_judge_req *rq = j->rq;
	struct sbx_judge_result *res = j->res;
	static __thread struct cmdline cmd;
	/* not ended early: nothing the compiler started may outlive it while the tests
	 * copy what it made */
	struct sbx_exec x = { .argv = cmd.argv, .stdin_fd = -1, .merge_stderr = true };
	struct sbx_outcome *o = &res->compile;
	struct sbx_spare_cell *sc;
	unsigned long long t0 = sbx_now_ns();
	bool missed;
	int rc;

	res->compiled = true;
	sbx_buf_init(&res->compile_out, 0);
	if ((rc = build_cmd(&cmd, rq->compile, rq->compile_extra, rq->compile_lim.memory, why)) < 0)
		return rc;
	if ((rc = sbx_spare_take(j->sp, rq->take_timeout_ms, &sc, &missed, why)) < 0)
		return rc;
	atomic_fetch_add(&j->cells, 1);
	if (missed)
		atomic_fetch_add(&j->misses, 1);
	if ((rc = stage_sources(&sc->cell, rq, &j->prog_bytes, why)) < 0 ||
	    (rc = sbx_cell_fire(&sc->cell, &sc->lv, &x, &rq->compile_lim, o, why)) < 0 ||
	    (rc = sbx_cell_wait(&sc->cell, &x, &sc->lv, o, why)) < 0) {
		sbx_spare_done(j->sp, sc);
		return rc;
	}
	res->compile_ms = (sbx_now_ns() - t0) / 1000000;
	/* the compiler's messages are the compile output, never a program's */
	res->compile_out = o->out;
	sbx_buf_init(&o->out, 0);
	if (o->status == SBX_STATUS_OK) {
		const char *w = NULL;

		/* what the compiler made is user-shaped: a program that cannot be copied
		 * (none, a link, too many or too large files) is a compilation error */
		rc = sbx_run_copy_binary(NULL, &sc->cell, rq->lang, &j->prog_bytes, &w);
		if (rc == 0) {
			res->compile_verdict = SBX_V_ACCEPTED;
			j->cc = sc;
			return 0;
		}
		sbx_spare_done(j->sp, sc);
		if (!sbx_run_binary_error(rc)) {
			*why = w;
			return rc;
		}
		sbx_compile_unrunnable_note(&res->compile_out, w);
		res->compile_verdict = SBX_V_COMPILATION_ERROR;
		return 0;
	}
	if (o->status == SBX_STATUS_INTERNAL_ERROR) {
		res->compile_verdict = SBX_V_INTERNAL_ERROR;
	} else {
		sbx_compile_limit_note(o, &res->compile_out);
		res->compile_verdict = SBX_V_COMPILATION_ERROR;
	}
	sbx_spare_done(j->sp, sc);
	return 0;
}

int sbx_judge(struct sbx_spare *sp, const struct sbx_judge_req *rq, struct sbx_judge_result *res,
	      const char **why)
{
	struct judging *j;
	unsigned long long t0 = sbx_now_ns();
	pthread_t th[64];
	unsigned nth = 0;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (rq->runs < 1 || rq->width < 1 || rq->ntests < 1) {
		*why = "nothing to judge";
		return -EINVAL;
	}
	if (!(j = calloc(1, sizeof(*j)))) {
		*why = "out of memory";
		return -ENOMEM;
	}
	j->sp = sp;
	j->rq = rq;
	j->res = res;
	j->njobs = rq->ntests * rq->runs;
	if ((rc = build_cmd(&j->run, rq->run, rq->args, rq->lim.memory, why)) < 0)
		goto out;
	/* a program the compiler made (not the host's JVM): failing to exec it is the
	 * program's runtime error, not Stockade's */
	j->user_binary = !strncmp(j->run.argv[0], "/mnt/data/", 10);
	if (!(j->jobs = calloc(j->njobs, sizeof(*j->jobs))) ||
	    !(res->tests = calloc(rq->ntests, sizeof(*res->tests)))) {
		*why = "out of memory";
		rc = -ENOMEM;
		goto out;
	}
	res->ntests = rq->ntests;
	if (rq->compile && rq->compile[0]) {
		if ((rc = compile(j, why)) < 0)
			goto out;
		if (res->compile_verdict != SBX_V_ACCEPTED) {
			res->verdict = res->compile_verdict;
			goto done;
		}
	}

	/* the jobs: width - 1 helpers and this thread */
	for (unsigned w = 1; w < rq->width && w < j->njobs && nth < 64; w++) {
		if (pthread_create(&th[nth], NULL, job_thread, j) != 0)
			break;	/* fewer at once, same results */
		nth++;
	}
	job_thread(j);
	while (nth > 0)
		pthread_join(th[--nth], NULL);

	/* each test: its most severe run, times averaged, memory the largest */
	res->verdict = SBX_V_ACCEPTED;
	for (unsigned t = 0; t < rq->ntests; t++) {
		struct sbx_judge_run *worst = &j->jobs[t * rq->runs];
		uint64_t cpu = 0, wall = 0, mem = 0;

		for (unsigned k = 0; k < rq->runs; k++) {
			struct sbx_judge_run *r = &j->jobs[t * rq->runs + k];

			cpu += r->o.cpu_ms;
			wall += r->o.wall_ms;
			if (r->o.memory_peak_kb > mem)
				mem = r->o.memory_peak_kb;
			if (r->verdict > worst->verdict)
				worst = r;
		}
		res->tests[t] = *worst;
		sbx_buf_init(&worst->o.out, 0);	/* moved */
		sbx_buf_init(&worst->o.err, 0);
		res->tests[t].o.cpu_ms = cpu / rq->runs;
		res->tests[t].o.wall_ms = wall / rq->runs;
		res->tests[t].o.memory_peak_kb = mem;
		if (worst->verdict > res->verdict)
			res->verdict = worst->verdict;
		if (res->tests[t].verdict == SBX_V_ACCEPTED)
			res->passed++;
	}
	res->ran = rq->ntests;
done:
	res->cells = atomic_load(&j->cells);
	res->misses = atomic_load(&j->misses);
	res->judge_ms = (sbx_now_ns() - t0) / 1000000;
out:
	if (j->cc)
		sbx_spare_done(sp, j->cc);
	if (j->jobs)
		for (unsigned i = 0; i < j->njobs; i++)
			sbx_outcome_free(&j->jobs[i].o);
	free(j->jobs);
	free(j);
	return rc;
}

void sbx_judge_result_free(struct sbx_judge_result *res)
{
	if (res->compiled) {
		sbx_outcome_free(&res->compile);
		sbx_buf_free(&res->compile_out);
	}
	for (unsigned i = 0; res->tests && i < res->ntests; i++)
		sbx_outcome_free(&res->tests[i].o);
	free(res->tests);
	memset(res, 0, sizeof(*res));
}

/* exit_code and signal as JSON: null when not applicable. */
static void status_json(json_t *o, const struct sbx_outcome *oc, int *err)
{
	*err |= json_object_set_new(o, "exit_code", oc->exit_code >= 0 ?
				    json_integer(oc->exit_code) : json_null()) < 0;
	*err |= json_object_set_new(o, "signal", oc->signal ? json_integer(oc->signal) :
				    json_null()) < 0;
}

static json_t *limits_json(const struct sbx_judge_req *rq)
{
	const struct sbx_limits *l = &rq->lim;

	return json_pack("{sI sI sI sI sI sI sI sI}", "cpu_ms", (json_int_t)l->cpu_ms,
			 "cpu_extra_ms", (json_int_t)rq->cpu_extra_ms, "wall_ms",
			 (json_int_t)l->wall_ms, "memory_kb", (json_int_t)(l->memory >> 10),
			 "stack_kb", (json_int_t)(l->stack >> 10), "pids", (json_int_t)l->pids,
			 "file_size_kb", (json_int_t)(l->fsize >> 10), "output_kb",
			 (json_int_t)(l->output >> 10));
}

json_t *sbx_judge_json(const struct sbx_judge_req *rq, const struct sbx_judge_result *res,
		       const char *version)
{
	json_t *o = json_object(), *tests = json_array(), *c;
	uint64_t cpu = 0, wall = 0, mem = 0;
	int err = !o || !tests;

	for (unsigned i = 0; !err && i < res->ran; i++) {
		const struct sbx_judge_run *r = &res->tests[i];
		json_t *t = json_object();

		err |= !t;
		if (err)
			break;
		err |= json_object_set_new(t, "verdict",
					   json_string(sbx_verdict_name(r->verdict))) < 0;
		err |= json_object_set_new(t, "time_kind", r->time_kind ?
					   json_string(r->time_kind) : json_null()) < 0;
		err |= json_object_set_new(t, "cpu_ms", json_integer((json_int_t)r->o.cpu_ms)) < 0;
		err |= json_object_set_new(t, "wall_ms", json_integer((json_int_t)r->o.wall_ms)) < 0;
		err |= json_object_set_new(t, "memory_kb",
					   json_integer((json_int_t)r->o.memory_peak_kb)) < 0;
		status_json(t, &r->o, &err);
		err |= sbx_result_stream(t, "stdout", &r->o.out, false) < 0;
		err |= json_object_set_new(t, "stdout_truncated", json_boolean(r->o.out.truncated)) < 0;
		err |= sbx_result_stream(t, "stderr", &r->o.err, false) < 0;
		err |= json_object_set_new(t, "stderr_truncated", json_boolean(r->o.err.truncated)) < 0;
		err |= json_object_set_new(t, "message", r->message[0] ? json_string(r->message) :
					   json_null()) < 0;
		err |= json_array_append_new(tests, t) < 0;
		cpu = r->o.cpu_ms > cpu ? r->o.cpu_ms : cpu;
		wall = r->o.wall_ms > wall ? r->o.wall_ms : wall;
		mem = r->o.memory_peak_kb > mem ? r->o.memory_peak_kb : mem;
	}
	if (err) {
		json_decref(o);
		json_decref(tests);
		return NULL;
	}
	err |= json_object_set_new(o, "verdict", json_string(sbx_verdict_name(res->verdict))) < 0;
	err |= json_object_set_new(o, "language", json_string(rq->lang->name)) < 0;
	err |= json_object_set_new(o, "version", version ? json_string(version) : json_null()) < 0;
	if (res->compiled) {
		const char *st = res->compile_verdict == SBX_V_ACCEPTED ? "ok"
				 : sbx_verdict_name(res->compile_verdict);

		c = json_object();
		err |= !c;
		if (c) {
			err |= json_object_set_new(c, "status", json_string(st)) < 0;
			err |= sbx_result_stream(c, "output", &res->compile_out, false) < 0;
			err |= json_object_set_new(c, "output_truncated",
						   json_boolean(res->compile_out.truncated)) < 0;
			status_json(c, &res->compile, &err);
			err |= json_object_set_new(c, "cpu_ms",
						   json_integer((json_int_t)res->compile.cpu_ms)) < 0;
			err |= json_object_set_new(c, "wall_ms",
						   json_integer((json_int_t)res->compile.wall_ms)) < 0;
			err |= json_object_set_new(c, "memory_kb",
						   json_integer((json_int_t)res->compile.memory_peak_kb)) < 0;
			if (res->compile_verdict == SBX_V_INTERNAL_ERROR)
				err |= json_object_set_new(c, "message",
							   json_string(res->compile.message)) < 0;
		}
		err |= json_object_set_new(o, "compile", c) < 0;
	} else {
		err |= json_object_set_new(o, "compile", json_null()) < 0;
	}
	err |= json_object_set_new(o, "tests", tests) < 0;
	err |= json_object_set_new(o, "passed", json_integer(res->passed)) < 0;
	err |= json_object_set_new(o, "total", json_integer(res->ntests)) < 0;
	err |= json_object_set_new(o, "cpu_ms", json_integer((json_int_t)cpu)) < 0;
	err |= json_object_set_new(o, "wall_ms", json_integer((json_int_t)wall)) < 0;
	err |= json_object_set_new(o, "memory_kb", json_integer((json_int_t)mem)) < 0;
	err |= json_object_set_new(o, "limits", limits_json(rq)) < 0;
	err |= json_object_set_new(o, "compare",
				   json_pack("{ss sf sf}", "mode", sbx_compare_name(rq->cmp.mode),
					     "abs", rq->cmp.abs_tol, "rel", rq->cmp.rel_tol)) < 0;
	err |= json_object_set_new(o, "stats",
				   json_pack("{sI sI sI sI}", "judge_ms", (json_int_t)res->judge_ms,
					     "compile_ms", (json_int_t)res->compile_ms, "cells",
					     (json_int_t)res->cells, "spare_misses",
					     (json_int_t)res->misses)) < 0;
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Splits line on spaces into words stored in buf[*used..], appended to argv. */
static int split_line(const char *line, const char **argv, char *buf, size_t *used, size_t buflen)
{
	unsigned n = 0;

	for (const char *p = line; *p;) {
		size_t w;

		p += strspn(p, " ");
		if (!(w = strcspn(p, " ")))
			break;
		if (n >= SBX_LANG_MAXARGS || w + 1 > buflen - *used)
			return -E2BIG;
		memcpy(buf + *used, p, w);
		buf[*used + w] = '\0';
		argv[n++] = buf + *used;
		*used += w + 1;
		p += w;
	}
	argv[n] = NULL;
	return 0;
}

int sbx_judge_cmds(const struct sbx_lang *l, const char *compile_line, const char *run_line,
		   struct sbx_judge_cmds *out, const char **why)
{
	size_t used = 0;

	memset(out, 0, sizeof(*out));
	if (sbx_lang_compiled(l) && compile_line && *compile_line) {
		if (split_line(compile_line, out->compile, out->buf, &used, sizeof(out->buf)) < 0)
			goto big;
	} else {
		memcpy(out->compile, l->compile, sizeof(l->compile));
	}
	if (run_line && *run_line) {
		if (split_line(run_line, out->run, out->buf, &used, sizeof(out->buf)) < 0)
			goto big;
	} else {
		memcpy(out->run, l->run, sizeof(l->run));
	}
	return 0;
big:
	*why = "a command line has too many words";
	return -E2BIG;
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

void sbx_judge_ceiling(const struct sbx_limits *t, uint64_t max_extra_ms,
		       const struct sbx_limits *c, struct sbx_limits *ceil)
{
	*ceil = *t;
	ceil->cpu_ms = MAX(t->cpu_ms + max_extra_ms, c->cpu_ms);
	ceil->wall_ms = MAX(t->wall_ms, c->wall_ms);
	ceil->memory = MAX(t->memory, c->memory);
	ceil->pids = MAX(t->pids, c->pids);
	ceil->output = MAX(t->output, c->output);
	ceil->disk = MAX(t->disk, c->disk);
	ceil->inodes = MAX(t->inodes, c->inodes);
	ceil->fsize = MAX(t->fsize, c->fsize);
	ceil->stack = MAX(t->stack, c->stack);
	ceil->nofile = MAX(t->nofile, c->nofile);
	ceil->cpus = MAX(t->cpus, c->cpus);
}

void sbx_judge_version(const struct sbx_lang *l, char *out, size_t len)
{
	char buf[4096];
	size_t got = 0;
	int p[2], st;
	pid_t pid;

	out[0] = '\0';
	if (!l->version[0] || pipe2(p, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execv(l->version[0], (char *const *)l->version);
		_exit(127);
	}
	close(p[1]);
	if (pid > 0) {
		ssize_t n;

		while (got < sizeof(buf) - 1 &&
		       ((n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0 ||
			(n < 0 && errno == EINTR)))
			if (n > 0)
				got += (size_t)n;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	close(p[0]);
	buf[got] = '\0';
	/* the first digit run with a dot in it: "v20.19.2", "Python 3.11.2", "12.2.0" */
	for (char *q = buf; *q; q++) {
		size_t n = strspn(q, "0123456789.");

		if (n > 2 && q[0] >= '0' && q[0] <= '9' && memchr(q, '.', n)) {
			while (n && q[n - 1] == '.')
				n--;
			snprintf(out, len, "%.*s", (int)n, q);
			return;
		}
		if (n)
			q += n - 1;
	}
}
