/*
 * Unit tests: audit records. A record is one RFC 5424 line whose PRI follows the
 * outcome, whose PARAM-VALUEs are escaped, clean UTF-8 and capped, which leaves unset
 * fields out and never exceeds AUDIT_MAX_RECORD, however long its inputs. Records are
 * appended to the UTC day's spool file, whole, even with two processes writing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "tap.h"

#define N_FORKED 300

static char buf[AUDIT_MAX_RECORD];

static bool has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* How many '\n' the first len bytes of s hold. */
static int newlines(const char *s, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* The unescaped length of PARAM name's value in the record, or -1 when absent. */
static long value_len(const char *rec, const char *name)
{
	char key[64];
	const char *p;
	long n = 0;

	snprintf(key, sizeof(key), " %s=\"", name);
	p = strstr(rec, key);
	if (!p)
		return -1;
	for (p += strlen(key); *p && *p != '"'; p++, n++)
		if (*p == '\\')
			p++;
	return n;
}

/* A record as a worker would fill it for a successful execution. */
static void sample(struct audit_rec *r)
{
	audit_rec_init(r);
	strcpy(r->request_id, "0f8fad5b-d9cb-469f-a165-70867728950e");
	r->time_us = 1714564800123456ULL;	/* 2024-05-01T12:00:00.123456Z */
	r->tenant = "acme";
	r->key_id = "acme-ci";
	r->client = "127.0.0.1";
	r->method = "POST";
	r->api = "azure-2024-02-02";
	r->route = "POST code/execute";
	r->pool = "python";
	r->http_status = 200;
}

static void test_init(void)
{
	struct audit_rec r;

	memset(&r, 0x5a, sizeof(r));
	audit_rec_init(&r);
	ok(!r.tenant && !r.error_message && !r.request_id[0] && !r.has_code &&
	   r.http_status == -1 && r.exit_code == -1 && r.signal == 0 && r.timeout_ms == -1 &&
	   r.file_bytes == -1 && r.duration_us == -1 && !r.verdict && !r.language &&
	   r.tests == -1 && r.tests_passed == -1,
	   "audit_rec_init: NULL strings, -1 numbers, 0 signal, no code");
}

static void test_header(void)
{
	struct audit_rec r;
	char want[128];
	size_t len;

	sample(&r);
	len = audit_format(&r, "web1", "stockade-fcgi", buf, sizeof(buf));
	is_int((long long)len, (long long)strlen(buf), "audit_format returns the length");
	snprintf(want, sizeof(want),
		 "<86>1 2024-05-01T12:00:00.123456Z web1 stockade-fcgi %ld azure-2024-02-02 "
		 "[stockade@32473 request_id=\"", (long)getpid());
	ok(!strncmp(buf, want, strlen(want)),
	   "header: PRI 86 (authpriv.info), UTC microseconds, host, app, pid, MSGID = api");
	ok(has(buf, " tenant=\"acme\" key_id=\"acme-ci\" client=\"127.0.0.1\" method=\"POST\""),
	   "set fields are PARAMs, in order");
	ok(has(buf, "] POST code/execute 200 tenant=acme\n") && buf[len - 1] == '\n' &&
	   newlines(buf, len) == 1, "MSG summarises; the record is one line");
	if (tap_failed)
		printf("#   %s", buf);

	r.api = NULL;
	audit_format(&r, "", NULL, buf, sizeof(buf));
	snprintf(want, sizeof(want), "Z - - %ld request [", (long)getpid());
	ok(has(buf, want), "no host or app: NILVALUE; no api: MSGID request");
	r.api = "bad api name that is far too long for a msgid";
	audit_format(&r, "web 1", "app", buf, sizeof(buf));
	ok(has(buf, " web_1 app ") && has(buf, " bad_api_name_that_is_far_too_lon ["),
	   "header fields: spaces become _, MSGID cut at 32");
}

static void test_pri(void)
{
	static const struct {
		int status;
		const char *pri;
	} cases[] = {
		{ 200, "<86>" }, { 404, "<86>" }, { -1, "<86>" }, { 401, "<85>" },
		{ 403, "<85>" }, { 429, "<85>" }, { 500, "<84>" }, { 503, "<84>" },
	};
	struct audit_rec r;
	bool all = true;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sample(&r);
		r.http_status = cases[i].status;
		audit_format(&r, "h", "a", buf, sizeof(buf));
		if (strncmp(buf, cases[i].pri, 4)) {
			printf("#   status %d: %.8s\n", cases[i].status, buf);
			all = false;
		}
	}
	ok(all, "PRI: info for success, notice for 401/403/429, warning for 5xx");
}

static void test_unset(void)
{
	struct audit_rec r;

	sample(&r);
	r.tenant = NULL;
	r.http_status = -1;
	audit_format(&r, "h", "a", buf, sizeof(buf));
	ok(!has(buf, "tenant") && !has(buf, "http_status") && !has(buf, "exit_code") &&
	   !has(buf, "signal") && !has(buf, "code_sha256") && !has(buf, "code_bytes") &&
	   !has(buf, "error_message") && !has(buf, "cpu_ms") && !has(buf, "file_bytes") &&
	   !has(buf, "verdict") && !has(buf, "language") && !has(buf, "tests"),
	   "unset fields are left out");
	ok(has(buf, "] POST code/execute\n"), "MSG without status or tenant");

	r.has_code = true;
	strcpy(r.code_sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	r.code_bytes = 0;
	r.exit_code = 0;
	r.signal = 9;
	r.wall_ms = 0;
	r.timeout_ms = 30000;
	audit_format(&r, "h", "a", buf, sizeof(buf));
	ok(has(buf, " code_sha256=\"e3b0c442") && has(buf, " code_bytes=\"0\"") &&
	   has(buf, " exit_code=\"0\" signal=\"9\"") && has(buf, " timeout_ms=\"30000\"") &&
	   has(buf, " wall_ms=\"0\""), "zero is a value; code fields when has_code");
}

/* A judged submission's record: the judge fields after the status, the verdict in MSG. */
static void test_judge(void)
{
	struct audit_rec r;

	sample(&r);
	r.api = "judge0";
	r.route = "POST submissions";
	r.key_id = "anonymous";
	r.execution_id = "d85cd024-1548-4165-96c7-7bc88673f194";
	r.verdict = "wrong_answer";
	r.language = "cpp";
	r.tests = 3;
	r.tests_passed = 2;
	r.has_code = true;
	strcpy(r.code_sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	r.code_bytes = 120;
	r.cpu_ms = 12;
	r.wall_ms = 30;
	r.memory_peak_kb = 3400;
	audit_format(&r, "h", "a", buf, sizeof(buf));
	ok(has(buf, " judge0 [stockade@32473 ") && has(buf, " key_id=\"anonymous\"") &&
	   has(buf, " route=\"POST submissions\""), "judge0: MSGID, route, anonymous key id");
	ok(has(buf, " execution_id=\"d85cd024-1548-4165-96c7-7bc88673f194\" verdict=\"wrong_answer\" "
		    "language=\"cpp\" tests=\"3\" tests_passed=\"2\" code_sha256=\""),
	   "verdict, language, tests and tests_passed are PARAMs, in order");
	ok(has(buf, " code_bytes=\"120\"") && has(buf, " cpu_ms=\"12\" wall_ms=\"30\" "
							 "memory_peak_kb=\"3400\""),
	   "code size and the maxima of the tests");
	ok(has(buf, "] POST submissions 200 tenant=acme verdict=wrong_answer\n"),
	   "MSG: verdict=...");
	if (tap_failed)
		printf("#   %s", buf);
	r.tests = r.tests_passed = 0;
	r.verdict = "compilation_error";
	audit_format(&r, "h", "a", buf, sizeof(buf));
	ok(has(buf, " tests=\"0\" tests_passed=\"0\"") &&
	   has(buf, " verdict=\"compilation_error\""), "no test ran: tests 0 is a value");
}

static void test_escaping(void)
{
	struct audit_rec r;
	size_t len;

	sample(&r);
	r.tenant = "a\"b\\c]d";
	r.error_message = "line one\nline two\r\x01\x7f";
	r.file_name = "caf\xc3\xa9 \xff\xfe \xc0\xaf \xed\xa0\x80 \xc2\x85";
	len = audit_format(&r, "h", "a", buf, sizeof(buf));
	ok(has(buf, " tenant=\"a\\\"b\\\\c\\]d\""), "\" \\ and ] are escaped in PARAM-VALUE");
	ok(has(buf, "tenant=a\"b\\c]d\n"), "MSG is not escaped");
	ok(has(buf, " error_message=\"line one\xef\xbf\xbdline two\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\"") && newlines(buf, len) == 1,
	   "control characters become U+FFFD: no raw newline inside");
	ok(has(buf, " file_name=\"caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\""),
	   "invalid UTF-8, overlong forms, surrogates and C1 controls become U+FFFD");
}

static void test_caps(void)
{
	static char huge[1 << 20];
	static char wide[600];
	struct audit_rec r;
	size_t len;
	long n;

	memset(huge, '"', sizeof(huge) - 1);
	for (size_t i = 0; i + 2 < sizeof(wide); i += 2)
		memcpy(wide + i, "\xc3\xa9", 2);
	sample(&r);
	r.tenant = r.key_id = r.client = r.method = r.api = r.route = r.pool = huge;
	r.identifier = r.execution_id = r.status = r.error_code = r.file_name = huge;
	r.verdict = r.language = huge;
	r.tests = r.tests_passed = INT64_MAX;
	r.error_message = huge;
	r.has_code = true;
	memset(r.code_sha256, 'a', 64);
	r.exit_code = 1, r.signal = 9, r.cpu_ms = r.wall_ms = r.memory_peak_kb = INT64_MAX;
	r.bytes_in = r.bytes_out = r.duration_us = r.file_bytes = INT64_MAX;
	r.timeout_ms = r.memory_limit_kb = INT64_MAX;
	len = audit_format(&r, huge, huge, buf, sizeof(buf));
	ok(len < AUDIT_MAX_RECORD && len == strlen(buf), "1 MiB values: %zu bytes", len);
	ok(buf[len - 1] == '\n' && newlines(buf, len) == 1, "still one line");
	n = value_len(buf, "error_message");
	is_int(n, 256, "error_message is cut to 256 bytes");
	is_int(value_len(buf, "identifier"), 128, "identifiers are cut to 128 bytes");
	ok(has(buf, " file_bytes=\"9223372036854775807\""), "nothing was dropped at full size");

	r.identifier = wide;
	audit_format(&r, "h", "a", buf, sizeof(buf));
	ok(has(buf, " identifier=\"\xc3\xa9") && value_len(buf, "identifier") == 128 &&
	   strstr(buf, " identifier=\"")[13 + 127] == '\xa9',
	   "a cut falls on a character boundary");

	len = audit_format(&r, "h", "a", buf, 1024);
	ok(len < 1024 && buf[len - 1] == '\n' && newlines(buf, len) == 1 &&
	   has(buf, " request_id=\"") && !has(buf, "error_message"),
	   "a small buffer: trailing params dropped (%zu bytes)", len);
	ok(has(buf, "\"] ") && !strchr(strstr(buf, "\"] ") + 3, '['),
	   "... and the SD element is closed before MSG");
	is_int((long long)audit_format(&r, "h", "a", buf, 100), 0,
	       "a buffer too small for any record: 0");
}

static void today_path(const char *dir, char *path, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(path, size, "%s/audit-%04d%02d%02d.log", dir, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
}

/* The lines of a file, NUL-terminated; count to *lines. Caller frees. */
static char *slurp(const char *path, int *lines)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	*lines = -1;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	if (s)
		*lines = newlines(s, (size_t)n);
	return s;
}

static void test_write(void)
{
	char tmpl[] = "/tmp/test_audit-XXXXXX", spool[64], path[128], cmd[128];
	struct audit_rec r;
	struct stat st;
	char *text;
	int lines, status, bad = 0;
	pid_t pid;

	sample(&r);
	is_int(audit_write(&r), -EBADF, "audit_write before audit_open: -EBADF");
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(spool, sizeof(spool), "%s/spool", tmpl);
	today_path(spool, path, sizeof(path));

	is_int(audit_open(path), -ENOENT, "audit_open: a missing parent is an error");
	is_int(audit_open(spool), 0, "audit_open creates the spool");
	ok(stat(spool, &st) == 0 && (st.st_mode & 07777) == 0750, "... mode 0750");
	ok(stat(path, &st) < 0 && errno == ENOENT, "the day file is opened lazily");

	is_int(audit_write(&r), 0, "first record written");
	r.http_status = 404;
	is_int(audit_write(&r), 0, "second record appended");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640,
	   "the file is named by UTC day, mode 0640");
	text = slurp(path, &lines);
	ok(lines == 2 && text && has(text, "execute 200 tenant=acme\n<86>1 ") &&
	   has(text, "execute 404 tenant=acme\n"), "two whole lines, in order");
	free(text);

	/* a second process writes through the same descriptor while this one writes
	 * through its own: O_APPEND keeps every record whole */
	pid = fork();
	if (pid == 0) {
		audit_close();
		for (int i = 0; i < N_FORKED; i++)
			if (audit_write(&r) < 0)
				_exit(1);
		_exit(0);
	}
	r.http_status = 201;
	for (int i = 0; i < N_FORKED; i++)
		bad += audit_write(&r) < 0;
	waitpid(pid, &status, 0);
	ok(pid > 0 && !bad && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "two processes wrote %d records each", N_FORKED);
	text = slurp(path, &lines);
	bad = lines != 2 + 2 * N_FORKED;
	for (char *l = text; !bad && l && *l; l = strchr(l, '\n') + 1)
		bad = strncmp(l, "<8", 2) || strchr(l, '\n') - l < 100 ||
		      !has(strchr(l, '['), "]");
	ok(!bad, "every record whole on its own line (%d lines)", lines);
	free(text);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", spool);
	if (system(cmd) != 0)
		exit(2);
	is_int(audit_write(&r), 0, "the spool was removed: made again");
	text = slurp(path, &lines);
	ok(lines == 1, "... and the record is in a new day file");
	free(text);

	if (system(cmd) != 0 || !fopen(spool, "w"))
		exit(2);
	is_int(audit_write(&r), -ENOTDIR, "the spool is now a file: -ENOTDIR");
	is_int(audit_open(spool), -ENOTDIR, "audit_open refuses a file");
	audit_close();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		exit(2);
}

int main(void)
{
	plan(44);
	test_init();
	test_header();
	test_pri();
	test_unset();
	test_judge();
	test_escaping();
	test_caps();
	test_write();
	return done_testing();
}
