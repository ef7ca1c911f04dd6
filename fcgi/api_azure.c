/*
 * api_azure.c - the Azure Container Apps dynamic sessions data plane, both generations.
 *
 * A pool in the path is a runtime of conf/stockade.xml; every call names the session
 * with ?identifier= and the shape with ?api-version=. Versions before 2024-10-02 get
 * the first generation's shapes ({"$id": "1", "properties": {...}}), later ones the
 * second's (flat objects, executions with ids). Both generations' routes are served
 * under either version; where a route exists in both, the version picks the shape.
 *
 *   gen 1: POST code/execute, POST files/upload, GET files, GET files/content/{name},
 *          GET|DELETE files/{name}
 *   gen 2: POST executions, GET executions/{id}, POST|GET files, GET|DELETE files/{name},
 *          GET files/{name}/content, GET|DELETE session, GET listSessions, GET metadata
 *
 * Each step of a request can refuse it, in this order: pool, api-version, key, the
 * tenant's pools, identifier, body, limits, quotas; then the keeper answers. Results
 * of executions are kept in memcached for an hour under the tenant, so GET
 * executions/{id} finds them from any worker or host (asynchronous executions are
 * answered 202 at once and run after the answer has gone out).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "metrics.h"
#include "multipart.h"
#include "util.h"

#define RESULT_TTL_S 3600
#define UPLOAD_SLACK (1u << 20)		/* multipart framing around an upload's bytes */

struct az {
	struct api_ctx *x;
	struct fcgi_req *r;
	const struct conf_tenant *t;
	const struct conf_runtime *rt;
	int rt_index;
	const char *pool;
	const char *ident;
	bool gen2;
	bool shell;			/* a shell pool: the bash runtime */
};

/* The keeper's request naming the session; the keeper refuses to bind a new one
 * beyond the tenant's max-sessions ("quota": 429). */
static json_t *session_req(struct az *a)
{
	return json_pack("{s:s, s:s, s:s, s:I}", "tenant", a->t->name, "session", a->ident,
			 "runtime", a->rt->name, "max_tenant_sessions",
			 (json_int_t)a->t->max_sessions);
}

static bool valid_identifier(const char *s)
{
	size_t n = strlen(s);

	return n >= 4 && n <= 128 && proto_valid_id(s);
}

static bool valid_api_version(const char *v)
{
	/* YYYY-MM-DD, optionally -preview */
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (v[i] != '-')
				return false;
		} else if (v[i] < '0' || v[i] > '9') {
			return false;
		}
	}
	return !v[10] || !strcmp(v + 10, "-preview");
}

/* ---- executions ---------------------------------------------------------------------- */

/* The execution's "result": the last expression's value, an image, or the repr. */
static json_t *result_value(json_t *res)
{
	json_t *images = json_object_get(res, "images"), *v = json_object_get(res, "value");
	const char *repr = api_get_str(res, "value_repr");

	if (json_array_size(images)) {
		json_t *im = json_array_get(images, 0);

		return json_pack("{s:s, s:s, s:O}", "type", "image", "format", "png", "base64_data",
				 json_object_get(im, "data"));
	}
	if (v && !json_is_null(v))
		return json_incref(v);
	if (repr)
		return json_string(repr);
	return json_null();
}

/* stderr as the client sees it: the streams, then the exception's traceback when the
 * runner reported one (Azure's sessions put it there). */
static json_t *stderr_text(json_t *res)
{
	const char *err = api_get_str(res, "stderr") ?: "";
	json_t *exc = json_object_get(res, "exception");
	const char *tb = api_get_str(exc, "traceback");
	json_t *out;
	char *s;

	if (!tb || strstr(err, tb))
		return json_string(err);
	if (asprintf(&s, "%s%s%s", err, *err && err[strlen(err) - 1] != '\n' ? "\n" : "", tb) < 0)
		return json_string(err);
	out = json_string(s);
	free(s);
	return out ?: json_string("");
}

/* Stockade's own report of the execution, beside the Azure fields. */
static json_t *stockade_part(json_t *res, json_t *session, int64_t timeout_ms,
			     const struct conf_runtime *rt)
{
	json_t *o = json_object();
	static const char *const keys[] = {
		"status", "exit_code", "cpu_ms", "wall_ms", "memory_peak_kb", "stdout_truncated",
		"stderr_truncated", "stdout_encoding", "stderr_encoding", "session_ended",
		"message", "exception", "value_omitted", "images_omitted",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(res, keys[i]);

		if (v)
			json_object_set(o, keys[i], v);
	}
	json_object_set_new(o, "new_session",
			    json_boolean(json_is_true(json_object_get(session, "new"))));
	json_object_set_new(o, "limits",
			    json_pack("{s:I, s:I, s:I}", "timeout_ms", (json_int_t)timeout_ms,
				      "memory_kb", (json_int_t)(rt->lim.memory / 1024), "output_bytes",
				      (json_int_t)rt->lim.output));
	return o;
}

static json_t *gen1_result(json_t *res, json_t *session, int64_t timeout_ms,
			   const struct conf_runtime *rt)
{
	const char *st = api_get_str(res, "status");
	bool ok = st && !strcmp(st, "ok");

	return json_pack("{s:s, s:{s:s, s:s, s:s, s:o, s:o, s:o, s:o}}", "$id", "1", "properties",
			 "$id", "2", "status", ok ? "Success" : "Failure", "stdout",
			 api_get_str(res, "stdout") ?: "", "stderr", stderr_text(res), "result",
			 result_value(res), "executionTimeInMilliseconds",
			 json_incref(json_object_get(res, "wall_ms")) ?: json_integer(0), "stockade",
			 stockade_part(res, session, timeout_ms, rt));
}

static json_t *gen2_result(struct az *a, const char *id, bool async, json_t *res,
			   json_t *session, int64_t timeout_ms)
{
	const char *st = api_get_str(res, "status");
	char status[24];
	json_t *o;

	if (a->shell) {
		json_t *ec = json_object_get(res, "exit_code");

		if (json_is_integer(ec) && json_integer_value(ec) >= 0)
			snprintf(status, sizeof(status), "%lld", (long long)json_integer_value(ec));
		else
			snprintf(status, sizeof(status), "Failed");
	} else {
		snprintf(status, sizeof(status), "%s",
			 st && !strcmp(st, "ok") ? "Succeeded" : "Failed");
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:o, s:o, s:o}, s:o}", "id", id, "identifier",
		      a->ident, "executionType", async ? "Asynchronous" : "Synchronous", "status",
		      status, "result", "stdout", api_get_str(res, "stdout") ?: "", "stderr",
		      stderr_text(res), "executionResult", result_value(res),
		      "executionTimeInMilliseconds",
		      json_incref(json_object_get(res, "wall_ms")) ?: json_integer(0), "stockade",
		      stockade_part(res, session, timeout_ms, a->rt));
	if (a->shell)
		json_object_set(json_object_get(o, "result"), "exitCode",
				json_object_get(res, "exit_code"));
	return o;
}

/* Keeps an execution's object for GET executions/{id}. */
/*
 * Keeps an execution's object for GET executions/{id}, for ttl_s. An object over what
 * memcached keeps (POOL_DIR_VALUE_MAX) is kept without its output and value, saying
 * so, rather than not at all (a poller would otherwise see "Running" until it
 * expired). Returns 0, or -1 when memcached did not take it.
 */
static int keep_execution(struct az *a, const char *id, json_t *o, unsigned ttl_s)
{
	char name[64], *text = json_dumps(o, JSON_COMPACT);
	enum pool_dir_rc rc = POOL_DIR_DOWN;

	if (!text)
		return -1;
	snprintf(name, sizeof(name), "exec:%s", id);
	if (strlen(text) > POOL_DIR_VALUE_MAX) {
		json_t *small = json_deep_copy(o), *res = json_object_get(small, "result"),
		       *st = json_object_get(small, "stockade");

		free(text);
		if (json_is_object(res)) {
			json_object_set_new(res, "stdout", json_string(""));
			json_object_set_new(res, "stderr", json_string(""));
			json_object_set_new(res, "executionResult", json_null());
		}
		if (json_is_object(st)) {
			json_object_del(st, "exception");
			json_object_set_new(st, "result_omitted", json_true());
			json_object_set_new(st, "message",
					    json_string("the result was larger than the 1 MB kept "
							"for polling; run it synchronously to get "
							"it whole"));
		}
		text = json_dumps(small, JSON_COMPACT);
		json_decref(small);
		if (!text)
			return -1;
	}
	if (strlen(text) <= POOL_DIR_VALUE_MAX)
		rc = pool_dir_put(a->x->dir, a->t->name, name, text, strlen(text), ttl_s);
	free(text);
	return rc == POOL_DIR_OK ? 0 : -1;
}

/* Fills the audit record from a keeper result. */
static void audit_result(struct fcgi_req *r, json_t *res)
{
	json_t *v;

	r->audit.status = api_get_str(res, "status");
	if (json_is_integer(v = json_object_get(res, "exit_code")))
		r->audit.exit_code = (int)json_integer_value(v);
	if (json_is_integer(v = json_object_get(res, "cpu_ms")))
		r->audit.cpu_ms = json_integer_value(v);
	if (json_is_integer(v = json_object_get(res, "wall_ms")))
		r->audit.wall_ms = json_integer_value(v);
	if (json_is_integer(v = json_object_get(res, "memory_peak_kb")))
		r->audit.memory_peak_kb = json_integer_value(v);
}

static void execute(struct az *a)
{
	struct fcgi_req *r = a->r;
	const struct conf *c = a->x->conf;
	json_t *body, *p, *req, *res, *session, *out;
	const char *code, *s;
	int64_t timeout_s = 0;
	int64_t timeout_ms;
	bool async = false;
	static char id[40];	/* static: the audit record reads it after we return */
	struct proto_msg m;
	static char status_copy[32];

	r->audit.route = a->gen2 ? "POST executions" : "POST code/execute";
	if (fcgi_req_body(r, c->fcgi.max_request) < 0 || !(body = fcgi_req_object(r, c->fcgi.max_depth)))
		return;
	p = json_is_object(json_object_get(body, "properties")) ? json_object_get(body, "properties")
								 : body;
	if ((s = api_get_str(p, "codeInputType")) && strcasecmp(s, "inline")) {
		fcgi_reply_error(r, 400, "BadRequest", 0, "codeInputType must be \"inline\"");
		goto out;
	}
	if ((s = api_get_str(p, "executionType"))) {
		if (!strcasecmp(s, "asynchronous") && a->gen2) {
			async = true;
		} else if (strcasecmp(s, "synchronous")) {
			fcgi_reply_error(r, 400, "BadRequest", 0,
					 "executionType must be \"synchronous\"%s",
					 a->gen2 ? " or \"asynchronous\"" : " in this api-version");
			goto out;
		}
	}
	code = api_get_str(p, "code");
	if (!code && a->shell)
		code = api_get_str(p, "shellCommand");
	if (!code) {
		fcgi_reply_error(r, 400, "BadRequest", 0, "the body needs a string \"%s\"",
				 a->shell && a->gen2 ? "shellCommand" : "code");
		goto out;
	}
	{
		size_t n = json_string_length(a->shell && !api_get_str(p, "code")
						      ? json_object_get(p, "shellCommand")
						      : json_object_get(p, "code"));

		r->audit.has_code = true;
		r->audit.code_bytes = n;
		fcgi_sha256_hex(code, n, r->audit.code_sha256);
		if (n > c->fcgi.max_code) {
			fcgi_reply_error(r, 413, "CodeTooLarge", 0,
					 "the code is %zu bytes; the limit is %llu", n,
					 (unsigned long long)c->fcgi.max_code);
			goto out;
		}
	}
	switch (api_get_int(p, "timeoutInSeconds", &timeout_s)) {
	case -1:
		fcgi_reply_error(r, 400, "InvalidTimeout", 0, "timeoutInSeconds must be an integer");
		goto out;
	case 0:
		timeout_ms = (int64_t)a->rt->timeout_ms;
		break;
	default: {
		uint64_t most = a->rt->max_timeout_ms < a->t->max_timeout_ms ? a->rt->max_timeout_ms
									       : a->t->max_timeout_ms;

		if (timeout_s < 1 || (uint64_t)timeout_s > most / 1000) {
			fcgi_reply_error(r, 400, "InvalidTimeout", 0,
					 "timeoutInSeconds must be 1 to %llu",
					 (unsigned long long)(most / 1000));
			goto out;
		}
		timeout_ms = timeout_s * 1000;
	}
	}
	r->audit.timeout_ms = timeout_ms;
	r->audit.memory_limit_kb = (int64_t)(a->rt->lim.memory / 1024);

	if (fcgi_quota_execution(r, a->x->dir, a->x->conf, a->t) < 0)
		goto out;

	fcgi_uuid(id);
	r->audit.execution_id = id;
	req = session_req(a);
	json_object_set_new(req, "code", json_string(code));
	json_object_set_new(req, "timeout_ms", json_integer((json_int_t)timeout_ms));

	if (async) {
		json_t *running = json_pack("{s:s, s:s, s:s, s:s, s:n}", "id", id, "identifier",
					    a->ident, "executionType", "Asynchronous", "status",
					    "Running", "result");

		/* kept while it can run (then it expires: a worker that died mid-way
		 * leaves no "Running" behind for an hour) */
		if (keep_execution(a, id, running, (unsigned)(timeout_ms / 1000) + 120) < 0) {
			json_decref(running);
			json_decref(req);
			fcgi_reply_error(r, 503, "DirectoryUnavailable", 5,
					 "memcached, where asynchronous results are kept, does "
					 "not answer; run it synchronously");
			goto out;
		}
		fcgi_reply_json(r, 202, running);
		fcgi_req_finish_early(r);
	}
	if (api_keeper(r, PROTO_EXEC, req, NULL, 0, &m,
		       (int)(timeout_ms + (int64_t)a->rt->grace_ms + 15000)) < 0) {
		json_decref(req);
		if (async) {	/* the client polls: leave it a failed execution */
			json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "id", id,
					      "identifier", a->ident, "executionType",
					      "Asynchronous", "status", "Failed", "error", "code",
					      r->audit.error_code ?: "InternalError", "message",
					      r->audit.error_message ?: "the execution failed");

			keep_execution(a, id, f, RESULT_TTL_S);
			json_decref(f);
		}
		goto out;
	}
	json_decref(req);
	res = json_object_get(m.json, "result");
	session = json_object_get(m.json, "session");
	audit_result(r, res);
	if (r->audit.status) {	/* m is freed below; the record outlives it */
		snprintf(status_copy, sizeof(status_copy), "%s", r->audit.status);
		r->audit.status = status_copy;
	}
	out = a->gen2 ? gen2_result(a, id, async, res, session, timeout_ms)
		      : gen1_result(res, session, timeout_ms, a->rt);
	if (a->gen2)
		keep_execution(a, id, out, RESULT_TTL_S);
	fcgi_metrics_execution(a->rt_index, r->audit.status,
			       (sbx_now_ns() - r->t0_ns) / 1000);
	proto_msg_free(&m);
	if (async) {
		json_decref(out);
		r->audit.http_status = 202;
	} else {
		fcgi_reply_json(r, 200, out);
	}
out:
	json_decref(body);
}

static void get_execution(struct az *a, const char *id)
{
	char name[200], *text = NULL;
	size_t len = 0;
	json_t *o;

	a->r->audit.route = "GET executions/{id}";
	a->r->audit.execution_id = id;
	if (!proto_valid_id(id) || strlen(id) > 64) {
		fcgi_reply_error(a->r, 400, "BadRequest", 0, "not an execution id");
		return;
	}
	snprintf(name, sizeof(name), "exec:%s", id);
	switch (pool_dir_get(a->x->dir, a->t->name, name, &text, &len)) {
	case POOL_DIR_OK:
		break;
	case POOL_DIR_DOWN:
		fcgi_reply_error(a->r, 503, "DirectoryUnavailable", 5,
				 "memcached, where results are kept, does not answer");
		return;
	default:
		fcgi_reply_error(a->r, 404, "ExecutionNotFound",
				 0, "no execution %s (results are kept for an hour)", id);
		return;
	}
	o = json_loadb(text, len, JSON_ALLOW_NUL, NULL);
	free(text);
	/* the identifier is part of the name space: another session's id is not found */
	if (!o || strcmp(api_get_str(o, "identifier") ?: "", a->ident)) {
		json_decref(o);
		fcgi_reply_error(a->r, 404, "ExecutionNotFound", 0, "no execution %s", id);
		return;
	}
	fcgi_reply_json(a->r, 200, o);
}

/* ---- files --------------------------------------------------------------------------- */

static const char *content_type_of(const char *name)
{
	static const char *const map[][2] = {
		{ ".txt", "text/plain" }, { ".csv", "text/csv" }, { ".json", "application/json" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" }, { ".svg", "image/svg+xml" }, { ".py", "text/x-python" },
		{ ".js", "text/javascript" }, { ".sh", "text/x-shellscript" },
		{ ".html", "text/html" }, { ".md", "text/markdown" }, { ".pdf", "application/pdf" },
		{ ".xml", "application/xml" }, { ".zip", "application/zip" },
		{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	};
	const char *dot = strrchr(name, '.');

	if (dot)
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcasecmp(dot, map[i][0]))
				return map[i][1];
	return "application/octet-stream";
}

/* A file as the version shows it; f is the keeper's {name, size, modified, type}. */
static json_t *file_json(struct az *a, json_t *f, int id_base)
{
	const char *name = api_get_str(f, "name") ?: "";
	json_t *size = json_object_get(f, "size"), *mod = json_object_get(f, "modified");
	char when[32], idb[2][16];

	api_iso_time(json_is_integer(mod) ? json_integer_value(mod) : (long long)time(NULL), when);
	if (a->gen2)
		return json_pack("{s:s, s:s, s:s, s:o, s:s}", "name", name, "type",
				 !strcmp(api_get_str(f, "type") ?: "file", "file") ? "file"
				 : api_get_str(f, "type"),
				 "contentType", content_type_of(name), "sizeInBytes",
				 json_incref(size) ?: json_integer(0), "lastModifiedAt", when);
	for (int i = 0; i < 2; i++)
		snprintf(idb[i], sizeof(idb[i]), "%d", id_base + i);
	return json_pack("{s:s, s:{s:s, s:s, s:o, s:s}}", "$id", idb[0], "properties", "$id", idb[1],
			 "filename", name, "size", json_incref(size) ?: json_integer(0), "lastModifiedTime",
			 when);
}

/* The list's JSON, in the version's shape. */
static json_t *list_json(struct az *a, json_t *files)
{
	json_t *list = json_array(), *f;
	size_t i;

	json_array_foreach(files, i, f)
		json_array_append_new(list, file_json(a, f, 2 + 2 * (int)i));
	return a->gen2 ? json_pack("{s:o}", "value", list)
		       : json_pack("{s:s, s:o}", "$id", "1", "value", list);
}

/* The keeper's entry for one file, or NULL after answering 404. */
static json_t *find_file(struct az *a, const char *name)
{
	struct proto_msg m;
	json_t *req = session_req(a), *f, *found = NULL;
	size_t i;

	if (api_keeper(a->r, PROTO_FILE_LIST, req, NULL, 0, &m, 30000) < 0) {
		json_decref(req);
		return NULL;
	}
	json_decref(req);
	json_array_foreach(json_object_get(m.json, "files"), i, f)
		if (!strcmp(api_get_str(f, "name") ?: "", name))
			found = json_incref(f);
	proto_msg_free(&m);
	if (!found)
		fcgi_reply_error(a->r, 404, "FileNotFound", 0, "no file %s", name);
	return found;
}

static void list_files(struct az *a)
{
	struct proto_msg m;
	json_t *req = session_req(a);

	a->r->audit.route = "GET files";
	if (api_keeper(a->r, PROTO_FILE_LIST, req, NULL, 0, &m, 30000) < 0) {
		json_decref(req);
		return;
	}
	json_decref(req);
	fcgi_reply_json(a->r, 200, list_json(a, json_object_get(m.json, "files")));
	proto_msg_free(&m);
}

static void upload(struct az *a)
{
	struct fcgi_req *r = a->r;
	const struct conf *c = a->x->conf;
	struct fcgi_part parts[FCGI_MULTIPART_MAX_PARTS];
	const struct fcgi_part *file, *path;
	char err[256];
	const char *name;
	int n;
	json_t *req, *entry;
	struct proto_msg m;

	r->audit.route = a->gen2 ? "POST files" : "POST files/upload";
	if (r->content_length > c->fcgi.max_upload + UPLOAD_SLACK) {
		fcgi_reply_error(r, 413, "FileTooLarge", 0, "an upload is limited to %llu bytes",
				 (unsigned long long)c->fcgi.max_upload);
		return;
	}
	if (fcgi_req_body(r, c->fcgi.max_body) < 0)
		return;
	n = fcgi_multipart_parse(r->content_type, r->body, r->body_len, parts,
				 FCGI_MULTIPART_MAX_PARTS, err, sizeof(err));
	if (n < 0) {
		fcgi_reply_error(r, 400, "InvalidMultipart", 0, "%s", err);
		return;
	}
	if (!(file = fcgi_multipart_find(parts, n, "file"))) {
		fcgi_reply_error(r, 400, "InvalidMultipart", 0, "no part named \"file\"");
		return;
	}
	if ((path = fcgi_multipart_find(parts, n, "path")) && path->len &&
	    !(path->len == 1 && path->data[0] == '/') &&
	    !((path->len == 9 || path->len == 10) && !strncmp(path->data, "/mnt/data/", path->len))) {
		fcgi_reply_error(r, 400, "InvalidFileName", 0,
				 "files live in /mnt/data; subdirectories are not supported");
		return;
	}
	if (!file->filename) {
		fcgi_reply_error(r, 400, "InvalidFileName", 0, "the \"file\" part has no filename");
		return;
	}
	if (!api_file_name(r, file->filename, file->filename_len, &name))
		return;
	r->audit.file_name = name;
	r->audit.file_bytes = (int64_t)file->len;
	if (file->len > c->fcgi.max_upload) {
		fcgi_reply_error(r, 413, "FileTooLarge", 0, "an upload is limited to %llu bytes",
				 (unsigned long long)c->fcgi.max_upload);
		return;
	}
	req = session_req(a);
	json_object_set_new(req, "name", json_string(name));
	if (api_keeper(r, PROTO_FILE_PUT, req, file->data, file->len, &m, 60000) < 0) {
		json_decref(req);
		return;
	}
	json_decref(req);
	proto_msg_free(&m);
	entry = json_pack("{s:s, s:I, s:I, s:s}", "name", name, "size", (json_int_t)file->len,
			  "modified", (json_int_t)time(NULL), "type", "file");
	{
		json_t *files = json_pack("[o]", entry);

		fcgi_reply_json(r, a->gen2 ? 201 : 200, list_json(a, files));
		json_decref(files);
	}
}

static void file_meta(struct az *a, const char *name)
{
	json_t *f;

	a->r->audit.route = "GET files/{name}";
	a->r->audit.file_name = name;
	if (!(f = find_file(a, name)))
		return;
	fcgi_reply_json(a->r, 200, file_json(a, f, 1));	/* in the version's shape */
	json_decref(f);
}

static void file_content(struct az *a, const char *name)
{
	struct proto_msg m;
	json_t *req = session_req(a);
	char extra[400];

	a->r->audit.route = a->gen2 ? "GET files/{name}/content" : "GET files/content/{name}";
	a->r->audit.file_name = name;
	json_object_set_new(req, "name", json_string(name));
	if (api_keeper(a->r, PROTO_FILE_GET, req, NULL, 0, &m, 60000) < 0) {
		json_decref(req);
		return;
	}
	json_decref(req);
	a->r->audit.file_bytes = (int64_t)m.blob_len;
	snprintf(extra, sizeof(extra), "Content-Disposition: attachment\r\n");
	fcgi_reply_raw(a->r, 200, content_type_of(name), m.blob ? m.blob : "", m.blob_len, extra);
	proto_msg_free(&m);
}

static void file_delete(struct az *a, const char *name)
{
	struct proto_msg m;
	json_t *req = session_req(a);

	a->r->audit.route = "DELETE files/{name}";
	a->r->audit.file_name = name;
	json_object_set_new(req, "name", json_string(name));
	if (api_keeper(a->r, PROTO_FILE_DELETE, req, NULL, 0, &m, 30000) < 0) {
		json_decref(req);
		return;
	}
	json_decref(req);
	proto_msg_free(&m);
	fcgi_reply_empty(a->r, 204);
}

/* ---- sessions and metadata ----------------------------------------------------------- */

static json_t *session_json(struct az *a, json_t *s)
{
	json_t *age = json_object_get(s, "age_s"), *exp = json_object_get(s, "expires_in_s");
	long long now = (long long)time(NULL);
	char created[32], expires[32];

	api_iso_time(now - (json_is_integer(age) ? json_integer_value(age) : 0), created);
	api_iso_time(now + (json_is_integer(exp) ? json_integer_value(exp) : 0), expires);
	(void)a;
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b}", "identifier",
			 api_get_str(s, "session") ?: "", "pool", api_get_str(s, "runtime") ?: "",
			 "createdAt", created, "expiresAt", expires, "executions",
			 json_incref(json_object_get(s, "executions")) ?: json_integer(0), "busy",
			 json_is_true(json_object_get(s, "busy")));
}

static void get_session(struct az *a)
{
	struct proto_msg m;
	json_t *req = session_req(a);

	a->r->audit.route = "GET session";
	if (api_keeper(a->r, PROTO_BIND, req, NULL, 0, &m, 30000) < 0) {
		json_decref(req);
		return;
	}
	json_decref(req);
	fcgi_reply_json(a->r, 200, session_json(a, json_object_get(m.json, "session")));
	proto_msg_free(&m);
}

static void delete_session(struct az *a)
{
	struct proto_msg m;
	json_t *req = session_req(a);

	a->r->audit.route = "DELETE session";
	if (api_keeper(a->r, PROTO_SESSION_DELETE, req, NULL, 0, &m, 30000) < 0) {
		json_decref(req);
		return;
	}
	json_decref(req);
	proto_msg_free(&m);
	fcgi_reply_empty(a->r, 204);
}

static void list_sessions(struct az *a)
{
	struct proto_msg m;
	json_t *req = json_pack("{s:s}", "tenant", a->t->name), *list = json_array(), *s;
	size_t i;

	a->r->audit.route = "GET listSessions";
	if (api_keeper(a->r, PROTO_SESSIONS, req, NULL, 0, &m, 30000) < 0) {
		json_decref(req);
		json_decref(list);
		return;
	}
	json_decref(req);
	json_array_foreach(json_object_get(m.json, "sessions"), i, s)
		if (!strcmp(api_get_str(s, "runtime") ?: "", a->rt->name))
			json_array_append_new(list, session_json(a, s));
	proto_msg_free(&m);
	fcgi_reply_json(a->r, 200, json_pack("{s:o}", "value", list));
}

static void metadata(struct az *a)
{
	static const char *const python_pkgs[] = { "numpy", "pandas", "matplotlib" };
	json_t *pkgs = json_array();

	a->r->audit.route = "GET metadata";
	if (!strcmp(a->rt->name, "python"))
		for (size_t i = 0; i < sizeof(python_pkgs) / sizeof(python_pkgs[0]); i++)
			json_array_append_new(pkgs, json_string(python_pkgs[i]));
	fcgi_reply_json(
		a->r, 200,
		json_pack("{s:s, s:s, s:{s:I, s:I, s:I, s:I}, s:o, s:I}", "pool", a->pool, "runtime",
			  a->rt->name, "limits", "memoryBytes", (json_int_t)a->rt->lim.memory,
			  "timeoutInSeconds", (json_int_t)(a->rt->timeout_ms / 1000),
			  "maxTimeoutInSeconds", (json_int_t)(a->rt->max_timeout_ms / 1000),
			  "cooldownPeriodInSeconds", (json_int_t)a->rt->cooldown_s,
			  "preinstalledPackages", pkgs, "maxSessions",
			  (json_int_t)a->rt->max_sessions));
}

/* ---- routing --------------------------------------------------------------------------- */

/* The route's pattern, for the audit record of a request refused before its handler
 * ran (a bad key, a missing api-version): the same names the handlers use. */
static const char *route_of(const char *method, int n, char **s)
{
	static const struct {
		const char *method;
		int n;
		const char *s0, *s1, *s2;
		const char *name;
	} routes[] = {
		{ "POST", 2, "code", "execute", NULL, "POST code/execute" },
		{ "POST", 1, "executions", NULL, NULL, "POST executions" },
		{ "GET", 2, "executions", NULL, NULL, "GET executions/{id}" },
		{ "POST", 2, "files", "upload", NULL, "POST files/upload" },
		{ "POST", 1, "files", NULL, NULL, "POST files" },
		{ "GET", 1, "files", NULL, NULL, "GET files" },
		{ "GET", 3, "files", "content", NULL, "GET files/content/{name}" },
		{ "GET", 3, "files", NULL, "content", "GET files/{name}/content" },
		{ "GET", 2, "files", NULL, NULL, "GET files/{name}" },
		{ "DELETE", 2, "files", NULL, NULL, "DELETE files/{name}" },
		{ "GET", 1, "session", NULL, NULL, "GET session" },
		{ "DELETE", 1, "session", NULL, NULL, "DELETE session" },
		{ "GET", 1, "listSessions", NULL, NULL, "GET listSessions" },
		{ "GET", 1, "metadata", NULL, NULL, "GET metadata" },
	};

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcmp(method, routes[i].method) && n == routes[i].n &&
		    !strcmp(s[0], routes[i].s0) && (!routes[i].s1 || !strcmp(s[1], routes[i].s1)) &&
		    (!routes[i].s2 || !strcmp(s[2], routes[i].s2)))
			return routes[i].name;
	return "unknown";
}

void api_azure(struct api_ctx *x, struct fcgi_req *r, const char *pool, int rest)
{
	struct az a = { .x = x, .r = r, .pool = pool };
	const struct conf_key *key;
	const char *v, *name;
	size_t idlen = 0;
	int n = r->nseg - rest;
	char **s = r->seg + rest;
	size_t *sl = r->seg_len + rest;
	bool get = !strcmp(r->method, "GET"), post = !strcmp(r->method, "POST");
	bool del = !strcmp(r->method, "DELETE");

	r->audit.api = "azure";
	r->audit.pool = pool;
	/* known before anything is checked, so a denial's record says what was tried */
	r->audit.route = n > 0 ? route_of(r->method, n, s) : "unknown";
	r->audit.identifier = fcgi_query(r, "identifier", NULL);
	if (!(a.rt = conf_runtime(x->conf, pool))) {
		fcgi_reply_error(r, 404, "PoolNotFound", 0, "no pool named %.64s", pool);
		return;
	}
	a.rt_index = (int)(a.rt - x->conf->rt);
	a.shell = !strcmp(a.rt->name, "bash");
	if (!(v = fcgi_query(r, "api-version", NULL))) {
		fcgi_reply_error(r, 400, "MissingApiVersionParameter", 0,
				 "the api-version query parameter is required "
				 "(2024-02-02-preview or 2024-10-02-preview)");
		return;
	}
	if (!valid_api_version(v)) {
		fcgi_reply_error(r, 400, "InvalidApiVersion", 0,
				 "api-version is YYYY-MM-DD or YYYY-MM-DD-preview");
		return;
	}
	a.gen2 = strcmp(v, "2024-10-02") >= 0;
	r->audit.api = a.gen2 ? "azure-2024-10-02" : "azure-2024-02-02";
	if (!(a.t = fcgi_auth(r, x->conf, &key)))
		return;
	{
		unsigned share = a.t->max_requests ? a.t->max_requests : x->share;

		if (!fcgi_share_claim(x->worker, (unsigned)(a.t - x->conf->tenants), share)) {
			fcgi_reply_error(r, 429, "TooManyRequests", 1,
					 "tenant %s already has %u requests running here, its "
					 "share of the workers", a.t->name, share);
			return;
		}
	}
	if (!conf_tenant_allows(x->conf, a.t, a.rt->name)) {
		fcgi_reply_error(r, 403, "Forbidden", 0, "tenant %s may not use pool %s", a.t->name,
				 a.rt->name);
		return;
	}
	if (n == 1 && get && !strcmp(s[0], "metadata")) {
		metadata(&a);
		return;
	}
	if (n == 1 && get && !strcmp(s[0], "listSessions")) {
		list_sessions(&a);
		return;
	}
	if (!(a.ident = fcgi_query(r, "identifier", &idlen)) || !*a.ident) {
		fcgi_reply_error(r, 400, "MissingIdentifier", 0,
				 "the identifier query parameter is required");
		return;
	}
	r->audit.identifier = a.ident;
	if (idlen != strlen(a.ident) || !valid_identifier(a.ident)) {
		fcgi_reply_error(r, 400, "InvalidIdentifier", 0,
				 "an identifier is 4 to 128 of A-Z a-z 0-9 . _ ~ : @ + = -");
		return;
	}

	if (n == 2 && post && !strcmp(s[0], "code") && !strcmp(s[1], "execute"))
		execute(&a);
	else if (n == 1 && post && !strcmp(s[0], "executions"))
		execute(&a);
	else if (n == 2 && get && !strcmp(s[0], "executions"))
		get_execution(&a, s[1]);
	else if (n == 2 && post && !strcmp(s[0], "files") && !strcmp(s[1], "upload"))
		upload(&a);
	else if (n == 1 && post && !strcmp(s[0], "files"))
		upload(&a);
	else if (n == 1 && get && !strcmp(s[0], "files"))
		list_files(&a);
	else if (n == 3 && get && !strcmp(s[0], "files") && a.gen2 && !strcmp(s[2], "content")) {
		if (api_file_name(r, s[1], sl[1], &name))
			file_content(&a, name);
	} else if (n == 3 && get && !strcmp(s[0], "files") && !strcmp(s[1], "content")) {
		if (api_file_name(r, s[2], sl[2], &name))
			file_content(&a, name);
	} else if (n == 3 && get && !strcmp(s[0], "files") && !strcmp(s[2], "content")) {
		if (api_file_name(r, s[1], sl[1], &name))
			file_content(&a, name);
	} else if (n == 2 && (get || del) && !strcmp(s[0], "files")) {
		if (api_file_name(r, s[1], sl[1], &name))
			(get ? file_meta : file_delete)(&a, name);
	} else if (n == 1 && get && !strcmp(s[0], "session"))
		get_session(&a);
	else if (n == 1 && del && !strcmp(s[0], "session"))
		delete_session(&a);
	else
		fcgi_reply_error(r, 404, "NotFound", 0, "no such route: %s /%s", r->method,
				 n ? s[0] : "");
}
