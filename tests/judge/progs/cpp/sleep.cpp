// sleeping: far beyond the wall limit, using no CPU (time limit, kind wall)
#include <chrono>
#include <thread>
int main()
{
	std::this_thread::sleep_for(std::chrono::seconds(120));
}
