/*
 * conf.c - reads conf/stockade.xml into struct conf: the keeper's <keeper> and
 * <runtime>s, and stockade-fcgi's <fcgi>, <audit> and <tenant>s. Both daemons load
 * the whole file, so nothing here depends on which one is reading it: the fcgi
 * accounts are kept as names and looked up by stockade-fcgi alone.
 *
 * Three passes over one file, each able to refuse it:
 *   1. libxml2 parses it with the network off and no DTD: a <!DOCTYPE> stops the
 *      parser where it starts, so no entity is ever declared, loaded or expanded
 *      (no XXE, no billion laughs).
 *   2. The tree is validated against the built-in schema (conf/stockade.rng), so the
 *      keeper never accepts a file that `xmllint -relaxng` would refuse.
 *   3. The walk below reads every value through the tables of setters (one table per
 *      element, nginx ngx_command_t style), applies the defaults and checks what the
 *      schema cannot: ranges, unique runtimes, users that exist, limits a cell honours, unique
 *      tenants, key ids and key hashes, pools that name configured runtimes.
 * The walk is as strict as the schema, and it always runs, because its messages are
 * the better ones: libxml2 reports a bad attribute of an optional element as "extra
 * content" of the parent, where the walk says "runtime[python]/limits/@memory: not a
 * size: 12Q". The schema's message is reported only when the walk found nothing.
 *
 * Every message is one line, "<file>:<line>: <path>: <what>", and the first error
 * wins. The path is relative to <stockade>: runtime[python]/limits/@memory,
 * tenant[acme]/key[acme-1]/@sha256. A key's sha256 value is never quoted in a
 * message: whoever pastes the key itself there by mistake must not find it in a log.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <fcntl.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "conf.h"

#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

/* A configuration is a few KiB; anything past this is not one. */
#define CONF_FILE_MAX (1 * MiB)
/* Values quoted back in messages are cut here. */
#define QUOTE_MAX 64

/* The runners a runtime can name (sandbox/runners); the schema lists the same. */
static const char *const runtime_names[] = { "python", "node", "bash" };

/* The `unsigned` setter also fills the uint32_t limits: the same type on every target
 * Stockade builds for. */
_Static_assert(_Generic((uint32_t)0, unsigned: 1, default: 0), "uint32_t is unsigned");

/* ------------------------------------------------------------------------------------
 * Messages
 */

/* The first error of one source (libxml2, or the walk), already formatted. */
struct diag {
	const char *file;	/* the name messages carry */
	bool set;
	long line;
	char msg[512];
};

/* Replaces control characters (a value can hold &#10;) so a message stays one line,
 * and drops trailing blanks (libxml2 ends its messages with a newline). */
static void one_line(char *s)
{
	size_t n;

	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* Sets d's message unless it has one: the first error wins. The text is cut to fit. */
__attribute__((format(printf, 3, 4)))
static void say(struct diag *d, long line, const char *fmt, ...)
{
	va_list ap;

	if (d->set)
		return;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	one_line(d->msg);
	d->line = line;
	d->set = true;
}

static bool runtime_known(const char *name)
{
	for (size_t i = 0; i < sizeof(runtime_names) / sizeof(runtime_names[0]); i++)
		if (strcmp(name, runtime_names[i]) == 0)
			return true;
	return false;
}

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGIT "0123456789"

/* 1 to max bytes, all from `set`. */
static bool all_of(const char *s, const char *set, size_t max)
{
	size_t len = strlen(s);

	return len > 0 && len <= max && strspn(s, set) == len;
}

/* A tenant's name: [A-Za-z0-9_-]{1,64}. It goes into memcached keys and audit
 * records, so nothing that needs quoting. */
static bool tenant_name_ok(const char *s)
{
	return all_of(s, UPPER LOWER DIGIT "_-", 64);
}

/* A key's id: [A-Za-z0-9._-]{1,64}. */
static bool key_id_ok(const char *s)
{
	return all_of(s, UPPER LOWER DIGIT "._-", 64);
}

/* A user or group name for stockade-fcgi: [a-z_][a-z0-9_-]{0,31}, the portable
 * subset useradd accepts. Checked, not looked up (see struct conf_fcgi). */
static bool account_name_ok(const char *s)
{
	return s[0] && strchr(LOWER "_", s[0]) && all_of(s, LOWER DIGIT "_-", 32);
}

/*
 * The path of an element relative to the document element ("" for the document
 * element itself): keeper/memcached, runtime[python]/limits. A runtime is named by
 * its name attribute when that is a known runtime, so a hostile name never reaches
 * a message through the path.
 */
static void node_path(const xmlNode *n, char *buf, size_t len)
{
	const xmlNode *chain[16];
	size_t depth = 0, used = 0;


	buf[0] = '\0';
	for (; n && n->type == XML_ELEMENT_NODE && n->parent &&
	       n->parent->type == XML_ELEMENT_NODE; n = n->parent)
		if (depth < sizeof(chain) / sizeof(chain[0]))
			chain[depth++] = n;
	while (depth > 0 && used < len) {
		const xmlNode *e = chain[--depth];
		xmlChar *name = NULL;
		bool named;
		int k;

		if (xmlStrEqual(e->name, BAD_CAST "runtime") ||
		    xmlStrEqual(e->name, BAD_CAST "tenant"))
			name = xmlGetNoNsProp(e, BAD_CAST "name");
		else if (xmlStrEqual(e->name, BAD_CAST "key"))
			name = xmlGetNoNsProp(e, BAD_CAST "id");
		/* Only a name that passes its own check is shown. */
		named = name && (xmlStrEqual(e->name, BAD_CAST "runtime")
				 ? runtime_known((const char *)name)
				 : xmlStrEqual(e->name, BAD_CAST "tenant")
				 ? tenant_name_ok((const char *)name)
				 : key_id_ok((const char *)name));
		k = snprintf(buf + used, len - used, "%s%.32s%s%s%s", used ? "/" : "",
			     (const char *)e->name, named ? "[" : "",
			     named ? (const char *)name : "", named ? "]" : "");
		xmlFree(name);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

/* "attr" alone for the document element's attributes, "path/@attr" below it. */
static void field_path(const xmlNode *n, const char *attr, char *buf, size_t len)
{
	char path[256];

	node_path(n, path, sizeof(path));
	if (!attr)
		snprintf(buf, len, "%s", path[0] ? path : "stockade");
	else
		snprintf(buf, len, "%s%s@%s", path, path[0] ? "/" : "", attr);
}

/* Records the first error of the walk: "<file>:<line>: <path>: <what>". Returns -1. */
__attribute__((format(printf, 4, 5)))
static int fail(struct diag *d, const xmlNode *n, const char *attr, const char *fmt, ...)
{
	char what[384], field[320];
	va_list ap;
	long line;

	if (d->set)
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	field_path(n, attr, field, sizeof(field));
	line = n ? xmlGetLineNo(n) : 0;
	say(d, line, "%s:%ld: %s: %s", d->file, line, field, what);
	return -1;
}

/*
 * libxml2's structured errors, from the parser, the schema compiler and the
 * validator alike. Keeps the first error that has a line: the validator's first
 * words ("Element runtime failed to validate attributes") may have none, and the
 * next one says where. Warnings do not refuse a file and are dropped.
 */
static void on_xml_error(void *data, xmlErrorPtr e)
{
	struct diag *d = data;
	char field[320] = "";

	if (!e || e->level == XML_ERR_WARNING || (d->set && (d->line > 0 || e->line <= 0)))
		return;
	if (e->domain == XML_FROM_RELAXNGV && e->node &&
	    ((xmlNode *)e->node)->type == XML_ELEMENT_NODE)
		field_path(e->node, NULL, field, sizeof(field));
	d->set = false;		/* a message with a line replaces one without */
	say(d, e->line, "%s:%d: %s%s%s", d->file, e->line, field, field[0] ? ": " : "",
	    e->message ? e->message : "error");
}

/* The parser's errors: it calls its handler with its own context. */
static void on_parse_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr p = ctx;

	if (p && p->_private)
		on_xml_error(p->_private, e);
}

/* The SAX event of "<!DOCTYPE": refuses the file before any declaration is read. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *public_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr p = ctx;
	struct diag *d = p->_private;

	(void)name, (void)public_id, (void)system_id;
	if (d) {
		long line = p->input ? p->input->line : 0;

		say(d, line, "%s:%ld: <!DOCTYPE> is not allowed: a configuration has no "
		    "DTD and no entities", d->file, line);
	}
	/* Stopping alone leaves the document "well formed" (and empty). */
	p->wellFormed = 0;
	xmlStopParser(p);
}

/* ------------------------------------------------------------------------------------
 * Values: one setter per kind, each parsing the text into the field at `off`
 */

struct conf_attr;
typedef int conf_setter(struct diag *d, const xmlNode *n, const struct conf_attr *a,
			const char *val, void *field);

struct conf_attr {
	const char *name;
	conf_setter *set;	/* NULL: read by the element's own code */
	size_t off;		/* of the field, in the struct the element fills */
	uint64_t min, max;	/* the range, in the field's unit; for strings, max is
				 * the field's size */
};

/* Seconds as written in the file: "30", "0.2". */
static const char *secs(uint64_t ms, char *buf, size_t len)
{
	if (ms % 1000)
		snprintf(buf, len, "%llu.%03llu", (unsigned long long)(ms / 1000),
			 (unsigned long long)(ms % 1000));
	else
		snprintf(buf, len, "%llu", (unsigned long long)(ms / 1000));
	return buf;
}

/* A whole number in [a->min, a->max], into *v. */
static int read_count(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		      const char *val, uint64_t *v)
{
	int rc = sbx_parse_uint(val, a->min, a->max, v);

	if (rc == -ERANGE)
		return fail(d, n, a->name, "%.*s is outside [%llu, %llu]", QUOTE_MAX, val,
			    (unsigned long long)a->min, (unsigned long long)a->max);
	if (rc < 0)
		return fail(d, n, a->name, "not a whole number: %.*s", QUOTE_MAX, val);
	return 0;
}

static int set_count(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		     const char *val, void *field)
{
	uint64_t v;

	if (read_count(d, n, a, val, &v) < 0)
		return -1;
	*(unsigned *)field = (unsigned)v;	/* max fits: the tables say so */
	return 0;
}

static int set_u64(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		   const char *val, void *field)
{
	return read_count(d, n, a, val, (uint64_t *)field);
}

static int set_size(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		    const char *val, void *field)
{
	uint64_t v;

	if (sbx_parse_size(val, &v) < 0)
		return fail(d, n, a->name, "not a size: %.*s (e.g. 4096, 64K, 512M, 1.5G)",
			    QUOTE_MAX, val);
	if (v < a->min || v > a->max)
		return fail(d, n, a->name, "%.*s is outside [%llu, %llu] bytes", QUOTE_MAX, val,
			    (unsigned long long)a->min, (unsigned long long)a->max);
	*(uint64_t *)field = v;
	return 0;
}

/* Seconds in the file, milliseconds in the struct. */
static int set_ms(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		  const char *val, void *field)
{
	char lo[32], hi[32];
	uint64_t v;

	if (sbx_parse_seconds(val, &v) < 0)
		return fail(d, n, a->name, "not a number of seconds: %.*s (e.g. 30, 0.2)",
			    QUOTE_MAX, val);
	if (v < a->min || v > a->max)
		return fail(d, n, a->name, "%.*s is outside [%s, %s] seconds", QUOTE_MAX, val,
			    secs(a->min, lo, sizeof(lo)), secs(a->max, hi, sizeof(hi)));
	*(uint64_t *)field = v;
	return 0;
}

/* Octal permission bits, "660" or "0660", at most 0777. */
static int set_mode(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		    const char *val, void *field)
{
	size_t len = strlen(val);
	unsigned long v;

	if (len < 3 || len > 4 || strspn(val, "01234567") != len ||
	    (len == 4 && val[0] != '0'))
		return fail(d, n, a->name, "not an octal mode: %.*s (e.g. 0660)", QUOTE_MAX,
			    val);
	v = strtoul(val, NULL, 8);
	*(mode_t *)field = (mode_t)v;
	return 0;
}

/* A copy that must fit the field, `max` bytes with its NUL. */
static int copy_str(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		    const char *val, void *field)
{
	size_t len = strlen(val);

	if (len == 0)
		return fail(d, n, a->name, "is empty");
	if (len >= a->max)
		return fail(d, n, a->name, "longer than %llu bytes: %.*s...",
			    (unsigned long long)a->max - 1, QUOTE_MAX, val);
	memcpy(field, val, len + 1);
	return 0;
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return true;
	return false;
}

/* An absolute path that fits sockaddr_un. */
static int set_socket(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		      const char *val, void *field)
{
	if (val[0] != '/' || has_space(val))
		return fail(d, n, a->name, "not an absolute path without spaces: %.*s",
			    QUOTE_MAX, val);
	return copy_str(d, n, a, val, field);
}

/* A host name goes into memcached keys and values: letters, digits, . - _ only. */
static bool host_ok(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len < sizeof(((struct conf *)0)->host) && s[0] != '.' &&
	       s[0] != '-' && s[0] != '_' &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789.-_") == len;
}

static int set_host(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		    const char *val, void *field)
{
	if (!host_ok(val))
		return fail(d, n, a->name, "not a host name (letters, digits, '.', '-', '_', "
			    "at most 63): %.*s", QUOTE_MAX, val);
	return copy_str(d, n, a, val, field);
}

/* A libmemcached server list: no spaces, no empty entries. */
static int set_servers(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		       const char *val, void *field)
{
	size_t len = strlen(val);

	if (has_space(val) || val[0] == ',' || (len && val[len - 1] == ',') ||
	    strstr(val, ",,"))
		return fail(d, n, a->name, "not a server list (host:port,host:port): %.*s",
			    QUOTE_MAX, val);
	return copy_str(d, n, a, val, field);
}

/* A numeric id, or -1 when `s` is not all digits or out of range. */
static long long numeric_id(const char *s)
{
	uint64_t v;

	/* (uid_t)-1 means "no change" to chown(2), never a user. */
	if (sbx_parse_uint(s, 0, UINT32_MAX - 1, &v) < 0)
		return -1;
	return (long long)v;
}

/*
 * Calls getpwnam_r or getgrnam_r (`user` says which) with a buffer that grows on
 * ERANGE. Returns 0 with *id, -ENOENT when there is no such name, or -errno.
 */
static int lookup_id(const char *name, bool user, unsigned *id)
{
	long hint = sysconf(user ? _SC_GETPW_R_SIZE_MAX : _SC_GETGR_R_SIZE_MAX);
	size_t len = hint > 0 ? (size_t)hint : 16384;
	int rc;

	for (;;) {
		char *buf = malloc(len);
		struct passwd pw, *pwp = NULL;
		struct group gr, *grp = NULL;

		if (!buf)
			return -ENOMEM;
		if (user) {
			rc = getpwnam_r(name, &pw, buf, len, &pwp);
			if (rc == 0 && pwp)
				*id = pwp->pw_uid;
		} else {
			rc = getgrnam_r(name, &gr, buf, len, &grp);
			if (rc == 0 && grp)
				*id = grp->gr_gid;
		}
		free(buf);
		if (rc == ERANGE && len < 1 * MiB) {
			len *= 2;
			continue;
		}
		/* Some NSS modules say "not found" with an error number. */
		if (rc == ENOENT || rc == ESRCH)
			return -ENOENT;
		if (rc != 0)
			return -rc;
		return (user ? pwp != NULL : grp != NULL) ? 0 : -ENOENT;
	}
}

static int set_account(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		       const char *val, void *field, bool user)
{
	long long num = numeric_id(val);
	unsigned id = 0;
	int rc;

	if (num >= 0) {
		id = (unsigned)num;
	} else if ((rc = lookup_id(val, user, &id)) == -ENOENT) {
		return fail(d, n, a->name, "no such %s: %.*s", user ? "user" : "group",
			    QUOTE_MAX, val);
	} else if (rc < 0) {
		return fail(d, n, a->name, "cannot look up %s %.*s: %s",
			    user ? "user" : "group", QUOTE_MAX, val, strerror(-rc));
	}
	if (user)
		*(uid_t *)field = (uid_t)id;
	else
		*(gid_t *)field = (gid_t)id;
	return 0;
}

static int set_owner(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		     const char *val, void *field)
{
	return set_account(d, n, a, val, field, true);
}

static int set_group(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		     const char *val, void *field)
{
	return set_account(d, n, a, val, field, false);
}

/* A user or group name kept as a name: stockade-fcgi looks it up, not the loader. */
static int set_account_name(struct diag *d, const xmlNode *n, const struct conf_attr *a,
			    const char *val, void *field)
{
	if (!account_name_ok(val))
		return fail(d, n, a->name, "not a user or group name ([a-z_][a-z0-9_-], at "
			    "most 32): %.*s", QUOTE_MAX, val);
	return copy_str(d, n, a, val, field);
}

/* An absolute directory path, without spaces like the socket paths. */
static int set_dir(struct diag *d, const xmlNode *n, const struct conf_attr *a,
		   const char *val, void *field)
{
	if (val[0] != '/' || has_space(val))
		return fail(d, n, a->name, "not an absolute path without spaces: %.*s",
			    QUOTE_MAX, val);
	return copy_str(d, n, a, val, field);
}

/* ------------------------------------------------------------------------------------
 * Elements: which attributes each takes, into which field, in which range.
 * The defaults are in conf_defaults() and runtime_defaults(); the schema documents
 * the same ranges and defaults.
 */

#define C(f) offsetof(struct conf, f)
#define R(f) offsetof(struct conf_runtime, f)
#define F(f) offsetof(struct conf_fcgi, f)
#define T(f) offsetof(struct conf_tenant, f)
#define SIZE(type, f) sizeof(((type *)0)->f)

static const struct conf_attr stockade_attrs[] = {
	{ "version", NULL, 0, 0, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct conf_attr keeper_attrs[] = {
	{ "socket",          set_socket, C(socket), 0, SIZE(struct sockaddr_un, sun_path) },
	{ "mode",            set_mode,   C(socket_mode), 0, 0 },
	{ "owner",           set_owner,  C(socket_uid), 0, 0 },
	{ "group",           set_group,  C(socket_gid), 0, 0 },
	{ "host",            set_host,   C(host), 0, SIZE(struct conf, host) },
	{ "max-connections", set_count,  C(max_connections), 1, 65536 },
	{ "busy-wait",       set_ms,     C(busy_wait_ms), 0, 3600 * 1000 },
	{ "max-upload",      set_size,   C(max_upload), 1, 64 * GiB },
	{ NULL, NULL, 0, 0, 0 },
};

/* How the sizes relate (upload and request within body, code within request) is
 * checked by walk_fcgi once all are read. */
static const struct conf_attr fcgi_attrs[] = {
	{ "socket",      set_socket,       F(socket), 0, SIZE(struct sockaddr_un, sun_path) },
	{ "mode",        set_mode,         F(mode), 0, 0 },
	{ "owner",       set_account_name, F(owner), 0, SIZE(struct conf_fcgi, owner) },
	{ "group",       set_account_name, F(group), 0, SIZE(struct conf_fcgi, group) },
	{ "user",        set_account_name, F(user), 0, SIZE(struct conf_fcgi, user) },
	{ "workers",     set_count,        F(workers), 1, 64 },
	{ "max-body",    set_size,         F(max_body), 1, 64 * GiB },
	{ "max-request", set_size,         F(max_request), 1, 64 * GiB },
	{ "max-code",    set_size,         F(max_code), 1, 64 * GiB },
	{ "max-upload",  set_size,         F(max_upload), 1, 64 * GiB },
	{ "max-depth",   set_count,        F(max_depth), 2, 1000 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct conf_attr audit_attrs[] = {
	{ "spool", set_dir, C(audit_spool), 0, SIZE(struct conf, audit_spool) },
	{ NULL, NULL, 0, 0, 0 },
};

/* name and pools are walk_tenant's: pools can name a runtime later in the file. */
static const struct conf_attr tenant_attrs[] = {
	{ "name",                  NULL,      0, 0, 0 },
	{ "max-sessions",          set_count, T(max_sessions), 1, 10000 },
	{ "executions-per-minute", set_count, T(per_minute), 1, 1000000 },
	{ "max-requests",          set_count, T(max_requests), 1, 64 },
	{ "pools",                 NULL,      0, 0, 0 },
	{ "max-timeout",           set_ms,    T(max_timeout_ms), 1, 86400 * 1000 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct conf_attr key_attrs[] = {
	{ "id",     NULL, 0, 0, 0 },
	{ "sha256", NULL, 0, 0, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct conf_attr memcached_attrs[] = {
	{ "servers", set_servers, C(memcached), 0, SIZE(struct conf, memcached) },
	{ "timeout", set_ms,      C(memcached_timeout_ms), 1, 60 * 1000 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct conf_attr runtime_attrs[] = {
	{ "name",         NULL,      0, 0, 0 },
	{ "ready",        set_count, R(ready), 0, 256 },
	{ "max-sessions", set_count, R(max_sessions), 1, 4096 },
	{ "cooldown",     set_u64,   R(cooldown_s), 1, 86400 },
	{ "timeout",      set_ms,    R(timeout_ms), 1, 86400 * 1000 },
	{ "max-timeout",  set_ms,    R(max_timeout_ms), 1, 86400 * 1000 },
	{ "grace",        set_ms,    R(grace_ms), 1, 60 * 1000 },
	{ NULL, NULL, 0, 0, 0 },
};

/* The bounds of the limits are sbx_limits_valid's, checked once they are all read. */
static const struct conf_attr limits_attrs[] = {
	{ "memory",     set_size,  R(lim.memory), 0, UINT64_MAX },
	{ "pids",       set_count, R(lim.pids), 0, UINT32_MAX },
	{ "cpus",       set_count, R(lim.cpus), 0, UINT32_MAX },
	{ "disk",       set_size,  R(lim.disk), 0, UINT64_MAX },
	{ "inodes",     set_count, R(lim.inodes), 0, UINT32_MAX },
	{ "output",     set_size,  R(lim.output), 0, UINT64_MAX },
	{ "file-size",  set_size,  R(lim.fsize), 0, UINT64_MAX },
	{ "open-files", set_count, R(lim.nofile), 0, UINT32_MAX },
	{ "cpu-time",   set_ms,    R(lim.cpu_ms), 0, UINT64_MAX },
	{ "lifetime",   set_ms,    R(lim.wall_ms), 0, UINT64_MAX },
	{ NULL, NULL, 0, 0, 0 },
};

#undef C
#undef R
#undef F
#undef T
#undef SIZE

/*
 * Reads every attribute of n through `table` into the struct at `base`. An
 * attribute the table does not name, or one in a namespace, is an error. Entries
 * without a setter are the element's own to read.
 */
static int set_attrs(struct diag *d, const xmlNode *n, const struct conf_attr *table,
		     void *base)
{
	for (const xmlAttr *at = n->properties; at; at = at->next) {
		const struct conf_attr *a = table;
		xmlChar *val;
		int rc;

		while (a->name && (at->ns || !xmlStrEqual(at->name, BAD_CAST a->name)))
			a++;
		if (!a->name)
			return fail(d, n, (const char *)at->name, "unknown attribute");
		if (!a->set)
			continue;
		val = xmlNodeListGetString(n->doc, at->children, 1);
		rc = a->set(d, n, a, val ? (const char *)val : "", (char *)base + a->off);
		xmlFree(val);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Comments and blank text are allowed between elements; other text is not. */
static int check_text(struct diag *d, const xmlNode *k)
{
	if (k->type == XML_TEXT_NODE && k->content &&
	    strspn((const char *)k->content, " \t\r\n") == strlen((const char *)k->content))
		return 0;
	if (k->type == XML_COMMENT_NODE || k->type == XML_PI_NODE)
		return 0;
	return fail(d, k->parent, NULL, "text is not allowed here");
}

/* An element this one does not contain. */
static int unknown_element(struct diag *d, const xmlNode *k, const char *expected)
{
	return fail(d, k, NULL, "unknown element%s%s", expected ? ", expected " : "",
		    expected ? expected : "");
}

static bool is_elem(const xmlNode *k, const char *name)
{
	return k->type == XML_ELEMENT_NODE && !k->ns && xmlStrEqual(k->name, BAD_CAST name);
}

/* For the elements that hold attributes only. */
static int no_children(struct diag *d, const xmlNode *n)
{
	for (const xmlNode *k = n->children; k; k = k->next)
		if (k->type == XML_ELEMENT_NODE ? unknown_element(d, k, NULL) < 0
						: check_text(d, k) < 0)
			return -1;
	return 0;
}

static void runtime_defaults(struct conf_runtime *rt)
{
	rt->ready = 1;
	rt->max_sessions = 16;
	rt->cooldown_s = 300;
	rt->timeout_ms = 30 * 1000;
	rt->max_timeout_ms = 300 * 1000;
	rt->grace_ms = 2 * 1000;
	sbx_limits_default(&rt->lim);
	/*
	 * A cell lives as long as its session, not one execution: the whole session
	 * gets the most CPU and wall time sbx_limits_valid allows (1 h, 24 h). Each
	 * execution is bounded by its own timeout.
	 */
	rt->lim.cpu_ms = 3600 * 1000;
	rt->lim.wall_ms = 24 * 3600 * 1000;
}

static int walk_runtime(struct diag *d, const xmlNode *n, struct conf *c, long *lines)
{
	struct conf_runtime *rt;
	const xmlNode *lim = NULL;
	xmlChar *name = xmlGetNoNsProp(n, BAD_CAST "name");
	const char *why = NULL;
	int rc = -1;

	if (!name) {
		fail(d, n, "name", "missing: which runtime (python, node or bash)");
		goto out;
	}
	if (!runtime_known((const char *)name)) {
		fail(d, n, "name", "not a runtime: %.*s (python, node or bash)", QUOTE_MAX,
		     (const char *)name);
		goto out;
	}
	for (unsigned i = 0; i < c->nruntimes; i++)
		if (strcmp(c->rt[i].name, (const char *)name) == 0) {
			fail(d, n, NULL, "a second runtime %s (the first is at line %ld)",
			     (const char *)name, lines[i]);
			goto out;
		}
	if (c->nruntimes == CONF_MAX_RUNTIMES) {
		fail(d, n, NULL, "more than %d runtimes", CONF_MAX_RUNTIMES);
		goto out;
	}
	rt = &c->rt[c->nruntimes];
	runtime_defaults(rt);
	snprintf(rt->name, sizeof(rt->name), "%s", (const char *)name);
	lines[c->nruntimes] = xmlGetLineNo(n);

	if (set_attrs(d, n, runtime_attrs, rt) < 0)
		goto out;
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (is_elem(k, "limits")) {
			if (lim) {
				fail(d, k, NULL, "a second <limits> (the first is at line %ld)",
				     xmlGetLineNo(lim));
				goto out;
			}
			lim = k;
			if (set_attrs(d, k, limits_attrs, rt) < 0 || no_children(d, k) < 0)
				goto out;
		} else if (k->type == XML_ELEMENT_NODE) {
			unknown_element(d, k, "<limits>");
			goto out;
		} else if (check_text(d, k) < 0) {
			goto out;
		}
	}
	if (rt->timeout_ms > rt->max_timeout_ms) {
		char t[32], m[32];

		fail(d, n, "timeout", "%s s is more than max-timeout (%s s)",
		     secs(rt->timeout_ms, t, sizeof(t)), secs(rt->max_timeout_ms, m, sizeof(m)));
		goto out;
	}
	if (!sbx_limits_valid(&rt->lim, &why)) {
		fail(d, lim ? lim : n, NULL, "%s", why);
		goto out;
	}
	if (rt->max_timeout_ms > rt->lim.wall_ms) {
		char t[32], w[32];

		fail(d, n, "max-timeout", "%s s is more than the cell's lifetime (%s s)",
		     secs(rt->max_timeout_ms, t, sizeof(t)), secs(rt->lim.wall_ms, w, sizeof(w)));
		goto out;
	}
	c->nruntimes++;
	rc = 0;
out:
	xmlFree(name);
	return rc;
}

static int walk_keeper(struct diag *d, const xmlNode *n, struct conf *c)
{
	const xmlNode *mc = NULL;

	if (set_attrs(d, n, keeper_attrs, c) < 0)
		return -1;
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (is_elem(k, "memcached")) {
			if (mc)
				return fail(d, k, NULL, "a second <memcached> (the first is at "
					    "line %ld)", xmlGetLineNo(mc));
			mc = k;
			if (set_attrs(d, k, memcached_attrs, c) < 0 || no_children(d, k) < 0)
				return -1;
		} else if (k->type == XML_ELEMENT_NODE) {
			return unknown_element(d, k, "<memcached>");
		} else if (check_text(d, k) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Bytes as the file would say them: 129M, 1.5K stays 1536. */
static const char *size_str(uint64_t v, char *buf, size_t len)
{
	static const struct { uint64_t unit; char suffix; } units[] = {
		{ GiB, 'G' }, { MiB, 'M' }, { KiB, 'K' },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (v >= units[i].unit && v % units[i].unit == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(v / units[i].unit),
				 units[i].suffix);
			return buf;
		}
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* Fails on attr unless small <= big. */
static int size_within(struct diag *d, const xmlNode *n, const char *attr, uint64_t small,
		       const char *big_attr, uint64_t big)
{
	char s[32], b[32];

	if (small <= big)
		return 0;
	return fail(d, n, attr, "%s is more than %s (%s)", size_str(small, s, sizeof(s)),
		    big_attr, size_str(big, b, sizeof(b)));
}

static int walk_fcgi(struct diag *d, const xmlNode *n, struct conf *c)
{
	const struct conf_fcgi *f = &c->fcgi;

	if (set_attrs(d, n, fcgi_attrs, &c->fcgi) < 0 || no_children(d, n) < 0)
		return -1;
	/* A body holds the request, or the upload with its multipart framing; the code
	 * travels inside a request. */
	if (size_within(d, n, "max-upload", f->max_upload, "max-body", f->max_body) < 0 ||
	    size_within(d, n, "max-request", f->max_request, "max-body", f->max_body) < 0 ||
	    size_within(d, n, "max-code", f->max_code, "max-request", f->max_request) < 0)
		return -1;
	return 0;
}

/* 64 hex digits, either case, into out. */
static bool unhex_sha256(const char *s, unsigned char out[32])
{
	if (strlen(s) != 64 || strspn(s, DIGIT "abcdefABCDEF") != 64)
		return false;
	for (size_t i = 0; i < 32; i++) {
		char pair[3] = { s[2 * i], s[2 * i + 1], '\0' };

		out[i] = (unsigned char)strtoul(pair, NULL, 16);
	}
	return true;
}

/* The <key>s and <tenant>s read so far, for the messages on duplicates. */
struct seen {
	const xmlNode *tenant[CONF_MAX_TENANTS];
	const xmlNode *key[CONF_MAX_TENANTS][CONF_MAX_KEYS];
};

/* Reads a <key> into t's next slot: t is c->tenants[c->ntenants], not yet counted. */
static int walk_key(struct diag *d, const xmlNode *n, struct conf *c, struct conf_tenant *t,
		    struct seen *seen)
{
	xmlChar *id = xmlGetNoNsProp(n, BAD_CAST "id");
	xmlChar *hex = xmlGetNoNsProp(n, BAD_CAST "sha256");
	struct conf_key *k = &t->keys[t->nkeys];	/* one past the end when full */
	int rc = -1;

	if (t->nkeys == CONF_MAX_KEYS) {
		fail(d, n, NULL, "more than %d keys in one tenant", CONF_MAX_KEYS);
		goto out;
	}
	if (set_attrs(d, n, key_attrs, k) < 0 || no_children(d, n) < 0)
		goto out;
	if (!id) {
		fail(d, n, "id", "missing: the key's name in audit records");
		goto out;
	}
	if (!key_id_ok((const char *)id)) {
		fail(d, n, "id", "not a key id ([A-Za-z0-9._-], at most 64): %.*s",
		     QUOTE_MAX, (const char *)id);
		goto out;
	}
	if (!hex) {
		fail(d, n, "sha256", "missing: the SHA-256 of the key, in hex");
		goto out;
	}
	/* The value is not quoted: it could be the key itself, pasted by mistake. */
	if (!unhex_sha256((const char *)hex, k->sha256)) {
		fail(d, n, "sha256", "not a SHA-256: 64 hex digits wanted, %zu characters "
		     "given (printf %%s \"$KEY\" | sha256sum)", strlen((const char *)hex));
		goto out;
	}
	snprintf(k->id, sizeof(k->id), "%s", (const char *)id);	/* key_id_ok: fits */

	/* Unique in the whole file: the tenants before this one, and this one so far. */
	for (unsigned i = 0; i <= c->ntenants; i++) {
		const struct conf_tenant *o = &c->tenants[i];

		for (unsigned j = 0; j < o->nkeys; j++) {
			long line = xmlGetLineNo(seen->key[i][j]);

			if (strcmp(o->keys[j].id, k->id) == 0) {
				fail(d, n, "id", "a second key %s (the first is at line %ld)",
				     k->id, line);
				goto out;
			}
			if (memcmp(o->keys[j].sha256, k->sha256, sizeof(k->sha256)) == 0) {
				fail(d, n, "sha256", "the same hash as key %s (line %ld)",
				     o->keys[j].id, line);
				goto out;
			}
		}
	}
	seen->key[c->ntenants][t->nkeys] = n;
	t->nkeys++;
	rc = 0;
out:
	xmlFree(hex);
	xmlFree(id);
	return rc;
}

static int walk_tenant(struct diag *d, const xmlNode *n, struct conf *c, struct seen *seen)
{
	struct conf_tenant *t;
	xmlChar *name = xmlGetNoNsProp(n, BAD_CAST "name");
	int rc = -1;

	if (!name) {
		fail(d, n, "name", "missing: the tenant's name");
		goto out;
	}
	if (!tenant_name_ok((const char *)name)) {
		fail(d, n, "name", "not a tenant name ([A-Za-z0-9_-], at most 64): %.*s",
		     QUOTE_MAX, (const char *)name);
		goto out;
	}
	for (unsigned i = 0; i < c->ntenants; i++)
		if (strcmp(c->tenants[i].name, (const char *)name) == 0) {
			fail(d, n, NULL, "a second tenant %s (the first is at line %ld)",
			     (const char *)name, xmlGetLineNo(seen->tenant[i]));
			goto out;
		}
	if (c->ntenants == CONF_MAX_TENANTS) {
		fail(d, n, NULL, "more than %d tenants", CONF_MAX_TENANTS);
		goto out;
	}
	t = &c->tenants[c->ntenants];
	/* calloc zeroed it: no keys, no pools until walk resolves them. */
	snprintf(t->name, sizeof(t->name), "%s", (const char *)name);	/* it fits */
	t->max_sessions = 16;
	t->per_minute = 600;
	t->max_timeout_ms = 300 * 1000;
	if (set_attrs(d, n, tenant_attrs, t) < 0)
		goto out;
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (is_elem(k, "key")) {
			if (walk_key(d, k, c, t, seen) < 0)
				goto out;
		} else if (k->type == XML_ELEMENT_NODE) {
			unknown_element(d, k, "<key>");
			goto out;
		} else if (check_text(d, k) < 0) {
			goto out;
		}
	}
	if (t->nkeys == 0) {
		fail(d, n, NULL, "no <key>: a tenant needs at least one");
		goto out;
	}
	seen->tenant[c->ntenants++] = n;
	rc = 0;
out:
	xmlFree(name);
	return rc;
}

/*
 * A tenant's pools, once every runtime is read: the bits of the runtimes its
 * pools attribute names, or of every runtime when it has none.
 */
static int tenant_pools(struct diag *d, const xmlNode *n, struct conf *c,
			struct conf_tenant *t)
{
	xmlChar *val = xmlGetNoNsProp(n, BAD_CAST "pools");
	char *save = NULL;
	int rc = -1;

	if (!val) {
		t->pools = (1u << c->nruntimes) - 1;
		return 0;
	}
	t->pools = 0;
	for (char *w = strtok_r((char *)val, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		unsigned i = 0;

		while (i < c->nruntimes && strcmp(c->rt[i].name, w) != 0)
			i++;
		if (i == c->nruntimes) {
			if (runtime_known(w))
				fail(d, n, "pools", "%s is not a configured <runtime>", w);
			else
				fail(d, n, "pools", "not a runtime: %.*s (python, node or bash)",
				     QUOTE_MAX, w);
			goto out;
		}
		t->pools |= 1u << i;
	}
	if (!t->pools) {
		fail(d, n, "pools", "names no runtime (leave it out for every runtime)");
		goto out;
	}
	rc = 0;
out:
	xmlFree(val);
	return rc;
}

static void conf_defaults(struct conf *c)
{
	/* calloc zeroed the rest: uid and gid 0 (root), no runtimes, no tenants, no
	 * host yet. */
	snprintf(c->socket, sizeof(c->socket), "%s", "/run/stockade/pool.sock");
	c->socket_mode = 0660;
	snprintf(c->memcached, sizeof(c->memcached), "%s", "127.0.0.1:11211");
	c->memcached_timeout_ms = 200;
	c->max_connections = 256;
	c->busy_wait_ms = 10 * 1000;
	c->max_upload = 128 * MiB;

	snprintf(c->fcgi.socket, sizeof(c->fcgi.socket), "%s", "/run/stockade/fcgi.sock");
	c->fcgi.mode = 0660;
	snprintf(c->fcgi.owner, sizeof(c->fcgi.owner), "%s", "stockade");
	snprintf(c->fcgi.group, sizeof(c->fcgi.group), "%s", "www-data");
	snprintf(c->fcgi.user, sizeof(c->fcgi.user), "%s", "stockade");
	c->fcgi.workers = 16;
	/* An upload of max-upload plus its multipart framing. */
	c->fcgi.max_body = 129 * MiB;
	c->fcgi.max_request = 8 * MiB;
	c->fcgi.max_code = 1 * MiB;
	c->fcgi.max_upload = 128 * MiB;
	c->fcgi.max_depth = 64;
	snprintf(c->audit_spool, sizeof(c->audit_spool), "%s", "/var/lib/stockade/audit");
}

static int walk(struct diag *d, const xmlNode *root, struct conf *c)
{
	const xmlNode *keeper = NULL, *fcgi = NULL, *audit = NULL;
	long lines[CONF_MAX_RUNTIMES] = { 0 };
	struct seen *seen;
	int rc = -1;
	xmlChar *version;
	bool good;

	if (!is_elem(root, "stockade"))
		return fail(d, root, NULL, "the document element is <%.32s>, not <stockade>",
			    (const char *)root->name);
	if (set_attrs(d, root, stockade_attrs, c) < 0)
		return -1;
	version = xmlGetNoNsProp(root, BAD_CAST "version");
	good = version && xmlStrEqual(version, BAD_CAST "1");
	if (!good)
		fail(d, root, "version", version ? "unknown version %.16s (this keeper reads 1)"
					      : "missing (version=\"1\")",
		     version ? (const char *)version : "");
	xmlFree(version);
	if (!good)
		return -1;

	/* Some 4 KiB of node pointers: off the stack of whichever thread loads. */
	seen = calloc(1, sizeof(*seen));
	if (!seen)
		return fail(d, root, NULL, "out of memory");
	for (const xmlNode *k = root->children; k; k = k->next) {
		if (is_elem(k, "keeper")) {
			if (keeper) {
				fail(d, k, NULL, "a second <keeper> (the first is at line %ld)",
				     xmlGetLineNo(keeper));
				goto free_seen;
			}
			keeper = k;
			if (walk_keeper(d, k, c) < 0)
				goto free_seen;
		} else if (is_elem(k, "runtime")) {
			if (walk_runtime(d, k, c, lines) < 0)
				goto free_seen;
		} else if (is_elem(k, "fcgi")) {
			if (fcgi) {
				fail(d, k, NULL, "a second <fcgi> (the first is at line %ld)",
				     xmlGetLineNo(fcgi));
				goto free_seen;
			}
			fcgi = k;
			if (walk_fcgi(d, k, c) < 0)
				goto free_seen;
		} else if (is_elem(k, "audit")) {
			if (audit) {
				fail(d, k, NULL, "a second <audit> (the first is at line %ld)",
				     xmlGetLineNo(audit));
				goto free_seen;
			}
			audit = k;
			if (set_attrs(d, k, audit_attrs, c) < 0 || no_children(d, k) < 0)
				goto free_seen;
		} else if (is_elem(k, "tenant")) {
			if (walk_tenant(d, k, c, seen) < 0)
				goto free_seen;
		} else if (k->type == XML_ELEMENT_NODE) {
			unknown_element(d, k, "<keeper>, <runtime>, <fcgi>, <audit> or <tenant>");
			goto free_seen;
		} else if (check_text(d, k) < 0) {
			goto free_seen;
		}
	}
	if (c->nruntimes == 0) {
		fail(d, root, NULL, "no <runtime>: the keeper needs at least one");
		goto free_seen;
	}
	/* Now that every runtime is known: a tenant may come before them. */
	for (unsigned i = 0; i < c->ntenants; i++)
		if (tenant_pools(d, seen->tenant[i], c, &c->tenants[i]) < 0)
			goto free_seen;
	rc = 0;
free_seen:
	free(seen);
	if (rc < 0)
		return rc;

	if (!c->host[0]) {
		char host[256];

		if (gethostname(host, sizeof(host)) < 0)
			return fail(d, keeper ? keeper : root, "host",
				    "not set, and gethostname failed: %s", strerror(errno));
		host[sizeof(host) - 1] = '\0';
		if (!host_ok(host))
			return fail(d, keeper ? keeper : root, "host",
				    "not set, and this host's name is not one the directory "
				    "can hold: %.*s", QUOTE_MAX, host);
		memcpy(c->host, host, strlen(host) + 1);	/* host_ok: it fits */
	}
	return 0;
}

/* ------------------------------------------------------------------------------------
 * Loading
 */

/* Reads the whole file, refusing anything but a regular file of at most CONF_FILE_MAX.
 * Returns the bytes (caller frees) or NULL with a message in d. */
static char *read_file(struct diag *d, const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		goto fail;
	if (fstat(fd, &st) < 0)
		goto close_fd;
	if (!S_ISREG(st.st_mode)) {
		say(d, 0, "%s: not a regular file", path);
		goto close_fd;
	}
	if (st.st_size > (off_t)CONF_FILE_MAX) {
		say(d, 0, "%s: larger than %llu bytes", path,
		    (unsigned long long)CONF_FILE_MAX);
		goto close_fd;
	}
	/* One byte more than the size: a file that grows while read is caught. */
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto close_fd;
	for (;;) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto free_buf;
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > (size_t)st.st_size) {
			say(d, 0, "%s: changed while read", path);
			goto free_buf;
		}
	}
	close(fd);
	*len = got;
	return buf;

free_buf:
	free(buf);
close_fd:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
fail:
	say(d, 0, "%s: %s", path, strerror(errno));
	return NULL;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

/*
 * Parses buf into a tree: no network, no DTD, no entity substitution, and a DOCTYPE
 * stops the parser (on_doctype). Returns the document or NULL with d set.
 */
static xmlDocPtr parse(struct diag *d, const char *path, const char *buf, size_t len)
{
	xmlParserCtxtPtr p = xmlNewParserCtxt();
	xmlDocPtr doc = NULL;

	if (!p) {
		say(d, 0, "%s: out of memory", path);
		return NULL;
	}
	/* The SAX callbacks get the parser context; they find d through _private. */
	p->_private = d;
	p->sax->internalSubset = on_doctype;
	p->sax->externalSubset = NULL;
	p->sax->serror = on_parse_error;
	doc = xmlCtxtReadMemory(p, buf, (int)len, path, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
	if (doc && (d->set || !p->wellFormed || doc->intSubset || doc->extSubset ||
		    !xmlDocGetRootElement(doc))) {
		/* on_doctype stopped it (d is set), or a DTD got in some other way. */
		say(d, 1, "%s:1: <!DOCTYPE> is not allowed", path);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc)
		say(d, 0, "%s: not an XML document", path);
	xmlFreeParserCtxt(p);
	return doc;
}

/* Validates doc against the built-in schema. Returns 0, or -1 with d set. */
static int validate(struct diag *d, xmlDocPtr doc)
{
	struct diag sd = { .file = "stockade.rng (built in)" };
	xmlRelaxNGParserCtxtPtr pc;
	xmlRelaxNGValidCtxtPtr vc;
	xmlRelaxNGPtr schema = NULL;
	int rc = -1;

	pc = xmlRelaxNGNewMemParserCtxt(conf_schema, (int)(conf_schema_end - conf_schema));
	if (!pc)
		goto fail;
	/* The schema compiler reads the schema with a parser of its own, which reports
	 * to this thread's handler: point that at sd for the while. */
	xmlRelaxNGSetParserStructuredErrors(pc, on_xml_error, &sd);
	xmlSetStructuredErrorFunc(&sd, on_xml_error);
	schema = xmlRelaxNGParse(pc);
	xmlSetStructuredErrorFunc(d, on_xml_error);
	xmlRelaxNGFreeParserCtxt(pc);
	if (!schema)
		goto fail;
	vc = xmlRelaxNGNewValidCtxt(schema);
	if (!vc)
		goto free_schema;
	xmlRelaxNGSetValidStructuredErrors(vc, on_xml_error, d);
	rc = xmlRelaxNGValidateDoc(vc, doc) == 0 ? 0 : -1;
	if (rc < 0)
		say(d, 0, "%s: does not match the schema", d->file);
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(schema);
	return rc;

free_schema:
	xmlRelaxNGFree(schema);
fail:
	say(d, 0, "%s: the built-in schema does not load: %s", d->file,
	    sd.set ? sd.msg : "out of memory");
	return -1;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	struct diag xd = { .file = path }, wd = { .file = path };
	xmlStructuredErrorFunc old_handler;
	void *old_ctx;
	const struct diag *why = &xd;
	struct conf *nc = NULL;
	xmlDocPtr doc = NULL;
	char *buf;
	size_t len;
	int valid;

	if (strlen(path) >= sizeof(nc->path)) {
		say(&xd, 0, "%.64s...: path too long", path);
		goto out;
	}
	pthread_once(&xml_once, xml_init);
	/* Whatever libxml2 reports outside the handlers set below (the schema compiler's
	 * own parser) comes here too, not to stderr; the previous handler of this thread
	 * is put back at the end. */
	old_handler = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&xd, on_xml_error);

	buf = read_file(&xd, path, &len);
	if (!buf)
		goto restore;
	doc = parse(&xd, path, buf, len);
	free(buf);
	if (!doc)
		goto restore;
	valid = validate(&xd, doc);

	nc = calloc(1, sizeof(*nc));
	if (!nc) {
		say(&wd, 0, "%s: out of memory", path);
		why = &wd;
		goto free_doc;
	}
	conf_defaults(nc);
	snprintf(nc->path, sizeof(nc->path), "%s", path);
	if (walk(&wd, xmlDocGetRootElement(doc), nc) < 0)
		why = &wd;
	else if (valid == 0)
		why = NULL;

free_doc:
	xmlFreeDoc(doc);
restore:
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
out:
	if (why) {
		if (err && errlen)
			snprintf(err, errlen, "%s", why->msg[0] ? why->msg : "cannot load");
		free(nc);
		return -1;
	}
	*c = *nc;
	free(nc);
	return 0;
}

const struct conf_runtime *conf_runtime(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->nruntimes; i++)
		if (strcmp(c->rt[i].name, name) == 0)
			return &c->rt[i];
	return NULL;
}

/*
 * Every key is compared in full, and the match is recorded with a mask rather than a
 * branch, so the time taken depends on the number of keys configured and not on the
 * hash asked for.
 */
const struct conf_tenant *conf_tenant_by_key(const struct conf *c, const unsigned char sha[32],
					     const struct conf_key **key)
{
	/* 1 + (tenant * CONF_MAX_KEYS + key) of the match; 0 for none. */
	unsigned found = 0;
	const struct conf_tenant *t;

	for (unsigned i = 0; i < c->ntenants; i++)
		for (unsigned j = 0; j < c->tenants[i].nkeys; j++) {
			const unsigned char *h = c->tenants[i].keys[j].sha256;
			unsigned diff = 0, mask;

			for (size_t b = 0; b < 32; b++)
				diff |= (unsigned)(h[b] ^ sha[b]);
			/* diff is 0..255: diff - 1 wraps to all ones only when it is 0. */
			mask = 0u - (((diff - 1) >> 8) & 1);
			found |= mask & (1 + i * CONF_MAX_KEYS + j);
		}
	if (!found)
		return NULL;
	found--;
	t = &c->tenants[found / CONF_MAX_KEYS];
	if (key)
		*key = &t->keys[found % CONF_MAX_KEYS];
	return t;
}

bool conf_tenant_allows(const struct conf *c, const struct conf_tenant *t, const char *runtime)
{
	const struct conf_runtime *rt = conf_runtime(c, runtime);

	return rt && ((t->pools >> (unsigned)(rt - c->rt)) & 1);
}
