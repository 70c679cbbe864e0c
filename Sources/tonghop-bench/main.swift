import CZip
import Foundation
import FoundationXML
import SheetIO
import TongHop

/// Benchmark driver for `make bench` (scripts/bench.sh). Each job prints one JSON line:
/// {"job", "seconds", "cells", "peak_mb"}; generators write the inputs (never committed).
///
///   gen-xlsx ROWS PATH | gen-csv ROWS PATH | gen-batch N DIR
///   read-xlsx PATH | read-csv PATH | write-xlsx ROWS PATH | read-batch DIR | floor PATH
let args = CommandLine.arguments

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func peakMB() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_maxrss) / 1024
}

func report(_ job: String, _ seconds: Double, cells: Int, extra: String = "") {
    print("{\"job\":\"\(job)\",\"seconds\":\(seconds),\"cells\":\(cells),\"peak_mb\":\(peakMB())\(extra)}")
}

func fail(_ msg: String) -> Never {
    FileHandle.standardError.write(Data((msg + "\n").utf8))
    exit(2)
}

let job = args.count > 1 ? args[1] : ""
func arg(_ i: Int) -> String {
    if args.count > i { return args[i] }
    fail("usage: tonghop-bench \(job) …")
}

do {
    switch job {
    case "gen-xlsx": try BenchData.writeXLSX(rows: Int(arg(2))!, path: arg(3))
    case "gen-csv": try BenchData.writeCSV(rows: Int(arg(2))!, path: arg(3))
    case "gen-batch": try BenchData.writeBatch(count: Int(arg(2))!, dir: arg(3))
    case "gen-national":  // gen-national DIR [after|before] [COUNT]
        try National.write(dir: arg(2), communes: args.count > 4 ? Int(args[4])! : .max, era: args.count > 3 ? args[3] : "after")

    case "gen-quality":  // gen-quality DIR [COUNT] [FIRST_YEAR] [6T|9T]
        try QualityBench.generate(dir: arg(2), count: args.count > 3 ? Int(args[3])! : .max, firstYear: args.count > 4 ? Int(args[4])! : 2020,
                                  halfYear: args.count > 5 && args[5] == "6T", nineMonthsToo: args.count > 5 && args[5] == "9T")
    case "backtest-forecast":  // backtest-forecast [UNITS] [YEARS] [YEAR-NOISE σ, default 0.025]
        QualityBench.backtest(units: args.count > 2 ? Int(args[2])! : 3321, years: args.count > 3 ? Int(args[3])! : 8,
                              yearNoise: args.count > 4 ? Double(args[4])! : 0.025)

    case "read-xlsx":
        let t0 = now()
        let wb = try XLSXWorkbook(path: arg(2))
        let r = try wb.rows(ofSheet: 0)
        var cells = 0
        var sum = 0.0
        while let row = try r.next() {
            cells += row.cells.count
            for c in row.cells { if case .number(let d) = c.value { sum += d } }
        }
        report(job, now() - t0, cells: cells, extra: ",\"checksum\":\(sum)")

    case "read-csv":
        let t0 = now()
        let r = try CSVReader(path: arg(2))
        var cells = 0
        while let row = try r.next() { cells += row.cells.count }
        report(job, now() - t0, cells: cells)

    case "write-xlsx":
        let rows = Int(arg(2))!
        let t0 = now()
        let wb = try XLSXWriter(path: arg(3), options: .init(constantMemory: true))
        let ws = try wb.addWorksheet("Data")
        for (c, h) in BenchData.header.enumerated() { try ws.write(0, c, text: h) }
        for r in 1...rows {
            try ws.write(r, 0, number: Double(r))
            try ws.write(r, 1, text: BenchData.pool[BenchData.text1(r)])
            try ws.write(r, 2, text: BenchData.pool[BenchData.text2(r)])
            for c in 3..<10 { try ws.write(r, c, number: BenchData.number(r, c)) }
        }
        try wb.close()
        report(job, now() - t0, cells: rows * 10 + 10)

    case "read-batch":
        let dir = arg(2)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".xlsx") }.sorted()
        let t0 = now()
        var cells = 0
        for f in files {
            let wb = try XLSXWorkbook(path: dir + "/" + f)
            let r = try wb.rows(ofSheet: 0)
            while let row = try r.next() { cells += row.cells.count }
        }
        report(job, now() - t0, cells: cells, extra: ",\"files\":\(files.count)")

    case "floor":
        // The floor: libzip inflates the sheet part and one pass counts '<' bytes.
        let t0 = now()
        let za = try ZipArchive(path: arg(2))
        let s = try za.open("xl/worksheets/sheet1.xml")
        let buf = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 64)
        var total = 0, tags = 0
        while true {
            let n = try s.read(into: buf, capacity: 1 << 20)
            if n == 0 { break }
            total += n
            let p = buf.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n where p[i] == 0x3C { tags += 1 }
        }
        report(job, now() - t0, cells: 0, extra: ",\"bytes\":\(total),\"tags\":\(tags)")

    case "read-xlsx-foundation":
        // Foundation's XMLParser (SAX) on the same sheet, inflated to memory first: the
        // library we did not use, for the README's claim.
        let t0 = now()
        let za = try ZipArchive(path: arg(2))
        let bytes = try za.readAll("xl/worksheets/sheet1.xml")
        let counter = CellCounter()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = counter
        _ = parser.parse()
        report(job, now() - t0, cells: counter.cells)

    default:
        fail("usage: tonghop-bench gen-xlsx|gen-csv|gen-batch|read-xlsx|read-csv|write-xlsx|read-batch|floor|read-xlsx-foundation …")
    }
} catch let e as SheetIOError {
    fail(e.message(.en))
}

final class CellCounter: NSObject, XMLParserDelegate {
    var cells = 0
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "c" { cells += 1 }
    }
}
