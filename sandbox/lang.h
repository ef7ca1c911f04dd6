/*
 * lang.h - the languages a cell can run, as data.
 *
 * Each language names the file its source is staged as in /mnt/data, how to run it,
 * and for compiled languages how to compile it (in a cell of its own, with its own
 * limits). Every path is Debian's, inside the cell's read-only /usr.
 */
#ifndef SBX_LANG_H
#define SBX_LANG_H

#include <stdbool.h>

#define SBX_LANG_MAXARGS 16

struct sbx_lang {
	const char *name;
	const char *aliases;			/* space-separated */
	const char *extensions;			/* space-separated, with the dot */
	const char *source;			/* file name in /mnt/data */
	const char *compile[SBX_LANG_MAXARGS];	/* argv, or { NULL } when interpreted */
	const char *binary;			/* what compile produces, copied to the run cell */
	const char *run[SBX_LANG_MAXARGS];
};

extern const struct sbx_lang sbx_langs[];
extern const unsigned sbx_nlangs;

/* Finds a language by name or alias (case-insensitive). NULL when unknown. */
const struct sbx_lang *sbx_lang_find(const char *name);

/* Finds a language by a file's extension. NULL when unknown. */
const struct sbx_lang *sbx_lang_for_file(const char *path);

static inline bool sbx_lang_compiled(const struct sbx_lang *l)
{
	return l->compile[0] != 0;
}

#endif
