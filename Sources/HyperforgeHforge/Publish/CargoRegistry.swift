import FoundationEssentials
import HyperforgeCore
import HyperforgeSecrets

/// The Cargo registry a release goes to, resolved from the user's own files
/// only: auth.toml's `[registries.cargo.NAME]` and cargo's
/// `$CARGO_HOME/config.toml` (default ~/.cargo/config.toml)
/// `[registries.NAME]`. A repository's committed `[publish] registry` or its
/// manifest's `package.publish` may name one of those, never supply a URL:
/// a cloned repository cannot send a registry token to a host of its choosing.
struct CargoRegistry: Sendable, Equatable {
    /// `crates-io` for cargo's default.
    var name: String
    /// The index URL (`sparse+https://…`, or a git index's URL).
    var index: String
    /// Where the index URL came from.
    var declaredIn: String
    var user: String
    /// Set only when the index comes from auth.toml (cargo does not know the registry then).
    var indexEnvironment: [String: String]

    static let defaultName = "crates-io"
    static let cratesIOIndex = "sparse+https://index.crates.io/"

    var isDefault: Bool { name == CargoRegistry.defaultName }

    /// The environment variable cargo reads this registry's token from
    /// (cargo's `cargo:token` credential provider): CARGO_REGISTRY_TOKEN for
    /// crates.io, CARGO_REGISTRIES_<NAME>_TOKEN (upper case, '-' as '_') else.
    var tokenVariable: String {
        isDefault ? "CARGO_REGISTRY_TOKEN" : "CARGO_REGISTRIES_\(CargoRegistry.variablePart(name))_TOKEN"
    }

    static func variablePart(_ name: String) -> String {
        String(name.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// `cargo/{user}/{package}/token`.
    func scope(package: String) -> Scope { .cargo(user: user, package: package) }

    /// `$CARGO_HOME/config.toml` (cargo also reads the older name `config`).
    static func cargoConfigPaths(_ context: Context) -> [String] {
        let home = context.environment["CARGO_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FilePaths.join(context.paths.home, ".cargo")
        return [FilePaths.join(home, "config.toml"), FilePaths.join(home, "config")]
    }

    /// Resolves `name` (nil: crates.io). `from` says who chose the name, for errors.
    static func resolve(_ name: String?, from: String, auth: AuthConfig, context: Context) throws -> CargoRegistry {
        let wanted = name ?? defaultName
        let account = auth.registry(.cargo, named: wanted)
        var index: String?
        var declaredIn = ""
        var env: [String: String] = [:]
        var declared = auth.registries.filter { $0.kind == .cargo }.map(\.name)
        if wanted == defaultName {
            index = cratesIOIndex
            declaredIn = "cargo's default registry"
        } else {
            for path in cargoConfigPaths(context) where FilePaths.kind(path) == .file {
                let spans = try CargoPackage.read(path)
                declared += spans.entries.filter { $0.table.first == "registries" || ($0.table.isEmpty && $0.key.first == "registries") }
                    .compactMap { $0.table.count >= 2 ? $0.table[1] : ($0.key.count >= 2 ? $0.key[1] : nil) }
                if let v = spans.string(table: ["registries", wanted], key: ["index"]) ?? spans.string(table: [], key: ["registries", wanted, "index"]) {
                    index = v.text
                    declaredIn = "\(path):\(v.line)"
                    break
                }
            }
            if index == nil, let account, let url = account.url {
                index = url
                declaredIn = account.origin.description
            }
            // The index from the user's own files, in the environment, which
            // cargo prefers to every config file: a committed
            // `.cargo/config.toml` in the repository cannot point the
            // registry's name (and so its token) at another host.
            if let index { env["CARGO_REGISTRIES_\(variablePart(wanted))_INDEX"] = index }
        }
        guard let index else {
            throw PublishError.unknownRegistry(name: wanted, from: from, declared: Array(Set(declared)).sorted())
        }
        guard let user = account?.user else {
            throw PublishError.noAccount(registry: wanted, authPath: auth.path)
        }
        return CargoRegistry(name: wanted, index: index, declaredIn: declaredIn, user: user, indexEnvironment: env)
    }

    /// The sparse index's file for a crate: 1/, 2/, 3/{c}/ or {ab}/{cd}/ (Cargo book, "Index format").
    static func indexPath(_ crate: String) -> String {
        let n = crate.lowercased()
        let c = Array(n)
        switch c.count {
        case 1: return "1/\(n)"
        case 2: return "2/\(n)"
        case 3: return "3/\(c[0])/\(n)"
        default: return "\(String(c[0..<2]))/\(String(c[2..<4]))/\(n)"
        }
    }

    /// What the index says about `version` of `crate`: a read-only GET of
    /// its sparse index file. Nil when the index is not sparse (a git index
    /// is not fetched for this; cargo's own refusal of a duplicate is the check then).
    func hasVersion(_ version: String, of crate: String, context: Context) throws -> Bool? {
        guard index.hasPrefix("sparse+") else { return nil }
        var base = String(index.dropFirst("sparse+".count))
        if !base.hasSuffix("/") { base += "/" }
        let url = base + CargoRegistry.indexPath(crate)
        let response: HTTP.Response
        do {
            response = try HTTP.request("GET", url, headers: ["User-Agent: git-hforge"], timeout: 30,
                                        options: HTTP.Options.from(environment: context.environment, url: url))
        } catch let e as HTTP.Failure {
            throw PublishError.unreadable(path: "registry \(name) index (\(RemoteURL.redacted(url)))", reason: e.reason)
        }
        switch response.status {
        case 404, 410, 451: return false
        case 200:
            let text = String(decoding: response.body, as: UTF8.self)
            for line in text.split(separator: "\n") {
                guard let entry = try? JSONParser.parse(String(line), file: url), case .object(let o) = entry,
                      case .string(let v)? = o["vers"] else { continue }
                if v == version { return true }
            }
            return false
        default:
            throw PublishError.unreadable(path: "registry \(name) index (\(RemoteURL.redacted(url)))", reason: "HTTP status \(response.status)")
        }
    }
}
