/*
 * ops.c - /healthz, /metrics and /pool: what operators and the dashboard read.
 *
 * None of them needs a key (they show counts, never code, keys or identifiers); put
 * them behind nginx's allow/deny in production if the counts are private.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "keeper.h"
#include "metrics.h"

/* The keeper's pool state, or NULL when it does not answer within 2 s. */
static json_t *keeper_pool(void)
{
	struct proto_msg m;
	const char *why = NULL;
	json_t *req = json_object(), *pool = NULL;

	if (fcgi_keeper_call(PROTO_POOL, req, NULL, 0, &m, 2000, &why) == 0) {
		pool = json_incref(json_object_get(m.json, "pool"));
		proto_msg_free(&m);
	}
	json_decref(req);
	return pool;
}

void api_ops(struct api_ctx *x, struct fcgi_req *r, const char *what)
{
	json_t *pool;

	(void)x;
	r->audit.route = what;
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		fcgi_reply_error(r, 405, "MethodNotAllowed", 0, "use GET");
		return;
	}
	pool = keeper_pool();
	if (!strcmp(what, "healthz")) {
		const char *mc = pool ? json_string_value(json_object_get(pool, "memcached")) : NULL;

		fcgi_reply_json(r, pool ? 200 : 503,
				json_pack("{s:s, s:s, s:s}", "status", pool ? "ok" : "degraded",
					  "keeper", pool ? "up" : "down", "memcached",
					  mc ? mc : "unknown"));
	} else if (!strcmp(what, "metrics")) {
		size_t n = 0;
		char *text = fcgi_metrics_render(pool, &n);

		if (text)
			fcgi_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, n,
				       NULL);
		else
			fcgi_reply_error(r, 500, "InternalError", 0, "cannot render the metrics");
		free(text);
	} else if (pool) {
		fcgi_reply_json(r, 200, json_incref(pool));
	} else {
		fcgi_reply_error(r, 503, "KeeperUnavailable", 5, "the keeper does not answer");
	}
	json_decref(pool);
}
