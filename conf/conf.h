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
#define CONF_MAX_NETS 16
#define CONF_MAX_LANGS 8

/* A client network of an anonymous tenant: family AF_INET or AF_INET6, the address
 * (4 or 16 bytes, host bits zero) and the prefix length. */
struct conf_net {
	int family;
	unsigned char addr[16];
	unsigned prefix;
};

/* One API key of a tenant: the file holds only the key's SHA-256, never the key. */
struct conf_key {
	char id[65];			/* [A-Za-z0-9._-]{1,64}, unique in the file,
					 * not "anonymous" (the audit records' key of
					 * keyless requests); named in audit records,
					 * never secret */
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
	unsigned nkeys;			/* 0..CONF_MAX_KEYS (0 only when anonymous) */
	struct conf_key keys[CONF_MAX_KEYS];
	/* <anonymous networks="127.0.0.0/8 ::1/128"/>: a request that carries no key
	 * from one of these networks is served as this tenant, with its quotas */
	unsigned nnets;			/* 0: not anonymous */
	struct conf_net nets[CONF_MAX_NETS];
};

/*
 * <judge><language name="c" compile="..." run="..."/></judge>: a language's command
 * lines, replacing sandbox/lang.c's built-in ones ("" keeps the built-in). Stored
 * normalised: words separated by one space, none leading or trailing, the first an
 * absolute path, no control characters; compile is "" for an interpreted language. In
 * run, the word part "{memory_mb}" becomes the test's memory limit in MiB (for a JVM's
 * heap); no other '{' appears, and none in compile.
 */
struct conf_lang {
	char name[16];			/* a language of sandbox/lang.c */
	char compile[512];
	char run[512];
};

/* <judge>: compile once, run many tests (the judge APIs). */
struct conf_judge {
	unsigned spare;			/* empty cells kept started (16; 0..256) */
	unsigned width;			/* tests of one submission run at once (2; 1..64) */
	unsigned max_tests;		/* test cases per submission (256; 1..4096) */
	unsigned max_runs;		/* runs of each test (Judge0 number_of_runs; 20;
					 * 1..100) */
	uint64_t result_ttl_s;		/* asynchronous results kept in memcached, whole
					 * seconds (3600; 1..604800) */
	struct sbx_limits compile;	/* the compiler's cell: <compile .../> (cpu 10 s,
					 * wall 20 s, memory 512M, pids 64, output 64K,
					 * disk 128M, file-size 64M, stack 64M) */
	struct sbx_limits test;		/* a test's limits when the request names none:
					 * <test-defaults .../> (cpu 5 s, wall 10 s, memory
					 * 128M, pids 60, output 8M, stack 64M, file-size 1M,
					 * disk 64M) */
	uint64_t cpu_extra_ms;		/* default cpu extra time (1 s; Judge0's) */
	struct sbx_limits max;		/* the most a request may ask for: <test-max .../>
					 * (cpu 15 s, wall 20 s, memory 512M, pids 120,
					 * output 64M, stack 128M, file-size 4M, disk
					 * 256M); each default above is at most its max,
					 * and cpu + cpu extra at most 3600 s. In all
					 * three, inodes 4096, nofile 256 and cpus 1
					 * (sbx_limits_default), not in the file */
	uint64_t max_cpu_extra_ms;	/* 5 s */
	unsigned nlangs;
	struct conf_lang langs[CONF_MAX_LANGS];
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
	struct conf_judge judge;	/* defaults when <judge> is absent */
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

/*
 * The anonymous tenant serving keyless requests from `addr` (an IPv4 or IPv6 address
 * in text, as REMOTE_ADDR gives it; an IPv4-mapped IPv6 address counts as IPv4), or
 * NULL. The first tenant in file order whose networks hold the address wins.
 */
const struct conf_tenant *conf_tenant_by_addr(const struct conf *c, const char *addr);

/* The <judge><language> of that name, or NULL when the file has none. */
const struct conf_lang *conf_judge_lang(const struct conf *c, const char *name);

/* Whether the tenant may use the runtime of that name (false for an unknown one). */
bool conf_tenant_allows(const struct conf *c, const struct conf_tenant *t, const char *runtime);

/*
 * conf/stockade.rng as built in (conf/schema.c): conf_schema_end - conf_schema bytes,
 * followed by a NUL, so conf_schema is also a C string.
 */
extern const char conf_schema[];
extern const char conf_schema_end[];

#endif
