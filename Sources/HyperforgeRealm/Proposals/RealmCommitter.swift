import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// Writes the commits a member's realm commands make (a sync's branch
/// commit, proposal records, acknowledgements, approvals, merges, binding
/// updates). The tree is written with libgit2; a commit with more than one
/// parent (a proposal merged into the realm: the realm's tip and the
/// proposal's branch) or one that must be signed is made by the real git,
/// `git commit-tree [-S]`, so that signing follows the user's own
/// configuration exactly: `gpg.format ssh` and `user.signingkey` (a key
/// file's path, or `key::` and a public key with the private key in
/// ssh-agent), read by git from the member repository's config. No key
/// reaches an argument list: git hands the key file's path to `ssh-keygen -Y sign`.
///
/// A realm whose realm.yaml sets `trust.require_signed_commits: true` has
/// every commit checked by `git realm check --realm` (and its guard) against
/// the ssh keys its `repos/*.yaml` list, and counts a proposal record, an
/// acknowledgement or an approval only when signed (ProposalSignatures): there,
/// every commit is signed, and a member without a signing configuration is
/// refused before anything is pushed (`SigningError.notConfigured`).
struct RealmCommitter {
    let repository: Repository
    let author: Signature
    /// Sign with the user's signing key (`git commit-tree -S`).
    let signs: Bool
    let context: Context

    /// The committer for `repository` (a member's, or a dry run's scratch one)
    /// in a realm that does or does not require signatures. `signs` is false
    /// in a scratch repository (a dry run pushes nothing, so it signs nothing,
    /// but says it would); `signingConfig`: the member repository whose git
    /// config must have a signing key when the realm requires signatures.
    static func make(_ repository: Repository, author: Signature, requireSigned: Bool, signingConfig member: Repository, dryRun: Bool,
                     context: Context) throws -> RealmCommitter {
        if requireSigned { try SigningError.checkConfigured(member, context: context) }
        return RealmCommitter(repository: repository, author: author, signs: requireSigned && !dryRun, context: context)
    }

    /// A commit of `files` on `parents` (none: a root commit), signed when `signs`.
    func commit(files: [String: [UInt8]], parents: [String], message: String) async throws -> String {
        let plain = try repository.writeCommit(files: files, parent: parents.first, message: message, author: author)
        guard signs || parents.count > 1 else { return plain }
        var arguments = ["commit-tree", plain + "^{tree}"]
        for p in parents { arguments += ["-p", p] }
        if signs { arguments.append("-S") }
        // The message from a file, not a pipe: a git that stops before reading
        // it (a configuration it cannot parse) could not kill us with SIGPIPE.
        let tmp = context.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((tmp + "/hforge-message-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw SigningError.failed(what: "writing the commit message into \(tmp)", output: String(cString: strerror(errno))) }
        let messageFile = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(messageFile) }
        let written = writeAll(fd, Array(message.utf8))
        close(fd)
        if let e = written { throw SigningError.failed(what: "writing the commit message into \(tmp)", output: String(cString: strerror(e))) }
        arguments += ["-F", messageFile]
        var environment = GitEnvironment.detached(context.environment)
        let date = "@\(author.time) +0000"
        for who in ["AUTHOR", "COMMITTER"] {
            environment["GIT_\(who)_NAME"] = author.name
            environment["GIT_\(who)_EMAIL"] = author.email
            environment["GIT_\(who)_DATE"] = date
        }
        let gitDir = repository.commonDirectory
        let r: ChildProcess.Result
        do {
            r = try await ChildProcess.run(["git", "--git-dir=\(gitDir)"] + arguments, environment: environment, directory: gitDir)
        } catch let e as ChildProcess.LaunchError {
            throw SigningError.failed(what: "running git commit-tree", output: e.reason)
        }
        let id = r.stdout.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard r.exitCode == 0, id.count >= 40, id.allSatisfy(\.isHexDigit) else {
            throw SigningError.failed(what: signs ? "signing a commit (git commit-tree -S)" : "writing a merge commit (git commit-tree)",
                                      output: RemoteURL.redactedText(r.stderr + r.stdout))
        }
        return id
    }
}

/// Why a realm commit could not be signed.
enum SigningError: HyperforgeError {
    /// The realm requires signed commits, and git here has no ssh signing key.
    case notConfigured(problem: String)
    case failed(what: String, output: String)

    /// Refuses (`notConfigured`, exit 3) when git, signing in `member`,
    /// would have no usable ssh signing key. Asked of git itself (`git config
    /// --get-regexp` with the environment `git commit-tree -S` gets), so that
    /// what it sees and what signs agree: `git -c user.signingkey=… realm …`
    /// (GIT_CONFIG_PARAMETERS, which libgit2 does not read), includes, an
    /// empty value (`git config user.signingkey ""`) and a valueless
    /// `[user] signingkey` (which makes git itself stop) are all seen.
    static func checkConfigured(_ member: Repository, context: Context) throws {
        let arguments = ["git", "--git-dir=\(member.commonDirectory)", "config", "--null", "--get-regexp", "^(user\\.signingkey|gpg\\.format)$"]
        guard let r = ChildProcess.runSync(arguments, environment: GitEnvironment.detached(context.environment)) else {
            throw SigningError.notConfigured(problem: "git could not be started to read its signing configuration")
        }
        guard r.exitCode == 0 || r.exitCode == 1 else {
            let why = r.stderr.trimmed().split(separator: "\n").first.map { TerminalText.inline(String($0)) } ?? "exit \(r.exitCode)"
            throw SigningError.notConfigured(problem: "git cannot read its configuration (\(why))")
        }
        // Each entry is "key\nvalue\0", or "key\0" without a value; the last one wins, as in git.
        var format: String?, key: String?, valueless = false
        for entry in r.stdout.split(separator: "\0") {
            let parts = entry.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count == 2 ? String(parts[1]) : nil
            switch parts[0].lowercased() {
            case "gpg.format": format = value
            case "user.signingkey": key = value ?? ""; valueless = value == nil
            default: continue
            }
        }
        guard let key, !key.trimmed().isEmpty else {
            throw SigningError.notConfigured(problem: valueless ? "git's user.signingkey has no value here ('[user] signingkey' without '= KEY')"
                                                     : key == nil ? "git has no user.signingkey here" : "git's user.signingkey is empty here")
        }
        if format?.lowercased() != "ssh" {
            throw SigningError.notConfigured(problem: "git's gpg.format is \(format.map { "\"\(TerminalText.inline($0))\"" } ?? "not set") (the realm checks ssh signatures)")
        }
        // A key file git would not find (git expands a leading '~/'; a literal key is 'key::…' or starts 'ssh-').
        let path = key.hasPrefix("~/") ? (context.environment["HOME"] ?? "") + key.dropFirst(1) : key
        if !key.hasPrefix("key::") && !key.hasPrefix("ssh-") && path.hasPrefix("/") && access(path, R_OK) != 0 {
            throw SigningError.notConfigured(problem: "git's user.signingkey names \(TerminalText.inline(key)), which cannot be read here")
        }
    }

    var exitStatus: ExitStatus {
        switch self {
        case .notConfigured: return .configuration
        case .failed: return .failure
        }
    }

    var description: String {
        switch self {
        case .notConfigured(let problem):
            return "the realm requires signed commits (trust.require_signed_commits in realm.yaml), but \(problem); nothing was pushed"
        case .failed(let what, let output):
            let tail = output.trimmed().split(separator: "\n").prefix(4).joined(separator: "; ")
            return "\(what) failed" + (tail.isEmpty ? "" : ": " + TerminalText.inline(String(tail))) + "; nothing was pushed"
        }
    }

    var hint: String? {
        switch self {
        case .notConfigured:
            return "configure an ssh signing key listed under signing_keys in this repository's repos/REPO.yaml: "
                + "git config gpg.format ssh && git config user.signingkey ~/.ssh/KEY.pub (the key's path, or 'key::ssh-ed25519 AAAA...' with the key in ssh-agent)"
        case .failed:
            return "check that 'git commit -S' works in this repository (user.signingkey, gpg.format ssh, ssh-keygen on PATH)"
        }
    }
}
