/*
 * Unit tests (fcgi): the judge APIs' parsers that need no server. Base64 as Judge0 clients
 * send it (line breaks, URL-safe letters, missing padding) and what is refused;
 * Judge0's command_line_arguments split as a shell splits words; Judge0's decimal
 * seconds; Piston's version matching and lossy text; the verdict order. Includes the
 * modules to reach their statics.
 */
#include "../../fcgi/api_judge0.c"
#include "../../fcgi/api_piston.c"
#include "tap.h"

static bool decodes(const char *in, const char *want, size_t want_len)
{
	size_t n = 0;
	char *out = api_judge_b64_decode(in, strlen(in), &n);
	bool good = out && n == want_len && !memcmp(out, want, n) && out[n] == '\0';

	if (!good)
		printf("#   %s -> %s (%zu bytes)\n", in, out ? "bytes" : "NULL", n);
	free(out);
	return good;
}

static bool refused(const char *in)
{
	size_t n;
	char *out = api_judge_b64_decode(in, strlen(in), &n);

	free(out);
	return !out;
}

static void test_base64(void)
{
	size_t n = 0;
	char *s = api_judge_b64_encode("\xff\xfe\x01", 3, &n);

	ok(s && !strcmp(s, "//4B") && n == 4, "encode: 3 bytes, 4 characters, no line break");
	free(s);
	s = api_judge_b64_encode("", 0, &n);
	ok(s && !*s && n == 0, "encode: nothing is \"\"");
	free(s);
	ok(decodes("aGVsbG8=", "hello", 5), "decode: padded");
	ok(decodes("aGVsbG8", "hello", 5), "decode: padding missing");
	ok(decodes("aGVs\nbG8=\n", "hello", 5) && decodes(" aG Vs\r\nbG8 = ", "hello", 5),
	   "decode: line breaks and blanks anywhere (Ruby's encode64 breaks lines)");
	ok(decodes("__4B", "\xff\xfe\x01", 3) && decodes("--4B", "\xfb\xee\x01", 3),
	   "decode: the URL-safe alphabet");
	ok(decodes("", "", 0), "decode: \"\" is no bytes");
	ok(decodes("AA==", "\0", 1), "decode: a NUL byte");
	ok(refused("aGVs!G8=") && refused("a") && refused("aGVsbG8===") && refused("aG=Vs"),
	   "refused: a stray character, a lone sextet, three '=', '=' inside");
}

static bool splits(const char *in, const char *const *want)
{
	const char *why = NULL;
	json_t *w = split_args(in, &why);
	size_t i = 0;
	bool good = w != NULL;

	for (; good && want[i]; i++)
		good = i < json_array_size(w) &&
		       !strcmp(json_string_value(json_array_get(w, i)), want[i]);
	good = good && json_array_size(w) == i;
	if (!good)
		printf("#   %s: %s\n", in, w ? json_dumps(w, 0) : why);
	json_decref(w);
	return good;
}

static void test_split(void)
{
	const char *why = NULL;
	char many[200] = "";

	ok(splits("a b\tc", (const char *[]){ "a", "b", "c", NULL }), "words on blanks");
	ok(splits("  ", (const char *[]){ NULL }), "blanks alone: no argument");
	ok(splits("'two words' \"x \\\" y\" a\\ b", (const char *[]){ "two words", "x \" y", "a b",
								      NULL }),
	   "single quotes, double quotes with \\\", a backslash-escaped blank");
	ok(splits("'$HOME' \"*\" ''", (const char *[]){ "$HOME", "*", "", NULL }),
	   "no expansion, and '' is an empty argument");
	ok(splits("pre'mid'post", (const char *[]){ "premidpost", NULL }), "quotes inside a word");
	ok(!split_args("'open", &why) && !strcmp(why, "has an unterminated quote") &&
	   !split_args("\"open", &why), "an unterminated quote is refused");
	for (int i = 0; i < 65; i++)
		strcat(many, "x ");
	ok(!split_args(many, &why) && strstr(why, "64"), "more than 64 arguments are refused");
}

static bool secs(int64_t ms, const char *want)
{
	json_t *v = seconds(ms);
	bool good = json_is_string(v) && !strcmp(json_string_value(v), want);

	if (!good)
		printf("#   %lld ms -> %s\n", (long long)ms, json_string_value(v));
	json_decref(v);
	return good;
}

static void test_seconds(void)
{
	ok(secs(2, "0.002") && secs(2000, "2.0") && secs(1500, "1.5") && secs(0, "0.0") &&
	   secs(12345, "12.345"), "Judge0's decimals: 0.002, 2.0, 1.5, 0.0, 12.345");
	ok(json_is_null(seconds(-1)), "no measure: null");
}

static void test_piston(void)
{
	json_t *v;

	ok(version_matches("3.11.2", "*") && version_matches("3.11.2", "3.11.2") &&
	   version_matches("3.11.2", "3") && version_matches("3.11.2", "3.11") &&
	   version_matches("3.11.2", "3.x") && version_matches("3.11.2", "3.11.*"),
	   "versions: *, exact, whole-component prefixes, .x");
	ok(!version_matches("3.11.2", "3.1") && !version_matches("3.11.2", "2") &&
	   !version_matches("3.11.2", "") && !version_matches("3.11.2", "3.11.2.1"),
	   "versions: a part of a component, another major, nothing, longer: no match");
	v = lossy("a\xff" "b\xc3\xa9", 5);
	ok(json_is_string(v) && !strcmp(json_string_value(v), "a\xef\xbf\xbd" "b\xc3\xa9"),
	   "lossy text: a bad byte becomes U+FFFD, good sequences stay");
	json_decref(v);
}

static void test_severity(void)
{
	ok(api_judge_severity("accepted") == 0 &&
	   api_judge_severity("wrong_answer") < api_judge_severity("runtime_error") &&
	   api_judge_severity("runtime_error") < api_judge_severity("output_limit") &&
	   api_judge_severity("output_limit") < api_judge_severity("memory_limit") &&
	   api_judge_severity("memory_limit") < api_judge_severity("time_limit") &&
	   api_judge_severity("time_limit") < api_judge_severity("compilation_error") &&
	   api_judge_severity("compilation_error") < api_judge_severity("internal_error") &&
	   api_judge_severity("bogus") == -1 && api_judge_severity(NULL) == -1,
	   "verdicts in the keeper's order of severity");
	ok(signal_status(11) == 7 && signal_status(25) == 8 && signal_status(8) == 9 &&
	   signal_status(6) == 10 && signal_status(9) == 12,
	   "Judge0's statuses of signals: SEGV 7, XFSZ 8, FPE 9, ABRT 10, others 12");
	ok(!strcmp(field_of("limits.cpu_ms: at most 5000"), "cpu_time_limit") &&
	   !strcmp(field_of("tests[0].stdin: not base64"), "stdin") &&
	   !strcmp(field_of("who knows"), "base"), "keeper messages name Judge0's fields");
}

int main(void)
{
	plan(24);
	test_base64();
	test_split();
	test_seconds();
	test_piston();
	test_severity();
	return done_testing();
}
