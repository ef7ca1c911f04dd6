/*
 * buf.c - capped growable buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void sbx_buf_init(struct sbx_buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

int sbx_buf_append(struct sbx_buf *b, const void *p, size_t n)
{
	size_t room = b->cap - b->len;
	size_t take = n < room ? n : room;
	int rc = take < n ? 1 : 0;

	if (take > 0 || !b->data) {
		size_t need = b->len + take + 1;

		if (need > b->alloc) {
			size_t na = b->alloc ? b->alloc : 4096;
			char *nd;

			while (na < need)
				na *= 2;
			if (na > b->cap + 1)
				na = b->cap + 1;
			nd = realloc(b->data, na);
			if (!nd)
				return -ENOMEM;
			b->data = nd;
			b->alloc = na;
		}
		memcpy(b->data + b->len, p, take);
		b->len += take;
		b->data[b->len] = '\0';
	}
	if (rc)
		b->truncated = true;
	return rc;
}

void sbx_buf_free(struct sbx_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}
