/* Compile once: a submission that takes the compiler a noticeable time (six hundred
 * functions at -O2, about a second) and leaves one mark in the compile output per
 * compilation. Reads n, prints 2n. */
#include <stdio.h>
#pragma message "STOCKADE-COMPILE-MARK"

#define F(n) int f##n(int x) { int s = 0; for (int i = 0; i < x; i++) s += (i * n) ^ (s >> 3); return s; }
#define F10(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7) F(n##8) F(n##9)
#define F100(n) F10(n##0) F10(n##1) F10(n##2) F10(n##3) F10(n##4) F10(n##5) F10(n##6) F10(n##7) F10(n##8) F10(n##9)
F100(1)
F100(2)
F100(3)
F100(4)
F100(5)
F100(6)

int main(void)
{
	long n;
	if (scanf("%ld", &n) != 1)
		return 1;
	printf("%ld\n", 2 * n);
	return 0;
}
