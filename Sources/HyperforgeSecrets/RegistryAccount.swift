import HyperforgeCore
import TOMLKit

/// A package registry declared in auth.toml, and the account on it:
///
///     [registries.cargo.local]          # KIND: cargo, npm or pypi; NAME: the registry's name
///     user = "alice"                    # the account: cargo/alice/PACKAGE/token
///     index = "sparse+https://crates.example.com/index/"   # cargo: the index, when ~/.cargo/config.toml does not declare it
///
///     [registries.pypi.internal]        # pypi: url = the upload URL (twine's --repository-url);
///     user = "alice"                    #   index = the simple index (default: the upload URL's simple/)
///     url = "https://pypi.example.com/"
///
/// `[registries.cargo.crates-io]` (cargo's default registry) needs only `user`.
/// A registry named here is one the user chose: a repository's committed
/// `[publish]` may name it, never declare one (so no clone can send a
/// registry token to a host of its choosing).
public struct RegistryAccount: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case cargo, npm, pypi }
    public var kind: Kind
    public var name: String
    public var user: String?
    /// cargo: the index URL (`sparse+https://…` or a git URL); npm/pypi: the registry's URL.
    public var url: String?
    /// pypi: the PEP 503 simple index, when it is not the upload URL's `simple/`.
    public var index: String? = nil
    public var origin: SourceLocation

    static let keys: [Kind: [String]] = [.cargo: ["user", "index"], .npm: ["user", "url"], .pypi: ["user", "url", "index"]]

    static func read(_ value: any TOMLValueConvertible, at path: [String], _ source: TOMLSource) throws(ConfigError) -> [RegistryAccount] {
        guard let kinds = value.table else { throw .wrongType(source.location(path), key: path.joined(separator: "."), expected: "a table", found: "\(value.type)") }
        var out: [RegistryAccount] = []
        for (kindName, byName) in kinds {
            let kp = path + [kindName]
            guard let kind = Kind(rawValue: kindName) else {
                throw .unknownKey(source.location(kp), key: kp.joined(separator: "."), known: Kind.allCases.map { "registries." + $0.rawValue })
            }
            guard let names = byName.table else { throw .wrongType(source.location(kp), key: kp.joined(separator: "."), expected: "a table of registries", found: "\(byName.type)") }
            for (name, fields) in names {
                let np = kp + [name]
                if let problem = Names.problem(with: name, as: .forge) {
                    throw .invalidValue(source.location(np), key: np.joined(separator: "."), value: name, reason: "a registry name \(problem)")
                }
                guard let table = fields.table else { throw .wrongType(source.location(np), key: np.joined(separator: "."), expected: "a table", found: "\(fields.type)") }
                var account = RegistryAccount(kind: kind, name: name, user: nil, url: nil, origin: source.location(np))
                for (field, v) in table {
                    let fp = np + [field]
                    guard (keys[kind] ?? []).contains(field) else {
                        throw .unknownKey(source.location(fp), key: fp.joined(separator: "."), known: keys[kind] ?? [])
                    }
                    guard let s = v.string, !s.isEmpty else {
                        throw .wrongType(source.location(fp), key: fp.joined(separator: "."), expected: "a non-empty string", found: "\(v.type)")
                    }
                    if field == "user" {
                        if let problem = Names.problem(with: s, as: .owner) {
                            throw .invalidValue(source.location(fp), key: fp.joined(separator: "."), value: s, reason: "an account name \(problem)")
                        }
                        account.user = s
                    } else if kind == .pypi && field == "index" {
                        account.index = s
                    } else {
                        account.url = s
                    }
                }
                out.append(account)
            }
        }
        return out.sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
    }
}

extension AuthConfig {
    /// The declared registry of `kind` named `name`.
    public func registry(_ kind: RegistryAccount.Kind, named name: String) -> RegistryAccount? {
        registries.first { $0.kind == kind && $0.name == name }
    }
}
