/*
 * pool_dir.h - the session directory in memcached (libmemcached).
 *
 * Keys (every tenant and identifier is checked by proto.h before it gets here, so a
 * key is always short printable ASCII without spaces):
 *   stockade:s:<tenant>:<identifier>   "<host> <boot> <cell> <runtime>", TTL = cooldown:
 *                                      the session's binding, made with `add` so two
 *                                      racing binders end with one session
 *   stockade:t:<tenant>:active         sessions of the tenant (incr/decr)
 *   stockade:t:<tenant>:executions     executions of the tenant (incr)
 *   stockade:pool:<host>               the keeper's published pool state (JSON)
 *   stockade:host:<host>               "<boot>", no TTL: its absence tells the keeper
 *                                      memcached lost its data (restart) and it must
 *                                      republish its sessions
 *   stockade:r:<tenant>:<window>       executions in one rate window (stockade-fcgi's
 *                                      per-minute quota), TTL a little over the window
 *   stockade:x:<tenant>:<name>         a value stockade-fcgi keeps for a while (an
 *                                      execution's result, for GET executions/{id})
 * The handle is shared by the keeper's threads: every call takes an internal mutex and
 * every wait inside it is bounded by the configured timeout. A server that never answers
 * costs a call a few timeouts (connect, send, receive); one that is down (connection
 * refused) costs microseconds, and after a failed connect the handle does not try it
 * again for 1-2 s, failing DOWN at once meanwhile. It reconnects by itself after that.
 * A connection memcached closed under the handle (a restart) costs no DOWN: the request
 * is sent once more on a new connection.
 *
 * DOWN also answers a request refused before it reached memcached, with the reason in
 * pool_dir_error(): a key over 250 bytes ("key too long") or with a space, control or
 * non-ASCII byte; an entry field that is empty, over-long, not NUL-terminated or holds a
 * space or control byte; a TTL over 30 days (memcached would read it as a Unix time).
 *
 * A value under a session key that is not exactly "<host> <boot> <cell> <runtime>" (four
 * words, single spaces, cell a decimal without sign or leading zero) is foreign:
 * another program's, or a format to come. It reads as NOTFOUND, with pool_dir_error()
 * saying "foreign value"; it is never `old` to replace or `e` to unbind (EXISTS), and it
 * blocks bind (EXISTS) until it expires or publish writes over it.
 */
#ifndef POOL_DIR_H
#define POOL_DIR_H

#include <stdint.h>

enum pool_dir_rc {
	POOL_DIR_OK = 0,
	POOL_DIR_EXISTS,	/* add: the key is already there */
	POOL_DIR_NOTFOUND,	/* no such key (or it expired) */
	POOL_DIR_DOWN,		/* memcached unreachable or failed: nothing was done */
};

struct pool_dir_entry {
	char host[64];
	char boot[40];		/* the keeper instance that bound it */
	unsigned cell;		/* the keeper's cell number */
	char runtime[16];
};

struct pool_dir;

/* servers: a libmemcached server list ("127.0.0.1:11211,10.0.0.2:11211"). Does not
 * connect yet. Returns NULL with *why. */
struct pool_dir *pool_dir_new(const char *servers, unsigned timeout_ms, const char *host,
			      const char *boot, const char **why);
void pool_dir_free(struct pool_dir *d);

/* The text of the handle's last failure (from any thread), for logs: a copy owned by
 * the calling thread, valid until its next call of pool_dir_error. "" if none yet. */
const char *pool_dir_error(struct pool_dir *d);

/* add: binds the session if nobody has. OK: bound; EXISTS: a binding (or a foreign
 * value) is there, unchanged. ttl_s 0: no expiry. */
enum pool_dir_rc pool_dir_bind(struct pool_dir *d, const char *tenant, const char *id,
			       const struct pool_dir_entry *e, unsigned ttl_s);
/* set: (re)publishes a binding the keeper owns, unconditionally. */
enum pool_dir_rc pool_dir_publish(struct pool_dir *d, const char *tenant, const char *id,
				  const struct pool_dir_entry *e, unsigned ttl_s);
/* OK: *e is the binding. NOTFOUND (none, expired, or foreign) and DOWN leave *e
 * unchanged. */
enum pool_dir_rc pool_dir_lookup(struct pool_dir *d, const char *tenant, const char *id,
				 struct pool_dir_entry *e);
/* Replaces the binding only if it still equals `old` (gets + cas): for taking over a
 * binding whose keeper instance is gone. OK: replaced; EXISTS: the binding is not `old`
 * (or changed between the gets and the cas), unchanged; NOTFOUND: no binding. */
enum pool_dir_rc pool_dir_replace(struct pool_dir *d, const char *tenant, const char *id,
				  const struct pool_dir_entry *old,
				  const struct pool_dir_entry *e, unsigned ttl_s);
/* Sets a new TTL on the binding, whoever's it is. NOTFOUND: no binding. */
enum pool_dir_rc pool_dir_touch(struct pool_dir *d, const char *tenant, const char *id,
				unsigned ttl_s);
/* Deletes the binding if it is still `e` (not a successor's). OK: deleted; EXISTS:
 * another binding (or a foreign value) is there, left in place; NOTFOUND: none. The
 * check and the delete are two requests (libmemcached's delete takes no cas): a
 * successor bound in the microseconds between them would be deleted. */
enum pool_dir_rc pool_dir_unbind(struct pool_dir *d, const char *tenant, const char *id,
				 const struct pool_dir_entry *e);

/* Adds delta (may be negative; never below 0) to a tenant counter ("active",
 * "executions"), creating it at max(delta, 0), without expiry. *value gets the new value
 * when not NULL. DOWN also when the key holds a non-numeric value (memcached refuses). */
enum pool_dir_rc pool_dir_count(struct pool_dir *d, const char *tenant, const char *counter,
				int64_t delta, uint64_t *value);
/* Reads a tenant counter (NOTFOUND, also for a non-numeric value: *value = 0). */
enum pool_dir_rc pool_dir_counter(struct pool_dir *d, const char *tenant, const char *counter,
				  uint64_t *value);

/* Counts `by` events in the tenant's rate window `window` (stockade:r:<tenant>:<window>),
 * creating it at `by` with expiry ttl_s; *value gets the new count. */
enum pool_dir_rc pool_dir_rate(struct pool_dir *d, const char *tenant, const char *window,
			       uint64_t by, unsigned ttl_s, uint64_t *value);

/* set / get stockade:x:<tenant>:<name>: an opaque value of at most POOL_DIR_VALUE_MAX
 * bytes. get returns a malloc'd copy (NUL-terminated) in *value. */
#define POOL_DIR_VALUE_MAX (1000u * 1000u)
enum pool_dir_rc pool_dir_put(struct pool_dir *d, const char *tenant, const char *name,
			      const char *value, size_t len, unsigned ttl_s);
enum pool_dir_rc pool_dir_get(struct pool_dir *d, const char *tenant, const char *name,
			      char **value, size_t *len);

/* set stockade:pool:<host> (no TTL beyond ttl_s; 0: none). */
enum pool_dir_rc pool_dir_set_pool(struct pool_dir *d, const char *json, unsigned ttl_s);

/*
 * The keeper's heartbeat: checks stockade:host:<host>. OK: memcached has kept its data
 * since the last call. NOTFOUND: memcached is up but lost it (restart, first start):
 * the sentinel has been set again and the caller must republish. DOWN: unreachable.
 * The sentinel has no TTL, but memcached may still evict it under memory pressure: that
 * reads as a restart, and republishing is then merely redundant. With several servers
 * the sentinel lives on the one its key hashes to, and only that server's restarts are
 * seen.
 */
enum pool_dir_rc pool_dir_heartbeat(struct pool_dir *d);

#endif
