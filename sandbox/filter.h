/*
 * filter.h - the seccomp filter every cell runs under.
 *
 * The filter allows by default and denies, with an errno, the system calls a sandboxed
 * program never needs and that widen the kernel's attack surface or reach outside the
 * cell. System calls of any ABI but the native one kill the process. The rule table is
 * data (sbx_filter_rules), each rule with the reason it exists; the filter is compiled
 * once by libseccomp in the supervisor and installed with one seccomp(2) call in the
 * cell, so no allocation happens after fork.
 */
#ifndef SBX_FILTER_H
#define SBX_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/filter.h>

enum sbx_filter_match {
	SBX_MATCH_ALL,		/* every call */
	SBX_MATCH_BITS_ANY,	/* args[cond[0].arg] has any bit of cond[0].mask (clone) */
	SBX_MATCH_MASKED_EQ,	/* every cond: (args[arg] & mask) == value */
};

/* One comparison of an argument. Arguments the kernel reads as int (socket family,
 * ioctl request, mknod mode) must be masked to 32 bits: seccomp sees the whole
 * register, and upper bits the kernel ignores would otherwise slip past a rule. */
struct sbx_filter_cond {
	unsigned arg;
	unsigned long mask;
	unsigned long value;
};

struct sbx_filter_rule {
	const char *syscall;
	enum sbx_filter_match match;
	struct sbx_filter_cond cond[2];
	unsigned ncond;
	int err;		/* errno returned instead of running the call */
	bool optional;		/* absent on some architectures or kernels */
	const char *why;
};

extern const struct sbx_filter_rule sbx_filter_rules[];
extern const size_t sbx_filter_nrules;

struct sbx_filter {
	struct sock_fprog prog;
};

/* Compiles the table for the native architecture. Returns 0, or -errno with *why
 * naming the rule libseccomp refused. */
int sbx_filter_build(struct sbx_filter *f, const char **why);

/* Installs the compiled filter on the calling thread; no_new_privs must already be
 * set. Async-signal-safe. Returns 0 or -errno. */
int sbx_filter_install(const struct sbx_filter *f);

void sbx_filter_free(struct sbx_filter *f);

/*
 * Puts the calling process (and what it forks) under the same filter: for stockade-fcgi,
 * which parses untrusted HTTP input and must never create namespaces, mount, trace or
 * load kernel code even though its unprivileged user could try. Sets no_new_privs.
 * Returns 0, or -errno with *why.
 */
int sbx_filter_confine(const char **why);

#endif
