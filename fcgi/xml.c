/*
 * xml.c - the JSON <-> XML mapping of xml.h.
 *
 * Reading: libxml2 builds a tree from the body with the network off, no entity
 * substitution and no DTD; hooks on the parser refuse a hostile document while it
 * is being read rather than after: "<!DOCTYPE" stops the parser before a single
 * declaration is read (so an entity is never defined, let alone expanded), and an
 * element deeper than the caller's limit stops it before the next one is built.
 * Every message the parser has goes to this call's diagnostics, never to stderr; the
 * first one is the reason the caller gets. The tree is then walked into JSON.
 *
 * Writing: the text is built here, without libxml2, into a buffer with a hard cap;
 * every string is escaped, and a character XML 1.0 cannot carry becomes U+FFFD.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "xml.h"

/* The largest document fcgi_json_to_xml writes: a runaway value fails, not the host. */
#define XML_OUT_MAX		(256u * 1024 * 1024)
/* The deepest value fcgi_json_to_xml writes (jansson's own parser stops at 2048). */
#define XML_OUT_MAX_DEPTH	2048

/* ------------------------------------------------------------------------------------
 * Reading
 */

/* One parse: the caller's limit and where the first reason goes. */
struct xml_read {
	char *err;
	size_t errlen;
	bool failed;		/* err holds the reason; later ones are dropped */
	int depth;		/* of the element being read */
	int max_depth;
	xmlParserCtxtPtr ctxt;
	startElementNsSAX2Func start;	/* libxml2's own tree builders, called through */
	endElementNsSAX2Func end;
};

/*
 * Records the first reason, as "XML: line N: ..." when the line is known, on one
 * line however the message was made (libxml2 ends its messages with a newline, and
 * a member name may hold anything).
 */
__attribute__((format(printf, 3, 4)))
static void fail(struct xml_read *r, long line, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	char *c;

	if (r->failed)
		return;
	r->failed = true;	/* whether or not the caller wants the words */
	if (!r->err || !r->errlen)
		return;
	n = line > 0 ? (size_t)snprintf(r->err, r->errlen, "XML: line %ld: ", line)
		     : (size_t)snprintf(r->err, r->errlen, "XML: ");
	if (n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	n = strlen(r->err);
	while (n > 0 && (r->err[n - 1] == '\n' || r->err[n - 1] == ' '))
		r->err[--n] = '\0';
	for (c = r->err; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
}

/* The line the parser is on, for the hooks below. */
static long parser_line(const struct xml_read *r)
{
	return r->ctxt && r->ctxt->input ? r->ctxt->input->line : 0;
}

/* Stops the parser for good: stopping alone would leave the document "well formed". */
static void stop(struct xml_read *r)
{
	r->ctxt->wellFormed = 0;
	xmlStopParser(r->ctxt);
}

/* The parser's errors and warnings; warnings do not refuse a document. */
static void on_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct xml_read *r = ctxt ? ctxt->_private : NULL;

	if (!r || !e || e->level == XML_ERR_WARNING)
		return;
	fail(r, e->line, "%s", e->message ? e->message : "not well-formed");
}

/* Whatever libxml2 reports outside a parser context while a body is read. */
static void on_stray_error(void *data, xmlErrorPtr e)
{
	struct xml_read *r = data;

	if (r && e && e->level != XML_ERR_WARNING)
		fail(r, e->line, "%s", e->message ? e->message : "not well-formed");
}

static void on_stray_generic(void *data, const char *fmt, ...)
{
	(void)data, (void)fmt;
}

/* "<!DOCTYPE": the end of the parse, before the internal subset is read. */
static void on_doctype(void *data, const xmlChar *name, const xmlChar *public_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = data;
	struct xml_read *r = ctxt->_private;

	(void)name, (void)public_id, (void)system_id;
	fail(r, parser_line(r), "unexpected DOCTYPE (DTDs and entities are not accepted)");
	stop(r);
}

/* An element opens: one level deeper, stopped past the limit before it is built. */
static void on_start(void *data, const xmlChar *localname, const xmlChar *prefix,
		     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
		     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = data;
	struct xml_read *r = ctxt->_private;

	if (++r->depth > r->max_depth) {
		fail(r, parser_line(r), "elements nested deeper than %d", r->max_depth);
		stop(r);
		return;
	}
	r->start(data, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
		 nb_defaulted, attributes);
}

/* An element closes: one level up. */
static void on_end(void *data, const xmlChar *localname, const xmlChar *prefix,
		   const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = data;
	struct xml_read *r = ctxt->_private;

	r->depth--;
	r->end(data, localname, prefix, uri);
}

/*
 * Parses body into a tree under the rules above. Returns the document, or NULL with
 * the reason recorded.
 */
static xmlDocPtr parse(struct xml_read *r, const char *body, size_t len)
{
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlDocPtr doc = NULL;

	r->ctxt = xmlNewParserCtxt();
	if (!r->ctxt) {
		fail(r, 0, "out of memory");
		return NULL;
	}
	/* The hooks get the parser context; they find r through _private. */
	r->ctxt->_private = r;
	r->ctxt->sax->serror = on_error;
	r->ctxt->sax->internalSubset = on_doctype;
	r->ctxt->sax->externalSubset = NULL;
	r->start = r->ctxt->sax->startElementNs;
	r->end = r->ctxt->sax->endElementNs;
	r->ctxt->sax->startElementNs = on_start;
	r->ctxt->sax->endElementNs = on_end;
	if (!r->start || !r->end) {
		fail(r, 0, "the XML parser has no SAX2 tree builder");
		goto free_ctxt;
	}
	/* Messages from outside the context (encoding conversion, say) come here too;
	 * this thread's handlers are put back below. */
	xmlSetStructuredErrorFunc(r, on_stray_error);
	xmlSetGenericErrorFunc(r, on_stray_generic);

	/* Not set: XML_PARSE_NOENT (entity substitution), XML_PARSE_DTDLOAD and
	 * XML_PARSE_HUGE (it lifts libxml2's own limits). */
	doc = xmlCtxtReadMemory(r->ctxt, body, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	if (doc && (r->failed || !r->ctxt->wellFormed)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc && (doc->intSubset || doc->extSubset)) {
		/* on_doctype stops every DOCTYPE; this is the belt to its braces. */
		fail(r, 1, "unexpected DOCTYPE (DTDs and entities are not accepted)");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc)
		fail(r, 0, "not a well-formed document");

	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_generic);
free_ctxt:
	xmlFreeParserCtxt(r->ctxt);
	r->ctxt = NULL;
	return doc;
}

static bool is_xml_space(const xmlChar *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

static bool is_text(const xmlNode *n)
{
	return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

static bool is_named(const xmlNode *n, const char *name)
{
	return !strcmp((const char *)n->name, name);
}

/* An attribute's value (no entity can be in it: there is no DTD). Free with xmlFree. */
static xmlChar *attr_value(const xmlAttr *a)
{
	xmlChar *v = xmlNodeListGetString(a->doc, a->children, 1);

	return v ? v : xmlStrdup((const xmlChar *)"");
}

/* What an element's name and attributes say: nil="true", <member name="...">. */
struct xml_head {
	bool nil;
	xmlChar *name;		/* <member> only, else NULL; free with xmlFree */
};

static bool attr_allowed(const xmlNode *e, const xmlAttr *a)
{
	if (a->ns)
		return false;
	return !strcmp((const char *)a->name, "nil") ||
	       (!strcmp((const char *)a->name, "name") && is_named(e, "member"));
}

/*
 * Reads e's name and attributes into *h (root: the document element, which takes no
 * attributes). Returns 0, or -1 with the reason recorded and nothing to free.
 */
static int read_head(struct xml_read *r, const xmlNode *e, bool root, struct xml_head *h)
{
	const xmlAttr *a;
	xmlChar *v;

	h->nil = false;
	h->name = NULL;
	if (e->ns && e->ns->prefix) {
		fail(r, xmlGetLineNo(e), "<%s:%s>: namespace prefixes are not accepted",
		     e->ns->prefix, e->name);
		return -1;
	}
	for (a = e->properties; a; a = a->next) {
		if (root) {
			fail(r, xmlGetLineNo(e), "<%s> takes no attributes", e->name);
			goto fail;
		}
		if (!attr_allowed(e, a)) {
			fail(r, xmlGetLineNo(e), "<%s>: attribute %s%s%s is not accepted "
			     "(only nil, and name on <member>)", e->name,
			     a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
			     a->ns && a->ns->prefix ? ":" : "", a->name);
			goto fail;
		}
		v = attr_value(a);
		if (!v) {
			fail(r, xmlGetLineNo(e), "out of memory");
			goto fail;
		}
		if (!strcmp((const char *)a->name, "name")) {
			h->name = v;
			continue;
		}
		h->nil = !strcmp((const char *)v, "true");
		if (!h->nil && strcmp((const char *)v, "false")) {
			fail(r, xmlGetLineNo(e), "<%s>: nil must be \"true\" or \"false\"",
			     e->name);
			xmlFree(v);
			goto fail;
		}
		xmlFree(v);
	}
	return 0;

fail:
	xmlFree(h->name);
	h->name = NULL;
	return -1;
}

static json_t *element_to_json(struct xml_read *r, const xmlNode *e, bool nil, int depth);

/* A leaf: its text and CDATA, in order; comments are skipped. */
static json_t *leaf_to_json(struct xml_read *r, const xmlNode *e)
{
	const xmlNode *c;
	size_t len = 0, n;
	json_t *s;
	char *buf, *p;

	for (c = e->children; c; c = c->next)
		if (is_text(c) && c->content)
			len += strlen((const char *)c->content);
	/* The common case, one text node, needs no copy. */
	if (e->children && !e->children->next && is_text(e->children))
		s = json_stringn((const char *)e->children->content, len);
	else {
		buf = p = malloc(len + 1);
		if (!buf) {
			fail(r, xmlGetLineNo(e), "out of memory");
			return NULL;
		}
		for (c = e->children; c; c = c->next) {
			if (!is_text(c) || !c->content)
				continue;
			n = strlen((const char *)c->content);
			memcpy(p, c->content, n);
			p += n;
		}
		s = json_stringn(buf, len);
		free(buf);
	}
	if (!s)
		fail(r, xmlGetLineNo(e), "<%s>: text is not UTF-8 or out of memory", e->name);
	return s;
}

/* The children of e, all <item>: an array. */
static json_t *items_to_json(struct xml_read *r, const xmlNode *e, int depth)
{
	json_t *a = json_array(), *v;
	struct xml_head h;
	const xmlNode *c;

	if (!a) {
		fail(r, xmlGetLineNo(e), "out of memory");
		return NULL;
	}
	for (c = e->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (read_head(r, c, false, &h) < 0)
			goto fail;
		v = element_to_json(r, c, h.nil, depth + 1);
		if (!v)
			goto fail;
		if (json_array_append_new(a, v) < 0) {
			fail(r, xmlGetLineNo(c), "out of memory");
			goto fail;
		}
	}
	return a;

fail:
	json_decref(a);
	return NULL;
}

/* The children of e, none of them <item>: an object, one member each. */
static json_t *members_to_json(struct xml_read *r, const xmlNode *e, int depth)
{
	json_t *o = json_object(), *v;
	struct xml_head h;
	const xmlNode *c;
	const char *key;

	if (!o) {
		fail(r, xmlGetLineNo(e), "out of memory");
		return NULL;
	}
	for (c = e->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (read_head(r, c, false, &h) < 0)
			goto fail;
		/* <member> without a name is a member named "member". */
		key = h.name ? (const char *)h.name : (const char *)c->name;
		v = NULL;
		if (json_object_get(o, key))
			fail(r, xmlGetLineNo(c), "<%s>: member \"%.64s\" repeated", e->name,
			     key);
		else
			v = element_to_json(r, c, h.nil, depth + 1);
		if (v && json_object_set_new(o, key, v) < 0)
			fail(r, xmlGetLineNo(c), "out of memory");
		xmlFree(h.name);
		if (r->failed)
			goto fail;
	}
	return o;

fail:
	json_decref(o);
	return NULL;
}

/*
 * One element by the rule of xml.h, its head already read; depth is its own (the
 * root's is 1). Returns a new reference, or NULL with the reason recorded.
 */
static json_t *element_to_json(struct xml_read *r, const xmlNode *e, bool nil, int depth)
{
	bool elements = false, items = false, others = false;
	const xmlNode *c;

	/* The parser stopped at the limit already; the walk's recursion depends on it. */
	if (depth > r->max_depth) {
		fail(r, xmlGetLineNo(e), "elements nested deeper than %d", r->max_depth);
		return NULL;
	}
	for (c = e->children; c; c = c->next) {
		switch (c->type) {
		case XML_ELEMENT_NODE:
			elements = true;
			if (is_named(c, "item"))
				items = true;
			else
				others = true;
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
		case XML_COMMENT_NODE:
			break;
		case XML_PI_NODE:
			fail(r, xmlGetLineNo(c), "<%s>: processing instructions are not "
			     "accepted", e->name);
			return NULL;
		default:
			fail(r, xmlGetLineNo(c), "<%s>: unexpected content", e->name);
			return NULL;
		}
	}
	if (nil) {
		if (e->children) {
			fail(r, xmlGetLineNo(e), "<%s nil=\"true\">: must be empty", e->name);
			return NULL;
		}
		return json_null();
	}
	if (!elements)
		return leaf_to_json(r, e);

	/* Blanks between elements are layout; any other text is mixed content. */
	for (c = e->children; c; c = c->next)
		if (is_text(c) && c->content && !is_xml_space(c->content)) {
			fail(r, xmlGetLineNo(c), "<%s>: text mixed with elements", e->name);
			return NULL;
		}
	if (items && others) {
		fail(r, xmlGetLineNo(e), "<%s>: <item> elements mixed with members",
		     e->name);
		return NULL;
	}
	return items ? items_to_json(r, e, depth) : members_to_json(r, e, depth);
}

/* Processing instructions before or after the document element are refused too. */
static int check_prolog(struct xml_read *r, const xmlDoc *doc)
{
	const xmlNode *n;

	for (n = doc->children; n; n = n->next) {
		if (n->type == XML_PI_NODE) {
			fail(r, xmlGetLineNo(n), "processing instructions are not accepted");
			return -1;
		}
		if (n->type == XML_DTD_NODE) {
			fail(r, xmlGetLineNo(n), "unexpected DOCTYPE (DTDs and entities are "
			     "not accepted)");
			return -1;
		}
	}
	return 0;
}

json_t *fcgi_xml_to_json(const char *body, size_t len, size_t max_len, int max_depth,
			 char *err, size_t errlen)
{
	struct xml_read r = { .err = err, .errlen = errlen, .max_depth = max_depth };
	const xmlNode *root;
	struct xml_head h;
	xmlDocPtr doc;
	json_t *v = NULL;

	if (err && errlen)
		err[0] = '\0';
	if (len > max_len || len > INT_MAX) {
		fail(&r, 0, "the body is %zu bytes, over the limit of %zu", len, max_len);
		return NULL;
	}
	if (max_depth < 1) {
		fail(&r, 0, "elements nested deeper than %d", max_depth);
		return NULL;
	}
	/* libxml2 has a depth limit of its own (without XML_PARSE_HUGE); under it, the
	 * reason is always this module's. */
	if ((unsigned int)r.max_depth > xmlParserMaxDepth)
		r.max_depth = (int)xmlParserMaxDepth;
	xmlInitParser();
	doc = parse(&r, body, len);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (check_prolog(&r, doc) < 0)
		goto free_doc;
	if (!root || !is_named(root, "request")) {
		fail(&r, root ? xmlGetLineNo(root) : 0,
		     "the document element must be <request>, not <%s>",
		     root ? (const char *)root->name : "");
		goto free_doc;
	}
	if (read_head(&r, root, true, &h) < 0)
		goto free_doc;
	v = element_to_json(&r, root, false, 1);
	if (v && json_is_string(v) && is_xml_space((const xmlChar *)json_string_value(v))) {
		/* <request/>, or <request> with nothing but blanks and comments. */
		json_decref(v);
		v = json_object();
		if (!v)
			fail(&r, 0, "out of memory");
	} else if (v && !json_is_object(v)) {
		fail(&r, xmlGetLineNo(root), "<request> must hold members, not %s",
		     json_is_array(v) ? "<item> elements" : "text");
		json_decref(v);
		v = NULL;
	}

free_doc:
	xmlFreeDoc(doc);
	return v;
}

/* ------------------------------------------------------------------------------------
 * Writing
 */

/* The output: grows to XML_OUT_MAX at most, and is freed on the first failure. */
struct xml_out {
	char *p;
	size_t len, cap;
	bool failed;
};

static void put(struct xml_out *o, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (o->failed)
		return;
	if (n >= XML_OUT_MAX - o->len) {
		o->failed = true;
		return;
	}
	if (o->len + n + 1 > o->cap) {
		cap = o->cap ? o->cap : 256;
		while (cap < o->len + n + 1)
			cap *= 2;
		if (cap > XML_OUT_MAX)
			cap = XML_OUT_MAX;
		p = realloc(o->p, cap);
		if (!p) {
			o->failed = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void puts_(struct xml_out *o, const char *s)
{
	put(o, s, strlen(s));
}

/*
 * The length of the UTF-8 sequence at s (at most n bytes) and the code point in *cp,
 * or 0 when it is not valid UTF-8 (jansson checks strings, so only as a safeguard).
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* XML 1.0's Char production. */
static bool is_xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * Writes s escaped for element text or, with attr, for a double-quoted attribute
 * value. CR, and in attributes tab and LF too, go as character references: a parser
 * would normalise them otherwise, and the value would not come back as it was.
 */
static void put_escaped(struct xml_out *o, const char *s, size_t n, bool attr)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
	const char *rep;
	uint32_t c;
	size_t l;

	while (p < end) {
		l = utf8_decode(p, (size_t)(end - p), &c);
		rep = NULL;
		if (!l || !is_xml_char(c))
			rep = "\xef\xbf\xbd";	/* U+FFFD */
		else if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";	/* "]]>" may not appear in text */
		else if (c == '\r')
			rep = "&#13;";
		else if (attr && c == '"')
			rep = "&quot;";
		else if (attr && c == '\n')
			rep = "&#10;";
		else if (attr && c == '\t')
			rep = "&#9;";
		if (!l)
			l = 1;	/* past the one bad byte */
		if (rep) {
			put(o, (const char *)run, (size_t)(p - run));
			puts_(o, rep);
			run = p + l;
		}
		p += l;
	}
	put(o, (const char *)run, (size_t)(p - run));
}

/*
 * Whether key can be the element's name: a simple, ASCII-only subset of XML's Name,
 * not one of the names the mapping itself uses, not reserved (xml...).
 */
static bool key_is_name(const char *key, size_t n)
{
	size_t i;

	if (n == 0 || !strcmp(key, "item") || !strcmp(key, "member") ||
	    (n >= 3 && !strncasecmp(key, "xml", 3)))
		return false;
	for (i = 0; i < n; i++) {
		char c = key[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		bool more = (c >= '0' && c <= '9') || c == '-' || c == '.';

		if (!alpha && (i == 0 || !more))
			return false;
	}
	return true;
}

/* A real as the shortest decimal that reads back as the same double. */
static void put_real(struct xml_out *o, double d)
{
	char s[40];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	puts_(o, s);
}

static void put_value(struct xml_out *o, const char *tag, const char *key, size_t keylen,
		      json_t *v, int depth);

/* v's content, between the tags the caller writes. */
static void put_content(struct xml_out *o, json_t *v, int depth)
{
	const char *key;
	size_t keylen, i;
	json_t *m;
	char num[32];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_keylen_foreach(v, key, keylen, m)
			put_value(o, NULL, key, keylen, m, depth + 1);
		break;
	case JSON_ARRAY:
		json_array_foreach(v, i, m)
			put_value(o, "item", NULL, 0, m, depth + 1);
		break;
	case JSON_STRING:
		put_escaped(o, json_string_value(v), json_string_length(v), false);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		puts_(o, num);
		break;
	case JSON_REAL:
		put_real(o, json_real_value(v));
		break;
	case JSON_TRUE:
		puts_(o, "true");
		break;
	case JSON_FALSE:
		puts_(o, "false");
		break;
	case JSON_NULL:
		break;
	}
}

/*
 * One element: <tag> when tag is given (the root, an array's item), else named
 * after key, or <member name="key"> when the key is not a name of its own.
 */
static void put_value(struct xml_out *o, const char *tag, const char *key, size_t keylen,
		      json_t *v, int depth)
{
	bool named = !tag && key_is_name(key, keylen);

	if (depth > XML_OUT_MAX_DEPTH) {
		o->failed = true;
		return;
	}
	puts_(o, "<");
	if (tag) {
		puts_(o, tag);
	} else if (named) {
		put(o, key, keylen);
	} else {
		puts_(o, "member name=\"");
		put_escaped(o, key, keylen, true);
		puts_(o, "\"");
	}
	if (json_is_null(v) || (json_is_object(v) && !json_object_size(v)) ||
	    (json_is_array(v) && !json_array_size(v))) {
		puts_(o, json_is_null(v) ? " nil=\"true\"/>" : "/>");
		return;
	}
	puts_(o, ">");
	put_content(o, v, depth);
	puts_(o, "</");
	if (tag)
		puts_(o, tag);
	else if (named)
		put(o, key, keylen);
	else
		puts_(o, "member");
	puts_(o, ">");
}

char *fcgi_json_to_xml(json_t *v, const char *root, size_t *len)
{
	struct xml_out o = { 0 };

	if (!v || !root) {
		errno = EINVAL;
		return NULL;
	}
	puts_(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	put_value(&o, root, NULL, 0, v, 1);
	puts_(&o, "\n");
	if (o.failed) {
		free(o.p);
		errno = ENOMEM;
		return NULL;
	}
	if (len)
		*len = o.len;
	return o.p;
}
