/*
 * cgroup.c - cell control groups on cgroup v1 and v2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "util.h"

static const struct {
	const char *name;
	unsigned bit;
} v1_controllers[] = {
	{ "memory", SBX_CTL_MEMORY },
	{ "pids", SBX_CTL_PIDS },
	{ "cpu", SBX_CTL_CPU },
	{ "cpuacct", SBX_CTL_CPUACCT },
};

const char *sbx_cg_ctl_names(unsigned ctl, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
		if (!(ctl & v1_controllers[i].bit))
			continue;
		len += (size_t)snprintf(buf + len, size > len ? size - len : 0, "%s%s",
					len ? " " : "", v1_controllers[i].name);
	}
	return buf;
}

static long fs_type(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return 0;
	return (long)sf.f_type;
}

static int detect_v2(const char *root, struct sbx_cg_sys *sys)
{
	char ctl[512], *tok, *save = NULL;
	ssize_t n;

	sys->version = SBX_CG_V2;
	sys->nhier = 1;
	snprintf(sys->hier[0].path, sizeof(sys->hier[0].path), "%s", root);
	/* cpu.stat with usage_usec exists in every v2 group, controller or not */
	sys->hier[0].ctl = SBX_CTL_CPUACCT;
	snprintf(ctl, sizeof(ctl), "%s/cgroup.controllers", root);
	n = sbx_read_file(ctl, ctl, sizeof(ctl));
	if (n < 0)
		return (int)n;
	for (tok = strtok_r(ctl, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (!strcmp(tok, "memory"))
			sys->hier[0].ctl |= SBX_CTL_MEMORY;
		else if (!strcmp(tok, "pids"))
			sys->hier[0].ctl |= SBX_CTL_PIDS;
		else if (!strcmp(tok, "cpu"))
			sys->hier[0].ctl |= SBX_CTL_CPU;
	}
	sys->ctl = sys->hier[0].ctl;
	return 0;
}

static void detect_v1(const char *root, struct sbx_cg_sys *sys)
{
	dev_t devs[SBX_CG_MAXHIER] = { 0 };

	sys->version = SBX_CG_V1;
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
		char path[256];
		struct stat st;
		int h;

		snprintf(path, sizeof(path), "%s/%s", root, v1_controllers[i].name);
		if (fs_type(path) != CGROUP_SUPER_MAGIC || stat(path, &st) < 0)
			continue;
		/* cpu and cpuacct are often one hierarchy (cpu,cpuacct): keep it once */
		for (h = 0; h < sys->nhier; h++)
			if (devs[h] == st.st_dev)
				break;
		if (h == sys->nhier) {
			devs[h] = st.st_dev;
			snprintf(sys->hier[h].path, sizeof(sys->hier[h].path), "%s", path);
			sys->hier[h].ctl = 0;
			sys->nhier++;
		}
		sys->hier[h].ctl |= v1_controllers[i].bit;
		sys->ctl |= v1_controllers[i].bit;
		if (v1_controllers[i].bit == SBX_CTL_MEMORY) {
			char f[300];

			snprintf(f, sizeof(f), "%s/memory.memsw.limit_in_bytes", path);
			sys->memsw = access(f, F_OK) == 0;
		}
	}
}

int sbx_cg_detect(const struct sbx_site *site, struct sbx_cg_sys *sys, const char **why)
{
	char path[300];
	int rc;

	memset(sys, 0, sizeof(*sys));
	snprintf(sys->parent, sizeof(sys->parent), "%s", site->cgroup_parent);
	if (fs_type(site->cgroup_root) == CGROUP2_SUPER_MAGIC) {
		if ((rc = detect_v2(site->cgroup_root, sys)) < 0) {
			*why = "cannot read cgroup.controllers of the cgroup v2 root";
			return rc;
		}
		return 0;
	}
	snprintf(path, sizeof(path), "%s/memory", site->cgroup_root);
	if (fs_type(path) == CGROUP_SUPER_MAGIC) {
		detect_v1(site->cgroup_root, sys);
		return 0;
	}
	/* a systemd "hybrid" host with no v1 controllers: the unified tree is all there is */
	snprintf(path, sizeof(path), "%s/unified", site->cgroup_root);
	if (fs_type(path) == CGROUP2_SUPER_MAGIC) {
		if ((rc = detect_v2(path, sys)) < 0) {
			*why = "cannot read cgroup.controllers of the cgroup v2 root";
			return rc;
		}
		return 0;
	}
	sys->version = SBX_CG_NONE;
	return 0;
}

/* Is the process (already pinned by a pidfd) in the group <parent>/<name>? */
static bool in_group(pid_t pid, const char *parent, const char *name)
{
	char path[64], buf[4096], want[300];

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	snprintf(want, sizeof(want), ":/%s/%s\n", parent, name);
	return sbx_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, want);
}

/*
 * Every process listed in <dirfd>/cgroup.procs gets SIGKILL. A pid read from the list
 * could be reused before it is signalled, so each is pinned with a pidfd first and
 * signalled only if that process is still in the group. Returns how many were listed.
 */
static int kill_listed(int dirfd, const char *parent, const char *name)
{
	char buf[8192], *p, *end;
	ssize_t n = sbx_read_fileat(dirfd, "cgroup.procs", buf, sizeof(buf));
	int count = 0;

	if (n <= 0)
		return 0;
	for (p = buf; *p; p = end) {
		long pid = strtol(p, &end, 10);
		int pfd;

		if (end == p)
			break;
		while (*end == '\n')
			end++;
		if (pid <= 0)
			continue;
		count++;
		pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		if (pfd < 0)
			continue;	/* gone already */
		if (in_group((pid_t)pid, parent, name))
			syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
		close(pfd);
	}
	return count;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Removes <parent_fd>/<name>: kills what is in it, then rmdir, retrying while the
 * kernel still says EBUSY (processes not yet reaped, or css offlining). Gives up after
 * about two seconds.
 */
static int remove_group(const struct sbx_cg_sys *sys, int parent_fd, const char *name)
{
	for (int tries = 0; tries < 200; tries++) {
		int fd;

		if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			if (sys->version == SBX_CG_V2)
				sbx_write_fileat(fd, "cgroup.kill", "1");
			kill_listed(fd, sys->parent, name);
			close(fd);
		}
		sleep_ms(tries < 20 ? 1 : 10);
	}
	return -EBUSY;
}

/* Is `word` one of the space-separated words of `list` ("cpu" is not in "cpuset")? */
static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += wl)
		if ((p == list || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\n' || !p[wl]))
			return true;
	return false;
}

static int open_parent(const struct sbx_cg_sys *sys, int h, int *out)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", sys->hier[h].path, sys->parent);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (sys->version == SBX_CG_V2) {
		/* Delegate the controllers we use to our parent's children. The root (or the
		 * group above ours) must already offer them; a missing one is reported by
		 * sbx_cg_create through sys->ctl. */
		char want[64];
		int n = 0;

		want[0] = '\0';
		if (sys->ctl & SBX_CTL_MEMORY)
			n += snprintf(want + n, sizeof(want) - (size_t)n, "+memory ");
		if (sys->ctl & SBX_CTL_PIDS)
			n += snprintf(want + n, sizeof(want) - (size_t)n, "+pids ");
		if (sys->ctl & SBX_CTL_CPU)
			n += snprintf(want + n, sizeof(want) - (size_t)n, "+cpu ");
		if (n > 0) {
			char cur[256];

			if (sbx_read_fileat(fd, "cgroup.subtree_control", cur, sizeof(cur)) < 0 ||
			    ((sys->ctl & SBX_CTL_MEMORY) && !has_word(cur, "memory")) ||
			    ((sys->ctl & SBX_CTL_PIDS) && !has_word(cur, "pids")) ||
			    ((sys->ctl & SBX_CTL_CPU) && !has_word(cur, "cpu"))) {
				int rc = sbx_write_fileat(fd, "cgroup.subtree_control", want);

				if (rc < 0) {
					close(fd);
					return rc;
				}
			}
		}
	}
	*out = fd;
	return 0;
}

static int write_u64(int dirfd, const char *file, uint64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return sbx_write_fileat(dirfd, file, s);
}

static int set_limits(const struct sbx_cg_sys *sys, int h, int fd, const struct sbx_limits *l,
		      const char **why)
{
	unsigned ctl = sys->hier[h].ctl;
	uint64_t quota = 100000ULL * l->cpus;
	int rc = 0;

	if (sys->version == SBX_CG_V1) {
		if ((ctl & SBX_CTL_MEMORY) &&
		    ((rc = write_u64(fd, "memory.limit_in_bytes", l->memory)) < 0 ||
		     (sys->memsw && (rc = write_u64(fd, "memory.memsw.limit_in_bytes", l->memory)) < 0))) {
			*why = "cannot set the memory limit";
			return rc;
		}
		if ((ctl & SBX_CTL_PIDS) && (rc = write_u64(fd, "pids.max", l->pids + 1ULL)) < 0) {
			*why = "cannot set the pids limit";
			return rc;
		}
		if ((ctl & SBX_CTL_CPU) &&
		    ((rc = write_u64(fd, "cpu.cfs_period_us", 100000)) < 0 ||
		     (rc = write_u64(fd, "cpu.cfs_quota_us", quota)) < 0)) {
			*why = "cannot set the cpu bandwidth";
			return rc;
		}
		return 0;
	}
	if (ctl & SBX_CTL_MEMORY) {
		if ((rc = write_u64(fd, "memory.max", l->memory)) < 0) {
			*why = "cannot set memory.max";
			return rc;
		}
		/* absent without swap accounting; there is then no swap to limit */
		rc = write_u64(fd, "memory.swap.max", 0);
		if (rc < 0 && rc != -ENOENT) {
			*why = "cannot set memory.swap.max";
			return rc;
		}
		/* an OOM kill takes the whole cell, as the end of a run does */
		sbx_write_fileat(fd, "memory.oom.group", "1");
	}
	if ((ctl & SBX_CTL_PIDS) && (rc = write_u64(fd, "pids.max", l->pids + 1ULL)) < 0) {
		*why = "cannot set pids.max";
		return rc;
	}
	if (ctl & SBX_CTL_CPU) {
		char s[64];

		snprintf(s, sizeof(s), "%llu 100000", (unsigned long long)quota);
		if ((rc = sbx_write_fileat(fd, "cpu.max", s)) < 0) {
			*why = "cannot set cpu.max";
			return rc;
		}
	}
	return 0;
}

int sbx_cg_create(const struct sbx_cg_sys *sys, const char *name, const struct sbx_limits *l,
		  unsigned need, struct sbx_cgroup *cg, const char **why)
{
	int h, rc;

	cg->sys = sys;
	snprintf(cg->name, sizeof(cg->name), "%s", name);
	for (h = 0; h < SBX_CG_MAXHIER; h++)
		cg->parent_fd[h] = cg->dir_fd[h] = -1;
	if (sys->version == SBX_CG_NONE) {
		*why = "no cgroup file system found";
		return -ENOTSUP;
	}
	if ((sys->ctl & need) != need) {
		static char msg[160];
		char names[64];

		snprintf(msg, sizeof(msg), "cgroup controllers missing: %s (see stockade check)",
			 sbx_cg_ctl_names(need & ~sys->ctl, names, sizeof(names)));
		*why = msg;
		return -ENOTSUP;
	}
	for (h = 0; h < sys->nhier; h++) {
		if ((rc = open_parent(sys, h, &cg->parent_fd[h])) < 0) {
			*why = "cannot create or open Stockade's parent cgroup";
			goto undo;
		}
		if (mkdirat(cg->parent_fd[h], name, 0755) < 0) {
			if (errno != EEXIST) {
				rc = -errno;
				*why = "cannot create the cell's cgroup";
				goto undo;
			}
			/* left by a crashed holder of this slot: ours to clear */
			if ((rc = remove_group(sys, cg->parent_fd[h], name)) < 0 ||
			    mkdirat(cg->parent_fd[h], name, 0755) < 0) {
				rc = rc < 0 ? rc : -errno;
				*why = "cannot replace a stale cgroup of this slot";
				goto undo;
			}
		}
		cg->dir_fd[h] = openat(cg->parent_fd[h], name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->dir_fd[h] < 0) {
			rc = -errno;
			*why = "cannot open the cell's cgroup";
			goto undo;
		}
		if ((rc = set_limits(sys, h, cg->dir_fd[h], l, why)) < 0)
			goto undo;
	}
	return 0;
undo:
	sbx_cg_destroy(cg);
	return rc;
}

int sbx_cg_set_limits(const struct sbx_cgroup *cg, const struct sbx_limits *l, const char **why)
{
	int rc;

	for (int h = 0; h < cg->sys->nhier; h++)
		if (cg->dir_fd[h] >= 0 && (rc = set_limits(cg->sys, h, cg->dir_fd[h], l, why)) < 0)
			return rc;
	return 0;
}

int sbx_cg_entry_fds(const struct sbx_cgroup *cg, int fds[SBX_CG_MAXHIER])
{
	int n = cg->sys->version == SBX_CG_V2 ? 1 : cg->sys->nhier;

	for (int h = 0; h < n; h++) {
		fds[h] = cg->sys->version == SBX_CG_V2 ?
			 fcntl(cg->dir_fd[h], F_DUPFD_CLOEXEC, 0) :
			 openat(cg->dir_fd[h], "tasks", O_WRONLY | O_CLOEXEC);
		if (fds[h] < 0) {
			int e = errno;

			while (h-- > 0)
				close(fds[h]);
			return -e;
		}
	}
	return n;
}

int sbx_cg_enter(const struct sbx_cg_sys *sys, const int *fds, int n)
{
	if (sys->version == SBX_CG_V2)
		return n == 1 ? fds[0] : -EINVAL;
	if (n != sys->nhier)
		return -EINVAL;
	for (int h = 0; h < n; h++)
		/* "0" in tasks: this thread only, which the kernel moves without the
		 * threadgroup lock and its RCU grace period */
		if (write(fds[h], "0", 1) != 1)
			return -errno;
	return 0;
}

static int hier_with(const struct sbx_cgroup *cg, unsigned bit)
{
	for (int h = 0; h < cg->sys->nhier; h++)
		if (cg->sys->hier[h].ctl & bit)
			return cg->dir_fd[h];
	return -1;
}

/* Finds "key N" in a flat keyed file (memory.events, memory.oom_control, cpu.stat). */
/* The value of "key N" among the lines of buf: 0, or -ENOENT. */
static int keyed(const char *buf, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*out = strtoull(p + klen + 1, NULL, 10);
			return 0;
		}
	return -ENOENT;
}

static int read_keyed(int dirfd, const char *file, const char *key, uint64_t *out)
{
	char buf[2048];
	ssize_t n;

	if (dirfd < 0)
		return -ENOENT;
	if ((n = sbx_read_fileat(dirfd, file, buf, sizeof(buf))) < 0)
		return (int)n;
	return keyed(buf, key, out);
}

static int read_u64(int dirfd, const char *file, uint64_t *out)
{
	char buf[64];
	ssize_t n;

	if (dirfd < 0)
		return -ENOENT;
	if ((n = sbx_read_fileat(dirfd, file, buf, sizeof(buf))) < 0)
		return (int)n;
	*out = strtoull(buf, NULL, 10);
	return 0;
}

int sbx_cg_cpu_ns(const struct sbx_cgroup *cg, uint64_t *ns)
{
	int fd = hier_with(cg, SBX_CTL_CPUACCT);
	uint64_t us;
	int rc;

	if (cg->sys->version == SBX_CG_V1)
		return read_u64(fd, "cpuacct.usage", ns);
	if ((rc = read_keyed(fd, "cpu.stat", "usage_usec", &us)) < 0)
		return rc;
	*ns = us * 1000;
	return 0;
}

void sbx_cg_stats(const struct sbx_cgroup *cg, struct sbx_cg_stats *st)
{
	int mem = hier_with(cg, SBX_CTL_MEMORY);

	memset(st, 0, sizeof(*st));
	sbx_cg_cpu_ns(cg, &st->cpu_ns);
	if (cg->sys->version == SBX_CG_V1) {
		read_u64(mem, "memory.max_usage_in_bytes", &st->memory_peak);
		read_keyed(mem, "memory.oom_control", "oom_kill", &st->oom_kills);
		read_u64(mem, "memory.failcnt", &st->memory_limit_hits);
	} else {
		read_u64(mem, "memory.peak", &st->memory_peak);
		read_keyed(mem, "memory.events", "oom_kill", &st->oom_kills);
		read_keyed(mem, "memory.events", "max", &st->memory_limit_hits);
	}
}

int sbx_cg_sweep(const struct sbx_site *site, const struct sbx_cg_sys *sys)
{
	int removed = 0;

	for (int h = 0; h < sys->nhier; h++) {
		char path[512];
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof(path), "%s/%s", sys->hier[h].path, sys->parent);
		if (!(d = opendir(path)))
			continue;
		while ((e = readdir(d))) {
			struct sbx_slot slot;
			unsigned n;
			char tail;

			/* only cell-<n> groups, and only those whose slot nobody holds */
			if (sscanf(e->d_name, "cell-%u%c", &n, &tail) != 1 ||
			    sbx_slot_try(site, n, &slot) < 0)
				continue;
			if (remove_group(sys, dirfd(d), e->d_name) == 0)
				removed++;
			sbx_slot_release(&slot);
		}
		closedir(d);
	}
	return removed;
}

/* The stat files in the order of SBX_STAT_*, by version. */
static const char *stat_file(const struct sbx_cgroup *cg, int i)
{
	static const char *const v1[SBX_STAT_N] = {
		"cpuacct.usage", "memory.max_usage_in_bytes", "memory.oom_control",
		"memory.failcnt", "memory.max_usage_in_bytes",
	};
	static const char *const v2[SBX_STAT_N] = {
		"cpu.stat", "memory.peak", "memory.events", NULL, NULL,
	};

	return cg->sys->version == SBX_CG_V1 ? v1[i] : v2[i];
}

void sbx_cg_statfd_open(const struct sbx_cgroup *cg, struct sbx_cg_statfd *f)
{
	for (int i = 0; i < SBX_STAT_N; i++) {
		const char *name = stat_file(cg, i);
		int dir = hier_with(cg, i == SBX_STAT_CPU ? SBX_CTL_CPUACCT : SBX_CTL_MEMORY);

		f->fd[i] = name && dir >= 0
				   ? openat(dir, name,
					    (i == SBX_STAT_RESET ? O_WRONLY : O_RDONLY) | O_CLOEXEC)
				   : -1;
	}
}

void sbx_cg_statfd_close(struct sbx_cg_statfd *f)
{
	for (int i = 0; i < SBX_STAT_N; i++) {
		if (f->fd[i] >= 0)
			close(f->fd[i]);
		f->fd[i] = -1;
	}
}

/* A fresh read of an open stat file into buf (NUL-terminated), or -1. */
static ssize_t pread_stat(int fd, char *buf, size_t size)
{
	ssize_t n = fd >= 0 ? pread(fd, buf, size - 1, 0) : -1;

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

void sbx_cg_stats_fd(const struct sbx_cgroup *cg, const struct sbx_cg_statfd *f,
		     struct sbx_cg_stats *st)
{
	char buf[2048];
	bool v1 = cg->sys->version == SBX_CG_V1;

	for (int i = 0; i < SBX_STAT_RESET; i++)
		if (f->fd[i] < 0 && stat_file(cg, i)) {
			sbx_cg_stats(cg, st);	/* something is not open: by name */
			return;
		}
	memset(st, 0, sizeof(*st));
	if (pread_stat(f->fd[SBX_STAT_CPU], buf, sizeof(buf)) >= 0) {
		if (v1)
			st->cpu_ns = strtoull(buf, NULL, 10);
		else if (keyed(buf, "usage_usec", &st->cpu_ns) == 0)
			st->cpu_ns *= 1000;
	}
	if (pread_stat(f->fd[SBX_STAT_PEAK], buf, sizeof(buf)) >= 0)
		st->memory_peak = strtoull(buf, NULL, 10);
	if (pread_stat(f->fd[SBX_STAT_OOM], buf, sizeof(buf)) >= 0) {
		keyed(buf, "oom_kill", &st->oom_kills);
		if (!v1)
			keyed(buf, "max", &st->memory_limit_hits);
	}
	if (v1 && pread_stat(f->fd[SBX_STAT_HITS], buf, sizeof(buf)) >= 0)
		st->memory_limit_hits = strtoull(buf, NULL, 10);
}

int sbx_cg_cpu_ns_fd(const struct sbx_cgroup *cg, const struct sbx_cg_statfd *f, uint64_t *ns)
{
	char buf[2048];

	if (f->fd[SBX_STAT_CPU] < 0 || pread_stat(f->fd[SBX_STAT_CPU], buf, sizeof(buf)) < 0)
		return sbx_cg_cpu_ns(cg, ns);
	if (cg->sys->version == SBX_CG_V1) {
		*ns = strtoull(buf, NULL, 10);
		return 0;
	}
	if (keyed(buf, "usage_usec", ns) < 0)
		return -EINVAL;
	*ns *= 1000;
	return 0;
}

int sbx_cg_reset_peak_fd(const struct sbx_cgroup *cg, const struct sbx_cg_statfd *f)
{
	if (cg->sys->version != SBX_CG_V1 || f->fd[SBX_STAT_RESET] < 0)
		return sbx_cg_reset_peak(cg);
	return pwrite(f->fd[SBX_STAT_RESET], "0", 1, 0) == 1 ? 0 : -errno;
}

int sbx_cg_reset_peak(const struct sbx_cgroup *cg)
{
	int mem = hier_with(cg, SBX_CTL_MEMORY);

	if (mem < 0)
		return -ENOENT;
	if (cg->sys->version == SBX_CG_V1)
		return sbx_write_fileat(mem, "memory.max_usage_in_bytes", "0");
	/* v2 resets memory.peak only for the descriptor that wrote the reset (Linux 6.12),
	 * which would have to stay open for the cell's life: not done yet */
	return -EOPNOTSUPP;
}

void sbx_cg_kill(const struct sbx_cgroup *cg)
{
	if (cg->sys->version == SBX_CG_V2 && cg->dir_fd[0] >= 0 &&
	    sbx_write_fileat(cg->dir_fd[0], "cgroup.kill", "1") == 0)
		return;
	/* v1 (or a v2 kernel older than 5.14): kill what is listed, a few rounds to catch
	 * forks in flight; the pid namespace's end catches the rest */
	for (int round = 0; round < 4; round++) {
		int n = 0;

		for (int h = 0; h < cg->sys->nhier; h++)
			if (cg->dir_fd[h] >= 0)
				n += kill_listed(cg->dir_fd[h], cg->sys->parent, cg->name);
		if (n == 0)
			break;
	}
}

int sbx_cg_destroy(struct sbx_cgroup *cg)
{
	int rc = 0;

	for (int h = 0; h < SBX_CG_MAXHIER; h++) {
		if (cg->dir_fd[h] >= 0) {
			close(cg->dir_fd[h]);
			cg->dir_fd[h] = -1;
		}
		if (cg->parent_fd[h] >= 0) {
			int r = remove_group(cg->sys, cg->parent_fd[h], cg->name);

			if (r < 0 && rc == 0)
				rc = r;
			close(cg->parent_fd[h]);
			cg->parent_fd[h] = -1;
		}
	}
	return rc;
}
