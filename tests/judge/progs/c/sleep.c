/* sleeping: far beyond the wall limit, using no CPU (time limit, kind wall) */
#include <unistd.h>
int main(void)
{
	sleep(120);
	return 0;
}
