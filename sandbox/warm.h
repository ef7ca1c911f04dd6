/*
 * warm.h - a warm cell: a started cell running a runner (sandbox/runners/), and the
 * keeper's side of the conversation with it.
 *
 * The runner is trusted only until the first user code runs; from then on every byte
 * it writes is hostile input: replies are read with a size cap and strict framing
 * (sandbox/runners/README.md), output is capped per execution, and time and memory
 * come from the cgroup. An execution that outlives its timeout is interrupted (SIGINT
 * to the cell's process group); a runner that does not answer within the grace
 * period, crashes or is OOM-killed ends the cell, and the result says so.
 */
#ifndef POOL_WARM_H
#define POOL_WARM_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "buf.h"
#include "cell.h"
#include "limit.h"
#include "run.h"

/* The largest reply frame a runner may send (PNG images included). */
#define WARM_MAX_REPLY (16u << 20)

struct warm {
	struct sbx_cell cell;
	struct sbx_live lv;
	char runtime[16];
	int req;		/* the runner's fd 0, non-blocking */
	int reply;		/* the runner's fd 3, non-blocking */
	struct sbx_cg_statfd stat;	/* the cell's cgroup stat files, kept open */
	bool started;		/* lv is live: warm_end has something to end */
	bool dead;		/* the cell is known to have ended or been killed */
	bool out_eof, err_eof;	/* the cell closed every write end of stdout/stderr:
				 * never polled again (POLLHUP would spin) */
};

struct warm_result {
	enum sbx_status status;
	int exit_code;			/* bash: $?; others: 0, or 1 after an exception */
	struct sbx_buf out, err;	/* this execution's output, capped */
	bool output_exceeded, timed_out, oom;
	json_t *reply;			/* the runner's reply object, or NULL */
	uint64_t cpu_ms, wall_ms, memory_peak_kb;
	bool ended;			/* the cell is gone: the session has ended */
	char message[200];		/* why, when not ok for a reason of Stockade's */
};

/*
 * Starts a cell running the runner of `runtime` under `lim` and waits (at most
 * start_ms) for its "ready". Returns 0, or -errno with *why (nothing left behind).
 * Must be called from a thread that outlives the cell (see sbx_cell_start).
 */
int warm_start(struct warm *w, struct sbx_runner *r, const char *runtime,
	       const struct sbx_limits *lim, uint64_t start_ms, const char **why);

/*
 * Runs `code` (len bytes) in the runner. timeout_ms bounds the execution; then the
 * runner gets SIGINT and grace_ms to answer. Fills *res (free with
 * warm_result_free). Returns 0 when *res holds a result, -errno with *why when the
 * keeper itself failed (the cell is then killed too).
 */
int warm_exec(struct warm *w, const char *code, size_t len, uint64_t timeout_ms,
	      uint64_t grace_ms, struct warm_result *res, const char **why);

void warm_result_free(struct warm_result *res);

/*
 * The result as the keeper's JSON reply object (new reference), made to fit in `max`
 * bytes of JSON: when it would not, the images are dropped ("images_omitted"), then
 * the value ("value_omitted"), then the streams are sent as base64 (which escaping
 * cannot inflate beyond 4/3).
 */
json_t *warm_result_json(const struct warm_result *res, size_t max);

/* True while the cell's init runs. */
bool warm_alive(struct warm *w);

/* Kills every process of the cell now; safe from any thread while another uses w. */
void warm_kill(struct warm *w);

/* Kills what is left, reaps, and releases the cell's cgroup, mounts and uid. Returns
 * 0, or -errno when the cgroup could not be removed yet. */
int warm_end(struct warm *w);

/* ---- files in the cell's /mnt/data (never following what the cell made) ---------- */

/* Writes a file (replacing a regular file of that name). */
int warm_file_put(struct warm *w, const char *name, const void *data, size_t len,
		  const char **why);
/* A JSON array of {"name", "size", "modified"} for the regular files (links and
 * other non-files are listed with their "type" but never followed). */
json_t *warm_file_list(struct warm *w);
/* Reads a regular file of at most `max` bytes into *data (malloc'd). -ELOOP for a
 * link, -EINVAL for not a regular file, -EFBIG when larger than max. */
int warm_file_get(struct warm *w, const char *name, size_t max, char **data, size_t *len,
		  const char **why);
int warm_file_delete(struct warm *w, const char *name, const char **why);

#endif
