import FoundationEssentials
import HyperforgeCore
import HyperforgeSecrets

/// The Python package index a release goes to, resolved from the user's
/// own files only: auth.toml's `[registries.pypi.NAME]` (`url`: the upload
/// URL; `index`: the simple index, by default the upload URL's `simple/`)
/// and `~/.pypirc`'s `[NAME] repository = URL`. A repository's committed
/// `[publish] registry` may name one of those, never give a URL. The
/// default, `pypi`, is pypi.org. The account (`user`) comes from auth.toml
/// and names the token's scope, pypi/{user}/{package}/token.
struct PyPIRegistry: ReleaseRegistry, Equatable {
    var name: String
    /// The upload URL (twine's --repository-url).
    var url: String
    /// The PEP 503 simple index's base URL, ending in '/'.
    var simpleIndex: String
    var declaredIn: String
    var user: String
    /// Declared in ~/.pypirc: twine is given --repository NAME and reads the URL there itself.
    var inPypirc: Bool

    static let defaultName = "pypi"
    var location: String { url }
    /// twine reads TWINE_USERNAME (`__token__`) and TWINE_PASSWORD from the environment.
    var tokenVariable: String { "TWINE_PASSWORD" }

    func scope(package: String) -> Scope { .pypi(user: user, package: package) }

    static func pypircPath(_ context: Context) -> String { FilePaths.join(context.paths.home, ".pypirc") }

    static func resolve(_ name: String?, from: String, auth: AuthConfig, context: Context) throws -> PyPIRegistry {
        let wanted = name ?? defaultName
        let account = auth.registry(.pypi, named: wanted)
        var declared = auth.registries.filter { $0.kind == .pypi }.map(\.name)
        var url: String?
        var declaredIn = ""
        var inPypirc = false
        if let account, let u = account.url {
            (url, declaredIn) = (u, account.origin.description)
        } else {
            let path = pypircPath(context)
            if let bytes = try? FileRead.bytes(path, limit: 1 << 20) {
                let sections = INI.parse(String(decoding: bytes, as: UTF8.self))
                declared += sections.keys.filter { $0 != "distutils" }
                if let section = sections[wanted], let u = section.values["repository"] {
                    (url, declaredIn, inPypirc) = (u, "\(path):\(section.line)", true)
                }
            }
            if url == nil, wanted == defaultName { (url, declaredIn) = ("https://upload.pypi.org/legacy/", "twine's default repository") }
        }
        guard let url else { throw PublishError.unknownRegistry(name: wanted, from: from, declared: Array(Set(declared)).sorted()) }
        guard let user = account?.user else { throw PublishError.noAccount(registry: wanted, authPath: auth.path) }
        var simple: String
        if let index = account?.index { simple = index }
        else if url.hasPrefix("https://upload.pypi.org/") { simple = "https://pypi.org/simple/" }
        else if url.hasPrefix("https://test.pypi.org/") { simple = "https://test.pypi.org/simple/" }
        else {
            simple = url.hasSuffix("/") ? url : url + "/"
            if simple.hasSuffix("/legacy/") { simple = String(simple.dropLast("legacy/".count)) }
            simple += "simple/"
        }
        if !simple.hasSuffix("/") { simple += "/" }
        return PyPIRegistry(name: wanted, url: url, simpleIndex: simple, declaredIn: declaredIn, user: user, inPypirc: inPypirc)
    }

    /// Whether the simple index's page for `package` (PEP 503,
    /// /simple/NAME/) lists a distribution of `version`: a read-only GET,
    /// made again with the token (HTTP basic, `__token__`) when the index
    /// wants authentication. Nil when it wants it and no token is at hand.
    func hasVersion(_ version: String, of package: String, token: String?, context: Context) throws -> Bool? {
        let page = simpleIndex + PythonPackage.normalized(package) + "/"
        let basic = token.map { "Basic " + Data(Array("__token__:\($0)".utf8)).base64EncodedString() }
        guard let response = try read(page, accept: "text/html", authorization: basic, package: package, context: context) else { return nil }
        switch response.status {
        // 303: pypiserver's answer for a package it does not hold (a redirect to its fallback index, pypi.org).
        case 404, 410, 303: return false
        case 200:
            let html = String(decoding: response.body, as: UTF8.self)
            for part in html.split(separator: "href=").dropFirst() {
                guard let quote = part.first, quote == "\"" || quote == "'" else { continue }
                let href = part.dropFirst().prefix { $0 != quote && $0 != "#" }
                let file = String(href.split(separator: "/").last ?? "")
                if PythonPackage.isDistribution(file, of: package, version: version) { return true }
            }
            return false
        default:
            throw PublishError.unreadable(path: "registry \(name) index (\(RemoteURL.redacted(page)))", reason: "HTTP status \(response.status)")
        }
    }

    /// `twine upload` of this version's sdist and wheel in dist/.
    func publishCommand(package: String, version: String, directory: String, artifact: String?, scratch: String?) -> [String] {
        let names = PythonPackage.distributions(in: directory, of: package, version: version)
        let files = names.isEmpty ? ["dist/\(PythonPackage.normalized(package, separator: "_"))-\(version)*"] : names
        return ["twine", "upload", "--non-interactive", "--disable-progress-bar"]
            + (inPypirc ? ["--repository", name] : ["--repository-url", url]) + files
    }

    /// The token as TWINE_PASSWORD with the user `__token__` (PyPI's API-token convention).
    func publishEnvironment(_ base: [String: String], token: String?) -> [String: String] {
        var env = base
        env["TWINE_USERNAME"] = "__token__"
        if let token { env["TWINE_PASSWORD"] = token }
        env["TWINE_NON_INTERACTIVE"] = "1"
        return env
    }
}

/// A small INI reader for ~/.pypirc: `[section]` and `key = value` (or
/// `key: value`) lines, `#`/`;` comments; the 1-based line of each header.
enum INI {
    struct Section { var line: Int; var values: [String: String] }

    static func parse(_ text: String) -> [String: Section] {
        var sections: [String: Section] = [:]
        var current: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmed()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = String(line.dropFirst().dropLast()).trimmed()
                current = name
                if sections[name] == nil { sections[name] = Section(line: index + 1, values: [:]) }
                continue
            }
            guard let current, let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = String(line[..<sep]).trimmed().lowercased()
            let value = String(line[line.index(after: sep)...]).trimmed()
            sections[current]?.values[key] = value
        }
        return sections
    }
}
