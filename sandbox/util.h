/*
 * util.h - small file helpers shared by the sandbox modules.
 */
#ifndef SBX_UTIL_H
#define SBX_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

/* Writes the whole string s to an existing file (a cgroup or /proc control file).
 * Returns 0 or -errno. */
int sbx_write_file(const char *path, const char *s);

/* Like sbx_write_file, relative to the directory dirfd. */
int sbx_write_fileat(int dirfd, const char *name, const char *s);

/* Reads at most size-1 bytes of a file into buf, NUL-terminated. Returns the length
 * read or -errno. */
ssize_t sbx_read_file(const char *path, char *buf, size_t size);
ssize_t sbx_read_fileat(int dirfd, const char *name, char *buf, size_t size);

/* Writes all n bytes to fd, retrying on EINTR and short writes. Returns 0 or -errno. */
int sbx_write_all(int fd, const void *p, size_t n);

/* A program's stdin: a sealed memfd holding data[0..len), at offset 0, close-on-exec.
 * The program can read and seek it, never change it (not even reopened for writing),
 * and sees nothing of the host's file system. Returns the fd, or -errno with *why. */
int sbx_sealed_memfd(const char *data, size_t len, const char **why);

/* Now plus ms on that clock: the deadline of a pthread timed wait (a condition
 * variable's clock, CLOCK_REALTIME for a mutex). */
void sbx_deadline(clockid_t clock, uint64_t ms, struct timespec *ts);

/* Monotonic clock in nanoseconds. */
unsigned long long sbx_now_ns(void);

/* Reads a whole file (or stdin for "-") of at most `max` bytes into a malloc'd buffer
 * (NUL-terminated). NULL with *why on error. */
char *sbx_slurp(const char *path, size_t max, size_t *len, const char **why);

#endif
