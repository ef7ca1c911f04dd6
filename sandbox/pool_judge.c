/*
 * pool_judge.c - the keeper's judge (see pool_judge.h and judge.h).
 *
 * A request's text fields are used in place (jansson keeps them until the request is
 * freed); fields sent as base64 ("<field>_encoding": "base64") are decoded into
 * buffers the request owns. Every count and size is checked before anything is
 * allocated for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "pool_judge.h"
#include "proto.h"
#include "result.h"
#include "run.h"

#define MAX_COMPILER_OPTIONS 1024
#define MAX_ARG_LEN 4096
#define DEFAULT_KEEP (64u << 10)
/* What every test's kept stdout and stderr may add up to: escaped as JSON (at worst 6
 * bytes a byte) the reply stays under PROTO_MAX_JSON. */
#define KEEP_BUDGET (2u << 20)
/* How long a job waits for a spare cell before it is an internal error. */
#define TAKE_TIMEOUT_MS 60000
/* Room for sbx_langs' languages (6 today). */
#define MAX_LANGS 16

static struct {
	const struct conf *conf;
	struct sbx_spare *spare;
	char version[MAX_LANGS][32];	/* by index in sbx_langs */
	struct sbx_judge_cmds cmds[MAX_LANGS];
} J;

int pool_judge_open(const struct conf *c, const struct sbx_site *site,
		    const struct sbx_cg_sys *sys, const char **why)
{
	const struct conf_judge *cj = &c->judge;
	struct sbx_limits ceiling;
	int rc;

	J.conf = c;
	for (unsigned i = 0; i < sbx_nlangs && i < MAX_LANGS; i++) {
		const struct conf_lang *cl = conf_judge_lang(c, sbx_langs[i].name);

		sbx_judge_version(&sbx_langs[i], J.version[i], sizeof(J.version[i]));
		if ((rc = sbx_judge_cmds(&sbx_langs[i], cl ? cl->compile : NULL,
					 cl ? cl->run : NULL, &J.cmds[i], why)) < 0)
			return rc;
	}
	sbx_judge_ceiling(&cj->max, cj->max_cpu_extra_ms, &cj->compile, &ceiling);
	return sbx_spare_open(&J.spare, site, sys, &ceiling, sbx_cell_env, cj->spare, why);
}

void pool_judge_close(void)
{
	/* stopped, not freed: a connection thread may still give a cell back */
	if (J.spare)
		sbx_spare_stop(J.spare);
}

json_t *pool_judge_stats(void)
{
	struct sbx_spare_stats st;

	if (!J.spare)
		return json_null();
	sbx_spare_stats(J.spare, &st);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:s*}", "ready", (json_int_t)st.ready,
			 "target", (json_int_t)st.target, "started", (json_int_t)st.started,
			 "taken", (json_int_t)st.taken, "misses", (json_int_t)st.misses,
			 "failures", (json_int_t)st.failures, "last_arm_ms", st.last_arm_ms,
			 "last_error", st.last_error[0] ? st.last_error : NULL);
}

json_t *pool_judge_languages(void)
{
	json_t *list = json_array();

	for (unsigned i = 0; i < sbx_nlangs && i < MAX_LANGS; i++) {
		const struct sbx_lang *l = &sbx_langs[i];
		json_t *aliases = json_array(), *exts = json_array();
		char words[128];

		for (const char *lists[2] = { l->aliases, l->extensions }, **p = lists;
		     p < lists + 2; p++) {
			snprintf(words, sizeof(words), "%s", *p);
			for (char *save = NULL, *w = strtok_r(words, " ", &save); w;
			     w = strtok_r(NULL, " ", &save))
				json_array_append_new(p == lists ? aliases : exts, json_string(w));
		}
		json_array_append_new(
			list, json_pack("{s:s, s:o, s:s*, s:b, s:o, s:s}", "name", l->name, "aliases",
					aliases, "version", J.version[i][0] ? J.version[i] : NULL,
					"compiled", sbx_lang_compiled(l), "extensions", exts,
					"source", l->source));
	}
	return json_pack("{s:b, s:o}", "ok", 1, "languages", list);
}

/* ---- the request ------------------------------------------------------------------ */

struct parsed {
	struct sbx_judge_req rq;
	struct sbx_judge_file files[SBX_JUDGE_MAX_FILES];
	const char *extra[SBX_JUDGE_MAX_ARGS + 1];
	const char *args[SBX_JUDGE_MAX_ARGS + 1];
	char extra_buf[MAX_COMPILER_OPTIONS + 1];
	struct sbx_judge_test *tests;
	char **owned;			/* decoded buffers */
	unsigned nowned, owned_cap;
	json_t *err;			/* the error reply, when parsing failed */
};

static bool fail(struct parsed *p, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct parsed *p, const char *code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->err = proto_error(code, "%s", msg);
	return false;
}

/* A byte field: a string, decoded when "<key>_encoding" is "base64". A missing or
 * null field gives *data NULL (and true). */
static bool bytes_field(struct parsed *p, json_t *o, const char *key, const char *where,
			const char **data, size_t *len)
{
	json_t *v = json_object_get(o, key), *e;
	char enc_key[48];
	const char *enc = NULL;

	*data = NULL;
	*len = 0;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return fail(p, PROTO_E_BAD_REQUEST, "%s%s: must be a string", where, key);
	snprintf(enc_key, sizeof(enc_key), "%s_encoding", key);
	if ((e = json_object_get(o, enc_key)) && !json_is_null(e)) {
		if (!json_is_string(e) || (strcmp((enc = json_string_value(e)), "base64") &&
					   strcmp(enc, "utf-8")))
			return fail(p, PROTO_E_BAD_REQUEST, "%s%s: \"utf-8\" or \"base64\"", where,
				    enc_key);
	}
	if (enc && !strcmp(enc, "base64")) {
		char *d;

		if (p->nowned == p->owned_cap) {
			unsigned cap = p->owned_cap ? p->owned_cap * 2 : 16;
			char **n = realloc(p->owned, cap * sizeof(*n));

			if (!n)
				return fail(p, PROTO_E_INTERNAL, "out of memory");
			p->owned = n;
			p->owned_cap = cap;
		}
		if (!(d = sbx_base64_decode(json_string_value(v), json_string_length(v), len)))
			return fail(p, PROTO_E_BAD_REQUEST, "%s%s: not base64", where, key);
		p->owned[p->nowned++] = d;
		*data = d;
		return true;
	}
	*data = json_string_value(v);
	*len = json_string_length(v);
	return true;
}

/* An integer field in [min, max], scaled by `unit` into *out; absent leaves *out. */
static bool int_field(struct parsed *p, json_t *o, const char *obj, const char *key, int64_t min,
		      uint64_t max_scaled, uint64_t unit, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	json_int_t n;

	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v))
		return fail(p, PROTO_E_BAD_REQUEST, "%s%s: must be an integer", obj, key);
	n = json_integer_value(v);
	if (n < min)
		return fail(p, PROTO_E_BAD_REQUEST, "%s%s: at least %lld", obj, key, (long long)min);
	if ((uint64_t)n > max_scaled / unit)
		return fail(p, PROTO_E_BAD_REQUEST, "%s%s: at most %llu", obj, key,
			    (unsigned long long)(max_scaled / unit));
	*out = (uint64_t)n * unit;
	return true;
}

static bool parse_limits(struct parsed *p, json_t *req)
{
	const struct conf_judge *cj = &J.conf->judge;
	struct sbx_judge_req *rq = &p->rq;
	json_t *l = json_object_get(req, "limits"), *c = json_object_get(req, "compile_limits");
	uint64_t pids = rq->lim.pids;
	const char *why;

	if (l && !json_is_null(l)) {
		if (!json_is_object(l))
			return fail(p, PROTO_E_BAD_REQUEST, "limits: must be an object");
		if (!int_field(p, l, "limits.", "cpu_ms", 1, cj->max.cpu_ms, 1, &rq->lim.cpu_ms) ||
		    !int_field(p, l, "limits.", "cpu_extra_ms", 0, cj->max_cpu_extra_ms, 1,
			       &rq->cpu_extra_ms) ||
		    !int_field(p, l, "limits.", "wall_ms", 1, cj->max.wall_ms, 1, &rq->lim.wall_ms) ||
		    !int_field(p, l, "limits.", "memory_kb", 8192, cj->max.memory, 1024,
			       &rq->lim.memory) ||
		    !int_field(p, l, "limits.", "stack_kb", 64, cj->max.stack, 1024, &rq->lim.stack) ||
		    !int_field(p, l, "limits.", "pids", 1, cj->max.pids, 1, &pids) ||
		    !int_field(p, l, "limits.", "file_size_kb", 1, cj->max.fsize, 1024,
			       &rq->lim.fsize) ||
		    !int_field(p, l, "limits.", "output_kb", 1, cj->max.output, 1024,
			       &rq->lim.output))
			return false;
		rq->lim.pids = (uint32_t)pids;
	}
	if (c && !json_is_null(c)) {
		if (!json_is_object(c))
			return fail(p, PROTO_E_BAD_REQUEST, "compile_limits: must be an object");
		if (!int_field(p, c, "compile_limits.", "cpu_ms", 1, cj->compile.cpu_ms, 1,
			       &rq->compile_lim.cpu_ms) ||
		    !int_field(p, c, "compile_limits.", "wall_ms", 1, cj->compile.wall_ms, 1,
			       &rq->compile_lim.wall_ms) ||
		    !int_field(p, c, "compile_limits.", "memory_kb", 8192, cj->compile.memory, 1024,
			       &rq->compile_lim.memory))
			return false;
	}
	if (!sbx_limits_valid(&rq->lim, &why))
		return fail(p, PROTO_E_BAD_REQUEST, "limits: %s", why);
	if (!sbx_limits_valid(&rq->compile_lim, &why))
		return fail(p, PROTO_E_BAD_REQUEST, "compile_limits: %s", why);
	return true;
}

static bool parse_compare(struct parsed *p, json_t *req)
{
	json_t *c = json_object_get(req, "compare"), *v;

	if (!c || json_is_null(c))
		return true;
	if (!json_is_object(c))
		return fail(p, PROTO_E_BAD_REQUEST, "compare: must be an object");
	if ((v = json_object_get(c, "mode")) &&
	    (!json_is_string(v) || sbx_compare_mode(json_string_value(v), &p->rq.cmp.mode) < 0))
		return fail(p, PROTO_E_BAD_REQUEST, "compare.mode: exact, trailing_whitespace, "
			    "tokens or float");
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "rel" : "abs";
		double *d = i ? &p->rq.cmp.rel_tol : &p->rq.cmp.abs_tol;

		if (!(v = json_object_get(c, key)) || json_is_null(v))
			continue;
		if (!json_is_number(v) || !(json_number_value(v) >= 0) || json_number_value(v) > 1e9)
			return fail(p, PROTO_E_BAD_REQUEST, "compare.%s: a number from 0 to 1e9", key);
		*d = json_number_value(v);
	}
	return true;
}

static bool parse_words(struct parsed *p, json_t *req)
{
	json_t *v = json_object_get(req, "compiler_options");
	unsigned n = 0;
	size_t i, total = 0;

	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || json_string_length(v) > MAX_COMPILER_OPTIONS ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return fail(p, PROTO_E_BAD_REQUEST, "compiler_options: a string of at most "
				    "%d bytes", MAX_COMPILER_OPTIONS);
		memcpy(p->extra_buf, json_string_value(v), json_string_length(v) + 1);
		for (char *save = NULL, *w = strtok_r(p->extra_buf, " \t\n\r", &save); w;
		     w = strtok_r(NULL, " \t\n\r", &save)) {
			if (n >= SBX_JUDGE_MAX_ARGS)
				return fail(p, PROTO_E_BAD_REQUEST, "compiler_options: at most %d words",
					    SBX_JUDGE_MAX_ARGS);
			p->extra[n++] = w;
		}
	}
	p->extra[n] = NULL;
	n = 0;
	v = json_object_get(req, "args");
	if (v && !json_is_null(v)) {
		json_t *a;

		if (!json_is_array(v) || json_array_size(v) > SBX_JUDGE_MAX_ARGS)
			return fail(p, PROTO_E_BAD_REQUEST, "args: an array of at most %d strings",
				    SBX_JUDGE_MAX_ARGS);
		json_array_foreach(v, i, a) {
			if (!json_is_string(a) || json_string_length(a) > MAX_ARG_LEN ||
			    strlen(json_string_value(a)) != json_string_length(a))
				return fail(p, PROTO_E_BAD_REQUEST, "args[%zu]: a string of at most %d "
					    "bytes without NUL", i, MAX_ARG_LEN);
			p->args[n++] = json_string_value(a);
			total += json_string_length(a) + 1;
		}
	}
	p->args[n] = NULL;
	/* the program's command line travels to the cell in one message */
	if (total > SBX_FIRE_MAX_ARGV / 2)
		return fail(p, PROTO_E_BAD_REQUEST, "args: at most %d bytes in all",
			    SBX_FIRE_MAX_ARGV / 2);
	return true;
}

static bool parse_files(struct parsed *p, json_t *req)
{
	json_t *v = json_object_get(req, "files"), *f;
	size_t i;

	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v) || json_array_size(v) > SBX_JUDGE_MAX_FILES)
		return fail(p, PROTO_E_BAD_REQUEST, "files: an array of at most %d files",
			    SBX_JUDGE_MAX_FILES);
	json_array_foreach(v, i, f) {
		struct sbx_judge_file *jf = &p->files[i];
		char where[32];

		snprintf(where, sizeof(where), "files[%zu].", i);
		if (!json_is_object(f) || !(jf->name = json_string_value(json_object_get(f, "name"))))
			return fail(p, PROTO_E_BAD_REQUEST, "%sname: a file name", where);
		if (json_string_length(json_object_get(f, "name")) != strlen(jf->name) ||
		    !proto_valid_file_name(jf->name, strlen(jf->name)) ||
		    !sbx_cell_plain_name(jf->name) || !strcmp(jf->name, p->rq.lang->source) ||
		    sbx_lang_is_binary(p->rq.lang, jf->name))
			return fail(p, PROTO_E_BAD_REQUEST, "%sname: not a plain file name, or the "
				    "name of the source or the program", where);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(p->files[k].name, jf->name))
				return fail(p, PROTO_E_BAD_REQUEST, "%sname: given twice", where);
		if (!bytes_field(p, f, "content", where, &jf->data, &jf->len))
			return false;
		if (!jf->data)
			jf->data = "";
	}
	p->rq.nfiles = (unsigned)json_array_size(v);
	return true;
}

static bool parse_tests(struct parsed *p, json_t *req)
{
	json_t *v = json_object_get(req, "tests"), *t;
	size_t i;

	if (!json_is_array(v) || json_array_size(v) < 1 ||
	    json_array_size(v) > J.conf->judge.max_tests)
		return fail(p, PROTO_E_BAD_REQUEST, "tests: an array of 1 to %u tests",
			    J.conf->judge.max_tests);
	if (!(p->tests = calloc(json_array_size(v), sizeof(*p->tests))))
		return fail(p, PROTO_E_INTERNAL, "out of memory");
	json_array_foreach(v, i, t) {
		struct sbx_judge_test *jt = &p->tests[i];
		char where[32];

		snprintf(where, sizeof(where), "tests[%zu].", i);
		if (!json_is_object(t))
			return fail(p, PROTO_E_BAD_REQUEST, "tests[%zu]: must be an object", i);
		if (!bytes_field(p, t, "stdin", where, &jt->in, &jt->in_len) ||
		    !bytes_field(p, t, "expected", where, &jt->exp, &jt->exp_len))
			return false;
	}
	p->rq.tests = p->tests;
	p->rq.ntests = (unsigned)json_array_size(v);
	return true;
}

static bool parse(struct parsed *p, json_t *req, unsigned *lang_index)
{
	const struct conf_judge *cj = &J.conf->judge;
	struct sbx_judge_req *rq = &p->rq;
	const char *lang = json_string_value(json_object_get(req, "language"));
	uint64_t n;

	if (!lang)
		return fail(p, PROTO_E_BAD_REQUEST, "language: required, a string");
	if (!(rq->lang = sbx_lang_find(lang)))
		return fail(p, PROTO_E_LANGUAGE, "language: no language %.64s here "
			    "(c, cpp, java, python, node, bash)", lang);
	*lang_index = (unsigned)(rq->lang - sbx_langs);
	rq->compile = sbx_lang_compiled(rq->lang) ? J.cmds[*lang_index].compile : NULL;
	rq->run = J.cmds[*lang_index].run;
	rq->lim = cj->test;
	rq->cpu_extra_ms = cj->cpu_extra_ms;
	rq->compile_lim = cj->compile;
	rq->cmp.mode = SBX_CMP_TRAILING_WS;
	rq->cmp.abs_tol = rq->cmp.rel_tol = 1e-6;
	rq->runs = 1;
	rq->width = cj->width;
	rq->take_timeout_ms = TAKE_TIMEOUT_MS;
	if (!bytes_field(p, req, "source", "", &rq->source, &rq->source_len))
		return false;
	if (!rq->source)
		return fail(p, PROTO_E_BAD_REQUEST, "source: required");
	if (!parse_files(p, req) || !parse_words(p, req) || !parse_limits(p, req) ||
	    !parse_compare(p, req) || !parse_tests(p, req))
		return false;
	rq->files = p->files;
	rq->compile_extra = p->extra;
	rq->args = p->args;
	{
		json_t *v = json_object_get(req, "redirect_stderr");

		if (v && !json_is_boolean(v) && !json_is_null(v))
			return fail(p, PROTO_E_BAD_REQUEST, "redirect_stderr: true or false");
		rq->redirect_stderr = json_is_true(v);
	}
	n = rq->runs;
	if (!int_field(p, req, "", "runs", 1, cj->max_runs, 1, &n))
		return false;
	rq->runs = (unsigned)n;
	n = rq->width;
	if (!int_field(p, req, "", "width", 1, cj->width, 1, &n))
		return false;
	rq->width = (unsigned)n;
	n = DEFAULT_KEEP < rq->lim.output ? DEFAULT_KEEP : rq->lim.output;
	if (!int_field(p, req, "", "keep_output", 0, rq->lim.output, 1, &n))
		return false;
	/* the reply must hold every test's two streams: many tests keep less of each */
	if (n > KEEP_BUDGET / (2 * rq->ntests))
		n = KEEP_BUDGET / (2 * rq->ntests);
	rq->keep_output = n;
	return true;
}

static void parsed_free(struct parsed *p)
{
	for (unsigned i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->tests);
}

json_t *pool_judge_handle(json_t *req)
{
	struct parsed *p = calloc(1, sizeof(*p));
	struct sbx_judge_result res;
	const char *why = NULL;
	unsigned li = 0;
	json_t *out, *r;

	if (!p)
		return proto_error(PROTO_E_INTERNAL, "out of memory");
	if (!J.spare) {
		free(p);
		return proto_error(PROTO_E_INTERNAL, "the judge is not running");
	}
	/* (a pool stopped for shutdown answers through sbx_spare_take's error) */
	if (!parse(p, req, &li)) {
		out = p->err;
		parsed_free(p);
		free(p);
		return out;
	}
	if (sbx_judge(J.spare, &p->rq, &res, &why) < 0) {
		out = proto_error(PROTO_E_INTERNAL, "cannot judge: %s", why ? why : "unknown");
	} else if (!(r = sbx_judge_json(&p->rq, &res, J.version[li][0] ? J.version[li] : NULL))) {
		out = proto_error(PROTO_E_INTERNAL, "cannot encode the result");
	} else {
		out = json_pack("{s:b, s:o}", "ok", 1, "result", r);
	}
	sbx_judge_result_free(&res);
	parsed_free(p);
	free(p);
	return out;
}
