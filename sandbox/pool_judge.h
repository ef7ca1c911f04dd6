/*
 * pool_judge.h - the keeper's judge: PROTO_JUDGE and PROTO_LANGUAGES.
 *
 * The keeper owns one pool of pre-started empty cells (<judge spare>) shared by every
 * judging connection, and the languages' versions, detected once at start-up. A
 * request is checked field by field against <judge>'s maxima (errors name the field),
 * judged with sbx_judge, and answered with the result object of judge.h.
 */
#ifndef POOL_JUDGE_H
#define POOL_JUDGE_H

#include <jansson.h>

#include "conf.h"
#include "slot.h"
#include "cgroup.h"

/* Starts the spare cells and detects the versions. Returns 0, or -errno with *why. */
int pool_judge_open(const struct conf *c, const struct sbx_site *site,
		    const struct sbx_cg_sys *sys, const char **why);

/* Answers a PROTO_JUDGE request: {"ok": true, "result": {...}} or an error. */
json_t *pool_judge_handle(json_t *req);

/* Answers PROTO_LANGUAGES. */
json_t *pool_judge_languages(void);

/* The spare cells' state, for PROTO_POOL: {"ready", "target", "started", ...}. */
json_t *pool_judge_stats(void);

/* Ends every spare cell (at shutdown; judging requests then fail). */
void pool_judge_close(void);

#endif
