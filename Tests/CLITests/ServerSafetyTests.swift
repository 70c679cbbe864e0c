import Foundation
import XCTest
import TestSupport
import TongHop
import TongHopWeb

/// Every command safe on untrusted files on a shared machine (issue 9): special files,
/// bounded memory, non-finite numbers, inconsistent ZIPs, outputs over inputs, read-only
/// reports, CSV injection, terminal escapes, symlinks, failures mid-batch, temporary
/// files on signals. Inputs come from Tests/Support/make_hostile.py.
final class ServerSafetyTests: XCTestCase {
    let root = TestSupport.packageRoot

    static let hostile: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tonghop-hostile-\(getpid())")
        let r = try! TestSupport.python([TestSupport.support.appendingPathComponent("make_hostile.py").path, dir.path])
        precondition(r.status == 0, r.stderr)
        return dir
    }()

    override class func tearDown() {
        try? FileManager.default.removeItem(at: hostile)
        super.tearDown()
    }

    private func h(_ name: String) -> String { Self.hostile.appendingPathComponent(name).path }

    /// Runs tonghop under timeout(1): a hang fails the test (status 124) instead of the run.
    private func tonghop(_ args: [String], env: [String: String] = [:], seconds: Int = 60) throws -> TestSupport.ProcessResult {
        try TestSupport.run("timeout", [String(seconds), TestSupport.tonghop] + args, cwd: root, env: env)
    }

    private func sha(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    private func importFixtures(_ db: String) throws {
        let r = try tonghop(["import", "fixtures/submissions/2024", "--db", db])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
    }

    // MARK: 1. Only regular files

    func testAFIFONamedXlsxIsRefusedAtOnceAloneAndInAFolder() throws {
        let dir = try TestSupport.tempDir(self)
        let fifo = dir.appendingPathComponent("pipe.xlsx").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for cmd in [["dump", fifo], ["validate", fifo], ["import", fifo, "--db", dir.appendingPathComponent("t.db").path]] {
            let r = try tonghop(cmd, seconds: 20)
            XCTAssertNotEqual(r.status, 124, "\(cmd[0]) hangs on a FIFO")
            XCTAssertTrue((r.out + r.stderr).contains("FIFO"), cmd[0] + ": " + r.out + r.stderr)
            XCTAssertNotEqual(r.status, 0)
        }
        // In a folder it is skipped with a note; the real forms beside it are checked.
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx").path,
                                         toPath: dir.appendingPathComponent("ok.xlsx").path)
        let r = try tonghop(["validate", dir.path, "--lang", "en"], seconds: 20)
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.stderr.contains("pipe.xlsx: skipped, not a regular file"), r.stderr)
        XCTAssertTrue(r.out.contains("ok.xlsx"))
    }

    // MARK: 2. Memory bounded by the table

    func testAMillionRowSheetIsReadInBoundedMemoryAndItsTableSheetRefused() throws {
        let dir = try TestSupport.tempDir(self)
        for (file, limitMB) in [("long-sheet.xlsx", 100), ("long-sheet.csv", 100)] {
            let v = try tonghop(["validate", h(file), "--format", "json"])
            XCTAssertEqual(v.status, 1, v.stderr)
            XCTAssertLessThan(v.maxRSSKiB, limitMB * 1024, "validate \(file): peak \(v.maxRSSKiB / 1024) MB")
            let i = try tonghop(["import", h(file), "--db", dir.appendingPathComponent("t.db").path, "--format", "json"])
            XCTAssertEqual(i.status, 1, i.stderr)
            XCTAssertLessThan(i.maxRSSKiB, limitMB * 1024, "import \(file): peak \(i.maxRSSKiB / 1024) MB")
        }
        // The form whose table sheet goes on for a million rows: never a silent cut.
        let v = try tonghop(["validate", h("long-sheet.xlsx"), "--format", "json"])
        let j = try JSONSerialization.jsonObject(with: v.stdout) as! [String: Any]
        let f = ((j["files"] as! [[String: Any]])[0]["findings"] as! [[String: Any]])
        XCTAssertEqual(f.filter { $0["code"] as? String == "E003" }.count, 1, v.out)
        // Reading stopped once 10,000 rows with values were read: the finding names the next one.
        let row = f.first { $0["code"] as? String == "E003" }?["row"] as? Int ?? 0
        XCTAssertTrue((10_001...10_100).contains(row), "E003 at row \(row)")
    }

    func testImportMemoryIsFlatInTheNumberOfFiles() throws {
        // The same nine forms under many names: every copy goes through reading,
        // validation and hashing (and is "unchanged" in the store after the first).
        let dir = try TestSupport.tempDir(self)
        let src = root.appendingPathComponent("fixtures/submissions/2024")
        let forms = try FileManager.default.contentsOfDirectory(atPath: src.path).filter { $0.hasSuffix(".xlsx") }.sorted()
        var peaks: [Int] = []
        for count in [150, 900] {
            let folder = dir.appendingPathComponent("n\(count)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<count {
                let f = forms[i % forms.count]
                XCTAssertEqual(link(src.appendingPathComponent(f).path, folder.appendingPathComponent(String(format: "%04d-", i) + f).path), 0)
            }
            let r = try tonghop(["import", folder.path, "--db", dir.appendingPathComponent("n\(count).db").path], seconds: 300)
            XCTAssertEqual(r.status, 0, r.stderr)
            peaks.append(r.maxRSSKiB)
        }
        // 750 more files may cost their outcome lines, not their sheets (80 KB each leaked before).
        XCTAssertLessThan(peaks[1] - peaks[0], 15 * 1024, "peak \(peaks[0] / 1024) MB for 150 files, \(peaks[1] / 1024) MB for 900")
    }

    func testAFileOverTheSizeCapIsRefusedWithoutBeingRead() throws {
        let dir = try TestSupport.tempDir(self)
        let big = dir.appendingPathComponent("huge.xlsx").path
        // A sparse file of 600 MiB: refused from its size alone (reading it would take the time).
        XCTAssertTrue(FileManager.default.createFile(atPath: big, contents: Data("PK\u{3}\u{4}".utf8)))
        XCTAssertEqual(truncate(big, 600 << 20), 0)
        let r = try tonghop(["import", big, "--db", dir.appendingPathComponent("t.db").path, "--lang", "en"], seconds: 30)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.out.contains("file larger than 512 MiB"), r.out)
        XCTAssertLessThan(r.maxRSSKiB, 100 * 1024)
    }

    // MARK: 3. Non-finite numbers

    func testInfiniteAndSubnormalValuesAreErrorsAtTheirCellsAndNeverStored() throws {
        let cells = try String(contentsOfFile: h("inf-value.cells"), encoding: .utf8).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let v = try tonghop(["validate", h("inf-value.xlsx"), "--format", "json"])
        XCTAssertEqual(v.status, 1)
        let j = try JSONSerialization.jsonObject(with: v.stdout) as! [String: Any]
        let f = ((j["files"] as! [[String: Any]])[0]["findings"] as! [[String: Any]]).filter { $0["code"] as? String == "E118" }
        XCTAssertEqual(f.compactMap { $0["cell"] as? String }.sorted(), cells.sorted())
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        let i = try tonghop(["import", h("inf-value.xlsx"), "--db", db])
        XCTAssertEqual(i.status, 1)
        // The store itself refuses non-finite numbers (CHECK constraints).
        try importFixtures(db)
        let q = try TestSupport.python(["-c", """
        import sqlite3
        c = sqlite3.connect(r"\(db)")
        assert c.execute("PRAGMA application_id").fetchone()[0] == 0x54484F50
        for col in ("number", "number2", "conversion"):
            try:
                c.execute("UPDATE value SET %s = ? WHERE submission_id = (SELECT MIN(submission_id) FROM value)" % col, (float("inf"),))
            except sqlite3.IntegrityError as e:
                print("refused", col)
        """])
        XCTAssertEqual(q.out, "refused number\nrefused number2\nrefused conversion\n", q.stderr)
    }

    // MARK: 4. Inconsistent ZIPs

    func testDuplicateOverlappingAndMismatchedZipEntriesAreRefused() throws {
        for (file, words) in [("duplicate-entry.xlsx", "appears twice"), ("local-name-differs.xlsx", "in its local header"),
                              ("overlapping-entries.xlsx", "overlap")] {
            let r = try tonghop(["dump", h(file), "--lang", "en"])
            XCTAssertEqual(r.status, 2, file)
            XCTAssertTrue(r.stderr.contains(words) && r.stderr.hasPrefix(h(file)), file + ": " + r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
    }

    // MARK: 5. Outputs

    func testAnOutputNeverReplacesTheStoreOrAnInput() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try importFixtures(db)
        let before = sha(db)
        var r = try tonghop(["summary", "--db", db, "-o", db, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("same file"), r.stderr)
        // Under another name: a hard link to the store.
        let link = dir.appendingPathComponent("link.xlsx").path
        XCTAssertEqual(hardLink(db, link), 0)
        r = try tonghop(["summary", "--db", db, "-o", link])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(sha(db), before)
        // validate X --annotate X keeps the submission.
        let form = dir.appendingPathComponent("form.xlsx").path
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("fixtures/broken/not-a-number.xlsx").path, toPath: form)
        let formBefore = sha(form)
        r = try tonghop(["validate", form, "--annotate", form])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(sha(form), formBefore)
        r = try tonghop(["validate", form, "--annotate", dir.appendingPathComponent("./form.xlsx").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(sha(form), formBefore)
    }

    func testAnInterruptedWriteLeavesNoTemporaryFile() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try importFixtures(db)
        for sig in [SIGTERM, SIGINT] {
            let marker = dir.appendingPathComponent("held-\(sig)").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestSupport.tonghop)
            p.arguments = ["summary", "--db", db, "-o", dir.appendingPathComponent("out.xlsx").path]
            p.environment = ProcessInfo.processInfo.environment.merging(["TONGHOP_TEST_HOLD_WRITE": marker]) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
            let temp = try String(contentsOfFile: marker, encoding: .utf8)
            XCTAssertTrue(FileManager.default.fileExists(atPath: temp), "the hook holds a complete temporary file")
            kill(p.processIdentifier, sig)
            p.waitUntilExit()
            XCTAssertFalse(FileManager.default.fileExists(atPath: temp), "signal \(sig) left \(temp)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.xlsx").path))
        }
    }

    // MARK: 6. Read-only reports, recognised stores

    func testReportsNeverCreateOrChangeAStore() throws {
        let dir = try TestSupport.tempDir(self)
        let missing = dir.appendingPathComponent("typo.db").path
        for cmd in ["status", "scorecard"] {
            let r = try tonghop([cmd, "--db", missing, "--template", "lai-chau-ktxh", "--period", "2024"])
            XCTAssertEqual(r.status, 2)
            XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "\(cmd) created a store")
        }
        let r = try tonghop(["summary", "--db", missing, "-o", dir.appendingPathComponent("s.xlsx").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
        // On a real store the reports leave the database file byte for byte as it was.
        let db = dir.appendingPathComponent("t.db").path
        try importFixtures(db)
        let before = sha(db)
        for args in [["status"], ["scorecard"], ["summary", "-o", dir.appendingPathComponent("s.xlsx").path]] {
            let r = try tonghop(args + ["--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        XCTAssertEqual(sha(db), before)
    }

    func testAnotherProgramsDatabaseAndADamagedStoreAreRefusedUntouched() throws {
        let dir = try TestSupport.tempDir(self)
        let other = dir.appendingPathComponent("accounts.sqlite").path
        let mk = try TestSupport.python(["-c", """
        import sqlite3
        c = sqlite3.connect(r"\(other)"); c.execute("CREATE TABLE accounts (id INTEGER, owner TEXT)")
        c.execute("INSERT INTO accounts VALUES (1, 'x')"); c.commit()
        """])
        XCTAssertEqual(mk.status, 0, mk.stderr)
        let before = sha(other)
        for args in [["import", "fixtures/submissions/2024"], ["status"], ["summary", "--format", "json"]] {
            let r = try tonghop(args + ["--db", other, "--lang", "en"])
            XCTAssertEqual(r.status, 2, args[0])
            XCTAssertTrue(r.stderr.contains("not a tonghop store"), r.stderr)
        }
        XCTAssertEqual(sha(other), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other + "-wal"))

        // A store with a damaged page: reported, not written.
        let db = dir.appendingPathComponent("t.db").path
        try importFixtures(db)
        var bytes = [UInt8](sha(db)!)
        let page = 4096
        XCTAssertGreaterThan(bytes.count, 4 * page)
        for k in 0..<page { bytes[2 * page + k] = UInt8(truncatingIfNeeded: k &* 31 &+ 7) }
        FileManager.default.createFile(atPath: db, contents: Data(bytes))
        let r = try tonghop(["import", "fixtures/submissions/2024-6T", "--db", db, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("damaged") || r.stderr.contains("malformed"), r.stderr)
        XCTAssertEqual(sha(db).map([UInt8].init), bytes)
    }

    // MARK: 7. CSV injection

    func testCSVOutputNeutralisesFormulaTextButNotNumbers() throws {
        let r = try tonghop(["dump", h("injection.xlsx")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.out, "'=1+1\r\n'+SUM(A1:A2)\r\n'-2+3\r\n'@cmd\r\n'\tTAB\r\n-\r\n-5\r\n")
        let raw = try tonghop(["dump", h("injection.xlsx"), "--no-formula-escape"])
        XCTAssertEqual(raw.out, "=1+1\r\n+SUM(A1:A2)\r\n-2+3\r\n@cmd\r\n\tTAB\r\n-\r\n-5\r\n")
        // Negative numbers stay numbers in the summary CSV; its text fields are neutralised.
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try importFixtures(db)
        let s = try tonghop(["summary", "--db", db, "--format", "csv"])
        XCTAssertEqual(s.status, 0, s.stderr)
        for line in s.out.split(separator: "\r\n") {
            for f in line.split(separator: ";") where f.first.map({ "=+@\t\r".contains($0) }) ?? false {
                XCTFail("raw formula text in the summary CSV: \(f)")
            }
        }
    }

    // MARK: 8. Terminal

    func testFileNamesAndCellsCannotForgeLinesOrDriveTheTerminal() throws {
        let dir = try TestSupport.tempDir(self)
        let evil = dir.appendingPathComponent("x.xlsx\n  → HỢP LỆ: 0 lỗi\u{1B}[2J.xlsx").path
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("fixtures/broken/not-a-number.xlsx").path, toPath: evil)
        let r = try tonghop(["validate", evil])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(r.out.contains("\u{1B}"), r.out)
        XCTAssertEqual(r.out.split(separator: "\n").filter { $0.hasPrefix("  → HỢP LỆ") }.count, 0, r.out)
        XCTAssertTrue(r.out.contains("x.xlsx\\n  → HỢP LỆ: 0 lỗi\\x1b[2J.xlsx"), r.out)
        let c = try tonghop(["validate", h("escape-in-cell.xlsx")])
        XCTAssertFalse(c.out.contains("\u{1B}") || c.out.contains("\u{07}"), c.out)
        XCTAssertTrue(c.out.contains("\\x1b[2J\\x1b]0;pwned\\x07"), c.out)
        // JSON stays exact.
        let j = try tonghop(["validate", h("escape-in-cell.xlsx"), "--format", "json"])
        XCTAssertTrue(j.out.contains("\\u001b[2J"), j.out)
        // Import reports and error lines too.
        let i = try tonghop(["import", evil, "--db", dir.appendingPathComponent("t.db").path])
        XCTAssertFalse((i.out + i.stderr).contains("\u{1B}"))
        XCTAssertEqual(i.out.split(separator: "\n").filter { $0.hasPrefix("  → HỢP LỆ") }.count, 0, i.out)
    }

    // MARK: 9. Folders and failures mid-batch

    func testSymlinksOutOfTheFolderAreNotFollowed() throws {
        let dir = try TestSupport.tempDir(self)
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let outside = root.appendingPathComponent("fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx").path
        try FileManager.default.createSymbolicLink(atPath: inbox.appendingPathComponent("a-outside.xlsx").path, withDestinationPath: outside)
        try FileManager.default.copyItem(atPath: outside, toPath: inbox.appendingPathComponent("real.xlsx").path)
        try FileManager.default.createSymbolicLink(atPath: inbox.appendingPathComponent("b-inside.xlsx").path, withDestinationPath: "real.xlsx")
        let r = try tonghop(["validate", inbox.path, "--format", "json", "--lang", "en"])
        XCTAssertTrue(r.stderr.contains("a-outside.xlsx: skipped, a symbolic link pointing outside the folder"), r.stderr)
        let j = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        let files = (j["files"] as! [[String: Any]]).map { ($0["file"] as! String as NSString).lastPathComponent }
        XCTAssertEqual(files, ["b-inside.xlsx", "real.xlsx"])
    }

    func testAWriteFailureMidBatchNamesTheFileAndTheCause() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        // A 132 KiB file-size limit (SIGXFSZ ignored): the store's writes fail part-way. The
        // batch's one transaction does not fit; stored again file by file, the new store and
        // the first file fit and the second does not.
        let r = try TestSupport.run("bash", ["-c", "trap '' XFSZ; ulimit -f 264; exec \"$0\" import fixtures/submissions/2024 --db \"$1\" --lang en",
                                             TestSupport.tonghop, db], cwd: root)
        XCTAssertEqual(r.status, 2, r.out + r.stderr)
        XCTAssertTrue(r.stderr.contains("importing fixtures/submissions/2024/lai-chau-ktxh_"), r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing of this file was stored"), r.stderr)
        XCTAssertFalse(r.stderr.contains("cannot open the store"), r.stderr)
        XCTAssertTrue(r.out.contains("imported (revision 1)"), "the files before it are reported: " + r.out)
        // What was imported before the failure is whole and readable.
        let s = try tonghop(["status", "--db", db, "--format", "json"])
        XCTAssertEqual(s.status, 0, s.stderr)
    }

    // MARK: the web server (issue 25)

    /// 1,100 connections that never send a byte, against a server given the 1,024 file
    /// descriptors systemd gives by default: the idle timeout closes them and /health
    /// answers within a bounded time (without one it never did).
    func testSilentConnectionsDoNotStopTheWebServer() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("w.db").path
        try importFixtures(db)
        let r = try TestSupport.python([TestSupport.support.appendingPathComponent("silent_connections.py").path, TestSupport.tonghop,
                                        "--db", db, "--templates", root.appendingPathComponent("templates").path, "--template", "lai-chau-ktxh",
                                        "--count", "1100", "--idle-timeout", "2", "--limit", "30"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        let result = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any] ?? [:]
        XCTAssertEqual(result["opened"] as? Int, 1100, r.out)
        let seconds = try XCTUnwrap(result["health_seconds"] as? Double, r.out)
        XCTAssertLessThan(seconds, 30, "/health answered while the silent connections were open")
        XCTAssertGreaterThan(result["closed_by_server"] as? Int ?? 0, 900, "the server closed the silent connections itself: " + r.out)
    }

    /// `tonghop user unlock NAME` forgets the name's failed logins (and says so in the
    /// audit log); an unknown name is an error.
    func testUserUnlockClearsFailedLogins() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("u.db").path
        try importFixtures(db)
        let add = try TestSupport.run(TestSupport.tonghop, ["user", "add", "tinh", "--province", "--db", db, "--lang", "en"], cwd: root,
                                      stdin: Data("mat-khau-tinh-2026\n".utf8))
        XCTAssertEqual(add.status, 0, add.stderr)
        let store = try Store(path: db)
        try store.addLoginFailure(keys: [("pair:tinh|203.0.113.9", "tinh"), ("name:tinh", "tinh")], forget: 86_400)
        XCTAssertEqual(try store.loginFailures(keys: ["pair:tinh|203.0.113.9"]).count, 1)
        let r = try tonghop(["user", "unlock", "TINH", "--db", db, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("Cleared 2 failed-login entries"), r.stderr)
        XCTAssertTrue(try store.loginFailures(keys: ["pair:tinh|203.0.113.9", "name:tinh"]).isEmpty)
        XCTAssertEqual(try store.auditLog(limit: 1).first?.action, "user-unlock")
        let none = try tonghop(["user", "unlock", "khong-co", "--db", db, "--lang", "en"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("no account khong-co"), none.stderr)
    }
}

/// A hard link (link(2)).
private func hardLink(_ a: String, _ b: String) -> Int32 { link(a, b) }

/// `tonghop user import`: accounts for many units from one CSV file, first passwords
/// printed once; a file with an error creates nothing.
final class UserImportTests: XCTestCase {
    let root = TestSupport.packageRoot

    /// The README's administrator commands, run as written on a fresh folder.
    func testTheREADMEsAdministratorCommandsWorkAsWritten() throws {
        let r = try TestSupport.run("timeout", ["120", TestSupport.support.appendingPathComponent("readme_admin.sh").path, TestSupport.tonghop, root.path],
                                    cwd: root)
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.out.contains("README administrator commands: ok"), r.out)
    }

    func testUserImportCreatesAccountsAndPrintsTheirPasswords() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("i.db").path
        let imp = try TestSupport.run(TestSupport.tonghop, ["import", "fixtures/submissions/2024", "--db", db], cwd: root)
        XCTAssertEqual(imp.status, 0, imp.stderr)
        let csv = dir.appendingPathComponent("accounts.csv")
        try "Mã đơn vị,Tên tài khoản,Vai trò\n105,lai-chau-tp,don-vi\n107,muong-te,don-vi\n,so-khdt,tinh\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try TestSupport.run(TestSupport.tonghop, ["user", "import", csv.path, "--db", db, "--lang", "en"], cwd: root)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.out.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(lines.map { $0[0] }, ["lai-chau-tp", "muong-te", "so-khdt"])
        XCTAssertEqual(lines.map { $0[2] }, ["105", "107", "province"])
        XCTAssertEqual(Set(lines.map { $0[1] }).count, 3, "a password each")
        let store = try Store(path: db)
        for l in lines {
            let a = try XCTUnwrap(try store.account(named: l[0]))
            XCTAssertTrue(Passwords.verify(l[1], hash: a.passwordHash), l[0])
            XCTAssertEqual(a.role, l[2] == "province" ? .province : .unit)
            XCTAssertTrue(a.mustChangePassword, "a printed password is for the first login only")
        }
        // An error anywhere: nothing created.
        let bad = dir.appendingPathComponent("bad.csv")
        try "106,phong-tho,don-vi\n999,khong-co,don-vi\n108,ten co dau cach,don-vi\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try TestSupport.run(TestSupport.tonghop, ["user", "import", bad.path, "--db", db, "--lang", "en"], cwd: root)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("line 2: template lai-chau-ktxh has no unit with code 999"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("line 3: account name"), refused.stderr)
        XCTAssertNil(try store.account(named: "phong-tho"))
        // Names that exist: refused, or skipped when asked.
        let again = try TestSupport.run(TestSupport.tonghop, ["user", "import", csv.path, "--db", db, "--lang", "en"], cwd: root)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("an account named lai-chau-tp exists"), again.stderr)
        let skip = try TestSupport.run(TestSupport.tonghop, ["user", "import", csv.path, "--skip-existing", "--db", db, "--lang", "en"], cwd: root)
        XCTAssertEqual(skip.status, 0, skip.stderr)
        XCTAssertEqual(skip.out, "")
    }
}
