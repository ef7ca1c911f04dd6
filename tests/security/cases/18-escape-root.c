// Row 18: walk "..", /proc/1/root, /proc/self/root, /proc/<pid>/cwd and /proc/<host
// pid> to reach the host: only the cell's own root and processes are visible. The host
// has /work/shared/HOSTILE.md and a marker file planted for this run; stdin carries
// the host pids of a canary and of the runner. Also tries openat from a dirfd of /
// and fchdir("..") loops, the classic chroot escape.
// stdin: canary
// host-file: /tmp/stockade-hostile-marker TOKEN-a41b-host-marker
// args: --wall 10 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout not contains TOKEN-a41b-host-marker
// expect: stdout not contains REACHABLE
// expect: stdout not contains LEAK
// expect: stdout contains done
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_read(const char *p) {
    int fd = open(p, O_RDONLY);
    if (fd < 0) return;
    char b[101];
    ssize_t n = read(fd, b, 100);
    close(fd);
    b[n > 0 ? n : 0] = 0;
    printf("REACHABLE %s: %s\n", p, b);
}

int main(void) {
    int canary, runner;
    if (scanf("%d %d", &canary, &runner) != 2) return 2;
    const char *targets[] = {"work/shared/HOSTILE.md", "tmp/stockade-hostile-marker"};
    char up[200] = "";
    for (int i = 0; i < 40; i++) strcat(up, "../");
    chdir("/mnt/data");
    int pids[256], np = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while ((e = readdir(d)) && np < 256) if (e->d_name[0] >= '0' && e->d_name[0] <= '9') pids[np++] = atoi(e->d_name);
    closedir(d);
    printf("pids in /proc:");
    for (int i = 0; i < np; i++) printf(" %d", pids[i]);
    printf("\n");
    if (np > 4) printf("LEAK: %d processes visible\n", np);
    int hp[2] = {canary, runner};
    for (int i = 0; i < 2; i++) {
        char p[64];
        snprintf(p, sizeof p, "/proc/%d", hp[i]);
        printf("%s: %s\n", p, access(p, F_OK) == 0 ? "LEAK: host pid visible" : "absent");
    }
    char roots[600][300];
    int nr = 0;
    snprintf(roots[nr++], 300, "/");
    snprintf(roots[nr++], 300, "%s", up);
    snprintf(roots[nr++], 300, "/proc/1/root/");
    snprintf(roots[nr++], 300, "/proc/self/root/");
    snprintf(roots[nr++], 300, "/proc/self/root/proc/1/root/");
    snprintf(roots[nr++], 300, "/proc/1/cwd/%s", up);
    snprintf(roots[nr++], 300, "/proc/%d/root/", canary);
    snprintf(roots[nr++], 300, "/proc/%d/root/", runner);
    snprintf(roots[nr++], 300, "/dev/fd/../../%s", up);
    snprintf(roots[nr++], 300, "/usr/%s", up);
    for (int i = 0; i < np && nr < 590; i++) {
        snprintf(roots[nr++], 300, "/proc/%d/root/", pids[i]);
        snprintf(roots[nr++], 300, "/proc/%d/cwd/%s", pids[i], up);
    }
    for (int i = 0; i < nr; i++)
        for (int t = 0; t < 2; t++) {
            char p[600];
            snprintf(p, sizeof p, "%s%s", roots[i], targets[t]);
            try_read(p);
        }
    // fchdir("..") from a directory fd, many times, then look around
    int rootfd = open("/", O_RDONLY | O_DIRECTORY);
    for (int i = 0; i < 64; i++) { fchdir(rootfd); chdir(".."); close(rootfd); rootfd = open(".", O_RDONLY | O_DIRECTORY); }
    for (int t = 0; t < 2; t++) {
        int fd = openat(rootfd, targets[t], O_RDONLY);
        if (fd >= 0) { printf("REACHABLE via fchdir loop: %s\n", targets[t]); close(fd); }
    }
    const char *host_only[] = {"work"};
    printf("root via ..:");
    d = opendir(up);
    while (d && (e = readdir(d))) printf(" %s", e->d_name);
    printf("\n");
    for (int i = 0; i < 1; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", up, host_only[i]);
        struct stat st;
        if (stat(p, &st) == 0) printf("LEAK: host directory /%s visible\n", host_only[i]);
    }
    printf("done\n");
    return 0;
}
