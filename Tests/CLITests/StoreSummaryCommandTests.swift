import Foundation
import XCTest
import TestSupport

/// import, status, summary and scorecard, run as the province runs them.
final class StoreSummaryCommandTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    func testImportIsAllOrNothingIdempotentAndKeepsRevisions() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        // A broken file imports nothing and the run exits 1.
        var r = try tonghop(["import", "fixtures/broken/not-a-number.xlsx", "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        var j = try json(r)
        XCTAssertEqual(j["counts"] as? [String: Int], ["imported": 0, "updated": 0, "unchanged": 0, "rejected": 1])
        let reasons = ((j["files"] as! [[String: Any]])[0]["reasons"] as! [[String: Any]])
        XCTAssertEqual(reasons.map { $0["code"] as! String }, ["E110"])
        r = try tonghop(["status", "--db", db, "--template", "lai-chau-ktxh", "--period", "2024", "--format", "json"])
        XCTAssertEqual(try json(r)["received"] as? Int, 0)
        // Good files import; the same again is unchanged.
        r = try tonghop(["import", "fixtures/submissions/2024", "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertEqual(try json(r)["counts"] as? [String: Int], ["imported": 9, "updated": 0, "unchanged": 0, "rejected": 0])
        r = try tonghop(["import", "fixtures/submissions/2024", "--db", db, "--format", "json"])
        XCTAssertEqual(try json(r)["counts"] as? [String: Int], ["imported": 0, "updated": 0, "unchanged": 9, "rejected": 0])
        // A corrected file for Mường Tè is revision 2, superseding 1.
        let changed = dir.appendingPathComponent("lai-chau-ktxh_107-muong-te_2024.xlsx").path
        let py = try TestSupport.python(["-c", """
        import openpyxl
        wb = openpyxl.load_workbook("fixtures/broken/unit-converted.xlsx")
        wb.save(r"\(changed)")
        """], cwd: root)
        XCTAssertEqual(py.status, 0, py.stderr)
        r = try tonghop(["import", changed, "--db", db, "--format", "json"])
        j = try json(r)
        XCTAssertEqual(j["counts"] as? [String: Int], ["imported": 0, "updated": 1, "unchanged": 0, "rejected": 0])
        XCTAssertEqual((j["files"] as! [[String: Any]])[0]["revision"] as? Int, 2)
        // The store keeps both revisions and traces every value to its file and cell.
        let q = try TestSupport.python(["-c", """
        import sqlite3, json
        c = sqlite3.connect(r"\(db)")
        revs = c.execute("SELECT revision, is_current, supersedes IS NOT NULL FROM submission WHERE unit_code='107' ORDER BY revision").fetchall()
        v = c.execute("SELECT v.number, v.written, v.cell, v.unit_written, v.conversion, s.file_name FROM value v JOIN submission s ON s.id=v.submission_id WHERE s.unit_code='107' AND s.is_current=1 AND v.indicator='KT05' AND v.column_key='estimate'").fetchone()
        untraced = c.execute("SELECT COUNT(*) FROM value WHERE cell IS NULL OR cell = '' OR written IS NULL").fetchone()[0]
        print(json.dumps({"revs": revs, "v": v, "untraced": untraced}))
        """])
        let s = try JSONSerialization.jsonObject(with: q.stdout) as! [String: Any]
        XCTAssertEqual((s["revs"] as! [[Int]]), [[1, 0, 0], [2, 1, 1]])
        let v = s["v"] as! [Any]
        XCTAssertEqual(v[0] as? Double, 18.1605)
        XCTAssertEqual(v[1] as? String, "18.160,5 tấn")
        XCTAssertEqual(v[3] as? String, "tấn")
        XCTAssertEqual(v[4] as? Double, 0.001)
        XCTAssertEqual(v[5] as? String, changed)
        XCTAssertEqual(s["untraced"] as? Int, 0)
    }

    func testTwoImportsAtOnceLoseNothing() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("fixtures/submissions/2024").path).sorted()
        let a = files.prefix(5).map { "fixtures/submissions/2024/\($0)" }, b = files.dropFirst(5).map { "fixtures/submissions/2024/\($0)" }
        let c = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("fixtures/submissions/2024-6T").path).map { "fixtures/submissions/2024-6T/\($0)" }
        let group = DispatchGroup()
        nonisolated(unsafe) var results: [Int32] = [0, 0, 0]
        let cwd = root
        for (i, set) in [Array(a), Array(b), c].enumerated() {
            group.enter()
            DispatchQueue.global().async {
                results[i] = (try? TestSupport.run(TestSupport.tonghop, ["import"] + set + ["--db", db], cwd: cwd).status) ?? -1
                group.leave()
            }
        }
        group.wait()
        XCTAssertEqual(results, [0, 0, 0])
        var r = try tonghop(["status", "--db", db, "--template", "lai-chau-ktxh", "--period", "2024", "--format", "json"])
        XCTAssertEqual(try json(r)["received"] as? Int, 9)
        r = try tonghop(["status", "--db", db, "--template", "lai-chau-ktxh", "--period", "2024-6T", "--format", "json"])
        XCTAssertEqual(try json(r)["received"] as? Int, 9)
    }

    func testAnImportKilledMidTransactionLeavesTheStoreConsistent() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        let marker = dir.appendingPathComponent("holding").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024/lai-chau-ktxh_105-thanh-pho-lai-chau_2024.xlsx", "--db", db]).status, 0)
        // The next import waits inside its transaction (test hook); kill it there.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestSupport.tonghop)
        p.arguments = ["import", "fixtures/submissions/2024/lai-chau-ktxh_106-tam-duong_2024.xlsx", "--db", db]
        p.currentDirectoryURL = root
        p.environment = ProcessInfo.processInfo.environment.merging(["TONGHOP_TEST_HOLD_IMPORT": marker]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker), "the import never reached its transaction")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // Nothing of the killed import is visible; the store is sound; the next import completes.
        var r = try tonghop(["status", "--db", db, "--template", "lai-chau-ktxh", "--period", "2024", "--format", "json"])
        XCTAssertEqual(try json(r)["received"] as? Int, 1)
        let check = try TestSupport.python(["-c", "import sqlite3; c=sqlite3.connect(r'\(db)'); print(c.execute('PRAGMA integrity_check').fetchone()[0], c.execute('SELECT COUNT(*) FROM value v LEFT JOIN submission s ON s.id=v.submission_id WHERE s.id IS NULL').fetchone()[0])"])
        XCTAssertEqual(check.out.trimmingCharacters(in: .whitespacesAndNewlines), "ok 0")
        r = try tonghop(["import", "fixtures/submissions/2024", "--db", db, "--format", "json"])
        XCTAssertEqual(try json(r)["counts"] as? [String: Int], ["imported": 8, "updated": 0, "unchanged": 1, "rejected": 0])
    }

    func testSummaryFiguresMatchAnIndependentComputationAndLibreOffice() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024", "--db", db]).status, 0)
        var r = try tonghop(["summary", "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try json(r)
        XCTAssertEqual(summary["period"] as? String, "2024")
        XCTAssertEqual(summary["completeness"] as? Double, 1)
        var ours: [String: [String: Double]] = [:]
        for ind in summary["indicators"] as! [[String: Any]] {
            let vals = ind["values"] as! [String: [String: Any]]
            ours[ind["code"] as! String] = vals.compactMapValues { $0["value"] as? Double }
        }
        let ind = try TestSupport.python([root.appendingPathComponent("Tests/Support/independent_totals.py").path, "2024"])
        XCTAssertEqual(ind.status, 0, ind.stderr)
        let theirs = try JSONSerialization.jsonObject(with: ind.stdout) as! [String: [String: Any]]
        var compared = 0
        for (code, cols) in theirs {
            for (col, v) in cols {
                guard let expected = v as? Double else { continue }
                guard let got = ours[code]?[col] else { XCTFail("\(code) \(col): no value"); continue }
                XCTAssertEqual(got, expected, accuracy: 1e-9 * max(1, abs(expected)), "\(code) \(col)")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 35)
        // The workbook: formulas whose cached values LibreOffice's recalculation confirms.
        let book = dir.appendingPathComponent("tong-hop.xlsx").path
        r = try tonghop(["summary", "--db", db, "-o", book])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lo = try TestSupport.run(root.appendingPathComponent("scripts/lo-recalc").path, [book, dir.appendingPathComponent("lo").path])
        XCTAssertEqual(lo.status, 0, "LibreOffice is needed for this check (make test installs it): \(lo.stderr)")
        let cmp = try TestSupport.python([root.appendingPathComponent("Tests/Support/compare_recalc.py").path, book, dir.appendingPathComponent("lo/tong-hop.xlsx").path])
        let c = try JSONSerialization.jsonObject(with: cmp.stdout) as! [String: Any]
        XCTAssertGreaterThan(c["formulas"] as! Int, 150)
        XCTAssertEqual(c["mismatch_count"] as? Int, 0, "\(c["mismatches"]!)")
        // openpyxl opens it without complaint and sees what a province prints.
        let inspect = try TestSupport.python([root.appendingPathComponent("Tests/Support/openpyxl_inspect.py").path, book])
        let j = try JSONSerialization.jsonObject(with: inspect.stdout) as! [String: Any]
        XCTAssertEqual(j["warnings"] as? [String], [])
        let sheets = j["sheets"] as! [[String: Any]]
        XCTAssertEqual(sheets.map { $0["name"] as! String }, ["Tổng hợp", "Số liệu đơn vị", "Bảng in theo đơn vị", "Chấm điểm", "Kết quả kiểm tra", "Tình hình nộp"])
        // The printable unit table: landscape at full size, labels and headers on every page,
        // each block's last column the province total (the Tổng hợp figure).
        let top = sheets[0]
        let printed = sheets[2]
        XCTAssertEqual(printed["orientation"] as? String, "landscape")
        XCTAssertEqual(printed["fit_to_page"] as? Bool, false)
        XCTAssertEqual(printed["print_title_rows"] as? String, "$3:$4")
        let pcells = printed["cells"] as! [String: [String: Any]]
        let totals = pcells.filter { ($0.value["value"] as? String)?.hasPrefix("='Tổng hợp'!") ?? false }
        XCTAssertEqual(totals.count, 52 * 3, "one province total per indicator and value column")
        let tcells = top["cells"] as! [String: [String: Any]]
        for (_, c) in totals.prefix(40) {
            let ref = String((c["value"] as! String).dropFirst("='Tổng hợp'!".count))
            XCTAssertEqual("\(c["cached"] ?? "")", "\(tcells[ref]?["cached"] ?? "")", ref)
        }
        XCTAssertEqual(top["orientation"] as? String, "landscape")
        XCTAssertEqual(top["paper"] as? Int, 9)
        // Our own pages (issue 26): an explicit scale that fits the printed columns, and the
        // breaks we planned (Tests/TongHopTests/PagePlanTests and the render tests check where).
        XCTAssertEqual(top["fit_to_page"] as? Bool, false)
        XCTAssertEqual(top["scale"] as? Int, 68)
        XCTAssertFalse((top["row_breaks"] as? [Int] ?? []).isEmpty)
        XCTAssertEqual(top["print_title_rows"] as? String, "$8:$9")
        XCTAssertEqual(top["freeze"] as? String, "E10")
        // The page number at the top centre (Nghị định 30), not in the footer.
        XCTAssertTrue((top["header"] as? String ?? "").contains("&P"))
        XCTAssertFalse((top["header"] as? String ?? "").contains("lai-chau-ktxh"), "no internal ids on paper")
        let cells = top["cells"] as! [String: [String: Any]]
        // The official paper: agency lines, motto, place and date, signature block; the
        // method and coverage columns are on screen but outside the print area.
        let texts = Set(cells.values.compactMap { $0["value"] as? String })
        for line in ["UBND TỈNH LAI CHÂU", "SỞ TÀI CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "NGƯỜI LẬP BIỂU", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"] {
            XCTAssertTrue(texts.contains(line), line)
        }
        XCTAssertTrue(texts.contains { $0.hasPrefix("Lai Châu, ngày ") }, "place and date")
        XCTAssertFalse(texts.contains { $0.contains("tonghop") }, "no tool name on the official paper")
        let area = top["print_area"] as? String ?? ""
        let method = cells.first { $0.value["value"] as? String == "Cách tổng hợp" }!.key
        XCTAssertTrue(area.hasPrefix("'Tổng hợp'!$A$1:$"), area)
        let printedLast = area.split(separator: ":").last.map { String($0).filter(\.isLetter) } ?? ""
        XCTAssertLessThan(printedLast, String(method.filter(\.isLetter)), "the method column prints nowhere: \(area)")
        let kt08 = cells.first { $0.value["value"] as? String == "KT08" }!.key.dropFirst()
        XCTAssertTrue((cells["G\(kt08)"]?["value"] as? String ?? "").hasPrefix("=IFERROR(SUMPRODUCT("), "a ratio of sums, live")
        XCTAssertEqual(cells["G\(kt08)"]?["number_format"] as? String, "#,##0.0;-#,##0.0;\"-\"")
        let zip = try TestSupport.run("python3", ["-c", "import zipfile,sys; print(sorted(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if 'chart' in n))", book])
        XCTAssertTrue(zip.out.contains("xl/charts/chart1.xml"), zip.out)
    }

    /// Communes → districts → province: district figures are formulas over their block of
    /// commune rows, the province over all communes, and LibreOffice agrees with every value.
    func testThreeTierSummaryHasDistrictFiguresThatLibreOfficeConfirms() throws {
        let dir = try TestSupport.tempDir(self)
        let mk = try TestSupport.python([root.appendingPathComponent("Tests/Support/make_three_tier.py").path, TestSupport.tonghop, dir.path])
        XCTAssertEqual(mk.status, 0, mk.stderr)
        let template = dir.appendingPathComponent("ba-cap.yaml").path, db = dir.appendingPathComponent("t.db").path
        var r = try tonghop(["import", dir.appendingPathComponent("forms").path, "--db", db, "--template", template, "--format", "json"])
        XCTAssertEqual(try json(r)["counts"] as? [String: Int], ["imported": 9, "updated": 0, "unchanged": 0, "rejected": 0], r.out)
        r = try tonghop(["summary", "--db", db, "--template", template, "--format", "json"])
        let s = try json(r)
        let kt05 = (s["indicators"] as! [[String: Any]]).first { $0["code"] as? String == "KT05" }!
        let byLevel = kt05["by_level"] as! [String: Double]
        let province = ((kt05["values"] as! [String: [String: Any]])["estimate"]!["value"] as! Double)
        XCTAssertEqual(byLevel["D1"]! + byLevel["D2"]!, province, accuracy: 1e-9, "the province is the sum of its districts")
        let book = dir.appendingPathComponent("ba-cap.xlsx").path
        r = try tonghop(["summary", "--db", db, "--template", template, "-o", book])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lo = try TestSupport.run(root.appendingPathComponent("scripts/lo-recalc").path, [book, dir.appendingPathComponent("lo").path])
        XCTAssertEqual(lo.status, 0, lo.stderr)
        let cmp = try TestSupport.python([root.appendingPathComponent("Tests/Support/compare_recalc.py").path, book, dir.appendingPathComponent("lo/ba-cap.xlsx").path])
        let c = try JSONSerialization.jsonObject(with: cmp.stdout) as! [String: Any]
        XCTAssertGreaterThan(c["formulas"] as! Int, 400)
        XCTAssertEqual(c["mismatch_count"] as? Int, 0, "\(c["mismatches"]!)")
        let inspect = try TestSupport.python([root.appendingPathComponent("Tests/Support/openpyxl_inspect.py").path, book])
        let sheets = (try JSONSerialization.jsonObject(with: inspect.stdout) as! [String: Any])["sheets"] as! [[String: Any]]
        XCTAssertEqual(sheets.map { $0["name"] as! String }, ["Tổng hợp", "Số liệu đơn vị", "Bảng in theo đơn vị", "Theo đơn vị cấp trên", "Chấm điểm", "Kết quả kiểm tra", "Tình hình nộp"])
    }

    func testStatusShowsWhoIsMissingAndScorecardRanks() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx",
                                    "fixtures/submissions/2024/lai-chau-ktxh_110-than-uyen_2024.xlsx", "--db", db]).status, 0)
        var r = try tonghop(["status", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.out.contains("2/9 đơn vị đã nộp (22,2%)"), r.out)
        XCTAssertTrue(r.out.contains("✗ 105 Thành phố Lai Châu: CHƯA NỘP"), r.out)
        XCTAssertTrue(r.out.contains("✓ 107 Huyện Mường Tè: lần 1"), r.out)
        r = try tonghop(["summary", "--db", db, "--format", "json"])
        let s = try json(r)
        let kt05 = (s["indicators"] as! [[String: Any]]).first { $0["code"] as? String == "KT05" }!
        let est = (kt05["values"] as! [String: [String: Any]])["estimate"]!
        XCTAssertEqual(est["covered"] as? Int, 2)
        XCTAssertEqual(est["expected"] as? Int, 8)
        XCTAssertEqual(est["partial"] as? Bool, true)
        r = try tonghop(["scorecard", "--db", db, "--format", "json"])
        let units = (try json(r)["units"] as! [[String: Any]])
        XCTAssertEqual(units.count, 2)
        XCTAssertTrue((units[0]["headline"] as! String).hasSuffix("chỉ tiêu đạt và vượt kế hoạch"))
        r = try tonghop(["scorecard", "--db", db, "--lang", "en"])
        XCTAssertTrue(r.out.hasPrefix("Province: "), r.out)
    }

    /// Deadlines from the template: a file imported after the period's deadline is late by
    /// the days between them (local dates), a unit with nothing in is overdue by today's;
    /// before the deadline nobody is late.
    func testStatusShowsDeadlineAndWhoIsLate() throws {
        let dir = try TestSupport.tempDir(self)
        let base = try String(contentsOf: root.appendingPathComponent("templates/lai-chau-ktxh.yaml"), encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("units"), withDestinationURL: root.appendingPathComponent("templates/units"))
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        let tenDaysAgo = f.string(from: Date().addingTimeInterval(-10 * 86_400))
        for (name, due) in [("past", tenDaysAgo), ("future", "2099-12-31")] {
            let yaml = base.replacingOccurrences(of: "deadlines:\n", with: "deadlines:\n  \"2024\": \(due)\n")
            let template = dir.appendingPathComponent("\(name).yaml").path
            try yaml.write(toFile: template, atomically: true, encoding: .utf8)
            let db = dir.appendingPathComponent("\(name).db").path
            var r = try tonghop(["import", "fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx", "--db", db, "--template", template])
            XCTAssertEqual(r.status, 0, r.stderr)
            r = try tonghop(["status", "--db", db, "--template", template, "--format", "json"])
            let status = try json(r)["status"] as! [[String: Any]]
            let muongTe = status.first { $0["unit"] as? String == "107" }!, laiChau = status.first { $0["unit"] as? String == "105" }!
            XCTAssertEqual(muongTe["deadline"] as? String, due)
            if name == "past" {
                XCTAssertEqual(muongTe["days_late"] as? Int, 10)
                XCTAssertEqual(laiChau["days_late"] as? Int, 10)
                r = try tonghop(["status", "--db", db, "--template", template])
                XCTAssertTrue(r.out.contains("✓ 107 Huyện Mường Tè: lần 1"), r.out)
                XCTAssertTrue(r.out.contains("NỘP MUỘN 10 ngày"), r.out)
                XCTAssertTrue(r.out.contains("✗ 105 Thành phố Lai Châu: CHƯA NỘP — QUÁ HẠN 10 ngày"), r.out)
                XCTAssertTrue(r.out.contains("9 đơn vị nộp muộn hoặc quá hạn chưa nộp"), r.out)
                // The workbook's status sheet carries the same.
                let book = dir.appendingPathComponent("s.xlsx").path
                XCTAssertEqual(try tonghop(["summary", "--db", db, "--template", template, "-o", book]).status, 0)
                let py = try TestSupport.python(["-c", """
                import openpyxl, sys
                ws = openpyxl.load_workbook(sys.argv[1])["Tình hình nộp"]
                print(ws["A2"].value); print(ws["K3"].value)
                print([ws.cell(r, 11).value for r in range(4, ws.max_row + 1)])
                """, book])
                XCTAssertTrue(py.out.contains("Hạn nộp: \(due.split(separator: "-").reversed().joined(separator: "/"))"), py.out + py.stderr)
                XCTAssertTrue(py.out.contains("Muộn (ngày)"), py.out)
                XCTAssertTrue(py.out.contains("[10, 10, 10, 10, 10, 10, 10, 10, 10]"), py.out)
            } else {
                XCTAssertTrue(status.allSatisfy { $0["days_late"] is NSNull }, "\(status)")
            }
        }
    }
}
