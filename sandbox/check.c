/*
 * check.c - `stockade check`: probe the kernel, report, and say what follows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cgroup.h"
#include "check.h"
#include "filter.h"
#include "lang.h"

/* Runs fn in a forked child; true when it exited 0. The child may change anything. */
static bool in_child(int (*fn)(unsigned long), unsigned long arg)
{
	int st;
	pid_t p = fork();

	if (p < 0)
		return false;
	if (p == 0)
		_exit(fn(arg) == 0 ? 0 : 1);
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int try_unshare(unsigned long flags)
{
	/* every namespace but the user one needs CAP_SYS_ADMIN in the owning user
	 * namespace: create it alongside, as a cell does */
	return unshare((int)(flags | CLONE_NEWUSER));
}

static int try_seccomp(unsigned long arg)
{
	const struct sbx_filter *f = (const struct sbx_filter *)arg;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sbx_filter_install(f) < 0)
		return 1;
	/* a denied call must now fail with EPERM */
	return syscall(SYS_keyctl, 0, 0, 0, 0, 0) < 0 && errno == EPERM ? 0 : 1;
}

static int try_fsopen(unsigned long arg)
{
	(void)arg;
	return syscall(SYS_fsopen, "tmpfs", 0) < 0 ? 1 : 0;
}

static bool have_syscall(long nr, long a0, long a1, long a2, long a3)
{
	errno = 0;
	return syscall(nr, a0, a1, a2, a3) >= 0 || errno != ENOSYS;
}

static void line(FILE *out, bool ok, const char *what, const char *detail, int *fails)
{
	fprintf(out, "  [%s] %-34s %s\n", ok ? " ok " : "MISS", what, detail);
	if (!ok)
		(*fails)++;
}

int sbx_check(FILE *out, const struct sbx_site *site)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} ns[] = {
		{ "user namespace", 0 },
		{ "pid namespace", CLONE_NEWPID },
		{ "mount namespace", CLONE_NEWNS },
		{ "network namespace", CLONE_NEWNET },
		{ "ipc namespace", CLONE_NEWIPC },
		{ "uts namespace", CLONE_NEWUTS },
		{ "cgroup namespace", CLONE_NEWCGROUP },
	};
	struct utsname u;
	struct sbx_cg_sys sys;
	struct sbx_filter f;
	const char *why = "";
	char names[64], detail[512];
	int fails = 0, opt_fails = 0;

	uname(&u);
	fprintf(out, "Stockade kernel check (%s %s, %s)\n\n", u.sysname, u.release, u.machine);
	fprintf(out, "Isolation\n");
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		line(out, in_child(try_unshare, ns[i].flag), ns[i].name, "", &fails);

	if (sbx_filter_build(&f, &why) == 0) {
		snprintf(detail, sizeof(detail), "%zu rules, %u BPF instructions",
			 sbx_filter_nrules, f.prog.len);
		line(out, in_child(try_seccomp, (unsigned long)&f), "seccomp filter", detail, &fails);
		sbx_filter_free(&f);
	} else {
		line(out, false, "seccomp filter", why, &fails);
	}
	line(out, in_child(try_fsopen, 0), "mount API (fsopen, move_mount)",
	     "the supervisor's handle on /mnt/data", &fails);
	line(out, have_syscall(SYS_pidfd_open, getpid(), 0, 0, 0), "pidfd_open", "", &fails);
	{
		struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
		long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));

		line(out, fd >= 0, "openat2 RESOLVE_BENEATH", "file copies never follow links",
		     &fails);
		if (fd >= 0)
			close((int)fd);
	}

	fprintf(out, "\nControl groups (under %s)\n", site->cgroup_root);
	if (sbx_cg_detect(site, &sys, &why) < 0 || sys.version == SBX_CG_NONE) {
		line(out, false, "cgroup file system", "none found", &fails);
	} else {
		snprintf(detail, sizeof(detail), "%s", sys.version == SBX_CG_V1 ?
			 "v1 (one hierarchy per controller)" : "v2 (unified)");
		line(out, true, "cgroup version", detail, &fails);
		for (int h = 0; h < sys.nhier; h++)
			fprintf(out, "         %-34s %s\n", sbx_cg_ctl_names(sys.hier[h].ctl, names,
				sizeof(names)), sys.hier[h].path);
		line(out, sys.ctl & SBX_CTL_MEMORY, "memory controller",
		     "memory limit, peak memory, OOM kills", &fails);
		line(out, sys.ctl & SBX_CTL_PIDS, "pids controller", "process limit (fork bombs)",
		     &fails);
		line(out, sys.ctl & SBX_CTL_CPU, "cpu controller", "CPU bandwidth (cores)", &fails);
		line(out, sys.ctl & SBX_CTL_CPUACCT, "cpu accounting", "CPU time limit", &fails);
		if (sys.version == SBX_CG_V1)
			fprintf(out, "         %-34s %s\n", "swap accounting (memsw)",
				sys.memsw ? "yes: swap is limited to 0" : "no (no swap to limit)");
		if (sys.version == SBX_CG_V2)
			line(out, have_syscall(SYS_clone3, 0, 0, 0, 0), "clone3 CLONE_INTO_CGROUP",
			     "cells are born inside their cgroup", &fails);
		else
			fprintf(out, "         %-34s %s\n", "cell placement",
				"a helper joins the group itself, then clones the cell");
	}

	fprintf(out, "\nRuntimes (from the host's /usr, read-only in the cell)\n");
	for (unsigned i = 0; i < sbx_nlangs; i++) {
		const struct sbx_lang *l = &sbx_langs[i];
		const char *tool = sbx_lang_compiled(l) ? l->compile[0] : l->run[0];
		bool ok = access(tool, X_OK) == 0;

		snprintf(detail, sizeof(detail), "%s%s", tool, ok ? "" : " not installed");
		fprintf(out, "  [%s] %-34s %s\n", ok ? " ok " : "MISS", l->name, detail);
		if (!ok)
			opt_fails++;
	}

	fprintf(out, "\n");
	if (fails == 0) {
		fprintf(out, "Every isolation feature and limit is available: cells get all of "
			"them.\n");
	} else {
		fprintf(out, "%d required feature%s missing. Stockade does not run code with a "
			"weaker sandbox: `stockade run` refuses to start a cell and names what is "
			"missing. Without a cgroup controller its limit would not be enforced by "
			"the kernel; without a namespace or seccomp the program could reach the "
			"host.\n", fails, fails == 1 ? " is" : "s are");
	}
	if (opt_fails)
		fprintf(out, "A language whose runtime is missing answers with an internal error "
			"naming the missing program; build/deps.sh installs them.\n");
	return fails ? 1 : 0;
}
