import Foundation

/// An input file opened safely for reading: only a regular file (a FIFO, device or
/// socket named `.xlsx` would block a reader forever), its size checked against
/// ``ReadLimits/maxFileBytes`` before a byte is read, and the descriptor kept so that
/// what is checked is what is read (no second open by path).
public final class InputFile {
    public let name: String
    public let size: Int64
    /// The open descriptor; ``take()`` hands it to an owner that closes it (libzip).
    public private(set) var fd: Int32

    /// Opens `path` without blocking (`O_NONBLOCK`: opening a FIFO for reading would
    /// otherwise wait for a writer), refuses anything but a regular file, then switches
    /// the descriptor back to blocking reads.
    public init(path: String, name: String? = nil, limits: ReadLimits) throws {
        let name = name ?? path
        self.name = name
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let why = errno == ENOENT ? "no such file" : errno == EACCES ? "permission denied"
                : errno == EISDIR ? "is a folder" : String(cString: strerror(errno))
            throw SheetIOError(.cannotOpen(why), file: name)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw SheetIOError(.cannotOpen(why), file: name)
        }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(fd)
            throw SheetIOError(.cannotOpen(InputFile.describe(type)), file: name)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        self.fd = fd
        self.size = Int64(st.st_size)
        guard size <= limits.maxFileBytes else {
            close(fd)
            self.fd = -1
            throw SheetIOError(.limitExceeded(.fileBytes, limits.maxFileBytes), file: name)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Gives up ownership of the descriptor (the caller closes it).
    public func take() -> Int32 {
        let f = fd
        fd = -1
        return f
    }

    /// Up to `count` bytes from `offset`, without moving the file position.
    public func read(at offset: Int64, count: Int) -> [UInt8] {
        guard fd >= 0, count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            initialized = read(into: UnsafeMutableRawPointer(buf.baseAddress!), at: offset, count: count)
        }
    }

    /// Reads up to `count` bytes from `offset` into `p` (retrying interrupted reads);
    /// returns how many were read, fewer at the end of the file or on an error.
    private func read(into p: UnsafeMutableRawPointer, at offset: Int64, count: Int) -> Int {
        var off = 0
        while off < count {
            let n = pread(fd, p + off, count - off, off_t(offset) + off_t(off))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            off += n
        }
        return off
    }

    /// The whole file (at most ``size`` bytes, which the limits already bound).
    public func readAll() throws -> [UInt8] {
        let bytes = read(at: 0, count: Int(size))
        guard bytes.count == Int(size) else {
            throw SheetIOError(.cannotOpen("read error: \(String(cString: strerror(errno)))"), file: name)
        }
        return bytes
    }

    /// The whole file in freshly allocated memory (at least one byte allocated; the
    /// caller frees it), or nil when fewer than ``size`` bytes could be read (the file
    /// shrank or a read failed).
    public func readWhole() -> UnsafeMutableRawPointer? {
        let count = Int(size)
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 8)
        guard read(into: p, at: 0, count: count) == count else {
            p.deallocate()
            return nil
        }
        return p
    }

    /// Whether `path` names a regular file (symlinks followed), without opening it.
    public static func isRegular(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }

    static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: return "is a folder"
        case S_IFIFO: return "not a regular file (a FIFO / named pipe)"
        case S_IFSOCK: return "not a regular file (a socket)"
        case S_IFCHR, S_IFBLK: return "not a regular file (a device)"
        default: return "not a regular file"
        }
    }
}

/// A wall-clock budget for reading one file: the last guard behind the size, row and
/// inflate caps (``ReadLimits/maxSecondsPerFile``).
struct ReadDeadline {
    let end: UInt64
    let seconds: Double

    init(_ seconds: Double) {
        self.seconds = seconds
        end = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, seconds) * 1e9)
    }

    func check(file: String, part: String? = nil) throws {
        if DispatchTime.now().uptimeNanoseconds > end {
            throw SheetIOError(.limitExceeded(.seconds, Int64(seconds)), file: file, part: part)
        }
    }
}
