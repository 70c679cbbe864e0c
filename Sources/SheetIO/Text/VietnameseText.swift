/// Well-formedness of Vietnamese words, used to recognise legacy encodings.
enum VietnameseText {
    private static let tones: Set<UInt32> = [0x300, 0x301, 0x303, 0x309, 0x323]
    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]

    /// Counts the words with non-ASCII letters that are well-formed Vietnamese syllables
    /// (Latin letters or đ, marks only on vowels, at most one tone mark) and those that
    /// are not.
    static func syllableCounts(_ text: String) -> (valid: Int, invalid: Int) {
        var valid = 0, invalid = 0
        var word: [Unicode.Scalar] = []
        func finish() {
            defer { word.removeAll(keepingCapacity: true) }
            guard word.contains(where: { $0.value >= 0x80 }) else { return }
            if wellFormed(word) { valid += 1 } else { invalid += 1 }
        }
        for s in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if s.properties.isAlphabetic || (s.value >= 0x300 && s.value < 0x370) || (s.value >= 0x80 && s.value < 0x250) {
                word.append(s)
            } else {
                finish()
            }
        }
        finish()
        return (valid, invalid)
    }

    private static func wellFormed(_ w: [Unicode.Scalar]) -> Bool {
        var toneCount = 0
        var prevBase: Character? = nil
        for s in w {
            let v = s.value
            if v < 0x80 {
                guard (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) else { return false }
                prevBase = Character(String(s).lowercased())
            } else if v == 0x111 || v == 0x110 {  // đ Đ
                prevBase = "d"
            } else if tones.contains(v) {
                guard let b = prevBase, vowels.contains(b) else { return false }
                toneCount += 1
            } else if v == 0x302 {  // circumflex: a e o
                guard let b = prevBase, b == "a" || b == "e" || b == "o" else { return false }
            } else if v == 0x306 {  // breve: a
                guard prevBase == "a" else { return false }
            } else if v == 0x31B {  // horn: o u
                guard let b = prevBase, b == "o" || b == "u" else { return false }
            } else {
                return false
            }
        }
        return toneCount <= 1 && w.count <= 9
    }

    /// Words in which "?" stands between letters ("M??ng"): Vietnamese letters lost when
    /// the file was saved in a code page that cannot hold them.
    static func wordsWithLostLetters(_ text: String) -> [String] {
        var out: [String] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == ";" || $0 == "\t" || $0 == "\"" }) {
            let chars = Array(word)
            // A "?" strictly inside a word: letters before and after it ("M??ng", "Huy?n"),
            // not a question mark that ends a sentence ("lệ?").
            guard let q = chars.firstIndex(of: "?"), chars[..<q].contains(where: \.isLetter),
                  chars[(q + 1)...].contains(where: \.isLetter) else { continue }
            out.append(String(word))
            if out.count >= 3 { break }
        }
        return out
    }
}
