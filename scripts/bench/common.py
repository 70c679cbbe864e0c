"""Shared by the bench sections: the national forms and timing one child process."""
import os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TONGHOP = os.path.join(ROOT, ".build/release/tonghop")


def national(bench, data, era="after"):
    """The generated national batch on the real units: "after" the reform 34 provinces and
    3,321 communes (2025), "before" it 63 provinces, 696 districts and 10,056 lowest units
    (2024). Returns (template, forms folder)."""
    nat = os.path.join(data, "national-" + era)
    forms = os.path.join(nat, "forms")
    want = 3321 if era == "after" else 10056
    if not os.path.isdir(forms) or len(os.listdir(forms)) < want:
        subprocess.run([bench, "gen-national", nat, era], cwd=ROOT, check=True)
    return os.path.join(nat, "quoc-gia-thu-nghiem.yaml"), forms


def measured(cmd):
    """Wall time, peak RSS (MB) and CPU seconds of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit("failed: %s: %s" % (" ".join(cmd), p.stderr.read().decode()))
    return dt, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def import_and_summary(template, forms, workdir, name):
    """One fresh store: `import` then `summary` of the forms, each measured; returns the
    two (wall, peak MB, CPU) triples."""
    db = os.path.join(workdir, name + ".db")
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    a = measured([TONGHOP, "import", forms, "--db", db, "--template", template])
    b = measured([TONGHOP, "summary", "--db", db, "--template", template, "-o", os.path.join(workdir, name + ".xlsx")])
    return a, b
