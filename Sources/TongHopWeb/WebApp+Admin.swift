import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import NIOCore
import SheetIO
import TongHop

/// The province's administration: the audit log (paged, filtered, in words), the
/// accounts and a unit's password reset.
extension WebService {
    /// The audit log's actions in words.
    static let actionNames: [String: (String, String)] = [
        "login": ("Đăng nhập", "Logged in"), "login-failed": ("Đăng nhập sai", "Failed login"),
        "login-throttled": ("Đăng nhập bị làm chậm", "Login slowed down"), "logout": ("Đăng xuất", "Logged out"),
        "passwd": ("Đổi mật khẩu", "Changed password"), "passwd-failed": ("Đổi mật khẩu sai", "Failed password change"),
        "form": ("Tải biểu mẫu", "Downloaded a form"), "upload": ("Gửi tệp kiểm tra", "Uploaded a file"),
        "upload-refused": ("Tệp bị từ chối", "Upload refused"), "submit": ("Nộp báo cáo", "Submitted"),
        "submit-rejected": ("Nộp không thành", "Submission refused"),
        "submit-unchanged-returned": ("Nộp lại tệp cũ sau khi bị trả", "Same file after a return"),
        "return": ("Trả lại báo cáo", "Returned a report"), "followup": ("Theo dõi số liệu bất thường", "Followed up an anomaly"), "summary": ("Tải biểu tổng hợp", "Downloaded the summary"),
        "user-add": ("Thêm tài khoản", "Account added"), "user-passwd": ("Đặt mật khẩu (dòng lệnh)", "Password set (command line)"),
        "user-disable": ("Khóa tài khoản", "Account disabled"), "user-enable": ("Mở lại tài khoản", "Account enabled"),
        "user-unlock": ("Xóa đăng nhập sai", "Failed logins cleared"), "user-import": ("Nhập tài khoản hàng loạt", "Accounts imported"),
        "password-reset": ("Tỉnh đặt lại mật khẩu", "Password reset by the province"),
    ]

    func actionName(_ action: String, _ lang: Language) -> String {
        guard let n = Self.actionNames[action] else { return action }
        return lang == .vi ? n.0 : n.1
    }

    func auditPage(_ request: Request, _ context: WebContext) async throws -> Response {
        let q = request.uri.queryParameters
        let perPage = 50
        let pageNo = max(1, min(100_000, q.get("page").flatMap(Int.init) ?? 1))
        let account = q.get("account").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        let action = q.get("action").flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        let (entries, total) = try store.auditEntries(account: account, action: action, limit: perPage, offset: (pageNo - 1) * perPage)
        let lang = context.lang
        let rows: [[String: Any]] = entries.map { ["at": time($0.at), "account": $0.account ?? "", "action": actionName($0.action, lang),
                                                   "detail": $0.detail ?? "", "remote": $0.remote ?? ""] }
        let pages = max(1, (total + perPage - 1) / perPage)
        func link(_ p: Int) -> String {
            var parts = ["page=\(p)"]
            if let account { parts.append("account=" + (account.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            if let action { parts.append("action=" + (action.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            return "/province/audit?" + parts.joined(separator: "&")
        }
        var v: [String: Any] = ["rows": rows, "account": account ?? "",
                                "actions": try store.auditActions().map { ["key": $0, "name": actionName($0, lang), "selected": $0 == action] },
                                "pageInfo": words(context, "Trang \(pageNo)/\(pages) — \(total) mục", "Page \(pageNo) of \(pages) — \(total) entries")]
        if pageNo > 1 { v["prev"] = link(pageNo - 1) }
        if pageNo < pages { v["next"] = link(pageNo + 1) }
        return page("audit", title: words(context, "Nhật ký", "Audit log"), context, v, path: "/province/audit")
    }

    // MARK: accounts

    func accountsPage(_ context: WebContext, flash: String? = nil, shown: (String, String)? = nil) throws -> Response {
        let lang = context.lang
        let rows: [[String: Any]] = try store.accounts().filter { $0.role == .unit }.map { a in
            ["name": a.name, "unit": a.unitCode.flatMap { template.unit($0) }.map(FormBuilder.unitTitle) ?? (a.unitCode ?? ""),
             "state": a.disabled ? (lang == .vi ? "Đã khóa" : "Disabled") : ""]
        }
        var v: [String: Any] = ["rows": rows]
        if let shown { v["resetName"] = shown.0; v["resetPassword"] = shown.1 }
        return page("accounts", title: words(context, "Tài khoản đơn vị", "Unit accounts"), context, v, flash: flash, path: "/province/accounts")
    }

    /// The province sets a new password for a unit's account (an officer who forgot
    /// theirs): shown once on this page, the account's sessions end and its failed
    /// logins are forgotten. Not for province accounts (the command line does those).
    func resetPassword(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        try checkCSRF(fields, context)
        guard let me = context.account, let name = fields["name"], let target = try store.account(named: name), target.role == .unit else {
            throw PageError(status: .badRequest, vi: "Không có tài khoản đơn vị này.", en: "No such unit account.", back: "/province/accounts")
        }
        let password = Passwords.generate()
        let hash = try await hashing.run { Passwords.hash(password) }
        _ = try store.setPassword(name: target.name, passwordHash: hash, mustChange: true)
        _ = try store.unlockLogin(name: target.name)
        try store.audit(account: me.name, action: "password-reset", detail: target.name, remote: remoteAddress(request, context))
        return try accountsPage(context, shown: (target.name, password))
    }
}
