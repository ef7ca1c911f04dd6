/*
 * api_judge0.c - Judge0 CE's API (https://ce.judge0.com), on the judge (judge.h).
 *
 *   POST   /submissions             ?base64_encoded=&wait=&fields=  -> 201 {"token"},
 *                                   or with wait=true the submission
 *   GET    /submissions/{token}     ?base64_encoded=&fields=        -> the submission
 *   POST   /submissions/batch       {"submissions": [...]}          -> 201 [{"token"} or
 *                                   the entry's errors]
 *   GET    /submissions/batch       ?tokens=a,b,c                   -> {"submissions":
 *                                   [submission or null]}
 *   DELETE /submissions/{token}     400 "delete not allowed" (as enable_submission_delete
 *                                   false)
 *   GET    /languages, /languages/{id}, /statuses, /about, /config_info
 *
 * Field names, types and messages are Judge0's (1.13): times are decimal strings in
 * seconds ("0.002"), memory integers in KB, validation errors 422 {"field": ["message"]}.
 * A submission is one test: its stdin and expected_output, run number_of_runs times.
 * The language ids are Judge0 CE's (50 C, 54 C++, 71 Python, 63 JavaScript, 46 Bash,
 * 62 Java), named with the versions the keeper detected; a language the keeper does
 * not have is not listed and its id "doesn't exist".
 *
 * Submissions live in memcached (stockade:x:<tenant>:j0:<token>) for <judge
 * result-ttl>, so a token is found from any worker or host, and only by the tenant
 * that made it (another tenant's token is simply not found). As in Judge0's database,
 * the text fields (source_code, stdin, expected_output, stdout, stderr,
 * compile_output, message) are kept base64-encoded, and decoded on the way out unless
 * base64_encoded=true; text that is not UTF-8 then answers Judge0's "use
 * base64_encoded=true". A submission over what memcached keeps (1 MB) loses, in this
 * order, its stdin, expected_output and source_code, then its outputs (null), rather
 * than not being kept at all; an asynchronous one keeps at most 256 KiB of each output
 * stream (wait=true answers them whole).
 *
 * Asynchronous submissions (no wait, or wait=false) are kept "In Queue", answered 201
 * with their token, then run by the same worker after the answer has gone out
 * ("Processing" meanwhile, then the result): the worker is held as for an Azure
 * asynchronous execution. A worker that dies mid-way leaves "Processing" until the
 * entry expires. A batch's submissions run one after another in the worker that took
 * the batch. Each submission counts as one execution against the tenant's per-minute
 * quota. Callbacks (callback_url), additional_files and enable_network are refused
 * (422); enable_per_process_and_thread_* are accepted and ignored (every limit is the
 * whole cell's). /languages, /statuses, /about and /config_info need no key.
 */
#define _GNU_SOURCE
#include <math.h>	/* isfinite: a macro, no libm */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "judge.h"
#include "keeper.h"
#include "lang.h"
#include "metrics.h"

/* What a submission keeps of each output stream: answered at once, 1 MiB (the keeper's
 * reply stays far under its 16 MiB cap); kept for polling, 256 KiB (memcached holds 1
 * MB). Never more than the tests' output limit. */
#define SYNC_KEEP_OUTPUT (1024u * 1024u)
#define ASYNC_KEEP_OUTPUT (256u * 1024u)
#define MAX_OPTION_CHARS 512	/* compiler_options, command_line_arguments (Judge0's) */
#define MAX_ARGS 64		/* the keeper's cap on arguments */

/* The version Judge0 clients see in /about: the API this emulates. */
#define JUDGE0_VERSION "1.13.1"

struct j0 {
	struct api_ctx *x;
	struct fcgi_req *r;
	const struct conf *c;
	const struct conf_tenant *t;
	bool b64;		/* ?base64_encoded=true */
	json_t *langs;		/* the keeper's languages (borrowed) */
};

/* ---- languages and statuses ------------------------------------------------------------ */

static const struct j0lang {
	int id;
	const char *lang;	/* the keeper's name */
	const char *fmt;	/* Judge0's name, %s the version */
} j0langs[] = {
	{ 50, "c", "C (GCC %s)" },
	{ 54, "cpp", "C++ (GCC %s)" },
	{ 71, "python", "Python (%s)" },
	{ 63, "node", "JavaScript (Node.js %s)" },
	{ 46, "bash", "Bash (%s)" },
	{ 62, "java", "Java (OpenJDK %s)" },
};
#define NJ0LANGS (sizeof(j0langs) / sizeof(j0langs[0]))

static const char *const statuses[] = {
	NULL, "In Queue", "Processing", "Accepted", "Wrong Answer", "Time Limit Exceeded",
	"Compilation Error", "Runtime Error (SIGSEGV)", "Runtime Error (SIGXFSZ)",
	"Runtime Error (SIGFPE)", "Runtime Error (SIGABRT)", "Runtime Error (NZEC)",
	"Runtime Error (Other)", "Internal Error", "Exec Format Error",
};
#define NSTATUSES ((int)(sizeof(statuses) / sizeof(statuses[0])) - 1)

static const struct j0lang *j0lang_by_id(int64_t id)
{
	for (size_t i = 0; i < NJ0LANGS; i++)
		if (j0langs[i].id == id)
			return &j0langs[i];
	return NULL;
}

/* "Python (3.11.2)" for the keeper's entry of l. */
static json_t *lang_name(const struct j0lang *l, json_t *entry)
{
	char name[96];
	const char *v = api_get_str(entry, "version");

	snprintf(name, sizeof(name), l->fmt, v && *v ? v : "unknown");
	return json_string(name);
}

static json_t *status_json(int id)
{
	return json_pack("{s:i, s:s}", "id", id, "description", statuses[id]);
}

/* ---- fields ---------------------------------------------------------------------------- */

/* A submission's attributes in Judge0's order (its columns, then status and language). */
static const char *const all_fields[] = {
	"source_code", "language_id", "stdin", "expected_output", "stdout", "status_id",
	"created_at", "finished_at", "time", "memory", "stderr", "token", "number_of_runs",
	"cpu_time_limit", "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit",
	"max_processes_and_or_threads", "enable_per_process_and_thread_time_limit",
	"enable_per_process_and_thread_memory_limit", "max_file_size", "compile_output",
	"exit_code", "exit_signal", "message", "wall_time", "compiler_options",
	"command_line_arguments", "redirect_stderr_to_stdout", "callback_url",
	"additional_files", "enable_network", "started_at", "queued_at", "updated_at",
	"queue_host", "execution_host", "status", "language",
};
#define NFIELDS (sizeof(all_fields) / sizeof(all_fields[0]))

/* Those kept, and answered with base64_encoded=true, in base64. */
static bool is_text_field(const char *f)
{
	static const char *const text[] = { "source_code", "stdin", "expected_output", "stdout",
					    "stderr", "compile_output", "message" };

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (!strcmp(f, text[i]))
			return true;
	return false;
}

static int field_index(const char *f, size_t n)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strlen(all_fields[i]) == n && !strncmp(all_fields[i], f, n))
			return (int)i;
	return -1;
}

static uint64_t default_fields(void)
{
	static const char *const def[] = { "token", "time", "memory", "stdout", "stderr",
					   "compile_output", "message", "status" };
	uint64_t m = 0;

	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
		m |= 1ULL << field_index(def[i], strlen(def[i]));
	return m;
}

/* ?fields=a,b or * into *mask: true, or false after answering 400 {"error": "invalid
 * fields: [x, y]"} as Judge0 does. */
static bool parse_fields(struct j0 *j, uint64_t *mask)
{
	const char *f = fcgi_query(j->r, "fields", NULL), *p;
	char bad[400] = "";
	size_t blen = 0;

	*mask = default_fields();
	if (!f || !*f)
		return true;
	*mask = 0;
	for (p = f; *p;) {
		size_t n = strcspn(p, ","), a = 0, b = n;
		int i;

		while (a < b && p[a] == ' ')
			a++;
		while (b > a && p[b - 1] == ' ')
			b--;
		if (b - a == 1 && p[a] == '*')
			*mask = ~0ULL >> (64 - NFIELDS);
		else if (b > a && (i = field_index(p + a, b - a)) >= 0)
			*mask |= 1ULL << i;
		else if (b > a && blen < sizeof(bad) - 80)
			blen += (size_t)snprintf(bad + blen, sizeof(bad) - blen, "%s%.*s",
						 blen ? ", " : "", (int)(b - a > 64 ? 64 : b - a),
						 p + a);
		p += n;
		if (*p == ',')
			p++;
	}
	if (blen) {
		char msg[460];

		snprintf(msg, sizeof(msg), "invalid fields: [%s]", bad);
		fcgi_utf8_clean(msg);	/* it quotes the client */
		api_judge_error(j->r, 400, "BadRequest", 0, json_pack("{s:s}", "error", msg), msg);
		return false;
	}
	if (!*mask)
		*mask = default_fields();
	return true;
}

/* ---- values ---------------------------------------------------------------------------- */

/* A decimal in seconds as Judge0 writes its decimal columns: "0.002", "2.0", "1.5". */
static json_t *seconds(int64_t ms)
{
	char b[40];
	int n;

	if (ms < 0)
		return json_null();
	n = snprintf(b, sizeof(b), "%lld.%03lld", (long long)(ms / 1000), (long long)(ms % 1000));
	while (n > 0 && b[n - 1] == '0' && b[n - 2] != '.')
		b[--n] = '\0';
	return json_string(b);
}

/* Now as Rails writes a time: "2026-12-01T12:00:00.123Z". */
static json_t *now_iso(void)
{
	struct timespec ts;
	struct tm tm;
	char b[80];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(b, sizeof(b), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	return json_string(b);
}

/* Bytes as the kept base64 text, or null when there are none. */
static json_t *kept_text(const char *p, size_t n)
{
	char *b;
	json_t *v;

	if (!p || !n)
		return json_null();
	if (!(b = api_judge_b64_encode(p, n, NULL)))
		return json_null();
	v = json_string(b);
	free(b);
	return v ?: json_null();
}

/* A number as Judge0 (Rails) takes it: a JSON number or decimal text. 1 with *d, 0 when
 * absent (null, "", missing), -1 when it is not a number. */
static int number(json_t *v, double *d)
{
	char *end;

	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
		return 0;
	if (json_is_number(v)) {
		*d = json_number_value(v);
		return isfinite(*d) ? 1 : -1;
	}
	if (!json_is_string(v))
		return -1;
	*d = strtod(json_string_value(v), &end);
	while (*end == ' ')
		end++;
	return *end || !isfinite(*d) ? -1 : 1;
}

/* A boolean as Rails casts one: true/false, "true"/"false", 1/0, "1"/"0", "t"/"f".
 * 1 with *b, 0 absent, -1 not a boolean. */
static int boolean(json_t *v, bool *b)
{
	const char *s = json_string_value(v);

	if (!v || json_is_null(v) || (s && !*s))
		return 0;
	if (json_is_boolean(v)) {
		*b = json_is_true(v);
		return 1;
	}
	if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
		*b = json_integer_value(v) == 1;
		return 1;
	}
	if (s && (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "t"))) {
		*b = true;
		return 1;
	}
	if (s && (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "f"))) {
		*b = false;
		return 1;
	}
	return -1;
}

/* Whether an optional field says anything (Rails' present?): not absent, null, "" or
 * false. */
static bool given(json_t *v)
{
	return v && !json_is_null(v) && !json_is_false(v) &&
	       !(json_is_string(v) && !json_string_length(v));
}

/* Adds message to errors[field] (Judge0's {"field": ["message", ...]}). */
static void add_error(json_t *errors, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_error(json_t *errors, const char *field, const char *fmt, ...)
{
	json_t *list = json_object_get(errors, field);
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!list) {
		list = json_array();
		json_object_set_new(errors, field, list);
	}
	json_array_append_new(list, json_string(msg));
}

/* A limit's bound as Rails prints it in a message: "15.0" for a decimal, "128000". */
static void bound_text(char *b, size_t n, double v, bool decimal)
{
	if (decimal) {
		json_t *s = seconds((int64_t)api_judge_round(v * 1000));

		snprintf(b, n, "%s", json_string_value(s) ?: "0.0");
		json_decref(s);
	} else {
		snprintf(b, n, "%.0f", v);
	}
}

/*
 * Splits command_line_arguments as a shell would split plain words: on blanks, with
 * '...' taken literally, "..." literally but for \" and \\, and a backslash outside
 * quotes escaping the next character. No expansion of any kind. Returns the words, or
 * NULL with *why.
 */
static json_t *split_args(const char *s, const char **why)
{
	json_t *words = json_array();
	char *w = malloc(strlen(s) + 1);
	size_t n = 0;
	bool in_word = false;

	if (!w) {
		json_decref(words);
		*why = "out of memory";
		return NULL;
	}
	for (const char *p = s;; p++) {
		if (!*p || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (in_word) {
				if (json_array_size(words) == MAX_ARGS) {
					*why = "has more than 64 arguments";
					goto fail;
				}
				json_array_append_new(words, json_stringn(w, n) ?: json_string(""));
			}
			in_word = false;
			n = 0;
			if (!*p)
				break;
			continue;
		}
		in_word = true;
		if (*p == '\'') {
			while (*++p && *p != '\'')
				w[n++] = *p;
			if (!*p) {
				*why = "has an unterminated quote";
				goto fail;
			}
		} else if (*p == '"') {
			while (*++p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				w[n++] = *p;
			}
			if (!*p) {
				*why = "has an unterminated quote";
				goto fail;
			}
		} else if (*p == '\\' && p[1]) {
			w[n++] = *++p;
		} else {
			w[n++] = *p;
		}
	}
	free(w);
	return words;
fail:
	free(w);
	json_decref(words);
	return NULL;
}

/* ---- a submission in ------------------------------------------------------------------- */

/*
 * A text input (source_code, stdin, expected_output): its bytes, decoded when the
 * request is base64_encoded. 1 with *p (malloc'd) and *n; 0 absent or null; -1 with an
 * error added.
 */
static int text_input(struct j0 *j, json_t *body, const char *key, json_t *errors, char **p,
		      size_t *n)
{
	json_t *v = json_object_get(body, key);

	*p = NULL;
	*n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		add_error(errors, key, "must be a string");
		return -1;
	}
	if (j->b64) {
		if (!(*p = api_judge_b64_decode(json_string_value(v), json_string_length(v), n))) {
			add_error(errors, key, "is not valid Base64");
			return -1;
		}
		return 1;
	}
	if (!(*p = malloc(json_string_length(v) + 1))) {
		add_error(errors, key, "out of memory");
		return -1;
	}
	*n = json_string_length(v);
	memcpy(*p, json_string_value(v), *n + 1);
	return 1;
}

/* Text for the keeper: the string itself when UTF-8, else base64 with key_encoding. */
static void keeper_text(json_t *o, const char *key, const char *p, size_t n)
{
	json_t *s = api_judge_text(p, n);
	char enc[48];

	if (s) {
		json_object_set_new(o, key, s);
		return;
	}
	snprintf(enc, sizeof(enc), "%s_encoding", key);
	json_object_set_new(o, key, kept_text(p, n));
	json_object_set_new(o, enc, json_string("base64"));
}

/* A Judge0 limit: its field, the keeper's key, the unit's factor to the keeper's (ms per
 * s, 1 for KB), the default and maximum in Judge0's unit, the least allowed and
 * whether that bound is strict, whether it is a decimal, and what 0 means (isolate's
 * 0 is "no limit", here the maximum). */
struct j0limit {
	const char *field, *key;
	double factor, def, max, least;
	bool strict, decimal, zero_is_max;
};

/*
 * Checks body (one submission) and makes the kept record and the keeper's request
 * (without tenant). Returns the record, or NULL with the Judge0 errors in *errors (a
 * new object). *req gets the keeper's request.
 */
static json_t *parse_submission(struct j0 *j, json_t *body, json_t **req, json_t **errors,
				const char *token)
{
	const struct conf_judge *cj = &j->c->judge;
	const struct j0limit limits[] = {
		{ "cpu_time_limit", "cpu_ms", 1000, cj->test.cpu_ms / 1000.0, cj->max.cpu_ms / 1000.0,
		  0, false, true, true },
		{ "cpu_extra_time", "cpu_extra_ms", 1000, cj->cpu_extra_ms / 1000.0,
		  cj->max_cpu_extra_ms / 1000.0, 0, false, true, false },
		{ "wall_time_limit", "wall_ms", 1000, cj->test.wall_ms / 1000.0,
		  cj->max.wall_ms / 1000.0, 1, false, true, false },
		{ "memory_limit", "memory_kb", 1, (double)(cj->test.memory / 1024),
		  (double)(cj->max.memory / 1024), 2048, false, false, false },
		{ "stack_limit", "stack_kb", 1, (double)(cj->test.stack / 1024),
		  (double)(cj->max.stack / 1024), 0, false, false, true },
		{ "max_processes_and_or_threads", "pids", 1, cj->test.pids, cj->max.pids, 0, true,
		  false, false },
		{ "max_file_size", "file_size_kb", 1, (double)(cj->test.fsize / 1024),
		  (double)(cj->max.fsize / 1024), 0, false, false, true },
	};
	json_t *rec, *kreq, *klim, *test, *entry = NULL, *v;
	const struct j0lang *l = NULL;
	char *src = NULL, *in = NULL, *exp = NULL;
	size_t nsrc = 0, nin = 0, nexp = 0;
	int64_t lang_id = 0, runs = 1;
	int has_exp, rc;
	const char *s;
	double d;
	bool b;

	*errors = json_object();
	*req = NULL;
	rec = json_object();
	kreq = json_object();
	klim = json_object();

	/* source_code and language_id */
	if ((rc = text_input(j, body, "source_code", *errors, &src, &nsrc)) == 0 || (rc > 0 && !nsrc))
		add_error(*errors, "source_code", "can't be blank");
	else if (rc > 0 && nsrc > j->c->fcgi.max_code)
		add_error(*errors, "source_code", "is too long (maximum is %llu bytes)",
			  (unsigned long long)j->c->fcgi.max_code);
	v = json_object_get(body, "language_id");
	if (number(v, &d) == 0) {
		add_error(*errors, "language_id", "can't be blank");
	} else if (number(v, &d) < 0 || d != api_judge_floor(d) || (d > 1e9 || d < -1e9)) {
		add_error(*errors, "language_id", "is not a number");
	} else {
		lang_id = (int64_t)d;
		l = j0lang_by_id(lang_id);
		entry = l ? api_judge_language(j->langs, l->lang) : NULL;
		if (!entry)
			add_error(*errors, "language_id", "language with id %lld doesn't exist",
				  (long long)lang_id);
	}

	/* stdin and expected_output */
	text_input(j, body, "stdin", *errors, &in, &nin);
	has_exp = text_input(j, body, "expected_output", *errors, &exp, &nexp);

	/* options and arguments */
	s = api_get_str(body, "compiler_options");
	v = json_object_get(body, "compiler_options");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		add_error(*errors, "compiler_options", "must be a string");
	} else if (s && *s) {
		if (strlen(s) > MAX_OPTION_CHARS || strlen(s) != json_string_length(v))
			add_error(*errors, "compiler_options",
				  "is too long (maximum is %d characters)", MAX_OPTION_CHARS);
		else if (entry && !json_is_true(json_object_get(entry, "compiled")))
			add_error(*errors, "compiler_options",
				  "setting compiler options is only allowed for compiled languages");
		else
			json_object_set_new(kreq, "compiler_options", json_string(s));
	}
	s = api_get_str(body, "command_line_arguments");
	v = json_object_get(body, "command_line_arguments");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		add_error(*errors, "command_line_arguments", "must be a string");
	} else if (s && *s) {
		const char *why = NULL;
		json_t *args;

		if (strlen(s) > MAX_OPTION_CHARS || strlen(s) != json_string_length(v))
			add_error(*errors, "command_line_arguments",
				  "is too long (maximum is %d characters)", MAX_OPTION_CHARS);
		else if (!(args = split_args(s, &why)))
			add_error(*errors, "command_line_arguments", "%s", why);
		else
			json_object_set_new(kreq, "args", args);
	}

	/* limits: Judge0's units to the keeper's */
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const struct j0limit *f = &limits[i];
		char bound[40];
		double val = f->def;

		rc = number(json_object_get(body, f->field), &d);
		if (rc < 0) {
			add_error(*errors, f->field, "is not a number");
		} else if (rc > 0 && f->strict && d <= f->least) {
			bound_text(bound, sizeof(bound), f->least, f->decimal);
			add_error(*errors, f->field, "must be greater than %s", bound);
		} else if (rc > 0 && d < f->least) {
			bound_text(bound, sizeof(bound), f->least, f->decimal);
			add_error(*errors, f->field, "must be greater than or equal to %s", bound);
		} else if (rc > 0 && f->max > 0 && d > f->max) {
			bound_text(bound, sizeof(bound), f->max, f->decimal);
			add_error(*errors, f->field, "must be less than or equal to %s", bound);
		} else if (rc > 0) {
			val = d == 0 && f->zero_is_max ? f->max : d;
		}
		if (!f->decimal)
			val = api_judge_floor(val);
		{
			/* the least a cell takes (8 MiB of memory, 64 KiB of stack, 1 ms, 1
			 * KiB files): Judge0 allows less, the keeper would refuse it, so a
			 * smaller value runs with the least (README) */
			json_int_t kv = (json_int_t)api_judge_round(val * f->factor);
			json_int_t least = !strcmp(f->key, "memory_kb") ? 8192
					   : !strcmp(f->key, "stack_kb") ? 64
					   : !strcmp(f->key, "cpu_extra_ms") ? 0 : 1;

			json_object_set_new(klim, f->key, json_integer(kv < least ? least : kv));
		}
		json_object_set_new(rec, f->field, f->decimal ? seconds((int64_t)api_judge_round(val * 1000))
							     : json_integer((json_int_t)val));
	}
	rc = number(json_object_get(body, "number_of_runs"), &d);
	if (rc < 0 || (rc > 0 && d != api_judge_floor(d))) {
		add_error(*errors, "number_of_runs", "is not a number");
	} else if (rc > 0 && d <= 0) {
		add_error(*errors, "number_of_runs", "must be greater than 0");
	} else if (rc > 0 && d > (cj->max_runs ? cj->max_runs : 1)) {
		add_error(*errors, "number_of_runs", "must be less than or equal to %u",
			  cj->max_runs ? cj->max_runs : 1);
	} else if (rc > 0) {
		runs = (int64_t)d;
	}

	/* switches */
	b = false;
	if (boolean(json_object_get(body, "redirect_stderr_to_stdout"), &b) < 0)
		add_error(*errors, "redirect_stderr_to_stdout", "is not a boolean");
	json_object_set_new(rec, "redirect_stderr_to_stdout", json_boolean(b));
	if (b)
		json_object_set_new(kreq, "redirect_stderr", json_true());
	for (int i = 0; i < 2; i++) {
		/* accepted and kept, with no effect: every limit here is the whole cell's */
		const char *k = i ? "enable_per_process_and_thread_memory_limit"
				  : "enable_per_process_and_thread_time_limit";

		b = false;
		if (boolean(json_object_get(body, k), &b) < 0)
			add_error(*errors, k, "is not a boolean");
		json_object_set_new(rec, k, json_boolean(b));
	}
	b = false;
	if ((rc = boolean(json_object_get(body, "enable_network"), &b)) < 0)
		add_error(*errors, "enable_network", "is not a boolean");
	else if (b)	/* cells have no network, ever */
		add_error(*errors, "enable_network", "enabling network is not allowed");
	if (given(json_object_get(body, "callback_url")))
		add_error(*errors, "callback_url", "callbacks are not supported by this server");
	if (given(json_object_get(body, "additional_files")))
		add_error(*errors, "additional_files",
			  "additional files are not supported by this server");

	if (json_object_size(*errors)) {
		free(src);
		free(in);
		free(exp);
		json_decref(rec);
		json_decref(kreq);
		json_decref(klim);
		return NULL;
	}
	json_decref(*errors);
	*errors = NULL;

	/* the keeper's request */
	json_object_set_new(kreq, "language", json_string(l->lang));
	keeper_text(kreq, "source", src, nsrc);
	if (json_object_get(kreq, "source_encoding"))
		json_object_set_new(kreq, "source_encoding", json_string("base64"));
	json_object_set_new(kreq, "limits", klim);
	json_object_set_new(kreq, "runs", json_integer((json_int_t)runs));
	test = json_object();
	keeper_text(test, "stdin", in ? in : "", nin);
	if (has_exp > 0)
		keeper_text(test, "expected", exp, nexp);
	else
		json_object_set_new(test, "expected", json_null());
	json_object_set_new(kreq, "tests", json_pack("[o]", test));
	*req = kreq;

	/* the kept record: what Judge0's database would hold */
	json_object_set_new(rec, "source_code", kept_text(src, nsrc));
	json_object_set_new(rec, "language_id", json_integer((json_int_t)lang_id));
	json_object_set_new(rec, "stdin", in ? kept_text(in, nin) : json_null());
	if (in && !nin)	/* "" is kept as "", not null */
		json_object_set_new(rec, "stdin", json_string(""));
	json_object_set_new(rec, "expected_output", has_exp > 0 ? kept_text(exp, nexp)
								: json_null());
	if (has_exp > 0 && !nexp)
		json_object_set_new(rec, "expected_output", json_string(""));
	json_object_set_new(rec, "token", json_string(token));
	json_object_set_new(rec, "number_of_runs", json_integer((json_int_t)runs));
	json_object_set(rec, "compiler_options",
			json_object_get(kreq, "compiler_options") ?: json_null());
	s = api_get_str(body, "command_line_arguments");
	json_object_set_new(rec, "command_line_arguments", s && *s ? json_string(s) : json_null());
	json_object_set_new(rec, "callback_url", json_null());
	json_object_set_new(rec, "additional_files", json_null());
	json_object_set_new(rec, "enable_network", json_false());
	json_object_set_new(rec, "language",
			    json_pack("{s:i, s:o}", "id", l->id, "name", lang_name(l, entry)));
	json_object_set_new(rec, "created_at", now_iso());
	json_object_set(rec, "queued_at", json_object_get(rec, "created_at"));
	json_object_set(rec, "updated_at", json_object_get(rec, "created_at"));
	json_object_set_new(rec, "queue_host", json_string(j->c->host));
	free(src);
	free(in);
	free(exp);
	return rec;
}

/* Sets the record's state: status, and every result field to null (queued). */
static void set_status(json_t *rec, int id)
{
	static const char *const results[] = {
		"stdout", "stderr", "compile_output", "message", "time", "wall_time", "memory",
		"exit_code", "exit_signal", "finished_at", "started_at", "execution_host",
	};

	json_object_set_new(rec, "status_id", json_integer(id));
	json_object_set_new(rec, "status", status_json(id));
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		if (id <= 2 && !(id == 2 && (!strcmp(results[i], "started_at") ||
					     !strcmp(results[i], "execution_host"))))
			json_object_set_new(rec, results[i], json_null());
	json_object_set_new(rec, "updated_at", now_iso());
}

/* ---- a result out ---------------------------------------------------------------------- */

/* Judge0's status for a signal (Status.find_runtime_error_by_status_code). */
static int signal_status(int64_t sig)
{
	switch (sig) {
	case 11: return 7;	/* SIGSEGV */
	case 25: return 8;	/* SIGXFSZ */
	case 8: return 9;	/* SIGFPE */
	case 6: return 10;	/* SIGABRT */
	default: return 12;
	}
}

/* Fills rec from the keeper's result: status, outputs, measures, message. */
static void finish(struct j0 *j, json_t *rec, json_t *res)
{
	const char *verdict = api_get_str(res, "verdict") ?: "internal_error";
	json_t *t = json_array_get(json_object_get(res, "tests"), 0);
	json_t *comp = json_object_get(res, "compile");
	const char *tmsg = api_get_str(t, "message");
	int64_t sig = api_judge_int(t, "signal", 0), code = api_judge_int(t, "exit_code", -1);
	char msg[300] = "", *out;
	size_t n;
	int st;

	if (!strcmp(verdict, "compilation_error")) {
		st = 6;
	} else if (!strcmp(verdict, "accepted")) {
		st = 3;
	} else if (!strcmp(verdict, "wrong_answer")) {
		st = 4;
	} else if (!strcmp(verdict, "time_limit")) {
		st = 5;
		snprintf(msg, sizeof(msg), "Time limit exceeded%s",
			 !strcmp(api_get_str(t, "time_kind") ?: "", "wall") ? " (wall clock)" : "");
	} else if ((!strcmp(verdict, "runtime_error") || !strcmp(verdict, "internal_error")) &&
		   tmsg && strcasestr(tmsg, "exec format")) {
		/* a program the kernel would not execute (a binary for another machine, a
		 * script without an interpreter): Judge0's "Exec Format Error" */
		st = 14;
		snprintf(msg, sizeof(msg), "Exec format error");
	} else if (!strcmp(verdict, "runtime_error") && sig > 0) {
		st = signal_status(sig);
		snprintf(msg, sizeof(msg), "Caught fatal signal %lld", (long long)sig);
	} else if (!strcmp(verdict, "runtime_error") && code > 0) {
		st = 11;
		snprintf(msg, sizeof(msg), "Exited with error status %lld", (long long)code);
	} else if (!strcmp(verdict, "memory_limit")) {
		/* Judge0 has no memory status: isolate's OOM kill is "Runtime Error (Other)" */
		st = 12;
		snprintf(msg, sizeof(msg), "Memory limit exceeded");
	} else if (!strcmp(verdict, "output_limit")) {
		st = 12;	/* nor an output one */
		snprintf(msg, sizeof(msg), "Output limit exceeded");
	} else if (!strcmp(verdict, "runtime_error")) {
		st = 12;
		snprintf(msg, sizeof(msg), "%s", tmsg ? tmsg : "Runtime error");
	} else {
		st = 13;
		snprintf(msg, sizeof(msg), "%s",
			 tmsg ? tmsg : api_get_str(comp, "message") ?: "Internal error");
	}
	set_status(rec, st);
	json_object_set_new(rec, "message", msg[0] ? kept_text(msg, strlen(msg)) : json_null());
	out = api_judge_stream(comp, "output", &n);
	json_object_set_new(rec, "compile_output", kept_text(out, n));
	free(out);
	json_object_set_new(rec, "finished_at", now_iso());
	json_object_set_new(rec, "execution_host", json_string(j->c->host));
	if (st == 6 || !t)	/* nothing ran */
		return;
	out = api_judge_stream(t, "stdout", &n);
	json_object_set_new(rec, "stdout", kept_text(out, n));
	free(out);
	out = api_judge_stream(t, "stderr", &n);
	json_object_set_new(rec, "stderr", kept_text(out, n));
	free(out);
	json_object_set_new(rec, "time", seconds(api_judge_int(t, "cpu_ms", -1)));
	json_object_set_new(rec, "wall_time", seconds(api_judge_int(t, "wall_ms", -1)));
	json_object_set_new(rec, "memory", json_integer(api_judge_int(t, "memory_kb", 0)));
	/* Judge0 reads isolate's exitcode, 0 when the program was killed by a signal */
	json_object_set_new(rec, "exit_code", json_integer(code >= 0 ? code : 0));
	json_object_set_new(rec, "exit_signal", sig > 0 ? json_integer(sig) : json_null());
}

/* A failure the submission could not be judged for: Internal Error with why. */
static void fail_record(json_t *rec, const char *why)
{
	set_status(rec, 13);
	json_object_set_new(rec, "message", kept_text(why, strlen(why)));
	json_object_set_new(rec, "finished_at", now_iso());
}

/*
 * The submission as the client asked: rec's fields in mask, the text fields decoded
 * unless base64. NULL when one of them is not UTF-8 and base64 was not asked for.
 */
static json_t *render(json_t *rec, uint64_t mask, bool b64)
{
	json_t *o = json_object();

	for (size_t i = 0; i < NFIELDS; i++) {
		json_t *v = json_object_get(rec, all_fields[i]);

		if (!(mask & (1ULL << i)))
			continue;
		if (!v) {
			json_object_set_new(o, all_fields[i], json_null());
		} else if (!b64 && is_text_field(all_fields[i]) && json_is_string(v)) {
			size_t n;
			char *p = api_judge_b64_decode(json_string_value(v), json_string_length(v), &n);
			json_t *s = p ? api_judge_text(p, n) : NULL;

			free(p);
			if (!s) {
				json_decref(o);
				return NULL;
			}
			json_object_set_new(o, all_fields[i], s);
		} else {
			json_object_set(o, all_fields[i], v);
		}
	}
	return o;
}

static const char not_utf8_one[] =
	"some attributes for this submission cannot be converted to UTF-8, use "
	"base64_encoded=true query parameter";
static const char not_utf8_many[] =
	"some attributes for one or more submissions cannot be converted to UTF-8, use "
	"base64_encoded=true query parameter";

/* ---- keeping ------------------------------------------------------------------------------- */

/*
 * Keeps rec under its token for <judge result-ttl>. One too large for memcached loses
 * its inputs, then its outputs (each set to null), until it fits. Returns 0, or -1 when
 * memcached did not take it.
 */
static int keep(struct j0 *j, json_t *rec)
{
	static const char *const shed[] = { "stdin", "expected_output", "source_code",
					    "compile_output", "stderr", "stdout" };
	char name[80], *text;
	enum pool_dir_rc rc;
	size_t i = 0;

	snprintf(name, sizeof(name), "j0:%s", api_get_str(rec, "token") ?: "");
	for (;;) {
		if (!(text = json_dumps(rec, JSON_COMPACT)))
			return -1;
		if (strlen(text) <= POOL_DIR_VALUE_MAX || i == sizeof(shed) / sizeof(shed[0]))
			break;
		free(text);
		json_object_set_new(rec, shed[i++], json_null());
	}
	rc = strlen(text) <= POOL_DIR_VALUE_MAX
		     ? pool_dir_put(j->x->dir, j->t->name, name, text, strlen(text),
				    (unsigned)(j->c->judge.result_ttl_s ? j->c->judge.result_ttl_s : 3600))
		     : POOL_DIR_DOWN;
	free(text);
	return rc == POOL_DIR_OK ? 0 : -1;
}

/* The kept submission of token: 1 with *rec, 0 not found, -1 memcached down. */
static int lookup(struct j0 *j, const char *token, json_t **rec)
{
	char name[80], *text = NULL;
	size_t len = 0;
	enum pool_dir_rc rc;

	*rec = NULL;
	if (!proto_valid_id(token) || strlen(token) > 64)
		return 0;
	snprintf(name, sizeof(name), "j0:%s", token);
	rc = pool_dir_get(j->x->dir, j->t->name, name, &text, &len);
	if (rc == POOL_DIR_DOWN)
		return -1;
	if (rc != POOL_DIR_OK)
		return 0;
	*rec = json_loadb(text, len, JSON_ALLOW_NUL, NULL);
	free(text);
	return json_is_object(*rec) ? 1 : (json_decref(*rec), *rec = NULL, 0);
}

static void directory_down(struct fcgi_req *r)
{
	fcgi_reply_error(r, 503, "DirectoryUnavailable", 5,
			 "memcached, where submissions are kept, does not answer");
}

/* ---- judging ------------------------------------------------------------------------------- */

/* The Judge0 field a keeper message names ("limits.cpu_ms: at most 15000"). */
static const char *field_of(const char *msg)
{
	static const struct {
		const char *prefix, *field;
	} map[] = {
		{ "limits.cpu_ms", "cpu_time_limit" }, { "limits.cpu_extra_ms", "cpu_extra_time" },
		{ "limits.wall_ms", "wall_time_limit" }, { "limits.memory_kb", "memory_limit" },
		{ "limits.stack_kb", "stack_limit" }, { "limits.pids", "max_processes_and_or_threads" },
		{ "limits.file_size_kb", "max_file_size" }, { "source", "source_code" },
		{ "language", "language_id" }, { "compiler_options", "compiler_options" },
		{ "args", "command_line_arguments" }, { "runs", "number_of_runs" },
		{ "tests[0].stdin", "stdin" }, { "tests[0].expected", "expected_output" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(msg, map[i].prefix, strlen(map[i].prefix)))
			return map[i].field;
	return "base";
}

/*
 * Judges one parsed submission: fills rec. Returns 0 (rec holds the result), or -1
 * when it could not be judged: rec then says Internal Error, and when nothing has been
 * answered yet, the client has had the error (Stockade's shape for the service's
 * failures, Judge0's 422 for what the keeper refused).
 */
static int judge(struct j0 *j, json_t *rec, json_t *req, bool batch)
{
	struct api_judge_refusal why;
	json_t *res = NULL;
	int rc;

	json_object_set_new(req, "tenant", json_string(j->t->name));
	rc = api_judge_call(j->r, j->c, req, &res, &why);
	if (rc == 0) {
		finish(j, rec, res);
		api_judge_audit(j->r, res, batch);
		fcgi_metrics_judge("judge0", api_get_str(res, "verdict"));
		json_decref(res);
		return 0;
	}
	if (rc == API_JUDGE_REFUSED) {
		const char *m = strstr(why.message, ": ");
		json_t *errors = json_object();

		add_error(errors, field_of(why.message), "%s", m ? m + 2 : why.message);
		fail_record(rec, why.message);
		api_judge_error(j->r, 422, why.language ? "UnknownLanguage" : "ValidationFailed", 0,
				errors, why.message);
		return -1;
	}
	fail_record(rec, j->r->audit.error_message ?: "the submission could not be judged");
	return -1;
}

/* Asks the keeper to return at most n bytes of each stream (the output limit caps it). */
static void keep_output(struct j0 *j, json_t *req, uint64_t n)
{
	uint64_t out = j->c->judge.test.output;

	json_object_set_new(req, "keep_output", json_integer((json_int_t)(out && out < n ? out : n)));
}

/* The 422 answer with Judge0's errors (stolen). */
static void invalid(struct j0 *j, json_t *errors)
{
	char *text = json_dumps(errors, JSON_COMPACT);

	api_judge_error(j->r, 422, json_object_get(errors, "language_id") &&
				  json_object_size(errors) == 1 ? "UnknownLanguage" : "ValidationFailed",
			0, errors, text ? text : "invalid submission");
	free(text);
}

/* The token as the audit record keeps it (it outlives the record objects). */
static void audit_token(struct fcgi_req *r, const char *token)
{
	static char copy[40];

	snprintf(copy, sizeof(copy), "%s", token);
	r->audit.execution_id = copy;
}

static void create(struct j0 *j)
{
	struct fcgi_req *r = j->r;
	const char *w = fcgi_query(r, "wait", NULL);
	bool wait = w && !strcmp(w, "true");
	json_t *body, *rec, *req = NULL, *errors = NULL, *out;
	char token[40];
	uint64_t mask;

	r->audit.route = "POST submissions";
	if (!(j->t = api_judge_tenant(j->x, r)) || !parse_fields(j, &mask))
		return;
	if (fcgi_req_body(r, j->c->fcgi.max_request) < 0 ||
	    !(body = fcgi_req_object(r, j->c->fcgi.max_depth)))
		return;
	if (!(j->langs = api_judge_languages(r))) {
		json_decref(body);
		return;
	}
	fcgi_uuid(token);
	audit_token(r, token);
	rec = parse_submission(j, body, &req, &errors, token);
	if (json_is_string(json_object_get(body, "source_code"))) {
		/* the audit's hash is of the program's bytes, decoded when sent in base64 */
		json_t *sc = json_object_get(body, "source_code");
		size_t n = 0;
		char *raw = j->b64 ? api_judge_b64_decode(json_string_value(sc),
							  json_string_length(sc), &n) : NULL;

		api_judge_audit_code(r, raw ? raw : json_string_value(sc),
				     raw ? n : json_string_length(sc));
		free(raw);
	}
	json_decref(body);
	if (!rec) {
		invalid(j, errors);
		return;
	}
	if (fcgi_quota_execution(r, j->x->dir, j->c, j->t) < 0)
		goto out;
	if (wait) {
		keep_output(j, req, SYNC_KEEP_OUTPUT);
		set_status(rec, 2);
		json_object_set_new(rec, "started_at", now_iso());
		if (judge(j, rec, req, false) < 0)
			goto out;
		keep(j, rec);	/* for GET later; the answer has it whole anyway */
		/* output that is not UTF-8 without base64_encoded: Judge0 still answers 201
		 * (the submission exists), with its message instead of the fields; not an
		 * error of ours */
		if (!(out = render(rec, mask, j->b64)))
			out = json_pack("{s:s, s:s}", "error", not_utf8_one, "token", token);
		fcgi_reply_json(r, 201, out);
		goto out;
	}
	/* the keeper must be there before a token is promised (with wait=true a missing
	 * keeper answers 503 by itself): one small request, answered at once */
	{
		struct proto_msg m;
		const char *pw = NULL;
		json_t *ping = json_object();
		int prc = fcgi_keeper_call(PROTO_LANGUAGES, ping, NULL, 0, &m, 5000, &pw);

		json_decref(ping);
		if (prc < 0) {
			fcgi_reply_error(r, 503, "KeeperUnavailable", 5, "%s: %s", pw ? pw : "keeper",
					 strerror(-prc));
			goto out;
		}
		proto_msg_free(&m);
	}
	set_status(rec, 1);
	if (keep(j, rec) < 0) {
		directory_down(r);
		goto out;
	}
	fcgi_reply_json(r, 201, json_pack("{s:s}", "token", token));
	fcgi_req_finish_early(r);
	set_status(rec, 2);
	json_object_set_new(rec, "started_at", now_iso());
	keep(j, rec);
	keep_output(j, req, ASYNC_KEEP_OUTPUT);
	judge(j, rec, req, false);
	keep(j, rec);
out:
	json_decref(rec);
	json_decref(req);
}

static void show(struct j0 *j, const char *token)
{
	json_t *rec, *out;
	uint64_t mask;

	j->r->audit.route = "GET submissions/{token}";
	audit_token(j->r, token);
	if (!(j->t = api_judge_tenant(j->x, j->r)) || !parse_fields(j, &mask))
		return;
	switch (lookup(j, token, &rec)) {
	case -1:
		directory_down(j->r);
		return;
	case 0:
		api_judge_error(j->r, 404, "NotFound", 0, json_pack("{s:s}", "error", "Not Found"),
				"no such submission (kept for <judge result-ttl>)");
		return;
	}
	if (!(out = render(rec, mask, j->b64)))
		api_judge_error(j->r, 400, "BadRequest", 0, json_pack("{s:s}", "error", not_utf8_one),
				not_utf8_one);
	else
		fcgi_reply_json(j->r, 200, out);
	json_decref(rec);
}

/* A batch of 1 to API_JUDGE_BATCH_MAX submissions (or tokens); else Judge0's 400. */
static bool batch_size_ok(struct fcgi_req *r, size_t count)
{
	char msg[120];

	if (count && count <= API_JUDGE_BATCH_MAX)
		return true;
	if (count)
		snprintf(msg, sizeof(msg), "number of submissions in a batch should be less "
			 "than or equal to %d", API_JUDGE_BATCH_MAX);
	else
		snprintf(msg, sizeof(msg), "there should be at least one submission in a batch");
	api_judge_error(r, 400, "BadRequest", 0, json_pack("{s:s}", "error", msg), msg);
	return false;
}

static void batch_create(struct j0 *j)
{
	struct fcgi_req *r = j->r;
	json_t *body, *subs, *answer = NULL, *recs = NULL, *reqs = NULL, *s;
	size_t i, valid = 0;

	r->audit.route = "POST submissions/batch";
	if (!(j->t = api_judge_tenant(j->x, r)))
		return;
	if (fcgi_req_body(r, j->c->fcgi.max_request) < 0 ||
	    !(body = fcgi_req_object(r, j->c->fcgi.max_depth)))
		return;
	subs = json_object_get(body, "submissions");
	if (!batch_size_ok(r, json_is_array(subs) ? json_array_size(subs) : 0))
		goto out;
	if (!(j->langs = api_judge_languages(r)))
		goto out;
	answer = json_array();
	recs = json_array();
	reqs = json_array();
	json_array_foreach(subs, i, s) {
		json_t *req = NULL, *errors = NULL, *rec;
		char token[40];

		fcgi_uuid(token);
		rec = json_is_object(s) ? parse_submission(j, s, &req, &errors, token) : NULL;
		if (!json_is_object(s)) {
			errors = json_object();
			add_error(errors, "base", "must be an object");
		}
		if (!rec) {
			json_array_append_new(answer, errors);
			json_array_append_new(recs, json_null());
			json_array_append_new(reqs, json_null());
			continue;
		}
		set_status(rec, 1);
		json_array_append_new(answer, json_pack("{s:s}", "token", token));
		json_array_append_new(recs, rec);
		json_array_append_new(reqs, req);
		valid++;
	}
	if (!valid) {
		char *text = json_dumps(answer, JSON_COMPACT);

		api_judge_error(r, 422, "ValidationFailed", 0, json_incref(answer),
				text ? text : "no valid submission");
		free(text);
		goto out;
	}
	/* the audit: code_bytes adds up the valid submissions' sources, code_sha256 is the
	 * SHA-256 of their SHA-256s (hex, in order), so each stays verifiable */
	{
		char *hexes = malloc(json_array_size(reqs) * 64 + 1), one[65];
		size_t nh = 0, total = 0;
		json_t *q;

		json_array_foreach(reqs, i, q) {
			json_t *src = json_object_get(q, "source");
			const char *enc = api_get_str(q, "source_encoding");
			size_t n = json_string_length(src);
			char *raw = NULL;

			if (!hexes || !json_is_string(src))
				continue;
			if (enc && !strcmp(enc, "base64"))
				raw = api_judge_b64_decode(json_string_value(src), n, &n);
			fcgi_sha256_hex(raw ? raw : json_string_value(src), n, one);
			free(raw);
			memcpy(hexes + nh, one, 64);
			nh += 64;
			total += n;
		}
		if (hexes && nh) {
			api_judge_audit_code(r, hexes, nh);
			r->audit.code_bytes = total;
		}
		free(hexes);
	}
	/* each submission is an execution; the batch is refused whole at the quota */
	for (i = 0; i < valid; i++)
		if (fcgi_quota_execution(r, j->x->dir, j->c, j->t) < 0)
			goto out;
	json_array_foreach(recs, i, s)
		if (json_is_object(s) && keep(j, s) < 0) {
			directory_down(r);
			goto out;
		}
	fcgi_reply_json(r, 201, json_incref(answer));
	fcgi_req_finish_early(r);
	json_array_foreach(recs, i, s) {
		json_t *req = json_array_get(reqs, i);

		if (!json_is_object(s))
			continue;
		set_status(s, 2);
		json_object_set_new(s, "started_at", now_iso());
		keep(j, s);
		keep_output(j, req, ASYNC_KEEP_OUTPUT);
		judge(j, s, req, true);
		keep(j, s);
		/* the entries still queued are stored again, so a long batch's last ones
		 * cannot expire (result-ttl) before their turn */
		for (size_t k = i + 1; k < json_array_size(recs); k++)
			if (json_is_object(json_array_get(recs, k)))
				keep(j, json_array_get(recs, k));
	}
out:
	json_decref(answer);
	json_decref(recs);
	json_decref(reqs);
	json_decref(body);
}

static void batch_show(struct j0 *j)
{
	struct fcgi_req *r = j->r;
	const char *tokens = fcgi_query(r, "tokens", NULL), *p;
	json_t *list;
	uint64_t mask;
	size_t count = 0;

	r->audit.route = "GET submissions/batch";
	if (!(j->t = api_judge_tenant(j->x, r)) || !parse_fields(j, &mask))
		return;
	for (p = tokens; p && *p; p += strcspn(p, ","), p += *p == ',')
		if (strcspn(p, ",") > 0)
			count++;
	if (!batch_size_ok(r, count))
		return;
	list = json_array();
	for (p = tokens; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");
		char token[72];
		json_t *rec, *out;

		if (!n)
			continue;
		snprintf(token, sizeof(token), "%.*s", (int)(n > 70 ? 70 : n), p);
		p += n;
		switch (lookup(j, n > 70 ? "" : token, &rec)) {
		case -1:
			json_decref(list);
			directory_down(r);
			return;
		case 0:
			json_array_append_new(list, json_null());
			continue;
		}
		out = render(rec, mask, j->b64);
		json_decref(rec);
		if (!out) {
			json_decref(list);
			api_judge_error(r, 400, "BadRequest", 0,
					json_pack("{s:s}", "error", not_utf8_many), not_utf8_many);
			return;
		}
		json_array_append_new(list, out);
	}
	fcgi_reply_json(r, 200, json_pack("{s:o}", "submissions", list));
}

/* ---- what needs no key --------------------------------------------------------------------- */

static json_t *language_list(json_t *langs)
{
	json_t *list = json_array();
	const struct j0lang *order[NJ0LANGS];
	size_t n = 0;

	for (size_t i = 0; i < NJ0LANGS; i++)
		if (api_judge_language(langs, j0langs[i].lang))
			order[n++] = &j0langs[i];
	/* by name, as Judge0 lists them; the versions do not change the order here */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && strcmp(order[k - 1]->fmt, order[k]->fmt) > 0; k--) {
			const struct j0lang *tmp = order[k];

			order[k] = order[k - 1];
			order[k - 1] = tmp;
		}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:i, s:o}", "id", order[i]->id, "name",
						      lang_name(order[i],
								api_judge_language(langs, order[i]->lang))));
	return list;
}

/* A command line as text: the config's override, else the built-in argv. */
static json_t *command(const char *conf_cmd, const char *const *argv)
{
	char b[1024];
	size_t n = 0;

	if (conf_cmd && *conf_cmd)
		return json_string(conf_cmd);
	if (!argv[0])
		return json_null();
	b[0] = '\0';
	for (size_t i = 0; argv[i] && n < sizeof(b) - 1; i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%s", i ? " " : "", argv[i]);
	return json_string(b);
}

static void language(struct j0 *j, const char *id_text)
{
	char *end;
	long long id = strtoll(id_text, &end, 10);
	const struct j0lang *l = *end || end == id_text ? NULL : j0lang_by_id(id);
	json_t *langs, *entry;
	const struct sbx_lang *sl;
	const struct conf_lang *cl;

	if (!(langs = api_judge_languages(j->r)))
		return;
	if (!l || !(entry = api_judge_language(langs, l->lang))) {
		api_judge_error(j->r, 404, "NotFound", 0, json_pack("{s:s}", "error", "Not Found"),
				"no such language");
		return;
	}
	sl = sbx_lang_find(l->lang);
	cl = conf_judge_lang(j->c, l->lang);
	fcgi_reply_json(j->r, 200,
			json_pack("{s:i, s:o, s:b, s:s, s:o, s:o}", "id", l->id, "name",
				  lang_name(l, entry), "is_archived", 0, "source_file",
				  api_get_str(entry, "source") ?: (sl ? sl->source : ""),
				  "compile_cmd",
				  sl ? command(cl ? cl->compile : NULL, sl->compile) : json_null(),
				  "run_cmd", sl ? command(cl ? cl->run : NULL, sl->run) : json_null()));
}

static json_t *config_info(const struct conf *c)
{
	const struct conf_judge *cj = &c->judge;
	json_t *o = json_object();

#define SET(k, v) json_object_set_new(o, k, v)
#define SECS(ms) json_real((double)(ms) / 1000.0)
	SET("maintenance_mode", json_false());
	SET("enable_wait_result", json_true());
	SET("enable_compiler_options", json_true());
	SET("allowed_languages_for_compile_options", json_array());
	SET("enable_command_line_arguments", json_true());
	SET("enable_submission_delete", json_false());
	SET("enable_callbacks", json_false());
	SET("callbacks_max_tries", json_integer(0));
	SET("callbacks_timeout", json_real(0));
	SET("enable_additional_files", json_false());
	SET("max_queue_size", json_integer(c->fcgi.workers));
	SET("cpu_time_limit", SECS(cj->test.cpu_ms));
	SET("max_cpu_time_limit", SECS(cj->max.cpu_ms));
	SET("cpu_extra_time", SECS(cj->cpu_extra_ms));
	SET("max_cpu_extra_time", SECS(cj->max_cpu_extra_ms));
	SET("wall_time_limit", SECS(cj->test.wall_ms));
	SET("max_wall_time_limit", SECS(cj->max.wall_ms));
	SET("memory_limit", json_integer((json_int_t)(cj->test.memory / 1024)));
	SET("max_memory_limit", json_integer((json_int_t)(cj->max.memory / 1024)));
	SET("stack_limit", json_integer((json_int_t)(cj->test.stack / 1024)));
	SET("max_stack_limit", json_integer((json_int_t)(cj->max.stack / 1024)));
	SET("max_processes_and_or_threads", json_integer(cj->test.pids));
	SET("max_max_processes_and_or_threads", json_integer(cj->max.pids));
	SET("enable_per_process_and_thread_time_limit", json_false());
	SET("allow_enable_per_process_and_thread_time_limit", json_true());
	SET("enable_per_process_and_thread_memory_limit", json_false());
	SET("allow_enable_per_process_and_thread_memory_limit", json_true());
	SET("max_file_size", json_integer((json_int_t)(cj->test.fsize / 1024)));
	SET("max_max_file_size", json_integer((json_int_t)(cj->max.fsize / 1024)));
	SET("number_of_runs", json_integer(1));
	SET("max_number_of_runs", json_integer(cj->max_runs));
	SET("redirect_stderr_to_stdout", json_false());
	SET("max_extract_size", json_integer(0));
	SET("enable_batched_submissions", json_true());
	SET("max_submission_batch_size", json_integer(API_JUDGE_BATCH_MAX));
	SET("submission_cache_duration", json_real(0));
	SET("use_docs_as_homepage", json_false());
	SET("allow_enable_network", json_false());
	SET("enable_network", json_false());
#undef SECS
#undef SET
	return o;
}

/* ---- routing ------------------------------------------------------------------------------- */

static void not_found(struct fcgi_req *r)
{
	r->audit.route = "unknown";
	api_judge_error(r, 404, "NotFound", 0, json_pack("{s:s}", "error", "Not Found"),
			"no such route");
}

void api_judge0(struct api_ctx *x, struct fcgi_req *r)
{
	const char *b = fcgi_query(r, "base64_encoded", NULL);
	struct j0 j = { .x = x, .r = r, .c = x->conf, .b64 = b && !strcmp(b, "true") };
	bool get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
	bool post = !strcmp(r->method, "POST");
	const char *s0 = r->seg[0];
	int n = r->nseg;
	json_t *langs;

	r->audit.api = "judge0";
	if (!strcmp(s0, "submissions")) {
		if (n == 1 && post)
			create(&j);
		else if (n == 2 && !strcmp(r->seg[1], "batch") && post)
			batch_create(&j);
		else if (n == 2 && !strcmp(r->seg[1], "batch") && get)
			batch_show(&j);
		else if (n == 2 && get)	/* a %00 in the token: no such token */
			show(&j, strlen(r->seg[1]) == r->seg_len[1] ? r->seg[1] : "");
		else if (n == 2 && !strcmp(r->method, "DELETE")) {
			r->audit.route = "DELETE submissions/{token}";
			api_judge_error(r, 400, "BadRequest", 0,
					json_pack("{s:s}", "error", "delete not allowed"),
					"delete not allowed");
		} else
			not_found(r);
		return;
	}
	if (!get || n > 2) {
		not_found(r);
		return;
	}
	if (!strcmp(s0, "languages") && n == 1) {
		r->audit.route = "GET languages";
		if ((langs = api_judge_languages(r)))
			fcgi_reply_json(r, 200, language_list(langs));
	} else if (!strcmp(s0, "languages") && n == 2) {
		r->audit.route = "GET languages/{id}";
		language(&j, strlen(r->seg[1]) == r->seg_len[1] ? r->seg[1] : "");
	} else if (!strcmp(s0, "statuses") && n == 1) {
		json_t *list = json_array();

		r->audit.route = "GET statuses";
		for (int i = 1; i <= NSTATUSES; i++)
			json_array_append_new(list, status_json(i));
		fcgi_reply_json(r, 200, list);
	} else if (!strcmp(s0, "about") && n == 1) {
		r->audit.route = "GET about";
		fcgi_reply_json(r, 200,
				json_pack("{s:s, s:s, s:s, s:s}", "version", JUDGE0_VERSION,
					  "homepage", "", "source_code", "", "maintainer",
					  "Stockade (a Judge0 CE compatible API)"));
	} else if (!strcmp(s0, "config_info") && n == 1) {
		r->audit.route = "GET config_info";
		fcgi_reply_json(r, 200, config_info(x->conf));
	} else {
		not_found(r);
	}
}
