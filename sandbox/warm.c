/*
 * warm.c - warm cells: starting a runner, talking to it, and files in its /mnt/data.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "result.h"
#include "runners.h"
#include "util.h"
#include "warm.h"

/* What a frame's header may be: up to 10 digits and a newline. */
#define HEAD_MAX 11

/* The reply being read: header, then a body of known length. */
struct frame {
	char head[HEAD_MAX + 1];
	size_t head_len;
	bool have_len;
	size_t body_len, got;
	char *body;
};

static void frame_free(struct frame *f)
{
	free(f->body);
	memset(f, 0, sizeof(*f));
}

/*
 * Reads what is there of one frame. Returns 1 when the frame is complete, 0 when more
 * is needed, -EPROTO for a malformed or oversized frame, -EPIPE at EOF.
 */
static int frame_read(int fd, struct frame *f, size_t max)
{
	for (;;) {
		ssize_t n;

		if (!f->have_len) {
			/* a small read takes the header and usually the whole body with it; the
			 * runner writes nothing after a frame until the next request, so bytes
			 * past the frame can only come from tampering (-EPROTO) */
			char buf[4096];
			size_t i;

			n = read(fd, buf, sizeof(buf));
			if (n == 0)
				return -EPIPE;
			if (n < 0)
				return errno == EAGAIN ? 0 : errno == EINTR ? 0 : -EPIPE;
			for (i = 0; i < (size_t)n && buf[i] != '\n'; i++) {
				if (buf[i] < '0' || buf[i] > '9' || f->head_len >= HEAD_MAX - 1)
					return -EPROTO;
				f->head[f->head_len++] = buf[i];
			}
			if (i == (size_t)n)
				continue;	/* the header goes on in the next read */
			{
				unsigned long long v;
				char *end;
				size_t rest = (size_t)n - i - 1;

				if (f->head_len == 0)
					return -EPROTO;
				f->head[f->head_len] = '\0';
				v = strtoull(f->head, &end, 10);
				if (*end || v > max || rest > v)
					return -EPROTO;
				f->body_len = (size_t)v;
				f->body = malloc(f->body_len + 1);
				if (!f->body)
					return -EPROTO;
				f->have_len = true;
				memcpy(f->body, buf + i + 1, rest);
				f->got = rest;
				if (f->got == f->body_len)
					break;
				continue;
			}
		}
		n = read(fd, f->body + f->got, f->body_len - f->got);
		if (n == 0)
			return -EPIPE;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -EPIPE;
		f->got += (size_t)n;
		if (f->got == f->body_len)
			break;
	}
	f->body[f->body_len] = '\0';
	return 1;
}

/* Waits for a complete frame until the deadline (sbx_now_ns clock) or the cell's end. */
static int frame_wait(struct warm *w, struct frame *f, size_t max, unsigned long long deadline)
{
	for (;;) {
		struct pollfd p[2] = { { w->reply, POLLIN, 0 }, { w->lv.pidfd, POLLIN, 0 } };
		unsigned long long now = sbx_now_ns();
		int rc = frame_read(w->reply, f, max);

		if (rc != 0)
			return rc;
		if (now >= deadline)
			return -ETIMEDOUT;
		if (poll(p, 2, (int)((deadline - now) / 1000000 + 1)) < 0 && errno != EINTR)
			return -errno;
		if (p[1].revents && !p[0].revents)
			return -EPIPE;
	}
}

/* Drains a pipe into a capped buffer; what is over the cap is read and dropped, so a
 * runner that keeps writing cannot block, and *over says it happened. Sets *eof when
 * every writer has closed the pipe. */
static void drain(int fd, struct sbx_buf *b, bool *over, bool *eof)
{
	char chunk[65536];

	if (*eof)
		return;
	for (int rounds = 0; rounds < 64; rounds++) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n > 0) {
			if (sbx_buf_append(b, chunk, (size_t)n) != 0)
				*over = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			*eof = true;
		return;
	}
}

/* How deep a runner's reply may nest: jansson's printer recurses once per level, and
 * a hostile runner could nest 2048 levels (jansson's parser limit). */
#define REPLY_MAX_DEPTH 64

static bool depth_ok(json_t *j, int left)
{
	const char *k;
	json_t *v;
	size_t i;

	if (left < 0)
		return false;
	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			if (!depth_ok(v, left - 1))
				return false;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (!depth_ok(v, left - 1))
				return false;
	}
	return true;
}

int warm_start(struct warm *w, struct sbx_runner *r, const char *runtime,
	       const struct sbx_limits *lim, uint64_t start_ms, const char **why)
{
	const char *argv[POOL_RUNNER_MAXARGS];
	int req[2] = { -1, -1 }, rep[2] = { -1, -1 }, rc;
	struct sbx_outcome o;
	struct sbx_exec x;
	struct frame f = { 0 };
	json_t *j;

	memset(w, 0, sizeof(*w));
	w->req = w->reply = -1;
	for (int i = 0; i < SBX_STAT_N; i++)
		w->stat.fd[i] = -1;
	snprintf(w->runtime, sizeof(w->runtime), "%s", runtime);
	if (pool_runner_argv(runtime, argv) < 0) {
		*why = "no runner for this runtime";
		return -EINVAL;
	}
	if ((rc = sbx_cell_open(&w->cell, &r->site, &r->sys, lim, why)) < 0)
		return rc;
	if (pipe2(req, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		rc = -errno;
		*why = "pipe";
		goto fail;
	}
	x = (struct sbx_exec){ .argv = argv, .envp = pool_runner_env, .stdin_fd = req[0],
			       .use_fd3 = true, .fd3_fd = rep[1] };
	rc = sbx_cell_start(&w->cell, &r->filter, &x, &w->lv, &o, why);
	close(req[0]);
	close(rep[1]);
	req[0] = rep[1] = -1;
	if (rc == 1) {
		static __thread char msg[sizeof(o.message)];

		snprintf(msg, sizeof(msg), "%s", o.message);
		*why = msg;
		rc = -EIO;
	}
	sbx_outcome_free(&o);
	if (rc < 0)
		goto fail;
	w->started = true;
	sbx_cg_statfd_open(&w->cell.cg, &w->stat);
	w->req = req[1];
	w->reply = rep[0];
	req[1] = rep[0] = -1;
	fcntl(w->req, F_SETFL, O_NONBLOCK);
	fcntl(w->reply, F_SETFL, O_NONBLOCK);

	rc = frame_wait(w, &f, 4096, sbx_now_ns() + start_ms * 1000000ULL);
	if (rc != 1) {
		*why = rc == -ETIMEDOUT ? "the runner did not become ready in time"
					: "the runner ended before it was ready";
		rc = rc == -ETIMEDOUT ? -ETIMEDOUT : -EIO;
		frame_free(&f);
		warm_end(w);
		return rc;
	}
	j = json_loadb(f.body, f.body_len, 0, NULL);
	frame_free(&f);
	if (!json_is_true(json_object_get(j, "ready"))) {
		json_decref(j);
		*why = "the runner's first message was not \"ready\"";
		warm_end(w);
		return -EPROTO;
	}
	json_decref(j);
	/* the cell's short-lived helper has done its part by now */
	sbx_cell_reap_helper(&w->lv);
	/* what the runner printed while it imported is not the session's output */
	{
		struct sbx_buf junk;
		bool over = false;

		sbx_buf_init(&junk, 0);
		drain(w->lv.out, &junk, &over, &w->out_eof);
		drain(w->lv.err, &junk, &over, &w->err_eof);
		sbx_buf_free(&junk);
	}
	return 0;

fail:
	for (int i = 0; i < 2; i++) {
		if (req[i] >= 0)
			close(req[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	sbx_cell_close(&w->cell);
	return rc;
}

bool warm_alive(struct warm *w)
{
	struct pollfd p = { w->lv.pidfd, POLLIN, 0 };

	if (!w->started || w->dead)
		return false;
	return poll(&p, 1, 0) == 0;
}

void warm_kill(struct warm *w)
{
	if (!w->started)
		return;
	w->dead = true;
	if (w->lv.init > 0)
		kill(w->lv.init, SIGKILL);
	sbx_cg_kill(&w->cell.cg);
}

int warm_end(struct warm *w)
{
	if (w->started) {
		sbx_cg_statfd_close(&w->stat);
		sbx_cell_end(&w->cell, &w->lv);
	}
	w->started = false;
	w->dead = true;
	if (w->req >= 0)
		close(w->req);
	if (w->reply >= 0)
		close(w->reply);
	w->req = w->reply = -1;
	return sbx_cell_close(&w->cell);
}

/* Writes the request frame, waiting for room while the runner reads. */
static int send_request(struct warm *w, const char *code, size_t len,
			unsigned long long deadline)
{
	char head[24];
	int hl = snprintf(head, sizeof(head), "%zu\n", len);
	struct iovec iov[2] = { { head, (size_t)hl }, { (void *)code, len } };
	size_t total = (size_t)hl + len, sent = 0;

	while (sent < total) {
		struct pollfd p[2] = { { w->req, POLLOUT, 0 }, { w->lv.pidfd, POLLIN, 0 } };
		ssize_t n;
		struct iovec v[2];
		int nv = 0;
		size_t skip = sent;

		for (int i = 0; i < 2; i++) {
			if (skip >= iov[i].iov_len) {
				skip -= iov[i].iov_len;
				continue;
			}
			v[nv].iov_base = (char *)iov[i].iov_base + skip;
			v[nv++].iov_len = iov[i].iov_len - skip;
			skip = 0;
		}
		n = writev(w->req, v, nv);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -EPIPE;
		if (sbx_now_ns() >= deadline)
			return -ETIMEDOUT;
		if (poll(p, 2, 50) > 0 && p[1].revents)
			return -EPIPE;
	}
	return 0;
}

/* The status of an execution whose runner replied. */
static void classify_reply(struct warm_result *res)
{
	const char *st = json_string_value(json_object_get(res->reply, "status"));
	json_t *ec = json_object_get(res->reply, "exit_code");

	if (json_is_integer(ec) && json_integer_value(ec) >= 0 && json_integer_value(ec) < 256)
		res->exit_code = (int)json_integer_value(ec);
	else
		res->exit_code = st && !strcmp(st, "ok") ? 0 : 1;
	if (res->timed_out)
		res->status = SBX_STATUS_TIMEOUT;
	else if (res->output_exceeded)
		res->status = SBX_STATUS_OUTPUT_LIMIT;
	else if (res->oom)
		res->status = SBX_STATUS_MEMORY_LIMIT;
	else if (st && !strcmp(st, "ok") && res->exit_code == 0)
		res->status = SBX_STATUS_OK;
	else
		res->status = SBX_STATUS_RUNTIME_ERROR;
}

int warm_exec(struct warm *w, const char *code, size_t len, uint64_t timeout_ms,
	      uint64_t grace_ms, struct warm_result *res, const char **why)
{
	const struct sbx_limits *lim = &w->cell.lim;
	unsigned long long start = sbx_now_ns();
	unsigned long long deadline = start + timeout_ms * 1000000ULL;
	bool interrupted = false, replied = false;
	struct sbx_cg_stats before, after;
	struct frame f = { 0 };
	int rc;

	memset(res, 0, sizeof(*res));
	sbx_buf_init(&res->out, lim->output);
	sbx_buf_init(&res->err, lim->output);
	res->exit_code = -1;
	if (!warm_alive(w)) {
		res->ended = true;
		res->status = SBX_STATUS_INTERNAL_ERROR;
		snprintf(res->message, sizeof(res->message), "the session's cell has ended");
		return 0;
	}
	sbx_cg_reset_peak_fd(&w->cell.cg, &w->stat);
	sbx_cg_stats_fd(&w->cell.cg, &w->stat, &before);

	rc = send_request(w, code, len, deadline);
	while (rc == 0 && !replied) {
		struct pollfd p[4] = { { w->out_eof ? -1 : w->lv.out, POLLIN, 0 },
				       { w->err_eof ? -1 : w->lv.err, POLLIN, 0 },
				       { w->reply, POLLIN, 0 }, { w->lv.pidfd, POLLIN, 0 } };
		unsigned long long now = sbx_now_ns();
		int r;

		if (now >= deadline) {
			if (interrupted) {
				/* the runner did not come back: the session ends */
				warm_kill(w);
				res->ended = true;
				snprintf(res->message, sizeof(res->message),
					 "the code did not stop within %llu ms of the interrupt; "
					 "the session has ended",
					 (unsigned long long)grace_ms);
				break;
			}
			res->timed_out = true;
		}
		if ((res->timed_out || res->output_exceeded) && !interrupted) {
			/* the cell's process group: the runner and what it started in it */
			kill(-w->lv.init, SIGINT);
			interrupted = true;
			deadline = now + grace_ms * 1000000ULL;
		}
		if (poll(p, 4, (int)((deadline > now ? deadline - now : 0) / 1000000 + 1)) < 0 &&
		    errno != EINTR) {
			rc = -errno;
			*why = "poll";
			break;
		}
		if (p[0].revents)
			drain(w->lv.out, &res->out, &res->output_exceeded, &w->out_eof);
		if (p[1].revents)
			drain(w->lv.err, &res->err, &res->output_exceeded, &w->err_eof);
		if (p[2].revents) {
			r = frame_read(w->reply, &f, WARM_MAX_REPLY);
			if (r == 1) {
				replied = true;
			} else if (r < 0) {
				/* a broken reply channel: the runner cannot be trusted any more */
				warm_kill(w);
				res->ended = true;
				snprintf(res->message, sizeof(res->message), "%s; the session has ended",
					 r == -EPROTO ? "the runner sent a malformed reply"
						      : "the runner closed its reply channel");
				break;
			}
		}
		if (p[3].revents && !replied) {
			w->dead = true;
			res->ended = true;
			break;
		}
	}
	if (rc == -EPIPE) {
		rc = 0;
		res->ended = true;
		w->dead = true;
	} else if (rc == -ETIMEDOUT) {
		/* the runner never even read the code */
		rc = 0;
		res->timed_out = true;
		warm_kill(w);
		res->ended = true;
		snprintf(res->message, sizeof(res->message),
			 "the runner did not take the code; the session has ended");
	}
	/* everything the code wrote before the reply is in the pipes now */
	drain(w->lv.out, &res->out, &res->output_exceeded, &w->out_eof);
	drain(w->lv.err, &res->err, &res->output_exceeded, &w->err_eof);
	res->wall_ms = (sbx_now_ns() - start) / 1000000;
	sbx_cg_stats_fd(&w->cell.cg, &w->stat, &after);
	res->cpu_ms = (after.cpu_ns - before.cpu_ns) / 1000000;
	res->memory_peak_kb = after.memory_peak / 1024;
	res->oom = after.oom_kills > before.oom_kills;

	if (rc < 0) {
		warm_kill(w);
		res->ended = true;
		frame_free(&f);
		return rc;
	}
	if (replied) {
		json_error_t je;

		res->reply = json_loadb(f.body, f.body_len, JSON_REJECT_DUPLICATES, &je);
		if (json_is_object(res->reply) && !depth_ok(res->reply, REPLY_MAX_DEPTH)) {
			/* only the value may nest; the rest has a fixed shape */
			json_object_set_new(res->reply, "value", json_null());
			json_object_set_new(res->reply, "value_repr",
					    json_string("(the value nests too deeply to return)"));
			if (!depth_ok(res->reply, REPLY_MAX_DEPTH)) {
				json_decref(res->reply);
				res->reply = NULL;
			}
		}
		if (!json_is_object(res->reply)) {
			json_decref(res->reply);
			res->reply = NULL;
			warm_kill(w);
			res->ended = true;
			res->status = SBX_STATUS_INTERNAL_ERROR;
			snprintf(res->message, sizeof(res->message),
				 "the runner's reply was not a JSON object; the session has ended");
		} else {
			classify_reply(res);
		}
	} else if (res->ended) {
		int st;

		warm_kill(w);
		res->exit_code = -1;
		if (res->timed_out)
			res->status = SBX_STATUS_TIMEOUT;
		else if (res->oom)
			res->status = SBX_STATUS_MEMORY_LIMIT;
		else if (res->output_exceeded)
			res->status = SBX_STATUS_OUTPUT_LIMIT;
		else
			res->status = SBX_STATUS_RUNTIME_ERROR;
		if (!res->message[0]) {
			if (read(w->lv.status, &st, sizeof(st)) == sizeof(st) && WIFSIGNALED(st))
				snprintf(res->message, sizeof(res->message),
					 "the runner was killed by signal %d%s; the session has "
					 "ended", WTERMSIG(st), res->oom ? " (out of memory)" : "");
			else
				snprintf(res->message, sizeof(res->message),
					 "the runner ended%s; the session has ended",
					 res->oom ? " (out of memory)" : "");
		}
	}
	frame_free(&f);
	return 0;
}

void warm_result_free(struct warm_result *res)
{
	sbx_buf_free(&res->out);
	sbx_buf_free(&res->err);
	json_decref(res->reply);
	res->reply = NULL;
}

/* A stream, its encoding (sbx_result_stream) and its truncation flag. */
static void put_stream(json_t *o, const char *name, const struct sbx_buf *b, bool b64only)
{
	char key[48];

	snprintf(key, sizeof(key), "%s_truncated", name);
	json_object_set_new(o, key, json_boolean(b->truncated));
	sbx_result_stream(o, name, b, b64only);
}

/* Copies a field of the runner's reply when it has the expected JSON type; anything
 * else a hostile runner sends is dropped. */
static void copy_field(json_t *o, json_t *reply, const char *name, json_type t, size_t max)
{
	json_t *v = json_object_get(reply, name);

	if (!v || json_typeof(v) != t)
		return;
	if (t == JSON_STRING && json_string_length(v) > max)
		return;
	json_object_set(o, name, v);
}

static json_t *result_json(const struct warm_result *res, int level)
{
	json_t *o = json_object(), *images = json_array();
	json_t *rep = res->reply;

	json_object_set_new(o, "status", json_string(sbx_status_name(res->status)));
	json_object_set_new(o, "exit_code", json_integer(res->exit_code));
	put_stream(o, "stdout", &res->out, level >= 3);
	put_stream(o, "stderr", &res->err, level >= 3);
	json_object_set_new(o, "value", json_null());
	json_object_set_new(o, "value_repr", json_null());
	json_object_set_new(o, "exception", json_null());
	if (rep) {
		json_t *v = json_object_get(rep, "value"), *exc = json_object_get(rep, "exception");
		json_t *imgs = json_object_get(rep, "images");
		size_t i;
		json_t *im;

		if (level >= 2)
			json_object_set_new(o, "value_omitted", json_true());
		else if (v)
			json_object_set(o, "value", v);
		if (level < 2)
			copy_field(o, rep, "value_repr", JSON_STRING, 1u << 20);
		if (json_is_object(exc)) {
			json_t *e = json_object();

			copy_field(e, exc, "type", JSON_STRING, 256);
			copy_field(e, exc, "message", JSON_STRING, 64u << 10);
			copy_field(e, exc, "traceback", JSON_STRING, 256u << 10);
			json_object_set_new(o, "exception", e);
		}
		if (level >= 1 && json_array_size(imgs))
			json_object_set_new(o, "images_omitted", json_true());
		else if (json_is_array(imgs))
			json_array_foreach(imgs, i, im)
				if (json_is_string(im))
					json_array_append_new(images,
						json_pack("{s:s, s:O}", "format", "png", "data", im));
	}
	json_object_set_new(o, "images", images);
	json_object_set_new(o, "cpu_ms", json_integer((json_int_t)res->cpu_ms));
	json_object_set_new(o, "wall_ms", json_integer((json_int_t)res->wall_ms));
	json_object_set_new(o, "memory_peak_kb", json_integer((json_int_t)res->memory_peak_kb));
	json_object_set_new(o, "session_ended", json_boolean(res->ended));
	if (res->message[0])
		json_object_set_new(o, "message", json_string(res->message));
	return o;
}

json_t *warm_result_json(const struct warm_result *res, size_t max)
{
	for (int level = 0;; level++) {
		json_t *o = result_json(res, level);

		if (level == 3 || json_dumpb(o, NULL, 0, JSON_COMPACT) <= max)
			return o;
		json_decref(o);
	}
}

/* ---- files ------------------------------------------------------------------------- */

int warm_file_put(struct warm *w, const char *name, const void *data, size_t len,
		  const char **why)
{
	struct stat st;

	if (!sbx_cell_plain_name(name)) {
		*why = "not a plain file name";
		return -EINVAL;
	}
	/* replace a file, and only a file: a link of that name is removed, never followed */
	if (fstatat(w->cell.data_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode)) {
			*why = "a directory of that name exists";
			return -EISDIR;
		}
		if (unlinkat(w->cell.data_fd, name, 0) < 0) {
			*why = "cannot replace the existing file";
			return -errno;
		}
	}
	return sbx_cell_put(&w->cell, name, data, len, 0644, why);
}

static const char *type_name(mode_t m)
{
	return S_ISREG(m) ? "file" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "link" : "other";
}

json_t *warm_file_list(struct warm *w)
{
	json_t *a = json_array();
	int fd = openat(w->cell.data_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return a;
	}
	/* bounded: the tmpfs has an inode cap, and the list stops at 10000 entries */
	while ((e = readdir(d)) && json_array_size(a) < 10000) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!sbx_utf8_valid(e->d_name, strlen(e->d_name)))
			continue;	/* cannot be named in JSON; the cell made it */
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:s}", "name", e->d_name,
						   "size", (json_int_t)st.st_size, "modified",
						   (json_int_t)st.st_mtime, "type",
						   type_name(st.st_mode)));
	}
	closedir(d);
	return a;
}

int warm_file_get(struct warm *w, const char *name, size_t max, char **data, size_t *len,
		  const char **why)
{
	size_t got = 0;
	off_t size;
	int fd;

	*data = NULL;
	*len = 0;
	fd = sbx_cell_open_file(&w->cell, name, &size, why);
	if (fd < 0)
		return fd;
	if ((uint64_t)size > max) {
		close(fd);
		*why = "the file is too large to download";
		return -EFBIG;
	}
	*data = malloc((size_t)size + 1);
	if (!*data) {
		close(fd);
		*why = "out of memory";
		return -ENOMEM;
	}
	/* the file may change while it is read: never more than its size at open */
	while (got < (size_t)size) {
		ssize_t n = read(fd, *data + got, (size_t)size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

int warm_file_delete(struct warm *w, const char *name, const char **why)
{
	if (!sbx_cell_plain_name(name)) {
		*why = "not a plain file name";
		return -EINVAL;
	}
	if (unlinkat(w->cell.data_fd, name, 0) < 0) {
		int e = errno;

		*why = e == ENOENT ? "no such file" : e == EISDIR ? "it is a directory"
							    : "cannot delete the file";
		return -e;
	}
	return 0;
}
