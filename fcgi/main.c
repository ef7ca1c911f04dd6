/*
 * stockade-fcgi - the web side of Stockade: a FastCGI application behind nginx.
 *
 * Theory of operation
 * -------------------
 * Processes. One master and N workers (<fcgi workers="N">). The master starts as root,
 * reads conf/stockade.xml, creates the FastCGI unix socket (<fcgi socket>, owner, group
 * and mode from the file, so only nginx's group can connect), maps the shared metrics
 * region, drops to <fcgi user> (setgroups, setgid, setuid, no_new_privs), puts itself
 * under the cells' seccomp filter (sandbox/filter.c: no namespaces, mounts, ptrace,
 * bpf, keyrings, io_uring) and forks the workers. From then on nothing in the process tree is privileged: it can reach the
 * keeper's socket (group access) and memcached (TCP on loopback), nothing else.
 *
 * Workers. Each worker accepts on the shared listening socket (FCGX_Accept_r), serves
 * one request at a time and keeps its own connection to the keeper and its own
 * memcached handle. A request is parsed and validated (http.c, xml.c, multipart.c),
 * authenticated and checked against the tenant's quotas (auth.c), routed (api.c) to an
 * API module which talks to the keeper (keeper.c), and answered; then its audit
 * record is appended to the spool (audit.c). Asynchronous executions are answered
 * first and run after (the worker is busy meanwhile, as with a synchronous one).
 *
 * Failure. A worker that dies (a crash, a kill) affects only the request it was
 * serving: the master sees SIGCHLD, counts it and forks a new worker. The master
 * itself serves no request. SIGTERM or SIGINT to the master stops the workers (a request
 * in flight is cut; its client sees nginx's 502), and the master exits 0.
 *
 * File descriptors: the listening socket (inherited by every worker), per worker one
 * keeper connection, one or more memcached connections, and the day's audit spool file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "api.h"
#include "audit.h"
#include "conf.h"
#include "filter.h"
#include "keeper.h"
#include "metrics.h"
#include "util.h"

#define MAX_WORKERS 64

static struct conf conf;
static volatile sig_atomic_t stopping;
static pid_t workers[MAX_WORKERS];

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("stockade-fcgi: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "stockade-fcgi[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* SIGCHLD's handler: never runs (the signal stays blocked and is taken by
 * sigtimedwait), but a handler keeps the kernel from discarding it as ignored. */
static void on_child(int sig)
{
	(void)sig;
}

/* ---- a worker -------------------------------------------------------------------------- */

static char hostname[64];

static unsigned worker_index;

static void finish(struct fcgi_req *r)
{
	r->audit.duration_us = (int64_t)((sbx_now_ns() - r->t0_ns) / 1000);
	if (!r->answered)
		fcgi_reply_error(r, 500, "InternalError", 0, "the request was not answered");
	fcgi_metrics_request(r->status);
	if (r->audit.error_code)
		fcgi_metrics_error(r->audit.error_code);
	if (audit_write(&r->audit) < 0)
		fcgi_metrics_audit_failure();
	fcgi_share_release(worker_index);
}

__attribute__((noreturn))
static void worker_main(int listen_fd, unsigned index, unsigned nworkers)
{
	struct api_ctx x = { .conf = &conf, .worker = index, .share = (nworkers + 1) / 2 };
	FCGX_Request fx;
	const char *why = NULL;
	int rc;
	struct sigaction sa = { .sa_handler = SIG_DFL };

	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);	/* the master forked it blocked */
	}
	signal(SIGPIPE, SIG_IGN);	/* a client or the keeper gone mid-write: an error */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(0);
	worker_index = index;

	x.dir = pool_dir_new(conf.memcached, (unsigned)conf.memcached_timeout_ms, conf.host,
			     "fcgi", &why);
	if (!x.dir) {
		say("memcached: %s", why);
		_exit(1);
	}
	if ((rc = audit_open(conf.audit_spool)) < 0)
		say("audit spool %s: %s (records will be counted as lost)", conf.audit_spool,
		    strerror(-rc));
	fcgi_keeper_init(conf.socket);
	FCGX_InitRequest(&fx, listen_fd, 0);
	while (FCGX_Accept_r(&fx) >= 0) {
		struct fcgi_req r;

		fcgi_req_begin(&r, &fx);
		api_route(&x, &r);
		finish(&r);
		fcgi_req_end(&r);
		if (!r.after_reply)
			FCGX_Finish_r(&fx);
	}
	_exit(0);
}

/* ---- the master ------------------------------------------------------------------------ */

static pid_t spawn(int listen_fd, unsigned index, unsigned nworkers)
{
	pid_t pid = fork();

	if (pid == 0)
		worker_main(listen_fd, index, nworkers);
	return pid;
}

static void drop_privileges(const char *user)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return;		/* started unprivileged: nothing to drop */
	if (!(pw = getpwnam(user)))
		die("<fcgi user=\"%s\">: no such user", user);
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		die("cannot become %s: %s", user, strerror(errno));
	if (setuid(0) == 0)
		die("could become root again after dropping to %s", user);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int open_socket(void)
{
	struct passwd *pw = NULL;
	struct group *gr = NULL;
	mode_t old;
	int fd;

	unlink(conf.fcgi.socket);
	old = umask(0177);
	/* a deep queue: nginx may hold hundreds of requests for a few busy workers (the
	 * kernel caps it at net.core.somaxconn) */
	fd = FCGX_OpenSocket(conf.fcgi.socket, 4096);
	umask(old);
	if (fd < 0)
		die("cannot listen on %s: %s", conf.fcgi.socket, strerror(errno));
	if (geteuid() == 0) {
		if (!(pw = getpwnam(conf.fcgi.owner)))
			die("<fcgi owner=\"%s\">: no such user", conf.fcgi.owner);
		if (!(gr = getgrnam(conf.fcgi.group)))
			die("<fcgi group=\"%s\">: no such group", conf.fcgi.group);
		if (chown(conf.fcgi.socket, pw->pw_uid, gr->gr_gid) < 0)
			die("chown %s: %s", conf.fcgi.socket, strerror(errno));
	}
	if (chmod(conf.fcgi.socket, conf.fcgi.mode) < 0)
		die("chmod %s: %s", conf.fcgi.socket, strerror(errno));
	return fd;
}

static void usage(void)
{
	fputs("usage: stockade-fcgi [--config FILE] [--workers N]\n"
	      "  Serves the Stockade HTTP APIs over FastCGI, behind nginx (see README.md).\n"
	      "  --config FILE   conf/stockade.xml (default /etc/stockade/stockade.xml)\n"
	      "  --workers N     worker processes (default: <fcgi workers>)\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "workers", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/etc/stockade/stockade.xml";
	unsigned nworkers = 0;
	sigset_t waitset, oldmask;
	char err[512];
	int opt, listen_fd;
	struct sigaction sa = { 0 };

	while ((opt = getopt_long(argc, argv, "c:w:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'w':
			nworkers = (unsigned)strtoul(optarg, NULL, 10);
			if (nworkers < 1 || nworkers > MAX_WORKERS)
				die("--workers is 1 to %d", MAX_WORKERS);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (conf_load(path, &conf, err, sizeof(err)) < 0)
		die("%s", err);
	if (!nworkers)
		nworkers = conf.fcgi.workers;
	if (nworkers > MAX_WORKERS)
		nworkers = MAX_WORKERS;
	gethostname(hostname, sizeof(hostname) - 1);

	if (FCGX_Init() != 0)
		die("FCGX_Init failed");
	listen_fd = open_socket();
	if (fcgi_metrics_init(&conf) < 0)
		die("cannot map the metrics region: %s", strerror(errno));
	drop_privileges(conf.fcgi.user);
	{
		/* the cells' seccomp filter fits a parser of untrusted input as well: no
		 * namespaces, mounts, tracing, keyrings, bpf, io_uring */
		const char *why = NULL;
		int rc = sbx_filter_confine(&why);

		if (rc < 0)
			die("cannot confine the workers (%s): %s", why, strerror(-rc));
	}

	/*
	 * The master waits for its signals synchronously (sigtimedwait) with them blocked,
	 * so none can slip between a check and a wait; workers are forked with them
	 * blocked and restore the default actions and the mask before anything else.
	 */
	sa.sa_handler = on_child;	/* SIGCHLD must not be ignored, or it is not queued */
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	sigaddset(&waitset, SIGTERM);
	sigaddset(&waitset, SIGINT);
	sigprocmask(SIG_BLOCK, &waitset, &oldmask);

	for (unsigned i = 0; i < nworkers; i++)
		if ((workers[i] = spawn(listen_fd, i, nworkers)) < 0)
			die("fork: %s", strerror(errno));
	say("listening on %s with %u workers as %s; keeper %s; memcached %s; audit %s",
	    conf.fcgi.socket, nworkers, geteuid() ? conf.fcgi.user : "root", conf.socket,
	    conf.memcached, conf.audit_spool);

	for (;;) {
		struct timespec one_s = { 1, 0 };
		bool missing = false;
		int sig;

		for (;;) {
			int st;
			pid_t pid = waitpid(-1, &st, WNOHANG);

			if (pid <= 0)
				break;
			for (unsigned i = 0; i < nworkers; i++) {
				if (workers[i] != pid)
					continue;
				if (WIFSIGNALED(st))
					say("worker %d died of signal %d; starting another", (int)pid,
					    WTERMSIG(st));
				else
					say("worker %d exited %d; starting another", (int)pid,
					    WEXITSTATUS(st));
				workers[i] = -1;
				fcgi_share_release(i);	/* what it held, it holds no more */
				fcgi_metrics_worker_restart();
			}
		}
		if (stopping)
			break;
		for (unsigned i = 0; i < nworkers; i++)
			if (workers[i] < 0 && (workers[i] = spawn(listen_fd, i, nworkers)) < 0)
				missing = true;	/* fork failed: tried again in a second */
		/* a worker that exits at once (say, memcached misconfigured) is restarted at
		 * most once a second: the wait below runs before the next reap */
		sig = sigtimedwait(&waitset, NULL, missing ? &one_s : NULL);
		if (sig == SIGTERM || sig == SIGINT)
			stopping = 1;
		else if (sig == SIGCHLD)
			usleep(100000);	/* a crash loop costs 10 forks a second, not a core */
	}
	say("stopping");
	for (unsigned i = 0; i < nworkers; i++)
		if (workers[i] > 0)
			kill(workers[i], SIGTERM);
	for (unsigned i = 0; i < nworkers; i++)
		if (workers[i] > 0)
			waitpid(workers[i], NULL, 0);
	unlink(conf.fcgi.socket);
	return 0;
}
