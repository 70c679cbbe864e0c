import Foundation
import SheetIO

/// Writes files atomically: a temporary file beside the destination, then a rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let tmp = URL(fileURLWithPath: TempFiles.sibling(of: path))
        let slot = TempFiles.register(tmp.path)
        defer { TempFiles.unregister(slot) }
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
