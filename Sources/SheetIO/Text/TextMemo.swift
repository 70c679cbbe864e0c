import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A memo key: a text compared and hashed by its UTF-8 bytes, with a number beside it (a
/// matcher's serial, a year). `String`'s own `Hashable` normalises to NFC before hashing
/// and comparing, which for Vietnamese text was 5–8 % of validating a batch; here the
/// bytes are the identity (an NFD spelling is simply another entry, computed once).
@frozen public struct TextKey: Hashable {
    public var text: String
    public var extra: Int = 0

    @inlinable public init(text: String, extra: Int = 0) {
        self.text = text
        self.extra = extra
    }

    @inlinable public func hash(into h: inout Hasher) {
        h.combine(extra)
        var t = text
        t.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    @inlinable public static func == (a: TextKey, b: TextKey) -> Bool {
        guard a.extra == b.extra else { return false }
        var x = a.text, y = b.text
        return x.withUTF8 { p in
            y.withUTF8 { q in p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) }
        }
    }
}

/// Results of a pure function of a text, remembered per thread: the same headers, names,
/// units and title lines recur in every file of a batch. One table per thread means no
/// lock (two threads on one shared, locked table spent 3–4 % of a batch waiting on each
/// other); each thread computes a text at most once per table, bounded by `limit`.
public final class TextMemo<Value>: @unchecked Sendable {
    // Inlinable, so each use is specialised in the calling module: unspecialised, every
    // lookup paid for instantiating the generic table's metadata.
    @usableFromInline final class Table {
        @usableFromInline var entries: [TextKey: Value] = [:]
        @usableFromInline init() {}
    }
    @usableFromInline var key = pthread_key_t()
    @usableFromInline let limit: Int

    /// Made once per process (a `static let`): a thread-specific key is never given back.
    public init(limit: Int) {
        self.limit = limit
        pthread_key_create(&key) { p in
            if let p { Unmanaged<AnyObject>.fromOpaque(p).release() }
        }
    }

    @inlinable var table: Table {
        if let p = pthread_getspecific(key) { return Unmanaged<Table>.fromOpaque(p).takeUnretainedValue() }
        let t = Table()
        pthread_setspecific(key, Unmanaged.passRetained(t).toOpaque())
        return t
    }

    @inlinable public func value(_ text: String, extra: Int = 0, _ compute: (String) -> Value) -> Value {
        let t = table
        let k = TextKey(text: text, extra: extra)
        if let hit = t.entries[k] { return hit }
        let v = compute(text)
        if t.entries.count >= limit { t.entries.removeAll(keepingCapacity: true) }
        t.entries[k] = v
        return v
    }
}

/// Serial numbers for objects that key a shared memo (a template's matcher): unlike an
/// address, never reused.
public enum MemoSerial {
    private static let counter = Counter()
    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var next = 1
    }
    public static func next() -> Int {
        counter.lock.lock()
        defer { counter.lock.unlock() }
        counter.next += 1
        return counter.next - 1
    }
}
