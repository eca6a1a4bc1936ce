import Foundation
import HyperforgeCore
import Testing

/// An isolated world for one test: a temporary directory holding HOME, the
/// XDG directories and a global git config, with the built executables first
/// on PATH. Nothing a test does touches the real user's files.
final class TestEnvironment: @unchecked Sendable {
    let root: String
    let home: String
    var environment: [String: String]

    init(_ name: String = "t") throws {
        let base = FileManager.default.temporaryDirectory.path
        root = base + "/hforge-\(name)-\(UUID().uuidString.prefix(8))"
        home = root + "/home"
        for dir in [home, home + "/.config", home + "/.local/share", home + "/.local/state", home + "/.ssh"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        let globalConfig = home + "/.gitconfig-test"
        try """
        [user]
        \tname = Test User
        \temail = test@example.com
        [init]
        \tdefaultBranch = main
        [advice]
        \tdetachedHead = false

        """.write(toFile: globalConfig, atomically: true, encoding: .utf8)
        var env: [String: String] = [:]
        let keep = ["PATH", "LANG", "LC_ALL", "TERM", "USER", "LOGNAME", "TMPDIR"]
        for key in keep { if let v = ProcessInfo.processInfo.environment[key] { env[key] = v } }
        env["HOME"] = home
        env["XDG_CONFIG_HOME"] = home + "/.config"
        env["XDG_DATA_HOME"] = home + "/.local/share"
        env["XDG_STATE_HOME"] = home + "/.local/state"
        env["XDG_RUNTIME_DIR"] = root + "/run"
        env["GIT_CONFIG_GLOBAL"] = globalConfig
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["NO_COLOR"] = "1"
        // A coordinator started by a test's commands goes away soon after.
        env["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "4"
        env["PATH"] = TestEnvironment.productsDirectory + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        environment = env
    }

    deinit {
        // Stop a coordinator this test's commands started (it would exit when idle anyway).
        if let text = try? String(contentsOfFile: root + "/run/hyperforge/coordinator.pid", encoding: .utf8),
           let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 {
            kill(pid, SIGTERM)
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Where `swift build` put the executables under test.
    static let buildDirectory: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
            Bundle.main.bundleURL.deletingLastPathComponent().path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().path + "/.build/debug",
        ]
        for c in candidates where FileManager.default.isExecutableFile(atPath: c + "/hyperforge") { return c }
        return candidates.last!
    }()

    /// The tools' names (and the coordinator's) as links to the multi-call
    /// executable, laid out as install.sh installs them, first on PATH.
    static let productsDirectory: String = {
        let dir = buildDirectory + "/tool-links"
        let tools = ["git-hforge", "git-realm", "git-scope", "git-credential-hforge", "hyperforge-coordinator"]
        let fm = FileManager.default
        if tools.allSatisfy({ (try? fm.destinationOfSymbolicLink(atPath: dir + "/" + $0)) != nil }) { return dir }
        // Made in a scratch directory and renamed into place, so concurrent test
        // processes never see half a directory.
        let scratch = buildDirectory + "/tool-links.\(getpid()).\(UUID().uuidString.prefix(6))"
        try? fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        for tool in tools + ["hyperforge"] {
            try? fm.createSymbolicLink(atPath: scratch + "/" + tool, withDestinationPath: buildDirectory + "/hyperforge")
        }
        if rename(scratch, dir) != 0 { try? fm.removeItem(atPath: scratch) }
        return dir
    }()

    struct Result: CustomStringConvertible {
        var code: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(code)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    /// Runs a program with this environment.
    @discardableResult
    func run(_ program: String, _ arguments: [String], in directory: String? = nil, input: String? = nil,
             extraEnvironment: [String: String] = [:]) throws -> Result {
        let out = try Spawn.run([program] + arguments, environment: environment.merging(extraEnvironment) { $1 },
                                directory: directory ?? root, input: input.map { Data($0.utf8) })
        let result = Result(code: out.code, stdout: String(decoding: out.stdout, as: UTF8.self),
                            stderr: String(decoding: out.stderr, as: UTF8.self))
        TestEnvironment.expectOurWords(result, [program] + arguments)
        // Every JSON document a run of ours prints keeps the one style (JSONStyle).
        let ours = program == "git" ? ["hforge", "realm", "scope"].contains(arguments.first ?? "") : program.hasPrefix("git-") || program.hasSuffix("hyperforge")
        if ours, JSONStyle.wantsJSON(arguments) {
            let problems = JSONStyle.problems(stdout: result.stdout, exitCode: result.code, arguments: arguments)
            #expect(problems.isEmpty, "\(program) \(arguments.joined(separator: " ")): its JSON breaks the style: \(problems.joined(separator: "; "))\n\(result.stdout.prefix(2000))")
        }
        return result
    }

    /// Text that only Foundation's errors (or a Swift crash) print: none may
    /// reach a user (issue 12), so every command the suite runs, through git
    /// or directly, is checked for it, whatever else its test expects.
    static let foreignErrorText = [
        "NSCocoaErrorDomain", "NSPOSIXErrorDomain", "Error Domain=", "NSUnderlyingError", "NSFilePath=",
        "couldn’t be", "The operation could not be completed", "You don’t have permission", "You don't have permission",
        "Fatal error:", "*** Program crashed", "Swift runtime failure",
    ]

    static func expectOurWords(_ result: Result, _ argv: [String]) {
        for mark in foreignErrorText {
            for (name, text) in [("stdout", result.stdout), ("stderr", result.stderr)] where text.contains(mark) {
                Issue.record("\(argv.joined(separator: " ")) printed \"\(mark)\" on \(name), text that is not ours (issue 12): \(result)")
            }
        }
    }

    /// Runs `git ARGS` (so `git hforge ...` goes through the real git).
    @discardableResult
    func git(_ arguments: String..., in directory: String) throws -> Result {
        try run("git", arguments, in: directory)
    }

    /// Runs git and fails the test when it fails.
    @discardableResult
    func gitOK(_ arguments: String..., in directory: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let r = try run("git", arguments, in: directory)
        #expect(r.code == 0, "git \(arguments.joined(separator: " ")) failed: \(r)", sourceLocation: sourceLocation)
        return r.stdout
    }

    /// A new repository with one commit, at `root/relativePath`.
    func makeRepository(_ relativePath: String, commit: Bool = true) throws -> String {
        let path = root + "/" + relativePath
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try gitOK("init", "-q", in: path)
        if commit {
            try "hello\n".write(toFile: path + "/README", atomically: true, encoding: .utf8)
            try gitOK("add", "README", in: path)
            try gitOK("commit", "-q", "-m", "first", in: path)
        }
        return path
    }

    /// Writes a file (through a new file renamed into place). No child is
    /// spawned through Spawn meanwhile, and the descriptor is close-on-exec
    /// for children others start (the core's, in-process): a child that
    /// inherited it would make exec'ing the file fail (ETXTBSY).
    func write(_ text: String, to relativePath: String) throws {
        let path = relativePath.hasPrefix("/") ? relativePath : root + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        Spawn.spawnLock.lock()
        defer { Spawn.spawnLock.unlock() }
        let staged = path + ".writing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(staged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: staged]) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { close(fd); unlink(staged); throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            written += n
        }
        close(fd)
        guard rename(staged, path) == 0 else { unlink(staged); throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// A context for running core operations in-process.
    func context(in directory: String) -> Context {
        Context(environment: environment, workingDirectory: directory, output: .capturing())
    }

    /// Every file under `path` (recursively, `.git` included) and its bytes,
    /// to prove that a dry run changed nothing.
    static func snapshot(_ path: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: path) else { return result }
        while let rel = e.nextObject() as? String {
            let full = path + "/" + rel
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: full, isDirectory: &isDir) {
                if isDir.boolValue { result[rel + "/"] = Data() } else { result[rel] = try Data(contentsOf: URL(fileURLWithPath: full)) }
            }
        }
        return result
    }
}

extension TestEnvironment {
    /// A TCP port on 127.0.0.1 that nothing listens on now, chosen by the
    /// kernel (bind to port 0), for a server a test starts: a port picked at
    /// random can be one another test's server or an outgoing connection holds.
    static func freeTCPPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        precondition(bound, "no free TCP port on 127.0.0.1")
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Writes an executable script so that no file descriptor open for
    /// writing on it is ever in this process: `install` (a child of its own)
    /// writes the file. Otherwise a child another test forks at that moment
    /// inherits the descriptor until it execs, and running the script then
    /// fails with "Text file busy" (ETXTBSY).
    static func writeExecutable(_ text: String, to path: String) throws {
        let staged = path + ".staged-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try text.write(toFile: staged, atomically: false, encoding: .utf8)
        defer { unlink(staged) }
        let installed = try Spawn.run(["/usr/bin/install", "-m", "755", staged, path], environment: ["PATH": "/usr/bin:/bin"], directory: "/", input: nil)
        precondition(installed.code == 0, "install -m 755 \(staged) \(path) failed: \(String(decoding: installed.stderr, as: UTF8.self))")
    }
}
