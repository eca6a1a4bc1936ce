import HyperforgeCore
import HyperforgeSecrets

/// One maintainer's login on one forge, as `repos/{repo}.yaml` lists it:
///
///     forge_accounts:
///     - maintainer: alice@example.com
///       forge: github
///       login: alice
///
/// When the realm repository is hosted on that forge (the forge's name as
/// the user's auth.toml or the built-in list has it: github, codeberg,
/// gitlab, or a `custom_forges` name; AccountForge), `git realm sync` asks these logins to
/// review the proposals that affect the repository, and an approving review
/// by one of them is the repository's acknowledgement. The file is written
/// by others, so a login is only ever a reviewer's login (compared with the
/// forge's review authors and sent as a reviewer name): letters, digits,
/// '-', '_' and '.', at most 100 characters, never a URL, host or path.
public struct ForgeAccount: Sendable, Equatable {
    public var maintainer: String
    public var forge: String
    public var login: String

    public init(maintainer: String, forge: String, login: String) {
        self.maintainer = maintainer
        self.forge = forge
        self.login = login
    }

    static func parse(_ f: YAMLFields, maintainers: [String]) throws(RealmFileError) -> [ForgeAccount] {
        var out: [ForgeAccount] = []
        for item in try f.list("forge_accounts") ?? [] {
            let a = try YAMLFields(item, file: f.file, field: "forge_accounts", known: ["maintainer", "forge", "login"])
            let account = ForgeAccount(maintainer: try a.required("maintainer"), forge: try a.required("forge"), login: try a.required("login"))
            guard maintainers.contains(account.maintainer) else {
                throw .invalid(a.location("maintainer"), field: "maintainer", reason: "\"\(account.maintainer)\" is not one of this repository's maintainers")
            }
            if let problem = AccountForge.problem(account.forge) {
                throw .invalid(a.location("forge"), field: "forge", reason: "\"\(TerminalText.inline(account.forge))\" \(problem)")
            }
            if let problem = RealmNames.problem(account.login) {
                throw .invalid(a.location("login"), field: "login", reason: "\"\(TerminalText.inline(account.login))\" \(problem) (a forge login, never a URL or host)")
            }
            if out.contains(where: { $0.forge.lowercased() == account.forge.lowercased() && $0.login.lowercased() == account.login.lowercased() && $0.maintainer != account.maintainer }) {
                throw .invalid(a.location("login"), field: "login", reason: "\(account.forge) login \"\(account.login)\" is given to two maintainers")
            }
            out.append(account)
        }
        return out
    }

    var node: YAMLEmitter.Node {
        RealmYAML.map([("maintainer", RealmYAML.text(maintainer)), ("forge", RealmYAML.text(forge)), ("login", RealmYAML.text(login))])
    }
}

/// The forges a `forge_accounts` entry can name: the ones a realm can be
/// hosted on, which is how `git realm sync` picks the accounts to ask
/// (RealmForge: the forge among the user's own whose host serves the realm's
/// URL, by its name). That is a built-in forge (github, codeberg, gitlab) or
/// a `[custom_forges.NAME]` of the user's auth.toml (a self-hosted GitHub
/// Enterprise, Forgejo/Gitea or GitLab), so the set is closed for each user:
/// a name is never a host, URL or path.
///
/// - Written by a command (`admin repo accounts --forge`), the name must be
///   one of the running user's forges (`known`).
/// - Read from `repos/{repo}.yaml` (written by others, whose auth.toml may
///   declare a custom forge this user does not have), it must be a forge's
///   name as auth.toml spells one (`problem`: lowercase letters, digits, '-'
///   and '_', so `evil.com` or `GitHub` is refused with the file and line);
///   an entry for a forge this user does not have is never asked.
public enum AccountForge {
    /// Why `name` can be no forge's name, or nil.
    public static func problem(_ name: String) -> String? {
        guard let problem = Names.problem(with: name, as: .forge) else { return nil }
        return "is not a forge's name: it \(problem) (a name as auth.toml has it: "
            + Forge.builtIn.map(\.name).joined(separator: ", ") + " or a custom_forges name; never a URL or host)"
    }

    /// The forge `name` names among the running user's (built in, then
    /// auth.toml's custom_forges, read for a name that is not built in),
    /// refused otherwise, naming `flag`, `value` and the valid names.
    public static func check(_ name: String, flag: String, value: String, context: Context) throws -> String {
        let builtIn = Forge.builtIn.map(\.name)
        if builtIn.contains(name) { return name }
        // A name that could be a custom forge's needs auth.toml read (its errors are the user's to see); for
        // one that can be no forge's name it is read only to list the valid names.
        let auth = Names.problem(with: name, as: .forge) == nil ? try AuthConfig.load(context) : try? AuthConfig.load(context)
        if let auth, auth.customForges.contains(where: { $0.name == name }) { return name }
        let custom = auth?.customForges.map(\.name) ?? []
        let why = Names.problem(with: name, as: .forge).map { "is not a forge's name: it \($0), never a host or URL" } ?? "is none of them"
        throw RealmError.invalidOption(flag: flag, value: TerminalText.inline(value),
                                       expected: "a forge you have: " + builtIn.joined(separator: ", ") + " (built in)"
                                        + (custom.isEmpty ? "" : ", " + custom.joined(separator: ", ") + " (custom_forges in \(auth!.path))")
                                        + "; \"\(TerminalText.inline(name))\" \(why)")
    }
}
