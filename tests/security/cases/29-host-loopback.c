// Row 29: reach host services on 127.0.0.1 (memcached 11211, nginx 80/8080, FastCGI
// 9000, ssh 22, and a listener the runner opens on 127.0.0.1:47611 for this run): the
// sandbox's network namespace is its own, so nothing answers; the runner checks that
// its listener accepted nothing. No listening socket is visible in /proc/net.
// host-tcp-listen: 47611
// args: --wall 10 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout matches ^tcp 127\.0\.0\.1:47611: (ECONNREFUSED|ENETUNREACH)$
// expect: stdout matches ^tcp 127\.0\.0\.1:11211: (ECONNREFUSED|ENETUNREACH)$
// expect: stdout not contains CONNECTED
// expect: stdout contains listening sockets: 0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void) {
    int ports[] = {47611, 11211, 80, 8080, 9000, 22, 514, 6379};
    for (int i = 0; i < 8; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(ports[i])};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) printf("tcp 127.0.0.1:%d: CONNECTED\n", ports[i]);
        else printf("tcp 127.0.0.1:%d: %s\n", ports[i], errno == ECONNREFUSED ? "ECONNREFUSED" : errno == ENETUNREACH ? "ENETUNREACH" : strerror(errno));
        close(s);
    }
    int n = 0;
    const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    for (int f = 0; f < 2; f++) {
        FILE *fp = fopen(files[f], "r");
        char line[512], st[8];
        if (!fp) { printf("%s: %s\n", files[f], strerror(errno)); continue; }
        fgets(line, sizeof line, fp);
        while (fgets(line, sizeof line, fp))
            if (sscanf(line, "%*s %*s %*s %7s", st) == 1 && !strcmp(st, "0A")) n++;
        fclose(fp);
    }
    printf("listening sockets: %d\n", n);
    return 0;
}
