import Foundation
import SheetIO

/// Writes files atomically: a temporary file beside the destination, then a rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: tmp)
            guard rename(tmp.path, path) == 0 else { throw SheetIOError(.write(String(cString: strerror(errno))), file: path) }
        } catch let e as SheetIOError {
            unlink(tmp.path)
            throw e
        } catch {
            unlink(tmp.path)
            throw SheetIOError(.write(error.localizedDescription), file: path)
        }
    }
}
