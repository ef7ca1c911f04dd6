/*
 * result.h - the JSON form of an outcome, as `stockade run` prints it.
 *
 * Program output is bytes, and JSON strings are Unicode: a stream that is valid UTF-8
 * (NUL included, escaped as \u0000) is returned as a string with "<stream>_encoding":
 * "utf-8"; any other stream is returned whole as base64 with "<stream>_encoding":
 * "base64". A stream cut at the output limit loses at most an incomplete last
 * character before that decision, so truncation alone never forces base64.
 */
#ifndef SBX_RESULT_H
#define SBX_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "buf.h"
#include "cell.h"

/* The length of the well-formed UTF-8 sequence at p[0..n) (1-4), its code point in
 * *cp; 0 when p does not start one (a stray or truncated byte, an overlong form, a
 * surrogate, a value past U+10FFFF) or n is 0. */
size_t sbx_utf8_seq(const char *p, size_t n, uint32_t *cp);

/* True when p[0..n) is well-formed UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF). */
bool sbx_utf8_valid(const char *p, size_t n);

/* The length of the longest prefix of p[0..n) that does not end inside a character
 * (drops at most 3 bytes of an incomplete trailing sequence). */
size_t sbx_utf8_complete(const char *p, size_t n);

/* Standard base64 (RFC 4648, with padding). Returns a malloc'd string or NULL. */
char *sbx_base64(const char *p, size_t n);

/* Decodes base64 (standard or URL-safe alphabet, padding optional, whitespace
 * skipped). Returns a malloc'd buffer (NUL-terminated) with its length in *out_len, or
 * NULL when the text is not base64 or memory ran out. */
char *sbx_base64_decode(const char *s, size_t n, size_t *out_len);

/*
 * Sets "<key>" and "<key>_encoding" from a captured stream: UTF-8 text ("utf-8"; a
 * character cut by truncation is dropped), else base64 ("base64"), or base64 always
 * when `base64` is set. Returns 0 or -1.
 */
int sbx_result_stream(json_t *obj, const char *key, const struct sbx_buf *b, bool base64);

/*
 * Builds the result object. `compile` is the compiler's output, or NULL when nothing
 * was compiled. Returns a new reference, or NULL when memory ran out.
 */
json_t *sbx_result_json(const struct sbx_outcome *o, const struct sbx_buf *compile);

#endif
