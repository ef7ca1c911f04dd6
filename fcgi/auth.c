/*
 * auth.c - keys to tenants, and the per-tenant quotas (see auth.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/sha.h>

#include "auth.h"

void fcgi_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(p, n, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

const struct conf_tenant *fcgi_auth(struct fcgi_req *r, const struct conf *c,
				    const struct conf_key **key)
{
	const char *h = fcgi_param(r, "HTTP_AUTHORIZATION"), *k = NULL;
	const struct conf_tenant *t;
	unsigned char md[SHA256_DIGEST_LENGTH];

	if (h && !strncasecmp(h, "Bearer ", 7)) {
		k = h + 7;
		while (*k == ' ')
			k++;
	}
	if (!k || !*k)
		k = fcgi_param(r, "HTTP_X_AUTH_TOKEN");
	if (!k || !*k) {
		fcgi_reply_error(r, 401, "Unauthorized", 0,
				 "send an API key: \"Authorization: Bearer <key>\" or "
				 "\"X-Auth-Token: <key>\"");
		return NULL;
	}
	SHA256((const unsigned char *)k, strlen(k), md);
	t = conf_tenant_by_key(c, md, key);
	if (!t) {
		fcgi_reply_error(r, 401, "InvalidApiKey", 0, "the API key is not valid");
		return NULL;
	}
	r->audit.tenant = t->name;
	r->audit.key_id = (*key)->id;
	return t;
}

int fcgi_quota_execution(struct fcgi_req *r, struct pool_dir *d, const struct conf_tenant *t)
{
	time_t now = time(NULL);
	char window[24];
	uint64_t n = 0;

	snprintf(window, sizeof(window), "%lld", (long long)(now / 60));
	if (pool_dir_rate(d, t->name, window, 120, &n) != POOL_DIR_OK)
		return 0;	/* memcached down: not enforced (auth.h) */
	if (n > t->per_minute) {
		fcgi_reply_error(r, 429, "QuotaExceeded", (int)(60 - now % 60),
				 "tenant %s may run %u executions a minute", t->name,
				 t->per_minute);
		return -1;
	}
	return 0;
}
