/// One BIFF record ([MS-XLS] 2.1.4): its type and where its data lies in the stream.
struct BIFFRecord {
    var type: UInt16
    /// Offset of the data (after the 4-byte header) in the workbook stream.
    var start: Int
    var length: Int
    var end: Int { start + length }
}

/// Record types the reader acts on ([MS-XLS] 2.3).
enum BIFFType {
    static let bof: UInt16 = 0x0809
    static let eof: UInt16 = 0x000A
    static let continueRecord: UInt16 = 0x003C
    static let filePass: UInt16 = 0x002F
    static let codePage: UInt16 = 0x0042
    static let dateMode: UInt16 = 0x0022
    static let window1: UInt16 = 0x003D
    static let boundSheet: UInt16 = 0x0085
    static let format: UInt16 = 0x041E
    static let xf: UInt16 = 0x00E0
    static let sst: UInt16 = 0x00FC
    static let dimensions: UInt16 = 0x0200
    static let row: UInt16 = 0x0208
    static let colInfo: UInt16 = 0x007D
    static let mergedCells: UInt16 = 0x00E5
    static let labelSST: UInt16 = 0x00FD
    static let label: UInt16 = 0x0204
    static let rString: UInt16 = 0x00D6
    static let number: UInt16 = 0x0203
    static let rk: UInt16 = 0x027E
    static let mulRK: UInt16 = 0x00BD
    static let boolErr: UInt16 = 0x0205
    static let formula: UInt16 = 0x0006
    static let string: UInt16 = 0x0207
    /// BOF records of Excel 2.x, 3.x and 4.x worksheets (no compound file around them).
    static let oldBOFs: Set<UInt16> = [0x0009, 0x0209, 0x0409]
}

/// Walks the records of a workbook stream from an offset. A record whose length runs
/// past the end of the stream ends the walk (the last bytes of a damaged stream are
/// dropped, as Excel drops them).
struct BIFFRecordIterator {
    let stream: [UInt8]
    var position: Int

    init(_ stream: [UInt8], at position: Int) {
        self.stream = stream
        self.position = position
    }

    mutating func next() -> BIFFRecord? {
        guard position >= 0, position + 4 <= stream.count else { return nil }
        let type = LE.u16(stream, position)
        let length = Int(LE.u16(stream, position + 2))
        guard position + 4 + length <= stream.count else { return nil }
        let r = BIFFRecord(type: type, start: position + 4, length: length)
        position += 4 + length
        return r
    }

    /// The CONTINUE records right after the current position, consumed: their data
    /// ranges, for a record whose content spills over ([MS-XLS] 2.1.4: SST, STRING).
    mutating func continuations() -> [Range<Int>] {
        var out: [Range<Int>] = []
        while position + 4 <= stream.count, LE.u16(stream, position) == BIFFType.continueRecord {
            let length = Int(LE.u16(stream, position + 2))
            guard position + 4 + length <= stream.count else { break }
            out.append((position + 4)..<(position + 4 + length))
            position += 4 + length
        }
        return out
    }
}
