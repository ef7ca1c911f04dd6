/*
 * lang.c - the language table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lang.h"

const struct sbx_lang sbx_langs[] = {
	{
		.name = "python", .aliases = "python3 py", .extensions = ".py",
		.source = "main.py",
		.run = { "/usr/bin/python3", "main.py" },
		.version = { "/usr/bin/python3", "--version" },
	},
	{
		.name = "node", .aliases = "javascript js nodejs", .extensions = ".js .mjs",
		.source = "main.js",
		.run = { "/usr/bin/node", "main.js" },
		.version = { "/usr/bin/node", "--version" },
	},
	{
		.name = "bash", .aliases = "sh shell", .extensions = ".sh .bash",
		.source = "main.sh",
		.run = { "/usr/bin/bash", "main.sh" },
		.version = { "/usr/bin/bash", "--version" },
	},
	{
		.name = "c", .aliases = "gcc", .extensions = ".c",
		.source = "main.c",
		.compile = { "/usr/bin/gcc", "-O2", "-std=gnu17", "-pipe", "-o", "main",
			     "main.c", "-lm" },
		.binary = "main",
		.run = { "/mnt/data/main" },
		.version = { "/usr/bin/gcc", "-dumpfullversion" },
	},
	{
		.name = "cpp", .aliases = "c++ g++ cxx", .extensions = ".cpp .cc .cxx .C",
		.source = "main.cpp",
		.compile = { "/usr/bin/g++", "-O2", "-std=gnu++17", "-pipe", "-o", "main",
			     "main.cpp" },
		.binary = "main",
		.run = { "/mnt/data/main" },
		.version = { "/usr/bin/g++", "-dumpfullversion" },
	},
	{
		/* Debian's default JDK (default-jdk-headless). The JVM is limited by the
		 * cell's memory cgroup, never by an address-space rlimit (which breaks its
		 * reservations); its heap is sized to the limit. The class must be Main. */
		.name = "java", .aliases = "openjdk", .extensions = ".java",
		.source = "Main.java",
		.compile = { "/usr/lib/jvm/default-java/bin/javac", "-J-XX:+UseSerialGC",
			     "-J-XX:TieredStopAtLevel=1", "-J-Xss8m", "-encoding", "UTF-8",
			     "Main.java" },
		.binary = "*.class",
		.run = { "/usr/lib/jvm/default-java/bin/java", "-XX:+UseSerialGC",
			 "-XX:TieredStopAtLevel=1", "-Xss64m", "-Xmx{memory_mb}m",
			 "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m",
			 "-Xshare:auto", "-cp", "/mnt/data", "Main" },
		.version = { "/usr/lib/jvm/default-java/bin/java", "-version" },
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

int sbx_lang_words(const char *const *words, unsigned long long memory, const char **argv,
		   unsigned *n, unsigned max, char *buf, size_t *used, size_t buflen)
{
	static const char mark[] = "{memory_mb}";
	char mb[24];

	snprintf(mb, sizeof(mb), "%llu", memory >> 20);
	for (; *words; words++) {
		const char *w = *words, *at = strstr(w, mark);
		size_t len = strlen(w) + (at ? strlen(mb) - (sizeof(mark) - 1) : 0);
		char *out = buf + *used;

		if (*n + 1 >= max || len + 1 > buflen - *used)
			return -E2BIG;
		if (at)
			snprintf(out, len + 1, "%.*s%s%s", (int)(at - w), w, mb,
				 at + sizeof(mark) - 1);
		else
			memcpy(out, w, len + 1);
		*used += len + 1;
		argv[(*n)++] = out;
	}
	argv[*n] = NULL;
	return 0;
}

bool sbx_lang_is_binary(const struct sbx_lang *l, const char *file)
{
	size_t fl = strlen(file), sl;

	if (!l->binary)
		return false;
	if (l->binary[0] != '*')
		return !strcmp(l->binary, file);
	sl = strlen(l->binary + 1);
	return fl > sl && !strcmp(file + fl - sl, l->binary + 1);
}
