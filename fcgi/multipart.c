/*
 * multipart.c - multipart/form-data bodies (RFC 7578, framing of RFC 2046 §5.1.1).
 *
 * A body is an ignored preamble, then parts each opened by a delimiter line
 * "--BOUNDARY", then a closing line "--BOUNDARY--" and an ignored epilogue. A
 * delimiter is only ever at the start of the body or of a line, and the line break
 * before it belongs to the delimiter, not to the part before. Each part is header
 * lines, a blank line, and its bytes.
 *
 * Nothing is copied: header values are decoded in place (an unquoted or
 * percent-decoded value is never longer than it was written) and NUL-terminated
 * where their text ended, so every pointer in a part points into the body.
 */
#define _GNU_SOURCE		/* memmem */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"		/* fcgi_pct_decode */
#include "multipart.h"
#include "result.h"		/* sbx_utf8_valid */

/* RFC 2046: a boundary is 1 to 70 characters. */
#define BOUNDARY_MAX	70
/* The header lines of one part, blank line included. */
#define HEADERS_MAX	(8 * 1024)

/* Where the parse is, for messages. */
struct mp {
	char *err;
	size_t errlen;
	int part;		/* 1-based; 0 before the first */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct mp *m, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!m->err || !m->errlen)
		return -1;
	if (m->part > 0)
		n = snprintf(m->err, m->errlen, "multipart: part %d: ", m->part);
	else
		n = snprintf(m->err, m->errlen, "multipart: ");
	if (n >= 0 && (size_t)n < m->errlen) {
		va_start(ap, fmt);
		vsnprintf(m->err + n, m->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 2045 tspecials, which end a token. */
static bool is_token_char(char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* RFC 2046 bchars. */
static bool is_bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("'()+_,-./:=? ", c));
}

static const char *skip_lws(const char *s, const char *end)
{
	while (s < end && is_lws(*s))
		s++;
	return s;
}

/* ------------------------------------------------------------------------------------
 * Parameters: "; name=value" with value a token or a quoted string, in a header value
 */

struct param {
	const char *name;
	size_t namelen;
	char *val;		/* a token's first character, or past the opening quote */
	size_t len;		/* as written: escapes not yet removed */
	bool quoted;
};

/*
 * Reads the next parameter at *s (before end) into *p and moves *s past it. Returns
 * 1, 0 at the end of the value, or -1 when it is malformed.
 */
static int next_param(char **s, char *end, struct param *p)
{
	char *c = (char *)skip_lws(*s, end);

	if (c == end)
		return 0;
	if (*c != ';')
		return -1;
	c = (char *)skip_lws(c + 1, end);
	if (c == end)
		return 0;	/* a trailing ";" */
	p->name = c;
	while (c < end && is_token_char(*c))
		c++;
	p->namelen = (size_t)(c - p->name);
	c = (char *)skip_lws(c, end);
	if (!p->namelen || c == end || *c != '=')
		return -1;
	c = (char *)skip_lws(c + 1, end);
	p->quoted = c < end && *c == '"';
	if (p->quoted) {
		p->val = ++c;
		while (c < end && *c != '"') {
			if (*c == '\\' && c + 1 < end)
				c++;
			c++;
		}
		if (c == end)
			return -1;
		p->len = (size_t)(c - p->val);
		c++;
	} else {
		p->val = c;
		while (c < end && is_token_char(*c))
			c++;
		p->len = (size_t)(c - p->val);
		if (!p->len)
			return -1;
	}
	*s = c;
	return 1;
}

static bool param_is(const struct param *p, const char *name)
{
	return p->namelen == strlen(name) && !strncasecmp(p->name, name, p->namelen);
}

/*
 * Copies p's value to out (outlen bytes with the NUL), removing quoted-pair escapes.
 * Returns its length, or -1 when it does not fit. out may be p->val itself: the
 * result is never longer than the text, and its NUL lands at or before the byte
 * that ended the value (a quote, ";", a blank, the end of the line).
 */
static long param_value(const struct param *p, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; i < p->len; i++) {
		if (p->quoted && p->val[i] == '\\')
			i++;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = p->val[i];
	}
	out[n] = '\0';
	return (long)n;
}

/* ------------------------------------------------------------------------------------
 * The boundary, from the request's Content-Type
 */

/* Writes "--BOUNDARY" to delim (BOUNDARY_MAX + 3 bytes). Returns its length or -1. */
static int read_boundary(struct mp *m, const char *content_type, char *delim)
{
	static const char type[] = "multipart/form-data";
	char copy[1024], *s, *end;
	struct param p;
	bool found = false;
	long n = 0;
	int rc;

	if (!content_type)
		return fail(m, "no Content-Type");
	/* The parameters are parsed in a copy: the request's header is left as it is. */
	if (strlen(content_type) >= sizeof(copy))
		return fail(m, "Content-Type over %zu bytes", sizeof(copy) - 1);
	strcpy(copy, content_type);
	end = copy + strlen(copy);
	s = (char *)skip_lws(copy, end);
	if (strncasecmp(s, type, sizeof(type) - 1) ||
	    (s[sizeof(type) - 1] && s[sizeof(type) - 1] != ';' && !is_lws(s[sizeof(type) - 1])))
		return fail(m, "Content-Type is not multipart/form-data");
	s += sizeof(type) - 1;
	while ((rc = next_param(&s, end, &p)) > 0) {
		if (!param_is(&p, "boundary"))
			continue;
		if (found)
			return fail(m, "two boundary parameters");
		found = true;
		n = param_value(&p, delim + 2, BOUNDARY_MAX + 1);
		if (n < 0)
			return fail(m, "boundary over %d characters", BOUNDARY_MAX);
	}
	if (rc < 0)
		return fail(m, "malformed Content-Type parameters");
	if (!found)
		return fail(m, "no boundary parameter in Content-Type");
	if (n == 0 || delim[2 + n - 1] == ' ')
		return fail(m, "the boundary is empty or ends with a space");
	for (s = delim + 2; *s; s++)
		if (!is_bchar(*s))
			return fail(m, "the boundary has a character RFC 2046 does not allow");
	delim[0] = delim[1] = '-';
	return (int)n + 2;
}

/* ------------------------------------------------------------------------------------
 * Delimiters
 */

/* A delimiter line found in the body. */
struct delim {
	char *data_end;		/* where the part before it ends: before its line break */
	char *next;		/* the first byte after the delimiter's line */
	bool closing;		/* "--BOUNDARY--" */
};

/*
 * Finds the first delimiter in [start, end) that begins the body or a line and is
 * followed by blanks and a line break, or, closing, by "--", blanks and a line break
 * or the end of the body (RFC 2046's grammar): "--BOUNDARY" anywhere else is data.
 * Returns true with *d filled, or false when there is none.
 */
static bool find_delim(char *body, char *start, char *end, const char *dl, size_t dlen,
		       struct delim *d)
{
	char *from = start, *p, *q;

	while (from < end && (p = memmem(from, (size_t)(end - from), dl, dlen))) {
		from = p + 1;
		if (p != body && p[-1] != '\n')
			continue;
		q = p + dlen;
		d->closing = end - q >= 2 && q[0] == '-' && q[1] == '-';
		if (d->closing)
			q += 2;
		/* then transport padding, and a line break (or, closing, the end) */
		q = (char *)skip_lws(q, end);
		if (q < end && *q == '\r')
			q++;
		if (q < end ? *q != '\n' : !d->closing)
			continue;
		d->next = q < end ? q + 1 : end;
		/* The line break before the delimiter is part of it. Right after a part's
		 * blank line (p == start) the break is the headers': the part is empty. */
		d->data_end = p;
		if (p > start && p[-1] == '\n') {
			d->data_end = p - 1;
			if (d->data_end > start && d->data_end[-1] == '\r')
				d->data_end--;
		}
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------------------------
 * One part's headers
 */

/*
 * Decodes filename*=UTF-8''... (RFC 8187) in place and NUL-terminates it. Returns 1,
 * 0 for another charset (then filename= is used instead), or -1.
 */
static int ext_value(struct mp *m, const struct param *p)
{
	char *v = p->val, *end = v + p->len, *q;
	long n;

	if (p->quoted)
		return fail(m, "filename* must not be quoted");
	q = memchr(v, '\'', p->len);
	if (q)
		q = memchr(q + 1, '\'', (size_t)(end - q - 1));
	if (!q)
		return fail(m, "filename* is not charset'language'value");
	if (strncasecmp(v, "UTF-8'", 6))
		return 0;
	/* decoded in place: the value starts past the charset, and decoding never
	 * lengthens it */
	n = fcgi_pct_decode(q + 1, (size_t)(end - q - 1), v, false);
	if (n < 0)
		return fail(m, "filename*: %% is not followed by two hex digits");
	if (memchr(v, '\0', (size_t)n))
		return fail(m, "filename*: %%00 in the name");
	if (!sbx_utf8_valid(v, (size_t)n))
		return fail(m, "filename* is not UTF-8");
	return 1;
}

/*
 * Content-Disposition: form-data; name="..."; filename="..."; filename*=UTF-8''...
 * v..end is the value; the names it gives are decoded in place into part.
 */
static int read_disposition(struct mp *m, char *v, char *end, struct fcgi_part *part)
{
	static const char form_data[] = "form-data";
	const size_t fdlen = sizeof(form_data) - 1;
	struct param p, name = { 0 }, fname = { 0 }, fstar = { 0 }, *slot;
	char *s = v;
	int rc;

	if ((size_t)(end - v) < fdlen || strncasecmp(v, form_data, fdlen) ||
	    (v + fdlen < end && v[fdlen] != ';' && !is_lws(v[fdlen])))
		return fail(m, "Content-Disposition is not form-data");
	/* Every parameter is found first and decoded after: decoding writes NULs over
	 * the ";" that the next one starts at. */
	s += fdlen;
	while ((rc = next_param(&s, end, &p)) > 0) {
		if (param_is(&p, "name"))
			slot = &name;
		else if (param_is(&p, "filename"))
			slot = &fname;
		else if (param_is(&p, "filename*"))
			slot = &fstar;
		else
			continue;
		if (slot->name)
			return fail(m, "Content-Disposition has two %.*s parameters",
				    (int)p.namelen, p.name);
		*slot = p;
	}
	if (rc < 0)
		return fail(m, "malformed Content-Disposition parameters");
	if (!name.name || param_value(&name, name.val, name.len + 1) <= 0)
		return fail(m, "Content-Disposition has no name");
	part->name = name.val;
	if (fname.name) {
		long n = param_value(&fname, fname.val, fname.len + 1);

		part->filename = fname.val;
		/* the decoded length: a NUL inside the quotes stays visible to the caller */
		part->filename_len = n > 0 ? (size_t)n : 0;
	}
	if (fstar.name) {
		rc = ext_value(m, &fstar);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			part->filename = fstar.val;
			part->filename_len = strlen(fstar.val);	/* %00 is refused */
		}
	}
	return 0;
}

/*
 * Reads the headers that start at s into *part, at most HEADERS_MAX bytes up to and
 * including the blank line that ends them; *data gets where the part's bytes begin.
 */
static int read_headers(struct mp *m, char *s, char *end, struct fcgi_part *part,
			char **data)
{
	char *limit = end - s > HEADERS_MAX ? s + HEADERS_MAX : end;
	char *line = s, *nl, *eol, *colon, *c, *hend;
	bool disposition = false;
	size_t namelen;

	for (;;) {
		nl = memchr(line, '\n', (size_t)(limit - line));
		if (!nl && limit < end)
			return fail(m, "headers over %d KiB", HEADERS_MAX / 1024);
		if (!nl)
			return fail(m, "headers not ended by a blank line");
		if (nl == line || (nl == line + 1 && line[0] == '\r'))
			break;
		line = nl + 1;
	}
	hend = line;
	*data = nl + 1;

	/* A line break followed by a blank continues the header (obsolete folding). */
	for (c = s; c < hend; c++)
		if (*c == '\n' && c + 1 < hend && is_lws(c[1])) {
			*c = ' ';
			if (c > s && c[-1] == '\r')
				c[-1] = ' ';
		}

	for (line = s; line < hend; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(hend - line));
		eol = nl;
		while (eol > line && (eol[-1] == '\r' || is_lws(eol[-1])))
			eol--;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon || colon == line)
			return fail(m, "malformed header line");
		namelen = (size_t)(colon - line);
		c = (char *)skip_lws(colon + 1, eol);
		if (namelen == 19 && !strncasecmp(line, "Content-Disposition", namelen)) {
			if (disposition)
				return fail(m, "two Content-Disposition headers");
			disposition = true;
			if (read_disposition(m, c, eol, part) < 0)
				return -1;
		} else if (namelen == 12 && !strncasecmp(line, "Content-Type", namelen)) {
			if (part->content_type)
				return fail(m, "two Content-Type headers");
			*eol = '\0';
			part->content_type = c;
		}
		/* Other headers (Content-Transfer-Encoding, which RFC 7578 deprecates)
		 * are ignored. */
	}
	if (!disposition)
		return fail(m, "no Content-Disposition: form-data");
	return 0;
}

int fcgi_multipart_parse(const char *content_type, char *body, size_t len,
			 struct fcgi_part *parts, int max_parts, char *err, size_t errlen)
{
	struct mp m = { .err = err, .errlen = errlen };
	char dl[BOUNDARY_MAX + 3], *end, *data = NULL;
	struct delim d;
	int dlen, n = 0;

	if (err && errlen)
		err[0] = '\0';
	dlen = read_boundary(&m, content_type, dl);
	if (dlen < 0)
		return -1;
	if (!body)
		len = 0;
	end = body + len;
	if (!len || !find_delim(body, body, end, dl, (size_t)dlen, &d))
		return fail(&m, "no boundary line in the body");
	while (!d.closing) {
		if (n >= max_parts) {
			m.part = 0;
			return fail(&m, "more than %d parts", max_parts);
		}
		m.part = n + 1;
		memset(&parts[n], 0, sizeof(parts[n]));
		if (read_headers(&m, d.next, end, &parts[n], &data) < 0)
			return -1;
		if (!find_delim(body, data, end, dl, (size_t)dlen, &d))
			return fail(&m, "no boundary after it (the closing --boundary-- is "
				    "missing)");
		parts[n].data = data;
		parts[n].len = (size_t)(d.data_end - data);
		n++;
	}
	return n;
}

const struct fcgi_part *fcgi_multipart_find(const struct fcgi_part *parts, int n,
					    const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (parts[i].name && !strcmp(parts[i].name, name))
			return &parts[i];
	return NULL;
}
