import Foundation

/// Small parts parsed once per distinct content: the files of a batch come from one
/// program and carry the same `styles.xml` and relationships byte for byte, and parsing
/// them again for every file was 4 % of validating the 3,321 national forms.
///
/// Only a part inflated whole at open (``ZipEntryStream/peekWhole()``: deflated, CRC
/// checked, at most ``maxBytes``) is looked up; its key is its exact bytes, what the
/// parse depends on besides them (`extra`: the folder targets resolve from), and the
/// read limits. A miss parses from the stream as before, so every error is raised as it
/// always was, and only a successful parse is kept. A hit still accounts the part's
/// bytes against the archive's limits and deadline (``ZipEntryStream/consumeWhole()``).
final class PartMemo<Value>: @unchecked Sendable {
    static var maxBytes: Int { 64 << 10 }

    struct Key: Hashable {
        var bytes: [UInt8]
        var extra: String
        var limits: ReadLimits

        func hash(into h: inout Hasher) {
            h.combine(extra)
            bytes.withUnsafeBytes { h.combine(bytes: $0) }
        }

        static func == (a: Key, b: Key) -> Bool {
            guard a.bytes.count == b.bytes.count, a.extra == b.extra, a.limits == b.limits else { return false }
            return a.bytes.withUnsafeBytes { p in b.bytes.withUnsafeBytes { q in memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 } }
        }
    }

    private let lock = NSLock()
    private var table: [Key: Value] = [:]
    /// Distinct contents kept (a batch has one or a few; hostile input cannot grow it).
    private let limit = 64

    /// The part's parsed value: remembered, or `parse(stream)` on the opened entry.
    func value(_ archive: ZipArchive, _ part: String, extra: String = "", parse: (ZipEntryStream) throws -> Value) throws -> Value {
        let stream = try archive.open(part)
        guard let whole = stream.peekWhole(), !whole.isEmpty, whole.count <= Self.maxBytes else { return try parse(stream) }
        let key = Key(bytes: Array(whole), extra: extra, limits: archive.limits)
        lock.lock()
        let hit = table[key]
        lock.unlock()
        if let hit {
            try stream.consumeWhole()
            return hit
        }
        let v = try parse(stream)
        lock.lock()
        if table.count >= limit { table.removeAll() }
        table[key] = v
        lock.unlock()
        return v
    }
}
