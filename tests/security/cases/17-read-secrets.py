# Row 17: read /etc/shadow, host configuration, the service's keys and other sessions'
# data. Everything must be absent or EACCES; a secret planted on the host for this run
# must not be readable; the generated /etc holds only the expected files,
# Debian's alternatives (links into /usr) and the OpenJDK's public configuration,
# both bound read-only.
# host-file: /tmp/stockade-hostile-secret TOKEN-5f1c9e2a-host-secret
# args: --wall 10 --time 5
# timeout: 30
# expect: status == ok
# expect: stdout not contains TOKEN-5f1c9e2a-host-secret
# expect: stdout not contains LEAK
# expect: stdout contains /etc/shadow: ENOENT
# expect: stdout matches ^/etc: alternatives group hosts (java-[0-9]+-openjdk )*ld\.so\.cache (localtime )?nsswitch\.conf passwd$
# expect: stdout contains done
import errno, os

paths = [
    "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh/ssh_host_ed25519_key",
    "/etc/ssh/ssh_host_rsa_key", "/etc/machine-id", "/etc/hostname", "/etc/resolv.conf",
    "/etc/stockade/stockade.xml", "/etc/stockade/keys", "/etc/memcached.conf",
    "/etc/nginx/nginx.conf", "/etc/syslog-ng/syslog-ng.conf",
    "/root/.ssh/id_rsa", "/root/.ssh/authorized_keys", "/root/.bash_history",
    "/home", "/root", "/var/lib/stockade", "/var/log/syslog", "/run/stockade",
    "/tmp/stockade-dev/dev-key", "/tmp/stockade-hostile-secret",
    "/work/main/conf/stockade.xml", "/work/shared/HOSTILE.md",
    "/proc/1/environ", "/proc/kcore", "/proc/kallsyms", "/sys/kernel/security",
    "/usr/../etc/shadow", "/mnt/data/../../etc/shadow", "/dev/mem", "/dev/kmsg", "/dev/sda",
]
for p in paths:
    try:
        if os.path.isdir(p):
            entries = os.listdir(p)
            print("%s: LISTED %s" % (p, entries))
            if entries:
                print("LEAK: %s lists %d entries" % (p, len(entries)))
            continue
        with open(p, "rb") as f:
            data = f.read(4096)
        print("%s: READ %d bytes: %r" % (p, len(data), data[:200]))
        if p == "/proc/kallsyms":    # names are public; addresses must be hidden
            if any(l and not l.startswith(b"0000000000000000") for l in data.splitlines()[:-1]):
                print("LEAK: kernel addresses in /proc/kallsyms")
        elif p not in ("/proc/1/environ",):
            print("LEAK: %s readable" % p)
        elif b"TOKEN" in data or b"STOCKADE_HOSTILE" in data:
            print("LEAK: host environment in %s" % p)
    except OSError as e:
        print("%s: %s" % (p, errno.errorcode[e.errno]))
print("/etc: " + " ".join(sorted(os.listdir("/etc"))))
if os.path.lexists("/etc/localtime"):    # a generated link to UTC is fine; the host's zone is host config
    t = os.readlink("/etc/localtime") if os.path.islink("/etc/localtime") else "(a file)"
    print("/etc/localtime -> %s" % t)
    if t not in ("/usr/share/zoneinfo/Etc/UTC", "/usr/share/zoneinfo/UTC"):
        print("LEAK: /etc/localtime is not a generated UTC link")
print("done")
