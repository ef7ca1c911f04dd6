// crashing by a signal: a write through a null pointer (runtime error, SIGSEGV)
#include <iostream>
int main()
{
	std::cout << "about to crash" << std::endl;
	*(volatile int *)nullptr = 1;
}
