import HyperforgeCore

/// The Cargo kind's side of `workspace publish`: the requirements of a
/// crate's manifest on other crates, and their rewriting.
///
/// Read: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]` and
/// their `[target.'cfg(..)'.*]` forms, each as `b = "0.1"`,
/// `b = { version = "0.1", path = "../b" }`, `b.version = "0.1"` or a
/// `[dependencies.b]` table; `package = "..."` renames; `b = { workspace = true }`
/// points at the root manifest's `[workspace.dependencies]`, where the
/// requirement is then rewritten.
extension CargoPackage {
    static let dependencySections: Set<String> = ["dependencies", "dev-dependencies", "build-dependencies"]

    /// One dependency's entries: its section and name, and the rest of each key below it.
    private struct Dependency {
        var section: String
        var key: String
        var version: (text: String, span: Range<Int>, line: Int)?
        var renamed: String?
        var path = false
        var workspace = false
        var line: Int
    }

    /// The dependencies of `spans`, in the order they are written; `workspaceTable`:
    /// read `[workspace.dependencies]` instead of the package's own sections.
    private static func dependencies(_ spans: TOMLSpans, workspaceTable: Bool) -> [Dependency] {
        var order: [String] = []
        var found: [String: Dependency] = [:]
        for e in spans.entries {
            let path = e.table + e.key
            let section: String, rest: ArraySlice<String>
            if workspaceTable {
                guard path.count >= 3, path[0] == "workspace", path[1] == "dependencies" else { continue }
                (section, rest) = ("workspace.dependencies", path[2...])
            } else if path.count >= 2, dependencySections.contains(path[0]) {
                (section, rest) = (path[0], path[1...])
            } else if path.count >= 4, path[0] == "target", dependencySections.contains(path[2]) {
                (section, rest) = ("target.\(path[1]).\(path[2])", path[3...])
            } else { continue }
            let name = rest.first!
            let id = section + "\u{0}" + name
            if found[id] == nil { order.append(id); found[id] = Dependency(section: section, key: name, line: e.line) }
            let sub = Array(rest.dropFirst())
            let string = e.stringContent.map { (String(decoding: spans.bytes[$0], as: UTF8.self), $0, e.line) }
            switch sub {
            case []: if let string { found[id]!.version = string }
            case ["version"]: found[id]!.version = string
            case ["package"]: found[id]!.renamed = string?.0
            case ["path"]: found[id]!.path = true
            case ["workspace"]: found[id]!.workspace = String(decoding: spans.bytes[e.value], as: UTF8.self) == "true"
            default: break
            }
        }
        return order.map { found[$0]! }
    }

    func requirements() throws -> [PackageRequirement] {
        let spans = try CargoPackage.read(manifest)
        let root: [String: Dependency]? = try workspaceManifest.map { w in
            Dictionary(CargoPackage.dependencies(try CargoPackage.read(w), workspaceTable: true).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        }
        var result: [PackageRequirement] = []
        for d in CargoPackage.dependencies(spans, workspaceTable: false) {
            var file = manifest, dep = d
            if d.workspace, let w = workspaceManifest, let inRoot = root?[d.key] {
                (file, dep) = (w, inRoot)
            }
            let ordersPublish = !d.section.hasSuffix("dev-dependencies") || dep.version != nil
            result.append(PackageRequirement(package: d.renamed ?? dep.renamed ?? d.key, file: file, line: dep.version?.line ?? dep.line,
                                             span: dep.version?.span, text: dep.version?.text ?? "", ordersPublish: ordersPublish))
        }
        return result
    }

    /// As cargo-release and release-plz do (cargo's `upgrade_requirement`,
    /// from cargo-edit): each comparator keeps its operator and its number
    /// of components, which take the new version's (`^1.2` -> `^1.3`,
    /// `1.2.3` -> `1.3.0`, `~0.4` -> `~0.5`, `=1.2.3` -> `=1.3.0`,
    /// `1.*` -> `2.*`); `*` is left alone; `>`, `>=`, `<`, `<=` are refused.
    func rewrittenRequirement(_ requirement: PackageRequirement, to version: ReleaseVersion) throws -> String? {
        var out: [String] = []
        let comparators = requirement.text.split(separator: ",").map { String($0).trimmed() }
        for c in comparators {
            if c == "*" { continue }
            var op = ""
            var rest = Substring(c)
            for candidate in [">=", "<=", ">", "<", "=", "~", "^"] where rest.hasPrefix(candidate) {
                op = candidate
                rest = rest.dropFirst(candidate.count)
                break
            }
            guard ["", "=", "~", "^"].contains(op) else {
                throw WorkspacePublishError.unsupportedRequirement(location: "\(requirement.file):\(requirement.line)", package: requirement.package, requirement: requirement.text,
                                                                   reason: "cargo-release does not rewrite '\(op)' either; write \"\(version.major).\(version.minor)\" or \"=\(version)\"")
            }
            let core = String(rest).trimmed().split(separator: "-", maxSplits: 1).first.map(String.init) ?? ""
            let parts = core.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count), parts.allSatisfy({ $0 == "*" || (!$0.isEmpty && $0.allSatisfy(\.isNumber)) }) else {
                throw WorkspacePublishError.unsupportedRequirement(location: "\(requirement.file):\(requirement.line)", package: requirement.package, requirement: requirement.text,
                                                                   reason: "'\(c)' is not a version requirement cargo reads")
            }
            let numbers = [version.major, version.minor, version.patch]
            var written = parts.enumerated().map { $0.element == "*" ? "*" : String(numbers[$0.offset]) }.joined(separator: ".")
            if parts.count == 3, !version.pre.isEmpty, !parts.contains("*") { written += "-" + version.pre.joined(separator: ".") }
            out.append(op + written)
        }
        let new = out.joined(separator: ", ")
        return out.isEmpty || new == requirement.text ? nil : new
    }
}
