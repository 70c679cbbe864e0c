import CDeflate
import CZip
import Foundation

/// A ZIP archive opened read-only through libzip, with entry names looked up the way
/// OOXML consumers must: case-insensitively, `\` read as `/`, no leading `/`.
///
/// Not thread-safe: one archive is read from one thread at a time.
public final class ZipArchive {
    /// The file name used in error messages.
    public let fileName: String
    public let limits: ReadLimits
    private let handle: OpaquePointer
    /// Keeps the bytes of an in-memory archive alive while libzip reads them.
    private let memory: UnsafeMutableRawPointer?
    /// Normalised entry name → index.
    private var index: [String: UInt64] = [:]
    /// Normalised entry name → the name as stored (for messages).
    private var storedNames: [String: String] = [:]
    /// Entry names as stored, in archive order.
    public private(set) var entryNames: [String] = []
    /// The wall-clock budget for reading this archive.
    let deadline: ReadDeadline
    /// Bytes inflated so far from this archive, over all entries (guarded by ``lock``).
    var inflatedTotal: Int64 = 0
    /// Serialises libzip calls: a sheet may be inflated on a helper thread
    /// (``PipelinedByteSource``) while another part is read.
    let lock = NSLock()

    /// Opens an archive on disk. `displayName` names it in errors (default: the path).
    /// Only a regular file within ``ReadLimits/maxFileBytes`` is opened (``InputFile``).
    public convenience init(path: String, displayName: String? = nil, limits: ReadLimits = .default) throws {
        try self.init(file: InputFile(path: path, name: displayName ?? path, limits: limits), limits: limits)
    }

    /// Archives up to this size are read into memory with one read and opened from there;
    /// larger ones are read through the descriptor. Measured on the 3,321 national forms
    /// (19 KB each): through the descriptor a form took some 80 system calls (the
    /// consistency check's preads, then libzip's `lseek`/`read` in 4 KiB steps), which was
    /// a tenth of `validate`'s CPU; from memory it takes one `pread`.
    public static let wholeFileBytes: Int64 = 16 << 20

    /// Opens an archive from a checked input file: read whole into memory when it is at
    /// most ``wholeFileBytes``, else libzip takes its descriptor. Either way the two
    /// directories are compared first (``ZipConsistency``), so a file whose local
    /// headers and central directory disagree is refused, not read one way here and
    /// another way elsewhere.
    public convenience init(file: InputFile, limits: ReadLimits = .default) throws {
        try self.init(file: file, limits: limits, wholeFileBytes: ZipArchive.wholeFileBytes)
    }

    /// As ``init(file:limits:)``, reading whole only files of at most `wholeFileBytes`
    /// (tests compare the two ways on the same files).
    convenience init(file: InputFile, limits: ReadLimits, wholeFileBytes: Int64) throws {
        if file.size <= wholeFileBytes, let whole = file.readWhole() {
            try self.init(owned: whole, count: Int(file.size), displayName: file.name, limits: limits)
            return
        }
        try ZipConsistency.check(size: file.size, file: file.name, read: file.read(at:count:))
        var err: Int32 = 0
        guard let za = zip_fdopen(file.fd, 0, &err) else {
            throw ZipArchive.openError(code: err, file: file.name)
        }
        _ = file.take()
        try self.init(handle: za, memory: nil, fileName: file.name, limits: limits)
    }

    /// Opens an archive held in memory (used by the fuzzer and for uploads).
    public convenience init(bytes: [UInt8], displayName: String, limits: ReadLimits = .default) throws {
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { if let b = $0.baseAddress { copy.copyMemory(from: b, byteCount: bytes.count) } }
        try self.init(owned: copy, count: bytes.count, displayName: displayName, limits: limits)
    }

    /// Opens the archive in `memory` (`count` bytes), which it then owns: freed when the
    /// archive is, or here when opening fails.
    private convenience init(owned memory: UnsafeMutableRawPointer, count: Int, displayName: String, limits: ReadLimits) throws {
        // libzip opens an empty buffer as an empty archive, an empty file as no archive at
        // all: an empty file is not a ZIP, whichever way it is read.
        guard count > 0 else {
            memory.deallocate()
            throw ZipArchive.openError(code: ZIP_ER_NOZIP, file: displayName)
        }
        do {
            try ZipConsistency.check(size: Int64(count), file: displayName) { offset, n in
                guard offset >= 0, offset < Int64(count), n > 0 else { return [] }
                let start = Int(offset)
                return Array(UnsafeRawBufferPointer(start: memory + start, count: min(count - start, n)))
            }
        } catch {
            memory.deallocate()
            throw error
        }
        var zerr = zip_error_t()
        zip_error_init(&zerr)
        defer { zip_error_fini(&zerr) }
        guard let src = zip_source_buffer_create(memory, UInt64(count), 0, &zerr) else {
            memory.deallocate()
            throw SheetIOError(.corruptZip(String(cString: zip_error_strerror(&zerr))), file: displayName)
        }
        guard let za = zip_open_from_source(src, ZIP_RDONLY, &zerr) else {
            zip_source_free(src)
            memory.deallocate()
            throw ZipArchive.openError(code: zip_error_code_zip(&zerr), file: displayName)
        }
        try self.init(handle: za, memory: memory, fileName: displayName, limits: limits)
    }

    private init(handle: OpaquePointer, memory: UnsafeMutableRawPointer?, fileName: String, limits: ReadLimits) throws {
        self.handle = handle
        self.memory = memory
        self.fileName = fileName
        self.limits = limits
        self.deadline = ReadDeadline(limits.maxSecondsPerFile)
        let n = zip_get_num_entries(handle, 0)
        guard n >= 0 else {
            throw SheetIOError(.corruptZip("cannot list entries"), file: fileName)
        }
        entryNames.reserveCapacity(Int(n))
        for i in 0..<UInt64(n) {
            guard let cname = zip_get_name(handle, i, ZIP_FL_ENC_GUESS) else { continue }
            let name = String(cString: cname)
            entryNames.append(name)
            let key = ZipArchive.normalise(name)
            // Two entries under one name (as OOXML compares names): readers disagree on
            // which one counts (libzip the first, others the last), so one file could show
            // two sets of numbers. Refused as malformed.
            if let first = storedNames[key] {  // (deinit frees the handle: every property is set)
                throw SheetIOError(.corruptZip(first == name ? "the entry \(name) appears twice" : "the entries \(first) and \(name) have the same name"),
                                   file: fileName, part: name)
            }
            index[key] = i
            storedNames[key] = name
        }
    }

    deinit {
        zip_discard(handle)
        memory?.deallocate()
    }

    /// "XL\\SharedStrings.xml" and "/xl/sharedStrings.xml" both become "xl/sharedstrings.xml".
    /// (A byte-level pass: Foundation's string replacing was 14% of opening a small workbook.)
    public static func normalise(_ name: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        var ascii = true
        for c in name.utf8 {
            if c >= 0x80 { ascii = false }
            switch c {
            case UInt8(ascii: "\\"), UInt8(ascii: "/"):
                if !out.isEmpty { out.append(UInt8(ascii: "/")) }  // drops leading slashes
            case 65...90: out.append(c + 32)
            default: out.append(c)
            }
        }
        let s = String(decoding: out, as: UTF8.self)
        return ascii ? s : s.lowercased()
    }

    /// Whether an entry exists (name compared as ``normalise(_:)`` does).
    public func contains(_ name: String) -> Bool { index[ZipArchive.normalise(name)] != nil }

    /// The inflated size the archive declares for an entry (a hint only: never trusted
    /// for allocation or limits).
    public func declaredSize(of name: String) -> Int64? {
        guard let i = index[ZipArchive.normalise(name)] else { return nil }
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(handle, i, 0, &st) == 0, st.valid & UInt64(ZIP_STAT_SIZE) != 0 else { return nil }
        return Int64(clamping: st.size)
    }

    /// Opens an entry for streaming. Limits are enforced as bytes come out of inflate.
    public func open(_ name: String) throws -> ZipEntryStream { try open(name, whole: true) }

    /// `whole: false` always streams through libzip (tests compare the two paths).
    func open(_ name: String, whole: Bool) throws -> ZipEntryStream {
        guard let i = index[ZipArchive.normalise(name)] else {
            throw SheetIOError(.notXLSX("missing part \(name)"), file: fileName, part: name)
        }
        lock.lock()
        defer { lock.unlock() }
        let stored = storedNames[ZipArchive.normalise(name)] ?? name
        if whole, let whole = inflateWhole(i) { return ZipEntryStream(archive: self, memory: whole, name: stored) }
        guard let zf = zip_fopen_index(handle, i, 0) else {
            let zerr = zip_get_error(handle)!
            let code = zip_error_code_zip(zerr)
            if code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_WRONGPASSWD {
                throw SheetIOError(.encrypted, file: fileName, part: name)
            }
            throw SheetIOError(.corruptZip(String(cString: zip_error_strerror(zerr))), file: fileName, part: name)
        }
        return ZipEntryStream(archive: self, file: zf, name: stored)
    }

    /// Entries up to this size (declared, and then checked exactly) are inflated in one
    /// call by libdeflate instead of streamed through libzip's zlib.
    static let wholeEntryBytes: UInt64 = 8 << 20

    /// A small deflated entry inflated whole by libdeflate, or nil to take libzip's
    /// streaming path. libzip still reads the container (the entry's raw bytes, sizes and
    /// CRC); libdeflate inflates about twice as fast as zlib and checks the CRC many
    /// times faster (zlib and CRC were a third of reading the 3,321 national forms).
    /// Only a clean answer is kept: anything unusual — encryption, another method, a
    /// size that is not exactly the declared one, a wrong CRC, bad data — returns nil,
    /// and the streaming path then reads the entry and reports it exactly as before.
    /// The buffers are the declared sizes, capped by ``wholeEntryBytes``, so a lying
    /// header cannot make this path allocate more.
    private func inflateWhole(_ i: UInt64) -> UnsafeMutableRawBufferPointer? {
        var st = zip_stat_t()
        zip_stat_init(&st)
        let need = UInt64(ZIP_STAT_SIZE) | UInt64(ZIP_STAT_COMP_SIZE) | UInt64(ZIP_STAT_COMP_METHOD)
            | UInt64(ZIP_STAT_ENCRYPTION_METHOD) | UInt64(ZIP_STAT_CRC)
        guard zip_stat_index(handle, i, 0, &st) == 0, st.valid & need == need,
              st.comp_method == ZIP_CM_DEFLATE, st.encryption_method == UInt16(ZIP_EM_NONE),
              st.size > 0, st.size <= ZipArchive.wholeEntryBytes,
              st.comp_size > 0, st.comp_size <= ZipArchive.wholeEntryBytes,
              Int64(st.size) <= limits.maxEntryBytes else { return nil }
        guard let raw = zip_fopen_index(handle, i, zip_flags_t(ZIP_FL_COMPRESSED)) else {
            // Leave the archive's error as it was: the streaming path sets its own.
            zip_error_clear(handle)
            return nil
        }
        defer { zip_fclose(raw) }
        let compressed = UnsafeMutableRawPointer.allocate(byteCount: Int(st.comp_size), alignment: 16)
        defer { compressed.deallocate() }
        var got: UInt64 = 0
        while got < st.comp_size {
            let n = zip_fread(raw, compressed + Int(got), st.comp_size - got)
            if n <= 0 { return nil }
            got += UInt64(n)
        }
        guard let d = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(d) }
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(st.size), alignment: 16)
        // No actual-size pointer: libdeflate then fails unless the output is exactly
        // the declared size.
        let result = libdeflate_deflate_decompress(d, compressed, Int(st.comp_size), out.baseAddress, Int(st.size), nil)
        guard result == LIBDEFLATE_SUCCESS,
              libdeflate_crc32(0, out.baseAddress, Int(st.size)) == st.crc else {
            out.deallocate()
            return nil
        }
        return out
    }

    /// Reads a whole entry into memory (for the small parts: workbook, relationships,
    /// styles, shared strings), within the per-entry and total limits.
    public func readAll(_ name: String) throws -> [UInt8] {
        let stream = try open(name)
        // Inflated whole at open: taken as it is, counted against the limits.
        if let whole = stream.peekWhole() {
            let bytes = Array(whole)
            try stream.consumeWhole()
            return bytes
        }
        var out: [UInt8] = []
        if let hint = declaredSize(of: name) { out.reserveCapacity(Int(min(hint, 64 << 20))) }
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress!, capacity: $0.count) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    private static func openError(code: Int32, file: String) -> SheetIOError {
        switch code {
        case ZIP_ER_NOZIP: return SheetIOError(.notASpreadsheet, file: file)
        case ZIP_ER_OPEN, ZIP_ER_NOENT, ZIP_ER_READ:
            return SheetIOError(.cannotOpen(String(cString: strerror(errno))), file: file)
        default:
            var zerr = zip_error_t()
            zip_error_init_with_code(&zerr, code)
            defer { zip_error_fini(&zerr) }
            return SheetIOError(.corruptZip(String(cString: zip_error_strerror(&zerr))), file: file)
        }
    }
}

/// One entry of a ``ZipArchive`` being inflated. Closing happens on deinit.
public final class ZipEntryStream: ByteSource {
    private let archive: ZipArchive
    private var file: OpaquePointer?
    public let name: String
    /// Bytes inflated from this entry so far.
    public private(set) var produced: Int64 = 0

    /// The whole entry, inflated at open (``ZipArchive/inflateWhole``), served from here.
    private var memory: UnsafeMutableRawBufferPointer?

    fileprivate init(archive: ZipArchive, file: OpaquePointer, name: String) {
        self.archive = archive
        self.file = file
        self.name = name
    }

    fileprivate init(archive: ZipArchive, memory: UnsafeMutableRawBufferPointer, name: String) {
        self.archive = archive
        self.memory = memory
        self.name = name
    }

    deinit {
        memory?.deallocate()
        guard let file else { return }
        archive.lock.lock()
        zip_fclose(file)
        archive.lock.unlock()
    }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        archive.lock.lock()
        defer { archive.lock.unlock() }
        guard memory != nil || file != nil else { return 0 }
        let limits = archive.limits
        // Never ask for more than one byte past a limit: reaching it is then detected
        // without inflating a bomb any further.
        let roomEntry = limits.maxEntryBytes - produced
        let roomTotal = limits.maxTotalBytes - archive.inflatedTotal
        let ask = Int(max(0, min(Int64(capacity), roomEntry + 1, roomTotal + 1)))
        // The same accounting for an entry inflated whole: the limits apply as its bytes
        // are handed out, as they do to a streamed one.
        if let m = memory {
            let n = min(ask, m.count - Int(produced))
            if n > 0 { buffer.copyMemory(from: m.baseAddress! + Int(produced), byteCount: n) }
            try account(n, limits)
            if n == 0 { m.deallocate(); memory = nil }
            return n
        }
        guard let f = file else { return 0 }
        let n = ask == 0 ? 0 : zip_fread(f, buffer, UInt64(ask))
        if n < 0 {
            let code = zip_error_code_zip(zip_file_get_error(f))
            let msg = String(cString: zip_file_strerror(f))
            zip_fclose(f)
            file = nil
            if code == ZIP_ER_CRC { throw SheetIOError(.badCRC, file: archive.fileName, part: name) }
            throw SheetIOError(.corruptZip(msg), file: archive.fileName, part: name)
        }
        try account(Int(n), limits)
        if n == 0 { zip_fclose(f); file = nil }
        return Int(n)
    }

    /// The whole entry, when it was inflated at open and nothing has been read yet.
    func peekWhole() -> UnsafeRawBufferPointer? {
        guard let m = memory, produced == 0 else { return nil }
        return UnsafeRawBufferPointer(m)
    }

    /// Reads the rest of an entry inflated whole without copying it out: its bytes count
    /// against the limits and the deadline as a full read would count them (an entry is
    /// only inflated whole within the entry limit, so only the total can be exceeded).
    func consumeWhole() throws {
        archive.lock.lock()
        defer { archive.lock.unlock() }
        guard let m = memory else { return }
        let rest = m.count - Int(produced)
        try account(rest, archive.limits)
        m.deallocate()
        memory = nil
    }

    private func account(_ n: Int, _ limits: ReadLimits) throws {
        produced += Int64(n)
        archive.inflatedTotal += Int64(n)
        try archive.deadline.check(file: archive.fileName, part: name)
        if produced > limits.maxEntryBytes {
            throw SheetIOError(.limitExceeded(.entryBytes, limits.maxEntryBytes),
                               file: archive.fileName, part: name)
        }
        if archive.inflatedTotal > limits.maxTotalBytes {
            throw SheetIOError(.limitExceeded(.totalBytes, limits.maxTotalBytes),
                               file: archive.fileName, part: name)
        }
    }
}

extension ReadLimits {
    /// "2 GiB", "512 MiB", "300 bytes".
    static func bytesText(_ n: Int64) -> String {
        if n >= 1 << 30 && n % (1 << 30) == 0 { return "\(n >> 30) GiB" }
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }
}
