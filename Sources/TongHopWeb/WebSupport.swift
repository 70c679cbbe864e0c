import Crypto
import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import MultipartKit
import NIOCore
import SheetIO
import TongHop

/// What a session cookie stands for: the account, the time its password was set (a
/// changed password ends older sessions) and the session's CSRF token.
public struct WebSession: Codable, Sendable {
    var account: Int64
    var stamp: String
    var csrf: String
}

/// The request context: the session (HummingbirdAuth's), the account once known and
/// the language of the pages.
public struct WebContext: SessionRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<WebSession>
    public var account: Account?
    public var csrf: String = ""
    public var lang: Language = .vi
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        remoteAddress = source.channel.remoteAddress
    }
}

/// HummingbirdAuth keeps sessions through a `PersistDriver`; this one keeps them in the
/// store (table `web_session`, keyed by a SHA-256 of the cookie's id), so a restart logs
/// nobody out and a copy of the store opens no session.
struct StorePersistDriver: PersistDriver {
    let store: Store

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        guard try store.sessionCreate(key: key, value: data, expires: expires.map(StorePersistDriver.date)) else {
            throw PersistError.duplicate
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        var until = expires.map(StorePersistDriver.date)
        // Keep the expiry an entry has when an update does not give one.
        if until == nil, let (_, old) = try store.sessionGet(key: key) { until = old }
        try store.sessionSet(key: key, value: data, expires: until)
    }

    func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: Object.self)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        guard let (data, expires) = try store.sessionGet(key: key) else { return nil }
        guard let object = try? JSONDecoder().decode(Object.self, from: data) else { throw PersistError.invalidConversion }
        return (object, expires.map { .seconds(max(0, Int64($0.timeIntervalSinceNow))) })
    }

    func remove(key: String) async throws { try store.sessionRemove(key: key) }

    static func date(_ d: Duration) -> Date { Date(timeIntervalSinceNow: TimeInterval(d.components.seconds)) }
}

/// Failed logins per account name and per address: after 5 failures for a name (30 for
/// an address: an office behind one NAT shares it) within 15 minutes, further attempts
/// are refused until the window passes. A restart forgets them; the audit table keeps
/// every attempt.
actor LoginThrottle {
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(window: TimeInterval = 15 * 60) { self.window = window }

    static func keys(name: String, address: String) -> [(String, Int)] {
        [("name:" + name.lowercased(), 5), ("addr:" + address, 30)]
    }

    /// Seconds to wait before another attempt, or nil.
    func wait(_ keys: [(String, Int)], now: Date = Date()) -> Int? {
        var longest: TimeInterval = 0
        for (k, limit) in keys {
            let recent = (failures[k] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[k] = recent.isEmpty ? nil : recent
            if recent.count >= limit, let first = recent.first { longest = max(longest, window - now.timeIntervalSince(first)) }
        }
        return longest > 0 ? Int(longest.rounded(.up)) : nil
    }

    func fail(_ keys: [(String, Int)], now: Date = Date()) {
        for (k, _) in keys { failures[k, default: []].append(now) }
    }

    func succeed(_ keys: [(String, Int)]) {
        // Only the name's count: a success does not clear an address's failures.
        for (k, _) in keys where k.hasPrefix("name:") { failures[k] = nil }
    }
}

enum Secrets {
    /// A random token (32 bytes from the system's CSPRNG), URL- and cookie-safe.
    static func token() -> String {
        var g = SystemRandomNumberGenerator()
        return Store.hex((0..<32).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    /// Compares two secrets in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }

    /// A bcrypt hash of a fixed password, verified against when the account does not
    /// exist so that the time of a failed login does not tell whether a name is known.
    static let decoy = Bcrypt.hash("tonghop-decoy-password", cost: 12)
}

/// Runs blocking work (bcrypt, reading and checking a workbook, writing the summary) on
/// a Dispatch thread instead of one of the cooperative pool's.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { cont in
        DispatchQueue.global().async {
            do { cont.resume(returning: try body()) } catch { cont.resume(throwing: error) }
        }
    }
}

/// A part of a multipart/form-data body.
struct FormPart {
    var name: String
    var fileName: String?
    var body: [UInt8]
}

enum Multipart {
    /// The parts of a multipart/form-data body (MultipartKit's parser).
    static func parse(_ buffer: ByteBuffer, contentType: String) throws -> [FormPart] {
        guard let b = contentType.components(separatedBy: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") }) else { throw HTTPError(.badRequest) }
        var boundary = String(b.dropFirst("boundary=".count))
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty, boundary.count <= 200 else { throw HTTPError(.badRequest) }
        let parser = MultipartParser(boundary: boundary)
        var parts: [FormPart] = []
        var current = FormPart(name: "", fileName: nil, body: [])
        var disposition = ""
        parser.onHeader = { field, value in
            if field.lowercased() == "content-disposition" { disposition = value }
        }
        parser.onBody = { buf in
            if let bytes = buf.readBytes(length: buf.readableBytes) { current.body += bytes }
        }
        parser.onPartComplete = {
            current.name = Multipart.parameter("name", in: disposition) ?? ""
            current.fileName = Multipart.parameter("filename", in: disposition)
            parts.append(current)
            current = FormPart(name: "", fileName: nil, body: [])
            disposition = ""
        }
        do { try parser.execute(buffer) } catch { throw HTTPError(.badRequest) }
        return parts
    }

    /// `name="x"` in a Content-Disposition header (a quoted value may hold ';').
    static func parameter(_ key: String, in header: String) -> String? {
        var i = header.startIndex
        while let r = header.range(of: key + "=", range: i..<header.endIndex) {
            let before = r.lowerBound == header.startIndex ? " " : header[header.index(before: r.lowerBound)]
            i = r.upperBound
            guard before == " " || before == ";" else { continue }
            if header[r.upperBound...].hasPrefix("\"") {
                var out = "", escaped = false
                for ch in header[header.index(after: r.upperBound)...] {
                    if escaped { out.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { return out } else { out.append(ch) }
                }
                return out
            }
            return String(header[r.upperBound...].prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}

/// What an uploaded file is, from its first bytes (never its name).
enum UploadKind: String {
    case xlsx, xls, csv

    static func sniff(_ bytes: [UInt8]) -> UploadKind? {
        if SpreadsheetDocument.isZip(Array(bytes.prefix(4))) { return .xlsx }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .xls }
        let head = bytes.prefix(8192)
        guard !head.isEmpty else { return nil }
        // UTF-16 text (Excel's "Unicode text") has NULs but starts with its byte-order mark.
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return .csv }
        for magic: [UInt8] in [[0x25, 0x50, 0x44, 0x46], [0x89, 0x50, 0x4E, 0x47], [0xFF, 0xD8, 0xFF], [0x47, 0x49, 0x46, 0x38],
                               [0x7F, 0x45, 0x4C, 0x46], [0x4D, 0x5A], [0x1F, 0x8B], [0x52, 0x61, 0x72, 0x21]] where head.starts(with: magic) {
            return nil
        }
        // Text: no NUL and few other control bytes.
        var controls = 0
        for b in head {
            if b == 0 { return nil }
            if b < 0x09 || (b > 0x0D && b < 0x20) { controls += 1 }
        }
        return controls * 100 <= head.count ? .csv : nil
    }
}

/// A file name safe to put on disk and in a header: the last component, no control or
/// path characters, at most 120 characters, with the extension of what the file is.
func safeFileName(_ name: String?, kind: UploadKind) -> String {
    var base = ((name ?? "") as NSString).lastPathComponent
    base = String(base.unicodeScalars.map { s -> Character in
        (s.properties.generalCategory == .control || s.properties.generalCategory == .format || "/\\:*?\"<>|".unicodeScalars.contains(s)) ? "_" : Character(s)
    })
    base = (base as NSString).deletingPathExtension.trimmingCharacters(in: .whitespaces)
    while base.hasPrefix(".") { base.removeFirst() }
    if base.isEmpty { base = "bieu" }
    if base.count > 120 { base = String(base.prefix(120)) }
    return base + "." + kind.rawValue
}

/// A private temporary folder for one request's files, removed afterwards.
func withTemporaryFolder<T>(_ body: (String) throws -> T) throws -> T {
    let dir = NSTemporaryDirectory() + "tonghop-web-" + Secrets.token().prefix(16)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try body(dir)
}

/// application/x-www-form-urlencoded fields. By hand rather than Hummingbird's
/// `URLEncodedFormDecoder`: that decodes into a Decodable type and fails the whole body on
/// one malformed pair, where a page wants the fields it can read (a missing token is then
/// refused by the CSRF check, a missing comment by the return form, each with its message).
func formFields(_ buffer: ByteBuffer) -> [String: String] {
    let text = String(buffer: buffer)
    var out: [String: String] = [:]
    for pair in text.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
        guard let k = kv.first else { continue }
        out[decode(k)] = kv.count > 1 ? decode(kv[1]) : ""
    }
    return out
}
