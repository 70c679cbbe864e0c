// libFuzzer target: the CSV reader (encoding recognition, dialect, quoting).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let r = try CSVReader(bytes: bytes, displayName: "fuzz.csv")
        while let row = try r.next() { _ = row.cells.count }
    } catch is SheetIOError {
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}
