# Row 21: device nodes and FIFOs get EPERM, setuid files gain nothing; the writable mounts are
# nodev,nosuid; host device nodes cannot be re-permissioned.
# args: --wall 10 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout contains mknod /mnt/data/mem c 1 1: EPERM
# expect: stdout contains mknod /tmp/sda b 8 0: EPERM
# expect: stdout contains mknod /dev/shm/null c 1 3: EPERM
# expect: stdout contains mkfifo /mnt/data/fifo: EPERM
# expect: stdout matches ^mount /mnt/data: .*nodev.*nosuid|^mount /mnt/data: .*nosuid.*nodev
# expect: stdout matches ^mount /tmp: .*nodev.*nosuid|^mount /tmp: .*nosuid.*nodev
# expect: stdout matches ^mount /dev/shm: .*nodev.*nosuid|^mount /dev/shm: .*nosuid.*nodev
# expect: stdout not contains LEAK
# expect: stdout contains done
import errno, os, shutil, stat

def en(e):
    return errno.errorcode.get(e.errno, str(e))

for path, kind, maj, mnr in (("/mnt/data/mem", stat.S_IFCHR, 1, 1), ("/tmp/sda", stat.S_IFBLK, 8, 0),
                             ("/dev/shm/null", stat.S_IFCHR, 1, 3)):
    try:
        os.mknod(path, kind | 0o666, os.makedev(maj, mnr))
        print("mknod %s %s %d %d: CREATED" % (path, "c" if kind == stat.S_IFCHR else "b", maj, mnr))
        try:
            open(path, "rb").close()
            print("LEAK: opened device %s" % path)
        except OSError as e:
            print("open %s: %s" % (path, en(e)))
    except OSError as e:
        print("mknod %s %s %d %d: %s" % (path, "c" if kind == stat.S_IFCHR else "b", maj, mnr, en(e)))
try:
    os.mkfifo("/mnt/data/fifo")
    print("mkfifo /mnt/data/fifo: created (confined to the cell)")
except OSError as e:
    print("mkfifo /mnt/data/fifo: %s" % en(e))
shutil.copy("/usr/bin/id", "/mnt/data/id")
try:
    os.chmod("/mnt/data/id", 0o6755)
    print("chmod 6755 own copy: mode %o (owner uid %d: no privilege to gain)" % (os.stat("/mnt/data/id").st_mode, os.stat("/mnt/data/id").st_uid))
except OSError as e:
    print("chmod 6755 own copy: %s" % en(e))
for dev in ("/dev/null", "/dev/zero"):
    try:
        os.chmod(dev, 0o4777)
        print("LEAK: chmod %s allowed" % dev)
    except OSError as e:
        print("chmod %s: %s" % (dev, en(e)))
    try:
        os.chown(dev, 1000, 1000)
        print("LEAK: chown %s allowed" % dev)
    except OSError as e:
        print("chown %s: %s" % (dev, en(e)))
with open("/proc/self/mountinfo") as f:
    for line in f:
        parts = line.split()
        if parts[4] in ("/mnt/data", "/tmp", "/dev/shm", "/usr", "/"):
            sep = parts.index("-")
            print("mount %s: %s %s" % (parts[4], parts[5], parts[sep + 3]))
print("done")
