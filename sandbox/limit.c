/*
 * limit.c - defaults, bounds and text parsing of cell limits.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limit.h"

#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

void sbx_limits_default(struct sbx_limits *l)
{
	l->cpu_ms = 5000;
	l->wall_ms = 10000;
	l->memory = 256 * MiB;
	l->pids = 64;
	l->output = 1 * MiB;
	l->disk = 64 * MiB;
	l->inodes = 4096;
	l->fsize = 16 * MiB;
	l->stack = 8 * MiB;
	l->nofile = 256;
	l->cpus = 1;
}

/*
 * Parses the leading decimal number of s (digits, optionally '.' and more digits) as a
 * fixed-point value scaled by 10^6, so "1.5" gives 1500000. Returns the position after
 * the number, or NULL when there is no number or it is too large.
 */
static const char *parse_fixed6(const char *s, uint64_t *micro)
{
	uint64_t whole = 0, frac = 0, scale = 100000;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return NULL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX / 10 - 9) / 1000000)
			return NULL;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		for (; isdigit((unsigned char)*p); p++) {
			frac += (uint64_t)(*p - '0') * scale;
			scale /= 10;	/* digits past the sixth are dropped */
		}
	}
	*micro = whole * 1000000 + frac;
	return p;
}

int sbx_parse_size(const char *s, uint64_t *out)
{
	uint64_t micro, mult = 1;
	const char *p;

	if (!s || !(p = parse_fixed6(s, &micro)))
		return -EINVAL;
	switch (toupper((unsigned char)*p)) {
	case 'K': mult = KiB; p++; break;
	case 'M': mult = MiB; p++; break;
	case 'G': mult = GiB; p++; break;
	default: break;
	}
	if (mult > 1 && strcasecmp(p, "iB") == 0)
		p += 2;
	else if (toupper((unsigned char)*p) == 'B')
		p++;
	if (*p != '\0')
		return -EINVAL;
	/* micro * mult / 10^6 without overflow: sizes up to 1 TiB are plenty. */
	if (micro / 1000000 > (1ULL << 40) / mult)
		return -EINVAL;
	*out = (micro / 1000000) * mult + (micro % 1000000) * mult / 1000000;
	return 0;
}

int sbx_parse_seconds(const char *s, uint64_t *out)
{
	uint64_t micro;
	const char *p;

	if (!s || !(p = parse_fixed6(s, &micro)) || *p != '\0')
		return -EINVAL;
	if (micro > 1000000ULL * 86400 * 365)
		return -EINVAL;
	*out = (micro + 999) / 1000;
	return 0;
}

int sbx_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

bool sbx_limits_valid(const struct sbx_limits *l, const char **why)
{
	static const struct {
		const char *name;
		size_t off;
		bool wide;
		uint64_t min, max;
	} bounds[] = {
#define B(f, w, lo, hi) { #f, offsetof(struct sbx_limits, f), w, lo, hi }
		B(cpu_ms, true, 1, 3600 * 1000ULL),
		B(wall_ms, true, 1, 24 * 3600 * 1000ULL),
		B(memory, true, 8 * MiB, 1024 * GiB),
		B(pids, false, 1, 32768),
		B(output, true, 0, 64 * MiB),
		B(disk, true, 64 * KiB, 64 * GiB),
		B(inodes, false, 16, 1 << 24),
		B(fsize, true, 0, 64 * GiB),
		B(stack, true, 64 * KiB, 1 * GiB),
		B(nofile, false, 16, 1 << 16),
		B(cpus, false, 1, 1024),
#undef B
	};
	static char msg[128];

	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		const char *p = (const char *)l + bounds[i].off;
		uint64_t v;

		if (bounds[i].wide)
			memcpy(&v, p, sizeof(uint64_t));
		else {
			uint32_t v32;
			memcpy(&v32, p, sizeof(v32));
			v = v32;
		}
		if (v < bounds[i].min || v > bounds[i].max) {
			snprintf(msg, sizeof(msg), "limit %s=%llu is outside [%llu, %llu]",
				 bounds[i].name, (unsigned long long)v,
				 (unsigned long long)bounds[i].min,
				 (unsigned long long)bounds[i].max);
			*why = msg;
			return false;
		}
	}
	return true;
}
