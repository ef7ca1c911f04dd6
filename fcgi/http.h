/*
 * http.h - one HTTP request as stockade-fcgi sees it through FastCGI, and its answer.
 *
 * A worker serves one request at a time: fcgi_req_begin() reads the CGI parameters nginx
 * passed and splits the raw request URI (REQUEST_URI, never nginx's normalized copy, so
 * "%2F" in a file name stays inside its segment and is refused there), fcgi_req_body()
 * reads the body under a cap, and exactly one fcgi_reply_*() answers it. JSON answers
 * become XML (xml.h's rule) when the client's Accept asks for application/xml.
 *
 * Errors have one shape in every API: {"error": {"code": C, "message": M}} with the code
 * also in an x-ms-error-code header (what the Azure clients read), the request id in
 * x-ms-request-id, and Retry-After where waiting helps (429, 503).
 */
#ifndef FCGI_HTTP_H
#define FCGI_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <fcgiapp.h>
#include <jansson.h>

#include "audit.h"

#define FCGI_MAX_SEGMENTS 16
#define FCGI_MAX_QUERY 16

struct fcgi_req {
	FCGX_Request *fx;
	char method_buf[16], client_buf[64];
	const char *method;		/* "GET", ... */
	const char *content_type;	/* NULL when none */
	const char *client;		/* REMOTE_ADDR */
	uint64_t content_length;
	bool want_xml;			/* Accept names application/xml (and not json first) */
	bool body_xml;			/* Content-Type is application/xml or text/xml */

	/* the path, split at '/' and percent-decoded segment by segment; seg_len keeps
	 * the decoded length, so an encoded NUL is seen */
	char *path_buf;
	char *seg[FCGI_MAX_SEGMENTS];
	size_t seg_len[FCGI_MAX_SEGMENTS];
	int nseg;
	bool path_bad;			/* bad escape, too many segments */
	char *query_buf;
	char *qkey[FCGI_MAX_QUERY], *qval[FCGI_MAX_QUERY];
	size_t qval_len[FCGI_MAX_QUERY];	/* decoded: an encoded NUL shows here */
	int nquery;

	char *body;			/* NUL-terminated, body_len bytes; NULL before _body */
	size_t body_len;

	uint64_t t0_ns;			/* CLOCK_MONOTONIC at begin */
	struct audit_rec audit;		/* filled as the request goes; written at the end */
	bool answered;
	int status;
	bool after_reply;		/* the reply went out; work goes on (async execution) */
};

/* Reads the request's parameters; never fails (a broken URI sets path_bad). */
void fcgi_req_begin(struct fcgi_req *r, FCGX_Request *fx);
/* Frees what begin and body allocated. */
void fcgi_req_end(struct fcgi_req *r);

/* A CGI parameter (HTTP_AUTHORIZATION, ...), or NULL. */
const char *fcgi_param(const struct fcgi_req *r, const char *name);
/* The first value of a query parameter, or NULL; *len (when not NULL) gets its decoded
 * length, which differs from strlen() when the value held %00. */
const char *fcgi_query(const struct fcgi_req *r, const char *key, size_t *len);

/*
 * Reads the body, at most max bytes: 0, or -1 after answering 413 (too large) or 400
 * (short body). A request without a body reads as "" (body_len 0).
 */
int fcgi_req_body(struct fcgi_req *r, uint64_t max);

/*
 * The body as a JSON object (JSON or, by Content-Type, XML through xml.h), nesting at
 * most max_depth: a new reference, or NULL after answering 400 (or 415 for another
 * content type).
 */
json_t *fcgi_req_object(struct fcgi_req *r, unsigned max_depth);

/* Answers with v (stolen) as JSON, or XML when the client wants it. */
void fcgi_reply_json(struct fcgi_req *r, int status, json_t *v);
/* Answers with raw bytes. extra: more header lines ("Name: value\r\n"...) or NULL. */
void fcgi_reply_raw(struct fcgi_req *r, int status, const char *ctype, const void *p, size_t n,
		    const char *extra);
/* An answer without a body (204). */
void fcgi_reply_empty(struct fcgi_req *r, int status);
/* Makes s valid UTF-8 in place: a byte that does not begin or continue a well-formed
 * sequence becomes '?' (messages that quote what a client sent must be JSON strings). */
void fcgi_utf8_clean(char *s);

/*
 * The error answer: {"error": {"code", "message"}} + x-ms-error-code; retry_after_s > 0
 * adds Retry-After. The code and message also go to the audit record.
 */
void fcgi_reply_error(struct fcgi_req *r, int status, const char *code, int retry_after_s,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Sends what has been answered now, so the client has it while the worker goes on. */
void fcgi_req_finish_early(struct fcgi_req *r);

/* The number of levels of arrays and objects in v (a scalar is 0). */
unsigned fcgi_json_depth(json_t *v, unsigned stop);

/* A random (version 4) UUID, as text. */
void fcgi_uuid(char out[40]);

/* Percent-decodes s (n bytes) into out (n + 1 bytes): decoded length, or -1 for a bad
 * escape. '+' is a space when plus_space. */
long fcgi_pct_decode(const char *s, size_t n, char *out, bool plus_space);

#endif
