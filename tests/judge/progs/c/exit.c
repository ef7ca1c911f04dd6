/* crashing by a non-zero exit (runtime error, exit code 3) */
#include <stdio.h>
int main(void)
{
	puts("bye");
	return 3;
}
