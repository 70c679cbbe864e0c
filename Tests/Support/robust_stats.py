#!/usr/bin/env python3
"""Independent peer for the quality screening's statistics (numpy): reads JSON from stdin
and prints JSON.

Input: {"sets": [[x, ...], ...], "floor": f, "threshold": t, "probe": [p, ...],
        "quantiles": [q, ...], "history": [[...], ...], "values": [...],
        "per_capita": {"values": [...], "denominators": [...], "floor": f, "threshold": t}}
Output per set: median, mad, scale (max(1.4826·MAD, floor)), z of each probe, quantiles;
classic (DHIS2) z of each value against its history (population σ; 0 when σ is 0);
for per_capita: the interval of values (in the value's own unit, per unit) whose robust z
of log10(value/denominator) stays within the threshold.
"""
import json, sys
import numpy as np

req = json.load(sys.stdin)
floor = req.get("floor", 0.0)
thr = req.get("threshold", 3.5)
out = {"sets": []}
for xs in req.get("sets", []):
    a = np.asarray(xs, dtype=float)
    med = float(np.median(a))
    mad = float(np.median(np.abs(a - med)))
    scale = max(mad * 1.4826, floor)
    out["sets"].append({
        "median": med, "mad": mad, "scale": scale,
        "z": [(p - med) / scale for p in req.get("probe", [])],
        "quantiles": [float(np.quantile(a, q)) for q in req.get("quantiles", [])],
    })
out["classic_z"] = []
for x, h in zip(req.get("values", []), req.get("history", [])):
    h = np.asarray(h, dtype=float)
    sd = float(np.std(h))
    out["classic_z"].append(0.0 if sd == 0 else float((x - np.mean(h)) / sd))
pc = req.get("per_capita")
if pc:
    v = np.asarray(pc["values"], dtype=float)
    d = np.asarray(pc["denominators"], dtype=float)
    t = np.log10(v / d)
    med = float(np.median(t))
    scale = max(float(np.median(np.abs(t - med))) * 1.4826, pc["floor"])
    z = (t - med) / scale
    out["per_capita"] = {
        "z": z.tolist(),
        "low": (10 ** (med - pc["threshold"] * scale) * d).tolist(),
        "high": (10 ** (med + pc["threshold"] * scale) * d).tolist(),
    }
json.dump(out, sys.stdout)
