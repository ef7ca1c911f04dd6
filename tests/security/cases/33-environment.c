// Row 33: the sandbox's environment is built from scratch: exactly PATH, HOME=/mnt/data
// and LANG=C.UTF-8, none of the caller's variables (the runner sets secrets such as
// STOCKADE_API_KEY and MEMCACHED_SERVERS in the CLI's environment), and no process of
// the cell exposes them through /proc/<pid>/environ or cmdline either.
// args: --wall 5 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout matches ^env names: HOME LANG MATPLOTLIBRC PATH$
// expect: stdout matches ^HOME=/mnt/data$
// expect: stdout matches ^LANG=C\.UTF-8$
// expect: stdout matches ^PATH=/
// expect: stdout not contains TOKEN-7d3e
// expect: stdout not contains LEAK
// expect: stdout contains done
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
extern char **environ;
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(void) {
    int n = 0;
    while (environ[n]) n++;
    char **names = calloc(n + 1, sizeof *names);
    for (int i = 0; i < n; i++) { names[i] = strdup(environ[i]); char *eq = strchr(names[i], '='); if (eq) *eq = 0; }
    qsort(names, n, sizeof *names, cmp);
    printf("env names:");
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");
    char **sorted = calloc(n + 1, sizeof *sorted);
    memcpy(sorted, environ, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp);
    for (int i = 0; i < n; i++) printf("%s\n", sorted[i]);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        const char *what[] = {"environ", "cmdline"};
        for (int w = 0; w < 2; w++) {
            char p[64], buf[65536];
            snprintf(p, sizeof p, "/proc/%s/%s", e->d_name, what[w]);
            int fd = open(p, O_RDONLY);
            if (fd < 0) { printf("%s: unreadable\n", p); continue; }
            ssize_t r = read(fd, buf, sizeof buf);
            close(fd);
            if (r > 0 && (memmem(buf, r, "TOKEN-7d3e", 10) || memmem(buf, r, "MEMCACHED", 9) || memmem(buf, r, "STOCKADE_", 9)))
                printf("LEAK: caller's environment in %s\n", p);
        }
    }
    printf("done\n");
    return 0;
}
