import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import NIOCore
import SheetIO
import TongHop

/// Logging in and out, and an officer's own password.
extension WebService {
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
        let (wait, pause, counted) = try throttle.check(keys)
        if let wait {
            try? store.audit(account: String(name.prefix(100)), action: "login-throttled", remote: remote)
            let when = wait < 90 ? words(context, "\(wait) giây", "\(wait) seconds") : words(context, "\((wait + 59) / 60) phút", "\((wait + 59) / 60) minutes")
            var r = loginPage(request, context, name: name,
                              flash: words(context, "Đăng nhập sai nhiều lần từ máy này. Hãy chờ \(when) rồi thử lại (tài khoản không bị khóa; ở máy khác vẫn đăng nhập được).",
                                           "Several failed logins from this computer. Wait \(when), then try again (the account is not locked; it still logs in elsewhere)."),
                              status: .tooManyRequests)
            r.headers[.retryAfter] = "\(wait)"
            return r
        }
        if pause > 0 { try await Task.sleep(for: .milliseconds(Int(pause * 1000))) }
        let account = try store.account(named: name)
        let hash = account?.passwordHash ?? Secrets.decoy
        let ok = try await hashing.run { Passwords.verify(password, hash: hash) }
        guard ok, let account, !account.disabled, !name.isEmpty else {
            try throttle.fail(keys)
            try? store.audit(account: name.isEmpty ? nil : String(name.prefix(100)), action: "login-failed", remote: remote)
            return loginPage(request, context, name: name, flash: words(context, "Sai tài khoản hoặc mật khẩu (hoặc tài khoản đã bị khóa).",
                                                                         "Wrong account or password (or the account is disabled)."),
                             status: .unauthorized)
        }
        if counted { try throttle.succeed(keys) }   // no write when there is nothing to clear
        if await purgeDue.take() { try? store.sessionPurge() }
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
        guard let a = context.account else { return Response.redirect(to: "/login", type: .found) }
        let note = a.mustChangePassword ? words(context, "Mật khẩu được cấp chỉ dùng cho lần đăng nhập này: hãy đặt mật khẩu của mình (mật khẩu hiện tại là mật khẩu được cấp).",
                                                "The password you were given is for this login only: set your own (the current password is the one given).") : nil
        return page("password", title: words(context, "Đổi mật khẩu", "Change password"), context, [:], flash: flash ?? note, status: status,
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
        guard try await hashing.run({ Passwords.verify(current, hash: hash) }) else {
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
        let newHash = try await hashing.run { Passwords.hash(new) }
        _ = try store.setPassword(name: a.name, passwordHash: newHash)
        try store.audit(account: a.name, action: "passwd", remote: remoteAddress(request, context))
        let stamp = try store.account(id: a.id)?.passwordStamp ?? ""
        context.sessions.createSession(WebSession(account: a.id, stamp: stamp, csrf: Secrets.token()))
        return Response.redirect(to: a.role == .province ? "/province" : "/unit", type: .normal)
    }

}
