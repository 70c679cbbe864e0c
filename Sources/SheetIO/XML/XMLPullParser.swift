import Foundation

/// A pull parser for the XML of OOXML parts, over bytes that arrive in chunks.
///
/// Written by hand rather than using Foundation's `XMLParser` or libxml2: it never
/// copies or allocates per element (names, attributes and text are byte ranges of its
/// own buffer, valid until the next call to ``next()``), which the sheet reader needs to
/// reach the speed in BENCHMARKS.md (Foundation's `XMLParser` took 8.3 s and 1 GB on the
/// 1M-row sheet, our whole read 1.2 s and 29 MB), and it refuses DTDs and custom entities
/// outright instead of configuring a general parser not to expand them.
///
/// It is not a validating parser: end tags are not matched against start tags by name
/// (only nesting depth is tracked), namespaces are reduced to "has a prefix" plus the
/// local name, and the XML declaration and processing instructions are skipped.
final class XMLPullParser {
    enum Event: Equatable { case start, end, text, eof }

    struct Attribute {
        var nameStart: Int
        var nameLength: Int
        var hasPrefix: Bool
        var valueStart: Int
        var valueLength: Int
        var valueHasEntity: Bool
    }

    // Buffer: bytes [0, end) are valid; scanning resumes at pos.
    private var buf: UnsafeMutablePointer<UInt8>
    private var cap: Int
    private var pos = 0
    private var end = 0
    private var sourceDone = false
    private let source: ByteSource?

    let file: String
    let part: String
    let limits: ReadLimits

    // The current event.
    private(set) var event: Event = .eof
    /// Local name of the current start/end element.
    private(set) var nameStart = 0
    private(set) var nameLength = 0
    /// Whether the current start element was `<x/>` (an `.end` event follows).
    private(set) var selfClosing = false
    private var pendingEnd = false
    /// The current start element's attributes (storage reused between elements).
    var attributes: ArraySlice<Attribute> { attributeStorage[0..<attributeCount] }
    private var attributeStorage: [Attribute] = []
    private var attributeCount = 0
    /// The current text event's bytes, and whether they contain an entity to decode.
    private(set) var textStart = 0
    private(set) var textLength = 0
    private(set) var textHasEntity = false
    private(set) var textIsCDATA = false
    private(set) var depth = 0
    private var sawRoot = false

    init(source: ByteSource, file: String, part: String, limits: ReadLimits, initialCapacity: Int = 256 << 10) {
        self.source = source
        self.file = file
        self.part = part
        self.limits = limits
        cap = max(initialCapacity, 4096)
        buf = .allocate(capacity: cap + 1)
        attributeStorage.reserveCapacity(16)
    }

    init(bytes: [UInt8], file: String, part: String, limits: ReadLimits) {
        source = nil
        self.file = file
        self.part = part
        self.limits = limits
        cap = max(bytes.count, 16)
        buf = .allocate(capacity: cap + 1)
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { buf.update(from: b, count: bytes.count) } }
        end = bytes.count
        sourceDone = true
    }

    deinit { buf.deallocate() }

    // MARK: Errors

    func malformed(_ why: String) -> SheetIOError {
        SheetIOError(.malformedXML(why), file: file, part: part)
    }

    // MARK: Buffer

    /// Moves bytes from `keep` to the front and reads more. Returns false at end of input.
    /// Offsets held by the caller shift by `keep` (the caller restarts its token).
    private func refill(keep: Int) throws -> Bool {
        if sourceDone { return false }
        let live = end - keep
        if keep > 0 {
            if live > 0 { buf.update(from: buf + keep, count: live) }
            end = live
            pos -= keep
        }
        if end == cap {
            let maxToken = limits.maxStringBytes + 4096
            if cap >= maxToken * 2 && end > maxToken {
                throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: file, part: part)
            }
            let ncap = cap * 2
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: ncap + 1)
            nb.update(from: buf, count: end)
            buf.deallocate()
            buf = nb
            cap = ncap
        }
        guard let source else { sourceDone = true; return false }
        let n = try source.read(into: buf + end, capacity: cap - end)
        if n == 0 { sourceDone = true; return false }
        end += n
        return true
    }

    // MARK: Access to the current event

    @inline(__always) func byte(_ i: Int) -> UInt8 { buf[i] }
    @inline(__always) var base: UnsafePointer<UInt8> { UnsafePointer(buf) }

    /// Whether the current element's local name is `name` (ASCII).
    @inline(__always) func isName(_ name: StaticString) -> Bool {
        guard nameLength == name.utf8CodeUnitCount else { return false }
        return memcmp(buf + nameStart, name.utf8Start, nameLength) == 0
    }

    /// Index of the first attribute with this local name; `prefixed` restricts to `x:name` forms.
    func attributeIndex(_ name: StaticString, prefixed: Bool? = nil) -> Int? {
        let n = name.utf8CodeUnitCount
        for i in attributes.indices {
            let a = attributes[i]
            if a.nameLength == n, memcmp(buf + a.nameStart, name.utf8Start, n) == 0,
               prefixed == nil || prefixed == a.hasPrefix { return i }
        }
        return nil
    }

    /// An attribute's value as a String (entities decoded), or nil if absent.
    func attribute(_ name: StaticString, prefixed: Bool? = nil) throws -> String? {
        guard let i = attributeIndex(name, prefixed: prefixed) else { return nil }
        let a = attributes[i]
        return try decodeString(a.valueStart, a.valueLength, hasEntity: a.valueHasEntity)
    }

    /// The current text as a String.
    func text() throws -> String {
        try decodeString(textStart, textLength, hasEntity: textHasEntity && !textIsCDATA)
    }

    /// Appends the current text, entities decoded and line ends normalised, to `out`.
    func appendText(to out: inout [UInt8]) throws {
        let from = out.count
        if textHasEntity && !textIsCDATA {
            try decodeEntities(textStart, textLength, into: &out)
        } else {
            out.append(contentsOf: UnsafeBufferPointer(start: buf + textStart, count: textLength))
        }
        if memchr(buf + textStart, 0x0D, textLength) != nil { XMLPullParser.normaliseLineEnds(&out, from: from) }
    }

    /// XML 1.0 §2.11: a literal CR LF or lone CR in the document is read as LF. (A CR
    /// written as `&#13;` or OOXML's `_x000D_` survives.)
    static func normaliseLineEnds(_ out: inout [UInt8], from: Int) {
        var w = from
        var r = from
        let n = out.count
        while r < n {
            let c = out[r]
            if c == 0x0D {
                out[w] = 0x0A
                w += 1
                r += (r + 1 < n && out[r + 1] == 0x0A) ? 2 : 1
                continue
            }
            out[w] = c
            w += 1
            r += 1
        }
        out.removeLast(n - w)
    }

    func decodeString(_ start: Int, _ length: Int, hasEntity: Bool) throws -> String {
        if memchr(buf + start, 0x0D, length) != nil {
            var out: [UInt8] = []
            if hasEntity { try decodeEntities(start, length, into: &out) } else { out.append(contentsOf: UnsafeBufferPointer(start: buf + start, count: length)) }
            XMLPullParser.normaliseLineEnds(&out, from: 0)
            return try out.withUnsafeBufferPointer { try XMLPullParser.string($0, file: file, part: part) }
        }
        if !hasEntity {
            return try XMLPullParser.string(UnsafeBufferPointer(start: buf + start, count: length), file: file, part: part)
        }
        var out: [UInt8] = []
        out.reserveCapacity(length)
        try decodeEntities(start, length, into: &out)
        return try out.withUnsafeBufferPointer { try XMLPullParser.string($0, file: file, part: part) }
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>, file: String, part: String) throws -> String {
        guard let s = validString(bytes) else {
            throw SheetIOError(.invalidUTF8, file: file, part: part)
        }
        return s
    }

    /// The text of UTF-8 bytes, nil when they are not valid UTF-8. ASCII (codes, numbers,
    /// most labels) is taken as it is: `String(validating:)` is not specialised for byte
    /// buffers and paid a generic metadata lookup on every string of a sheet.
    @inline(__always) static func validString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var high: UInt8 = 0
        for b in bytes { high |= b }
        if high < 0x80 { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Decodes `&amp; &lt; &gt; &quot; &apos; &#NN; &#xHH;`. Any other entity is refused:
    /// without a DTD it cannot be defined, and expanding one is how entity bombs work.
    func decodeEntities(_ start: Int, _ length: Int, into out: inout [UInt8]) throws {
        var i = start
        let stop = start + length
        while i < stop {
            let c = buf[i]
            if c != UInt8(ascii: "&") { out.append(c); i += 1; continue }
            var j = i + 1
            while j < stop && buf[j] != UInt8(ascii: ";") && j - i < 12 { j += 1 }
            guard j < stop, buf[j] == UInt8(ascii: ";") else { throw malformed("unterminated entity reference") }
            let name = UnsafeBufferPointer(start: buf + i + 1, count: j - i - 1)
            switch Array(name) {
            case Array("amp".utf8): out.append(UInt8(ascii: "&"))
            case Array("lt".utf8): out.append(UInt8(ascii: "<"))
            case Array("gt".utf8): out.append(UInt8(ascii: ">"))
            case Array("quot".utf8): out.append(UInt8(ascii: "\""))
            case Array("apos".utf8): out.append(UInt8(ascii: "'"))
            default:
                guard name.count >= 2, name[0] == UInt8(ascii: "#") else {
                    throw SheetIOError(.forbiddenXML("entity &\(String(decoding: name, as: UTF8.self)); (only XML's predefined and numeric entities are allowed)"),
                                       file: file, part: part)
                }
                var v: UInt32 = 0
                var k = 1
                let hex = name[1] == UInt8(ascii: "x") || name[1] == UInt8(ascii: "X")
                if hex { k = 2 }
                guard k < name.count else { throw malformed("empty character reference") }
                while k < name.count {
                    let d = name[k]
                    let digit: UInt32
                    switch d {
                    case 48...57: digit = UInt32(d - 48)
                    case 97...102 where hex: digit = UInt32(d - 87)
                    case 65...70 where hex: digit = UInt32(d - 55)
                    default: throw malformed("bad character reference &\(String(decoding: name, as: UTF8.self));")
                    }
                    v = v * (hex ? 16 : 10) + digit
                    guard v <= 0x10FFFF else { throw malformed("character reference out of range") }
                    k += 1
                }
                guard let scalar = Unicode.Scalar(v) else { throw malformed("character reference to a surrogate") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = j + 1
        }
    }

    // MARK: Scanning

    /// Advances to the next event.
    ///
    /// A damaged part usually shows as malformed XML before its CRC is checked at the
    /// end of the entry: on a malformed-content error the rest of the part is inflated,
    /// so that a CRC mismatch is reported as what it is.
    @discardableResult
    func next() throws -> Event {
        do {
            return try scanNext()
        } catch let e as SheetIOError {
            throw checkingIntegrity(e)
        }
    }

    /// Returns a bad-CRC error instead of `e` if the rest of the part fails its CRC check.
    func checkingIntegrity(_ e: SheetIOError) -> SheetIOError {
        switch e.kind {
        case .malformedXML, .invalidUTF8, .forbiddenXML, .invalidCell: break
        default: return e
        }
        guard let source, !sourceDone else { return e }
        sourceDone = true
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { scratch.deallocate() }
        do {
            while try source.read(into: scratch, capacity: 1 << 16) > 0 {}
        } catch let crc as SheetIOError where crc.kind == .badCRC || { if case .corruptZip = crc.kind { return true } else { return false } }() {
            return crc
        } catch {}
        return e
    }

    private func scanNext() throws -> Event {
        if pendingEnd {
            pendingEnd = false
            depth -= 1
            event = .end
            return .end
        }
        while true {
            if pos >= end {
                if try !refill(keep: pos) {
                    if depth > 0 { throw malformed("unexpected end of the part (unclosed element)") }
                    if !sawRoot { throw malformed("no root element") }
                    event = .eof
                    return .eof
                }
                continue
            }
            if buf[pos] != UInt8(ascii: "<") {
                if try scanText() { return .text }
                continue
            }
            // A tag of some kind: needs at least two bytes.
            if pos + 1 >= end {
                if try !refill(keep: pos) { throw malformed("unexpected end inside a tag") }
                continue
            }
            let c1 = buf[pos + 1]
            if c1 == UInt8(ascii: "/") {
                if try scanEndTag() { return .end }
            } else if c1 == UInt8(ascii: "?") {
                try skipUntil("?>", from: pos + 2)
            } else if c1 == UInt8(ascii: "!") {
                if try scanBang() { return .text }
            } else {
                if try scanStartTag() { return .start }
            }
        }
    }

    /// Text up to the next `<`. Returns false if there was nothing to report (text outside
    /// the root element, or the end of input).
    private func scanText() throws -> Bool {
        var start = pos
        var p = pos
        while true {
            if let hit = memchr(buf + p, Int32(UInt8(ascii: "<")), end - p) {
                let stop = buf.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                pos = stop
                if depth == 0 { return false }  // whitespace between prolog items
                textStart = start
                textLength = stop - start
                textHasEntity = memchr(buf + start, Int32(UInt8(ascii: "&")), stop - start) != nil
                textIsCDATA = false
                event = .text
                return true
            }
            if end - start > limits.maxStringBytes {
                throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: file, part: part)
            }
            let scanned = end - start
            if try !refill(keep: start) {
                pos = end
                if depth > 0 { throw malformed("unexpected end of the part inside text") }
                return false
            }
            start = 0
            p = scanned
        }
    }

    /// Finds `terminator` at or after `from`, refilling as needed; the token that began at
    /// `pos` is kept in the buffer. Returns where the terminator starts; `pos` may have
    /// moved (to 0) if the buffer was compacted.
    private func find(_ terminator: StaticString, from: Int) throws -> Int {
        let tlen = terminator.utf8CodeUnitCount
        var p = from
        while true {
            while p + tlen <= end {
                if buf[p] == terminator.utf8Start[0] && memcmp(buf + p, terminator.utf8Start, tlen) == 0 {
                    return p
                }
                p += 1
            }
            if p - pos > limits.maxStringBytes {
                throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: file, part: part)
            }
            let offset = p - pos
            if try !refill(keep: pos) { throw malformed("unexpected end of the part (unterminated \(terminator))") }
            p = pos + offset
        }
    }

    /// Skips to just past `terminator`.
    private func skipUntil(_ terminator: StaticString, from: Int) throws {
        pos = try find(terminator, from: from) + terminator.utf8CodeUnitCount
    }

    /// `<!--`, `<![CDATA[`, `<!DOCTYPE`. Returns true for CDATA text.
    private func scanBang() throws -> Bool {
        while end - pos < 9 {
            if try !refill(keep: pos) { break }
        }
        let avail = end - pos
        func has(_ s: StaticString) -> Bool {
            avail >= s.utf8CodeUnitCount && memcmp(buf + pos, s.utf8Start, s.utf8CodeUnitCount) == 0
        }
        if has("<!--") {
            try skipUntil("-->", from: pos + 4)
            return false
        }
        if has("<![CDATA[") {
            let stop = try find("]]>", from: pos + 9)
            textStart = pos + 9
            textLength = stop - textStart
            textHasEntity = false
            textIsCDATA = true
            pos = stop + 3
            if depth == 0 { return false }
            event = .text
            return true
        }
        if has("<!DOCTYPE") || has("<!doctype") || has("<!ENTITY") {
            throw SheetIOError(.forbiddenXML("a DTD (<!DOCTYPE …>) is not allowed in a spreadsheet part"), file: file, part: part)
        }
        throw malformed("unexpected '<!'")
    }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    @inline(__always) private static func isNameByte(_ c: UInt8) -> Bool {
        !(c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == UInt8(ascii: ">") || c == UInt8(ascii: "/")
            || c == UInt8(ascii: "=") || c == UInt8(ascii: "<") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'"))
    }

    /// `</name>`. Returns false after refilling (caller loops and rescans).
    private func scanEndTag() throws -> Bool {
        var p = pos + 2
        let nameBegin = p
        var localBegin = p
        while p < end && XMLPullParser.isNameByte(buf[p]) {
            if buf[p] == UInt8(ascii: ":") { localBegin = p + 1 }
            p += 1
        }
        let nameStop = p
        while p < end && XMLPullParser.isSpace(buf[p]) { p += 1 }
        if p >= end {
            if p - pos > limits.maxStringBytes {
                throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: file, part: part)
            }
            if try !refill(keep: pos) { throw malformed("unexpected end inside an end tag") }
            return false
        }
        guard buf[p] == UInt8(ascii: ">"), nameStop > nameBegin else { throw malformed("bad end tag") }
        nameStart = localBegin
        nameLength = nameStop - localBegin
        pos = p + 1
        depth -= 1
        if depth < 0 { throw malformed("end tag without a start tag") }
        event = .end
        return true
    }

    /// `<name attr="v" …>` or `<name …/>`. Returns false after refilling.
    private func scanStartTag() throws -> Bool {
        var p = pos + 1
        let nameBegin = p
        var localBegin = p
        while p < end && XMLPullParser.isNameByte(buf[p]) {
            if buf[p] == UInt8(ascii: ":") { localBegin = p + 1 }
            p += 1
        }
        if p >= end { return try needMore() }
        let nameStop = p
        guard nameStop > nameBegin else { throw malformed("bad start tag") }
        attributeCount = 0
        while true {
            while p < end && XMLPullParser.isSpace(buf[p]) { p += 1 }
            if p >= end { return try needMore() }
            let c = buf[p]
            if c == UInt8(ascii: ">") {
                p += 1
                selfClosing = false
                break
            }
            if c == UInt8(ascii: "/") {
                if p + 1 >= end { return try needMore() }
                guard buf[p + 1] == UInt8(ascii: ">") else { throw malformed("bad '/' in a tag") }
                p += 2
                selfClosing = true
                break
            }
            // Attribute name.
            let an = p
            var alocal = p
            while p < end && XMLPullParser.isNameByte(buf[p]) {
                if buf[p] == UInt8(ascii: ":") { alocal = p + 1 }
                p += 1
            }
            if p >= end { return try needMore() }
            guard p > an else { throw malformed("bad attribute in <\(String(decoding: UnsafeBufferPointer(start: buf + nameBegin, count: nameStop - nameBegin), as: UTF8.self))>") }
            let anStop = p
            while p < end && XMLPullParser.isSpace(buf[p]) { p += 1 }
            if p >= end { return try needMore() }
            guard buf[p] == UInt8(ascii: "=") else { throw malformed("attribute without a value") }
            p += 1
            while p < end && XMLPullParser.isSpace(buf[p]) { p += 1 }
            if p >= end { return try needMore() }
            let q = buf[p]
            guard q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else { throw malformed("unquoted attribute value") }
            p += 1
            let vstart = p
            guard let hit = memchr(buf + p, Int32(q), end - p) else { return try needMore() }
            let vstop = buf.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            p = vstop + 1
            if attributeCount >= limits.maxAttributes {
                throw SheetIOError(.limitExceeded(.attributes, Int64(limits.maxAttributes)), file: file, part: part)
            }
            let attr = Attribute(nameStart: alocal, nameLength: anStop - alocal, hasPrefix: alocal != an,
                                 valueStart: vstart, valueLength: vstop - vstart,
                                 valueHasEntity: memchr(buf + vstart, Int32(UInt8(ascii: "&")), vstop - vstart) != nil)
            if attributeCount < attributeStorage.count { attributeStorage[attributeCount] = attr } else { attributeStorage.append(attr) }
            attributeCount += 1
        }
        nameStart = localBegin
        nameLength = nameStop - localBegin
        pos = p
        depth += 1
        sawRoot = true
        if depth > limits.maxXMLDepth {
            throw SheetIOError(.limitExceeded(.xmlDepth, Int64(limits.maxXMLDepth)), file: file, part: part)
        }
        if selfClosing { pendingEnd = true }
        event = .start
        return true
    }

    /// The current tag runs past the buffer: keep it, read more, and have the caller rescan.
    private func needMore() throws -> Bool {
        if end - pos > limits.maxStringBytes {
            throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: file, part: part)
        }
        if try !refill(keep: pos) { throw malformed("unexpected end inside a tag") }
        return false
    }

    /// Skips the content of the current start element up to and including its end tag.
    func skipElement() throws {
        let target = depth - 1
        while depth > target {
            if try next() == .eof { return }
        }
    }
}
