/*
 * api_judge.c - the native judge API, and what the three judge APIs share (judge.h).
 *
 *   POST /v1/judge      the keeper's PROTO_JUDGE request without "tenant":
 *                       {language, source, tests: [{stdin, expected}], limits, ...}
 *                       -> 200 and the keeper's "result" object
 *   GET  /v1/languages  {"languages": [...]}: the keeper's languages, with versions
 *
 * A submission is compiled once and each of its tests runs in a fresh cell; the answer
 * comes when every test has run, and the worker is held meanwhile, as for a
 * synchronous execution. The body is JSON, or XML by the README's mapping (every leaf
 * is then text: numbers and booleans are accepted as strings, and an empty element
 * stands for an absent object or list). Every field is checked here, before the
 * keeper sees it, against <fcgi max-code> and the <judge> maxima: 400 InvalidRequest
 * names the field ("limits.cpu_ms: at most 15000"), 400 UnknownLanguage a language
 * the keeper does not have, 413 CodeTooLarge a source over max-code. A submission
 * counts as one execution against the tenant's per-minute quota, however many tests
 * it holds. GET /v1/languages needs no key: it shows what any judge publishes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>	/* isfinite: a macro, no libm */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "api.h"
#include "auth.h"
#include "compare.h"
#include "judge.h"
#include "keeper.h"
#include "metrics.h"
#include "result.h"
#include "util.h"
#include "xml.h"

/* The keeper's contract caps: files staged beside the source, program arguments,
 * compiler options. */
#define MAX_FILES 16
#define MAX_ARGS 64
#define MAX_ARG_BYTES 4096
#define MAX_COMPILER_OPTIONS 1024

/* How long a worker keeps the keeper's language list before asking again. */
#define LANGS_TTL_NS (600ULL * 1000000000ULL)

/* ---- shared: tenant, languages, the keeper call ---------------------------------------- */

const struct conf_tenant *api_judge_tenant(struct api_ctx *x, struct fcgi_req *r)
{
	const struct conf_key *key = NULL;
	const struct conf_tenant *t = fcgi_auth(r, x->conf, &key);
	unsigned share;

	if (!t)
		return NULL;
	if (!key)
		r->audit.key_id = "anonymous";	/* served by its network, without a key */
	share = t->max_requests ? t->max_requests : x->share;
	if (!fcgi_share_claim(x->worker, (unsigned)(t - x->conf->tenants), share)) {
		fcgi_reply_error(r, 429, "TooManyRequests", 1,
				 "tenant %s already has %u requests running here, its share of "
				 "the workers", t->name, share);
		return NULL;
	}
	return t;
}

static json_t *langs_cache;
static unsigned long long langs_at;

json_t *api_judge_languages(struct fcgi_req *r)
{
	struct proto_msg m;
	const char *why = NULL;
	json_t *req, *l;
	int rc;

	if (langs_cache && sbx_now_ns() - langs_at < LANGS_TTL_NS)
		return langs_cache;
	req = json_object();
	rc = fcgi_keeper_call(PROTO_LANGUAGES, req, NULL, 0, &m, 10000, &why);
	json_decref(req);
	if (rc < 0 || !json_is_true(json_object_get(m.json, "ok")) ||
	    !json_is_array(json_object_get(m.json, "languages"))) {
		if (langs_cache) {	/* a list a little old beats none */
			if (rc == 0)
				proto_msg_free(&m);
			langs_at = sbx_now_ns();
			return langs_cache;
		}
		if (rc < 0) {
			fcgi_reply_error(r, 503, "KeeperUnavailable", 5, "%s: %s",
					 why ? why : "keeper", strerror(-rc));
		} else {
			if (json_is_true(json_object_get(m.json, "ok")))
				fcgi_reply_error(r, 503, "PoolUnavailable", 5,
						 "the keeper's language list is malformed");
			else
				api_keeper_error(r, m.json);
			proto_msg_free(&m);
		}
		return NULL;
	}
	l = json_incref(json_object_get(m.json, "languages"));
	proto_msg_free(&m);
	json_decref(langs_cache);
	langs_cache = l;
	langs_at = sbx_now_ns();
	return langs_cache;
}

json_t *api_judge_language(json_t *langs, const char *name)
{
	json_t *l, *a;
	size_t i, k;

	if (!name)
		return NULL;
	json_array_foreach(langs, i, l) {
		if (!strcasecmp(api_get_str(l, "name") ?: "", name))
			return l;
		json_array_foreach(json_object_get(l, "aliases"), k, a)
			if (json_is_string(a) && !strcasecmp(json_string_value(a), name))
				return l;
	}
	return NULL;
}

int64_t api_judge_int(json_t *o, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v) && isfinite(json_real_value(v)) && json_real_value(v) < 9e18 &&
	    json_real_value(v) > -9e18)
		return (int64_t)json_real_value(v);
	return dflt;
}

/* v clamped to [lo, hi]. */
static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int api_judge_timeout_ms(const struct conf *c, json_t *req)
{
	json_t *lim = json_object_get(req, "limits"), *clim = json_object_get(req, "compile_limits");
	int64_t wall = api_judge_int(lim, "wall_ms", (int64_t)c->judge.test.wall_ms);
	int64_t cwall = api_judge_int(clim, "wall_ms", (int64_t)c->judge.compile.wall_ms);
	int64_t tests = (int64_t)json_array_size(json_object_get(req, "tests"));
	int64_t runs = api_judge_int(req, "runs", 1);
	int64_t width = api_judge_int(req, "width", (int64_t)c->judge.width);
	int64_t rounds, t;

	/* every factor bounded, so the product cannot overflow */
	wall = clamp(wall, 0, 100000000);
	cwall = clamp(cwall, 0, 100000000);
	tests = clamp(tests, 1, 100000);
	runs = clamp(runs, 1, 10000);
	width = clamp(width, 1, c->judge.width ? (int64_t)c->judge.width : 1);
	rounds = (tests * runs + width - 1) / width;
	/* per run, a cell that may have to be started on demand; then the answer's way
	 * back and the keeper's own bookkeeping */
	t = cwall + rounds * (wall + 250) + 15000;
	return t > INT_MAX ? INT_MAX : (int)t;
}

bool api_judge_too_long(const struct conf *c, json_t *req, char *msg, size_t len)
{
	int timeout_ms = api_judge_timeout_ms(c, req);

	/* a submission that could outlast nginx's wait for the answer (its
	 * fastcgi_read_timeout, 330 s) is refused rather than cut off with a 502 */
	if (timeout_ms <= API_JUDGE_MAX_MS)
		return false;
	snprintf(msg, len, "tests: with these tests, runs, width and limits judging could take "
		 "up to %d s; at most %d s (fewer tests or runs, or a smaller wall_ms)",
		 timeout_ms / 1000, API_JUDGE_MAX_MS / 1000);
	return true;
}

int api_judge_call(struct fcgi_req *r, const struct conf *c, json_t *req, json_t **result,
		   struct api_judge_refusal *why)
{
	struct proto_msg m;
	const char *w = NULL, *code, *msg;
	json_t *e, *res;
	int timeout_ms = api_judge_timeout_ms(c, req), rc;

	if (api_judge_too_long(c, req, why->message, sizeof(why->message))) {
		why->language = false;
		return API_JUDGE_REFUSED;
	}
	rc = fcgi_keeper_call(PROTO_JUDGE, req, NULL, 0, &m, timeout_ms, &w);

	if (rc < 0) {
		fcgi_reply_error(r, 503, "KeeperUnavailable", 5, "%s: %s", w ? w : "keeper",
				 strerror(-rc));
		return -1;
	}
	if (!json_is_true(json_object_get(m.json, "ok"))) {
		e = json_object_get(m.json, "error");
		code = api_get_str(e, "code") ?: "";
		msg = api_get_str(e, "message") ?: "the keeper refused the request";
		if (!strcmp(code, PROTO_E_BAD_REQUEST) || !strcmp(code, PROTO_E_LANGUAGE)) {
			why->language = !strcmp(code, PROTO_E_LANGUAGE);
			snprintf(why->message, sizeof(why->message), "%s", msg);
			proto_msg_free(&m);
			return API_JUDGE_REFUSED;
		}
		api_keeper_error(r, m.json);
		proto_msg_free(&m);
		return -1;
	}
	res = json_object_get(m.json, "result");
	if (!json_is_object(res)) {
		proto_msg_free(&m);
		fcgi_reply_error(r, 503, "PoolUnavailable", 5, "the keeper's answer has no result");
		return -1;
	}
	*result = json_incref(res);
	proto_msg_free(&m);
	return 0;
}

/* ---- shared: audit, answers ------------------------------------------------------------ */

int api_judge_severity(const char *verdict)
{
	/* the keeper's order (most severe wins), with a compilation error, which ran no
	 * test, just below an internal error */
	static const char *const order[] = {
		"accepted", "wrong_answer", "runtime_error", "output_limit", "memory_limit",
		"time_limit", "compilation_error", "internal_error",
	};

	for (size_t i = 0; verdict && i < sizeof(order) / sizeof(order[0]); i++)
		if (!strcmp(verdict, order[i]))
			return (int)i;
	return -1;
}

/* The larger of the record's value (when add and set) and v. */
static int64_t most(int64_t have, int64_t v, bool add)
{
	return add && have > v ? have : v;
}

void api_judge_audit(struct fcgi_req *r, json_t *res, bool add)
{
	static char verdict[32], language[32];
	const char *v = api_get_str(res, "verdict"), *l = api_get_str(res, "language");
	json_t *lim = json_object_get(res, "limits");
	int64_t total = api_judge_int(res, "total",
				      (int64_t)json_array_size(json_object_get(res, "tests")));
	int64_t passed = api_judge_int(res, "passed", 0);

	add = add && r->audit.tests >= 0;	/* the first result sets, the next ones add */
	if (v && (!add || api_judge_severity(v) > api_judge_severity(r->audit.verdict))) {
		snprintf(verdict, sizeof(verdict), "%s", v);
		r->audit.verdict = verdict;
	}
	if (l && (!add || !r->audit.language)) {
		snprintf(language, sizeof(language), "%s", l);
		r->audit.language = language;
	} else if (l && strcmp(r->audit.language, l)) {
		r->audit.language = "mixed";	/* a batch of several languages */
	}
	r->audit.tests = (add ? r->audit.tests : 0) + total;
	r->audit.tests_passed = (add ? r->audit.tests_passed : 0) + passed;
	r->audit.cpu_ms = most(r->audit.cpu_ms, api_judge_int(res, "cpu_ms", 0), add);
	r->audit.wall_ms = most(r->audit.wall_ms, api_judge_int(res, "wall_ms", 0), add);
	r->audit.memory_peak_kb = most(r->audit.memory_peak_kb,
				       api_judge_int(res, "memory_kb", 0), add);
	if (json_is_object(lim)) {
		r->audit.timeout_ms = most(r->audit.timeout_ms, api_judge_int(lim, "wall_ms", -1),
					   add);
		r->audit.memory_limit_kb = most(r->audit.memory_limit_kb,
						api_judge_int(lim, "memory_kb", -1), add);
	}
}

void api_judge_audit_code(struct fcgi_req *r, const char *code, size_t n)
{
	r->audit.has_code = true;
	r->audit.code_bytes = n;
	fcgi_sha256_hex(code, n, r->audit.code_sha256);
}

void api_judge_reply(struct fcgi_req *r, int status, json_t *v, const char *extra)
{
	char *text = NULL;
	size_t n = 0;

	if (r->want_xml && (text = fcgi_json_to_xml(v, "response", &n))) {
		fcgi_reply_raw(r, status, "application/xml; charset=utf-8", text, n, extra);
		free(text);
		json_decref(v);
		return;
	}
	text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	if (!text) {
		fcgi_reply_error(r, 500, "InternalError", 0, "out of memory");
		return;
	}
	fcgi_reply_raw(r, status, "application/json; charset=utf-8", text, strlen(text), extra);
	free(text);
}

void api_judge_error(struct fcgi_req *r, int status, const char *code, int retry_after_s,
		     json_t *body, const char *message)
{
	/* the audit record's copies (one request at a time per worker) */
	static char acode[64], amsg[512];
	char extra[160];
	int n;

	snprintf(acode, sizeof(acode), "%s", code);
	snprintf(amsg, sizeof(amsg), "%s", message);
	fcgi_utf8_clean(amsg);
	/* a body that could not be built (text that is not UTF-8) still gets an answer */
	if (!body)
		body = json_pack("{s:s}", "error", amsg);
	r->audit.error_code = acode;
	r->audit.error_message = amsg;
	if (r->answered) {
		json_decref(body);
		return;
	}
	n = snprintf(extra, sizeof(extra), "x-ms-error-code: %s\r\n", acode);
	if (retry_after_s > 0 && n > 0 && (size_t)n < sizeof(extra))
		snprintf(extra + n, sizeof(extra) - (size_t)n, "Retry-After: %d\r\n", retry_after_s);
	api_judge_reply(r, status, body, extra);
}

bool api_judge_staged_base64(json_t *f)
{
	const char *e = api_get_str(f, "encoding") ?: api_get_str(f, "content_encoding");

	return e && !strcasecmp(e, "base64");
}

void api_judge_file_base64(json_t *f)
{
	/* the contract names it "encoding", the keeper reads "content_encoding": both */
	json_object_set_new(f, "encoding", json_string("base64"));
	json_object_set_new(f, "content_encoding", json_string("base64"));
}

/* ---- shared: bytes and text ------------------------------------------------------------ */

#define B64_MAX (1u << 30)

char *api_judge_b64_encode(const void *p, size_t n, size_t *len)
{
	size_t out;
	char *s;

	if (n > B64_MAX)
		return NULL;
	out = (n + 2) / 3 * 4;
	if (!(s = malloc(out + 1)))
		return NULL;
	/* EVP_EncodeBlock writes no line breaks, and the NUL */
	EVP_EncodeBlock((unsigned char *)s, (const unsigned char *)p, (int)n);
	if (len)
		*len = out;
	return s;
}

char *api_judge_b64_decode(const char *s, size_t n, size_t *len)
{
	char *clean, *out;
	size_t c = 0, pad = 0, i;
	int got;

	if (n > B64_MAX || !(clean = malloc(n + 4)))
		return NULL;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f')
			continue;
		if (ch == '-')
			ch = '+';
		else if (ch == '_')
			ch = '/';
		clean[c++] = ch;
	}
	/* padding: dropped here, and put back to a whole quantum below */
	while (c && clean[c - 1] == '=' && pad < 2) {
		c--;
		pad++;
	}
	for (i = 0; i < c; i++)
		if (!((clean[i] >= 'A' && clean[i] <= 'Z') || (clean[i] >= 'a' && clean[i] <= 'z') ||
		      (clean[i] >= '0' && clean[i] <= '9') || clean[i] == '+' || clean[i] == '/'))
			break;
	if (i < c || c % 4 == 1) {	/* a stray character or '=', or a lone sextet */
		free(clean);
		return NULL;
	}
	pad = (4 - c % 4) % 4;
	for (i = 0; i < pad; i++)
		clean[c++] = '=';
	if (!(out = malloc(c / 4 * 3 + 1))) {
		free(clean);
		return NULL;
	}
	got = c ? EVP_DecodeBlock((unsigned char *)out, (unsigned char *)clean, (int)c) : 0;
	free(clean);
	if (got < 0 || (size_t)got < pad) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding's zero bytes too */
	*len = (size_t)got - pad;
	out[*len] = '\0';
	return out;
}

json_t *api_judge_text(const char *p, size_t n)
{
	if (!sbx_utf8_valid(p, n))
		return NULL;
	return json_stringn_nocheck(p, n);
}

char *api_judge_stream(json_t *obj, const char *key, size_t *len)
{
	json_t *v = json_object_get(obj, key);
	const char *enc;
	char ek[64], *out;

	*len = 0;
	if (!json_is_string(v))
		return NULL;
	snprintf(ek, sizeof(ek), "%s_encoding", key);
	enc = api_get_str(obj, ek);
	if (enc && !strcasecmp(enc, "base64"))
		return api_judge_b64_decode(json_string_value(v), json_string_length(v), len);
	if (!(out = malloc(json_string_length(v) + 1)))
		return NULL;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	*len = json_string_length(v);
	return out;
}

const char *api_judge_signal_name(int sig)
{
	static const char *const names[] = {
		[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
		[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
		[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM",
		[15] = "SIGTERM", [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",
		[19] = "SIGSTOP", [20] = "SIGTSTP", [21] = "SIGTTIN", [22] = "SIGTTOU",
		[23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ", [26] = "SIGVTALRM",
		[27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR", [31] = "SIGSYS",
	};

	return sig > 0 && (size_t)sig < sizeof(names) / sizeof(names[0]) ? names[sig] : NULL;
}

/* ---- the native API: checking a request ------------------------------------------------ */

struct nat {
	struct api_ctx *x;
	struct fcgi_req *r;
	const struct conf *c;
	json_t *langs;
};

/* 400 InvalidRequest with a message naming the field. Returns false. */
__attribute__((format(printf, 2, 3)))
static bool bad(struct nat *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fcgi_reply_error(n->r, 400, "InvalidRequest", 0, "%s", msg);
	return false;
}

/* Whether v stands for "not given": absent, null, or (XML) an empty element, which is
 * how an empty object or list reads back. */
static bool absent(struct nat *n, json_t *v)
{
	return !v || json_is_null(v) ||
	       (n->r->body_xml && json_is_string(v) && !json_string_length(v));
}

/* An integer in [lo, hi] (hi 0: no upper bound) at o[key], as a JSON integer or text.
 * 1 with *v, 0 absent, -1 after answering. */
static int int_field(struct nat *n, json_t *o, const char *where, const char *key, int64_t lo,
		     uint64_t hi, int64_t *v)
{
	json_t *j = json_object_get(o, key);

	if (absent(n, j))
		return 0;
	if (api_get_int(o, key, v) != 1)
		return bad(n, "%s%s: must be an integer", where, key), -1;
	if (*v < lo)
		return bad(n, "%s%s: at least %lld", where, key, (long long)lo), -1;
	if (hi && (uint64_t)*v > hi)
		return bad(n, "%s%s: at most %llu", where, key, (unsigned long long)hi), -1;
	return 1;
}

/* A boolean (JSON, or the text "true"/"false"): 1 with *b, 0 absent, -1 answered. */
static int bool_field(struct nat *n, json_t *o, const char *key, bool *b)
{
	json_t *j = json_object_get(o, key);

	if (absent(n, j))
		return 0;
	if (json_is_boolean(j)) {
		*b = json_is_true(j);
		return 1;
	}
	if (json_is_string(j) && (!strcmp(json_string_value(j), "true") ||
				  !strcmp(json_string_value(j), "false"))) {
		*b = !strcmp(json_string_value(j), "true");
		return 1;
	}
	return bad(n, "%s: must be true or false", key), -1;
}

/* A non-negative finite number (JSON number or decimal text): 1, 0 absent, -1 answered. */
static int num_field(struct nat *n, json_t *o, const char *where, const char *key, double *d)
{
	json_t *j = json_object_get(o, key);
	char *end;

	if (absent(n, j))
		return 0;
	if (json_is_number(j)) {
		*d = json_number_value(j);
	} else if (json_is_string(j) && json_string_length(j)) {
		errno = 0;
		*d = strtod(json_string_value(j), &end);
		if (errno || *end)
			return bad(n, "%s%s: must be a number", where, key), -1;
	} else {
		return bad(n, "%s%s: must be a number", where, key), -1;
	}
	if (!isfinite(*d) || *d < 0)
		return bad(n, "%s%s: must be a finite number, at least 0", where, key), -1;
	return 1;
}

/* The keys of object o must all be in the NULL-terminated list. */
static bool known_keys(struct nat *n, json_t *o, const char *where, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; keys[i]; i++)
			if (!strcmp(k, keys[i]))
				break;
		if (!keys[i])
			return bad(n, "%s%.64s: not a field of a judge request", where, k);
	}
	return true;
}

/* A string without NUL (it becomes a file name, an argument or an option). */
static bool plain_string(json_t *v)
{
	return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v);
}

/*
 * Text in o[key] with its encoding in o[enc_key] ("base64", or "utf-8", "utf8" or
 * absent for the string itself), copied into out under the same names with the base64
 * normalised (no line breaks). *bytes gets the decoded size and, when decoded is not
 * NULL, *decoded the bytes (malloc'd). Returns 1, 0 when absent (or null), -1 after
 * answering.
 */
static int text_field(struct nat *n, json_t *o, const char *where, const char *key,
		      const char *enc_key, json_t *out, size_t *bytes, char **decoded)
{
	json_t *v = json_object_get(o, key), *e = json_object_get(o, enc_key);
	const char *enc = json_string_value(e);
	char *raw, *b64;
	size_t len;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(n, "%s%s: must be a string", where, key), -1;
	if (!absent(n, e) && (!enc || (strcasecmp(enc, "base64") && strcasecmp(enc, "utf-8") &&
				       strcasecmp(enc, "utf8"))))
		return bad(n, "%s%s: \"base64\" or \"utf-8\"", where, enc_key), -1;
	if (!enc || strcasecmp(enc, "base64")) {
		len = json_string_length(v);
		raw = NULL;
		if (decoded && !(raw = malloc(len + 1)))
			return bad(n, "%s%s: out of memory", where, key), -1;
		if (raw)
			memcpy(raw, json_string_value(v), len + 1);
		b64 = NULL;
		json_object_set(out, key, v);
	} else {
		if (!(raw = api_judge_b64_decode(json_string_value(v), json_string_length(v), &len)))
			return bad(n, "%s%s: not base64", where, key), -1;
		if (!(b64 = api_judge_b64_encode(raw, len, NULL))) {
			free(raw);
			return bad(n, "%s%s: out of memory", where, key), -1;
		}
		json_object_set_new(out, key, json_string(b64));
		json_object_set_new(out, enc_key, json_string("base64"));
		free(b64);
	}
	*bytes = len;
	if (decoded)
		*decoded = raw;
	else
		free(raw);
	return 1;
}

/* A "limits"-like object: each key an integer in [min, max]; max 0 leaves it unbounded
 * (a <judge> maximum not configured). */
struct lim_field {
	const char *key;
	int64_t min;
	uint64_t max;
};

static bool limits_field(struct nat *n, json_t *body, const char *name, const struct lim_field *f,
			 size_t nf, json_t *req)
{
	json_t *o = json_object_get(body, name), *out;
	const char *k;
	json_t *v;
	char where[40];
	int64_t x;

	if (absent(n, o))
		return true;
	if (!json_is_object(o))
		return bad(n, "%s: must be an object", name);
	snprintf(where, sizeof(where), "%s.", name);
	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; i < nf; i++)
			if (!strcmp(k, f[i].key))
				break;
		if (i == nf)
			return bad(n, "%s%.64s: not a limit of a judge request", where, k);
	}
	out = json_object();
	for (size_t i = 0; i < nf; i++) {
		switch (int_field(n, o, where, f[i].key, f[i].min, f[i].max, &x)) {
		case -1:
			json_decref(out);
			return false;
		case 1:
			json_object_set_new(out, f[i].key, json_integer((json_int_t)x));
		}
	}
	json_object_set_new(req, name, out);
	return true;
}

static bool check_files(struct nat *n, json_t *body, json_t *req)
{
	static const char *const keys[] = { "name", "content", "encoding", "content_encoding",
					    NULL };
	json_t *files = json_object_get(body, "files"), *f, *list;
	size_t i;

	if (absent(n, files))
		return true;
	if (!json_is_array(files) || json_array_size(files) > MAX_FILES)
		return bad(n, "files: a list of at most %d {name, content, encoding}", MAX_FILES);
	list = json_array();
	json_array_foreach(files, i, f) {
		char where[32];
		json_t *name = json_object_get(f, "name"), *out;
		size_t bytes;

		snprintf(where, sizeof(where), "files[%zu].", i);
		if (!json_is_object(f) || !known_keys(n, f, where, keys))
			goto bad;
		if (!plain_string(name) || !json_string_length(name) || json_string_length(name) > 255 ||
		    !proto_valid_file_name(json_string_value(name), json_string_length(name))) {
			bad(n, "%sname: a file name of 1 to 255 bytes, without '/', control "
			    "characters or invalid UTF-8, not \".\" or \"..\"", where);
			goto bad;
		}
		out = json_pack("{s:O}", "name", name);
		json_array_append_new(list, out);
		/* the contract's "encoding", or the keeper's own name for it */
		if (text_field(n, f, where, "content",
			       json_object_get(f, "encoding") ? "encoding" : "content_encoding", out,
			       &bytes, NULL) != 1) {
			if (!n->r->answered)
				bad(n, "%scontent: required, a string", where);
			goto bad;
		}
		json_object_del(out, "encoding");
		json_object_del(out, "content_encoding");
		if (api_judge_staged_base64(f))
			api_judge_file_base64(out);
	}
	json_object_set_new(req, "files", list);
	return true;
bad:
	json_decref(list);
	return false;
}

static bool check_args(struct nat *n, json_t *body, json_t *req)
{
	json_t *args = json_object_get(body, "args"), *a;
	size_t i;

	if (absent(n, args))
		return true;
	if (!json_is_array(args) || json_array_size(args) > MAX_ARGS)
		return bad(n, "args: a list of at most %d strings", MAX_ARGS);
	json_array_foreach(args, i, a)
		if (!plain_string(a) || json_string_length(a) > MAX_ARG_BYTES)
			return bad(n, "args[%zu]: a string of at most %d bytes without NUL", i,
				   MAX_ARG_BYTES);
	json_object_set(req, "args", args);
	return true;
}

static bool check_compare(struct nat *n, json_t *body, json_t *req)
{
	static const char *const keys[] = { "mode", "abs", "rel", NULL };
	json_t *o = json_object_get(body, "compare"), *out;
	enum sbx_cmp_mode mode;
	const char *m;
	double d;
	int rc;

	if (absent(n, o))
		return true;
	if (!json_is_object(o))
		return bad(n, "compare: must be an object {mode, abs, rel}");
	if (!known_keys(n, o, "compare.", keys))
		return false;
	out = json_object();
	if ((m = api_get_str(o, "mode"))) {
		if (sbx_compare_mode(m, &mode) < 0) {
			json_decref(out);
			return bad(n, "compare.mode: \"trailing_whitespace\", \"exact\", \"tokens\" "
				   "or \"float\"");
		}
		json_object_set_new(out, "mode", json_string(sbx_compare_name(mode)));
	} else if (!absent(n, json_object_get(o, "mode"))) {
		json_decref(out);
		return bad(n, "compare.mode: must be a string");
	}
	for (int i = 0; i < 2; i++) {
		const char *k = i ? "rel" : "abs";

		if ((rc = num_field(n, o, "compare.", k, &d)) < 0) {
			json_decref(out);
			return false;
		}
		if (rc)
			json_object_set_new(out, k, json_real(d));
	}
	json_object_set_new(req, "compare", out);
	return true;
}

static bool check_tests(struct nat *n, json_t *body, json_t *req)
{
	static const char *const keys[] = { "stdin", "stdin_encoding", "expected",
					    "expected_encoding", NULL };
	unsigned most = n->c->judge.max_tests ? n->c->judge.max_tests : 1;
	json_t *tests = json_object_get(body, "tests"), *t, *list;
	size_t i, bytes;

	if (!json_is_array(tests) || !json_array_size(tests) || json_array_size(tests) > most)
		return bad(n, "tests: a list of 1 to %u tests {stdin, expected}", most);
	list = json_array();
	json_array_foreach(tests, i, t) {
		char where[32];
		json_t *out = json_object();

		json_array_append_new(list, out);
		snprintf(where, sizeof(where), "tests[%zu].", i);
		if (!json_is_object(t)) {
			bad(n, "tests[%zu]: must be an object {stdin, expected}", i);
			goto bad;
		}
		if (!known_keys(n, t, where, keys) ||
		    text_field(n, t, where, "stdin", "stdin_encoding", out, &bytes, NULL) < 0 ||
		    text_field(n, t, where, "expected", "expected_encoding", out, &bytes, NULL) < 0)
			goto bad;
		/* an expected output given as null (XML: nil="true") is no comparison */
		if (!json_object_get(out, "expected"))
			json_object_set_new(out, "expected", json_null());
	}
	json_object_set_new(req, "tests", list);
	return true;
bad:
	json_decref(list);
	return false;
}

/* The keeper's request for body, every field checked and typed; NULL after answering. */
static json_t *native_request(struct nat *n, json_t *body)
{
	static const char *const keys[] = {
		"language", "source", "source_encoding", "files", "compiler_options", "args",
		"limits", "compile_limits", "compare", "redirect_stderr", "runs", "width",
		"keep_output", "tests", NULL,
	};
	const struct conf_judge *j = &n->c->judge;
	const struct lim_field test_limits[] = {
		{ "cpu_ms", 1, j->max.cpu_ms },
		{ "cpu_extra_ms", 0, j->max_cpu_extra_ms },
		{ "wall_ms", 1, j->max.wall_ms },
		{ "memory_kb", 1, j->max.memory / 1024 },
		{ "stack_kb", 1, j->max.stack / 1024 },
		{ "pids", 1, j->max.pids },
		{ "file_size_kb", 1, j->max.fsize / 1024 },
		{ "output_kb", 1, j->max.output / 1024 },
	};
	const struct lim_field compile_limits[] = {
		{ "cpu_ms", 1, j->compile.cpu_ms },
		{ "wall_ms", 1, j->compile.wall_ms },
		{ "memory_kb", 1, j->compile.memory / 1024 },
	};
	json_t *req = json_object(), *lang, *v;
	const char *name;
	char *src = NULL;
	size_t bytes = 0;
	int64_t x;
	bool b;
	int rc;

	if (!known_keys(n, body, "", keys))
		goto bad;
	name = api_get_str(body, "language");
	if (!name || !*name) {
		bad(n, "language: required, a language name (GET /v1/languages)");
		goto bad;
	}
	if (!(lang = api_judge_language(n->langs, name))) {
		fcgi_reply_error(n->r, 400, "UnknownLanguage", 0,
				 "language: no language %.64s here (GET /v1/languages)", name);
		goto bad;
	}
	json_object_set_new(req, "language", json_string(api_get_str(lang, "name") ?: name));

	if ((rc = text_field(n, body, "", "source", "source_encoding", req, &bytes, &src)) <= 0) {
		if (!rc)
			bad(n, "source: required, the program's text");
		goto bad;
	}
	api_judge_audit_code(n->r, src, bytes);
	free(src);
	if (bytes > n->c->fcgi.max_code) {
		fcgi_reply_error(n->r, 413, "CodeTooLarge", 0,
				 "source: %zu bytes; the limit is %llu", bytes,
				 (unsigned long long)n->c->fcgi.max_code);
		goto bad;
	}
	if (!check_files(n, body, req) || !check_args(n, body, req))
		goto bad;
	v = json_object_get(body, "compiler_options");
	if (!absent(n, v)) {
		if (!plain_string(v) || json_string_length(v) > MAX_COMPILER_OPTIONS) {
			bad(n, "compiler_options: a string of at most %d bytes without NUL",
			    MAX_COMPILER_OPTIONS);
			goto bad;
		}
		json_object_set(req, "compiler_options", v);
	}
	if (!limits_field(n, body, "limits", test_limits,
			  sizeof(test_limits) / sizeof(test_limits[0]), req) ||
	    !limits_field(n, body, "compile_limits", compile_limits,
			  sizeof(compile_limits) / sizeof(compile_limits[0]), req) ||
	    !check_compare(n, body, req))
		goto bad;
	if ((rc = bool_field(n, body, "redirect_stderr", &b)) < 0)
		goto bad;
	if (rc)
		json_object_set_new(req, "redirect_stderr", json_boolean(b));
	if ((rc = int_field(n, body, "", "runs", 1, j->max_runs ? j->max_runs : 1, &x)) < 0)
		goto bad;
	if (rc)
		json_object_set_new(req, "runs", json_integer((json_int_t)x));
	if ((rc = int_field(n, body, "", "width", 1, j->width ? j->width : 1, &x)) < 0)
		goto bad;
	if (rc)
		json_object_set_new(req, "width", json_integer((json_int_t)x));
	if ((rc = int_field(n, body, "", "keep_output", 0, j->max.output, &x)) < 0)
		goto bad;
	if (rc)
		json_object_set_new(req, "keep_output", json_integer((json_int_t)x));
	if (!check_tests(n, body, req))
		goto bad;
	return req;
bad:
	json_decref(req);
	return NULL;
}

/* ---- the native API: routes ------------------------------------------------------------ */

static void judge_post(struct api_ctx *x, struct fcgi_req *r)
{
	struct nat n = { .x = x, .r = r, .c = x->conf };
	const struct conf_tenant *t;
	struct api_judge_refusal why;
	json_t *body, *req, *res = NULL;

	if (!(t = api_judge_tenant(x, r)))
		return;
	if (fcgi_req_body(r, x->conf->fcgi.max_request) < 0 ||
	    !(body = fcgi_req_object(r, x->conf->fcgi.max_depth)))
		return;
	if (!(n.langs = api_judge_languages(r)) || !(req = native_request(&n, body))) {
		json_decref(body);
		return;
	}
	json_decref(body);
	/* refused before the quota counts it (api_judge_call checks it too) */
	if (api_judge_too_long(x->conf, req, why.message, sizeof(why.message))) {
		fcgi_reply_error(r, 400, "InvalidRequest", 0, "%s", why.message);
		json_decref(req);
		return;
	}
	if (fcgi_quota_execution(r, x->dir, x->conf, t) < 0) {
		json_decref(req);
		return;
	}
	json_object_set_new(req, "tenant", json_string(t->name));
	switch (api_judge_call(r, x->conf, req, &res, &why)) {
	case 0:
		api_judge_audit(r, res, false);
		fcgi_metrics_judge("judge", r->audit.verdict);
		fcgi_reply_json(r, 200, res);
		break;
	case API_JUDGE_REFUSED:
		if (why.language)
			fcgi_reply_error(r, 400, "UnknownLanguage", 0, "%s", why.message);
		else
			fcgi_reply_error(r, 400, "InvalidRequest", 0, "%s", why.message);
		break;
	}
	json_decref(req);
}

void api_judge(struct api_ctx *x, struct fcgi_req *r)
{
	bool get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
	json_t *langs;

	r->audit.api = "judge";
	if (r->nseg == 2 && !strcmp(r->seg[1], "judge")) {
		r->audit.route = "POST v1/judge";
		if (strcmp(r->method, "POST"))
			fcgi_reply_error(r, 405, "MethodNotAllowed", 0, "use POST");
		else
			judge_post(x, r);
	} else if (r->nseg == 2 && !strcmp(r->seg[1], "languages")) {
		r->audit.route = "GET v1/languages";
		if (!get)
			fcgi_reply_error(r, 405, "MethodNotAllowed", 0, "use GET");
		else if ((langs = api_judge_languages(r)))
			fcgi_reply_json(r, 200, json_pack("{s:O}", "languages", langs));
	} else {
		r->audit.route = "unknown";
		fcgi_reply_error(r, 404, "NotFound", 0, "no such route: %s /%s", r->method,
				 r->nseg > 1 ? r->seg[1] : "v1");
	}
}
