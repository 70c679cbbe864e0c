import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import NIOCore
import TestSupport
import TongHop
@testable import TongHopWeb
import XCTest

/// Issue 25's security cases (OWASP ASVS level 2: V3 sessions, V2 authentication, V5
/// input, V12 files, V14 configuration), each against the route it names.
extension WebTests {
    /// ASVS 5.1.5: redirects only to this site. A tab, newline, backslash, double slash or
    /// scheme, raw or percent-encoded (once or twice), sends the browser to "/".
    func testLanguageSwitchRedirectsOnlyWithinTheSite() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            for back in ["/%09/evil.example/x", "/%0A/evil.example", "/%0D%0ASet-Cookie:%20x=1", "//evil.example", "/%2F/evil.example",
                         "/%252F%252Fevil.example", "/%5C/evil.example", "%5C%5Cevil.example", "https://evil.example/", "javascript:alert(1)",
                         "/%E2%80%A8/evil.example", "/%00/x", "/%20/evil.example", "evil.example", ""] {
                let r = try await b.request("/lang?to=en&back=\(back)")
                XCTAssertEqual(r.status, .found, back)
                XCTAssertEqual(r.headers[.location], "/", "back=\(back)")
            }
            let ok = try await b.request("/lang?to=vi&back=/province/unit/105%3Fperiod%3D2024")
            XCTAssertEqual(ok.headers[.location], "/province/unit/105?period=2024", "a path of this site is kept")
        }
        XCTAssertEqual(WebService.sameOriginPath("/\t/evil.example/x"), "/")
        XCTAssertEqual(WebService.sameOriginPath("/unit"), "/unit")
    }

    /// ASVS 2.2.1: no lock-out. Failures slow the name down from the address they came
    /// from (2 s, 4 s, … at most 15 min); the right password from another address logs in
    /// at once; once the wait has passed, the right password logs in from the first
    /// address too; an office behind one address is slowed (at most a minute), never kept
    /// out; `user unlock` (the store's unlockLogin) clears the wait.
    func testFailedLoginsSlowDownButNeverLockTheAccountOut() async throws {
        let s = try service { $0.trustProxy = true }
        try await app(s).test(.router) { client in
            let attacker = Session(client), officer = Session(client)
            func from(_ ip: String) -> HTTPFields { var h = HTTPFields(); h[.init("X-Forwarded-For")!] = ip; return h }
            func login(_ b: Session, _ name: String, _ pw: String, _ ip: String) async throws -> TestResponse {
                let page = try await b.request("/login", headers: from(ip))
                return try await b.form("/login", ["name": name, "password": pw, "csrf": b.csrf(page)], headers: from(ip))
            }
            for _ in 0..<5 { _ = try await login(attacker, "tinh", "doan-mo", "198.51.100.7") }
            let blocked = try await login(attacker, "tinh", Self.password, "198.51.100.7")
            XCTAssertEqual(blocked.status, .tooManyRequests)
            let elsewhere = try await login(officer, "tinh", Self.password, "203.0.113.20")
            XCTAssertEqual(elsewhere.status, .seeOther, "the province still logs in from its own address")
            try await Task.sleep(for: .milliseconds(2200))
            let later = try await login(attacker, "tinh", Self.password, "198.51.100.7")
            XCTAssertEqual(later.status, .seeOther, "a growing delay, not a lock: after 2 s the right password works")
            attacker.cookies = [:]
            // Growing delays, capped: never a lock for ever.
            XCTAssertEqual(LoginThrottle.delay(pairFailures: 4), 0)
            XCTAssertEqual(LoginThrottle.delay(pairFailures: 5), 2)
            XCTAssertEqual(LoginThrottle.delay(pairFailures: 6), 4)
            XCTAssertEqual(LoginThrottle.delay(pairFailures: 1000), 900)
            XCTAssertEqual(LoginThrottle.delay(addressFailures: 29), 0)
            XCTAssertEqual(LoginThrottle.delay(addressFailures: 100_000), 60)
            XCTAssertEqual(LoginThrottle.pause(nameFailures: 100_000), 3)
            // 30 failures from an office's one address: a colleague waits a second, then logs in.
            let office = "192.0.2.44"
            try s.store.addLoginFailure(keys: (0..<29).map { _ in ("addr:\(office)", nil) }, forget: 86_400)
            _ = try await login(attacker, "khong-co-\(UInt32.random(in: 0...UInt32.max))", "x", office)
            let colleague = Session(client)
            let slowed = try await login(colleague, "tanuyen", Self.password, office)
            XCTAssertEqual(slowed.status, .tooManyRequests)
            XCTAssertEqual(slowed.headers[.retryAfter], "1")
            try await Task.sleep(for: .milliseconds(1200))
            let through = try await login(colleague, "tanuyen", Self.password, office)
            XCTAssertEqual(through.status, .seeOther)
            // unlock: the name's wait is gone at once.
            for _ in 0..<6 { _ = try await login(attacker, "muongte", "doan-mo", "198.51.100.8") }
            let awaited1 = try await login(attacker, "muongte", Self.password, "198.51.100.8")
            XCTAssertEqual(awaited1.status, .tooManyRequests)
            XCTAssertGreaterThan(try s.store.unlockLogin(name: "MuongTe"), 0, "any case")
            XCTAssertEqual(Array(Store.loginName("XÃ-ĐOÀN-KẾT").utf8), Array(Store.loginName("xã-đoàn-kết".decomposedStringWithCanonicalMapping).utf8),
                           "Vietnamese capitals and a Mac's decomposed letters count as one name")
            let awaited2 = try await login(attacker, "muongte", Self.password, "198.51.100.8")
            XCTAssertEqual(awaited2.status, .seeOther)
        }
    }

    /// A body that trickles in (here: one byte, then nothing) is refused 408 after the
    /// request timeout, not waited on for ever (the idle timeout alone resets on each byte).
    func testABodyThatNeverArrivesIsRefusedAfterTheRequestTimeout() async throws {
        let s = try service { $0.requestTimeout = .seconds(1) }
        let (stream, cont) = AsyncStream<ByteBuffer>.makeStream()
        cont.yield(ByteBuffer(string: "c"))
        let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/login"),
                              body: RequestBody(asyncSequence: stream))
        let start = ContinuousClock.now
        do {
            _ = try await s.readBody(request, upTo: 1024)
            XCTFail("a body that never ends was read")
        } catch let e as PageError {
            XCTAssertEqual(e.status, .requestTimeout)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        cont.finish()
        // A body that does arrive is read as it is.
        let whole = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/login"),
                            body: RequestBody(buffer: ByteBuffer(string: "a=1")))
        let read = try await s.readBody(whole, upTo: 1024)
        XCTAssertEqual(String(buffer: read), "a=1")
    }

    /// The slow path: a name guessed from many addresses is answered slowly (a pause of up
    /// to 3 s), never refused; the right password still logs in.
    func testANameGuessedFromEverywhereIsSlowedNotLocked() async throws {
        let s = try service { $0.trustProxy = true }
        try s.store.addLoginFailure(keys: (0..<25).map { _ in ("name:tanuyen", "tanuyen") }, forget: 86_400)
        try await app(s).test(.router) { client in
            let b = Session(client)
            var h = HTTPFields()
            h[.init("X-Forwarded-For")!] = "203.0.113.77"
            let page = try await b.request("/login", headers: h)
            let start = ContinuousClock.now
            let r = try await b.form("/login", ["name": "tanuyen", "password": Self.password, "csrf": b.csrf(page)], headers: h)
            XCTAssertEqual(r.status, .seeOther, "the right password logs in")
            XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(2900), "after the slow path's pause")
        }
    }

    /// ASVS 2.4: bcrypt reads 72 bytes; a passphrase is pre-hashed, so one differing after
    /// byte 72 is refused. An account hashed before (plain bcrypt) refuses a password over
    /// 72 bytes rather than accept its first 72.
    func testPassphrasesDifferingAfterByte72AreRefused() async throws {
        let long = "Đồng chí Trưởng phòng Tài chính Kế hoạch huyện Mường Tè nộp báo cáo đúng hạn năm 2026"
        XCTAssertGreaterThan(long.utf8.count, 80)
        let other = String(decoding: Array(long.utf8).prefix(80), as: UTF8.self) + "khác hẳn phần sau"
        XCTAssertEqual(Array(long.utf8).prefix(72), Array(other.utf8).prefix(72))
        let s = try service()
        _ = try s.store.setPassword(name: "tinh", passwordHash: Passwords.hash(long, cost: 4))
        XCTAssertTrue(try s.store.account(named: "tinh")!.passwordHash.hasPrefix(Passwords.prefix))
        try await app(s).test(.router) { client in
            let b = Session(client)
            let awaited3 = try await b.login("tinh", other)
            XCTAssertEqual(awaited3.status, .unauthorized, "differs only after byte 72")
            let awaited4 = try await b.login("tinh", long)
            XCTAssertEqual(awaited4.status, .seeOther)
        }
        // The same words typed on a Mac (NFD) are the same password.
        XCTAssertTrue(Passwords.verify(long.decomposedStringWithCanonicalMapping, hash: Passwords.hash(long, cost: 4)))
        // A plain bcrypt hash made before: over 72 bytes is refused, not truncated.
        let legacy = Bcrypt.hash(long, cost: 4)
        XCTAssertFalse(Passwords.verify(other, hash: legacy))
        XCTAssertFalse(Passwords.verify(long, hash: legacy))
        XCTAssertTrue(Passwords.verify(Self.password, hash: Bcrypt.hash(Self.password, cost: 4)))
    }

    /// ASVS 12.3.1: a Mac's decomposed Vietnamese name of 334 bytes is stored composed,
    /// cut at a character's end under the file system's limit; never a 500.
    func testALongDecomposedFileNameIsNormalisedAndCut() async throws {
        let word = "Báo cáo chỉ tiêu kinh tế xã hội huyện Tân Uyên ".decomposedStringWithCanonicalMapping
        var name = ""
        while name.utf8.count < 329 { name += word }
        while name.utf8.count > 329 { name.removeLast() }
        name += ".xlsx"
        XCTAssertGreaterThanOrEqual(name.utf8.count, 330)
        XCTAssertNotEqual(Array(name.utf8), Array(name.precomposedStringWithCanonicalMapping.utf8), "decomposed, as a Mac sends it")
        let sent = name
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            _ = try await b.login("tanuyen")
            let home = try await b.request("/unit")
            let r = try await b.upload("/unit/upload", file: try self.file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"),
                                       name: sent, csrf: b.csrf(home))
            XCTAssertEqual(r.status, .seeOther, b.text(r))
            let stored = try XCTUnwrap(try s.store.upload(id: 1)?.fileName)
            XCTAssertEqual(Array(stored.utf8), Array(stored.precomposedStringWithCanonicalMapping.utf8), "composed (NFC)")
            XCTAssertLessThanOrEqual(stored.utf8.count, 155)
            XCTAssertTrue(stored.hasPrefix("Báo cáo chỉ tiêu"))
            XCTAssertTrue(stored.hasSuffix(".xlsx"))
            let report = try await b.request(r.headers[.location] ?? "")
            XCTAssertEqual(report.status, .ok)
        }
        // Cut at a character's end: no broken UTF-8 and no half letter.
        let cut = safeFileName(String(repeating: "ệ", count: 200), kind: .csv)
        XCTAssertEqual(cut, String(repeating: "ệ", count: 50) + ".csv")
    }

    /// ASVS 12.1.1: a unit cannot fill the server: 5 × 9 MB of nonsense CSV stops at its
    /// quota (the default 25 MB refuses the third; here a tenth of every size, so the
    /// debug build reads each file in seconds); the server's quota stops everyone; old
    /// uploads are forgotten after the keeping time.
    func testUploadQuotasPerUnitAndPerServer() async throws {
        let defaults = WebConfig(db: "x")
        XCTAssertLessThan(defaults.unitQuota, 3 * 9 * 1024 * 1024)
        XCTAssertGreaterThanOrEqual(defaults.unitQuota, 2 * 9 * 1024 * 1024)
        let s = try service { $0.maxUpload = 1024 * 1024; $0.unitQuota = 25 * 1024 * 1024 / 10 }
        try await app(s).test(.router) { client in
            let b = Session(client)
            _ = try await b.login("tanuyen")
            let csrf = b.csrf(try await b.request("/unit"))
            var row = Array("Chỉ tiêu,Giá trị\n".utf8)
            while row.count < 9 * 1024 * 1024 / 10 { row += Array("vô nghĩa,\(row.count)\n".utf8) }
            var statuses: [HTTPResponse.Status] = []
            for i in 0..<5 {
                statuses.append(try await b.upload("/unit/upload", file: row, name: "rac-\(i).csv", csrf: csrf).status)
            }
            XCTAssertEqual(statuses, [.seeOther, .seeOther, .contentTooLarge, .contentTooLarge, .contentTooLarge])
            XCTAssertLessThanOrEqual(try s.store.pendingUploadBytes(unit: "111"), 25 * 1024 * 1024 / 10)
            let refused = try await b.upload("/unit/upload", file: row, name: "rac.csv", csrf: csrf)
            XCTAssertTrue(b.text(refused).contains("quá nhiều tệp chưa nộp"))
            // Uploads older than the keeping time are forgotten: the unit has room again.
            let purged = try s.store.purgeUploads(before: Date(timeIntervalSinceNow: 3600))
            XCTAssertEqual(purged.removed, 2)
            XCTAssertEqual(try s.store.pendingUploadBytes(unit: "111"), 0)
        }
        let small = try service { $0.serverQuota = 100 * 1024 }
        try await app(small).test(.router) { client in
            let b = Session(client)
            _ = try await b.login("muongte")
            let csrf = b.csrf(try await b.request("/unit"))
            let big = try await b.upload("/unit/upload", file: Array(String(repeating: "a,1\n", count: 40_000).utf8), name: "a.csv", csrf: csrf)
            XCTAssertEqual(big.status.code, 507)
        }
    }

    /// Behind a proxy, the address is the right-most X-Forwarded-For entry (the one nginx
    /// appends); what a client wrote to its left is never believed, neither by the login
    /// throttle nor by the audit log. Without --trust-proxy the header is ignored.
    func testTheForwardedAddressIsTheOneTheProxyAppended() async throws {
        XCTAssertEqual(WebService.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 198.51.100.7"], trustProxy: true), "198.51.100.7")
        XCTAssertEqual(WebService.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6", "198.51.100.7"], trustProxy: true), "198.51.100.7")
        XCTAssertEqual(WebService.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 198.51.100.7, 127.0.0.1"], trustProxy: true), "198.51.100.7")
        XCTAssertEqual(WebService.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.7"], trustProxy: false), "127.0.0.1")
        XCTAssertEqual(WebService.clientAddress(peer: "198.51.100.9", forwardedFor: ["6.6.6.6"], trustProxy: true), "198.51.100.9",
                       "only a proxy on this machine is believed")
        XCTAssertEqual(WebService.clientAddress(peer: "127.0.0.1", forwardedFor: ["<script>"], trustProxy: true), "127.0.0.1")
        let s = try service { $0.trustProxy = true }
        try await app(s).test(.router) { client in
            let b = Session(client)
            var h = HTTPFields()
            h[.init("X-Forwarded-For")!] = "10.9.8.7, 198.51.100.7"
            let page = try await b.request("/login", headers: h)
            _ = try await b.form("/login", ["name": "tinh", "password": "sai", "csrf": b.csrf(page)], headers: h)
            // Six attempts each with a new forged left-hand entry still count against the real address.
            for i in 0..<5 {
                h[.init("X-Forwarded-For")!] = "10.0.0.\(i), 198.51.100.7"
                let p = try await b.request("/login", headers: h)
                _ = try await b.form("/login", ["name": "tinh", "password": "sai", "csrf": b.csrf(p)], headers: h)
            }
            let log = try s.store.auditLog()
            XCTAssertEqual(Set(log.compactMap(\.remote)), ["198.51.100.7"])
            XCTAssertTrue(log.contains { $0.action == "login-throttled" }, "forged entries do not escape the throttle")
        }
    }
}
