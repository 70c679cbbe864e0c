import CZip
import Foundation
import SheetIO

/// The benchmark's data: deterministic, so every reader and writer sees the same cells.
/// Row r (from 1): A = r; B, C = one of 1,000 Vietnamese texts; D…J = numbers with two
/// decimals. The C peer (scripts/bench/write_peer.c) computes the same values.
enum BenchData {
    static let header = ["STT", "Đơn vị", "Chỉ tiêu", "TH 2023", "KH 2024", "ƯTH 2024", "6 tháng", "9 tháng", "Cùng kỳ", "Ghi chú số"]
    static let units = ["Thành phố Lai Châu", "Tam Đường", "Phong Thổ", "Sìn Hồ", "Mường Tè", "Nậm Nhùn", "Than Uyên", "Tân Uyên"]
    static let pool: [String] = (0..<1000).map { i in "Chỉ tiêu \(i) – \(units[i % 8])" }

    @inline(__always) static func text1(_ r: Int) -> Int { (r &* 7) % 1000 }
    @inline(__always) static func text2(_ r: Int) -> Int { (r &* 13 &+ 5) % 1000 }
    @inline(__always) static func number(_ r: Int, _ c: Int) -> Double {
        Double((UInt64(r) &* 2_654_435_761 &+ UInt64(c) &* 40_503) % 10_000_000) / 100
    }

    /// The 1M × 10 workbook, written as raw SpreadsheetML with shared strings (as Excel
    /// writes it) and zipped by libzip.
    static func writeXLSX(rows: Int, path: String) throws {
        let tmp = path + ".sheet.xml"
        guard let f = fopen(tmp, "w") else { fail("cannot write \(tmp)") }
        var out = ""
        out.reserveCapacity(1 << 20)
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        let cols = Array("ABCDEFGHIJ").map(String.init)
        out += "<row r=\"1\">"
        for c in 0..<10 { out += "<c r=\"\(cols[c])1\" t=\"s\"><v>\(1000 + c)</v></c>" }
        out += "</row>"
        for r in 1...rows {
            let rr = r + 1
            out += "<row r=\"\(rr)\"><c r=\"A\(rr)\"><v>\(r)</v></c><c r=\"B\(rr)\" t=\"s\"><v>\(text1(r))</v></c><c r=\"C\(rr)\" t=\"s\"><v>\(text2(r))</v></c>"
            for c in 3..<10 { out += "<c r=\"\(cols[c])\(rr)\"><v>\(CellText.number(number(r, c)))</v></c>" }
            out += "</row>"
            if out.utf8.count > 900_000 { fputs(out, f); out.removeAll(keepingCapacity: true) }
        }
        out += "</sheetData></worksheet>"
        fputs(out, f)
        fclose(f)
        var sst = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(rows * 2 + 10)\" uniqueCount=\"1010\">"
        for s in pool + header { sst += "<si><t>\(s)</t></si>" }
        sst += "</sst>"
        try zipParts(path: path, parts: [
            ("[Content_Types].xml", .text(contentTypes)), ("_rels/.rels", .text(rootRels)),
            ("xl/workbook.xml", .text(workbook)), ("xl/_rels/workbook.xml.rels", .text(workbookRels)),
            ("xl/sharedStrings.xml", .text(sst)), ("xl/worksheets/sheet1.xml", .file(tmp)),
        ])
        unlink(tmp)
    }

    /// The same data as a vi-VN CSV: ";" delimiter, decimal comma, UTF-8 with BOM.
    static func writeCSV(rows: Int, path: String) throws {
        guard let f = fopen(path, "w") else { fail("cannot write \(path)") }
        var out = "\u{FEFF}" + header.joined(separator: ";") + "\r\n"
        out.reserveCapacity(1 << 20)
        for r in 1...rows {
            out += "\(r);\(pool[text1(r)]);\(pool[text2(r)])"
            for c in 3..<10 {
                out += ";"
                out += CellText.number(number(r, c)).replacingOccurrences(of: ".", with: ",")
            }
            out += "\r\n"
            if out.utf8.count > 900_000 { fputs(out, f); out.removeAll(keepingCapacity: true) }
        }
        fputs(out, f)
        fclose(f)
    }

    /// `count` small report workbooks (60 indicator rows × 8 columns), written through
    /// our XLSX writer as a unit's filled form would be.
    static func writeBatch(count: Int, dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<count {
            let wb = try XLSXWriter(path: "\(dir)/don-vi-\(String(format: "%04d", i)).xlsx")
            let ws = try wb.addWorksheet("Biểu 01")
            try ws.write(0, 0, text: "BÁO CÁO ƯỚC THỰC HIỆN CHỈ TIÊU KINH TẾ - XÃ HỘI NĂM 2024")
            for (c, h) in ["STT", "Mã", "Chỉ tiêu", "ĐVT", "TH 2023", "KH 2024", "ƯTH 2024", "Ghi chú"].enumerated() {
                try ws.write(2, c, text: h)
            }
            for r in 0..<60 {
                try ws.write(3 + r, 0, number: Double(r + 1))
                try ws.write(3 + r, 1, text: String(format: "KT%02d", r + 1))
                try ws.write(3 + r, 2, text: pool[(r * 17 + i) % 1000])
                try ws.write(3 + r, 3, text: r % 3 == 0 ? "tỷ đồng" : r % 3 == 1 ? "%" : "người")
                for c in 4..<7 { try ws.write(3 + r, c, number: number(r + i * 60, c)) }
                if r % 10 == 0 { try ws.write(3 + r, 7, text: "Số liệu sơ bộ") }
            }
            try wb.close()
        }
    }

    enum Part { case text(String), file(String) }

    static func zipParts(path: String, parts: [(String, Part)]) throws {
        var err: Int32 = 0
        unlink(path)
        guard let za = zip_open(path, ZIP_CREATE | ZIP_EXCL, &err) else { fail("zip_open \(path): \(err)") }
        var keep: [UnsafeMutableRawPointer] = []
        for (name, part) in parts {
            let src: OpaquePointer?
            switch part {
            case .text(let s):
                let bytes = Array(s.utf8)
                let buf = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
                bytes.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
                keep.append(buf)
                src = zip_source_buffer(za, buf, UInt64(bytes.count), 0)
            case .file(let f):
                src = zip_source_file(za, f, 0, -1)
            }
            guard let src, zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) >= 0 else { fail("zip_file_add \(name)") }
        }
        guard zip_close(za) == 0 else { fail("zip_close \(path)") }
        for b in keep { b.deallocate() }
    }

    static let contentTypes = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>
    """
    static let rootRels = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
    """
    static let workbook = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>
    """
    static let workbookRels = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>
    """
}
