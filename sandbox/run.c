/*
 * run.c - compile (when needed) and run one program, each step in a fresh cell.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

const char *const sbx_cell_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"HOME=/mnt/data",
	"LANG=C.UTF-8",
	/* Debian's matplotlib reads its defaults from /etc/matplotlibrc, which the cell's
	 * generated /etc lacks; the same file ships under /usr */
	"MATPLOTLIBRC=/usr/share/matplotlib/mpl-data/matplotlibrc",
	NULL,
};

int sbx_runner_init(struct sbx_runner *r, const char **why)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = sbx_site_from_env(&r->site, why)) < 0)
		return rc;
	return sbx_cg_detect(&r->site, &r->sys, why);
}

void sbx_runner_free(struct sbx_runner *r)
{
	sbx_filter_free(&r->filter);
}

void sbx_compile_limits(struct sbx_limits *l)
{
	sbx_limits_default(l);
	l->cpu_ms = 10000;
	l->wall_ms = 20000;
	l->memory = 512u << 20;
	l->output = 64u << 10;
	l->disk = 128u << 20;
	l->fsize = 64u << 20;
}

/* One file of the program: copied into dst, or only checked when dst is NULL; its size
 * is added to *total. */
static int one_binary(struct sbx_cell *dst, struct sbx_cell *src, const char *name, mode_t mode,
		      uint64_t *total, const char **why)
{
	off_t size;
	int fd = sbx_cell_open_file(src, name, &size, why);

	if (fd < 0)
		return fd;
	close(fd);
	*total += (uint64_t)size;
	return dst ? sbx_cell_copy(dst, name, src, name, mode, why) : 0;
}

int sbx_run_copy_binary(struct sbx_cell *dst, struct sbx_cell *src, const struct sbx_lang *lang,
			uint64_t *bytes, const char **why)
{
	DIR *d;
	struct dirent *e;
	unsigned found = 0;
	uint64_t total = 0;
	int fd, rc = 0;

	if (lang->binary[0] != '*') {
		found = 1;
		rc = one_binary(dst, src, lang->binary, 0755, &total, why);
		goto out;
	}
	/* every file with the suffix: the compile cell has ended, so nothing changes it */
	if ((fd = openat(src->data_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !(d = fdopendir(fd))) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		*why = "cannot list the compiled files";
		return rc;
	}
	while (rc == 0 && (e = readdir(d))) {
		if (!sbx_cell_plain_name(e->d_name) || !sbx_lang_is_binary(lang, e->d_name))
			continue;
		if (++found > SBX_RUN_MAX_BINARIES) {
			*why = "the compiler made too many files";
			rc = -EFBIG;
			break;
		}
		rc = one_binary(dst, src, e->d_name, 0644, &total, why);
	}
	closedir(d);
out:
	if (rc == 0 && found == 0) {
		*why = "the compiler made no program";
		rc = -ENOENT;
	}
	if (rc == 0 && dst && total > dst->lim.disk) {
		*why = "the program is larger than the disk limit of /mnt/data";
		rc = -EFBIG;
	}
	if (bytes)
		*bytes = total;
	return rc;
}

bool sbx_run_binary_error(int rc)
{
	return rc == -EFBIG || rc == -ENOSPC || rc == -EINVAL || rc == -ENOENT || rc == -ELOOP ||
	       rc == -EXDEV;
}

/* Appends a line of Stockade's own to the compiler output (never mixed into the
 * program's own streams). */
static void note(struct sbx_buf *b, const char *text)
{
	b->truncated = false;
	b->cap += strlen(text) + 1;
	sbx_buf_append(b, "\n", b->len ? 1 : 0);
	sbx_buf_append(b, text, strlen(text));
}

void sbx_compile_limit_note(const struct sbx_outcome *o, struct sbx_buf *compile_out)
{
	if (o->cpu_exceeded || o->wall_exceeded)
		note(compile_out, "stockade: compilation exceeded its time limit");
	else if (o->status == SBX_STATUS_MEMORY_LIMIT)
		note(compile_out, "stockade: compilation exceeded its memory limit");
	else if (o->status == SBX_STATUS_OUTPUT_LIMIT)
		note(compile_out, "stockade: compiler output exceeded its limit");
}

void sbx_compile_unrunnable_note(struct sbx_buf *compile_out, const char *why)
{
	char msg[220];

	snprintf(msg, sizeof(msg), "stockade: the compiled program cannot be run: %s",
		 why ? why : "unknown");
	note(compile_out, msg);
}

static void close_cell(struct sbx_cell *c, struct sbx_run_result *res)
{
	if (sbx_cell_close(c) < 0)
		res->leftover = true;
}

/*
 * Compiles in a cell of its own. On success returns 0 and leaves the compile cell open
 * in *cc (the caller copies the binary out, then closes it); on a failed compilation
 * returns 0 with res->o holding status compile_error and the cell closed.
 */
static int compile(struct sbx_runner *r, const struct sbx_lang *lang, const char *code,
		   size_t len, struct sbx_cell *cc, struct sbx_run_result *res, const char **why)
{
	struct sbx_limits cl;
	const char *argv[SBX_LANG_MAXARGS + 1];
	char words[4096];
	size_t used = 0;
	unsigned n = 0;
	struct sbx_exec x = { .argv = argv, .envp = sbx_cell_env, .stdin_fd = -1,
			      .merge_stderr = true };
	struct sbx_outcome *o = &res->o;
	int rc;

	sbx_compile_limits(&cl);
	if ((rc = sbx_lang_words(lang->compile, cl.memory, argv, &n, SBX_LANG_MAXARGS + 1, words,
				 &used, sizeof(words))) < 0) {
		*why = "the compile command is too long";
		return rc;
	}
	if ((rc = sbx_cell_open(cc, &r->site, &r->sys, &cl, why)) < 0)
		return rc;
	if ((rc = sbx_cell_put(cc, lang->source, code, len, 0644, why)) < 0 ||
	    (rc = sbx_cell_exec(cc, &r->filter, &x, o, why)) < 0) {
		close_cell(cc, res);
		return rc;
	}
	/* the compiler's output is the compile output, never the program's */
	res->compile_out = o->out;
	sbx_buf_init(&o->out, 0);
	if (o->status == SBX_STATUS_OK)
		return 0;
	if (o->status != SBX_STATUS_INTERNAL_ERROR) {
		sbx_compile_limit_note(o, &res->compile_out);
		o->status = SBX_STATUS_COMPILE_ERROR;
		/* the program never ran: no exit code or signal of its own */
		o->exit_code = -1;
		o->signal = 0;
		sbx_buf_free(&o->err);
		sbx_buf_init(&o->err, 0);
	}
	close_cell(cc, res);
	return 0;
}

int sbx_run_program(struct sbx_runner *r, const struct sbx_lang *lang,
		    const struct sbx_limits *lim, const char *code, size_t len, int stdin_fd,
		    struct sbx_run_result *res, const char **why)
{
	struct sbx_cell cc, cell;
	struct sbx_outcome compile_stats;
	const char *argv[SBX_LANG_MAXARGS + 1];
	char words[4096];
	size_t used = 0;
	unsigned n = 0;
	struct sbx_exec x = { .argv = argv, .envp = sbx_cell_env, .stdin_fd = stdin_fd,
			      .user_binary = sbx_lang_compiled(lang) };
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = sbx_lang_words(lang->run, lim->memory, argv, &n, SBX_LANG_MAXARGS + 1, words,
				 &used, sizeof(words))) < 0) {
		*why = "the run command is too long";
		return rc;
	}
	res->compiled = sbx_lang_compiled(lang);
	if (res->compiled) {
		if ((rc = compile(r, lang, code, len, &cc, res, why)) < 0)
			return rc;
		if (res->o.status != SBX_STATUS_OK)
			return 0;	/* compile_error (or the compile cell's internal error) */
		compile_stats = res->o;
		sbx_buf_init(&compile_stats.out, 0);
		sbx_buf_init(&compile_stats.err, 0);
		sbx_outcome_free(&res->o);
	}
	if ((rc = sbx_cell_open(&cell, &r->site, &r->sys, lim, why)) < 0) {
		if (res->compiled)
			close_cell(&cc, res);
		return rc;
	}
	if (res->compiled) {
		uint64_t staged = 0;

		rc = sbx_run_copy_binary(&cell, &cc, lang, &staged, why);
		close_cell(&cc, res);
		/* the binary's pages are charged to us, who wrote it, not to the cell's group
		 * (made when the cell runs): it is taken off the cell's memory limit, so a
		 * program cannot carry data past its limit in its binary */
		if (rc == 0 && staged + (4u << 20) > cell.lim.memory) {
			/* never run: its files alone leave no room (memory_limit, as the judge) */
			memset(&res->o, 0, sizeof(res->o));
			sbx_buf_init(&res->o.out, 0);
			sbx_buf_init(&res->o.err, 0);
			res->o.status = SBX_STATUS_MEMORY_LIMIT;
			res->o.exit_code = -1;
			close_cell(&cell, res);
			return 0;
		}
		if (rc == 0)
			cell.lim.memory -= staged;
		if (sbx_run_binary_error(rc)) {
			/* what the compiler made, user code shaped: a result, not a failure */
			sbx_compile_unrunnable_note(&res->compile_out, *why);
			res->o = compile_stats;
			res->o.status = SBX_STATUS_COMPILE_ERROR;
			res->o.exit_code = -1;
			res->o.signal = 0;
			close_cell(&cell, res);
			return 0;
		}
	} else {
		rc = sbx_cell_put(&cell, lang->source, code, len, 0644, why);
	}
	if (rc == 0)
		rc = sbx_cell_exec(&cell, &r->filter, &x, &res->o, why);
	close_cell(&cell, res);
	return rc;
}

void sbx_run_result_free(struct sbx_run_result *res)
{
	sbx_outcome_free(&res->o);
	sbx_buf_free(&res->compile_out);
}
