import FoundationEssentials
import HyperforgeCore
import HyperforgeSecrets

/// The npm registry a release goes to, resolved from the user's own files
/// only: auth.toml's `[registries.npm.NAME]` (`url`, `user`), or, with no
/// name given, the user's `~/.npmrc` (`@scope:registry=` for a scoped
/// package, else `registry=`), else registry.npmjs.org (named `npmjs`).
/// A repository's committed `[publish] registry` may name one, never give a
/// URL. `npm publish` is told the URL on its command line (`--registry`,
/// and `--@scope:registry` for a scoped package), which npm ranks above a
/// project `.npmrc` and package.json's `publishConfig`, so a cloned
/// repository cannot send the token elsewhere.
struct NpmRegistry: ReleaseRegistry, Equatable {
    var name: String
    /// The registry's base URL, ending in '/'.
    var url: String
    var declaredIn: String
    /// The auth.toml account: the token scope's org for an unscoped package.
    var user: String?
    /// The package's npm scope (without '@'), when it has one.
    var packageScope: String?
    /// The network settings npm publish is given on its command line, from
    /// the user's ~/.npmrc or npm's defaults: package.json's
    /// `publishConfig` may set any npm setting not given on the command
    /// line (npm's publish.js), so without these a cloned package could
    /// send the upload, token and all, through a proxy of its choosing.
    var networkFlags: [String] = []

    static let defaultName = "npmjs"
    /// The name of "the registry your ~/.npmrc names".
    static let npmrcName = "npmrc"
    static let defaultURL = "https://registry.npmjs.org/"
    static let tokenVariable = "HFORGE_NPM_TOKEN"

    var location: String { url }
    var tokenVariable: String { NpmRegistry.tokenVariable + " (through a 0600 --userconfig file)" }

    /// `npm/@{org}/{package}/token`: the package's scope, or the account for an unscoped package.
    func scope(package: String) -> Scope {
        let (scope, bare) = NpmPackage.split(package)
        return .npm(org: scope ?? user ?? "", package: bare)
    }

    static func npmrcPath(_ context: Context) -> String { FilePaths.join(context.paths.home, ".npmrc") }

    static func withSlash(_ url: String) -> String { url.hasSuffix("/") ? url : url + "/" }

    /// npm's "nerf dart" of a registry URL: `//host[:port]/path/`, the key its auth settings are under.
    static func nerfDart(_ url: String) -> String {
        var rest = Substring(url)
        if let r = rest.firstRange(of: "://") { rest = rest[r.upperBound...] }
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }
        return "//" + withSlash(String(rest))
    }

    /// `registry=` and `@scope:registry=` of ~/.npmrc (npm's ini: `key = value`, `#`/`;` comments), with their lines.
    static func npmrcSettings(_ context: Context) -> [String: (value: String, line: Int)] {
        guard let bytes = try? FileRead.bytes(npmrcPath(context), limit: 1 << 20) else { return [:] }
        var out: [String: (String, Int)] = [:]
        for (index, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmed()
            guard !line.hasPrefix("#"), !line.hasPrefix(";"), let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]).trimmed()
            var value = String(line[line.index(after: eq)...]).trimmed()
            if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f { value = String(value.dropFirst().dropLast()) }
            out[key] = (value, index + 1)
        }
        return out
    }

    static func resolve(_ name: String?, packageScope: String?, from: String, auth: AuthConfig, context: Context) throws -> NpmRegistry {
        let declared = auth.registries.filter { $0.kind == .npm }.map(\.name)
        var url: String?
        var declaredIn = ""
        var chosen = name ?? npmrcName
        if let name, name != npmrcName {
            if let account = auth.registry(.npm, named: name), let u = account.url { (url, declaredIn) = (u, account.origin.description) }
            else if name == defaultName { (url, declaredIn) = (defaultURL, "npm's default registry") }
        } else {
            let settings = npmrcSettings(context)
            let path = npmrcPath(context)
            if let scope = packageScope, let s = settings["@\(scope):registry"] { (url, declaredIn) = (s.value, "\(path):\(s.line)") }
            else if let s = settings["registry"] { (url, declaredIn) = (s.value, "\(path):\(s.line)") }
            else { (url, declaredIn, chosen) = (defaultURL, "npm's default registry", defaultName) }
        }
        guard let url, url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw PublishError.unknownRegistry(name: chosen, from: from, declared: Array(Set(declared + [defaultName, npmrcName])).sorted())
        }
        let base = withSlash(url)
        // The account: the registry's own entry, else an entry with the same URL.
        let account = auth.registry(.npm, named: chosen)
            ?? auth.registries.first { $0.kind == .npm && $0.url.map(withSlash) == base }
        if packageScope == nil && account?.user == nil { throw PublishError.noAccount(registry: chosen, authPath: auth.path) }
        return NpmRegistry(name: chosen, url: base, declaredIn: declaredIn, user: account?.user, packageScope: packageScope,
                           networkFlags: networkFlags(npmrcSettings(context)))
    }

    /// `--proxy`, `--https-proxy`, `--noproxy` and `--strict-ssl` as the
    /// user's ~/.npmrc has them, else npm's defaults (`null`: the
    /// environment's HTTPS_PROXY and the like still apply, as they are the
    /// user's own), and `--dry-run=false` (a publishConfig `dry-run` would
    /// make npm exit 0 having uploaded nothing).
    static func networkFlags(_ settings: [String: (value: String, line: Int)]) -> [String] {
        ["proxy": "null", "https-proxy": "null", "noproxy": "", "strict-ssl": "true"].sorted { $0.key < $1.key }.map { key, fallback in
            "--\(key)=\(settings[key]?.value ?? fallback)"
        } + ["--dry-run=false"]
    }

    /// `@org%2fname` for a scoped package (the registry's path for it), else the name.
    static func escaped(_ package: String) -> String { package.replacing("/", with: "%2f") }

    /// Whether the packument (GET /{package}, the document `npm view`
    /// reads) lists `version` under `versions`: a read-only request, made
    /// again with the token (Bearer) when the registry wants one to read.
    func hasVersion(_ version: String, of package: String, token: String?, context: Context) throws -> Bool? {
        let page = url + NpmRegistry.escaped(package)
        guard let response = try read(page, accept: "application/json", authorization: token.map { "Bearer " + $0 }, package: package, context: context) else { return nil }
        switch response.status {
        case 404: return false
        case 200:
            guard case .object(let o)? = try? JSONParser.parse(response.body.map { $0 }, file: page), case .object(let versions)? = o["versions"] else {
                throw PublishError.unreadable(path: "registry \(name) (\(RemoteURL.redacted(page)))", reason: "its answer is not a packument (no versions object)")
            }
            return versions[version] != nil
        default:
            throw PublishError.unreadable(path: "registry \(name) (\(RemoteURL.redacted(page)))", reason: "HTTP status \(response.status)")
        }
    }

    /// `npm pack`, run before the upload without the token: npm runs a
    /// package's `prepare` script whenever it packs a directory, even with
    /// --ignore-scripts (npm 10's pacote), so the upload is of the tarball
    /// this makes, which npm publishes without running anything of it.
    var packs: Bool { true }

    func packCommand(destination: String) -> [String] {
        ["npm", "pack", "--ignore-scripts", "--pack-destination", destination]
    }

    /// `npm publish TARBALL --ignore-scripts` with the registry and the
    /// network settings on the command line, and `--prefix` at the run's
    /// own scratch directory, so the repository's `.npmrc` (npm's project
    /// config, found from the package's directory) is not read.
    func publishCommand(package: String, version: String, directory: String, artifact: String?, scratch: String?) -> [String] {
        ["npm", "publish"] + (artifact.map { [$0] } ?? []) + ["--ignore-scripts", "--registry", url]
            + (packageScope.map { ["--@\($0):registry=\(url)"] } ?? []) + networkFlags + (scratch.map { ["--prefix=\($0)"] } ?? [])
    }

    /// npm reads `${HFORGE_NPM_TOKEN}` in the userconfig file from its environment.
    func publishEnvironment(_ base: [String: String], token: String?) -> [String: String] {
        var env = base
        if let token { env[NpmRegistry.tokenVariable] = token }
        env["npm_config_update_notifier"] = "false"
        env["npm_config_audit"] = "false"
        env["npm_config_fund"] = "false"
        return env
    }

    /// The user's ~/.npmrc (its proxy, cafile and other settings kept),
    /// without the auth lines for this registry, and then
    /// `//host/path/:_authToken=${HFORGE_NPM_TOKEN}`: the token itself is
    /// only in npm's environment, never in this file or its argv.
    func clientConfig(context: Context) -> ClientConfig? {
        let dart = NpmRegistry.nerfDart(url)
        var lines: [String] = []
        if let bytes = try? FileRead.bytes(NpmRegistry.npmrcPath(context), limit: 1 << 20) {
            for raw in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                let key = raw.split(separator: "=", maxSplits: 1).first.map { String($0).trimmed() } ?? ""
                if key.hasPrefix(dart + ":") || key.hasPrefix(String(dart.dropLast()) + ":") { continue }
                lines.append(String(raw))
            }
        }
        lines.append("\(dart):_authToken=${\(NpmRegistry.tokenVariable)}")
        return ClientConfig(flag: "--userconfig", fileName: "npmrc", bytes: Array((lines.joined(separator: "\n") + "\n").utf8))
    }
}
