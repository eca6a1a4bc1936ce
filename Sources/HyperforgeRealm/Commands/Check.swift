import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public enum CheckFormat: String, Sendable, CaseIterable { case text, json, junit }

    public struct CheckOptions: Sendable {
        public var target = Target()
        /// Empty: every mode that applies to this repository.
        public var modes: [Finding.Mode] = []
        /// `NAME` or `DOMAIN/NAME`.
        public var contract: String?
        public var strict = false
        /// Text output: for each compatible verdict, the rules that decided it.
        public var explain = false
        public var format = CheckFormat.text
        public var noCache = false
        public var fetch = false
        /// `--mode=compatibility`: versions from the realm's history; `to` may be `working`.
        public var from: String?
        public var to: String?
        /// Compare against every earlier version in the realm's history.
        public var transitive = false
        public var scriptTimeout: Double = 60
        public init() {}
    }

    /// Where an owner keeps the working version of a contract it is changing.
    public static func workingContractPath(domain: String, name: String) -> String { ".hyperforge/contracts/\(domain)/\(name).yaml" }

    /// `git realm check`: validates what this repository exports and imports
    /// (RFC "blue realm check"). Exit status 0 clean, 1 errors, 2 warnings only
    /// (1 with --strict).
    public static func check(_ options: CheckOptions, context: Context) async throws -> ExitStatus {
        show(try await checkReport(options, context: context), options, context: context)
    }

    /// What `git realm check` finds (the report it prints), kept for the next
    /// plain check as the command keeps it. `git realm mcp`'s realm_check.
    public static func checkReport(_ options: CheckOptions, context: Context) async throws -> CheckReport {
        // Checked here too (the command line checks it first): hooks run the
        // core without the argument parser, and a time limit of inf or nan
        // cannot be turned into a deadline.
        guard NumberRange.scriptTimeout.contains(options.scriptTimeout) else {
            throw RealmError.invalidOption(flag: "--script-timeout", value: NumberRange.format(options.scriptTimeout), expected: NumberRange.scriptTimeout.description)
        }
        // A plain check records every file it reads, so that the next one can
        // answer from CheckReportCache while none of them changes.
        var recorder: InputRecorder?
        let located = CheckReportCache.covers(options)
            ? CachedRepository.locate(start: context.resolve("."), environment: context.environment) : nil
        if let located {
            var r = InputRecorder()
            CheckReportCache.recordRepository(gitDir: located.gitDir, environment: context.environment, into: &r)
            recorder = r
        }
        let (repository, membership) = try openMember(options.target, context: context)
        guard let root = repository.workingDirectory else { throw RealmError.notAMember(repository: repository.gitDirectory) }
        // Asked only for a check whose report would be kept.
        if recorder != nil, try located?.gitDir != repository.gitDirectory || located?.root != root
            || !repository.config.entries(matching: #"^include\.|^includeif\."#).isEmpty {
            recorder = nil // included files are not fingerprinted, nor is a repository found some other way
        }
        if options.fetch { try await fetchOrKeepLastGood(repository, membership, context: context) }
        recorder?.record(FilePaths.join(repository.gitDirectory, membership.fetchedRef))
        guard let tip = try repository.resolve(membership.fetchedRef) else {
            throw RealmError.fetchFailed(url: RemoteURL.redacted(membership.url), gitOutput: "the realm was never fetched here (run 'git realm fetch')")
        }
        // --no-cache reads no cache at all: not the realm's index either (what it finds is stored).
        let index = try RealmIndex.load(commit: tip, repo: repository, useCache: !options.noCache)
        let scripts = Scripts(repository: repository, root: root, environment: context.environment, timeout: options.scriptTimeout,
                              policy: try ScriptPolicy.read(repository))
        var session = CheckSession(options: options, context: context, repository: repository, membership: membership, root: root,
                                   tip: tip, index: index, scripts: scripts)
        session.recorder = recorder
        let report = try await session.run()
        if let recorder = session.recorder {
            if recorder.settled(now: context.now().timeIntervalSince1970) {
                CheckReportCache.store(CheckReportCache.Entry(key: CheckReportCache.key(options, environment: context.environment),
                                                              inputs: recorder.inputs, realm: membership.realm, repo: membership.repo,
                                                              root: root, report: report), gitDir: repository.gitDirectory)
            } else {
                CheckReportCache.remove(gitDir: repository.gitDirectory)
            }
        }
        return report
    }

    /// The kept report of a plain check (CheckReportCache) while it is valid, else nil.
    public static func keptCheckReport(_ options: CheckOptions, context: Context) -> CheckReport? {
        CheckReportCache.lookup(options, context: context)?.report
    }

    /// A plain `git realm check` answered from CheckReportCache, inside a
    /// coordinator session like any other; nil when the kept report is not
    /// valid any more (the caller then runs the check).
    public static func cachedCheck(_ options: CheckOptions, context: Context) -> ExitStatus? {
        guard let entry = CheckReportCache.lookup(options, context: context) else { return nil }
        let coordination = RealmCoordination(context: context)
        let session = coordination.beginSession(repo: entry.repo, realm: entry.realm, path: entry.root, command: "git realm check")
        defer { if let session { coordination.endSession(session) } }
        return show(entry.report, options, context: context)
    }

    static func show(_ report: CheckReport, _ options: CheckOptions, context: Context) -> ExitStatus {
        let out = context.output.stdout
        switch options.format {
        case .text: out.line(report.text(out, explain: options.explain))
        case .json: out.line((try? JSONOutput.encode(report)) ?? "{}")
        case .junit: out.line(report.junit(strict: options.strict))
        }
        switch report.exitCode(strict: options.strict) {
        case 0: return .success
        case 1: return .failure
        default: return .warnings // 2
        }
    }
}

/// One run of `git realm check`: which contracts and modes apply, what the
/// cache already knows, the realm read in full only when something is not cached.
package struct CheckSession {
    let options: Realm.CheckOptions
    let context: Context
    let repository: Repository
    let membership: Membership
    let root: String
    let tip: String
    let index: RealmIndex
    let scripts: Scripts

    /// The inputs of a plain check, for CheckReportCache; nil when the report is not kept.
    var recorder: InputRecorder?

    private var cache: CheckCache?
    private var state: RealmState?
    private var registry: SchemaRegistry?
    private var hits = 0, misses = 0

    init(options: Realm.CheckOptions, context: Context, repository: Repository, membership: Membership, root: String, tip: String, index: RealmIndex, scripts: Scripts) {
        self.options = options
        self.context = context
        self.repository = repository
        self.membership = membership
        self.root = root
        self.tip = tip
        self.index = index
        self.scripts = scripts
    }

    struct Item { var domain: String; var contract: String; var mode: Finding.Mode }

    var isCI: Bool { CheckSession.isCI(context.environment) }

    /// CI set to anything but empty, 0 or false (ci_only scripts run; part of every cache key).
    static func isCI(_ environment: [String: String]) -> Bool {
        let ci = environment["CI"] ?? ""
        return !ci.isEmpty && ci != "0" && ci.lowercased() != "false"
    }

    func wanted(_ domain: String, _ contract: String) -> Bool {
        guard let filter = options.contract else { return true }
        return filter == contract || filter == "\(domain)/\(contract)"
    }

    /// The contract checks that apply to this repository.
    mutating func items() -> [Item] {
        let me = membership.repo
        let modes = options.modes.isEmpty ? Finding.Mode.allCases : options.modes
        var items: [Item] = []
        for (d, domain) in index.domains.sorted(by: { $0.key < $1.key }) {
            var owned = Set(domain.contracts.filter { $0.value.owner == me }.map(\.key))
            // A working version of a contract not yet published.
            if domain.members.contains(me) { recorder?.record(root + "/.hyperforge/contracts/\(d)") }
            if domain.members.contains(me),
               let entries = try? FileManager.default.contentsOfDirectory(atPath: root + "/.hyperforge/contracts/\(d)") {
                for e in entries where e.hasSuffix(".yaml") && domain.contracts[String(e.dropLast(5))] == nil { owned.insert(String(e.dropLast(5))) }
            }
            let binding = domain.bindings[me]
            for c in owned.sorted() where wanted(d, c) {
                if modes.contains(.contract) { items.append(Item(domain: d, contract: c, mode: .contract)) }
                if modes.contains(.compatibility) && domain.contracts[c] != nil { items.append(Item(domain: d, contract: c, mode: .compatibility)) }
            }
            if modes.contains(.exporter) {
                for c in (binding?.exports ?? []).sorted() where wanted(d, c) { items.append(Item(domain: d, contract: c, mode: .exporter)) }
            }
            if modes.contains(.importer) {
                for i in binding?.imports ?? [] where wanted(d, i.contract) { items.append(Item(domain: d, contract: i.contract, mode: .importer)) }
            }
        }
        return items
    }

    mutating func run() async throws -> CheckReport {
        // With --no-cache nothing is read from the cache, but what is checked
        // afresh is stored, so the next plain run does not serve an older result.
        do { cache = try CheckCache(gitDirectory: repository.gitDirectory, rehash: options.noCache, warn: context.output.warning) } catch {
            context.output.stderr.line("warning: the check cache is unavailable (\(error)); checking without it")
            recorder = nil
        }
        let items = items()
        // A --contract the realm does not have is a mistake (a typo in CI must not pass).
        if let filter = options.contract, items.isEmpty {
            let known = index.domains.flatMap { d in d.value.contracts.keys.flatMap { [$0, "\(d.key)/\($0)"] } }
            if !known.contains(filter) {
                let names = Set(index.domains.flatMap { d in d.value.contracts.keys.map { "\(d.key)/\($0)" } }).sorted()
                throw RealmError.invalidOption(flag: "--contract", value: filter,
                                               expected: names.isEmpty ? "a contract of realm \(index.name) (it has none yet)"
                                                   : "a contract of realm \(index.name): " + names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", ..." : ""))
            }
        }
        var findings: [Finding] = []
        for item in items {
            let cacheable = cache != nil && !(item.mode == .compatibility && (options.from != nil || options.to != nil || options.transitive))
            let version = index.domains[item.domain]?.contracts[item.contract]?.version ?? "unpublished"
            var key: String?
            if cacheable, let k = try? cacheKey(item) {
                key = k
                if !options.noCache, let cached = try? cache?.validation(contract: "\(item.domain)/\(item.contract)", version: version, key: k) {
                    hits += 1
                    findings += cached
                    continue
                }
            }
            if key == nil { recorder = nil } // what it read was not all recorded
            misses += 1
            let result = try await evaluate(item)
            findings += result
            if let key { try? cache?.storeValidation(contract: "\(item.domain)/\(item.contract)", version: version, key: key, findings: result) }
        }
        if let cache { try? cache.count(hits: hits, misses: misses) }
        if items.isEmpty {
            findings.append(Finding(.ok, .contract, domain: "-", contract: "-", message: nothingToCheck()))
        }
        return CheckReport(realm: index.name, repo: membership.repo, commit: tip, findings: findings, contractsChecked: items.count, cacheHits: hits)
    }

    /// Why no check applies, in what is true of this repository: what it
    /// owns, exports and imports, and which modes would check those.
    func nothingToCheck() -> String {
        let me = membership.repo
        var owned: [String] = [], exported: [String] = [], imported: [String] = []
        for (d, domain) in index.domains.sorted(by: { $0.key < $1.key }) {
            owned += domain.contracts.filter { $0.value.owner == me && wanted(d, $0.key) }.keys.sorted().map { "\(d)/\($0)" }
            let binding = domain.bindings[me]
            exported += (binding?.exports ?? []).sorted().filter { wanted(d, $0) }.map { "\(d)/\($0)" }
            imported += (binding?.imports ?? []).map(\.contract).filter { wanted(d, $0) }.map { "\(d)/\($0)" }
        }
        let named = options.contract.map { " named \($0)" } ?? ""
        if owned.isEmpty && exported.isEmpty && imported.isEmpty { return "nothing to check: \(me) owns, exports and imports no contracts" + named }
        func list(_ verb: String, _ names: [String], none: String) -> String {
            names.isEmpty ? none : "\(verb) \(names.count) (\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", ..." : ""))"
        }
        let facts = "\(list("owns", owned, none: "owns no contract")), \(list("exports", exported, none: "exports none")) and \(list("imports", imported, none: "imports none"))"
        var applicable: [String] = []
        if !owned.isEmpty { applicable += ["contract", "compatibility"] }
        if !exported.isEmpty { applicable.append("exporter") }
        if !imported.isEmpty { applicable.append("importer") }
        let asked = options.modes.map(\.rawValue).joined(separator: ", ")
        // contract and compatibility are the owner's checks (the schema, the value,
        // each version step of the realm's history); an importer's are its range and scripts.
        return "nothing to check with --mode \(asked)\(named): \(me) \(facts). The contract and compatibility modes check "
            + "the contracts a repository owns (schema, value and the realm's version history, in the owner's repository), "
            + "exporter its exports, importer its imports; here: " + applicable.map { "--mode \($0)" }.joined(separator: ", ")
    }

    // MARK: - Cache keys

    /// Everything a check of `item` reads, hashed.
    mutating func cacheKey(_ item: Item) throws -> String {
        guard let cache else { throw RealmError.invalidResult("no cache") }
        func record(_ path: String, script: Bool = false) {
            guard recorder != nil else { return }
            CheckReportCache.recordWorkTreeFile(path, root: root, withDirectories: script, into: &recorder!)
        }
        let domain = index.domains[item.domain]
        let contract = domain?.contracts[item.contract]
        let binding = domain?.bindings[membership.repo]
        // The realm commit too: a schema may $ref other contracts ("realm:DOMAIN/NAME"),
        // whose changes the contract's own hash does not show; a fetch that moves
        // the realm checks afresh.
        var parts = [HyperforgeVersion.current, "\(RealmIndex.formatVersion)", SchemaCompatibility.engineVersion, tip, item.mode.rawValue, item.domain, item.contract,
                     contract?.hash ?? "-", binding?.hash ?? "-", membership.repo, isCI ? "ci" : "local", "\(options.scriptTimeout)"]
        let working = Realm.workingContractPath(domain: item.domain, name: item.contract)
        record(working)
        let workingHash = try cache.fileHash(root + "/" + working, as: working)
        parts.append(workingHash ?? "-")
        var scripts: [String] = []
        // The exporter runs the scripts of the working version when the owner keeps one
        // (as evaluate does), so those are the scripts whose verdicts the key records.
        var exportValidation = (exporter: contract?.exporterScript, ciOnly: contract?.ciOnlyScripts ?? [])
        if item.mode == .exporter, workingHash != nil,
           let data = try? FileRead.bytes(root + "/" + working, limit: YAMLReader.Limits.realm.bytes),
           let text = String(validating: data, as: UTF8.self),
           let parsed = try? Contract.parse(text, file: working) {
            exportValidation = (parsed.validation?.exporter, parsed.validation?.ciOnly ?? [])
        }
        switch item.mode {
        case .contract, .compatibility:
            // History matters (evolution): it changes only with the realm file, whose hash is in the key.
            break
        case .exporter:
            for f in (binding?.sources[item.contract] ?? []).sorted() { record(f); parts.append(f + "=" + (try cache.fileHash(root + "/" + f, as: f) ?? "-")) }
            scripts = [exportValidation.exporter].compactMap { $0 } + (isCI ? exportValidation.ciOnly : [])
        case .importer:
            if let b = binding?.imports.first(where: { $0.contract == item.contract })?.binding {
                record(b)
                parts.append(b + "=" + (FileManager.default.fileExists(atPath: root + "/" + b) ? "present" : "missing"))
            }
            scripts = [contract?.importerScript].compactMap { $0 } + (isCI ? contract?.ciOnlyScripts ?? [] : [])
        }
        for s in scripts { record(s, script: true); parts.append(s + "=" + (try self.scripts.cacheToken(s, cache: cache))) }
        return ContentHash.of(parts)
    }

    // MARK: - Evaluation

    mutating func realm() throws -> (RealmState, SchemaRegistry) {
        if let state, let registry { return (state, registry) }
        let s = try RealmReader.state(of: repository, commit: tip)
        let r = ContractChecks.registry(s.snapshot!)
        state = s
        registry = r
        return (s, r)
    }

    /// The versions of a contract file in the realm's history, oldest first,
    /// with a commit that has each. Kept in contract_cache for this realm
    /// commit: a fetch that moves the realm invalidates it.
    func history(_ domain: String, _ name: String) async throws -> [(SemanticVersion, String, Contract)] {
        try await CheckSession.history(domain, name, tip: tip, repository: repository, cache: cache, readCache: !options.noCache, context: context)
    }

    /// `history` for any reader of the realm at `tip` (git realm mcp's contract_get too).
    /// `readCache` false (--no-cache): the history is read from git, and stored.
    package static func history(_ domain: String, _ name: String, tip: String, repository: Repository, cache: CheckCache?,
                                readCache: Bool = true, context: Context) async throws -> [(SemanticVersion, String, Contract)] {
        let path = "domains/\(domain)/contracts/\(name).yaml"
        if readCache, let cache, let listed = try? cache.contract(domain: domain, name: name, version: "", realmCommit: tip),
           case .array(let entries)? = try? JSONParser.parse(listed) {
            var out: [(SemanticVersion, String, Contract)] = []
            for e in entries {
                guard case .string(let v)? = e["version"], case .string(let commit)? = e["commit"], case .string(let yaml)? = e["yaml"],
                      let version = try? SemanticVersion(parsing: v), let c = try? Contract.parse(yaml, file: path) else { out = []; break }
                out.append((version, commit, c))
            }
            if out.count == entries.count { return out }
        }
        let log = try await RealmGit.run(["log", "--format=%H", tip, "--", path], gitDir: repository.commonDirectory, context: context)
        var seen: [SemanticVersion: (String, Contract, String)] = [:]
        for commit in log.stdout.split(separator: "\n").map(String.init) {
            guard let bytes = try repository.file(atCommit: commit, path: path), let text = String(validating: bytes, as: UTF8.self),
                  let c = try? Contract.parse(text, file: path) else { continue }
            seen[c.version] = (commit, c, text) // newest first: the oldest commit with a version wins
        }
        let sorted = seen.sorted { $0.key < $1.key }
        if let cache {
            let list = JSONValue.array(sorted.map { .object(["version": .string($0.key.description), "commit": .string($0.value.0), "yaml": .string($0.value.2)]) })
            try? cache.storeContract(domain: domain, name: name, version: "", realmCommit: tip, json: list.jsonText)
            for (v, entry) in sorted {
                try? cache.storeContract(domain: domain, name: name, version: v.description, realmCommit: entry.0,
                                         json: JSONValue.object(["schema": entry.1.schema, "value": entry.1.value ?? .null]).jsonText)
            }
        }
        return sorted.map { ($0.key, $0.value.0, $0.value.1) }
    }

    /// The working version in this repository, if the owner keeps one.
    func working(_ domain: String, _ name: String, checks: ContractChecks, mode: Finding.Mode) -> (Contract?, [Finding]) {
        let path = Realm.workingContractPath(domain: domain, name: name)
        // Read as a realm file is (it becomes one when published): a regular
        // file within the realm's size limit; a directory, a link to a device
        // or a huge file there is reported, never read whole.
        let data: [UInt8]
        do {
            guard let d = try FileRead.bytes(root + "/" + path, limit: YAMLReader.Limits.realm.bytes) else { return (nil, []) }
            data = d
        } catch {
            return (nil, [checks.finding(.error, mode, file: path, "cannot be read: \(error.reason)")])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return (nil, [checks.finding(.error, mode, file: path, "is not UTF-8")])
        }
        do {
            let c = try Contract.parse(text, file: path)
            if c.name != name {
                return (nil, [checks.finding(.error, mode, file: path, pointer: "/name", "names \"\(c.name)\" but the file is for \(name)")])
            }
            return (c, [])
        } catch {
            return (nil, [checks.finding(.error, mode, file: path, error.description)])
        }
    }

    mutating func evaluate(_ item: Item) async throws -> [Finding] {
        let checks = ContractChecks(domain: item.domain, name: item.contract, repo: membership.repo)
        let (state, registry) = try realm()
        let snapshot = state.snapshot!
        let released = snapshot.domains[item.domain]?.contracts[item.contract]
        let (working, problems) = working(item.domain, item.contract, checks: checks, mode: item.mode)
        if !problems.isEmpty { return problems }

        switch item.mode {
        case .contract:
            guard let subject = working ?? released else {
                return [checks.finding(.error, .contract, "no such contract in domain \(item.domain)")]
            }
            let file = working != nil ? Realm.workingContractPath(domain: item.domain, name: item.contract) : checks.realmFile
            let history = try await history(item.domain, item.contract)
            return checks.contractMode(working: subject, file: file, released: working == nil ? nil : released, history: history, registry: registry)

        case .compatibility:
            guard let released else { return [] }
            let history = try await history(item.domain, item.contract)
            func version(_ text: String, _ flag: String) throws -> Contract {
                guard let v = try? SemanticVersion(parsing: text) else { throw RealmError.invalidName(kind: flag, name: text, problem: "is not a version") }
                guard let c = history.first(where: { $0.0 == v })?.2 else {
                    throw RealmError.invalidName(kind: flag, name: text, problem: "is not a version of \(item.contract) in the realm's history (known: \(history.map { $0.0.description }.joined(separator: ", ")))")
                }
                return c
            }
            let to: Contract, toLabel: String, file: String
            if let t = options.to, t != "working" {
                to = try version(t, "--to"); toLabel = to.version.description; file = checks.realmFile
            } else if let working {
                to = working; toLabel = "\(working.version) (working)"; file = Realm.workingContractPath(domain: item.domain, name: item.contract)
            } else {
                to = released; toLabel = released.version.description; file = checks.realmFile
            }
            if options.transitive {
                var out: [Finding] = []
                for (v, _, c) in history where v < to.version {
                    out += checks.compatibilityMode(from: c, to: to, toLabel: toLabel, file: file, registry: registry)
                }
                return out.isEmpty ? [checks.finding(.ok, .compatibility, file: file, "no earlier versions to compare with")] : out
            }
            let from = try options.from.map { try version($0, "--from") } ?? released
            return checks.compatibilityMode(from: from, to: to, toLabel: toLabel, file: file, registry: registry)

        case .exporter:
            guard let contract = working ?? released else { return [checks.finding(.error, .exporter, "no such contract in domain \(item.domain)")] }
            var out: [Finding] = []
            let bindingFile = "domains/\(item.domain)/bindings/\(membership.repo).yaml"
            let sources = snapshot.domains[item.domain]?.bindings[membership.repo]?.exports.first { $0.contract == item.contract }?.sourceFiles ?? []
            var present: [String] = []
            for f in sources {
                if f.hasPrefix("/") || f.split(separator: "/").contains("..") {
                    out.append(checks.finding(.error, .exporter, file: bindingFile, pointer: "/exports", "source file \(f) is outside the repository"))
                } else if FileManager.default.fileExists(atPath: root + "/" + f) {
                    present.append(f)
                } else {
                    out.append(checks.finding(.error, .exporter, file: f, "is named in \(bindingFile) but does not exist in this repository"))
                }
            }
            if !present.isEmpty, let changed = try await changedSinceSync(present, realmFile: checks.realmFile) {
                out.append(checks.finding(.warning, .exporter, file: changed.file, "changed after \(item.contract) \(contract.version) was last synced to the realm (\(changed.when)); the contract may need a new version"))
            }
            // The file the script paths were read from: the working file when there is one.
            let namedIn = working != nil ? Realm.workingContractPath(domain: item.domain, name: item.contract) : checks.realmFile
            if let script = contract.validation?.exporter {
                out.append(await scripts.run(script, role: "exporter", checks: checks, mode: .exporter, version: contract.version.description, value: contract.value, namedIn: namedIn))
            }
            if isCI { for s in contract.validation?.ciOnly ?? [] { out.append(await scripts.run(s, role: "ci_only", checks: checks, mode: .exporter, version: contract.version.description, value: contract.value, namedIn: namedIn)) } }
            if out.isEmpty {
                out.append(checks.finding(.ok, .exporter, "\(present.count) source file\(present.count == 1 ? "" : "s") present"))
            }
            return out

        case .importer:
            guard let contract = released else {
                return [checks.finding(.error, .importer, file: "domains/\(item.domain)/bindings/\(membership.repo).yaml", "imports a contract the domain does not have")]
            }
            let bindingFile = "domains/\(item.domain)/bindings/\(membership.repo).yaml"
            guard let imp = snapshot.domains[item.domain]?.bindings[membership.repo]?.imports.first(where: { $0.contract == item.contract }) else { return [] }
            var out: [Finding] = []
            if !imp.requirement.matches(contract.version) {
                out.append(checks.finding(.error, .importer, file: bindingFile, pointer: "/imports",
                                          "requires \(imp.requirement.text), but the contract is at \(contract.version): update the import (and the code that uses it)"))
            } else if let resolved = imp.resolvedVersion, resolved != contract.version {
                out.append(checks.finding(.warning, .importer, file: bindingFile, pointer: "/imports",
                                          "binding resolved at \(resolved), the contract is at \(contract.version) (within \(imp.requirement.text)): stale"))
            } else if imp.resolvedVersion == nil {
                out.append(checks.finding(.warning, .importer, file: bindingFile, pointer: "/imports", "no resolved_version recorded"))
            } else {
                out.append(checks.finding(.ok, .importer, file: bindingFile, "binding at \(contract.version) (current)"))
            }
            if let b = imp.binding, !FileManager.default.fileExists(atPath: root + "/" + b) {
                out.append(checks.finding(.warning, .importer, file: b, "the binding file named in \(bindingFile) does not exist in this repository"))
            }
            if let script = contract.validation?.importer {
                out.append(await scripts.run(script, role: "importer", checks: checks, mode: .importer, version: contract.version.description, value: contract.value, namedIn: checks.realmFile))
            }
            if isCI { for s in contract.validation?.ciOnly ?? [] { out.append(await scripts.run(s, role: "ci_only", checks: checks, mode: .importer, version: contract.version.description, value: contract.value, namedIn: checks.realmFile)) } }
            return out
        }
    }

    /// A source file changed (committed later than, or uncommitted since) the
    /// realm commit that last changed the contract file.
    func changedSinceSync(_ files: [String], realmFile: String) async throws -> (file: String, when: String)? {
        try await CheckSession.changedSinceSync(files, realmFile: realmFile, tip: tip, repository: repository, root: root, context: context)
    }

    /// `changedSinceSync` for the realm at `tip` and the work tree at `root` (git realm sync's too).
    static func changedSinceSync(_ files: [String], realmFile: String, tip: String, repository: Repository, root: String,
                                 context: Context) async throws -> (file: String, when: String)? {
        let realmLog = try await RealmGit.run(["log", "-1", "--format=%ct", tip, "--", realmFile], gitDir: repository.commonDirectory, context: context)
        guard let synced = Int(realmLog.stdout.trimmedLines()) else { return nil }
        let env = GitEnvironment.detached(context.environment)
        let status = try await ChildProcess.run(["git", "status", "--porcelain", "--"] + files, environment: env, directory: root)
        if let line = status.stdout.split(separator: "\n").first, line.count > 3 {
            return (String(line.dropFirst(3)), "uncommitted changes")
        }
        for f in files {
            let log = try await ChildProcess.run(["git", "log", "-1", "--format=%ct", "--", f], environment: env, directory: root)
            if let t = Int(log.stdout.trimmedLines()), t > synced {
                return (f, "committed \(Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601))")
            }
        }
        return nil
    }
}
