/*
 * pool_dir against a real memcached: the test starts its own (`memcached -l 127.0.0.1
 * -p <free port> -U 0 -m 64`) as a child, which dies with the test (PR_SET_PDEATHSIG) and
 * is killed and reaped at exit. It kills and restarts that memcached to check that a call
 * fails fast while it is down and that the handle finds it again on its own. Skips when
 * /usr/bin/memcached is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmemcached/memcached.h>

#include "pool_dir.h"
#include "tap.h"

#define MEMCACHED "/usr/bin/memcached"
#define TIMEOUT_MS 200
#define RACE_KEYS 20
#define RACE_THREADS 8

static pid_t mc_pid = -1;
static int mc_port;
static char servers[64];

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec t = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* A port nobody listens on now: bind port 0 and give it back. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool accepts(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool up;

	if (fd < 0)
		return false;
	up = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return up;
}

static void mc_stop(void)
{
	if (mc_pid > 0) {
		kill(mc_pid, SIGKILL);
		waitpid(mc_pid, NULL, 0);
		mc_pid = -1;
	}
}

/* Starts memcached on mc_port and waits until it accepts. Returns 0 or -1. */
static int mc_start(void)
{
	char port[16];
	pid_t parent = getpid();
	double give_up = now_s() + 3;

	snprintf(port, sizeof(port), "%d", mc_port);
	mc_pid = fork();
	if (mc_pid < 0)
		return -1;
	if (mc_pid == 0) {
		int null = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (geteuid() == 0)
			execl(MEMCACHED, "memcached", "-l", "127.0.0.1", "-p", port, "-U", "0",
			      "-m", "64", "-u", "root", (char *)NULL);
		else
			execl(MEMCACHED, "memcached", "-l", "127.0.0.1", "-p", port, "-U", "0",
			      "-m", "64", (char *)NULL);
		_exit(127);
	}
	while (now_s() < give_up) {
		if (accepts(mc_port))
			return 0;
		if (waitpid(mc_pid, NULL, WNOHANG) == mc_pid) {
			mc_pid = -1;
			return -1;
		}
		sleep_s(0.01);
	}
	mc_stop();
	return -1;
}

static void mc_restart(void)
{
	if (mc_start() < 0) {
		printf("Bail out! memcached did not start again on port %d\n", mc_port);
		exit(1);
	}
}

/* A plain libmemcached client of the test's own, to see and plant raw values. */
static memcached_st *raw_open(void)
{
	memcached_st *m = memcached_create(NULL);

	memcached_server_add(m, "127.0.0.1", (in_port_t)mc_port);
	return m;
}

static bool raw_set(const char *key, const char *val)
{
	memcached_st *m = raw_open();
	memcached_return_t rc = memcached_set(m, key, strlen(key), val, strlen(val), 0, 0);

	memcached_free(m);
	return rc == MEMCACHED_SUCCESS;
}

/* The value as a string, or NULL; free() it. */
static char *raw_get(const char *key)
{
	memcached_st *m = raw_open();
	memcached_return_t rc;
	size_t len = 0;
	uint32_t flags;
	char *v = memcached_get(m, key, strlen(key), &len, &flags, &rc), *s = NULL;

	if (rc == MEMCACHED_SUCCESS && (s = malloc(len + 1))) {
		if (len)
			memcpy(s, v, len);
		s[len] = '\0';
	}
	free(v);
	memcached_free(m);
	return s;
}

static struct pool_dir_entry entry(const char *host, const char *boot, unsigned cell,
				   const char *runtime)
{
	struct pool_dir_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.host, sizeof(e.host), "%s", host);
	snprintf(e.boot, sizeof(e.boot), "%s", boot);
	e.cell = cell;
	snprintf(e.runtime, sizeof(e.runtime), "%s", runtime);
	return e;
}

static bool same(const struct pool_dir_entry *a, const struct pool_dir_entry *b)
{
	return !strcmp(a->host, b->host) && !strcmp(a->boot, b->boot) && a->cell == b->cell &&
	       !strcmp(a->runtime, b->runtime);
}

static bool has(const char *s, const char *part)
{
	return s && strstr(s, part);
}

/* many binders of one key at once: one wins */
struct racer {
	struct pool_dir *d;
	pthread_barrier_t *start;
	unsigned cell;
	enum pool_dir_rc rc[RACE_KEYS];
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct pool_dir_entry e = entry("h1", "boot-a", r->cell, "python");
	char id[32];

	for (int k = 0; k < RACE_KEYS; k++) {
		snprintf(id, sizeof(id), "key%d", k);
		pthread_barrier_wait(r->start);
		r->rc[k] = pool_dir_bind(r->d, "race", id, &e, 60);
	}
	return NULL;
}

/* own: one handle per thread (separate keepers) rather than one shared handle */
static void race_round(struct pool_dir *shared, bool own)
{
	struct racer r[RACE_THREADS];
	pthread_t t[RACE_THREADS];
	pthread_barrier_t start;
	const char *why;
	int good = 0, started = 0;

	pthread_barrier_init(&start, NULL, RACE_THREADS);
	for (int i = 0; i < RACE_THREADS; i++) {
		r[i].d = own ? pool_dir_new(servers, TIMEOUT_MS, "h1", "boot-a", &why) : shared;
		r[i].start = &start;
		r[i].cell = (unsigned)i;
	}
	for (int i = 0; i < RACE_THREADS; i++)
		if (pthread_create(&t[i], NULL, race, &r[i]) == 0)
			started++;
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	for (int k = 0; k < RACE_KEYS && started == RACE_THREADS; k++) {
		struct pool_dir_entry got;
		int oks = 0, exists = 0, winner = -1;
		char id[32];

		for (int i = 0; i < RACE_THREADS; i++) {
			if (r[i].rc[k] == POOL_DIR_OK) {
				oks++;
				winner = i;
			}
			exists += r[i].rc[k] == POOL_DIR_EXISTS;
		}
		snprintf(id, sizeof(id), "key%d", k);
		if (oks == 1 && exists == RACE_THREADS - 1 &&
		    pool_dir_lookup(shared, "race", id, &got) == POOL_DIR_OK &&
		    got.cell == (unsigned)winner)
			good++;
		else
			printf("# key%d: %d OK, %d EXISTS, winner %d\n", k, oks, exists, winner);
	}
	is_int(good, RACE_KEYS, own ? "8 handles race to bind a key: one OK, the binding is its"
			    : "8 threads of one handle race to bind: one OK, the binding is its");
	for (int i = 0; own && i < RACE_THREADS; i++)
		pool_dir_free(r[i].d);
	pthread_barrier_destroy(&start);
}

/* Ends the race keys so a second round can bind them again. */
static void race_clear(void)
{
	memcached_st *m = raw_open();
	char key[64];

	for (int k = 0; k < RACE_KEYS; k++) {
		snprintf(key, sizeof(key), "stockade:s:race:key%d", k);
		memcached_delete(m, key, strlen(key), 0);
	}
	memcached_free(m);
}

static void test_new(void)
{
	const char *why = NULL;
	struct pool_dir *d;

	d = pool_dir_new("", TIMEOUT_MS, "h1", "b", &why);
	ok(!d && why, "no servers refused (%s)", why);
	why = NULL;
	d = pool_dir_new(servers, 0, "h1", "b", &why);
	ok(!d && why, "timeout 0 refused (%s)", why);
	why = NULL;
	d = pool_dir_new(servers, TIMEOUT_MS, "h 1", "b", &why);
	ok(!d && why, "host with a space refused (%s)", why);
	why = NULL;
	d = pool_dir_new(servers, TIMEOUT_MS, "h1", "0123456789012345678901234567890123456789",
			 &why);
	ok(!d && why, "40-byte boot refused (%s)", why);
}

static void test_bindings(struct pool_dir *d)
{
	struct pool_dir_entry e1 = entry("h1", "boot-a", 3, "python");
	struct pool_dir_entry e2 = entry("h2", "boot-b", 4294967295U, "c");
	struct pool_dir_entry e3 = entry("h3", "boot-c", 0, "bash");
	struct pool_dir_entry got;
	enum pool_dir_rc rc;
	char *v;

	is_int(pool_dir_bind(d, "t1", "s1", &e1, 60), POOL_DIR_OK, "bind: OK");
	is_int(pool_dir_bind(d, "t1", "s1", &e2, 60), POOL_DIR_EXISTS, "bind again: EXISTS");
	memset(&got, 0, sizeof(got));
	rc = pool_dir_lookup(d, "t1", "s1", &got);
	ok(rc == POOL_DIR_OK && same(&got, &e1), "lookup returns the first binding (%s %s %u %s)",
	   got.host, got.boot, got.cell, got.runtime);
	v = raw_get("stockade:s:t1:s1");
	is_str(v, "h1 boot-a 3 python", "the value is \"<host> <boot> <cell> <runtime>\"");
	free(v);
	is_int(pool_dir_lookup(d, "t1", "nobody", &got), POOL_DIR_NOTFOUND, "lookup of nothing");

	is_int(pool_dir_touch(d, "t1", "s1", 60), POOL_DIR_OK, "touch: OK");
	is_int(pool_dir_touch(d, "t1", "nobody", 60), POOL_DIR_NOTFOUND, "touch of nothing");

	is_int(pool_dir_publish(d, "t1", "p1", &e2, 60), POOL_DIR_OK, "publish a new key");
	is_int(pool_dir_publish(d, "t1", "p1", &e3, 60), POOL_DIR_OK, "publish over it");
	ok(pool_dir_lookup(d, "t1", "p1", &got) == POOL_DIR_OK && same(&got, &e3),
	   "publish overwrote");
	ok(pool_dir_publish(d, "t1", "p2", &e2, 60) == POOL_DIR_OK &&
	   pool_dir_lookup(d, "t1", "p2", &got) == POOL_DIR_OK && same(&got, &e2),
	   "cell 4294967295 reads back");

	/* replace: only if it is still `old` */
	is_int(pool_dir_replace(d, "t1", "s1", &e3, &e2, 60), POOL_DIR_EXISTS,
	       "replace with the wrong old: EXISTS");
	ok(pool_dir_lookup(d, "t1", "s1", &got) == POOL_DIR_OK && same(&got, &e1),
	   "and the binding is unchanged");
	is_int(pool_dir_replace(d, "t1", "s1", &e1, &e2, 60), POOL_DIR_OK,
	       "replace with the right old: OK");
	ok(pool_dir_lookup(d, "t1", "s1", &got) == POOL_DIR_OK && same(&got, &e2),
	   "and the binding is the new one");
	is_int(pool_dir_replace(d, "t1", "nobody", &e1, &e2, 60), POOL_DIR_NOTFOUND,
	       "replace of nothing: NOTFOUND");

	/* unbind: only our own */
	is_int(pool_dir_unbind(d, "t1", "s1", &e1), POOL_DIR_EXISTS,
	       "unbind of someone else's binding: EXISTS");
	ok(pool_dir_lookup(d, "t1", "s1", &got) == POOL_DIR_OK && same(&got, &e2),
	   "and it is left in place");
	is_int(pool_dir_unbind(d, "t1", "s1", &e2), POOL_DIR_OK, "unbind of our own: OK");
	is_int(pool_dir_lookup(d, "t1", "s1", &got), POOL_DIR_NOTFOUND, "and it is gone");
	is_int(pool_dir_unbind(d, "t1", "s1", &e2), POOL_DIR_NOTFOUND, "unbind of nothing");
	is_int(pool_dir_bind(d, "t1", "s1", &e3, 60), POOL_DIR_OK, "bind after unbind: OK");
}

static void test_foreign(struct pool_dir *d)
{
	static const char *const bad[] = {
		"not an entry", "h b 1 rt extra", "h  b 1 rt", "h b 01 rt", "h b -1 rt",
		"h b 4294967296 rt", "h b 1 rt ", " h b 1 rt", "h b 1", "h b x rt", "",
		"h b 1 0123456789abcdef", "h\tb 1 rt",
	};
	struct pool_dir_entry e1 = entry("h1", "boot-a", 3, "python");
	struct pool_dir_entry got, before = entry("untouched", "x", 7, "y");
	int refused = 0;
	uint64_t n = 99;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		got = before;
		if (raw_set("stockade:s:t1:foreign", bad[i]) &&
		    pool_dir_lookup(d, "t1", "foreign", &got) == POOL_DIR_NOTFOUND &&
		    same(&got, &before))
			refused++;
		else
			printf("# '%s' was read as an entry\n", bad[i]);
	}
	is_int(refused, (int)(sizeof(bad) / sizeof(bad[0])),
	       "values not in the exact format read as NOTFOUND, entry unchanged");
	ok(has(pool_dir_error(d), "foreign"), "and the error says so (%s)", pool_dir_error(d));
	is_int(pool_dir_bind(d, "t1", "foreign", &e1, 60), POOL_DIR_EXISTS,
	       "a foreign value blocks bind: EXISTS");
	is_int(pool_dir_replace(d, "t1", "foreign", &e1, &e1, 60), POOL_DIR_EXISTS,
	       "a foreign value is never `old`: replace EXISTS");
	is_int(pool_dir_unbind(d, "t1", "foreign", &e1), POOL_DIR_EXISTS,
	       "unbind leaves a foreign value");
	ok(raw_set("stockade:t:t1:weird", "abc") &&
	   pool_dir_counter(d, "t1", "weird", &n) == POOL_DIR_NOTFOUND && n == 0,
	   "a non-numeric counter reads NOTFOUND, 0");
	is_int(pool_dir_count(d, "t1", "weird", 1, &n), POOL_DIR_DOWN,
	       "and memcached refuses to count it: DOWN");
	printf("#   %s\n", pool_dir_error(d));
}

static void test_refused(struct pool_dir *d)
{
	struct pool_dir_entry e1 = entry("h1", "boot-a", 3, "python"), bad = e1, got;
	char long_id[300];

	memset(long_id, 'x', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	ok(pool_dir_bind(d, "t1", long_id, &e1, 60) == POOL_DIR_DOWN &&
	   has(pool_dir_error(d), "key too long"), "a key over 250 bytes: DOWN, \"%s\"",
	   pool_dir_error(d));
	long_id[250 - strlen("stockade:s:t1:")] = '\0';
	is_int(pool_dir_bind(d, "t1", long_id, &e1, 60), POOL_DIR_OK, "a key of 250 bytes is fine");
	ok(pool_dir_lookup(d, "t 1", "s1", &got) == POOL_DIR_DOWN &&
	   has(pool_dir_error(d), "key has a space"), "a key with a space: DOWN, \"%s\"",
	   pool_dir_error(d));
	ok(pool_dir_count(d, "t1", "act\nive", 1, NULL) == POOL_DIR_DOWN,
	   "a key with a newline: DOWN");
	snprintf(bad.host, sizeof(bad.host), "h 1");
	ok(pool_dir_bind(d, "t1", "s9", &bad, 60) == POOL_DIR_DOWN &&
	   has(pool_dir_error(d), "entry"), "an entry with a space in a field: DOWN, \"%s\"",
	   pool_dir_error(d));
	ok(pool_dir_bind(d, "t1", "s9", &e1, 2592001) == POOL_DIR_DOWN &&
	   has(pool_dir_error(d), "30 days"), "a TTL over 30 days: DOWN, \"%s\"",
	   pool_dir_error(d));
	is_int(pool_dir_touch(d, "t1", "s1", 2592000), POOL_DIR_OK, "a TTL of 30 days is fine");
	memset(bad.runtime, 'r', sizeof(bad.runtime));
	snprintf(bad.host, sizeof(bad.host), "h1");
	is_int(pool_dir_bind(d, "t1", "s9", &bad, 60), POOL_DIR_DOWN,
	       "an entry field without its NUL: DOWN");
}

static void test_counters(struct pool_dir *d)
{
	uint64_t v = 99;
	char *raw;

	ok(pool_dir_counter(d, "t1", "active", &v) == POOL_DIR_NOTFOUND && v == 0,
	   "a counter never counted: NOTFOUND, 0");
	ok(pool_dir_count(d, "t1", "active", 1, &v) == POOL_DIR_OK && v == 1, "+1 creates it at 1");
	ok(pool_dir_count(d, "t1", "active", 2, &v) == POOL_DIR_OK && v == 3, "+2: 3");
	ok(pool_dir_count(d, "t1", "active", -1, &v) == POOL_DIR_OK && v == 2, "-1: 2");
	ok(pool_dir_count(d, "t1", "active", -5, &v) == POOL_DIR_OK && v == 0,
	   "-5: 0, not negative");
	ok(pool_dir_counter(d, "t1", "active", &v) == POOL_DIR_OK && v == 0, "reads 0");
	ok(pool_dir_count(d, "t1", "fresh", -3, &v) == POOL_DIR_OK && v == 0,
	   "a negative delta creates it at 0");
	ok(pool_dir_count(d, "t1", "executions", 10, NULL) == POOL_DIR_OK &&
	   pool_dir_count(d, "t1", "executions", -1, &v) == POOL_DIR_OK && v == 9,
	   "10 - 1: 9 (value may be NULL)");
	raw = raw_get("stockade:t:t1:executions");
	printf("#   memcached holds '%s'\n", raw ? raw : "(null)");
	free(raw);
	ok(pool_dir_counter(d, "t1", "executions", &v) == POOL_DIR_OK && v == 9,
	   "reads 9 through memcached's space padding");
	ok(pool_dir_count(d, "t1", "big", INT64_MIN, &v) == POOL_DIR_OK && v == 0,
	   "INT64_MIN does not overflow");
}

static void test_set_pool(struct pool_dir *d)
{
	char *v;

	is_int(pool_dir_set_pool(d, "{\"warm\":3}", 0), POOL_DIR_OK, "set_pool: OK");
	v = raw_get("stockade:pool:h1");
	is_str(v, "{\"warm\":3}", "stockade:pool:<host> holds the JSON");
	free(v);
}

static void test_expiry(struct pool_dir *d)
{
	struct pool_dir_entry e1 = entry("h1", "boot-a", 3, "python"), got;

	ok(pool_dir_bind(d, "t1", "short", &e1, 1) == POOL_DIR_OK &&
	   pool_dir_bind(d, "t1", "touched", &e1, 1) == POOL_DIR_OK &&
	   pool_dir_touch(d, "t1", "touched", 60) == POOL_DIR_OK,
	   "two bindings of 1 s, one touched to 60 s");
	sleep_s(2.1);
	is_int(pool_dir_lookup(d, "t1", "short", &got), POOL_DIR_NOTFOUND,
	       "TTL 1 s: gone after 2.1 s");
	is_int(pool_dir_lookup(d, "t1", "touched", &got), POOL_DIR_OK,
	       "the touched one is still there");
	is_int(pool_dir_bind(d, "t1", "short", &e1, 60), POOL_DIR_OK, "bind after expiry: OK");
}

/* A server that accepts connections and never answers. */
static void test_silent_server(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct pool_dir_entry got;
	struct pool_dir *d = NULL;
	const char *why = NULL;
	char list[64];
	double t, worst = 0;
	int down = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 16) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
		snprintf(list, sizeof(list), "127.0.0.1:%d", ntohs(a.sin_port));
		d = pool_dir_new(list, TIMEOUT_MS, "h1", "boot-a", &why);
	}
	for (int i = 0; d && i < 3; i++) {
		t = now_s();
		down += pool_dir_lookup(d, "t1", "s1", &got) == POOL_DIR_DOWN;
		t = now_s() - t;
		worst = t > worst ? t : worst;
	}
	ok(d && down == 3 && worst < 1.0,
	   "a server that never answers: DOWN, slowest call %.3f s (timeout %d ms)", worst,
	   TIMEOUT_MS);
	if (d)
		printf("#   %s\n", pool_dir_error(d));
	pool_dir_free(d);
	if (fd >= 0)
		close(fd);
}

static void test_down_and_back(struct pool_dir *d)
{
	struct pool_dir_entry e1 = entry("h1", "boot-a", 3, "python"), got;
	enum pool_dir_rc r;
	double t, worst = 0, t0, back = -1;
	int down = 0;
	uint64_t v;

	is_int(pool_dir_heartbeat(d), POOL_DIR_NOTFOUND, "first heartbeat: NOTFOUND, sentinel set");
	is_int(pool_dir_heartbeat(d), POOL_DIR_OK, "second heartbeat: OK");
	{
		char *s = raw_get("stockade:host:h1");

		is_str(s, "boot-a", "stockade:host:<host> holds the boot id");
		free(s);
	}

	/* restarted between two calls: the first call meets the dead connection */
	mc_stop();
	mc_restart();
	is_int(pool_dir_heartbeat(d), POOL_DIR_NOTFOUND,
	       "memcached restarted between calls: the next heartbeat sees NOTFOUND, not DOWN");
	is_int(pool_dir_heartbeat(d), POOL_DIR_OK, "then OK");

	/* down: each kind of call, three times */
	mc_stop();
	for (int i = 0; i < 18; i++) {
		t = now_s();
		switch (i % 6) {
		case 0:
			r = pool_dir_heartbeat(d);
			break;
		case 1:
			r = pool_dir_bind(d, "t1", "down", &e1, 60);
			break;
		case 2:
			r = pool_dir_lookup(d, "t1", "s1", &got);
			break;
		case 3:
			r = pool_dir_count(d, "t1", "active", 1, &v);
			break;
		case 4:
			r = pool_dir_touch(d, "t1", "s1", 60);
			break;
		default:
			r = pool_dir_replace(d, "t1", "s1", &e1, &e1, 60);
			break;
		}
		t = now_s() - t;
		worst = t > worst ? t : worst;
		down += r == POOL_DIR_DOWN;
	}
	is_int(down, 18, "memcached killed: every call is DOWN");
	ok(worst < 1.0, "and fast: slowest call %.4f s (timeout %d ms)", worst, TIMEOUT_MS);
	ok(pool_dir_error(d)[0] != '\0', "pool_dir_error: %s", pool_dir_error(d));

	/* back, empty */
	mc_restart();
	t0 = now_s();
	while (now_s() - t0 < 5) {
		r = pool_dir_heartbeat(d);
		if (r != POOL_DIR_DOWN) {
			back = now_s() - t0;
			is_int(r, POOL_DIR_NOTFOUND,
			       "memcached back: heartbeat NOTFOUND (its data is lost)");
			break;
		}
		sleep_s(0.05);
	}
	ok(back >= 0 && back < 3,
	   "the handle reconnected by itself %.2f s after memcached was back", back);
	is_int(pool_dir_heartbeat(d), POOL_DIR_OK, "then heartbeat OK");
	is_int(pool_dir_bind(d, "t1", "s1", &e1, 60), POOL_DIR_OK, "and bind works again");
	ok(pool_dir_lookup(d, "t1", "s1", &got) == POOL_DIR_OK && same(&got, &e1), "lookup too");
}

int main(void)
{
	struct pool_dir *d;
	const char *why = NULL;
	double started = now_s();

	if (access(MEMCACHED, X_OK) != 0) {
		printf("1..0 # SKIP %s is not installed\n", MEMCACHED);
		return 0;
	}
	mc_port = free_port();
	snprintf(servers, sizeof(servers), "127.0.0.1:%d", mc_port);
	atexit(mc_stop);
	if (mc_port < 0 || mc_start() < 0) {
		printf("1..0 # SKIP memcached does not start on 127.0.0.1:%d\n", mc_port);
		return 0;
	}

	plan(74);
	test_new();
	d = pool_dir_new(servers, TIMEOUT_MS, "h1", "boot-a", &why);
	if (!ok(d != NULL, "pool_dir_new (%s)", d ? servers : why))
		return done_testing();
	test_bindings(d);
	test_foreign(d);
	test_refused(d);
	test_counters(d);
	test_set_pool(d);
	race_round(d, false);
	race_clear();
	race_round(d, true);
	test_expiry(d);
	test_silent_server();
	test_down_and_back(d);
	pool_dir_free(d);
	mc_stop();
	printf("# %.1f s\n", now_s() - started);
	return done_testing();
}
