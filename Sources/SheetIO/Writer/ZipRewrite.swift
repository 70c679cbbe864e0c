import CZip
import Foundation

/// Writes a copy of a ZIP package with some entries replaced and some added; every other
/// entry's compressed bytes are copied as they are (libzip's `zip_source_zip` with
/// `ZIP_FL_COMPRESSED`: no inflate, no deflate), so the officer's own parts stay byte for
/// byte. The copy is written to a temporary file beside the output and renamed into place.
public enum ZipRewrite {
    public static func write(input: String, output: String, replace: [String: [UInt8]], add: [(String, [UInt8])]) throws {
        var err: Int32 = 0
        guard let src = zip_open(input, ZIP_RDONLY, &err) else {
            throw SheetIOError(.write("cannot reopen \(input) (libzip error \(err))"), file: output)
        }
        defer { zip_discard(src) }
        let dir = (output as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir), isDir.boolValue else {
            throw SheetIOError(.folderMissing(dir), file: output)
        }
        let temp = TempFiles.sibling(of: output)
        let slot = TempFiles.register(temp)
        defer { TempFiles.unregister(slot) }
        guard let dst = zip_open(temp, ZIP_CREATE | ZIP_TRUNCATE, &err) else {
            throw SheetIOError(.write("cannot create \(temp) (libzip error \(err))"), file: output)
        }
        func fail(_ what: String) -> SheetIOError {
            let msg = String(cString: zip_error_strerror(zip_get_error(dst)))
            zip_discard(dst)
            unlink(temp)
            return SheetIOError(.write("\(what): \(msg)"), file: output)
        }
        func addBytes(_ name: String, _ bytes: [UInt8]) throws {
            // libzip frees the copy once the archive is written (freep = 1).
            let copy = malloc(max(bytes.count, 1))!
            bytes.withUnsafeBytes { if let b = $0.baseAddress { copy.copyMemory(from: b, byteCount: bytes.count) } }
            guard let s = zip_source_buffer(dst, copy, UInt64(bytes.count), 1) else { free(copy); throw fail(name) }
            let i = zip_file_add(dst, name, s, ZIP_FL_ENC_UTF_8)
            guard i >= 0 else { zip_source_free(s); throw fail(name) }
            _ = zip_set_file_compression(dst, UInt64(i), ZIP_CM_DEFLATE, 6)
        }
        let n = zip_get_num_entries(src, 0)
        for i in 0..<UInt64(max(n, 0)) {
            guard let cname = zip_get_name(src, i, ZIP_FL_ENC_RAW) else { throw fail("entry \(i)") }
            let name = String(cString: cname)
            if let bytes = replace[name] {
                try addBytes(name, bytes)
                continue
            }
            guard let s = zip_source_zip(dst, src, i, ZIP_FL_COMPRESSED, 0, -1) else { throw fail(name) }
            guard zip_file_add(dst, name, s, ZIP_FL_ENC_RAW) >= 0 else { zip_source_free(s); throw fail(name) }
        }
        for (name, bytes) in add { try addBytes(name, bytes) }
        guard zip_close(dst) == 0 else { throw fail("close") }
        if rename(temp, output) != 0 {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw SheetIOError(.write(why), file: output)
        }
    }
}
