/*
 * metrics.c - shared counters and their Prometheus rendering (see metrics.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "metrics.h"

/* Execution statuses, as sbx_status_name() spells them; anything else is "other". */
static const char *const statuses[] = {
	"ok", "runtime_error", "timeout", "memory_limit", "output_limit", "compile_error",
	"internal_error", "other",
};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

/* Error codes the API answers with; anything else counts as "other". */
static const char *const codes[] = {
	"BadRequest", "InvalidJson", "InvalidXml", "UnsupportedMediaType", "MissingIdentifier",
	"InvalidIdentifier", "MissingApiVersionParameter", "InvalidApiVersion", "InvalidFileName",
	"InvalidMultipart", "CodeTooLarge", "InvalidTimeout", "Unauthorized", "InvalidApiKey",
	"Forbidden", "PoolNotFound", "NotFound", "SessionNotFound", "FileNotFound",
	"ExecutionNotFound", "MethodNotAllowed", "SessionBusy", "SessionRuntimeMismatch",
	"SessionEnded", "RequestTooLarge", "FileTooLarge", "QuotaExceeded", "SessionQuotaExceeded",
	"TooManyRequests", "PoolExhausted", "PoolUnavailable", "KeeperUnavailable", "SessionOnAnotherHost", "DirectoryUnavailable",
	"InvalidRequest", "UnknownLanguage", "ValidationFailed", "InternalError", "other",
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* The judge APIs, and the verdicts of a judged submission (sandbox's judge contract);
 * anything else is "other". */
static const char *const judge_apis[] = { "judge", "judge0", "piston" };
#define NJAPI (sizeof(judge_apis) / sizeof(judge_apis[0]))
static const char *const verdicts[] = {
	"accepted", "wrong_answer", "time_limit", "memory_limit", "output_limit",
	"runtime_error", "compilation_error", "internal_error", "other",
};
#define NVERDICT (sizeof(verdicts) / sizeof(verdicts[0]))

/* Latency bucket upper bounds, in microseconds (the last bucket is +Inf). */
static const uint64_t bounds_us[] = {
	250, 500, 1000, 2000, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,
	2500000, 5000000, 10000000, 30000000, 60000000,
};
#define NBOUNDS (sizeof(bounds_us) / sizeof(bounds_us[0]))

struct shared {
	uint64_t exec[CONF_MAX_RUNTIMES][NSTATUS];
	uint64_t lat_bucket[CONF_MAX_RUNTIMES][NBOUNDS + 1];
	uint64_t lat_sum_us[CONF_MAX_RUNTIMES];
	uint64_t requests[6];		/* by status class: 1xx..5xx, index 0 unused */
	uint64_t errors[NCODES];
	uint64_t judged[NJAPI][NVERDICT];
	uint64_t audit_failures;
	uint64_t worker_restarts;
	uint64_t share_refusals;
	int64_t tenant_held[CONF_MAX_TENANTS];	/* workers each tenant holds now */
	uint32_t worker_tenant[64];		/* 1 + the tenant a worker holds, or 0 */
};

static struct shared *M;
static char pool_names[CONF_MAX_RUNTIMES][16];
static unsigned npools;

int fcgi_metrics_init(const struct conf *c)
{
	void *p = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	M = p;
	npools = c->nruntimes;
	for (unsigned i = 0; i < npools; i++)
		snprintf(pool_names[i], sizeof(pool_names[i]), "%s", c->rt[i].name);
	return 0;
}

static void add(uint64_t *c, uint64_t v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

void fcgi_metrics_execution(int pool, const char *status, uint64_t latency_us)
{
	size_t s, b;

	if (!M || pool < 0 || (unsigned)pool >= npools)
		return;
	for (s = 0; s < NSTATUS - 1; s++)
		if (status && !strcmp(status, statuses[s]))
			break;
	add(&M->exec[pool][s], 1);
	for (b = 0; b < NBOUNDS; b++)
		if (latency_us <= bounds_us[b])
			break;
	add(&M->lat_bucket[pool][b], 1);
	add(&M->lat_sum_us[pool], latency_us);
}

void fcgi_metrics_request(int http_status)
{
	if (M && http_status >= 100 && http_status < 600)
		add(&M->requests[http_status / 100], 1);
}

void fcgi_metrics_error(const char *code)
{
	size_t i;

	if (!M)
		return;
	for (i = 0; i < NCODES - 1; i++)
		if (code && !strcmp(code, codes[i]))
			break;
	add(&M->errors[i], 1);
}

void fcgi_metrics_judge(const char *api, const char *verdict)
{
	size_t a, v;

	if (!M || !api)
		return;
	for (a = 0; a < NJAPI; a++)
		if (!strcmp(api, judge_apis[a]))
			break;
	if (a == NJAPI)
		return;
	for (v = 0; v < NVERDICT - 1; v++)
		if (verdict && !strcmp(verdict, verdicts[v]))
			break;
	add(&M->judged[a][v], 1);
}

bool fcgi_share_claim(unsigned worker, unsigned t, unsigned limit)
{
	if (!M || worker >= 64 || t >= CONF_MAX_TENANTS)
		return true;
	/* marked before counted: a worker that dies in between is uncounted by the
	 * master's fcgi_share_release once too often at worst, which the release's
	 * clamp at zero absorbs */
	__atomic_store_n(&M->worker_tenant[worker], t + 1, __ATOMIC_SEQ_CST);
	if (__atomic_add_fetch(&M->tenant_held[t], 1, __ATOMIC_SEQ_CST) > (int64_t)limit) {
		__atomic_sub_fetch(&M->tenant_held[t], 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&M->worker_tenant[worker], 0, __ATOMIC_SEQ_CST);
		add(&M->share_refusals, 1);
		return false;
	}
	return true;
}

void fcgi_share_release(unsigned worker)
{
	uint32_t t;

	if (!M || worker >= 64)
		return;
	t = __atomic_exchange_n(&M->worker_tenant[worker], 0, __ATOMIC_SEQ_CST);
	if (t) {
		/* down by one, never below zero (see fcgi_share_claim), without losing a
		 * concurrent claim's increment */
		int64_t v = __atomic_load_n(&M->tenant_held[t - 1], __ATOMIC_SEQ_CST);

		while (v > 0 && !__atomic_compare_exchange_n(&M->tenant_held[t - 1], &v, v - 1,
							       false, __ATOMIC_SEQ_CST,
							       __ATOMIC_SEQ_CST))
			;
	}
}

void fcgi_metrics_audit_failure(void)
{
	if (M)
		add(&M->audit_failures, 1);
}

void fcgi_metrics_worker_restart(void)
{
	if (M)
		add(&M->worker_restarts, 1);
}

struct out {
	char *p;
	size_t len, cap;
	int failed;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (o->failed)
			return;
		va_start(ap, fmt);
		n = vsnprintf(o->p ? o->p + o->len : NULL, o->p ? o->cap - o->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = 1;
			return;
		}
		if (o->p && o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		{
			size_t cap = o->cap ? o->cap * 2 : 16384;
			char *q;

			while (cap < o->len + (size_t)n + 1)
				cap *= 2;
			if (cap > (1u << 20) || !(q = realloc(o->p, cap))) {
				o->failed = 1;
				return;
			}
			o->p = q;
			o->cap = cap;
		}
	}
}

static uint64_t num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

char *fcgi_metrics_render(json_t *pool, size_t *len)
{
	struct out o = { 0 };
	unsigned p;
	size_t s, b;

	if (!M)
		return NULL;
	put(&o, "# HELP stockade_executions_total Executions answered, by pool and result status.\n"
		"# TYPE stockade_executions_total counter\n");
	for (p = 0; p < npools; p++)
		for (s = 0; s < NSTATUS; s++)
			put(&o, "stockade_executions_total{pool=\"%s\",status=\"%s\"} %llu\n",
			    pool_names[p], statuses[s], (unsigned long long)get(&M->exec[p][s]));
	put(&o, "# HELP stockade_execution_seconds Execution latency as the client sees it "
		"(request to answer).\n# TYPE stockade_execution_seconds histogram\n");
	for (p = 0; p < npools; p++) {
		uint64_t cum = 0;

		for (b = 0; b <= NBOUNDS; b++) {
			cum += get(&M->lat_bucket[p][b]);
			if (b < NBOUNDS)
				put(&o, "stockade_execution_seconds_bucket{pool=\"%s\",le=\"%g\"} %llu\n",
				    pool_names[p], (double)bounds_us[b] / 1e6, (unsigned long long)cum);
			else
				put(&o, "stockade_execution_seconds_bucket{pool=\"%s\",le=\"+Inf\"} %llu\n",
				    pool_names[p], (unsigned long long)cum);
		}
		put(&o, "stockade_execution_seconds_sum{pool=\"%s\"} %.6f\n", pool_names[p],
		    (double)get(&M->lat_sum_us[p]) / 1e6);
		put(&o, "stockade_execution_seconds_count{pool=\"%s\"} %llu\n", pool_names[p],
		    (unsigned long long)cum);
	}
	put(&o, "# HELP stockade_http_requests_total Requests answered, by status class.\n"
		"# TYPE stockade_http_requests_total counter\n");
	for (s = 1; s < 6; s++)
		put(&o, "stockade_http_requests_total{class=\"%zuxx\"} %llu\n", s,
		    (unsigned long long)get(&M->requests[s]));
	put(&o, "# HELP stockade_errors_total Error answers, by stable error code.\n"
		"# TYPE stockade_errors_total counter\n");
	for (s = 0; s < NCODES; s++)
		put(&o, "stockade_errors_total{code=\"%s\"} %llu\n", codes[s],
		    (unsigned long long)get(&M->errors[s]));
	put(&o, "# HELP stockade_judge_submissions_total Submissions judged, by API and "
		"overall verdict.\n# TYPE stockade_judge_submissions_total counter\n");
	for (s = 0; s < NJAPI; s++)
		for (b = 0; b < NVERDICT; b++)
			put(&o, "stockade_judge_submissions_total{api=\"%s\",verdict=\"%s\"} %llu\n",
			    judge_apis[s], verdicts[b], (unsigned long long)get(&M->judged[s][b]));
	put(&o, "# HELP stockade_audit_failures_total Audit records that could not be written.\n"
		"# TYPE stockade_audit_failures_total counter\nstockade_audit_failures_total %llu\n",
	    (unsigned long long)get(&M->audit_failures));
	put(&o, "# HELP stockade_share_refusals_total Requests refused because their tenant "
		"held its share of the workers.\n# TYPE stockade_share_refusals_total counter\n"
		"stockade_share_refusals_total %llu\n", (unsigned long long)get(&M->share_refusals));
	put(&o, "# HELP stockade_worker_restarts_total FastCGI workers restarted after dying.\n"
		"# TYPE stockade_worker_restarts_total counter\nstockade_worker_restarts_total %llu\n",
	    (unsigned long long)get(&M->worker_restarts));

	put(&o, "# HELP stockade_keeper_up Whether the keeper answered this scrape.\n"
		"# TYPE stockade_keeper_up gauge\nstockade_keeper_up %d\n", pool ? 1 : 0);
	if (pool) {
		json_t *rts = json_object_get(pool, "runtimes"), *rt;
		const char *name;

		put(&o, "# HELP stockade_pool_cells Cells of this host by runtime and state.\n"
			"# TYPE stockade_pool_cells gauge\n");
		json_object_foreach(rts, name, rt) {
			put(&o, "stockade_pool_cells{pool=\"%s\",state=\"warm\"} %llu\n", name,
			    (unsigned long long)num(rt, "warm"));
			put(&o, "stockade_pool_cells{pool=\"%s\",state=\"starting\"} %llu\n", name,
			    (unsigned long long)num(rt, "starting"));
			put(&o, "stockade_pool_cells{pool=\"%s\",state=\"bound\"} %llu\n", name,
			    (unsigned long long)num(rt, "bound"));
		}
		put(&o, "# HELP stockade_sessions Sessions bound on this host, by pool.\n"
			"# TYPE stockade_sessions gauge\n");
		json_object_foreach(rts, name, rt)
			put(&o, "stockade_sessions{pool=\"%s\"} %llu\n", name,
			    (unsigned long long)num(rt, "bound"));
		put(&o, "# HELP stockade_pool_cells_started_total Cells started, by pool.\n"
			"# TYPE stockade_pool_cells_started_total counter\n");
		json_object_foreach(rts, name, rt)
			put(&o, "stockade_pool_cells_started_total{pool=\"%s\"} %llu\n", name,
			    (unsigned long long)num(rt, "started"));
		put(&o, "# HELP stockade_pool_start_failures_total Cells that failed to start.\n"
			"# TYPE stockade_pool_start_failures_total counter\n");
		json_object_foreach(rts, name, rt)
			put(&o, "stockade_pool_start_failures_total{pool=\"%s\"} %llu\n", name,
			    (unsigned long long)num(rt, "start_failures"));
		put(&o, "# HELP stockade_memcached_up Whether the keeper reaches memcached.\n"
			"# TYPE stockade_memcached_up gauge\nstockade_memcached_up %d\n",
		    !strcmp(json_string_value(json_object_get(pool, "memcached")) ?: "", "up"));
	}
	if (o.failed) {
		free(o.p);
		return NULL;
	}
	*len = o.len;
	return o.p;
}
