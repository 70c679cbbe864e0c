import Foundation
import SheetIO

/// Imports files into the store: each is read and validated (two at a time, on both
/// cores), then written in its own savepoint of its batch's transaction. A file with
/// errors imports nothing.
public struct Importer: Sendable {
    public let store: Store
    public let reader: SubmissionReader
    /// Whether the new reports are screened against the store's other units after the
    /// import (on by default; `import --no-screen` turns it off).
    public var screenAtImport = true

    public init(store: Store, reader: SubmissionReader) {
        self.store = store
        self.reader = reader
    }

    /// A store failure in the middle of a batch: what was done before it, and why it stopped.
    public struct Failure: Error, Sendable {
        public var completed: [ImportOutcome]
        public var error: StoreError
    }

    /// Imports the files in order; returns one outcome per submission (per file when it
    /// could not be read). A store failure stops the import with a ``Failure`` carrying
    /// the outcomes of the files stored before it, which stay.
    public func run(paths: [String], readAhead: ReadAhead? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> [ImportOutcome] {
        reader.prepare()
        readAhead?.stop()
        let ahead = readAhead
        func check(_ chunk: [String]) -> [(Template?, [(Submission, [Finding])], String)] { self.check(chunk, readAhead: ahead) }
        var outcomes: [ImportOutcome] = []
        var templateOf: [String: Template] = [:]
        var done = 0
        let batches = stride(from: 0, to: paths.count, by: 64).map { Array(paths[$0..<min(paths.count, $0 + 64)]) }
        // While one batch is written to the store, the next is read and validated.
        var pending: [(Template?, [(Submission, [Finding])], String)]? = batches.first.map(check)
        for (i, chunk) in batches.enumerated() {
            let results = pending!
            let group = DispatchGroup()
            nonisolated(unsafe) var next: [(Template?, [(Submission, [Finding])], String)]? = nil
            if i + 1 < batches.count {
                let nextChunk = batches[i + 1]
                let work = self
                DispatchQueue.global().async(group: group) { next = work.check(nextChunk, readAhead: ahead) }
            }
            // The batch is stored in one transaction, a savepoint per file (``Store/importBatch``).
            var files: [Store.CheckedFile] = []
            for (path, (t, subs, hash)) in zip(chunk, results) {
                if let t {
                    files.append(Store.CheckedFile(displayName: path, template: t, submissions: subs, contentHash: hash))
                    templateOf[path] = t
                }
            }
            var (stored, failure) = store.importBatch(files)
            if failure != nil {
                // The batch failed (a full disk fails its commit, keeping none of it): the
                // rest is stored again one file per transaction, as many as the store takes,
                // so the files before the one that fails are kept and that one is named.
                failure = nil
                for f in files.dropFirst(stored.count) {
                    do {
                        let result = try store.importFile(path: f.displayName, displayName: f.displayName, template: f.template,
                                                          submissions: f.submissions, contentHash: f.contentHash)
                        try store.recordRejections(result, template: f.template.id, contentHash: f.contentHash)
                        stored.append(result)
                    } catch let e as StoreError {
                        failure = e
                        break
                    }
                }
            }
            var storedFiles = stored.makeIterator()
            for (path, (t, subs, _)) in zip(chunk, results) {
                guard t != nil else {
                    outcomes.append(ImportOutcome(file: path, status: .rejected, unit: nil, unitName: nil, period: nil, revision: nil,
                                                  reasons: subs.flatMap { $0.1 }.filter { $0.severity == .error }, warnings: 0))
                    continue
                }
                guard let result = storedFiles.next() else { break }  // the file that failed, and those after it
                outcomes += result
            }
            if let failure {
                group.wait()
                throw Failure(completed: outcomes, error: failure)
            }
            done += chunk.count
            progress?(done, paths.count)
            group.wait()
            pending = next
        }
        if screenAtImport { screen(&outcomes, templateOf) }
        return outcomes
    }

    /// The screening at import (issue 24): once per template and period the files touched,
    /// when at least ``Screening/minimumPeers`` comparable units are in the store, the new
    /// and updated reports' values are judged against every unit's; each anomaly becomes a
    /// warning of the stored report (W160 a named slip, W161 unusual), counted in the
    /// outcome. The screening never refuses a file (errors are the validation's), and a
    /// store that cannot be read for it leaves the import as it was.
    func screen(_ outcomes: inout [ImportOutcome], _ templateOf: [String: Template]) {
        var groups: [String: (t: Template, p: Period, units: Set<String>)] = [:]
        for o in outcomes where o.status == .imported || o.status == .updated {
            guard let u = o.unit, let p = o.period.flatMap(Period.init), let t = templateOf[o.file] else { continue }
            groups[t.id + "|" + p.description, default: (t, p, [])].units.insert(u)
        }
        for (_, g) in groups.sorted(by: { $0.key < $1.key }) {
            guard let input = try? QualityInput.load(template: g.t, period: g.p, store: store) else { continue }
            var sc = Screening(input: input)
            guard sc.largestPeerGroup >= sc.minimumPeers else { continue }
            sc.only = g.units
            var byUnit: [String: [Finding]] = [:]
            for a in sc.run() {
                let label = g.t.columns.first { $0.key == a.column }.map { $0.label(for: g.p) } ?? a.column
                let suggested = a.suggested.map { "; có lẽ là \(VietNumber.format($0, decimals: 3))" } ?? ""
                let suggestedEN = a.suggested.map { "; perhaps \(VietNumber.format($0, decimals: 3, .en))" } ?? ""
                var f = Finding(a.method.isRecogniser ? .screeningSlip : .screeningUnusual, file: "", indicator: a.indicator, column: a.column,
                                value: VietNumber.format(a.value, decimals: 3),
                                vi: "\(a.indicator) «\(a.indicatorName)», cột «\(label)»: \(a.reason(.vi))\(suggested) (rà soát khi nhập: \(a.method.label(.vi)))",
                                en: "\(a.indicator) \"\(a.indicatorName)\", column \(a.column): \(a.reason(.en))\(suggestedEN) (screened at import: \(a.method.label(.en)))")
                let lo = a.expectedLow.map { VietNumber.format($0, decimals: 3) } ?? "…", hi = a.expectedHigh.map { VietNumber.format($0, decimals: 3) } ?? "…"
                f.expected = "\(lo) – \(hi)"
                byUnit[a.unit, default: []].append(f)
            }
            for (u, list) in byUnit {
                guard (try? store.addFindings(template: g.t.id, period: g.p, unit: u, list)) != nil else { continue }
                for i in outcomes.indices where outcomes[i].unit == u && outcomes[i].period == g.p.description && templateOf[outcomes[i].file]?.id == g.t.id
                    && (outcomes[i].status == .imported || outcomes[i].status == .updated) {
                    outcomes[i].warnings += list.count
                    outcomes[i].screened += list.count
                }
            }
        }
    }

    /// Reads and validates a batch in parallel; the sheets are dropped once validated.
    func check(_ chunk: [String], readAhead: ReadAhead? = nil) -> [(Template?, [(Submission, [Finding])], String)] {
        ParallelMap.map(chunk) { path -> (Template?, [(Submission, [Finding])], String) in
            let (t, checked) = BatchCheck.check(path, reader: reader, keepSheets: false, document: readAhead?.take(path, for: reader))
            // Hashed only when readable: a file refused (too big, not regular) is never read whole.
            let readable = !checked.contains { $0.1.contains { $0.code == FindingCode.unreadableFile.rawValue } }
            let hash = readable ? (Store.sha256(path: path, limits: reader.limits) ?? "") : ""
            return (t, checked, hash)
        }
    }
}

/// Reads and validates files on all cores, in order, a batch at a time (the `validate`
/// command; `import` overlaps the same work with writing).
public enum BatchCheck {
    /// Calls `each` for every file in order with its template and checked submissions.
    /// Sheets and the rows read from them are dropped unless `keepSheets` (the annotated
    /// copy needs them) or `keepRows` (the values listed before submission): a check
    /// reports findings. They are dropped on the worker that
    /// read them; freed on the calling thread between batches, they were a tenth of its
    /// time while the other core waited.
    public static func run(paths: [String], reader: SubmissionReader, keepSheets: Bool, keepRows: Bool? = nil, readAhead: ReadAhead? = nil,
                           each: (String, Template?, [(Submission, [Finding])]) -> Void) {
        readAhead?.stop()
        for start in stride(from: 0, to: paths.count, by: 64) {
            let chunk = Array(paths[start..<min(paths.count, start + 64)])
            let results = ParallelMap.map(chunk) { path in
                check(path, reader: reader, keepSheets: keepSheets, keepRows: keepRows ?? keepSheets, document: readAhead?.take(path, for: reader))
            }
            for (path, (t, checked)) in zip(chunk, results) { each(path, t, checked) }
        }
    }

    /// One file: read, then validate each submission in it. The sheets are dropped unless
    /// `keepSheets`, the rows of values unless `keepRows`.
    public static func check(_ path: String, reader: SubmissionReader, keepSheets: Bool, keepRows: Bool = true,
                             document: SpreadsheetDocument? = nil) -> (Template?, [(Submission, [Finding])]) {
        let (t, subs) = document.map { reader.read($0) } ?? reader.read(path: path)
        return (t, subs.map { s in
            var s = s
            let f = t.map { Validator(template: $0).validate(s) } ?? s.findings
            if !keepSheets { s.sheetData = nil }
            if !keepRows { s.rows = [] }
            return (s, f)
        })
    }
}

/// Reads the first files of a batch on another thread while the command loads its
/// template and builds what the files share (for the national template of 3,321 units,
/// some 70 ms in which the second core had nothing to do). Only workbooks read without
/// error are kept (``SubmissionReader/readAhead(path:)``); reading stops when the batch
/// starts (``stop()``), and each document is handed to one thread (``take(_:for:)``).
public final class ReadAhead: @unchecked Sendable {
    private let paths: [String]
    private let reader: SubmissionReader
    private let lock = NSLock()
    private var documents: [String: SpreadsheetDocument] = [:]
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// Starts reading `paths` in order, at most `limit` of them: a national form read ahead
    /// holds about 240 KB (its bytes, sheets and workbook parts), so 256 bound the extra
    /// memory to some 60 MB; the national template's load reads about 180.
    public init(paths: [String], reader: SubmissionReader, limit: Int = 256) {
        self.paths = Array(paths.prefix(limit))
        self.reader = reader
        Thread.detachNewThread { [self] in work() }
    }

    private func work() {
        for path in paths {
            if lock.withLock({ stopping }) { break }
            if let doc = reader.readAhead(path: path) { lock.withLock { documents[path] = doc } }
            lock.withLock { done += 1 }
        }
        lock.withLock { done = paths.count }
        finished.signal()
    }
    private var done = 0

    /// Files not yet read ahead (tests wait for none).
    var pending: Int { lock.withLock { paths.count - done } }

    /// Stops reading ahead, once the file in hand is read. Safe to call more than once.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopping = true }
            return !stopping
        }
        if first { finished.wait() }
    }

    /// The document read ahead for `path`, once, when it was read with the same limits and
    /// row cap as `reader` reads with.
    public func take(_ path: String, for reader: SubmissionReader) -> SpreadsheetDocument? {
        guard reader.limits == self.reader.limits, reader.maxRowsPerSheet == self.reader.maxRowsPerSheet else { return nil }
        return lock.withLock { documents.removeValue(forKey: path) }
    }
}

/// Runs a closure over items on all cores, keeping the order.
enum ParallelMap {
    static func map<T, R>(_ items: [T], _ body: (T) -> R) -> [R] {
        let n = items.count
        guard n > 1 else { return items.map(body) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: n)
        results.initialize(repeating: nil)
        // Deinitialise before freeing: without it every result (a file's submissions and
        // findings, some 80 KB) leaked, and a 10,000-file import grew to 850 MB.
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, n))
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            nonisolated(unsafe) let results = results
            nonisolated(unsafe) let items = items
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < n {
                    results[i] = body(items[i])
                    i += workers
                }
            }
        }
        return results.map { $0! }
    }
}

/// Renders import outcomes.
public enum ImportReport {
    public static func text(_ outcomes: [ImportOutcome], store: String, lang: Language) -> String {
        let vi = lang == .vi
        var out = ""
        for o in outcomes {
            let who = [o.unitName.map { $0 } ?? o.unit, o.period].compactMap { $0 }.joined(separator: ", ")
            let status: String
            switch o.status {
            case .imported: status = vi ? "đã nhập (lần \(o.revision ?? 1))" : "imported (revision \(o.revision ?? 1))"
            case .updated: status = vi ? "đã cập nhật (lần \(o.revision ?? 0), thay lần trước)" : "updated (revision \(o.revision ?? 0), supersedes the previous)"
            case .unchanged: status = vi ? "không đổi (giống lần \(o.revision ?? 0))" : "unchanged (same as revision \(o.revision ?? 0))"
            case .rejected: status = vi ? "TỪ CHỐI" : "REJECTED"
            }
            out += "\(TerminalText.safe(o.file))\(who.isEmpty ? "" : " — \(TerminalText.safe(who))"): \(status)"
            if o.warnings > 0 && o.status != .rejected { out += vi ? ", \(o.warnings) cảnh báo" : ", \(o.warnings) warnings" }
            if o.screened > 0 { out += vi ? " (\(o.screened) giá trị bất thường so với các đơn vị khác)" : " (\(o.screened) unusual against the other units)" }
            out += "\n"
            if o.status == .rejected {
                for f in o.reasons.prefix(10) {
                    out += "    \(f.code) \(f.cell.map { "\(f.sheet.map { "\(TerminalText.safe($0))!" } ?? "")\($0)  " } ?? "")\(TerminalText.safe(f.message(lang)))\n"
                }
                if o.reasons.count > 10 { out += vi ? "    … và \(o.reasons.count - 10) lỗi khác\n" : "    … and \(o.reasons.count - 10) more errors\n" }
            }
        }
        let c = counts(outcomes)
        out += vi ? "Kho \(store): đã nhập \(c[.imported]!), cập nhật \(c[.updated]!), không đổi \(c[.unchanged]!), từ chối \(c[.rejected]!)\n"
                  : "Store \(store): imported \(c[.imported]!), updated \(c[.updated]!), unchanged \(c[.unchanged]!), rejected \(c[.rejected]!)\n"
        return out
    }

    public static func counts(_ outcomes: [ImportOutcome]) -> [ImportOutcome.Status: Int] {
        var c: [ImportOutcome.Status: Int] = [.imported: 0, .updated: 0, .unchanged: 0, .rejected: 0]
        for o in outcomes { c[o.status, default: 0] += 1 }
        return c
    }

    public static func json(_ outcomes: [ImportOutcome], store: String, lang: Language) -> String {
        func s(_ v: String?) -> String { v.map(CellText.jsonString) ?? "null" }
        let c = counts(outcomes)
        var out = "{\"store\":\(s(store)),\"counts\":{\"imported\":\(c[.imported]!),\"updated\":\(c[.updated]!),\"unchanged\":\(c[.unchanged]!),\"rejected\":\(c[.rejected]!)},\"files\":["
        for (i, o) in outcomes.enumerated() {
            out += (i > 0 ? "," : "") + "\n{\"file\":\(s(o.file)),\"status\":\(s(o.status.rawValue)),\"unit\":\(s(o.unit)),\"period\":\(s(o.period)),"
            out += "\"revision\":\(o.revision.map(String.init) ?? "null"),\"warnings\":\(o.warnings),\"screened\":\(o.screened),\"reasons\":["
            out += o.reasons.map { "{\"code\":\(s($0.code)),\"cell\":\(s($0.cell)),\"indicator\":\(s($0.indicator)),\"message\":\(s($0.message(lang)))}" }.joined(separator: ",")
            out += "]}"
        }
        return out + "\n]}\n"
    }
}
