// too slow: burns CPU forever (time limit, kind cpu)
#include <atomic>
std::atomic<unsigned long> counter;
int main()
{
	for (;;)
		counter++;
}
