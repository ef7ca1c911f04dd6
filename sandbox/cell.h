/*
 * cell.h - one cell: a sandboxed process tree that runs one program and is destroyed.
 *
 * Life of a cell:
 *   sbx_cell_open()   checks the limits and the cgroup controllers, takes a host uid
 *                     slot, and creates the cell's /mnt/data (a size-capped tmpfs the
 *                     supervisor keeps a handle on, so files go in and out safely);
 *   sbx_cell_put() / sbx_cell_copy()   stage files into /mnt/data;
 *   sbx_cell_exec()   creates the cgroup with the limits, builds the namespaces, root
 *                     and filters (the slow parts overlapping), runs the program under
 *                     the limits, captures its output and measures it from the cgroup;
 *   sbx_cell_close()  kills anything left and releases the cgroup, mounts and uid.
 * A cell runs at most one program (sbx_cell_exec once), then must be closed.
 */
#ifndef SBX_CELL_H
#define SBX_CELL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "cgroup.h"
#include "filter.h"
#include "limit.h"
#include "slot.h"

/* The program's identity inside the cell's user namespace. */
#define SBX_UID 1000
#define SBX_GID 1000

enum sbx_status {
	SBX_STATUS_OK,
	SBX_STATUS_RUNTIME_ERROR,
	SBX_STATUS_TIMEOUT,
	SBX_STATUS_MEMORY_LIMIT,
	SBX_STATUS_OUTPUT_LIMIT,
	SBX_STATUS_COMPILE_ERROR,
	SBX_STATUS_INTERNAL_ERROR,
};

/* The stable wire name of a status ("ok", "runtime_error", ...). */
const char *sbx_status_name(enum sbx_status s);

struct sbx_cell {
	const struct sbx_cg_sys *sys;
	struct sbx_limits lim;
	struct sbx_slot slot;
	struct sbx_cgroup cg;	/* valid when cg_made */
	char cg_name[32];	/* cell-<slot> */
	unsigned cg_need;	/* SBX_CTL_* the cell requires */
	bool cg_made;
	int data_fd;		/* detached tmpfs mounted at /mnt/data in the cell */
	bool used;		/* sbx_cell_exec ran */
	/* what the cgroup had counted before the program started (a pre-started cell's
	 * set-up): subtracted from what it reports */
	uint64_t cpu_base_ns, hits_base, oom_base;
	/* the cgroup's stat files kept open by the cell's owner (a spare cell's), or
	 * NULL: read by name */
	const struct sbx_cg_statfd *statfd;
};

struct sbx_exec {
	const char *const *argv;	/* argv[0] is an absolute path inside the cell */
	const char *const *envp;	/* the whole environment */
	int stdin_fd;			/* -1 for /dev/null */
	bool merge_stderr;		/* stderr joins stdout (compiler diagnostics) */
	bool user_binary;		/* argv[0] was made by user code (a compiled
					 * program): a failed exec is the program's
					 * runtime error, not Stockade's */
	bool use_fd3;			/* the program also gets fd3_fd as its fd 3 (a
					 * runner's reply channel) */
	bool end_with_program;		/* sbx_cell_wait returns once the program has
					 * exited and its output is drained: init's end
					 * (the namespaces' teardown) and anything left
					 * running are left to sbx_cell_end */
	int fd3_fd;
};

/* A started cell whose program runs: what sbx_cell_start hands to a supervisor that
 * talks to the program for a long time (the keeper's warm cells). */
struct sbx_live {
	pid_t init;			/* host pid of the cell's init */
	int pidfd;			/* of init: readable when the cell has ended */
	int out, err;			/* the program's stdout and stderr, non-blocking */
	int fail;			/* failure records; EOF once the program was exec'd */
	int status;			/* the program's wait status, from init */
	unsigned long long start_ns;	/* when the cell had everything it needs */
	pid_t helper;			/* the short-lived helper, reaped at the end */
	int ctl;			/* a pre-started cell's channel to init: "ready"
					 * comes in, the program to run goes out; else -1 */
};

struct sbx_outcome {
	enum sbx_status status;
	int exit_code;			/* -1 when the program did not exit normally */
	int signal;			/* 0 unless a signal ended the program */
	struct sbx_buf out, err;	/* capped at the output limit, truncation flagged */
	uint64_t cpu_ms, wall_ms, memory_peak_kb;
	bool cpu_exceeded, wall_exceeded, output_exceeded, oom;
	bool setup_failed;		/* the cell could not be built: internal error */
	bool exec_failed;		/* a user-made binary could not be executed */
	char message[192];		/* why, for either */
};

/* Returns 0, or -errno with *why. On error nothing is left behind. */
int sbx_cell_open(struct sbx_cell *c, const struct sbx_site *site, const struct sbx_cg_sys *sys,
		  const struct sbx_limits *lim, const char **why);

/* Creates /mnt/data/<name> (a plain file name, no '/') owned by the cell's user. */
int sbx_cell_put(struct sbx_cell *c, const char *name, const void *data, size_t len,
		 mode_t mode, const char **why);

/* A name that can only mean a file directly in /mnt/data: not empty, no '/', not
 * "." or "..", at most NAME_MAX bytes. */
bool sbx_cell_plain_name(const char *name);

/*
 * Opens /mnt/data/<name> for reading without following anything the sandboxed
 * program could have planted (links, mounts): a regular file only. Returns the fd
 * (close-on-exec) with its size in *size, or -errno with *why: -EINVAL (not a plain
 * name, not a regular file), -ELOOP (a link), -ENOENT, -EXDEV (a mount).
 */
int sbx_cell_open_file(const struct sbx_cell *c, const char *name, off_t *size,
		       const char **why);

/*
 * Copies src's /mnt/data/<sname> into dst's /mnt/data/<dname>. The source is read
 * without following any link the sandboxed program could have planted, and must be a
 * regular file no larger than dst's disk limit. Errors that come from what the source
 * cell made (-ENOENT, -ELOOP, -EXDEV: no such plain file; -EINVAL: not a regular file;
 * -EFBIG or -ENOSPC: too large) are distinguishable from the supervisor's own.
 */
int sbx_cell_copy(struct sbx_cell *dst, const char *dname, struct sbx_cell *src,
		  const char *sname, mode_t mode, const char **why);

/*
 * Runs the program to its end or its limits and fills *o (which it initialises). The
 * filter is compiled on first use (f->prog.filter NULL), while the cell mounts, and kept
 * in *f for later cells. Returns
 * 0 when an outcome was produced, even an internal error of the cell's set-up (then
 * o->status is SBX_STATUS_INTERNAL_ERROR and o->message says why); returns -errno with
 * *why only when the supervisor itself could not proceed.
 */
int sbx_cell_exec(struct sbx_cell *c, struct sbx_filter *f, const struct sbx_exec *x,
		  struct sbx_outcome *o, const char **why);

/*
 * Starts the program and returns without waiting for it: *lv holds the descriptors
 * and init's pid. Returns 0 when it runs; 1 when the cell could not be built (*o then
 * holds the internal error and nothing is left to end); -errno with *why when the
 * supervisor itself failed. A running cell is ended with sbx_cell_end. The caller must
 * be a thread that outlives the cell: init dies with the thread that started it.
 */
int sbx_cell_start(struct sbx_cell *c, struct sbx_filter *f, const struct sbx_exec *x,
		   struct sbx_live *lv, struct sbx_outcome *o, const char **why);

/*
 * Pre-started cells (the judge's): everything a cell needs is made ahead of demand
 * (namespaces, root, mounts, cgroup, uid, filter), and init waits for the program.
 *
 *   sbx_cell_arm()    starts the cell with its limits as ceilings (memory, pids, cpus
 *                     and the rlimits a program may be given; the tmpfs sizes are
 *                     final) and the program's environment, without a program;
 *   sbx_cell_ready()  waits until init is set up and waiting;
 *   sbx_cell_put()    stages the program's files (any time before firing);
 *   sbx_cell_fire()   sets the program's own limits (cgroup first, then init lowers
 *                     the rlimits), starts the wall clock and the program;
 *   sbx_cell_wait()   runs it to its end or limits and measures it, counting only
 *                     what the cgroup saw after the fire;
 *   sbx_cell_close()  as for any cell.
 * The caller of sbx_cell_arm must outlive the cell (as for sbx_cell_start); the other
 * calls may come from any thread.
 */
int sbx_cell_arm(struct sbx_cell *c, struct sbx_filter *f, const char *const *envp,
		 struct sbx_live *lv, struct sbx_outcome *o, const char **why);

/* Waits at most timeout_ms for init to be ready. Returns 0; -ETIMEDOUT; -EPIPE when
 * the cell failed to set up (its reason in *o, via sbx_cell_wait's failure record:
 * the caller ends and closes the cell). */
int sbx_cell_ready(struct sbx_live *lv, int timeout_ms);

/*
 * Starts x (argv, merge_stderr, user_binary; stdin_fd is handed to the program and
 * stays the caller's to close) under lim, which must not exceed the limits the cell was
 * armed with (the tmpfs sizes stay as armed). Initialises *o. Returns 0, or -errno
 * with *why: then nothing was started and the cell is only fit to be ended.
 */
int sbx_cell_fire(struct sbx_cell *c, struct sbx_live *lv, const struct sbx_exec *x,
		  const struct sbx_limits *lim, struct sbx_outcome *o, const char **why);

/* Runs a fired (or started) cell to its end or its limits and fills *o, as
 * sbx_cell_exec does after its start. */
int sbx_cell_wait(struct sbx_cell *c, const struct sbx_exec *x, struct sbx_live *lv,
		  struct sbx_outcome *o, const char **why);

/* The longest argv (bytes of its strings, NULs included) sbx_cell_fire takes, and the
 * most words. */
#define SBX_FIRE_MAX_ARGV 8192
#define SBX_FIRE_MAX_ARGS 128

/* Reaps the short-lived start-up helper of a cell that is ready (it has exited by
 * then): a live cell then keeps no zombie, and on cgroup v1, where the helper joined
 * the cell's group, no zombie counting against its pids limit. */
void sbx_cell_reap_helper(struct sbx_live *lv);

/* Kills the cell (every process of it), reaps init and closes *lv's descriptors. */
void sbx_cell_end(struct sbx_cell *c, struct sbx_live *lv);

/* Releases the outcome's buffers. */
void sbx_outcome_free(struct sbx_outcome *o);

/*
 * Makes every cell's init overwrite its copy of the supervisor's argv, which
 * /proc/1/cmdline would otherwise show inside the cell. Call once from main(). The
 * supervisor must also ignore SIGPIPE: a cell that dies early closes pipes it writes.
 */
void sbx_cell_hide_argv(int argc, char **argv);

/* Kills what is left and releases everything. Returns 0, or -errno when the cgroup
 * could not be removed (it is then cleared by the next holder of the slot). */
int sbx_cell_close(struct sbx_cell *c);

#endif
