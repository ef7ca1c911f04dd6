/* crashing by a signal: a write through a null pointer (runtime error, SIGSEGV) */
#include <stdio.h>
int main(void)
{
	puts("about to crash");
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 0;
}
