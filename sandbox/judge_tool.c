/*
 * judge_tool.c - build/bin/stockade-judge, what `stockade judge` runs (judge_cli.c).
 *
 * A binary of its own so that `stockade run`, which starts once per program, does
 * not load what the judge needs to read conf/stockade.xml (libxml2 and ICU: about
 * 0.6 ms of dynamic linking on every start). `stockade judge ...` execs it.
 */
#include <signal.h>

#include "cell.h"
#include "judge_cli.h"

int main(int argc, char **argv)
{
	/* a cell that dies early closes the pipes we write: EPIPE, not death */
	signal(SIGPIPE, SIG_IGN);
	sbx_cell_hide_argv(argc, argv);
	return judge_cli_main(argc, argv);
}
