/*
 * buf.h - a growable byte buffer with a hard cap (in the manner of curl's dynbuf).
 *
 * Used for everything whose size the program or the client controls: captured output,
 * staged files. Appending past the cap keeps what fits, marks the buffer truncated and
 * reports it; the buffer never grows beyond cap + 1 bytes (the extra byte holds a NUL
 * so the contents can be handed to string APIs).
 */
#ifndef SBX_BUF_H
#define SBX_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbx_buf {
	char *data;	/* NUL-terminated; NULL until the first append */
	size_t len;
	size_t alloc;
	size_t cap;
	bool truncated;
};

void sbx_buf_init(struct sbx_buf *b, size_t cap);

/*
 * Appends n bytes. Returns 0 when all fit; 1 when the cap was reached and only a prefix
 * was kept (truncated is set); -ENOMEM when memory ran out (the buffer is unchanged).
 */
int sbx_buf_append(struct sbx_buf *b, const void *p, size_t n);

void sbx_buf_free(struct sbx_buf *b);

#endif
