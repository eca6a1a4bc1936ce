import HyperforgeCore
import HyperforgeGit

/// The ssh signing keys of a realm that requires signed commits
/// (`trust.require_signed_commits: true`): which key git signs with here,
/// whether the realm lists it for whom a write speaks, and whether a key
/// given to `admin repo keys add` is a well-formed public key. Keys are
/// compared by their fingerprints as `ssh-keygen -l` gives them; a key file
/// is only ever handed to ssh-keygen by its path (a private key's content
/// is never read here), and a literal key goes to it in a 0600 file in a
/// private temporary directory.
enum SigningKeys {
    /// The key git signs with in `member` (user.signingkey), as git reads it
    /// (`git config`, so `-c` and includes count): its fingerprint and what it
    /// is in words (the key file's path, or "a literal key"). Nil when no key
    /// is configured (SigningError.checkConfigured says so).
    static func configured(_ member: Repository, context: Context) throws -> (fingerprint: String, source: String)? {
        let arguments = ["git", "--git-dir=\(member.commonDirectory)", "config", "--get", "user.signingkey"]
        guard let r = ChildProcess.runSync(arguments, environment: GitEnvironment.detached(context.environment)), r.exitCode == 0 else { return nil }
        let value = r.stdout.trimmedLines()
        guard !value.isEmpty else { return nil }
        if value.hasPrefix("key::") || value.hasPrefix("ssh-") {
            let literal = value.hasPrefix("key::") ? String(value.dropFirst(5)) : value
            guard let fp = try fingerprint(publicKey: literal, context: context) else {
                throw RealmTrustError.unreadableSigningKey(source: "the literal key in user.signingkey", reason: "ssh-keygen -l does not read it as an ssh public key")
            }
            return (fp, "the literal key in user.signingkey")
        }
        var path = value.hasPrefix("~/") ? (context.environment["HOME"] ?? "") + value.dropFirst(1) : value
        if !path.hasPrefix("/") { path = member.commonDirectory + "/" + path }
        let source = "the key file \(TerminalText.inline(value)) (user.signingkey)"
        let shown = keygen(["-l", "-E", "sha256", "-f", path], context: context)
        guard let fp = shown.fingerprint else {
            throw RealmTrustError.unreadableSigningKey(source: source, reason: shown.problem)
        }
        return (fp, source)
    }

    /// The fingerprint of `key` (`ssh-ed25519 AAAA… [comment]`), nil when ssh-keygen does not read it as a public key.
    static func fingerprint(publicKey key: String, context: Context) throws -> String? {
        let dir = try TemporaryDirectory(context: context)
        defer { dir.remove() }
        let file = dir.path + "/key.pub"
        do { try AtomicFile.write(Array((key.trimmed() + "\n").utf8), to: file, mode: 0o600) } catch {
            throw RealmError.noScratch(directory: dir.path, reason: "\(error.path): \(error.reason)")
        }
        return keygen(["-l", "-E", "sha256", "-f", file], context: context).fingerprint
    }

    /// `ssh-keygen ARGS`: the fingerprint it printed first (`256 SHA256:… comment (ED25519)`), or why not.
    private static func keygen(_ arguments: [String], context: Context) -> (fingerprint: String?, problem: String) {
        guard let r = ChildProcess.runSync(["ssh-keygen"] + arguments, environment: GitEnvironment.detached(context.environment)) else {
            return (nil, "ssh-keygen could not be started (is OpenSSH's ssh-keygen on PATH?)")
        }
        let fields = r.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
        if r.exitCode == 0, fields.count >= 2, fields[1].hasPrefix("SHA256:") { return (String(fields[1]), "") }
        let why = (r.stderr + r.stdout).trimmed().split(separator: "\n").first.map { TerminalText.inline(String($0)) } ?? "exit \(r.exitCode)"
        return (nil, "ssh-keygen -l: " + why)
    }

    /// Refuses (exit 3, before anything is pushed) when the realm requires
    /// signed commits and the key git signs with here is not one the realm
    /// lists for `who` (a repository; "realm": an approver; nil: any
    /// maintainer), as `git realm check --realm` would judge the commit
    /// (RealmHistoryChecker.signers, the same keys).
    static func checkListed(_ member: Repository, for who: String?, before: RealmSnapshot, after: RealmSnapshot, context: Context) throws {
        guard let mine = try configured(member, context: context) else { return }
        let (keys, whose) = RealmHistoryChecker.signers(by: who, before: before, after: after)
        var listed: [(fingerprint: String, maintainer: String)] = []
        for k in keys {
            if let fp = try fingerprint(publicKey: k.key, context: context) { listed.append((fp, k.maintainer)) }
        }
        if listed.contains(where: { $0.fingerprint == mine.fingerprint }) { return }
        throw RealmTrustError.signingKeyNotListed(fingerprint: mine.fingerprint, source: mine.source, whose: whose, repo: who,
                                             listed: listed.map { "\($0.fingerprint) (\($0.maintainer))" })
    }

    /// What a key given on the command line is: a well-formed public key
    /// line (`type base64 [comment]`) with its fingerprint. A private key is
    /// refused without a word of its content.
    static func publicKey(file: String?, literal: String?, displayed: String, context: Context) throws -> (key: String, fingerprint: String) {
        var text: String
        if let file {
            let bytes: [UInt8]
            do {
                guard let b = try FileRead.bytes(file, limit: 64 << 10) else { throw RealmTrustError.badPublicKey(given: displayed, reason: "no such file") }
                bytes = b
            } catch let e as FileRead.Failure {
                throw RealmTrustError.badPublicKey(given: displayed, reason: e.reason)
            }
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            text = literal ?? ""
        }
        if text.contains("PRIVATE KEY") || text.contains("PuTTY-User-Key-File") { throw RealmTrustError.privateKeyGiven(given: file == nil ? "--key-literal" : displayed) }
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmed() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1 else {
            throw RealmTrustError.badPublicKey(given: file == nil ? "--key-literal" : displayed,
                                          reason: lines.isEmpty ? "it holds no key" : "it holds \(lines.count) lines; give one key")
        }
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: true)
        // A key type and its base64 (the comment is left out of the realm: it may name a machine).
        let key = parts.prefix(2).joined(separator: " ")
        if let problem = SigningKey(maintainer: "x@example.com", key: key).problem {
            throw RealmTrustError.badPublicKey(given: file == nil ? "--key-literal" : displayed, reason: "it " + problem)
        }
        guard let fp = try fingerprint(publicKey: key, context: context) else {
            throw RealmTrustError.badPublicKey(given: file == nil ? "--key-literal" : displayed, reason: "ssh-keygen -l does not read it as an ssh public key")
        }
        return (key, fp)
    }
}

/// Refusals of the realm's trust rules: signing keys, approvers, the
/// realm's guard, changes that must go through a proposal.
enum RealmTrustError: HyperforgeError {
    /// git signs with a key the realm does not list for whom the write speaks.
    case signingKeyNotListed(fingerprint: String, source: String, whose: String, repo: String?, listed: [String])
    /// The key user.signingkey names cannot be read by ssh-keygen.
    case unreadableSigningKey(source: String, reason: String)
    /// `proposals approve` by someone who is none of governance.approvers.
    case notApprover(email: String?, approvers: [String], what: String)
    /// The realm's pre-receive hook (its guard) refused a push: its own lines.
    case guardRefused(url: String, lines: [String])
    /// `admin contract publish` of a change the importers must review (a proposal).
    case needsProposal(contract: String, domain: String, from: String, to: String, why: String)
    /// A key given to `admin repo keys add` that is not a well-formed public key.
    case badPublicKey(given: String, reason: String)
    /// A private key given where a public key belongs (never echoed).
    case privateKeyGiven(given: String)

    /// A push `git push --porcelain` reports refused by the receiving side's
    /// pre-receive hook (`[remote rejected] … (pre-receive hook declined)`):
    /// the hook's own lines, `remote: ` dropped, tabs as spaces, git's
    /// own lines left out. Nil for a push refused otherwise.
    static func guardRefusal(_ r: ChildProcess.Result, url: String) -> RealmTrustError? {
        let declined = r.stdout.split(separator: "\n").contains { $0.hasPrefix("!") && $0.contains("pre-receive hook declined") }
        guard declined else { return nil }
        var lines: [String] = []
        for raw in RemoteURL.redactedText(r.stderr).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) where raw.hasPrefix("remote:") {
            let line = raw.dropFirst("remote:".count).replacing("\t", with: "    ")
            var text = String.UnicodeScalarView()
            for c in (line.hasPrefix(" ") ? line.dropFirst() : line[...]).unicodeScalars {
                // Control characters (a hook's colours, a stray escape) shown, never sent to the terminal.
                if c.value < 0x20 || c.value == 0x7f {
                    let hex = String(c.value, radix: 16)
                    text.append(contentsOf: ("\\x" + (hex.count == 1 ? "0" : "") + hex).unicodeScalars)
                } else { text.append(c) }
            }
            let shown = String(String(text).reversed().drop(while: \.isWhitespace).reversed())
            if !shown.isEmpty { lines.append(shown) }
        }
        return .guardRefused(url: RemoteURL.redacted(url), lines: lines)
    }

    var exitStatus: ExitStatus {
        switch self {
        case .signingKeyNotListed, .unreadableSigningKey: return .configuration
        case .notApprover, .needsProposal: return .refused
        case .guardRefused: return .failure
        case .badPublicKey, .privateKeyGiven: return .usage
        }
    }

    var description: String {
        switch self {
        case .signingKeyNotListed(let fingerprint, let source, let whose, _, _):
            return "the realm requires signed commits (trust.require_signed_commits in realm.yaml), and git here signs with \(source), "
                + "whose fingerprint \(fingerprint) is not a key of \(whose); nothing was pushed"
        case .unreadableSigningKey(let source, let reason):
            return "the realm requires signed commits, and git here signs with \(source), which cannot be read (\(reason)); nothing was pushed"
        case .notApprover(let email, let approvers, let what):
            return "\(email.map { TerminalText.inline($0) } ?? "(no user.email)") is not one of governance.approvers in realm.yaml "
                + "(\(approvers.isEmpty ? "it lists none" : approvers.joined(separator: ", "))), who alone may make \(what); nothing was pushed"
        case .guardRefused(let url, let lines):
            let shown = lines.prefix(30).map { "  " + $0 } + (lines.count > 30 ? ["  … and \(lines.count - 30) more lines"] : [])
            return "the realm's guard (the pre-receive hook of the realm at \(url)) refused the push; nothing was changed in the realm"
                + (shown.isEmpty ? "" : ":\n" + shown.joined(separator: "\n"))
        case .needsProposal(let contract, let domain, let from, let to, let why):
            return "\(contract) \(from) → \(to) (domain \(domain)) \(why): its importers review it first, so it is not published straight to the realm; nothing was committed"
        case .badPublicKey(let given, let reason):
            return "\(given) is not an ssh public key: \(reason)"
        case .privateKeyGiven(let given):
            return "\(given) is a private key; the realm lists public keys only (its content was not read out or written anywhere)"
        }
    }

    var hint: String? {
        switch self {
        case .signingKeyNotListed(_, _, _, let repo, let listed):
            let add = repo.flatMap { $0 == "realm" ? nil : $0 }.map {
                "have a maintainer of \($0) add yours: git realm admin repo keys add \($0) --key ~/.ssh/KEY.pub --maintainer EMAIL"
            } ?? "have a maintainer add yours to their repository: git realm admin repo keys add REPO --key ~/.ssh/KEY.pub --maintainer EMAIL (an approver's address, for the realm's own files)"
            return "see your key's fingerprint with 'ssh-keygen -lf KEYFILE'; the realm lists " + (listed.isEmpty ? "none" : listed.joined(separator: ", "))
                + "; sign with one of them (git config user.signingkey ~/.ssh/KEY.pub), or " + add
        case .unreadableSigningKey:
            return "check the key with 'ssh-keygen -lf KEYFILE' and point git at it: git config user.signingkey ~/.ssh/KEY.pub (or 'key::ssh-ed25519 AAAA...' with the key in ssh-agent)"
        case .notApprover(_, let approvers, _):
            return approvers.isEmpty ? "an approver must be added to governance.approvers in realm.yaml first"
                : "ask one of \(approvers.joined(separator: ", ")) to run it (git config user.email is how the tools tell who you are)"
        case .guardRefused:
            return "the guard runs 'git realm check --realm' on the pushed commits: each must keep the realm's rules and, when the realm requires signed commits, "
                + "be signed by a key listed for the repository whose files it changes (signing_keys in repos/REPO.yaml; 'ssh-keygen -lf KEYFILE' shows yours); "
                + "'git realm check --realm' on a clone of the realm shows the same findings"
        case .needsProposal:
            return "edit .hyperforge/contracts/DOMAIN/NAME.yaml and run 'git realm sync': it proposes the change, the importers acknowledge it and it merges as governance says"
        case .badPublicKey:
            return "give the .pub file (--key ~/.ssh/KEY.pub) or its line (--key-literal 'ssh-ed25519 AAAA...'); 'ssh-keygen -lf FILE' checks it"
        case .privateKeyGiven:
            return "give the public half instead: --key ~/.ssh/KEY.pub ('ssh-keygen -y -f PRIVATE-KEY' prints it)"
        }
    }
}
