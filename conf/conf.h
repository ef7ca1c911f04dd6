/*
 * conf.h - conf/stockade.xml: the configuration of the keeper and of stockade-fcgi.
 *
 * The file is validated against the RELAX NG schema conf/stockade.rng (compiled into
 * the binary), then read into struct conf. Every error names the file, the line and
 * the field ("conf/stockade.xml:14: runtime[python]/limits/@memory: not a size: 12Q").
 * Every attribute but a runtime's name is optional; the defaults are in the schema,
 * beside each attribute. A file with a <!DOCTYPE> is refused: no DTD, no entities.
 */
#ifndef CONF_H
#define CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "limit.h"

#define CONF_MAX_RUNTIMES 8

struct conf_runtime {
	char name[16];			/* python, node, bash: a runner of sandbox/runners */
	unsigned ready;			/* warm cells kept started ahead of demand */
	unsigned max_sessions;		/* bound cells at most */
	uint64_t cooldown_s;		/* idle seconds before a session ends (300) */
	uint64_t timeout_ms;		/* per-execution timeout when a request names none */
	uint64_t max_timeout_ms;	/* the most a request may ask for */
	uint64_t grace_ms;		/* after an interrupt, how long the runner may take
					 * to come back before the cell is killed */
	struct sbx_limits lim;		/* memory, pids, cpus, disk, inodes, output (per
					 * execution and stream), fsize, nofile; cpu_ms
					 * and wall_ms are for the cell's whole life
					 * (1 h and 24 h unless the file says) */
};

#define CONF_MAX_TENANTS 64
#define CONF_MAX_KEYS 8

/* One API key of a tenant: the file holds only the key's SHA-256, never the key. */
struct conf_key {
	char id[65];			/* [A-Za-z0-9._-]{1,64}, unique in the file;
					 * named in audit records, never secret */
	unsigned char sha256[32];	/* unique in the file */
};

/* A client of the web API (<tenant>): its quotas and keys. */
struct conf_tenant {
	char name[65];			/* [A-Za-z0-9_-]{1,64}, unique */
	unsigned max_sessions;		/* live sessions at once (16) */
	unsigned per_minute;		/* executions per minute (600) */
	unsigned max_requests;		/* requests in this host's stockade-fcgi at once
					 * (0, the default: half its workers) */
	unsigned pools;			/* bit i set: runtime c->rt[i] allowed
					 * (default: every runtime) */
	uint64_t max_timeout_ms;	/* the most one execution may ask for (300 s) */
	unsigned nkeys;			/* 1..CONF_MAX_KEYS */
	struct conf_key keys[CONF_MAX_KEYS];
};

/*
 * <fcgi>: stockade-fcgi, the web front end. The keeper loads the same file, so the
 * names are kept as names and not looked up here: those users need not exist on a
 * host that runs only the keeper.
 */
struct conf_fcgi {
	char socket[PATH_MAX];		/* FastCGI socket nginx connects to */
	mode_t mode;			/* of the socket (0660) */
	char owner[64], group[64];	/* of the socket: stockade, www-data */
	char user[64];			/* the workers run as (stockade) */
	unsigned workers;		/* worker processes (16; 1..64) */
	uint64_t max_body;		/* largest request body (129M); nginx's
					 * client_max_body_size must match */
	uint64_t max_request;		/* largest JSON or XML body (8M) */
	uint64_t max_code;		/* largest code string (1M) */
	uint64_t max_upload;		/* largest uploaded file (128M) */
	unsigned max_depth;		/* JSON/XML nesting (64; 2..1000) */
};

struct conf {
	char path[PATH_MAX];		/* the file it came from */
	char socket[PATH_MAX];		/* the keeper's unix socket */
	mode_t socket_mode;		/* 0660 */
	uid_t socket_uid;		/* owner and group, by name in the file */
	gid_t socket_gid;
	char host[64];			/* this host's name in the directory (default:
					 * gethostname) */
	char memcached[256];		/* libmemcached server list: "127.0.0.1:11211" */
	uint64_t memcached_timeout_ms;	/* per operation (200) */
	unsigned max_connections;	/* concurrent client connections (256) */
	uint64_t busy_wait_ms;		/* how long a request waits for its session's
					 * previous execution before "busy" (10000) */
	uint64_t max_upload;		/* largest file one upload may carry */
	unsigned nruntimes;
	struct conf_runtime rt[CONF_MAX_RUNTIMES];
	struct conf_fcgi fcgi;		/* defaults when <fcgi> is absent */
	char audit_spool[PATH_MAX];	/* audit records' spool directory
					 * (/var/lib/stockade/audit) */
	unsigned ntenants;
	struct conf_tenant tenants[CONF_MAX_TENANTS];
};

/*
 * Reads and validates `path`. Returns 0 with *c filled, or -1 with a one-line message
 * in err ("<file>:<line>: <field>: <what is wrong>"; a file that cannot be read has
 * no line) and *c unchanged. Never exits. Looks up the keeper's owner and group
 * (getpwnam_r, getgrnam_r; <fcgi>'s names are left to stockade-fcgi) and, when host
 * is not set, gethostname(). Meant for start-up: any
 * thread may call it, but not two at once (sbx_limits_valid words its verdict in a
 * static buffer). libxml2's error handler of the calling thread is borrowed for the
 * call and put back; nothing reaches stderr.
 */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);

/* The runtime of that name, or NULL. */
const struct conf_runtime *conf_runtime(const struct conf *c, const char *name);

/*
 * The tenant owning the key whose SHA-256 is sha, with *key set (key may be NULL);
 * or NULL. Every key of every tenant is compared, in constant time, so the time
 * taken says nothing about which key, if any, matched.
 */
const struct conf_tenant *conf_tenant_by_key(const struct conf *c, const unsigned char sha[32],
					     const struct conf_key **key);

/* Whether the tenant may use the runtime of that name (false for an unknown one). */
bool conf_tenant_allows(const struct conf *c, const struct conf_tenant *t, const char *runtime);

/*
 * conf/stockade.rng as built in (conf/schema.c): conf_schema_end - conf_schema bytes,
 * followed by a NUL, so conf_schema is also a C string.
 */
extern const char conf_schema[];
extern const char conf_schema_end[];

#endif
