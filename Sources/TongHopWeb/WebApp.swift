import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import NIOCore
import SheetIO
import TongHop

/// `tonghop serve`: the units' and the province's web page over the same store and the
/// same library code as the command line (reader, validation, import, summary).
public struct WebConfig: Sendable {
    public var db: String
    public var templates: String?
    /// A template id or YAML file; default: the only template the store has, else the
    /// only one in the templates folder.
    public var template: String?
    public var host = "127.0.0.1"
    public var port = 8080
    /// Periods open for upload and submission; default: the periods the store has.
    public var periods: [Period] = []
    /// The largest upload accepted (bytes).
    public var maxUpload = 10 * 1024 * 1024
    /// Cookies only over HTTPS (behind a TLS reverse proxy).
    public var secureCookies = false
    /// Take the client's address from X-Forwarded-For (behind a reverse proxy on loopback).
    public var trustProxy = false
    public var sessionHours = 12
    /// Threads that hash passwords (bcrypt), apart from everything else.
    public var hashingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// A connection silent this long is closed (also a request whose headers or body stall).
    public var idleTimeout: Duration = .seconds(30)
    /// The longest reading a request's body may take (a body trickling in is refused 408).
    public var requestTimeout: Duration = .seconds(120)
    /// What one unit may keep uploaded (bytes, all its files within `keepDays`).
    public var unitQuota = 25 * 1024 * 1024
    /// What all units together may keep uploaded (bytes).
    public var serverQuota = 2 * 1024 * 1024 * 1024
    /// Days an upload not submitted is kept (a submitted one's figures are in the store;
    /// its file is kept as long, then only its record).
    public var keepDays = 90

    public init(db: String) { self.db = db }
}

/// An error shown as a page: a status and what to do, in both languages.
struct PageError: Error {
    var status: HTTPResponse.Status
    var vi: String
    var en: String
    var back: String? = nil
}

public final class WebService: Sendable {
    public let config: WebConfig
    public let store: Store
    public let template: Template
    let reader: SubmissionReader
    let throttle: LoginThrottle
    /// bcrypt's own threads: a login never waits behind an upload's check, nor an upload
    /// behind a crowd of logins.
    let hashing: HashingPool
    let summaries = SummaryCache()
    /// Expired sessions are purged at a login at most once a minute (not a write per login).
    let purgeDue = Every(seconds: 60)
    let logger: Logger

    public init(config: WebConfig, logger: Logger = Logger(label: "tonghop.web")) throws {
        self.config = config
        self.logger = logger
        store = try Store(path: config.db, mode: .readWrite)
        throttle = LoginThrottle(store: store)
        hashing = HashingPool(threads: config.hashingThreads)
        let library = TemplateLibrary(directory: config.templates)
        if let spec = config.template {
            template = try library.load(spec)
        } else if let ids = try? store.templateIDs(), ids.count == 1 {
            template = try library.load(ids[0])
        } else {
            let all = library.all()
            guard all.count == 1 else {
                throw StoreError(path: config.db, message: "give --template: the store and the templates folder name \(all.count) templates",
                                 messageVI: "hãy ghi --template: kho và thư mục mẫu có \(all.count) mẫu")
            }
            template = all[0]
        }
        reader = SubmissionReader(library: library, template: template)
    }

    /// The periods open on the page, newest first.
    var openPeriods: [Period] {
        if !config.periods.isEmpty { return config.periods.sorted(by: >) }
        let have = (try? store.periods(template: template.id)) ?? []
        return have.isEmpty ? [Period(year: Calendar(identifier: .gregorian).component(.year, from: Date()))] : have
    }

    // MARK: the application

    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: RequestLog(service: self))
        router.add(middleware: SecurityHeaders())
        router.add(middleware: ErrorPages(service: self))
        router.add(middleware: SessionMiddleware(storage: StorePersistDriver(store: store), configuration: .init(
            sessionCookieParameters: .init(name: "thop_session", path: "/", secure: config.secureCookies, sameSite: .lax),
            defaultSessionExpiration: .seconds(Int64(config.sessionHours) * 3600))))
        router.add(middleware: SameOrigin())
        router.add(middleware: LoadAccount(service: self))
        router.add(middleware: ErrorPages(service: self))

        router.get("/health") { _, _ in try await self.health() }
        router.get("/static/page.js") { _, _ in Self.script() }
        router.get("/") { _, context in
            guard let a = context.account else { return Response.redirect(to: "/login", type: .found) }
            return Response.redirect(to: a.role == .province ? "/province" : "/unit", type: .found)
        }
        router.get("/lang") { request, _ in self.switchLanguage(request) }
        router.get("/login") { request, context in self.loginPage(request, context) }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, context in try await self.logout(request, context) }

        router.get("/account/password") { _, context in try self.passwordPage(context) }
        router.post("/account/password") { request, context in try await self.changePassword(request, context) }

        let unit = router.group("/unit").add(middleware: RequireRole(role: .unit))
        unit.get("") { _, context in try await self.unitHome(context) }
        unit.get("/form") { request, context in try await self.unitForm(request, context) }
        unit.post("/upload") { request, context in try await self.upload(request, context) }
        unit.post("/answer") { request, context in try await self.answerQuestion(request, context) }
        unit.get("/upload/:id") { _, context in try await self.report(context) }
        unit.get("/upload/:id/annotated") { _, context in try await self.annotated(context) }
        unit.post("/upload/:id/submit") { request, context in try await self.submit(request, context) }

        let province = router.group("/province").add(middleware: RequireRole(role: .province))
        province.get("") { _, context in try await self.provinceHome(context) }
        province.get("/findings") { request, context in try await self.findings(request, context) }
        province.get("/anomalies") { request, context in try await self.anomaliesPage(request, context) }
        province.post("/anomalies/mark") { request, context in try await self.markAnomaly(request, context) }
        province.get("/unit/:code") { request, context in try await self.unitDetail(request, context) }
        province.post("/return") { request, context in try await self.returnSubmission(request, context) }
        province.get("/summary") { request, context in try await self.summary(request, context) }
        province.get("/scorecard") { request, context in try await self.scorecard(request, context) }
        province.get("/audit") { request, context in try await self.auditPage(request, context) }
        province.get("/accounts") { _, context in try self.accountsPage(context) }
        province.post("/accounts/reset") { request, context in try await self.resetPassword(request, context) }
        return router
    }

    public func application() -> some ApplicationProtocol {
        Application(router: router(), server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(config.idleTimeout.components.seconds) * 1_000_000_000
                                                                                                + config.idleTimeout.components.attoseconds / 1_000_000_000))),
                    configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil, backlog: 1024),
                    logger: logger)
    }

    // MARK: pages

    func page(_ name: String, title: String, _ context: WebContext, _ values: [String: Any], flash: String? = nil,
              status: HTTPResponse.Status = .ok, path: String = "/") -> Response {
        let t = Pages.t(context.lang)
        var v = values
        v["t"] = t
        v["csrf"] = context.csrf
        let body = Pages.render(name, v)
        var layout: [String: Any] = ["t": t, "lang": context.lang.rawValue, "title": title, "style": Pages.style, "body": body,
                                     "csrf": context.csrf, "path": path,
                                     "otherLang": context.lang == .vi ? "en" : "vi", "otherLangLabel": context.lang == .vi ? "English" : "Tiếng Việt"]
        if let flash { layout["flash"] = flash }
        if let a = context.account {
            var acc: [String: Any] = ["name": a.name, "isUnit": a.role == .unit, "isProvince": a.role == .province]
            if let code = a.unitCode, let u = template.unit(code) { acc["unitName"] = FormBuilder.unitTitle(u) }
            layout["account"] = acc
        }
        return Self.html(Pages.render("layout", layout), status: status)
    }

    static func html(_ s: String, status: HTTPResponse.Status = .ok) -> Response {
        var h = HTTPFields()
        h[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: s)))
    }

    static func download(_ data: Data, name: String, type: String) -> Response {
        var h = HTTPFields()
        h[.contentType] = type
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? ascii
        h[.contentDisposition] = "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func words(_ context: WebContext, _ vi: String, _ en: String) -> String { context.lang == .vi ? vi : en }

    func time(_ iso: String) -> String { UnitStatus.localTime(iso) }

    /// A redirect target only when it is a path on this site, else "/": it starts with a
    /// single "/", and neither it nor its percent-decoded form holds "//", a backslash, a
    /// control or format character or white space (browsers drop a tab or newline and
    /// read "/\t/evil.example" as "//evil.example", another site).
    public static func sameOriginPath(_ given: String?) -> String {
        guard let given, !given.isEmpty, given.utf8.count <= 2000 else { return "/" }
        var forms = [given]
        var text = given
        for _ in 0..<3 {   // decoded again: "%252F" is "%2F" is "/"
            guard let d = text.removingPercentEncoding, d != text else { break }
            forms.append(d); text = d
        }
        for f in forms {
            guard f.hasPrefix("/"), !f.hasPrefix("//"), !f.contains("//"), !f.contains("\\") else { return "/" }
            for u in f.unicodeScalars {
                let c = u.properties.generalCategory
                if c == .control || c == .format || c == .lineSeparator || c == .paragraphSeparator || c == .spaceSeparator
                    || u.properties.isWhitespace { return "/" }
            }
        }
        return given
    }

    /// The pages' one script, from this site (the CSP allows no other and nothing inline):
    /// an upload shows its progress and a form's button cannot be pressed twice. Without
    /// it every form still works.
    static func script() -> Response {
        var h = HTTPFields()
        h[.contentType] = "text/javascript; charset=utf-8"
        h[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: Pages.script)))
    }

    // MARK: health and language

    func health() async throws -> Response {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        h[.cacheControl] = "no-store"
        do {
            let n = try store.uploadCount()
            return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\",\"template\":\(CellText.jsonString(template.id)),\"uploads\":\(n)}\n")))
        } catch {
            return Response(status: .serviceUnavailable, headers: h, body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"store unavailable\"}\n")))
        }
    }

    func switchLanguage(_ request: Request) -> Response {
        let to = request.uri.queryParameters.get("to") == "en" ? "en" : "vi"
        let back = Self.sameOriginPath(request.uri.queryParameters.get("back"))
        var r = Response.redirect(to: back, type: .found)
        r.setCookie(Cookie(name: "thop_lang", value: to, maxAge: 365 * 24 * 3600, path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .lax))
        return r
    }

    // MARK: request helpers

    func formBody(_ request: Request) async throws -> [String: String] {
        formFields(try await readBody(request, upTo: 64 * 1024))
    }

    /// A request's body, at most `upTo` bytes and within the request timeout: a client
    /// sending a byte now and then (each within the idle timeout) is answered 408.
    func readBody(_ request: Request, upTo: Int) async throws -> ByteBuffer {
        let body = request.body, limit = config.requestTimeout
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: upTo) }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw PageError(status: .requestTimeout, vi: "Gửi dữ liệu quá chậm; yêu cầu bị hủy. Hãy thử lại.",
                                en: "The data came too slowly; the request was dropped. Try again.", back: "/")
            }
            return buffer
        }
    }

    func checkCSRF(_ fields: [String: String], _ context: WebContext) throws {
        guard Secrets.same(fields["csrf"] ?? "", context.csrf) else {
            throw PageError(status: .forbidden, vi: "Biểu mẫu trên trang đã cũ hoặc không hợp lệ (mã chống giả mạo). Hãy tải lại trang rồi làm lại.",
                            en: "The page's form is stale or not valid (anti-forgery token). Reload the page and try again.", back: "/")
        }
    }

    func remoteAddress(_ request: Request, _ context: WebContext) -> String {
        Self.clientAddress(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!],
                           trustProxy: config.trustProxy)
    }

    /// The client's address. Behind a proxy (`--trust-proxy`, the proxy on this machine):
    /// the right-most X-Forwarded-For entry that is not the loopback — the address the
    /// proxy itself saw and appended (nginx's `$proxy_add_x_forwarded_for`). Entries to
    /// its left were sent by the client and may be forged. The header is believed only
    /// from a peer on the loopback (or no peer, as in a test).
    public static func clientAddress(peer: String?, forwardedFor: [String], trustProxy: Bool) -> String {
        let direct = peer ?? "-"
        guard trustProxy, peer == nil || isLoopback(direct) else { return direct }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for e in entries.reversed() where !e.isEmpty {
            guard e.utf8.count <= 64, e.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isASCIIHexDigit || ".:[]".unicodeScalars.contains($0)) })
            else { return direct }   // not an address: a forged or broken header
            if !isLoopback(e) { return e }
        }
        return entries.last(where: { !$0.isEmpty }) ?? direct
    }

    static func isLoopback(_ a: String) -> Bool { a.hasPrefix("127.") || a == "::1" || a.hasPrefix("::ffff:127.") }

    func unitOf(_ context: WebContext) throws -> (Account, String) {
        guard let a = context.account, a.role == .unit, let code = a.unitCode else { throw PageError(status: .forbidden, vi: "Không có quyền.", en: "Not allowed.") }
        return (a, code)
    }

    func period(_ request: Request, open: Bool) throws -> Period {
        guard let text = request.uri.queryParameters.get("period"), let p = Period(text) else {
            if let first = openPeriods.first { return first }
            throw PageError(status: .badRequest, vi: "Thiếu kỳ báo cáo.", en: "No period given.")
        }
        if open, !openPeriods.contains(p) {
            throw PageError(status: .notFound, vi: "Kỳ \(p.label(.vi)) không mở nhận báo cáo.", en: "\(p.label(.en)) is not open.", back: "/")
        }
        return p
    }

}

/// True at most once per interval: for housekeeping done on the way.
actor Every {
    let seconds: TimeInterval
    private var last: Date?
    init(seconds: TimeInterval) { self.seconds = seconds }

    func take(now: Date = Date()) -> Bool {
        if let last, now.timeIntervalSince(last) < seconds { return false }
        last = now
        return true
    }
}
