/*
 * judge_cli.h - `stockade judge`: judge one submission against a directory of tests,
 * with no server: the command is its own supervisor and keeps its own small pool of
 * pre-started cells. Prints the judge's result object (judge.h) as JSON. Exit status:
 * 0 when a result was produced, whatever the verdict; 1 when Stockade failed; 2 on bad
 * usage.
 */
#ifndef SBX_JUDGE_CLI_H
#define SBX_JUDGE_CLI_H

#include <stdio.h>

/* argv[0] is "judge". */
int judge_cli_main(int argc, char **argv);

void judge_cli_usage(FILE *f);

#endif
