#!/usr/bin/env python3
"""A/B of two release binaries of tonghop on the national batch (issue 23): validate and
import alternately, medians and the ratio. Usage: OLD=BIN NEW=BIN NAT=DIR ab_reader.py RUNS
(NAT made by `tonghop-bench gen-national NAT after`)."""
import os, subprocess, time, statistics, sys
OLD = os.environ.get("OLD", "/work/wt-old/.build/release/tonghop")
NEW = os.environ.get("NEW", ".build/release/tonghop")
nat = os.environ.get("NAT", "/tmp/ab/nat"); forms = nat + "/forms"; tmpl = nat + "/quoc-gia-thu-nghiem.yaml"
def run(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, p.returncode
res = {"old": {"validate": [], "import": []}, "new": {"validate": [], "import": []}}
for i in range(int(sys.argv[1])):
    for name, exe in (("old", OLD), ("new", NEW)) if i % 2 == 0 else (("new", NEW), ("old", OLD)):
        t, rc = run([exe, "validate", forms, "--template", tmpl])
        res[name]["validate"].append(t)
        db = f"/tmp/ab/{name}.db"
        for f in (db, db + "-wal", db + "-shm", db + ".lock"):
            if os.path.exists(f): os.remove(f)
        t, rc2 = run([exe, "import", forms, "--template", tmpl, "--db", db])
        res[name]["import"].append(t)
        print(name, i, "validate rc", rc, "import rc", rc2, flush=True)
for job in ("validate", "import"):
    o, n = statistics.median(res["old"][job]), statistics.median(res["new"][job])
    print(f"{job}: old median {o:.3f} s {sorted(res['old'][job])}, new median {n:.3f} s {sorted(res['new'][job])}, new/old {n/o:.3f}")
