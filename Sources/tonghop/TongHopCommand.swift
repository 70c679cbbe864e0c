import ArgumentParser
import Foundation
import SheetIO
import TongHop

@main
struct TongHopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tonghop",
        abstract: "Tổng hợp báo cáo chỉ tiêu kinh tế - xã hội: kiểm tra, nhập và tổng hợp bảng tính của các đơn vị.",
        discussion: "Consolidates socio-economic indicator reports from lower units: validate, import, summarise.",
        subcommands: [FormCommand.self, ValidateCommand.self, ImportCommand.self, StatusCommand.self, SummaryCommand.self,
                      ScorecardCommand.self, DumpCommand.self]
    )
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Message language: vi or en (default: from LANG, else vi).")
    var lang: String?

    var language: MessageLanguage {
        if let lang, let l = MessageLanguage(rawValue: lang.lowercased()) { return l }
        return MessageLanguage.fromEnvironment(ProcessInfo.processInfo.environment)
    }
}

/// Exit codes: 0 ok, 1 findings of severity error, 2 usage or unreadable input.
enum ExitStatus {
    static let findings = ExitCode(1)
    static let unreadable = ExitCode(2)
}

/// Prints one line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
