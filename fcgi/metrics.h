/*
 * metrics.h - counters every worker adds to and /metrics reads, in one shared mapping.
 *
 * The master maps one anonymous MAP_SHARED region before it forks the workers; each
 * counter is a uint64_t updated with atomic adds, so no lock is taken and a worker that
 * dies mid-request leaves every counter consistent (at worst one request uncounted).
 * Everything is fixed-size: pools are the configured runtimes (at most CONF_MAX_RUNTIMES),
 * execution statuses and error codes are fixed lists, latencies go into fixed buckets.
 */
#ifndef FCGI_METRICS_H
#define FCGI_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conf.h"

/* Maps the region (before fork). Returns 0 or -errno. */
int fcgi_metrics_init(const struct conf *c);

/* One execution: its pool index, the result status ("success", "timeout", ...) and the
 * latency seen by the client (from request start to answer). */
void fcgi_metrics_execution(int pool, const char *status, uint64_t latency_us);
/* One submission judged by a judge API ("judge", "judge0", "piston"), by its overall
 * verdict ("accepted", ...; NULL or another counts as "other"). */
void fcgi_metrics_judge(const char *api, const char *verdict);
/* One request answered with status (any route). */
void fcgi_metrics_request(int http_status);
/* One error answer, by its stable code ("QuotaExceeded", ...). */
void fcgi_metrics_error(const char *code);
/*
 * The worker share: a tenant may hold at most `limit` workers at once (each worker
 * serves one request at a time, and an execution holds its worker for as long as it
 * runs), so one tenant's long executions cannot take every worker from the others.
 * fcgi_share_claim counts the calling worker (index `worker`) for tenant `t` (its
 * index in the config): true, or false when the tenant already holds `limit`.
 * fcgi_share_release undoes it at the end of the request; the master calls it too for
 * a worker that died, so its claim is not lost.
 */
bool fcgi_share_claim(unsigned worker, unsigned t, unsigned limit);
void fcgi_share_release(unsigned worker);

/* Audit records that could not be written; workers restarted. */
void fcgi_metrics_audit_failure(void);
void fcgi_metrics_worker_restart(void);

/*
 * The Prometheus text exposition of every counter, plus the keeper's state from pool
 * (its "pool" object: cells by state per runtime, sessions) when it answered, else
 * NULL. Returns a malloc'd string (at most 1 MiB) with *len, or NULL.
 */
char *fcgi_metrics_render(json_t *pool, size_t *len);

#endif
