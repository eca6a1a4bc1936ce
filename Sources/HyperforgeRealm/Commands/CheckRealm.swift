import HyperforgeCore

extension Realm {
    public struct CheckRealmOptions: Sendable {
        /// The realm repository or a clone of it (default: the working directory).
        public var path: String?
        /// `A..B` (the commits of B not in A) or a revision (its whole history); default HEAD.
        public var range: String?
        /// In a pre-receive hook: the updates git passed on standard input;
        /// only those of `refs/heads/<branch>` are checked.
        public var updates: [RefUpdate]?
        public var branch = Membership.defaultBranch
        public var json = false
        public init() {}
    }

    /// One line of a pre-receive hook's input: `OLD NEW REF`.
    public struct RefUpdate: Sendable, Equatable {
        public var old: String
        public var new: String
        public var ref: String
        public init(old: String, new: String, ref: String) {
            self.old = old
            self.new = new
            self.ref = ref
        }

        /// Parses the hook's standard input; nil for a line that is not `OLD NEW REF`.
        public static func parse(_ line: String) -> RefUpdate? {
            let f = line.split(separator: " ").map(String.init)
            guard f.count == 3 else { return nil }
            return RefUpdate(old: f[0], new: f[1], ref: f[2])
        }

        var deletes: Bool { new.allSatisfy { $0 == "0" } }
        var creates: Bool { old.allSatisfy { $0 == "0" } }
    }

    /// `git realm check --realm`: the realm's whole history (or a range of
    /// it) against the rules every writer must keep, checked where clients
    /// cannot cheat. Exit status 0 clean, 1 errors (a pre-receive hook then
    /// refuses the push), 4 the history cannot be read.
    public static func checkRealm(_ options: CheckRealmOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let directory = context.resolve(options.path ?? ".")
        // git's own discovery (GIT_DIR as a hook has it), then --git-dir for every call.
        let located: ChildProcess.Result
        do {
            located = try await ChildProcess.run(["git", "rev-parse", "--absolute-git-dir"], environment: context.environment, directory: directory)
        } catch let e as ChildProcess.LaunchError {
            throw RealmError.checkRealmFailed(what: "running git", reason: e.reason)
        }
        guard located.exitCode == 0 else {
            throw RealmError.checkRealmFailed(what: "finding a git repository at \(directory)", reason: located.stderr)
        }
        let gitDir = located.stdout.trimmedLines()
        var environment = GitEnvironment.detached(context.environment)
        if options.updates != nil {
            // The pushed objects are in git's quarantine until the hook accepts them.
            for name in ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"] {
                environment[name] = context.environment[name]
            }
        }
        var checker = RealmHistoryChecker(gitDir: gitDir, environment: environment, context: context)

        var ranges: [(include: String, exclude: String?)] = []
        var refusals: [String] = []
        if let updates = options.updates {
            for u in updates where u.ref == "refs/heads/\(options.branch)" {
                if u.deletes { refusals.append("deleting the realm's branch \(options.branch) is refused"); continue }
                if !u.creates {
                    let ancestor = try await checker.git(["merge-base", "--is-ancestor", u.old, u.new])
                    if ancestor.exitCode != 0 {
                        refusals.append("the push rewrites the realm's history (\(u.old.prefix(12)) is not in the history of \(u.new.prefix(12))): members would refuse to fetch it")
                        continue
                    }
                }
                ranges.append((u.new, u.creates ? nil : u.old))
            }
        } else {
            let given = options.range ?? "HEAD"
            let halves = given.split(separator: "..", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if halves.count == 2 {
                let a = halves[0], b = halves[1]
                ranges.append((b.isEmpty ? "HEAD" : b, a.isEmpty ? "HEAD" : a))
            } else {
                ranges.append((given, nil))
            }
        }
        var report = RealmHistoryReport(realm: nil, tip: "", commits: [], signedCommitsRequired: false, findings: [])
        for (include, exclude) in ranges {
            let revisions = [include] + (exclude.map { [$0] } ?? [])
            let resolved = try await checker.commits(revisions)
            for (rev, commit) in zip(revisions, resolved) where commit == nil {
                throw RealmError.invalidOption(flag: "--range", value: rev, expected: "a commit of the realm repository at \(gitDir)")
            }
            let tip = resolved[0]!
            if options.updates == nil, try await checker.state(tip).ids["realm.yaml"] == nil {
                throw RealmError.checkRealmFailed(what: "reading \(include)", reason: "\(gitDir) has no realm.yaml at \(tip.prefix(12)): it is not a realm repository (in a member repository, --range refs/realm/REALM/fetched checks the realm as fetched)")
            }
            let part = try await checker.check(tip: tip, exclude: resolved.count > 1 ? resolved[1] : nil)
            report.realm = part.realm
            report.tip = part.tip
            report.commits += part.commits
            report.signedCommitsRequired = report.signedCommitsRequired || part.signedCommitsRequired
            report.findings += part.findings
        }
        if options.updates != nil && ranges.isEmpty && refusals.isEmpty { return .success } // nothing for the realm's branch
        if options.json {
            var doc = (try? JSONOutput.encode(report)) ?? "{}"
            if !refusals.isEmpty, case .object(var o)? = try? JSONParser.parse(doc) {
                o["refused"] = .array(refusals.map(JSONValue.string))
                doc = JSONOutput.render(.object(o))
            }
            out.line(doc)
        } else {
            for r in refusals { out.line("\(out.styled("error", .red)) \(r)") }
            if !ranges.isEmpty { out.line(report.text(out)) }
        }
        return refusals.isEmpty ? report.exitStatus : .failure
    }
}
