/*
 * stockade-pool - the keeper: warm cells, sessions, and the socket the web side calls.
 *
 * Theory of operation
 * -------------------
 * One keeper runs per host, as root. It owns every cell on the host that serves a
 * session and is the truth about them; memcached only mirrors what it says.
 *
 * Threads.
 *   main        loads conf/stockade.xml, sweeps what a crashed predecessor left
 *               (cgroups of unheld slots), listens on the unix socket, accepts, and on
 *               SIGTERM/SIGINT ends every cell and exits.
 *   starter     the only thread that starts cells. A cell's init dies with the thread
 *               that started it (PDEATHSIG), so cells must come from a thread that
 *               lives as long as the keeper. It keeps `ready` warm cells per runtime
 *               and starts one at once when a bind finds the pool empty.
 *   keeper      every 250 ms: ends sessions idle for their cooldown and cells that
 *               died; every second: memcached heartbeat, republishing after a
 *               memcached restart, and the pool's published state.
 *   connection  one per client (at most max-connections): reads a request, answers,
 *               repeats. Executions block only their own connection.
 *
 * Sessions. A warm cell is bound to (tenant, identifier) by a bind: the binding is
 * claimed in memcached with `add` (one winner across processes and hosts), and the
 * cell is marked bound in the keeper's table (one winner across this keeper's
 * threads: the table is checked and updated under one lock, and a cell being bound is
 * visible to every other thread, which waits for the outcome). A bound cell serves
 * only its session and is destroyed when the session ends: deleted, idle for its
 * cooldown, or broken (OOM, crash, a runner that ignored an interrupt). Nothing is
 * ever reused.
 *
 * memcached down. Requests go on from the keeper's own table: running sessions keep
 * working, new sessions are bound locally and published when memcached is back. The
 * heartbeat notices a restarted memcached (the host's sentinel key is gone) and
 * republishes every session with its remaining cooldown.
 *
 * Locking. K.lock guards the table and the counters; it is never held across a
 * system call that can block for long (memcached, a cell's start, an execution).
 * Each session has an `op` mutex: one execution at a time, waited for at most
 * busy-wait. A session is freed by whoever drops its last reference after it ended.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "pool_dir.h"
#include "pool_judge.h"
#include "proto.h"
#include "run.h"
#include "util.h"
#include "warm.h"

/* How long a runner may take to import its modules and say "ready". */
#define START_MS 60000
/* How long a client may take between the parts of one message, and be idle. */
#define CLIENT_TIMEOUT_MS 300000

enum sess_state {
	S_WARM,		/* started, waiting for a session */
	S_BINDING,	/* taken for a session; the directory is being asked */
	S_BOUND,	/* serving its session */
	S_ENDED,	/* killed; freed with its last reference */
};

struct rt_state;

struct sess {
	struct sess *next;
	unsigned id;			/* the keeper's cell number */
	struct rt_state *rt;
	struct warm w;
	enum sess_state state;
	char tenant[PROTO_MAX_TENANT + 1];
	char ident[PROTO_MAX_ID + 1];
	unsigned long long created_ns, bound_ns, last_used_ns;
	unsigned long long touched_ns;	/* memcached's TTL last renewed (see touch_every_ns) */
	unsigned long executions;
	unsigned long unsent;		/* executions not yet added to memcached's count */
	unsigned refs;
	bool busy;			/* an execution is running */
	bool published;			/* memcached has the binding */
	bool recount;			/* its tenant's counter lost it (memcached restart) */
	pthread_mutex_t op;		/* one execution at a time */
	char end_reason[80];
};

struct rt_state {
	const struct conf_runtime *conf;
	unsigned warm, binding, bound, starting, waiting;
	unsigned long started, start_failures, ended;
	double last_start_ms;
	char last_error[160];
};

static struct {
	struct conf conf;
	struct sbx_runner runner;
	struct pool_dir *dir;
	char boot[40];
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* a cell became warm, bound or ended */
	pthread_cond_t start;		/* the starter has work */
	struct sess *all;
	struct rt_state rt[CONF_MAX_RUNTIMES];
	unsigned next_id;
	unsigned connections;
	bool stopping;
	_Atomic bool dir_up;		/* memcached answered last time: when not, requests
					 * skip it instead of each paying its timeout */
	unsigned long executions;
} K = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.changed = PTHREAD_COND_INITIALIZER,
	.start = PTHREAD_COND_INITIALIZER,
};

static void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "stockade-pool: %s\n", msg);
	syslog(prio, "%s", msg);
}

static unsigned long long now_ns(void)
{
	return sbx_now_ns();
}

static struct rt_state *rt_find(const char *name)
{
	for (unsigned i = 0; i < K.conf.nruntimes; i++)
		if (!strcmp(K.conf.rt[i].name, name))
			return &K.rt[i];
	return NULL;
}

/* Directory calls on the request path: skipped while memcached is down (the
 * heartbeat finds it again), and a failure marks it down. */
static enum pool_dir_rc dir_rc(enum pool_dir_rc rc)
{
	if (rc == POOL_DIR_DOWN)
		K.dir_up = false;
	return rc;
}
#define DIR_CALL(call) (K.dir_up ? dir_rc(call) : POOL_DIR_DOWN)

/* The directory's picture of a session. */
static void dir_entry(const struct sess *s, struct pool_dir_entry *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->host, sizeof(e->host), "%s", K.conf.host);
	snprintf(e->boot, sizeof(e->boot), "%s", K.boot);
	e->cell = s->id;
	snprintf(e->runtime, sizeof(e->runtime), "%s", s->rt->conf->name);
}

/* ---- the table (K.lock held) ------------------------------------------------------ */

static struct sess *find_session(const char *tenant, const char *ident)
{
	for (struct sess *s = K.all; s; s = s->next)
		if ((s->state == S_BOUND || s->state == S_BINDING) && !strcmp(s->tenant, tenant) &&
		    !strcmp(s->ident, ident))
			return s;
	return NULL;
}

static struct sess *take_warm(struct rt_state *rt)
{
	for (struct sess *s = K.all; s; s = s->next)
		if (s->rt == rt && s->state == S_WARM) {
			rt->warm--;
			return s;
		}
	return NULL;
}

static void unlink_sess(struct sess *s)
{
	for (struct sess **p = &K.all; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			return;
		}
}

/* Marks a session ended and kills its cell. Returns true when the caller must free
 * it (no references left) after dropping the lock. */
static bool end_locked(struct sess *s, const char *reason)
{
	if (s->state == S_ENDED)
		return false;
	if (s->state == S_WARM)
		s->rt->warm--;
	else if (s->state == S_BINDING)
		s->rt->binding--;
	else
		s->rt->bound--;
	if (s->state == S_BOUND)
		s->rt->ended++;
	s->state = S_ENDED;
	snprintf(s->end_reason, sizeof(s->end_reason), "%s", reason);
	warm_kill(&s->w);
	pthread_cond_broadcast(&K.changed);
	pthread_cond_signal(&K.start);	/* room for a new cell */
	if (s->refs)
		return false;
	unlink_sess(s);
	return true;
}

/* Frees an ended session: reaps its cell and releases its cgroup and uid. */
static void destroy(struct sess *s)
{
	if (warm_end(&s->w) < 0)
		say(LOG_WARNING, "cell %u: cgroup not removed yet (the slot's next holder will)",
		     s->id);
	pthread_mutex_destroy(&s->op);
	free(s);
}

/* The directory side of an ended session (K.lock not held). */
static void unpublish(struct sess *s, bool was_bound)
{
	struct pool_dir_entry e;
	unsigned long n;

	if (!was_bound)
		return;
	dir_entry(s, &e);
	DIR_CALL(pool_dir_unbind(K.dir, s->tenant, s->ident, &e));
	DIR_CALL(pool_dir_count(K.dir, s->tenant, "active", -1, NULL));
	pthread_mutex_lock(&K.lock);	/* a request's tail may be flushing them too */
	n = s->unsent;
	s->unsent = 0;
	pthread_mutex_unlock(&K.lock);
	if (n)
		DIR_CALL(pool_dir_count(K.dir, s->tenant, "executions", (int64_t)n, NULL));
}

/*
 * The binding's TTL in memcached is renewed at most every touch_every_ns (a tenth of the
 * cooldown, at most 5 s) rather than on every request, with that much slack added to
 * the cooldown, so the key never expires before the keeper's own cooldown ends the
 * session (which then deletes it). A busy session thus costs memcached one touch, and
 * its executions one counter update, every few seconds instead of two round trips per
 * execution.
 */
static unsigned long long touch_every_ns(const struct rt_state *rt)
{
	unsigned long long every = rt->conf->cooldown_s * 100000000ULL;	/* a tenth */

	return every < 5000000000ULL ? every : 5000000000ULL;
}

static unsigned touch_ttl_s(const struct rt_state *rt)
{
	return (unsigned)(rt->conf->cooldown_s + touch_every_ns(rt) / 1000000000ULL + 1);
}

static void end_session(struct sess *s, const char *reason)
{
	bool bound, free_it;

	pthread_mutex_lock(&K.lock);
	bound = s->state == S_BOUND;
	free_it = end_locked(s, reason);
	pthread_mutex_unlock(&K.lock);
	if (bound) {
		say(LOG_INFO, "session %s/%s (cell %u) ended: %s", s->tenant, s->ident, s->id,
		     reason);
		unpublish(s, true);
	}
	if (free_it)
		destroy(s);
}

static void release(struct sess *s)
{
	bool free_it = false;

	pthread_mutex_lock(&K.lock);
	if (--s->refs == 0 && s->state == S_ENDED) {
		unlink_sess(s);
		free_it = true;
	}
	pthread_mutex_unlock(&K.lock);
	if (free_it)
		destroy(s);
}

/* ---- the starter ------------------------------------------------------------------- */

/* The runtime that needs a cell most, or NULL (K.lock held). */
static struct rt_state *needs_cell(void)
{
	for (unsigned i = 0; i < K.conf.nruntimes; i++) {
		struct rt_state *rt = &K.rt[i];
		const struct conf_runtime *c = rt->conf;
		unsigned have = rt->warm + rt->starting;
		unsigned cells = have + rt->binding + rt->bound;

		if (cells >= c->max_sessions + c->ready)
			continue;
		if (have < c->ready || rt->waiting > have)
			return rt;
	}
	return NULL;
}

static void *starter_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&K.lock);
	while (!K.stopping) {
		struct rt_state *rt = needs_cell();
		struct sess *s;
		const char *why = NULL;
		unsigned long long t0;
		int rc;

		if (!rt) {
			pthread_cond_wait(&K.start, &K.lock);
			continue;
		}
		rt->starting++;
		pthread_mutex_unlock(&K.lock);

		s = calloc(1, sizeof(*s));
		t0 = now_ns();
		rc = s ? warm_start(&s->w, &K.runner, rt->conf->name, &rt->conf->lim, START_MS, &why)
		       : -ENOMEM;

		pthread_mutex_lock(&K.lock);
		rt->starting--;
		if (rc < 0) {
			rt->start_failures++;
			snprintf(rt->last_error, sizeof(rt->last_error), "%s: %s",
				 why ? why : "out of memory", strerror(-rc));
			pthread_cond_broadcast(&K.changed);
			pthread_mutex_unlock(&K.lock);
			say(LOG_ERR, "cannot start a %s cell: %s", rt->conf->name, rt->last_error);
			free(s);
			sleep(1);	/* whatever failed is unlikely to pass at once */
			pthread_mutex_lock(&K.lock);
			continue;
		}
		rt->started++;
		rt->last_start_ms = (double)(now_ns() - t0) / 1e6;
		rt->last_error[0] = '\0';
		s->id = ++K.next_id;
		s->rt = rt;
		s->state = S_WARM;
		s->created_ns = now_ns();
		pthread_mutex_init(&s->op, NULL);
		s->next = K.all;
		K.all = s;
		rt->warm++;
		pthread_cond_broadcast(&K.changed);
		if (K.stopping)
			break;
	}
	pthread_mutex_unlock(&K.lock);
	return NULL;
}

/* ---- sessions ---------------------------------------------------------------------- */

static json_t *session_json(const struct sess *s, bool fresh)
{
	unsigned long long now = now_ns();
	unsigned long long idle = (now - s->last_used_ns) / 1000000000ULL;
	unsigned long long cool = s->rt->conf->cooldown_s;

	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:I, s:I, s:I, s:b}", "tenant", s->tenant,
			 "session", s->ident, "runtime", s->rt->conf->name, "cell",
			 (json_int_t)s->id, "host", K.conf.host, "new", fresh, "executions",
			 (json_int_t)s->executions, "age_s",
			 (json_int_t)((now - s->bound_ns) / 1000000000ULL), "expires_in_s",
			 (json_int_t)(idle < cool ? cool - idle : 0), "busy", s->busy);
}

/*
 * Finds or makes the session; returns it with a reference, or NULL with *err (a
 * reply). *fresh says it was made now. counted: the tenant's active counter already
 * holds it (tenant_quota reserved the place).
 */
static struct sess *acquire(const char *tenant, const char *ident, const char *runtime,
			    bool create, bool counted, bool *fresh, json_t **err)
{
	struct rt_state *rt = NULL;
	struct sess *s;
	struct pool_dir_entry e, old;
	enum pool_dir_rc dr;
	bool elsewhere = false;
	unsigned long long deadline = now_ns() + START_MS * 1000000ULL;

	*fresh = false;
	if (runtime && !(rt = rt_find(runtime))) {
		*err = proto_error(PROTO_E_RUNTIME, "no runtime named \"%s\" is configured",
				   runtime);
		return NULL;
	}
	pthread_mutex_lock(&K.lock);
	for (;;) {
		s = find_session(tenant, ident);
		if (s && s->state == S_BOUND) {
			if (rt && s->rt != rt) {
				*err = proto_error(PROTO_E_MISMATCH,
						   "session %s is a %s session, not %s", ident,
						   s->rt->conf->name, rt->conf->name);
				pthread_mutex_unlock(&K.lock);
				return NULL;
			}
			s->refs++;
			s->last_used_ns = now_ns();
			pthread_mutex_unlock(&K.lock);
			return s;
		}
		if (s) {	/* being bound by another thread: wait for its outcome */
			pthread_cond_wait(&K.changed, &K.lock);
			continue;
		}
		if (!create) {
			pthread_mutex_unlock(&K.lock);
			*err = proto_error(PROTO_E_NOT_FOUND, "no session %s", ident);
			return NULL;
		}
		if (!rt)
			rt = &K.rt[0];
		if (rt->bound + rt->binding >= rt->conf->max_sessions) {
			pthread_mutex_unlock(&K.lock);
			*err = proto_error(PROTO_E_CAPACITY,
					   "all %u %s sessions of this host are in use",
					   rt->conf->max_sessions, rt->conf->name);
			return NULL;
		}
		if ((s = take_warm(rt)))
			break;
		/* the pool is empty: this is the one case where a bind waits for a start */
		{
			struct timespec ts;
			int rc;

			if (now_ns() >= deadline || K.stopping) {
				pthread_mutex_unlock(&K.lock);
				*err = proto_error(PROTO_E_INTERNAL, "no %s cell could be started%s%s",
						   rt->conf->name, rt->last_error[0] ? ": " : "",
						   rt->last_error);
				return NULL;
			}
			rt->waiting++;
			pthread_cond_signal(&K.start);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			rc = pthread_cond_timedwait(&K.changed, &K.lock, &ts);
			rt->waiting--;
			(void)rc;
		}
	}
	/* s is ours: visible as "binding" so that racing binds of the same id wait */
	s->state = S_BINDING;
	rt->binding++;
	snprintf(s->tenant, sizeof(s->tenant), "%s", tenant);
	snprintf(s->ident, sizeof(s->ident), "%s", ident);
	s->refs = 1;
	pthread_cond_signal(&K.start);	/* refill behind us */
	pthread_mutex_unlock(&K.lock);

	dir_entry(s, &e);
	dr = DIR_CALL(pool_dir_bind(K.dir, tenant, ident, &e, (unsigned)rt->conf->cooldown_s));
	if (dr == POOL_DIR_EXISTS) {
		/* someone holds the name: another host, or a predecessor of this keeper */
		dr = DIR_CALL(pool_dir_lookup(K.dir, tenant, ident, &old));
		elsewhere = dr == POOL_DIR_OK && strcmp(old.host, K.conf.host);
		/* ours by host name but not in the table: a crashed predecessor's, whose
		 * cell is gone; take the name over */
		if (dr == POOL_DIR_OK && !elsewhere)
			dr = DIR_CALL(pool_dir_replace(K.dir, tenant, ident, &old, &e,
						       (unsigned)rt->conf->cooldown_s));
		else if (dr == POOL_DIR_NOTFOUND)	/* expired meanwhile */
			dr = DIR_CALL(pool_dir_bind(K.dir, tenant, ident, &e,
						    (unsigned)rt->conf->cooldown_s));
	}
	pthread_mutex_lock(&K.lock);
	if (s->state == S_ENDED) {	/* the keeper is stopping */
		pthread_mutex_unlock(&K.lock);
		release(s);
		*err = proto_error(PROTO_E_INTERNAL, "the keeper is stopping");
		return NULL;
	}
	rt->binding--;
	if (elsewhere) {
		s->state = S_WARM;	/* never used: back into the pool */
		s->tenant[0] = s->ident[0] = '\0';
		s->refs = 0;
		rt->warm++;
		pthread_cond_broadcast(&K.changed);
		pthread_mutex_unlock(&K.lock);
		*err = json_pack("{s:b, s:{s:s, s:s, s:s}}", "ok", 0, "error", "code",
				 PROTO_E_ELSEWHERE, "message", "the session lives on another host",
				 "host", old.host);
		return NULL;
	}
	rt->bound++;
	s->state = S_BOUND;
	s->published = dr == POOL_DIR_OK;
	s->bound_ns = s->last_used_ns = s->touched_ns = now_ns();
	pthread_cond_broadcast(&K.changed);
	pthread_mutex_unlock(&K.lock);
	if (!counted && DIR_CALL(pool_dir_count(K.dir, tenant, "active", 1, NULL)) != POOL_DIR_OK) {
		/* counted when memcached is back (republish) */
		pthread_mutex_lock(&K.lock);
		s->recount = true;
		s->published = false;
		pthread_mutex_unlock(&K.lock);
	}
	say(LOG_INFO, "session %s/%s bound to %s cell %u%s", tenant, ident, rt->conf->name, s->id,
	     s->published ? "" : " (memcached unreachable: published later)");
	*fresh = true;
	return s;
}

/* ---- requests ---------------------------------------------------------------------- */

/*
 * A request may carry "max_tenant_sessions": N (stockade-fcgi sends the tenant's quota).
 * When the session is not bound here, the request reserves a place in the tenant's
 * active counter (incr first, so racing binds each see the others) and is refused
 * "quota" when that makes more than N; *reserved then says the counter already holds
 * the session the bind will make. Not enforced while memcached is down. A request to
 * a bound session pays nothing.
 */
static json_t *tenant_quota(json_t *req, const char *tenant, const char *ident, bool *reserved)
{
	json_t *q = json_object_get(req, "max_tenant_sessions");
	struct sess *s;
	uint64_t active = 0;
	bool bound;

	*reserved = false;
	if (!json_is_integer(q) || json_integer_value(q) <= 0)
		return NULL;
	pthread_mutex_lock(&K.lock);
	s = find_session(tenant, ident);
	bound = s && s->state == S_BOUND;
	pthread_mutex_unlock(&K.lock);
	if (bound)
		return NULL;
	if (DIR_CALL(pool_dir_count(K.dir, tenant, "active", 1, &active)) != POOL_DIR_OK)
		return NULL;
	if (active > (uint64_t)json_integer_value(q)) {
		DIR_CALL(pool_dir_count(K.dir, tenant, "active", -1, NULL));
		return proto_error(PROTO_E_QUOTA,
				   "tenant %s has its %lld sessions open; delete one or wait for "
				   "one to cool down", tenant, (long long)json_integer_value(q));
	}
	*reserved = true;
	return NULL;
}

static const char *str_field(json_t *j, const char *name)
{
	return json_string_value(json_object_get(j, name));
}

static json_t *ok_reply(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static json_t *do_exec(struct sess *s, json_t *req)
{
	json_t *code = json_object_get(req, "code"), *t = json_object_get(req, "timeout_ms");
	const struct conf_runtime *rc = s->rt->conf;
	uint64_t timeout = rc->timeout_ms;
	struct warm_result res;
	struct timespec ts;
	const char *why = NULL;
	json_t *out;
	int r;

	if (!json_is_string(code))
		return proto_error(PROTO_E_BAD_REQUEST, "\"code\" must be a string");
	if (json_string_length(code) > (1u << 20))
		return proto_error(PROTO_E_TOO_LARGE, "code is limited to 1 MiB");
	if (t) {
		if (!json_is_integer(t) || json_integer_value(t) <= 0)
			return proto_error(PROTO_E_BAD_REQUEST,
					   "\"timeout_ms\" must be a positive integer");
		timeout = (uint64_t)json_integer_value(t);
		if (timeout > rc->max_timeout_ms)
			timeout = rc->max_timeout_ms;
	}
	sbx_deadline(CLOCK_REALTIME, K.conf.busy_wait_ms, &ts);
	if (pthread_mutex_timedlock(&s->op, &ts) != 0)
		return proto_error(PROTO_E_BUSY,
				   "session %s is still running an earlier execution", s->ident);
	if (s->state != S_BOUND) {
		pthread_mutex_unlock(&s->op);
		return proto_error(PROTO_E_ENDED, "session %s ended: %s", s->ident, s->end_reason);
	}
	s->busy = true;
	r = warm_exec(&s->w, json_string_value(code), json_string_length(code), timeout,
		      rc->grace_ms, &res, &why);
	s->busy = false;
	pthread_mutex_lock(&K.lock);
	s->executions++;
	s->unsent++;	/* counted in memcached with the next touch (touch_every_ns) */
	K.executions++;
	s->last_used_ns = now_ns();
	pthread_mutex_unlock(&K.lock);
	pthread_mutex_unlock(&s->op);
	if (r < 0) {
		warm_result_free(&res);
		end_session(s, "the keeper failed to run the code");
		return proto_error(PROTO_E_INTERNAL, "cannot run the code: %s: %s", why,
				   strerror(-r));
	}
	out = json_pack("{s:b, s:o, s:o}", "ok", 1, "session", session_json(s, false), "result",
			warm_result_json(&res, PROTO_MAX_JSON - 65536));
	if (res.ended) {
		end_session(s, res.message[0] ? res.message : "the cell ended");
		json_object_set_new(json_object_get(out, "session"), "ended", json_true());
	}
	warm_result_free(&res);
	return out;
}

static json_t *file_name(json_t *req, const char **name)
{
	json_t *n = json_object_get(req, "name");

	*name = json_string_value(n);
	if (!json_is_string(n) || !proto_valid_file_name(*name, json_string_length(n)))
		return proto_error(PROTO_E_BAD_REQUEST,
				   "\"name\" must be a plain file name: 1-255 bytes of UTF-8, "
				   "no '/', no control characters, not . or ..");
	return NULL;
}

static json_t *file_error(int rc, const char *why)
{
	if (rc == -ENOENT)
		return proto_error(PROTO_E_NOT_FOUND, "%s", why);
	if (rc == -EFBIG || rc == -ENOSPC || rc == -EDQUOT)
		return proto_error(PROTO_E_TOO_LARGE, "%s", why);
	if (rc == -ENOMEM || rc == -EIO)
		return proto_error(PROTO_E_INTERNAL, "%s", why);
	return proto_error(PROTO_E_BAD_REQUEST, "%s", why);
}

/* Answers one request. *blob, *blob_len: a file's bytes to send with the reply. */
static json_t *dispatch(struct proto_msg *m, char **blob, size_t *blob_len)
{
	const char *tenant = str_field(m->json, "tenant");
	const char *ident = str_field(m->json, "session");
	const char *runtime = str_field(m->json, "runtime");
	const char *name = NULL, *why = NULL;
	json_t *err = NULL, *out;
	struct sess *s;
	bool fresh, reserved = false;
	int rc;

	if (json_object_get(m->json, "tenant") && !proto_valid_tenant(tenant))
		return proto_error(PROTO_E_BAD_REQUEST,
				   "\"tenant\" must be 1-64 of A-Z a-z 0-9 _ -");
	if (m->type == PROTO_POOL || m->type == PROTO_SESSIONS) {
		json_t *list = json_array(), *rts = json_object();

		pthread_mutex_lock(&K.lock);
		for (struct sess *p = K.all; p; p = p->next)
			if (p->state == S_BOUND && (!tenant || !strcmp(tenant, p->tenant)))
				json_array_append_new(list, session_json(p, false));
		for (unsigned i = 0; i < K.conf.nruntimes; i++) {
			struct rt_state *rt = &K.rt[i];

			json_object_set_new(
				rts, rt->conf->name,
				json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:s*}",
					  "warm", (json_int_t)rt->warm, "starting",
					  (json_int_t)rt->starting, "bound",
					  (json_int_t)(rt->bound + rt->binding), "ready",
					  (json_int_t)rt->conf->ready, "max_sessions",
					  (json_int_t)rt->conf->max_sessions, "started",
					  (json_int_t)rt->started, "start_failures",
					  (json_int_t)rt->start_failures, "ended",
					  (json_int_t)rt->ended, "last_start_ms", rt->last_start_ms,
					  "last_error", rt->last_error[0] ? rt->last_error : NULL));
		}
		out = m->type == PROTO_SESSIONS
			      ? json_pack("{s:b, s:o}", "ok", 1, "sessions", list)
			      : json_pack("{s:b, s:{s:s, s:s, s:o, s:I, s:s, s:o}}", "ok", 1, "pool",
					  "host", K.conf.host, "boot", K.boot, "runtimes", rts,
					  "executions", (json_int_t)K.executions, "memcached",
					  K.dir_up ? "up" : "down", "judge", pool_judge_stats());
		if (m->type == PROTO_SESSIONS)
			json_decref(rts);
		else
			json_decref(list);
		pthread_mutex_unlock(&K.lock);
		return out;
	}

	if (m->type == PROTO_LANGUAGES)
		return pool_judge_languages();
	if (!proto_valid_tenant(tenant))
		return proto_error(PROTO_E_BAD_REQUEST,
				   "\"tenant\" must be 1-64 of A-Z a-z 0-9 _ -");
	if (m->type == PROTO_JUDGE)
		return pool_judge_handle(m->json);	/* no session: cells of its own */
	if (!proto_valid_id(ident))
		return proto_error(PROTO_E_BAD_REQUEST,
				   "\"session\" must be 1-128 of A-Z a-z 0-9 . _ ~ : @ + = -");
	if (json_object_get(m->json, "runtime") && !runtime)
		return proto_error(PROTO_E_BAD_REQUEST, "\"runtime\" must be a string");

	if (m->type == PROTO_SESSION_DELETE) {
		s = acquire(tenant, ident, runtime, false, false, &fresh, &err);
		if (!s)
			return err;
		end_session(s, "deleted");
		release(s);
		return ok_reply();
	}
	if ((m->type == PROTO_FILE_PUT || m->type == PROTO_FILE_GET ||
	     m->type == PROTO_FILE_DELETE) && (err = file_name(m->json, &name)))
		return err;
	if (m->type == PROTO_FILE_PUT && (m->blob_over || m->blob_len > K.conf.max_upload))
		return proto_error(PROTO_E_TOO_LARGE, "a file upload is limited to %llu bytes",
				   (unsigned long long)K.conf.max_upload);

	if ((err = tenant_quota(m->json, tenant, ident, &reserved)))
		return err;
	s = acquire(tenant, ident, runtime, true, reserved, &fresh, &err);
	/* a reservation that bound nothing (an error, or a racing request bound it) */
	if (reserved && (!s || !fresh))
		DIR_CALL(pool_dir_count(K.dir, tenant, "active", -1, NULL));
	if (!s)
		return err;
	if (m->type != PROTO_EXEC && s->state != S_BOUND) {
		/* ended by another thread since: its files are going away */
		release(s);
		return proto_error(PROTO_E_ENDED, "session %s has ended", ident);
	}
	switch (m->type) {
	case PROTO_BIND:
		out = json_pack("{s:b, s:o}", "ok", 1, "session", session_json(s, fresh));
		break;
	case PROTO_EXEC:
		out = do_exec(s, m->json);
		if (json_is_true(json_object_get(out, "ok")))
			json_object_set_new(json_object_get(out, "session"), "new",
					    json_boolean(fresh));
		break;
	case PROTO_FILE_PUT:
		rc = warm_file_put(&s->w, name, m->blob ? m->blob : "", m->blob_len, &why);
		out = rc < 0 ? file_error(rc, why)
			     : json_pack("{s:b, s:{s:s, s:I}}", "ok", 1, "file", "name", name,
					 "size", (json_int_t)m->blob_len);
		break;
	case PROTO_FILE_LIST:
		out = json_pack("{s:b, s:o, s:o}", "ok", 1, "session", session_json(s, fresh),
				"files", warm_file_list(&s->w));
		break;
	case PROTO_FILE_GET:
		rc = warm_file_get(&s->w, name, K.conf.max_upload, blob, blob_len, &why);
		out = rc < 0 ? file_error(rc, why)
			     : json_pack("{s:b, s:{s:s, s:I}}", "ok", 1, "file", "name", name,
					 "size", (json_int_t)*blob_len);
		break;
	case PROTO_FILE_DELETE:
		rc = warm_file_delete(&s->w, name, &why);
		out = rc < 0 ? file_error(rc, why) : ok_reply();
		break;
	default:
		out = proto_error(PROTO_E_BAD_REQUEST, "not a request");
	}
	{
		bool due;
		unsigned long n = 0;

		pthread_mutex_lock(&K.lock);
		s->last_used_ns = now_ns();
		/* an ended session's binding is gone (unpublish sent its count) */
		due = s->state == S_BOUND && s->last_used_ns - s->touched_ns >= touch_every_ns(s->rt);
		if (due) {
			s->touched_ns = s->last_used_ns;
			n = s->unsent;
			s->unsent = 0;
		}
		pthread_mutex_unlock(&K.lock);
		/* the cooldown runs from the end of the request, in memcached as here */
		if (due) {
			DIR_CALL(pool_dir_touch(K.dir, tenant, ident, touch_ttl_s(s->rt)));
			if (n)
				DIR_CALL(pool_dir_count(K.dir, s->tenant, "executions", (int64_t)n,
							NULL));
		}
	}
	release(s);
	return out;
}

static void *connection_main(void *arg)
{
	int fd = (int)(intptr_t)arg;

	for (;;) {
		struct proto_msg m;
		const char *why = NULL;
		char *blob = NULL;
		size_t blob_len = 0;
		json_t *reply;
		int rc = proto_read(fd, &m, K.conf.max_upload, CLIENT_TIMEOUT_MS, &why);

		if (rc < 0) {
			if (rc == -EPROTO)
				say(LOG_WARNING, "dropped a client: %s", why);
			break;
		}
		if (m.type & PROTO_REPLY) {
			proto_msg_free(&m);
			say(LOG_WARNING, "dropped a client: it sent a reply");
			break;
		}
		reply = dispatch(&m, &blob, &blob_len);
		rc = proto_write(fd, PROTO_REPLY | m.type, reply, blob, blob_len);
		if (rc == -EMSGSIZE) {
			/* what the session made does not fit in a message: say so */
			json_decref(reply);
			reply = proto_error(PROTO_E_TOO_LARGE, "the reply would exceed %u bytes",
					    PROTO_MAX_JSON);
			rc = proto_write(fd, PROTO_REPLY | m.type, reply, NULL, 0);
		}
		json_decref(reply);
		free(blob);
		proto_msg_free(&m);
		if (rc < 0)
			break;
	}
	close(fd);
	pthread_mutex_lock(&K.lock);
	K.connections--;
	pthread_mutex_unlock(&K.lock);
	return NULL;
}

/* ---- housekeeping ------------------------------------------------------------------ */

/* Publishes the bound sessions memcached does not have: those bound while it was
 * down, or (lost: it restarted empty) all of them, with their tenants' counters. */
static void republish(bool lost)
{
	if (lost) {
		pthread_mutex_lock(&K.lock);
		for (struct sess *p = K.all; p; p = p->next)
			if (p->state == S_BOUND) {
				p->published = false;
				p->recount = true;
			}
		pthread_mutex_unlock(&K.lock);
	}
	for (;;) {
		struct sess *s = NULL;
		struct pool_dir_entry e;
		unsigned long long idle, cool;
		unsigned ttl;
		bool recount;

		pthread_mutex_lock(&K.lock);
		for (struct sess *p = K.all; p && !s; p = p->next)
			if (p->state == S_BOUND && !p->published)
				s = p;
		if (!s) {
			pthread_mutex_unlock(&K.lock);
			return;
		}
		s->refs++;
		idle = (now_ns() - s->last_used_ns) / 1000000000ULL;
		cool = s->rt->conf->cooldown_s;
		ttl = (unsigned)(idle < cool ? cool - idle : 1);
		dir_entry(s, &e);
		pthread_mutex_unlock(&K.lock);
		{
			/* add, not set: another host may have bound the name while this one
			 * could not reach memcached; then that binding stands and this
			 * session ends */
			struct pool_dir_entry cur;
			enum pool_dir_rc dr = pool_dir_bind(K.dir, s->tenant, s->ident, &e, ttl);

			if (dr == POOL_DIR_EXISTS &&
			    pool_dir_lookup(K.dir, s->tenant, s->ident, &cur) == POOL_DIR_OK &&
			    strcmp(cur.host, K.conf.host)) {
				end_session(s, "bound on another host while memcached was "
					       "unreachable");
				release(s);
				continue;
			}
			if (dr == POOL_DIR_EXISTS)	/* ours, or a predecessor's */
				dr = pool_dir_publish(K.dir, s->tenant, s->ident, &e, ttl);
			if (dr != POOL_DIR_OK) {
				release(s);
				return;	/* down again: the next heartbeat goes on */
			}
		}
		pthread_mutex_lock(&K.lock);
		s->published = true;
		recount = s->recount;
		s->recount = false;
		pthread_mutex_unlock(&K.lock);
		if (recount)
			pool_dir_count(K.dir, s->tenant, "active", 1, NULL);
		release(s);
	}
}

static void publish_pool(void)
{
	struct proto_msg m = { .type = PROTO_POOL, .json = json_object() };
	char *blob = NULL;
	size_t bl = 0;
	json_t *r = dispatch(&m, &blob, &bl);
	char *text = json_dumps(json_object_get(r, "pool"), JSON_COMPACT);

	if (text)
		pool_dir_set_pool(K.dir, text, 10);
	free(text);
	json_decref(r);
	json_decref(m.json);
}

static void *keeper_main(void *arg)
{
	unsigned tick = 0;

	(void)arg;
	while (!K.stopping) {
		struct timespec ts = { 0, 250000000L };
		unsigned long long now;

		nanosleep(&ts, NULL);
		now = now_ns();
		/* end idle sessions and dead cells, one at a time (end_session takes the
		 * lock and talks to memcached) */
		for (;;) {
			struct sess *victim = NULL;
			const char *reason = NULL;

			pthread_mutex_lock(&K.lock);
			for (struct sess *s = K.all; s && !victim; s = s->next) {
				if (s->state == S_ENDED || s->state == S_BINDING)
					continue;
				if (!warm_alive(&s->w)) {
					victim = s;
					reason = s->state == S_WARM ? "warm cell died" : "the cell died";
				} else if (s->state == S_BOUND && s->refs == 0 &&
					   now > s->last_used_ns &&
					   now - s->last_used_ns >
						   s->rt->conf->cooldown_s * 1000000000ULL) {
					victim = s;
					reason = "idle for its cooldown";
				}
			}
			if (victim)
				victim->refs++;
			pthread_mutex_unlock(&K.lock);
			if (!victim)
				break;
			end_session(victim, reason);
			release(victim);
		}
		if (tick++ % 4)
			continue;
		switch (pool_dir_heartbeat(K.dir)) {
		case POOL_DIR_OK:
			if (!K.dir_up)
				say(LOG_NOTICE, "memcached is reachable");
			K.dir_up = true;
			republish(false);
			break;
		case POOL_DIR_NOTFOUND:
			say(LOG_NOTICE, "memcached has lost its data: republishing every session");
			K.dir_up = true;
			republish(true);
			break;
		default:
			if (K.dir_up)
				say(LOG_WARNING, "memcached is unreachable (%s): sessions go on from "
				     "the keeper's own table", pool_dir_error(K.dir));
			K.dir_up = false;
			continue;
		}
		publish_pool();
	}
	return NULL;
}

/* ---- start-up ---------------------------------------------------------------------- */

static int listen_on(const struct conf *c, const char **why)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(c->socket) >= sizeof(a.sun_path)) {
		*why = "the socket path is too long";
		return -ENAMETOOLONG;
	}
	memcpy(a.sun_path, c->socket, strlen(c->socket) + 1);
	{
		/* its directory (/run/stockade by default) may not exist after a reboot */
		char dir[sizeof(a.sun_path)];
		char *slash;

		memcpy(dir, a.sun_path, sizeof(dir));
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
				*why = "cannot create the socket's directory";
				return -errno;
			}
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = "socket";
		return -errno;
	}
	/* a predecessor's socket: if something still answers on it, refuse to start */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		close(fd);
		*why = "another keeper is listening on the socket";
		return -EADDRINUSE;
	}
	unlink(c->socket);
	{
		mode_t old = umask(0177);
		int rc = bind(fd, (struct sockaddr *)&a, sizeof(a));

		umask(old);
		if (rc < 0) {
			rc = -errno;
			close(fd);
			*why = "cannot bind the socket";
			return rc;
		}
	}
	if (chown(c->socket, c->socket_uid, c->socket_gid) < 0 ||
	    chmod(c->socket, c->socket_mode) < 0 || listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		*why = "cannot set up the socket";
		return -e;
	}
	return fd;
}

static void usage(FILE *f)
{
	fputs("usage: stockade-pool [--config FILE] [--socket PATH] [--memcached SERVERS]\n"
	      "\n"
	      "The keeper of warm cells and sessions (see README.md). Defaults: --config\n"
	      "/etc/stockade/stockade.xml, else conf/stockade.xml; --socket and --memcached\n"
	      "override the file's <keeper socket> and <memcached servers>.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "memcached", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *sock = NULL, *mc = NULL, *why = NULL;
	char err[512];
	sigset_t sigs;
	pthread_t starter, keeper;
	pthread_attr_t attr;
	int lfd, sfd, rc, opt;

	while ((opt = getopt_long(argc, argv, "c:s:m:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 's': sock = optarg; break;
		case 'm': mc = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!config)
		config = access("/etc/stockade/stockade.xml", R_OK) == 0 ? "/etc/stockade/stockade.xml"
									 : "conf/stockade.xml";
	openlog("stockade-pool", LOG_PID, LOG_DAEMON);
	sbx_cell_hide_argv(argc, argv);
	if (conf_load(config, &K.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "stockade-pool: %s\n", err);
		return 1;
	}
	if (sock)
		snprintf(K.conf.socket, sizeof(K.conf.socket), "%s", sock);
	if (mc)
		snprintf(K.conf.memcached, sizeof(K.conf.memcached), "%s", mc);
	if (K.conf.nruntimes == 0) {
		fprintf(stderr, "stockade-pool: %s: no runtime is configured\n", config);
		return 1;
	}
	for (unsigned i = 0; i < K.conf.nruntimes; i++)
		K.rt[i].conf = &K.conf.rt[i];
	if ((rc = sbx_runner_init(&K.runner, &why)) < 0) {
		fprintf(stderr, "stockade-pool: %s: %s\n", why, strerror(-rc));
		return 1;
	}
	/* a boot id: what tells this keeper's bindings from a predecessor's */
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(K.boot, sizeof(K.boot), "%ld.%09ld.%d", (long)ts.tv_sec, ts.tv_nsec,
			 (int)getpid());
	}
	rc = sbx_cg_sweep(&K.runner.site, &K.runner.sys);
	if (rc > 0)
		say(LOG_NOTICE, "removed %d cgroups left by a previous run", rc);
	/* after the sweep, which would take the spare cells' groups for leftovers */
	if ((rc = pool_judge_open(&K.conf, &K.runner.site, &K.runner.sys, &why)) < 0) {
		fprintf(stderr, "stockade-pool: the judge's spare cells: %s: %s\n", why,
			strerror(-rc));
		return 1;
	}
	K.dir = pool_dir_new(K.conf.memcached, (unsigned)K.conf.memcached_timeout_ms,
			     K.conf.host, K.boot, &why);
	if (!K.dir) {
		fprintf(stderr, "stockade-pool: memcached %s: %s\n", K.conf.memcached, why);
		return 1;
	}
	K.dir_up = pool_dir_heartbeat(K.dir) != POOL_DIR_DOWN;

	/* signals are taken synchronously by the main thread; every thread inherits
	 * the mask. SIGPIPE: a client or a cell that goes away closes its end. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	lfd = listen_on(&K.conf, &why);
	if (lfd < 0 || sfd < 0) {
		fprintf(stderr, "stockade-pool: %s: %s: %s\n", K.conf.socket, why ? why : "signalfd",
			strerror(lfd < 0 ? -lfd : errno));
		return 1;
	}
	pthread_attr_init(&attr);
	/* jansson parses and prints recursively; 4 MiB is address space, not memory */
	pthread_attr_setstacksize(&attr, 4u << 20);
	if (pthread_create(&starter, &attr, starter_main, NULL) ||
	    pthread_create(&keeper, &attr, keeper_main, NULL)) {
		fprintf(stderr, "stockade-pool: cannot start threads\n");
		return 1;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	say(LOG_NOTICE, "listening on %s (host %s, memcached %s %s)", K.conf.socket, K.conf.host,
	     K.conf.memcached, K.dir_up ? "up" : "down");

	for (;;) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		pthread_t t;
		int cfd;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!p[0].revents)
			continue;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		pthread_mutex_lock(&K.lock);
		if (K.connections >= K.conf.max_connections) {
			pthread_mutex_unlock(&K.lock);
			close(cfd);	/* over the limit: the client sees EOF at once */
			continue;
		}
		K.connections++;
		pthread_mutex_unlock(&K.lock);
		{
			/* a client that stops reading its replies is dropped, not waited for */
			struct timeval tv = { CLIENT_TIMEOUT_MS / 1000, 0 };

			setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
		if (pthread_create(&t, &attr, connection_main, (void *)(intptr_t)cfd)) {
			close(cfd);
			pthread_mutex_lock(&K.lock);
			K.connections--;
			pthread_mutex_unlock(&K.lock);
		}
	}

	/* Shutting down: no new clients, every cell killed and removed. */
	say(LOG_NOTICE, "stopping: ending every cell");
	close(lfd);
	unlink(K.conf.socket);
	pthread_mutex_lock(&K.lock);
	K.stopping = true;
	pthread_cond_broadcast(&K.start);
	pthread_cond_broadcast(&K.changed);
	pthread_mutex_unlock(&K.lock);
	pthread_join(starter, NULL);
	pthread_join(keeper, NULL);
	/* the spare cells go; a judging connection's own cells die with this process
	 * (init's parent-death signal) and the next keeper sweeps them */
	pool_judge_close();
	for (;;) {
		struct sess *s;
		bool bound;

		pthread_mutex_lock(&K.lock);
		for (s = K.all; s && s->state == S_ENDED; s = s->next)
			;
		if (!s) {
			pthread_mutex_unlock(&K.lock);
			break;
		}
		bound = s->state == S_BOUND;
		s->refs++;	/* a connection thread may drop its own reference meanwhile */
		end_locked(s, "the keeper stopped");	/* freed by the release below */
		pthread_mutex_unlock(&K.lock);
		if (bound)
			unpublish(s, true);
		release(s);
	}
	/* Sessions still used by a connection are killed; their cells die with this
	 * process (init's parent-death signal) and the next keeper sweeps them. The
	 * directory handle stays: a connection thread may still be inside a call, and
	 * the process is about to exit. */
	sbx_runner_free(&K.runner);
	return 0;
}
