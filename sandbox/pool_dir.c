/*
 * pool_dir.c - the session directory in memcached, through one libmemcached handle.
 *
 * One memcached_st serves every thread of the keeper; `lock` serialises its use, and the
 * text of the last failure lives beside it under the same lock. Keys and values are built
 * and checked on the caller's stack before the lock is taken.
 *
 * How libmemcached (1.1.x) treats a server that fails, which the behaviours below rely on:
 *  - Its sockets are always non-blocking; every wait is a poll(2) bounded by POLL_TIMEOUT
 *    (connect: CONNECT_TIMEOUT). A call makes at most a few such waits, so it cannot block
 *    forever.
 *  - A failed connect (refused, timed out) puts the server "in timeout": until the wall
 *    clock's second is past failure + RETRY_TIMEOUT, calls fail at once with
 *    MEMCACHED_SERVER_TEMPORARILY_DISABLED and touch no socket. The next call after that
 *    connects again. With RETRY_TIMEOUT 1 a server that comes back is used again 1-2 s
 *    after the last failed attempt, and a server that stays down costs one connect a
 *    second, not one per call.
 *  - SERVER_FAILURE_LIMIT and DEAD_TIMEOUT only matter with AUTO_EJECT_HOSTS (also spelt
 *    REMOVE_FAILED_SERVERS): an ejected server leaves the distribution, and with a single
 *    server every call then fails MEMCACHED_NO_SERVERS until dead_timeout. Ejection stays
 *    off, so the failure counter is bookkeeping only and the server is never dropped.
 *  - A broken established connection (memcached restarted or was killed) fails the one
 *    request sent on it: recv(2) sees EOF or ECONNRESET, libmemcached closes the socket
 *    without putting the server in timeout. See retry() for what we do about that.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmemcached/memcached.h>

#include "pool_dir.h"

#define KEY_MAX		250	/* memcached's limit on a key, in bytes */
#define VALUE_MAX	160	/* "<host> <boot> <cell> <runtime>" takes at most 130 */
#define COUNTER_MAX	24	/* a uint64_t in decimal, and memcached's space padding */
#define TIMEOUT_MAX	60000	/* ms; keeps the SO_RCVTIMEO microseconds in an int32_t */
#define TTL_MAX		2592000	/* 30 days: memcached's largest relative expiry */

#define BAD_ENTRY	"entry field empty, too long, or with a space or control byte"
#define BAD_TTL		"ttl over 30 days (memcached would read it as a Unix time)"

struct pool_dir {
	pthread_mutex_t lock;
	memcached_st *mc;		/* under lock */
	char err[256];			/* under lock: the text of the last failure */
	char host[sizeof(((struct pool_dir_entry *)0)->host)];
	char boot[sizeof(((struct pool_dir_entry *)0)->boot)];
};

/* Caller holds d->lock. */
__attribute__((format(printf, 2, 3)))
static void set_err(struct pool_dir *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
}

static enum pool_dir_rc refuse(struct pool_dir *d, const char *why)
{
	pthread_mutex_lock(&d->lock);
	set_err(d, "%s", why);
	pthread_mutex_unlock(&d->lock);
	return POOL_DIR_DOWN;
}

/*
 * Records a failed libmemcached call and returns DOWN. Caller holds d->lock. The detailed
 * message (host, errno, source line) is used when it belongs to this rc; a return code
 * that is not an error in libmemcached's eyes leaves an older message behind.
 */
static enum pool_dir_rc down(struct pool_dir *d, const char *op, const char *key,
			     memcached_return_t rc)
{
	const char *msg = NULL;

	if (memcached_last_error(d->mc) == rc)
		msg = memcached_last_error_message(d->mc);
	if (!msg || !*msg)
		msg = memcached_strerror(d->mc, rc);
	set_err(d, "%s %s: %s", op, key, msg);
	return POOL_DIR_DOWN;
}

/*
 * Whether to send the same request once more (at most once, counted in *tries). Only
 * for MEMCACHED_CONNECTION_FAILURE: the connection was closed under us (a memcached that
 * restarted answers the old connection with EOF or RST) or the connect was refused. In
 * the first case libmemcached has closed the socket and the repeat opens a fresh
 * connection; in the second the server is now in timeout and the repeat fails at once
 * without touching the network. Repeating is safe for every call here: a request that
 * met a closed connection was not executed by a live memcached (the one that held the
 * connection is gone, with its data). A timeout is never repeated: the server may be
 * slow rather than gone, and the request may have been executed.
 */
static bool retry(memcached_return_t rc, int *tries)
{
	return rc == MEMCACHED_CONNECTION_FAILURE && (*tries)++ == 0;
}

/* printable ASCII without space: one token to memcached's text protocol, and all that
 * proto.h lets into a tenant or identifier */
static bool is_word(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/*
 * Builds a key into key[KEY_MAX + 1]. Returns its length, or 0 with *why when it would
 * be over memcached's 250 bytes or hold a space, control or non-ASCII byte: proto.h
 * keeps such names out, this is defence in depth against a key that means another.
 */
__attribute__((format(printf, 3, 4)))
static size_t make_key(char *key, const char **why, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(key, KEY_MAX + 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n > KEY_MAX) {
		*why = "key too long";
		return 0;
	}
	if (!is_word(key, (size_t)n)) {
		*why = "key has a space, control or non-ASCII byte";
		return 0;
	}
	return (size_t)n;
}

/* A field of an entry: NUL-terminated inside its array, not empty, a word. */
static bool field_ok(const char *s, size_t size)
{
	size_t len = strnlen(s, size);

	return len > 0 && len < size && is_word(s, len);
}

/* memcached reads an expiry over 30 days as a Unix time, long past: the item would be
 * gone at once */
static bool ttl_ok(unsigned ttl_s)
{
	return ttl_s <= TTL_MAX;
}

/* Formats e as "<host> <boot> <cell> <runtime>". Returns the length, or 0 when a field
 * could not be read back (empty, over-long, or with a space or control byte). */
static size_t format_entry(char *buf, size_t size, const struct pool_dir_entry *e)
{
	int n;

	if (!field_ok(e->host, sizeof(e->host)) || !field_ok(e->boot, sizeof(e->boot)) ||
	    !field_ok(e->runtime, sizeof(e->runtime)))
		return 0;
	n = snprintf(buf, size, "%s %s %u %s", e->host, e->boot, e->cell, e->runtime);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* Copies the next space-terminated word of [*p, end) into out[size]. */
static bool take_word(const char **p, const char *end, char *out, size_t size, bool last)
{
	const char *s = *p, *stop = last ? end : memchr(s, ' ', (size_t)(end - s));
	size_t len;

	if (!stop)
		return false;
	len = (size_t)(stop - s);
	if (len == 0 || len >= size || !is_word(s, len))
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	*p = last ? end : stop + 1;
	return true;
}

/*
 * Parses exactly what format_entry writes: four non-empty words separated by single
 * spaces, each fitting its field, the cell a decimal without sign or leading zero that
 * fits an unsigned. Anything else is a foreign value. *e is left unchanged on failure.
 */
static bool parse_entry(const char *v, size_t len, struct pool_dir_entry *e)
{
	const char *p = v, *end = v + len;
	struct pool_dir_entry t;
	char cell[11];
	unsigned long n;

	memset(&t, 0, sizeof(t));
	if (len >= VALUE_MAX || !take_word(&p, end, t.host, sizeof(t.host), false) ||
	    !take_word(&p, end, t.boot, sizeof(t.boot), false) ||
	    !take_word(&p, end, cell, sizeof(cell), false) ||
	    !take_word(&p, end, t.runtime, sizeof(t.runtime), true))
		return false;
	if (strspn(cell, "0123456789") != strlen(cell) || (cell[0] == '0' && cell[1]))
		return false;
	errno = 0;
	n = strtoul(cell, NULL, 10);
	if (errno || n > UINT_MAX)
		return false;
	t.cell = (unsigned)n;
	*e = t;
	return true;
}

/* memcached keeps a counter as decimal text, space-padded after a decr that shortened
 * it ("10" decremented reads "9 "). */
static bool parse_counter(const char *v, size_t len, uint64_t *value)
{
	char buf[COUNTER_MAX];
	size_t digits = 0;
	unsigned long long n;

	while (digits < len && v[digits] >= '0' && v[digits] <= '9')
		digits++;
	if (digits == 0 || digits > 20 || len >= sizeof(buf))
		return false;
	for (size_t i = digits; i < len; i++)
		if (v[i] != ' ')
			return false;
	memcpy(buf, v, digits);
	buf[digits] = '\0';
	errno = 0;
	n = strtoull(buf, NULL, 10);
	if (errno)
		return false;
	*value = n;
	return true;
}

struct pool_dir *pool_dir_new(const char *servers, unsigned timeout_ms, const char *host,
			      const char *boot, const char **why)
{
	const struct {
		memcached_behavior_t what;
		uint64_t value;
	} behaviours[] = {
		/* add/cas answers, touch and incr-with-initial need the binary protocol */
		{ MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1 },
		/* fetch the cas id with a get, for pool_dir_replace */
		{ MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1 },
		/* one small request, one small answer: do not wait for Nagle */
		{ MEMCACHED_BEHAVIOR_TCP_NODELAY, 1 },
		/* every poll(2) libmemcached makes is bounded by these (milliseconds) */
		{ MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, timeout_ms },
		{ MEMCACHED_BEHAVIOR_POLL_TIMEOUT, timeout_ms },
		/* SO_SNDTIMEO/SO_RCVTIMEO, in microseconds; the sockets are non-blocking, so
		 * these only bound a path that would block despite that */
		{ MEMCACHED_BEHAVIOR_SND_TIMEOUT, (uint64_t)timeout_ms * 1000 },
		{ MEMCACHED_BEHAVIOR_RCV_TIMEOUT, (uint64_t)timeout_ms * 1000 },
		/* after a failed connect, fail fast for 1-2 s, then connect again */
		{ MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1 },
		/* a timeout puts the server in timeout at once (the default, said aloud) */
		{ MEMCACHED_BEHAVIOR_SERVER_TIMEOUT_LIMIT, 0 },
		/* never drop a server from the distribution: see the top of the file */
		{ MEMCACHED_BEHAVIOR_AUTO_EJECT_HOSTS, 0 },
		{ MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 0 },
	};
	memcached_server_st *list;
	struct pool_dir *d;
	memcached_return_t rc;

	if (!servers || !*servers) {
		*why = "no memcached servers";
		return NULL;
	}
	if (timeout_ms == 0 || timeout_ms > TIMEOUT_MAX) {
		*why = "the memcached timeout must be 1 to 60000 ms";
		return NULL;
	}
	if (!host || !field_ok(host, sizeof(d->host))) {
		*why = "the host name for memcached must be 1 to 63 printable characters, no space";
		return NULL;
	}
	if (!boot || !field_ok(boot, sizeof(d->boot))) {
		*why = "the boot id for memcached must be 1 to 39 printable characters, no space";
		return NULL;
	}

	d = calloc(1, sizeof(*d));
	if (!d) {
		*why = "out of memory";
		return NULL;
	}
	/* calloc: err is the empty string */
	strcpy(d->host, host);
	strcpy(d->boot, boot);
	if (pthread_mutex_init(&d->lock, NULL) != 0) {
		*why = "pthread_mutex_init failed";
		goto free_d;
	}
	d->mc = memcached_create(NULL);
	if (!d->mc) {
		*why = "memcached_create failed";
		goto destroy_lock;
	}
	for (size_t i = 0; i < sizeof(behaviours) / sizeof(behaviours[0]); i++) {
		if (memcached_behavior_set(d->mc, behaviours[i].what, behaviours[i].value) !=
		    MEMCACHED_SUCCESS) {
			*why = "libmemcached refused a behaviour";
			goto free_mc;
		}
	}
	list = memcached_servers_parse(servers);
	if (!list) {
		*why = "the memcached server list does not parse";
		goto free_mc;
	}
	rc = memcached_server_push(d->mc, list);
	memcached_server_list_free(list);
	if (rc != MEMCACHED_SUCCESS) {
		*why = "libmemcached refused the server list";
		goto free_mc;
	}
	return d;

free_mc:
	memcached_free(d->mc);
destroy_lock:
	pthread_mutex_destroy(&d->lock);
free_d:
	free(d);
	return NULL;
}

void pool_dir_free(struct pool_dir *d)
{
	if (!d)
		return;
	memcached_free(d->mc);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

const char *pool_dir_error(struct pool_dir *d)
{
	static _Thread_local char copy[sizeof(d->err)];

	pthread_mutex_lock(&d->lock);
	memcpy(copy, d->err, sizeof(copy));
	pthread_mutex_unlock(&d->lock);
	return copy;
}

static size_t session_key(char *key, const char *tenant, const char *id, const char **why)
{
	return make_key(key, why, "stockade:s:%s:%s", tenant, id);
}

/* add or set, by `add` */
static enum pool_dir_rc store(struct pool_dir *d, const char *tenant, const char *id,
			      const struct pool_dir_entry *e, unsigned ttl_s, bool add)
{
	char key[KEY_MAX + 1], val[VALUE_MAX];
	const char *why;
	size_t klen, vlen;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	int tries = 0;

	if (!(klen = session_key(key, tenant, id, &why)))
		return refuse(d, why);
	if (!(vlen = format_entry(val, sizeof(val), e)))
		return refuse(d, BAD_ENTRY);
	if (!ttl_ok(ttl_s))
		return refuse(d, BAD_TTL);

	pthread_mutex_lock(&d->lock);
	do {
		if (add)
			rc = memcached_add(d->mc, key, klen, val, vlen, (time_t)ttl_s, 0);
		else
			rc = memcached_set(d->mc, key, klen, val, vlen, (time_t)ttl_s, 0);
	} while (retry(rc, &tries));
	if (rc == MEMCACHED_SUCCESS)
		ret = POOL_DIR_OK;
	else if (add && (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS))
		ret = POOL_DIR_EXISTS;
	else
		ret = down(d, add ? "add" : "set", key, rc);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_bind(struct pool_dir *d, const char *tenant, const char *id,
			       const struct pool_dir_entry *e, unsigned ttl_s)
{
	return store(d, tenant, id, e, ttl_s, true);
}

enum pool_dir_rc pool_dir_publish(struct pool_dir *d, const char *tenant, const char *id,
				  const struct pool_dir_entry *e, unsigned ttl_s)
{
	return store(d, tenant, id, e, ttl_s, false);
}

/*
 * get into val[VALUE_MAX]. Caller holds d->lock. OK: *vlen set (a value of VALUE_MAX
 * bytes or more is cut to VALUE_MAX, which no parser accepts); NOTFOUND; DOWN.
 */
static enum pool_dir_rc get_locked(struct pool_dir *d, const char *key, size_t klen,
				   char *val, size_t *vlen)
{
	memcached_return_t rc;
	uint32_t flags;
	size_t len = 0;
	char *v;
	int tries = 0;

	do
		v = memcached_get(d->mc, key, klen, &len, &flags, &rc);
	while (!v && retry(rc, &tries));
	if (rc == MEMCACHED_NOTFOUND) {
		free(v);
		return POOL_DIR_NOTFOUND;
	}
	if (rc != MEMCACHED_SUCCESS) {
		free(v);
		return down(d, "get", key, rc);
	}
	/* an empty value comes back as NULL with SUCCESS */
	*vlen = len < VALUE_MAX ? len : VALUE_MAX;
	if (v)
		memcpy(val, v, *vlen);
	free(v);
	return POOL_DIR_OK;
}

static void foreign(struct pool_dir *d, const char *key)
{
	set_err(d, "%s: foreign value, read as absent", key);
}

enum pool_dir_rc pool_dir_lookup(struct pool_dir *d, const char *tenant, const char *id,
				 struct pool_dir_entry *e)
{
	char key[KEY_MAX + 1], val[VALUE_MAX];
	const char *why;
	size_t klen, vlen = 0;
	enum pool_dir_rc ret;

	if (!(klen = session_key(key, tenant, id, &why)))
		return refuse(d, why);

	pthread_mutex_lock(&d->lock);
	ret = get_locked(d, key, klen, val, &vlen);
	if (ret == POOL_DIR_OK && !parse_entry(val, vlen, e)) {
		foreign(d, key);
		ret = POOL_DIR_NOTFOUND;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/*
 * gets: the value and its cas id, through mget and fetch_result (libmemcached has no
 * single-key gets). Caller holds d->lock. Returns like get_locked.
 */
static enum pool_dir_rc gets_locked(struct pool_dir *d, const char *key, size_t klen,
				    char *val, size_t *vlen, uint64_t *cas)
{
	const char *keys[1] = { key };
	memcached_result_st res, *r;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	int tries = 0;

	if (!memcached_result_create(d->mc, &res))
		return down(d, "gets", key, MEMCACHED_MEMORY_ALLOCATION_FAILURE);
	/* mget only sends: a closed connection shows when the answer is read */
	do {
		r = NULL;
		rc = memcached_mget(d->mc, keys, &klen, 1);
		if (rc == MEMCACHED_SUCCESS)
			r = memcached_fetch_result(d->mc, &res, &rc);
	} while (!r && retry(rc, &tries));

	if (r) {
		size_t len = memcached_result_length(r);

		*vlen = len < VALUE_MAX ? len : VALUE_MAX;
		if (*vlen)
			memcpy(val, memcached_result_value(r), *vlen);
		*cas = memcached_result_cas(r);
		ret = POOL_DIR_OK;
		/* read the end of the answer, so the connection is ready for the next call */
		while (memcached_fetch_result(d->mc, &res, &rc))
			;
		if (rc != MEMCACHED_END && rc != MEMCACHED_NOTFOUND && rc != MEMCACHED_SUCCESS)
			ret = down(d, "gets", key, rc);
	} else if (rc == MEMCACHED_END || rc == MEMCACHED_NOTFOUND) {
		ret = POOL_DIR_NOTFOUND;
	} else {
		ret = down(d, "gets", key, rc);
	}
	memcached_result_free(&res);
	return ret;
}

enum pool_dir_rc pool_dir_replace(struct pool_dir *d, const char *tenant, const char *id,
				  const struct pool_dir_entry *old,
				  const struct pool_dir_entry *e, unsigned ttl_s)
{
	char key[KEY_MAX + 1], want[VALUE_MAX], val[VALUE_MAX], cur[VALUE_MAX];
	const char *why;
	size_t klen, wlen, vlen, clen = 0;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	uint64_t cas = 0;
	int tries = 0;

	if (!(klen = session_key(key, tenant, id, &why)))
		return refuse(d, why);
	if (!(wlen = format_entry(want, sizeof(want), old)) ||
	    !(vlen = format_entry(val, sizeof(val), e)))
		return refuse(d, BAD_ENTRY);
	if (!ttl_ok(ttl_s))
		return refuse(d, BAD_TTL);

	pthread_mutex_lock(&d->lock);
	ret = gets_locked(d, key, klen, cur, &clen, &cas);
	if (ret != POOL_DIR_OK)
		goto unlock;
	/* byte for byte: a foreign value is never `old` */
	if (clen != wlen || memcmp(cur, want, wlen) != 0) {
		ret = POOL_DIR_EXISTS;
		goto unlock;
	}
	do
		rc = memcached_cas(d->mc, key, klen, val, vlen, (time_t)ttl_s, 0, cas);
	while (retry(rc, &tries));
	if (rc == MEMCACHED_SUCCESS)
		ret = POOL_DIR_OK;
	else if (rc == MEMCACHED_DATA_EXISTS)
		ret = POOL_DIR_EXISTS;		/* changed since the gets */
	else if (rc == MEMCACHED_NOTFOUND)
		ret = POOL_DIR_NOTFOUND;	/* deleted or expired since the gets */
	else
		ret = down(d, "cas", key, rc);
unlock:
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_touch(struct pool_dir *d, const char *tenant, const char *id,
				unsigned ttl_s)
{
	char key[KEY_MAX + 1];
	const char *why;
	size_t klen;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	int tries = 0;

	if (!(klen = session_key(key, tenant, id, &why)))
		return refuse(d, why);
	if (!ttl_ok(ttl_s))
		return refuse(d, BAD_TTL);

	pthread_mutex_lock(&d->lock);
	do
		rc = memcached_touch(d->mc, key, klen, (time_t)ttl_s);
	while (retry(rc, &tries));
	if (rc == MEMCACHED_SUCCESS)
		ret = POOL_DIR_OK;
	else if (rc == MEMCACHED_NOTFOUND)
		ret = POOL_DIR_NOTFOUND;
	else
		ret = down(d, "touch", key, rc);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_unbind(struct pool_dir *d, const char *tenant, const char *id,
				 const struct pool_dir_entry *e)
{
	char key[KEY_MAX + 1], want[VALUE_MAX], cur[VALUE_MAX];
	const char *why;
	size_t klen, wlen, clen = 0;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	int tries = 0;

	if (!(klen = session_key(key, tenant, id, &why)))
		return refuse(d, why);
	if (!(wlen = format_entry(want, sizeof(want), e)))
		return refuse(d, BAD_ENTRY);

	pthread_mutex_lock(&d->lock);
	ret = get_locked(d, key, klen, cur, &clen);
	if (ret != POOL_DIR_OK)
		goto unlock;
	if (clen != wlen || memcmp(cur, want, wlen) != 0) {
		ret = POOL_DIR_EXISTS;
		goto unlock;
	}
	do
		rc = memcached_delete(d->mc, key, klen, 0);
	while (retry(rc, &tries));
	if (rc == MEMCACHED_SUCCESS)
		ret = POOL_DIR_OK;
	else if (rc == MEMCACHED_NOTFOUND)
		ret = POOL_DIR_NOTFOUND;
	else
		ret = down(d, "delete", key, rc);
unlock:
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_count(struct pool_dir *d, const char *tenant, const char *counter,
				int64_t delta, uint64_t *value)
{
	char key[KEY_MAX + 1];
	const char *why;
	size_t klen;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	uint64_t v = 0, by;
	int tries = 0;

	if (!(klen = make_key(key, &why, "stockade:t:%s:%s", tenant, counter)))
		return refuse(d, why);
	/* |delta| without overflow at INT64_MIN */
	by = delta < 0 ? (uint64_t)(-(delta + 1)) + 1 : (uint64_t)delta;

	pthread_mutex_lock(&d->lock);
	/* expiration 0: a created counter never expires (MEMCACHED_EXPIRATION_NOT_ADD
	 * would refuse to create it); memcached's decr stops at 0 */
	do {
		if (delta < 0)
			rc = memcached_decrement_with_initial(d->mc, key, klen, by, 0, 0, &v);
		else
			rc = memcached_increment_with_initial(d->mc, key, klen, by, by, 0, &v);
	} while (retry(rc, &tries));
	if (rc == MEMCACHED_SUCCESS) {
		ret = POOL_DIR_OK;
		if (value)
			*value = v;
	} else {
		ret = down(d, delta < 0 ? "decr" : "incr", key, rc);
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_counter(struct pool_dir *d, const char *tenant, const char *counter,
				  uint64_t *value)
{
	char key[KEY_MAX + 1], val[VALUE_MAX];
	const char *why;
	size_t klen, vlen = 0;
	enum pool_dir_rc ret;

	if (!(klen = make_key(key, &why, "stockade:t:%s:%s", tenant, counter)))
		return refuse(d, why);

	pthread_mutex_lock(&d->lock);
	ret = get_locked(d, key, klen, val, &vlen);
	if (ret == POOL_DIR_OK && !parse_counter(val, vlen, value)) {
		foreign(d, key);
		ret = POOL_DIR_NOTFOUND;
	}
	if (ret == POOL_DIR_NOTFOUND)
		*value = 0;
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_rate(struct pool_dir *d, const char *tenant, const char *window,
			       uint64_t by, unsigned ttl_s, uint64_t *value)
{
	char key[KEY_MAX + 1];
	const char *why;
	size_t klen;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	uint64_t v = 0;
	int tries = 0;

	if (!(klen = make_key(key, &why, "stockade:r:%s:%s", tenant, window)))
		return refuse(d, why);
	if (!ttl_ok(ttl_s) || !ttl_s)
		return refuse(d, BAD_TTL);
	pthread_mutex_lock(&d->lock);
	do
		rc = memcached_increment_with_initial(d->mc, key, klen, by, by, (time_t)ttl_s, &v);
	while (retry(rc, &tries));
	if (rc == MEMCACHED_SUCCESS) {
		ret = POOL_DIR_OK;
		*value = v;
	} else {
		ret = down(d, "incr", key, rc);
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* set key = value with expiry ttl_s (checked by the caller), under the lock. */
static enum pool_dir_rc set_value(struct pool_dir *d, const char *key, size_t klen,
				  const char *value, size_t len, unsigned ttl_s)
{
	memcached_return_t rc;
	enum pool_dir_rc ret;
	int tries = 0;

	pthread_mutex_lock(&d->lock);
	do
		rc = memcached_set(d->mc, key, klen, value, len, (time_t)ttl_s, 0);
	while (retry(rc, &tries));
	ret = rc == MEMCACHED_SUCCESS ? POOL_DIR_OK : down(d, "set", key, rc);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_put(struct pool_dir *d, const char *tenant, const char *name,
			      const char *value, size_t len, unsigned ttl_s)
{
	char key[KEY_MAX + 1];
	const char *why;
	size_t klen;

	if (!(klen = make_key(key, &why, "stockade:x:%s:%s", tenant, name)))
		return refuse(d, why);
	if (!ttl_ok(ttl_s))
		return refuse(d, BAD_TTL);
	if (len > POOL_DIR_VALUE_MAX)
		return refuse(d, "value too large");
	return set_value(d, key, klen, value, len, ttl_s);
}

enum pool_dir_rc pool_dir_get(struct pool_dir *d, const char *tenant, const char *name,
			      char **value, size_t *len)
{
	char key[KEY_MAX + 1];
	const char *why;
	size_t klen, vlen = 0;
	memcached_return_t rc;
	uint32_t flags;
	enum pool_dir_rc ret;
	char *v;
	int tries = 0;

	if (!(klen = make_key(key, &why, "stockade:x:%s:%s", tenant, name)))
		return refuse(d, why);
	pthread_mutex_lock(&d->lock);
	do
		v = memcached_get(d->mc, key, klen, &vlen, &flags, &rc);
	while (!v && retry(rc, &tries));
	if (rc == MEMCACHED_SUCCESS && vlen <= POOL_DIR_VALUE_MAX) {
		*value = malloc(vlen + 1);
		if (*value) {
			if (vlen)
				memcpy(*value, v, vlen);
			(*value)[vlen] = '\0';
			*len = vlen;
			ret = POOL_DIR_OK;
		} else {
			ret = down(d, "get", key, MEMCACHED_MEMORY_ALLOCATION_FAILURE);
		}
	} else if (rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_SUCCESS) {
		ret = POOL_DIR_NOTFOUND;
	} else {
		ret = down(d, "get", key, rc);
	}
	free(v);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

enum pool_dir_rc pool_dir_set_pool(struct pool_dir *d, const char *json, unsigned ttl_s)
{
	char key[KEY_MAX + 1];
	const char *why;
	size_t klen;

	if (!(klen = make_key(key, &why, "stockade:pool:%s", d->host)))
		return refuse(d, why);
	if (!ttl_ok(ttl_s))
		return refuse(d, BAD_TTL);
	return set_value(d, key, klen, json, strlen(json), ttl_s);
}

enum pool_dir_rc pool_dir_heartbeat(struct pool_dir *d)
{
	char key[KEY_MAX + 1], val[VALUE_MAX];
	const char *why;
	size_t klen, vlen = 0;
	memcached_return_t rc;
	enum pool_dir_rc ret;
	int tries = 0;

	if (!(klen = make_key(key, &why, "stockade:host:%s", d->host)))
		return refuse(d, why);

	pthread_mutex_lock(&d->lock);
	ret = get_locked(d, key, klen, val, &vlen);
	if (ret != POOL_DIR_NOTFOUND)
		goto unlock;
	/* no TTL; only a restart, a flush or eviction under memory pressure removes it,
	 * and each of those may have taken sessions with it */
	do
		rc = memcached_set(d->mc, key, klen, d->boot, strlen(d->boot), 0, 0);
	while (retry(rc, &tries));
	if (rc != MEMCACHED_SUCCESS)
		ret = down(d, "set", key, rc);
unlock:
	pthread_mutex_unlock(&d->lock);
	return ret;
}
