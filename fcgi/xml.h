/*
 * xml.h - the one JSON <-> XML mapping every API uses (libxml2).
 *
 * The rule (documented in the README):
 *   - the document element is <request> (what clients send) or <response> (what
 *     Stockade answers);
 *   - an object is an element whose children are its members, each named after its
 *     key; a key that is not an XML name (say "$id" or "a b") is written as
 *     <member name="KEY">...</member>;
 *   - an array is an element whose children are repeated <item> elements;
 *   - a string, number or boolean is the element's text ("true"/"false");
 *     null is an empty element with nil="true".
 * So {"properties":{"code":"6*7"}} is <request><properties><code>6*7</code></properties></request>.
 *
 * Reading XML gives strings for every leaf (XML has no types): an element with no
 * children is a string ("" when empty), an element whose children are all <item> is
 * an array, any other element with children is an object. Callers that want a
 * number accept a decimal string too (see api_get_int). Whitespace-only text between
 * child elements is ignored; other mixed content, repeated member names, attributes
 * other than nil and a member's name, and processing instructions are errors.
 *
 * Parsing refuses any DOCTYPE (so no DTD, no entities: no XXE, no billion laughs),
 * never touches the network, and limits depth and size.
 *
 * Writing names an element after its key only when the key is a plain ASCII XML
 * name (letters, digits, "_", "-", "." and not starting with a digit, "-", "." or
 * "xml" in any case) and is not "item" or "member", which the mapping itself uses;
 * every other key goes in <member name="...">. Reals are written in the shortest
 * form that reads back as the same double. What does not survive a round trip: types
 * (leaves come back as strings), and empty objects and arrays, which are written as
 * empty elements and so come back as "".
 */
#ifndef FCGI_XML_H
#define FCGI_XML_H

#include <stddef.h>
#include <jansson.h>

/*
 * Parses an XML request body into JSON by the rule above. The document element
 * must be <request>; the result is always an object (an empty <request/> is {}).
 * Refuses bodies over max_len bytes, nesting deeper than max_depth elements
 * (<request> counts as one; libxml2's own limit, 256, caps max_depth). Returns a new
 * reference, or NULL with a one-line reason in err ("XML: line 3: ..."); err may be
 * NULL. Nothing is written to stderr.
 */
json_t *fcgi_xml_to_json(const char *body, size_t len, size_t max_len, int max_depth,
			 char *err, size_t errlen);

/*
 * Writes v as an XML document whose element is `root` ("response"), with an XML
 * declaration, UTF-8. A scalar v becomes the root's text. Returns a malloc'd,
 * NUL-terminated string and its length in *len (len may be NULL), or NULL when out
 * of memory, when the document would pass 256 MiB, or when v nests deeper than
 * 2048 (jansson's parser never makes such a value).
 * Strings that are not valid XML characters (control characters other than tab,
 * newline and carriage return) are written with those characters replaced by
 * U+FFFD, so the output is always well-formed.
 */
char *fcgi_json_to_xml(json_t *v, const char *root, size_t *len);

#endif
