/*
 * Unit tests: fcgi/xml.c, the JSON <-> XML mapping. The documented example maps both
 * ways; JSON goes to XML and back with only its leaves turned into strings; whatever
 * a string holds, the output is well-formed (libxml2 reads it back); every hostile
 * or off-rule document is refused in one line, quickly, and nothing reaches stderr.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "tap.h"
#include "xml.h"

#define MAX_LEN		(1024 * 1024)
#define MAX_DEPTH	32
#define DECL		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static char err[512];

/* XML text to JSON under the limits above. */
static json_t *x2j_len(const char *xml, size_t len)
{
	err[0] = '\0';
	return fcgi_xml_to_json(xml, len, MAX_LEN, MAX_DEPTH, err, sizeof(err));
}

static json_t *x2j(const char *xml)
{
	return x2j_len(xml, strlen(xml));
}

/* JSON text to an XML document whose element is root. Free the result. */
static char *j2x(const char *json, const char *root)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	char *xml;
	size_t len = 0;

	if (!v) {
		printf("# bad test JSON: %s\n", json);
		exit(2);
	}
	xml = fcgi_json_to_xml(v, root, &len);
	if (xml && len != strlen(xml))
		printf("# length %zu, strlen %zu\n", len, strlen(xml));
	json_decref(v);
	return xml;
}

/* Whether got is the JSON text want; says what it got when not. */
static bool is_json(json_t *got, const char *want, const char *what)
{
	json_t *w = json_loads(want, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	bool same = got && w && json_equal(got, w);
	char *s;

	if (!w) {
		printf("# bad test JSON: %s\n", want);
		exit(2);
	}
	if (!ok(same, "%s", what)) {
		s = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;
		printf("#   got %s (err '%s')\n#   want %s\n", s ? s : "NULL", err, want);
		free(s);
	}
	json_decref(w);
	return same;
}

static void quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx, (void)e;
}

/* What libxml2 alone says of xml: a well-formed document, or not. */
static bool well_formed(const char *xml)
{
	xmlDocPtr doc;

	xmlSetStructuredErrorFunc(NULL, quiet);
	doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeDoc(doc);
	return doc != NULL;
}

/* One refusal: NULL, and a one-line reason that starts "XML: " and holds `also`. */
static void refused_len(const char *what, const char *xml, size_t len, size_t max_len,
			int max_depth, const char *also)
{
	json_t *v;

	err[0] = '\0';
	v = fcgi_xml_to_json(xml, len, max_len, max_depth, err, sizeof(err));
	if (!ok(!v && !strncmp(err, "XML: ", 5) && strstr(err, also) && !strchr(err, '\n'),
		"%s: refused ('%s')", what, err))
		printf("#   want '%s' in the reason\n", also);
	json_decref(v);
}

static void refused(const char *what, const char *xml, const char *also)
{
	refused_len(what, xml, strlen(xml), MAX_LEN, MAX_DEPTH, also);
}

static void documented_example(void)
{
	static const char xml[] =
		DECL "<request><properties><code>6*7</code></properties></request>\n";
	static const char json[] = "{\"properties\":{\"code\":\"6*7\"}}";
	char *out = j2x(json, "request");
	json_t *v;

	is_str(out, xml, "README example: JSON to XML");
	free(out);
	v = x2j(xml);
	is_json(v, json, "README example: XML to JSON");
	json_decref(v);
}

/* JSON -> XML -> JSON gives `back` (leaves as strings); the XML is well-formed. */
static void round_trip(const char *what, const char *json, const char *back)
{
	char *xml = j2x(json, "request");
	json_t *v;

	if (!ok(xml && well_formed(xml), "%s: the XML is well-formed", what)) {
		printf("#   %s\n", xml ? xml : "NULL");
		free(xml);
		return;
	}
	v = x2j(xml);
	if (!is_json(v, back, what))
		printf("#   XML: %s", xml);
	json_decref(v);
	free(xml);
}

static void round_trips(void)
{
	round_trip("nested objects",
		   "{\"a\":{\"b\":{\"c\":\"d\"}},\"e\":\"f\"}",
		   "{\"a\":{\"b\":{\"c\":\"d\"}},\"e\":\"f\"}");
	round_trip("arrays, nested, of objects and scalars",
		   "{\"l\":[[\"1\",\"2\"],[{\"k\":\"v\"},\"x\"],\"y\"]}",
		   "{\"l\":[[\"1\",\"2\"],[{\"k\":\"v\"},\"x\"],\"y\"]}");
	round_trip("null stays null, in members and items",
		   "{\"n\":null,\"l\":[null,\"a\"]}", "{\"n\":null,\"l\":[null,\"a\"]}");
	round_trip("booleans and numbers come back as strings",
		   "{\"t\":true,\"f\":false,\"i\":-42,\"big\":9007199254740993,"
		   "\"r\":2.5,\"tenth\":0.1,\"huge\":1e300,\"third\":0.3333333333333333}",
		   "{\"t\":\"true\",\"f\":\"false\",\"i\":\"-42\",\"big\":\"9007199254740993\","
		   "\"r\":\"2.5\",\"tenth\":\"0.1\",\"huge\":\"1e+300\","
		   "\"third\":\"0.3333333333333333\"}");
	round_trip("unicode in keys and values",
		   "{\"ключ\":\"значение\",\"snow\":\"☃ é 😀\",\"日本\":[\"語\"]}",
		   "{\"ключ\":\"значение\",\"snow\":\"☃ é 😀\",\"日本\":[\"語\"]}");
	round_trip("keys that are not XML names",
		   "{\"$id\":\"1\",\"a b\":\"2\",\"1st\":\"3\",\"-x\":\"4\",\".x\":\"5\","
		   "\"\":\"6\",\"a:b\":\"7\",\"<&\\\">\":\"8\",\"XmLns\":\"9\",\"xml\":\"10\"}",
		   "{\"$id\":\"1\",\"a b\":\"2\",\"1st\":\"3\",\"-x\":\"4\",\".x\":\"5\","
		   "\"\":\"6\",\"a:b\":\"7\",\"<&\\\">\":\"8\",\"XmLns\":\"9\",\"xml\":\"10\"}");
	round_trip("keys named like the mapping's own elements",
		   "{\"item\":\"i\",\"member\":{\"item\":[\"x\"]},\"nil\":\"n\",\"name\":\"m\"}",
		   "{\"item\":\"i\",\"member\":{\"item\":[\"x\"]},\"nil\":\"n\",\"name\":\"m\"}");
	round_trip("markup characters in text",
		   "{\"s\":\"a < b && c > d ]]> \\\"q\\\" 'a'\"}",
		   "{\"s\":\"a < b && c > d ]]> \\\"q\\\" 'a'\"}");
	round_trip("tabs, newlines and CRs survive, in text and in names",
		   "{\"s\":\"a\\tb\\nc\\r\\nd\\re \",\"k\\t\\n\\r\":\" \\n \"}",
		   "{\"s\":\"a\\tb\\nc\\r\\nd\\re \",\"k\\t\\n\\r\":\" \\n \"}");
	round_trip("control characters become U+FFFD",
		   "{\"s\":\"a\\u0001b\\u0000c\\u001fd\\u007f\\ufffe\",\"k\\u0002\":\"v\"}",
		   "{\"s\":\"a\\ufffdb\\ufffdc\\ufffdd\\u007f\\ufffd\",\"k\\ufffd\":\"v\"}");
	round_trip("empty containers come back as empty strings",
		   "{\"o\":{},\"a\":[],\"s\":\"\"}", "{\"o\":\"\",\"a\":\"\",\"s\":\"\"}");
}

/* XML in a canonical form goes to JSON and back to the same text. */
static void xml_round_trip(void)
{
	static const char xml[] =
		DECL "<request><a><b>1</b><member name=\"$id\">x</member></a>"
		"<l><item>1</item><item nil=\"true\"/><item><k>v</k></item>"
		"<item><item>n</item></item></l><z nil=\"true\"/></request>\n";
	json_t *v = x2j(xml);
	char *out = v ? fcgi_json_to_xml(v, "request", NULL) : NULL;

	is_str(out, xml, "canonical XML to JSON and back: the same text");
	free(out);
	json_decref(v);
}

static void writing(void)
{
	char *s;
	json_t *v;

	s = j2x("\"hi & bye\"", "response");
	is_str(s, DECL "<response>hi &amp; bye</response>\n", "a string at the root is its text");
	free(s);
	s = j2x("null", "response");
	is_str(s, DECL "<response nil=\"true\"/>\n", "null at the root: nil=\"true\"");
	free(s);
	s = j2x("{}", "response");
	is_str(s, DECL "<response/>\n", "an empty object: an empty element");
	free(s);
	s = j2x("[1,\"a\"]", "response");
	is_str(s, DECL "<response><item>1</item><item>a</item></response>\n",
	       "an array at the root: <item>s");
	free(s);
	s = j2x("{\"a b\":\"<\\\"&\\t\\n>\",\"item\":1}", "response");
	is_str(s, DECL "<response><member name=\"a b\">&lt;\"&amp;\t\n&gt;</member>"
	       "<member name=\"item\">1</member></response>\n",
	       "member names in attributes; escapes in text");
	free(s);
	s = j2x("{\"q\\\"\\t\":\"\\r\"}", "response");
	is_str(s, DECL "<response><member name=\"q&quot;&#9;\">&#13;</member></response>\n",
	       "quotes and blanks in attributes, CR in text, as references");
	free(s);
	s = j2x("[0.1,1.5,-0.0,1e-7,123456789012345678,3.0]", "response");
	is_str(s, DECL "<response><item>0.1</item><item>1.5</item><item>-0</item>"
	       "<item>1e-07</item><item>123456789012345678</item><item>3</item></response>\n",
	       "reals in their shortest exact form, integers in full");
	free(s);

	/* a value nested deeper than anything jansson's parser makes is refused */
	v = json_array();
	{
		json_t *cur = v;
		int i;

		for (i = 0; i < 5000; i++) {
			json_t *next = json_array();

			json_array_append_new(cur, next);
			cur = next;
		}
	}
	s = fcgi_json_to_xml(v, "response", NULL);
	ok(!s, "5000 nested arrays: NULL, no crash");
	free(s);
	json_decref(v);
}

static void reading(void)
{
	json_t *v;

	v = x2j("<request/>");
	is_json(v, "{}", "<request/> is {}");
	json_decref(v);
	v = x2j("<?xml version='1.0'?>\n<!-- hi -->\n<request>\n  <!-- c -->\n</request>\n");
	is_json(v, "{}", "<request> with blanks and comments is {}");
	json_decref(v);
	v = x2j("<request>\n  <a>  spaced  </a>\n  <b></b>\n  <c/>\n</request>");
	is_json(v, "{\"a\":\"  spaced  \",\"b\":\"\",\"c\":\"\"}",
		"leaf text is kept as written; empty leaves are \"\"");
	json_decref(v);
	v = x2j("<request><a><![CDATA[<b>&amp;</b>]]>x<!-- no -->y</a></request>");
	is_json(v, "{\"a\":\"<b>&amp;</b>xy\"}", "CDATA is text; comments are dropped");
	json_decref(v);
	v = x2j("<request><a>&lt;&#x263A;&#65;&quot;</a></request>");
	is_json(v, "{\"a\":\"<☺A\\\"\"}", "predefined and character references");
	json_decref(v);
	v = x2j("<request><l>\n<item>1</item>\n<item><x>2</x></item>\n<item nil='true'/>"
		"<item nil='false'/></l></request>");
	is_json(v, "{\"l\":[\"1\",{\"x\":\"2\"},null,\"\"]}",
		"<item>s are an array; nil=\"false\" is no nil");
	json_decref(v);
	v = x2j("<request><member name='$id'>7</member><member name='a b'><member>m</member>"
		"</member><member name=''>e</member></request>");
	is_json(v, "{\"$id\":\"7\",\"a b\":{\"member\":\"m\"},\"\":\"e\"}",
		"<member name=...>; <member> alone is the key \"member\"");
	json_decref(v);
	v = x2j("<request xmlns='urn:x'><a>1</a></request>");
	is_json(v, "{\"a\":\"1\"}", "a default namespace is ignored");
	json_decref(v);
	v = x2j("<?xml version='1.0' encoding='ISO-8859-1'?><request><a>caf\xe9</a></request>");
	is_json(v, "{\"a\":\"café\"}", "ISO-8859-1 is converted to UTF-8");
	json_decref(v);
	v = x2j_len("\xef\xbb\xbf<request><a>b</a></request>", 30);
	is_json(v, "{\"a\":\"b\"}", "a UTF-8 byte order mark is fine");
	json_decref(v);
	{
		/* <request><a>\u00e9</a></request> in UTF-16LE with a byte order mark */
		static const char u16[] = "\xff\xfe<\0r\0e\0q\0u\0e\0s\0t\0>\0<\0a\0>\0\xe9\0<\0/\0"
					  "a\0>\0<\0/\0r\0e\0q\0u\0e\0s\0t\0>\0";

		v = x2j_len(u16, sizeof(u16) - 1);
		is_json(v, "{\"a\":\"é\"}", "UTF-16 with a byte order mark is converted");
		json_decref(v);
	}
}

/* Nesting of n elements: <request><a><a>...</a></a></request>. Free the result. */
static char *nested(int n, size_t *len)
{
	char *s = malloc((size_t)n * 7 + 32), *p = s;
	int i;

	p += sprintf(p, "<request>");
	for (i = 1; i < n; i++)
		p += sprintf(p, "<a>");
	p += sprintf(p, "x");
	for (i = 1; i < n; i++)
		p += sprintf(p, "</a>");
	p += sprintf(p, "</request>");
	*len = (size_t)(p - s);
	return s;
}

static void limits(void)
{
	struct timespec t0, t1;
	size_t len;
	char *s;
	json_t *v;
	double ms;

	s = nested(MAX_DEPTH, &len);
	v = x2j_len(s, len);
	ok(v != NULL, "%d elements deep: accepted", MAX_DEPTH);
	json_decref(v);
	free(s);

	s = nested(MAX_DEPTH + 1, &len);
	refused_len("one element deeper than the limit", s, len, MAX_LEN, MAX_DEPTH,
		    "nested deeper than 32");
	free(s);

	s = nested(10000, &len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	refused_len("10000 nested elements", s, len, MAX_LEN, MAX_DEPTH, "deeper than 32");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ok(ms < 100, "... and quickly (%.2f ms)", ms);
	free(s);

	s = nested(10000, &len);
	refused_len("10000 nested elements, depth limit 1000: libxml2's 256 holds", s, len,
		    MAX_LEN, 1000, "nested deeper than 256");
	free(s);
	s = nested(256, &len);
	v = fcgi_xml_to_json(s, len, MAX_LEN, 1000, err, sizeof(err));
	ok(v != NULL, "256 elements deep, depth limit 1000: accepted");
	json_decref(v);
	free(s);

	s = nested(2, &len);
	refused_len("one byte over the size limit", s, len, len - 1, MAX_DEPTH,
		    "over the limit");
	v = fcgi_xml_to_json(s, len, len, MAX_DEPTH, err, sizeof(err));
	ok(v != NULL, "exactly at the size limit: accepted");
	json_decref(v);
	free(s);
}

static void refusals(void)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE request [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<request><code>&lol9;</code></request>\n";

	refused("billion laughs (internal entities)", laughs,
		"line 2: unexpected DOCTYPE (DTDs and entities are not accepted)");
	refused("XXE: an external entity",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE request [<!ENTITY x SYSTEM "
		"\"file:///etc/passwd\">]>\n<request><code>&x;</code></request>",
		"unexpected DOCTYPE");
	ok(!strstr(err, "root:"), "... and nothing of /etc/passwd in the reason");
	refused("an external DTD",
		"<!DOCTYPE request SYSTEM \"http://127.0.0.1:1/x.dtd\"><request/>", "DOCTYPE");
	refused("a parameter entity",
		"<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><request/>",
		"DOCTYPE");
	refused("an undeclared entity", "<request><a>&x;</a></request>", "line 1: ");
	refused("the wrong document element", "<response><a>1</a></response>",
		"must be <request>, not <response>");
	refused("mixed content", "<request>\n<a>x<b>1</b></a></request>", "line 2: <a>: text mixed");
	refused("text beside members at the root", "<request>x<b>1</b></request>", "mixed");
	refused("text at the root", "<request>hello</request>", "not text");
	refused("items at the root", "<request><item>1</item></request>", "<item>");
	refused("items mixed with members", "<request><l><item>1</item><x>2</x></l></request>",
		"<item> elements mixed with members");
	refused("a repeated key", "<request><a>1</a>\n<a>2</a></request>",
		"line 2: <request>: member \"a\" repeated");
	refused("a repeated key, one as <member>",
		"<request><o><a>1</a><member name='a'>2</member></o></request>", "repeated");
	refused("an attribute", "<request><a id='1'>x</a></request>", "attribute id");
	refused("an attribute on <request>", "<request nil='true'/>", "<request> takes no attr");
	refused("name= on other than <member>", "<request><a name='b'>x</a></request>",
		"attribute name");
	refused("a prefixed attribute",
		"<request xmlns:xsi='u'><a xsi:nil='true'/></request>", "attribute xsi:nil");
	refused("nil neither true nor false", "<request><a nil='yes'/></request>",
		"\"true\" or \"false\"");
	refused("nil with content", "<request><a nil='true'>x</a></request>", "must be empty");
	refused("a namespace prefix", "<request xmlns:x='u'><x:a>1</x:a></request>",
		"namespace prefix");
	{
		json_t *v = fcgi_xml_to_json("<request><a>1</a><a>2</a></request>", 35, MAX_LEN,
					     MAX_DEPTH, NULL, 0);

		ok(!v, "a repeated key is refused with no err buffer too");
		json_decref(v);
	}
	refused("a processing instruction", "<request><a><?php echo 1 ?></a></request>",
		"processing instructions");
	refused("a processing instruction before the element",
		"<?xml-stylesheet href='x'?><request/>", "processing instructions");
	refused("malformed: an unclosed element", "<request><a></request>", "line 1: ");
	refused("malformed: not XML", "{\"json\": true}", "XML: ");
	refused("malformed: empty", "", "XML: ");
	refused("malformed: two document elements", "<request/><request/>", "XML: ");
	refused("an unknown encoding",
		"<?xml version='1.0' encoding='X-NO-SUCH'?><request/>", "XML: ");
	refused_len("a NUL byte", "<request>a\0b</request>", 22, MAX_LEN, MAX_DEPTH, "XML: ");
	refused("a control character by reference", "<request><a>&#1;</a></request>", "XML: ");
}

int main(void)
{
	FILE *log = tmpfile();
	long logged;
	int fd = dup(2);

	/* Everything libxml2 might say goes to a file that must stay empty. */
	if (!log || fd < 0 || dup2(fileno(log), 2) < 0) {
		perror("stderr");
		return 2;
	}
	documented_example();
	round_trips();
	xml_round_trip();
	writing();
	reading();
	limits();
	refusals();

	fflush(stderr);
	logged = (long)lseek(2, 0, SEEK_END);
	dup2(fd, 2);
	ok(logged == 0, "nothing was written to stderr (%ld bytes)", logged);
	xmlCleanupParser();
	plan(tap_n);
	return done_testing();
}
