// too talkative: writes 64 MiB to stdout (output limit)
#include <iostream>
int main()
{
	std::ios::sync_with_stdio(false);
	for (long i = 0; i < (64L << 20) / 16; i++)
		std::cout << "0123456789abcde\n";
}
