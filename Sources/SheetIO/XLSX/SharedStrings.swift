/// Reads `sharedStrings.xml` into one array: plain `<t>` and rich-text runs concatenated,
/// phonetic guides (`<rPh>`) skipped, `<si/>` as "", `_xHHHH_` escapes undone.
enum SharedStrings {
    // Text of a <t> without xml:space="preserve" is trimmed of XML white space, as
    // calamine and readxl do: writers that omit the attribute pad cells by accident
    // (Excel itself always sets it when the spaces matter).
    static func read(_ parser: XMLPullParser) throws -> [String] {
        var strings: [String] = []
        var scratch: [UInt8] = []
        scratch.reserveCapacity(256)
        var inSI = false, inT = false
        var tStart = 0, tPreserve = false
        var phoneticDepth = 0
        let limits = parser.limits
        while true {
            switch try parser.next() {
            case .eof:
                return strings
            case .start:
                if parser.isName("si") {
                    inSI = true
                    scratch.removeAll(keepingCapacity: true)
                } else if inSI && parser.isName("rPh") {
                    phoneticDepth += 1
                } else if inSI && parser.isName("t") {
                    inT = true
                    tStart = scratch.count
                    tPreserve = try parser.attribute("space", prefixed: true) == "preserve"
                }
            case .end:
                if parser.isName("t") {
                    if inT && !tPreserve && phoneticDepth == 0 { XMLText.trim(&scratch, from: tStart) }
                    inT = false
                } else if parser.isName("rPh") {
                    phoneticDepth = max(0, phoneticDepth - 1)
                } else if parser.isName("si") {
                    inSI = false
                    guard strings.count < limits.maxSharedStrings else {
                        throw SheetIOError(.limitExceeded(.sharedStrings, Int64(limits.maxSharedStrings)),
                                           file: parser.file, part: parser.part)
                    }
                    ByteParsing.unescapeOOXML(&scratch)
                    strings.append(try scratch.withUnsafeBufferPointer {
                        try XMLPullParser.string($0, file: parser.file, part: parser.part)
                    })
                }
            case .text:
                if inT && phoneticDepth == 0 {
                    try parser.appendText(to: &scratch)
                    if scratch.count > limits.maxStringBytes {
                        throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)),
                                           file: parser.file, part: parser.part)
                    }
                }
            }
        }
    }
}
