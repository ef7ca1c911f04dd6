/*
 * runners.c - the runner sources, embedded with .incbin (the compiler runs from the
 * repository's root), each followed by a NUL so it can be passed as an argument.
 */
#include <string.h>

#include "runners.h"

#define EMBED(sym, file)                                                        \
	__asm__(".section .rodata\n"                                            \
		".global " #sym "\n"                                            \
		".type " #sym ", @object\n"                                     \
		".balign 16\n" #sym ":\n"                                       \
		".incbin \"" file "\"\n"                                        \
		".byte 0\n"                                                     \
		".previous\n");                                                 \
	extern const char sym[]

EMBED(pool_runner_python, "sandbox/runners/python.py");
EMBED(pool_runner_node, "sandbox/runners/node.js");
EMBED(pool_runner_bash, "sandbox/runners/bash.sh");

static const char *const pool_runner_python_p = pool_runner_python;
static const char *const pool_runner_node_p = pool_runner_node;
static const char *const pool_runner_bash_p = pool_runner_bash;

const char *const pool_runner_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin",
	/* the working directory is /mnt/data, the user's files; dot-files of libraries
	 * (matplotlib's font cache, shell history) go to /tmp instead */
	"HOME=/tmp",
	"MPLCONFIGDIR=/tmp/.matplotlib",
	"MPLBACKEND=Agg",
	/* Debian's matplotlib reads its defaults from /etc/matplotlibrc, which the cell's
	 * generated /etc lacks; the same file ships under /usr */
	"MATPLOTLIBRC=/usr/share/matplotlib/mpl-data/matplotlibrc",
	"LANG=C.UTF-8",
	NULL,
};

/* How each runner is started; the source goes in place of the NULL at `code`. */
static const struct {
	const char *name;
	const char *const *src;
	int code;
	const char *argv[POOL_RUNNER_MAXARGS];
} runners[] = {
	{ "python", &pool_runner_python_p, 3, { "/usr/bin/python3", "-I", "-c", NULL } },
	{ "node", &pool_runner_node_p, 2, { "/usr/bin/node", "-e", NULL } },
	/* "bash" is $0: the shell's name in its messages */
	{ "bash", &pool_runner_bash_p, 4,
	  { "/usr/bin/bash", "--noprofile", "--norc", "-c", NULL, "bash" } },
};

int pool_runner_argv(const char *runtime, const char *argv[POOL_RUNNER_MAXARGS])
{
	for (size_t r = 0; r < sizeof(runners) / sizeof(runners[0]); r++) {
		if (strcmp(runners[r].name, runtime))
			continue;
		for (int i = 0; i < POOL_RUNNER_MAXARGS; i++)
			argv[i] = i == runners[r].code ? *runners[r].src : runners[r].argv[i];
		return 0;
	}
	return -1;
}
