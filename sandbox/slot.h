/*
 * slot.h - host uid slots: one unprivileged host uid (and gid) per running cell.
 *
 * A slot is a lock file <state_dir>/slots/<n> held with flock(2) for as long as the
 * cell lives; the kernel drops the lock when its holder dies, however it dies, so a
 * crashed run never leaks a slot. Cell n runs as host uid/gid base + n, so two cells
 * running at the same time never share a uid, and the slot number also names the
 * cell's cgroup (leftovers of a crashed holder are recognised by it).
 */
#ifndef SBX_SLOT_H
#define SBX_SLOT_H

#include <sys/types.h>

struct sbx_site {
	const char *state_dir;		/* lock files live under it (default /run/stockade) */
	const char *cgroup_parent;	/* our own parent group in each hierarchy ("stockade") */
	const char *cgroup_root;	/* where cgroups are mounted ("/sys/fs/cgroup") */
	unsigned uid_base;		/* first host uid of the slot range */
	unsigned uid_count;		/* slots in the range */
	/* cgroup controllers a cell requires (SBX_CTL_*, all of them): only tests lower
	 * it, to exercise the cgroup v2 code path on a host whose v2 tree has none */
	unsigned cgroup_need;
};

struct sbx_slot {
	int lock_fd;
	unsigned index;
	uid_t uid;
	gid_t gid;
};

/* Fills the defaults, then applies STOCKADE_STATE_DIR, STOCKADE_CGROUP_PARENT,
 * STOCKADE_CGROUP_ROOT, STOCKADE_UID_BASE and STOCKADE_UID_COUNT from the environment.
 * Returns 0, or -EINVAL with *why naming the bad variable. */
int sbx_site_from_env(struct sbx_site *site, const char **why);

/* Takes a free slot. Returns 0, or -errno with *why (-EAGAIN when all are in use). */
int sbx_slot_acquire(const struct sbx_site *site, struct sbx_slot *s, const char **why);

/* Releases the slot; safe on a slot that was never acquired (lock_fd < 0). */
/* Takes slot n if its lock file exists and nobody holds it: for finding what a
 * crashed holder left. Returns 0, or -errno (-EWOULDBLOCK: held). */
int sbx_slot_try(const struct sbx_site *site, unsigned n, struct sbx_slot *s);

void sbx_slot_release(struct sbx_slot *s);

#endif
