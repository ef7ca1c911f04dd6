# Row 30: unix sockets of the host (memcached, FastCGI, syslog, the pool keeper, and a
# world-writable socket plus an abstract one the runner opens for this run) are not
# present in the sandbox: connecting fails, no socket file exists anywhere in the
# sandbox's file system, and the runner checks its listeners accepted nothing.
# host-unix-listen: /tmp/stockade-hostile.sock
# host-unix-listen: @stockade-hostile-abstract
# args: --wall 10 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout matches ^unix /tmp/stockade-hostile.sock: ENOENT$
# expect: stdout matches ^unix @stockade-hostile-abstract: ECONNREFUSED$
# expect: stdout matches ^unix /dev/log: ENOENT$
# expect: stdout not contains CONNECTED
# expect: stdout contains socket files found: 0
import errno, os, socket, stat
paths = ["/tmp/stockade-hostile.sock", "@stockade-hostile-abstract", "/dev/log",
         "/run/systemd/journal/socket", "/run/systemd/journal/syslog", "/var/run/memcached/memcached.sock",
         "/run/memcached/memcached.sock", "/run/stockade/pool.sock", "/run/stockade/fcgi.sock",
         "/tmp/stockade-dev/pool.sock", "/tmp/stockade-dev/fcgi.sock", "/run/dbus/system_bus_socket",
         "@/org/freedesktop/systemd1/notify", "/var/run/docker.sock", "/run/containerd/containerd.sock"]
for p in paths:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect("\0" + p[1:] if p.startswith("@") else p)
        print("unix %s: CONNECTED %r" % (p, s.recv(100)))
    except OSError as e:
        print("unix %s: %s" % (p, errno.errorcode.get(e.errno, e)))
    s.close()
found = []
for top in ("/", "/dev", "/tmp", "/mnt", "/run", "/var", "/etc"):
    if top == "/":
        found += [n for n in os.listdir("/") if stat.S_ISSOCK(os.lstat("/" + n).st_mode)]
        continue
    for root, dirs, files in os.walk(top):
        for n in files + dirs:
            try:
                if stat.S_ISSOCK(os.lstat(os.path.join(root, n)).st_mode):
                    found.append(os.path.join(root, n))
            except OSError:
                pass
print("socket files found: %d %s" % (len(found), found))
