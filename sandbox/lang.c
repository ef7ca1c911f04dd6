/*
 * lang.c - the language table.
 */
#include <string.h>
#include <strings.h>

#include "lang.h"

const struct sbx_lang sbx_langs[] = {
	{
		.name = "python", .aliases = "python3 py", .extensions = ".py",
		.source = "main.py",
		.run = { "/usr/bin/python3", "main.py" },
	},
	{
		.name = "node", .aliases = "javascript js nodejs", .extensions = ".js .mjs",
		.source = "main.js",
		.run = { "/usr/bin/node", "main.js" },
	},
	{
		.name = "bash", .aliases = "sh shell", .extensions = ".sh .bash",
		.source = "main.sh",
		.run = { "/usr/bin/bash", "main.sh" },
	},
	{
		.name = "c", .aliases = "gcc", .extensions = ".c",
		.source = "main.c",
		.compile = { "/usr/bin/gcc", "-O2", "-std=gnu17", "-pipe", "-o", "main",
			     "main.c", "-lm" },
		.binary = "main",
		.run = { "/mnt/data/main" },
	},
	{
		.name = "cpp", .aliases = "c++ g++ cxx", .extensions = ".cpp .cc .cxx .C",
		.source = "main.cpp",
		.compile = { "/usr/bin/g++", "-O2", "-std=gnu++17", "-pipe", "-o", "main",
			     "main.cpp" },
		.binary = "main",
		.run = { "/mnt/data/main" },
	},
};

const unsigned sbx_nlangs = sizeof(sbx_langs) / sizeof(sbx_langs[0]);

/* Is `word` one of the space-separated words of `list`? */
static bool in_list(const char *list, const char *word, bool fold)
{
	size_t wl = strlen(word);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");

		if (n == wl && (fold ? !strncasecmp(p, word, n) : !strncmp(p, word, n)))
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

const struct sbx_lang *sbx_lang_find(const char *name)
{
	for (unsigned i = 0; i < sbx_nlangs; i++)
		if (!strcasecmp(sbx_langs[i].name, name) || in_list(sbx_langs[i].aliases, name, true))
			return &sbx_langs[i];
	return NULL;
}

const struct sbx_lang *sbx_lang_for_file(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return NULL;
	for (unsigned i = 0; i < sbx_nlangs; i++)
		if (in_list(sbx_langs[i].extensions, dot, false))
			return &sbx_langs[i];
	return NULL;
}
