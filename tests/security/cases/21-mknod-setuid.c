// Row 21: device nodes and FIFOs get EPERM, setuid files gain nothing; the writable mounts are
// nodev,nosuid; host device nodes cannot be re-permissioned.
// args: --wall 10 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout contains mknod /mnt/data/mem c 1 1: EPERM
// expect: stdout contains mknod /tmp/sda b 8 0: EPERM
// expect: stdout contains mknod /dev/shm/null c 1 3: EPERM
// expect: stdout contains mkfifo /mnt/data/fifo: EPERM
// expect: stdout matches ^mount /mnt/data: .*nodev.*nosuid|^mount /mnt/data: .*nosuid.*nodev
// expect: stdout matches ^mount /tmp: .*nodev.*nosuid|^mount /tmp: .*nosuid.*nodev
// expect: stdout matches ^mount /dev/shm: .*nodev.*nosuid|^mount /dev/shm: .*nosuid.*nodev
// expect: stdout not contains LEAK
// expect: stdout contains done
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const char *en(int e) { return e == EPERM ? "EPERM" : e == EACCES ? "EACCES" : e == EROFS ? "EROFS" : strerror(e); }

int main(void) {
    struct { const char *p; mode_t k; int ma, mi; } n[] = {
        {"/mnt/data/mem", S_IFCHR, 1, 1}, {"/tmp/sda", S_IFBLK, 8, 0}, {"/dev/shm/null", S_IFCHR, 1, 3}};
    for (int i = 0; i < 3; i++) {
        char k = n[i].k == S_IFCHR ? 'c' : 'b';
        if (mknod(n[i].p, n[i].k | 0666, makedev(n[i].ma, n[i].mi)) == 0) {
            printf("mknod %s %c %d %d: CREATED\n", n[i].p, k, n[i].ma, n[i].mi);
            int fd = open(n[i].p, O_RDONLY);
            if (fd >= 0) printf("LEAK: opened device %s\n", n[i].p); else printf("open %s: %s\n", n[i].p, en(errno));
        } else printf("mknod %s %c %d %d: %s\n", n[i].p, k, n[i].ma, n[i].mi, en(errno));
    }
    if (mkfifo("/mnt/data/fifo", 0600) == 0) printf("mkfifo /mnt/data/fifo: created (confined to the cell)\n");
    else printf("mkfifo /mnt/data/fifo: %s\n", en(errno));
    int fd = open("/mnt/data/suid", O_WRONLY | O_CREAT, 0755);
    close(fd);
    if (chmod("/mnt/data/suid", 06755) == 0) printf("chmod 6755 own file: allowed (owned by the sandbox uid)\n");
    else printf("chmod 6755 own file: %s\n", en(errno));
    const char *devs[] = {"/dev/null", "/dev/zero"};
    for (int i = 0; i < 2; i++) {
        if (chmod(devs[i], 04777) == 0) printf("LEAK: chmod %s allowed\n", devs[i]); else printf("chmod %s: %s\n", devs[i], en(errno));
        if (chown(devs[i], 1000, 1000) == 0) printf("LEAK: chown %s allowed\n", devs[i]); else printf("chown %s: %s\n", devs[i], en(errno));
    }
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f)) {
        char mp[1024], opts[1024], super[1024];
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %*s %1023s %1023s", mp, opts) != 2) continue;
        if (sscanf(dash + 3, "%*s %*s %1023s", super) != 1) continue;
        if (!strcmp(mp, "/mnt/data") || !strcmp(mp, "/tmp") || !strcmp(mp, "/dev/shm") || !strcmp(mp, "/usr") || !strcmp(mp, "/"))
            printf("mount %s: %s %s\n", mp, opts, super);
    }
    printf("done\n");
    return 0;
}
