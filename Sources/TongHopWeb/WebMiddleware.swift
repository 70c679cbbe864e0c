import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import NIOCore
import TongHop

/// One line a request: method, path (no query), status, milliseconds and the account
/// name — no address, no file names, nothing else personal.
struct RequestLog: RouterMiddleware {
    let service: WebService

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let ms = (ContinuousClock.now - start).components
            let total = Double(ms.seconds) * 1000 + Double(ms.attoseconds) / 1e15
            service.logger.info("\(request.method) \(request.uri.path) \(status) \(String(format: "%.1f", total)) ms")
        }
        let r = try await next(request, context)
        status = r.status.code
        return r
    }
}

/// Headers every page gets: no framing, no sniffing, no scripts from anywhere, nothing
/// cached (pages carry a unit's figures).
struct SecurityHeaders: RouterMiddleware {
    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var r = try await next(request, context)
        r.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        r.headers[.xContentTypeOptions] = "nosniff"
        r.headers[.init("X-Frame-Options")!] = "DENY"
        r.headers[.init("Referrer-Policy")!] = "same-origin"
        if r.headers[.cacheControl] == nil { r.headers[.cacheControl] = "no-store" }
        return r
    }
}

/// Errors as pages in the user's language with the right status; anything unexpected
/// is logged and shown as a 500 without its details. Used twice: outside the session
/// (its own failures, cross-site refusals) and inside, where the page still shows who is
/// logged in and the session is kept.
struct ErrorPages: RouterMiddleware {
    let service: WebService

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        if let l = request.cookies["thop_lang"]?.value { context.lang = l == "en" ? .en : .vi }
        do {
            return try await next(request, context)
        } catch let e as PageError {
            var v: [String: Any] = ["heading": context.lang == .vi ? "Không thực hiện được" : "Could not be done", "text": context.lang == .vi ? e.vi : e.en]
            if let back = e.back { v["back"] = back }   // absent, not "": an empty string opens a Mustache section
            return service.page("message", title: context.lang == .vi ? "Lỗi" : "Error", context, v, status: e.status)
        } catch let e as HTTPError {
            let (vi, en): (String, String)
            switch e.status {
            case .notFound: (vi, en) = ("Không có trang này.", "No such page.")
            case .contentTooLarge: (vi, en) = ("Nội dung gửi lên quá lớn.", "What was sent is too large.")
            case .methodNotAllowed: (vi, en) = ("Không làm được việc này ở địa chỉ này.", "Not allowed at this address.")
            default: (vi, en) = ("Yêu cầu không hợp lệ.", "The request is not valid.")
            }
            let status: HTTPResponse.Status = e.status.code >= 500 ? .badRequest : e.status
            return service.page("message", title: context.lang == .vi ? "Lỗi" : "Error", context,
                                ["heading": context.lang == .vi ? "Không thực hiện được" : "Could not be done", "text": context.lang == .vi ? vi : en, "back": "/"],
                                status: status)
        } catch is NIOTooManyBytesError {
            return service.page("message", title: context.lang == .vi ? "Lỗi" : "Error", context,
                                ["heading": context.lang == .vi ? "Không thực hiện được" : "Could not be done",
                                 "text": context.lang == .vi ? "Nội dung gửi lên quá lớn." : "What was sent is too large.", "back": "/"],
                                status: .contentTooLarge)
        } catch let e as StoreError {
            service.logger.error("store: \(e.message)")
            return service.page("message", title: "Lỗi", context,
                                ["heading": context.lang == .vi ? "Lỗi kho số liệu" : "Store error",
                                 "text": context.lang == .vi ? "Kho số liệu không ghi được lúc này; không có gì bị mất. Hãy thử lại sau ít phút."
                                     : "The store cannot be written just now; nothing was lost. Try again in a few minutes.", "back": "/"],
                                status: .serviceUnavailable)
        } catch {
            service.logger.error("unexpected: \(String(describing: type(of: error)))")
            return service.page("message", title: "Lỗi", context,
                                ["heading": context.lang == .vi ? "Lỗi máy chủ" : "Server error",
                                 "text": context.lang == .vi ? "Có lỗi ở máy chủ; không có gì bị mất. Hãy báo cho quản trị." : "A server error; nothing was lost. Tell the administrator.",
                                 "back": "/"], status: .internalServerError)
        }
    }
}

/// A state-changing request from another site is refused: the browser's Sec-Fetch-Site
/// or Origin must name this site (the CSRF token is checked on top of this).
struct SameOrigin: RouterMiddleware {
    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        if request.method == .post {
            if let site = request.headers[.init("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
                throw PageError(status: .forbidden, vi: "Yêu cầu từ trang khác bị từ chối.", en: "A request from another site was refused.")
            }
            if let origin = request.headers[.origin], origin != "null" {
                let host = request.head.authority ?? ""
                let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
                guard !host.isEmpty, originHost == host else {
                    throw PageError(status: .forbidden, vi: "Yêu cầu từ trang khác bị từ chối.", en: "A request from another site was refused.")
                }
            }
        }
        return try await next(request, context)
    }
}

/// The session's account, when the session is valid: the account exists, is not
/// disabled and its password has not changed since the session began. Also the page
/// language from the user's choice.
struct LoadAccount: RouterMiddleware {
    let service: WebService

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var ctx = context
        if let l = request.cookies["thop_lang"]?.value { ctx.lang = l == "en" ? .en : .vi }
        if let s = context.sessions.session {
            if let a = try service.store.account(id: s.account), !a.disabled, a.passwordStamp == s.stamp {
                ctx.account = a
                ctx.csrf = s.csrf
                // A handed-out password: nothing but setting one's own (and logging out).
                let path = request.uri.path
                if a.mustChangePassword, !["/account/password", "/logout", "/lang", "/static/page.js", "/health"].contains(path) {
                    if request.method == .get { return Response.redirect(to: "/account/password", type: .found) }
                    throw PageError(status: .forbidden, vi: "Hãy đặt mật khẩu của mình trước.", en: "Set your own password first.", back: "/account/password")
                }
            } else {
                context.sessions.clearSession()
            }
        }
        return try await next(request, ctx)
    }
}

/// Pages of one role: without a session, the login page; with another role's, refused.
struct RequireRole: RouterMiddleware {
    let role: Account.Role

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        guard let a = context.account else {
            if request.method == .get { return Response.redirect(to: "/login", type: .found) }
            throw PageError(status: .unauthorized, vi: "Phiên làm việc đã hết; hãy đăng nhập lại.", en: "Your session ended; log in again.", back: "/login")
        }
        guard a.role == role else {
            throw PageError(status: .forbidden, vi: "Tài khoản này không xem được trang này.", en: "This account cannot see this page.", back: "/")
        }
        return try await next(request, context)
    }
}
