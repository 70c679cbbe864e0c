import Foundation
import XCTest

/// Paths and helpers shared by the test targets.
public enum TestSupport {
    /// The package root (this file is Tests/TestSupport/TestSupport.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// A copy of ../shared/corpus/xlsx (calamine and readxl test files, MIT; see its SOURCES.md).
    public static let corpus = packageRoot.appendingPathComponent("Tests/Corpus/xlsx")
    public static let support = packageRoot.appendingPathComponent("Tests/Support")

    /// The built `tonghop` executable next to the test bundle.
    public static var tonghop: String {
        let dir = Bundle.main.bundleURL.path.hasSuffix(".xctest") ? Bundle.main.bundleURL.deletingLastPathComponent() : Bundle.main.bundleURL
        let candidate = dir.appendingPathComponent("tonghop").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return packageRoot.appendingPathComponent(".build/debug/tonghop").path
    }

    /// A fresh temporary folder, removed when the test ends.
    public static func tempDir(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tonghop-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    public struct ProcessResult {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        /// Peak resident memory of the program, KiB (GNU time's %M; see ``run``).
        public var maxRSSKiB: Int
        public var out: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs a program with posix_spawn and wait4: output, exit status and peak memory.
    ///
    /// The peak is measured by GNU time (`time -q -f %M`), which forks the program from its
    /// own small process: a child spawned straight from this test runner (posix_spawn
    /// shares the parent's memory until exec) inherits the runner's peak as its
    /// `ru_maxrss`, so a runner grown to 104 MB by earlier in-process tests made every
    /// child "use" 104 MB. Without GNU time, wait4's figure is kept.
    @discardableResult
    public static func run(_ exe: String, _ args: [String], cwd: URL? = nil, stdin: Data? = nil,
                           env: [String: String] = [:]) throws -> ProcessResult {
        let dir = FileManager.default.temporaryDirectory
        let outPath = dir.appendingPathComponent("out-\(UUID().uuidString)").path
        let errPath = dir.appendingPathComponent("err-\(UUID().uuidString)").path
        let inPath = dir.appendingPathComponent("in-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        defer { unlink(outPath); unlink(errPath); unlink(inPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // env(1) finds programs on PATH and, with -C, sets the working folder.
        let rssPath = dir.appendingPathComponent("rss-\(UUID().uuidString)").path
        defer { unlink(rssPath) }
        let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let path = timed ? "/usr/bin/time" : "/usr/bin/env"
        let argList = (timed ? ["time", "-q", "-f", "%M", "-o", rssPath, "/usr/bin/env"] : ["env"]) + (cwd.map { ["-C", $0.path] } ?? []) + [exe] + args
        let argv = argList.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw NSError(domain: "posix_spawn", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot run \(exe)"]) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProcessResult(status: exit, stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
                             stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self),
                             maxRSSKiB: measuredRSS(rssPath) ?? Int(usage.ru_maxrss))
    }

    /// The last line GNU time wrote (%M, KiB).
    static func measuredRSS(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isNewline).last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Runs a Python 3 script; fails the test with a clear message if a module is missing.
    @discardableResult
    public static func python(_ args: [String], cwd: URL? = nil) throws -> ProcessResult {
        let r = try run("python3", args, cwd: cwd)
        if r.status != 0 && r.stderr.contains("ModuleNotFoundError") {
            XCTFail("a Python test peer is missing (make test installs openpyxl and python-calamine): \(r.stderr)")
        }
        return r
    }
}

/// The command-line tests' two helpers: run the built `tonghop` from the package root,
/// and read its JSON output.
public protocol TonghopCLI {}

public extension TonghopCLI {
    func tonghop(_ args: [String], env: [String: String] = [:]) throws -> TestSupport.ProcessResult {
        try TestSupport.run(TestSupport.tonghop, args, cwd: TestSupport.packageRoot, env: env)
    }

    func json(_ r: TestSupport.ProcessResult) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
    }
}

/// SplitMix64: a fixed seed gives the same sequence on every run, so a failure found by
/// a randomised test (mutated files, random numbers) can be repeated.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// 0..<n (0 when n ≤ 1).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}
