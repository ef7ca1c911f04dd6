/*
 * proto.h - the keeper's protocol: what stockade-fcgi and the stockade CLI send to
 * stockade-pool over its unix socket, and what they get back.
 *
 * A message is a fixed 16-byte header, a JSON object and an optional blob (a file's
 * bytes):
 *
 *   uint32 magic "STK1"   uint16 type   uint16 flags (0)   uint32 json_len   uint32 blob_len
 *
 * in the host's byte order (a unix socket never leaves the host). The JSON part is
 * at most PROTO_MAX_JSON bytes, the blob at most PROTO_MAX_BLOB; a header that breaks
 * either, a type out of range, or JSON that is not an object ends the connection and
 * nothing else. A connection carries any number of request/reply pairs, one at a time.
 *
 * Requests name the session as {"tenant": T, "session": ID, "runtime": R}; a new
 * identifier makes a new session (like Azure's dynamic sessions), unless the request
 * carries "max_tenant_sessions": N and the tenant has N sessions open (error "quota"). Replies are
 * {"ok": true, ...} or {"ok": false, "error": {"code": C, "message": M}} with one of
 * the stable codes below.
 */
#ifndef POOL_PROTO_H
#define POOL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define PROTO_MAGIC 0x314b5453u		/* "STK1" read as a little-endian uint32 */
#define PROTO_MAX_JSON (16u << 20)
#define PROTO_MAX_BLOB (1u << 30)
#define PROTO_MAX_TENANT 64
#define PROTO_MAX_ID 128

enum proto_type {
	PROTO_BIND = 1,		/* find or make the session: {} -> {session} */
	PROTO_EXEC,		/* {code, timeout_ms?} -> {session, result} */
	PROTO_FILE_PUT,		/* {name} + blob -> {file} */
	PROTO_FILE_LIST,	/* {} -> {files: [...]} */
	PROTO_FILE_GET,		/* {name} -> {file} + blob */
	PROTO_FILE_DELETE,	/* {name} -> {} */
	PROTO_SESSION_DELETE,	/* {} -> {} (error not_found when there is none) */
	PROTO_SESSIONS,		/* {tenant?} -> {sessions: [...]} (no session named) */
	PROTO_POOL,		/* {} -> {pool} */
	PROTO_JUDGE,		/* {tenant, language, source, tests, ...} -> {result}
				 * (no session: compile once, a fresh cell per test;
				 * the fields are in judge.h) */
	PROTO_LANGUAGES,	/* {} -> {languages: [...]} (the judge's, with versions) */
	PROTO_TYPE_MAX,
	PROTO_REPLY = 0x100,	/* the reply to type t is PROTO_REPLY | t */
};

struct proto_head {
	uint32_t magic;
	uint16_t type;
	uint16_t flags;
	uint32_t json_len;
	uint32_t blob_len;
};

struct proto_msg {
	uint16_t type;
	json_t *json;		/* always an object */
	char *blob;		/* NULL when blob_len is 0 */
	size_t blob_len;
	bool blob_over;		/* the blob was larger than allowed: read and dropped,
				 * so the request can be answered "too_large" */
};

/* The stable error codes. */
#define PROTO_E_BAD_REQUEST "bad_request"	/* malformed or invalid field */
#define PROTO_E_NOT_FOUND "not_found"		/* no such session or file */
#define PROTO_E_BUSY "busy"			/* the session is executing */
#define PROTO_E_CAPACITY "no_capacity"		/* max_sessions reached */
#define PROTO_E_RUNTIME "unknown_runtime"
#define PROTO_E_MISMATCH "runtime_mismatch"	/* the session has another runtime */
#define PROTO_E_TOO_LARGE "too_large"
#define PROTO_E_ELSEWHERE "elsewhere"		/* the session lives on another host */
#define PROTO_E_INTERNAL "internal_error"
#define PROTO_E_ENDED "session_ended"		/* the session ended while used */
#define PROTO_E_QUOTA "quota"			/* the tenant's max_tenant_sessions are open */
#define PROTO_E_LANGUAGE "unknown_language"	/* the judge has no such language */

/* The name of a request type ("exec"), or NULL. */
const char *proto_type_name(unsigned type);
/* The type of a name, or 0. */
unsigned proto_type_by_name(const char *name);

/*
 * Reads one message: waits at most timeout_ms for it to begin, then at most timeout_ms
 * more for all of it (a client that stops or trickles half-way is dropped). max_blob bounds the blob (at most PROTO_MAX_BLOB). Returns 0;
 * -EPIPE at a clean EOF before a header; -EPROTO for a malformed message (*why says
 * how); -ETIMEDOUT; -errno.
 */
int proto_read(int fd, struct proto_msg *m, size_t max_blob, int timeout_ms, const char **why);

/* Writes one message (blob may be NULL). Returns 0 or -errno. */
int proto_write(int fd, unsigned type, json_t *json, const void *blob, size_t blob_len);

void proto_msg_free(struct proto_msg *m);

/* {"ok": false, "error": {"code", "message"}} (new reference). */
json_t *proto_error(const char *code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Tenants: 1-64 of [A-Za-z0-9_-]. Identifiers: 1-128 of [A-Za-z0-9._~:@+=-]. Both
 * end up in memcached keys, which must be short and free of spaces. */
bool proto_valid_tenant(const char *s);
bool proto_valid_id(const char *s);
/* A file name in /mnt/data: 1-255 bytes of valid UTF-8, no '/', no control
 * characters, not "." or "..". */
bool proto_valid_file_name(const char *s, size_t len);

/* Client side: connects to the keeper's socket. Returns the fd or -errno. */
int proto_connect(const char *path);

/* Client side: one request and its reply. Returns 0 or -errno with *why. */
int proto_call(int fd, unsigned type, json_t *req, const void *blob, size_t blob_len,
	       struct proto_msg *reply, int timeout_ms, const char **why);

#endif
