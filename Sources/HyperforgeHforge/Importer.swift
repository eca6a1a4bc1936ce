import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

/// `git hforge init --import-from-git`: builds a config from the remotes a
/// repository already has, and says what it could not map.
enum Importer {
    struct Result {
        var layer: ConfigLayer
        /// Remotes to rename so each is named after its forge.
        var renames: [(from: String, to: String)]
        var notes: [String]
        /// Credentials the remotes' URLs carried, to move into their scopes.
        var credentials: [CredentialImport.Move]
    }

    static func importRemotes(repo: Repository, defaults: [ConfigLayer], root: String, context: Context,
                              credentials: CredentialImport) async throws -> Result {
        // Forges known here: built in, and custom ones from parent defaults.
        var known = Forge.builtIn
        for (name, f) in ConfigLoader.mergedCustomForges(defaults).sorted(by: { $0.key < $1.key }) {
            if let forge = f.forge(named: name) { known.append(forge) }
        }

        let origin = Origin.commandLine("--import-from-git")
        var layer = ConfigLayer(name: "imported from git")
        var notes: [String] = []
        var unmapped: [HforgeError.Unimported] = []
        var forges: [String] = []
        var renames: [(from: String, to: String)] = []
        var moves: [CredentialImport.Move] = []
        var schemes: Set<GitProtocol> = []
        // `origin` (the clone source) first: it becomes the first forge pushed to.
        let all = try repo.remotes()
        let remotes = all.filter { $0.name == "origin" } + all.filter { $0.name != "origin" }
        let remoteNames = Set(remotes.map(\.name))

        for remote in remotes {
            guard let raw = remote.url else {
                unmapped.append(.init("remote '\(remote.name)' has no URL", .other))
                continue
            }
            let shown = RemoteURL.redacted(raw)
            guard let url = RemoteURL.parse(raw), url.scheme != .file else {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): not an ssh or https URL", .other))
                continue
            }
            guard let forge = known.first(where: { $0.matches(url) }) else {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): \(url.host)\(url.port.map { ":\($0)" } ?? "") is not a known forge", .unknownForge))
                continue
            }
            guard let (owner, name) = url.ownerAndName else {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): no owner/name in the path", .other))
                continue
            }
            if let problem = Names.problem(with: owner, as: .owner, nestedOwners: forge.kind.allowsNestedOwners) {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): org '\(owner)' \(problem)", .other))
                continue
            }
            if forges.contains(forge.name) {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): \(forge.name) is already imported from another remote", .other))
                continue
            }
            if let org = layer.org?.value, org != owner {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): org '\(owner)' differs from '\(org)'", .other))
                continue
            }
            if let repoName = layer.repoName?.value, repoName != name {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): repository '\(name)' differs from '\(repoName)'", .other))
                continue
            }
            if Names.problem(with: name, as: .repository) != nil {
                unmapped.append(.init("remote '\(remote.name)' (\(shown)): '\(name)' is not a valid repository name", .other))
                continue
            }
            // Credentials in the URL and in the push URL (which the plan
            // removes): each moves into its scope, or the remote is left as it is.
            var remoteMoves: [CredentialImport.Move] = []
            if let embedded = RemoteURL.embeddedCredential(in: raw) {
                guard let scope = Scope.forRemote(url, forges: [forge]) else {
                    unmapped.append(.init("remote '\(remote.name)' (\(shown)) carries a credential, but no scope can be derived from it; the remote is left as it is",
                                          .credential(remote: remote.name, fix: "take the credential out of its URL ('git remote set-url \(remote.name) URL'), then import again")))
                    continue
                }
                switch await credentials.plan(remote: remote.name, scope: scope, secret: embedded.secret) {
                case .cannot(let why, let fix):
                    unmapped.append(.init("remote '\(remote.name)' (\(shown)) carries a credential that cannot be moved into its scope: \(why); the remote is left as it is, URL unchanged",
                                          .credential(remote: remote.name, fix: fix)))
                    continue
                case .move(let move):
                    remoteMoves.append(move)
                }
            }
            if let push = remote.pushURL, let embedded = RemoteURL.embeddedCredential(in: push) {
                let pushShown = RemoteURL.redacted(push)
                let pushURL = RemoteURL.parse(push)
                let pushForge = pushURL.flatMap { p in known.first(where: { $0.matches(p) }) }
                guard let pushURL, let pushForge, let scope = Scope.forRemote(pushURL, forges: [pushForge]) else {
                    unmapped.append(.init("remote '\(remote.name)' (\(shown)): its push URL (\(pushShown)) carries a credential, but no scope of a known forge can be derived from it; the remote is left as it is, URLs unchanged",
                                          .credential(remote: remote.name, fix: "take the credential out of its push URL ('git remote set-url --push \(remote.name) URL'), then import again")))
                    continue
                }
                if let earlier = remoteMoves.first(where: { $0.scope == scope }) {
                    if earlier.secret != embedded.secret {
                        unmapped.append(.init("remote '\(remote.name)' (\(shown)): its URL and its push URL (\(pushShown)) carry different credentials for \(scope); the remote is left as it is, URLs unchanged",
                                              .credential(remote: remote.name, fix: "keep one of them with 'git scope set \(scope)', remove them from the URLs, then import again")))
                        continue
                    }
                } else {
                    switch await credentials.plan(remote: remote.name, scope: scope, secret: embedded.secret) {
                    case .cannot(let why, let fix):
                        unmapped.append(.init("remote '\(remote.name)' (\(shown)): its push URL (\(pushShown)) carries a credential that cannot be moved into its scope: \(why); the remote is left as it is, URLs unchanged",
                                              .credential(remote: remote.name, fix: fix)))
                        continue
                    case .move(var move):
                        move.fromPushURL = true
                        remoteMoves.append(move)
                    }
                }
            }
            moves += remoteMoves
            layer.org = Located(owner, origin)
            layer.repoName = Located(name, origin)
            forges.append(forge.name)
            schemes.insert(url.scheme == .ssh ? .ssh : .https)
            if remote.name != forge.name {
                if remoteNames.contains(forge.name) {
                    unmapped.append(.init("remote '\(remote.name)' points at \(forge.name) but a remote named '\(forge.name)' already exists; it keeps its name", .other))
                } else {
                    renames.append((from: remote.name, to: forge.name))
                    notes.append("remote '\(remote.name)' will be renamed to '\(forge.name)'")
                }
            }
        }
        if forges.isEmpty { throw HforgeError.importFoundNothing(reasons: unmapped, authPath: ConfigLoader.authPath(context.paths)) }
        layer.forges = Located(forges.map { Located($0, origin) }, origin)
        if schemes == [.https] { layer.gitProtocol = Located(.https, origin) }
        if schemes.count > 1 { notes.append("remotes use both ssh and https; the config uses ssh (set protocol = \"https\" to change)") }

        // A key set the old way (core.sshCommand = "ssh -i KEY") served every remote.
        if let command = try repo.config.string("core.sshCommand"), command != GitKeys.sshCommand,
           let key = identityFile(in: command) {
            for forge in forges { layer.ssh[forge] = Located(key, origin) }
            notes.append("core.sshCommand used key \(key); it is now the key of \(forges.joined(separator: ", ")) (change with --ssh FORGE=PATH)")
        }
        notes += unmapped.map { "not imported: \($0.text)" }
        return Result(layer: layer, renames: renames, notes: notes, credentials: moves)
    }

    /// The argument of `-i` in an ssh command line, if any.
    static func identityFile(in command: String) -> String? {
        let words = command.split(separator: " ").map(String.init)
        for (i, w) in words.enumerated() {
            if w == "-i", i + 1 < words.count { return words[i + 1] }
            if w.hasPrefix("-i"), w.count > 2 { return String(w.dropFirst(2)) }
        }
        return nil
    }
}
