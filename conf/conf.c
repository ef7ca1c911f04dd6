/*
 * conf.c - reads conf/stockade.xml into struct conf: the keeper's <keeper>, <runtime>s
 * and <judge>, and stockade-fcgi's <fcgi>, <audit> and <tenant>s. Both daemons load
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
 *      tenants, key ids and key hashes, pools that name configured runtimes, client
 *      networks, judge defaults within the judge's maxima, unique languages.
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
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
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

/* The languages a <judge><language> can name (sandbox/lang.c), and which of them are
 * compiled, so have a compile command to replace; the schema lists the same names. */
static const struct {
	const char *name;
	bool compiled;
} lang_names[] = {
	{ "c", true }, { "cpp", true }, { "python", false }, { "node", false },
	{ "bash", false }, { "java", true },
};
#define LANG_LIST "c, cpp, python, node, bash or java"

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

/* The index of a language in lang_names, or -1. */
static int lang_index(const char *name)
{
	for (size_t i = 0; i < sizeof(lang_names) / sizeof(lang_names[0]); i++)
		if (strcmp(name, lang_names[i].name) == 0)
			return (int)i;
	return -1;
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
 * element itself): keeper/memcached, runtime[python]/limits, judge/language[c]. A
 * runtime or a language is named by its name attribute when that is a known one (a
 * tenant or a key when the name passes its check), so a hostile name never reaches
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
		    xmlStrEqual(e->name, BAD_CAST "tenant") ||
		    xmlStrEqual(e->name, BAD_CAST "language"))
			name = xmlGetNoNsProp(e, BAD_CAST "name");
		else if (xmlStrEqual(e->name, BAD_CAST "key"))
			name = xmlGetNoNsProp(e, BAD_CAST "id");
		/* Only a name that passes its own check is shown. */
		named = name && (xmlStrEqual(e->name, BAD_CAST "runtime")
				 ? runtime_known((const char *)name)
				 : xmlStrEqual(e->name, BAD_CAST "tenant")
				 ? tenant_name_ok((const char *)name)
				 : xmlStrEqual(e->name, BAD_CAST "language")
				 ? lang_index((const char *)name) >= 0
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
#define J(f) offsetof(struct conf_judge, f)
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

/* No setter: walk_anonymous reads the networks. */
static const struct conf_attr anonymous_attrs[] = {
	{ "networks", NULL, 0, 0, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

/* result-ttl is a memcached TTL, so whole seconds; a week at most. */
static const struct conf_attr judge_attrs[] = {
	{ "spare",      set_count, J(spare), 0, 256 },
	{ "width",      set_count, J(width), 1, 64 },
	{ "max-tests",  set_count, J(max_tests), 1, 4096 },
	{ "max-runs",   set_count, J(max_runs), 1, 100 },
	{ "result-ttl", set_u64,   J(result_ttl_s), 1, 7 * 86400 },
	{ NULL, NULL, 0, 0, 0 },
};

/*
 * The limits of <compile>, <test-defaults> and <test-max>, into the sbx_limits at
 * J(f). Their bounds are sbx_limits_valid's, checked once all are read, and a
 * default must be within its maximum (judge_check).
 */
#define JUDGE_LIMITS(f)								\
	{ "cpu",       set_ms,    J(f.cpu_ms), 0, UINT64_MAX },			\
	{ "wall",      set_ms,    J(f.wall_ms), 0, UINT64_MAX },		\
	{ "memory",    set_size,  J(f.memory), 0, UINT64_MAX },			\
	{ "pids",      set_count, J(f.pids), 0, UINT32_MAX },			\
	{ "output",    set_size,  J(f.output), 0, UINT64_MAX },			\
	{ "stack",     set_size,  J(f.stack), 0, UINT64_MAX },			\
	{ "file-size", set_size,  J(f.fsize), 0, UINT64_MAX },			\
	{ "disk",      set_size,  J(f.disk), 0, UINT64_MAX }

static const struct conf_attr compile_attrs[] = {
	JUDGE_LIMITS(compile),
	{ NULL, NULL, 0, 0, 0 },
};

/* cpu-extra: the CPU time past the limit a program may use before it is killed
 * (Judge0's extra time), so a verdict says by how much it went over. */
static const struct conf_attr test_defaults_attrs[] = {
	JUDGE_LIMITS(test),
	{ "cpu-extra", set_ms, J(cpu_extra_ms), 0, 3600 * 1000 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct conf_attr test_max_attrs[] = {
	JUDGE_LIMITS(max),
	{ "cpu-extra", set_ms, J(max_cpu_extra_ms), 0, 3600 * 1000 },
	{ NULL, NULL, 0, 0, 0 },
};

#undef JUDGE_LIMITS

/* name, compile and run are walk_language's. */
static const struct conf_attr language_attrs[] = {
	{ "name",    NULL, 0, 0, 0 },
	{ "compile", NULL, 0, 0, 0 },
	{ "run",     NULL, 0, 0, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

#undef C
#undef R
#undef F
#undef T
#undef J
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
	/* Audit records name the key of a keyless request so (fcgi_auth). */
	if (strcmp((const char *)id, "anonymous") == 0) {
		fail(d, n, "id", "anonymous is reserved: the audit records' key of requests "
		     "served without one");
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

/* Whether a 16-byte IPv6 address is IPv4-mapped, ::ffff:a.b.c.d. */
static bool v4_mapped(const unsigned char a[16])
{
	static const unsigned char head[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, head, sizeof(head)) == 0;
}

/* Clears the bits of a past the first `prefix` (a has `len` bytes). */
static void clear_host_bits(unsigned char *a, size_t len, unsigned prefix)
{
	for (size_t i = 0; i < len; i++) {
		unsigned keep = prefix > 8 * i ? prefix - 8 * (unsigned)i : 0;

		if (keep < 8)
			a[i] &= (unsigned char)(0xff00u >> keep);
	}
}

/*
 * One client network, "10.0.0.0/8", "::1/128", or a bare address (a network of that
 * address alone), into *net. Host bits are cleared, so 10.1.2.3/8 is 10.0.0.0/8. An
 * IPv4-mapped IPv6 network of /96 or more is kept as the IPv4 network it stands for:
 * conf_tenant_by_addr looks mapped clients up as IPv4. Returns NULL, or what is wrong.
 */
static const char *parse_net(const char *w, struct conf_net *net)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(w, '/');
	size_t len = slash ? (size_t)(slash - w) : strlen(w);
	uint64_t prefix;
	unsigned max;

	memset(net, 0, sizeof(*net));
	if (len == 0 || len >= sizeof(addr))
		return "not an IPv4 or IPv6 address";
	memcpy(addr, w, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, net->addr) == 1) {
		net->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, net->addr) == 1) {
		net->family = AF_INET6;
		max = 128;
	} else {
		return "not an IPv4 or IPv6 address";
	}
	prefix = max;
	if (slash && sbx_parse_uint(slash + 1, 0, max, &prefix) < 0)
		return max == 32 ? "an IPv4 prefix is 0 to 32" : "an IPv6 prefix is 0 to 128";
	net->prefix = (unsigned)prefix;
	clear_host_bits(net->addr, max / 8, net->prefix);
	if (net->family == AF_INET6 && net->prefix >= 96 && v4_mapped(net->addr)) {
		memmove(net->addr, net->addr + 12, 4);
		memset(net->addr + 4, 0, 12);
		net->family = AF_INET;
		net->prefix -= 96;
	}
	return NULL;
}

/* <anonymous networks="...">: the networks whose keyless requests t serves. */
static int walk_anonymous(struct diag *d, const xmlNode *n, struct conf_tenant *t)
{
	xmlChar *val;
	char *save = NULL;
	int rc = -1;

	if (set_attrs(d, n, anonymous_attrs, t) < 0 || no_children(d, n) < 0)
		return -1;
	val = xmlGetNoNsProp(n, BAD_CAST "networks");
	if (!val)
		return fail(d, n, "networks", "missing: the client networks served without a "
			    "key (e.g. 127.0.0.0/8 ::1/128)");
	for (char *w = strtok_r((char *)val, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		const char *why;

		if (t->nnets == CONF_MAX_NETS) {
			fail(d, n, "networks", "more than %d networks", CONF_MAX_NETS);
			goto out;
		}
		why = parse_net(w, &t->nets[t->nnets]);
		if (why) {
			fail(d, n, "networks", "not a network: %.*s (%s; e.g. 127.0.0.0/8, "
			     "::1/128, 10.0.0.1)", QUOTE_MAX, w, why);
			goto out;
		}
		t->nnets++;
	}
	if (t->nnets == 0) {
		fail(d, n, "networks", "names no network (leave <anonymous> out for none)");
		goto out;
	}
	rc = 0;
out:
	xmlFree(val);
	return rc;
}

static int walk_tenant(struct diag *d, const xmlNode *n, struct conf *c, struct seen *seen)
{
	struct conf_tenant *t;
	const xmlNode *anon = NULL;
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
		} else if (is_elem(k, "anonymous")) {
			if (anon) {
				fail(d, k, NULL, "a second <anonymous> (the first is at line %ld)",
				     xmlGetLineNo(anon));
				goto out;
			}
			anon = k;
			if (walk_anonymous(d, k, t) < 0)
				goto out;
		} else if (k->type == XML_ELEMENT_NODE) {
			unknown_element(d, k, "<key> or <anonymous>");
			goto out;
		} else if (check_text(d, k) < 0) {
			goto out;
		}
	}
	/* A tenant nobody can reach is a mistake: it needs a key, or networks. */
	if (t->nkeys == 0 && t->nnets == 0) {
		fail(d, n, NULL, "no <key>: a tenant needs at least one, unless it has "
		     "<anonymous>");
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

/* ------------------------------------------------------------------------------------
 * <judge>
 */

static void judge_defaults(struct conf_judge *j)
{
	j->spare = 16;
	j->width = 2;
	j->max_tests = 256;
	j->max_runs = 20;
	j->result_ttl_s = 3600;

	/* inodes 4096, open files 256 and one core, as `stockade run` has them */
	sbx_limits_default(&j->compile);
	j->compile.cpu_ms = 10 * 1000;
	j->compile.wall_ms = 20 * 1000;
	j->compile.memory = 512 * MiB;
	j->compile.pids = 64;
	j->compile.output = 64 * KiB;
	j->compile.disk = 128 * MiB;
	j->compile.fsize = 64 * MiB;
	/* deep template instantiations recurse in the compiler itself */
	j->compile.stack = 64 * MiB;

	sbx_limits_default(&j->test);
	j->test.cpu_ms = 5 * 1000;
	j->test.wall_ms = 10 * 1000;
	j->test.memory = 128 * MiB;
	j->test.pids = 60;
	j->test.output = 8 * MiB;
	j->test.stack = 64 * MiB;
	j->test.fsize = 1 * MiB;
	j->test.disk = 64 * MiB;
	j->cpu_extra_ms = 1000;

	j->max = j->test;
	j->max.cpu_ms = 15 * 1000;
	j->max.wall_ms = 20 * 1000;
	j->max.memory = 512 * MiB;
	j->max.pids = 120;
	j->max.output = 64 * MiB;
	j->max.stack = 128 * MiB;
	j->max.fsize = 4 * MiB;
	/* not something a request asks for today: room above the default */
	j->max.disk = 256 * MiB;
	j->max_cpu_extra_ms = 5 * 1000;
}

/* The length of the word s starts with, as quoted in a message. */
static int word_len(const char *s)
{
	size_t len = strcspn(s, " ");

	return len < QUOTE_MAX ? (int)len : QUOTE_MAX;
}

/*
 * A command line of a <language> into out (size bytes): words separated by blanks,
 * the first an absolute path, at most size - 1 bytes as written (the schema's
 * maxLength, so both refuse the same lines). It is kept with one space between words
 * and none around them, so whoever splits it splits at each space. "" keeps the
 * built-in command. In run (only), a word may hold {memory_mb}; any other brace is
 * refused, so a misspelt placeholder does not reach a command line.
 */
static int command_line(struct diag *d, const xmlNode *n, const char *attr, const char *val,
			char *out, size_t size, bool run)
{
	static const char blanks[] = " \t\r\n";
	size_t used = 0;

	out[0] = '\0';
	if (!*val)
		return 0;
	if (strlen(val) >= size)
		return fail(d, n, attr, "longer than %zu bytes: %.*s...", size - 1, QUOTE_MAX,
			    val);
	/* No longer than val: it fits. */
	for (const char *p = val + strspn(val, blanks); *p; p += strspn(p, blanks)) {
		size_t len = strcspn(p, blanks);

		if (used)
			out[used++] = ' ';
		memcpy(out + used, p, len);
		used += len;
		p += len;
	}
	out[used] = '\0';
	if (used == 0)
		return fail(d, n, attr, "names no command (leave it out, or empty, for the "
			    "built-in one)");
	for (const char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return fail(d, n, attr, "holds a control character");
	if (out[0] != '/')
		return fail(d, n, attr, "the command is not an absolute path: %.*s",
			    word_len(out), out);
	for (const char *b = strchr(out, '{'); b; b = strchr(b + 1, '{')) {
		if (!run)
			return fail(d, n, attr, "{...} is for run only: %.*s", QUOTE_MAX, b);
		if (strncmp(b, "{memory_mb}", 11) != 0)
			return fail(d, n, attr, "not a placeholder: %.*s (run knows "
				    "{memory_mb})", word_len(b), b);
	}
	return 0;
}

/* A <language>: j->langs[j->nlangs], counted once it is whole. lines[i] is the line of
 * j->langs[i], for the message on a second one. */
static int walk_language(struct diag *d, const xmlNode *n, struct conf_judge *j, long *lines)
{
	xmlChar *name = xmlGetNoNsProp(n, BAD_CAST "name");
	xmlChar *compile = xmlGetNoNsProp(n, BAD_CAST "compile");
	xmlChar *run = xmlGetNoNsProp(n, BAD_CAST "run");
	struct conf_lang *l;
	int i, rc = -1;

	if (set_attrs(d, n, language_attrs, j) < 0 || no_children(d, n) < 0)
		goto out;
	if (!name) {
		fail(d, n, "name", "missing: which language (" LANG_LIST ")");
		goto out;
	}
	i = lang_index((const char *)name);
	if (i < 0) {
		fail(d, n, "name", "not a language: %.*s (" LANG_LIST ")", QUOTE_MAX,
		     (const char *)name);
		goto out;
	}
	for (unsigned k = 0; k < j->nlangs; k++)
		if (strcmp(j->langs[k].name, (const char *)name) == 0) {
			fail(d, n, NULL, "a second language %s (the first is at line %ld)",
			     (const char *)name, lines[k]);
			goto out;
		}
	/* Unreachable while there are fewer names than slots; kept for when there
	 * are more. */
	if (j->nlangs == CONF_MAX_LANGS) {
		fail(d, n, NULL, "more than %d languages", CONF_MAX_LANGS);
		goto out;
	}
	l = &j->langs[j->nlangs];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", (const char *)name);	/* known: fits */
	if (compile && command_line(d, n, "compile", (const char *)compile, l->compile,
				    sizeof(l->compile), false) < 0)
		goto out;
	if (l->compile[0] && !lang_names[i].compiled) {
		fail(d, n, "compile", "%s is interpreted: it has no compile command",
		     l->name);
		goto out;
	}
	if (run && command_line(d, n, "run", (const char *)run, l->run, sizeof(l->run),
				true) < 0)
		goto out;
	lines[j->nlangs++] = xmlGetLineNo(n);
	rc = 0;
out:
	xmlFree(run);
	xmlFree(compile);
	xmlFree(name);
	return rc;
}

/* One of <compile>, <test-defaults>, <test-max>: at most once, attributes only. */
static int judge_limits(struct diag *d, const xmlNode *k, const xmlNode **slot,
			const struct conf_attr *table, struct conf_judge *j)
{
	if (*slot)
		return fail(d, k, NULL, "a second <%s> (the first is at line %ld)",
			    (const char *)k->name, xmlGetLineNo(*slot));
	*slot = k;
	if (set_attrs(d, k, table, j) < 0 || no_children(d, k) < 0)
		return -1;
	return 0;
}

/* A limit as the file would say it: "5 s", "128M", "60". */
enum judge_unit { U_MS, U_BYTES, U_COUNT };

static uint64_t judge_value(const struct conf_judge *j, size_t off, enum judge_unit u)
{
	const char *p = (const char *)j + off;
	uint64_t v;

	if (u == U_COUNT) {
		uint32_t v32;

		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *judge_str(uint64_t v, enum judge_unit u, char *buf, size_t len)
{
	char s[32];

	if (u == U_MS)
		snprintf(buf, len, "%s s", secs(v, s, sizeof(s)));
	else if (u == U_BYTES)
		size_str(v, buf, len);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/*
 * What the schema cannot say of a <judge>: every cell's limits are ones a cell
 * honours, and each default is within its maximum, so a request that names no limit
 * is never refused for it. The message blames the attribute the file set: the
 * default when <test-defaults> says it, the maximum otherwise.
 */
static int judge_check(struct diag *d, const xmlNode *n, const struct conf_judge *j,
		       const xmlNode *comp, const xmlNode *test, const xmlNode *max)
{
#define J(f) offsetof(struct conf_judge, f)
	static const struct {
		const char *attr;
		size_t def, max;
		enum judge_unit unit;
	} pairs[] = {
		{ "cpu",       J(test.cpu_ms),  J(max.cpu_ms),  U_MS },
		{ "cpu-extra", J(cpu_extra_ms), J(max_cpu_extra_ms), U_MS },
		{ "wall",      J(test.wall_ms), J(max.wall_ms), U_MS },
		{ "memory",    J(test.memory),  J(max.memory),  U_BYTES },
		{ "pids",      J(test.pids),    J(max.pids),    U_COUNT },
		{ "output",    J(test.output),  J(max.output),  U_BYTES },
		{ "stack",     J(test.stack),   J(max.stack),   U_BYTES },
		{ "file-size", J(test.fsize),   J(max.fsize),   U_BYTES },
		{ "disk",      J(test.disk),    J(max.disk),    U_BYTES },
	};
#undef J
	const char *why = NULL;
	char a[40], b[40];

	if (!sbx_limits_valid(&j->compile, &why))
		return fail(d, comp ? comp : n, NULL, "%s", why);
	if (!sbx_limits_valid(&j->test, &why))
		return fail(d, test ? test : n, NULL, "%s", why);
	if (!sbx_limits_valid(&j->max, &why))
		return fail(d, max ? max : n, NULL, "%s", why);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		uint64_t dv = judge_value(j, pairs[i].def, pairs[i].unit);
		uint64_t mv = judge_value(j, pairs[i].max, pairs[i].unit);

		if (dv <= mv)
			continue;
		judge_str(dv, pairs[i].unit, a, sizeof(a));
		judge_str(mv, pairs[i].unit, b, sizeof(b));
		if (test && xmlHasProp(test, BAD_CAST pairs[i].attr))
			return fail(d, test, pairs[i].attr, "%s is more than test-max's (%s)",
				    a, b);
		return fail(d, max ? max : n, pairs[i].attr, "%s is less than "
			    "test-defaults' (%s)", b, a);
	}
	/* A test's cell gets its CPU limit and the extra time together. */
	if (j->max.cpu_ms + j->max_cpu_extra_ms > 3600 * 1000) {
		char s[32];

		return fail(d, max ? max : n, "cpu-extra", "cpu and cpu-extra together are "
			    "%s s, more than a cell's 3600 s",
			    secs(j->max.cpu_ms + j->max_cpu_extra_ms, s, sizeof(s)));
	}
	return 0;
}

static int walk_judge(struct diag *d, const xmlNode *n, struct conf *c)
{
	struct conf_judge *j = &c->judge;
	const xmlNode *comp = NULL, *test = NULL, *max = NULL;
	long lines[CONF_MAX_LANGS] = { 0 };

	if (set_attrs(d, n, judge_attrs, j) < 0)
		return -1;
	for (const xmlNode *k = n->children; k; k = k->next) {
		int rc = 0;

		if (is_elem(k, "compile"))
			rc = judge_limits(d, k, &comp, compile_attrs, j);
		else if (is_elem(k, "test-defaults"))
			rc = judge_limits(d, k, &test, test_defaults_attrs, j);
		else if (is_elem(k, "test-max"))
			rc = judge_limits(d, k, &max, test_max_attrs, j);
		else if (is_elem(k, "language"))
			rc = walk_language(d, k, j, lines);
		else if (k->type == XML_ELEMENT_NODE)
			rc = unknown_element(d, k, "<compile>, <test-defaults>, <test-max> or "
					     "<language>");
		else
			rc = check_text(d, k);
		if (rc < 0)
			return -1;
	}
	return judge_check(d, n, j, comp, test, max);
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
	judge_defaults(&c->judge);
}

static int walk(struct diag *d, const xmlNode *root, struct conf *c)
{
	const xmlNode *keeper = NULL, *fcgi = NULL, *audit = NULL, *judge = NULL;
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
		} else if (is_elem(k, "judge")) {
			if (judge) {
				fail(d, k, NULL, "a second <judge> (the first is at line %ld)",
				     xmlGetLineNo(judge));
				goto free_seen;
			}
			judge = k;
			if (walk_judge(d, k, c) < 0)
				goto free_seen;
		} else if (k->type == XML_ELEMENT_NODE) {
			unknown_element(d, k, "<keeper>, <runtime>, <fcgi>, <audit>, <tenant> or "
					"<judge>");
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

/* Whether net holds the address a (4 or 16 bytes, of the given family). */
static bool net_holds(const struct conf_net *net, int family, const unsigned char *a)
{
	unsigned whole = net->prefix / 8, bits = net->prefix % 8;

	if (net->family != family || memcmp(net->addr, a, whole) != 0)
		return false;
	return bits == 0 || ((a[whole] ^ net->addr[whole]) & (0xff00u >> bits) & 0xff) == 0;
}

const struct conf_tenant *conf_tenant_by_addr(const struct conf *c, const char *addr)
{
	unsigned char a[16];
	int family;

	if (!addr)
		return NULL;
	if (inet_pton(AF_INET, addr, a) == 1) {
		family = AF_INET;
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		family = AF_INET6;
		/* ::ffff:127.0.0.1: an IPv4 client on a dual-stack socket */
		if (v4_mapped(a)) {
			memmove(a, a + 12, 4);
			family = AF_INET;
		}
	} else {
		return NULL;
	}
	for (unsigned i = 0; i < c->ntenants; i++)
		for (unsigned j = 0; j < c->tenants[i].nnets; j++)
			if (net_holds(&c->tenants[i].nets[j], family, a))
				return &c->tenants[i];
	return NULL;
}

const struct conf_lang *conf_judge_lang(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->judge.nlangs; i++)
		if (strcmp(c->judge.langs[i].name, name) == 0)
			return &c->judge.langs[i];
	return NULL;
}
