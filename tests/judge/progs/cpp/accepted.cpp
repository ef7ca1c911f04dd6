// accepted: reads two integers, prints their sum
#include <iostream>
int main()
{
	long a, b;
	if (!(std::cin >> a >> b))
		return 1;
	std::cout << a + b << std::endl;
}
