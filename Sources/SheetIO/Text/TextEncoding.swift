import Foundation

/// The encodings a text (CSV) file is recognised in.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "UTF-8"
    case utf8BOM = "UTF-8 (BOM)"
    case utf16LE = "UTF-16LE"
    case utf16BE = "UTF-16BE"
    case windows1258 = "Windows-1258"
    case tcvn3 = "TCVN3 (ABC)"
    case vni = "VNI-Windows"
    case windows1252 = "Windows-1252"
}

/// Decodes the bytes of a text file to UTF-8, recognising the encoding.
public enum TextDecoder {
    public struct Result {
        /// UTF-8 bytes from ``start`` on (a UTF-8 BOM is skipped, not copied away);
        /// NFC-normalised when decoded from a legacy code page.
        public var utf8: [UInt8]
        public var start: Int = 0
        public var encoding: TextEncoding
        /// Set when the text shows Vietnamese letters replaced by "?" (saved as Windows-1252
        /// on a non-Vietnamese Windows): a few examples of the damaged words.
        public var lostLetters: [String]
    }

    /// Recognises the encoding: a BOM first; else valid UTF-8 (refused if it is UTF-8
    /// that was once read as Windows-1252 and saved again); else the single-byte code page
    /// (Windows-1258, TCVN3, VNI) whose decoding gives the most well-formed Vietnamese
    /// syllables; else Windows-1252.
    public static func decode(_ bytes: [UInt8], file: String) throws -> Result {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard validUTF8(bytes, from: 3) else { throw SheetIOError(.invalidUTF8, file: file) }
            let head = Array(bytes[3..<min(bytes.count, 3 + (1 << 20))])
            try checkMojibake(head, file: file)
            return Result(utf8: bytes, start: 3, encoding: .utf8BOM, lostLetters: lostLetters(head))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let le = bytes[0] == 0xFF
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = 2
            while i + 1 < bytes.count {
                units.append(le ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            var out: [UInt8] = []
            out.reserveCapacity(units.count)
            var it = units.makeIterator()
            var decoder = UTF16()
            loop: while true {
                switch decoder.decode(&it) {
                case .scalarValue(let s): UTF8.encode(s) { out.append($0) }
                case .emptyInput: break loop
                case .error: throw SheetIOError(.csv("invalid UTF-16"), file: file)
                }
            }
            return Result(utf8: out, encoding: le ? .utf16LE : .utf16BE, lostLetters: lostLetters(out))
        }
        if validUTF8(bytes, from: 0) {
            let head = Array(bytes.prefix(1 << 20))
            try checkMojibake(head, file: file)
            return Result(utf8: bytes, encoding: .utf8, lostLetters: lostLetters(head))
        }
        // A legacy single-byte code page: score each candidate on a sample.
        let sample = Array(bytes.prefix(256 << 10))
        var best: (TextEncoding, Int) = (.windows1252, Int.min)
        for enc in [TextEncoding.windows1258, .tcvn3, .vni] {
            let text = decodeSingleByte(sample, enc)
            let (valid, invalid) = VietnameseText.syllableCounts(text)
            let score = valid - 3 * invalid
            if valid > 0 && score > best.1 { best = (enc, score) }
        }
        var encoding = best.1 > 0 ? best.0 : .windows1252
        // Where the Windows-1258 reading is the Windows-1252 one (only letters both share,
        // like "è"), the file is Western: say so.
        if encoding == .windows1258 && decodeSingleByte(sample, .windows1252) == decodeSingleByte(sample, .windows1258) {
            encoding = .windows1252
        }
        let text = decodeSingleByte(bytes, encoding)
        return Result(utf8: Array(text.utf8), encoding: encoding,
                      lostLetters: VietnameseText.wordsWithLostLetters(String(text.prefix(1 << 20))))
    }

    /// The legacy Vietnamese font a workbook's text was typed in, if any: text typed in
    /// .VnTime/.VnArial (TCVN3) or VNI-Times (VNI) is stored in an XLSX or XLS as the
    /// Windows-1252 characters of its bytes ("Lai Ch©u", "Vieät Nam"). Each candidate is
    /// tried on the texts' bytes; one is chosen when it reads as clearly more Vietnamese
    /// syllables than the text as stored (the same scoring as legacy CSV files).
    public static func legacyFontEncoding(_ texts: [String]) -> TextEncoding? {
        legacyFontEncoding { each in
            for t in texts where !each(t) { return }
        }
    }

    /// ``legacyFontEncoding(_:)`` of the text cells of the first `rows` rows of each sheet,
    /// in order, read in place (not gathered into an array first).
    public static func legacyFontEncoding(sheets: [Sheet], rows: Int) -> TextEncoding? {
        legacyFontEncoding { each in
            for sheet in sheets {
                for r in sheet.rows.prefix(rows) {
                    for c in r.cells {
                        if case .text(let t) = c.value, !each(t) { return }
                    }
                }
            }
        }
    }

    /// `texts` calls its argument with each text in turn and stops when it returns false.
    static func legacyFontEncoding(_ texts: ((String) -> Bool) -> Void) -> TextEncoding? {
        // Syllable counts add up over texts (each is its own words), so each text's counts
        // as it stands and decoded both ways are remembered: the same labels recur in
        // every file of a batch.
        var before = (valid: 0, invalid: 0), after: [(valid: Int, invalid: Int)] = [(0, 0), (0, 0)]
        var sampled = 0
        texts { t in
            guard t.utf8.contains(where: { $0 >= 0x80 }) else { return true }
            // Text with a letter Windows-1252 lacks (ư, ơ, đ, ạ… in any Unicode-typed file)
            // cannot be a legacy font's bytes: refused before the memo is asked.
            guard fitsWindows1252(t), let c = legacyCounts.value(t, { t in
                windows1252Bytes(t).map { b in
                    [VietnameseText.syllableCounts(t), VietnameseText.syllableCounts(decodeSingleByte(b, .tcvn3)),
                     VietnameseText.syllableCounts(decodeSingleByte(b, .vni))]
                }
            }) else { return true }
            before.valid += c[0].valid; before.invalid += c[0].invalid
            for i in 0..<2 { after[i].valid += c[i + 1].valid; after[i].invalid += c[i + 1].invalid }
            sampled += 1
            return sampled < 2000
        }
        guard sampled > 0 else { return nil }
        let beforeScore = before.valid - 3 * before.invalid
        var best: (TextEncoding, Int)? = nil
        for (i, enc) in [TextEncoding.tcvn3, .vni].enumerated() {
            let score = after[i].valid - 3 * after[i].invalid
            if after[i].valid > after[i].invalid * 3, score > beforeScore + max(5, before.valid / 2), score > (best?.1 ?? Int.min) { best = (enc, score) }
        }
        return best?.0
    }
    private static let legacyCounts = TextMemo<[(valid: Int, invalid: Int)]?>(limit: 50_000)

    /// A text typed in a legacy font, in Unicode (nil when the text cannot be such bytes).
    public static func repairLegacyFont(_ text: String, _ enc: TextEncoding) -> String? {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x80 }), let b = windows1252Bytes(text) else { return nil }
        return decodeSingleByte(b, enc)
    }

    /// Whether ``windows1252Bytes(_:)`` gives bytes (without building them).
    static func fitsWindows1252(_ text: String) -> Bool {
        for u in text.unicodeScalars where !(u.value < 0x80 || (u.value >= 0xA0 && u.value <= 0xFF)) {
            if windows1252Reverse[u.value] == nil { return false }
        }
        return true
    }

    /// The Windows-1252 bytes of a text, or nil when it holds a character outside it.
    static func windows1252Bytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for u in text.unicodeScalars {
            if u.value < 0x80 || (u.value >= 0xA0 && u.value <= 0xFF) { out.append(UInt8(u.value)) }
            else if let b = windows1252Reverse[u.value] { out.append(b) }
            else { return nil }
        }
        return out
    }

    /// Scalar → Windows-1252 byte, for bytes 0x80–0xFF.
    private static let windows1252Reverse: [UInt32: UInt8] = {
        var d: [UInt32: UInt8] = [:]
        for (i, v) in CodePages.windows1252.enumerated() { d[UInt32(v)] = UInt8(0x80 + i) }
        return d
    }()

    /// Words like "M??ng" in the first megabyte (a "?" never stands inside a word otherwise).
    private static func lostLetters(_ utf8: [UInt8]) -> [String] {
        guard utf8.contains(UInt8(ascii: "?")) else { return [] }
        return VietnameseText.wordsWithLostLetters(String(decoding: utf8.prefix(1 << 20), as: UTF8.self))
    }

    /// Whether `b[from...]` is well-formed UTF-8 (no overlongs, surrogates or values past
    /// U+10FFFF). Eight ASCII bytes at a time; no allocation.
    static func validUTF8(_ b: [UInt8], from: Int) -> Bool {
        b.withUnsafeBufferPointer { buf -> Bool in
            guard let p = buf.baseAddress else { return true }
            let n = buf.count
            var i = from
            while i < n {
                if i + 8 <= n {
                    let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                    if w & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
                }
                let c = p[i]
                if c < 0x80 { i += 1; continue }
                func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
                if c >= 0xC2 && c <= 0xDF {
                    guard cont(1) else { return false }
                    i += 2
                } else if c >= 0xE0 && c <= 0xEF {
                    guard cont(1), cont(2) else { return false }
                    let c1 = p[i + 1]
                    if c == 0xE0 && c1 < 0xA0 { return false }  // overlong
                    if c == 0xED && c1 >= 0xA0 { return false }  // surrogate
                    i += 3
                } else if c >= 0xF0 && c <= 0xF4 {
                    guard cont(1), cont(2), cont(3) else { return false }
                    let c1 = p[i + 1]
                    if c == 0xF0 && c1 < 0x90 { return false }
                    if c == 0xF4 && c1 >= 0x90 { return false }
                    i += 4
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Decodes a single-byte code page and NFC-normalises (Windows-1258 and VNI write
    /// tone marks as separate characters).
    public static func decodeSingleByte(_ bytes: [UInt8], _ enc: TextEncoding) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        switch enc {
        case .vni:
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if i + 1 < bytes.count, bytes[i + 1] >= 0xC0, let v = CodePages.vniPairs[UInt16(b) << 8 | UInt16(bytes[i + 1])] {
                    scalars.append(Unicode.Scalar(v)!)
                    i += 2
                    continue
                }
                if b >= 0xC0, let v = CodePages.vniSingle[b] {
                    // ơ/ư may take a tone byte after them.
                    if i + 1 < bytes.count, let v2 = CodePages.vniPairs[UInt16(b) << 8 | UInt16(bytes[i + 1])] {
                        scalars.append(Unicode.Scalar(v2)!)
                        i += 2
                        continue
                    }
                    scalars.append(Unicode.Scalar(v)!)
                } else if b < 0x80 {
                    scalars.append(Unicode.Scalar(b))
                } else {
                    scalars.append(Unicode.Scalar(CodePages.windows1252[Int(b - 0x80)])!)
                }
                i += 1
            }
        default:
            let table: [UInt16] = enc == .windows1258 ? CodePages.windows1258 : enc == .tcvn3 ? CodePages.tcvn3 : CodePages.windows1252
            for b in bytes {
                scalars.append(b < 0x80 ? Unicode.Scalar(b) : Unicode.Scalar(table[Int(b - 0x80)])!)
            }
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }

    /// UTF-8 text that was read as Windows-1252 and saved again as UTF-8 ("MÆ°á»ng"):
    /// refused, because the bytes Windows-1252 cannot hold are already lost.
    static func checkMojibake(_ bytes: [UInt8], file: String) throws {
        // Fast exit: mojibake of Vietnamese always contains Ã, Ä, Æ or á (C3 83, C3 84,
        // C3 86, C3 A1) followed by a Windows-1252 character of the 0x80–0xBF range.
        guard bytes.count > 3 else { return }
        let text = String(decoding: bytes.prefix(1 << 20), as: UTF8.self)
        var hits = 0
        var examples: [String] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == ";" || $0 == "\t" || $0 == "\"" }) {
            guard word.unicodeScalars.contains(where: { $0.value >= 0x80 }) else { continue }
            // Re-encode as Windows-1252; if that is valid multi-byte UTF-8, it was mojibake.
            var raw: [UInt8] = []
            var representable = true
            for s in word.unicodeScalars {
                if s.value < 0x80 { raw.append(UInt8(s.value)); continue }
                if s.value == 0xFFFD { raw.append(0x81); continue }  // a byte 1252 could not show
                if let b = windows1252Reverse[s.value] { raw.append(b) } else { representable = false; break }
            }
            guard representable, raw.contains(where: { $0 >= 0xC2 && $0 <= 0xEF }) else { continue }
            // Count lead/continuation patterns of UTF-8 in the re-encoded bytes.
            var i = 0, seq = 0
            while i < raw.count {
                let b = raw[i]
                let need = b >= 0xE0 && b <= 0xEF ? 2 : b >= 0xC2 && b <= 0xDF ? 1 : 0
                if need > 0 && i + need < raw.count {
                    var ok = true
                    for k in 1...need where i + k >= raw.count || raw[i + k] & 0xC0 != 0x80 { ok = false }
                    if ok { seq += 1; i += need + 1; continue }
                }
                i += 1
            }
            if seq > 0 {
                hits += 1
                if examples.count < 3 { examples.append(String(word)) }
            }
        }
        if hits >= 2 || (hits == 1 && text.count < 200) {
            throw SheetIOError(.csv("UTF-8 text that was opened as Windows-1252 and saved again (mojibake: \(examples.joined(separator: ", "))); export the file again from the original"),
                               file: file)
        }
    }
}
