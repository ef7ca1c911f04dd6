/*
 * keeper.h - stockade-fcgi's side of the keeper's protocol (sandbox/proto.h).
 *
 * Each worker keeps one connection to the keeper's socket and sends one request at a
 * time over it. The keeper drops a connection that stays idle; before each call the
 * worker checks (poll, no wait) whether its connection was closed and, if so, opens a
 * new one, so a keeper restart costs the next request nothing but a connect. A call
 * that fails half-way is never repeated (an execution must not run twice): it closes
 * the connection and reports the failure.
 */
#ifndef FCGI_KEEPER_H
#define FCGI_KEEPER_H

#include <jansson.h>

#include "proto.h"

/* Where the keeper listens. Call once, before the first call. */
void fcgi_keeper_init(const char *socket_path);

/*
 * One request (req is borrowed). Returns 0 with *reply filled (the keeper's answer,
 * which may be {"ok": false, ...}), or -errno when the keeper could not be reached or
 * did not answer within timeout_ms, with *why.
 */
int fcgi_keeper_call(unsigned type, json_t *req, const void *blob, size_t blob_len,
		     struct proto_msg *reply, int timeout_ms, const char **why);

/* Closes the connection (before fork, at exit). */
void fcgi_keeper_close(void);

#endif
