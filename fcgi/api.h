/*
 * api.h - routing, and what every API module shares.
 *
 * api_route() looks at the path and hands the request to one API: the operations
 * endpoints (ops.c: /healthz, /metrics, /pool), the Azure Dynamic Sessions data plane
 * (api_azure.c: /pools/<pool>/... and /subscriptions/<s>/resourceGroups/<g>/
 * sessionPools/<pool>/...), or a judge API: the native one (api_judge.c: /v1/judge,
 * /v1/languages), Judge0 CE (api_judge0.c: /submissions, /languages, /statuses, /about,
 * /config_info) or Piston v2 (api_piston.c: /api/v2/...). Every answer and every
 * denial leaves one audit record, written by the caller (main.c) once the request is
 * done.
 */
#ifndef FCGI_API_H
#define FCGI_API_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "conf.h"
#include "http.h"
#include "pool_dir.h"
#include "proto.h"

struct api_ctx {
	const struct conf *conf;
	struct pool_dir *dir;		/* memcached: quotas, execution results */
	unsigned worker;		/* this worker's index (the worker share) */
	unsigned share;			/* the most workers one tenant may hold when its
					 * <tenant max-requests> does not say (half) */
};

/* Answers r. */
void api_route(struct api_ctx *x, struct fcgi_req *r);

/* The operations endpoints. */
void api_ops(struct api_ctx *x, struct fcgi_req *r, const char *what);

/* The Azure data plane: pool is the path's pool name, rest the segments after it. */
void api_azure(struct api_ctx *x, struct fcgi_req *r, const char *pool, int rest);

/* The judge APIs (judge.h holds what they share): the native one under /v1/, Judge0 CE
 * at the root, Piston v2 under /api/v2/. */
void api_judge(struct api_ctx *x, struct fcgi_req *r);
void api_judge0(struct api_ctx *x, struct fcgi_req *r);
void api_piston(struct api_ctx *x, struct fcgi_req *r);

/*
 * Calls the keeper; on failure answers the client (503 KeeperUnavailable, or the
 * mapped error of an {"ok": false} reply) and returns -1. On success *reply holds the
 * reply (free it with proto_msg_free).
 */
int api_keeper(struct fcgi_req *r, unsigned type, json_t *req, const void *blob,
	       size_t blob_len, struct proto_msg *reply, int timeout_ms);

/* Maps a keeper error code to the HTTP status and API code, and answers with it. */
void api_keeper_error(struct fcgi_req *r, json_t *err);

/* An integer field given as a JSON integer or a decimal string (XML has no numbers):
 * 1 found, 0 absent, -1 present but not an integer. */
int api_get_int(json_t *o, const char *key, int64_t *v);

/* A string field, case as sent; NULL when absent or not a string. */
const char *api_get_str(json_t *o, const char *key);

/* Checks a client's file name and strips a leading "/mnt/data/": true, or false after
 * answering 400 InvalidFileName. *out points into name. len is the decoded length (an
 * encoded NUL makes it differ from strlen). */
bool api_file_name(struct fcgi_req *r, const char *name, size_t len, const char **out);

/* "2026-12-01T12:00:00Z" for a Unix time. */
void api_iso_time(long long t, char out[32]);

#endif
