import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// Small entries are inflated whole by libdeflate, larger or unusual ones streamed by
/// libzip (``ZipArchive/open(_:whole:)``). The two paths must give the same bytes and,
/// where an entry is damaged, the same error.
final class WholeEntryTests: XCTestCase {
    /// Every entry read both ways: (bytes, or the error's kind).
    private func bothWays(_ path: String, name: String? = nil) throws -> [(String, String, String)] {
        var out: [(String, String, String)] = []
        let fast = try ZipArchive(path: path, displayName: name)
        let slow = try ZipArchive(path: path, displayName: name)
        for entry in fast.entryNames where !entry.hasSuffix("/") {
            out.append((entry, read(fast, entry, whole: true), read(slow, entry, whole: false)))
        }
        return out
    }

    private func read(_ archive: ZipArchive, _ entry: String, whole: Bool) -> String {
        do {
            let s = try archive.open(entry, whole: whole)
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)  // several reads per entry
            while true {
                let n = try chunk.withUnsafeMutableBytes { try s.read(into: $0.baseAddress!, capacity: $0.count) }
                if n == 0 { break }
                bytes += chunk[0..<n]
            }
            return "\(bytes.count) bytes, \(bytes.hashValue)"
        } catch let e as SheetIOError {
            return "error \(e.kind) \(e.part ?? "")"
        } catch {
            return "error \(error)"
        }
    }

    func testEveryCorpusEntryReadsTheSameBothWays() throws {
        let roots = [TestSupport.packageRoot.appendingPathComponent("Tests/Corpus"), TestSupport.packageRoot.appendingPathComponent("fixtures")]
        var files = 0, entries = 0
        for root in roots {
            let all = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            for f in all where f.hasSuffix(".xlsx") || f.hasSuffix(".xlsm") {
                guard let pairs = try? bothWays(root.appendingPathComponent(f).path) else { continue }
                files += 1
                for (entry, a, b) in pairs {
                    entries += 1
                    XCTAssertEqual(a, b, "\(f): \(entry)")
                }
            }
        }
        XCTAssertGreaterThan(files, 50)
        XCTAssertGreaterThan(entries, 500)
    }

    /// A sheet whose CRC, or whose declared size, was altered after writing: the whole
    /// path declines it and the streamed path reports what it always reported.
    func testDamagedSmallEntriesAreReportedAsTheStreamedPathReportsThem() throws {
        let dir = try TestSupport.tempDir(self)
        let script = """
        import struct, sys, zipfile
        d = sys.argv[1]
        with zipfile.ZipFile(d + "/good.zip", "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", "<sheetData>" + "<row><c><v>1</v></c></row>" * 5000 + "</sheetData>")
            z.writestr("small.xml", "<a/>")
        data = bytearray(open(d + "/good.zip", "rb").read())
        def patch(field_local, field_central, value, name):
            b = bytearray(data)
            lh = b.find(b"PK\\x03\\x04")
            cd = b.find(b"PK\\x01\\x02")
            struct.pack_into("<I", b, lh + field_local, value)
            struct.pack_into("<I", b, cd + field_central, value)
            open(d + "/" + name, "wb").write(b)
        patch(14, 16, 0x12345678, "bad-crc.zip")       # CRC-32
        patch(22, 24, 100, "size-too-small.zip")       # uncompressed size: less than it is
        patch(22, 24, 5_000_000, "size-too-large.zip") # more than it is
        """
        let r = try TestSupport.python(["-c", script, dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["good.zip", "bad-crc.zip", "size-too-small.zip", "size-too-large.zip"] {
            let pairs = try bothWays(dir.appendingPathComponent(name).path, name: name)
            XCTAssertEqual(pairs.count, 2)
            for (entry, a, b) in pairs { XCTAssertEqual(a, b, "\(name): \(entry)") }
            if name == "bad-crc.zip" { XCTAssertTrue(pairs[0].1.contains("badCRC"), pairs[0].1) }
            if name == "good.zip" { XCTAssertTrue(pairs[0].1.hasPrefix("130023 bytes"), pairs[0].1) }
        }
    }

    func testTheEntryLimitHoldsOnTheWholePathToo() throws {
        let dir = try TestSupport.tempDir(self)
        let r = try TestSupport.python(["-c", """
        import sys, zipfile
        with zipfile.ZipFile(sys.argv[1] + "/a.zip", "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("big.xml", "x" * 100_000)
        """, dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        var limits = ReadLimits()
        limits.maxEntryBytes = 50_000
        limits.maxTotalBytes = 1 << 30
        for whole in [true, false] {
            let a = try ZipArchive(path: dir.appendingPathComponent("a.zip").path, limits: limits)
            XCTAssertEqual(read(a, "big.xml", whole: whole), "error \(SheetIOError.Kind.limitExceeded(.entryBytes, 50_000)) big.xml")
        }
        limits.maxEntryBytes = 1 << 30
        limits.maxTotalBytes = 60_000
        for whole in [true, false] {
            let a = try ZipArchive(path: dir.appendingPathComponent("a.zip").path, limits: limits)
            XCTAssertEqual(read(a, "big.xml", whole: whole), "error \(SheetIOError.Kind.limitExceeded(.totalBytes, 60_000)) big.xml")
        }
    }
}

/// Archives up to ``ZipArchive/wholeFileBytes`` are read into memory and opened from
/// there; larger ones through the descriptor. Both ways must list the same entries, give
/// the same bytes, and refuse a damaged archive with the same error.
final class WholeFileOpenTests: XCTestCase {
    private func describe(_ path: String, whole: Bool) -> String {
        do {
            let file = try InputFile(path: path, limits: .default)
            let za = try ZipArchive(file: file, limits: .default, wholeFileBytes: whole ? Int64.max : -1)
            var out = za.entryNames.joined(separator: "|")
            for e in za.entryNames where !e.hasSuffix("/") {
                do {
                    let b = try za.readAll(e)
                    out += "\n\(e): \(b.count) \(b.hashValue)"
                } catch let e as SheetIOError {
                    out += "\n\(e.kind) \(e.part ?? "")"
                }
            }
            return out
        } catch let e as SheetIOError {
            return "error \(e.kind) \(e.message(.en))"
        } catch {
            return "error \(error)"
        }
    }

    func testMemoryAndDescriptorOpenTheSameArchives() throws {
        let roots = [TestSupport.packageRoot.appendingPathComponent("Tests/Corpus"), TestSupport.packageRoot.appendingPathComponent("fixtures"),
                     TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")]
        var files: [String] = []
        for root in roots {
            let all = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            files += all.filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".xlsm") }.map { root.appendingPathComponent($0).path }
        }
        XCTAssertGreaterThan(files.count, 50)
        // Damaged copies of a few: cut short, a byte of the central directory or of a local
        // header changed, the end record removed.
        let dir = try TestSupport.tempDir(self)
        var rng = SplitMix64(state: 0x0BE7_E7)
        var damaged: [String] = []
        for (i, f) in files.prefix(40).enumerated() {
            let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: f)))
            guard b.count > 200 else { continue }
            var variants: [[UInt8]] = [Array(b.prefix(b.count / 2)), Array(b.dropLast(22)), [], Array(b.prefix(3))]
            for _ in 0..<6 {
                var m = b
                let at = rng.below(4) == 0 ? rng.below(64) : b.count - 1 - rng.below(min(b.count - 1, 600))
                m[at] ^= UInt8(1 + rng.below(255))
                variants.append(m)
            }
            for (k, v) in variants.enumerated() {
                let p = dir.appendingPathComponent("d\(i)-\(k).xlsx").path
                try Data(v).write(to: URL(fileURLWithPath: p))
                damaged.append(p)
            }
        }
        var refused = 0
        for f in files + damaged {
            let a = describe(f, whole: true), b = describe(f, whole: false)
            XCTAssertEqual(a, b, f)
            if a.hasPrefix("error") { refused += 1 }
        }
        // The damaged copies exercised the refusals.
        XCTAssertGreaterThan(refused, 40)
    }
}
