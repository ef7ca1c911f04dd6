/* Unit tests: UTF-8 checks, base64, and the JSON result including binary output. */
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "tap.h"

static json_t *encode(const char *out, size_t outlen, const char *err, size_t errlen,
		      bool truncated)
{
	struct sbx_outcome o;
	json_t *j;

	memset(&o, 0, sizeof(o));
	o.exit_code = 0;
	sbx_buf_init(&o.out, 1 << 20);
	sbx_buf_init(&o.err, 1 << 20);
	sbx_buf_append(&o.out, out, outlen);
	sbx_buf_append(&o.err, err, errlen);
	o.out.truncated = truncated;
	o.cpu_ms = 12;
	o.wall_ms = 34;
	o.memory_peak_kb = 5678;
	j = sbx_result_json(&o, NULL);
	sbx_outcome_free(&o);
	return j;
}

int main(void)
{
	static const char *const keys[] = {
		"status", "exit_code", "signal", "stdout", "stderr", "stdout_truncated",
		"stderr_truncated", "compile_output", "cpu_ms", "wall_ms", "memory_peak_kb",
	};
	json_t *j;
	char *b64, *dump;

	plan(34);
	ok(sbx_utf8_valid("plain ascii", 11), "ascii is UTF-8");
	ok(sbx_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14), "2, 3, 4 byte sequences");
	ok(sbx_utf8_valid("a\0b", 3), "NUL is valid UTF-8");
	ok(!sbx_utf8_valid("\xff", 1), "0xff is not UTF-8");
	ok(!sbx_utf8_valid("\xc0\xaf", 2), "overlong '/' refused");
	ok(!sbx_utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!sbx_utf8_valid("\xf4\x90\x80\x80", 4), "past U+10FFFF refused");
	ok(!sbx_utf8_valid("\xe2\x82", 2), "truncated sequence refused");
	is_int((long long)sbx_utf8_complete("ab\xe2\x82", 4), 2, "incomplete tail dropped");
	is_int((long long)sbx_utf8_complete("ab\xe2\x82\xac", 5), 5, "complete tail kept");
	is_int((long long)sbx_utf8_complete("abc", 3), 3, "ascii kept");

	b64 = sbx_base64("", 0);
	is_str(b64, "", "base64 of nothing");
	free(b64);
	b64 = sbx_base64("f", 1);
	is_str(b64, "Zg==", "base64 'f'");
	free(b64);
	b64 = sbx_base64("foobar", 6);
	is_str(b64, "Zm9vYmFy", "base64 'foobar'");
	free(b64);
	b64 = sbx_base64("\0\xff\xfe", 3);
	is_str(b64, "AP/+", "base64 of binary bytes");
	free(b64);

	j = encode("hello\n", 6, "", 0, false);
	{
		bool all = true;

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			all &= json_object_get(j, keys[i]) != NULL;
		ok(all, "every documented key is present");
	}
	is_str(json_string_value(json_object_get(j, "status")), "ok", "status ok");
	is_str(json_string_value(json_object_get(j, "stdout")), "hello\n", "stdout as text");
	is_str(json_string_value(json_object_get(j, "stdout_encoding")), "utf-8", "utf-8 encoding");
	ok(json_is_null(json_object_get(j, "signal")), "signal null");
	ok(json_is_null(json_object_get(j, "compile_output")), "compile_output null");
	is_int(json_integer_value(json_object_get(j, "memory_peak_kb")), 5678, "memory_peak_kb");
	json_decref(j);

	/* NUL bytes stay text, escaped; invalid UTF-8 turns the stream into base64 */
	j = encode("a\0b", 3, "\xff\xfe" "x", 3, false);
	dump = json_dumps(j, JSON_COMPACT);
	ok(dump && strstr(dump, "\"a\\u0000b\""), "NUL escaped as \\u0000 (%s)", dump ? dump : "");
	free(dump);
	is_int((long long)json_string_length(json_object_get(j, "stdout")), 3, "NUL kept in the string");
	is_str(json_string_value(json_object_get(j, "stderr_encoding")), "base64", "binary -> base64");
	is_str(json_string_value(json_object_get(j, "stderr")), "//54", "base64 of the exact bytes");
	json_decref(j);

	/* cut inside a character at the output limit: still text */
	j = encode("ab\xe2\x82", 4, "", 0, true);
	is_str(json_string_value(json_object_get(j, "stdout_encoding")), "utf-8",
	       "truncated mid-character stays utf-8");
	is_str(json_string_value(json_object_get(j, "stdout")), "ab", "partial character dropped");
	ok(json_is_true(json_object_get(j, "stdout_truncated")), "truncation flagged");
	json_decref(j);

	/* a fake result printed by the program is just text inside "stdout" */
	j = encode("{\"status\":\"ok\"}", 15, "", 0, false);
	is_str(json_string_value(json_object_get(j, "stdout")), "{\"status\":\"ok\"}",
	       "program output is never interpreted");
	json_decref(j);

	{
		struct sbx_outcome o;

		memset(&o, 0, sizeof(o));
		o.status = SBX_STATUS_TIMEOUT;
		o.exit_code = -1;
		o.signal = 9;
		j = sbx_result_json(&o, NULL);
		is_str(json_string_value(json_object_get(j, "signal")), "SIGKILL", "signal name");
		ok(json_is_null(json_object_get(j, "exit_code")), "no exit code when signalled");
		is_str(json_string_value(json_object_get(j, "status")), "timeout", "status timeout");
		json_decref(j);
	}
	{
		struct sbx_buf b;

		sbx_buf_init(&b, 4);
		ok(sbx_buf_append(&b, "abcdef", 6) == 1 && b.len == 4 && b.truncated &&
		   !strcmp(b.data, "abcd"), "buffer keeps the cap and flags truncation");
		sbx_buf_free(&b);
	}
	return done_testing();
}
