import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import NIOCore
import SheetIO
import TongHop

/// The province's administration: the audit log.
extension WebService {
    func auditPage(_ context: WebContext) async throws -> Response {
        let rows: [[String: Any]] = try store.auditLog().map { ["at": time($0.at), "account": $0.account ?? "", "action": $0.action,
                                                                "detail": $0.detail ?? "", "remote": $0.remote ?? ""] }
        return page("audit", title: words(context, "Nhật ký", "Audit log"), context, ["rows": rows], path: "/province/audit")
    }
}
