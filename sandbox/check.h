/*
 * check.h - what the kernel offers, and what Stockade does without what is missing.
 */
#ifndef SBX_CHECK_H
#define SBX_CHECK_H

#include <stdio.h>

#include "slot.h"

/* Probes every kernel feature a cell uses (each namespace by actually creating it in a
 * throw-away child, the cgroup hierarchies and controllers, seccomp, the mount API,
 * pidfds, openat2) and the runtimes, and prints a report. Returns 0 when a cell can be
 * built with every limit enforced, 1 otherwise. */
int sbx_check(FILE *out, const struct sbx_site *site);

#endif
