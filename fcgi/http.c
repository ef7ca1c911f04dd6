/*
 * http.c - requests and answers over FastCGI (see http.h).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "http.h"
#include "result.h"
#include "util.h"
#include "xml.h"

const char *fcgi_param(const struct fcgi_req *r, const char *name)
{
	return FCGX_GetParam(name, r->fx->envp);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long fcgi_pct_decode(const char *s, size_t n, char *out, bool plus_space)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus_space) {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return (long)o;
}

/* Splits the path into decoded segments (empty segments are dropped). */
static void split_path(struct fcgi_req *r, const char *uri, size_t n)
{
	size_t i = 0;
	char *o;

	r->path_buf = malloc(n + FCGI_MAX_SEGMENTS + 1);
	if (!r->path_buf) {
		r->path_bad = true;
		return;
	}
	o = r->path_buf;
	while (i < n) {
		size_t j = i;
		long len;

		while (j < n && uri[j] != '/')
			j++;
		if (j > i) {
			if (r->nseg == FCGI_MAX_SEGMENTS) {
				r->path_bad = true;
				return;
			}
			len = fcgi_pct_decode(uri + i, j - i, o, false);
			if (len < 0) {
				r->path_bad = true;
				return;
			}
			r->seg[r->nseg] = o;
			r->seg_len[r->nseg++] = (size_t)len;
			o += len + 1;
		}
		i = j + 1;
	}
}

static void split_query(struct fcgi_req *r, const char *q)
{
	size_t n = strlen(q);
	char *save = NULL, *tok;

	if (!n || !(r->query_buf = malloc(n + 1)))
		return;
	memcpy(r->query_buf, q, n + 1);
	for (tok = strtok_r(r->query_buf, "&", &save); tok && r->nquery < FCGI_MAX_QUERY;
	     tok = strtok_r(NULL, "&", &save)) {
		char *v = strchr(tok, '=');

		if (v)
			*v++ = '\0';
		else
			v = tok + strlen(tok);
		long vlen;

		/* decoding in place never lengthens; a bad escape leaves the pair out */
		if (fcgi_pct_decode(tok, strlen(tok), tok, true) < 0 ||
		    (vlen = fcgi_pct_decode(v, strlen(v), v, true)) < 0)
			continue;
		r->qkey[r->nquery] = tok;
		r->qval_len[r->nquery] = (size_t)vlen;
		r->qval[r->nquery++] = v;
	}
}

const char *fcgi_query(const struct fcgi_req *r, const char *key, size_t *len)
{
	for (int i = 0; i < r->nquery; i++)
		if (!strcmp(r->qkey[i], key)) {
			if (len)
				*len = r->qval_len[i];
			return r->qval[i];
		}
	return NULL;
}

/* Whether a media type list (Accept) prefers application/xml to JSON. */
static bool wants_xml(const char *accept)
{
	const char *x, *j;

	if (!accept)
		return false;
	x = strcasestr(accept, "application/xml");
	if (!x)
		x = strcasestr(accept, "text/xml");
	if (!x)
		return false;
	j = strcasestr(accept, "application/json");
	return !j || x < j;
}

static bool is_xml_type(const char *ct)
{
	return ct && (!strncasecmp(ct, "application/xml", 15) || !strncasecmp(ct, "text/xml", 8));
}

void fcgi_uuid(char out[40])
{
	unsigned char b[16] = { 0 };

	/* getrandom(2) never blocks once the pool is initialised, which it is by now */
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		memset(b, 0, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

void fcgi_req_begin(struct fcgi_req *r, FCGX_Request *fx)
{
	const char *uri, *q, *cl;
	size_t n;

	memset(r, 0, sizeof(*r));
	r->fx = fx;
	r->t0_ns = sbx_now_ns();
	audit_rec_init(&r->audit);
	/* copies: the audit record outlives the parameters (async executions) */
	snprintf(r->method_buf, sizeof(r->method_buf), "%s",
		 fcgi_param(r, "REQUEST_METHOD") ? fcgi_param(r, "REQUEST_METHOD") : "GET");
	r->method = r->method_buf;
	r->content_type = fcgi_param(r, "CONTENT_TYPE");
	if (r->content_type && !*r->content_type)
		r->content_type = NULL;
	snprintf(r->client_buf, sizeof(r->client_buf), "%s",
		 fcgi_param(r, "REMOTE_ADDR") ? fcgi_param(r, "REMOTE_ADDR") : "");
	r->client = r->client_buf;
	cl = fcgi_param(r, "CONTENT_LENGTH");
	r->content_length = cl && *cl ? strtoull(cl, NULL, 10) : 0;
	r->want_xml = wants_xml(fcgi_param(r, "HTTP_ACCEPT"));
	r->body_xml = is_xml_type(r->content_type);

	uri = fcgi_param(r, "REQUEST_URI");
	if (!uri)
		uri = fcgi_param(r, "DOCUMENT_URI");
	if (!uri)
		uri = "/";
	q = strchr(uri, '?');
	n = q ? (size_t)(q - uri) : strlen(uri);
	split_path(r, uri, n);
	if (q)
		split_query(r, q + 1);

	r->audit.method = r->method;
	r->audit.client = r->client;
	r->audit.bytes_in = (int64_t)r->content_length;	/* what was read, once read */
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		r->audit.time_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	}
	fcgi_uuid(r->audit.request_id);
}

void fcgi_req_end(struct fcgi_req *r)
{
	free(r->path_buf);
	free(r->query_buf);
	free(r->body);
	r->path_buf = r->query_buf = r->body = NULL;
}

int fcgi_req_body(struct fcgi_req *r, uint64_t max)
{
	size_t got = 0;

	if (r->body)
		return 0;
	if (r->content_length > max) {
		fcgi_reply_error(r, 413, "RequestTooLarge", 0,
				 "the request body is %llu bytes; the limit is %llu",
				 (unsigned long long)r->content_length, (unsigned long long)max);
		return -1;
	}
	r->body = malloc(r->content_length + 1);
	if (!r->body) {
		fcgi_reply_error(r, 413, "RequestTooLarge", 0, "no memory for the request body");
		return -1;
	}
	while (got < r->content_length) {
		size_t want = r->content_length - got;
		int n = FCGX_GetStr(r->body + got, want > (1u << 30) ? (1 << 30) : (int)want,
				    r->fx->in);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	r->body[got] = '\0';
	r->body_len = got;
	r->audit.bytes_in = (int64_t)got;
	if (got < r->content_length) {
		fcgi_reply_error(r, 400, "BadRequest", 0,
				 "the request body ended after %zu of %llu bytes", got,
				 (unsigned long long)r->content_length);
		return -1;
	}
	return 0;
}

unsigned fcgi_json_depth(json_t *v, unsigned stop)
{
	unsigned best = 0, d;
	const char *k;
	json_t *c;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (stop == 0)
		return 1;
	if (json_is_object(v)) {
		json_object_foreach(v, k, c) {
			d = fcgi_json_depth(c, stop - 1);
			if (d > best)
				best = d;
			if (best >= stop)
				break;
		}
	} else {
		json_array_foreach(v, i, c) {
			d = fcgi_json_depth(c, stop - 1);
			if (d > best)
				best = d;
			if (best >= stop)
				break;
		}
	}
	return best + 1;
}

json_t *fcgi_req_object(struct fcgi_req *r, unsigned max_depth)
{
	json_t *v;
	char err[256];

	if (r->body_xml) {
		v = fcgi_xml_to_json(r->body, r->body_len, r->body_len + 1, (int)max_depth, err,
				     sizeof(err));
		if (!v) {
			fcgi_reply_error(r, 400, "InvalidXml", 0, "%s", err);
			return NULL;
		}
		return v;
	}
	if (r->content_type && strncasecmp(r->content_type, "application/json", 16) &&
	    strncasecmp(r->content_type, "text/json", 9) && r->body_len) {
		fcgi_reply_error(r, 415, "UnsupportedMediaType", 0,
				 "send application/json or application/xml, not %.64s",
				 r->content_type);
		return NULL;
	}
	if (!r->body_len) {
		fcgi_reply_error(r, 400, "BadRequest", 0, "the request needs a JSON body");
		return NULL;
	}
	{
		json_error_t je;

		v = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!v) {
			fcgi_reply_error(r, 400, "InvalidJson", 0, "JSON: line %d: %s", je.line,
					 je.text);
			return NULL;
		}
	}
	if (!json_is_object(v)) {
		json_decref(v);
		fcgi_reply_error(r, 400, "InvalidJson", 0, "the body must be a JSON object");
		return NULL;
	}
	if (fcgi_json_depth(v, max_depth + 1) > max_depth) {
		json_decref(v);
		fcgi_reply_error(r, 400, "InvalidJson", 0, "JSON nested deeper than %u levels",
				 max_depth);
		return NULL;
	}
	return v;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

void fcgi_reply_raw(struct fcgi_req *r, int status, const char *ctype, const void *p, size_t n,
		    const char *extra)
{
	if (r->answered)
		return;
	r->answered = true;
	r->status = status;
	r->audit.http_status = status;
	r->audit.bytes_out = (int64_t)n;
	{
		/* formatted here: libfcgi's own printf knows no %zu */
		char head[1024];
		int h = snprintf(head, sizeof(head), "Status: %d %s\r\nx-ms-request-id: %s\r\n",
				 status, reason(status), r->audit.request_id);

#define CLAMP() (h = h < (int)sizeof(head) ? h : (int)sizeof(head) - 1)
		CLAMP();
		if (ctype)
			h += snprintf(head + h, sizeof(head) - (size_t)h, "Content-Type: %s\r\n",
				      ctype);
		CLAMP();
		if (extra)
			h += snprintf(head + h, sizeof(head) - (size_t)h, "%s", extra);
		CLAMP();
		h += snprintf(head + h, sizeof(head) - (size_t)h, "Content-Length: %zu\r\n\r\n", n);
		CLAMP();
#undef CLAMP
		FCGX_PutStr(head, h, r->fx->out);
	}
	if (n)
		FCGX_PutStr(p, (int)n, r->fx->out);
}

void fcgi_reply_empty(struct fcgi_req *r, int status)
{
	fcgi_reply_raw(r, status, NULL, "", 0, NULL);
}

static void reply_json_extra(struct fcgi_req *r, int status, json_t *v, const char *extra)
{
	char *text;
	size_t n = 0;

	if (r->want_xml) {
		text = fcgi_json_to_xml(v, "response", &n);
		if (text) {
			fcgi_reply_raw(r, status, "application/xml; charset=utf-8", text, n, extra);
			free(text);
			json_decref(v);
			return;
		}
	}
	text = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (!text) {
		static const char oom[] =
			"{\"error\":{\"code\":\"InternalError\",\"message\":\"out of memory\"}}";

		fcgi_reply_raw(r, 500, "application/json", oom, sizeof(oom) - 1,
			       "x-ms-error-code: InternalError\r\n");
		return;
	}
	fcgi_reply_raw(r, status, "application/json; charset=utf-8", text, strlen(text), extra);
	free(text);
}

void fcgi_reply_json(struct fcgi_req *r, int status, json_t *v)
{
	reply_json_extra(r, status, v, NULL);
}

/*
 * Makes s valid UTF-8 in place: a byte that does not begin or continue a well-formed
 * sequence becomes '?'. Messages quote what the client sent (a pool name, a content
 * type, an XML parser's text cut mid-character), and JSON strings must be UTF-8.
 */
void fcgi_utf8_clean(char *s)
{
	size_t n = strlen(s), i = 0, len;
	uint32_t cp;

	while (i < n) {
		if ((len = sbx_utf8_seq(s + i, n - i, &cp)))
			i += len;
		else
			s[i++] = '?';
	}
}

void fcgi_reply_error(struct fcgi_req *r, int status, const char *code, int retry_after_s,
		      const char *fmt, ...)
{
	char msg[512], extra[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fcgi_utf8_clean(msg);
	/* the audit record keeps its own copies (static: one request at a time), even of
	 * an error that comes after the answer went out (an asynchronous execution's) */
	{
		static char acode[64], amsg[512];

		snprintf(acode, sizeof(acode), "%s", code);
		snprintf(amsg, sizeof(amsg), "%s", msg);
		r->audit.error_code = acode;
		r->audit.error_message = amsg;
	}
	if (r->answered)
		return;
	n = snprintf(extra, sizeof(extra), "x-ms-error-code: %s\r\n", code);
	if (n >= (int)sizeof(extra))
		n = (int)sizeof(extra) - 1;
	if (retry_after_s > 0)
		snprintf(extra + n, sizeof(extra) - (size_t)n, "Retry-After: %d\r\n", retry_after_s);
	reply_json_extra(r, status,
			 json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg),
			 extra);
}

void fcgi_req_finish_early(struct fcgi_req *r)
{
	FCGX_Finish_r(r->fx);
	r->after_reply = true;
}
