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
#include <stddef.h>

#define SBX_LANG_MAXARGS 16

struct sbx_lang {
	const char *name;
	const char *aliases;			/* space-separated */
	const char *extensions;			/* space-separated, with the dot */
	const char *source;			/* file name in /mnt/data */
	const char *compile[SBX_LANG_MAXARGS];	/* argv, or { NULL } when interpreted */
	const char *binary;			/* what compile produces, copied to the run
						 * cell: a file name, or "*<suffix>" for every
						 * file with that suffix (Java's classes) */
	const char *run[SBX_LANG_MAXARGS];	/* "{memory_mb}" in a word becomes the
						 * memory limit in MiB (a JVM's heap) */
	const char *version[4];			/* run on the host, prints the version */
};

extern const struct sbx_lang sbx_langs[];
extern const unsigned sbx_nlangs;

/* Finds a language by name or alias (case-insensitive). NULL when unknown. */
const struct sbx_lang *sbx_lang_find(const char *name);

/* Finds a language by a file's extension. NULL when unknown. */
const struct sbx_lang *sbx_lang_for_file(const char *path);

/*
 * Appends words to argv[*n..max) (NULL-terminated after), copying them into
 * buf[*used..buflen) with "{memory_mb}" replaced by memory / 1 MiB. Returns 0, or
 * -E2BIG when argv or buf is full.
 */
int sbx_lang_words(const char *const *words, unsigned long long memory, const char **argv,
		   unsigned *n, unsigned max, char *buf, size_t *used, size_t buflen);

/* Whether a file of the compile cell is part of the compiled program (lang->binary). */
bool sbx_lang_is_binary(const struct sbx_lang *l, const char *file);

static inline bool sbx_lang_compiled(const struct sbx_lang *l)
{
	return l->compile[0] != 0;
}

#endif
