/*
 * api.c - the router and the helpers every API shares (see api.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "keeper.h"

void api_route(struct api_ctx *x, struct fcgi_req *r)
{
	if (r->path_bad) {
		fcgi_reply_error(r, 400, "BadRequest", 0,
				 "the path has a bad %%-escape or more than %d segments",
				 FCGI_MAX_SEGMENTS);
		return;
	}
	if (r->nseg == 1 && (!strcmp(r->seg[0], "healthz") || !strcmp(r->seg[0], "metrics") ||
			     !strcmp(r->seg[0], "pool"))) {
		r->audit.api = "ops";
		api_ops(x, r, r->seg[0]);
		return;
	}
	if (r->nseg >= 2 && !strcmp(r->seg[0], "pools")) {
		api_azure(x, r, r->seg[1], 2);
		return;
	}
	if (r->nseg >= 6 && !strcasecmp(r->seg[0], "subscriptions") &&
	    !strcasecmp(r->seg[2], "resourceGroups") && !strcasecmp(r->seg[4], "sessionPools")) {
		api_azure(x, r, r->seg[5], 6);
		return;
	}
	if (r->nseg >= 1 && !strcmp(r->seg[0], "v1")) {
		api_judge(x, r);
		return;
	}
	if (r->nseg >= 1 && (!strcmp(r->seg[0], "submissions") || !strcmp(r->seg[0], "languages") ||
			     !strcmp(r->seg[0], "statuses") || !strcmp(r->seg[0], "about") ||
			     !strcmp(r->seg[0], "config_info"))) {
		api_judge0(x, r);
		return;
	}
	if (r->nseg >= 2 && !strcmp(r->seg[0], "api") && !strcmp(r->seg[1], "v2")) {
		api_piston(x, r);
		return;
	}
	fcgi_reply_error(r, 404, "NotFound", 0, "no API at this path");
}

void api_keeper_error(struct fcgi_req *r, json_t *reply)
{
	json_t *e = json_object_get(reply, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));

	if (!code)
		code = PROTO_E_INTERNAL;
	if (!msg)
		msg = "the keeper failed";
	if (!strcmp(code, PROTO_E_BAD_REQUEST))
		fcgi_reply_error(r, 400, "BadRequest", 0, "%s", msg);
	else if (!strcmp(code, PROTO_E_NOT_FOUND))
		/* on a file route, what is missing is the file (the session is made) */
		fcgi_reply_error(r, 404,
				 r->audit.file_name ? "FileNotFound"
				 : r->audit.route && strstr(r->audit.route, "session") ? "SessionNotFound"
				 : "NotFound", 0, "%s", msg);
	else if (!strcmp(code, PROTO_E_BUSY))
		fcgi_reply_error(r, 409, "SessionBusy", 1, "%s", msg);
	else if (!strcmp(code, PROTO_E_CAPACITY))
		fcgi_reply_error(r, 503, "PoolExhausted", 5, "%s", msg);
	else if (!strcmp(code, PROTO_E_RUNTIME))
		fcgi_reply_error(r, 404, "PoolNotFound", 0, "%s", msg);
	else if (!strcmp(code, PROTO_E_MISMATCH))
		fcgi_reply_error(r, 409, "SessionRuntimeMismatch", 0, "%s", msg);
	else if (!strcmp(code, PROTO_E_TOO_LARGE))
		fcgi_reply_error(r, 413, "FileTooLarge", 0, "%s", msg);
	else if (!strcmp(code, PROTO_E_ELSEWHERE))
		fcgi_reply_error(r, 503, "SessionOnAnotherHost", 1,
				 "%s (%s); route by identifier to that host", msg,
				 json_string_value(json_object_get(e, "host")) ?: "?");
	else if (!strcmp(code, PROTO_E_QUOTA))
		fcgi_reply_error(r, 429, "SessionQuotaExceeded", 10, "%s", msg);
	else if (!strcmp(code, PROTO_E_ENDED))
		fcgi_reply_error(r, 409, "SessionEnded", 0, "%s", msg);
	else
		fcgi_reply_error(r, 503, "PoolUnavailable", 5, "%s", msg);
}

int api_keeper(struct fcgi_req *r, unsigned type, json_t *req, const void *blob,
	       size_t blob_len, struct proto_msg *reply, int timeout_ms)
{
	const char *why = NULL;
	int rc = fcgi_keeper_call(type, req, blob, blob_len, reply, timeout_ms, &why);

	if (rc < 0) {
		fcgi_reply_error(r, 503, "KeeperUnavailable", 5, "%s: %s", why ? why : "keeper",
				 strerror(-rc));
		return -1;
	}
	if (!json_is_true(json_object_get(reply->json, "ok"))) {
		api_keeper_error(r, reply->json);
		proto_msg_free(reply);
		return -1;
	}
	return 0;
}

int api_get_int(json_t *o, const char *key, int64_t *v)
{
	json_t *j = json_object_get(o, key);
	const char *s;
	char *end;
	long long n;

	if (!j || json_is_null(j))
		return 0;
	if (json_is_integer(j)) {
		*v = json_integer_value(j);
		return 1;
	}
	if (json_is_real(j) && json_real_value(j) > -9e15 && json_real_value(j) < 9e15 &&
	    json_real_value(j) == (double)(long long)json_real_value(j)) {
		*v = (long long)json_real_value(j);
		return 1;
	}
	if (!json_is_string(j) || !*(s = json_string_value(j)))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = n;
	return 1;
}

const char *api_get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

bool api_file_name(struct fcgi_req *r, const char *name, size_t len, const char **out)
{
	static const char prefix[] = "/mnt/data/";

	if (len != strlen(name)) {
		fcgi_reply_error(r, 400, "InvalidFileName", 0, "a file name may not hold a NUL");
		return false;
	}
	if (!strncmp(name, prefix, sizeof(prefix) - 1)) {
		name += sizeof(prefix) - 1;
		len -= sizeof(prefix) - 1;
	}
	if (!len || len > 255) {
		fcgi_reply_error(r, 400, "InvalidFileName", 0,
				 "a file name is 1 to 255 bytes, not %zu", len);
		return false;
	}
	if (!proto_valid_file_name(name, len)) {
		fcgi_reply_error(r, 400, "InvalidFileName", 0,
				 "a file name may not contain '/', control characters or invalid "
				 "UTF-8, nor be \".\" or \"..\"");
		return false;
	}
	*out = name;
	return true;
}

void api_iso_time(long long t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
