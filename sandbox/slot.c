/*
 * slot.c - host uid slots held by flock(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limit.h"
#include "slot.h"

int sbx_site_from_env(struct sbx_site *site, const char **why)
{
	const char *v;
	uint64_t n;

	site->state_dir = "/run/stockade";
	site->cgroup_parent = "stockade";
	site->cgroup_root = "/sys/fs/cgroup";
	site->uid_base = 900000;
	site->uid_count = 4096;
	site->cgroup_need = 0xf;	/* SBX_CTL_ALL: memory, pids, cpu, cpu accounting */

	if ((v = getenv("STOCKADE_STATE_DIR")) && *v)
		site->state_dir = v;
	if ((v = getenv("STOCKADE_CGROUP_ROOT")) && *v)
		site->cgroup_root = v;
	if ((v = getenv("STOCKADE_CGROUP_PARENT")) && *v) {
		if (v[0] == '/' || strstr(v, "..")) {
			*why = "STOCKADE_CGROUP_PARENT must be a relative path without '..'";
			return -EINVAL;
		}
		site->cgroup_parent = v;
	}
	if ((v = getenv("STOCKADE_UID_BASE"))) {
		/* at least 1000 keeps clear of system accounts; the range must fit in uid_t */
		if (sbx_parse_uint(v, 1000, 4000000000U, &n) < 0) {
			*why = "STOCKADE_UID_BASE must be a number in [1000, 4000000000]";
			return -EINVAL;
		}
		site->uid_base = (unsigned)n;
	}
	if ((v = getenv("STOCKADE_UID_COUNT"))) {
		if (sbx_parse_uint(v, 1, 65536, &n) < 0) {
			*why = "STOCKADE_UID_COUNT must be a number in [1, 65536]";
			return -EINVAL;
		}
		site->uid_count = (unsigned)n;
	}
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int sbx_slot_acquire(const struct sbx_site *site, struct sbx_slot *s, const char **why)
{
	char dir[4096];
	int dfd, rc;
	unsigned start;

	s->lock_fd = -1;
	if (snprintf(dir, sizeof(dir), "%s/slots", site->state_dir) >= (int)sizeof(dir)) {
		*why = "state directory path too long";
		return -ENAMETOOLONG;
	}
	if ((rc = mkdir_p(dir, 0700)) < 0) {
		*why = "cannot create the slot directory under the state directory";
		return rc;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0) {
		*why = "cannot open the slot directory";
		return -errno;
	}
	/* Start at a pid-dependent place so concurrent runs rarely contend for a lock. */
	start = (unsigned)getpid() % site->uid_count;
	for (unsigned i = 0; i < site->uid_count; i++) {
		unsigned n = (start + i) % site->uid_count;
		char name[16];
		int fd;

		snprintf(name, sizeof(name), "%u", n);
		fd = openat(dfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			rc = -errno;
			close(dfd);
			*why = "cannot create a slot lock file";
			return rc;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			close(dfd);
			s->lock_fd = fd;
			s->index = n;
			s->uid = (uid_t)(site->uid_base + n);
			s->gid = (gid_t)(site->uid_base + n);
			return 0;
		}
		close(fd);
	}
	close(dfd);
	*why = "every sandbox uid slot is in use";
	return -EAGAIN;
}

int sbx_slot_try(const struct sbx_site *site, unsigned n, struct sbx_slot *s)
{
	char path[4096];
	int fd;

	s->lock_fd = -1;
	if (n >= site->uid_count)
		return -ERANGE;
	snprintf(path, sizeof(path), "%s/slots/%u", site->state_dir, n);
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	s->lock_fd = fd;
	s->index = n;
	s->uid = (uid_t)(site->uid_base + n);
	s->gid = (gid_t)(site->uid_base + n);
	return 0;
}

void sbx_slot_release(struct sbx_slot *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}
