// Row 28: outbound network by name and by raw IP (TCP, UDP, IPv6): name resolution
// fails, connect/sendto fail with ENETUNREACH; only the loopback interface exists.
// args: --wall 10 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout contains resolve example.com: FAILED
// expect: stdout contains tcp 1.1.1.1:80: ENETUNREACH
// expect: stdout contains tcp 8.8.8.8:53: ENETUNREACH
// expect: stdout contains udp 8.8.8.8:53: ENETUNREACH
// expect: stdout matches ^tcp6 \[2606:4700:4700::1111\]:80: (ENETUNREACH|EADDRNOTAVAIL|EAFNOSUPPORT)$
// expect: stdout matches ^interfaces: lo$
// expect: stdout not contains CONNECTED
// expect: wall_ms <= 8000
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *en(int e) {
    switch (e) { case ENETUNREACH: return "ENETUNREACH"; case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
                 case EAFNOSUPPORT: return "EAFNOSUPPORT"; case ECONNREFUSED: return "ECONNREFUSED";
                 case EPERM: return "EPERM"; case EACCES: return "EACCES"; default: return strerror(e); }
}

static void tcp4(const char *ip, int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) printf("tcp %s:%d: CONNECTED\n", ip, port);
    else printf("tcp %s:%d: %s\n", ip, port, en(errno));
    close(s);
}

int main(void) {
    struct addrinfo *ai = NULL, hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    int r = getaddrinfo("example.com", "80", &hints, &ai);
    if (r == 0) printf("resolve example.com: RESOLVED\n"); else printf("resolve example.com: FAILED (%s)\n", gai_strerror(r));
    tcp4("1.1.1.1", 80);
    tcp4("8.8.8.8", 53);
    int s6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (s6 < 0) printf("tcp6 [2606:4700:4700::1111]:80: %s\n", en(errno));
    else {
        struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(80)};
        inet_pton(AF_INET6, "2606:4700:4700::1111", &a6.sin6_addr);
        if (connect(s6, (struct sockaddr *)&a6, sizeof a6) == 0) printf("tcp6 [2606:4700:4700::1111]:80: CONNECTED\n");
        else printf("tcp6 [2606:4700:4700::1111]:80: %s\n", en(errno));
        close(s6);
    }
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in d = {.sin_family = AF_INET, .sin_port = htons(53)};
    inet_pton(AF_INET, "8.8.8.8", &d.sin_addr);
    if (sendto(u, "\x12\x34", 2, 0, (struct sockaddr *)&d, sizeof d) >= 0) printf("udp 8.8.8.8:53: SENT\n");
    else printf("udp 8.8.8.8:53: %s\n", en(errno));
    struct if_nameindex *ifs = if_nameindex();
    printf("interfaces:");
    for (struct if_nameindex *i = ifs; i && i->if_index; i++) printf(" %s", i->if_name);
    printf("\n");
    return 0;
}
