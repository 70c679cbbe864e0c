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

/// Failed logins slow the next attempt down; nothing ever locks an account. Counted in
/// the store (so a restart forgets nothing and `tonghop user unlock NAME` clears a name):
/// - per account name *and* address: from the 5th failure, the next attempt from that
///   address waits 2 s, then 4, 8, … at most 15 minutes. The same name from another
///   address (the real officer at their own desk) is not slowed at all.
/// - per address, over every name (an office behind one NAT shares it): from the 30th
///   failure, 1 s, growing to at most 60 s — colleagues are slowed, never kept out.
/// - per account name over every address (guessing one name from many addresses): from
///   the 20th failure each attempt at that name is answered only after a pause of up to
///   3 s, the captcha-free slow path: the right password still logs in, just slowly.
/// A failure older than a day is forgotten; a success clears its name's counts.
struct LoginThrottle: Sendable {
    let store: Store
    static let forget: TimeInterval = 24 * 3600

    struct Keys {
        var pair: String, address: String, name: String
        var normalisedName: String
        var all: [String] { [pair, address, name] }
    }

    static func keys(name: String, address: String) -> Keys {
        let n = Store.loginName(name)
        return Keys(pair: "pair:\(n)|\(address)", address: "addr:\(address)", name: "name:\(n)", normalisedName: n)
    }

    /// The delay a key's failures impose after its last failure.
    static func delay(pairFailures f: Int) -> TimeInterval { f < 5 ? 0 : min(900, pow(2, Double(min(f - 4, 20)))) }
    static func delay(addressFailures f: Int) -> TimeInterval { f < 30 ? 0 : min(60, pow(2, Double(min((f - 30) / 5, 10)))) }
    static func pause(nameFailures f: Int) -> TimeInterval { f < 20 ? 0 : min(3, Double(f - 19) * 0.5) }

    /// Seconds to wait before this name may be tried from this address, or nil; and the
    /// pause to hold this attempt for (the slow path).
    func check(_ k: Keys, now: Date = Date()) throws -> (wait: Int?, pause: TimeInterval, counted: Bool) {
        let all = try store.loginFailures(keys: k.all)
        let got = all.filter { now.timeIntervalSince($0.value.last) < Self.forget }
        var until: TimeInterval = 0
        if let p = got[k.pair] { until = max(until, Self.delay(pairFailures: p.failures) - now.timeIntervalSince(p.last)) }
        if let a = got[k.address] { until = max(until, Self.delay(addressFailures: a.failures) - now.timeIntervalSince(a.last)) }
        let pause = got[k.name].map { Self.pause(nameFailures: $0.failures) } ?? 0
        return (until > 0 ? Int(until.rounded(.up)) : nil, pause, all[k.pair] != nil || all[k.name] != nil)
    }

    func fail(_ k: Keys, now: Date = Date()) throws {
        try store.addLoginFailure(keys: [(k.pair, k.normalisedName), (k.address, nil), (k.name, k.normalisedName)], now: now, forget: Self.forget)
    }

    /// A success clears the name's counts; not the address's (logging in to one's own
    /// account must not reset the guesses made at others').
    func succeed(_ k: Keys) throws { try store.clearLoginFailures(keys: [k.pair, k.name]) }
}

/// Password hashes. bcrypt reads only a password's first 72 bytes (a Vietnamese
/// passphrase reaches them in some 30 letters), so a password is first reduced to
/// base64(HMAC-SHA-256) — 44 bytes carrying all of it — and the hash is stored as
/// "thop1$" + bcrypt's. A hash without the prefix (an account made before) is plain
/// bcrypt: verified as it was, but a password over 72 bytes is then refused, since
/// bcrypt could not tell it from another with the same first 72 bytes.
public enum Passwords {
    public static let prefix = "thop1$"
    /// bcrypt's cost for new hashes (2^12 rounds: some 0.2 s of one core).
    public static let cost: UInt8 = 12
    /// The longest password accepted, in bytes of UTF-8.
    public static let maxBytes = 1024

    static func prehash(_ password: String) -> String {
        let key = SymmetricKey(data: Data("tonghop-bcrypt-prehash-v1".utf8))
        // The same words typed on a Mac (NFD) or Windows (NFC) are the same password.
        let mac = HMAC<SHA256>.authenticationCode(for: Data(password.precomposedStringWithCanonicalMapping.utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// A new random password: 14 letters and digits without look-alikes (0/O, 1/l/I),
    /// some 80 bits.
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
    }

    public static func hash(_ password: String, cost: UInt8 = Passwords.cost) -> String {
        prefix + Bcrypt.hash(prehash(password), cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        guard password.utf8.count <= maxBytes else { return false }
        if hash.hasPrefix(prefix) { return Bcrypt.verify(prehash(password), hash: String(hash.dropFirst(prefix.count))) }
        guard password.utf8.count <= 72 else { return false }
        return Bcrypt.verify(password, hash: hash)
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
    static let decoy = Passwords.hash("tonghop-decoy-password")
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

/// Password hashing on threads of its own (one a core by default): bcrypt is meant to
/// be slow, and a crowd logging in at the deadline must neither take the event loops nor
/// the threads that check uploads. Requests queue in order of arrival.
final class HashingPool: @unchecked Sendable {
    // `jobs` and `stopped` only under `lock`; the threads are the pool's own.
    private let lock = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopped = false
    let threads: Int

    init(threads: Int) {
        self.threads = max(1, threads)
        for i in 0..<self.threads {
            let t = Thread { [weak self] in
                while let job = self?.next() { job() }
            }
            t.name = "tonghop-hash-\(i)"
            t.start()
        }
    }

    private func next() -> (() -> Void)? {
        lock.lock(); defer { lock.unlock() }
        while jobs.isEmpty && !stopped { lock.wait() }
        return stopped && jobs.isEmpty ? nil : jobs.removeFirst()
    }

    /// Runs `body` on one of the pool's threads, in order of arrival.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { cont in
            lock.lock()
            jobs.append { do { cont.resume(returning: try body()) } catch { cont.resume(throwing: error) } }
            lock.signal()
            lock.unlock()
        }
    }

    /// Jobs waiting (not yet running).
    var waiting: Int { lock.lock(); defer { lock.unlock() }; return jobs.count }

    func stop() { lock.lock(); stopped = true; lock.broadcast(); lock.unlock() }

    deinit { stop() }
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
public enum UploadKind: String, Sendable {
    case xlsx, xls, csv

    public static func sniff(_ bytes: [UInt8]) -> UploadKind? {
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

/// A file name safe to put on disk and in a header: the last component, composed (NFC:
/// a Mac sends "ế" as three code points, seven bytes), no control or path characters,
/// the name cut at a character's end to at most 150 bytes of UTF-8 (a file system's
/// limit is 255 bytes), with the extension of what the file is.
public func safeFileName(_ name: String?, kind: UploadKind) -> String {
    var base = ((name ?? "").precomposedStringWithCanonicalMapping as NSString).lastPathComponent
    base = String(base.unicodeScalars.map { s -> Character in
        (s.properties.generalCategory == .control || s.properties.generalCategory == .format || "/\\:*?\"<>|".unicodeScalars.contains(s)) ? "_" : Character(s)
    })
    base = (base as NSString).deletingPathExtension.trimmingCharacters(in: .whitespaces)
    while base.hasPrefix(".") { base.removeFirst() }
    if base.isEmpty { base = "bieu" }
    if base.utf8.count > 150 {
        var cut = ""
        for ch in base {
            guard cut.utf8.count + ch.utf8.count <= 150 else { break }
            cut.append(ch)
        }
        base = cut.trimmingCharacters(in: .whitespaces)
    }
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
