// Row 32: setuid/setgid binaries gain nothing: no_new_privs is set, every capability
// set is empty, /usr is mounted nosuid, setuid(0)/setgid(0) fail (EPERM, or EINVAL: uid 0
// is not even mapped), setgroups fails with EPERM,
// and a setuid-root helper (/usr/bin/mount) runs with euid 1000 (checked through
// /proc/<pid>/status while it runs).
// args: --wall 10 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout matches ^NoNewPrivs:\s+1$
// expect: stdout matches ^CapEff:\s+0000000000000000$
// expect: stdout matches ^CapPrm:\s+0000000000000000$
// expect: stdout matches ^CapInh:\s+0000000000000000$
// expect: stdout matches ^CapAmb:\s+0000000000000000$
// expect: stdout matches ^Seccomp:\s+2$
// expect: stdout contains ids: 1000 1000 1000 / 1000 1000 1000
// expect: stdout matches ^setuid\(0\): (EPERM|EINVAL)$
// expect: stdout matches ^setgid\(0\): (EPERM|EINVAL)$
// expect: stdout contains setgroups([0]): EPERM
// expect: stdout matches ^mount /usr: \S*nosuid
// expect: stdout matches ^setuid helper /usr/bin/mount: euid 1000
// expect: stdout not contains LEAK
// expect: stdout contains done
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *en(int e) { return e == EPERM ? "EPERM" : e == EINVAL ? "EINVAL" : strerror(e); }

int main(void) {
    char line[4096];
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "NoNewPrivs", 10) || !strncmp(line, "Seccomp:", 8) || !strncmp(line, "Cap", 3)) fputs(line, stdout);
    fclose(f);
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    printf("ids: %d %d %d / %d %d %d\n", r, e, s, gr, ge, gs);
    if (setuid(0) == 0) printf("setuid(0): LEAK succeeded\n"); else printf("setuid(0): %s\n", en(errno));
    if (setgid(0) == 0) printf("setgid(0): LEAK succeeded\n"); else printf("setgid(0): %s\n", en(errno));
    if (setresuid(0, 0, 0) == 0) printf("setresuid(0,0,0): LEAK succeeded\n"); else printf("setresuid(0,0,0): %s\n", en(errno));
    gid_t g0 = 0;
    if (setgroups(1, &g0) == 0) printf("setgroups([0]): LEAK succeeded\n"); else printf("setgroups([0]): %s\n", en(errno));
    f = fopen("/proc/self/mountinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char mp[1024], opts[1024];
        if (sscanf(line, "%*s %*s %*s %*s %1023s %1023s", mp, opts) == 2 &&
            (!strcmp(mp, "/usr") || !strcmp(mp, "/") || !strcmp(mp, "/tmp") || !strcmp(mp, "/mnt/data") || !strcmp(mp, "/dev/shm")))
            printf("mount %s: %s\n", mp, opts);
    }
    fclose(f);
    if (access("/usr/bin/mount", X_OK) == 0) {
        int p[2];
        pipe(p);
        pid_t c = fork();
        if (c == 0) {
            dup2(p[0], 0);
            execl("/usr/bin/mount", "mount", "--fake", "-t", "tmpfs", "none", "/mnt/data", (char *)NULL);
            _exit(127);
        }
        int euid = -1;
        for (int i = 0; i < 200; i++) {
            char path[64], comm[64] = "";
            snprintf(path, sizeof path, "/proc/%d/status", c);
            FILE *st = fopen(path, "r");
            if (!st) break;
            while (fgets(line, sizeof line, st)) if (!strncmp(line, "Uid:", 4)) sscanf(line, "Uid: %*d %d", &euid);
            fclose(st);
            snprintf(path, sizeof path, "/proc/%d/comm", c);
            FILE *cm = fopen(path, "r");
            if (cm) { fgets(comm, sizeof comm, cm); fclose(cm); }
            if (!strncmp(comm, "mount", 5)) break;
            usleep(5000);
        }
        int status;
        waitpid(c, &status, 0);
        printf("setuid helper /usr/bin/mount: euid %d, exit %d\n", euid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        if (euid == 0) printf("LEAK: setuid bit honoured\n");
    }
    printf("done\n");
    return 0;
}
