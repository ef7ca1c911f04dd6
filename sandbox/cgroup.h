/*
 * cgroup.h - a cell's control group, on cgroup v1 or v2, detected at start-up.
 *
 * Stockade makes its groups under a parent of its own in each hierarchy
 * (<root>/<controller>/stockade/cell-N on v1, <root>/stockade/cell-N on v2) and never
 * moves, changes or removes a group it did not create, nor remounts a hierarchy.
 *
 * A process must be inside its cell's group before any user code runs, without paying
 * the ~10 ms RCU stall of writing another process's pid into cgroup.procs. The cell is
 * therefore born inside its group (sbx_cg_entry_fds, sbx_cg_enter): on v2 by
 * clone3(CLONE_INTO_CGROUP); on v1 its parent, a short-lived helper, first moves itself
 * with "0" into each hierarchy's "tasks", which the kernel does without the
 * threadgroup lock.
 */
#ifndef SBX_CGROUP_H
#define SBX_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "limit.h"
#include "slot.h"

enum sbx_cg_version { SBX_CG_NONE, SBX_CG_V1, SBX_CG_V2 };

enum {
	SBX_CTL_MEMORY = 1 << 0,
	SBX_CTL_PIDS = 1 << 1,
	SBX_CTL_CPU = 1 << 2,		/* bandwidth (cfs quota / cpu.max) */
	SBX_CTL_CPUACCT = 1 << 3,	/* usage; always present on v2 (cpu.stat) */
	SBX_CTL_ALL = 0xf,
};

#define SBX_CG_MAXHIER 4

struct sbx_cg_hier {
	char path[256];		/* the hierarchy's mount point */
	unsigned ctl;		/* SBX_CTL_* bits it carries */
};

struct sbx_cg_sys {
	enum sbx_cg_version version;
	struct sbx_cg_hier hier[SBX_CG_MAXHIER];
	int nhier;
	unsigned ctl;		/* union of available controllers */
	bool memsw;		/* v1 memory.memsw.* (swap accounting) exists */
	char parent[128];
};

struct sbx_cgroup {
	const struct sbx_cg_sys *sys;
	char name[32];
	int parent_fd[SBX_CG_MAXHIER];	/* <hier>/<parent>, for rmdir */
	int dir_fd[SBX_CG_MAXHIER];	/* <hier>/<parent>/<name> */
};

struct sbx_cg_stats {
	uint64_t cpu_ns;
	uint64_t memory_peak;	/* bytes */
	uint64_t oom_kills;
	uint64_t memory_limit_hits; /* v1 memory.failcnt, v2 memory.events "max" */
};

/*
 * The stat files one cell's executions read, kept open (the keeper reads them twice per
 * execution: opening and closing four kernfs files each time cost more than the
 * execution itself). pread at offset 0 reads a fresh value each time. -1: not open.
 */
enum { SBX_STAT_CPU, SBX_STAT_PEAK, SBX_STAT_OOM, SBX_STAT_HITS, SBX_STAT_RESET, SBX_STAT_N };
struct sbx_cg_statfd {
	int fd[SBX_STAT_N];
};

/* Opens what it can (a file that cannot be opened stays -1 and is read by name). */
void sbx_cg_statfd_open(const struct sbx_cgroup *cg, struct sbx_cg_statfd *f);
void sbx_cg_statfd_close(struct sbx_cg_statfd *f);
/* sbx_cg_stats and sbx_cg_reset_peak through the open descriptors. */
void sbx_cg_stats_fd(const struct sbx_cgroup *cg, const struct sbx_cg_statfd *f,
		     struct sbx_cg_stats *st);
int sbx_cg_reset_peak_fd(const struct sbx_cgroup *cg, const struct sbx_cg_statfd *f);
int sbx_cg_cpu_ns_fd(const struct sbx_cgroup *cg, const struct sbx_cg_statfd *f, uint64_t *ns);

/* Names a controller mask ("memory pids") into buf, for messages. */
const char *sbx_cg_ctl_names(unsigned ctl, char *buf, size_t size);

/* Finds the hierarchies under site->cgroup_root. Returns 0 (version may be NONE when
 * no cgroup file system is mounted there), or -errno with *why. */
int sbx_cg_detect(const struct sbx_site *site, struct sbx_cg_sys *sys, const char **why);

/*
 * Creates the cell's group (removing a stale one of the same name left by a crashed
 * holder of the slot) and writes its limits. Fails with -ENOTSUP when a controller in
 * `need` is missing. On error nothing is left behind.
 */
int sbx_cg_create(const struct sbx_cg_sys *sys, const char *name, const struct sbx_limits *l,
		  unsigned need, struct sbx_cgroup *cg, const char **why);

/*
 * Sets the group's memory, pids and cpu limits again (a pre-started cell gets its
 * program's own limits just before the program starts). Lowering the memory limit below
 * what the group holds fails (-EBUSY). Returns 0, or -errno with *why.
 */
int sbx_cg_set_limits(const struct sbx_cgroup *cg, const struct sbx_limits *l, const char **why);

/*
 * Opens what another process needs to have its next child born in the group: on v1
 * each hierarchy's "tasks" for writing, on v2 the group's directory. Fills fds and
 * returns how many, or -errno (nothing left open).
 */
int sbx_cg_entry_fds(const struct sbx_cgroup *cg, int fds[SBX_CG_MAXHIER]);

/*
 * With the descriptors of sbx_cg_entry_fds (received by a process forked before the
 * group existed): on v1 moves the calling single-threaded process into the group and
 * returns 0; on v2 returns the directory fd for clone3(CLONE_INTO_CGROUP). Allocates
 * nothing (safe after fork). Returns -errno on error.
 */
int sbx_cg_enter(const struct sbx_cg_sys *sys, const int *fds, int n);

/* CPU time used by the group so far, in nanoseconds. Returns 0 or -errno. */
int sbx_cg_cpu_ns(const struct sbx_cgroup *cg, uint64_t *ns);

/* Reads what the kernel measured. Fields it cannot read stay 0. */
void sbx_cg_stats(const struct sbx_cgroup *cg, struct sbx_cg_stats *st);

/* Removes the cell groups that crashed holders left: every cell-<n> under our parent
 * whose slot n nobody holds. Returns how many were removed. */
int sbx_cg_sweep(const struct sbx_site *site, const struct sbx_cg_sys *sys);

/* Starts measuring the peak memory afresh (for one execution of a long-lived cell).
 * Returns 0, or -errno (-EOPNOTSUPP on v2: the peak then covers the cell's life). */
int sbx_cg_reset_peak(const struct sbx_cgroup *cg);

/* Sends SIGKILL to every process in the group. */
void sbx_cg_kill(const struct sbx_cgroup *cg);

/* Kills what is left, removes the group (retrying while the kernel says EBUSY) and
 * closes its fds. Returns 0, or -errno when a group could not be removed. */
int sbx_cg_destroy(struct sbx_cgroup *cg);

#endif
