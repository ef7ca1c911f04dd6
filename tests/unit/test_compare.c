/* Unit tests: output comparison in each mode, names, tolerances, large inputs. */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "tap.h"

/* A literal with its length, NULs inside included. */
#define L(s) (s), (sizeof(s) - 1)

static struct sbx_compare mode(enum sbx_cmp_mode m)
{
	struct sbx_compare c = { m, 1e-6, 1e-6 };

	return c;
}

static struct sbx_compare tol(double abs_tol, double rel_tol)
{
	struct sbx_compare c = { SBX_CMP_FLOAT, abs_tol, rel_tol };

	return c;
}

/* One comparison that must come out as want; the name shows both sides. */
static void check(struct sbx_compare c, const char *out, size_t outlen, const char *exp,
		  size_t explen, bool want, const char *what)
{
	ok(sbx_compare(&c, out, outlen, exp, explen) == want, "%s: %s %s",
	   sbx_compare_name(c.mode), what, want ? "matches" : "differs");
}

static void names(void)
{
	static const char *const all[] = { "exact", "trailing_whitespace", "tokens", "float" };
	enum sbx_cmp_mode m;
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		m = (enum sbx_cmp_mode)99;
		ok(sbx_compare_mode(all[i], &m) == 0 && !strcmp(sbx_compare_name(m), all[i]),
		   "name '%s' round-trips", all[i]);
	}
	m = SBX_CMP_FLOAT;
	ok(sbx_compare_mode("Exact", &m) == -1 && m == SBX_CMP_FLOAT,
	   "name 'Exact' refused (case counts), mode untouched");
	ok(sbx_compare_mode("", &m) == -1 && sbx_compare_mode("trailing", &m) == -1 &&
	   sbx_compare_mode("floats", &m) == -1 && m == SBX_CMP_FLOAT,
	   "names '', 'trailing', 'floats' refused");
	ok(SBX_CMP_TRAILING_WS == 0, "trailing_whitespace is the zero value (the default)");
}

static void exact(void)
{
	struct sbx_compare c = mode(SBX_CMP_EXACT);

	check(c, L("3\n"), L("3\n"), true, "equal");
	check(c, L("3\n"), L("4\n"), false, "wrong answer");
	check(c, NULL, 0, L(""), true, "empty vs empty (one NULL)");
	check(c, L(""), L("\n"), false, "empty vs newline");
	check(c, L("3\n"), L("3"), false, "missing final newline");
	check(c, L("3\r\n"), L("3\n"), false, "CRLF vs LF");
	check(c, L("3 \n"), L("3\n"), false, "trailing space");
	check(c, L("a\0b"), L("a\0b"), true, "embedded NUL, same");
	check(c, L("a\0b"), L("a\0c"), false, "embedded NUL, differs after it");
	check(c, L("a\0"), L("a"), false, "trailing NUL counts");
	check(c, L("\xff\xfe"), L("\xff\xfe"), true, "invalid UTF-8 bytes");
}

static void trailing(void)
{
	struct sbx_compare c = mode(SBX_CMP_TRAILING_WS);

	check(c, L("3\n"), L("3\n"), true, "equal");
	check(c, L("3\n"), L("4\n"), false, "wrong answer");
	check(c, L(""), L(""), true, "empty vs empty");
	check(c, L(""), L("\n"), true, "empty vs newline");
	check(c, L("\n\n \t\n"), NULL, 0, true, "blank lines vs nothing");
	check(c, L(""), L("0"), false, "empty vs '0'");
	check(c, L("3"), L("3\n"), true, "missing final newline");
	check(c, L("3  \r\n\n\n"), L("3"), true, "'3  \\r\\n\\n\\n' vs '3'");
	check(c, L("1\r\n2\r\n"), L("1\n2\n"), true, "CRLF vs LF");
	check(c, L("1 \t\n2\v\f\n"), L("1\n2"), true, "trailing blanks of every kind");
	check(c, L("3\n\n\n\n"), L("3\n"), true, "extra blank lines at the end");
	check(c, L("3\n\n4"), L("3\n4"), false, "blank line in the middle counts");
	check(c, L("\n3"), L("3"), false, "blank line at the start counts");
	check(c, L(" 3\n"), L("3\n"), false, "leading space counts");
	check(c, L("1 2\n"), L("1  2\n"), false, "inner spacing counts");
	check(c, L("1\n2\n"), L("1 2\n"), false, "tokens across a line break are not a line");
	check(c, L("a\r\rb"), L("a\rb"), false, "a lone CR is not a line break");
	check(c, L("a\0\n"), L("a\0"), true, "embedded NUL kept, newline dropped");
	check(c, L("a\0\n"), L("a\n"), false, "NUL is not whitespace");
	check(c, L("a\n\0"), L("a\n"), false, "NUL on a last line is content");
	check(c, L("1\n2\n3\n"), L("1\n2\n"), false, "extra line");
	check(c, L("1\n2 \n\n"), L("1\n2\n3\n"), false, "missing line");
}

static void tokens(void)
{
	struct sbx_compare c = mode(SBX_CMP_TOKENS);

	check(c, L("1 2 3\n"), L("1 2 3\n"), true, "equal");
	check(c, L("1 2 3\n"), L("1 2 4\n"), false, "wrong answer");
	check(c, L(""), L(""), true, "empty vs empty");
	check(c, L(""), L("\n"), true, "empty vs newline");
	check(c, L(" \t\r\n\v\f"), NULL, 0, true, "only whitespace vs nothing");
	check(c, L("1\n2\n3"), L("1 2 3\n"), true, "tokens across line breaks");
	check(c, L("  1\t\t2\r\n\n3   "), L("1 2 3"), true, "leading and repeated whitespace");
	check(c, L("1 2\n"), L("1 2 3\n"), false, "missing word");
	check(c, L("1 2 3 4"), L("1 2 3"), false, "extra word");
	check(c, L("12 3"), L("1 23"), false, "words split elsewhere");
	check(c, L("1e3"), L("1000"), false, "numbers compare as text");
	check(c, L("a\0b c"), L("a\0b\nc"), true, "embedded NUL inside a word");
	check(c, L("a\0b"), L("a b"), false, "NUL does not split words");
}

static void floats(void)
{
	struct sbx_compare c = mode(SBX_CMP_FLOAT);

	check(c, L("3.14159 2\n"), L("3.14159 2\n"), true, "equal");
	check(c, L("3.15\n"), L("3.14\n"), false, "wrong answer");
	check(c, L(""), L("\n"), true, "empty vs newline");
	check(c, L("0.1\n0.2"), L("0.1 0.2"), true, "tokens across line breaks");
	check(c, L("0.3333333"), L("0.33333333333"), true, "within the default 1e-6");
	check(c, L("0.333"), L("0.33333333333"), false, "outside the default 1e-6");
	check(c, L("1e3"), L("1000"), true, "'1e3' vs '1000'");
	check(c, L("1E+03"), L("1000.000"), true, "'1E+03' vs '1000.000'");
	check(c, L("-0"), L("0"), true, "'-0' vs '0'");
	check(c, L("-1"), L("1"), false, "'-1' vs '1'");
	check(c, L(".5"), L("0.5"), true, "'.5' vs '0.5'");
	check(c, L("yes 1.0000001"), L("yes 1"), true, "word then number");
	check(c, L("Yes 1"), L("yes 1"), false, "words compare exactly");
	check(c, L("1.0"), L("1.0x"), false, "number vs non-number");
	check(c, L("1e"), L("1"), false, "'1e' is not a number");
	check(c, L("0x10"), L("16"), false, "hexadecimal is not a decimal number");
	check(c, L("nan"), L("nan"), true, "'nan' vs 'nan' as text");
	check(c, L("nan"), L("NaN"), false, "'nan' vs 'NaN' as text");
	check(c, L("inf"), L("inf"), true, "'inf' vs 'inf' as text");
	check(c, L("inf"), L("infinity"), false, "'inf' vs 'infinity' as text");
	check(c, L("1e999"), L("2e999"), false, "overflowing numbers compare as text");
	check(c, L("1e999"), L("1e999"), true, "overflowing number equal as text");
	check(c, L("1e-400"), L("0"), true, "underflow reads as zero");
	check(c, L("1\0"), L("1"), false, "NUL ends no number");

	/* boundaries, with tolerances and values exact in binary */
	check(tol(0.25, 0), L("1.25"), L("1"), true, "abs 0.25: 1.25 vs 1 (on the bound)");
	check(tol(0.25, 0), L("0.75"), L("1"), true, "abs 0.25: 0.75 vs 1 (on the bound)");
	check(tol(0.25, 0), L("1.2500001"), L("1"), false, "abs 0.25: 1.2500001 vs 1");
	check(tol(0, 0.125), L("9"), L("8"), true, "rel 0.125: 9 vs 8 (on the bound)");
	check(tol(0, 0.125), L("7"), L("8"), true, "rel 0.125: 7 vs 8 (on the bound)");
	check(tol(0, 0.125), L("9.001"), L("8"), false, "rel 0.125: 9.001 vs 8");
	check(tol(0, 0.125), L("8"), L("7"), false, "rel is of the expected: 8 vs 7");
	check(tol(0, 0.125), L("-9"), L("-8"), true, "rel 0.125: -9 vs -8");
	check(tol(0, 0.125), L("1e-300"), L("0"), false, "rel of zero is zero");
	check(tol(0, 0), L("1.0000000001"), L("1"), false, "no tolerance: near is wrong");
	check(tol(0, 0), L("100e-2"), L("1"), true, "no tolerance: equal values match");
	check(tol(-1, -1), L("1e3"), L("1000"), true, "equal values match even with tol < 0");
	check(tol(-1, -1), L("-0"), L("0.0"), true, "'-0' vs '0.0' even with tol < 0");
	check(tol(0.5, 0.001), L("1000.9"), L("1000"), true, "either bound suffices (rel)");
	check(tol(0.5, 0.0001), L("1000.9"), L("1000"), false, "neither bound");
	check(tol(1e300, 0), L("1e308"), L("-1e308"), false, "difference overflows: wrong");
}

/* A word of n bytes: "1." and zeros, numerically one. */
static char *long_one(size_t n)
{
	char *s = malloc(n);

	memset(s, '0', n);
	s[0] = '1';
	s[1] = '.';
	return s;
}

static void long_words(void)
{
	struct sbx_compare c = mode(SBX_CMP_FLOAT);
	char *w400 = long_one(400), *w401 = long_one(401), *w5k = long_one(5000);

	check(c, w400, 400, L("1"), true, "400-byte '1.000...' is read as a number");
	check(c, L("1"), w400, 400, true, "400-byte '1.000...' read on the expected side");
	check(c, w401, 401, L("1"), false, "401-byte word compares as text");
	check(c, w401, 401, w401, 401, true, "401-byte word equal as text");
	check(c, w5k, 5000, w5k, 5000, true, "5000-byte word equal as text");
	w5k[4999] = '1';
	check(c, w5k, 5000, w401, 401, false, "long words differing as text");
	free(w400);
	free(w401);
	free(w5k);
}

/* lines of "i 0.5\n" for i in [0, n); crlf writes "\r\n" and trailing blanks instead */
static char *numbers(size_t n, bool crlf, size_t *len)
{
	char *s = malloc(n * 24 + 1), *p = s;
	size_t i;

	for (i = 0; i < n; i++)
		p += sprintf(p, crlf ? "%zu 0.5 \t\r\n" : "%zu 0.5\n", i);
	*len = (size_t)(p - s);
	return s;
}

static void huge(void)
{
	size_t n = 400000, alen, blen;
	char *a = numbers(n, false, &alen), *b = numbers(n, true, &blen), *c;

	ok(alen > (4 << 20), "huge input is over 4 MB (%zu bytes)", alen);
	check(mode(SBX_CMP_EXACT), a, alen, a, alen, true, "huge, same");
	check(mode(SBX_CMP_EXACT), a, alen, b, blen, false, "huge, CRLF");
	check(mode(SBX_CMP_TRAILING_WS), a, alen, b, blen, true, "huge, CRLF and blanks");
	check(mode(SBX_CMP_TOKENS), a, alen, b, blen, true, "huge, CRLF and blanks");
	check(mode(SBX_CMP_FLOAT), a, alen, b, blen, true, "huge, CRLF and blanks");

	c = malloc(alen);
	memcpy(c, a, alen);
	c[alen - 2] = '6';	/* the last 0.5 becomes 0.6 */
	check(mode(SBX_CMP_TRAILING_WS), c, alen, b, blen, false, "huge, last line differs");
	check(mode(SBX_CMP_TOKENS), c, alen, b, blen, false, "huge, last word differs");
	check(mode(SBX_CMP_FLOAT), c, alen, b, blen, false, "huge, last number off by 0.1");
	check(tol(0.2, 0), c, alen, b, blen, true, "huge, last number within 0.2");
	check(mode(SBX_CMP_TRAILING_WS), a, alen - 1, a, alen, true, "huge, no final newline");
	check(mode(SBX_CMP_TRAILING_WS), a, alen - 2, a, alen, false, "huge, last byte cut");
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	plan(7 + 11 + 22 + 13 + 24 + 16 + 6 + 12);
	names();
	exact();
	trailing();
	tokens();
	floats();
	long_words();
	huge();
	return done_testing();
}
