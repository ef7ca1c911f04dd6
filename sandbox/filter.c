/*
 * filter.c - the cell's seccomp rule table and its compilation with libseccomp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "filter.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
		  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

#define DENY(name, why)		{ #name, SBX_MATCH_ALL, { { 0 } }, 0, EPERM, false, why }
#define DENY_OPT(name, why)	{ #name, SBX_MATCH_ALL, { { 0 } }, 0, EPERM, true, why }
/* a call whose argument `arg`, masked, equals `val` */
#define DENY_ARG(name, arg, mask, val, why) \
	{ #name, SBX_MATCH_MASKED_EQ, { { arg, mask, val } }, 1, EPERM, false, why }
/* the same for an int argument: only the low 32 bits count, as for the kernel */
#define DENY_INT(name, arg, val, why) DENY_ARG(name, arg, 0xffffffffUL, val, why)

const struct sbx_filter_rule sbx_filter_rules[] = {
	/* The file system view is fixed when the cell starts. */
	DENY(mount, "the cell's mounts are fixed; a new mount could expose or hide files"),
	DENY(umount2, "unmounting could reveal what a mount covers"),
	DENY(pivot_root, "the root is fixed"),
	DENY(chroot, "the root is fixed"),
	DENY_OPT(open_tree, "new mount API: could clone mounts"),
	DENY_OPT(move_mount, "new mount API: could move mounts"),
	DENY_OPT(fsopen, "new mount API: could create file systems"),
	DENY_OPT(fsconfig, "new mount API"),
	DENY_OPT(fsmount, "new mount API"),
	DENY_OPT(fspick, "new mount API: could reconfigure a mounted file system"),
	DENY_OPT(mount_setattr, "new mount API: could change mount flags"),

	/* Namespaces: a new user namespace is the usual first step of kernel exploits. */
	DENY(unshare, "no new namespaces: they unlock privileged kernel code paths"),
	DENY(setns, "no entering other namespaces"),
	{ "clone", SBX_MATCH_BITS_ANY, { { 0, NS_FLAGS, 0 } }, 1, EPERM, false,
	  "fork and threads are fine; clone into new namespaces is not" },
	{ "clone3", SBX_MATCH_ALL, { { 0 } }, 0, ENOSYS, true,
	  "its flags live in memory seccomp cannot read; ENOSYS makes libc fall back to clone" },

	/* Other processes' memory and descriptors. */
	DENY(ptrace, "no tracing: it reads and writes other processes"),
	DENY(process_vm_readv, "reads another process's memory"),
	DENY(process_vm_writev, "writes another process's memory"),
	DENY_OPT(pidfd_getfd, "steals a descriptor from another process"),
	DENY(kcmp, "compares kernel objects of other processes; an information leak"),

	/* Kernel facilities with a record of vulnerabilities and no use in a sandbox. */
	DENY(keyctl, "kernel keyrings outlive the cell and are shared by uid"),
	DENY(add_key, "kernel keyrings"),
	DENY(request_key, "kernel keyrings; can call out to user space helpers"),
	DENY(bpf, "loads programs into the kernel"),
	DENY(perf_event_open, "performance counters leak information across processes"),
	DENY(userfaultfd, "used to widen race windows in kernel exploits"),
	DENY_OPT(io_uring_setup, "a second system call interface that seccomp cannot see"),
	DENY_OPT(io_uring_enter, "io_uring"),
	DENY_OPT(io_uring_register, "io_uring"),
	DENY(lookup_dcookie, "kernel profiling interface"),
	DENY(syslog, "the kernel log belongs to the host"),
	DENY(vhangup, "terminal control of the host"),
	DENY(iopl, "raw I/O port access"),
	DENY(ioperm, "raw I/O port access"),
	DENY_OPT(uselib, "obsolete loader entry point"),

	/* The machine itself. */
	DENY(kexec_load, "replaces the running kernel"),
	DENY_OPT(kexec_file_load, "replaces the running kernel"),
	DENY(reboot, "the host's power"),
	DENY(init_module, "loads kernel code"),
	DENY(finit_module, "loads kernel code"),
	DENY(delete_module, "unloads kernel code"),
	DENY(swapon, "host swap"),
	DENY(swapoff, "host swap"),
	DENY(acct, "process accounting of the host"),
	DENY(quotactl, "disk quotas of the host"),
	DENY_OPT(quotactl_fd, "disk quotas of the host"),
	DENY(sethostname, "the host name is fixed"),
	DENY(setdomainname, "the domain name is fixed"),

	/* Clocks are shared with the host. */
	DENY(settimeofday, "the clock is the host's"),
	DENY(clock_settime, "the clock is the host's"),
	DENY(clock_adjtime, "the clock is the host's"),
	DENY(adjtimex, "the clock is the host's"),

	/* File handles bypass path-based confinement. */
	DENY(open_by_handle_at, "opens files by handle, escaping the cell's root"),
	DENY(name_to_handle_at, "the first half of open_by_handle_at"),

	/* Special files: only regular files may be made with mknod (device nodes already
	 * need a capability the cell lacks; FIFOs and sockets made this way are files that
	 * block or redirect whoever opens them, host-side file handling included). */
	DENY_ARG(mknod, 1, S_IFMT, S_IFIFO, "FIFOs: host-side readers would block on them"),
	DENY_ARG(mknod, 1, S_IFMT, S_IFCHR, "character devices"),
	DENY_ARG(mknod, 1, S_IFMT, S_IFBLK, "block devices"),
	DENY_ARG(mknod, 1, S_IFMT, S_IFSOCK, "socket files"),
	DENY_ARG(mknodat, 2, S_IFMT, S_IFIFO, "FIFOs: host-side readers would block on them"),
	DENY_ARG(mknodat, 2, S_IFMT, S_IFCHR, "character devices"),
	DENY_ARG(mknodat, 2, S_IFMT, S_IFBLK, "block devices"),
	DENY_ARG(mknodat, 2, S_IFMT, S_IFSOCK, "socket files"),

	/* Sockets to other machines, devices or the host's kernel events. */
	DENY_INT(socket, 0, AF_VSOCK,
		 "virtio sockets reach the hypervisor, outside the network namespace"),
	DENY_INT(socket, 0, AF_PACKET, "raw packet sockets; frequent source of kernel bugs"),
	{ "socket", SBX_MATCH_MASKED_EQ,
	  { { 0, 0xffffffffUL, AF_NETLINK }, { 2, 0xffffffffUL, NETLINK_KOBJECT_UEVENT } }, 2,
	  EPERM, false,
	  "kernel uevents: the cell's network namespace belongs to the host's user "
	  "namespace, so it would hear the host's device events" },

	/* Terminals. */
	DENY_INT(ioctl, 1, TIOCSTI, "pushes input into a terminal: an escape through any "
		 "inherited tty"),
	DENY_INT(ioctl, 1, TIOCLINUX, "virtual console control, also able to inject input"),
};

const size_t sbx_filter_nrules = sizeof(sbx_filter_rules) / sizeof(sbx_filter_rules[0]);

#if defined(__x86_64__)
/*
 * The filter allows by default, so a system call newer than this table would be
 * allowed unreviewed, and libseccomp 2.5 cannot even name the newest ones. Native
 * calls above the last one the table was reviewed against, set_mempolicy_home_node
 * (450, Linux 6.0), return ENOSYS: cachestat, fchmodat2, statmount, listmount,
 * open_tree_attr and whatever comes next. libc and runtimes fall back on ENOSYS.
 * These instructions run before libseccomp's program; x32 and other ABIs go on to
 * it unchanged, and are killed there.
 */
#define LAST_REVIEWED_NR 450

static const struct sock_filter newer_calls_prefix[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* x32 */, 2, 0),
	BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, LAST_REVIEWED_NR, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
};
#define PREFIX_LEN (sizeof(newer_calls_prefix) / sizeof(newer_calls_prefix[0]))
#else
#define PREFIX_LEN 0
#endif

static int add_rule(scmp_filter_ctx ctx, const struct sbx_filter_rule *r, int nr)
{
	uint32_t act = SCMP_ACT_ERRNO((uint32_t)r->err);

	switch (r->match) {
	case SBX_MATCH_ALL:
		return seccomp_rule_add(ctx, act, nr, 0);
	case SBX_MATCH_MASKED_EQ: {
		struct scmp_arg_cmp cmp[2];

		if (r->ncond < 1 || r->ncond > 2)
			return -EINVAL;
		for (unsigned i = 0; i < r->ncond; i++)
			cmp[i] = SCMP_CMP(r->cond[i].arg, SCMP_CMP_MASKED_EQ, r->cond[i].mask,
					  r->cond[i].value);
		return seccomp_rule_add_array(ctx, act, nr, r->ncond, cmp);
	}
	case SBX_MATCH_BITS_ANY:
		/* "any bit of the mask" is one rule per bit */
		for (unsigned long bit = 1; bit; bit <<= 1) {
			int rc;

			if (!(r->cond[0].mask & bit))
				continue;
			rc = seccomp_rule_add(ctx, act, nr, 1,
					      SCMP_CMP(r->cond[0].arg, SCMP_CMP_MASKED_EQ, bit, bit));
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	return -EINVAL;
}

int sbx_filter_build(struct sbx_filter *f, const char **why)
{
	scmp_filter_ctx ctx;
	int rc, mfd = -1;
	off_t size;
	void *buf = NULL;

	memset(f, 0, sizeof(*f));
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		*why = "seccomp_init failed";
		return -ENOMEM;
	}
	/* Only the native ABI: i386 (int 0x80) and x32 calls kill the process. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* A binary tree of syscall numbers instead of a list: a few more instructions, but
	 * each call walks log(n) of them, and so does the kernel when it installs the
	 * filter (it runs it once per syscall number to cache the always-allowed ones):
	 * installing drops from ~130 to ~55 us. Older libseccomp lacks it: no harm. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0) {
		*why = "cannot set the bad-architecture action";
		goto out;
	}
	for (size_t i = 0; i < sbx_filter_nrules; i++) {
		const struct sbx_filter_rule *r = &sbx_filter_rules[i];
		int nr = seccomp_syscall_resolve_name(r->syscall);

		if (nr == __NR_SCMP_ERROR) {
			if (r->optional)
				continue;
			*why = r->syscall;
			rc = -ENOSYS;
			goto out;
		}
		if ((rc = add_rule(ctx, r, nr)) < 0) {
			*why = r->syscall;
			goto out;
		}
	}
	/* libseccomp 2.5 exports to a descriptor only: go through a memfd */
	mfd = memfd_create("stockade-seccomp", MFD_CLOEXEC);
	if (mfd < 0) {
		rc = -errno;
		*why = "memfd_create";
		goto out;
	}
	if ((rc = seccomp_export_bpf(ctx, mfd)) < 0) {
		*why = "seccomp_export_bpf";
		goto out;
	}
	size = lseek(mfd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) ||
	    size / (off_t)sizeof(struct sock_filter) + PREFIX_LEN > BPF_MAXINSNS) {
		rc = -EINVAL;
		*why = "compiled filter has an unexpected size";
		goto out;
	}
	buf = malloc((size_t)size + PREFIX_LEN * sizeof(struct sock_filter));
	if (!buf || pread(mfd, (struct sock_filter *)buf + PREFIX_LEN, (size_t)size, 0) != size) {
		rc = buf ? -EIO : -ENOMEM;
		*why = "cannot read the compiled filter back";
		goto out;
	}
#if defined(__x86_64__)
	memcpy(buf, newer_calls_prefix, sizeof(newer_calls_prefix));
#endif
	f->prog.len = (unsigned short)(size / (off_t)sizeof(struct sock_filter) + PREFIX_LEN);
	f->prog.filter = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (mfd >= 0)
		close(mfd);
	seccomp_release(ctx);
	return rc;
}

int sbx_filter_install(const struct sbx_filter *f)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f->prog) < 0)
		return -errno;
	return 0;
}

void sbx_filter_free(struct sbx_filter *f)
{
	free(f->prog.filter);
	memset(f, 0, sizeof(*f));
}

int sbx_filter_confine(const char **why)
{
	struct sbx_filter f;
	int rc = sbx_filter_build(&f, why);

	if (rc < 0)
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rc = -errno;
		*why = "no_new_privs";
	} else if ((rc = sbx_filter_install(&f)) < 0) {
		*why = "seccomp";
	}
	sbx_filter_free(&f);
	return rc;
}
