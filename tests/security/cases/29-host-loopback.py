# Row 29: reach host services on 127.0.0.1 (memcached 11211, nginx 80/8080, FastCGI
# 9000, ssh 22, and a listener the runner opens on 127.0.0.1:47611 for this run): the
# sandbox's network namespace is its own, so nothing answers; the runner checks that
# its listener accepted nothing. No listening socket is visible in /proc/net.
# host-tcp-listen: 47611
# args: --wall 10 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout matches ^tcp 127\.0\.0\.1:47611: (ECONNREFUSED|ENETUNREACH)$
# expect: stdout matches ^tcp 127\.0\.0\.1:11211: (ECONNREFUSED|ENETUNREACH)$
# expect: stdout not contains CONNECTED
# expect: stdout not contains HOST-SERVICE-REACHED
# expect: stdout contains listening sockets: 0
import errno, socket
for port in (47611, 11211, 80, 8080, 9000, 22, 514, 6379):
    for host in ("127.0.0.1", "::1"):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(2)
        label = "tcp %s:%d" % (host, port)
        try:
            s.connect((host, port))
            print("%s: CONNECTED %r" % (label, s.recv(100)))
        except OSError as e:
            print("%s: %s" % (label, errno.errorcode.get(e.errno, e)))
        s.close()
n = 0
for f in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        for line in open(f).readlines()[1:]:
            if line.split()[3] == "0A":
                n += 1
    except OSError as e:
        print("%s: %s" % (f, e))
print("listening sockets: %d" % n)
