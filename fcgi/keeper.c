/*
 * keeper.c - one connection per worker to the keeper (see keeper.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "keeper.h"

static char sock_path[4096];
static int kfd = -1;

void fcgi_keeper_init(const char *socket_path)
{
	snprintf(sock_path, sizeof(sock_path), "%s", socket_path);
}

void fcgi_keeper_close(void)
{
	if (kfd >= 0)
		close(kfd);
	kfd = -1;
}

/* Whether the idle connection is still usable: no EOF, no error, nothing unread. */
static int still_open(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };

	if (poll(&p, 1, 0) < 0)
		return 0;
	return p.revents == 0;
}

int fcgi_keeper_call(unsigned type, json_t *req, const void *blob, size_t blob_len,
		     struct proto_msg *reply, int timeout_ms, const char **why)
{
	int rc;

	if (kfd >= 0 && !still_open(kfd))
		fcgi_keeper_close();
	if (kfd < 0) {
		kfd = proto_connect(sock_path);
		if (kfd < 0) {
			rc = kfd;
			kfd = -1;
			*why = "cannot connect to the keeper";
			return rc;
		}
		{
			/* a keeper that stops reading (hung, stopped) fails a send instead of
			 * holding the worker for good; reads have their own deadline */
			struct timeval tv = { .tv_sec = 60 };

			setsockopt(kfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
	}
	rc = proto_call(kfd, type, req, blob, blob_len, reply, timeout_ms, why);
	if (rc < 0)
		fcgi_keeper_close();
	return rc;
}
