/*
 * api_piston.c - Piston v2's API (https://github.com/engineer-man/piston), on the judge
 * (judge.h).
 *
 *   POST /api/v2/execute   {language, version, files: [{name?, content, encoding?}],
 *                           stdin?, args?, compile_timeout?, run_timeout?,
 *                           compile_cpu_time?, run_cpu_time?, compile_memory_limit?,
 *                           run_memory_limit?}
 *                          -> {language, version, run: {...}, compile: {...}}
 *   GET  /api/v2/runtimes  [{language, version, aliases, runtime?}]
 *
 * One execution is a submission of one test without an expected output: compiled
 * (compiled languages only: "compile" is absent otherwise), then run once with stdin.
 * A stage is Piston's {stdout, stderr, output, code, signal, message, status, cpu_time,
 * wall_time, memory}: times in ms, memory in bytes, status null or isolate's "RE",
 * "SG", "TO", "OL", "EL", "XX", signal a name ("SIGKILL" for TO, OL and EL). "output"
 * is stdout then stderr (Piston interleaves them as they come; a cell keeps them
 * apart). When compiling fails, "run" repeats "compile", as Piston does for old
 * clients.
 *
 * As in Piston: the version is "*", an exact version, or a prefix of one ("3", "3.11");
 * the language is a name or an alias (c, c++/cpp, python/py/python3, javascript/js/
 * node, bash/sh, java); the main file is the first utf8 one, every other file is
 * staged beside it (a plain name: no directories), base64 and hex contents decoded;
 * stdin gets a final newline when it lacks one; timeouts are wall-clock ms, cpu_time
 * CPU ms, memory limits bytes (-1 or 0: the default), each at most the <judge>
 * maximum ("run_timeout cannot exceed the configured limit of 20000"). Errors are
 * 400 {"message": "..."}. The body is read as JSON whatever its Content-Type says
 * (Piston's npm client sends text/plain), or as XML when it says XML.
 */
#define _GNU_SOURCE
#include <math.h>	/* isfinite: a macro, no libm */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "auth.h"
#include "judge.h"
#include "metrics.h"
#include "result.h"

#define MAX_FILES 16		/* staged beside the main file (the keeper's cap) */
#define MAX_ARGS 64
#define KEEP_OUTPUT (1024u * 1024u)	/* of each stream (Piston's own default is 1024) */

static const struct plang {
	const char *lang;		/* the keeper's name */
	const char *name;		/* Piston's */
	const char *aliases[6];
	const char *runtime;		/* Piston's package, when not the language */
} plangs[] = {
	{ "c", "c", { "gcc", NULL }, "gcc" },
	{ "cpp", "c++", { "cpp", "g++", NULL }, "gcc" },
	{ "python", "python", { "py", "py3", "python3", NULL }, NULL },
	{ "node", "javascript", { "node-javascript", "node-js", "javascript", "js", "node", NULL },
	  "node" },
	{ "bash", "bash", { "sh", NULL }, NULL },
	{ "java", "java", { NULL }, NULL },
};
#define NPLANGS (sizeof(plangs) / sizeof(plangs[0]))

/* The Piston language of a name or alias, or of a keeper language so named. */
static const struct plang *plang_find(const char *name, json_t *langs)
{
	json_t *entry;

	for (size_t i = 0; i < NPLANGS; i++) {
		if (!strcasecmp(plangs[i].name, name))
			return &plangs[i];
		for (size_t k = 0; plangs[i].aliases[k]; k++)
			if (!strcasecmp(plangs[i].aliases[k], name))
				return &plangs[i];
	}
	if ((entry = api_judge_language(langs, name)))
		for (size_t i = 0; i < NPLANGS; i++)
			if (!strcmp(plangs[i].lang, api_get_str(entry, "name") ?: ""))
				return &plangs[i];
	return NULL;
}

/* Whether version (the keeper's, "3.11.2") satisfies want: "*", the version itself, or
 * a prefix of it that ends where a component does ("3", "3.11"; "3.x" as "3"). */
static bool version_matches(const char *version, const char *want)
{
	size_t n = strlen(want);

	if (!strcmp(want, "*") || !strcmp(want, "x") || !strcmp(version, want))
		return true;
	if (n > 2 && want[n - 2] == '.' && (want[n - 1] == 'x' || want[n - 1] == '*'))
		n -= 2;
	return n && !strncmp(version, want, n) && version[n] == '.';
}

/* 400 {"message": ...} (or another status), Piston's error. */
__attribute__((format(printf, 4, 5)))
static void perr(struct fcgi_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fcgi_utf8_clean(msg);	/* it may quote the client, cut mid-character */
	api_judge_error(r, status, code, 0, json_pack("{s:s}", "message", msg), msg);
}

/* Bytes as text the way Node's Buffer.toString() makes it: each byte that does not
 * begin or continue a well-formed sequence becomes U+FFFD. */
static json_t *lossy(const char *p, size_t n)
{
	char *out;
	size_t i = 0, o = 0, len;
	uint32_t cp;
	json_t *v;

	if (!p)
		return json_string("");
	if (sbx_utf8_valid(p, n))
		return json_stringn(p, n) ?: json_string("");
	if (!(out = malloc(n * 3 + 1)))
		return json_string("");
	while (i < n) {
		if ((len = sbx_utf8_seq(p + i, n - i, &cp))) {
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	v = json_stringn(out, o);
	free(out);
	return v ?: json_string("");
}

/* A hex string's bytes (Buffer.from(s, "hex")), or NULL when it is not hex. */
static char *unhex(const char *s, size_t n, size_t *len)
{
	char *out;

	if (n % 2 || !(out = malloc(n / 2 + 1)))
		return NULL;
	for (size_t i = 0; i < n; i += 2) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[i + (size_t)k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v |= c - 'A' + 10;
			else {
				free(out);
				return NULL;
			}
		}
		out[i / 2] = (char)v;
	}
	*len = n / 2;
	out[*len] = '\0';
	return out;
}

/* ---- limits ---------------------------------------------------------------------------- */

struct plimit {
	const char *field;	/* Piston's name */
	const char *key;	/* the keeper's */
	bool compile;		/* compile_limits, else limits */
	double max;		/* the <judge> maximum in Piston's unit (0: none) */
	double div;		/* Piston's unit to the keeper's (bytes to KB: 1024) */
	bool memory;		/* -1 means the default */
};

/* Checks the six limits and adds them to the keeper's request. false after answering. */
static bool limits(struct fcgi_req *r, const struct conf *c, json_t *body, json_t *req,
		   bool compiled)
{
	const struct conf_judge *j = &c->judge;
	const struct plimit lims[] = {
		{ "compile_memory_limit", "memory_kb", true, (double)j->compile.memory, 1024, true },
		{ "compile_timeout", "wall_ms", true, (double)j->compile.wall_ms, 1, false },
		{ "compile_cpu_time", "cpu_ms", true, (double)j->compile.cpu_ms, 1, false },
		{ "run_memory_limit", "memory_kb", false, (double)j->max.memory, 1024, true },
		{ "run_timeout", "wall_ms", false, (double)j->max.wall_ms, 1, false },
		{ "run_cpu_time", "cpu_ms", false, (double)j->max.cpu_ms, 1, false },
	};
	json_t *run = json_object(), *comp = json_object();

	for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		const struct plimit *l = &lims[i];
		json_t *v = json_object_get(body, l->field);
		double d;

		/* as Piston: absent, null, 0 and "" say nothing */
		if (!v || json_is_null(v) || json_is_false(v) ||
		    (json_is_number(v) && json_number_value(v) == 0) ||
		    (json_is_string(v) && !json_string_length(v)))
			continue;
		if (json_is_number(v)) {
			d = json_number_value(v);
		} else if (r->body_xml && json_is_string(v)) {	/* XML leaves are text */
			char *end;

			d = strtod(json_string_value(v), &end);
			if (*end)
				goto not_number;
		} else {
			goto not_number;
		}
		if (!isfinite(d))
			goto not_number;
		if (l->memory && d == -1)
			continue;
		if (l->max > 0 && d > l->max) {
			perr(r, 400, "BadRequest", "%s cannot exceed the configured limit of %.0f",
			     l->field, l->max);
			goto fail;
		}
		if (d < 0) {
			perr(r, 400, "BadRequest", "%s must be non-negative", l->field);
			goto fail;
		}
		d = -api_judge_floor(-d / l->div);	/* rounded up */
		json_object_set_new(l->compile ? comp : run, l->key,
				    json_integer((json_int_t)(d < 1 ? 1 : d)));
		continue;
not_number:
		perr(r, 400, "BadRequest", "If specified, %s must be a number", l->field);
		goto fail;
	}
	if (json_object_size(run))
		json_object_set(req, "limits", run);
	if (compiled && json_object_size(comp))
		json_object_set(req, "compile_limits", comp);
	json_decref(run);
	json_decref(comp);
	return true;
fail:
	json_decref(run);
	json_decref(comp);
	return false;
}

/* ---- files ------------------------------------------------------------------------------- */

/* A file's encoding as Piston reads it: base64 and hex, anything else utf8. */
static const char *file_encoding(json_t *f)
{
	const char *e = api_get_str(f, "encoding");

	return e && (!strcmp(e, "base64") || !strcmp(e, "hex")) ? e : "utf8";
}

/*
 * The main file (the first utf8 one) into req's source, the others into req's files.
 * false after answering.
 */
static bool files(struct fcgi_req *r, const struct conf *c, json_t *list, json_t *req)
{
	json_t *f, *staged = json_array();
	size_t i, main_i = (size_t)-1;

	json_array_foreach(list, i, f)
		if (main_i == (size_t)-1 && !strcmp(file_encoding(f), "utf8"))
			main_i = i;
	if (main_i == (size_t)-1) {
		perr(r, 400, "BadRequest", "files must include at least one utf8 encoded file");
		goto fail;
	}
	if (json_array_size(list) > MAX_FILES + 1) {
		perr(r, 400, "BadRequest", "files: at most %d besides the main one", MAX_FILES);
		goto fail;
	}
	json_array_foreach(list, i, f) {
		json_t *content = json_object_get(f, "content"), *name = json_object_get(f, "name");
		const char *enc = file_encoding(f), *nm;
		char dflt[32];
		size_t len;
		char *raw = NULL, *b64;

		if (i == main_i) {
			len = json_string_length(content);
			api_judge_audit_code(r, json_string_value(content), len);
			if (len > c->fcgi.max_code) {
				perr(r, 413, "CodeTooLarge",
				     "files[%zu].content is %zu bytes; the limit is %llu", i, len,
				     (unsigned long long)c->fcgi.max_code);
				goto fail;
			}
			json_object_set(req, "source", content);
			continue;
		}
		snprintf(dflt, sizeof(dflt), "file%zu.code", i);
		if (name && !json_is_null(name) && !(json_is_string(name) && !json_string_length(name))) {
			if (!json_is_string(name) ||
			    strlen(json_string_value(name)) != json_string_length(name) ||
			    json_string_length(name) > 255 ||
			    !proto_valid_file_name(json_string_value(name), json_string_length(name))) {
				perr(r, 400, "BadRequest",
				     "files[%zu].name must be a plain file name (no directories, "
				     "no control characters, at most 255 bytes)", i);
				goto fail;
			}
			nm = json_string_value(name);
		} else {
			nm = dflt;
		}
		if (!strcmp(enc, "utf8")) {
			json_array_append_new(staged, json_pack("{s:s, s:O}", "name", nm, "content",
								content));
			continue;
		}
		raw = !strcmp(enc, "hex")
			      ? unhex(json_string_value(content), json_string_length(content), &len)
			      : api_judge_b64_decode(json_string_value(content),
						     json_string_length(content), &len);
		if (!raw) {
			perr(r, 400, "BadRequest", "files[%zu].content is not valid %s", i, enc);
			goto fail;
		}
		b64 = api_judge_b64_encode(raw, len, NULL);
		free(raw);
		if (!b64) {
			perr(r, 400, "BadRequest", "files[%zu]: out of memory", i);
			goto fail;
		}
		f = json_pack("{s:s, s:s}", "name", nm, "content", b64);
		api_judge_file_base64(f);
		json_array_append_new(staged, f);
		free(b64);
	}
	if (json_array_size(staged))
		json_object_set(req, "files", staged);
	json_decref(staged);
	return true;
fail:
	json_decref(staged);
	return false;
}

/* ---- stages out ---------------------------------------------------------------------------- */

/* The fields every stage has, from the bytes and the measures. */
static json_t *stage(const char *out, size_t nout, const char *err, size_t nerr, json_t *code,
		     const char *signal, const char *status, const char *message, json_t *m)
{
	char *both = malloc(nout + nerr + 1);
	json_t *o;

	if (both) {
		if (nout)
			memcpy(both, out, nout);
		if (nerr)
			memcpy(both + nout, err, nerr);
	}
	o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "stdout",
		      lossy(out, nout), "stderr", lossy(err, nerr), "code", code ?: json_null(),
		      "signal", signal ? json_string(signal) : json_null(), "output",
		      both ? lossy(both, nout + nerr) : json_string(""), "memory",
		      json_integer(api_judge_int(m, "memory_kb", 0) * 1024), "message",
		      message ? json_string(message) : json_null(), "status",
		      status ? json_string(status) : json_null(), "cpu_time",
		      json_integer(api_judge_int(m, "cpu_ms", 0)), "wall_time",
		      json_integer(api_judge_int(m, "wall_ms", 0)));
	free(both);
	return o;
}

/* The exit code as Piston gives it: the number, or null when a signal ended it. */
static json_t *exit_code(json_t *o)
{
	json_t *v = json_object_get(o, "exit_code");

	return json_is_integer(v) ? json_incref(v) : json_null();
}

/* Piston's compile stage from the keeper's "compile". wall_limit: what it was given. */
static json_t *compile_stage(json_t *comp, int64_t wall_limit)
{
	const char *st = api_get_str(comp, "status") ?: "internal_error";
	int64_t sig = api_judge_int(comp, "signal", 0), code = api_judge_int(comp, "exit_code", -1);
	const char *status = NULL, *signal = sig > 0 ? api_judge_signal_name((int)sig) : NULL;
	char msg[200] = "";
	size_t n;
	char *out = api_judge_stream(comp, "output", &n);
	/* the keeper's own line after a compiler it stopped at its time limit */
	bool timed_out = out && strstr(out, "stockade: compilation exceeded its time limit");
	json_t *o;

	if (!strcmp(st, "internal_error")) {
		status = "XX";
		snprintf(msg, sizeof(msg), "%s", api_get_str(comp, "message") ?: "internal error");
	} else if (!strcmp(st, "compilation_error") && (sig > 0 || timed_out)) {
		bool to = timed_out || (sig == 9 && api_judge_int(comp, "wall_ms", 0) >= wall_limit);

		status = to ? "TO" : "SG";
		if (to)
			snprintf(msg, sizeof(msg), "Time limit exceeded (wall clock)");
		else
			snprintf(msg, sizeof(msg), "Caught fatal signal %lld", (long long)sig);
	} else if (!strcmp(st, "compilation_error")) {
		status = "RE";
		snprintf(msg, sizeof(msg), "Exited with error status %lld",
			 (long long)(code > 0 ? code : 1));
	}
	/* a compiler writes its complaints to stderr; the cell keeps them as one stream */
	o = stage("", 0, out, n, exit_code(comp), signal, status, msg[0] ? msg : NULL, comp);
	free(out);
	return o;
}

/* Piston's run stage from the keeper's verdict and its one test. */
static json_t *run_stage(json_t *res)
{
	const char *v = api_get_str(res, "verdict") ?: "internal_error";
	json_t *t = json_array_get(json_object_get(res, "tests"), 0), *o;
	int64_t sig = api_judge_int(t, "signal", 0), code = api_judge_int(t, "exit_code", -1);
	const char *status = NULL, *signal = sig > 0 ? api_judge_signal_name((int)sig) : NULL;
	char msg[300] = "", *out, *err;
	size_t nout, nerr;

	if (!strcmp(v, "time_limit")) {
		status = "TO";
		snprintf(msg, sizeof(msg), "Time limit exceeded%s",
			 !strcmp(api_get_str(t, "time_kind") ?: "", "wall") ? " (wall clock)" : "");
	} else if (!strcmp(v, "output_limit")) {
		bool err_only = json_is_true(json_object_get(t, "stderr_truncated")) &&
				!json_is_true(json_object_get(t, "stdout_truncated"));

		status = err_only ? "EL" : "OL";
		snprintf(msg, sizeof(msg), "%s length exceeded", err_only ? "stderr" : "stdout");
	} else if (!strcmp(v, "memory_limit")) {
		/* isolate's OOM kill under a cgroup: a signal, SIGKILL */
		status = "SG";
		signal = "SIGKILL";
		snprintf(msg, sizeof(msg), "Memory limit exceeded");
	} else if (!strcmp(v, "runtime_error") && sig > 0) {
		status = "SG";
		snprintf(msg, sizeof(msg), "Caught fatal signal %lld", (long long)sig);
	} else if (!strcmp(v, "runtime_error")) {
		status = "RE";
		snprintf(msg, sizeof(msg), "Exited with error status %lld", (long long)code);
	} else if (!strcmp(v, "internal_error")) {
		status = "XX";
		snprintf(msg, sizeof(msg), "%s", api_get_str(t, "message") ?: "internal error");
	}
	if (status && (!strcmp(status, "TO") || !strcmp(status, "OL") || !strcmp(status, "EL")))
		signal = "SIGKILL";	/* as Piston reports a stage it killed */
	out = api_judge_stream(t, "stdout", &nout);
	err = api_judge_stream(t, "stderr", &nerr);
	o = stage(out, nout, err, nerr, exit_code(t), signal, status, msg[0] ? msg : NULL, t);
	free(out);
	free(err);
	return o;
}

/* ---- routes -------------------------------------------------------------------------------- */

static void execute(struct api_ctx *x, struct fcgi_req *r)
{
	const struct conf *c = x->conf;
	const struct conf_tenant *t;
	const struct plang *pl;
	const char *lang, *version, *ct;
	json_t *body, *langs, *entry, *list, *f, *req = NULL, *res = NULL, *v, *out;
	struct api_judge_refusal why;
	bool compiled;
	size_t i;

	r->audit.route = "POST api/v2/execute";
	if (!(t = api_judge_tenant(x, r)))
		return;
	if (fcgi_req_body(r, c->fcgi.max_request) < 0)
		return;
	/* JSON whatever the Content-Type says (fcgi_req_object refuses other types with
	 * 415, which Azure's rules want); XML when it says XML */
	ct = r->content_type;
	if (!r->body_xml)
		r->content_type = NULL;
	body = fcgi_req_object(r, c->fcgi.max_depth);
	r->content_type = ct;
	if (!body)
		return;
	lang = api_get_str(body, "language");
	version = api_get_str(body, "version");
	list = json_object_get(body, "files");
	if (!lang || !*lang) {
		perr(r, 400, "BadRequest", "language is required as a string");
		goto out;
	}
	if (!version || !*version) {
		perr(r, 400, "BadRequest", "version is required as a string");
		goto out;
	}
	if (!json_is_array(list)) {
		perr(r, 400, "BadRequest", "files is required as an array");
		goto out;
	}
	json_array_foreach(list, i, f)
		if (!json_is_string(json_object_get(f, "content"))) {
			perr(r, 400, "BadRequest", "files[%zu].content is required as a string", i);
			goto out;
		}
	if (!(langs = api_judge_languages(r)))
		goto out;
	pl = plang_find(lang, langs);
	entry = pl ? api_judge_language(langs, pl->lang) : NULL;
	if (!entry || !version_matches(api_get_str(entry, "version") ?: "", version)) {
		perr(r, 400, "UnknownLanguage", "%.64s-%.64s runtime is unknown", lang, version);
		goto out;
	}
	compiled = json_is_true(json_object_get(entry, "compiled"));
	req = json_pack("{s:s}", "language", pl->lang);
	if (!files(r, c, list, req) || !limits(r, c, body, req, compiled))
		goto out;
	v = json_object_get(body, "args");
	if (v && !json_is_null(v) && !(r->body_xml && json_is_string(v) && !json_string_length(v))) {
		json_t *a;

		if (!json_is_array(v) || json_array_size(v) > MAX_ARGS) {
			perr(r, 400, "BadRequest", "args must be an array of at most %d strings",
			     MAX_ARGS);
			goto out;
		}
		json_array_foreach(v, i, a)
			if (!json_is_string(a) ||
			    strlen(json_string_value(a)) != json_string_length(a)) {
				perr(r, 400, "BadRequest", "args[%zu] must be a string", i);
				goto out;
			}
		json_object_set(req, "args", v);
	}
	v = json_object_get(body, "stdin");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		perr(r, 400, "BadRequest", "stdin must be a string");
		goto out;
	}
	{
		/* Piston adds a final newline to stdin when it has none */
		const char *in = json_string_value(v) ?: "";
		size_t n = json_string_length(v);
		char *s = malloc(n + 2);

		if (!s) {
			perr(r, 400, "BadRequest", "stdin: out of memory");
			goto out;
		}
		memcpy(s, in, n);
		if (!n || s[n - 1] != '\n')
			s[n++] = '\n';
		json_object_set_new(req, "tests",
				    json_pack("[{s:o, s:n}]", "stdin", json_stringn(s, n) ?: json_string("\n"),
					      "expected"));
		free(s);
	}
	if (fcgi_quota_execution(r, x->dir, c, t) < 0)
		goto out;
	json_object_set_new(req, "tenant", json_string(t->name));
	json_object_set_new(req, "keep_output",
			    json_integer((json_int_t)(c->judge.test.output &&
						      c->judge.test.output < KEEP_OUTPUT
							      ? c->judge.test.output : KEEP_OUTPUT)));
	switch (api_judge_call(r, c, req, &res, &why)) {
	case 0:
		break;
	case API_JUDGE_REFUSED:
		if (why.language)
			perr(r, 400, "UnknownLanguage", "%.64s-%.64s runtime is unknown", lang,
			     version);
		else
			perr(r, 400, "BadRequest", "%s", why.message);
		/* fall through */
	default:
		goto out;
	}
	api_judge_audit(r, res, false);
	fcgi_metrics_judge("piston", r->audit.verdict);
	out = json_pack("{s:s, s:s}", "language", pl->name, "version",
			api_get_str(res, "version") ?: api_get_str(entry, "version") ?: "");
	if (compiled && json_is_object(json_object_get(res, "compile"))) {
		json_t *cs = compile_stage(json_object_get(res, "compile"),
					   api_judge_int(json_object_get(req, "compile_limits"),
							 "wall_ms", (int64_t)c->judge.compile.wall_ms));

		json_object_set_new(out, "compile", cs);
		if (!strcmp(api_get_str(res, "verdict") ?: "", "compilation_error"))
			json_object_set(out, "run", cs);	/* Piston's compatibility */
	}
	if (!json_object_get(out, "run"))
		json_object_set_new(out, "run", run_stage(res));
	fcgi_reply_json(r, 200, out);
out:
	json_decref(res);
	json_decref(req);
	json_decref(body);
}

static void runtimes(struct fcgi_req *r)
{
	json_t *langs, *list, *aliases, *entry;

	r->audit.route = "GET api/v2/runtimes";
	if (!(langs = api_judge_languages(r)))
		return;
	list = json_array();
	for (size_t i = 0; i < NPLANGS; i++) {
		json_t *o;

		if (!(entry = api_judge_language(langs, plangs[i].lang)))
			continue;
		aliases = json_array();
		for (size_t k = 0; plangs[i].aliases[k]; k++)
			json_array_append_new(aliases, json_string(plangs[i].aliases[k]));
		o = json_pack("{s:s, s:s, s:o}", "language", plangs[i].name, "version",
			      api_get_str(entry, "version") ?: "", "aliases", aliases);
		if (plangs[i].runtime)
			json_object_set_new(o, "runtime", json_string(plangs[i].runtime));
		json_array_append_new(list, o);
	}
	fcgi_reply_json(r, 200, list);
}

void api_piston(struct api_ctx *x, struct fcgi_req *r)
{
	bool get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");

	r->audit.api = "piston";
	if (r->nseg == 3 && !strcmp(r->seg[2], "execute") && !strcmp(r->method, "POST")) {
		execute(x, r);
	} else if (r->nseg == 3 && !strcmp(r->seg[2], "runtimes") && get) {
		runtimes(r);
	} else {
		r->audit.route = "unknown";
		perr(r, 404, "NotFound", "no such route: %s /api/v2/%.64s", r->method,
		     r->nseg > 2 ? r->seg[2] : "");
	}
}
