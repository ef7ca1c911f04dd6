// Row 17: read /etc/shadow, host configuration, the service's keys and other sessions'
// data. Everything must be absent or EACCES; a secret planted on the host for this run
// must not be readable; the generated /etc holds only the expected files,
// Debian's alternatives (links into /usr) and the OpenJDK's public configuration,
// both bound read-only.
// host-file: /tmp/stockade-hostile-secret TOKEN-5f1c9e2a-host-secret
// args: --wall 10 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout not contains TOKEN-5f1c9e2a-host-secret
// expect: stdout not contains LEAK
// expect: stdout contains /etc/shadow: ENOENT
// expect: stdout matches ^/etc: alternatives group hosts (java-[0-9]+-openjdk )*ld\.so\.cache (localtime )?nsswitch\.conf passwd$
// expect: stdout contains done
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *en(int e) {
    switch (e) { case ENOENT: return "ENOENT"; case EACCES: return "EACCES"; case EPERM: return "EPERM";
                 case ENOTDIR: return "ENOTDIR"; case ENXIO: return "ENXIO"; case ENODEV: return "ENODEV";
                 default: return strerror(e); }
}
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    const char *paths[] = {
        "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh/ssh_host_ed25519_key",
        "/etc/ssh/ssh_host_rsa_key", "/etc/machine-id", "/etc/hostname", "/etc/resolv.conf",
        "/etc/stockade/stockade.xml", "/etc/stockade/keys", "/etc/memcached.conf",
        "/etc/nginx/nginx.conf", "/etc/syslog-ng/syslog-ng.conf",
        "/root/.ssh/id_rsa", "/root/.ssh/authorized_keys", "/root/.bash_history",
        "/home", "/root", "/var/lib/stockade", "/var/log/syslog", "/run/stockade",
        "/tmp/stockade-dev/dev-key", "/tmp/stockade-hostile-secret",
        "/work/main/conf/stockade.xml", "/work/shared/HOSTILE.md",
        "/proc/kcore", "/proc/kallsyms", "/sys/kernel/security",
        "/usr/../etc/shadow", "/mnt/data/../../etc/shadow", "/dev/mem", "/dev/kmsg", "/dev/sda", NULL};
    for (int i = 0; paths[i]; i++) {
        const char *p = paths[i];
        DIR *d = opendir(p);
        if (d) {
            int n = 0;
            struct dirent *e;
            while ((e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
            closedir(d);
            printf("%s: LISTED %d entries\n", p, n);
            if (n) printf("LEAK: %s lists %d entries\n", p, n);
            continue;
        }
        int fd = open(p, O_RDONLY | O_NONBLOCK);
        if (fd < 0) { printf("%s: %s\n", p, en(errno)); continue; }
        char buf[256];
        ssize_t r = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (r < 0) { printf("%s: opened, read %s\n", p, en(errno)); printf("LEAK: %s opened\n", p); continue; }
        buf[r] = 0;
        for (ssize_t j = 0; j < r; j++) if (buf[j] < 32 || buf[j] > 126) buf[j] = '.';
        printf("%s: READ %zd bytes: %s\n", p, r, buf);
        if (!strcmp(p, "/proc/kallsyms")) {   /* names are public; addresses must be hidden */
            if (strncmp(buf, "0000000000000000", 16)) printf("LEAK: kernel addresses in /proc/kallsyms\n");
        } else printf("LEAK: %s readable\n", p);
    }
    char *names[64];
    int n = 0;
    DIR *d = opendir("/etc");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    qsort(names, n, sizeof *names, cmp);
    printf("/etc:");
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");
    char t[256];   /* a generated link to UTC is fine; the host's zone is host config */
    ssize_t tl = readlink("/etc/localtime", t, sizeof t - 1);
    if (tl >= 0) {
        t[tl] = 0;
        printf("/etc/localtime -> %s\n", t);
        if (strcmp(t, "/usr/share/zoneinfo/Etc/UTC") && strcmp(t, "/usr/share/zoneinfo/UTC")) printf("LEAK: /etc/localtime is not a generated UTC link\n");
    } else if (access("/etc/localtime", F_OK) == 0) printf("LEAK: /etc/localtime is a host file\n");
    printf("done\n");
    return 0;
}
