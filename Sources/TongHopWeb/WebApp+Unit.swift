import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import NIOCore
import SheetIO
import TongHop

/// The unit's pages: the periods, the blank form, uploads, their reports and submission.
extension WebService {
    // MARK: the unit's pages

    func unitHome(_ context: WebContext) async throws -> Response {
        let (_, code) = try unitOf(context)
        let lang = context.lang
        var periods: [[String: Any]] = []
        var title = code
        for p in openPeriods {
            guard let u = reportingUnit(code, p) else { continue }
            title = FormBuilder.unitTitle(u)
            let d = try await summaries.get(self, p)
            let st = d.status.first { $0.unit.code == code }
            var row: [String: Any] = ["label": p.label(lang), "key": p.description, "canForm": true,
                                      "deadline": template.deadline(for: p).map(UnitStatus.vietDate) ?? "—"]
            var (state, cls, detail) = describe(st, lang)
            if st?.submission != nil, let r = try store.openReturns(template: template.id, period: p.description)[code] {
                state = words(context, "Tỉnh trả lại — cần nộp lại", "Returned — submit again"); cls = "bad"
                row["returned"] = words(context, "Ý kiến của tỉnh (\(time(r.at))): \(r.comment)", "The province's comment (\(time(r.at))): \(r.comment)")
                row["todo"] = words(context, "Sửa số liệu theo ý kiến trên, gửi tệp đã sửa để kiểm tra (bước 2) rồi nộp lại (bước 3). Nộp lại đúng tệp cũ không được nhận.",
                                    "Change the figures as the comment asks, upload the changed file (step 2) and submit it (step 3). The same file again is not accepted.")
            }
            row["state"] = state; row["cls"] = cls
            if let detail { row["detail"] = detail }
            if let due = template.deadline(for: p), let left = Self.daysLeft(due) {
                row["daysLeft"] = left > 0 ? words(context, "còn \(left) ngày", "\(left) day\(left == 1 ? "" : "s") left")
                    : left == 0 ? words(context, "hạn cuối hôm nay", "due today")
                    : words(context, "đã quá hạn \(-left) ngày", "\(-left) day\(left == -1 ? "" : "s") overdue")
                row["daysCls"] = left < 0 ? "bad" : left <= 3 ? "warn" : "muted"
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
        let questions = try openQuestions(code, context)
        return page("unit", title: title, context, ["unitTitle": title, "periods": periods, "uploads": uploads, "hasUploads": !uploads.isEmpty,
                                                    "history": history, "hasHistory": !history.isEmpty,
                                                    "questions": questions, "hasQuestions": !questions.isEmpty], path: "/unit")
    }

    /// The unit of this code that reports in the period: valid on the period's date (a
    /// district abolished in 2025 has no 2026 form; the command line refuses it too).
    func reportingUnit(_ code: String, _ p: Period) -> ReportingUnit? {
        guard let u = template.unit(code, on: p.referenceDate), u.reports else { return nil }
        return u
    }

    /// Days from today (Vietnam's date, UTC+7) to a "YYYY-MM-DD" deadline; negative when past.
    static func daysLeft(_ due: String, now: Date = Date()) -> Int? {
        let parts = due.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        guard let d = cal.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        return cal.dateComponents([.day], from: cal.startOfDay(for: now), to: d).day
    }

    /// A submission's receipt number: the period, the unit and the upload, e.g.
    /// "2024-111-000042" — quoted to the province if anything is in doubt.
    static func receipt(period: String?, unit: String, upload: Int64) -> String {
        "\(period ?? "-")-\(unit)-\(String(format: "%06lld", upload))"
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
        guard let u = reportingUnit(code, p) else {
            throw PageError(status: .notFound, vi: "Đơn vị không báo cáo kỳ \(p.label(.vi)) (đơn vị không còn trong danh mục của kỳ này, hoặc không phải báo cáo).",
                            en: "The unit does not report for \(p.label(.en)) (it is not in that period's list of units, or does not report).", back: "/unit")
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
                                     vi: "Đây là biểu của \(FormBuilder.unitTitle(u)) (mã \(u.code)); tài khoản này chỉ nộp báo cáo của đơn vị mình. Số liệu của tệp này không nộp được (tệp chỉ được giữ để xem kết quả kiểm tra).",
                                     en: "This is the form of \(FormBuilder.unitTitle(u)) (code \(u.code)); this account submits only its own unit's reports. Its figures cannot be submitted (the file is kept only to show these results)."))
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
        do { buffer = try await readBody(request, upTo: config.maxUpload + 65536) } catch let e as HTTPError where e.status == .contentTooLarge {
            throw tooLarge()
        }
        let parts = try Multipart.parse(buffer, contentType: request.headers[.contentType] ?? "")
        let fields = Dictionary(parts.filter { $0.fileName == nil }.map { ($0.name, String(decoding: $0.body, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        try checkCSRF(fields, context)
        guard let file = parts.first(where: { $0.name == "file" }), !(file.fileName ?? "").isEmpty || !file.body.isEmpty else {
            throw PageError(status: .badRequest, vi: "Chưa chọn tệp.", en: "No file chosen.", back: "/unit")
        }
        guard !file.body.isEmpty else {
            throw PageError(status: .badRequest,
                            vi: "Tệp \"\(safeFileName(file.fileName, kind: .csv).dropLast(4))\" trống (0 byte): có thể tệp chưa được lưu hoặc đang mở trong Excel. Hãy lưu tệp, đóng Excel rồi chọn lại.",
                            en: "The file \"\(safeFileName(file.fileName, kind: .csv).dropLast(4))\" is empty (0 bytes): it may not have been saved, or is still open in Excel. Save it, close Excel and choose it again.",
                            back: "/unit")
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
        try checkQuota(adding: body.count, unit: code, account: a.name, remote: remoteAddress(request, context))
        let (period, findings) = try await offload { try self.check(body, name: name, unit: code) }
        let id = try store.addUpload(account: a.id, unitCode: code, templateID: template.id, period: period?.description, fileName: name,
                                     kind: kind.rawValue, content: Data(body), findings: findings)
        try store.audit(account: a.name, action: "upload", detail: "#\(id) \(name): \(findings.filter { $0.severity == .error }.count) errors",
                        remote: remoteAddress(request, context))
        return Response.redirect(to: "/unit/upload/\(id)", type: .normal)
    }

    /// Room for one more file: the unit's files not submitted, and everyone's files, stay
    /// within their quotas (after forgetting uploads older than the keeping time).
    func checkQuota(adding size: Int, unit code: String, account: String, remote: String) throws {
        try store.purgeUploads(before: Date(timeIntervalSinceNow: -Double(config.keepDays) * 86_400))
        let mb = { (n: Int) in "\((n + 1024 * 1024 - 1) / (1024 * 1024))" }
        if try store.pendingUploadBytes(unit: code) + size > config.unitQuota {
            try? store.audit(account: account, action: "upload-refused", detail: "unit quota", remote: remote)
            throw PageError(status: .contentTooLarge,
                            vi: "Đơn vị đã gửi quá nhiều tệp chưa nộp (tối đa \(mb(config.unitQuota)) MB). Hãy nộp tệp hợp lệ, hoặc nhờ tỉnh dọn các tệp cũ.",
                            en: "The unit has uploaded too many files not submitted (at most \(mb(config.unitQuota)) MB). Submit a valid file, or ask the province to clear old ones.",
                            back: "/unit")
        }
        if try store.keptUploadBytes() + size > config.serverQuota {
            try? store.audit(account: account, action: "upload-refused", detail: "server quota", remote: remote)
            logger.error("upload refused: the server's upload quota (\(mb(config.serverQuota)) MB) is full")
            throw PageError(status: .init(code: 507, reasonPhrase: "Insufficient Storage"),
                            vi: "Máy chủ đã hết chỗ lưu tệp gửi lên. Hãy báo cho tỉnh.",
                            en: "The server has no room left for uploads. Tell the province.", back: "/unit")
        }
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
                ["title": FindingCode(rawValue: code)?.title(lang) ?? (vi ? "Khác" : "Other"), "count": fs.count, "open": sev != .info,
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
            v["receipt"] = Self.receipt(period: u.period, unit: code, upload: u.id)
        } else if u.errors == 0 {
            v["canSubmit"] = true
        } else {
            v["blocked"] = vi ? "Sửa các lỗi trong tệp rồi gửi lại tệp đã sửa để kiểm tra; chỉ nộp được khi không còn lỗi."
                : "Fix the errors in the file and upload the fixed file; it can be submitted once there are no errors."
        }
        // The figures as they will be stored, read again from the kept file by the same reader.
        if let content = try store.uploadContent(id: u.id), !content.isEmpty {
            let name = u.fileName
            let stored: [ReadValue] = (try? await offload {
                var out: [ReadValue] = []
                _ = try self.check(Array(content), name: name, unit: code) { _, t, subs in
                    if let t, let s = subs.first?.0 { out = ReadValue.all(s, template: t) }
                }
                return out
            }) ?? []
            v["hasStored"] = !stored.isEmpty
            v["stored"] = stored.map { r -> [String: Any] in
                ["code": r.indicator, "name": r.name, "column": r.columnLabel,
                 "value": vi ? r.stored : r.stored.map { $0 == "." ? "," : $0 == "," ? "." : $0 }.reduce(into: "") { $0.append($1) },
                 "measure": r.unit, "cell": r.cell, "written": r.sameAsWritten ? "" : r.written]
            }
        }
        return page("report", title: u.fileName, context, v, flash: flash, path: "/unit/upload/\(u.id)")
    }

    func annotated(_ context: WebContext) async throws -> Response {
        let (_, code, u) = try ownUpload(context)
        guard let content = try store.uploadContent(id: u.id), !content.isEmpty, let kind = UploadKind(rawValue: u.kind) else {
            throw PageError(status: .notFound, vi: "Không có tệp này.", en: "No such upload.", back: "/unit")
        }
        let name = u.fileName, lang = context.lang
        let data: Data = try await offload {
            var out = Data()
            _ = try self.check(Array(content), name: name, unit: code, keepSheets: true) { path, t, subs in
                guard let (s, f) = subs.first(where: { $0.0.sheetData != nil }) else { return }
                let report = FileReport(file: s.file, unit: s.unit, period: s.period, templateID: t?.id, templateVersion: t?.version, findings: f)
                let target = (path as NSString).deletingLastPathComponent + "/annotated.xlsx"
                // In the page's language, as `validate --annotate --lang` writes it.
                let inPlace = kind == .xlsx ? try PackageAnnotator.write(s, report: report, template: t, source: path, to: target, lang: lang) : false
                if !inPlace {
                    try Annotator.write(s, report: report, template: t, to: target, lang: lang)
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
        guard u.errors == 0, let content = try store.uploadContent(id: u.id), !content.isEmpty else {
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
        if outcomes.allSatisfy({ $0.status == .unchanged }), let r = try store.openReturns(template: template.id, period: period)[code] {
            try store.audit(account: a.name, action: "submit-unchanged-returned", detail: "#\(u.id)", remote: remoteAddress(request, context))
            throw PageError(status: .conflict,
                            vi: "Tỉnh đã trả lại báo cáo này (\(r.comment)). Tệp này giống hệt bản đã nộp nên chưa nộp lại: hãy sửa số liệu theo ý kiến của tỉnh, gửi tệp đã sửa để kiểm tra rồi nộp.",
                            en: "The province returned this report (\(r.comment)). This file is the same as the one submitted, so it was not submitted again: change the figures as the comment asks, upload the changed file and submit it.",
                            back: "/unit")
        }
        let sid = try store.currentSubmissionID(template: template.id, unit: code, period: period)
        try store.markSubmitted(upload: u.id, submission: outcomes.contains { $0.status != .unchanged } ? sid : nil)
        await summaries.invalidate()
        let what = outcomes.map { "\($0.status.rawValue) \($0.period ?? "") r\($0.revision ?? 0)" }.joined(separator: ", ")
        try store.audit(account: a.name, action: "submit", detail: "#\(u.id) \(name): \(what); receipt \(Self.receipt(period: u.period ?? period, unit: code, upload: u.id))",
                        remote: remoteAddress(request, context))
        return Response.redirect(to: "/unit/upload/\(u.id)", type: .normal)
    }

}
