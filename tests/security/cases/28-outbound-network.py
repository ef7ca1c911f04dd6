# Row 28: outbound network by name and by raw IP (TCP, UDP, IPv6): name resolution
# fails, connect/sendto fail with ENETUNREACH; only the loopback interface exists.
# args: --wall 10 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout contains resolve example.com: FAILED
# expect: stdout contains tcp 1.1.1.1:80: ENETUNREACH
# expect: stdout contains tcp 8.8.8.8:53: ENETUNREACH
# expect: stdout contains udp 8.8.8.8:53: ENETUNREACH
# expect: stdout matches ^tcp6 \[2606:4700:4700::1111\]:80: (ENETUNREACH|EADDRNOTAVAIL|EAFNOSUPPORT)$
# expect: stdout matches ^interfaces: lo$
# expect: stdout not contains CONNECTED
# expect: wall_ms <= 8000
import errno, socket
try:
    socket.setdefaulttimeout(3)
    print("resolve example.com: RESOLVED %s" % socket.gethostbyname("example.com"))
except OSError as e:
    print("resolve example.com: FAILED (%s)" % e)

def tcp(fam, addr, label):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect(addr)
        print("%s: CONNECTED" % label)
    except socket.timeout:
        print("%s: timed out" % label)
    except OSError as e:
        print("%s: %s" % (label, errno.errorcode.get(e.errno, e)))
    s.close()

tcp(socket.AF_INET, ("1.1.1.1", 80), "tcp 1.1.1.1:80")
tcp(socket.AF_INET, ("8.8.8.8", 53), "tcp 8.8.8.8:53")
try:
    tcp(socket.AF_INET6, ("2606:4700:4700::1111", 80), "tcp6 [2606:4700:4700::1111]:80")
except OSError as e:
    print("tcp6 [2606:4700:4700::1111]:80: %s" % errno.errorcode.get(e.errno, e))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01", ("8.8.8.8", 53))
    print("udp 8.8.8.8:53: SENT")
except OSError as e:
    print("udp 8.8.8.8:53: %s" % errno.errorcode.get(e.errno, e))
print("interfaces: %s" % " ".join(n for _, n in socket.if_nameindex()))
