import Glibc

/// One prompt at a time on the terminal while many children run at once
/// (`git hforge workspace fetch`): a password for git, a passphrase or a
/// host-key question for ssh.
///
/// The run makes a private 0700 directory holding a lock file and two links
/// to our own executable, `hyperforge-askpass` (git's `GIT_ASKPASS`) and
/// `hyperforge-ssh-askpass` (ssh's `SSH_ASKPASS`, with
/// `SSH_ASKPASS_REQUIRE=force` so that ssh asks it instead of reading the
/// terminal itself). Started by git or ssh with the prompt as its argument,
/// the executable takes the lock (waiting while another child prompts),
/// then runs the askpass program the user had set up for that request, if
/// any (still holding the lock), or else asks on `/dev/tty` itself, without
/// echo except for a user name or a yes/no question, and prints the answer
/// for its caller. The lock goes with the process. The progress line is
/// drawn only while nobody holds it, so it never writes over a prompt.
/// The answer goes only to the process that asked (a pipe); nothing is
/// logged or kept.
public struct PromptGate: Sendable {
    public static let gitProgram = "hyperforge-askpass"
    public static let sshProgram = "hyperforge-ssh-askpass"
    /// The lock file's path, for the askpass children.
    public static let lockVariable = "HYPERFORGE_PROMPT_LOCK"
    /// The user's own askpass programs (empty when none), run under the lock.
    public static let gitDelegateVariable = "HYPERFORGE_USER_GIT_ASKPASS"
    public static let sshDelegateVariable = "HYPERFORGE_USER_SSH_ASKPASS"
    static let directoryPrefix = "hforge-prompt-"

    public let directory: String
    public let lockPath: String
    /// What the children's environment gets.
    public let environment: [String: String]
    private let token: Interruption.Token

    /// A gate for children started with `environment`; nil when no private
    /// directory can be made (the children then prompt as they would alone).
    public static func make(environment: [String: String]) -> PromptGate? {
        guard let exe = FilePaths.real("/proc/self/exe") else { return nil }
        var base = environment["XDG_RUNTIME_DIR"] ?? ""
        if base.isEmpty || !FilePaths.isDirectory(base) { base = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp" }
        do { try FileTrust.checkAbove(base + "/" + directoryPrefix) } catch { return nil }
        Leftovers.sweepDirectories(prefix: directoryPrefix, in: base)
        var template = Array((base + "/\(directoryPrefix)\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let directory = String(cString: made)
        let token = Interruption.register(.directory(directory))
        let lockPath = directory + "/lock"
        let fd = open(lockPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0, symlink(exe, directory + "/" + gitProgram) == 0, symlink(exe, directory + "/" + sshProgram) == 0 else {
            if fd >= 0 { Glibc.close(fd) }
            Leftovers.removeTree(directory)
            Interruption.unregister(token)
            return nil
        }
        Glibc.close(fd)
        var env: [String: String] = [:]
        env[lockVariable] = lockPath
        env["GIT_ASKPASS"] = directory + "/" + gitProgram
        // An explicit SSH_ASKPASS_REQUIRE=never keeps ssh on the terminal, as the user chose.
        if (environment["SSH_ASKPASS_REQUIRE"] ?? "").lowercased() != "never" {
            env["SSH_ASKPASS"] = directory + "/" + sshProgram
            env["SSH_ASKPASS_REQUIRE"] = "force"
        }
        // git's own order: GIT_ASKPASS, core.askPass (looked up by the child, in its repository), SSH_ASKPASS.
        env[gitDelegateVariable] = environment["GIT_ASKPASS"] ?? ""
        env[sshDelegateVariable] = sshDelegate(environment) ?? ""
        return PromptGate(directory: directory, lockPath: lockPath, environment: env, token: token)
    }

    /// The user's SSH_ASKPASS when ssh would have used it without us
    /// (forced or preferred, or a display to show it on).
    static func sshDelegate(_ env: [String: String]) -> String? {
        guard let program = env["SSH_ASKPASS"], !program.isEmpty else { return nil }
        let require = (env["SSH_ASKPASS_REQUIRE"] ?? "").lowercased()
        if require == "never" { return nil }
        if require == "force" || require == "prefer" { return program }
        let display = !(env["DISPLAY"] ?? "").isEmpty || !(env["WAYLAND_DISPLAY"] ?? "").isEmpty
        return display ? program : nil
    }

    /// The children's environment: `base` with the gate's variables.
    public func childEnvironment(_ base: [String: String]) -> [String: String] {
        base.merging(environment) { _, ours in ours }
    }

    /// Runs `body` unless a child is prompting now (then returns false at
    /// once): the lock is held meanwhile, so no prompt starts during it.
    public func ifNobodyPrompts(_ body: () -> Void) -> Bool {
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { body(); return true }
        defer { Glibc.close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        body()
        flock(fd, LOCK_UN)
        return true
    }

    /// Removes the directory (after the last child).
    public func close() {
        Leftovers.removeTree(directory)
        Interruption.unregister(token)
    }

    // MARK: The askpass program

    /// Whether a program name (argv[0]) is the askpass's.
    public static func isAskpass(_ name: String) -> Bool {
        let base = FilePaths.lastComponent(name)
        return base == gitProgram || base == sshProgram
    }

    nonisolated(unsafe) private static var savedTerminal = termios()
    nonisolated(unsafe) private static var terminalFD: Int32 = -1

    /// `hyperforge-askpass PROMPT`: the answer on standard output, exit 0;
    /// 1 when there is no terminal to ask on (or the user's program failed).
    public static func askpassMain(_ arguments: [String]) -> Int32 {
        let prompt = arguments.count > 1 ? arguments[1] : "Password: "
        let env = currentEnvironment()
        func fail(_ text: String) -> Int32 {
            _ = writeAll(2, Array("hyperforge-askpass: \(text)\n".utf8))
            return 1
        }
        // The lock: held until this process (or the program it becomes) exits.
        if let lock = env[lockVariable], !lock.isEmpty {
            let fd = open(lock, O_RDONLY)   // not close-on-exec: the user's program inherits it
            guard fd >= 0 else { return fail("cannot open the prompt lock \(lock): \(FileRead.reason(errno))") }
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else { return fail("cannot take the prompt lock \(lock): \(FileRead.reason(errno))") }
            }
        }
        let isSSH = FilePaths.lastComponent(arguments.first ?? "") == sshProgram
        var delegate = env[isSSH ? sshDelegateVariable : gitDelegateVariable] ?? ""
        if !isSSH && delegate.isEmpty {
            // core.askPass of the repository git runs in, then the user's SSH_ASKPASS (git's order).
            delegate = configuredAskpass() ?? env[sshDelegateVariable] ?? ""
        }
        if !delegate.isEmpty {
            var argv: [UnsafeMutablePointer<CChar>?] = [strdup(delegate), strdup(prompt), nil]
            execvp(delegate, &argv)
            return fail("cannot run your askpass program \(delegate): \(FileRead.reason(errno))")
        }
        return askOnTerminal(prompt, fail: fail)
    }

    static func currentEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }

    /// `git config core.askPass` where git started us (a program path, or nil).
    static func configuredAskpass() -> String? {
        var out: [Int32] = [0, 0]
        guard pipe(&out) == 0 else { return nil }
        let pid = fork()
        if pid == 0 {
            dup2(out[1], 1)
            let null = open("/dev/null", O_RDWR)
            if null >= 0 { dup2(null, 0); dup2(null, 2) }
            var argv: [UnsafeMutablePointer<CChar>?] = [strdup("git"), strdup("config"), strdup("--get"), strdup("core.askPass"), nil]
            execvp("git", &argv)
            _exit(127)
        }
        Glibc.close(out[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(out[0], &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        Glibc.close(out[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let value = String(decoding: bytes, as: UTF8.self).trimmed()
        return value.isEmpty ? nil : value
    }

    /// Whether the answer to `prompt` may be shown as it is typed: a user
    /// name or a yes/no question (ssh's host key), not a secret.
    static func echoes(_ prompt: String) -> Bool {
        let p = prompt.lowercased()
        return p.hasPrefix("username") || p.contains("(yes/no")
    }

    static func askOnTerminal(_ prompt: String, fail: (String) -> Int32) -> Int32 {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard tty >= 0 else { return fail("no terminal to ask \"\(TerminalText.inline(prompt))\" on (/dev/tty: \(FileRead.reason(errno)))") }
        defer { Glibc.close(tty) }
        let echo = echoes(prompt)
        var saved = termios()
        let isTerminal = tcgetattr(tty, &saved) == 0
        if isTerminal && !echo {
            savedTerminal = saved
            terminalFD = tty
            for s in [SIGINT, SIGTERM, SIGHUP] {
                signal(s) { sig in
                    tcsetattr(PromptGate.terminalFD, TCSANOW, &PromptGate.savedTerminal)
                    signal(sig, SIG_DFL)
                    raise(sig)
                }
            }
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(tty, TCSANOW, &quiet)
        }
        // Over whatever line the progress left (it does not draw while we hold the lock).
        _ = writeAll(tty, Array("\r\u{1B}[2K\(TerminalText.inline(prompt))".utf8))
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        var ended = false
        while true {
            let n = read(tty, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { ended = true; break }
            if byte == UInt8(ascii: "\n") { break }
            answer.append(byte)
        }
        if isTerminal && !echo {
            tcsetattr(tty, TCSANOW, &saved)
            _ = writeAll(tty, Array("\n".utf8))
        }
        if answer.last == UInt8(ascii: "\r") { answer.removeLast() }
        if ended && answer.isEmpty { return fail("no answer (end of input on the terminal)") }
        answer.append(UInt8(ascii: "\n"))
        _ = writeAll(1, answer)
        return 0
    }
}
