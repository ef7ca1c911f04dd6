// crashing by a non-zero exit (runtime error, exit code 3)
#include <iostream>
int main()
{
	std::cout << "bye" << std::endl;
	return 3;
}
