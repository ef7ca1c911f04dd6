/*
 * tap.h - a minimal Test Anything Protocol producer for the C unit tests.
 *
 *   plan(3); ok(x == 1, "x is one"); is_int(f(), 2, "f"); return done_testing();
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void plan(int n)
{
	printf("1..%d\n", n);
}

static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline int is_int(long long got, long long want, const char *what)
{
	if (!ok(got == want, "%s", what))
		printf("#   got %lld, want %lld\n", got, want);
	return got == want;
}

static inline int is_str(const char *got, const char *want, const char *what)
{
	int same = got && want && !strcmp(got, want);

	if (!ok(same, "%s", what))
		printf("#   got '%s', want '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return same;
}

static inline int done_testing(void)
{
	return tap_failed ? 1 : 0;
}

#endif
