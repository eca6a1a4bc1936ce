import HyperforgeCore

/// One maintainer's login on one forge, as `repos/{repo}.yaml` lists it:
///
///     forge_accounts:
///     - maintainer: alice@example.com
///       forge: github
///       login: alice
///
/// When the realm repository is hosted on that forge (the forge's name as
/// the user's auth.toml or the built-in list has it: github, codeberg,
/// gitlab, or a `custom_forges` name), `git realm sync` asks these logins to
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
            for (field, value) in [("forge", account.forge), ("login", account.login)] {
                if let problem = RealmNames.problem(value) {
                    throw .invalid(a.location(field), field: field, reason: "\"\(TerminalText.inline(value))\" \(problem) (a \(field == "login" ? "forge login" : "forge name"), never a URL or host)")
                }
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
