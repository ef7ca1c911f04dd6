/* too talkative: writes 64 MiB to stdout (output limit) */
#include <stdio.h>
int main(void)
{
	for (long i = 0; i < (64L << 20) / 16; i++)
		fputs("0123456789abcde\n", stdout);
	return 0;
}
