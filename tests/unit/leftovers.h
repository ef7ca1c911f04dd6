/*
 * leftovers.h - what a test's cells may have left on the host: processes running as
 * one of its cell uids, cgroups under its own cgroup parent (cgroup v1 hierarchies).
 */
#ifndef LEFTOVERS_H
#define LEFTOVERS_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const leftover_ctl[] = { "memory", "pids", "cpu", "cpuacct" };

/* Processes on the host whose uid is in [base, base + count). */
static inline int leftover_processes(unsigned base, unsigned count)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%s", e->d_name);
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && stat(path, &st) == 0 &&
		    st.st_uid >= base && st.st_uid < base + count)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* cell-* groups under <controller>/<parent>, all controllers together. */
static inline int leftover_groups(const char *parent)
{
	int n = 0;

	for (int i = 0; i < 4; i++) {
		char path[256];
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", leftover_ctl[i], parent);
		if (!(d = opendir(path)))
			continue;
		while ((e = readdir(d)))
			n += !strncmp(e->d_name, "cell-", 5);
		closedir(d);
	}
	return n;
}

/* Removes the (empty) parent groups a test created. */
static inline void remove_parent_groups(const char *parent)
{
	for (int i = 0; i < 4; i++) {
		char path[256];

		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", leftover_ctl[i], parent);
		rmdir(path);
	}
}

#endif
