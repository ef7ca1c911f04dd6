/* too slow: burns CPU forever (time limit, kind cpu) */
volatile unsigned long counter;
int main(void)
{
	for (;;)
		counter++;
}
