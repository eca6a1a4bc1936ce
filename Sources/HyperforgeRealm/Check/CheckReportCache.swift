import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// The last whole report of a plain `git realm check` (every mode, every
/// contract, from the cache's point of view the run hooks make many times a
/// day), kept in `.git/realm/check-report.json` with the fingerprints of
/// every file it was computed from (InputFingerprint): the git config files
/// (membership, `realm.runScripts`), HEAD and the branch it names (which
/// scripts are committed), the fetched realm ref (and with it every realm
/// file and the realm index), packed-refs, and in the work tree each working
/// contract and the directory it would be in, each exported source file,
/// each bound import's file, each script and the directories on its path.
/// A later plain check whose fingerprints all match answers from it without
/// loading libgit2, parsing the realm index or opening cache.db: that is
/// what brings a warm check under 15 ms. Anything else (options, a linked
/// worktree, includes in git config, an unavailable cache.db) takes the
/// full path, which still uses cache.db contract by contract.
/// The values besides files that the report depends on (the CI flag, a
/// check nested in a check, TMPDIR, HOME and the git config variables) are
/// part of the key. Nothing secret is stored.
struct CheckReportCache {
    /// 2: findings carry a witness and an explanation (the semantic compatibility engine).
    static let version = 3

    struct Entry {
        var key: [String]
        var inputs: [InputFingerprint]
        var realm: String
        var repo: String
        var root: String
        var report: CheckReport
    }

    static func path(gitDir: String) -> String { gitDir + "/realm/check-report.json" }

    static func key(_ options: Realm.CheckOptions, environment: [String: String]) -> [String] {
        CachedRepository.environmentKey(environment) + [
            "ci=\(CheckSession.isCI(environment))",
            "nested=\(!(environment[Scripts.nestedMarker] ?? "").isEmpty)",
            "TMPDIR=\(environment["TMPDIR"] ?? "")",
            "timeout=\(options.scriptTimeout)",
        ]
    }

    /// Whether `options` ask for the plain check whose report is kept (the
    /// output format and --strict only change how it is shown).
    static func covers(_ options: Realm.CheckOptions) -> Bool {
        options.target.path == nil && options.modes.isEmpty && options.contract == nil && !options.fetch
            && options.from == nil && options.to == nil && !options.transitive
    }

    /// The kept entry for the repository around `start`, when every input is unchanged.
    static func lookup(_ options: Realm.CheckOptions, context: Context) -> Entry? {
        guard covers(options), !options.noCache,
              let (root, gitDir) = CachedRepository.locate(start: context.resolve("."), environment: context.environment),
              // Ours and writable only by us: a report others could write could say "clean".
              let bytes = try? FileTrust.read(path(gitDir: gitDir)),
              let json = try? JSONParser.parse(bytes), let entry = Entry(json: json),
              entry.root == root, !entry.inputs.isEmpty, entry.key == key(options, environment: context.environment),
              InputRecorder.allUnchanged(entry.inputs) else { return nil }
        return entry
    }

    static func store(_ entry: Entry, gitDir: String) {
        // Private like cache.db: findings can quote what a script printed.
        try? AtomicFile.write(Array(entry.json.jsonText.utf8), to: path(gitDir: gitDir), mode: 0o600)
    }

    static func remove(gitDir: String) { unlink(path(gitDir: gitDir)) }

    /// Records what a check reads before anything is read: git's config
    /// files, HEAD, the branch HEAD names and the refs files.
    static func recordRepository(gitDir: String, environment: [String: String], into recorder: inout InputRecorder) {
        for file in GitConfig.files(gitDirectory: gitDir, environment: environment) { recorder.record(file.path) }
        for name in ["HEAD", "packed-refs", "commondir", "shallow", "info/grafts"] { recorder.record(FilePaths.join(gitDir, name)) }
        if let branch = CachedRepository.headBranchRef(gitDir: gitDir) { recorder.record(FilePaths.join(gitDir, branch)) }
    }

    /// Records a work-tree file and, for a script, every directory from the
    /// root down to it (a component swapped for a symlink changes its parent).
    static func recordWorkTreeFile(_ relative: String, root: String, withDirectories: Bool, into recorder: inout InputRecorder) {
        if withDirectories {
            var dir = root
            recorder.record(dir)
            for component in relative.split(separator: "/").dropLast() {
                dir += "/" + component
                recorder.record(dir)
            }
        }
        recorder.record(root + "/" + relative)
    }
}

extension CheckReportCache.Entry {
    var json: JSONValue {
        .object([
            "format": .integer(Int64(CheckReportCache.version)),
            "key": .array(key.map(JSONValue.string)),
            "inputs": .array(inputs.map(\.json)),
            "realm": .string(realm), "repo": .string(repo), "root": .string(root),
            "report": .object([
                "realm": .string(report.realm), "repo": .string(report.repo), "commit": .string(report.commit),
                "contracts_checked": .integer(Int64(report.contractsChecked)),
                "findings": .array(report.findings.map(\.json)),
            ]),
        ])
    }

    init?(json: JSONValue) {
        func string(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
        guard case .integer(Int64(CheckReportCache.version))? = json["format"],
              case .array(let keys)? = json["key"], case .array(let inputs)? = json["inputs"],
              let realm = string(json["realm"]), let repo = string(json["repo"]), let root = string(json["root"]),
              let r = json["report"], let reportRealm = string(r["realm"]), let reportRepo = string(r["repo"]),
              let commit = string(r["commit"]), case .integer(let checked)? = r["contracts_checked"],
              case .array(let findings)? = r["findings"] else { return nil }
        var parsedKeys: [String] = []
        for k in keys { guard case .string(let s) = k else { return nil }; parsedKeys.append(s) }
        var parsedInputs: [InputFingerprint] = []
        for i in inputs { guard let f = InputFingerprint(json: i) else { return nil }; parsedInputs.append(f) }
        var parsedFindings: [Finding] = []
        for f in findings { guard let finding = Finding(json: f) else { return nil }; parsedFindings.append(finding) }
        self.init(key: parsedKeys, inputs: parsedInputs, realm: realm, repo: repo, root: root,
                  report: CheckReport(realm: reportRealm, repo: reportRepo, commit: commit, findings: parsedFindings,
                                      contractsChecked: Int(checked), cacheHits: Int(checked)))
    }
}
