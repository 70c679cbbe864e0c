"""Independent check of an SDMX-ML 2.1 structure message and an SDMX-CSV 2.0 file.

usage: check_sdmx.py STRUCTURE_XML DATA_CSV

Prints ONE JSON object and always exits 0 (the caller asserts on the lists):
  pysdmx_structure   what pysdmx read from the structure message (it validates the
                     XML against the SDMX 2.1 XSD first; an XSD failure goes to
                     pysdmx_errors and the message is re-read without validation)
  pysdmx_rows        rows pysdmx read from the CSV (read_sdmx, no structure)
  pysdmx_errors      exceptions from pysdmx: XSD, CSV reading, and get_datasets(data,
                     structure), which finds the dataflow/DSD named by STRUCTURE_ID and
                     casts columns to the DSD types (a non-numeric OBS_VALUE fails here)
  pysdmx_value_changes  values pysdmx's pandas-based reader altered (e.g. REF_AREA
                     "03199" read as "3199", "false" as "False"): reader quirks, not
                     errors of the file
  sdmx1_structure / sdmx1_rows / sdmx1_errors  the same with sdmx1 (structure and
                     rows null, errors [] when sdmx1 is not installed); sdmx1 reads the CSV with the dataflow as
                     structure, its rows are compared with the raw CSV, and its
                     logged warnings count as errors
  validation_errors  (first 20) our own check of the raw CSV against the DSD as pysdmx
                     parsed it; pysdmx has no data-vs-structure validation. Checks:
                     header (STRUCTURE, STRUCTURE_ID, ACTION, then only DSD
                     components, every dimension and mandatory attribute present),
                     STRUCTURE_ID = AGENCY:ID(VERSION) naming a dataflow/DSD of the
                     message, ACTION in I/A/R/D, field counts, CRLF line ends, coded
                     values in their codelists, mandatory values non-empty, Decimal/
                     Integer(min/max)/Boolean formats, TIME_PERIOD as an SDMX
                     ObservationalTimePeriod, no duplicate keys, dataset-level
                     attributes constant.
"""
import csv, io, json, logging, re, sys
from datetime import date, datetime
from pathlib import Path

xml_path, csv_path = Path(sys.argv[1]), Path(sys.argv[2])
out = {"pysdmx_structure": None, "pysdmx_rows": None, "pysdmx_errors": [],
       "pysdmx_value_changes": [], "sdmx1_structure": None, "sdmx1_rows": None,
       "sdmx1_errors": [], "validation_errors": []}
def err(key, e):
    if not isinstance(e, Exception):
        return out[key].append(e)
    text = re.sub(r"\{http://www\.sdmx\.org/resources/sdmxml/schemas/v2_1/(\w+)\}", r"\1:", f"{e}")
    for part in text.split(";\n"):  # pysdmx joins XSD messages with ";\n"
        if "No precomputed value" not in part:
            out[key].append(f"{type(e).__name__}: {part}"[:400])

raw = csv_path.read_bytes()
text = raw.decode("utf-8", errors="replace")
rows = list(csv.reader(io.StringIO(text, newline="")))
header, body = (rows[0], rows[1:]) if rows else ([], [])
ref = re.fullmatch(r"([A-Za-z][\w\-]*(?:\.[A-Za-z][\w\-]*)*):([\w@$\-]+)\(([0-9]+(?:\.[0-9]+)*)\)",
                   body[0][1] if body and len(body[0]) > 1 else "")

# ---- pysdmx ------------------------------------------------------------------
from pysdmx.io import get_datasets, read_sdmx
from pysdmx.model import Role
sm, xsd_ok = None, True
try:
    sm = read_sdmx(xml_path)
except Exception as e:
    err("pysdmx_errors", e)
    xsd_ok = False
    try:
        sm = read_sdmx(xml_path, validate=False)
    except Exception as e2:
        err("pysdmx_errors", e2)
dsd = None
if sm is not None:
    cls = sm.get_codelists() if any(type(s).__name__ == "Codelist" for s in sm.structures) else []
    dsds = sm.get_data_structure_definitions()
    flows = sm.get_dataflows() if any(type(s).__name__ == "Dataflow" for s in sm.structures) else []
    out["pysdmx_structure"] = {
        "codelists": len(cls), "codes": sum(len(c.codes) for c in cls),
        "codes_per_codelist": {c.id: len(c.codes) for c in cls},
        "dsds": [d.short_urn for d in dsds], "dataflows": [f.short_urn for f in flows],
        "components": len(dsds[0].components) if dsds else 0}
    if ref:  # the DSD the CSV names (through its dataflow), else the first one
        names = {(f.agency if isinstance(f.agency, str) else f.agency.id, f.id, f.version): f.structure
                 for f in flows}
        want = names.get(ref.groups())
        want = want if isinstance(want, str) else getattr(want, "short_urn", None)
        dsd = next((d for d in dsds if d.short_urn == want or (body[0][0] == "datastructure" and
                    (d.agency if isinstance(d.agency, str) else d.agency.id, d.id, d.version) == ref.groups())), None)
    if dsd is None and dsds:
        dsd = dsds[0]
        err("validation_errors", f"STRUCTURE_ID {body[0][1] if body else ''!r} names no dataflow/DSD of the structure message")
try:
    pd_data = read_sdmx(csv_path).data[0].data
    out["pysdmx_rows"] = len(pd_data)
    for col in pd_data.columns:
        if col in header:
            i = header.index(col)
            changed = {(r[i], str(v)) for r, v in zip(body, pd_data[col]) if len(r) > i and r[i] != str(v)}
            for a, b in sorted(changed)[:3]:
                out["pysdmx_value_changes"].append(f"{col}: {a!r} read as {b!r}")
except Exception as e:
    err("pysdmx_errors", e)
try:
    get_datasets(csv_path, xml_path, validate=xsd_ok)  # XSD errors are reported once
except Exception as e:
    err("pysdmx_errors", e)

# ---- sdmx1 -------------------------------------------------------------------
try:
    import sdmx
except ImportError:
    pass  # sdmx1 not installed: sdmx1_structure and sdmx1_rows stay null
else:
    class Grab(logging.Handler):
        def emit(self, rec): err("sdmx1_errors", f"log {rec.levelname}: {rec.getMessage()}"[:300])
    logging.getLogger("sdmx").addHandler(Grab(logging.WARNING))
    try:
        m1 = sdmx.read_sdmx(xml_path)
        out["sdmx1_structure"] = {
            "version": sdmx.__version__, "codelists": len(m1.codelist),
            "codes": sum(len(c) for c in m1.codelist.values()),
            "dsds": list(m1.structure), "dataflows": list(m1.dataflow),
            "dimensions": [d.id for d in next(iter(m1.structure.values())).dimensions] if m1.structure else []}
        target = None
        if ref:
            target = (m1.dataflow if body[0][0] == "dataflow" else m1.structure).get(ref.group(2))
        if target is None:
            err("sdmx1_errors", "STRUCTURE_ID names no dataflow/DSD that sdmx1 read")
        else:
            ds = sdmx.read_sdmx(csv_path, structure=target).data
            obs = [o for d in ds for o in d.obs]
            out["sdmx1_rows"] = len(obs)
            for r, o in zip(body, obs):  # sdmx1 must give back the raw strings
                got = {k: str(v.value) for k, v in o.dimension.values.items()}
                got.update({k: str(v.value) for k, v in o.attached_attribute.items()})
                got["OBS_VALUE"] = "" if o.value is None else str(o.value)
                bad = [f"{k}={v!r}" for k, v in got.items() if k in header and r[header.index(k)] != v]
                if bad:
                    err("sdmx1_errors", f"row {r[3:7]} read differently: {', '.join(bad[:3])}")
    except Exception as e:
        err("sdmx1_errors", e)

# ---- our validation of the raw CSV against the DSD ---------------------------
DEC = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
DUR = r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
DT = r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)?"
REPORTING = (r"\d{4}-(A1|S[12]|T[1-3]|Q[1-4]|M(0[1-9]|1[0-2])|W(0[1-9]|[1-4]\d|5[0-3])"
             r"|D(00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6]))")
def time_ok(v):
    if re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?|" + REPORTING, v):
        return True
    m = re.fullmatch(f"({DT})(/{DUR})?", v)
    if not m:
        return False
    try:
        (datetime if "T" in m.group(1) else date).fromisoformat(m.group(1).replace("Z", "+00:00"))
        return True
    except ValueError:
        return False

def check(msg):
    err("validation_errors", msg)

if b"\n" in raw.replace(b"\r\n", b""):
    check("line ends are not all CRLF")
if raw.startswith(b"\xef\xbb\xbf"):
    check("file starts with a UTF-8 BOM")
if header[:3] != ["STRUCTURE", "STRUCTURE_ID", "ACTION"]:
    check(f"header must start STRUCTURE,STRUCTURE_ID,ACTION, got {header[:3]}")
if dsd is None:
    check("no data structure definition to validate against")
else:
    comps = {c.id: c for c in dsd.components}
    for h in header[3:]:
        if h not in comps:
            check(f"column {h!r} is not a component of {dsd.short_urn}")
    for c in dsd.components:
        if c.id not in header and (c.role == Role.DIMENSION or (c.role == Role.ATTRIBUTE and c.required)):
            check(f"{c.role.name.lower()} {c.id} has no column")
    dims = [header.index(c.id) for c in dsd.components if c.role == Role.DIMENSION and c.id in header]
    keys, dataset_level = {}, {}
    for n, r in enumerate(body, start=2):
        if len(r) != len(header):
            check(f"line {n}: {len(r)} fields, header has {len(header)}"); continue
        if r[0] not in ("dataflow", "datastructure", "dataprovision"):
            check(f"line {n}: STRUCTURE {r[0]!r}")
        if r[1] != body[0][1] or not ref:
            check(f"line {n}: STRUCTURE_ID {r[1]!r} is not AGENCY:ID(VERSION) or differs from line 2")
        if r[2] not in ("I", "A", "R", "D"):
            check(f"line {n}: ACTION {r[2]!r}")
        key = tuple(r[i] for i in dims)
        if key in keys:
            check(f"line {n}: duplicate key {key} (line {keys[key]})")
        keys.setdefault(key, n)
        for h, v in zip(header[3:], r[3:]):
            c = comps.get(h)
            if c is None:
                continue
            where = f"line {n}: {h}={v!r}"
            if c.attachment_level == "D":
                if dataset_level.setdefault(h, v) != v:
                    check(f"{where} differs from the dataset-level value {dataset_level[h]!r}")
            if v == "":
                if c.role == Role.DIMENSION or (c.role == Role.ATTRIBUTE and c.required):
                    check(f"{where}: mandatory value missing")
                continue
            if c.enumeration is not None:
                if v not in {code.id for code in c.enumeration.codes}:
                    check(f"{where} not in codelist {c.enumeration.id}")
            elif getattr(c, "enum_ref", None):
                check(f"{where}: codelist {c.enum_ref} is not in the structure message")
            elif h == "TIME_PERIOD" or c.dtype.value.endswith("TimePeriod"):
                if not time_ok(v):
                    check(f"{where} is not an ObservationalTimePeriod")
            elif c.dtype.value in ("Decimal", "Double", "Float") and not DEC.fullmatch(v):
                check(f"{where} is not a decimal")
            elif c.dtype.value in ("Integer", "Long", "Short", "BigInteger", "Count"):
                f = c.facets
                if not re.fullmatch(r"[+-]?\d+", v):
                    check(f"{where} is not an integer")
                elif f and ((f.min_value is not None and int(v) < float(f.min_value)) or
                            (f.max_value is not None and int(v) > float(f.max_value))):
                    check(f"{where} outside {f.min_value}..{f.max_value}")
            elif c.dtype.value == "Boolean" and v not in ("true", "false", "1", "0"):
                check(f"{where} is not a boolean")
out["validation_errors"] = out["validation_errors"][:20]
print(json.dumps(out, ensure_ascii=False, indent=1))
