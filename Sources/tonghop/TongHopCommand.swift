import ArgumentParser
import Foundation
import SheetIO
import TongHop

@main
struct TongHopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tonghop",
        abstract: T("Tổng hợp báo cáo chỉ tiêu kinh tế - xã hội: kiểm tra, nhập và tổng hợp bảng tính của các đơn vị.", "Consolidate socio-economic indicator reports: validate, import and summarise the units' spreadsheets."),
        discussion: T("Tổng hợp báo cáo chỉ tiêu kinh tế - xã hội từ các đơn vị cấp dưới: kiểm tra, nhập, tổng hợp.", "Consolidates socio-economic indicator reports from lower units: validate, import, summarise."),
        subcommands: [FormCommand.self, ValidateCommand.self, ImportCommand.self, StatusCommand.self, SummaryCommand.self,
                      ScorecardCommand.self, AnomaliesCommand.self, FollowUpCommand.self, SeriesCommand.self, DumpCommand.self, UnitsCommand.self, TemplatesCommand.self, TargetsCommand.self, PreviousCommand.self,
                      ServeCommand.self, UserCommand.self, BackupCommand.self, ExportCommand.self]
    )

    /// Temporary files are removed on SIGINT/SIGTERM/SIGHUP before the command runs.
    static func main() {
        TempFiles.installSignalCleanup()
        Self.main(nil)
    }
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: H("Ngôn ngữ thông báo: vi hoặc en (mặc định: theo LANG, nếu không thì vi); --lang en còn ghi bảng tính (tổng hợp, biểu mẫu, bản kiểm tra) bằng tiếng Anh.", "Message language: vi or en (default: from LANG, else vi); --lang en also writes the workbooks (summary, form, checked copy) in English."))
    var lang: String?

    var language: MessageLanguage {
        if let lang, let l = MessageLanguage(rawValue: lang.lowercased()) { return l }
        return MessageLanguage.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The language of the papers written (summary, form, annotated copy): English only
    /// when `--lang en` is given; otherwise Vietnamese, whatever LANG says (a province's
    /// papers are Vietnamese).
    var paperLanguage: MessageLanguage { lang?.lowercased() == "en" ? .en : .vi }
}

/// The language of `--help`: `--lang` on the command line, else LANG, else Vietnamese —
/// the same rule as the messages, so overview and options speak one language.
let helpLanguage: MessageLanguage = {
    let args = CommandLine.arguments
    for (i, a) in args.enumerated() {
        if a == "--lang", i + 1 < args.count, let l = MessageLanguage(rawValue: args[i + 1].lowercased()) { return l }
        if a.hasPrefix("--lang="), let l = MessageLanguage(rawValue: String(a.dropFirst(7)).lowercased()) { return l }
    }
    return MessageLanguage.fromEnvironment(ProcessInfo.processInfo.environment)
}()

/// An option's help in the help language.
func H(_ vi: String, _ en: String) -> ArgumentHelp { ArgumentHelp(helpLanguage == .vi ? vi : en) }
/// A command's abstract or discussion in the help language.
func T(_ vi: String, _ en: String) -> String { helpLanguage == .vi ? vi : en }

/// Exit codes: 0 ok, 1 findings of severity error, 2 usage or unreadable input.
enum ExitStatus {
    static let findings = ExitCode(1)
    static let unreadable = ExitCode(2)
}

/// Prints one line to stderr, control characters from file names and cells escaped.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((TerminalText.safe(line) + "\n").utf8))
}

/// Names a written file on stderr ("Đã ghi tệp: PATH"), so stdout stays the report.
func announceWritten(_ path: String, _ lang: Language) {
    printError(lang == .vi ? "Đã ghi tệp: \(path)" : "Wrote: \(path)")
}

/// Refuses an output path that is one of the files the command reads or keeps.
func guardOutput(_ output: String, against protected: [String], _ lang: Language) throws {
    do { try OutputGuard.check(output: output, against: protected) } catch let e as SheetIOError {
        printError(e.message(lang))
        throw ExitStatus.unreadable
    }
}

/// A one-line progress report on stderr for long batches, only when stderr is a terminal.
struct Progress {
    let enabled: Bool
    let label: String

    init(total: Int, label: String) {
        enabled = total >= 50 && isatty(2) == 1
        self.label = label
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)".utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
