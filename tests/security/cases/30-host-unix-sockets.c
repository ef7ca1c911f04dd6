// Row 30: unix sockets of the host (memcached, FastCGI, syslog, the pool keeper, and a
// world-writable socket plus an abstract one the runner opens for this run) are not
// present in the sandbox: connecting fails, no socket file exists anywhere in the
// sandbox's file system, and the runner checks its listeners accepted nothing.
// host-unix-listen: /tmp/stockade-hostile.sock
// host-unix-listen: @stockade-hostile-abstract
// args: --wall 10 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout matches ^unix /tmp/stockade-hostile.sock: ENOENT$
// expect: stdout matches ^unix @stockade-hostile-abstract: ECONNREFUSED$
// expect: stdout matches ^unix /dev/log: ENOENT$
// expect: stdout not contains CONNECTED
// expect: stdout contains socket files found: 0
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int found;
static int visit(const char *p, const struct stat *st, int flag, struct FTW *f) {
    (void)flag; (void)f;
    if (S_ISSOCK(st->st_mode)) { printf("socket file: %s\n", p); found++; }
    return 0;
}

int main(void) {
    const char *paths[] = {"/tmp/stockade-hostile.sock", "@stockade-hostile-abstract", "/dev/log",
        "/run/systemd/journal/socket", "/run/memcached/memcached.sock", "/run/stockade/pool.sock",
        "/tmp/stockade-dev/pool.sock", "/tmp/stockade-dev/fcgi.sock", "/run/dbus/system_bus_socket",
        "@/org/freedesktop/systemd1/notify", "/var/run/docker.sock", NULL};
    for (int i = 0; paths[i]; i++) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        socklen_t len;
        if (paths[i][0] == '@') {
            a.sun_path[0] = 0;
            memcpy(a.sun_path + 1, paths[i] + 1, strlen(paths[i]) - 1);
            len = offsetof(struct sockaddr_un, sun_path) + strlen(paths[i]);
        } else {
            strcpy(a.sun_path, paths[i]);
            len = sizeof a;
        }
        if (connect(s, (struct sockaddr *)&a, len) == 0) printf("unix %s: CONNECTED\n", paths[i]);
        else printf("unix %s: %s\n", paths[i], errno == ENOENT ? "ENOENT" : errno == ECONNREFUSED ? "ECONNREFUSED" : strerror(errno));
        close(s);
    }
    const char *tops[] = {"/dev", "/etc", "/tmp", "/mnt", "/run", "/var"};
    for (int i = 0; i < 6; i++) nftw(tops[i], visit, 32, FTW_PHYS);
    printf("socket files found: %d\n", found);
    return 0;
}
