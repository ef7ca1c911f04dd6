/*
 * multipart.h - multipart/form-data request bodies (RFC 7578), for file uploads.
 *
 * Parses in place: parts point into the body, which the parser modifies (it
 * NUL-terminates header values), so nothing is copied however large a file is.
 */
#ifndef FCGI_MULTIPART_H
#define FCGI_MULTIPART_H

#include <stddef.h>

#define FCGI_MULTIPART_MAX_PARTS 16

struct fcgi_part {
	const char *name;		/* the form field name (Content-Disposition name=) */
	const char *filename;		/* filename= (or decoded filename*=UTF-8''...), or NULL */
	size_t filename_len;		/* its length: differs from strlen() when the name
					 * holds a NUL, which a file name must not */
	const char *content_type;	/* the part's Content-Type, or NULL */
	const char *data;		/* the part's bytes (not NUL-terminated) */
	size_t len;
};

/*
 * content_type is the request's Content-Type header ("multipart/form-data;
 * boundary=..."; the boundary may be quoted, 1-70 characters). Fills at most
 * max_parts parts and returns how many, or -1 with a one-line reason in err for:
 * not multipart/form-data, no or bad boundary, a missing closing boundary, a part
 * without Content-Disposition: form-data or without a name, headers over 8 KiB per
 * part, more than max_parts parts. A preamble and an epilogue are ignored. Both
 * CRLF and bare LF line ends are accepted in headers, and before a delimiter (so a
 * part's data never ends with the line break before the next boundary).
 *
 * Quoted parameter values lose their backslash escapes; filename*=UTF-8''... is
 * percent-decoded and wins over filename= (in another charset it is ignored). An
 * empty name is no name; filename="" is "", not NULL. On error the body may have
 * been modified and parts partly filled.
 */
int fcgi_multipart_parse(const char *content_type, char *body, size_t len,
			 struct fcgi_part *parts, int max_parts, char *err, size_t errlen);

/* The first part named `name`, or NULL. */
const struct fcgi_part *fcgi_multipart_find(const struct fcgi_part *parts, int n,
					    const char *name);

#endif
