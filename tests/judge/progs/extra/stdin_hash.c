/* Reads all of stdin; prints its length and its FNV-1a 64-bit hash in hex. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	static unsigned char buf[1 << 16];
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned long long len = 0;
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		for (size_t i = 0; i < n; i++) {
			h ^= buf[i];
			h *= 0x100000001b3ULL;
		}
		len += n;
	}
	printf("%llu %016llx\n", len, (unsigned long long)h);
	return 0;
}
