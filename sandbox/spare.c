/*
 * spare.c - the pool of pre-started empty cells.
 *
 * One thread per pool does all the slow work: arming cells (about as costly as a cell
 * start) and ending the ones given back (killing, reaping, removing the cgroup). A
 * taker only pops a ready cell under the lock. When none is ready the taker waits,
 * and the thread arms one more cell for every waiting taker, beyond the target.
 * After a failure to arm, the thread waits a little before trying again, so a host
 * out of uids or memory is not hammered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spare.h"
#include "util.h"

/* How long a cell may take from arming to "ready". */
#define READY_MS 10000
/* The pause after a failure to arm. */
#define BACKOFF_MS 500
/* Cells armed beyond the target for waiting takers, at most. */
#define MAX_EXTRA 64

struct sbx_spare {
	const struct sbx_site *site;
	const struct sbx_cg_sys *sys;
	struct sbx_limits ceiling;
	const char *const *envp;
	struct sbx_filter filter;	/* compiled by the pool's thread on first use */
	unsigned target;

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t ready_cv;	/* a cell became ready, or the pool stops */
	pthread_cond_t work_cv;		/* the thread has something to do */
	struct sbx_spare_cell *ready;	/* LIFO: the most recently armed first */
	unsigned nready;
	struct sbx_spare_cell *dead;	/* given back, to be destroyed */
	unsigned waiting;		/* takers waiting for a cell */
	bool stop;
	struct sbx_spare_stats st;
};

static void destroy(struct sbx_spare_cell *sc)
{
	sbx_cell_end(&sc->cell, &sc->lv);
	sbx_cg_statfd_close(&sc->statfd);
	sbx_cell_close(&sc->cell);	/* a cgroup left busy is cleared by the slot's next holder */
	free(sc);
}

/* Arms one cell and waits until its init is ready. NULL with *why on failure. */
static struct sbx_spare_cell *arm(struct sbx_spare *p, const char **why)
{
	struct sbx_spare_cell *sc = calloc(1, sizeof(*sc));
	struct sbx_outcome o;
	int rc;

	if (!sc) {
		*why = "out of memory";
		return NULL;
	}
	for (int i = 0; i < SBX_STAT_N; i++)
		sc->statfd.fd[i] = -1;
	if (sbx_cell_open(&sc->cell, p->site, p->sys, &p->ceiling, why) < 0) {
		free(sc);
		return NULL;
	}
	rc = sbx_cell_arm(&sc->cell, &p->filter, p->envp, &sc->lv, &o, why);
	if (rc == 1) {
		static __thread char msg[200];

		snprintf(msg, sizeof(msg), "%s", o.message);
		*why = msg;
	}
	sbx_outcome_free(&o);
	if (rc != 0) {
		sbx_cell_close(&sc->cell);
		free(sc);
		return NULL;
	}
	if ((rc = sbx_cell_ready(&sc->lv, READY_MS)) < 0) {
		*why = rc == -ETIMEDOUT ? "a spare cell took too long to set up"
					: "a spare cell failed to set up";
		destroy(sc);
		return NULL;
	}
	sbx_cell_reap_helper(&sc->lv);
	/* opened once here, off the tests' path: a test reads them twice */
	sbx_cg_statfd_open(&sc->cell.cg, &sc->statfd);
	sc->cell.statfd = &sc->statfd;
	return sc;
}

static void *spare_main(void *arg)
{
	struct sbx_spare *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		unsigned extra = p->waiting < MAX_EXTRA ? p->waiting : MAX_EXTRA;

		if (p->dead) {
			struct sbx_spare_cell *sc = p->dead;

			p->dead = sc->next;
			pthread_mutex_unlock(&p->lock);
			destroy(sc);
			pthread_mutex_lock(&p->lock);
			continue;
		}
		if (p->nready < p->target + extra) {
			unsigned long long t0 = sbx_now_ns();
			const char *why = NULL;
			struct sbx_spare_cell *sc;

			pthread_mutex_unlock(&p->lock);
			sc = arm(p, &why);
			pthread_mutex_lock(&p->lock);
			if (!sc) {
				struct timespec until;

				p->st.failures++;
				snprintf(p->st.last_error, sizeof(p->st.last_error), "%s",
					 why ? why : "unknown");
				sbx_deadline(CLOCK_REALTIME, BACKOFF_MS, &until);
				/* wake takers: they may want the reason */
				pthread_cond_broadcast(&p->ready_cv);
				while (!p->stop && !p->dead &&
				       pthread_cond_timedwait(&p->work_cv, &p->lock, &until) == 0)
					;
				continue;
			}
			p->st.started++;
			p->st.last_arm_ms = (double)(sbx_now_ns() - t0) / 1e6;
			p->st.last_error[0] = '\0';
			sc->next = p->ready;
			p->ready = sc;
			p->nready++;
			pthread_cond_signal(&p->ready_cv);
			continue;
		}
		pthread_cond_wait(&p->work_cv, &p->lock);
	}
	/* stopping: everything left goes */
	while (p->ready || p->dead) {
		struct sbx_spare_cell *sc = p->ready ? p->ready : p->dead;

		if (sc == p->ready) {
			p->ready = sc->next;
			p->nready--;
		} else {
			p->dead = sc->next;
		}
		pthread_mutex_unlock(&p->lock);
		destroy(sc);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int sbx_spare_open(struct sbx_spare **out, const struct sbx_site *site,
		   const struct sbx_cg_sys *sys, const struct sbx_limits *ceiling,
		   const char *const *envp, unsigned target, const char **why)
{
	struct sbx_spare *p;
	pthread_condattr_t ca;
	int rc;

	if (target > 256) {
		*why = "at most 256 spare cells";
		return -EINVAL;
	}
	if (!sbx_limits_valid(ceiling, why))
		return -EINVAL;
	if (!(p = calloc(1, sizeof(*p)))) {
		*why = "out of memory";
		return -ENOMEM;
	}
	p->site = site;
	p->sys = sys;
	p->ceiling = *ceiling;
	p->envp = envp;
	p->target = target;
	p->st.target = target;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->ready_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&p->work_cv, NULL);
	/* the thread takes no signal: a daemon waits for its own on one thread, and a
	 * signal delivered here would take the default action (SIGTERM: death without
	 * the daemon's shutdown) */
	{
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		rc = pthread_create(&p->thread, NULL, spare_main, p);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (rc != 0) {
		pthread_cond_destroy(&p->ready_cv);
		pthread_cond_destroy(&p->work_cv);
		pthread_mutex_destroy(&p->lock);
		free(p);
		*why = "cannot start the spare cells' thread";
		return -rc;
	}
	*out = p;
	return 0;
}

const struct sbx_limits *sbx_spare_ceiling(const struct sbx_spare *p)
{
	return &p->ceiling;
}

/* Whether a ready cell's init is still there (a cell can be killed from outside). */
static bool alive(const struct sbx_spare_cell *sc)
{
	struct pollfd pfd = { sc->lv.pidfd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 0;
}

int sbx_spare_take(struct sbx_spare *p, int timeout_ms, struct sbx_spare_cell **out,
		   bool *missed, const char **why)
{
	struct timespec until;
	int rc = 0;

	*missed = false;
	sbx_deadline(CLOCK_MONOTONIC, (uint64_t)timeout_ms, &until);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct sbx_spare_cell *sc = p->ready;

		if (p->stop) {
			*why = "the spare cells are shutting down";
			rc = -ESHUTDOWN;
			break;
		}
		if (sc) {
			p->ready = sc->next;
			p->nready--;
			pthread_cond_signal(&p->work_cv);	/* refill */
			if (!alive(sc)) {
				sc->next = p->dead;
				p->dead = sc;
				continue;
			}
			p->st.taken++;
			*out = sc;
			break;
		}
		if (!*missed) {
			*missed = true;
			p->st.misses++;
		}
		p->waiting++;
		pthread_cond_signal(&p->work_cv);
		rc = pthread_cond_timedwait(&p->ready_cv, &p->lock, &until);
		p->waiting--;
		if (rc == ETIMEDOUT && !p->ready) {
			static __thread char msg[220];

			snprintf(msg, sizeof(msg), "no spare cell became ready in time%s%s",
				 p->st.last_error[0] ? ": " : "", p->st.last_error);
			*why = msg;
			rc = -ETIMEDOUT;
			break;
		}
		rc = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void sbx_spare_done(struct sbx_spare *p, struct sbx_spare_cell *sc)
{
	pthread_mutex_lock(&p->lock);
	sc->next = p->dead;
	p->dead = sc;
	pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
}

void sbx_spare_stats(struct sbx_spare *p, struct sbx_spare_stats *st)
{
	pthread_mutex_lock(&p->lock);
	*st = p->st;
	st->ready = p->nready;
	pthread_mutex_unlock(&p->lock);
}

void sbx_spare_stop(struct sbx_spare *p)
{
	bool joined;

	pthread_mutex_lock(&p->lock);
	joined = p->stop;
	p->stop = true;
	pthread_cond_broadcast(&p->work_cv);
	pthread_cond_broadcast(&p->ready_cv);
	pthread_mutex_unlock(&p->lock);
	if (!joined)
		pthread_join(p->thread, NULL);
}

void sbx_spare_close(struct sbx_spare *p)
{
	if (!p)
		return;
	sbx_spare_stop(p);
	sbx_filter_free(&p->filter);
	pthread_cond_destroy(&p->ready_cv);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
