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
    let throttle = LoginThrottle()
    let summaries = SummaryCache()
    let logger: Logger

    public init(config: WebConfig, logger: Logger = Logger(label: "tonghop.web")) throws {
        self.config = config
        self.logger = logger
        store = try Store(path: config.db, mode: .readWrite)
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
        unit.get("/upload/:id") { _, context in try await self.report(context) }
        unit.get("/upload/:id/annotated") { _, context in try await self.annotated(context) }
        unit.post("/upload/:id/submit") { request, context in try await self.submit(request, context) }

        let province = router.group("/province").add(middleware: RequireRole(role: .province))
        province.get("") { _, context in try await self.provinceHome(context) }
        province.get("/findings") { request, context in try await self.findings(request, context) }
        province.get("/unit/:code") { request, context in try await self.unitDetail(request, context) }
        province.post("/return") { request, context in try await self.returnSubmission(request, context) }
        province.get("/summary") { request, context in try await self.summary(request, context) }
        province.get("/scorecard") { request, context in try await self.scorecard(request, context) }
        province.get("/audit") { _, context in try await self.auditPage(context) }
        return router
    }

    public func application() -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil),
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
        var back = request.uri.queryParameters.get("back") ?? "/"
        // Only a path on this site: never an address elsewhere.
        if !back.hasPrefix("/") || back.hasPrefix("//") || back.contains("\\") { back = "/" }
        var r = Response.redirect(to: back, type: .found)
        r.setCookie(Cookie(name: "thop_lang", value: to, maxAge: 365 * 24 * 3600, path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .lax))
        return r
    }

    // MARK: login

    func loginPage(_ request: Request, _ context: WebContext, name: String = "", flash: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        if context.account != nil, flash == nil { return Response.redirect(to: "/", type: .found) }
        // The login form's CSRF token: a random cookie the form repeats (no session yet).
        let token = Secrets.token()
        var r = page("login", title: words(context, "Đăng nhập", "Log in"), context, ["loginToken": token, "name": name], flash: flash,
                     status: status, path: "/login")
        r.setCookie(Cookie(name: "thop_login", value: token, path: "/login", secure: config.secureCookies, httpOnly: true, sameSite: .strict))
        return r
    }

    func login(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = fields["password"] ?? ""
        guard let cookie = request.cookies["thop_login"]?.value, Secrets.same(String(cookie), fields["csrf"] ?? "") else {
            throw PageError(status: .forbidden, vi: "Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Hãy tải lại trang đăng nhập.",
                            en: "The login form expired or is not valid. Reload the login page.", back: "/login")
        }
        let remote = remoteAddress(request, context)
        let keys = LoginThrottle.keys(name: name, address: remote)
        if let wait = await throttle.wait(keys) {
            try? store.audit(account: name, action: "login-throttled", remote: remote)
            return loginPage(request, context, name: name, flash: words(context, "Đăng nhập sai quá nhiều lần. Hãy thử lại sau \((wait + 59) / 60) phút.",
                                                                         "Too many failed logins. Try again in \((wait + 59) / 60) minutes."),
                             status: .tooManyRequests)
        }
        let account = try store.account(named: name)
        let hash = account?.passwordHash ?? Secrets.decoy
        let ok = try await offload { Bcrypt.verify(password, hash: hash) }
        guard ok, let account, !account.disabled, !name.isEmpty, password.count <= 200 else {
            await throttle.fail(keys)
            try? store.audit(account: name.isEmpty ? nil : String(name.prefix(100)), action: "login-failed", remote: remote)
            return loginPage(request, context, name: name, flash: words(context, "Sai tài khoản hoặc mật khẩu (hoặc tài khoản đã bị khóa).",
                                                                         "Wrong account or password (or the account is disabled)."),
                             status: .unauthorized)
        }
        await throttle.succeed(keys)
        try? store.sessionPurge()
        context.sessions.createSession(WebSession(account: account.id, stamp: account.passwordStamp, csrf: Secrets.token()))
        try store.audit(account: account.name, action: "login", remote: remote)
        var r = Response.redirect(to: account.role == .province ? "/province" : "/unit", type: .normal)
        r.setCookie(Cookie(name: "thop_login", value: "", maxAge: 0, path: "/login", secure: config.secureCookies, httpOnly: true, sameSite: .strict))
        return r
    }

    func logout(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        if let a = context.account {
            try checkCSRF(fields, context)
            try store.audit(account: a.name, action: "logout", remote: remoteAddress(request, context))
        }
        context.sessions.clearSession()
        return Response.redirect(to: "/login", type: .normal)
    }

    // MARK: own password

    func passwordPage(_ context: WebContext, flash: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        guard context.account != nil else { return Response.redirect(to: "/login", type: .found) }
        return page("password", title: words(context, "Đổi mật khẩu", "Change password"), context, [:], flash: flash, status: status,
                    path: "/account/password")
    }

    /// The officer's own password: the current one, then the new one twice (8–200
    /// characters). Other sessions of the account end; this one continues under a new id.
    func changePassword(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        guard let a = context.account else {
            throw PageError(status: .unauthorized, vi: "Phiên làm việc đã hết; hãy đăng nhập lại.", en: "Your session ended; log in again.", back: "/login")
        }
        try checkCSRF(fields, context)
        let current = fields["current"] ?? "", new = fields["new"] ?? "", again = fields["again"] ?? ""
        let hash = a.passwordHash
        guard try await offload({ Bcrypt.verify(current, hash: hash) }) else {
            try? store.audit(account: a.name, action: "passwd-failed", remote: remoteAddress(request, context))
            return try passwordPage(context, flash: words(context, "Mật khẩu hiện tại không đúng.", "The current password is wrong."), status: .unauthorized)
        }
        guard new == again else {
            return try passwordPage(context, flash: words(context, "Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ."), status: .badRequest)
        }
        guard new.count >= 8, new.count <= 200, new != current else {
            return try passwordPage(context, flash: words(context, "Mật khẩu mới cần từ 8 đến 200 ký tự và khác mật khẩu cũ.",
                                                          "The new password needs 8 to 200 characters and must differ from the old one."), status: .badRequest)
        }
        let newHash = try await offload { Bcrypt.hash(new, cost: 12) }
        _ = try store.setPassword(name: a.name, passwordHash: newHash)
        try store.audit(account: a.name, action: "passwd", remote: remoteAddress(request, context))
        let stamp = try store.account(id: a.id)?.passwordStamp ?? ""
        context.sessions.createSession(WebSession(account: a.id, stamp: stamp, csrf: Secrets.token()))
        return Response.redirect(to: a.role == .province ? "/province" : "/unit", type: .normal)
    }

    // MARK: request helpers

    func formBody(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return formFields(buffer)
    }

    func checkCSRF(_ fields: [String: String], _ context: WebContext) throws {
        guard Secrets.same(fields["csrf"] ?? "", context.csrf) else {
            throw PageError(status: .forbidden, vi: "Biểu mẫu trên trang đã cũ hoặc không hợp lệ (mã chống giả mạo). Hãy tải lại trang rồi làm lại.",
                            en: "The page's form is stale or not valid (anti-forgery token). Reload the page and try again.", back: "/")
        }
    }

    func remoteAddress(_ request: Request, _ context: WebContext) -> String {
        if config.trustProxy, let f = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").first {
            return f.trimmingCharacters(in: .whitespaces)
        }
        return context.remoteAddress?.ipAddress ?? "-"
    }

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

    // MARK: the unit's pages

    func unitHome(_ context: WebContext) async throws -> Response {
        let (_, code) = try unitOf(context)
        let lang = context.lang
        var periods: [[String: Any]] = []
        var title = code
        for p in openPeriods {
            guard let u = template.unit(code, for: p), u.reports else { continue }
            title = FormBuilder.unitTitle(u)
            let d = try await summaries.get(self, p)
            let st = d.status.first { $0.unit.code == code }
            var row: [String: Any] = ["label": p.label(lang), "key": p.description, "canForm": true,
                                      "deadline": template.deadline(for: p).map(UnitStatus.vietDate) ?? "—"]
            let (state, cls, detail) = describe(st, lang)
            row["state"] = state; row["cls"] = cls
            if let detail { row["detail"] = detail }
            if let r = try store.openReturns(template: template.id, period: p.description)[code] {
                row["returned"] = words(context, "Tỉnh trả lại (\(time(r.at))): \(r.comment)", "Returned by the province (\(time(r.at))): \(r.comment)")
            }
            periods.append(row)
        }
        let uploads: [[String: Any]] = try store.uploads(unit: code, template: template.id).map { u in
            ["id": u.id, "time": time(u.uploadedAt), "file": u.fileName, "period": u.period.flatMap(Period.init)?.label(lang) ?? "—",
             "result": u.submissionID != nil ? words(context, "Đã nộp", "Submitted")
                : u.submittedAt != nil ? words(context, "Đã nộp (không đổi)", "Submitted (unchanged)")
                : u.errors > 0 ? words(context, "\(u.errors) lỗi", "\(u.errors) error\(u.errors == 1 ? "" : "s")")
                : words(context, "Hợp lệ, chưa nộp", "Valid, not submitted"),
             "cls": u.errors > 0 ? "bad" : u.submittedAt != nil ? "ok" : "warn"]
        }
        let history = try historyRows(code, nil, context)
        return page("unit", title: title, context, ["unitTitle": title, "periods": periods, "uploads": uploads, "hasUploads": !uploads.isEmpty,
                                                    "history": history, "hasHistory": !history.isEmpty], path: "/unit")
    }

    func historyRows(_ code: String, _ period: Period?, _ context: WebContext) throws -> [[String: Any]] {
        try store.history(template: template.id, unit: code, period: period?.description).map { h in
            var row: [String: Any] = ["period": Period(h.period)?.label(context.lang) ?? h.period, "revision": h.revision, "time": time(h.importedAt),
                                      "file": h.fileName, "state": h.current ? words(context, "Hiện hành", "Current") : words(context, "Đã thay", "Superseded")]
            if let r = h.returned.last { row["returned"] = words(context, "Trả lại: \(r.comment)", "Returned: \(r.comment)") }
            return row
        }
    }

    /// A unit's status in a period as a short label, a class and a detail line.
    func describe(_ st: UnitStatus?, _ lang: Language) -> (String, String, String?) {
        let vi = lang == .vi
        guard let st else { return (vi ? "Không phải báo cáo" : "Not expected", "", nil) }
        if let s = st.submission {
            let late = st.daysLate.map { vi ? " — muộn \($0) ngày" : " — \($0) day\($0 == 1 ? "" : "s") late" } ?? ""
            return (vi ? "Đã nộp" : "Received", st.daysLate == nil ? "ok" : "warn",
                    (vi ? "lần \(s.revision), \(time(s.importedAt))" : "revision \(s.revision), \(time(s.importedAt))") + late)
        }
        if let r = st.rejection {
            return (vi ? "Bị từ chối" : "Rejected", "bad", (vi ? r.firstError : r.firstErrorEN))
        }
        if let late = st.daysLate { return (vi ? "Chưa nộp — quá hạn \(late) ngày" : "Missing — \(late) day\(late == 1 ? "" : "s") overdue", "bad", nil) }
        return (vi ? "Chưa nộp" : "Not received", "warn", nil)
    }

    func unitForm(_ request: Request, _ context: WebContext) async throws -> Response {
        let (a, code) = try unitOf(context)
        let p = try period(request, open: true)
        guard let u = template.unit(code, for: p), u.reports else {
            throw PageError(status: .notFound, vi: "Đơn vị không báo cáo kỳ \(p.label(.vi)).", en: "The unit does not report for \(p.label(.en)).", back: "/unit")
        }
        let t = template, s = store
        let data: Data = try await offload {
            var previous: [String: (value: Double, comment: String)] = [:]
            if t.previousColumn != nil, let cross = try? CrossReform.load(template: t, period: p, store: s) {
                previous = cross.prefill(for: u).values
            }
            return try withTemporaryFolder { dir in
                let path = dir + "/form.xlsx"
                try FormBuilder.writeXLSX(template: t, unit: u, period: p, path: path, previous: previous)
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        try store.audit(account: a.name, action: "form", detail: p.description, remote: remoteAddress(request, context))
        return Self.download(data, name: FormBuilder.fileName(template: template, unit: u, period: p, ext: "xlsx"),
                             type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    }

    /// Reads and validates an uploaded file with the command line's code; a submission of
    /// another unit, or of a period not open, gets an error finding of its own. `body` sees
    /// the file on disk with the submissions and their findings (the web's included), so
    /// what is shown and what is imported are checked alike.
    func check(_ bytes: [UInt8], name: String, unit code: String, keepSheets: Bool = false,
               body: ((String, Template?, [(Submission, [Finding])]) throws -> Void)? = nil) throws -> (Period?, [Finding]) {
        let reader = self.reader, open = openPeriods, t = template
        return try withTemporaryFolder { dir in
            let path = dir + "/" + name
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw PageError(status: .internalServerError, vi: "Không ghi được tệp tạm.", en: "Cannot write a temporary file.")
            }
            let (checkedTemplate, read) = BatchCheck.check(path, reader: reader, keepSheets: keepSheets)
            let subs = read.map { s, found -> (Submission, [Finding]) in
                var f = found.map { var x = $0; x.file = name; return x }
                if let u = s.unit, u.code != code {
                    f.append(Finding(.otherUnit, file: name,
                                     vi: "Đây là biểu của \(FormBuilder.unitTitle(u)) (mã \(u.code)); tài khoản này chỉ nộp báo cáo của đơn vị mình. Không lưu số liệu nào.",
                                     en: "This is the form of \(FormBuilder.unitTitle(u)) (code \(u.code)); this account submits only its own unit's reports. Nothing is stored."))
                }
                if let p = s.period, !open.contains(p) {
                    f.append(Finding(.periodClosed, file: name,
                                     vi: "Biểu ghi kỳ \(p.label(.vi)); kỳ này không mở nhận báo cáo (đang nhận: \(open.map { $0.label(.vi) }.joined(separator: ", "))).",
                                     en: "The form is for \(p.label(.en)), which is not open (open: \(open.map { $0.label(.en) }.joined(separator: ", ")))."))
                }
                return (s, f)
            }
            var findings = subs.flatMap(\.1)
            if subs.isEmpty {
                findings.append(Finding(.tableNotFound, file: name, vi: "Không đọc được biểu nào trong tệp.", en: "No form found in the file."))
            }
            try body?(path, checkedTemplate ?? t, subs)
            return (subs.lazy.compactMap(\.0.period).first, findings)
        }
    }

    func upload(_ request: Request, _ context: WebContext) async throws -> Response {
        let (a, code) = try unitOf(context)
        if let len = request.headers[.contentLength].flatMap(Int.init), len > config.maxUpload + 65536 { throw tooLarge() }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: config.maxUpload + 65536) } catch let e as HTTPError where e.status == .contentTooLarge {
            throw tooLarge()
        }
        let parts = try Multipart.parse(buffer, contentType: request.headers[.contentType] ?? "")
        let fields = Dictionary(parts.filter { $0.fileName == nil }.map { ($0.name, String(decoding: $0.body, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        try checkCSRF(fields, context)
        guard let file = parts.first(where: { $0.name == "file" }), !file.body.isEmpty else {
            throw PageError(status: .badRequest, vi: "Chưa chọn tệp.", en: "No file chosen.", back: "/unit")
        }
        guard file.body.count <= config.maxUpload else { throw tooLarge() }
        guard let kind = UploadKind.sniff(file.body) else {
            try? store.audit(account: a.name, action: "upload-refused", detail: "not a spreadsheet", remote: remoteAddress(request, context))
            throw PageError(status: .unsupportedMediaType,
                            vi: "Tệp này không phải bảng tính (Excel .xlsx, .xls hoặc .csv). Hãy gửi tệp biểu đã điền.",
                            en: "This file is not a spreadsheet (Excel .xlsx, .xls or .csv). Upload the filled form.", back: "/unit")
        }
        let name = safeFileName(file.fileName, kind: kind)
        let body = file.body
        let (period, findings) = try await offload { try self.check(body, name: name, unit: code) }
        let id = try store.addUpload(account: a.id, unitCode: code, templateID: template.id, period: period?.description, fileName: name,
                                     kind: kind.rawValue, content: Data(body), findings: findings)
        try store.audit(account: a.name, action: "upload", detail: "#\(id) \(name): \(findings.filter { $0.severity == .error }.count) errors",
                        remote: remoteAddress(request, context))
        return Response.redirect(to: "/unit/upload/\(id)", type: .normal)
    }

    func tooLarge() -> PageError {
        PageError(status: .contentTooLarge, vi: "Tệp quá lớn: tối đa \(config.maxUpload / (1024 * 1024)) MB.",
                  en: "The file is too large: at most \(config.maxUpload / (1024 * 1024)) MB.", back: "/unit")
    }

    /// The upload named in the path, if it is this unit's (another unit's is "not found").
    func ownUpload(_ context: WebContext) throws -> (Account, String, Upload) {
        let (a, code) = try unitOf(context)
        guard let id = context.parameters.get("id").flatMap(Int64.init), let u = try store.upload(id: id), u.unitCode == code,
              u.templateID == template.id else {
            throw PageError(status: .notFound, vi: "Không có tệp này.", en: "No such upload.", back: "/unit")
        }
        return (a, code, u)
    }

    func report(_ context: WebContext, flash: String? = nil) async throws -> Response {
        let (_, code, u) = try ownUpload(context)
        let lang = context.lang, vi = lang == .vi
        var severities: [[String: Any]] = []
        let report = FileReport(file: u.fileName, unit: nil, period: nil, templateID: nil, templateVersion: nil, findings: u.findings)
        for (sev, label, cls) in [(Rule.Severity.error, vi ? "Lỗi" : "Errors", "bad"), (.warning, vi ? "Cảnh báo" : "Warnings", "warn"),
                                  (.info, vi ? "Thông tin" : "Information", "muted")] {
            let items = report.findings.filter { $0.severity == sev }
            guard !items.isEmpty else { continue }
            var groups: [(String, [Finding])] = []
            for f in items {
                if let i = groups.firstIndex(where: { $0.0 == f.code }) { groups[i].1.append(f) } else { groups.append((f.code, [f])) }
            }
            severities.append(["label": label, "cls": cls, "count": items.count, "groups": groups.map { code, fs in
                ["code": code, "title": FindingCode(rawValue: code)?.title(lang) ?? code, "count": fs.count, "open": sev != .info,
                 "items": fs.map { f in
                     var item = ["message": f.message(lang)]
                     if let cell = f.cell { item["place"] = "\(f.sheet.map { "\($0)!" } ?? "")\(cell)" }
                     return item
                 }] as [String: Any]
            }])
        }
        let unitName = template.unit(code).map(FormBuilder.unitTitle) ?? code
        var v: [String: Any] = [
            "id": u.id, "file": u.fileName, "severities": severities, "annotated": !u.findings.isEmpty,
            "who": "\(unitName)\(u.period.flatMap(Period.init).map { " — " + $0.label(lang) } ?? "") · \(time(u.uploadedAt))",
            "verdict": u.errors == 0 ? (vi ? "HỢP LỆ" : "VALID") : (vi ? "KHÔNG HỢP LỆ" : "NOT VALID"),
            "verdictClass": u.errors == 0 ? "ok" : "bad",
            "counts": vi ? "\(u.errors) lỗi, \(u.warnings) cảnh báo, \(u.infos) thông tin"
                : "\(u.errors) error\(u.errors == 1 ? "" : "s"), \(u.warnings) warning\(u.warnings == 1 ? "" : "s"), \(u.infos) info",
        ]
        if let at = u.submittedAt {
            v["submitted"] = vi ? "Đã nộp lúc \(time(at))." : "Submitted at \(time(at))."
        } else if u.errors == 0 {
            v["canSubmit"] = true
        } else {
            v["blocked"] = vi ? "Sửa các lỗi trong tệp rồi gửi lại tệp đã sửa để kiểm tra; chỉ nộp được khi không còn lỗi."
                : "Fix the errors in the file and upload the fixed file; it can be submitted once there are no errors."
        }
        return page("report", title: u.fileName, context, v, flash: flash, path: "/unit/upload/\(u.id)")
    }

    func annotated(_ context: WebContext) async throws -> Response {
        let (_, code, u) = try ownUpload(context)
        guard let content = try store.uploadContent(id: u.id), let kind = UploadKind(rawValue: u.kind) else {
            throw PageError(status: .notFound, vi: "Không có tệp này.", en: "No such upload.", back: "/unit")
        }
        let name = u.fileName
        let data: Data = try await offload {
            var out = Data()
            _ = try self.check(Array(content), name: name, unit: code, keepSheets: true) { path, t, subs in
                guard let (s, f) = subs.first(where: { $0.0.sheetData != nil }) else { return }
                let report = FileReport(file: s.file, unit: s.unit, period: s.period, templateID: t?.id, templateVersion: t?.version, findings: f)
                let target = (path as NSString).deletingLastPathComponent + "/annotated.xlsx"
                let inPlace = kind == .xlsx ? try PackageAnnotator.write(s, report: report, template: t, source: path, to: target) : false
                if !inPlace {
                    try Annotator.write(s, report: report, template: t, to: target)
                }
                out = try Data(contentsOf: URL(fileURLWithPath: target))
            }
            return out
        }
        guard !data.isEmpty else {
            throw PageError(status: .notFound, vi: "Không lập được bản đánh dấu cho tệp này (không đọc được bảng số liệu).",
                            en: "No marked copy for this file (its table could not be read).", back: "/unit/upload/\(u.id)")
        }
        let base = (name as NSString).deletingPathExtension
        return Self.download(data, name: "\(base)_kiem-tra.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    }

    func submit(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        try checkCSRF(fields, context)
        let (a, code, u) = try ownUpload(context)
        guard u.submittedAt == nil else { return Response.redirect(to: "/unit/upload/\(u.id)", type: .normal) }
        guard u.errors == 0, let content = try store.uploadContent(id: u.id) else {
            throw PageError(status: .conflict, vi: "Tệp còn lỗi, chưa nộp được.", en: "The file has errors and cannot be submitted.", back: "/unit/upload/\(u.id)")
        }
        let store = self.store, name = u.fileName
        // Checked again with the same code as `tonghop import`, then imported as a new revision.
        let outcomes: [ImportOutcome] = try await offload {
            var result: [ImportOutcome] = []
            _ = try self.check(Array(content), name: name, unit: code) { path, t, subs in
                guard let t else { return }
                result = try store.importFile(path: path, displayName: name, template: t, submissions: subs,
                                              contentHash: Store.sha256(content))
                try store.recordRejections(result, template: t.id, contentHash: Store.sha256(content))
            }
            return result
        }
        guard !outcomes.isEmpty, outcomes.allSatisfy({ $0.status != .rejected }) else {
            try store.audit(account: a.name, action: "submit-rejected", detail: "#\(u.id)", remote: remoteAddress(request, context))
            throw PageError(status: .conflict, vi: "Tệp không qua kiểm tra khi nộp; chưa nộp.", en: "The file failed the check on submission; nothing was submitted.",
                            back: "/unit/upload/\(u.id)")
        }
        let period = outcomes.first?.period ?? u.period ?? ""
        let sid = try store.currentSubmissionID(template: template.id, unit: code, period: period)
        try store.markSubmitted(upload: u.id, submission: outcomes.contains { $0.status != .unchanged } ? sid : nil)
        await summaries.invalidate()
        let what = outcomes.map { "\($0.status.rawValue) \($0.period ?? "") r\($0.revision ?? 0)" }.joined(separator: ", ")
        try store.audit(account: a.name, action: "submit", detail: "#\(u.id) \(name): \(what)", remote: remoteAddress(request, context))
        return Response.redirect(to: "/unit/upload/\(u.id)", type: .normal)
    }

    // MARK: the province's pages

    func provinceHome(_ context: WebContext) async throws -> Response {
        let lang = context.lang
        var periods: [[String: Any]] = []
        var rows: [String: (order: Int, name: String, code: String, cells: [String: [String: Any]])] = [:]
        let open = openPeriods
        for (pi, p) in open.enumerated() {
            let d = try await summaries.get(self, p)
            let returns = try store.openReturns(template: template.id, period: p.description)
            let received = d.status.filter(\.received).count
            var period: [String: Any] = ["label": p.label(lang), "key": p.description,
                                         "received": words(context, "đã nhận \(received)/\(d.status.count)", "received \(received)/\(d.status.count)")]
            // Absent, not empty: an empty string is "true" to a Mustache section.
            if let due = template.deadline(for: p) { period["deadline"] = UnitStatus.vietDate(due) }
            periods.append(period)
            for (i, st) in d.status.enumerated() {
                let key = st.unit.code + "|" + st.unit.name
                var (state, cls, detail) = describe(st, lang)
                if st.received, let r = returns[st.unit.code] {
                    state = words(context, "Đã trả lại", "Returned"); cls = "bad"
                    detail = r.comment
                }
                var cell: [String: Any] = ["expected": true, "code": st.unit.code, "key": p.description, "state": state, "cls": cls]
                if let detail { cell["detail"] = detail }
                var row = rows[key] ?? (order: pi * 100_000 + i, name: FormBuilder.unitTitle(st.unit), code: st.unit.code, cells: [:])
                row.cells[p.description] = cell
                rows[key] = row
            }
        }
        let table: [[String: Any]] = rows.values.sorted { $0.order < $1.order }.map { r in
            ["name": r.name, "cells": open.map { r.cells[$0.description] ?? ["expected": false] }]
        }
        return page("province", title: words(context, "Tình hình nộp", "Submission status"), context,
                    ["heading": template.title, "periods": periods, "rows": table], path: "/province")
    }

    func findings(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        let lang = context.lang
        let d = try await summaries.get(self, p)
        var rows: [[String: Any]] = d.findings.map { f in
            ["unit": template.unit(f.unit, for: p).map(FormBuilder.unitTitle) ?? f.unit, "file": f.file, "code": f.finding.code,
             "cls": f.finding.severity == .error ? "bad" : f.finding.severity == .warning ? "warn" : "",
             "cell": f.finding.cell.map { "\(f.finding.sheet.map { "\($0)!" } ?? "")\($0)" } ?? "", "message": f.finding.message(lang)]
        }
        for st in d.status { if let r = st.rejection, !st.received {
            rows.append(["unit": FormBuilder.unitTitle(st.unit), "file": r.fileName, "code": words(context, "Từ chối", "Rejected"), "cls": "bad",
                         "cell": "", "message": lang == .vi ? r.firstError : r.firstErrorEN])
        } }
        return page("findings", title: words(context, "Kết quả kiểm tra", "Findings"), context,
                    ["heading": words(context, "Kết quả kiểm tra — \(p.label(.vi))", "Findings — \(p.label(.en))"), "rows": rows, "hasRows": !rows.isEmpty],
                    path: "/province/findings?period=\(p)")
    }

    func unitDetail(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        guard let code = context.parameters.get("code"), let u = template.unit(code, for: p) else {
            throw PageError(status: .notFound, vi: "Không có đơn vị này trong kỳ.", en: "No such unit in this period.", back: "/province")
        }
        let lang = context.lang
        let d = try await summaries.get(self, p)
        let st = d.status.first { $0.unit.code == code }
        let (state, cls, detail) = describe(st, lang)
        var v: [String: Any] = ["heading": "\(FormBuilder.unitTitle(u)) — \(p.label(lang))", "state": state, "cls": cls, "detail": detail ?? ""]
        if let r = try store.openReturns(template: template.id, period: p.description)[code] {
            v["returned"] = words(context, "Đã trả lại (\(time(r.at)), \(r.account)): \(r.comment)", "Returned (\(time(r.at)), \(r.account)): \(r.comment)")
        }
        if let sid = try store.currentSubmissionID(template: template.id, unit: code, period: p.description) {
            v["submissionID"] = sid
            let values = try store.values(submission: sid)
            var byIndicator: [String: [String: StoredValue]] = [:]
            for x in values { byIndicator[x.indicator, default: [:]][x.column] = x.value }
            let cols = template.columns
            v["columns"] = cols.map { $0.label(for: p, lang) }
            v["values"] = template.indicators(for: u).compactMap { ind -> [String: Any]? in
                guard let row = byIndicator[ind.code] else { return nil }
                return ["code": ind.code, "name": ind.name, "cells": cols.map { c -> [String: String] in
                    guard let sv = row[c.key] else { return ["text": "", "where": ""] }
                    return ["text": sv.written, "where": "\(sv.sheet.map { "\($0)!" } ?? "")\(sv.cell)"]
                }]
            }
            v["hasValues"] = !values.isEmpty
        }
        let history = try historyRows(code, p, context)
        v["history"] = history
        v["hasHistory"] = !history.isEmpty
        return page("unitDetail", title: FormBuilder.unitTitle(u), context, v, path: "/province/unit/\(code)?period=\(p)")
    }

    func returnSubmission(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        try checkCSRF(fields, context)
        guard let a = context.account, let id = fields["submission"].flatMap(Int64.init), let s = try store.submissionUnit(id: id),
              s.template == template.id, s.current else {
            throw PageError(status: .badRequest, vi: "Không có báo cáo hiện hành này.", en: "No such current submission.", back: "/province")
        }
        let comment = (fields["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !comment.isEmpty, comment.count <= 2000 else {
            throw PageError(status: .badRequest, vi: "Hãy ghi ý kiến (tối đa 2.000 ký tự) khi trả lại báo cáo.",
                            en: "Write a comment (at most 2,000 characters) when returning a report.", back: "/province/unit/\(s.unit)?period=\(s.period)")
        }
        try store.returnSubmission(id: id, account: a.name, comment: comment)
        await summaries.invalidate()
        try store.audit(account: a.name, action: "return", detail: "\(s.unit) \(s.period) #\(id)", remote: remoteAddress(request, context))
        return Response.redirect(to: "/province/unit/\(s.unit)?period=\(s.period)", type: .normal)
    }

    func summary(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        let format = request.uri.queryParameters.get("format") ?? "xlsx"
        let d = try await summaries.get(self, p)
        guard !d.status.filter(\.received).isEmpty else {
            throw PageError(status: .notFound, vi: "Chưa có báo cáo nào của kỳ \(p.label(.vi)).", en: "Nothing received for \(p.label(.en)) yet.", back: "/province")
        }
        let base = "tong-hop-\(template.id)-\(p)"
        try store.audit(account: context.account?.name, action: "summary", detail: "\(p) \(format)", remote: remoteAddress(request, context))
        switch format {
        case "xlsx":
            let data: Data = try await offload {
                try withTemporaryFolder { dir in
                    try SummaryWorkbook.write(d, to: dir + "/s.xlsx")
                    return try Data(contentsOf: URL(fileURLWithPath: dir + "/s.xlsx"))
                }
            }
            return Self.download(data, name: base + ".xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        case "csv": return Self.download(Data(SummaryExport.csv(d).utf8), name: base + ".csv", type: "text/csv; charset=utf-8")
        case "json": return Self.download(Data(SummaryExport.json(d).utf8), name: base + ".json", type: "application/json")
        default: throw PageError(status: .badRequest, vi: "Định dạng phải là xlsx, csv hoặc json.", en: "The format must be xlsx, csv or json.", back: "/province")
        }
    }

    func scorecard(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        let lang = context.lang
        let d = try await summaries.get(self, p)
        let cards = d.scorecards.filter { $0.rank > 0 }.sorted { $0.rank < $1.rank } + d.scorecards.filter { $0.rank == 0 }
        let rows: [[String: Any]] = cards.map { sc in
            ["rank": sc.rank > 0 ? "\(sc.rank)" : "—", "name": sc.unit.map { $0.level == .provincePart ? $0.name : FormBuilder.unitTitle($0) } ?? "",
             "headline": sc.headline(lang), "lagging": sc.lagging.map { "\($0.code) \($0.name)" }.joined(separator: "; ")]
        }
        let chart = Pages.chart(cards.filter { $0.rank > 0 }.map { sc in
            (sc.unit.map(\.name) ?? "", sc.share, "\(sc.met)/\(sc.assessed)")
        })
        let received = d.status.filter(\.received).count
        let province = received == d.status.count ? words(context, "Toàn tỉnh: ", "Province: ") + d.provinceScore.headline(lang)
            : words(context, "Toàn tỉnh: chưa đánh giá, số liệu chưa đầy đủ (\(received)/\(d.status.count) đơn vị)",
                    "Province: not assessed, data incomplete (\(received)/\(d.status.count) units)")
        return page("scorecard", title: words(context, "Chấm điểm", "Scorecard"), context,
                    ["heading": words(context, "Kết quả thực hiện kế hoạch — \(p.label(.vi))", "Plan attainment — \(p.label(.en))"),
                     "province": province, "chart": chart, "rows": rows], path: "/province/scorecard?period=\(p)")
    }

    func auditPage(_ context: WebContext) async throws -> Response {
        let rows: [[String: Any]] = try store.auditLog().map { ["at": time($0.at), "account": $0.account ?? "", "action": $0.action,
                                                                "detail": $0.detail ?? "", "remote": $0.remote ?? ""] }
        return page("audit", title: words(context, "Nhật ký", "Audit log"), context, ["rows": rows], path: "/province/audit")
    }
}

/// The consolidated period, kept until the next submission or return changes it.
/// At most a minute old, so an import from the command line and the days late of a
/// missing unit show without a restart.
actor SummaryCache {
    private var cache: [Period: (SummaryData, Date)] = [:]

    func get(_ service: WebService, _ p: Period) async throws -> SummaryData {
        if let (d, at) = cache[p], Date().timeIntervalSince(at) < 60 { return d }
        let t = service.template, s = service.store
        let d = try await offload { try SummaryData.load(template: t, period: p, store: s) }
        cache[p] = (d, Date())
        return d
    }

    func invalidate() { cache = [:] }
}
