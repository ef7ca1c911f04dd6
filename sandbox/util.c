/*
 * util.c - small file helpers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int sbx_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int sbx_write_fileat(int dirfd, const char *name, const char *s)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc;

	if (fd < 0)
		return -errno;
	rc = sbx_write_all(fd, s, strlen(s));
	/* cgroup files report some errors only at close */
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int sbx_write_file(const char *path, const char *s)
{
	return sbx_write_fileat(AT_FDCWD, path, s);
}

ssize_t sbx_read_fileat(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		ssize_t r = read(fd, buf + len, size - 1 - len);

		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

ssize_t sbx_read_file(const char *path, char *buf, size_t size)
{
	return sbx_read_fileat(AT_FDCWD, path, buf, size);
}

unsigned long long sbx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* Reads a whole file (or stdin for "-") of at most `max` bytes into a malloc'd buffer. */
char *sbx_slurp(const char *path, size_t max, size_t *len, const char **why)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t n = 0, alloc = 65536;
	char *buf;

	if (fd < 0) {
		*why = strerror(errno);
		return NULL;
	}
	buf = malloc(alloc);
	while (buf) {
		ssize_t r;

		if (n == alloc) {
			char *nb;

			if (alloc > max) {
				free(buf);
				buf = NULL;
				*why = "too large";
				break;
			}
			nb = realloc(buf, alloc * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			alloc *= 2;
		}
		r = read(fd, buf + n, alloc - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = strerror(errno);
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0) {
			if (n > max) {
				*why = "too large";
				free(buf);
				buf = NULL;
			}
			break;
		}
		n += (size_t)r;
	}
	if (!buf && !*why)
		*why = "out of memory";
	if (fd > 0)
		close(fd);
	*len = n;
	return buf;
}

int sbx_sealed_memfd(const char *data, size_t len, const char **why)
{
	int fd = memfd_create("stdin", MFD_CLOEXEC | MFD_ALLOW_SEALING), rc;

	if (fd < 0) {
		*why = "memfd_create";
		return -errno;
	}
	if ((rc = sbx_write_all(fd, data, len)) < 0) {
		*why = "cannot write the program's input";
		close(fd);
		return rc;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		rc = -errno;
		*why = "cannot seal the program's input";
		close(fd);
		return rc;
	}
	return fd;
}

void sbx_deadline(clockid_t clock, uint64_t ms, struct timespec *ts)
{
	clock_gettime(clock, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}
