import FoundationEssentials
import Glibc
import HyperforgeCore

/// One thing `git realm check --realm` found in a commit of the realm.
public struct RealmHistoryFinding: Sendable, Codable, Equatable {
    public enum Rule: String, Sendable, Codable {
        case wellFormed = "well-formed", versionStep = "version-step", value, cycle, oneRepository = "one-repository", signature, merge
    }
    public var rule: Rule
    public var commit: String
    /// `abc123456789 subject (author)`.
    public var summary: String
    public var file: String?
    /// The line in `file` (a value's violation: the line of the value at `pointer`).
    public var line: Int?
    /// A JSON pointer into the file's document (`/value/bucket`).
    public var pointer: String?
    public var message: String
    public var hint: String
}

/// What `git realm check --realm` found over a range of the realm's history.
public struct RealmHistoryReport: Sendable, Codable, Equatable {
    public var realm: String?
    public var tip: String
    /// The commits checked, oldest first.
    public var commits: [String]
    public var signedCommitsRequired: Bool
    public var findings: [RealmHistoryFinding]

    public var exitStatus: ExitStatus { findings.isEmpty ? .success : .failure }

    public func text(_ out: Output.Stream) -> String {
        var lines: [String] = []
        let name = realm.map { "realm \($0)" } ?? "the realm"
        lines.append("\(name): checked \(commits.count) commit\(commits.count == 1 ? "" : "s") up to \(tip.prefix(12))")
        for f in findings {
            lines.append("\(out.styled("error", .red)) [\(f.rule.rawValue)] commit \(f.summary)")
            let place = f.file.map { "\($0)" + (f.line.map { ":\($0)" } ?? "") + ": " } ?? ""
            lines.append("  " + place + (f.pointer.map { "\($0): " } ?? "") + f.message.replacing("\n", with: "\n  "))
            lines.append("  hint: \(f.hint)")
        }
        if !signedCommitsRequired {
            lines.append("note: realm.yaml does not set trust.require_signed_commits: plain git cannot say who pushed a commit, "
                         + "so each commit is checked by the files it changes, not by who made it")
        }
        lines.append(findings.isEmpty ? "\(out.styled("✓", .green)) the realm's history keeps its rules"
                                      : "\(findings.count) error\(findings.count == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}

/// Reads the realm's history with the `git` executable (so that a
/// pre-receive hook sees the pushed objects in git's quarantine) and checks
/// every commit of the range (a merge's second parents too), each against
/// its first parent: every file well formed, no
/// dependency cycle, each contract's version step at least what the change
/// needs (ContractChecks.bumpFindings: the engine of `--mode contract`'s
/// history check), each commit changing one repository's files, and, when
/// realm.yaml asks for it, each commit signed by a maintainer of that repository.
/// A merge (two parents; more are refused) is well formed, acyclic and
/// stepped from its first parent like any commit; the paths where it matches
/// neither parent are its own changes, checked as a commit that changes
/// them; one with none needs, in a signed realm, a key of any maintainer.
struct RealmHistoryChecker {
    let gitDir: String
    let environment: [String: String]
    let context: Context

    private var blobs: [String: [UInt8]] = [:]
    private var states: [String: CommitState] = [:]
    /// Each file parsed once per blob id (`path NUL blob`): a file unchanged
    /// between commits has the same id, so it is parsed and checked once.
    private var parsed: [String: Result<RealmSnapshot.File, RealmFileError>] = [:]
    /// The value checks already made, by the contract file's blob and the schemas it could refer to.
    private var valueVerdicts: [String: [ValueViolation]] = [:]
    /// The schema registry of the realm's contracts, by the schemas it holds (`schemaRegistry`).
    private var registries: [String: SchemaRegistry] = [:]
    /// Each contract file's schema as JSON text, by blob id (for `schemaRegistry`).
    private var schemaTexts: [String: String] = [:]
    /// Schemas compiled, and pairs of schemas compared, by their texts and the registry's key.
    private var compiledSchemas: [String: Result<CompiledSchema, SchemaError>] = [:]
    private var comparisons: [String: Result<CompatibilityReport, SchemaError>] = [:]
    /// For each commit checked: whether realm.yaml asked for signed commits
    /// there (at the commit or at its first parent; a malformed commit takes
    /// its first parent's answer). `RealmIntake` refuses what a fetch brings by it.
    private(set) var signingRequired: [String: Bool] = [:]
    /// The key (`type base64`) each commit of the range is validly signed
    /// with, from one `git log` over the range (`verifySignatures`); a commit
    /// not here is checked on its own (`signatureProblem`).
    private var signedWith: [String: String] = [:]

    struct CommitState {
        /// Every file of the commit: path -> blob id.
        var ids: [String: String]
        var snapshot: RealmSnapshot?
        var problem: String?
        var hasCycle: Bool
    }

    init(gitDir: String, environment: [String: String], context: Context) {
        self.gitDir = gitDir
        self.environment = environment
        self.context = context
    }

    func git(_ arguments: [String], limit: Int = 4 << 20) async throws -> ChildProcess.Result {
        do {
            return try await ChildProcess.run(["git", "--git-dir=\(gitDir)"] + arguments, environment: environment, directory: gitDir, limit: limit)
        } catch let e as ChildProcess.LaunchError {
            throw RealmError.checkRealmFailed(what: "running git", reason: e.reason)
        }
    }

    func gitOK(_ arguments: [String], limit: Int = 4 << 20) async throws -> String {
        let r = try await git(arguments, limit: limit)
        guard r.exitCode == 0 else {
            throw RealmError.checkRealmFailed(what: "git " + arguments.prefix(2).joined(separator: " "), reason: (r.stderr + r.stdout).trimmed())
        }
        return r.stdout
    }

    /// Checks `commits` (oldest first; each with its parents).
    mutating func check(tip: String, exclude: String?) async throws -> RealmHistoryReport {
        var findings: [RealmHistoryFinding] = []
        var signedRequired = false
        // The range's base (a hook's OLD: the branch's tip) listed first, so that
        // its blobs and the log's are read with one cat-file.
        var base: [String: String]?
        if let exclude, states[exclude] == nil { base = try await treeIDs(exclude) }
        let commits = try await log(tip: tip, exclude: exclude)
        try await readBlobs(commits.flatMap { $0.changes.compactMap(\.blob) } + (base.map { Array($0.values) } ?? []))
        if let exclude, let base { _ = remember(exclude, base, parent: nil) }
        try await verifySignatures(commits, tip: tip, exclude: exclude)
        for logged in commits {
            let commit = logged.commit, parents = logged.parents, summary = logged.summary
            let state = try await self.state(logged)
            var parent: CommitState?
            if let first = parents.first { parent = try await self.state(first) }
            func add(_ rule: RealmHistoryFinding.Rule, _ file: String?, line: Int? = nil, pointer: String? = nil, _ message: String, _ hint: String) {
                findings.append(RealmHistoryFinding(rule: rule, commit: commit, summary: summary, file: file, line: line, pointer: pointer, message: message, hint: hint))
            }
            if let problem = state.problem {
                signingRequired[commit] = parents.first.flatMap { signingRequired[$0] } ?? (parent?.snapshot?.manifest.trust.requireSignedCommits ?? false)
                add(.wellFormed, nil, problem, "fix the file in a new commit (a clone of the realm, a commit, a push); 'git realm fetch' refuses a realm tip like this")
                continue
            }
            guard let snapshot = state.snapshot else { continue }
            if state.hasCycle && !(parent?.hasCycle ?? false), let cycle = Self.cycle(in: snapshot) {
                add(.cycle, nil, "the realm's domains form a dependency cycle:\n\(cycle)",
                    "merge the domains into one coordination context or reverse one dependency")
            }
            let required = snapshot.manifest.trust.requireSignedCommits || (parent?.snapshot?.manifest.trust.requireSignedCommits ?? false)
            signedRequired = signedRequired || required
            signingRequired[commit] = required
            // What the commit changed (after the realm's first commit or a malformed one: everything).
            let changed = Self.changedPaths(parent?.snapshot == nil ? [:] : parent!.ids, state.ids)
            let (registry, registryKey) = schemaRegistry(snapshot, ids: state.ids)
            var parentKey: String?
            if let parent, let before = parent.snapshot { parentKey = self.registryKey(before, ids: parent.ids) }
            var values = valueFindings(snapshot, ids: state.ids, changed: changed, registry: registry,
                                       key: registryKey, schemasChanged: parentKey != registryKey)
            if let parent, let before = parent.snapshot, parentKey != registryKey {
                // A contract the commit did not touch is reported only for what a changed schema newly breaks.
                let (parentRegistry, _) = schemaRegistry(before, ids: parent.ids)
                let known = valueFindings(before, ids: parent.ids, changed: [], registry: parentRegistry, key: parentKey!, schemasChanged: true)
                    .map { $0.file + "\u{0}" + $0.pointer + "\u{0}" + $0.message }
                values.removeAll { !changed.contains($0.file) && known.contains($0.file + "\u{0}" + $0.pointer + "\u{0}" + $0.message) }
            }
            for v in values {
                add(.value, v.file, line: v.line, pointer: v.pointer, v.message,
                    "make the value fit the contract's schema (or the schema the value) in a new commit; 'git realm check --mode contract' in the owner's repository shows the same")
            }
            guard let parent, let before = parent.snapshot else { continue } // the realm's first commit (or after a malformed one)
            for f in versionFindings(changed: changed, before: before, beforeIDs: parent.ids, after: snapshot, afterIDs: state.ids,
                                     registry: registry, key: registryKey) {
                add(.versionStep, f.file, f.message,
                    "publish a version that goes up as far as the change needs ('git realm check --mode=compatibility' shows why); history cannot be edited, so the next version must say so")
            }
            // A merge adds nothing of its own: the commits it brings are checked one by one (each is in the range).
            // What it does change itself is checked as a commit that changes those paths.
            var own = changed
            if parents.count > 2 {
                add(.merge, nil, "merges \(parents.count) parents; the realm takes merges of two parents only",
                    "merge one branch at a time (git merge with one branch), so that each merge is checked against its two parents")
                continue
            }
            if parents.count == 2 {
                let second = try await self.state(parents[1])
                own = Self.changedPaths(parent.ids, state.ids).filter { state.ids[$0] != second.ids[$0] }
                if own.isEmpty {
                    if required, let problem = try await signatureProblem(commit, by: nil, before: before, after: snapshot) {
                        add(.signature, nil, problem.message, problem.hint)
                    }
                    continue
                }
            }
            let attribution = Self.attribute(changed: own, before: before, after: snapshot)
            if attribution.count > 1 {
                let parts = attribution.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.sorted().prefix(3).joined(separator: ", ")))" }
                add(.oneRepository, nil, "changes the files of more than one repository: " + parts.joined(separator: "; "),
                    "each repository changes only its own files, one commit each; the realm's tools write commits that way")
            }
            if required, attribution.count == 1, let who = attribution.keys.first {
                if let problem = try await signatureProblem(commit, by: who, before: before, after: snapshot) {
                    add(.signature, attribution[who]!.sorted().first, problem.message, problem.hint)
                }
            }
        }
        let realm = try await state(tip).snapshot?.manifest.name
        return RealmHistoryReport(realm: realm, tip: tip, commits: commits.map(\.commit), signedCommitsRequired: signedRequired, findings: findings)
    }

    // MARK: - Reading commits

    /// One commit as `git log --raw` shows it: parents, who and what, and the
    /// blobs of the paths it changes against its first parent (nil: removed).
    struct LoggedCommit {
        var commit: String
        var parents: [String]
        var summary: String
        var changes: [(path: String, blob: String?)]
    }

    /// The commits of `tip` not in `exclude`, oldest first, from one `git log`.
    func log(tip: String, exclude: String?) async throws -> [LoggedCommit] {
        // Every commit of the range (a merge's second parents too), each after its parents;
        // a merge's changes are shown once, against its first parent.
        let text = try await gitOK(["log", "--reverse", "--topo-order", "--diff-merges=first-parent", "--raw", "-z", "--no-abbrev", "--no-renames",
                                    "--format=%x01%H%x00%P%x00%s%x00%an <%ae>%x00", tip] + (exclude.map { ["^" + $0] } ?? []) + ["--"],
                                   limit: 256 << 20)
        // Read field by field (a subject may hold anything but NUL).
        let tokens = text.split(separator: "\u{0}", omittingEmptySubsequences: false).map { $0.drop(while: { $0 == "\n" }) }
        var out: [LoggedCommit] = []
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if t.isEmpty { i += 1; continue }
            if t.first == "\u{1}", i + 3 < tokens.count {
                let commit = String(t.dropFirst())
                let subject = String(tokens[i + 2]), author = String(tokens[i + 3])
                out.append(LoggedCommit(commit: commit, parents: tokens[i + 1].split(separator: " ").map(String.init),
                                        summary: "\(commit.prefix(12)) \"\(subject)\" (\(author))", changes: []))
                i += 4
                continue
            }
            // ":OLDMODE NEWMODE OLDID NEWID STATUS" then the path.
            guard t.first == ":", i + 1 < tokens.count, !out.isEmpty else {
                throw RealmError.checkRealmFailed(what: "git log --raw", reason: "unexpected output near \"\(t.prefix(40))\"")
            }
            let meta = t.dropFirst().split(separator: " ")
            let path = String(tokens[i + 1])
            let removed = meta.count < 5 || meta[4].hasPrefix("D") || meta[1] == "040000"
            out[out.count - 1].changes.append((path, removed ? nil : meta[1] == "100644" ? String(meta[3]) : Self.irregularMark + meta[1]))
            i += 2
        }
        return out
    }

    /// Reads the blobs not read yet with one `git cat-file --batch`.
    mutating func readBlobs(_ ids: [String]) async throws {
        var wanted: [String] = []
        var seen = Set<String>()
        for id in ids where blobs[id] == nil && !id.hasPrefix(Self.irregularMark) && seen.insert(id).inserted { wanted.append(id) }
        guard !wanted.isEmpty else { return }
        let r: ChildProcess.Result
        do {
            r = try await ChildProcess.run(["git", "--git-dir=\(gitDir)", "cat-file", "--batch"], environment: environment, directory: gitDir,
                                           input: wanted.joined(separator: "\n") + "\n", limit: 512 << 20)
        } catch let e as ChildProcess.LaunchError {
            throw RealmError.checkRealmFailed(what: "running git", reason: e.reason)
        }
        guard r.exitCode == 0 else { throw RealmError.checkRealmFailed(what: "git cat-file --batch", reason: r.stderr.trimmed()) }
        // "<id> blob <size>\n<bytes>\n" each; a blob that is not UTF-8 does not
        // survive as text, so from there on each is read on its own.
        let bytes = Array(r.stdout.utf8)
        var at = 0
        for id in wanted {
            guard let nl = bytes[at...].firstIndex(of: 0x0A) else { break }
            let header = String(decoding: bytes[at..<nl], as: UTF8.self).split(separator: " ")
            guard header.count == 3, header[0] == id, header[1] == "blob", let size = Int(header[2]), nl + 1 + size < bytes.count,
                  bytes[nl + 1 + size] == 0x0A else { break }
            blobs[id] = Array(bytes[(nl + 1)..<(nl + 1 + size)])
            at = nl + 2 + size
        }
        for id in wanted where blobs[id] == nil {
            blobs[id] = Array(try await gitOK(["cat-file", "blob", id], limit: YAMLReader.Limits.realm.bytes + 1).utf8)
        }
    }

    /// The state of a commit outside the log (a range's base, the tip): its whole tree.
    mutating func state(_ commit: String) async throws -> CommitState {
        if let s = states[commit] { return s }
        let ids = try await treeIDs(commit)
        try await readBlobs(ids.compactMap { parsed[$0.key + "\u{0}" + $0.value] == nil ? $0.value : nil })
        return remember(commit, ids, parent: nil)
    }

    /// A commit's files and their blob ids, from one `git ls-tree`.
    func treeIDs(_ commit: String) async throws -> [String: String] {
        let listing = try await gitOK(["ls-tree", "-r", "-z", "--full-tree", commit], limit: 64 << 20)
        var ids: [String: String] = [:]
        for entry in listing.split(separator: "\u{0}") {
            // "<mode> <type> <id>\t<path>"
            guard let tab = entry.firstIndex(of: "\t") else { continue }
            let meta = entry[..<tab].split(separator: " ")
            guard meta.count == 3, meta[1] == "blob" || meta[1] == "commit" else { continue }
            ids[String(entry[entry.index(after: tab)...])] = meta[0] == "100644" ? String(meta[2]) : Self.irregularMark + meta[0]
        }
        return ids
    }

    /// In place of a blob id: an entry that is not a regular file, "!MODE"
    /// (an executable, a symbolic link, a submodule), reported as malformed.
    static let irregularMark = "!"

    /// What the file `path` with blob `id` (or `irregularMark`) is.
    static func parse(path: String, id: String, bytes: [UInt8]) throws(RealmFileError) -> RealmSnapshot.File {
        if id.hasPrefix(irregularMark) {
            throw RealmReader.irregularEntry(path, mode: UInt32(id.dropFirst(), radix: 8) ?? 0)
        }
        return try RealmSnapshot.parse(path: path, bytes: bytes)
    }

    /// The commit ids of `revisions` (each `REV^{commit}`), nil for one that
    /// names no commit: one `git cat-file --batch-check`, the revisions on
    /// its standard input (so none is read as an option).
    func commits(_ revisions: [String]) async throws -> [String?] {
        let r: ChildProcess.Result
        do {
            r = try await ChildProcess.run(["git", "--git-dir=\(gitDir)", "cat-file", "--batch-check=%(objectname) %(objecttype)"], environment: environment,
                                           directory: gitDir, input: revisions.map { $0 + "^{commit}\n" }.joined())
        } catch let e as ChildProcess.LaunchError {
            throw RealmError.checkRealmFailed(what: "running git", reason: e.reason)
        }
        guard r.exitCode == 0 else { throw RealmError.checkRealmFailed(what: "git cat-file --batch-check", reason: r.stderr.trimmed()) }
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return revisions.indices.map { i in
            guard i < lines.count else { return nil }
            let f = lines[i].split(separator: " ")
            return f.count == 2 && f[1] == "commit" && f[0].count >= 40 ? String(f[0]) : nil
        }
    }

    /// A logged commit's state: its first parent's with its changes applied.
    mutating func state(_ logged: LoggedCommit) async throws -> CommitState {
        if let s = states[logged.commit] { return s }
        var ids: [String: String] = [:]
        var parent: CommitState?
        if let first = logged.parents.first {
            parent = try await state(first)
            ids = parent!.ids
        }
        for (path, blob) in logged.changes { ids[path] = blob }
        return remember(logged.commit, ids, parent: parent)
    }

    /// Parses what is not parsed yet (each blob once) and puts the realm together.
    mutating func remember(_ commit: String, _ ids: [String: String], parent: CommitState?) -> CommitState {
        var state = CommitState(ids: ids, snapshot: nil, problem: nil, hasCycle: false)
        for (path, id) in ids where parsed[path + "\u{0}" + id] == nil {
            let bytes = blobs[id] ?? []
            parsed[path + "\u{0}" + id] = Result { () throws(RealmFileError) in try Self.parse(path: path, id: id, bytes: bytes) }
        }
        let known = parsed
        do {
            let snapshot = try RealmSnapshot.load(commit: commit, paths: ids.keys) { path throws(RealmFileError) in
                try known[path + "\u{0}" + ids[path]!]!.get()
            }
            state.snapshot = snapshot
            // The domains depend on each other only through domains/: unchanged there, the parent's answer stands.
            if let parent, parent.snapshot != nil, !Self.changedPaths(parent.ids, ids).contains(where: { $0.hasPrefix("domains/") }) {
                state.hasCycle = parent.hasCycle
            } else {
                state.hasCycle = Self.cycle(in: snapshot) != nil
            }
        } catch {
            state.problem = error.description
        }
        states[commit] = state
        return state
    }

    static func changedPaths(_ a: [String: String], _ b: [String: String]) -> Set<String> {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }
    }

    // MARK: - Rules

    /// A dependency cycle of the realm's domains, written the RFC's way; nil when there is none.
    static func cycle(in snapshot: RealmSnapshot) -> String? {
        let graph = DependencyGraph(snapshot)
        for from in graph.edges.keys.sorted() {
            for edge in graph.edges[from]!.sorted(by: { ($0.to, $0.domain) < ($1.to, $1.domain) }) {
                if graph.path(from: edge.to, to: from) != nil {
                    return graph.cycle(adding: from, edge.to, through: edge.domain)
                }
            }
        }
        return nil
    }

    /// A schema registry of the realm's contracts (ContractChecks.registry)
    /// and its key: the contracts' paths and schemas. Commits whose
    /// contracts change only in version, value or evolution share one.
    mutating func schemaRegistry(_ snapshot: RealmSnapshot, ids: [String: String]) -> (registry: SchemaRegistry, key: String) {
        let key = registryKey(snapshot, ids: ids)
        if let r = registries[key] { return (r, key) }
        let r = ContractChecks.registry(snapshot)
        registries[key] = r
        return (r, key)
    }

    /// The key of `schemaRegistry`: every contract's path and schema.
    mutating func registryKey(_ snapshot: RealmSnapshot, ids: [String: String]) -> String {
        var parts: [String] = []
        for (d, domain) in snapshot.domains.sorted(by: { $0.key < $1.key }) {
            for (c, contract) in domain.contracts.sorted(by: { $0.key < $1.key }) {
                let path = "domains/\(d)/contracts/\(c).yaml"
                parts.append(path + "=" + schemaText(contract, id: ids[path] ?? ""))
            }
        }
        return ContentHash.of(parts)
    }

    /// A contract's schema as JSON text, worked out once per blob.
    mutating func schemaText(_ contract: Contract, id: String) -> String {
        if let t = schemaTexts[id] { return t }
        let t = contract.schema.jsonText
        schemaTexts[id] = t
        return t
    }

    /// A contract's schema compiled (ContractChecks.compile), once per schema and registry.
    mutating func compiled(_ contract: Contract, domain: String, id: String, registry: SchemaRegistry, key: String) -> Result<CompiledSchema, SchemaError> {
        let k = key + "\u{0}" + domain + "/" + contract.name + "\u{0}" + schemaText(contract, id: id)
        if let known = compiledSchemas[k] { return known }
        let label = "realm-history:\(domain)/\(contract.name)#\(compiledSchemas.count)"
        let r = Result { () throws(SchemaError) in try ContractChecks.compile(contract, domain: domain, registry: registry, label: label) }
        compiledSchemas[k] = r
        return r
    }

    struct ValueViolation {
        var file: String
        var line: Int?
        var pointer: String
        var message: String
    }

    /// Each contract's value against its own schema (RFC: a contract holds
    /// its schema and a value that fits it), for the contracts the commit
    /// changed, or all of them when a schema changed (a schema may $ref
    /// another contract's). The verdict is kept by the contract's blob and
    /// the registry's key, so an unchanged contract is validated once.
    mutating func valueFindings(_ snapshot: RealmSnapshot, ids: [String: String], changed: Set<String>, registry: SchemaRegistry,
                                key: String, schemasChanged: Bool) -> [ValueViolation] {
        var out: [ValueViolation] = []
        for (d, domain) in snapshot.domains.sorted(by: { $0.key < $1.key }) {
            for (c, contract) in domain.contracts.sorted(by: { $0.key < $1.key }) where contract.value != nil {
                let path = "domains/\(d)/contracts/\(c).yaml"
                guard changed.contains(path) || schemasChanged, let id = ids[path] else { continue }
                let verdictKey = id + "\u{0}" + key
                if let known = valueVerdicts[verdictKey] { out += known; continue }
                var found: [ValueViolation] = []
                // The file's YAML read again only for a violation's line.
                let bytes = blobs[id]
                var document: YAMLNode??
                func line(_ pointer: String) -> Int? {
                    if document == nil { document = .some(bytes.flatMap { String(validating: $0, as: UTF8.self) }.flatMap { try? YAMLReader.document($0, file: path) }) }
                    return document!.map { Self.line(of: pointer, in: $0) }
                }
                do {
                    let compiled = try self.compiled(contract, domain: d, id: id, registry: registry, key: key).get()
                    let violations = try compiled.validate(contract.value!)
                    for v in violations.prefix(20) {
                        found.append(ValueViolation(file: path, line: line("/value" + v.instanceLocation), pointer: "/value" + v.instanceLocation,
                                                    message: "the value does not fit the contract's schema: \(v.message) (schema keyword /schema\(v.keywordLocation))"))
                    }
                    if violations.count > 20 {
                        found.append(ValueViolation(file: path, line: line("/value"), pointer: "/value", message: "\(violations.count - 20) more violations of the schema"))
                    }
                } catch {
                    found.append(ValueViolation(file: path, line: line("/schema" + error.keywordLocation), pointer: "/schema" + error.keywordLocation,
                                                message: "the value cannot be checked: \(error.reason)"))
                }
                valueVerdicts[verdictKey] = found
                out += found
            }
        }
        return out
    }

    /// The line of the deepest node on `pointer`'s path in a YAML document
    /// (a violation of a missing property points at the mapping that lacks it).
    static func line(of pointer: String, in document: YAMLNode) -> Int {
        var node = document
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = String(token).replacing("~1", with: "/").replacing("~0", with: "~")
            guard let next = node[key] ?? Int(key).flatMap({ node[$0] }) else { break }
            node = next
        }
        return node.mark.line
    }

    /// Every changed contract's version step against the change it made.
    /// The comparison of two schemas is made once (by their texts, promises
    /// and the registry): a step that changes no schema reuses its verdict.
    mutating func versionFindings(changed: Set<String>, before: RealmSnapshot, beforeIDs: [String: String], after: RealmSnapshot, afterIDs: [String: String],
                                  registry: SchemaRegistry, key: String) -> [(file: String, message: String)] {
        var out: [(String, String)] = []
        for path in changed.sorted() {
            let parts = path.split(separator: "/").map(String.init)
            guard parts.count == 4, parts[0] == "domains", parts[2] == "contracts", path.hasSuffix(".yaml") else { continue }
            let domain = parts[1], name = String(parts[3].dropLast(5))
            guard let old = before.domains[domain]?.contracts[name], let new = after.domains[domain]?.contracts[name] else { continue }
            if new.version < old.version {
                out.append((path, "version \(new.version) is lower than the \(old.version) before it"))
                continue
            }
            let checks = ContractChecks(domain: domain, name: name, repo: new.owner)
            let oldText = schemaText(old, id: beforeIDs[path] ?? ""), newText = schemaText(new, id: afterIDs[path] ?? "")
            let pair = [key, path, oldText, newText, "\(new.backwards)", "\(new.forwards)"].joined(separator: "\u{0}")
            let report: Result<CompatibilityReport, SchemaError>
            if let known = comparisons[pair] { report = known } else {
                let a = compiled(old, domain: domain, id: beforeIDs[path] ?? "", registry: registry, key: key)
                let b = compiled(new, domain: domain, id: afterIDs[path] ?? "", registry: registry, key: key)
                report = Result { () throws(SchemaError) in
                    try SchemaCompatibility.compare(old: try a.get(), new: try b.get(), backwards: new.backwards, forwards: new.forwards)
                }
                comparisons[pair] = report
            }
            for f in checks.bumpFindings(from: old, to: new, toLabel: "\(new.version)", file: path, compareUnchanged: true, compared: report)
            where f.severity == .error {
                out.append((path, f.message))
            }
        }
        return out
    }

    /// The repositories whose files a commit changes (each with those files).
    /// `repos/R.yaml` and `domains/D/bindings/R.yaml` are R's; a contract is
    /// its owner's (the owner before the change, for a change or removal);
    /// a new domain's files are its creator's (the owner of its contracts);
    /// a domain's members change for the repositories added or removed;
    /// imports dropped because the contract they name is removed in the same
    /// commit are that contract owner's; realm.yaml and anything else belong
    /// to the realm's administration (`realm`).
    static func attribute(changed: Set<String>, before: RealmSnapshot, after: RealmSnapshot) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        func creator(_ d: String) -> [String] {
            let owners = Set((after.domains[d]?.contracts.values.map(\.owner) ?? []) + (before.domains[d]?.contracts.values.map(\.owner) ?? []))
            if !owners.isEmpty { return owners.sorted() }
            return Array((after.domains[d]?.record.members ?? before.domains[d]?.record.members ?? []).prefix(1))
        }
        for path in changed {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var who: [String]
            switch parts.count {
            case 2 where parts[0] == "repos" && path.hasSuffix(".yaml"):
                who = [String(parts[1].dropLast(5))]
            case 3 where parts[0] == "domains" && parts[2] == "domain.yaml":
                let d = parts[1]
                if before.domains[d] == nil { who = creator(d) } else if after.domains[d] == nil {
                    let leaving = (before.domains[d]?.record.members ?? []).filter { before.repos[$0] != nil && after.repos[$0] == nil }
                    who = leaving.isEmpty ? creator(d) : leaving
                } else {
                    let a = Set(before.domains[d]!.record.members), b = Set(after.domains[d]!.record.members)
                    let moved = a.symmetricDifference(b)
                    who = moved.isEmpty ? creator(d) : moved.sorted()
                }
            case 4 where parts[0] == "domains" && parts[2] == "contracts":
                let d = parts[1], c = String(parts[3].dropLast(5))
                if let old = before.domains[d]?.contracts[c] { who = [old.owner] }
                else if before.domains[d] == nil { who = creator(d) }
                else { who = [after.domains[d]?.contracts[c]?.owner ?? "realm"] }
            case 4 where parts[0] == "domains" && parts[2] == "bindings":
                let d = parts[1], r = String(parts[3].dropLast(5))
                if before.domains[d] == nil { who = creator(d); break }
                if after.domains[d] == nil {
                    let leaving = (before.domains[d]?.record.members ?? []).filter { before.repos[$0] != nil && after.repos[$0] == nil }
                    who = leaving.isEmpty ? [r] : leaving
                    break
                }
                who = [r]
                // Only imports dropped of contracts removed in this commit: their owner's doing.
                if let old = before.domains[d]?.bindings[r], let new = after.domains[d]?.bindings[r],
                   old.exports == new.exports, old.role == new.role {
                    let removed = Set(old.imports.map(\.contract)).subtracting(new.imports.map(\.contract))
                    let kept = old.imports.filter { !removed.contains($0.contract) }
                    if !removed.isEmpty, kept == new.imports, removed.allSatisfy({ after.domains[d]?.contracts[$0] == nil }) {
                        who = removed.compactMap { before.domains[d]?.contracts[$0]?.owner }.sorted()
                    }
                }
            default:
                who = ["realm"]
            }
            for w in who { out[w, default: []].insert(path) }
        }
        return out
    }

    /// When any commit of the range (or a first parent) asks for signatures:
    /// every signature of the range verified by one `git log` against an
    /// allowed-signers file of every key the range's realm states list, each
    /// key under a principal of its own (`kN`), so that the principal git
    /// reports names the key. `signatureProblem` then takes a commit signed
    /// by a key it allows without a `git` of its own; anything else is
    /// checked on its own, so the findings are the same either way.
    mutating func verifySignatures(_ commits: [LoggedCommit], tip: String, exclude: String?) async throws {
        var keys: [String: SigningKey] = [:]
        var required = false
        for logged in commits {
            var around = [try await state(logged)]
            if let first = logged.parents.first { around.append(try await state(first)) }
            for snapshot in around.compactMap(\.snapshot) {
                required = required || snapshot.manifest.trust.requireSignedCommits
                for k in snapshot.repos.values.flatMap(\.signingKeys) { keys[Self.keyIdentity(k)] = k }
            }
        }
        guard required, !keys.isEmpty else { return }
        let identities = keys.keys.sorted()
        let dir = try TemporaryDirectory(context: context)
        defer { dir.remove() }
        let file = dir.path + "/allowed_signers"
        let lines = identities.enumerated().map { "k\($0.offset) namespaces=\"git\" \($0.element)" }
        do { try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: file, mode: 0o600) } catch {
            throw RealmError.checkRealmFailed(what: "writing \(file)", reason: error.reason)
        }
        let text = try await gitOK(["-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(file)", "log", "--format=%H %G? %GS", tip]
                                   + (exclude.map { ["^" + $0] } ?? []) + ["--"], limit: 64 << 20)
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: false)
            guard f.count == 3, f[1] == "G", f[2].hasPrefix("k"), let i = Int(f[2].dropFirst()), identities.indices.contains(i) else { continue }
            signedWith[String(f[0])] = identities[i]
        }
    }

    /// A key as the allowed-signers file and the signature know it: `type base64`.
    static func keyIdentity(_ key: SigningKey) -> String {
        key.key.split(separator: " ", omittingEmptySubsequences: true).prefix(2).joined(separator: " ")
    }

    /// The keys that may sign a commit speaking for `repo` (nil: a merge that
    /// adds nothing of its own; "realm": the realm's own files), sorted, and whose they are, in words.
    static func signers(by repo: String?, before: RealmSnapshot, after: RealmSnapshot) -> (keys: [SigningKey], whose: String) {
        var keys: [SigningKey]
        let whose: String
        if repo == nil {
            // A merge that adds nothing of its own: any maintainer the realm lists may make it.
            keys = before.repos.values.flatMap(\.signingKeys)
            whose = "a maintainer of a repository of the realm (signing_keys in repos/*.yaml), as a merge that adds nothing of its own is"
        } else if repo == "realm" {
            let approvers = Set(before.manifest.governance.approvers)
            keys = before.repos.values.flatMap(\.signingKeys).filter { approvers.contains($0.maintainer) }
            whose = "an approver of the realm (governance.approvers in realm.yaml)"
        } else {
            keys = (before.repos[repo!] ?? after.repos[repo!])?.signingKeys ?? []
            whose = "a maintainer of \(repo!) (signing_keys in repos/\(repo!).yaml)"
        }
        keys.sort { ($0.maintainer, $0.key) < ($1.maintainer, $1.key) }
        return (keys, whose)
    }

    /// Whether `commit` is signed by an ssh key of a maintainer of `repo`
    /// (as the realm lists them before the commit; for a repository the
    /// commit registers, as it lists them) or, for the realm's own files, of
    /// an approver in governance.approvers; nil when it is.
    func signatureProblem(_ commit: String, by repo: String?, before: RealmSnapshot, after: RealmSnapshot) async throws -> (message: String, hint: String)? {
        let (keys, whose) = Self.signers(by: repo, before: before, after: after)
        let fixHint = "sign commits with an ssh key listed in repos/\(repo.flatMap { $0 == "realm" ? nil : $0 } ?? "REPO").yaml (git config gpg.format ssh, user.signingkey, commit.gpgsign true)"
        if keys.isEmpty {
            return ("the realm requires signed commits, but it lists no ssh signing key of \(whose)", fixHint)
        }
        if let used = signedWith[commit], keys.contains(where: { Self.keyIdentity($0) == used }) { return nil }
        let dir = try TemporaryDirectory(context: context)
        defer { dir.remove() }
        let file = dir.path + "/allowed_signers"
        do { try AtomicFile.write(Array((keys.map(\.allowedSignersLine).joined(separator: "\n") + "\n").utf8), to: file, mode: 0o600) } catch {
            throw RealmError.checkRealmFailed(what: "writing \(file)", reason: error.reason)
        }
        let r = try await git(["-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(file)", "log", "-1", "--format=%G?%x00%GS", commit])
        guard r.exitCode == 0 else { throw RealmError.checkRealmFailed(what: "git log --format=%G?", reason: r.stderr.trimmed()) }
        let fields = r.stdout.trimmedLines().split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        switch fields.first ?? "" {
        case "G": return nil
        case "N": return ("is not signed; the realm requires every commit to be signed by \(whose)", fixHint)
        case "B": return ("has a bad signature (the commit was changed after it was signed)", fixHint)
        default:
            let signer = fields.count > 1 && !fields[1].isEmpty ? " (\(fields[1]))" : ""
            return ("is signed\(signer), but not by a key of \(whose)", fixHint)
        }
    }
}
