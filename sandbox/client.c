/*
 * client.c - the keeper's command-line client (see client.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "limit.h"
#include "proto.h"
#include "util.h"

#define MAX_CODE (1u << 20)

void client_usage(FILE *f)
{
	fprintf(f,
		"       stockade exec --session ID [--lang L] [--timeout S] (FILE | -c CODE)\n"
		"       stockade files --session ID (list | put FILE [NAME] | get NAME [OUT] | rm NAME)\n"
		"       stockade sessions [--delete ID]\n"
		"       stockade pool\n"
		"  keeper options: --socket PATH, --tenant T (default \"dev\"); --lang names the\n"
		"  runtime of a new session (default python)\n");
}

static const char *socket_path(const char *opt)
{
	static char buf[4096];
	const char *dir;

	if (opt)
		return opt;
	if ((opt = getenv("STOCKADE_POOL_SOCKET")) && *opt)
		return opt;
	dir = getenv("STOCKADE_RUN_DIR");
	snprintf(buf, sizeof(buf), "%s/pool.sock", dir && *dir ? dir : "/tmp/stockade-dev");
	return buf;
}

static int print_reply(struct proto_msg *r)
{
	char *text = json_dumps(r->json, JSON_INDENT(2));
	bool ok = json_is_true(json_object_get(r->json, "ok"));

	if (text)
		puts(text);
	free(text);
	return ok ? 0 : 1;
}

int client_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "session", required_argument, NULL, 's' },
		{ "tenant", required_argument, NULL, 't' },
		{ "lang", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "delete", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0], *sock = NULL, *session = NULL, *tenant = "dev";
	const char *lang = NULL, *code = NULL, *del = NULL, *why = NULL;
	uint64_t timeout_ms = 0;
	char *owned = NULL, *blob = NULL;
	size_t len = 0, blob_len = 0;
	json_t *req = json_object();
	struct proto_msg reply;
	unsigned type = 0;
	const char *out_path = NULL;
	int opt, fd, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'S': sock = optarg; break;
		case 's': session = optarg; break;
		case 't': tenant = optarg; break;
		case 'l': lang = optarg; break;
		case 'c': code = optarg; break;
		case 'd': del = optarg; break;
		case 'T':
			if (sbx_parse_seconds(optarg, &timeout_ms) < 0) {
				fprintf(stderr, "stockade: --timeout: not seconds: %s\n", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	json_object_set_new(req, "tenant", json_string(tenant));
	if (session)
		json_object_set_new(req, "session", json_string(session));
	if (lang)
		json_object_set_new(req, "runtime", json_string(lang));

	if (!strcmp(cmd, "exec")) {
		type = PROTO_EXEC;
		if (!session || (code ? argc != 0 : argc != 1)) {
			fprintf(stderr, "stockade exec: --session ID and one of FILE or -c CODE\n");
			goto usage;
		}
		if (!code) {
			code = owned = sbx_slurp(argv[0], MAX_CODE, &len, &why);
			if (!code) {
				fprintf(stderr, "stockade: %s: %s\n", argv[0], why);
				json_decref(req);
				return 1;
			}
		} else {
			len = strlen(code);
		}
		json_object_set_new(req, "code", json_stringn(code, len));
		if (timeout_ms)
			json_object_set_new(req, "timeout_ms", json_integer((json_int_t)timeout_ms));
	} else if (!strcmp(cmd, "files")) {
		if (!session || argc < 1)
			goto usage;
		if (!strcmp(argv[0], "list") && argc == 1) {
			type = PROTO_FILE_LIST;
		} else if (!strcmp(argv[0], "put") && (argc == 2 || argc == 3)) {
			const char *base = strrchr(argv[1], '/');

			type = PROTO_FILE_PUT;
			blob = owned = sbx_slurp(argv[1], PROTO_MAX_BLOB, &blob_len, &why);
			if (!blob) {
				fprintf(stderr, "stockade: %s: %s\n", argv[1], why);
				json_decref(req);
				return 1;
			}
			json_object_set_new(req, "name",
					    json_string(argc == 3 ? argv[2] : base ? base + 1 : argv[1]));
		} else if (!strcmp(argv[0], "get") && (argc == 2 || argc == 3)) {
			type = PROTO_FILE_GET;
			json_object_set_new(req, "name", json_string(argv[1]));
			out_path = argc == 3 ? argv[2] : NULL;
		} else if (!strcmp(argv[0], "rm") && argc == 2) {
			type = PROTO_FILE_DELETE;
			json_object_set_new(req, "name", json_string(argv[1]));
		} else {
			goto usage;
		}
	} else if (!strcmp(cmd, "sessions")) {
		if (argc)
			goto usage;
		type = del ? PROTO_SESSION_DELETE : PROTO_SESSIONS;
		if (del)
			json_object_set_new(req, "session", json_string(del));
	} else if (!strcmp(cmd, "pool")) {
		if (argc)
			goto usage;
		type = PROTO_POOL;
	}

	fd = proto_connect(socket_path(sock));
	if (fd < 0) {
		fprintf(stderr, "stockade: cannot reach the keeper at %s: %s\n", socket_path(sock),
			strerror(-fd));
		free(owned);
		json_decref(req);
		return 1;
	}
	rc = proto_call(fd, type, req, type == PROTO_FILE_PUT ? blob : NULL,
			type == PROTO_FILE_PUT ? blob_len : 0, &reply, 3600 * 1000, &why);
	close(fd);
	free(owned);
	json_decref(req);
	if (rc < 0) {
		fprintf(stderr, "stockade: %s: %s\n", why, strerror(-rc));
		return 1;
	}
	if (type == PROTO_FILE_GET && json_is_true(json_object_get(reply.json, "ok"))) {
		/* the bytes go to OUT, or to stdout; the reply then to stderr */
		int ofd = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;

		if (ofd < 0 || sbx_write_all(ofd, reply.blob ? reply.blob : "", reply.blob_len) < 0) {
			fprintf(stderr, "stockade: cannot write %s: %s\n", out_path ? out_path : "stdout",
				strerror(errno));
			proto_msg_free(&reply);
			return 1;
		}
		if (out_path) {
			close(ofd);
			rc = print_reply(&reply);
		} else {
			char *text = json_dumps(reply.json, JSON_COMPACT);

			fprintf(stderr, "%s\n", text ? text : "");
			free(text);
			rc = 0;
		}
	} else {
		rc = print_reply(&reply);
	}
	proto_msg_free(&reply);
	return rc;

usage:
	fprintf(stderr, "usage:\n");
	client_usage(stderr);
	free(owned);
	json_decref(req);
	return 2;
}
