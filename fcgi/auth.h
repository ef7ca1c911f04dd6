/*
 * auth.h - API keys, tenants and their quotas.
 *
 * A key arrives as "Authorization: Bearer <key>" (what the Azure clients send) or
 * "X-Auth-Token: <key>". Only its SHA-256 is compared, against the hashes in
 * conf/stockade.xml, so the file never holds a usable key. A request with no
 * credentials at all, from a network a tenant's <anonymous> names, is that tenant's
 * without a key (the first such tenant in the file). Quotas are per tenant and
 * live in memcached, shared by every worker and host:
 *   - executions per minute: one counter per tenant and clock minute
 *     (stockade:r:<tenant>:<minute>), incremented by each execution (in batches of up
 *     to 0.5% of the quota per worker while the tenant is under 90% of it);
 *   - concurrent sessions: every keeper request carries the tenant's max-sessions, and
 *     the keeper checks its stockade:t:<tenant>:active counter before it binds a new
 *     session (only then: a request to a bound session costs no extra read).
 * Both are soft by a request or two under races (check, then act). When memcached is
 * down, quotas are not enforced (the keeper's own per-runtime max-sessions still is):
 * executions go on, as the keeper's do.
 */
#ifndef FCGI_AUTH_H
#define FCGI_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "http.h"
#include "pool_dir.h"

/*
 * The tenant of the request's key, or NULL after answering 401 (no key, unknown key).
 * *key (key may be NULL) gets the key's config entry.
 *
 * A request with neither header (or only empty ones) whose REMOTE_ADDR is in an
 * anonymous tenant's networks gets that tenant with *key = NULL, and its audit record
 * names the tenant and the key id "anonymous" (conf.c reserves it). Callers must
 * allow for the NULL key. Any credential sent is judged as a key: a wrong or
 * malformed one is 401, never anonymous, so a client's broken key shows instead of
 * being silently ignored. The address is nginx's view of the peer: behind another
 * proxy, set_real_ip_from decides it.
 */
const struct conf_tenant *fcgi_auth(struct fcgi_req *r, const struct conf *c,
				    const struct conf_key **key);

/* Counts an execution against the tenant's per-minute quota: 0, or -1 after answering
 * 429 with Retry-After (the seconds to the next minute). Counts are sent to memcached in
 * small batches while the tenant is far from its quota (see auth.c). */
int fcgi_quota_execution(struct fcgi_req *r, struct pool_dir *d, const struct conf *c,
			 const struct conf_tenant *t);

/* SHA-256 of p as 64 lowercase hex digits and a NUL. */
void fcgi_sha256_hex(const void *p, size_t n, char out[65]);

#endif
