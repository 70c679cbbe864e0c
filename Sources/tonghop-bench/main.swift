import Foundation
import SheetIO

/// Benchmark driver (`make bench`): each subcommand does one job and prints one JSON line
/// with the wall time; scripts/bench.sh runs it next to the Python peers.
let args = CommandLine.arguments
func now() -> Double { Date().timeIntervalSince1970 }

func readXLSX(_ path: String) throws -> (Int, Double) {
    let wb = try XLSXWorkbook(path: path)
    let r = try wb.rows(ofSheet: 0)
    var cells = 0
    var sum = 0.0
    while let row = try r.next() {
        cells += row.cells.count
        for c in row.cells { if case .number(let d) = c.value { sum += d } }
    }
    return (cells, sum)
}

switch args.count > 1 ? args[1] : "" {
case "read-xlsx":
    let t0 = now()
    let (cells, sum) = try readXLSX(args[2])
    let dt = now() - t0
    print("{\"job\":\"read-xlsx\",\"seconds\":\(dt),\"cells\":\(cells),\"checksum\":\(sum)}")
case "floor":
    // The floor: libzip inflates the sheet and one pass counts '<' bytes.
    let t0 = now()
    let za = try ZipArchive(path: args[2])
    let part = za.entryNames.first { $0.lowercased().contains("worksheets/sheet1") } ?? "xl/worksheets/sheet1.xml"
    let s = try za.open(part)
    let buf = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 64)
    var total = 0, lt = 0
    while true {
        let n = try s.read(into: buf, capacity: 1 << 20)
        if n == 0 { break }
        total += n
        let p = buf.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n where p[i] == 0x3C { lt += 1 }
    }
    print("{\"job\":\"floor\",\"seconds\":\(now() - t0),\"bytes\":\(total),\"tags\":\(lt)}")
default:
    FileHandle.standardError.write(Data("usage: tonghop-bench read-xlsx FILE\n".utf8))
    exit(2)
}
