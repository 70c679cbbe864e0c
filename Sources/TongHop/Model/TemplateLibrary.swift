import Foundation
import SheetIO

/// Finds templates: a path to a YAML file, or an id looked up in a templates folder
/// (`--templates DIR`, else `TONGHOP_TEMPLATES`, else ./templates).
public struct TemplateLibrary: Sendable {
    public var directory: String
    /// Templates already loaded (a batch of 700 files loads each template once).
    private let cache = Cache()

    final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var byPath: [String: Template] = [:]
        var all: [Template]?
    }

    public init(directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory ?? environment["TONGHOP_TEMPLATES"] ?? "templates"
    }

    private func loadCached(_ path: String) throws -> Template {
        cache.lock.lock()
        if let t = cache.byPath[path] { cache.lock.unlock(); return t }
        cache.lock.unlock()
        let t = try Template.load(path: path)
        cache.lock.lock()
        cache.byPath[path] = t
        cache.lock.unlock()
        return t
    }

    /// Loads `spec`: an existing file path, or a template id (`DIR/ID.yaml`, or any
    /// template in DIR whose `id` matches).
    public func load(_ spec: String) throws -> Template {
        if FileManager.default.fileExists(atPath: spec) { return try loadCached(spec) }
        for ext in ["yaml", "yml"] {
            let p = "\(directory)/\(spec).\(ext)"
            if FileManager.default.fileExists(atPath: p) { return try loadCached(p) }
        }
        for t in all() where t.id == spec { return t }
        throw TemplateError(file: spec, problems: [.init(line: nil, vi: "không tìm thấy mẫu (tệp hoặc mã mẫu trong \(directory)/)",
                                                         en: "no such template (a file, or a template id in \(directory)/)")])
    }

    /// Every template in the folder that loads.
    public func all() -> [Template] {
        cache.lock.lock()
        if let a = cache.all { cache.lock.unlock(); return a }
        cache.lock.unlock()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let a = files.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .compactMap { try? loadCached("\(directory)/\($0)") }
        cache.lock.lock()
        cache.all = a
        cache.lock.unlock()
        return a
    }
}
