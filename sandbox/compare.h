/*
 * compare.h - judging a program's output against the expected output.
 *
 * Four modes, chosen per submission:
 *   exact                 byte for byte;
 *   trailing_whitespace   (the default, as Judge0) each line compared without its
 *                         trailing spaces, tabs and carriage return, and blank lines
 *                         at the very end ignored on both sides;
 *   tokens                the outputs split on whitespace (space, \t, \n, \r, \v, \f)
 *                         into words, compared word by word;
 *   float                 as tokens, but two words that both read as finite decimal
 *                         numbers are equal when |out - exp| <= abs_tol or
 *                         |out - exp| <= rel_tol * |exp|; any other word compares
 *                         exactly.
 * Comparison never allocates in proportion to the input and works on bytes: NUL and
 * invalid UTF-8 are ordinary bytes.
 */
#ifndef SBX_COMPARE_H
#define SBX_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

enum sbx_cmp_mode {
	SBX_CMP_TRAILING_WS,
	SBX_CMP_EXACT,
	SBX_CMP_TOKENS,
	SBX_CMP_FLOAT,
};

struct sbx_compare {
	enum sbx_cmp_mode mode;
	double abs_tol, rel_tol;	/* float only; each >= 0 (default 1e-6 both) */
};

/* The mode of a wire name ("exact", "trailing_whitespace", "tokens", "float").
 * Returns 0, or -1 for an unknown name (*m unchanged). */
int sbx_compare_mode(const char *name, enum sbx_cmp_mode *m);

/* The wire name of a mode. */
const char *sbx_compare_name(enum sbx_cmp_mode m);

/* Whether out[0..outlen) matches exp[0..explen) under c. */
bool sbx_compare(const struct sbx_compare *c, const char *out, size_t outlen,
		 const char *exp, size_t explen);

#endif
