/*
 * Unit tests: conf/stockade.xml and its loader. The shipped file loads with the values
 * it says; left-out attributes take their defaults; every refusal names the file, the
 * line and the field in one line; a DOCTYPE is refused before any entity is read. Each
 * bad file that is a matter of grammar is checked against the built-in schema too, so
 * the loader and conf/stockade.rng cannot drift apart. The web front end's sections
 * (<fcgi>, <audit>, <tenant>) are read the same way, and keys are found by hash.
 * <judge> takes the defaults conf.h names, keeps each default within its maximum and
 * checks its languages' command lines; an <anonymous> tenant's networks are parsed,
 * normalised and matched in file order, and such a tenant needs no key.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "conf.h"
#include "tap.h"

#define MiB (1024ULL * 1024)
#define PLAN 334

static char err[1024];

/* Writes text to a new file under /tmp; the name goes to path (32 bytes). */
static void write_tmp(const char *text, char *path)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/test_conf-XXXXXX.xml");
	fd = mkstemps(path, 4);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static void quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx, (void)e;
}

/* What the built-in schema alone says of the file. */
static bool schema_accepts(const char *path)
{
	xmlRelaxNGParserCtxtPtr pc =
		xmlRelaxNGNewMemParserCtxt(conf_schema, (int)(conf_schema_end - conf_schema));
	xmlRelaxNGPtr schema;
	xmlRelaxNGValidCtxtPtr vc;
	xmlDocPtr doc;
	bool valid = false;

	xmlSetStructuredErrorFunc(NULL, quiet);
	schema = xmlRelaxNGParse(pc);
	xmlRelaxNGFreeParserCtxt(pc);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	if (schema && doc) {
		vc = xmlRelaxNGNewValidCtxt(schema);
		valid = xmlRelaxNGValidateDoc(vc, doc) == 0;
		xmlRelaxNGFreeValidCtxt(vc);
	}
	xmlFreeDoc(doc);
	xmlRelaxNGFree(schema);
	xmlSetStructuredErrorFunc(NULL, NULL);
	return valid;
}

/* Loads text from a temporary file; the result goes to *c. */
static int load_text(const char *text, struct conf *c, char *path)
{
	int rc;

	write_tmp(text, path);
	err[0] = '\0';
	rc = conf_load(path, c, err, sizeof(err));
	return rc;
}

/*
 * One refusal: conf_load returns -1, leaves *c as it was, and says
 * "<file>:<line>: <field>..." in one line, with `also` somewhere in it. With
 * `grammar`, the schema refuses the file as well.
 */
static void refused(const char *what, const char *text, int line, const char *field,
		    const char *also, bool grammar)
{
	char path[32], want[256];
	struct conf *c = malloc(sizeof(*c));
	int rc;

	memset(c, 0xa5, sizeof(*c));
	rc = load_text(text, c, path);
	snprintf(want, sizeof(want), "%s:%d: %s", path, line, field ? field : "");
	ok(rc == -1 && !strncmp(err, want, strlen(want)) && (!also || strstr(err, also)) &&
	   !strchr(err, '\n') && c->nruntimes == 0xa5a5a5a5,
	   "%s: refused as '%s...'", what, want);
	if (rc != -1 || strncmp(err, want, strlen(want)) || (also && !strstr(err, also)))
		printf("#   rc %d, err '%s'\n", rc, err);
	if (grammar)
		ok(!schema_accepts(path), "%s: the schema refuses it too", what);
	unlink(path);
	free(c);
}

/* Whether f holds the defaults the schema documents for <fcgi>. */
static bool fcgi_defaults(const struct conf_fcgi *f)
{
	return !strcmp(f->socket, "/run/stockade/fcgi.sock") && f->mode == 0660 &&
	       !strcmp(f->owner, "stockade") && !strcmp(f->group, "www-data") &&
	       !strcmp(f->user, "stockade") && f->workers == 16 && f->max_body == 129 * MiB &&
	       f->max_request == 8 * MiB && f->max_code == 1 * MiB &&
	       f->max_upload == 128 * MiB && f->max_depth == 64;
}

/* The shipped <judge>, checked with the other <judge> tests below. */
static void judge_shipped(const struct conf *c);

static void shipped(void)
{
	static const char path[] = "conf/stockade.xml";
	const struct conf_runtime *py, *node, *sh;
	char host[256] = "";
	struct conf *c = calloc(1, sizeof(*c));
	int rc;

	rc = conf_load(path, c, err, sizeof(err));
	if (!is_int(rc, 0, "the shipped conf/stockade.xml loads"))
		printf("#   %s\n", err);
	ok(schema_accepts(path), "the schema accepts the shipped file");
	is_str(c->path, path, "path kept");
	is_str(c->socket, "/run/stockade/pool.sock", "socket");
	is_int(c->socket_mode, 0660, "mode 0660");
	ok(c->socket_uid == 0 && c->socket_gid == 0, "owner and group root");
	gethostname(host, sizeof(host) - 1);
	is_str(c->host, host, "host defaults to gethostname()");
	is_str(c->memcached, "127.0.0.1:11211", "memcached servers");
	is_int((long long)c->memcached_timeout_ms, 200, "memcached timeout 0.2 s");
	is_int(c->max_connections, 256, "max-connections");
	is_int((long long)c->busy_wait_ms, 10000, "busy-wait 10 s");
	is_int((long long)c->max_upload, 128 * MiB, "max-upload 128M");
	is_int(c->nruntimes, 3, "three runtimes");
	ok(fcgi_defaults(&c->fcgi), "fcgi: commented out, so every default");
	is_str(c->audit_spool, "/var/lib/stockade/audit", "audit spool: the default");
	is_int(c->ntenants, 0, "no tenant shipped");
	judge_shipped(c);

	py = conf_runtime(c, "python");
	node = conf_runtime(c, "node");
	sh = conf_runtime(c, "bash");
	ok(py && node && sh && !conf_runtime(c, "ruby"), "python, node, bash; no ruby");
	if (!py || !node || !sh) {
		free(c);
		return;
	}
	ok(py->ready == 2 && py->max_sessions == 16 && py->cooldown_s == 300,
	   "python: ready 2, max-sessions 16, cooldown 300 s");
	ok(py->timeout_ms == 30000 && py->max_timeout_ms == 300000 && py->grace_ms == 2000,
	   "python: timeout 30 s, max-timeout 300 s, grace 2 s");
	ok(py->lim.memory == 512 * MiB && py->lim.pids == 64 && py->lim.cpus == 1 &&
	   py->lim.disk == 256 * MiB && py->lim.inodes == 8192 && py->lim.output == 1 * MiB &&
	   py->lim.fsize == 256 * MiB && py->lim.nofile == 256,
	   "python: every limit as written");
	ok(py->lim.cpu_ms == 3600 * 1000 && py->lim.wall_ms == 24 * 3600 * 1000ULL,
	   "python: the cell may live as long as a session (1 h CPU, 24 h wall)");
	ok(node->ready == 1 && sh->ready == 1, "node and bash keep one warm cell each");
	ok(node->cooldown_s == 300 && sh->cooldown_s == 300, "cooldown 300 s everywhere");
	free(c);
}

static void defaults(void)
{
	static const char text[] =
		"<stockade version='1'>\n"
		"  <runtime name='node'/>\n"
		"</stockade>\n";
	struct sbx_limits def;
	struct conf *c = calloc(1, sizeof(*c));
	const struct conf_runtime *rt;
	char path[32], host[256] = "";
	int rc = load_text(text, c, path);

	if (!is_int(rc, 0, "a file with nothing but a runtime loads"))
		printf("#   %s\n", err);
	ok(schema_accepts(path), "the schema accepts it");
	unlink(path);
	gethostname(host, sizeof(host) - 1);
	ok(!strcmp(c->socket, "/run/stockade/pool.sock") && c->socket_mode == 0660 &&
	   c->socket_uid == 0 && c->socket_gid == 0 && !strcmp(c->host, host),
	   "keeper defaults: socket, 0660, root:root, gethostname()");
	ok(!strcmp(c->memcached, "127.0.0.1:11211") && c->memcached_timeout_ms == 200 &&
	   c->max_connections == 256 && c->busy_wait_ms == 10000 &&
	   c->max_upload == 128 * MiB,
	   "keeper defaults: memcached, 0.2 s, 256 connections, 10 s, 128M");
	ok(fcgi_defaults(&c->fcgi), "fcgi defaults: socket, 0660, stockade:www-data, "
	   "user stockade, 16 workers, 129M, 8M, 1M, 128M, depth 64");
	ok(!strcmp(c->audit_spool, "/var/lib/stockade/audit") && c->ntenants == 0,
	   "audit spool default, no tenants");
	rt = conf_runtime(c, "node");
	if (!ok(rt && c->nruntimes == 1, "one runtime, node")) {
		free(c);
		return;
	}
	ok(rt->ready == 1 && rt->max_sessions == 16 && rt->cooldown_s == 300 &&
	   rt->timeout_ms == 30000 && rt->max_timeout_ms == 300000 && rt->grace_ms == 2000,
	   "runtime defaults: 1, 16, 300 s, 30 s, 300 s, 2 s");
	memset(&def, 0, sizeof(def));	/* padding too: compared with memcmp */
	sbx_limits_default(&def);
	def.cpu_ms = rt->lim.cpu_ms;
	def.wall_ms = rt->lim.wall_ms;
	ok(!memcmp(&def, &rt->lim, sizeof(def)), "limits default to sbx_limits_default()");
	ok(rt->lim.cpu_ms == 3600 * 1000 && rt->lim.wall_ms == 24 * 3600 * 1000ULL,
	   "session cells: 1 h CPU, 24 h wall");
	free(c);
}

static void every_attribute(void)
{
	static const char text[] =
		"<?xml version='1.0'?>\n"
		"<!-- runtimes before the keeper: sections come in any order -->\n"
		"<stockade version='1'>\n"
		"  <runtime name='bash' ready='0' max-sessions='4096' cooldown='86400'\n"
		"           timeout='0.0005' max-timeout='7200' grace='0.25'>\n"
		"    <limits memory='1.5G' pids='1' cpus='2' disk='64K' inodes='16' output='0'\n"
		"            file-size='10MiB' open-files='16' cpu-time='0.5' lifetime='7200'/>\n"
		"  </runtime>\n"
		"  <keeper socket='/tmp/p.sock' mode='600' owner='1234' group='4321'\n"
		"          host='web-1.example' max-connections='1' busy-wait='0'\n"
		"          max-upload='1.5M'>\n"
		"    <memcached servers='10.0.0.1:11211,10.0.0.2:11211' timeout='1.5'/>\n"
		"  </keeper>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n";
	struct conf *c = calloc(1, sizeof(*c));
	const struct conf_runtime *rt;
	char path[32];
	int rc = load_text(text, c, path);

	if (!is_int(rc, 0, "every attribute set, runtimes around the keeper"))
		printf("#   %s\n", err);
	ok(schema_accepts(path), "the schema accepts it");
	unlink(path);
	ok(!strcmp(c->socket, "/tmp/p.sock") && c->socket_mode == 0600 &&
	   c->socket_uid == 1234 && c->socket_gid == 4321 && !strcmp(c->host, "web-1.example"),
	   "socket, mode 600, numeric owner and group, host");
	ok(c->max_connections == 1 && c->busy_wait_ms == 0 && c->max_upload == 3 * MiB / 2 &&
	   !strcmp(c->memcached, "10.0.0.1:11211,10.0.0.2:11211") &&
	   c->memcached_timeout_ms == 1500,
	   "connections, busy-wait 0, upload 1.5M, two servers, 1.5 s");
	rt = conf_runtime(c, "bash");
	ok(c->nruntimes == 2 && rt == &c->rt[0] && conf_runtime(c, "python") == &c->rt[1],
	   "runtimes in file order");
	if (!rt) {
		free(c);
		return;
	}
	ok(rt->ready == 0 && rt->max_sessions == 4096 && rt->cooldown_s == 86400 &&
	   rt->timeout_ms == 1 && rt->max_timeout_ms == 7200000 && rt->grace_ms == 250,
	   "runtime: ready 0, 4096, a day, 0.5 ms rounds up to 1 ms, 2 h, 0.25 s");
	ok(rt->lim.memory == 3ULL << 29 && rt->lim.pids == 1 && rt->lim.cpus == 2 &&
	   rt->lim.disk == 64 * 1024 && rt->lim.inodes == 16 && rt->lim.output == 0 &&
	   rt->lim.fsize == 10 * MiB && rt->lim.nofile == 16 && rt->lim.cpu_ms == 500 &&
	   rt->lim.wall_ms == 7200000,
	   "limits: 1.5G, 1, 2, 64K, 16, 0, 10MiB, 16, 0.5 s, 2 h");
	free(c);
}

#define HEAD "<?xml version='1.0'?>\n<stockade version='1'>\n"	/* lines 1-2 */

static void errors(void)
{
	char path[64], want[96];
	struct conf *c = malloc(sizeof(*c));	/* large: not on the stack */
	int rc;

	refused("malformed XML",
		HEAD "  <runtime name='python'>\n"
		"</stockade>\n", 4, NULL, "mismatch", false);
	refused("not XML at all", "hello\n", 1, NULL, NULL, false);
	refused("unknown element",
		HEAD "  <runtime name='python'/>\n"
		"  <tenants/>\n"
		"</stockade>\n", 4, "tenants: unknown element", NULL, true);
	refused("unknown element in a runtime",
		HEAD "  <runtime name='python'>\n"
		"    <limit memory='1G'/>\n"
		"  </runtime>\n"
		"</stockade>\n", 4, "runtime[python]/limit: unknown element", "<limits>", true);
	refused("unknown attribute",
		HEAD "  <keeper sockett='/x'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "keeper/@sockett: unknown attribute", NULL, true);
	refused("bad size",
		HEAD "  <runtime name='python'>\n"
		"\n"
		"    <limits memory='12Q'/>\n"
		"  </runtime>\n"
		"</stockade>\n", 5, "runtime[python]/limits/@memory: not a size: 12Q", NULL, true);
	refused("bad seconds",
		HEAD "  <keeper>\n"
		"    <memcached timeout='1e3'/>\n"
		"  </keeper>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 4, "keeper/memcached/@timeout: not a number of seconds: 1e3",
		NULL, true);
	refused("bad mode",
		HEAD "  <keeper mode='0860'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "keeper/@mode: not an octal mode", NULL, true);
	refused("count out of range",
		HEAD "  <runtime name='python' max-sessions='0'/>\n"
		"</stockade>\n", 3, "runtime[python]/@max-sessions: 0 is outside [1, 4096]",
		NULL, false);
	refused("bad runtime name",
		HEAD "  <runtime name='python'/>\n"
		"  <runtime name='ruby'/>\n"
		"</stockade>\n", 4, "runtime/@name: not a runtime: ruby", NULL, true);
	refused("runtime without a name",
		HEAD "  <runtime ready='1'/>\n"
		"</stockade>\n", 3, "runtime/@name: missing", NULL, true);
	refused("duplicate runtime",
		HEAD "  <runtime name='python'/>\n"
		"  <runtime name='node'/>\n"
		"  <runtime name='python' ready='3'/>\n"
		"</stockade>\n", 5, "runtime[python]: a second runtime python",
		"first is at line 3", false);
	refused("unknown owner",
		HEAD "  <keeper owner='no-such-user-stockade'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "keeper/@owner: no such user: no-such-user-stockade", NULL,
		false);
	refused("unknown group",
		HEAD "  <keeper group='no-such-group-stockade'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "keeper/@group: no such group", NULL, false);
	refused("a limit a cell cannot honour",
		HEAD "  <runtime name='python'>\n"
		"    <limits memory='1M'/>\n"
		"  </runtime>\n"
		"</stockade>\n", 4, "runtime[python]/limits: limit memory=1048576 is outside",
		NULL, false);
	refused("timeout above max-timeout",
		HEAD "  <runtime name='python' timeout='60' max-timeout='30'/>\n"
		"</stockade>\n", 3, "runtime[python]/@timeout: 60 s is more than max-timeout",
		NULL, false);
	refused("no runtime",
		HEAD "  <keeper/>\n"
		"</stockade>\n", 2, "stockade: no <runtime>", NULL, true);
	refused("unknown version",
		"<stockade version='2'>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 1, "@version: unknown version 2", NULL, true);
	refused("text in an element",
		HEAD "  <runtime name='python'>python3</runtime>\n"
		"</stockade>\n", 3, "runtime[python]: text is not allowed", NULL, true);
	refused("a second keeper",
		HEAD "  <keeper/>\n"
		"  <runtime name='python'/>\n"
		"  <keeper/>\n"
		"</stockade>\n", 5, "keeper: a second <keeper>", NULL, true);
	/* The walk takes any number of leading zeros, the schema at most 10 digits: the
	 * one difference left between them shows the schema's own word comes through,
	 * with the line and the element. */
	refused("what only the schema refuses",
		HEAD "  <runtime name='python' ready='00000000001'/>\n"
		"</stockade>\n", 3, "runtime[python]: ", "attribute ready", true);

	/* Entities: the DOCTYPE is refused where it starts, nothing in it is read. */
	refused("billion laughs",
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE stockade [\n"
		" <!ENTITY a \"lollollollollollollollollollol\">\n"
		" <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		" <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		" <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		" <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		" <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		" <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		" <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		"]>\n"
		"<stockade version='1'><keeper host='&h;'/><runtime name='python'/></stockade>\n",
		2, "<!DOCTYPE> is not allowed", NULL, false);
	ok(!strstr(err, "lol"), "no entity text reached the message");
	refused("external entity (XXE)",
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE stockade [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
		"<stockade version='1'><keeper host='&x;'/><runtime name='python'/></stockade>\n",
		2, "<!DOCTYPE> is not allowed", NULL, false);
	ok(!strstr(err, "root:"), "no file content reached the message");
	refused("external DTD",
		"<?xml version='1.0'?>\n"
		"\n"
		"<!DOCTYPE stockade SYSTEM \"http://127.0.0.1:1/stockade.dtd\">\n"
		"<stockade version='1'><runtime name='python'/></stockade>\n",
		3, "<!DOCTYPE> is not allowed", NULL, false);
	refused("an entity never declared",
		HEAD "  <keeper host='&x;'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, NULL, "Entity 'x' not defined", false);

	snprintf(path, sizeof(path), "/tmp/test_conf-missing-%d.xml", (int)getpid());
	rc = conf_load(path, c, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: ", path);
	ok(rc == -1 && !strncmp(err, want, strlen(want)) && strstr(err, "No such file"),
	   "a missing file: '%s'", err);
	rc = conf_load("/tmp", c, err, sizeof(err));
	ok(rc == -1 && strstr(err, "/tmp: not a regular file"), "a directory: '%s'", err);
	free(c);
}

/* ------------------------------------------------------------------------------------
 * The web front end's sections: <fcgi>, <audit>, <tenant>
 */

/* 64 hex digits from 8: the bytes are the 4 of x, 8 times over. */
#define H64(x) x x x x x x x x
#define HA H64("0123abcd")
#define HB H64("ffffffff")
#define HC H64("00000000")
#define HD H64("9876fedc")

/* The 32 bytes of H64(x) for x given as 4 bytes. */
static void sha_of(unsigned char out[32], unsigned char b0, unsigned char b1,
		   unsigned char b2, unsigned char b3)
{
	for (int i = 0; i < 32; i += 4) {
		out[i] = b0;
		out[i + 1] = b1;
		out[i + 2] = b2;
		out[i + 3] = b3;
	}
}

static void fcgi_every_attribute(void)
{
	static const char text[] =
		HEAD "  <fcgi socket='/tmp/f.sock' mode='600' owner='web_1' group='nginx'\n"
		"        user='_svc-x' workers='64' max-body='2G' max-request='1.5M'\n"
		"        max-code='1.5M' max-depth='1000' max-upload='2G'/>\n"
		"  <audit spool='/srv/audit spool'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n";
	struct conf *c = calloc(1, sizeof(*c));
	const struct conf_fcgi *f = &c->fcgi;
	char path[32];
	int rc = load_text(text, c, path);

	/* A space in the spool is refused: load again without it. */
	unlink(path);
	ok(rc == -1 && strstr(err, "audit/@spool: not an absolute path without spaces"),
	   "a spool with a space is refused: '%s'", err);
	{
		char fixed[sizeof(text)];
		char *sp;

		memcpy(fixed, text, sizeof(text));
		sp = strstr(fixed, "audit spool'");
		sp[5] = '_';
		rc = load_text(fixed, c, path);
	}
	if (!is_int(rc, 0, "fcgi and audit: every attribute set"))
		printf("#   %s\n", err);
	ok(schema_accepts(path), "the schema accepts it");
	unlink(path);
	ok(!strcmp(f->socket, "/tmp/f.sock") && f->mode == 0600 && !strcmp(f->owner, "web_1") &&
	   !strcmp(f->group, "nginx") && !strcmp(f->user, "_svc-x"),
	   "fcgi: socket, mode 600, owner, group, user kept as names");
	ok(f->workers == 64 && f->max_body == 2048 * MiB && f->max_request == 3 * MiB / 2 &&
	   f->max_code == 3 * MiB / 2 && f->max_upload == 2048 * MiB && f->max_depth == 1000,
	   "fcgi: 64 workers, 2G body, 1.5M request and code, depth 1000, 2G upload");
	is_str(c->audit_spool, "/srv/audit_spool", "audit spool");
	ok(c->max_upload == 128 * MiB, "the keeper's max-upload stays its own");
	free(c);
}

static void tenants(void)
{
	static const char text[] =
		HEAD "  <tenant name='acme' max-sessions='10000' executions-per-minute='1000000'\n"
		"          pools='node  python' max-timeout='0.5'>\n"			/* 4 */
		"    <key id='acme-1' sha256='" HA "'/>\n"				/* 5 */
		"    <!-- the next key, for the change-over -->\n"
		"    <key id='acme.2_X' sha256='" H64("9876FEDC") "'/>\n"		/* 7 */
		"  </tenant>\n"
		"  <runtime name='python'/>\n"
		"  <runtime name='bash'/>\n"
		"  <runtime name='node'/>\n"
		"  <tenant name='Bee_2-x'>\n"
		"    <key id='b' sha256='" HB "'/>\n"
		"  </tenant>\n"
		"  <tenant name='py' pools='python' max-sessions='1' max-requests='3'\n"
		"          executions-per-minute='1' max-timeout='86400'>\n"
		"    <key id='p' sha256='" HC "'/>\n"
		"  </tenant>\n"
		"</stockade>\n";
	struct conf *c = calloc(1, sizeof(*c));
	const struct conf_tenant *a = &c->tenants[0], *b = &c->tenants[1], *p = &c->tenants[2];
	const struct conf_key *k = NULL;
	unsigned char sha[32];
	char path[32];
	int rc = load_text(text, c, path);

	if (!is_int(rc, 0, "three tenants, the first before the runtimes it names"))
		printf("#   %s\n", err);
	ok(schema_accepts(path), "the schema accepts it");
	unlink(path);
	is_int(c->ntenants, 3, "three tenants in file order");
	ok(!strcmp(a->name, "acme") && a->max_sessions == 10000 && a->per_minute == 1000000 &&
	   a->max_timeout_ms == 500,
	   "acme: 10000 sessions, 1000000 a minute, max-timeout 0.5 s");
	ok(a->nkeys == 2 && !strcmp(a->keys[0].id, "acme-1") &&
	   !strcmp(a->keys[1].id, "acme.2_X"), "acme: two keys, ids kept");
	sha_of(sha, 0x01, 0x23, 0xab, 0xcd);
	ok(!memcmp(a->keys[0].sha256, sha, 32), "lower case hex decoded");
	sha_of(sha, 0x98, 0x76, 0xfe, 0xdc);
	ok(!memcmp(a->keys[1].sha256, sha, 32), "upper case hex decoded");
	ok(a->pools == (1u << 0 | 1u << 2), "acme's pools: python (rt[0]) and node (rt[2])");
	ok(!strcmp(b->name, "Bee_2-x") && b->max_sessions == 16 && b->per_minute == 600 &&
	   b->max_timeout_ms == 300000 && b->pools == 7 && b->nkeys == 1,
	   "tenant defaults: 16 sessions, 600 a minute, 300 s, every runtime");
	ok(p->pools == 1 && p->max_sessions == 1 && p->per_minute == 1 &&
	   p->max_timeout_ms == 86400000ULL, "py: python only, 1, 1, a day");
	ok(p->max_requests == 3 && a->max_requests == 0 && b->max_requests == 0,
	   "max-requests: 3 when given, 0 (half the workers) when not");

	ok(conf_tenant_allows(c, a, "python") && conf_tenant_allows(c, a, "node") &&
	   !conf_tenant_allows(c, a, "bash"), "acme may use python and node, not bash");
	ok(conf_tenant_allows(c, b, "bash") && !conf_tenant_allows(c, p, "node") &&
	   !conf_tenant_allows(c, b, "ruby"), "defaults allow all; unknown runtimes never");

	sha_of(sha, 0x98, 0x76, 0xfe, 0xdc);
	ok(conf_tenant_by_key(c, sha, &k) == a && k == &a->keys[1],
	   "by key: acme's second key");
	sha_of(sha, 0xff, 0xff, 0xff, 0xff);
	k = NULL;
	ok(conf_tenant_by_key(c, sha, &k) == b && k == &b->keys[0], "by key: Bee_2-x's key");
	sha_of(sha, 0, 0, 0, 0);
	ok(conf_tenant_by_key(c, sha, NULL) == p, "by key: py's all-zero hash, key not asked");
	sha_of(sha, 0x01, 0x23, 0xab, 0xcc);
	k = &a->keys[0];
	ok(conf_tenant_by_key(c, sha, &k) == NULL && k == &a->keys[0],
	   "an unknown hash (one bit off): NULL, *key untouched");
	c->ntenants = 0;
	sha_of(sha, 0x01, 0x23, 0xab, 0xcd);
	ok(conf_tenant_by_key(c, sha, NULL) == NULL, "no tenants: NULL");
	free(c);
}

/* n tenants of one key each, with distinct ids and hashes, around one runtime. */
static char *many_tenants(unsigned n)
{
	size_t len = 128 + n * 160;
	char *text = malloc(len), *at = text;

	at += sprintf(at, HEAD "  <runtime name='python'/>\n");	/* lines 1-3 */
	for (unsigned i = 0; i < n; i++)
		at += sprintf(at, "  <tenant name='t%u'><key id='k%u' sha256='%064x'/>"
			      "</tenant>\n", i, i, i);
	sprintf(at, "</stockade>\n");
	return text;
}

static void tenant_count(void)
{
	char *text = many_tenants(64), path[32];
	struct conf *c = calloc(1, sizeof(*c));
	unsigned char sha[32] = { 0 };
	const struct conf_key *k = NULL;
	int rc = load_text(text, c, path);

	if (!is_int(rc, 0, "64 tenants load"))
		printf("#   %s\n", err);
	unlink(path);
	sha[31] = 63;
	ok(c->ntenants == 64 && conf_tenant_by_key(c, sha, &k) == &c->tenants[63] &&
	   !strcmp(k->id, "k63"), "the 64th tenant is found by its key");
	free(text);
	free(c);
	text = many_tenants(65);
	refused("65 tenants", text, 3 + 65, "tenant[t64]: more than 64 tenants", NULL, false);
	free(text);
}

static void tenant_errors(void)
{
	static const char nine[] =
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='a'>\n"
		"    <key id='k1' sha256='" H64("00000001") "'/>\n"
		"    <key id='k2' sha256='" H64("00000002") "'/>\n"
		"    <key id='k3' sha256='" H64("00000003") "'/>\n"
		"    <key id='k4' sha256='" H64("00000004") "'/>\n"
		"    <key id='k5' sha256='" H64("00000005") "'/>\n"
		"    <key id='k6' sha256='" H64("00000006") "'/>\n"
		"    <key id='k7' sha256='" H64("00000007") "'/>\n"
		"    <key id='k8' sha256='" H64("00000008") "'/>\n"
		"    <key id='k9' sha256='" H64("00000009") "'/>\n"		/* 13 */
		"  </tenant>\n"
		"</stockade>\n";

	/* <fcgi> */
	refused("fcgi: upper case owner",
		HEAD "  <fcgi owner='Www'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@owner: not a user or group name", "Www", true);
	refused("fcgi: group starting with a digit",
		HEAD "  <fcgi group='1www'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@group: not a user or group name", NULL, true);
	refused("fcgi: user of 33 characters",
		HEAD "  <fcgi user='abcdefghijabcdefghijabcdefghijabc'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@user: not a user or group name", NULL, true);
	refused("fcgi: relative socket",
		HEAD "  <fcgi socket='run/fcgi.sock'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@socket: not an absolute path", NULL, true);
	refused("fcgi: 0 workers",
		HEAD "  <fcgi workers='0'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@workers: 0 is outside [1, 64]", NULL, false);
	refused("fcgi: 65 workers",
		HEAD "  <fcgi workers='65'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@workers: 65 is outside [1, 64]", NULL, false);
	refused("fcgi: max-depth 1",
		HEAD "  <fcgi max-depth='1'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@max-depth: 1 is outside [2, 1000]", NULL, false);
	refused("fcgi: max-depth 1001",
		HEAD "  <fcgi max-depth='1001'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@max-depth: 1001 is outside [2, 1000]", NULL, false);
	refused("fcgi: bad size",
		HEAD "  <fcgi max-code='1T'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@max-code: not a size: 1T", NULL, true);
	refused("fcgi: max-upload above max-body",
		HEAD "  <runtime name='python'/>\n"
		"  <fcgi max-upload='130M'/>\n"
		"</stockade>\n", 4, "fcgi/@max-upload: 130M is more than max-body (129M)", NULL,
		false);
	refused("fcgi: max-body below the default max-upload",
		HEAD "  <fcgi max-body='64M'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@max-upload: 128M is more than max-body (64M)", NULL,
		false);
	refused("fcgi: max-request above max-body",
		HEAD "  <fcgi max-body='4M' max-upload='4M' max-request='5000000'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@max-request: 5000000 is more than max-body (4M)",
		NULL, false);
	refused("fcgi: max-code above max-request",
		HEAD "  <fcgi max-request='1K' max-code='2K'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@max-code: 2K is more than max-request (1K)", NULL,
		false);
	refused("fcgi: unknown attribute",
		HEAD "  <fcgi threads='4'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/@threads: unknown attribute", NULL, true);
	refused("fcgi: a child element",
		HEAD "  <fcgi><memcached/></fcgi>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "fcgi/memcached: unknown element", NULL, true);
	refused("a second fcgi",
		HEAD "  <fcgi/>\n"
		"  <runtime name='python'/>\n"
		"  <fcgi workers='2'/>\n"
		"</stockade>\n", 5, "fcgi: a second <fcgi>", "first is at line 3", true);

	/* <audit> */
	refused("audit: relative spool",
		HEAD "  <audit spool='var/audit'/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "audit/@spool: not an absolute path", NULL, true);
	refused("a second audit",
		HEAD "  <audit/>\n"
		"  <audit/>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 4, "audit: a second <audit>", NULL, true);

	/* <tenant> */
	refused("tenant: bad name",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='ac me'><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant/@name: not a tenant name", "ac me", true);
	refused("tenant: name of 65",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='" H64("abcdefgh") "x'><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant/@name: not a tenant name", NULL, true);
	refused("tenant: no name",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant/@name: missing", NULL, true);
	refused("duplicate tenant",
		HEAD "  <tenant name='acme'><key id='k1' sha256='" HA "'/></tenant>\n"
		"  <runtime name='python'/>\n"
		"  <tenant name='acme'><key id='k2' sha256='" HB "'/></tenant>\n"
		"</stockade>\n", 5, "tenant[acme]: a second tenant acme", "first is at line 3",
		false);
	refused("tenant: no key",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'/>\n"
		"</stockade>\n", 4, "tenant[acme]: no <key>", "unless it has <anonymous>",
		true);
	refused("tenant: nine keys", nine, 13, "tenant[a]/key[k9]: more than 8 keys", NULL,
		false);
	refused("tenant: unknown child",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'>\n"
		"    <key id='k' sha256='" HA "'/>\n"
		"    <limits memory='1G'/>\n"
		"  </tenant>\n"
		"</stockade>\n", 6, "tenant[acme]/limits: unknown element", "<key>", true);
	refused("tenant: unknown attribute",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' pool='python'><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@pool: unknown attribute", NULL, true);
	refused("tenant: max-sessions 0",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' max-sessions='0'><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@max-sessions: 0 is outside [1, 10000]", NULL,
		false);
	refused("tenant: max-sessions 10001",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' max-sessions='10001'><key id='k' sha256='" HA "'/>"
		"</tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@max-sessions: 10001 is outside", NULL, false);
	refused("tenant: executions-per-minute 0",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' executions-per-minute='0'><key id='k' sha256='" HA "'/>"
		"</tenant>\n"
		"</stockade>\n", 4,
		"tenant[acme]/@executions-per-minute: 0 is outside [1, 1000000]", NULL, false);
	refused("tenant: executions-per-minute 1000001",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' executions-per-minute='1000001'><key id='k' sha256='" HA
		"'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@executions-per-minute: 1000001 is outside",
		NULL, false);
	refused("tenant: max-timeout 0",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' max-timeout='0'><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@max-timeout: 0 is outside [0.001, 86400]",
		NULL, false);
	refused("tenant: max-timeout not a number",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' max-timeout='5m'><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@max-timeout: not a number of seconds", NULL,
		true);
	refused("tenant: unknown pool",
		HEAD "  <tenant name='acme' pools='python ruby'>\n"
		"    <key id='k' sha256='" HA "'/>\n"
		"  </tenant>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 3, "tenant[acme]/@pools: not a runtime: ruby", NULL, true);
	refused("tenant: a pool with no runtime element",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' pools='python node'>\n"
		"    <key id='k' sha256='" HA "'/>\n"
		"  </tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@pools: node is not a configured <runtime>",
		NULL, false);
	refused("tenant: empty pools",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme' pools=' '><key id='k' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/@pools: names no runtime", NULL, true);

	/* <key> */
	refused("key: bad id",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'><key id='k/1' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/key/@id: not a key id", "k/1", true);
	refused("key: the reserved id",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'><key id='anonymous' sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/key[anonymous]/@id: anonymous is reserved",
		NULL, true);
	refused("key: no id",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'><key sha256='" HA "'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/key/@id: missing", NULL, true);
	refused("key: no sha256",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'><key id='k'/></tenant>\n"
		"</stockade>\n", 4, "tenant[acme]/key[k]/@sha256: missing", NULL, true);
	refused("key: bad hex",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'>\n"
		"    <key id='k' sha256='" H64("0123abcg") "'/>\n"
		"  </tenant>\n"
		"</stockade>\n", 5, "tenant[acme]/key[k]/@sha256: not a SHA-256",
		"64 characters given", true);
	ok(!strstr(err, "0123abcg"), "the value is not quoted back");
	refused("key: short hex",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'>\n"
		"    <key id='k' sha256='" H64("0123abcd") "'/>\n"
		/* one digit short */
		"    <key id='k2' sha256='0123abcd0123abcd0123abcd0123abcd"
		"0123abcd0123abcd0123abcd0123abc'/>\n"
		"  </tenant>\n"
		"</stockade>\n", 6, "tenant[acme]/key[k2]/@sha256: not a SHA-256",
		"63 characters given", true);
	refused("key: duplicate hash in one tenant",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'>\n"
		"    <key id='k' sha256='" H64("0123abcd") "'/>\n"
		"    <key id='k2' sha256='" H64("0123abcd") "'/>\n"
		"  </tenant>\n"
		"</stockade>\n", 6, "tenant[acme]/key[k2]/@sha256: the same hash as key k",
		"line 5", false);
	refused("key: a pasted key instead of its hash",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='acme'>\n"
		"    <key id='k' sha256='sk_live_secret'/>\n"
		"  </tenant>\n"
		"</stockade>\n", 5, "tenant[acme]/key[k]/@sha256: not a SHA-256",
		"14 characters given", true);
	ok(!strstr(err, "secret"), "the pasted key is not quoted back");
	refused("key: duplicate id across tenants",
		HEAD "  <tenant name='a'><key id='k' sha256='" HA "'/></tenant>\n"
		"  <tenant name='b'>\n"
		"    <key id='k2' sha256='" HB "'/>\n"
		"    <key id='k' sha256='" HC "'/>\n"
		"  </tenant>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 6, "tenant[b]/key[k]/@id: a second key k", "first is at line 3",
		false);
	refused("key: duplicate hash across tenants, in another case",
		HEAD "  <tenant name='a'><key id='ka' sha256='" HD "'/></tenant>\n"
		"  <tenant name='b'><key id='kb' sha256='" H64("9876FEDC") "'/></tenant>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n", 4, "tenant[b]/key[kb]/@sha256: the same hash as key ka",
		"line 3", false);
	refused("key: a child element",
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='a'><key id='ka' sha256='" HD "'>x</key></tenant>\n"
		"</stockade>\n", 4, "tenant[a]/key[ka]: text is not allowed", NULL, true);
}

/* ------------------------------------------------------------------------------------
 * <judge>
 */

static const char java_compile[] = "/usr/lib/jvm/default-java/bin/javac -J-XX:+UseSerialGC "
	"-J-XX:TieredStopAtLevel=1 -J-Xss8m -encoding UTF-8 Main.java";
static const char java_run[] = "/usr/lib/jvm/default-java/bin/java -XX:+UseSerialGC "
	"-XX:TieredStopAtLevel=1 -Xss64m -Xmx{memory_mb}m -XX:MaxMetaspaceSize=64m "
	"-XX:ReservedCodeCacheSize=32m -Xshare:auto -cp /mnt/data Main";

/* Whether j holds, field by field, what conf.h says <judge> defaults to. */
static bool judge_is_default(const struct conf_judge *j)
{
	const struct sbx_limits *c = &j->compile, *t = &j->test, *m = &j->max;

	return j->spare == 16 && j->width == 2 && j->max_tests == 256 && j->max_runs == 20 &&
	       j->result_ttl_s == 3600 &&
	       c->cpu_ms == 10000 && c->wall_ms == 20000 && c->memory == 512 * MiB &&
	       c->pids == 64 && c->output == 64 * 1024 && c->disk == 128 * MiB &&
	       c->fsize == 64 * MiB && c->stack == 64 * MiB &&
	       t->cpu_ms == 5000 && t->wall_ms == 10000 && t->memory == 128 * MiB &&
	       t->pids == 60 && t->output == 8 * MiB && t->stack == 64 * MiB &&
	       t->fsize == 1 * MiB && t->disk == 64 * MiB && j->cpu_extra_ms == 1000 &&
	       m->cpu_ms == 15000 && m->wall_ms == 20000 && m->memory == 512 * MiB &&
	       m->pids == 120 && m->output == 64 * MiB && m->stack == 128 * MiB &&
	       m->fsize == 4 * MiB && m->disk == 256 * MiB && j->max_cpu_extra_ms == 5000;
}

/* The limits no attribute sets: those of `stockade run`. */
static bool judge_fixed(const struct sbx_limits *l)
{
	struct sbx_limits def;

	sbx_limits_default(&def);
	return l->inodes == def.inodes && l->nofile == def.nofile && l->cpus == 1;
}

static void judge_defaults_test(void)
{
	static const char *const texts[] = {
		HEAD "  <runtime name='python'/>\n</stockade>\n",
		HEAD "  <runtime name='python'/>\n  <judge/>\n</stockade>\n",
		HEAD "  <judge><compile/><test-defaults/><test-max/></judge>\n"
		"  <runtime name='python'/>\n</stockade>\n",
	};
	static const char *const what[] = { "no <judge>", "an empty <judge/>",
					    "<judge> with empty children" };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct conf *c = calloc(1, sizeof(*c));
		const char *why = NULL;
		char path[32];
		int rc = load_text(texts[i], c, path);

		if (!is_int(rc, 0, what[i]))
			printf("#   %s\n", err);
		ok(schema_accepts(path), "%s: the schema accepts it", what[i]);
		unlink(path);
		ok(judge_is_default(&c->judge), "%s: every judge default of conf.h", what[i]);
		ok(judge_fixed(&c->judge.compile) && judge_fixed(&c->judge.test) &&
		   judge_fixed(&c->judge.max),
		   "%s: inodes, open files and cpus as `stockade run`'s", what[i]);
		ok(sbx_limits_valid(&c->judge.compile, &why) &&
		   sbx_limits_valid(&c->judge.test, &why) &&
		   sbx_limits_valid(&c->judge.max, &why), "%s: the defaults are valid cells",
		   what[i]);
		ok(c->judge.nlangs == 0 && !conf_judge_lang(c, "c"),
		   "%s: no languages, conf_judge_lang NULL", what[i]);
		free(c);
	}
}

static void judge_every_attribute(void)
{
	static const char text[] =
		HEAD "  <judge spare='0' width='64' max-tests='4096' max-runs='100'\n"
		"         result-ttl='604800'>\n"					/* 4 */
		"    <language name='python' run='/usr/bin/python3 -S main.py'/>\n"
		"    <test-max cpu='60' cpu-extra='10.5' wall='120' memory='2G' pids='500'\n"
		"              output='32M' stack='256M' file-size='16M' disk='1G'/>\n"
		"    <compile cpu='0.5' wall='1.25' memory='1G' pids='100' output='1M'\n"
		"             stack='128K' file-size='0' disk='64K'/>\n"
		"    <test-defaults cpu='60' cpu-extra='0' wall='0.001' memory='8M' pids='1'\n"
		"                   output='0' stack='64K' file-size='16M' disk='1G'/>\n"
		"    <language name='c'\n"
		"      compile='  /usr/bin/gcc   -O2\t-o main\n   main.c  '/>\n"
		"    <language name='java' compile=''\n"
		"      run='/opt/jdk/bin/java -Xmx{memory_mb}m Main'/>\n"
		"    <language name='cpp' compile='/usr/bin/g++ main.cpp'/>\n"
		"    <language name='node'/>\n"
		"    <language name='bash' compile='' run=''/>\n"
		"  </judge>\n"
		"  <runtime name='python'/>\n"
		"</stockade>\n";
	struct conf *c = calloc(1, sizeof(*c));
	const struct conf_judge *j = &c->judge;
	const struct sbx_limits *co = &j->compile, *t = &j->test, *m = &j->max;
	const struct conf_lang *l;
	char path[32];
	int rc = load_text(text, c, path);

	if (!is_int(rc, 0, "judge: every attribute set"))
		printf("#   %s\n", err);
	ok(schema_accepts(path), "the schema accepts it");
	unlink(path);
	ok(j->spare == 0 && j->width == 64 && j->max_tests == 4096 && j->max_runs == 100 &&
	   j->result_ttl_s == 604800, "judge: spare 0, width 64, 4096 tests, 100 runs, a week");
	ok(co->cpu_ms == 500 && co->wall_ms == 1250 && co->memory == 1024 * MiB &&
	   co->pids == 100 && co->output == 1 * MiB && co->stack == 128 * 1024 &&
	   co->fsize == 0 && co->disk == 64 * 1024,
	   "compile: 0.5 s, 1.25 s, 1G, 100, 1M, 128K, 0, 64K");
	ok(t->cpu_ms == 60000 && j->cpu_extra_ms == 0 && t->wall_ms == 1 &&
	   t->memory == 8 * MiB && t->pids == 1 && t->output == 0 && t->stack == 64 * 1024 &&
	   t->fsize == 16 * MiB && t->disk == 1024 * MiB,
	   "test-defaults: 60 s, extra 0, 1 ms, 8M, 1, 0, 64K, 16M, 1G (each at the maximum "
	   "or under)");
	ok(m->cpu_ms == 60000 && j->max_cpu_extra_ms == 10500 && m->wall_ms == 120000 &&
	   m->memory == 2048 * MiB && m->pids == 500 && m->output == 32 * MiB &&
	   m->stack == 256 * MiB && m->fsize == 16 * MiB && m->disk == 1024 * MiB,
	   "test-max: 60 s, extra 10.5 s, 120 s, 2G, 500, 32M, 256M, 16M, 1G");
	ok(judge_fixed(co) && judge_fixed(t) && judge_fixed(m),
	   "inodes, open files and cpus stay `stockade run`'s");
	is_int(j->nlangs, 6, "six languages, in file order");
	ok(!strcmp(j->langs[0].name, "python") && !strcmp(j->langs[1].name, "c") &&
	   !strcmp(j->langs[5].name, "bash"), "python first, bash last");
	l = conf_judge_lang(c, "python");
	ok(l == &j->langs[0] && !strcmp(l->run, "/usr/bin/python3 -S main.py") &&
	   l->compile[0] == '\0', "python: run replaced, no compile");
	l = conf_judge_lang(c, "c");
	ok(l && !strcmp(l->compile, "/usr/bin/gcc -O2 -o main main.c") && l->run[0] == '\0',
	   "c: blanks, a tab and a newline collapse to single spaces; run kept built-in");
	if (l && strcmp(l->compile, "/usr/bin/gcc -O2 -o main main.c"))
		printf("#   '%s'\n", l->compile);
	l = conf_judge_lang(c, "java");
	ok(l && l->compile[0] == '\0' &&
	   !strcmp(l->run, "/opt/jdk/bin/java -Xmx{memory_mb}m Main"),
	   "java: an empty compile keeps the built-in; {memory_mb} kept for the keeper");
	l = conf_judge_lang(c, "node");
	ok(l && !l->compile[0] && !l->run[0], "node: named with neither line");
	ok(conf_judge_lang(c, "cpp") == &j->langs[3] && !conf_judge_lang(c, "ruby") &&
	   !conf_judge_lang(c, "C") && !conf_judge_lang(c, "gcc"),
	   "conf_judge_lang: exact names only (no case folding, no aliases)");
	free(c);
}

/* The shipped <judge>: the numbers and command lines. */
static void judge_shipped(const struct conf *c)
{
	const struct conf_judge *j = &c->judge;
	const struct conf_lang *l;

	ok(judge_is_default(j), "shipped judge: spare 16, width 2, and every limit at its "
	   "default");
	is_int(j->nlangs, 3, "shipped judge: three languages");
	l = conf_judge_lang(c, "c");
	ok(l && !strcmp(l->compile, "/usr/bin/gcc -O2 -std=gnu17 -pipe -o main main.c -lm") &&
	   !l->run[0], "shipped judge: c's compile line");
	l = conf_judge_lang(c, "cpp");
	ok(l && !strcmp(l->compile, "/usr/bin/g++ -O2 -std=gnu++17 -pipe -o main main.cpp") &&
	   !l->run[0], "shipped judge: cpp's compile line");
	l = conf_judge_lang(c, "java");
	ok(l && !strcmp(l->compile, java_compile) && !strcmp(l->run, java_run),
	   "shipped judge: java's compile and run lines");
	ok(!conf_judge_lang(c, "python"), "shipped judge: python keeps the built-in");
}

/* A <judge> with body (from line 5), or with attrs (line 4), beside a runtime. */
#define JUDGE(body) \
	HEAD "  <runtime name='python'/>\n  <judge>\n" body "  </judge>\n</stockade>\n"
#define JUDGE_ATTRS(attrs) \
	HEAD "  <runtime name='python'/>\n  <judge " attrs "/>\n</stockade>\n"

static void judge_errors(void)
{
	char text[2048], longline[600];

	/* <judge>'s own attributes: the walk's ranges (the schema has counts) */
	refused("judge: spare 257", JUDGE_ATTRS("spare='257'"), 4,
		"judge/@spare: 257 is outside [0, 256]", NULL, false);
	refused("judge: width 0", JUDGE_ATTRS("width='0'"), 4,
		"judge/@width: 0 is outside [1, 64]", NULL, false);
	refused("judge: width 65", JUDGE_ATTRS("width='65'"), 4,
		"judge/@width: 65 is outside [1, 64]", NULL, false);
	refused("judge: max-tests 0", JUDGE_ATTRS("max-tests='0'"), 4,
		"judge/@max-tests: 0 is outside [1, 4096]", NULL, false);
	refused("judge: max-tests 4097", JUDGE_ATTRS("max-tests='4097'"), 4,
		"judge/@max-tests: 4097 is outside [1, 4096]", NULL, false);
	refused("judge: max-runs 0", JUDGE_ATTRS("max-runs='0'"), 4,
		"judge/@max-runs: 0 is outside [1, 100]", NULL, false);
	refused("judge: max-runs 101", JUDGE_ATTRS("max-runs='101'"), 4,
		"judge/@max-runs: 101 is outside [1, 100]", NULL, false);
	refused("judge: result-ttl 0", JUDGE_ATTRS("result-ttl='0'"), 4,
		"judge/@result-ttl: 0 is outside [1, 604800]", NULL, false);
	refused("judge: result-ttl 604801", JUDGE_ATTRS("result-ttl='604801'"), 4,
		"judge/@result-ttl: 604801 is outside [1, 604800]", NULL, false);
	refused("judge: result-ttl with a fraction", JUDGE_ATTRS("result-ttl='1.5'"), 4,
		"judge/@result-ttl: not a whole number", NULL, true);
	refused("judge: unknown attribute", JUDGE_ATTRS("cells='4'"), 4,
		"judge/@cells: unknown attribute", NULL, true);
	refused("a second judge",
		HEAD "  <judge/>\n  <runtime name='python'/>\n  <judge spare='1'/>\n"
		"</stockade>\n", 5, "judge: a second <judge>", "first is at line 3", true);
	refused("judge: text", JUDGE("    sixteen\n"), 4, "judge: text is not allowed", NULL,
		true);
	refused("judge: unknown child", JUDGE("    <limits memory='1G'/>\n"), 5,
		"judge/limits: unknown element",
		"<compile>, <test-defaults>, <test-max> or <language>", true);

	/* <compile>, <test-defaults>, <test-max> */
	refused("judge: a second compile",
		JUDGE("    <compile/>\n    <compile cpu='1'/>\n"), 6,
		"judge/compile: a second <compile>", "first is at line 5", true);
	refused("judge: a second test-max",
		JUDGE("    <test-max/>\n    <test-defaults/>\n    <test-max cpu='1'/>\n"), 7,
		"judge/test-max: a second <test-max>", "first is at line 5", true);
	refused("judge: compile has no cpu-extra", JUDGE("    <compile cpu-extra='1'/>\n"), 5,
		"judge/compile/@cpu-extra: unknown attribute", NULL, true);
	refused("judge: unknown limit", JUDGE("    <test-max inodes='100'/>\n"), 5,
		"judge/test-max/@inodes: unknown attribute", NULL, true);
	refused("judge: a child in compile", JUDGE("    <compile><x/></compile>\n"), 5,
		"judge/compile/x: unknown element", NULL, true);
	refused("judge: bad size", JUDGE("    <test-defaults memory='128Q'/>\n"), 5,
		"judge/test-defaults/@memory: not a size: 128Q", NULL, true);
	refused("judge: bad seconds", JUDGE("    <test-max cpu='1m'/>\n"), 5,
		"judge/test-max/@cpu: not a number of seconds: 1m", NULL, true);
	refused("judge: bad count", JUDGE("    <compile pids='-1'/>\n"), 5,
		"judge/compile/@pids: not a whole number", NULL, true);
	refused("judge: a compile cell a cell cannot honour",
		JUDGE("    <compile memory='1M'/>\n"), 5,
		"judge/compile: limit memory=1048576 is outside", NULL, false);
	refused("judge: a test cell of 0 CPU", JUDGE("    <test-defaults cpu='0'/>\n"), 5,
		"judge/test-defaults: limit cpu_ms=0 is outside", NULL, false);
	refused("judge: a maximum a cell cannot honour",
		JUDGE("    <test-max stack='2G'/>\n"), 5,
		"judge/test-max: limit stack=2147483648 is outside", NULL, false);
	refused("judge: a default above its maximum",
		JUDGE("    <test-max memory='1G'/>\n    <test-defaults memory='1.5G'/>\n"), 6,
		"judge/test-defaults/@memory: 1536M is more than test-max's (1G)", NULL, false);
	refused("judge: a default above the default maximum",
		JUDGE("    <test-defaults wall='20.5'/>\n"), 5,
		"judge/test-defaults/@wall: 20.500 s is more than test-max's (20 s)", NULL,
		false);
	refused("judge: a maximum below the default default",
		JUDGE("    <test-max cpu='2'/>\n"), 5,
		"judge/test-max/@cpu: 2 s is less than test-defaults' (5 s)", NULL, false);
	refused("judge: pids default above the maximum",
		JUDGE("    <test-defaults pids='121'/>\n"), 5,
		"judge/test-defaults/@pids: 121 is more than test-max's (120)", NULL, false);
	refused("judge: cpu-extra default above the maximum",
		JUDGE("    <test-defaults cpu-extra='6'/>\n"), 5,
		"judge/test-defaults/@cpu-extra: 6 s is more than test-max's (5 s)", NULL, false);
	refused("judge: output maximum below the default",
		JUDGE("    <test-max output='4M'/>\n"), 5,
		"judge/test-max/@output: 4M is less than test-defaults' (8M)", NULL, false);
	refused("judge: disk default above the maximum",
		JUDGE("    <test-defaults disk='512M'/>\n"), 5,
		"judge/test-defaults/@disk: 512M is more than test-max's (256M)", NULL, false);
	refused("judge: file-size default above the maximum",
		JUDGE("    <test-defaults file-size='5M'/>\n"), 5,
		"judge/test-defaults/@file-size: 5M is more than test-max's (4M)", NULL, false);
	refused("judge: stack default above the maximum",
		JUDGE("    <test-defaults stack='129M'/>\n"), 5,
		"judge/test-defaults/@stack: 129M is more than test-max's (128M)", NULL, false);
	refused("judge: cpu and cpu-extra past a cell's hour",
		JUDGE("    <test-max cpu='3600' cpu-extra='1'/>\n"), 5,
		"judge/test-max/@cpu-extra: cpu and cpu-extra together are 3601 s", NULL, false);
	refused("judge: cpu-extra above an hour",
		JUDGE("    <test-max cpu-extra='3601'/>\n"), 5,
		"judge/test-max/@cpu-extra: 3601 is outside [0, 3600] seconds", NULL, false);

	/* <language> */
	refused("language: unknown name", JUDGE("    <language name='ruby'/>\n"), 5,
		"judge/language/@name: not a language: ruby",
		"c, cpp, python, node, bash or java", true);
	refused("language: no name", JUDGE("    <language run='/bin/x'/>\n"), 5,
		"judge/language/@name: missing", NULL, true);
	refused("language: a second c",
		JUDGE("    <language name='c'/>\n    <language name='cpp'/>\n"
		      "    <language name='c' compile='/usr/bin/cc main.c'/>\n"), 7,
		"judge/language[c]: a second language c", "first is at line 5", false);
	refused("language: unknown attribute",
		JUDGE("    <language name='c' flags='-O2'/>\n"), 5,
		"judge/language[c]/@flags: unknown attribute", NULL, true);
	refused("language: a child", JUDGE("    <language name='c'><run/></language>\n"), 5,
		"judge/language[c]/run: unknown element", NULL, true);
	refused("language: a relative command",
		JUDGE("    <language name='c' compile='gcc -o main main.c'/>\n"), 5,
		"judge/language[c]/@compile: the command is not an absolute path: gcc", NULL,
		true);
	refused("language: a relative run after blanks",
		JUDGE("    <language name='cpp' run='  ./main'/>\n"), 5,
		"judge/language[cpp]/@run: the command is not an absolute path: ./main", NULL,
		true);
	refused("language: blanks only",
		JUDGE("    <language name='java' run='   '/>\n"), 5,
		"judge/language[java]/@run: names no command", NULL, true);
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "/usr/bin/", 9);
	longline[512] = '\0';
	snprintf(text, sizeof(text), JUDGE("    <language name='c' compile='%s'/>\n"),
		 longline);
	refused("language: a command of 512 bytes", text, 5,
		"judge/language[c]/@compile: longer than 511 bytes", NULL, true);
	longline[511] = '\0';
	snprintf(text, sizeof(text), JUDGE("    <language name='c' compile='%s'/>\n"),
		 longline);
	{
		struct conf *c = calloc(1, sizeof(*c));
		char path[32];
		int rc = load_text(text, c, path);

		ok(rc == 0 && strlen(c->judge.langs[0].compile) == 511 && schema_accepts(path),
		   "language: a command of 511 bytes is kept whole");
		if (rc)
			printf("#   %s\n", err);
		unlink(path);
		free(c);
	}
	refused("language: a compile line for python",
		JUDGE("    <language name='python' compile='/usr/bin/python3 -m py_compile'/>\n"),
		5, "judge/language[python]/@compile: python is interpreted", NULL, false);
	refused("language: a placeholder in compile",
		JUDGE("    <language name='java' compile='/usr/bin/javac -J-Xmx{memory_mb}m'/>\n"),
		5, "judge/language[java]/@compile: {...} is for run only", NULL, false);
	refused("language: a misspelt placeholder",
		JUDGE("    <language name='java' run='/usr/bin/java -Xmx{memory_MB}m Main'/>\n"),
		5, "judge/language[java]/@run: not a placeholder: {memory_MB}m",
		"run knows {memory_mb}", false);
	refused("language: a control character",
		JUDGE("    <language name='c' run='/usr/bin/a&#127;b'/>\n"), 5,
		"judge/language[c]/@run: holds a control character", NULL, false);
}

/* ------------------------------------------------------------------------------------
 * <anonymous>: tenants served by client address
 */

static void anonymous(void)
{
	static const char text[] =
		HEAD "  <runtime name='python'/>\n"
		"  <tenant name='keyed'><key id='k' sha256='" HA "'/></tenant>\n"	/* 4 */
		"  <tenant name='lan' max-sessions='2'>\n"				/* 5 */
		"    <anonymous networks='10.1.2.3/8  192.0.2.7\n"
		"      172.16.0.0/13 2001:db8::1/127 ::ffff:198.51.100.0/120'/>\n"
		"  </tenant>\n"
		"  <tenant name='local'>\n"
		"    <key id='lk' sha256='" HB "'/>\n"
		"    <anonymous networks='127.0.0.0/8 ::1/128 10.0.0.0/8'/>\n"
		"  </tenant>\n"
		"  <tenant name='rest'>\n"
		"    <anonymous networks='0.0.0.0/0 ::/0'/>\n"
		"  </tenant>\n"
		"</stockade>\n";
	static const struct {
		const char *addr;
		int tenant;	/* index, or -1 for none */
	} cases[] = {
		{ "127.0.0.1", 2 }, { "127.255.255.255", 2 }, { "::1", 2 },
		{ "::ffff:127.0.0.1", 2 }, { "::FFFF:127.0.0.2", 2 },
		{ "10.200.1.1", 1 },		/* 10.1.2.3/8 is 10.0.0.0/8: lan, before local */
		{ "192.0.2.7", 1 },		/* a bare address: /32 */
		{ "192.0.2.8", 3 },
		{ "172.16.0.1", 1 }, { "172.23.255.255", 1 }, { "172.24.0.0", 3 },	/* /13 */
		{ "2001:db8::", 1 }, { "2001:db8::1", 1 }, { "2001:db8::2", 5 },	/* /127 */
		{ "::ffff:198.51.100.9", 1 }, { "198.51.100.255", 1 },	/* mapped /120: /24 */
		{ "198.51.101.0", 3 },
		{ "::2", 3 + 2 }, { "fe80::1", 3 + 2 },
		{ "8.8.8.8", 3 }, { "0.0.0.0", 3 }, { "255.255.255.255", 3 },
		{ "localhost", -1 }, { "", -1 }, { "127.0.0.1 ", -1 }, { "127.1", -1 },
		{ "10.0.0.1/8", -1 },
	};
	struct conf *c = calloc(1, sizeof(*c));
	const struct conf_tenant *lan = &c->tenants[1], *loc = &c->tenants[2];
	const struct conf_key *k = NULL;
	unsigned char sha[32];
	char path[32];
	bool all = true;
	int rc = load_text(text, c, path);

	if (!is_int(rc, 0, "anonymous tenants load, one with no key"))
		printf("#   %s\n", err);
	ok(schema_accepts(path), "the schema accepts them");
	unlink(path);
	ok(c->ntenants == 4 && c->tenants[0].nnets == 0 && lan->nkeys == 0 && lan->nnets == 5 &&
	   loc->nkeys == 1 && loc->nnets == 3 && c->tenants[3].nnets == 2,
	   "networks counted; a keyed tenant has none; lan has no key");
	ok(lan->nets[0].family == AF_INET && lan->nets[0].prefix == 8 &&
	   !memcmp(lan->nets[0].addr, "\x0a\0\0\0", 4),
	   "10.1.2.3/8: host bits cleared to 10.0.0.0/8");
	ok(lan->nets[1].family == AF_INET && lan->nets[1].prefix == 32 &&
	   !memcmp(lan->nets[1].addr, "\xc0\x00\x02\x07", 4), "a bare IPv4 address is a /32");
	ok(lan->nets[2].prefix == 13 && !memcmp(lan->nets[2].addr, "\xac\x10\0\0", 4),
	   "172.16.0.0/13 kept");
	ok(lan->nets[3].family == AF_INET6 && lan->nets[3].prefix == 127 &&
	   lan->nets[3].addr[15] == 0 && lan->nets[3].addr[0] == 0x20,
	   "2001:db8::1/127: the last bit cleared");
	ok(lan->nets[4].family == AF_INET && lan->nets[4].prefix == 24 &&
	   !memcmp(lan->nets[4].addr, "\xc6\x33\x64\x00", 4),
	   "::ffff:198.51.100.0/120 kept as 198.51.100.0/24");
	ok(loc->nets[1].family == AF_INET6 && loc->nets[1].prefix == 128 &&
	   loc->nets[1].addr[15] == 1, "::1/128");
	ok(c->tenants[3].nets[0].prefix == 0 && c->tenants[3].nets[1].prefix == 0,
	   "/0 in both families");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct conf_tenant *want = cases[i].tenant < 0 ? NULL :
			cases[i].tenant == 5 ? &c->tenants[3] : &c->tenants[cases[i].tenant];
		const struct conf_tenant *got = conf_tenant_by_addr(c, cases[i].addr);

		if (got != want) {
			printf("#   %s: got %s, want %s\n", cases[i].addr, got ? got->name : "none",
			       want ? want->name : "none");
			all = false;
		}
	}
	ok(all, "by address: v4, v6, mapped, /0, /8, /13, /32, /127, /128, first match "
	   "in file order, garbage matches nothing");
	ok(conf_tenant_by_addr(c, NULL) == NULL, "by address: NULL is no one");

	/* the same networks, the catch-all first: it wins */
	memmove(&c->tenants[1], &c->tenants[3], sizeof(c->tenants[0]));
	ok(conf_tenant_by_addr(c, "127.0.0.1") == &c->tenants[1] &&
	   conf_tenant_by_addr(c, "::1") == &c->tenants[1],
	   "the first tenant in file order wins, even over a narrower network");
	c->tenants[1].nnets = 1;	/* 0.0.0.0/0 only */
	ok(conf_tenant_by_addr(c, "::1") == &c->tenants[2] &&
	   conf_tenant_by_addr(c, "::ffff:127.0.0.1") == &c->tenants[1],
	   "an IPv4 network never holds IPv6 clients; a mapped client is IPv4");

	sha_of(sha, 0xff, 0xff, 0xff, 0xff);
	ok(conf_tenant_by_key(c, sha, &k) == &c->tenants[2] && k == &c->tenants[2].keys[0],
	   "an anonymous tenant's key still finds it");
	free(c);

	/* A keyless tenant reachable by nothing is refused (tenant_errors); a keyed one
	 * with no networks is not found by address. */
	c = calloc(1, sizeof(*c));
	rc = load_text(HEAD "  <runtime name='python'/>\n"
		       "  <tenant name='k'><key id='k' sha256='" HA "'/></tenant>\n"
		       "</stockade>\n", c, path);
	unlink(path);
	ok(rc == 0 && !conf_tenant_by_addr(c, "127.0.0.1"),
	   "no anonymous tenant: no one by address");
	free(c);
}

/* A tenant "pub" whose body starts at line 5. */
#define TENANT(body) HEAD "  <runtime name='python'/>\n  <tenant name='pub'>\n" body \
	"  </tenant>\n</stockade>\n"

static void anonymous_errors(void)
{
	char text[2048], *at;

	refused("anonymous: a prefix of 33",
		TENANT("    <anonymous networks='127.0.0.0/8 10.0.0.0/33'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: 10.0.0.0/33",
		"an IPv4 prefix is 0 to 32", false);
	refused("anonymous: a prefix of 129",
		TENANT("    <anonymous networks='::/129'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: ::/129",
		"an IPv6 prefix is 0 to 128", false);
	refused("anonymous: an octet of 256",
		TENANT("    <anonymous networks='10.0.0.256/32'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: 10.0.0.256/32",
		"not an IPv4 or IPv6 address", false);
	refused("anonymous: a short IPv4 address",
		TENANT("    <anonymous networks='127.1'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: 127.1", NULL, false);
	refused("anonymous: a host name",
		TENANT("    <anonymous networks='localhost'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: localhost", NULL, true);
	refused("anonymous: an empty prefix",
		TENANT("    <anonymous networks='10.0.0.0/'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: 10.0.0.0/", NULL, true);
	refused("anonymous: a prefix alone",
		TENANT("    <anonymous networks='/8'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: /8", NULL, true);
	refused("anonymous: two prefixes",
		TENANT("    <anonymous networks='10.0.0.0/8/8'/>\n"), 5,
		"tenant[pub]/anonymous/@networks: not a network: 10.0.0.0/8/8", NULL, true);
	refused("anonymous: no networks", TENANT("    <anonymous networks=' '/>\n"), 5,
		"tenant[pub]/anonymous/@networks: names no network", NULL, true);
	refused("anonymous: networks missing", TENANT("    <anonymous/>\n"), 5,
		"tenant[pub]/anonymous/@networks: missing", NULL, true);
	refused("anonymous: unknown attribute",
		TENANT("    <anonymous networks='::1' keys='no'/>\n"), 5,
		"tenant[pub]/anonymous/@keys: unknown attribute", NULL, true);
	refused("anonymous: a child",
		TENANT("    <anonymous networks='::1'><key id='k' sha256='" HA "'/></anonymous>\n"),
		5, "tenant[pub]/anonymous/key[k]: unknown element", NULL, true);
	refused("anonymous: a second one",
		TENANT("    <anonymous networks='::1'/>\n    <anonymous networks='127.0.0.1'/>\n"),
		6, "tenant[pub]/anonymous: a second <anonymous>", "first is at line 5", true);

	at = text + sprintf(text, HEAD "  <runtime name='python'/>\n  <tenant name='pub'>\n"
			    "    <anonymous networks='");
	for (int i = 0; i < 17; i++)
		at += sprintf(at, "10.0.0.%d ", i);
	sprintf(at, "'/>\n  </tenant>\n</stockade>\n");
	refused("anonymous: 17 networks", text, 5,
		"tenant[pub]/anonymous/@networks: more than 16 networks", NULL, false);
	/* 16 fit */
	{
		struct conf *c = calloc(1, sizeof(*c));
		char path[32];
		int rc;

		at = strstr(text, "10.0.0.16 ");
		memmove(at, at + strlen("10.0.0.16 "), strlen(at + strlen("10.0.0.16 ")) + 1);
		rc = load_text(text, c, path);
		unlink(path);
		ok(rc == 0 && c->tenants[0].nnets == 16 &&
		   conf_tenant_by_addr(c, "10.0.0.15") == &c->tenants[0] &&
		   !conf_tenant_by_addr(c, "10.0.0.16"), "anonymous: 16 networks load");
		if (rc)
			printf("#   %s\n", err);
		free(c);
	}
}

int main(void)
{
	plan(PLAN);
	shipped();
	defaults();
	every_attribute();
	errors();
	fcgi_every_attribute();
	tenants();
	tenant_count();
	tenant_errors();
	judge_defaults_test();
	judge_every_attribute();
	judge_errors();
	anonymous();
	anonymous_errors();
	xmlCleanupParser();
	return done_testing();
}
