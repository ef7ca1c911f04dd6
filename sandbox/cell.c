/*
 * cell.c - building, running and tearing down one cell.
 *
 * Theory of operation
 * -------------------
 * Processes. The supervisor (the caller: `stockade run`, later the keeper) stays in the
 * host's namespaces and never runs untrusted code. For each program it creates:
 *
 *   supervisor (host root)
 *     |-- helper (short-lived: network namespace, cgroup entry, clone)
 *     `-- init (pid 1 of the cell's pid namespace; set-up, then reaper)
 *           `-- program (exec'd; everything it forks stays below init)
 *
 * The helper makes the cell's network namespace (the costliest one) while the
 * supervisor creates the cgroup; then it enters the group and clones init with
 * CLONE_PARENT, so init is the supervisor's child, born inside the
 * group: no user code ever runs outside it, and no pid is ever written into
 * cgroup.procs (which stalls ~10 ms on RCU). On cgroup v2 the helper uses
 * clone3(CLONE_INTO_CGROUP); on v1 it first moves itself into the group (cheap for a
 * process moving itself).
 *
 * init gets new user, pid, mount, ipc, uts and cgroup namespaces, and the helper's
 * network namespace (owned by the host's user namespace, so the cell cannot
 * reconfigure it), and a session of its own. It waits for its uid/gid maps (sandbox
 * uid 1000 -> the slot's host uid, nothing else mapped), then assembles the root: the
 * read-only skeleton the supervisor built meanwhile (mount points, links into /usr, a
 * generated /etc, /dev with five device nodes: make_root), host /usr bound read-only,
 * a new /proc, tmpfs /tmp and /dev/shm, and /mnt/data, a tmpfs the supervisor created
 * with fsmount(2) and keeps a handle on. It pivots into that root, sets the rlimits,
 * becomes uid 1000 with no capabilities, sets no_new_privs, installs the seccomp
 * filter, vforks the program and reaps until the program exits; it then reports the
 * program's wait status and exits, which makes the kernel kill everything left in the
 * pid namespace.
 *
 * Descriptors. Between supervisor and cell there are only these, all O_CLOEXEC, and
 * init and the helper close everything else they inherited:
 *   sync    SOCK_SEQPACKET, to init, one message each, in any order: from the
 *                                helper "go" (the id maps are written) and "net" (lo
 *                                is up); from the supervisor the root skeleton (a
 *                                mount fd) and the seccomp program, sent as soon as
 *                                they are made. init waits for each just before it
 *                                needs it: "net" only before running the program
 *   err     init/program -> sup  a fixed-size failure record (errno + what); the
 *                                program's copy closes on exec, so EOF means "started"
 *   status  init -> supervisor   the program's wait status (an int)
 *   out/err program -> sup       the program's stdout and stderr
 * The program holds fds 0, 1, 2 and nothing else.
 *
 * Measuring and killing. The supervisor polls the pipes and a pidfd of init, with a
 * timeout derived from the remaining wall time and the remaining CPU budget (the cell
 * cannot burn CPU faster than its cpu quota, so nothing is polled needlessly). When a
 * limit is reached it SIGKILLs init (the kernel then kills the whole pid namespace) and
 * every process in the cgroup. CPU time, peak memory and OOM kills are read from the
 * cgroup, never from anything the cell says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/sched.h>

#include "cell.h"
#include "util.h"

/* Where init assembles the new root: any directory of the host works, since the mount
 * lives only in the cell's private mount namespace. */
#define NEWROOT "/tmp"

#define HOSTNAME "stockade"

/* Top-level names the cell gets in the host's shape: links into /usr, or directories. */
static const char *const top_dirs[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32" };

/* Host directories of /etc bound read-only into the cell when the host has them:
 * Debian's alternatives (links in /usr lead through it: awk, libblas.so.3 for numpy)
 * and the OpenJDK configuration its /usr/lib/jvm links to (jvm.cfg, java.security).
 * Links into /usr and public defaults, nothing secret. */
static const char *const etc_dirs[] = { "etc/alternatives", "etc/java-17-openjdk",
					"etc/java-21-openjdk", "etc/java-25-openjdk" };

/* The failure record a cell process writes before _exit(127). */
enum fail_phase { FAIL_SETUP, FAIL_EXEC };

struct fail_msg {
	int err;
	int phase;		/* enum fail_phase */
	char what[120];
};

/* Everything init needs, prepared by the supervisor before the clone. */
struct spawn {
	const struct sbx_cell *cell;
	int sync_wr;		/* the helper's copy: it releases init */
	int go_rd, pid_wr;	/* the helper's channels to the supervisor */
	cpu_set_t cpus;		/* the supervisor's CPU affinity, which the program gets */
	bool pin_helper;	/* run the helper on another CPU than the supervisor's */
	int supervisor_cpu;
	const struct sbx_exec *x;
	int sync_rd;
	int fail_wr;
	int status_wr;
	int out_wr;
	int err_wr;
};

/*
 * Held shared while a file is open for writing into a cell's /mnt/data, exclusively
 * around fork. A child forked by another thread of the supervisor while such a
 * descriptor is open would hold it until it closes what it inherited, and a program
 * exec'd from the file meanwhile would fail with ETXTBSY (the pre-started cells of
 * one thread are filled while another thread forks new ones). Writers first: many
 * long copies must not starve the threads that start cells.
 */
static pthread_rwlock_t fork_lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;

/* The supervisor's argv (see sbx_cell_hide_argv): init overwrites its own copy. */
static char *argv_area;
static size_t argv_len;

void sbx_cell_hide_argv(int argc, char **argv)
{
	if (argc < 1 || !argv[0])
		return;
	argv_area = argv[0];
	argv_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
}

/*
 * What init receives on its sync socket, one SOCK_SEQPACKET message each, in whatever
 * order they come: the first byte says which.
 */
enum {
	MSG_GO = 'g',		/* helper: the id maps are written */
	MSG_NET = 'n',		/* helper: the loopback is up */
	MSG_ROOT = 'r',		/* supervisor: the root skeleton, a mount fd */
	MSG_FILTER = 'f',	/* supervisor: the seccomp program, struct filter_msg */
	MSG_RUN = 'x',		/* supervisor: a pre-started cell's program, struct run_msg,
				 * with its stdin as a descriptor (or none) */
	MSG_READY = 'y',	/* init -> supervisor: a pre-started cell waits for MSG_RUN */
};

/* The program a pre-started cell runs, and the rlimits it gets (init lowers its own,
 * which the program inherits; the cgroup limits are the supervisor's to set). */
struct run_msg {
	char tag;				/* MSG_RUN */
	uint8_t merge_stderr, user_binary, has_stdin;
	uint32_t argc;
	uint64_t cpu_s, fsize, stack, nofile;
	char strs[SBX_FIRE_MAX_ARGV];		/* argc NUL-terminated strings */
};

struct filter_msg {
	char tag;				/* MSG_FILTER */
	uint32_t len;				/* instructions */
	struct sock_filter insns[BPF_MAXINSNS];
};

/* What init has received so far. */
struct init_msgs {
	unsigned have;				/* HAVE(tag) of each message */
	int root_fd;
	struct filter_msg filter;
};

#define HAVE(tag) (1u << ((tag) - 'a'))

_Static_assert(offsetof(struct filter_msg, insns) == 8, "filter message head: tag, len");

const char *sbx_status_name(enum sbx_status s)
{
	static const char *const names[] = {
		[SBX_STATUS_OK] = "ok",
		[SBX_STATUS_RUNTIME_ERROR] = "runtime_error",
		[SBX_STATUS_TIMEOUT] = "timeout",
		[SBX_STATUS_MEMORY_LIMIT] = "memory_limit",
		[SBX_STATUS_OUTPUT_LIMIT] = "output_limit",
		[SBX_STATUS_COMPILE_ERROR] = "compile_error",
		[SBX_STATUS_INTERNAL_ERROR] = "internal_error",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "internal_error";
}

/* ---- system call wrappers glibc 2.36 does not have -------------------------------- */

static int sys_fsopen(const char *fs, unsigned flags)
{
	return (int)syscall(SYS_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *val, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, val, aux);
}

static int sys_fsmount(int fd, unsigned flags, unsigned attr)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr);
}

static int sys_move_mount(int from_fd, const char *from, int to_fd, const char *to,
			  unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_fd, from, to_fd, to, flags);
}

static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/* ---- messages with descriptors (no allocation: used after fork too) --------------- */

/* Sends a one-byte message `tag` carrying n descriptors. Returns 0 or -errno. */
static int send_fds(int sock, char tag, const int *fds, int n)
{
	char buf[CMSG_SPACE(sizeof(int) * SBX_CG_MAXHIER)];
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
	struct cmsghdr *cm;

	if (n < 1 || n > SBX_CG_MAXHIER)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)n);
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

/* Receives a message `tag` with its descriptors (close-on-exec); returns how many, or
 * -1 on EOF, on another message, or on a message without descriptors. */
static int recv_fds(int sock, char tag, int fds[SBX_CG_MAXHIER])
{
	char buf[CMSG_SPACE(sizeof(int) * SBX_CG_MAXHIER)], b = 0;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
			     .msg_controllen = sizeof(buf) };
	struct cmsghdr *cm;
	ssize_t r;

	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r != 1 || b != tag || (mh.msg_flags & MSG_CTRUNC))
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len <= CMSG_LEN(0))
		return -1;
	memcpy(fds, CMSG_DATA(cm), cm->cmsg_len - CMSG_LEN(0));
	return (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
}

/* ---- inside the cell (after clone: no allocation, report through the pipe) -------- */

static _Noreturn void child_fail_phase(int fd, enum fail_phase phase, const char *what)
{
	struct fail_msg m;

	memset(&m, 0, sizeof(m));
	m.err = errno;
	m.phase = phase;
	strncpy(m.what, what, sizeof(m.what) - 1);
	/* one write below PIPE_BUF: atomic, so the supervisor never sees half a record */
	if (write(fd, &m, sizeof(m)) < 0) {
		/* nothing more to do: the supervisor sees the exit status */
	}
	_exit(127);
}

static _Noreturn void child_fail(int fd, const char *what)
{
	child_fail_phase(fd, FAIL_SETUP, what);
}

/* Closes every descriptor but the n in keep (negative entries are ignored). No
 * allocation: safe after fork. */
static void close_all_but(int *keep, int n)
{
	int next = 0;

	/* insertion sort: n is small */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (int i = 0; i < n; i++) {
		if (keep[i] < next)
			continue;
		if (keep[i] > next)
			syscall(SYS_close_range, (unsigned)next, (unsigned)keep[i] - 1, 0);
		next = keep[i] + 1;
	}
	syscall(SYS_close_range, (unsigned)next, ~0U, 0);
}

/* Keeps what init and the program need from the supervisor, and nothing else: not
 * its stdio, not the slot lock, not the read ends of its own pipes. With helper set,
 * also what the helper needs. */
static void close_inherited(const struct spawn *sp, bool helper)
{
	int keep[11] = { sp->sync_rd, sp->fail_wr, sp->status_wr, sp->out_wr, sp->err_wr,
			 sp->x->stdin_fd, sp->cell->data_fd,
			 sp->x->use_fd3 ? sp->x->fd3_fd : -1, -1, -1, -1 };

	if (helper) {
		keep[8] = sp->sync_wr;
		keep[9] = sp->go_rd;
		keep[10] = sp->pid_wr;
	}
	close_all_but(keep, 11);
}

/* Keeps the atime flags of the source mount: a mount copied into a user namespace has
 * them locked, and a remount that changes them is refused. */
static unsigned long atime_flags(const char *path)
{
	struct statvfs sv;
	unsigned long fl = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOATIME)
		fl |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		fl |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		fl |= MS_RELATIME;
	return fl;
}

/* Binds a host directory read-only, nosuid, nodev at `to` (relative to the new root),
 * every mount below it included. */
static void bind_ro(int fd, const char *from, const char *to)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
	};

	if (mount(from, to, NULL, MS_BIND | MS_REC, NULL) < 0)
		child_fail(fd, to);
	if (syscall(SYS_mount_setattr, AT_FDCWD, to, AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return;
	if (errno != ENOSYS)
		child_fail(fd, to);
	/* before Linux 5.12: the top mount only */
	if (mount(NULL, to, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
		  atime_flags(from), NULL) < 0)
		child_fail(fd, to);
}

/* The network namespace starts with lo down; programs that serve themselves on
 * 127.0.0.1 expect it up. Nothing else exists: there is no route out. */
static void loopback_up(int fd)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		child_fail(fd, "socket for lo");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		child_fail(fd, "SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		child_fail(fd, "SIOCSIFFLAGS lo");
	close(s);
}

static void set_rlimit(int fd, int res, rlim_t soft, rlim_t hard, const char *what)
{
	struct rlimit rl = { soft, hard };

	if (setrlimit(res, &rl) < 0)
		child_fail(fd, what);
}

/* Lowers a limit to at most `want` (never raises: that needs a capability). */
static void cap_rlimit(int fd, int res, rlim_t want, const char *what)
{
	struct rlimit rl;

	if (getrlimit(res, &rl) < 0)
		child_fail(fd, what);
	if (rl.rlim_max > want)
		rl.rlim_max = want;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	set_rlimit(fd, res, rl.rlim_cur, rl.rlim_max, what);
}

static void apply_rlimits(int fd, const struct sbx_limits *l)
{
	/* per-process CPU backstop; the cgroup total is what the supervisor enforces */
	rlim_t cpu_s = (rlim_t)((l->cpu_ms + 999) / 1000) + 1;

	set_rlimit(fd, RLIMIT_FSIZE, l->fsize, l->fsize, "RLIMIT_FSIZE");
	set_rlimit(fd, RLIMIT_NOFILE, l->nofile, l->nofile, "RLIMIT_NOFILE");
	set_rlimit(fd, RLIMIT_CORE, 0, 0, "RLIMIT_CORE");
	set_rlimit(fd, RLIMIT_STACK, l->stack, l->stack, "RLIMIT_STACK");
	set_rlimit(fd, RLIMIT_CPU, cpu_s, cpu_s + 1, "RLIMIT_CPU");
	/* the rest would otherwise be whatever the supervisor was started with: no
	 * real-time scheduling (which the CPU quota would not bound on v1), no raised
	 * priority, and small locked-memory and message-queue allowances */
	cap_rlimit(fd, RLIMIT_RTPRIO, 0, "RLIMIT_RTPRIO");
	cap_rlimit(fd, RLIMIT_NICE, 0, "RLIMIT_NICE");
	cap_rlimit(fd, RLIMIT_MEMLOCK, 8u << 20, "RLIMIT_MEMLOCK");
	cap_rlimit(fd, RLIMIT_MSGQUEUE, 800u << 10, "RLIMIT_MSGQUEUE");
}

/* Drops every capability for good: bounding set, ambient, then the sets themselves.
 * (Changing uid inside this namespace does not clear them, because the namespace has
 * no uid 0 for the kernel's "leaving root" rule to apply to.) */
static void drop_capabilities(int fd)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			child_fail(fd, "PR_CAPBSET_DROP");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		child_fail(fd, "PR_CAP_AMBIENT_CLEAR_ALL");
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0)
		child_fail(fd, "capset");
	/* verify rather than trust */
	if (syscall(SYS_capget, &h, d) < 0 || d[0].effective || d[0].permitted ||
	    d[0].inheritable || d[1].effective || d[1].permitted || d[1].inheritable) {
		errno = EPERM;
		child_fail(fd, "capabilities still held");
	}
}

/*
 * Receives messages on the sync socket until the one with tag `want` has come,
 * keeping the others for later: the helper and the supervisor send independently. A
 * malformed message fails the cell; EOF means the supervisor is gone.
 */
static void await_msg(int sock, int report, char want, struct init_msgs *m)
{
	/* static: init is a forked copy with nothing else to use the memory for */
	static struct filter_msg buf;

	while (!(m->have & HAVE(want))) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			_exit(127);	/* the supervisor is gone */
		if (n < 0)
			child_fail(report, "receive from the supervisor");
		errno = EPROTO;
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			child_fail(report, "message from the supervisor");
		cm = CMSG_FIRSTHDR(&mh);
		switch (buf.tag) {
		case MSG_GO:
		case MSG_NET:
			if (n != 1 || cm)
				child_fail(report, "message from the supervisor");
			break;
		case MSG_ROOT:
			if (n != 1 || !cm || cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
				child_fail(report, "receive the root");
			memcpy(&m->root_fd, CMSG_DATA(cm), sizeof(int));
			break;
		case MSG_FILTER:
			if (cm || n < (ssize_t)offsetof(struct filter_msg, insns) || buf.len == 0 ||
			    buf.len > BPF_MAXINSNS ||
			    (size_t)n != offsetof(struct filter_msg, insns) +
					 buf.len * sizeof(buf.insns[0]))
				child_fail(report, "receive the seccomp filter");
			memcpy(&m->filter, &buf, (size_t)n);
			break;
		default:
			child_fail(report, "message from the supervisor");
		}
		m->have |= HAVE(buf.tag);
	}
}

static void install_filter(int report, struct init_msgs *m)
{
	struct sbx_filter f;

	f.prog.len = (unsigned short)m->filter.len;
	f.prog.filter = m->filter.insns;
	if (sbx_filter_install(&f) < 0)
		child_fail(report, "seccomp");
}

/* Moves fd to a number at or above `min`, close-on-exec. */
static int lift_fd(int fd, int min, int report)
{
	int n = fcntl(fd, F_DUPFD_CLOEXEC, min);

	if (n < 0)
		child_fail(report, "F_DUPFD");
	return n;
}

/* The program: stdio in place, nothing else open, then exec. */
static _Noreturn void program(const struct spawn *sp)
{
	const struct sbx_exec *x = sp->x;
	int fail = lift_fd(sp->fail_wr, 10, sp->fail_wr);
	int in, out, err, fd3 = -1;
	/* the failure record's descriptor, closed on exec: just above what the program gets */
	unsigned nfail = x->use_fd3 ? 4 : 3;
	struct {				/* the kernel's struct sigaction */
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		uint64_t mask;
	} dfl;
	uint64_t none = 0;

	/* every descriptor is lifted above the stdio numbers first, so that moving them
	 * into place cannot overwrite one another (init has closed 0-2: /dev/null would
	 * otherwise be opened as 0 itself and keep its close-on-exec) */
	if (x->stdin_fd >= 0) {
		in = lift_fd(x->stdin_fd, 10, fail);
	} else {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0)
			child_fail(fail, "/dev/null");
		in = lift_fd(null, 10, fail);
	}
	out = lift_fd(sp->out_wr, 10, fail);
	err = lift_fd(x->merge_stderr ? sp->out_wr : sp->err_wr, 10, fail);
	if (x->use_fd3)
		fd3 = lift_fd(x->fd3_fd, 10, fail);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    (x->use_fd3 && dup2(fd3, 3) < 0) || dup3(fail, nfail, O_CLOEXEC) < 0)
		child_fail(fail, "dup2 stdio");
	if (syscall(SYS_close_range, nfail + 1, ~0U, 0) < 0)
		child_fail(nfail, "close_range");
	/* Default signal handling and nothing blocked: nothing of the supervisor's (which
	 * ignores SIGPIPE, and an ignored signal survives exec) or of whatever started it.
	 * The raw system calls: libc refuses its own reserved signals (32, 33), which an
	 * environment may well have ignored. SIGKILL and SIGSTOP answer EINVAL. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.handler = SIG_DFL;
	for (int sig = 1; sig <= 64; sig++)
		syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
	execve(x->argv[0], (char *const *)x->argv, (char *const *)x->envp);
	{
		char what[sizeof(((struct fail_msg *)0)->what)];

		snprintf(what, sizeof(what), "exec %s", x->argv[0]);
		child_fail_phase((int)nfail, FAIL_EXEC, what);
	}
}

/*
 * A pre-started cell's init, set up and waiting: says "ready", receives the program
 * (struct run_msg and its stdin) and lowers its rlimits to the program's. Returns the
 * spawn description to run it with (static: init is a forked copy with nothing else to
 * use the memory for). Fails the cell on anything malformed; exits if the supervisor
 * is gone.
 */
static const struct spawn *await_program(const struct spawn *sp, int report)
{
	static struct run_msg m;
	static const char *argv[SBX_FIRE_MAX_ARGS + 1];
	static struct sbx_exec x;
	static struct spawn run;
	char cbuf[CMSG_SPACE(sizeof(int))], tag = MSG_READY;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	size_t off = offsetof(struct run_msg, strs), end;
	ssize_t n;

	if (send(sp->sync_rd, &tag, 1, MSG_NOSIGNAL) != 1)
		_exit(127);	/* the supervisor is gone */
	do
		n = recvmsg(sp->sync_rd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		_exit(127);
	if (n < 0)
		child_fail(report, "receive the program");
	errno = EPROTO;
	cm = CMSG_FIRSTHDR(&mh);
	if ((size_t)n < off || m.tag != MSG_RUN || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    m.argc < 1 || m.argc > SBX_FIRE_MAX_ARGS ||
	    (m.has_stdin && (!cm || cm->cmsg_level != SOL_SOCKET ||
			     cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))) ||
	    (!m.has_stdin && cm))
		child_fail(report, "receive the program");
	end = (size_t)n - off;
	for (size_t i = 0, p = 0; i < m.argc; i++) {
		const char *z = memchr(m.strs + p, '\0', end - p);

		if (p >= end || !z)
			child_fail(report, "receive the program");
		argv[i] = m.strs + p;
		p = (size_t)(z - m.strs) + 1;
	}
	argv[m.argc] = NULL;
	x = *sp->x;
	x.argv = argv;
	x.merge_stderr = m.merge_stderr;
	x.user_binary = m.user_binary;
	x.stdin_fd = -1;
	if (m.has_stdin)
		memcpy(&x.stdin_fd, CMSG_DATA(cm), sizeof(int));
	/* only ever lower: an unprivileged process cannot raise a hard limit */
	set_rlimit(report, RLIMIT_FSIZE, m.fsize, m.fsize, "RLIMIT_FSIZE");
	set_rlimit(report, RLIMIT_NOFILE, m.nofile, m.nofile, "RLIMIT_NOFILE");
	set_rlimit(report, RLIMIT_STACK, m.stack, m.stack, "RLIMIT_STACK");
	set_rlimit(report, RLIMIT_CPU, m.cpu_s, m.cpu_s + 1, "RLIMIT_CPU");
	run = *sp;
	run.x = &x;
	return &run;
}

static _Noreturn void run_program(const struct spawn *sp);

/* pid 1 of the cell. Never returns. */
static _Noreturn void cell_init(const struct spawn *sp)
{
	const struct sbx_cell *c = sp->cell;
	const struct sbx_limits *l = &c->lim;
	/* static: too large for init's stack, and init has no other use for the memory */
	static struct init_msgs msgs;
	int fd = sp->fail_wr;
	char opts[96];

	/* if the supervisor dies from here on, so does the cell */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* nothing of the helper's or the supervisor's: then EOF on sync means "gone" */
	close_inherited(sp, false);
	/* a session of its own: kill(0, SIGCONT) and the like stay inside the cell */
	if (setsid() < 0)
		child_fail(fd, "setsid");
	/* /proc/1/cmdline would show the supervisor's arguments */
	if (argv_area) {
		memset(argv_area, 0, argv_len);
		strncpy(argv_area, "stockade-init", argv_len - 1);
	}
	/* the helper may have been pinned to one CPU: the program gets what we had */
	if (sp->pin_helper && sched_setaffinity(0, sizeof(sp->cpus), &sp->cpus) < 0)
		child_fail(fd, "restore CPU affinity");
	/* nothing can be done in the user namespace before its id maps are written */
	await_msg(sp->sync_rd, fd, MSG_GO, &msgs);

	/* Host root's supplementary groups would still open host files: drop them. Files
	 * made during set-up belong to the sandbox user (an unmapped owner is refused). */
	if (setgroups(0, NULL) < 0)
		child_fail(fd, "setgroups");
	setfsgid(SBX_GID);
	setfsuid(SBX_UID);

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(fd, "make / private");
	/* The root: the read-only skeleton the supervisor built (see make_root). */
	await_msg(sp->sync_rd, fd, MSG_ROOT, &msgs);
	if (sys_move_mount(msgs.root_fd, "", AT_FDCWD, NEWROOT, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		child_fail(fd, "attach the root");
	close(msgs.root_fd);
	if (chdir(NEWROOT) < 0)
		child_fail(fd, "chdir new root");

	bind_ro(fd, "/usr", "usr");
	for (size_t i = 0; i < sizeof(etc_dirs) / sizeof(etc_dirs[0]); i++) {
		char host[40];

		snprintf(host, sizeof(host), "/%s", etc_dirs[i]);
		if (access(host, F_OK) == 0)
			bind_ro(fd, host, etc_dirs[i]);
	}
	/* /bin, /lib, ... : links into /usr in the skeleton, or (on a host without merged
	 * /usr) directories to bind like /usr */
	for (size_t i = 0; i < sizeof(top_dirs) / sizeof(top_dirs[0]); i++) {
		char host[16];
		struct stat st;

		snprintf(host, sizeof(host), "/%s", top_dirs[i]);
		if (lstat(host, &st) == 0 && S_ISDIR(st.st_mode))
			bind_ro(fd, host, top_dirs[i]);
	}

	/* proc must be mounted while the host's proc is still visible in this namespace */
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail(fd, "mount proc");

	snprintf(opts, sizeof(opts), "size=%llu,nr_inodes=%u,mode=1777",
		 (unsigned long long)l->disk, l->inodes);
	if (mount("tmpfs", "tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		child_fail(fd, "tmpfs /tmp");
	if (mount("tmpfs", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
		child_fail(fd, "tmpfs /dev/shm");
	if (sys_move_mount(c->data_fd, "", AT_FDCWD, "mnt/data", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		child_fail(fd, "attach /mnt/data");
	close(c->data_fd);

	if (sethostname(HOSTNAME, strlen(HOSTNAME)) < 0)
		child_fail(fd, "sethostname");

	/* Enter the new root and detach the old one entirely. */
	if (sys_pivot_root(".", ".") < 0)
		child_fail(fd, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		child_fail(fd, "detach old root");
	if (chdir("/") < 0)
		child_fail(fd, "chdir /");

	apply_rlimits(fd, l);

	/* Privileges, in the fixed order: groups, gid, uid, capabilities, no_new_privs. */
	if (setresgid(SBX_GID, SBX_GID, SBX_GID) < 0)
		child_fail(fd, "setresgid");
	if (setresuid(SBX_UID, SBX_UID, SBX_UID) < 0)
		child_fail(fd, "setresuid");
	drop_capabilities(fd);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(fd, "no_new_privs");
	/* changing credentials cleared these */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the program runs as the same uid: keep it out of init's memory (/proc/1/mem) */
	prctl(PR_SET_DUMPABLE, 0);
	await_msg(sp->sync_rd, fd, MSG_FILTER, &msgs);
	install_filter(fd, &msgs);
	/* the program may talk to itself on 127.0.0.1: not before the helper has lo up */
	await_msg(sp->sync_rd, fd, MSG_NET, &msgs);
	/* a pre-started cell's program comes now */
	run_program(sp->x->argv ? sp : await_program(sp, fd));
}

/* init, set up: runs the program and reaps until it is gone. */
static _Noreturn void run_program(const struct spawn *sp)
{
	int fd = sp->fail_wr;
	pid_t child;

	close(sp->sync_rd);
	if (chdir("/mnt/data") < 0)
		child_fail(fd, "chdir /mnt/data");

	/* vfork: no copy of an address space the program replaces at once; program()
	 * only moves descriptors and execs, or reports and _exits */
	child = vfork();
	if (child < 0)
		child_fail(fd, "fork program");
	if (child == 0)
		program(sp);

	/* init: keep only the status pipe, reap until the program is gone */
	close(sp->fail_wr);
	close(sp->out_wr);
	close(sp->err_wr);
	if (sp->x->stdin_fd >= 0)
		close(sp->x->stdin_fd);
	if (sp->x->use_fd3)
		close(sp->x->fd3_fd);
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);

		if (p == child) {
			if (write(sp->status_wr, &st, sizeof(st)) < 0) {
				/* the supervisor then reports the status as unknown */
			}
			_exit(0);
		}
		if (p < 0 && errno == ECHILD)
			_exit(0);
	}
}

/* ---- the supervisor side ----------------------------------------------------------- */

/* The namespaces init is cloned with; its network namespace comes from the helper. */
#define INIT_NS_FLAGS (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | \
		       CLONE_NEWUTS | CLONE_NEWCGROUP)

static int make_data_mount(const struct sbx_cell *c, const char **why)
{
	char v[32];
	int fs, mfd;

	fs = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0) {
		*why = "fsopen(tmpfs) failed (the new mount API needs Linux 5.2)";
		return -errno;
	}
#define SET(k, val) (sys_fsconfig(fs, FSCONFIG_SET_STRING, k, val, 0) < 0)
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->lim.disk);
	if (SET("size", v))
		goto fail;
	snprintf(v, sizeof(v), "%u", c->lim.inodes);
	if (SET("nr_inodes", v))
		goto fail;
	if (SET("mode", "0755"))
		goto fail;
	snprintf(v, sizeof(v), "%u", (unsigned)c->slot.uid);
	if (SET("uid", v))
		goto fail;
	snprintf(v, sizeof(v), "%u", (unsigned)c->slot.gid);
	if (SET("gid", v))
		goto fail;
#undef SET
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	mfd = sys_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mfd < 0)
		goto fail;
	close(fs);
	return mfd;
fail:
	{
		int e = errno;

		close(fs);
		errno = e;
	}
	*why = "cannot create the /mnt/data tmpfs";
	return -errno;
}

int sbx_cell_open(struct sbx_cell *c, const struct sbx_site *site, const struct sbx_cg_sys *sys,
		  const struct sbx_limits *lim, const char **why)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->sys = sys;
	c->lim = *lim;
	c->data_fd = -1;
	c->cg_need = site->cgroup_need | SBX_CTL_CPUACCT;
	if (!sbx_limits_valid(lim, why))
		return -EINVAL;
	if (sys->version == SBX_CG_NONE || (sys->ctl & c->cg_need) != c->cg_need) {
		/* say so now, before anything is staged; sbx_cg_create words it */
		struct sbx_cgroup probe;

		return sbx_cg_create(sys, "none", lim, c->cg_need, &probe, why);
	}
	if ((rc = sbx_slot_acquire(site, &c->slot, why)) < 0)
		return rc;
	/* the slot names the group: a stale one of this name is a crashed holder's */
	snprintf(c->cg_name, sizeof(c->cg_name), "cell-%u", c->slot.index);
	c->data_fd = make_data_mount(c, why);
	if (c->data_fd < 0) {
		rc = c->data_fd;
		sbx_slot_release(&c->slot);
		return rc;
	}
	return 0;
}

bool sbx_cell_plain_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	       strlen(name) <= NAME_MAX;
}

/* Creates <name> in the cell's /mnt/data, owned by the cell's user. */
/* Creates the file for writing, with fork_lock held shared until close_in_data. */
static int create_in_data(struct sbx_cell *c, const char *name, mode_t mode, const char **why)
{
	int fd, e;

	if (!sbx_cell_plain_name(name)) {
		*why = "not a plain file name";
		return -EINVAL;
	}
	pthread_rwlock_rdlock(&fork_lock);
	fd = openat(c->data_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		pthread_rwlock_unlock(&fork_lock);
		*why = "cannot create the file in /mnt/data";
		return -e;
	}
	if (fchown(fd, c->slot.uid, c->slot.gid) < 0 || fchmod(fd, mode) < 0) {
		e = errno;
		close(fd);
		pthread_rwlock_unlock(&fork_lock);
		*why = "cannot set the owner of the file in /mnt/data";
		return -e;
	}
	return fd;
}

static void close_in_data(int fd)
{
	close(fd);
	pthread_rwlock_unlock(&fork_lock);
}

int sbx_cell_put(struct sbx_cell *c, const char *name, const void *data, size_t len,
		 mode_t mode, const char **why)
{
	int fd = create_in_data(c, name, mode, why);
	int rc;

	if (fd < 0)
		return fd;
	rc = sbx_write_all(fd, data, len);
	close_in_data(fd);
	if (rc < 0)
		*why = rc == -ENOSPC ? "the file does not fit in /mnt/data" : "write to /mnt/data failed";
	return rc;
}

int sbx_cell_open_file(const struct sbx_cell *c, const char *name, off_t *size,
		       const char **why)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		/* nothing the program made may redirect the host: no links, no mounts */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	struct stat st;
	int fd;

	if (!sbx_cell_plain_name(name)) {
		*why = "not a plain file name";
		return -EINVAL;
	}
	fd = sys_openat2(c->data_fd, name, &how);
	if (fd < 0) {
		int e = errno;

		*why = e == ELOOP ? "it is a link, which is never followed"
		       : e == ENOENT ? "no such file" : "cannot open the file in /mnt/data";
		return -e;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "it is not a regular file";
		return -EINVAL;
	}
	*size = st.st_size;
	return fd;
}

int sbx_cell_copy(struct sbx_cell *dst, const char *dname, struct sbx_cell *src,
		  const char *sname, mode_t mode, const char **why)
{
	off_t size;
	int in = sbx_cell_open_file(src, sname, &size, why), out, rc = 0;

	if (in < 0)
		return in;
	if ((uint64_t)size > dst->lim.disk) {
		close(in);
		*why = "it is larger than the disk limit of /mnt/data";
		return -EFBIG;
	}
	out = create_in_data(dst, dname, mode, why);
	if (out < 0) {
		close(in);
		return out;
	}
	for (off_t left = size; left > 0;) {
		ssize_t n = sendfile(out, in, NULL, (size_t)left);

		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			*why = "copy between cells failed";
			break;
		}
		left -= n;
	}
	close_in_data(out);
	close(in);
	return rc;
}


/*
 * The cell's root, built by the supervisor while the helper works: a small tmpfs with
 * the mount points, the links into /usr, a generated /etc (nothing secret: passwd,
 * group, hosts, nsswitch.conf, the loader's cache) and /dev with the five device nodes,
 * made here by host root since nothing can make them in a user namespace. It is then
 * made read-only and handed to init as a mount. nosuid and noexec; not nodev, for the
 * nodes: the cell can make none (read-only, no CAP_MKNOD, seccomp), and every writable
 * mount in the cell is nodev. Returns the mount fd or -errno with *why.
 */
static int skel_dir(int mfd, const char *path, mode_t mode)
{
	if (mkdirat(mfd, path, mode) < 0 && errno != EEXIST)
		return -errno;
	/* explicit modes: the supervisor's umask must not decide what the cell can read */
	return fchmodat(mfd, path, mode, 0) < 0 ? -errno : 0;
}

static int skel_file(int mfd, const char *path, const char *text, size_t len)
{
	int f = openat(mfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int rc;

	if (f < 0)
		return -errno;
	rc = sbx_write_all(f, text, len);
	if (rc == 0 && fchmod(f, 0644) < 0)
		rc = -errno;
	close(f);
	return rc;
}

/* Copies a host file when the host has it (the loader's cache). */
static int skel_copy(int mfd, const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out, rc = 0;
	ssize_t n;

	if (in < 0)
		return 0;
	out = openat(mfd, to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if ((rc = sbx_write_all(out, buf, (size_t)n)) < 0)
			break;
	if (n < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && fchmod(out, 0644) < 0)
		rc = -errno;
	close(out);
	close(in);
	return rc;
}

static int make_root(const char **why)
{
	static const char *const dirs[][2] = {
		{ "usr", "0755" }, { "etc", "0755" },
		{ "dev", "0755" }, { "dev/shm", "1777" },
		{ "proc", "0555" }, { "tmp", "1777" }, { "mnt", "0755" }, { "mnt/data", "0755" },
	};
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" },
		{ "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" },
		{ "/usr/share/zoneinfo/Etc/UTC", "etc/localtime" },
	};
	static const char passwd[] =
		"root:x:0:0:root:/root:/usr/sbin/nologin\n"
		"sandbox:x:1000:1000:Stockade sandbox:/mnt/data:/bin/sh\n"
		"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
	static const char group[] = "root:x:0:\nsandbox:x:1000:\nnogroup:x:65534:\n";
	static const char hosts[] = "127.0.0.1\tlocalhost " HOSTNAME "\n"
				    "::1\tlocalhost ip6-localhost ip6-loopback\n";
	static const char nsswitch[] = "passwd: files\ngroup: files\nhosts: files\n";
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	int fs, mfd, rc = 0;

	fs = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0) {
		*why = "fsopen(tmpfs) for the root";
		return -errno;
	}
	if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "size", "8m", 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", "128", 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mfd = sys_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)) < 0) {
		rc = -errno;
		close(fs);
		*why = "cannot create the root tmpfs";
		return rc;
	}
	close(fs);
	*why = "cannot build the root";
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && rc == 0; i++)
		rc = skel_dir(mfd, dirs[i][0], (mode_t)strtoul(dirs[i][1], NULL, 8));
	for (size_t i = 0; i < sizeof(etc_dirs) / sizeof(etc_dirs[0]) && rc == 0; i++) {
		char host[40];

		snprintf(host, sizeof(host), "/%s", etc_dirs[i]);
		if (access(host, F_OK) == 0)
			rc = skel_dir(mfd, etc_dirs[i], 0755);	/* init binds it */
	}
	for (size_t i = 0; i < sizeof(top_dirs) / sizeof(top_dirs[0]) && rc == 0; i++) {
		char host[16], target[PATH_MAX];
		struct stat st;
		ssize_t n;

		snprintf(host, sizeof(host), "/%s", top_dirs[i]);
		if (lstat(host, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = skel_dir(mfd, top_dirs[i], 0755);	/* init binds it */
		} else if (S_ISLNK(st.st_mode)) {
			if ((n = readlink(host, target, sizeof(target) - 1)) < 0)
				rc = -errno;
			else if (target[n] = '\0', symlinkat(target, mfd, top_dirs[i]) < 0)
				rc = -errno;
		}
	}
	if (rc == 0)
		rc = skel_file(mfd, "etc/passwd", passwd, sizeof(passwd) - 1);
	if (rc == 0)
		rc = skel_file(mfd, "etc/group", group, sizeof(group) - 1);
	if (rc == 0)
		rc = skel_file(mfd, "etc/hosts", hosts, sizeof(hosts) - 1);
	if (rc == 0)
		rc = skel_file(mfd, "etc/nsswitch.conf", nsswitch, sizeof(nsswitch) - 1);
	/* the loader's cache: without it every library lookup walks the directories */
	if (rc == 0)
		rc = skel_copy(mfd, "/etc/ld.so.cache", "etc/ld.so.cache");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]) && rc == 0; i++) {
		char host[32], here[32];
		struct stat st;

		snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
		snprintf(here, sizeof(here), "dev/%s", nodes[i]);
		if (stat(host, &st) < 0 || !S_ISCHR(st.st_mode))
			rc = -ENODEV;
		else if (mknodat(mfd, here, S_IFCHR | 0666, st.st_rdev) < 0 ||
			 fchmodat(mfd, here, 0666, 0) < 0)
			rc = -errno;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]) && rc == 0; i++)
		if (symlinkat(links[i][0], mfd, links[i][1]) < 0)
			rc = -errno;
	if (rc == 0 && syscall(SYS_mount_setattr, mfd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		rc = -errno;
		*why = "cannot make the root read-only (mount_setattr needs Linux 5.12)";
	}
	if (rc < 0) {
		close(mfd);
		return rc;
	}
	*why = NULL;
	return mfd;
}

/* read(2), again after a signal. */
static ssize_t read_retry(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static int write_id_maps(pid_t pid, const struct sbx_slot *s)
{
	char path[64], map[64];
	int rc;

	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)SBX_UID, (unsigned)s->uid);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if ((rc = sbx_write_file(path, map)) < 0)
		return rc;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)SBX_GID, (unsigned)s->gid);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	return sbx_write_file(path, map);
}

/*
 * A new child starts on its parent's CPU and keeps it (or keeps the parent waiting)
 * until the scheduler balances, which is too late here: the helper moves to another
 * CPU so the two halves of start-up really overlap. Both sides call this, the helper
 * on itself and the supervisor on the helper, because either may run first. A hint:
 * failure is harmless, and init restores the full mask for the program.
 */
static void move_off_supervisor_cpu(const struct spawn *sp, pid_t helper)
{
	cpu_set_t other;

	if (!sp->pin_helper)
		return;
	other = sp->cpus;
	CPU_CLR(sp->supervisor_cpu, &other);
	sched_setaffinity(helper, sizeof(other), &other);
}

/*
 * The helper: a child of the supervisor that lives only while a cell starts.
 *
 * It first makes the cell's network namespace (the costliest namespace, ~0.5 ms)
 * while the supervisor creates the cgroup. The namespace is owned by the host's user
 * namespace, so nothing in the cell can reconfigure it. When the supervisor says the
 * group is ready (sending the descriptors to enter it, which it opened meanwhile), the
 * helper enters it (sbx_cg_enter) and clones init with the remaining namespaces and
 * CLONE_PARENT, so init is born inside the group, in that network namespace, as the
 * supervisor's own child. It reports init's pid (so the supervisor can kill it
 * whatever fails next), writes init's id maps and tells init "go"; then, while init
 * mounts, brings the loopback up and tells init "net"; reports "k" and exits.
 */
static _Noreturn void helper_main(const struct spawn *sp, int go_rd, int pid_wr)
{
	const struct sbx_cell *c = sp->cell;
	int fds[SBX_CG_MAXHIER], n, cgfd, rc;
	struct spawn s = *sp;
	pid_t p;

	/* init is cloned from here and starts from this copy */
	s.go_rd = go_rd;
	s.pid_wr = pid_wr;
	sp = &s;
	close_inherited(sp, true);
	move_off_supervisor_cpu(sp, 0);
	if (unshare(CLONE_NEWNET) < 0)
		child_fail(sp->fail_wr, "new network namespace");
	if ((n = recv_fds(go_rd, 'g', fds)) < 0)
		_exit(0);	/* the supervisor gave up: no cell */
	cgfd = sbx_cg_enter(c->sys, fds, n);
	if (cgfd < 0) {
		errno = -cgfd;
		child_fail(sp->fail_wr, "enter the cell's cgroup");
	}
	if (c->sys->version == SBX_CG_V2) {
		struct clone_args ca;

		memset(&ca, 0, sizeof(ca));
		/* with CLONE_PARENT the exit signal is the helper's own (SIGCHLD) */
		ca.flags = INIT_NS_FLAGS | CLONE_PARENT | CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgfd;
		p = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	} else {
		p = (pid_t)syscall(SYS_clone, INIT_NS_FLAGS | CLONE_PARENT | SIGCHLD, NULL, NULL,
				   NULL, 0);
	}
	if (p < 0)
		child_fail(sp->fail_wr, "clone the cell's namespaces");
	if (p == 0)
		cell_init(sp);
	if (write(pid_wr, &p, sizeof(p)) != sizeof(p))
		_exit(1);
	if ((rc = write_id_maps(p, &c->slot)) < 0) {
		errno = -rc;
		child_fail(sp->fail_wr, "write the cell's id maps");
	}
	if (write(sp->sync_wr, (char[]){ MSG_GO }, 1) != 1)
		child_fail(sp->fail_wr, "release init");
	/* while init mounts: it waits for this only before it runs the program */
	loopback_up(sp->fail_wr);
	if (write(sp->sync_wr, (char[]){ MSG_NET }, 1) != 1)
		child_fail(sp->fail_wr, "report the loopback");
	if (write(pid_wr, "k", 1) != 1)
		_exit(1);
	_exit(0);
}

/*
 * Reads a failure record, if one is there (the pipe is non-blocking), into the
 * outcome: a set-up failure is Stockade's (setup_failed); a failed exec of a binary
 * user code made, which the kernel may well refuse, is the program's (exec_failed).
 * Returns 1 when a record was read, 0 when there was none, -1 at EOF.
 */
static int take_fail_record(int fd, const struct sbx_exec *x, struct sbx_outcome *o)
{
	struct fail_msg m;
	ssize_t r = read(fd, &m, sizeof(m));

	if (r == 0)
		return -1;
	if (r != sizeof(m))
		return 0;
	m.what[sizeof(m.what) - 1] = '\0';
	if (m.phase == FAIL_EXEC && x->user_binary) {
		o->exec_failed = true;
		snprintf(o->message, sizeof(o->message), "the program could not be executed: %s: %s",
			 m.what, strerror(m.err));
	} else {
		o->setup_failed = true;
		snprintf(o->message, sizeof(o->message), "cell set-up failed: %s: %s", m.what,
			 strerror(m.err));
	}
	return 1;
}

/* Sends the filter to init; compiles it first if this is its first use. */
static int send_filter(int fd, struct sbx_filter *f, const char **why)
{
	int rc;

	if (!f->prog.filter && (rc = sbx_filter_build(f, why)) < 0)
		return rc;
	{
		/* the head of a struct filter_msg, without its 32 KiB of room */
		struct {
			char tag;
			uint32_t len;
		} head = { .tag = MSG_FILTER, .len = f->prog.len };
		struct iovec iov[2] = {
			{ .iov_base = &head, .iov_len = offsetof(struct filter_msg, insns) },
			{ .iov_base = f->prog.filter,
			  .iov_len = head.len * sizeof(struct sock_filter) },
		};
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

		/* one SOCK_SEQPACKET message: init takes it whole or not at all */
		if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t)(iov[0].iov_len + iov[1].iov_len)) {
			rc = -errno;
			*why = "cannot send the seccomp filter to the cell";
			return rc;
		}
	}
	return 0;
}

/*
 * Starts init inside a new cgroup: forks the helper, creates the group while the
 * helper makes the network namespace, then lets the helper clone init. Returns init's
 * pid (in the host's pid namespace), or -errno: with *why set when the supervisor
 * failed, without when the helper did (its record is then in the fail pipe).
 * *helper_out is the helper to reap once convenient (its exit is not worth waiting
 * for now).
 */
static pid_t spawn_init(struct sbx_cell *c, const struct spawn *sp, struct sbx_filter *f,
			pid_t *helper_out, bool *released, const char **prep_why, const char **why)
{
	int go[2], pp[2], fds[SBX_CG_MAXHIER], n, rc;
	pid_t helper, pid;

	*helper_out = 0;
	*released = false;
	*prep_why = NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, go) < 0) {
		*why = "socketpair";
		return -errno;
	}
	if (pipe2(pp, O_CLOEXEC) < 0) {
		rc = -errno;
		*why = "pipe";
		goto close_go;
	}
	pthread_rwlock_wrlock(&fork_lock);
	helper = fork();
	if (helper != 0)
		pthread_rwlock_unlock(&fork_lock);
	if (helper < 0) {
		rc = -errno;
		*why = "fork";
		goto close_pp;
	}
	if (helper == 0) {
		close(go[1]);
		close(pp[0]);
		helper_main(sp, go[0], pp[1]);
	}
	*helper_out = helper;
	close(go[0]);
	close(pp[1]);
	move_off_supervisor_cpu(sp, helper);

	rc = sbx_cg_create(c->sys, c->cg_name, &c->lim, c->cg_need, &c->cg, why);
	if (rc < 0) {
		close(go[1]);	/* EOF: the helper exits without a cell */
		close(pp[0]);
		return rc;
	}
	c->cg_made = true;
	n = sbx_cg_entry_fds(&c->cg, fds);
	if (n < 0) {
		close(go[1]);
		close(pp[0]);
		*why = "cannot open the cell's cgroup for entry";
		return n;
	}
	rc = send_fds(go[1], 'g', fds, n);
	while (n-- > 0)
		close(fds[n]);
	if (rc < 0) {
		pid = -ECHILD;
	} else {
		char k;
		int root = make_root(prep_why);

		/* The helper is busy for a while: build the root and the filter meanwhile
		 * and send them at once (init takes its messages in any order). A failure
		 * (*prep_why) is acted on once init's pid is known, so init can be killed. */
		if (root >= 0) {
			if (send_fds(sp->sync_wr, MSG_ROOT, &root, 1) < 0)
				*prep_why = "cannot send the root to the cell";
			else
				send_filter(sp->sync_wr, f, prep_why);
			close(root);
		}
		if (read_retry(pp[0], &pid, sizeof(pid)) != sizeof(pid))
			pid = -ECHILD;	/* the helper failed: its record is in the fail pipe */
		else
			*released = read_retry(pp[0], &k, 1) == 1 && k == 'k';
	}
	close(go[1]);
	close(pp[0]);
	return pid;

close_pp:
	close(pp[0]);
	close(pp[1]);
close_go:
	close(go[0]);
	close(go[1]);
	return rc;
}

/*
 * Reads what is available on a pipe into a capped buffer. Returns false at EOF. Stops
 * at once when the cap is passed, so that a writer keeping the pipe full cannot hold
 * the supervisor here instead of being killed.
 */
static bool pump(int fd, struct sbx_buf *b, bool *over)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n > 0) {
			if (sbx_buf_append(b, chunk, (size_t)n) != 0) {
				*over = true;
				return true;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno == EAGAIN;
	}
}

static void kill_cell(const struct sbx_cell *c, pid_t init)
{
	kill(init, SIGKILL);
	sbx_cg_kill(&c->cg);
}

static void classify(struct sbx_cell *c, struct sbx_outcome *o, bool have_status, int st,
		     const struct sbx_cg_stats *cs)
{
	uint64_t cpu_ns = cs->cpu_ns > c->cpu_base_ns ? cs->cpu_ns - c->cpu_base_ns : 0;
	uint64_t hits = cs->memory_limit_hits > c->hits_base ?
			cs->memory_limit_hits - c->hits_base : 0;

	o->cpu_ms = cpu_ns / 1000000;
	o->memory_peak_kb = cs->memory_peak / 1024;
	o->oom = cs->oom_kills > c->oom_base;
	if (cpu_ns > c->lim.cpu_ms * 1000000ULL)
		o->cpu_exceeded = true;

	if (have_status && WIFEXITED(st)) {
		o->exit_code = WEXITSTATUS(st);
	} else if (have_status && WIFSIGNALED(st)) {
		o->signal = WTERMSIG(st);
	} else {
		/* killed with its init: by us at a limit, or by the OOM killer */
		o->signal = SIGKILL;
	}

	if (o->setup_failed)
		o->status = SBX_STATUS_INTERNAL_ERROR;
	else if (o->exec_failed)
		o->status = SBX_STATUS_RUNTIME_ERROR;
	else if (o->cpu_exceeded || o->wall_exceeded)
		o->status = SBX_STATUS_TIMEOUT;
	else if (o->oom)
		o->status = SBX_STATUS_MEMORY_LIMIT;
	else if (o->output_exceeded)
		o->status = SBX_STATUS_OUTPUT_LIMIT;
	else if (have_status && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		o->status = SBX_STATUS_OK;
	else if (hits > 0 && cs->memory_peak + 4096 * 64 >= c->lim.memory)
		/* failed after running into the memory limit: an allocation that failed */
		o->status = SBX_STATUS_MEMORY_LIMIT;
	else
		o->status = SBX_STATUS_RUNTIME_ERROR;
}


/* The cgroup's counters, through the kept-open files when the cell has them. */
static void cell_stats(const struct sbx_cell *c, struct sbx_cg_stats *cs)
{
	if (c->statfd)
		sbx_cg_stats_fd(&c->cg, c->statfd, cs);
	else
		sbx_cg_stats(&c->cg, cs);
}

static int cell_cpu_ns(const struct sbx_cell *c, uint64_t *ns)
{
	return c->statfd ? sbx_cg_cpu_ns_fd(&c->cg, c->statfd, ns) : sbx_cg_cpu_ns(&c->cg, ns);
}

void sbx_cell_reap_helper(struct sbx_live *lv)
{
	while (lv->helper > 0 && waitpid(lv->helper, NULL, 0) < 0 && errno == EINTR)
		;
	lv->helper = 0;
}

static void close_live(struct sbx_live *lv)
{
	int *fds[] = { &lv->pidfd, &lv->out, &lv->err, &lv->fail, &lv->status, &lv->ctl };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	sbx_cell_reap_helper(lv);
}

int sbx_cell_start(struct sbx_cell *c, struct sbx_filter *f, const struct sbx_exec *x,
		   struct sbx_live *lv, struct sbx_outcome *o, const char **why)
{
	int sync[2], fail[2], status[2], out[2], err[2];
	struct spawn sp;
	int pidfd, rc = 0;
	pid_t init, helper;
	bool released;
	const char *prep_why;

	memset(o, 0, sizeof(*o));
	o->exit_code = -1;
	sbx_buf_init(&o->out, c->lim.output);
	sbx_buf_init(&o->err, c->lim.output);
	*lv = (struct sbx_live){ .init = -1, .pidfd = -1, .out = -1, .err = -1, .fail = -1,
				 .status = -1, .ctl = -1 };
	if (c->used) {
		*why = "a cell runs one program";
		return -EBUSY;
	}
	c->used = true;

	/* messages, not a byte stream: the go byte, the root (a descriptor), the filter */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
		*why = "socketpair";
		return -errno;
	}
	if (pipe2(fail, O_CLOEXEC) < 0)
		goto close_sync;
	if (pipe2(status, O_CLOEXEC) < 0)
		goto close_fail;
	if (pipe2(out, O_CLOEXEC) < 0)
		goto close_status;
	if (pipe2(err, O_CLOEXEC) < 0)
		goto close_out;
	/* failure records are read when they are there, never waited for */
	fcntl(fail[0], F_SETFL, O_NONBLOCK);

	sp.cell = c;
	sp.supervisor_cpu = sched_getcpu();
	sp.pin_helper = sched_getaffinity(0, sizeof(sp.cpus), &sp.cpus) == 0 &&
			sp.supervisor_cpu >= 0 && CPU_ISSET(sp.supervisor_cpu, &sp.cpus) &&
			CPU_COUNT(&sp.cpus) > 1;
	sp.x = x;
	sp.sync_rd = sync[0];
	sp.sync_wr = sync[1];
	sp.fail_wr = fail[1];
	sp.status_wr = status[1];
	sp.out_wr = out[1];
	sp.err_wr = err[1];

	*why = NULL;
	init = spawn_init(c, &sp, f, &helper, &released, &prep_why, why);
	/* our copies of the cell's ends */
	close(sync[0]);
	close(fail[1]);
	close(status[1]);
	close(out[1]);
	close(err[1]);
	lv->helper = helper;
	lv->out = out[0];
	lv->err = err[0];
	lv->fail = fail[0];
	lv->status = status[0];
	if (init < 0 && *why) {
		/* the supervisor's own failure (the cgroup): not an outcome */
		rc = init;
		goto fail_start;
	}
	if (init < 0) {
		if (take_fail_record(fail[0], x, o) != 1) {
			o->setup_failed = true;
			snprintf(o->message, sizeof(o->message), "cannot start the cell: %s",
				 strerror((int)-init));
		}
		o->status = SBX_STATUS_INTERNAL_ERROR;
		o->exit_code = -1;
		rc = 1;
		goto fail_start;
	}
	pidfd = sys_pidfd_open(init);
	if (!released || pidfd < 0 || prep_why) {
		int e = errno;

		/* init first: once it is gone, whatever it or the helper reported is there */
		kill(init, SIGKILL);
		while (waitpid(init, NULL, 0) < 0 && errno == EINTR)
			;
		if (pidfd >= 0)
			close(pidfd);
		if (take_fail_record(fail[0], x, o) != 1) {
			o->setup_failed = true;
			snprintf(o->message, sizeof(o->message), "cannot start the cell: %s",
				 prep_why ? prep_why : released ? strerror(e) : "the helper failed");
		}
		o->status = SBX_STATUS_INTERNAL_ERROR;
		rc = 1;
		goto fail_start;
	}
	if (x->argv)
		close(sync[1]);
	else
		lv->ctl = sync[1];	/* pre-started: the program goes this way later */
	lv->init = init;
	lv->pidfd = pidfd;
	/* the wall clock runs from the moment the cell has everything it needs */
	lv->start_ns = sbx_now_ns();
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	return 0;

fail_start:
	close(sync[1]);
	close_live(lv);
	return rc;

close_out:
	close(out[0]);
	close(out[1]);
close_status:
	close(status[0]);
	close(status[1]);
close_fail:
	close(fail[0]);
	close(fail[1]);
close_sync:
	{
		int e = errno;

		close(sync[0]);
		close(sync[1]);
		*why = "pipe";
		return -e;
	}
}

void sbx_cell_end(struct sbx_cell *c, struct sbx_live *lv)
{
	if (lv->init > 0) {
		kill_cell(c, lv->init);
		while (waitpid(lv->init, NULL, 0) < 0 && errno == EINTR)
			;
		lv->init = -1;
	}
	close_live(lv);
	/* a process could only survive init by being outside the pid namespace */
	sbx_cg_kill(&c->cg);
}

/* Runs a started cell to its end or its limits, then measures it. */
int sbx_cell_wait(struct sbx_cell *c, const struct sbx_exec *x, struct sbx_live *lv,
		     struct sbx_outcome *o, const char **why)
{
	struct sbx_cg_stats cs;
	unsigned long long wall_deadline = lv->start_ns + c->lim.wall_ms * 1000000ULL;
	bool out_open = true, err_open = true, fail_open = true, status_open = true;
	bool init_done = false, have_status = false, killed = false;
	pid_t init = lv->init;
	int st = 0, rc = 0;

	while (!init_done) {
		struct pollfd pfd[5];
		int n = 0, i_out = -1, i_err = -1, i_fail = -1, i_stat = -1, i_init = -1;
		long timeout;
		uint64_t cpu_ns = 0;
		unsigned long long now = sbx_now_ns();

		if (!init_done && !killed) {
			if (now >= wall_deadline) {
				o->wall_exceeded = true;
				kill_cell(c, init);
				killed = true;
			} else if (cell_cpu_ns(c, &cpu_ns) == 0 &&
				   (cpu_ns = cpu_ns > c->cpu_base_ns ? cpu_ns - c->cpu_base_ns : 0) >=
				   c->lim.cpu_ms * 1000000ULL) {
				o->cpu_exceeded = true;
				kill_cell(c, init);
				killed = true;
			}
		}
		if (killed) {
			timeout = 1000;
		} else {
			/* the cell cannot use CPU faster than its quota allows */
			unsigned long long cpu_left = c->lim.cpu_ms * 1000000ULL - cpu_ns;
			unsigned long long t = cpu_left / c->lim.cpus;

			if (t > wall_deadline - now)
				t = wall_deadline - now;
			timeout = (long)(t / 1000000) + 1;
		}
		if (out_open) {
			pfd[n] = (struct pollfd){ lv->out, POLLIN, 0 };
			i_out = n++;
		}
		if (err_open) {
			pfd[n] = (struct pollfd){ lv->err, POLLIN, 0 };
			i_err = n++;
		}
		if (fail_open) {
			pfd[n] = (struct pollfd){ lv->fail, POLLIN, 0 };
			i_fail = n++;
		}
		if (status_open) {
			pfd[n] = (struct pollfd){ lv->status, POLLIN, 0 };
			i_stat = n++;
		}
		pfd[n] = (struct pollfd){ lv->pidfd, POLLIN, 0 };
		i_init = n++;
		if (poll(pfd, (nfds_t)n, (int)timeout) < 0) {
			if (errno == EINTR)
				continue;
			*why = "poll";
			rc = -errno;
			kill_cell(c, init);
			killed = true;
		}
		if (i_out >= 0 && pfd[i_out].revents)
			out_open = pump(lv->out, &o->out, &o->output_exceeded);
		if (i_err >= 0 && pfd[i_err].revents)
			err_open = pump(lv->err, &o->err, &o->output_exceeded);
		if (o->output_exceeded && !killed) {
			kill_cell(c, init);
			killed = true;
		}
		if (i_fail >= 0 && pfd[i_fail].revents) {
			int r = take_fail_record(lv->fail, x, o);

			if (r == 1 && !killed) {
				kill_cell(c, init);
				killed = true;
			} else if (r < 0) {
				fail_open = false;	/* EOF: the program was exec'd */
			}
		}
		if (i_stat >= 0 && pfd[i_stat].revents) {
			ssize_t r = read(lv->status, &st, sizeof(st));

			have_status = r == sizeof(st);
			status_open = false;
		}
		if (pfd[i_init].revents) {
			while (waitpid(init, NULL, 0) < 0 && errno == EINTR)
				;
			init_done = true;
			lv->init = -1;
			/* the status may have been written just before init exited */
			if (status_open && read(lv->status, &st, sizeof(st)) == sizeof(st))
				have_status = true;
		}
		/* the program has exited and nothing holds its output: done, when the
		 * caller ends the cell later (init is about to exit by itself) */
		if (x->end_with_program && have_status && !out_open && !err_open && !killed)
			break;
	}
	o->wall_ms = (sbx_now_ns() - lv->start_ns) / 1000000;
	/* init is reaped, so every process of the pid namespace is gone and so is every
	 * writer of the pipes: what is buffered is all there is */
	if (out_open)
		pump(lv->out, &o->out, &o->output_exceeded);
	if (err_open)
		pump(lv->err, &o->err, &o->output_exceeded);
	/* a process could only survive init by being outside the pid namespace: make sure
	 * (an early end leaves this to sbx_cell_end) */
	if (init_done)
		sbx_cg_kill(&c->cg);
	cell_stats(c, &cs);
	classify(c, o, have_status, st, &cs);
	if (o->setup_failed || o->exec_failed) {
		/* the program never ran: no exit code or signal of its own */
		o->exit_code = -1;
		o->signal = 0;
	}
	close_live(lv);
	return rc;
}

int sbx_cell_exec(struct sbx_cell *c, struct sbx_filter *f, const struct sbx_exec *x,
		  struct sbx_outcome *o, const char **why)
{
	struct sbx_live lv;
	int rc = sbx_cell_start(c, f, x, &lv, o, why);

	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	return sbx_cell_wait(c, x, &lv, o, why);
}

int sbx_cell_arm(struct sbx_cell *c, struct sbx_filter *f, const char *const *envp,
		 struct sbx_live *lv, struct sbx_outcome *o, const char **why)
{
	/* no argv: init sets everything up, then waits for sbx_cell_fire */
	const struct sbx_exec armed = { .argv = NULL, .envp = envp, .stdin_fd = -1 };

	return sbx_cell_start(c, f, &armed, lv, o, why);
}

int sbx_cell_ready(struct sbx_live *lv, int timeout_ms)
{
	struct pollfd p = { lv->ctl, POLLIN, 0 };
	char tag = 0;
	int n;

	if (lv->ctl < 0)
		return -EPIPE;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return -ETIMEDOUT;
	if (n < 0 || recv(lv->ctl, &tag, 1, MSG_DONTWAIT) != 1 || tag != MSG_READY)
		return -EPIPE;
	return 0;
}

int sbx_cell_fire(struct sbx_cell *c, struct sbx_live *lv, const struct sbx_exec *x,
		  const struct sbx_limits *lim, struct sbx_outcome *o, const char **why)
{
	static __thread struct run_msg m;
	struct sbx_limits l = *lim;
	struct sbx_cg_stats cs;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &m };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t len = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	o->exit_code = -1;
	sbx_buf_init(&o->out, lim->output);
	sbx_buf_init(&o->err, lim->output);
	if (lv->ctl < 0 || lv->init <= 0) {
		*why = "the cell is not waiting for a program";
		return -EINVAL;
	}
	/* what the cell was armed with bounds the rlimits; its tmpfs sizes are final */
	if (l.fsize > c->lim.fsize || l.stack > c->lim.stack || l.nofile > c->lim.nofile ||
	    l.cpu_ms > c->lim.cpu_ms) {
		*why = "the program's limits exceed the pre-started cell's";
		return -ERANGE;
	}
	l.disk = c->lim.disk;
	l.inodes = c->lim.inodes;
	memset(&m, 0, offsetof(struct run_msg, strs));
	m.tag = MSG_RUN;
	for (m.argc = 0; x->argv[m.argc]; m.argc++) {
		size_t n = strlen(x->argv[m.argc]) + 1;

		if (m.argc >= SBX_FIRE_MAX_ARGS || n > sizeof(m.strs) - len) {
			*why = "the program's command line is too long";
			return -E2BIG;
		}
		memcpy(m.strs + len, x->argv[m.argc], n);
		len += n;
	}
	if (m.argc == 0) {
		*why = "no program";
		return -EINVAL;
	}
	m.merge_stderr = x->merge_stderr;
	m.user_binary = x->user_binary;
	m.cpu_s = (l.cpu_ms + 999) / 1000 + 1;
	m.fsize = l.fsize;
	m.stack = l.stack;
	m.nofile = l.nofile;
	iov.iov_len = offsetof(struct run_msg, strs) + len;
	if (x->stdin_fd >= 0) {
		struct cmsghdr *cm;

		m.has_stdin = 1;
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &x->stdin_fd, sizeof(int));
	}
	/* the program's cgroup limits, then what the group has counted so far (init's
	 * set-up), so that only the program is measured */
	if ((rc = sbx_cg_set_limits(&c->cg, &l, why)) < 0)
		return rc;
	cell_stats(c, &cs);
	c->cpu_base_ns = cs.cpu_ns;
	c->hits_base = cs.memory_limit_hits;
	c->oom_base = cs.oom_kills;
	/* v1; on v2 the peak includes init's few pages */
	if (c->statfd)
		sbx_cg_reset_peak_fd(&c->cg, c->statfd);
	else
		sbx_cg_reset_peak(&c->cg);
	c->lim = l;
	if (sendmsg(lv->ctl, &mh, MSG_NOSIGNAL) != (ssize_t)iov.iov_len) {
		rc = -errno;
		*why = "cannot send the program to the cell";
		return rc;
	}
	close(lv->ctl);
	lv->ctl = -1;
	lv->start_ns = sbx_now_ns();
	return 0;
}

void sbx_outcome_free(struct sbx_outcome *o)
{
	sbx_buf_free(&o->out);
	sbx_buf_free(&o->err);
}

int sbx_cell_close(struct sbx_cell *c)
{
	int rc;

	if (c->data_fd >= 0)
		close(c->data_fd);
	c->data_fd = -1;
	rc = c->cg_made ? sbx_cg_destroy(&c->cg) : 0;
	c->cg_made = false;
	sbx_slot_release(&c->slot);
	return rc;
}
