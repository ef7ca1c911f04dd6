/*
 * audit.c - formats audit records as RFC 5424 lines and appends them to the spool.
 *
 * Every worker process holds at most one descriptor: the current UTC day's spool
 * file, opened O_APPEND, so records from many workers interleave whole (one write(2)
 * per record). syslog-ng follows the spool (conf/syslog-ng/stockade.conf); this
 * module never talks to it. The state below is per process and not shared between
 * threads: each FastCGI worker is single-threaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "result.h"

#define SD_ID		"stockade@32473"
#define APP_NAME	"stockade-fcgi"

/* authpriv: the records say who did what with which key, like login records */
#define FACILITY	10
#define SEV_WARNING	4
#define SEV_NOTICE	5
#define SEV_INFO	6

/* RFC 5424 section 6: the longest each header field may be */
#define HOST_MAX	255
#define APP_MAX		48
#define MSGID_MAX	32

/* Caps on a value before escaping; escaping at most doubles it. */
#define ID_CAP		128
#define TEXT_CAP	256
#define MSG_PART_CAP	64

/*
 * The longest header, "[stockade@32473]", " " and "\n" together stay below this, so a
 * buffer of this size always holds a well-formed record, if only with its header.
 */
#define MIN_RECORD	512
/* Params stop being added when fewer than this many bytes would be left for MSG. */
#define MSG_RESERVE	96

/* U+FFFD REPLACEMENT CHARACTER: stands for invalid UTF-8 and for control characters */
static const char replacement[] = "\xef\xbf\xbd";

/* ---- values ----------------------------------------------------------------------- */

/* C0 and C1 controls and DEL: a newline among them would split the record. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

/*
 * Copies src (n bytes) into dst as valid UTF-8 without control characters,
 * replacing each bad byte or control character with U+FFFD. The value, before
 * escaping, is cut at a character boundary to at most cap bytes. With escape,
 * '"', '\' and ']' are preceded by a backslash as RFC 5424 PARAM-VALUE wants, so
 * dst needs 2 * cap bytes.
 * Returns the bytes written (dst is not NUL-terminated).
 */
static size_t clean(char *dst, const char *src, size_t n, size_t cap, bool escape)
{
	size_t vlen = 0, out = 0, i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = sbx_utf8_seq(src + i, n - i, &cp);
		const char *piece = src + i;
		size_t plen = len;

		if (len == 0 || is_control(cp)) {
			piece = replacement;
			plen = sizeof(replacement) - 1;
		}
		if (vlen + plen > cap)
			break;
		if (escape && plen == 1 && (*piece == '"' || *piece == '\\' || *piece == ']'))
			dst[out++] = '\\';
		memcpy(dst + out, piece, plen);
		out += plen;
		vlen += plen;
		i += len ? len : 1;
	}
	return out;
}

/*
 * Copies a header field (PRINTUSASCII, 1 to cap characters): any other byte becomes
 * '_', and an empty or missing value is the NILVALUE "-". Returns the bytes written.
 */
static size_t header_field(char *dst, const char *src, size_t cap)
{
	size_t i;

	if (!src || !*src) {
		*dst = '-';
		return 1;
	}
	for (i = 0; src[i] && i < cap; i++)
		dst[i] = (src[i] > 32 && src[i] < 127) ? src[i] : '_';
	return i;
}

/* ---- the line --------------------------------------------------------------------- */

/* A bounded line: len never passes cap, and appends that would are refused whole. */
struct line {
	char *p;
	size_t len, cap;
};

static bool fits(const struct line *l, size_t n)
{
	return n <= l->cap - l->len;
}

static void put(struct line *l, const void *s, size_t n)
{
	if (fits(l, n)) {
		memcpy(l->p + l->len, s, n);
		l->len += n;
	}
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* ---- structured data -------------------------------------------------------------- */

enum kind {
	K_ARRAY,	/* char array in the record (cap: its size); unset when empty */
	K_STR,		/* const char *; unset when NULL */
	K_I64,		/* int64_t; unset when negative */
	K_INT,		/* int; unset when negative */
	K_SIGNAL,	/* int; unset when 0 */
	K_U64,		/* uint64_t; always set (gated by has_code below) */
};

struct param {
	const char *name;
	enum kind kind;
	size_t off;
	size_t cap;		/* strings only */
	bool code;		/* only when has_code */
};

#define P(name, kind, cap) { #name, kind, offsetof(struct audit_rec, name), cap, false }
#define PC(name, kind, cap) { #name, kind, offsetof(struct audit_rec, name), cap, true }
#define ARRAY_SIZE(name) sizeof(((struct audit_rec *)0)->name)

/*
 * The PARAMs, most important first: when a record would not fit, the trailing ones
 * are dropped. The free text (error_message) comes last, it is the longest.
 */
static const struct param params[] = {
	P(request_id, K_ARRAY, ARRAY_SIZE(request_id)),
	P(tenant, K_STR, ID_CAP),
	P(key_id, K_STR, ID_CAP),
	P(client, K_STR, ID_CAP),
	P(method, K_STR, ID_CAP),
	P(api, K_STR, ID_CAP),
	P(route, K_STR, ID_CAP),
	P(http_status, K_INT, 0),
	P(error_code, K_STR, ID_CAP),
	P(pool, K_STR, ID_CAP),
	P(identifier, K_STR, ID_CAP),
	P(execution_id, K_STR, ID_CAP),
	P(status, K_STR, ID_CAP),
	P(verdict, K_STR, ID_CAP),
	P(language, K_STR, ID_CAP),
	P(tests, K_I64, 0),
	P(tests_passed, K_I64, 0),
	P(exit_code, K_INT, 0),
	P(signal, K_SIGNAL, 0),
	PC(code_sha256, K_ARRAY, ARRAY_SIZE(code_sha256)),
	PC(code_bytes, K_U64, 0),
	P(timeout_ms, K_I64, 0),
	P(memory_limit_kb, K_I64, 0),
	P(cpu_ms, K_I64, 0),
	P(wall_ms, K_I64, 0),
	P(memory_peak_kb, K_I64, 0),
	P(bytes_in, K_I64, 0),
	P(bytes_out, K_I64, 0),
	P(duration_us, K_I64, 0),
	P(file_name, K_STR, TEXT_CAP),
	P(file_bytes, K_I64, 0),
	P(error_message, K_STR, TEXT_CAP),
};

/*
 * Formats one PARAM (' name="value"') into out, which holds 2 * TEXT_CAP + 64 bytes.
 * Returns its length, or 0 when the field is unset.
 */
static size_t format_param(const struct audit_rec *r, const struct param *p, char *out)
{
	const char *base = (const char *)r + p->off;
	const char *s = NULL;
	long long v = -1;
	size_t n;

	if (p->code && !r->has_code)
		return 0;
	switch (p->kind) {
	case K_ARRAY:
		s = base;
		break;
	case K_STR:
		memcpy(&s, base, sizeof(s));
		break;
	case K_I64: {
		int64_t x;

		memcpy(&x, base, sizeof(x));
		v = x;
		break;
	}
	case K_INT:
	case K_SIGNAL: {
		int x;

		memcpy(&x, base, sizeof(x));
		v = (p->kind == K_SIGNAL && x == 0) ? -1 : x;
		break;
	}
	case K_U64: {
		uint64_t x;

		memcpy(&x, base, sizeof(x));
		return (size_t)snprintf(out, 64, " %s=\"%llu\"", p->name, (unsigned long long)x);
	}
	}
	if (p->kind == K_ARRAY || p->kind == K_STR) {
		size_t len;

		if (!s || !*s)
			return 0;
		/* an array the caller filled to the brim has no NUL: never read past
		 * it; of a string, a value of cap bytes needs at most cap + 4 */
		len = strnlen(s, p->kind == K_ARRAY ? p->cap : p->cap + 4);
		n = (size_t)snprintf(out, 64, " %s=\"", p->name);
		n += clean(out + n, s, len, p->cap, true);
		out[n++] = '"';
		return n;
	}
	if (v < 0)
		return 0;
	return (size_t)snprintf(out, 64, " %s=\"%lld\"", p->name, v);
}

/* ---- the record ------------------------------------------------------------------- */

static int severity(int http_status)
{
	if (http_status == 401 || http_status == 403 || http_status == 429)
		return SEV_NOTICE;
	if (http_status >= 500 && http_status < 600)
		return SEV_WARNING;
	return SEV_INFO;
}

/* the input bytes that can make a part of MSG_PART_CAP bytes, a sequence's worth more */
#define PART_LEN (MSG_PART_CAP + 4)

/* Writes label and then s, cleaned and capped, to out; returns the bytes written. */
static size_t part(char *out, const char *label, const char *s)
{
	size_t n = strlen(label);

	memcpy(out, label, n);
	return n + clean(out + n, s, strnlen(s, PART_LEN), MSG_PART_CAP, false);
}

/*
 * The human summary, "POST code/execute 200 tenant=acme status=... error=...", into
 * out (6 * (MSG_PART_CAP + 16) bytes: five labelled parts and the status). Returns its
 * length.
 */
static size_t summary(const struct audit_rec *r, char *out)
{
	const char *what = r->route && *r->route ? r->route :
			   r->method && *r->method ? r->method : "-";
	size_t n = part(out, "", what);

	if (r->http_status >= 0)
		n += (size_t)snprintf(out + n, 16, " %d", r->http_status);
	if (r->tenant && *r->tenant)
		n += part(out + n, " tenant=", r->tenant);
	if (r->status && *r->status)
		n += part(out + n, " status=", r->status);
	if (r->verdict && *r->verdict)
		n += part(out + n, " verdict=", r->verdict);
	if (r->error_code && *r->error_code)
		n += part(out + n, " error=", r->error_code);
	return n;
}

void audit_rec_init(struct audit_rec *r)
{
	memset(r, 0, sizeof(*r));
	/* memset set: NULL strings, empty request_id and code_sha256, time_us 0 (stamped
	 * when formatted), has_code false, code_bytes 0, signal 0 */
	r->timeout_ms = r->memory_limit_kb = -1;
	r->http_status = r->exit_code = -1;
	r->cpu_ms = r->wall_ms = r->memory_peak_kb = -1;
	r->tests = r->tests_passed = -1;
	r->bytes_in = r->bytes_out = r->duration_us = r->file_bytes = -1;
}

size_t audit_format(const struct audit_rec *r, const char *hostname, const char *app,
		    char *buf, size_t size)
{
	struct line l = { buf, 0, 0 };
	char field[HOST_MAX + 1], tmp[2 * TEXT_CAP + 64], msg[6 * (MSG_PART_CAP + 16)];
	uint64_t us = r->time_us;
	struct timespec now;
	struct tm tm;
	time_t secs;
	size_t i, n, room;

	if (size < MIN_RECORD) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	l.cap = (size < AUDIT_MAX_RECORD ? size : AUDIT_MAX_RECORD) - 1;	/* the NUL */

	if (us == 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		us = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
	}
	secs = (time_t)(us / 1000000);
	gmtime_r(&secs, &tm);
	n = (size_t)snprintf(tmp, sizeof(tmp), "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ ",
			     FACILITY * 8 + severity(r->http_status), tm.tm_year + 1900,
			     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			     (unsigned)(us % 1000000));
	put(&l, tmp, n);
	put(&l, field, header_field(field, hostname, HOST_MAX));
	put(&l, " ", 1);
	put(&l, field, header_field(field, app, APP_MAX));
	/* PROCID: a pid is far below the 128 characters RFC 5424 allows */
	n = (size_t)snprintf(tmp, sizeof(tmp), " %ld ", (long)getpid());
	put(&l, tmp, n);
	n = header_field(field, r->api && *r->api ? r->api : "request", MSGID_MAX);
	put(&l, field, n);

	puts_(&l, " [" SD_ID);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		n = format_param(r, &params[i], tmp);
		if (n == 0)
			continue;
		/* keep room for "]", " ", some MSG and "\n"; drop the rest in order */
		if (!fits(&l, n + MSG_RESERVE))
			break;
		put(&l, tmp, n);
	}
	put(&l, "] ", 2);

	n = summary(r, msg);
	room = l.cap - l.len - 1;	/* the newline */
	if (n > room) {
		n = room;
		/* cut at a character boundary: back off over continuation bytes */
		while (n > 0 && ((unsigned char)msg[n] & 0xc0) == 0x80)
			n--;
	}
	put(&l, msg, n);
	put(&l, "\n", 1);
	buf[l.len] = '\0';
	return l.len;
}

/* ---- the spool -------------------------------------------------------------------- */

static char spool[PATH_MAX - 32];	/* room left for "/audit-YYYYMMDD.log" */
static char host[HOST_MAX + 1];
static int day_fd = -1;
static int day_open;			/* YYYYMMDD of day_fd */

int audit_open(const char *spool_dir)
{
	struct stat st;

	if (strlen(spool_dir) >= sizeof(spool))
		return -ENAMETOOLONG;
	if (mkdir(spool_dir, 0750) < 0 && errno != EEXIST)
		return -errno;
	if (stat(spool_dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	audit_close();
	strcpy(spool, spool_dir);
	if (gethostname(host, sizeof(host)) < 0 || !host[0])
		strcpy(host, "-");
	host[sizeof(host) - 1] = '\0';
	return 0;
}

/*
 * Opens the spool file of day (YYYYMMDD), creating it mode 0640 whatever the umask
 * (syslog-ng may read it through the group), and the spool directory too when it
 * has been removed. Returns the descriptor or -errno.
 */
static int open_day(int day)
{
	char path[PATH_MAX];
	bool made_dir = false;
	int fd;

	snprintf(path, sizeof(path), "%s/audit-%08d.log", spool, day);
	for (;;) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd >= 0) {
			if (fchmod(fd, 0640) < 0) {
				int e = errno;

				close(fd);
				return -e;
			}
			return fd;
		}
		if (errno == EEXIST) {
			fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
			if (fd >= 0 || errno != ENOENT)
				return fd >= 0 ? fd : -errno;
			continue;	/* removed in between: create it again */
		}
		if (errno != ENOENT || made_dir)
			return -errno;
		/* the spool directory is gone: make it again, once */
		made_dir = true;
		if (mkdir(spool, 0750) < 0 && errno != EEXIST)
			return -errno;
	}
}

int audit_write(const struct audit_rec *r)
{
	char buf[AUDIT_MAX_RECORD];
	struct timespec now;
	struct stat st;
	struct tm tm;
	size_t len;
	ssize_t w;
	int day, fd;

	if (!spool[0])
		return -EBADF;
	len = audit_format(r, host, APP_NAME, buf, sizeof(buf));

	/* the file is that of the day the record is written, so a day's file is
	 * complete once the next day has begun */
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	day = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;

	/* a file unlinked under us (spool cleaned by hand) would swallow the records */
	if (day_fd >= 0 && (day != day_open || fstat(day_fd, &st) < 0 || st.st_nlink == 0)) {
		close(day_fd);
		day_fd = -1;
	}
	if (day_fd < 0) {
		fd = open_day(day);
		if (fd < 0)
			return fd;
		day_fd = fd;
		day_open = day;
	}

	do {
		w = write(day_fd, buf, len);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	if ((size_t)w < len) {
		/* out of space mid-record: end the torn line so that the next record
		 * starts a line of its own */
		if (write(day_fd, "\n", 1) < 0) {
			/* nothing more to do: the error below says it */
		}
		return -ENOSPC;
	}
	return 0;
}

void audit_close(void)
{
	if (day_fd >= 0)
		close(day_fd);
	day_fd = -1;
	day_open = 0;
}
