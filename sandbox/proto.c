/*
 * proto.c - framing and checking of the keeper's messages (see proto.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto.h"
#include "result.h"
#include "util.h"

static const char *const type_names[PROTO_TYPE_MAX] = {
	[PROTO_BIND] = "bind",
	[PROTO_EXEC] = "exec",
	[PROTO_FILE_PUT] = "file_put",
	[PROTO_FILE_LIST] = "file_list",
	[PROTO_FILE_GET] = "file_get",
	[PROTO_FILE_DELETE] = "file_delete",
	[PROTO_SESSION_DELETE] = "session_delete",
	[PROTO_SESSIONS] = "sessions",
	[PROTO_POOL] = "pool",
	[PROTO_JUDGE] = "judge",
	[PROTO_LANGUAGES] = "languages",
};

const char *proto_type_name(unsigned type)
{
	type &= ~(unsigned)PROTO_REPLY;
	return type > 0 && type < PROTO_TYPE_MAX ? type_names[type] : NULL;
}

unsigned proto_type_by_name(const char *name)
{
	for (unsigned t = 1; t < PROTO_TYPE_MAX; t++)
		if (!strcmp(type_names[t], name))
			return t;
	return 0;
}

/* Reads exactly n bytes by the deadline (sbx_now_ns clock): a client that trickles
 * bytes cannot hold a connection longer than one deadline per message. */
static int read_full(int fd, void *p, size_t n, unsigned long long deadline, bool *none)
{
	size_t got = 0;

	*none = true;
	while (got < n) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		unsigned long long now = sbx_now_ns();
		ssize_t r;
		int pr;

		if (now >= deadline)
			return -ETIMEDOUT;
		pr = poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return -errno;
		if (pr == 0)
			continue;	/* the deadline check above decides */
		r = read(fd, (char *)p + got, n - got);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EPIPE;
		*none = false;
		got += (size_t)r;
	}
	return 0;
}

int proto_read(int fd, struct proto_msg *m, size_t max_blob, int timeout_ms, const char **why)
{
	struct proto_head h;
	json_error_t je;
	char *text;
	bool none;
	int rc;

	unsigned long long deadline = sbx_now_ns() + (unsigned long long)timeout_ms * 1000000ULL;

	memset(m, 0, sizeof(*m));
	*why = NULL;
	/* waiting for a message: timeout_ms; once it has begun, all of it within
	 * timeout_ms more */
	rc = read_full(fd, &h, sizeof(h), deadline, &none);
	deadline = sbx_now_ns() + (unsigned long long)timeout_ms * 1000000ULL;
	if (rc < 0) {
		if (rc == -EPIPE && !none) {
			*why = "the connection ended inside a header";
			return -EPROTO;
		}
		return rc;
	}
	if (max_blob > PROTO_MAX_BLOB)
		max_blob = PROTO_MAX_BLOB;
	if (h.magic != PROTO_MAGIC || h.flags != 0) {
		*why = "not a keeper message (bad magic)";
		return -EPROTO;
	}
	if (!proto_type_name(h.type)) {
		*why = "unknown message type";
		return -EPROTO;
	}
	if (h.json_len == 0 || h.json_len > PROTO_MAX_JSON) {
		*why = "the JSON part is empty or too large";
		return -EPROTO;
	}

	text = malloc(h.json_len);
	if (!text)
		return -ENOMEM;
	rc = read_full(fd, text, h.json_len, deadline, &none);
	if (rc == 0) {
		m->json = json_loadb(text, h.json_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
		if (!json_is_object(m->json)) {
			json_decref(m->json);
			m->json = NULL;
			*why = "the JSON part is not a JSON object";
			rc = -EPROTO;
		}
	}
	free(text);
	if (rc < 0) {
		if (rc == -EPIPE) {
			*why = "the connection ended inside a message";
			rc = -EPROTO;
		}
		return rc;
	}
	if (h.blob_len > PROTO_MAX_BLOB) {
		*why = "the blob is larger than any message may be";
		return -EPROTO;
	}
	if (h.blob_len > max_blob) {
		/* read and dropped: the request gets an answer, the connection stays */
		char sink[65536];

		for (size_t left = h.blob_len; left > 0;) {
			size_t n = left < sizeof(sink) ? left : sizeof(sink);

			rc = read_full(fd, sink, n, deadline, &none);
			if (rc < 0) {
				proto_msg_free(m);
				if (rc == -EPIPE) {
					*why = "the connection ended inside a blob";
					rc = -EPROTO;
				}
				return rc;
			}
			left -= n;
		}
		m->blob_over = true;
	} else if (h.blob_len) {
		m->blob = malloc(h.blob_len);
		if (!m->blob) {
			proto_msg_free(m);
			return -ENOMEM;
		}
		rc = read_full(fd, m->blob, h.blob_len, deadline, &none);
		if (rc < 0) {
			proto_msg_free(m);
			if (rc == -EPIPE) {
				*why = "the connection ended inside a blob";
				rc = -EPROTO;
			}
			return rc;
		}
		m->blob_len = h.blob_len;
	}
	m->type = h.type;
	return 0;
}

int proto_write(int fd, unsigned type, json_t *json, const void *blob, size_t blob_len)
{
	char *text = json_dumps(json, JSON_COMPACT);
	struct proto_head h;
	int rc;

	if (!text)
		return -ENOMEM;
	h = (struct proto_head){ .magic = PROTO_MAGIC, .type = (uint16_t)type,
				 .json_len = (uint32_t)strlen(text),
				 .blob_len = (uint32_t)blob_len };
	if (strlen(text) > PROTO_MAX_JSON || blob_len > PROTO_MAX_BLOB) {
		free(text);
		return -EMSGSIZE;
	}
	{
		/* header and JSON in one write: the reader wakes once for a small message */
		size_t tl = strlen(text);
		char *msg = malloc(sizeof(h) + tl);

		if (!msg) {
			free(text);
			return -ENOMEM;
		}
		memcpy(msg, &h, sizeof(h));
		memcpy(msg + sizeof(h), text, tl);
		rc = sbx_write_all(fd, msg, sizeof(h) + tl);
		free(msg);
	}
	if (rc == 0 && blob_len)
		rc = sbx_write_all(fd, blob, blob_len);
	free(text);
	return rc;
}

void proto_msg_free(struct proto_msg *m)
{
	json_decref(m->json);
	free(m->blob);
	memset(m, 0, sizeof(*m));
}

json_t *proto_error(const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", code, "message", msg);
}

static bool all_of(const char *s, size_t max, const char *extra)
{
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= max)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr(extra, c))))
			return false;
	}
	return n > 0;
}

bool proto_valid_tenant(const char *s)
{
	return s && all_of(s, PROTO_MAX_TENANT, "_-");
}

bool proto_valid_id(const char *s)
{
	return s && all_of(s, PROTO_MAX_ID, "._~:@+=-");
}

bool proto_valid_file_name(const char *s, size_t len)
{
	if (!s || len == 0 || len > 255 || strlen(s) != len)
		return false;	/* empty, too long, or with a NUL inside */
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' || s[i] == '\\')
			return false;
	return sbx_utf8_valid(s, len);
}

int proto_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int proto_call(int fd, unsigned type, json_t *req, const void *blob, size_t blob_len,
	       struct proto_msg *reply, int timeout_ms, const char **why)
{
	int rc = proto_write(fd, type, req, blob, blob_len);

	if (rc < 0) {
		*why = "cannot send the request to the keeper";
		return rc;
	}
	rc = proto_read(fd, reply, PROTO_MAX_BLOB, timeout_ms, why);
	if (rc < 0) {
		if (!*why)
			*why = rc == -ETIMEDOUT ? "the keeper did not answer in time"
						: "the keeper closed the connection";
		return rc;
	}
	if (reply->type != (PROTO_REPLY | type)) {
		proto_msg_free(reply);
		*why = "the keeper's reply does not match the request";
		return -EPROTO;
	}
	return 0;
}
