import HyperforgeCore

/// Writes realm files in exactly the RFC's layout (field order, quoted
/// versions) with libyaml's emitter doing the escaping (YAMLEmitter). Text
/// that YAML would read as something else (`true`, `1.0`, `null`, `a: b`,
/// and YAML 1.1's `yes`, `1:30`, `017`) is quoted, so every file reads back
/// as written, here and in other tools of the RFC.
enum RealmYAML {
    typealias Node = YAMLEmitter.Node

    static func text(_ s: String) -> Node {
        .scalar(s, doubleQuoted: !isPlainSafe(s))
    }

    /// Always double-quoted, as the RFC writes versions and ranges.
    static func quoted(_ s: String) -> Node { .scalar(s, doubleQuoted: true) }

    static func plain(_ s: String) -> Node { .scalar(s, doubleQuoted: false) }

    static func bool(_ b: Bool) -> Node { plain(b ? "true" : "false") }

    static func int(_ i: Int) -> Node { plain(String(i)) }

    static func list(_ items: [String]) -> Node { .sequence(items.map(text), flow: false) }

    /// A sequence: block style, or flow (`[a, b]`, `[]`).
    static func sequence(_ items: [Node], flow: Bool) -> Node { .sequence(items, flow: flow) }

    static func map(_ pairs: [(String, Node?)]) -> Node {
        .mapping(pairs.compactMap { k, v in v.map { (text(k), $0) } }, flow: false)
    }

    static func json(_ value: JSONValue) -> Node {
        switch value {
        case .null: return plain("null")
        case .bool(let b): return bool(b)
        case .integer(let i): return plain(String(i))
        case .number(let d): return plain(YAMLScalars.float(d))
        case .string(let s): return text(s)
        case .array(let items): return .sequence(items.map(json), flow: items.isEmpty)
        case .object(let o):
            let keys = o.keys.sorted()
            return .mapping(keys.map { (text($0), json(o[$0]!)) }, flow: o.isEmpty)
        }
    }

    static func document(_ node: Node) -> String { YAMLEmitter.document(node) }

    /// Whether `s` written plain reads back as the same text. libyaml
    /// already quotes what plain style cannot express (leading indicators,
    /// `: `, ` #`, flow characters inside flow collections); this rules out
    /// the plain text that YAML would *resolve* to something else: what
    /// YAML 1.2's core schema or a YAML 1.1 reader types (YAMLScalars), and
    /// anything number- or date-like.
    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, YAMLScalars.plainIsText(s) else { return false }
        let lower = s.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(lower) { return false }
        if Double(s) != nil || Int(s) != nil || lower.hasPrefix("0x") || lower.hasPrefix("0o") || lower.hasPrefix(".") { return false }
        let digits: Set<Unicode.Scalar> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
        let numberish = digits.union([".", "_", "+", "-", ":", "e", "E"])
        if (digits.contains(first) || first == "+" || first == "-" || first == ".") && s.unicodeScalars.allSatisfy(numberish.contains) {
            return false
        }
        return true
    }
}

extension RealmManifest {
    /// The RFC's permission defaults, in its order.
    public static let defaultPermissions: [(String, [String])] = [
        ("repos/{repo}.yaml", ["repo_maintainers"]),
        ("domains/{domain}/domain.yaml", ["domain_owners"]),
        ("domains/{domain}/contracts/{name}.yaml", ["contract_owner"]),
        ("domains/{domain}/bindings/{repo}.yaml", ["repo_maintainers"]),
    ]

    public func yaml() -> String {
        let order = RealmManifest.defaultPermissions.map(\.0)
        let keys = trust.permissions.keys.sorted { a, b in
            switch (order.firstIndex(of: a), order.firstIndex(of: b)) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a < b
            }
        }
        return RealmYAML.document(RealmYAML.map([
            ("name", RealmYAML.text(name)),
            ("version", RealmYAML.quoted(version)),
            ("created_at", createdAt.map(RealmYAML.text)),
            ("governance", RealmYAML.map([
                ("admission", RealmYAML.text(governance.admission)),
                ("approvers", RealmYAML.list(governance.approvers)),
                ("breaking_changes", RealmYAML.map([
                    ("require_approval", RealmYAML.bool(governance.requireApprovalForBreakingChanges)),
                    ("grace_period_days", RealmYAML.int(governance.gracePeriodDays)),
                ])),
            ])),
            ("trust", RealmYAML.map([
                ("mode", RealmYAML.text(trust.mode)),
                ("require_signed_commits", RealmYAML.bool(trust.requireSignedCommits)),
                ("permissions", RealmYAML.map(keys.map { ($0, RealmYAML.sequence(trust.permissions[$0]!.map(RealmYAML.text), flow: true)) })),
            ])),
        ]))
    }
}

extension RepoRecord {
    /// The record without `path`: paths are machine-local and stay out of the realm.
    public func yaml() -> String {
        RealmYAML.document(RealmYAML.map([
            ("name", RealmYAML.text(name)),
            ("org", org.map(RealmYAML.text)),
            ("url", url.map(RealmYAML.text)),
            ("maintainers", RealmYAML.list(maintainers)),
            ("joined_at", joinedAt.map(RealmYAML.text)),
            ("signing_keys", signingKeys.isEmpty ? nil : RealmYAML.sequence(signingKeys.map {
                RealmYAML.map([("maintainer", RealmYAML.text($0.maintainer)), ("key", RealmYAML.text($0.key))])
            }, flow: false)),
            ("forge_accounts", forgeAccounts.isEmpty ? nil : RealmYAML.sequence(forgeAccounts.map(\.node), flow: false)),
        ]))
    }
}

extension DomainRecord {
    public func yaml() -> String {
        RealmYAML.document(RealmYAML.map([
            ("name", RealmYAML.text(name)),
            ("description", description.map(RealmYAML.text)),
            ("created_at", createdAt.map(RealmYAML.text)),
            ("members", RealmYAML.list(members)),
        ]))
    }
}

extension Contract {
    public func yaml() -> String {
        var fields: [(String, RealmYAML.Node?)] = [
            ("name", RealmYAML.text(name)),
            ("version", RealmYAML.quoted(version.description)),
            ("owner", RealmYAML.text(owner)),
            ("compatibility", RealmYAML.map([("backwards", RealmYAML.bool(backwards)), ("forwards", RealmYAML.bool(forwards))])),
            ("schema", RealmYAML.json(schema)),
            ("value", value.map(RealmYAML.json)),
        ]
        if let validation {
            fields.append(("validation", RealmYAML.map([
                ("exporter", validation.exporter.map(RealmYAML.text)),
                ("importer", validation.importer.map(RealmYAML.text)),
                ("ci_only", validation.ciOnly.isEmpty ? nil : RealmYAML.list(validation.ciOnly)),
            ])))
        }
        fields.append(("evolution", RealmYAML.sequence(evolution.map { e in
            RealmYAML.map([
                ("version", RealmYAML.quoted(e.version.description)),
                ("changes", RealmYAML.sequence(e.changes.map(RealmYAML.text), flow: true)),
                ("compatible", RealmYAML.bool(e.compatible)),
            ])
        }, flow: false)))
        return RealmYAML.document(RealmYAML.map(fields))
    }
}

extension Binding {
    public func yaml() -> String {
        var fields: [(String, RealmYAML.Node?)] = [("repo", RealmYAML.text(repo)), ("role", RealmYAML.text(role.rawValue))]
        if !exports.isEmpty || role == .provider || role == .both {
            fields.append(("exports", RealmYAML.sequence(exports.map { e in
                RealmYAML.map([("contract", RealmYAML.text(e.contract)), ("source_files", RealmYAML.list(e.sourceFiles))])
            }, flow: exports.isEmpty)))
        }
        if !imports.isEmpty || role == .consumer || role == .both {
            fields.append(("imports", RealmYAML.sequence(imports.map { i in
                RealmYAML.map([
                    ("contract", RealmYAML.text(i.contract)),
                    ("version", RealmYAML.quoted(i.requirement.text)),
                    ("binding", i.binding.map(RealmYAML.text)),
                    ("status", i.status.map(RealmYAML.text)),
                    ("resolved_version", i.resolvedVersion.map { RealmYAML.quoted($0.description) }),
                    ("resolved_at", i.resolvedAt.map(RealmYAML.text)),
                ])
            }, flow: imports.isEmpty)))
        }
        return RealmYAML.document(RealmYAML.map(fields))
    }
}
