/*
 * judge.h - what the three judge APIs share (api_judge.c): the native /v1/judge,
 * Judge0 CE (api_judge0.c) and Piston v2 (api_piston.c).
 *
 * Each of them turns its request into one PROTO_JUDGE request (sandbox/proto.h; the
 * fields are in the keeper's judge contract): compile once, run every test in a fresh
 * cell, compare, and answer one "result" object with an overall verdict. This module
 * holds the parts that do not depend on the API's shapes: who the tenant is (a key, or
 * an anonymous tenant's network) and its share of the workers, the keeper's language
 * list (asked once per worker), the keeper call and its time budget, the audit record,
 * base64, and answers with a body of the API's own shape.
 *
 * Errors. Refusals that the emulated API has itself (a field out of range, an unknown
 * language or runtime, a token not found) are answered in that API's shape: Judge0's
 * {"field": ["message"]} or {"error": "..."}, Piston's {"message": "..."}. Refusals
 * only Stockade has (no key, a quota, the worker share, the keeper or memcached
 * unavailable) are answered in Stockade's own shape, {"error": {"code", "message"}},
 * on every API: a client of either API sees them as a plain non-2xx status. Every
 * error answer carries x-ms-error-code, so the audit record and /metrics count it by a
 * stable code whatever its body.
 */
#ifndef FCGI_JUDGE_H
#define FCGI_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "api.h"

/* The most submissions one Judge0 batch may hold (Judge0's max_submission_batch_size). */
#define API_JUDGE_BATCH_MAX 20

/*
 * The tenant of the request: its key's, or with no key the anonymous tenant whose
 * networks hold the client's address (fcgi_auth decides; the audit record then names
 * the key "anonymous"). Then claims a worker of the tenant's share. Returns the
 * tenant, or NULL after answering (401, 429 TooManyRequests).
 */
const struct conf_tenant *api_judge_tenant(struct api_ctx *x, struct fcgi_req *r);

/*
 * The keeper's judge languages: PROTO_LANGUAGES' "languages" array
 * ([{name, aliases, version, compiled, extensions, source}]), asked once per worker
 * and kept for its life (versions are detected when the keeper starts). A borrowed
 * reference, or NULL after answering (503 KeeperUnavailable, or the keeper's error).
 */
json_t *api_judge_languages(struct fcgi_req *r);

/* The entry of langs whose name or one of whose aliases is name (case-insensitive),
 * or NULL. Borrowed. */
json_t *api_judge_language(json_t *langs, const char *name);

/* How a keeper call ended when the keeper refused the request itself. */
struct api_judge_refusal {
	bool language;		/* unknown_language (else bad_request) */
	char message[400];	/* the keeper's message, which names the field */
};

#define API_JUDGE_REFUSED (-2)

/* The longest a submission's worst case may be: under nginx's fastcgi_read_timeout
 * (330 s in conf/nginx/stockade.conf). */
#define API_JUDGE_MAX_MS 300000

/*
 * Sends req (a PROTO_JUDGE request with "tenant" set; borrowed) to the keeper, with a
 * deadline that covers the worst case its limits allow (api_judge_timeout_ms).
 * Returns 0 with *result a new reference to the reply's "result"; API_JUDGE_REFUSED
 * with *why when the keeper refused the request as malformed (bad_request) or named
 * an unknown language: the caller answers in its API's shape; -1 after answering any
 * other failure in Stockade's shape (503 KeeperUnavailable, PoolExhausted, ...; an
 * answer already sent, as for an asynchronous submission, only sets the audit
 * record's error). Nothing is answered on 0 or API_JUDGE_REFUSED.
 */
int api_judge_call(struct fcgi_req *r, const struct conf *c, json_t *req, json_t **result,
		   struct api_judge_refusal *why);

/* Whether req's worst case (api_judge_timeout_ms) is over API_JUDGE_MAX_MS; then msg
 * says so, naming "tests". */
bool api_judge_too_long(const struct conf *c, json_t *req, char *msg, size_t len);

/*
 * The keeper deadline for req: the compile wall time, plus one test's wall time for
 * each round of tests run `width` at a time (tests x runs / width, rounded up), plus a
 * margin for cells started on demand and the answer's way back. Capped at INT_MAX.
 */
int api_judge_timeout_ms(const struct conf *c, json_t *req);

/*
 * The audit record of a judged submission: language, verdict, tests and tests passed,
 * the largest CPU time, wall time and memory. With `add`, the result is merged into
 * what the record already holds (a Judge0 batch: the tests add up, the verdict is the
 * most severe). Strings are copied: result may be freed before the record is written.
 */
void api_judge_audit(struct fcgi_req *r, json_t *result, bool add);

/* The code's SHA-256 and size in the audit record. */
void api_judge_audit_code(struct fcgi_req *r, const char *code, size_t n);

/* The severity of a verdict: 0 accepted ... 7 internal_error (the keeper's order, a
 * compilation error just below an internal error); -1 for an unknown one. */
int api_judge_severity(const char *verdict);

/*
 * Answers with body (stolen; JSON, or XML when the client asks) and status, as an
 * error: x-ms-error-code: code (and Retry-After when retry_after_s > 0), and the code
 * and message in the audit record. For the APIs whose error bodies are not Stockade's.
 */
void api_judge_error(struct fcgi_req *r, int status, const char *code, int retry_after_s,
		     json_t *body, const char *message);

/* Answers with v (stolen) as JSON (XML when the client asks) and extra header lines
 * ("Name: value\r\n"...; NULL for none). */
void api_judge_reply(struct fcgi_req *r, int status, json_t *v, const char *extra);

/*
 * Base64 (RFC 4648) with OpenSSL's EVP coder. Encoding: a malloc'd, NUL-terminated
 * string without line breaks, its length in *len (len may be NULL), or NULL when out
 * of memory. Decoding accepts line breaks and other whitespace anywhere, the URL-safe
 * alphabet ("-", "_") and missing padding: a malloc'd buffer of *len bytes (plus a
 * NUL), or NULL when s is not base64 or memory ran out. Inputs are capped at 1 GiB.
 */
char *api_judge_b64_encode(const void *p, size_t n, size_t *len);
char *api_judge_b64_decode(const char *s, size_t n, size_t *len);

/* A JSON string of bytes p[0..n): NULL when they are not valid UTF-8. */
json_t *api_judge_text(const char *p, size_t n);

/*
 * A stream of the keeper's result as bytes: obj[key] decoded by obj[key "_encoding"]
 * ("base64", else UTF-8 text). Returns a malloc'd buffer (NUL-terminated) with *len,
 * or NULL when the field is absent or null (*len 0) or not decodable.
 */
char *api_judge_stream(json_t *obj, const char *key, size_t *len);

/* A number field of the keeper's result: its integer value, or dflt when absent. */
int64_t api_judge_int(json_t *o, const char *key, int64_t dflt);

/*
 * floor() and round-half-away-from-zero without libm (the binaries do not link it).
 * Defined for any double a client sends: beyond +-9e18 (where every double is whole
 * already) and for NaN, floor returns d itself and round saturates, so no conversion
 * ever leaves long long's range.
 */
static inline double api_judge_floor(double d)
{
	double t;

	if (!(d > -9e18 && d < 9e18))
		return d;
	t = (double)(long long)d;
	return t > d ? t - 1 : t;
}

static inline long long api_judge_round(double d)
{
	if (!(d > -9e18 && d < 9e18))
		return d > 0 ? 9000000000000000000LL : d < 0 ? -9000000000000000000LL : 0;
	return (long long)(d < 0 ? d - 0.5 : d + 0.5);
}

/* Whether a staged file {name, content, encoding} of a request holds base64 (its
 * "encoding", or "content_encoding"); and marks one for the keeper as base64. */
bool api_judge_staged_base64(json_t *f);
void api_judge_file_base64(json_t *f);

/* A signal's name ("SIGSEGV") or NULL for one without a common name. */
const char *api_judge_signal_name(int sig);

#endif
