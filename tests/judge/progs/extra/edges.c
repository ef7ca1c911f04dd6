/* Near the limits, for the judge's edge cases: stdin is "WHAT A B"; the program does
 * WHAT, then prints A + B (the expected output), unless it was stopped first.
 *   mem40      touches 40 MiB (under a 64M limit: accepted, memory_kb >= 40 MiB)
 *   cpu700     burns 0.7 s of CPU (under a 1 s limit: accepted)
 *   cpu1200    burns 1.2 s of CPU and finishes (past 1 s, before 1 s + extra: time_limit)
 *   threads    four threads burn CPU forever (summed: time_limit, kind cpu)
 *   orphan     a child in a session of its own sleeps 100 s after main exits
 *              (accepted at once; the child does not outlive the test)
 *   orphancpu  a child burns 0.5 s of CPU; main waits for it (its CPU is counted)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void burn(double seconds)
{
	volatile unsigned long x = 0;
	clock_t t = clock();

	while (clock() - t < (clock_t)(seconds * CLOCKS_PER_SEC))
		x++;
}

static void *spin(void *arg)
{
	volatile unsigned long x = 0;

	for (;;)
		x++;
	return arg;
}

int main(void)
{
	char what[32];
	long a, b;

	if (scanf("%31s %ld %ld", what, &a, &b) != 3)
		return 2;
	if (!strcmp(what, "mem40")) {
		size_t n = (size_t)40 << 20;
		volatile char *p = malloc(n);
		long s = 0;

		if (!p)
			return 1;
		for (size_t i = 0; i < n; i += 4096)
			p[i] = (char)(i >> 12);
		for (size_t i = 0; i < n; i += 4096)
			s += p[i];
		if (s == 1)	/* never: keeps the pages in use */
			return 4;
	} else if (!strcmp(what, "cpu700")) {
		burn(0.7);
	} else if (!strcmp(what, "cpu1200")) {
		burn(1.2);
	} else if (!strcmp(what, "threads")) {
		pthread_t t[4];

		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, spin, NULL);
		pthread_join(t[0], NULL);
	} else if (!strcmp(what, "orphan")) {
		printf("%ld\n", a + b);
		fflush(stdout);
		if (fork() == 0) {
			setsid();
			sleep(100);
		}
		return 0;
	} else if (!strcmp(what, "orphancpu")) {
		pid_t c = fork();

		if (c == 0) {
			burn(0.5);
			_exit(0);
		}
		waitpid(c, NULL, 0);
	}
	printf("%ld\n", a + b);
	return 0;
}
