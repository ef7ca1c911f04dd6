/*
 * runners.h - the runners a warm cell runs (sandbox/runners/), compiled into the
 * keeper so that nothing of them has to be found on disk at run time.
 */
#ifndef POOL_RUNNERS_H
#define POOL_RUNNERS_H

#define POOL_RUNNER_MAXARGS 8

/*
 * Fills argv (NULL-terminated) with the command that starts the runner of `runtime`
 * (python, node, bash) inside a cell. Returns 0, or -1 when there is no such runner.
 */
int pool_runner_argv(const char *runtime, const char *argv[POOL_RUNNER_MAXARGS]);

/* The environment of every runner: built from scratch, like sbx_cell_env. */
extern const char *const pool_runner_env[];

#endif
