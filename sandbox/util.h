/*
 * util.h - small file helpers shared by the sandbox modules.
 */
#ifndef SBX_UTIL_H
#define SBX_UTIL_H

#include <stddef.h>
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

/* Monotonic clock in nanoseconds. */
unsigned long long sbx_now_ns(void);

/* Reads a whole file (or stdin for "-") of at most `max` bytes into a malloc'd buffer
 * (NUL-terminated). NULL with *why on error. */
char *sbx_slurp(const char *path, size_t max, size_t *len, const char **why);

#endif
