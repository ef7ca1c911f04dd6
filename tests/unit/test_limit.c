/* Unit tests: size, time and number parsing; limit bounds. */
#include <errno.h>
#include <stdint.h>

#include "limit.h"
#include "tap.h"

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 12345;
	int rc = sbx_parse_size(s, &v);

	ok(rc == 0 && v == want, "size '%s' = %llu (got rc %d, %llu)", s,
	   (unsigned long long)want, rc, (unsigned long long)v);
}

static void size_bad(const char *s)
{
	uint64_t v = 777;
	int rc = sbx_parse_size(s, &v);

	ok(rc == -EINVAL && v == 777, "size '%s' refused, output untouched", s);
}

static void secs_ok(const char *s, uint64_t want_ms)
{
	uint64_t v = 0;
	int rc = sbx_parse_seconds(s, &v);

	ok(rc == 0 && v == want_ms, "seconds '%s' = %llu ms (got %llu)", s,
	   (unsigned long long)want_ms, (unsigned long long)v);
}

int main(void)
{
	struct sbx_limits l;
	const char *why = NULL;
	uint64_t n = 0;

	plan(39);
	size_ok("0", 0);
	size_ok("4096", 4096);
	size_ok("1K", 1024);
	size_ok("1k", 1024);
	size_ok("64M", 64ULL << 20);
	size_ok("2G", 2ULL << 30);
	size_ok("1.5M", 3ULL << 19);
	size_ok("0.5K", 512);
	size_ok("10MiB", 10ULL << 20);
	size_ok("10MB", 10ULL << 20);
	size_ok("100B", 100);
	size_bad("");
	size_bad("M");
	size_bad("-1M");
	size_bad("1T");
	size_bad("1.M");
	size_bad("12 M");
	size_bad("1MM");
	size_bad("99999999999999999999");
	size_bad("2000G");

	secs_ok("5", 5000);
	secs_ok("0.5", 500);
	secs_ok("1.25", 1250);
	secs_ok("0.0001", 1);	/* rounds up: a positive time is never zero */
	{
		uint64_t v = 9;
		ok(sbx_parse_seconds("1e3", &v) == -EINVAL && v == 9, "seconds '1e3' refused");
		ok(sbx_parse_seconds("-1", &v) == -EINVAL, "seconds '-1' refused");
		ok(sbx_parse_seconds(".5", &v) == -EINVAL, "seconds '.5' refused");
	}

	ok(sbx_parse_uint("64", 1, 100, &n) == 0 && n == 64, "uint 64 in [1,100]");
	ok(sbx_parse_uint("0", 1, 100, &n) == -ERANGE, "uint 0 below range");
	ok(sbx_parse_uint("101", 1, 100, &n) == -ERANGE, "uint 101 above range");
	ok(sbx_parse_uint("+5", 1, 100, &n) == -EINVAL, "uint '+5' refused");
	ok(sbx_parse_uint("5x", 1, 100, &n) == -EINVAL, "uint '5x' refused");

	sbx_limits_default(&l);
	is_int((long long)l.cpu_ms, 5000, "default CPU 5 s");
	is_int((long long)l.wall_ms, 10000, "default wall 10 s");
	is_int((long long)l.memory, 256LL << 20, "default memory 256 MiB");
	is_int(l.pids, 64, "default pids 64");
	is_int((long long)l.output, 1LL << 20, "default output 1 MiB per stream");
	ok(sbx_limits_valid(&l, &why), "defaults are valid");
	l.memory = 1 << 20;
	ok(!sbx_limits_valid(&l, &why) && why && strstr(why, "memory"),
	   "1 MiB memory refused, naming memory (%s)", why ? why : "");
	return done_testing();
}
