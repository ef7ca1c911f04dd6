// too hungry: allocates and touches 1 GiB in 1 MiB pieces (memory limit)
#include <cstring>
#include <vector>
int main()
{
	std::vector<char *> keep;
	for (int i = 0; i < 1024; i++) {
		char *p = new char[1 << 20];
		std::memset(p, i | 1, 1 << 20);
		keep.push_back(p);
	}
	return (int)keep.size() & 1;
}
