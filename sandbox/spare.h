/*
 * spare.h - a pool of pre-started empty cells (the judge's).
 *
 * A spare cell is armed (sbx_cell_arm): namespaces, root, mounts, cgroup and uid are
 * ready and init waits for a program, so a test case costs about as much as the
 * program itself. The pool's own thread keeps `target` cells ready, starts more
 * while takers wait, and ends the cells given back, so neither arming nor tearing
 * down is on a taker's path. Every cell serves one program and is destroyed.
 *
 * The thread is the one that starts every spare cell: a cell's init dies with the
 * thread that started it, and this one lives as long as the pool.
 */
#ifndef SBX_SPARE_H
#define SBX_SPARE_H

#include <stdbool.h>

#include "cell.h"
#include "limit.h"
#include "slot.h"

struct sbx_spare;

/* A cell taken from the pool: fire it (sbx_cell_fire, sbx_cell_wait), then give it
 * back with sbx_spare_done whatever happened. */
struct sbx_spare_cell {
	struct sbx_spare_cell *next;
	struct sbx_cell cell;
	struct sbx_live lv;
	struct sbx_cg_statfd statfd;	/* the cell's stat files, open (cell.statfd) */
};

struct sbx_spare_stats {
	unsigned ready;			/* armed and waiting */
	unsigned target;
	unsigned long started;		/* cells armed since the pool opened */
	unsigned long taken;
	unsigned long misses;		/* takes that found no cell ready and waited */
	unsigned long failures;		/* cells that could not be armed */
	double last_arm_ms;		/* how long the last cell took to be ready */
	char last_error[160];
};

/*
 * Opens a pool keeping `target` cells (0..256) armed under `ceiling` (the most any
 * program may be given: its tmpfs sizes are every program's) with environment envp
 * (kept by reference). Starts the pool's thread. Returns 0, or -errno with *why.
 */
int sbx_spare_open(struct sbx_spare **out, const struct sbx_site *site,
		   const struct sbx_cg_sys *sys, const struct sbx_limits *ceiling,
		   const char *const *envp, unsigned target, const char **why);

/* The limits the pool's cells were armed with. */
const struct sbx_limits *sbx_spare_ceiling(const struct sbx_spare *p);

/*
 * Takes a ready cell, waiting at most timeout_ms for one (the pool then starts one
 * more for each waiting taker). *missed says whether it had to wait. Returns 0, or
 * -ETIMEDOUT / -ESHUTDOWN with *why (with the pool's last arming error when it has
 * one).
 */
int sbx_spare_take(struct sbx_spare *p, int timeout_ms, struct sbx_spare_cell **out,
		   bool *missed, const char **why);

/* Gives a taken cell back: the pool's thread ends and destroys it. */
void sbx_spare_done(struct sbx_spare *p, struct sbx_spare_cell *sc);

void sbx_spare_stats(struct sbx_spare *p, struct sbx_spare_stats *st);

/* Stops the thread and destroys every cell ready or given back; the pool stays
 * allocated, so a cell still taken may be given back (it is then left to die with the
 * process). For a daemon about to exit. */
void sbx_spare_stop(struct sbx_spare *p);

/* sbx_spare_stop, then frees the pool: every taken cell must have been given back. */
void sbx_spare_close(struct sbx_spare *p);

#endif
