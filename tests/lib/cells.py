"""The cells' processes as the host sees them, for the tests that check nothing is left.

A cell's processes run with a uid and gid in the cells' range (sandbox/slot.c's default).
One that does not hang from a live host-side stockade process (a keeper's spare or warm
cell, a CLI's judgement, a concurrent run) is an orphan: what a cell left behind.

    left = cells.orphans()      # ["pid 123 (sleep) ppid 1 uid [900001]: sleep 60", ...]
    ok(not left, "no cell process is left", "\n".join(left))
"""
import os

CELL_UID_LO, CELL_UID_HI = 900000, 904096   # sandbox/slot.c's default uid range


def process_table():
    """pid -> (ppid, ids, name, cmd) of every live process: ids its real, effective,
    saved and filesystem uids then gids, name its Name: in /proc/<pid>/status, cmd its
    raw /proc/<pid>/cmdline (arguments ended by NUL bytes). Zombies are left out."""
    table = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        pid = int(p)
        try:
            with open("/proc/%d/status" % pid) as f:
                st = f.read()
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        ids, ppid, name, state = [], 0, "?", "?"
        for line in st.splitlines():
            if line.startswith(("Uid:", "Gid:")):
                ids += [int(x) for x in line.split()[1:]]
            elif line.startswith("PPid:"):
                ppid = int(line.split()[1])
            elif line.startswith("Name:"):
                name = line.split(None, 1)[1] if len(line.split()) > 1 else "?"
            elif line.startswith("State:"):
                state = line.split()[1]
        if state == "Z":
            continue
        table[pid] = (ppid, ids, name, cmd)
    return table


def is_cell(ids):
    """Whether any of a process's uids or gids is a cell's."""
    return any(CELL_UID_LO <= i < CELL_UID_HI for i in ids)


def supervised(pid, table):
    """Whether a cell process hangs from a live host-side stockade process: its first
    ancestor outside the cells is not init and has "stockade" on its command line."""
    seen = set()
    while pid in table and pid not in seen:
        seen.add(pid)
        ppid, ids, name, cmd = table[pid]
        if not is_cell(ids):
            return pid != 1 and b"stockade" in cmd
        pid = ppid
    return False


def orphans(table=None):
    """The cell processes that no live stockade process has among its ancestors, one
    line each: pid, name, parent, uids and gids, command line."""
    table = process_table() if table is None else table
    return ["pid %d (%s) ppid %d uid %s: %s" % (pid, name, ppid, sorted(set(ids)),
                                               cmd.replace(b"\0", b" ").decode("utf-8", "replace"))
            for pid, (ppid, ids, name, cmd) in sorted(table.items())
            if is_cell(ids) and not supervised(pid, table)]
