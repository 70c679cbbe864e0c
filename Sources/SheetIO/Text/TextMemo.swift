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

    // The bytes are read in place (`withContiguousStorageIfAvailable` on the borrowed
    // view): copying the string into a `var` for `withUTF8` cost a retain and a release
    // on every hash and every compare of every lookup. Native and small strings are
    // contiguous; anything else (a bridged string) is compared through copies.
    @inlinable public func hash(into h: inout Hasher) {
        h.combine(extra)
        if text.utf8.withContiguousStorageIfAvailable({ h.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            Array(text.utf8).withUnsafeBytes { h.combine(bytes: $0) }
        }
    }

    @inlinable public static func == (a: TextKey, b: TextKey) -> Bool {
        guard a.extra == b.extra, a.text.utf8.count == b.text.utf8.count else { return false }
        let same = a.text.utf8.withContiguousStorageIfAvailable { p in
            b.text.utf8.withContiguousStorageIfAvailable { q in p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 }
        }
        if let same, let same { return same }
        return Array(a.text.utf8) == Array(b.text.utf8)
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
    @usableFromInline let tables = PerThread<Table>()
    @usableFromInline let limit: Int

    /// Made once per process (a `static let`): a thread-specific key is never given back.
    public init(limit: Int) {
        self.limit = limit
    }

    @inlinable public func value(_ text: String, extra: Int = 0, _ compute: (String) -> Value) -> Value {
        let t = tables.value { Table() }
        let k = TextKey(text: text, extra: extra)
        if let hit = t.entries[k] { return hit }
        let v = compute(text)
        if t.entries.count >= limit { t.entries.removeAll(keepingCapacity: true) }
        t.entries[k] = v
        return v
    }
}

/// One object per thread, made on first use (a thread's own cache: no lock).
public final class PerThread<Value: AnyObject>: @unchecked Sendable {
    @usableFromInline var key = pthread_key_t()

    /// Made once per process (a `static let`): a thread-specific key is never given back.
    public init() {
        pthread_key_create(&key) { p in
            if let p { Unmanaged<AnyObject>.fromOpaque(p).release() }
        }
    }

    /// This thread's object, made by `make` the first time.
    @inlinable public func value(_ make: () -> Value) -> Value {
        if let p = pthread_getspecific(key) { return Unmanaged<Value>.fromOpaque(p).takeUnretainedValue() }
        let v = make()
        pthread_setspecific(key, Unmanaged.passRetained(v as AnyObject).toOpaque())
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
