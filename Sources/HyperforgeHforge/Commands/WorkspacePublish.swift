import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct WorkspacePublishOptions: Sendable {
        public var workspace = WorkspaceOptions()
        public var bump: ReleaseVersion.Bump?
        public var preID = "alpha"
        /// Only packages with commits since their last release tag, and those requiring them.
        public var changed = false
        public var dryRun = false
        public var resume = false
        public var abort = false
        public var noPush = false
        public init() {}
    }

    /// `git hforge workspace publish`: every publishable package of the
    /// workspace's repositories, each after the packages it requires, each
    /// released by `git hforge publish` (its requirements on the packages
    /// released before it rewritten in its own release commit); stops at the
    /// first failure; the workspace's journal makes the whole run resumable.
    public static func workspacePublish(_ options: WorkspacePublishOptions, context: Context) async throws -> ExitStatus {
        let context = detached(context) // GIT_DIR and the like name one repository, never the members
        let given = context.resolve(options.workspace.path ?? ".")
        let root = FilePaths.real(given) ?? FilePaths.normalize(given)
        let journalPath = WorkspacePublishJournal.path(workspace: root, context: context)
        var run = WorkspacePublishRun(root: root, journalPath: journalPath, options: options, context: context)
        if options.abort { return try await run.abort() }
        if options.resume {
            guard let journal = try WorkspacePublishJournal.load(journalPath, workspace: root) else { throw WorkspacePublishError.noJournal(journal: journalPath) }
            // The run goes on as it was started: its --no-push holds for the packages still to release.
            var resumed = options
            resumed.noPush = options.noPush || journal.noPush
            var run = WorkspacePublishRun(root: root, journalPath: journalPath, options: resumed, context: context)
            return try await run.carryOn(journal)
        }
        if let journal = try WorkspacePublishJournal.load(journalPath, workspace: root), let current = journal.current {
            throw WorkspacePublishError.journalInProgress(journal: journalPath, package: current.name, state: current.state)
        }
        return try await run.start()
    }
}

/// One run of `git hforge workspace publish`.
struct WorkspacePublishRun {
    let root: String
    let journalPath: String
    let options: Hforge.WorkspacePublishOptions
    let context: Context
    var results: [String: JSONValue] = [:]

    var out: Output.Stream { context.output.stdout }
    var json: Bool { options.workspace.json }
    func say(_ text: String) { if !json { out.line(text) } }

    /// A publishable package of the workspace: every kind whose manifest is
    /// in its directory (PackageKind.loadAll), released together at one
    /// version by one `publish`, as `publish` there does; the first names it.
    struct Found {
        var member: WorkspaceDiscovery.Member
        var group: [any ReleasePackage]
        var settings: PublishSettings
        var package: any ReleasePackage { group[0] }
        var key: String { PackageKind.key(kind: package.kind, name: package.name) }
        /// Each kind's key: what the workspace's other packages require it by.
        var keys: [String] { group.map { PackageKind.key(kind: $0.kind, name: $0.name) } }
        var directory: String { package.directory == member.path ? "." : Hforge.relative(package.directory, to: member.path) }
        var label: String { member.relativePath == "." ? directory : (directory == "." ? member.relativePath : member.relativePath + "/" + directory) }
    }

    /// Every package of every member: the root's manifests (PackageKind.loadAll),
    /// and a Cargo workspace's members (`[workspace] members`, a trailing `/*` expanded).
    func packages(of member: WorkspaceDiscovery.Member) throws -> [[any ReleasePackage]] {
        var directories: [String] = []
        let cargo = FilePaths.join(member.path, "Cargo.toml")
        if FilePaths.kind(cargo) == .file {
            let spans = try CargoPackage.read(cargo)
            if spans.tables.contains(["package"]) || spans.entries.contains(where: { $0.table == ["package"] }) { directories.append(member.path) }
            if let e = spans.entries.first(where: { ($0.table == ["workspace"] && $0.key == ["members"]) || ($0.table == [] && $0.key == ["workspace", "members"]) }) {
                for (span, _) in TOMLSpans.arrayStrings(spans.bytes, in: e.value, firstLine: e.line) {
                    let pattern = String(decoding: spans.bytes[span], as: UTF8.self)
                    guard JournalConfinement.problem(pattern.hasSuffix("/*") ? String(pattern.dropLast(2)) : pattern, in: member.path) == nil else { continue }
                    if pattern.hasSuffix("/*") {
                        let parent = FilePaths.join(member.path, String(pattern.dropLast(2)))
                        let names = ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).sorted()
                        for n in names where FilePaths.kind(FilePaths.join(FilePaths.join(parent, n), "Cargo.toml")) == .file { directories.append(FilePaths.join(parent, n)) }
                    } else if !pattern.contains("*") {
                        directories.append(FilePaths.join(member.path, pattern))
                    }
                }
            }
            // A member reached through a symbolic link is not one of this repository's.
            directories = directories.filter { $0 == member.path || JournalConfinement.problem(Hforge.relative($0, to: member.path), in: member.path) == nil }
            if directories.isEmpty { return [] }
            return try directories.compactMap(group)
        }
        do { return try group(member.path).map { [$0] } ?? [] }
        catch PublishError.noManifest { return [] }
    }

    /// The kinds in `directory`; nil when none of them is published. One
    /// marked not to be while another is would stop `publish` there: refused now.
    func group(_ directory: String) throws -> [any ReleasePackage]? {
        let all = try PackageKind.loadAll(directory: directory)
        if all.allSatisfy(\.publishDisabled) { return nil }
        if let off = all.first(where: \.publishDisabled) { throw PublishError.publishDisabled(manifest: off.manifest) }
        return all
    }

    // MARK: - Plan

    mutating func start() async throws -> ExitStatus {
        guard let bump = options.bump else {
            throw HforgeError.badArgument(flag: "--bump", value: "", reason: "workspace publish needs --bump major|minor|patch|pre")
        }
        let found = try Hforge.discoverWorkspace(options.workspace, context: context)
        var all: [Found] = []
        for member in found.members {
            let settings = try PublishSettings.load(repoRoot: member.path)
            for g in try packages(of: member) {
                // One version for the kinds released together, as publish requires without --version.
                if g.contains(where: { $0.version != g[0].version }) {
                    throw PublishError.versionsDiffer(versions: g.map { "\(Hforge.relative($0.versionFile, to: root)) says \($0.version)" })
                }
                all.append(Found(member: member, group: g, settings: settings))
            }
        }
        // Who requires whom (within a kind, by name; a dev-dependency without a version does not count).
        let index = Dictionary(all.enumerated().flatMap { i, f in f.keys.map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        var requires: [[Int]] = [], requiredKeys: [Set<String>] = []
        for (i, f) in all.enumerated() {
            let keys = try f.group.flatMap { p in try p.requirements().filter(\.ordersPublish).map { PackageKind.key(kind: p.kind, name: $0.package) } }
            let others = Set(keys.filter { index[$0].map { $0 != i } ?? false })
            requiredKeys.append(others)
            requires.append(Array(Set(others.compactMap { index[$0] })).sorted())
        }
        let order = try PublishOrder.order(names: all.map(\.package.name), requires: requires)

        // --changed: the packages with commits since their last release tag, and every package requiring one of them.
        var selected = Set(all.indices)
        var unchanged: [String: String] = [:]
        if options.changed {
            selected = []
            for (i, f) in all.enumerated() {
                let tag = PublishRun.tagName(settings: f.settings, package: f.package, version: f.package.version.description)
                let has = try await Git.run(["rev-parse", "-q", "--verify", "refs/tags/\(tag)^{commit}"], in: f.member.path, context: context)
                if has.exitCode != 0 { selected.insert(i); continue }
                let count = try await Git.run(["rev-list", "--count", "refs/tags/\(tag)..HEAD", "--", f.directory], in: f.member.path, context: context)
                if count.exitCode != 0 || count.stdout.trimmedLines() != "0" { selected.insert(i) } else { unchanged[f.label] = tag }
            }
            for i in order where requires[i].contains(where: selected.contains) { selected.insert(i) }
            for i in selected { unchanged[all[i].label] = nil }
        }
        let chosen = order.filter(selected.contains)
        // Crates sharing one [workspace.package] version cannot each take their own.
        var byVersionFile: [String: [String]] = [:]
        for i in chosen where all[i].package.versionFile != all[i].package.manifest { byVersionFile[all[i].package.versionFile, default: []].append(all[i].package.name) }
        if let shared = byVersionFile.first(where: { $0.value.count > 1 }) { throw WorkspacePublishError.sharedVersion(file: shared.key, packages: shared.value) }

        var versions: [String: ReleaseVersion] = [:]
        for i in chosen { for k in all[i].keys { versions[k] = all[i].package.version.bumped(bump, preID: options.preID) } }
        var journal = WorkspacePublishJournal(workspace: root, bump: bump.rawValue, noPush: options.noPush, packages: [])
        for i in chosen {
            let f = all[i]
            let new = versions[f.key]!
            var needs: [String: String] = [:]
            for k in requiredKeys[i] { if let v = versions[k] { needs[k] = v.description } }
            // Every requirement that will be rewritten is checked now, before anything changes.
            for p in f.group {
                for r in try p.requirements() where r.span != nil {
                    if let v = versions[PackageKind.key(kind: p.kind, name: r.package)] { _ = try p.rewrittenRequirement(r, to: v) }
                }
            }
            let gitDirectory = try Repository.open(at: f.member.path, environment: context.environment).gitDirectory
            journal.packages.append(.init(repository: f.member.relativePath, directory: f.directory, name: f.package.name, kind: f.package.kind, kinds: f.group.map(\.kind),
                                          previousVersion: f.package.version.description, version: new.description,
                                          tag: PublishRun.tagName(settings: f.settings, package: f.package, version: new.description),
                                          requirements: needs, journal: Hforge.relative(PublishJournal.path(gitDirectory: gitDirectory), to: f.member.path)))
        }
        if journal.packages.isEmpty {
            say("Nothing to publish in \(root)" + (options.changed && !unchanged.isEmpty ? ": no package has commits since its last release tag (\(unchanged.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))" : ""))
            if json { out.line(JSONOutput.render(.object(["root": .string(root), "dry_run": .bool(options.dryRun), "packages": .array([]), "published": .array([])]))) }
            return .success
        }
        say((options.dryRun ? "Would publish" : "Publishing") + " \(journal.packages.count) package\(journal.packages.count == 1 ? "" : "s") in this order:")
        for (n, p) in journal.packages.enumerated() {
            let needs = p.requirements.isEmpty ? "" : " (requires " + p.requirements.keys.sorted().map { k in "\(k.split(separator: ":", maxSplits: 1).last ?? "") \(p.requirements[k]!)" }.joined(separator: ", ") + ")"
            say("  \(n + 1). \(p.name) \(p.previousVersion) -> \(p.version) [\(p.allKinds.joined(separator: ", "))] in \(p.repository == "." ? p.directory : p.repository + (p.directory == "." ? "" : "/" + p.directory))\(needs)")
        }
        if options.changed && !unchanged.isEmpty { say("Unchanged since their last release tag: " + unchanged.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")) }
        if options.dryRun { return try await dryRun(journal) }
        try journal.save(journalPath)
        return try await carryOn(journal)
    }

    func directory(of p: WorkspacePublishJournal.Package) -> (repository: String, package: String) {
        let repo = p.repository == "." ? root : FilePaths.join(root, p.repository)
        return (repo, p.directory == "." ? repo : FilePaths.join(repo, p.directory))
    }

    func publishOptions(_ p: WorkspacePublishJournal.Package) -> Hforge.PublishOptions {
        var o = Hforge.PublishOptions()
        o.path = directory(of: p).package
        o.version = p.version
        o.noPush = options.noPush
        o.json = json
        o.requirementUpdates = p.requirements.compactMapValues(ReleaseVersion.init)
        return o
    }

    /// The context a package's own publish runs in: its output captured with --json (the document is ours).
    func packageContext() -> Context {
        var sub = context
        if json { sub.output = .capturing() }
        return sub
    }

    // MARK: - Dry run

    mutating func dryRun(_ journal: WorkspacePublishJournal) async throws -> ExitStatus {
        var plans: [JSONValue] = []
        for (n, p) in journal.packages.enumerated() {
            say("")
            say(out.styled("[\(n + 1)/\(journal.packages.count)] \(p.name)", .bold))
            var o = publishOptions(p)
            o.dryRun = true
            let sub = packageContext()
            var run = try PublishRun.open(o, context: sub)
            do { _ = try await run.go() } catch {
                throw stopped(journal, at: n, error, dryRun: true)
            }
            if let plan = run.plan {
                var entry = run.dryRunJSON(plan)
                if case .object(var o) = entry {
                    o["repository"] = .string(p.repository)
                    o["directory"] = .string(p.directory)
                    o["requirements"] = WorkspacePublishRun.requirementsJSON(p)
                    entry = .object(o)
                }
                plans.append(entry)
            }
        }
        if json {
            out.line(JSONOutput.render(.object(["root": .string(root), "dry_run": .bool(true), "journal": .string(journalPath), "packages": .array(plans)])))
        } else {
            say("")
            say("dry run: no file, ref or registry was changed; the journal would be \(journalPath)")
        }
        return .success
    }

    // MARK: - Run

    /// Publishes every package not done, in the journal's order, stopping at the first failure.
    mutating func carryOn(_ start: WorkspacePublishJournal) async throws -> ExitStatus {
        var journal = start
        let total = journal.packages.count
        for n in journal.packages.indices where journal.packages[n].state != "done" {
            let p = journal.packages[n]
            let (repo, _) = directory(of: p)
            say("")
            say(out.styled("[\(n + 1)/\(total)] \(p.name) \(p.previousVersion) -> \(p.version)", .bold) + " (\(p.repository == "." ? p.directory : p.repository))")
            var o = publishOptions(p)
            let sub = packageContext()
            var run = try PublishRun.open(o, context: sub)
            if p.state != "pending" {
                // Started before: its own journal says where it stopped; without one it finished (its tag is there) or never began.
                if let own = try run.loadJournal() {
                    // Its own release, not one started by hand in that repository since.
                    guard own.package == p.name, own.version == p.version else {
                        throw PublishError.journalInProgress(path: run.journalPath, package: own.package, version: own.version, step: own.current ?? "done")
                    }
                    o.resume = true
                    o.version = nil
                } else if try Repository.open(at: repo, environment: context.environment).resolve("refs/tags/\(p.tag)") != nil {
                    journal.packages[n].state = "done"
                    try journal.save(journalPath)
                    say("\(p.name) \(p.version) was released before the interruption (tag \(p.tag))")
                    continue
                }
                run = try PublishRun.open(o, context: sub)
            }
            journal.packages[n].state = "started"
            try journal.save(journalPath)
            FaultPoint.reach("workspace-publish.started", p.name)
            do {
                _ = try await run.go()
            } catch {
                journal.packages[n].state = "failed"
                try journal.save(journalPath)
                throw stopped(journal, at: n, error, dryRun: false)
            }
            journal.packages[n].state = "done"
            journal.packages[n].commit = run.finished?.releaseCommit
            journal.packages[n].alreadyOnRegistry = run.finished?.alreadyOnRegistry ?? false
            try journal.save(journalPath)
            if let f = run.finished { results[p.name] = run.resultJSON(f) }
        }
        unlink(journalPath)
        let names = journal.packages.map { "\($0.name) \($0.version)" }
        say("")
        say("Published \(names.count) package\(names.count == 1 ? "" : "s"): \(names.joined(separator: ", "))" + (options.noPush ? " (not pushed: --no-push)" : ""))
        if json {
            out.line(JSONOutput.render(.object([
                "root": .string(root), "dry_run": .bool(false),
                "packages": .array(journal.packages.map { p in
                    .object(["name": .string(p.name), "kind": .string(p.kind), "kinds": .array(p.allKinds.map(JSONValue.string)), "repository": .string(p.repository), "directory": .string(p.directory),
                             "previous_version": .string(p.previousVersion), "version": .string(p.version), "tag": .string(p.tag),
                             "commit": p.commit.map(JSONValue.string) ?? .null, "already_on_registry": .bool(p.alreadyOnRegistry),
                             "requirements": WorkspacePublishRun.requirementsJSON(p), "outcome": .string("published"),
                             "result": results[p.name] ?? .null])
                }),
            ])))
        }
        return .success
    }

    /// [{"kind", "package", "version"}] of the workspace packages `p` requires, at their new versions.
    static func requirementsJSON(_ p: WorkspacePublishJournal.Package) -> JSONValue {
        .array(p.requirements.keys.sorted().map { key in
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            return .object(["kind": .string(parts.first ?? ""), "package": .string(parts.last ?? ""), "version": .string(p.requirements[key]!)])
        })
    }

    /// The error that stops the run at package `n`: what was published, what failed, what was not attempted.
    func stopped(_ journal: WorkspacePublishJournal, at n: Int, _ error: any Error, dryRun: Bool) -> WorkspacePublishError {
        let e = Hforge.RepositoryError(error)
        let p = journal.packages[n]
        return .stopped(failed: "\(p.name) \(p.version) (\(p.repository))", message: e.message, hint: dryRun ? e.hint : e.hint.map { "for \(p.name): " + $0 },
                        status: ExitStatus(rawValue: e.exitStatus) ?? .failure,
                        published: dryRun ? [] : journal.packages.prefix(n).filter { $0.state == "done" }.map { "\($0.name) \($0.version)" },
                        notAttempted: journal.packages.suffix(from: n + 1).map { "\($0.name) \($0.version)" }, journal: journalPath)
    }

    // MARK: - Abort

    /// Aborts the package in progress (`git hforge publish --abort` in its
    /// repository, which rolls back what it can) and forgets the journal;
    /// packages published stay published.
    mutating func abort() async throws -> ExitStatus {
        guard let journal = try WorkspacePublishJournal.load(journalPath, workspace: root) else { throw WorkspacePublishError.noJournal(journal: journalPath) }
        if let current = journal.current, current.state != "pending" {
            var o = publishOptions(current)
            o.version = nil
            o.abort = true
            var run = try PublishRun.open(o, context: packageContext())
            if try run.loadJournal() != nil { _ = try await run.go() }
        }
        unlink(journalPath)
        let done = journal.packages.filter { $0.state == "done" }.map { "\($0.name) \($0.version)" }
        say("Aborted the workspace publish; the journal \(journalPath) is removed.")
        say("Published (they stay published): \(done.isEmpty ? "none" : done.joined(separator: ", "))")
        if json { out.line(JSONOutput.render(.object(["aborted": .bool(true), "published": .array(done.map(JSONValue.string))]))) }
        return .success
    }
}
