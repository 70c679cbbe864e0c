import Foundation
import XCTest
import TestSupport

/// Issue 27, the way up: a province's SDMX-CSV export imported into another store of the
/// same template reproduces every value, symbol, bound, period and plan source, and the
/// same summary byte for byte; a national store fed by provinces' exports equals one fed
/// by the communes' own forms; the structure message is validated by pysdmx (against the
/// SDMX 2.1 schemas) and read by sdmx1; another system's file in other units is converted
/// or refused, never guessed.
final class SDMXExchangeTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    /// Every current value of a store as text lines (unit, period, indicator, column, kind,
    /// numbers, strictness, symbol), sorted: two stores hold the same figures iff equal.
    func values(_ db: String) throws -> [String] {
        let r = try TestSupport.python(["-c", """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1])
        for row in sorted(c.execute("SELECT s.unit_code, s.period, v.indicator, v.column_key, v.kind, v.number, v.number2, v.strict, v.symbol FROM value v JOIN submission s ON s.id = v.submission_id WHERE s.is_current = 1 AND v.kind != 'empty'").fetchall(), key=repr):
            print("|".join(repr(x) for x in row))
        """, db])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.out.split(separator: "\n").map(String.init)
    }

    /// Puts "-", "..." and "x" into three stored number values of a period.
    func plantSymbols(_ db: String, period: String) throws {
        let q = try TestSupport.python(["-c", """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1])
        keys = c.execute("SELECT v.submission_id, v.indicator, v.column_key FROM value v JOIN submission s ON s.id=v.submission_id WHERE s.period=? AND s.is_current=1 AND v.kind='number' ORDER BY 1, 2, 3 LIMIT 3", (sys.argv[2],)).fetchall()
        assert len(keys) == 3
        for k, sym in zip(keys, ["-", "...", "x"]):
            c.execute("UPDATE value SET kind='symbol', number=NULL, symbol=? WHERE submission_id=? AND indicator=? AND column_key=?", (sym,) + tuple(k))
        c.commit()
        """, db, period])
        XCTAssertEqual(q.status, 0, q.stderr)
    }

    func summaryCSV(_ db: String, _ period: String, _ extra: [String] = []) throws -> Data {
        let r = try tonghop(["summary", "--db", db, "--period", period, "--format", "csv"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertGreaterThan(r.stdout.count, 500)
        return r.stdout
    }

    func testProvinceExportImportsIntoAFreshStoreWithEveryValueAndTheSameSummary() throws {
        let dir = try TestSupport.tempDir(self)
        let a = dir.appendingPathComponent("province.db").path, b = dir.appendingPathComponent("national.db").path
        var r = try tonghop(["import", "fixtures/submissions/2024", "fixtures/submissions/2024-6T", "--db", a])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        try plantSymbols(a, period: "2024")
        try plantSymbols(a, period: "2024-6T")
        let before = try values(a)
        XCTAssertTrue(before.contains { $0.contains("'range'") } && before.contains { $0.contains("'at_least'") }, "the fixtures' plans hold ranges and bounds")
        XCTAssertEqual(before.filter { $0.contains("'symbol'") }.count, 6)
        var files: [String] = []
        for p in ["2024", "2024-6T"] {
            let f = dir.appendingPathComponent("lai-chau-\(p).csv").path
            r = try tonghop(["export", "--db", a, "--period", p, "--format", "sdmx-csv", "-o", f])
            XCTAssertEqual(r.status, 0, r.stderr)
            // Deterministic: the same store gives the same bytes.
            XCTAssertEqual(try tonghop(["export", "--db", a, "--period", p, "--format", "sdmx-csv"]).stdout, try Data(contentsOf: URL(fileURLWithPath: f)))
            files.append(f)
        }
        let csv = try String(contentsOfFile: files[0], encoding: .utf8)
        XCTAssertTrue(csv.contains(",N,") && csv.contains(",L,") && csv.contains(",M,"))
        XCTAssertTrue(csv.contains("tonghop template=lai-chau-ktxh version=3 store=province.db reports=9 revisions="))
        XCTAssertTrue(csv.contains(",DISTRICT,BEFORE_2025_07,,[fixtures/submissions/2024/"), "level, era and the source file and cell")
        r = try tonghop(["import"] + files + ["--db", b])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.out.contains("đã nhập 18"), r.out)
        XCTAssertEqual(try values(b), before, "every value, symbol, range, bound and period")
        for p in ["2024", "2024-6T"] {
            XCTAssertEqual(try summaryCSV(b, p), try summaryCSV(a, p), "summary \(p) byte for byte")
            XCTAssertEqual(try summaryCSV(b, p, ["--lang", "en"]), try summaryCSV(a, p, ["--lang", "en"]))
        }
        // A value in the national store traces to its line of the export, and that line to the unit's file.
        let q = try TestSupport.python(["-c", """
        import sqlite3, sys, csv
        c = sqlite3.connect(sys.argv[1])
        unit, ind, col, file, cell = c.execute("SELECT s.unit_code, v.indicator, v.column_key, s.file_name, v.cell FROM value v JOIN submission s ON s.id=v.submission_id WHERE s.period='2024' AND v.kind='number' ORDER BY 1, 2, 3 LIMIT 1").fetchone()
        line = int(''.join(ch for ch in cell if ch.isdigit()))
        rows = list(csv.reader(open(file, encoding='utf-8', newline='')))
        row = dict(zip(rows[0], rows[line - 1]))
        print(file.endswith('lai-chau-2024.csv'), cell.startswith('H'), row['REF_AREA'] == unit, row['INDICATOR'] == ind, row['VALUE_TYPE'] == col, row['SOURCE_CELL'].startswith('[fixtures/submissions/2024/'))
        """, b])
        XCTAssertEqual(q.out.trimmingCharacters(in: .whitespacesAndNewlines), "True True True True True True", q.out + q.stderr)
        // Importing the same export again changes nothing.
        r = try tonghop(["import", files[0], "--db", b])
        XCTAssertTrue(r.out.contains("không đổi 9"), r.out)
    }

    func testTwoPlansSurviveAndAPartialExportSaysSo() throws {
        let dir = try TestSupport.tempDir(self)
        let a = dir.appendingPathComponent("a.db").path, b = dir.appendingPathComponent("b.db").path, f = dir.appendingPathComponent("th.csv").path
        XCTAssertEqual(try tonghop(["import", "fixtures/thanh-hoa/2024", "--db", a]).status, 0)
        var r = try tonghop(["export", "--db", a, "--period", "2024", "--format", "sdmx-csv", "-o", f])
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try String(contentsOfFile: f, encoding: .utf8)
        XCTAssertTrue(csv.contains(",2024,plan_nq,"), "the council's plan is a value type of its own")
        XCTAssertTrue(csv.contains(",PROVINCE_PART,"))
        // 5 of the province's 27 units: every line says the data are partial.
        let lines = csv.split(separator: "\r\n").dropFirst()
        XCTAssertTrue(lines.allSatisfy { $0.contains(",true,tonghop template=thanh-hoa-ktxh version=2 ") })
        r = try tonghop(["import", f, "--db", b])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertEqual(try values(b), try values(a))
        XCTAssertEqual(try summaryCSV(b, "2024"), try summaryCSV(a, "2024"))
        let sa = try JSONSerialization.jsonObject(with: try tonghop(["scorecard", "--db", a, "--period", "2024", "--format", "json"]).stdout) as! [String: Any]
        let sb = try JSONSerialization.jsonObject(with: try tonghop(["scorecard", "--db", b, "--period", "2024", "--format", "json"]).stdout) as! [String: Any]
        XCTAssertEqual(NSDictionary(dictionary: sa), NSDictionary(dictionary: sb), "each plan's attainment the same")
    }

    func testACommuneFormedByTheReformSaysItsEraAndItsPastIsApproximate() throws {
        let dir = try TestSupport.tempDir(self)
        let blank = dir.appendingPathComponent("blank"), filled = dir.appendingPathComponent("filled")
        try FileManager.default.createDirectory(at: blank, withIntermediateDirectories: true)
        // Phường Đoàn Kết (03388 since 1 July 2025) reports 2026: its 2025 column spans
        // months before it existed.
        var r = try tonghop(["form", "lai-chau-ktxh", "--unit", "03388", "--period", "2026", "-o", blank.appendingPathComponent("lai-chau-ktxh_03388_2026.xlsx").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let fill = try TestSupport.python([TestSupport.support.appendingPathComponent("fill_forms.py").path, blank.path, filled.path, "2026"])
        XCTAssertEqual(fill.status, 0, fill.stderr)
        let a = dir.appendingPathComponent("a.db").path, b = dir.appendingPathComponent("b.db").path, f = dir.appendingPathComponent("e.csv").path
        XCTAssertEqual(try tonghop(["import", filled.path, "--db", a]).status, 0)
        r = try tonghop(["export", "--db", a, "--period", "2026", "--format", "sdmx-csv", "-o", f])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try String(contentsOfFile: f, encoding: .utf8).split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertGreaterThan(rows.count, 40)
        for row in rows {
            XCTAssertEqual(row[4], "03388")
            XCTAssertEqual(row[14...15], ["COMMUNE", "FROM_2025_07"])
            XCTAssertEqual(row[16], row[6] == "prev_actual" ? "true" : "", "APPROXIMATE only for the year that began before the commune: \(row)")
            XCTAssertEqual(row.dropLast().last, "true", "one commune of 38: partial")
        }
        r = try tonghop(["import", f, "--db", b])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.out.contains("Phường Đoàn Kết, 2026: đã nhập"), "the new commune, not the old one with its code: \(r.out)")
        XCTAssertEqual(try values(b), try values(a))
    }

    func testNationalStoreFedByProvinceExportsEqualsTheOneFedByCommuneForms() throws {
        let dir = try TestSupport.tempDir(self)
        let bench = URL(fileURLWithPath: TestSupport.tonghop).deletingLastPathComponent().appendingPathComponent("tonghop-bench").path
        let gen = try TestSupport.run(bench, ["gen-national", dir.path, "after", "400"], cwd: root)
        XCTAssertEqual(gen.status, 0, gen.stderr)
        // Split the communes' forms by province, as the template's units say.
        let split = try TestSupport.python(["-c", """
        import re, os, sys
        d = sys.argv[1]
        par = {m.group(1): m.group(2) for m in re.finditer(r'\\{code: "(\\d+)", name: [^,]*, level: commune, parent: "(\\d+)"\\}', open(os.path.join(d, 'quoc-gia-thu-nghiem.yaml'), encoding='utf-8').read())}
        for f in sorted(os.listdir(os.path.join(d, 'forms'))):
            p = par[f.split('_')[1].split('-')[0]]
            os.makedirs(os.path.join(d, 'p' + p), exist_ok=True)
            os.link(os.path.join(d, 'forms', f), os.path.join(d, 'p' + p, f))
        print(' '.join(sorted('p' + p for p in set(par[f.split('_')[1].split('-')[0]] for f in os.listdir(os.path.join(d, 'forms'))))))
        """, dir.path])
        XCTAssertEqual(split.status, 0, split.stderr)
        let provinces = split.out.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertGreaterThanOrEqual(provinces.count, 4)
        let templates = ["--templates", dir.path]
        var exports: [String] = []
        for p in provinces {
            let db = dir.appendingPathComponent("\(p).db").path, f = dir.appendingPathComponent("\(p).csv").path
            var r = try tonghop(["import", dir.appendingPathComponent(p).path, "--db", db] + templates)
            XCTAssertEqual(r.status, 0, r.out + r.stderr)
            r = try tonghop(["export", "--db", db, "--format", "sdmx-csv", "-o", f] + templates)
            XCTAssertEqual(r.status, 0, r.stderr)
            exports.append(f)
        }
        let national = dir.appendingPathComponent("national.db").path, direct = dir.appendingPathComponent("direct.db").path
        var r = try tonghop(["import"] + exports + ["--db", national] + templates)
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.out.contains("đã nhập 400"), r.out)
        r = try tonghop(["import", dir.appendingPathComponent("forms").path, "--db", direct] + templates)
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertEqual(try values(national), try values(direct))
        XCTAssertEqual(try summaryCSV(national, "2025", templates), try summaryCSV(direct, "2025", templates))
    }

    func testStructureMessageValidatesAndReadsInPysdmxAndSdmx1() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024-6T", "--db", db]).status, 0)
        try plantSymbols(db, period: "2024-6T")
        let xml = dir.appendingPathComponent("s.xml").path, csv = dir.appendingPathComponent("d.csv").path
        var r = try tonghop(["export", "--db", db, "--format", "sdmx-structure", "-o", xml], env: ["SOURCE_DATE_EPOCH": "1767225600"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tonghop(["export", "--db", db, "--format", "sdmx-structure"], env: ["SOURCE_DATE_EPOCH": "1767225600"])
        XCTAssertEqual(r.stdout, try Data(contentsOf: URL(fileURLWithPath: xml)), "the same template and time give the same bytes")
        XCTAssertTrue(r.out.contains("<mes:Prepared>2026-01-01T00:00:00Z</mes:Prepared>"))
        XCTAssertEqual(try tonghop(["export", "--db", db, "--format", "sdmx-csv", "-o", csv]).status, 0)
        let check = try TestSupport.python([root.appendingPathComponent("Tests/Support/check_sdmx.py").path, xml, csv])
        XCTAssertEqual(check.status, 0, check.stderr)
        let j = try JSONSerialization.jsonObject(with: check.stdout) as! [String: Any]
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").count - 1
        XCTAssertGreaterThan(rows, 400)
        XCTAssertEqual(j["pysdmx_errors"] as? [String], [])
        XCTAssertEqual(j["validation_errors"] as? [String], [])
        XCTAssertEqual(j["pysdmx_rows"] as? Int, rows)
        XCTAssertEqual(j["sdmx1_errors"] as? [String], [])
        XCTAssertEqual(j["sdmx1_rows"] as? Int, rows, "make test installs sdmx1")
        let s = j["pysdmx_structure"] as! [String: Any]
        XCTAssertEqual(s["dataflows"] as? [String], ["Dataflow=VN_TONGHOP:lai-chau-ktxh(3.0)"])
        let codes = s["codes_per_codelist"] as! [String: Int]
        XCTAssertEqual(codes["CL_OBS_STATUS"], 3)
        XCTAssertGreaterThan(codes["CL_INDICATOR"] ?? 0, 40)
        // The check is live: a code outside its list and a comma decimal are reported.
        var text = try String(contentsOfFile: csv, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n")
        var first = lines[1].components(separatedBy: ",")
        first[3] = "ZZ99"
        var second = lines[2].components(separatedBy: ",")
        second[7] = "\"1,5\""
        text = ([lines[0], first.joined(separator: ","), second.joined(separator: ",")] + lines[3...]).joined(separator: "\r\n")
        let broken = dir.appendingPathComponent("broken.csv").path
        try text.write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try JSONSerialization.jsonObject(with: try TestSupport.python([root.appendingPathComponent("Tests/Support/check_sdmx.py").path, xml, broken]).stdout) as! [String: Any]
        let errors = (bad["validation_errors"] as? [String]) ?? []
        XCTAssertTrue(errors.contains { $0.contains("ZZ99") }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.contains("1,5") }, "\(errors)")
    }

    func testAnotherSystemsFileIsConvertedOrRefusedNeverGuessed() throws {
        let dir = try TestSupport.tempDir(self)
        let a = dir.appendingPathComponent("a.db").path, ours = dir.appendingPathComponent("ours.csv").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024", "--db", a]).status, 0)
        XCTAssertEqual(try tonghop(["export", "--db", a, "--period", "2024", "--format", "sdmx-csv", "-o", ours]).status, 0)
        // Another system: columns in its own order, none of our extra attributes, money in
        // triệu đồng (UNIT_MULT 6) instead of tỷ đồng, LF line ends.
        func variant(_ name: String, _ mutate: String) throws -> String {
            let out = dir.appendingPathComponent(name).path
            let r = try TestSupport.python(["-c", """
            import csv, sys
            rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8', newline='')))
            cols = ['STRUCTURE', 'STRUCTURE_ID', 'ACTION', 'TIME_PERIOD', 'REF_AREA', 'INDICATOR', 'VALUE_TYPE', 'UNIT_MULT', 'UNIT_MEASURE', 'OBS_STATUS', 'OBS_VALUE', 'LOWER_BOUND', 'UPPER_BOUND', 'BOUND_STRICT']
            rows = [r for r in rows if r['REF_AREA'] == '105']
            for r in rows:
                if r['UNIT_MEASURE'] == 'DONG' and r['UNIT_MULT'] == '9':
                    r['UNIT_MULT'] = '6'
                    if r['OBS_VALUE'] not in ('', '0'): r['OBS_VALUE'] = repr(round(float(r['OBS_VALUE']) * 1000, 6))
                    for b in ('LOWER_BOUND', 'UPPER_BOUND'):
                        if r[b]: r[b] = repr(round(float(r[b]) * 1000, 6))
            \(mutate)
            w = csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline=''), lineterminator='\\n')
            w.writerow(cols)
            for r in rows: w.writerow([r[c] for c in cols])
            """, ours, out])
            XCTAssertEqual(r.status, 0, r.stderr)
            return out
        }
        let good = try variant("other.csv", "pass")
        let b = dir.appendingPathComponent("b.db").path
        var r = try tonghop(["import", good, "--db", b, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.out.contains("\"warnings\":9"), r.out)
        let said = try tonghop(["validate", good, "--format", "json"]).out
        XCTAssertEqual(said.components(separatedBy: "\"W150\"").count - 1, 9, "each conversion is said: \(said)")
        let mine = try values(a).filter { $0.hasPrefix("'105'|") }, theirs = try values(b)
        XCTAssertEqual(theirs.count, mine.count)
        // Each converted figure equals the province's to 1e-9 (×1000 then ÷1000).
        for (x, y) in zip(mine, theirs) {
            let xs = x.split(separator: "|"), ys = y.split(separator: "|")
            XCTAssertEqual(xs[0...4], ys[0...4])
            for i in [5, 6] where xs[i] != "None" {
                XCTAssertEqual(Double(xs[i])!, Double(ys[i])!, accuracy: abs(Double(xs[i])!) * 1e-9 + 1e-12, "\(x) vs \(y)")
            }
        }
        // A unit that does not convert (tấn for money), a comma decimal, a status with a figure:
        // each refused at its cell, and the file imports nothing.
        let cases: [(String, String, String)] = [
            ("tan.csv", "next(r for r in rows if r['UNIT_MEASURE'] == 'DONG' and r['OBS_VALUE'])['UNIT_MEASURE'] = 'TAN'", "E151"),
            ("comma.csv", "next(r for r in rows if r['OBS_VALUE'] not in ('', '0') and '.' in r['OBS_VALUE'])['OBS_VALUE'] = '1,5'", "E110"),
            ("status.csv", "r = next(r for r in rows if r['OBS_VALUE'] not in ('', '0')); r['OBS_STATUS'] = 'L'", "E110"),
        ]
        for (name, mutate, code) in cases {
            let f = try variant(name, mutate)
            let c = dir.appendingPathComponent("c-\(name).db").path
            r = try tonghop(["import", f, "--db", c, "--format", "json"])
            XCTAssertEqual(r.status, 1, name + r.out + r.stderr)
            XCTAssertTrue(r.out.contains("\"\(code)\""), name + r.out)
            XCTAssertEqual(try values(c), [""].filter { !$0.isEmpty }, "\(name): nothing stored")
        }
        // SDMX numbers are SDMX's: "1.234" is one point two three four, never 1234.
        let v = try validateValue(try variant("dot.csv", "next(r for r in rows if r['INDICATOR'] == 'KT02' and r['VALUE_TYPE'] == 'estimate')['OBS_VALUE'] = '1.234'"), "KT02")
        XCTAssertEqual(v, 1.234)
        // Another template's structure is refused; an older version of ours is a warning.
        let other = try variant("other-template.csv", "for r in rows: r['STRUCTURE_ID'] = 'VN_TONGHOP:thanh-hoa-ktxh(2.0)'")
        r = try tonghop(["validate", other, "--template", "lai-chau-ktxh", "--format", "json"])
        XCTAssertTrue(r.out.contains("\"E015\""), r.out)
        XCTAssertNotEqual(r.status, 0)
        let old = try variant("old.csv", "for r in rows: r['STRUCTURE_ID'] = 'VN_TONGHOP:lai-chau-ktxh(2.0)'")
        r = try tonghop(["validate", old, "--format", "json"])
        XCTAssertTrue(r.out.contains("\"W016\""), r.out)
    }

    /// The estimate of an indicator as `validate --values yes` says it will be stored.
    func validateValue(_ file: String, _ code: String) throws -> Double? {
        let r = try tonghop(["validate", file, "--format", "json", "--values", "yes"])
        let reports = (try json(r)["files"] as? [[String: Any]]) ?? []
        for rep in reports {
            for v in (rep["values"] as? [[String: Any]]) ?? [] where v["indicator"] as? String == code && v["column"] as? String == "estimate" {
                return v["number"] as? Double
            }
        }
        XCTFail(r.out)
        return nil
    }
}
