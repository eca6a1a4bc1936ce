import HyperforgeCore

/// `realm.yaml` (RFC 0001): the realm's name, governance and trust.
public struct RealmManifest: Sendable, Equatable {
    public var name: String
    public var version: String
    public var createdAt: String?
    public var governance: Governance
    public var trust: Trust

    /// `governance.admission`: who may join.
    public enum Admission: String, Sendable, CaseIterable {
        case open, approval
        case inviteOnly = "invite-only"
    }

    /// `trust.mode`: how far members trust each other.
    public enum TrustMode: String, Sendable, CaseIterable {
        case collaborative
        case vendorCustomer = "vendor-customer"
        case federation
    }

    public struct Governance: Sendable, Equatable {
        public var admission: String = Admission.approval.rawValue
        public var approvers: [String] = []
        public var requireApprovalForBreakingChanges = true
        public var gracePeriodDays = 14
    }

    public struct Trust: Sendable, Equatable {
        public var mode: String = TrustMode.collaborative.rawValue
        public var requireSignedCommits = false
        public var permissions: [String: [String]] = [:]
    }

    public static func parse(_ text: String, file: String) throws(RealmFileError) -> RealmManifest {
        let f = try YAMLFields(YAMLFields.document(text, file: file), file: file,
                               known: ["name", "version", "created_at", "governance", "trust"])
        var m = RealmManifest(name: try f.name("name")!, version: try f.required("version"), createdAt: try f.string("created_at"),
                              governance: Governance(), trust: Trust())
        if let g = try f.fields("governance", known: ["admission", "approvers", "breaking_changes"]) {
            if let a = try g.choice("admission", Admission.allCases.map(\.rawValue)) { m.governance.admission = a }
            if let a = try g.strings("approvers") { m.governance.approvers = a }
            if let b = try g.fields("breaking_changes", known: ["require_approval", "grace_period_days"]) {
                if let r = try b.bool("require_approval") { m.governance.requireApprovalForBreakingChanges = r }
                if let d = try b.int("grace_period_days") {
                    guard d >= 0 else { throw .invalid(b.location("grace_period_days"), field: "grace_period_days", reason: "may not be negative") }
                    m.governance.gracePeriodDays = d
                }
            }
        }
        if let t = try f.fields("trust", known: ["mode", "require_signed_commits", "permissions"]) {
            if let mode = try t.choice("mode", TrustMode.allCases.map(\.rawValue)) { m.trust.mode = mode }
            if let r = try t.bool("require_signed_commits") { m.trust.requireSignedCommits = r }
            if let p = t.node("permissions") {
                guard case .mapping(let map, _) = p else { throw .wrongType(t.location("permissions"), field: "permissions", expected: "a mapping of path pattern to roles") }
                for (k, v) in map {
                    guard let key = k.string, case .sequence(let roles, _) = v else {
                        throw .wrongType(SourceLocation(file: file, line: k.mark.line), field: "permissions", expected: "a mapping of path pattern to a list of roles")
                    }
                    m.trust.permissions[key] = roles.compactMap(\.string)
                }
            }
        }
        return m
    }
}

/// `repos/{repo}.yaml`: a member repository. A `path` written by another
/// tool is read (so such realms load) but is machine-local and never
/// written back (DESIGN.md, seed problem 4).
public struct RepoRecord: Sendable, Equatable {
    public var name: String
    public var org: String?
    public var url: String?
    public var foreignPath: String?
    public var maintainers: [String]
    public var joinedAt: String?
    /// `signing_keys`: the ssh signing keys of the maintainers, checked by
    /// `git realm check --realm` when `trust.require_signed_commits` is set.
    public var signingKeys: [SigningKey] = []

    /// `forge_accounts`: each maintainer's login on the forges that may host
    /// the realm, asked to review its proposals there (ForgeAccount).
    public var forgeAccounts: [ForgeAccount] = []

    public static func parse(_ text: String, file: String) throws(RealmFileError) -> RepoRecord {
        let f = try YAMLFields(YAMLFields.document(text, file: file), file: file,
                               known: ["name", "org", "path", "url", "maintainers", "joined_at", "signing_keys", "forge_accounts"])
        var record = RepoRecord(name: try f.name("name")!, org: try f.string("org"), url: try f.string("url"),
                                foreignPath: try f.string("path"), maintainers: try f.strings("maintainers") ?? [],
                                joinedAt: try f.string("joined_at"))
        for item in try f.list("signing_keys") ?? [] {
            let k = try YAMLFields(item, file: file, field: "signing_keys", known: ["maintainer", "key"])
            let key = SigningKey(maintainer: try k.required("maintainer"), key: try k.required("key"))
            guard record.maintainers.contains(key.maintainer) else {
                throw .invalid(k.location("maintainer"), field: "maintainer", reason: "\"\(key.maintainer)\" is not one of this repository's maintainers")
            }
            if let problem = key.problem { throw .invalid(k.location("key"), field: "key", reason: problem) }
            record.signingKeys.append(key)
        }
        record.forgeAccounts = try ForgeAccount.parse(f, maintainers: record.maintainers)
        return record
    }
}

/// A maintainer's ssh signing key, as `repos/{repo}.yaml` lists it:
/// `{maintainer: alice@example.com, key: "ssh-ed25519 AAAA... comment"}`.
/// It becomes one line of git's `gpg.ssh.allowedSignersFile`, so the
/// maintainer is a plain address (no pattern, list or option) and the key a
/// key type and its base64, nothing that could add options to that line.
public struct SigningKey: Sendable, Equatable {
    public var maintainer: String
    public var key: String

    static let types: Set<String> = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                                     "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"]

    /// Why it cannot be used, nil when it can.
    var problem: String? {
        let principalBad = maintainer.isEmpty || maintainer.unicodeScalars.contains {
            $0.value <= 0x20 || $0.value == 0x7f || "*?,!\"'#\\".unicodeScalars.contains($0)
        }
        if principalBad { return "belongs to \"\(maintainer)\", which is not a plain address (no spaces, quotes, *, ?, ! or commas)" }
        let parts = key.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, SigningKey.types.contains(String(parts[0])) else {
            return "must be an ssh public key: a key type (" + SigningKey.types.sorted().joined(separator: ", ") + ") and its base64, as in a .pub file"
        }
        let base64 = parts[1].unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+/=".unicodeScalars.contains($0) }
        if !base64 || key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return "is not an ssh public key (the part after the key type must be base64, on one line)" }
        return nil
    }

    /// Its line in an allowed-signers file (the comment left out).
    var allowedSignersLine: String {
        let parts = key.split(separator: " ", omittingEmptySubsequences: true)
        return "\(maintainer) namespaces=\"git\" \(parts[0]) \(parts[1])"
    }
}

/// `domains/{domain}/domain.yaml`: a coordination context between repositories.
public struct DomainRecord: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var createdAt: String?
    public var members: [String]

    public static func parse(_ text: String, file: String) throws(RealmFileError) -> DomainRecord {
        let f = try YAMLFields(YAMLFields.document(text, file: file), file: file,
                               known: ["name", "description", "created_at", "members"])
        let members = try f.strings("members") ?? []
        for m in members where RealmNames.problem(m) != nil {
            throw .invalid(f.location("members"), field: "members", reason: "\"\(m)\" \(RealmNames.problem(m)!)")
        }
        return DomainRecord(name: try f.name("name")!, description: try f.string("description"),
                            createdAt: try f.string("created_at"), members: members)
    }
}

/// `domains/{domain}/contracts/{name}.yaml`: a versioned, owned contract.
/// `compatibility.backwards: true` means a new version is readable by old
/// importers (every value valid under the new schema is valid under the old);
/// `forwards: true` means old values stay valid under the new schema
/// (DESIGN.md, seed problem 3: the RFC's names, not Confluent's).
public struct Contract: Sendable, Equatable {
    public var name: String
    public var version: SemanticVersion
    public var owner: String
    public var backwards: Bool
    public var forwards: Bool
    public var schema: JSONValue
    public var value: JSONValue?
    public var validation: Validation?
    public var evolution: [Evolution]

    public struct Validation: Sendable, Equatable {
        public var exporter: String?
        public var importer: String?
        public var ciOnly: [String]
    }

    public struct Evolution: Sendable, Equatable {
        public var version: SemanticVersion
        public var changes: [String]
        public var compatible: Bool
    }

    public static func parse(_ text: String, file: String) throws(RealmFileError) -> Contract {
        let f = try YAMLFields(YAMLFields.document(text, file: file), file: file,
                               known: ["name", "version", "owner", "compatibility", "schema", "value", "validation", "evolution"])
        func version(_ s: String, _ fields: YAMLFields, _ field: String) throws(RealmFileError) -> SemanticVersion {
            do { return try SemanticVersion(parsing: s) } catch {
                throw .invalid(fields.location(field), field: field, reason: error.description)
            }
        }
        let c = try f.fields("compatibility", known: ["backwards", "forwards"])
        guard let schema = try f.json("schema") else { throw .missing(f.location(), field: "schema") }
        var validation: Validation?
        if let v = try f.fields("validation", known: ["exporter", "importer", "ci_only"]) {
            validation = Validation(exporter: try v.string("exporter"), importer: try v.string("importer"), ciOnly: try v.strings("ci_only") ?? [])
        }
        var evolution: [Evolution] = []
        for item in try f.list("evolution") ?? [] {
            let e = try YAMLFields(item, file: file, field: "evolution", known: ["version", "changes", "compatible"])
            evolution.append(Evolution(version: try version(try e.required("version"), e, "version"),
                                       changes: try e.strings("changes") ?? [], compatible: try e.bool("compatible") ?? true))
        }
        return Contract(name: try f.name("name")!, version: try version(try f.required("version"), f, "version"),
                        owner: try f.name("owner")!, backwards: try c?.bool("backwards") ?? true, forwards: try c?.bool("forwards") ?? false,
                        schema: schema, value: try f.json("value"), validation: validation, evolution: evolution)
    }
}

/// `domains/{domain}/bindings/{repo}.yaml`: what a repository exports and imports.
public struct Binding: Sendable, Equatable {
    public enum Role: String, Sendable { case provider, consumer, both }

    public var repo: String
    public var role: Role
    public var exports: [Export]
    public var imports: [Import]

    public struct Export: Sendable, Equatable {
        public var contract: String
        public var sourceFiles: [String]
    }

    public struct Import: Sendable, Equatable {
        public var contract: String
        public var requirement: VersionRequirement
        public var binding: String?
        public var status: String?
        public var resolvedVersion: SemanticVersion?
        public var resolvedAt: String?
    }

    public static func parse(_ text: String, file: String) throws(RealmFileError) -> Binding {
        let f = try YAMLFields(YAMLFields.document(text, file: file), file: file, known: ["repo", "role", "exports", "imports"])
        guard let roleText = try f.choice("role", ["provider", "consumer", "both"]), let role = Role(rawValue: roleText) else {
            throw .missing(f.location(), field: "role")
        }
        var exports: [Export] = []
        for item in try f.list("exports") ?? [] {
            let e = try YAMLFields(item, file: file, field: "exports", known: ["contract", "source_files"])
            exports.append(Export(contract: try e.name("contract")!, sourceFiles: try e.strings("source_files") ?? []))
        }
        var imports: [Import] = []
        for item in try f.list("imports") ?? [] {
            let i = try YAMLFields(item, file: file, field: "imports", known: ["contract", "version", "binding", "status", "resolved_version", "resolved_at"])
            let requirement: VersionRequirement
            do { requirement = try VersionRequirement(parsing: try i.required("version")) } catch let e as SemverError {
                throw .invalid(i.location("version"), field: "version", reason: e.description)
            } catch let e as RealmFileError { throw e } catch { throw .invalid(i.location("version"), field: "version", reason: "\(error)") }
            var resolved: SemanticVersion?
            if let r = try i.string("resolved_version") {
                do { resolved = try SemanticVersion(parsing: r) } catch {
                    throw .invalid(i.location("resolved_version"), field: "resolved_version", reason: error.description)
                }
            }
            imports.append(Import(contract: try i.name("contract")!, requirement: requirement, binding: try i.string("binding"),
                                  status: try i.choice("status", ["current", "stale", "pending", "broken"]),
                                  resolvedVersion: resolved, resolvedAt: try i.string("resolved_at")))
        }
        return Binding(repo: try f.name("repo")!, role: role, exports: exports, imports: imports)
    }
}
