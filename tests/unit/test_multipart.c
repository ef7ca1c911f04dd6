/*
 * Unit tests: fcgi/multipart.c. Uploads as browsers and curl send them parse into
 * parts that point into the body; file bytes come back exactly, however much they
 * look like a boundary; every refusal is -1 with a one-line reason. Each body is
 * parsed from a heap copy of exactly its length (no NUL after it), so a sanitized
 * build catches any read past the end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"
#include "tap.h"

#define CT(b)	"multipart/form-data; boundary=" b
#define MAX	FCGI_MULTIPART_MAX_PARTS

static char err[256];
static struct fcgi_part parts[MAX + 4];
static char *body;		/* the last body parsed, freed by the next parse */

/* Parses a copy of text[0..len) (the copy stays in `body` for the checks). */
static int parse_len(const char *ct, const char *text, size_t len)
{
	free(body);
	body = malloc(len ? len : 1);
	memcpy(body, text, len);
	err[0] = '\0';
	memset(parts, 0xa5, sizeof(parts));
	return fcgi_multipart_parse(ct, body, len, parts, MAX, err, sizeof(err));
}

static int parse(const char *ct, const char *text)
{
	return parse_len(ct, text, strlen(text));
}

/* Whether a part's data are exactly want[0..len), and point into the body. */
static bool data_is(const struct fcgi_part *p, const char *want, size_t len)
{
	return p->len == len && p->data >= body && !memcmp(p->data, want, len);
}

static bool str_is(const char *got, const char *want)
{
	return got == want || (got && want && !strcmp(got, want));
}

/* A part: name, filename, content type (NULL: none), data. */
static void part_is(int i, const char *name, const char *filename, const char *type,
		    const char *data, size_t len, const char *what)
{
	const struct fcgi_part *p = &parts[i];

	if (!ok(str_is(p->name, name) && str_is(p->filename, filename) &&
		str_is(p->content_type, type) && data_is(p, data, len), "%s", what))
		printf("#   got name '%s' filename '%s' type '%s' len %zu\n",
		       p->name ? p->name : "(null)", p->filename ? p->filename : "(null)",
		       p->content_type ? p->content_type : "(null)", p->len);
}

/* One refusal: -1 and a one-line reason holding `also`. */
static void refused_len(const char *what, const char *ct, const char *text, size_t len,
			const char *also)
{
	int n = parse_len(ct, text, len);

	if (!ok(n == -1 && !strncmp(err, "multipart: ", 11) && strstr(err, also) &&
		!strchr(err, '\n'), "%s: refused ('%s')", what, err))
		printf("#   n %d, want '%s' in the reason\n", n, also);
}

static void refused(const char *what, const char *ct, const char *text, const char *also)
{
	refused_len(what, ct, text, strlen(text), also);
}

static void normal(void)
{
	static const char text[] =
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"identifier\"\r\n"
		"\r\n"
		"session-1\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"file\"; filename=\"hello.py\"\r\n"
		"Content-Type: text/x-python\r\n"
		"\r\n"
		"print(6*7)\n\r\n"
		"--XyZ--\r\n";
	const struct fcgi_part *f;
	int n = parse(CT("XyZ"), text);

	if (!is_int(n, 2, "CRLF upload: two parts"))
		printf("#   %s\n", err);
	part_is(0, "identifier", NULL, NULL, "session-1", 9, "a field: name and value");
	part_is(1, "file", "hello.py", "text/x-python", "print(6*7)\n", 11,
		"a file: name, filename, type, bytes up to the CRLF before the boundary");
	f = fcgi_multipart_find(parts, n, "file");
	ok(f == &parts[1], "fcgi_multipart_find: the file part");
	ok(!fcgi_multipart_find(parts, n, "nope") && !fcgi_multipart_find(parts, 0, "file"),
	   "fcgi_multipart_find: NULL for a name not there");
}

static void bare_lf(void)
{
	static const char text[] =
		"--b\n"
		"content-disposition: FORM-DATA; NAME=field\n"
		"\n"
		"one\n"
		"--b\n"
		"Content-Disposition: form-data;\n"
		"  name=\"file\";\tfilename=\"a.txt\"  \n"
		"\n"
		"two\n"
		"--b--";
	int n = parse("Multipart/Form-Data;BOUNDARY=b", text);

	if (!is_int(n, 2, "bare LF, case-insensitive names, a folded header"))
		printf("#   %s\n", err);
	part_is(0, "field", NULL, NULL, "one", 3, "LF: a token name, data before the LF");
	part_is(1, "file", "a.txt", NULL, "two", 3, "LF: a folded Content-Disposition");
}

static void boundaries(void)
{
	static const char plus[] =
		"--a+b'()_,-./:=?\r\n"
		"Content-Disposition: form-data; name=x\r\n\r\n1\r\n--a+b'()_,-./:=?--\r\n";
	static const char webkit[] =
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"Content-Disposition: form-data; name=\"x\"\r\n\r\n2\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
	static const char spaced[] =
		"--a b c \t\r\n"	/* transport padding after the delimiter */
		"Content-Disposition: form-data; name=x\r\n\r\n3\r\n--a b c--";
	char b70[71], ct[128], text[256];
	int n;

	n = parse("multipart/form-data; boundary=\"a+b'()_,-./:=?\"", plus);
	ok(n == 1 && data_is(&parts[0], "1", 1), "a quoted boundary of every special bchar");
	n = parse("multipart/form-data; charset=utf-8; boundary="
		  "----WebKitFormBoundary7MA4YWxkTrZu0gW", webkit);
	ok(n == 1 && data_is(&parts[0], "2", 1), "a browser's boundary, after another parameter");
	n = parse("multipart/form-data ; boundary = \"a b c\" ;", spaced);
	ok(n == 1 && data_is(&parts[0], "3", 1),
	   "spaces in a quoted boundary, around '=' and ';', and as padding after it");
	n = parse("multipart/form-data; boundary=a+b", "--a+b\r\n"
		  "Content-Disposition: form-data; name=x\r\n\r\n4\r\n--a+b--");
	ok(n == 1 && data_is(&parts[0], "4", 1), "'+' in a token boundary");

	memset(b70, 'q', 70);
	b70[70] = '\0';
	snprintf(ct, sizeof(ct), CT("%s"), b70);
	snprintf(text, sizeof(text), "--%s\r\nContent-Disposition: form-data; name=x\r\n\r\n"
		 "5\r\n--%s--\r\n", b70, b70);
	n = parse(ct, text);
	ok(n == 1 && data_is(&parts[0], "5", 1), "a boundary of 70 characters");
	snprintf(ct, sizeof(ct), CT("%sq"), b70);
	refused("a boundary of 71 characters", ct, text, "over 70");

	refused("no boundary parameter", "multipart/form-data; charset=utf-8",
		"--x\r\n\r\n--x--", "no boundary parameter");
	refused("an empty boundary", "multipart/form-data; boundary=\"\"", "----", "empty");
	refused("a boundary ending with a space", "multipart/form-data; boundary=\"a \"",
		"--a \r\n", "ends with a space");
	refused("a boundary with a character RFC 2046 forbids",
		"multipart/form-data; boundary=\"a;b\"", "--a;b--", "does not allow");
	refused("two boundaries", "multipart/form-data; boundary=a; boundary=b", "--a--",
		"two boundary");
	refused("an unterminated quoted boundary", "multipart/form-data; boundary=\"abc",
		"--abc--", "malformed");
	refused("not multipart/form-data", "multipart/mixed; boundary=a", "--a--",
		"not multipart/form-data");
	refused("not multipart at all", "application/json", "{}", "not multipart/form-data");
	refused("a longer type name", "multipart/form-database; boundary=a", "--a--",
		"not multipart/form-data");
	refused("no Content-Type", NULL, "--a--", "no Content-Type");
}

static void filenames(void)
{
	int n;

	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=\"f\"; "
		  "filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates%2etxt\r\n"
		  "\r\nx\r\n--B--\r\n");
	ok(n == 1 && str_is(parts[0].filename, "€ rates.txt"),
	   "filename*=UTF-8'' wins over filename=, percent-decoded ('%s')",
	   n == 1 ? parts[0].filename : err);
	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; filename*=utf-8'en'a%41; "
		  "name=f\r\n\r\nx\r\n--B--\r\n");
	ok(n == 1 && str_is(parts[0].filename, "aA") && str_is(parts[0].name, "f"),
	   "filename* first, a language, the charset in lower case");
	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=f; "
		  "filename*=iso-8859-1''caf%E9; filename=\"cafe\"\r\n\r\nx\r\n--B--\r\n");
	ok(n == 1 && str_is(parts[0].filename, "cafe"),
	   "filename* in another charset: filename= is used");
	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=\"a\\\"b\\\\c\"; "
		  "filename=\"q\\\"uote;d.txt\"\r\n\r\nx\r\n--B--\r\n");
	ok(n == 1 && str_is(parts[0].name, "a\"b\\c") &&
	   str_is(parts[0].filename, "q\"uote;d.txt"),
	   "quoted strings: backslash escapes, a ';' inside quotes");
	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
		  "\r\n\r\n--B--\r\n");
	ok(n == 1 && str_is(parts[0].filename, "") && parts[0].len == 0,
	   "filename=\"\" (no file chosen) is an empty filename, not NULL");
	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=\"f\"; foo=bar; "
		  "size=12\r\nContent-Transfer-Encoding: binary\r\nX-Other: y\r\n"
		  "Content-Type: application/octet-stream; x=\"y\"\r\n\r\nx\r\n--B--\r\n");
	ok(n == 1 && str_is(parts[0].content_type, "application/octet-stream; x=\"y\""),
	   "other parameters and headers are ignored; Content-Type kept whole");

	refused("filename* with a bad escape", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''a%4\r\n\r\n"
		"x\r\n--B--\r\n", "hex digits");
	refused("filename* with %00", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''a%00b\r\n\r\n"
		"x\r\n--B--\r\n", "%00");
	refused("filename* that is not UTF-8", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''%C3%28\r\n\r\n"
		"x\r\n--B--\r\n", "not UTF-8");
	refused("filename* without its quotes", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=f; filename*=UTF-8%41\r\n\r\n"
		"x\r\n--B--\r\n", "charset'language'value");
	refused("two names", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--B--\r\n",
		"two name parameters");
}

static void framing(void)
{
	static const char pre[] =
		"This is the preamble.\r\n--B is not a delimiter here\r\n"
		"--B\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n"
		"--B--\r\nThis is the epilogue.\r\n--B\r\nContent-Disposition: form-data; "
		"name=z\r\n\r\nZ\r\n--B--\r\n";
	/* File bytes that look like framing: CR and LF runs, "--B" not at a line start,
	 * "--B" at a line start but followed by other characters, "--bou" prefixes. */
	static const char tricky[] =
		"\r\n\r\n\n\r\r\n--boun\r\n--boundar\r\nx--boundary\r\n--boundaryX\r\n"
		"--boundary-x\r\n--boundary \tfoo\r\n\r\n--boundary--z";
	static const char after[] =
		"\r\n--Zz\r\nContent-Disposition: form-data; name=after\r\n\r\n\r\n\r\n--Zz--";
	char text[1024], bin[256];
	size_t len;
	int n, i;

	n = parse(CT("B"), pre);
	ok(n == 1 && str_is(parts[0].name, "a") && data_is(&parts[0], "A", 1),
	   "a preamble and an epilogue (holding a part) are ignored");

	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=e; filename=e\r\n"
		  "\r\n\r\n--B--\r\n");
	ok(n == 1 && parts[0].len == 0 && parts[0].data, "an empty file");
	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=e\r\n\r\n--B--");
	ok(n == 1 && parts[0].len == 0, "an empty part with no line break of its own");
	n = parse(CT("B"), "--B--\r\n");
	is_int(n, 0, "a form with no parts");

	len = (size_t)snprintf(text, sizeof(text),
			       "--boundary\r\nContent-Disposition: form-data; name=f; "
			       "filename=b.bin\r\n\r\n%s\r\n--boundary--\r\n", tricky);
	n = parse_len(CT("boundary"), text, len);
	if (!ok(n == 1 && data_is(&parts[0], tricky, sizeof(tricky) - 1),
		"boundary look-alikes and CR/LF runs in the file are data"))
		printf("#   n %d, len %zu (%s)\n", n, n == 1 ? parts[0].len : 0, err);

	for (i = 0; i < 256; i++)
		bin[i] = (char)i;
	len = (size_t)snprintf(text, sizeof(text),
			       "--Zz\r\nContent-Disposition: form-data; name=bin\r\n\r\n");
	memcpy(text + len, bin, sizeof(bin));
	len += sizeof(bin);
	memcpy(text + len, after, sizeof(after) - 1);
	len += sizeof(after) - 1;
	n = parse_len(CT("Zz"), text, len);
	ok(n == 2 && data_is(&parts[0], bin, sizeof(bin)) && data_is(&parts[1], "\r\n", 2),
	   "every byte value, NUL included, comes back exactly; a part of one CRLF");

	refused("no closing boundary", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n", "closing");
	refused("a delimiter but no closing one", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n--B\r\n"
		"Content-Disposition: form-data; name=b\r\n\r\nB\r\n--B", "closing");
	refused("a closing boundary that is not at a line start", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\n\r\nA--B--", "closing");
	refused("no boundary in the body", CT("B"), "just text\r\n", "no boundary line");
	refused_len("an empty body", CT("B"), "", 0, "no boundary line");
	refused("a delimiter with no line break after it", CT("B"), "--B", "no boundary line");
	refused("headers never ended", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\n--B--\r\n", "not ended");
	refused("headers that run into the end", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a", "not ended");
}

static void parts_(void)
{
	static const char one[] = "--B\r\nContent-Disposition: form-data; name=p%02d\r\n\r\n"
				  "%02d\r\n";
	char text[4096], *p;
	int n, i;

	for (p = text, i = 0; i < MAX; i++)
		p += sprintf(p, one, i, i);
	strcpy(p, "--B--\r\n");
	n = parse(CT("B"), text);
	ok(n == MAX && str_is(parts[MAX - 1].name, "p15") && data_is(&parts[15], "15", 2),
	   "%d parts: all there", MAX);
	ok(fcgi_multipart_find(parts, n, "p07") == &parts[7], "fcgi_multipart_find: the 8th");

	for (p = text, i = 0; i <= MAX; i++)
		p += sprintf(p, one, i, i);
	strcpy(p, "--B--\r\n");
	refused("17 parts", CT("B"), text, "multipart: more than 16 parts");
	ok(parts[MAX].name == (const char *)(uintptr_t)0xa5a5a5a5a5a5a5a5ULL,
	   "... and nothing written past the 16th");

	n = parse(CT("B"), "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
		  "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n2\r\n--B--");
	ok(n == 2 && fcgi_multipart_find(parts, n, "a") == &parts[0],
	   "a repeated name: fcgi_multipart_find gives the first");
}

static void headers(void)
{
	static const char head[] = "--B\r\nContent-Disposition: form-data; name=a\r\n";
	char *text = malloc(16384), *p;
	size_t fill;

	/* Header lines of exactly 8 KiB, blank line included, then one byte more: the
	 * Content-Disposition line, "X-Pad: " and the fill, two CRLFs. */
	fill = 8192 - (sizeof(head) - 1 - 5) - 7 - 4;
	p = text + sprintf(text, "%sX-Pad: ", head);
	memset(p, 'p', fill);
	p += fill;
	strcpy(p, "\r\n\r\nv\r\n--B--\r\n");
	ok(parse(CT("B"), text) == 1 && data_is(&parts[0], "v", 1),
	   "headers of exactly 8 KiB are accepted");
	p = text + sprintf(text, "%sX-Pad: ", head);
	memset(p, 'p', fill + 1);
	p += fill + 1;
	strcpy(p, "\r\n\r\nv\r\n--B--\r\n");
	refused("headers one byte over 8 KiB", CT("B"), text, "part 1: headers over 8 KiB");
	free(text);

	refused("a part without Content-Disposition", CT("B"),
		"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n",
		"part 1: no Content-Disposition");
	refused("a part with no headers", CT("B"), "--B\r\n\r\nx\r\n--B--\r\n",
		"no Content-Disposition");
	refused("a part without a name", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
		"--B\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nx\r\n--B--\r\n",
		"part 2: Content-Disposition has no name");
	refused("an empty name", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--B--\r\n",
		"no name");
	refused("Content-Disposition: attachment", CT("B"),
		"--B\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--B--\r\n",
		"not form-data");
	refused("two Content-Disposition headers", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\n"
		"Content-Disposition: form-data; name=b\r\n\r\nx\r\n--B--\r\n", "two Content-D");
	refused("two Content-Type headers", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\n"
		"content-type: c/d\r\n\r\nx\r\n--B--\r\n", "two Content-Type");
	refused("a header line without a colon", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=a\r\nbogus\r\n\r\nx\r\n--B--\r\n",
		"malformed header line");
	refused("an unterminated quoted name", CT("B"),
		"--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--B--\r\n",
		"malformed Content-Disposition");
}

int main(void)
{
	normal();
	bare_lf();
	boundaries();
	filenames();
	framing();
	parts_();
	headers();
	free(body);
	plan(tap_n);
	return done_testing();
}
