/*
 * result.c - encoding an outcome as JSON (jansson).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

size_t sbx_utf8_seq(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;
	uint32_t c, min;

	if (!n)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2; c = p[0] & 0x1f; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3; c = p[0] & 0x0f; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4; c = p[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool sbx_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;

	for (; i < n; i += len)
		if (!(len = sbx_utf8_seq(s + i, n - i, &cp)))
			return false;
	return true;
}

size_t sbx_utf8_complete(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	/* walk back over at most 3 continuation bytes to the last lead byte */
	for (size_t back = 1; back <= 4 && back <= n; back++) {
		unsigned c = p[n - back];
		size_t need;

		if ((c & 0xc0) == 0x80)
			continue;
		if (c < 0x80)
			return n;
		need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		return need > back ? n - back : n;
	}
	return n;
}

char *sbx_base64(const char *s, size_t n)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = tbl[(v >> 18) & 63];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? tbl[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

char *sbx_base64_decode(const char *s, size_t n, size_t *out_len)
{
	unsigned char *out = malloc(n / 4 * 3 + 4), *o = out;
	unsigned v = 0, bits = 0;
	bool pad = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int d;

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad = true;
			continue;
		}
		if (pad)
			goto bad;	/* data after padding */
		if (c >= 'A' && c <= 'Z')
			d = c - 'A';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			d = c - '0' + 52;
		else if (c == '+' || c == '-')
			d = 62;
		else if (c == '/' || c == '_')
			d = 63;
		else
			goto bad;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (unsigned char)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	if (bits >= 6)
		goto bad;	/* a lone trailing character carries no byte */
	*o = '\0';
	*out_len = (size_t)(o - out);
	return (char *)out;
bad:
	free(out);
	return NULL;
}

int sbx_result_stream(json_t *obj, const char *key, const struct sbx_buf *b, bool base64)
{
	const char *data = b->data ? b->data : "";
	size_t len = b->len;
	char enc_key[64];
	json_t *v;

	snprintf(enc_key, sizeof(enc_key), "%s_encoding", key);
	if (b->truncated)
		len = sbx_utf8_complete(data, len);
	if (!base64 && sbx_utf8_valid(data, len)) {
		v = json_stringn_nocheck(data, len);
		if (!v || json_object_set_new(obj, key, v) < 0)
			return -1;
		return json_object_set_new(obj, enc_key, json_string("utf-8"));
	}
	{
		char *b64 = sbx_base64(data, b->len);

		if (!b64)
			return -1;
		v = json_string(b64);
		free(b64);
		if (!v || json_object_set_new(obj, key, v) < 0)
			return -1;
	}
	return json_object_set_new(obj, enc_key, json_string("base64"));
}

static json_t *signal_name(int sig)
{
	const char *abbrev;
	char name[32];

	if (sig <= 0)
		return json_null();
	abbrev = sigabbrev_np(sig);
	if (!abbrev)
		snprintf(name, sizeof(name), "SIG%d", sig);
	else
		snprintf(name, sizeof(name), "SIG%s", abbrev);
	return json_string(name);
}

json_t *sbx_result_json(const struct sbx_outcome *o, const struct sbx_buf *compile)
{
	json_t *r = json_object();
	bool err = !r;

	if (err)
		return NULL;
	err |= json_object_set_new(r, "status", json_string(sbx_status_name(o->status))) < 0;
	err |= json_object_set_new(r, "exit_code", o->exit_code >= 0 ?
				   json_integer(o->exit_code) : json_null()) < 0;
	err |= json_object_set_new(r, "signal", signal_name(o->signal)) < 0;
	err |= sbx_result_stream(r, "stdout", &o->out, false) < 0;
	err |= sbx_result_stream(r, "stderr", &o->err, false) < 0;
	err |= json_object_set_new(r, "stdout_truncated", json_boolean(o->out.truncated)) < 0;
	err |= json_object_set_new(r, "stderr_truncated", json_boolean(o->err.truncated)) < 0;
	if (compile)
		err |= sbx_result_stream(r, "compile_output", compile, false) < 0;
	else
		err |= json_object_set_new(r, "compile_output", json_null()) < 0;
	err |= json_object_set_new(r, "cpu_ms", json_integer((json_int_t)o->cpu_ms)) < 0;
	err |= json_object_set_new(r, "wall_ms", json_integer((json_int_t)o->wall_ms)) < 0;
	err |= json_object_set_new(r, "memory_peak_kb",
				   json_integer((json_int_t)o->memory_peak_kb)) < 0;
	/* Stockade's own word on why, when the program never ran: a cell that could not be
	 * built (internal_error), or a compiled program the kernel would not execute */
	if (o->message[0])
		err |= json_object_set_new(r, "error", json_string(o->message)) < 0;
	if (err) {
		json_decref(r);
		return NULL;
	}
	return r;
}
