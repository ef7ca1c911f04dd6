/* One program for the judge's mixed cases: stdin names what it does.
 *   ok     prints "ok"            wrong  prints "bad"
 *   loop   burns CPU forever      sleep  sleeps 120 s
 *   mem    touches 1 GiB          out    writes 64 MiB
 *   segv   null write (SIGSEGV)   exit3  prints "ok", exits 3
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile unsigned long counter;

int main(void)
{
	char what[32] = "";

	if (scanf("%31s", what) != 1)
		return 2;
	if (!strcmp(what, "ok")) {
		puts("ok");
	} else if (!strcmp(what, "wrong")) {
		puts("bad");
	} else if (!strcmp(what, "loop")) {
		for (;;)
			counter++;
	} else if (!strcmp(what, "sleep")) {
		sleep(120);
	} else if (!strcmp(what, "mem")) {
		for (int i = 0; i < 1024; i++) {
			char *p = malloc(1 << 20);
			if (!p)
				return 1;
			memset(p, i | 1, 1 << 20);
		}
	} else if (!strcmp(what, "out")) {
		for (long i = 0; i < (64L << 20) / 16; i++)
			fputs("0123456789abcde\n", stdout);
	} else if (!strcmp(what, "segv")) {
		*(volatile int *)0 = 1;
	} else if (!strcmp(what, "exit3")) {
		puts("ok");
		return 3;
	} else {
		return 2;
	}
	return 0;
}
