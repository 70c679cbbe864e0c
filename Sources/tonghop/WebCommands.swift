import ArgumentParser
import Foundation
import HummingbirdBcrypt
import Logging
import TongHop
import TongHopWeb

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: T("Chạy trang web cho các đơn vị và tỉnh: tải biểu, gửi kiểm tra, nộp, theo dõi, tải biểu tổng hợp.", "Run the web page for the units and the province: download forms, upload, check, submit, follow, download the summary."),
        discussion: T("Mỗi đơn vị đăng nhập bằng tài khoản của mình (tonghop user add) và chỉ thấy, chỉ nộp báo cáo của đơn vị mình; tỉnh thấy tình hình nộp và tải biểu tổng hợp. Dùng cùng kho số liệu và cùng bộ kiểm tra với dòng lệnh. Chạy sau một máy chủ proxy có TLS (xem README).", """
        Each unit logs in with its own account (tonghop user add) and sees and submits only \
        its own unit's reports; the province follows who has reported and downloads the \
        summary. Same store and same checks as the command line. Run it behind a TLS reverse \
        proxy (see the README).
        """)
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: H("Địa chỉ nghe (mặc định 127.0.0.1).", "Address to listen on (default 127.0.0.1)."))
    var host = "127.0.0.1"

    @Option(name: .long, help: H("Cổng (mặc định 8080).", "Port (default 8080)."))
    var port = 8080

    @Option(name: .long, help: H("Các kỳ nhận báo cáo, cách nhau bằng dấu phẩy (mặc định: các kỳ có trong kho).", "Periods open for submission, comma-separated (default: those in the store)."))
    var periods: String?

    @Option(name: .customLong("max-upload-mb"), help: H("Dung lượng tối đa một tệp gửi lên, MB (mặc định 10).", "Largest upload, MB (default 10)."))
    var maxUploadMB = 10

    @Flag(name: .customLong("secure-cookies"), help: H("Cookie chỉ gửi qua HTTPS (bật khi chạy sau proxy TLS).", "Cookies over HTTPS only (set it behind a TLS proxy)."))
    var secureCookies = false

    @Flag(name: .customLong("trust-proxy"), help: H("Lấy địa chỉ người dùng từ X-Forwarded-For (chỉ khi proxy chạy trên cùng máy).", "Take the client address from X-Forwarded-For (only with the proxy on this machine)."))
    var trustProxy = false

    @Option(name: .customLong("idle-timeout"), help: H("Đóng kết nối im lặng sau số giây này (mặc định 30).", "Close a silent connection after this many seconds (default 30)."))
    var idleTimeout = 30

    @Option(name: .customLong("unit-quota-mb"), help: H("Dung lượng tệp chưa nộp một đơn vị được giữ, MB (mặc định 25).", "Bytes of files not submitted one unit may keep, MB (default 25)."))
    var unitQuotaMB = 25

    @Option(name: .customLong("server-quota-mb"), help: H("Tổng dung lượng tệp gửi lên được giữ, MB (mặc định 2048).", "All uploaded files kept, MB (default 2048)."))
    var serverQuotaMB = 2048

    @Option(name: .customLong("hashing-threads"), help: H("Số luồng băm mật khẩu (bcrypt), riêng với các việc khác (mặc định: số lõi CPU).", "Threads that hash passwords (bcrypt), apart from all other work (default: the CPU cores)."))
    var hashingThreads: Int?

    @Option(name: .customLong("keep-days"), help: H("Số ngày giữ tệp gửi lên (mặc định 90): tệp chưa nộp bị xóa, tệp đã nộp chỉ còn bản ghi.", "Days uploads are kept (default 90): one not submitted is removed, a submitted one keeps only its record."))
    var keepDays = 90

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        raiseOpenFileLimit()
        var config = WebConfig(db: store.db)
        config.idleTimeout = .seconds(max(1, idleTimeout))
        config.unitQuota = max(1, unitQuotaMB) * 1024 * 1024
        config.serverQuota = max(1, serverQuotaMB) * 1024 * 1024
        config.keepDays = max(1, keepDays)
        if let hashingThreads { config.hashingThreads = max(1, min(64, hashingThreads)) }
        config.templates = store.templates
        config.template = store.template
        config.host = host
        config.port = port
        config.maxUpload = max(1, maxUploadMB) * 1024 * 1024
        config.secureCookies = secureCookies
        config.trustProxy = trustProxy
        if let periods {
            var list: [Period] = []
            for text in periods.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let p = Period(text) else {
                    printError(lang == .vi ? "kỳ báo cáo \"\(text)\" không hợp lệ (ví dụ: 2024, 2024-6T)" : "invalid period \"\(text)\" (e.g. 2024, 2024-6T)")
                    throw ExitStatus.unreadable
                }
                list.append(p)
            }
            config.periods = list
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let service: WebService
        do { service = try WebService(config: config) } catch let e as StoreError {
            printError(lang == .vi ? "không mở được kho số liệu \(e.message(lang))" : "cannot open the store \(e.message(lang))")
            throw ExitStatus.unreadable
        } catch let e as TemplateError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        }
        if (try? service.store.accounts().isEmpty) ?? true {
            printError(lang == .vi ? "chưa có tài khoản nào: tạo bằng tonghop user add TÊN --unit MÃ | --province --db \(store.db)"
                                   : "no accounts yet: create them with tonghop user add NAME --unit CODE | --province --db \(store.db)")
        }
        printError(lang == .vi ? "Trang web: http://\(host):\(port)/ (mẫu \(service.template.id); Ctrl-C để dừng)"
                               : "Web page: http://\(host):\(port)/ (template \(service.template.id); Ctrl-C to stop)")
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        Task {
            do { try await service.application().runService() } catch { failure = error }
            done.signal()
        }
        done.wait()
        if let failure {
            printError(lang == .vi ? "máy chủ dừng: \(failure)" : "server stopped: \(failure)")
            throw ExitStatus.unreadable
        }
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: T("Tài khoản của trang web: thêm, đổi mật khẩu, khóa, liệt kê.", "Web accounts: add, change password, disable, list."),
        subcommands: [UserAdd.self, UserImport.self, UserPasswd.self, UserDisable.self, UserEnable.self, UserUnlock.self, UserList.self]
    )
}

/// The password from standard input (one line), or typed twice at a terminal without
/// echo, or generated; at least 8 characters.
struct PasswordOptions: ParsableArguments {
    @Flag(name: .long, help: H("Tạo mật khẩu ngẫu nhiên và in ra.", "Generate a random password and print it."))
    var generate = false

    func read(_ lang: Language) throws -> String {
        if generate {
            let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var g = SystemRandomNumberGenerator()
            let p = String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
            print(p)
            return p
        }
        let password: String
        if isatty(0) == 1 {
            guard let a = getpass(lang == .vi ? "Mật khẩu: " : "Password: ").map({ String(cString: $0) }),
                  let b = getpass(lang == .vi ? "Nhập lại: " : "Again: ").map({ String(cString: $0) }), a == b else {
                printError(lang == .vi ? "hai lần nhập không khớp" : "the two entries differ")
                throw ExitStatus.unreadable
            }
            password = a
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        guard password.count >= 8, password.count <= 200 else {
            printError(lang == .vi ? "mật khẩu cần từ 8 đến 200 ký tự" : "the password needs 8 to 200 characters")
            throw ExitStatus.unreadable
        }
        return password
    }
}

struct UserAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add",
        abstract: T("Thêm tài khoản cho một đơn vị (--unit MÃ) hoặc cho tỉnh (--province). Mật khẩu đọc từ đầu vào chuẩn.", "Add an account for a unit (--unit CODE) or the province (--province). The password is read from standard input."))

    @Argument(help: H("Tên tài khoản.", "Account name."))
    var name: String

    @Option(name: .long, help: H("Mã đơn vị (theo danh mục của mẫu).", "The unit's code (as in the template)."))
    var unit: String?

    @Flag(name: .long, help: H("Tài khoản của tỉnh (xem mọi đơn vị, tải biểu tổng hợp).", "A province account (sees every unit, downloads the summary)."))
    var province = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var password: PasswordOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        guard (unit != nil) != province else {
            printError(lang == .vi ? "ghi --unit MÃ hoặc --province (một trong hai)" : "give --unit CODE or --province (one of them)")
            throw ExitStatus.unreadable
        }
        guard validAccountName(name) else {
            printError(lang == .vi ? "tên tài khoản: 1 đến 64 ký tự, không có dấu cách" : "account name: 1 to 64 characters, no spaces")
            throw ExitStatus.unreadable
        }
        let s = try store.open(lang, mode: .readWrite)
        if let unit {
            let t = try store.resolveTemplate(s, lang)
            guard let u = t.unit(unit), u.level != .province else {
                printError(lang == .vi ? "mẫu \(t.id) không có đơn vị mã \(unit) (xem: tonghop units)" : "template \(t.id) has no unit with code \(unit) (see: tonghop units)")
                throw ExitStatus.unreadable
            }
        }
        let pw = try password.read(lang)
        do {
            try s.addAccount(name: name, passwordHash: Passwords.hash(pw), role: province ? .province : .unit, unitCode: unit)
            try s.audit(account: nil, action: "user-add", detail: "\(name) \(unit ?? "province")", remote: "cli")
        } catch let e as StoreError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        }
        printError(lang == .vi ? "Đã thêm tài khoản \(name)" : "Added account \(name)")
    }
}

/// An account name: 1 to 64 characters, no spaces or control characters.
func validAccountName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64 && name.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0.value >= 0x21 && $0.value != 0x7F }
}

struct UserImport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: T("Tạo nhiều tài khoản từ tệp CSV (mã đơn vị, tên tài khoản, vai trò) và in mật khẩu ban đầu.", "Create many accounts from a CSV file (unit code, account name, role) and print their first passwords."),
        discussion: T("Mỗi dòng: mã đơn vị, tên tài khoản, vai trò (don-vi hoặc tinh; tài khoản tỉnh để trống mã). Dòng đầu là tiêu đề nếu cột đầu không phải mã đơn vị. Tệp có lỗi thì không tạo tài khoản nào. Mật khẩu in ra đầu ra chuẩn (tên, mật khẩu, mã đơn vị, cách nhau bằng tab) đúng một lần: hãy chuyển cho từng đơn vị rồi xóa. Mỗi mật khẩu chỉ dùng cho lần đăng nhập đầu: cán bộ phải đặt mật khẩu của mình trước.", """
        Each line: unit code, account name, role (unit or province; a province account \
        leaves the code empty). The first line is a header when its first field is not a \
        unit code. A file with any error creates no account. The passwords are printed to \
        standard output (name, password, unit code, tab-separated) this once: hand them out, \
        then delete them. Each is for one login: the officer sets their own password first.
        """))

    @Argument(help: H("Tệp CSV.", "The CSV file.")) var file: String
    @Flag(name: .customLong("skip-existing"), help: H("Bỏ qua tên đã có thay vì báo lỗi.", "Skip names that exist instead of refusing the file."))
    var skipExisting = false
    @Option(name: .long, help: H("Hệ số bcrypt, 10 đến 14 (mặc định 12; mỗi bậc gấp đôi thời gian đăng nhập).", "bcrypt cost, 10 to 14 (default 12; each step doubles a login's hashing time)."))
    var cost: Int = Int(Passwords.cost)
    @OptionGroup var store: StoreOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        guard (10...14).contains(cost) else {
            printError(lang == .vi ? "--cost phải từ 10 đến 14" : "--cost must be 10 to 14")
            throw ExitStatus.unreadable
        }
        guard let data = FileManager.default.contents(atPath: file), data.count <= 10 * 1024 * 1024 else {
            printError(lang == .vi ? "không đọc được \(file)" : "cannot read \(file)")
            throw ExitStatus.unreadable
        }
        let s = try store.open(lang, mode: .readWrite)
        let t = try store.resolveTemplate(s, lang)
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows: [(name: String, unit: String?, line: Int)] = []
        var errors: [String] = []
        var seen = Set<String>()
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let sep: Character = line.contains(";") && !line.contains(",") ? ";" : line.contains("\t") && !line.contains(",") ? "\t" : ","
            let f = line.split(separator: sep, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            let code = f.first ?? "", name = f.count > 1 ? f[1] : "", roleText = (f.count > 2 ? f[2] : "").lowercased()
            if i == 0, t.unit(code) == nil, !["tinh", "tỉnh", "province"].contains(roleText) { continue }   // a header
            let province = ["tinh", "tỉnh", "province"].contains(roleText)
            guard province || ["", "don-vi", "đơn vị", "don vi", "unit"].contains(roleText) else {
                errors.append(lang == .vi ? "dòng \(i + 1): vai trò \"\(roleText)\" phải là don-vi hoặc tinh" : "line \(i + 1): role \"\(roleText)\" must be unit or province"); continue
            }
            guard validAccountName(name) else {
                errors.append(lang == .vi ? "dòng \(i + 1): tên tài khoản \"\(TerminalText.safe(name))\": 1 đến 64 ký tự, không có dấu cách" : "line \(i + 1): account name \"\(TerminalText.safe(name))\": 1 to 64 characters, no spaces"); continue
            }
            if !province {
                guard let u = t.unit(code), u.level != .province else {
                    errors.append(lang == .vi ? "dòng \(i + 1): mẫu \(t.id) không có đơn vị mã \(TerminalText.safe(code)) (xem: tonghop units)" : "line \(i + 1): template \(t.id) has no unit with code \(TerminalText.safe(code)) (see: tonghop units)"); continue
                }
            }
            guard seen.insert(name.lowercased()).inserted else {
                errors.append(lang == .vi ? "dòng \(i + 1): tên \(name) lặp lại trong tệp" : "line \(i + 1): the name \(name) is given twice"); continue
            }
            if (try? s.account(named: name)) != nil {
                if skipExisting { continue }
                errors.append(lang == .vi ? "dòng \(i + 1): đã có tài khoản tên \(name)" : "line \(i + 1): an account named \(name) exists"); continue
            }
            rows.append((name, province ? nil : code, i + 1))
        }
        guard errors.isEmpty else {
            errors.forEach { printError($0) }
            printError(lang == .vi ? "tệp có lỗi: chưa tạo tài khoản nào" : "the file has errors: no account was created")
            throw ExitStatus.unreadable
        }
        // bcrypt on every core: 3,321 communes take minutes, not an hour.
        let passwords = rows.map { _ in Passwords.generate() }
        let hashes = UnsafeMutableBufferPointer<String>.allocate(capacity: rows.count)
        hashes.initialize(repeating: "")
        defer { hashes.deinitialize(); hashes.deallocate() }
        nonisolated(unsafe) let out = hashes
        let c = UInt8(cost)
        DispatchQueue.concurrentPerform(iterations: rows.count) { i in out[i] = Passwords.hash(passwords[i], cost: c) }
        var printed = ""
        for (i, r) in rows.enumerated() {
            try s.addAccount(name: r.name, passwordHash: hashes[i], role: r.unit == nil ? .province : .unit, unitCode: r.unit, mustChange: true)
            printed += "\(r.name)\t\(passwords[i])\t\(r.unit ?? (lang == .vi ? "tinh" : "province"))\n"
        }
        try s.audit(account: nil, action: "user-import", detail: "\(rows.count) accounts from \((file as NSString).lastPathComponent)", remote: "cli")
        FileHandle.standardOutput.write(Data(printed.utf8))
        printError(lang == .vi ? "Đã tạo \(rows.count) tài khoản; mật khẩu in một lần ở trên." : "Created \(rows.count) accounts; their passwords are printed above, once.")
    }
}

struct UserPasswd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passwd",
        abstract: T("Đặt mật khẩu mới (các phiên đăng nhập cũ của tài khoản kết thúc).", "Set a new password (the account's open sessions end)."))

    @Argument(help: H("Tên tài khoản.", "Account name."))
    var name: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var password: PasswordOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        let s = try openWithAccount(name, store, lang)
        let pw = try password.read(lang)
        _ = try s.setPassword(name: name, passwordHash: Passwords.hash(pw))
        try s.audit(account: nil, action: "user-passwd", detail: name, remote: "cli")
        printError(lang == .vi ? "Đã đổi mật khẩu của \(name)" : "Changed the password of \(name)")
    }
}

struct UserDisable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable",
        abstract: T("Khóa tài khoản (không đăng nhập được; phiên đang mở bị từ chối).", "Disable an account (no login; open sessions are refused)."))
    @Argument(help: H("Tên tài khoản.", "Account name.")) var name: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var common: CommonOptions

    func run() throws { try setDisabled(name, true, store, common.language) }
}

struct UserEnable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: T("Mở lại tài khoản đã khóa.", "Enable a disabled account."))
    @Argument(help: H("Tên tài khoản.", "Account name.")) var name: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var common: CommonOptions

    func run() throws { try setDisabled(name, false, store, common.language) }
}

/// The store opened for writing, with the named account known to be there (a missing one
/// is a one-line error and exit 2).
private func openWithAccount(_ name: String, _ store: StoreOptions, _ lang: Language) throws -> Store {
    let s = try store.open(lang, mode: .readWrite)
    guard (try? s.account(named: name)) != nil else {
        printError(lang == .vi ? "không có tài khoản \(name)" : "no account \(name)")
        throw ExitStatus.unreadable
    }
    return s
}

private func setDisabled(_ name: String, _ disabled: Bool, _ store: StoreOptions, _ lang: Language) throws {
    let s = try store.open(lang, mode: .readWrite)
    guard try s.setDisabled(name: name, disabled) else {
        printError(lang == .vi ? "không có tài khoản \(name)" : "no account \(name)")
        throw ExitStatus.unreadable
    }
    try s.audit(account: nil, action: disabled ? "user-disable" : "user-enable", detail: name, remote: "cli")
    printError(lang == .vi ? (disabled ? "Đã khóa \(name)" : "Đã mở lại \(name)") : (disabled ? "Disabled \(name)" : "Enabled \(name)"))
}

struct UserUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock",
        abstract: T("Xóa các lần đăng nhập sai của tài khoản (hết chờ ngay, ở mọi máy).", "Forget an account's failed logins (no more waiting, from any address)."))
    @Argument(help: H("Tên tài khoản.", "Account name.")) var name: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        let s = try openWithAccount(name, store, lang)
        let n = try s.unlockLogin(name: name)
        try s.audit(account: nil, action: "user-unlock", detail: name, remote: "cli")
        printError(lang == .vi ? "Đã xóa \(n) mục đăng nhập sai của \(name)" : "Cleared \(n) failed-login entries of \(name)")
    }
}

/// The soft limit on open files raised to the hard one (systemd gives 1,024 soft): a
/// crowd of connections then does not starve the server of descriptors.
func raiseOpenFileLimit() {
    var r = rlimit()
    guard getrlimit(RLIMIT_NOFILE_VALUE, &r) == 0, r.rlim_cur < r.rlim_max else { return }
    r.rlim_cur = r.rlim_max
    _ = setrlimit(RLIMIT_NOFILE_VALUE, &r)
}

#if canImport(Glibc)
let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif

struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: T("Liệt kê tài khoản.", "List accounts."))
    @OptionGroup var store: StoreOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        let s = try store.open(lang, mode: .readOnly)
        let accounts = (try? s.accounts()) ?? []
        var out = ""
        for a in accounts {
            let role = a.role == .province ? (lang == .vi ? "tỉnh" : "province") : (lang == .vi ? "đơn vị \(a.unitCode ?? "")" : "unit \(a.unitCode ?? "")")
            out += "\(TerminalText.safe(a.name))\t\(role)\(a.disabled ? (lang == .vi ? "\tđã khóa" : "\tdisabled") : "")\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: T("Sao lưu kho số liệu khi đang dùng (SQLite online backup), kiểm tra bản sao rồi mới ghi.", "Back up the store while in use (SQLite online backup); the copy is checked before it is written."))

    @OptionGroup var store: StoreOptions

    @Option(name: .shortAndLong, help: H("Tệp sao lưu.", "The backup file."))
    var output: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        try guardOutput(output, against: [store.db, store.db + "-wal", store.db + "-shm"], lang)
        let s = try store.open(lang, mode: .readOnly)
        do { try s.backup(to: output) } catch let e as StoreError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        }
        announceWritten(output, lang)
    }
}
