/*
 * audit.h - one RFC 5424 audit record per request, handed to syslog-ng.
 *
 * Each record is one line of RFC 5424 syslog ("<PRI>1 TIMESTAMP HOST APP PROCID
 * MSGID [stockade@32473 k="v" ...] MSG") appended with a single write(2) to a spool
 * file, <spool>/audit-YYYYMMDD.log (UTC day), opened O_APPEND by every worker.
 * syslog-ng follows the spool with its wildcard-file() source and keeps its read
 * position in its persist file, so a syslog-ng restart, even under load, resumes
 * where it stopped and no record is lost; while syslog-ng is down records simply
 * wait in the spool. The spool is outside every cell's file system, so sandboxed
 * code can neither reach it nor forge a record.
 *
 * Structured data (SD-ID stockade@32473; 32473 is the documentation enterprise
 * number of RFC 5612): every field that is set is a PARAM; values are escaped as
 * RFC 5424 requires (", \ and ]) and truncated to a bounded length; a record is at
 * most AUDIT_MAX_RECORD bytes.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_MAX_RECORD 8192

struct audit_rec {
	char request_id[40];		/* a UUID, also sent to the client as x-ms-request-id */
	uint64_t time_us;		/* when the request arrived (CLOCK_REALTIME, us); 0: now */
	const char *tenant;		/* NULL when the key was not accepted */
	const char *key_id;		/* the key's id from the config, never the key */
	const char *client;		/* client address (REMOTE_ADDR) */
	const char *method;		/* GET, POST, ... */
	const char *api;		/* "azure-2024-02-02", "azure-2024-10-02", "ops", "judge",
					 * "judge0", "piston" */
	const char *route;		/* the route pattern: "POST code/execute" */
	const char *pool;		/* the pool (runtime) named in the path */
	const char *identifier;		/* the session identifier */
	const char *execution_id;	/* for executions */
	bool has_code;
	char code_sha256[65];		/* hex; when has_code */
	uint64_t code_bytes;
	int64_t timeout_ms;		/* the limits asked for / applied; -1 when none */
	int64_t memory_limit_kb;
	int http_status;		/* what the client got */
	const char *error_code;		/* the stable error code, for denials and failures */
	const char *error_message;	/* one line */
	const char *status;		/* the execution's status (success, timeout, ...) */
	const char *verdict;		/* judge APIs: the overall verdict (accepted, ...) */
	const char *language;		/* judge APIs: the language judged (c, python, ...) */
	int64_t tests, tests_passed;	/* judge APIs: test cases run and passed; -1 none */
	int exit_code;			/* -1 when none */
	int signal;			/* 0 when none */
	int64_t cpu_ms, wall_ms, memory_peak_kb;	/* -1 when none */
	int64_t bytes_in, bytes_out;	/* request body; response body */
	int64_t duration_us;		/* time spent serving the request */
	const char *file_name;		/* for file routes */
	int64_t file_bytes;		/* -1 when none */
};

/*
 * Sets every field to "none": NULL strings, empty request_id, -1 numbers (http_status,
 * exit_code, tests and tests_passed included), 0 signal, false has_code, and time_us 0, which stamps the
 * record when it is formatted. A field left at "none" is not in the record.
 */
void audit_rec_init(struct audit_rec *r);

/*
 * Formats r as one RFC 5424 line (ending in '\n') into buf (at least
 * AUDIT_MAX_RECORD bytes), with facility authpriv (10), severity info (6), or
 * notice (5) for a denial (http_status 401/403/429) and warning (4) for 5xx.
 * hostname and app ("stockade-fcgi") fill the header; procid is getpid(); MSGID is
 * r->api, or "request". The set fields are PARAMs, escaped, with invalid UTF-8 and
 * control characters replaced by U+FFFD and cut at 128 bytes (error_message and
 * file_name at 256); MSG is a short summary ("POST code/execute 200 tenant=acme", with
 * " verdict=..." for a judged submission).
 * Writes at most min(size, AUDIT_MAX_RECORD) bytes, the NUL included: when they
 * would not hold the whole record, the last PARAMs are left out and MSG is cut,
 * the line still whole. Returns the length without the NUL, or 0 (buf empty) when
 * size is below 512, too small for any record.
 */
size_t audit_format(const struct audit_rec *r, const char *hostname, const char *app,
		    char *buf, size_t size);

/*
 * Opens (creating 0750 when missing) the spool directory. Call in each worker after
 * it has dropped privileges. Returns 0 or -errno.
 */
int audit_open(const char *spool_dir);

/*
 * Formats and appends one record: one write(2) of the whole line to the day's
 * file, <spool>/audit-YYYYMMDD.log (O_APPEND, created 0640; opened or switched on
 * the first record of a new UTC day, and reopened when it was unlinked). A spool
 * directory that was removed is made again, once per call. Returns 0, or -errno
 * when the record could not be written (-EBADF before audit_open; the caller
 * counts it; the request is still served).
 */
int audit_write(const struct audit_rec *r);

void audit_close(void);

#endif
