#!/usr/bin/env python3
"""`make bench`: generates the inputs (never committed) under bench-data/, runs every job
RUNS times (default 3) with the Python peers in the same run, and prints the medians
as the Markdown table BENCHMARKS.md records (also written to bench-data/results.md).

Environment: RUNS=N; BENCH_SLOW=1 adds the slow peers (openpyxl on the 1M-row sheet,
Python XlsxWriter writing 1M rows).
"""
import json, os, platform, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "bench-data")
BENCH = os.path.join(ROOT, ".build/release/tonghop-bench")
PEERS = [sys.executable, os.path.join(ROOT, "scripts/bench/peers.py")]
RUNS = int(os.environ.get("RUNS", "3"))
SLOW = os.environ.get("BENCH_SLOW") == "1"
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))

def sh(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("bench: %s failed: %s" % (" ".join(cmd), r.stderr.strip()))
    return r.stdout

def measure(cmd, runs=RUNS):
    results = [json.loads(sh(cmd).strip().splitlines()[-1]) for _ in range(runs)]
    secs = sorted(r["seconds"] for r in results)
    return dict(seconds=statistics.median(secs), min=secs[0], max=secs[-1],
                cells=results[0].get("cells", 0), peak_mb=max(r.get("peak_mb", 0) for r in results))

def main():
    os.makedirs(DATA, exist_ok=True)
    big_xlsx, big_csv, batch = (os.path.join(DATA, n) for n in ("big.xlsx", "big.csv", "batch"))
    t = time.time()
    if not os.path.exists(big_xlsx):
        sh([BENCH, "gen-xlsx", str(ROWS), big_xlsx])
    if not os.path.exists(big_csv):
        sh([BENCH, "gen-csv", str(ROWS), big_csv])
    if not os.path.isdir(batch):
        sh([BENCH, "gen-batch", "700", batch])
    peer = os.path.join(DATA, "write_peer")
    flags = sh(["pkg-config", "--cflags", "--libs", "xlsxwriter"]).split()
    sh(["cc", "-O2", os.path.join(ROOT, "scripts/bench/write_peer.c"), "-o", peer] + flags)
    print("inputs ready in %.0f s (%d rows)" % (time.time() - t, ROWS), file=sys.stderr)

    rows = []
    def row(section, what, ours, peer=None, peer_name=None):
        rows.append((section, what, ours, peer, peer_name))
        ratio = "" if not peer else "  (%s %.2f s, ×%.2f)" % (peer_name, peer["seconds"], peer["seconds"] / ours["seconds"])
        print("%-10s %-38s %7.3f s %7.0f MB%s" % (section, what, ours["seconds"], ours["peak_mb"], ratio), file=sys.stderr)

    ours = measure([BENCH, "read-xlsx", big_xlsx])
    cal = measure(PEERS + ["calamine-read-xlsx", big_xlsx])
    floor = measure([BENCH, "floor", big_xlsx])
    row("read", "1M×10 XLSX: tonghop", ours, cal, "python-calamine")
    row("read", "1M×10 XLSX: python-calamine", cal)
    row("read", "1M×10 XLSX: floor (inflate + 1 byte scan)", floor)
    if SLOW:
        row("read", "1M×10 XLSX: openpyxl read-only", measure(PEERS + ["openpyxl-read-xlsx", big_xlsx], 1))
        row("read", "1M×10 XLSX: Foundation XMLParser", measure([BENCH, "read-xlsx-foundation", big_xlsx], 1))
    csv_ours = measure([BENCH, "read-csv", big_csv])
    row("read", "1M×10 CSV (;, decimal comma): tonghop", csv_ours, measure(PEERS + ["pandas-read-csv", big_csv]), "pandas")
    row("read", "1M×10 CSV: Python csv module", measure(PEERS + ["csv-read", big_csv]))
    w_ours = measure([BENCH, "write-xlsx", str(ROWS), os.path.join(DATA, "ours.xlsx")])
    w_c = measure([peer, str(ROWS), os.path.join(DATA, "peer.xlsx")])
    row("write", "1M×10 XLSX, constant memory: tonghop", w_ours, w_c, "C + libxlsxwriter")
    row("write", "1M×10 XLSX: plain C + libxlsxwriter", w_c)
    if SLOW:
        row("write", "1M×10 XLSX: Python XlsxWriter", measure(PEERS + ["xlsxwriter-write", str(ROWS), os.path.join(DATA, "py.xlsx")], 1))
    b_ours = measure([BENCH, "read-batch", batch])
    row("batch", "700 × 60-row workbooks: tonghop", b_ours, measure(PEERS + ["calamine-batch", batch]), "python-calamine")
    row("batch", "700 × 60-row workbooks: openpyxl", measure(PEERS + ["openpyxl-batch", batch], 1))

    for extra in sorted(f for f in os.listdir(os.path.join(ROOT, "scripts/bench")) if f.startswith("section_") and f.endswith(".py")):
        for line in sh([sys.executable, os.path.join(ROOT, "scripts/bench", extra), BENCH, DATA, str(RUNS)]).splitlines():
            r = json.loads(line)
            rows.append((r["section"], r["what"], r["ours"], r.get("peer"), r.get("peer_name")))
            print("%-10s %-38s %7.3f s" % (r["section"], r["what"], r["ours"]["seconds"]), file=sys.stderr)

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    out = ["Machine: %s, %d cores, Python %s; median of %d runs (min–max); command: `make bench`." %
           (cpu, os.cpu_count(), platform.python_version(), RUNS), "",
           "| job | what | seconds (median) | min–max | cells/s | peak MB | peer, same run | ratio |",
           "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |"]
    for section, what, o, p, name in rows:
        rate = "%.2f M" % (o["cells"] / o["seconds"] / 1e6) if o.get("cells") else ""
        peer = "%s %.2f s" % (name, p["seconds"]) if p else ""
        ratio = "×%.2f" % (p["seconds"] / o["seconds"]) if p else ""
        out.append("| %s | %s | %.3f | %.3f–%.3f | %s | %.0f | %s | %s |" %
                   (section, what, o["seconds"], o.get("min", o["seconds"]), o.get("max", o["seconds"]), rate, o["peak_mb"], peer, ratio))
    text = "\n".join(out) + "\n"
    open(os.path.join(DATA, "results.md"), "w").write(text)
    print(text)

main()
