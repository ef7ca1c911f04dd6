/*
 * compare.c - judging a program's output against the expected output.
 *
 * Both sides are walked in place, a line or a word at a time, with two cursors; the
 * only copy is of one short word into a stack buffer for strtod(3), which wants a
 * NUL-terminated string. Nothing here allocates, and a NUL byte is just a byte.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

/*
 * The longest word the float mode reads as a number. A longer word compares as text:
 * no printed double needs more, and a bound keeps the copy on the stack.
 */
#define NUM_MAX 400

static const char *const mode_names[] = {
	[SBX_CMP_TRAILING_WS]	= "trailing_whitespace",
	[SBX_CMP_EXACT]		= "exact",
	[SBX_CMP_TOKENS]	= "tokens",
	[SBX_CMP_FLOAT]		= "float",
};

#define NMODES (sizeof(mode_names) / sizeof(mode_names[0]))

int sbx_compare_mode(const char *name, enum sbx_cmp_mode *m)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < NMODES; i++) {
		if (!strcmp(name, mode_names[i])) {
			*m = (enum sbx_cmp_mode)i;
			return 0;
		}
	}
	return -1;
}

const char *sbx_compare_name(enum sbx_cmp_mode m)
{
	if ((unsigned)m >= NMODES)
		return "unknown";
	return mode_names[m];
}

/* Blanks within a line: what trailing_whitespace drops at each line's end. */
static bool is_hspace(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Word separators of tokens and float. Not isspace(3): that follows the locale. */
static bool is_space(unsigned char c)
{
	return c == '\n' || is_hspace(c);
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/* ---- trailing_whitespace ---- */

/* The end of s once every trailing blank and newline is gone. */
static const char *rstrip(const char *s, const char *end)
{
	while (end > s && is_space((unsigned char)end[-1]))
		end--;
	return end;
}

/* The end of the line that starts at s: its '\n', or end for the last line. */
static const char *line_end(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));

	return nl ? nl : end;
}

/*
 * Stripping both sides of all trailing whitespace first drops the blank lines at the
 * very end and the last line's blanks; what is left has the same number of lines on
 * both sides exactly when they match, each compared without its own trailing blanks.
 * Leading blanks and blank lines elsewhere count.
 */
static bool cmp_lines(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *aend = rstrip(a, a + alen), *bend = rstrip(b, b + blen);
	const char *anl, *bnl, *ae, *be;

	for (;;) {
		anl = line_end(a, aend);
		bnl = line_end(b, bend);
		for (ae = anl; ae > a && is_hspace((unsigned char)ae[-1]); ae--)
			;
		for (be = bnl; be > b && is_hspace((unsigned char)be[-1]); be--)
			;
		if (!same_bytes(a, (size_t)(ae - a), b, (size_t)(be - b)))
			return false;
		if (anl == aend || bnl == bend)
			return anl == aend && bnl == bend;	/* both on their last line */
		a = anl + 1;
		b = bnl + 1;
	}
}

/* ---- tokens and float ---- */

struct words {
	const char *p, *end;
};

/* The next word of w into *s and *n; false when there is none left. */
static bool next_word(struct words *w, const char **s, size_t *n)
{
	const char *p = w->p;

	while (p < w->end && is_space((unsigned char)*p))
		p++;
	if (p == w->end) {
		w->p = p;
		return false;
	}
	*s = p;
	while (p < w->end && !is_space((unsigned char)*p))
		p++;
	*n = (size_t)(p - *s);
	w->p = p;
	return true;
}

static bool is_number_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' ||
	       c == 'E';
}

/*
 * Whether s[0..n) reads in full as a finite decimal number, into *v. Only digits,
 * signs, '.' and exponents may appear: that keeps out what strtod(3) would also take,
 * "inf", "nan" and hexadecimal, which compare as text. A number that overflows a
 * double is not finite and compares as text too.
 */
static bool read_number(const char *s, size_t n, double *v)
{
	char buf[NUM_MAX + 1], *end;
	size_t i;

	if (n > NUM_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (!is_number_char((unsigned char)s[i]))
			return false;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, &end);
	return end == buf + n && n > 0 && isfinite(*v);
}

/*
 * Two words of the float mode. Equal values ("1e3" and "1000", "-0" and "0") match
 * whatever the tolerances; the relative tolerance scales with the expected value, so
 * the test is not symmetric.
 */
static bool same_float_word(const struct sbx_compare *c, const char *o, size_t on,
			    const char *e, size_t en)
{
	double ov, ev, d;

	if (same_bytes(o, on, e, en))
		return true;
	if (!read_number(o, on, &ov) || !read_number(e, en, &ev))
		return false;
	if (ov == ev)
		return true;
	d = fabs(ov - ev);
	return d <= c->abs_tol || d <= c->rel_tol * fabs(ev);
}

static bool cmp_words(const struct sbx_compare *c, const char *a, size_t alen,
		      const char *b, size_t blen)
{
	struct words wa = { a, a + alen }, wb = { b, b + blen };
	const char *sa, *sb;
	size_t na, nb;
	bool more_a, more_b;

	for (;;) {
		more_a = next_word(&wa, &sa, &na);
		more_b = next_word(&wb, &sb, &nb);
		if (!more_a || !more_b)
			return more_a == more_b;
		if (c->mode == SBX_CMP_FLOAT) {
			if (!same_float_word(c, sa, na, sb, nb))
				return false;
		} else if (!same_bytes(sa, na, sb, nb)) {
			return false;
		}
	}
}

bool sbx_compare(const struct sbx_compare *c, const char *out, size_t outlen,
		 const char *exp, size_t explen)
{
	/* an empty side may come as NULL; memchr and memcmp want a pointer */
	if (!outlen)
		out = "";
	if (!explen)
		exp = "";

	switch (c->mode) {
	case SBX_CMP_EXACT:
		return same_bytes(out, outlen, exp, explen);
	case SBX_CMP_TRAILING_WS:
		return cmp_lines(out, outlen, exp, explen);
	case SBX_CMP_TOKENS:
	case SBX_CMP_FLOAT:
		return cmp_words(c, out, outlen, exp, explen);
	}
	return false;	/* not a mode: never a match */
}
