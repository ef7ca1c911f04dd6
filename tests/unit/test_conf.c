/*
 * Unit tests: conf/stockade.xml and its loader. The shipped file loads with the values
 * it says; left-out attributes take their defaults; every refusal names the file, the
 * line and the field in one line; a DOCTYPE is refused before any entity is read. Each
 * bad file that is a matter of grammar is checked against the built-in schema too, so
 * the loader and conf/stockade.rng cannot drift apart.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "conf.h"
#include "tap.h"

#define MiB (1024ULL * 1024)

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
	is_int((long long)c->max_upload, 64 * MiB, "max-upload 64M");
	is_int(c->nruntimes, 3, "three runtimes");

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
	   c->max_upload == 64 * MiB,
	   "keeper defaults: memcached, 0.2 s, 256 connections, 10 s, 64M");
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
	struct conf c;
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
	rc = conf_load(path, &c, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: ", path);
	ok(rc == -1 && !strncmp(err, want, strlen(want)) && strstr(err, "No such file"),
	   "a missing file: '%s'", err);
	rc = conf_load("/tmp", &c, err, sizeof(err));
	ok(rc == -1 && strstr(err, "/tmp: not a regular file"), "a directory: '%s'", err);
}

int main(void)
{
	plan(77);
	shipped();
	defaults();
	every_attribute();
	errors();
	xmlCleanupParser();
	return done_testing();
}
