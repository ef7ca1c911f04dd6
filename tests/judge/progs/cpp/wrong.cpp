// wrong answer: prints the sum plus one
#include <iostream>
int main()
{
	long a, b;
	if (!(std::cin >> a >> b))
		return 1;
	std::cout << a + b + 1 << std::endl;
}
