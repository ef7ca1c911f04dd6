/*
 * The cgroup v2 code path, end to end: a whole cell on a cgroup2 hierarchy.
 *
 * Hosts like the one CI runs on mount cgroup v1 controllers, with an empty cgroup2
 * tree beside them. No controller can be on both, so this test runs cells on the v2
 * tree while requiring only what v2 always has (CPU accounting in cpu.stat): it proves
 * the v2 mechanics (clone3 CLONE_INTO_CGROUP, cpu.stat, the CPU limit, cgroup.kill,
 * removal), not the memory and pids limits, which the v1 suites cover. Skips when not
 * root or when no cgroup2 tree is mounted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cell.h"
#include "tap.h"

static const char *const env[] = { "PATH=/usr/bin:/bin", NULL };

static int run(struct sbx_site *site, struct sbx_cg_sys *sys, struct sbx_filter *f,
	       const struct sbx_limits *l, const char *script, struct sbx_outcome *o,
	       struct sbx_cell *keep)
{
	const char *argv[] = { "/usr/bin/bash", "-c", script, NULL };
	struct sbx_exec x = { .argv = argv, .envp = env, .stdin_fd = -1 };
	struct sbx_cell c;
	const char *why = NULL;
	int rc = sbx_cell_open(&c, site, sys, l, &why);

	if (rc < 0) {
		printf("# open: %s (%s)\n", why, strerror(-rc));
		return rc;
	}
	rc = sbx_cell_exec(&c, f, &x, o, &why);
	if (rc < 0)
		printf("# exec: %s\n", why);
	if (keep)
		*keep = c;
	else
		sbx_cell_close(&c);
	return rc;
}

int main(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct sbx_site site;
	struct sbx_cg_sys sys;
	struct sbx_filter f;
	struct sbx_limits l;
	struct sbx_outcome o;
	struct sbx_cell c;
	const char *why = NULL, *root = NULL;
	char path[512], state[] = "/tmp/stockade-v2-XXXXXX";
	struct stat st;
	int rc;

	for (size_t i = 0; i < 2 && !root; i++) {
		struct statfs sf;

		if (statfs(roots[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			root = roots[i];
	}
	if (geteuid() != 0 || !root) {
		printf("1..0 # SKIP %s\n", geteuid() ? "needs root" : "no cgroup2 tree mounted");
		return 0;
	}
	plan(16);
	setenv("STOCKADE_CGROUP_ROOT", root, 1);
	setenv("STOCKADE_CGROUP_PARENT", "stockade-test-v2", 1);
	setenv("STOCKADE_STATE_DIR", mkdtemp(state), 1);
	ok(sbx_site_from_env(&site, &why) == 0, "site");
	site.cgroup_need = SBX_CTL_CPUACCT;
	ok(sbx_cg_detect(&site, &sys, &why) == 0 && sys.version == SBX_CG_V2,
	   "%s detected as cgroup v2", root);
	memset(&f, 0, sizeof(f));
	sbx_limits_default(&l);

	/* born inside its group: the program's own /proc/self/cgroup is the cell's root,
	 * and the host sees the process under stockade-test-v2/cell-N */
	rc = run(&site, &sys, &f, &l, "cat /proc/self/cgroup", &o, &c);
	ok(rc == 0 && o.status == SBX_STATUS_OK, "a cell runs on v2 (status %s: %s)",
	   sbx_status_name(o.status), o.message);
	ok(o.out.data && !strcmp(strstr(o.out.data, "\n0::") ? strstr(o.out.data, "\n0::") : "", "\n0::/\n"),
	   "the cell's cgroup namespace is rooted at its own group (%s)",
	   o.out.data ? o.out.data : "");
	snprintf(path, sizeof(path), "%s/stockade-test-v2/%s", root, c.cg.name);
	ok(stat(path, &st) == 0, "its group exists while the cell is open (%s)", path);
	sbx_cell_close(&c);
	ok(stat(path, &st) < 0 && errno == ENOENT, "and is removed when the cell closes");
	sbx_outcome_free(&o);

	/* CPU accounting and the CPU limit from cpu.stat */
	l.cpu_ms = 300;
	rc = run(&site, &sys, &f, &l, "while :; do :; done", &o, NULL);
	ok(rc == 0 && o.status == SBX_STATUS_TIMEOUT && o.cpu_exceeded,
	   "a busy loop hits the CPU limit (status %s, cpu %llu ms)", sbx_status_name(o.status),
	   (unsigned long long)o.cpu_ms);
	ok(o.cpu_ms >= 300 && o.cpu_ms < 1500, "CPU time measured from cpu.stat: %llu ms",
	   (unsigned long long)o.cpu_ms);
	sbx_outcome_free(&o);

	/* wall limit: everything in the group is killed, background children included */
	sbx_limits_default(&l);
	l.wall_ms = 400;
	rc = run(&site, &sys, &f, &l, "sleep 30 & sleep 30 & setsid sleep 30 & wait", &o, NULL);
	ok(rc == 0 && o.status == SBX_STATUS_TIMEOUT && o.wall_exceeded && o.wall_ms < 3000,
	   "wall limit kills the tree (status %s, %llu ms)", sbx_status_name(o.status),
	   (unsigned long long)o.wall_ms);
	sbx_outcome_free(&o);
	/* a pre-started cell (the judge's) on v2: armed, then fired twice over, with
	 * the group's counters kept open and only what follows the fire counted */
	for (int k = 0; k < 2; k++) {
		const char *argv[] = { "/usr/bin/bash", "-c",
				       k ? "while :; do :; done" : "read x; echo got $x", NULL };
		struct sbx_exec x = { .argv = argv, .stdin_fd = -1, .end_with_program = true };
		struct sbx_live lv;
		struct sbx_cg_statfd sf;
		struct sbx_limits fl;
		int in[2];

		sbx_limits_default(&l);
		l.cpu_ms = 2000;
		fl = l;
		fl.cpu_ms = 300;
		rc = sbx_cell_open(&c, &site, &sys, &l, &why);
		rc = rc == 0 ? sbx_cell_arm(&c, &f, env, &lv, &o, &why) : rc;
		sbx_outcome_free(&o);
		ok(rc == 0 && sbx_cell_ready(&lv, 10000) == 0, "v2: a cell armed and ready (%d)", rc);
		if (rc != 0)
			continue;
		sbx_cg_statfd_open(&c.cg, &sf);
		c.statfd = &sf;
		if (pipe(in) == 0) {
			if (write(in[1], "it\n", 3) != 3)
				printf("# pipe write failed\n");
			close(in[1]);
			x.stdin_fd = in[0];
		}
		rc = sbx_cell_fire(&c, &lv, &x, &fl, &o, &why);
		if (x.stdin_fd >= 0)
			close(x.stdin_fd);
		rc = rc == 0 ? sbx_cell_wait(&c, &x, &lv, &o, &why) : rc;
		if (k == 0)
			ok(rc == 0 && o.status == SBX_STATUS_OK && o.out.data &&
			   !strcmp(o.out.data, "got it\n") && o.cpu_ms < 100,
			   "v2: fired with its stdin, the set-up not counted (%s, %llu ms)",
			   sbx_status_name(o.status), (unsigned long long)o.cpu_ms);
		else
			ok(rc == 0 && o.status == SBX_STATUS_TIMEOUT && o.cpu_exceeded &&
			   o.cpu_ms >= 300 && o.cpu_ms < 1500,
			   "v2: the fired program's own CPU limit (%s, %llu ms)",
			   sbx_status_name(o.status), (unsigned long long)o.cpu_ms);
		sbx_outcome_free(&o);
		sbx_cell_end(&c, &lv);
		sbx_cg_statfd_close(&sf);
		sbx_cell_close(&c);
	}

	snprintf(path, sizeof(path), "%s/stockade-test-v2", root);
	{
		char procs[600];
		FILE *fp;
		int n = 0;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
		fp = fopen(procs, "r");
		while (fp && fgets(procs, sizeof(procs), fp))
			n++;
		if (fp)
			fclose(fp);
		is_int(n, 0, "no process left in the test parent group");
	}
	rc = rmdir(path);
	ok(rc == 0, "the parent group is empty and removable (%s)", rc ? strerror(errno) : "ok");

	/* missing controllers are refused unless the site lowered its needs */
	site.cgroup_need = 0xf;
	{
		struct sbx_cell c2;
		rc = sbx_cell_open(&c2, &site, &sys, &l, &why);

		ok(rc == -ENOTSUP || (sys.ctl & 0xf) == 0xf,
		   "a v2 tree without memory/pids/cpu controllers is refused (%s)", why ? why : "");
		if (rc == 0)
			sbx_cell_close(&c2);
		rmdir(path);
	}
	sbx_filter_free(&f);
	return done_testing();
}
