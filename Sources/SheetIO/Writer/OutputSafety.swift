import Foundation

/// Temporary files being written, removed when the process is interrupted.
///
/// Writers create `.NAME.tmp-PID-RANDOM` beside their target and rename it into place;
/// every failure path unlinks it. ``installSignalCleanup()`` adds SIGINT, SIGTERM and
/// SIGHUP: the handler unlinks the registered paths (unlink is async-signal-safe) and
/// re-raises the signal with its default action. SIGKILL cannot be caught; such a
/// leftover is hidden (dot name) and never read as a submission.
public enum TempFiles {
    static let capacity = 64
    /// Fixed slots of C strings the signal handler can read without locking or allocating.
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    static let lock = NSLock()

    /// Registers a temporary path; returns its slot for ``unregister(_:)`` (nil when all
    /// slots are taken: the file is still removed on every ordinary failure path).
    @discardableResult
    public static func register(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        for i in 0..<capacity where slots[i] == nil {
            slots[i] = strdup(path)
            return i
        }
        return nil
    }

    public static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        defer { lock.unlock() }
        let p = slots[slot]
        slots[slot] = nil
        free(p)
    }

    /// Installs the handlers once (the command-line program calls it at start).
    public static func installSignalCleanup() {
        _ = slots
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                for i in 0..<TempFiles.capacity {
                    if let p = TempFiles.slots[i] { unlink(p) }
                }
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }

    /// A temporary name beside `path`.
    public static func sibling(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/." + url.lastPathComponent
            + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// Refuses to write an output over a file the command reads or keeps: the store, an
/// input, or the same file under another name (hard link, symlink, `./x` vs `x`), by
/// comparing device and inode.
public enum OutputGuard {
    public static func check(output: String, against protected: [String]) throws {
        var out = stat()
        guard stat(output, &out) == 0 else { return }  // a new file cannot be one of them
        for p in protected {
            var st = stat()
            guard stat(p, &st) == 0 else { continue }
            if st.st_dev == out.st_dev && st.st_ino == out.st_ino {
                throw SheetIOError(.outputIsInput(p), file: output)
            }
        }
    }
}
