import FoundationEssentials
import HyperforgeCore
import HyperforgeGit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether `git realm check` runs validation scripts: git config
/// `realm.runScripts` (unset or true: run the allowed ones; false: skip them
/// with a warning; `required`: a script that is skipped or refused is an error, for CI).
enum ScriptPolicy: String, Sendable, Equatable {
    case run, off, required

    static let configKey = "realm.runScripts"

    static func read(_ repository: Repository) throws -> ScriptPolicy {
        guard let raw = try repository.config.string(configKey) else { return .run }
        switch raw.trimmed().lowercased() {
        case "", "true", "yes", "on", "1": return .run
        case "false", "no", "off", "0": return .off
        case "required": return .required
        default: throw RealmError.invalidConfig(key: configKey, value: raw, expected: "true, false or required")
        }
    }
}

/// Validation scripts (RFC "Validation Hooks"): run from the repository
/// root with the contract's value (JSON) on standard input and a time limit.
/// Exit 0 valid, 1 invalid, 2 warning; anything else (or being killed at the
/// limit) is an error.
///
/// The script's path comes from a realm file, which another member wrote (a
/// contract's owner writes `validation.importer`, which runs here). So a
/// path only names a script; it never chooses code: it runs only when it is
/// a regular file recorded in this repository's HEAD as executable (mode
/// 100755), in the work tree, outside `.git`, with no symlink on the way,
/// and with the work-tree bytes equal to HEAD's (`ScriptGate`). What runs
/// is HEAD's blob itself: a private copy (mode 0700, in a temporary 0700
/// directory, named like the script and removed afterwards), so nothing can
/// change the file between the check and the exec; the working directory is
/// still the repository root, `$0` is the copy's path, and
/// `HFORGE_REALM_SCRIPT` holds the script's path in the repository. A file is
/// never run through `/bin/sh` on our initiative: its `#!` line decides. A check
/// started from inside a check (a script or hook calling `git realm check`)
/// runs no scripts, so nothing recurses.
struct Scripts {
    /// Set for every script's processes; a check that finds it runs no scripts.
    static let nestedMarker = "HFORGE_REALM_IN_CHECK"

    let repository: Repository
    let root: String
    let environment: [String: String]
    let timeout: Double
    let policy: ScriptPolicy

    var isNested: Bool { !(environment[Scripts.nestedMarker] ?? "").isEmpty }

    /// Verdicts and cache tokens already worked out in this check: one script
    /// often validates many contracts, and each verdict reads HEAD's blob and
    /// the work tree's bytes (measured: seven tenths of a warm check's cache
    /// keys went to asking 70 times about one script).
    private let memo = Memo()

    final class Memo: @unchecked Sendable {
        let lock = Lock()
        var verdicts: [String: ScriptGate.Verdict] = [:]
        var tokens: [String: String] = [:]
    }

    func verdict(_ script: String) -> ScriptGate.Verdict {
        if let known = memo.lock.withLock({ memo.verdicts[script] }) { return known }
        let v = ScriptGate(repository: repository, root: root).verdict(script)
        memo.lock.withLock { memo.verdicts[script] = v }
        return v
    }

    /// What the cache key records about a script: the verdict that decides
    /// whether it runs, and its bytes when it does.
    func cacheToken(_ script: String, cache: CheckCache) throws -> String {
        if policy == .off || isNested { return "skipped:\(policy.rawValue)" }
        if let known = memo.lock.withLock({ memo.tokens[script] }) { return known }
        let token: String
        switch verdict(script) {
        case .allowed: token = "allowed:\(try headEntry(script))=" + (try cache.fileHash(root + "/" + script, as: script) ?? "-")
        case .missing: token = "missing"
        case .refused(let why): token = "refused:" + why
        }
        memo.lock.withLock { memo.tokens[script] = token }
        return token
    }

    /// HEAD's tree entry for the script (its mode and blob), part of what decides whether it runs.
    private func headEntry(_ script: String) throws -> String {
        try repository.treeEntryID(atRef: "HEAD", path: script) ?? "-"
    }

    /// `namedIn`: the file the script's path was read from (the realm's
    /// contract file, or the owner's working file).
    func run(_ script: String, role: String, checks: ContractChecks, mode: Finding.Mode, version: String, value: JSONValue?, namedIn file: String) async -> Finding {
        let namedIn = "named by validation.\(role) in \(file)"
        if policy == .off || isNested {
            let why = isNested
                ? "this check was started from inside another 'git realm check' (\(Scripts.nestedMarker) is set), which runs no scripts"
                : "\(ScriptPolicy.configKey) is false in git config"
            return checks.finding(policy == .required ? .error : .warning, mode, file: script,
                                  "the \(role) script was skipped: \(why)" + (policy == .required ? " (\(ScriptPolicy.configKey) = required makes a skipped script an error)" : ""))
        }
        let blob: [UInt8]
        switch verdict(script) {
        case .refused(let why):
            return checks.finding(.error, mode, file: script,
                                  "the \(role) script is refused and was not run: \(why) (\(namedIn)); validation scripts run only from executable regular files (mode 100755) committed in this repository's HEAD, unchanged in the work tree, inside it, not under .git and not through a symlink")
        case .missing:
            return checks.finding(.error, mode, file: script, "the \(role) script does not exist in this repository (\(namedIn))")
        case .allowed(_, let bytes):
            blob = bytes
        }
        let copy: PrivateScriptCopy
        do { copy = try PrivateScriptCopy(blob, named: FilePaths.lastComponent(script), environment: environment) } catch {
            return checks.finding(.error, mode, file: script, "cannot run the \(role) script: \(error.description)")
        }
        defer { copy.remove() }
        var env = environment
        env["HFORGE_REALM_SCRIPT"] = script
        env["HFORGE_REALM_CONTRACT"] = checks.name
        env["HFORGE_REALM_DOMAIN"] = checks.domain
        env["HFORGE_REALM_CONTRACT_VERSION"] = version
        env["HFORGE_REALM_MODE"] = mode.rawValue
        env[Scripts.nestedMarker] = "\(getpid())"
        let arguments = [copy.path]
        do {
            let r = try await ChildProcess.runCapped(arguments, environment: env, directory: root, input: (value ?? .null).jsonText + "\n",
                                                     timeout: timeout, keep: 16 << 10)
            let output = r.output.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).map(String.init).filter { !$0.isEmpty }
            let more = r.bytes > (16 << 10) ? ["(\(r.bytes) bytes of output; the start and end are shown)"] : []
            guard let code = r.exitCode else {
                return checks.finding(.error, mode, file: script, "the \(role) script did not finish within \(Evaluation.number(timeout)) s and was stopped", details: output + more)
            }
            switch code {
            case 0: return checks.finding(.ok, mode, file: script, "\(role) script passed")
            case 2: return checks.finding(.warning, mode, file: script, "\(role) script warned (exit 2)", details: output + more)
            case 1: return checks.finding(.error, mode, file: script, "\(role) script failed (exit 1)", details: output + more)
            default: return checks.finding(.error, mode, file: script, "\(role) script exited with \(code) (expected 0, 1 or 2)", details: output + more)
            }
        } catch {
            return checks.finding(.error, mode, file: script, "cannot run the \(role) script: \(error)")
        }
    }
}

/// Decides whether a script path from a realm file may run in this repository.
struct ScriptGate {
    enum Verdict: Equatable {
        /// The script's absolute path in the work tree, and HEAD's bytes of it (what runs).
        case allowed(String, blob: [UInt8])
        /// Tracked, but not in the work tree (deleted locally).
        case missing
        case refused(String)
    }

    let repository: Repository
    let root: String

    func verdict(_ script: String) -> Verdict {
        if script.isEmpty { return .refused("the path is empty") }
        if script.hasPrefix("/") { return .refused("it is an absolute path, outside the repository") }
        let parts = script.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.contains("..") { return .refused("it has a '..' segment, which leaves the repository") }
        if parts.contains(where: { $0.isEmpty || $0 == "." }) { return .refused("it has an empty or '.' segment; name the file by its plain path in the repository") }
        if parts.contains(where: { $0.lowercased() == ".git" }) { return .refused("it is under .git, git's own directory, not a file of the repository") }
        if parts.contains(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }) {
            return .refused("it contains control characters")
        }
        // Tracked in HEAD, as an executable regular file.
        let entry: Repository.TreeEntryKind?
        do { entry = try repository.treeEntry(atRef: "HEAD", path: script) } catch {
            return .refused("this repository's HEAD cannot be read (\(error.description))")
        }
        switch entry {
        case nil: return .refused("it is not tracked in this repository's HEAD (commit it to have it run)")
        case .symlink?: return .refused("it is a symlink in this repository's HEAD")
        case .directory?: return .refused("it is a directory in this repository's HEAD, not a file")
        case .submodule?: return .refused("it is a submodule in this repository's HEAD, not a file")
        case .file(executable: false)?:
            return .refused("it is recorded in this repository's HEAD as a non-executable file (mode 100644), so it is data, not a script; "
                + "if it is meant to run, commit it executable: git update-index --chmod=+x \(script) && git commit")
        case .file(executable: true)?: break
        }
        let blob: [UInt8]
        do {
            guard let commit = try repository.resolve("HEAD"), let b = try repository.file(atCommit: commit, path: script) else {
                return .refused("it cannot be read from this repository's HEAD")
            }
            blob = b
        } catch {
            return .refused("this repository's HEAD cannot be read (\(error.description))")
        }
        // In the work tree: every directory on the way and the file itself, without following symlinks.
        var path = root
        for (i, part) in parts.enumerated() {
            path += "/" + part
            var st = stat()
            if lstat(path, &st) != 0 {
                return errno == ENOENT || errno == ENOTDIR ? .missing : .refused("\(path) cannot be read (\(String(cString: strerror(errno))))")
            }
            let kind = st.st_mode & S_IFMT
            let shown = parts[0...i].joined(separator: "/")
            if kind == S_IFLNK { return .refused("\(shown) is a symlink in the work tree") }
            if i < parts.count - 1 {
                if kind != S_IFDIR { return .refused("\(shown) is not a directory in the work tree") }
            } else if kind != S_IFREG {
                return .refused("it is not a regular file in the work tree")
            }
        }
        // Belt and braces: the resolved file lies inside the work tree and outside the git directories.
        guard let real = FilePaths.real(path), let realRoot = FilePaths.real(root) else { return .missing }
        if !real.hasPrefix(realRoot + "/") { return .refused("it resolves outside the work tree (\(real))") }
        for dir in Set([repository.gitDirectory, repository.commonDirectory]) {
            if let g = FilePaths.real(dir), real == g || real.hasPrefix(g + "/") { return .refused("it resolves into the git directory \(g)") }
        }
        // The work tree holds exactly HEAD's bytes (HEAD's blob is what runs; a
        // difference would mean the check shows one thing and runs another).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return .refused("\(path) cannot be read (\(FileRead.reason(errno)))") }
        let current = FileRead.all(fd: fd, limit: blob.count + 1)
        close(fd)
        if current != blob {
            return .refused("it has uncommitted changes in the work tree (its content differs from HEAD's); commit it (git add \(script) && git commit) or restore it (git restore \(script))")
        }
        return .allowed(path, blob: blob)
    }
}

/// HEAD's bytes of a script, written where only we can reach them: a fresh
/// 0700 directory from `mkdtemp` under `$TMPDIR` (or /tmp), holding one
/// 0700 file named like the script. Removed with `remove()`.
struct PrivateScriptCopy {
    struct Failure: HyperforgeError {
        let reason: String
        var exitStatus: ExitStatus { .environment }
        var description: String { reason }
    }

    static let prefix = "hforge-realm-script-"
    let directory: String
    let path: String
    private let token: Interruption.Token

    init(_ bytes: [UInt8], named name: String, environment: [String: String]) throws(Failure) {
        let tmp = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        // Whoever may write the directory holding the private one may rename it
        // away and put their own script in its place before it runs: only a
        // directory (and parents) that others cannot write, or sticky ones like /tmp.
        do { try FileTrust.checkAbove(tmp + "/hforge-realm-script") } catch {
            throw Failure(reason: "TMPDIR (\(tmp)) is not safe for HEAD's copy of the script: \(error.description)")
        }
        // What a killed check left (its process gone, ours, a directory) goes first.
        Leftovers.sweepDirectories(prefix: PrivateScriptCopy.prefix, in: tmp)
        var template = Array((tmp + "/\(PrivateScriptCopy.prefix)\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(reason: "cannot create a private directory in \(tmp) for HEAD's copy of the script: \(FileRead.reason(errno))")
        }
        directory = String(cString: made)
        token = Interruption.register(.directory(directory))
        path = directory + "/" + (name.isEmpty ? "script" : name)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o700)
        guard fd >= 0 else {
            let why = FileRead.reason(errno)
            rmdir(directory)
            Interruption.unregister(token)
            throw Failure(reason: "cannot write HEAD's copy of the script to \(path): \(why)")
        }
        let failed = writeAll(fd, bytes)
        // The mode as asked, whatever the umask.
        fchmod(fd, 0o700)
        close(fd)
        if let failed {
            unlink(path)
            rmdir(directory)
            Interruption.unregister(token)
            throw Failure(reason: "cannot write HEAD's copy of the script to \(path): \(FileRead.reason(failed))")
        }
    }

    /// Removes the copy and its directory (and whatever the script left in
    /// it; a link it left is removed, not followed).
    func remove() {
        unlink(path)
        if rmdir(directory) != 0 { Leftovers.removeTree(directory) }
        Interruption.unregister(token)
    }
}
