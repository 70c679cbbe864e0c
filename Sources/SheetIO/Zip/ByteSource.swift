/// Something that yields bytes in order, a chunk at a time.
public protocol ByteSource: AnyObject {
    /// Copies up to `capacity` bytes into `buffer`; returns how many, 0 at the end.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int
}

/// A byte source over bytes already in memory.
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        let n = min(capacity, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}
