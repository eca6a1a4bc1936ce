import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// The git settings hyperforge owns, and their names.
public enum GitKeys {
    /// `core.sshCommand` is set to this when any forge has a key: git then
    /// runs `git-hforge ssh`, which picks the key by the host contacted.
    public static let sshCommand = "git-hforge ssh"

    public static func identityFile(_ forge: String) -> String { "hforge.\(forge).identityFile" }
    public static func credentialHelperKey(_ url: String) -> String { "credential.\(url).helper" }
    public static func useHttpPathKey(_ url: String) -> String { "credential.\(url).useHttpPath" }
}

/// One change to git's configuration or to the files of a repository.
public enum Action: Sendable, Equatable {
    case writeConfig(path: String, contents: String)
    case renameRemote(from: String, to: String)
    case addRemote(name: String, url: String)
    case setURL(name: String, from: String?, to: String)
    case removePushURL(name: String, pushURL: String)
    case setIdentity(forge: String, from: String?, to: String)
    case removeIdentity(forge: String, path: String)
    case setSSHCommand(from: String?, to: String)
    case addCredentialHelper(url: String, helper: String)
    /// A helper of ours configured by name or at a path that is gone.
    case replaceCredentialHelper(url: String, from: String, to: String)
    case setUseHttpPath(url: String)
    /// A helper of ours for a URL no forge of the config uses any more (a
    /// changed web_url, a forge removed), with the useHttpPath set beside it.
    case removeCredentialHelper(url: String, helper: String, useHttpPath: Bool)
    case removeRemote(name: String, url: String)

    /// Whether this loses something the user had (needs `--force`).
    public var isDestructive: Bool {
        if case .removeRemote = self { return true }
        return false
    }

    public var summary: String {
        switch self {
        case .writeConfig(let path, _): return "write \(path)"
        case .renameRemote(let from, let to): return "rename remote \(from) -> \(to)"
        case .addRemote(let name, let url): return "add remote \(name) \(url)"
        case .setURL(let name, let from, let to): return "set URL of remote \(name): \(from.map(RemoteURL.redacted) ?? "(none)") -> \(to)"
        case .removePushURL(let name, let url): return "remove push URL of remote \(name) (\(RemoteURL.redacted(url)))"
        case .setIdentity(let forge, let from, let to):
            return from == nil ? "use ssh key \(to) for \(forge)" : "use ssh key \(to) for \(forge) (was \(from!))"
        case .removeIdentity(let forge, let path): return "stop using ssh key \(path) for \(forge)"
        case .setSSHCommand(let from, let to):
            return "set core.sshCommand = \(to)" + (from.map { " (was \($0))" } ?? "")
        case .addCredentialHelper(let url, let helper): return "use credential helper \(helper) for \(url)"
        case .replaceCredentialHelper(let url, let from, let to): return "use credential helper \(to) for \(url) (was \(from))"
        case .setUseHttpPath(let url): return "set credential.\(url).useHttpPath = true"
        case .removeCredentialHelper(let url, let helper, _):
            return "stop using credential helper \(helper) for \(url) (no forge of the config uses it)"
        case .removeRemote(let name, let url): return "remove remote \(name) (\(RemoteURL.redacted(url)))"
        }
    }

    var symbol: String {
        switch self {
        case .removeRemote, .removeIdentity, .removePushURL, .removeCredentialHelper: return "-"
        case .setIdentity(_, let from, _): return from == nil ? "+" : "~"
        case .setSSHCommand(let from, _): return from == nil ? "+" : "~"
        case .setURL, .renameRemote, .replaceCredentialHelper: return "~"
        default: return "+"
        }
    }
}

/// The changes that bring a repository's git state in line with its config.
public struct Plan: Sendable {
    public var actions: [Action] = []
    /// Remotes git has that the config does not name.
    public var extraRemotes: [Remote] = []
    /// What the plan deliberately leaves out, and why (printed with it).
    public var notes: [String] = []

    public var isEmpty: Bool { actions.isEmpty }

    /// Prints the plan, one change a line.
    func print(to out: Output.Stream, title: String) {
        if actions.isEmpty {
            out.line("\(title): nothing to change")
        } else {
            out.line("\(title):")
            for a in actions {
                let style: Output.Style = a.symbol == "-" ? .red : (a.symbol == "~" ? .yellow : .green)
                out.line("  \(out.styled(a.symbol, style)) \(a.summary)")
            }
        }
        for note in notes { out.line("  \(out.styled("!", .yellow)) \(note)") }
    }

    /// Applies the actions in order, printing each as it is done.
    func apply(to repo: Repository) throws {
        let local = try repo.config.level(.local)
        for action in actions {
            switch action {
            case .writeConfig(let path, let contents):
                // Only .hyperforge itself is made: the repository it is in
                // must exist (a temporary clone that an interruption removed
                // meanwhile is not made again by a thread still writing to it).
                let directory = FilePaths.parent(path) ?? "/"
                if !FilePaths.entryExists(directory), mkdir(directory, 0o755) != 0, errno != EEXIST {
                    throw FileRead.Failure(path: directory, reason: FileRead.reason(errno), action: "create the directory")
                }
                try AtomicFile.write(Array(contents.utf8), to: path)
            case .renameRemote(let from, let to):
                try repo.renameRemote(from, to: to)
            case .addRemote(let name, let url):
                try repo.addRemote(name, url: url)
            case .setURL(let name, _, let to):
                try repo.setRemoteURL(name, url: to)
            case .removePushURL(let name, _):
                try repo.removePushURL(name)
            case .setIdentity(let forge, _, let to):
                try local.set(GitKeys.identityFile(forge), to)
            case .removeIdentity(let forge, _):
                try local.remove(GitKeys.identityFile(forge))
            case .setSSHCommand(_, let to):
                try local.set("core.sshCommand", to)
            case .addCredentialHelper(let url, let helper):
                try local.add(GitKeys.credentialHelperKey(url), helper)
            case .replaceCredentialHelper(let url, let from, let to):
                try local.remove(GitKeys.credentialHelperKey(url), value: from)
                try local.add(GitKeys.credentialHelperKey(url), to)
            case .setUseHttpPath(let url):
                try local.set(GitKeys.useHttpPathKey(url), "true")
            case .removeCredentialHelper(let url, let helper, let useHttpPath):
                try local.remove(GitKeys.credentialHelperKey(url), value: helper)
                if useHttpPath { try local.remove(GitKeys.useHttpPathKey(url)) }
            case .removeRemote(let name, _):
                try repo.removeRemote(name)
            }
        }
    }
}

/// Compares the git state of `repo` with what `config` asks for.
enum Reconciler {
    /// The plan's note for a forge the user's config puts on plain http.
    static func plainHTTPNote(_ forge: Forge) -> String {
        "\(forge.name) uses plain http (web_url = \(forge.webURL) in your config): its token is sent unencrypted"
    }

    /// How existing remotes whose URL differs are treated: `sync` fixes them,
    /// `init` refuses unless forced.
    enum Mode { case initialise(force: Bool), sync }

    /// `adopt` names remotes whose URL init may change without `--force`:
    /// the ones `--import-from-git` built the config from.
    /// `helper` is the credential helper to configure (`CredentialHelperPath.preferred`).
    /// `authPath`: the user's auth.toml (`ConfigLoader.authPath`), named in notes.
    static func plan(repo: Repository, config: HforgeConfig, mode: Mode, helper: String, authPath: String,
                     renames: [(from: String, to: String)] = [], adopt: Set<String> = []) throws -> Plan {
        var plan = Plan()
        var remotes = try repo.remotes()
        for rename in renames {
            plan.actions.append(.renameRemote(from: rename.from, to: rename.to))
            remotes = remotes.map { $0.name == rename.from ? Remote(name: rename.to, url: $0.url, pushURL: $0.pushURL) : $0 }
        }
        let gitConfig = repo.config

        for located in config.forges {
            let forge = located.value
            let wanted = config.remoteURL(for: forge)
            if let existing = remotes.first(where: { $0.name == forge.name }) {
                let divergence = existing.divergence(from: wanted)
                if divergence.url {
                    if case .initialise(let force) = mode, !force, !adopt.contains(forge.name), let url = existing.url {
                        throw HforgeError.remoteConflict(remote: forge.name, existing: RemoteURL.redacted(url), wanted: wanted)
                    }
                    plan.actions.append(.setURL(name: forge.name, from: existing.url, to: wanted))
                }
                if let push = divergence.pushURL {
                    plan.actions.append(.removePushURL(name: forge.name, pushURL: push))
                }
            } else {
                plan.actions.append(.addRemote(name: forge.name, url: wanted))
            }
        }

        // SSH keys: one per forge, chosen by host through `git-hforge ssh`.
        let usesSSH = config.gitProtocol.value == .ssh
        var anyKey = false
        for located in config.forges {
            let name = located.value.name
            let current = try gitConfig.string(GitKeys.identityFile(name))
            if usesSSH, let key = config.ssh[name]?.value {
                anyKey = true
                if current != key { plan.actions.append(.setIdentity(forge: name, from: current, to: key)) }
            } else if let current {
                plan.actions.append(.removeIdentity(forge: name, path: current))
            }
        }
        if anyKey {
            let current = try gitConfig.string("core.sshCommand")
            if current != GitKeys.sshCommand {
                plan.actions.append(.setSSHCommand(from: current, to: GitKeys.sshCommand))
            }
        }

        // Credential helper for the forges' https hosts: only for forges the
        // user's own files name (built in, auth.toml, untracked defaults.toml
        // they own). A forge only committed config declares gets its remote
        // but never a token: its host is whatever the committer chose.
        for located in config.forges {
            let forge = located.value
            let url = forge.credentialURL
            guard config.isUserForge(forge) else {
                let declared = config.customForges[forge.name].map { " (declared at \($0.origin))" } ?? ""
                plan.notes.append("no credential helper for \(forge.name) (\(url)): only a repository's committed config declares it\(declared); "
                    + "declare it under [custom_forges.\(forge.name)] in your \(authPath) or an untracked defaults.toml of yours to get tokens for it")
                continue
            }
            if forge.isPlainHTTP {
                plan.notes.append(plainHTTPNote(forge))
            }
            let ours = try gitConfig.all(GitKeys.credentialHelperKey(url)).filter(CredentialHelperPath.isOurs)
            if !ours.contains(helper) {
                if let old = ours.first {
                    plan.actions.append(.replaceCredentialHelper(url: url, from: old, to: helper))
                } else {
                    plan.actions.append(.addCredentialHelper(url: url, helper: helper))
                }
            }
            if try gitConfig.string(GitKeys.useHttpPathKey(url))?.lowercased() != "true" {
                plan.actions.append(.setUseHttpPath(url: url))
            }
        }

        if case .sync = mode { plan.actions += try staleCredentialHelpers(repo: repo, config: config) }

        let names = Set(config.forges.map { $0.value.name })
        plan.extraRemotes = remotes.filter { !names.contains($0.name) }
        return plan
    }

    /// The credential helpers of ours in the repository's own git config
    /// (`credential.URL.helper` naming git-credential-hforge, as init and
    /// sync write them) for a URL that no forge of the config has its
    /// credentials at: after a `web_url` changed or a forge was dropped, git
    /// would still hand that host to the helper. Other helpers, and ours in
    /// the global config, are the user's and are left alone. The URL's
    /// `useHttpPath` goes with it when no other helper is left for that URL.
    static func staleCredentialHelpers(repo: Repository, config: HforgeConfig) throws -> [Action] {
        let wanted = Set(config.forges.filter { config.isUserForge($0.value) }.map { $0.value.credentialURL })
        let local = try repo.config.level(.local)
        let entries = try local.entries(where: { $0.hasPrefix("credential.") && $0.hasSuffix(".helper") && $0.count > "credential..helper".count })
        var actions: [Action] = []
        for entry in entries {
            let url = String(entry.name.dropFirst("credential.".count).dropLast(".helper".count))
            guard !url.isEmpty, !wanted.contains(url), CredentialHelperPath.isOurs(entry.value) else { continue }
            let others = entries.filter { $0.name == entry.name && !CredentialHelperPath.isOurs($0.value) }
            let httpPath = try local.string(GitKeys.useHttpPathKey(url))?.lowercased() == "true"
            actions.append(.removeCredentialHelper(url: url, helper: entry.value, useHttpPath: httpPath && others.isEmpty))
        }
        return actions
    }

    /// Every configured ssh key must be a readable file.
    static func checkKeys(_ config: HforgeConfig, context: Context) throws {
        if let problem = keyProblems(config, context: context).first { throw problem }
    }

    /// The configured ssh keys that are not readable files (status warns of
    /// them; init, sync and push refuse).
    static func keyProblems(_ config: HforgeConfig, context: Context, reading: (String) -> Void = { _ in }) -> [HforgeError] {
        guard config.gitProtocol.value == .ssh else { return [] }
        var problems: [HforgeError] = []
        for located in config.forges {
            guard let key = config.ssh[located.value.name] else { continue }
            let path = context.resolve(key.value)
            reading(path)
            switch FilePaths.kind(path) {
            case .missing:
                problems.append(.unreadableKey(forge: located.value.name, path: key.value, reason: "no such file (\(key.origin))"))
                continue
            case .directory:
                problems.append(.unreadableKey(forge: located.value.name, path: key.value, reason: "is a directory (\(key.origin))"))
                continue
            case .file, .other:
                break
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
            guard fd >= 0 else {
                problems.append(.unreadableKey(forge: located.value.name, path: key.value, reason: "\(FileRead.reason(errno)) (\(key.origin))"))
                continue
            }
            close(fd)
        }
        return problems
    }
}
