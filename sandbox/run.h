/*
 * run.h - one program from start to end: compiled in a cell of its own when its
 * language needs it, then run in a fresh cell. `stockade run` is this plus printing;
 * judge mode builds on it.
 */
#ifndef SBX_RUN_H
#define SBX_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cell.h"
#include "cgroup.h"
#include "filter.h"
#include "lang.h"
#include "limit.h"
#include "slot.h"

/* The environment of every program and compiler: built from scratch. */
extern const char *const sbx_cell_env[];

/* What every run needs, prepared once. */
struct sbx_runner {
	struct sbx_site site;
	struct sbx_cg_sys sys;
	struct sbx_filter filter;	/* compiled by the first cell that needs it */
};

struct sbx_run_result {
	struct sbx_outcome o;		/* the program's; the compiler's on compile_error */
	bool compiled;			/* the language was compiled (compile_out is set) */
	struct sbx_buf compile_out;	/* the compiler's messages, stdout and stderr */
	bool leftover;			/* a cgroup could not be removed yet (the next
					 * holder of its slot removes it) */
};

/* Reads the site from the environment and detects the cgroups. Returns 0 or -errno
 * with *why. */
int sbx_runner_init(struct sbx_runner *r, const char **why);
void sbx_runner_free(struct sbx_runner *r);

/* The compiler's own limits: generous for real code, bounded for include bombs. */
void sbx_compile_limits(struct sbx_limits *l);

/* Appends to a failed compilation's output, in a line of Stockade's own, which of the
 * compiler's limits it reached (time, memory, output); nothing when it failed by
 * itself. */
void sbx_compile_limit_note(const struct sbx_outcome *o, struct sbx_buf *compile_out);

/* Appends "the compiled program cannot be run: <why>" to the compiler's output. */
void sbx_compile_unrunnable_note(struct sbx_buf *compile_out, const char *why);

/*
 * Runs `code` in `lang` under `lim`, with stdin_fd (or -1: empty) as its input. A
 * compiled language is compiled first under sbx_compile_limits(); a compilation that
 * fails (or hits a limit) ends the run with status compile_error. Returns 0 when *res
 * holds a result (an internal error of a cell included); -errno with *why when Stockade
 * itself could not proceed. Free *res with sbx_run_result_free either way.
 */
int sbx_run_program(struct sbx_runner *r, const struct sbx_lang *lang,
		    const struct sbx_limits *lim, const char *code, size_t len, int stdin_fd,
		    struct sbx_run_result *res, const char **why);

void sbx_run_result_free(struct sbx_run_result *res);

/* The most files a compiler may make for one program (Java: one per class). */
#define SBX_RUN_MAX_BINARIES 256

/*
 * Copies what the compile cell src made (lang->binary: one file, or every file with
 * its suffix) into dst's /mnt/data, read without following anything the compiler
 * (user-controlled) could have planted; with dst NULL, only checks that it could be.
 * *bytes (may be NULL) gets the program's size. Errors as sbx_cell_copy's, and -ENOENT
 * when nothing was made, -EFBIG for too many files or too large a program.
 */
int sbx_run_copy_binary(struct sbx_cell *dst, struct sbx_cell *src, const struct sbx_lang *lang,
			uint64_t *bytes, const char **why);

/* Whether an error of sbx_run_copy_binary comes from what the compiler (user code)
 * made, rather than from Stockade: the program cannot be run, a compilation error. */
bool sbx_run_binary_error(int rc);

#endif
