/*
 * limit.h - the resource limits of one cell, and parsing them from text.
 *
 * Every limit here is enforced by the kernel (cgroup, rlimit or tmpfs size); the
 * supervisor only measures and reports. Sizes are bytes, times milliseconds.
 */
#ifndef SBX_LIMIT_H
#define SBX_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct sbx_limits {
	uint64_t cpu_ms;	/* CPU time of the whole cell (cgroup), all processes */
	uint64_t wall_ms;	/* wall-clock time from start to the last process's end */
	uint64_t memory;	/* cgroup memory limit, no swap; tmpfs pages count */
	uint32_t pids;		/* processes and threads of the program (init excluded) */
	uint64_t output;	/* bytes kept per stream (stdout, stderr) */
	uint64_t disk;		/* size of each tmpfs: /tmp, /mnt/data, /dev/shm */
	uint32_t inodes;	/* inode count of each tmpfs */
	uint64_t fsize;		/* RLIMIT_FSIZE: largest file the program may write */
	uint64_t stack;		/* RLIMIT_STACK */
	uint32_t nofile;	/* RLIMIT_NOFILE */
	uint32_t cpus;		/* CPU bandwidth, in cores (cfs quota / period) */
};

/* The safe defaults of DESIGN.md and the issue: 5 s CPU, 10 s wall, 256 MiB, 64 pids,
 * 1 MiB output per stream. */
void sbx_limits_default(struct sbx_limits *l);

/*
 * Parses "64", "64K", "1.5M", "2G" (powers of 1024, case-insensitive, optional trailing
 * "B" or "iB") into bytes. Returns 0, or -EINVAL with *out unchanged.
 */
int sbx_parse_size(const char *s, uint64_t *out);

/* Parses seconds with an optional fraction ("2", "0.5", "1.25") into milliseconds,
 * rounding up to the next millisecond. Returns 0, or -EINVAL with *out unchanged. */
int sbx_parse_seconds(const char *s, uint64_t *out);

/* Parses a whole number in [min, max]. Returns 0, or -EINVAL/-ERANGE. */
int sbx_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Checks every limit against the hard bounds a cell can honour (for example, memory of
 * at least 8 MiB, output at most 64 MiB). Returns true when all are in range; otherwise
 * false with *why naming the first one out of range.
 */
bool sbx_limits_valid(const struct sbx_limits *l, const char **why);

#endif
