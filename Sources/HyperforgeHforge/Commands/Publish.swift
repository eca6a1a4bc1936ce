import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

extension Hforge {
    public struct PublishOptions: Sendable {
        public var path: String?
        public var bump: ReleaseVersion.Bump?
        public var version: String?
        public var preID = "alpha"
        public var dryRun = false
        public var resume = false
        public var abort = false
        public var noPush = false
        public var registry: String?
        public var json = false
        /// workspace publish: the new versions of the packages this one requires (by PackageKind.key), rewritten in its release commit.
        var requirementUpdates: [String: ReleaseVersion] = [:]
        public init() {}
    }

    /// `git hforge publish`: releases the Cargo crate at `--path` (default:
    /// the repository's root). Every check is made before anything changes;
    /// then bump, build, test, publish, commit, tag and push run in that
    /// order, each recorded in the journal (PublishJournal) before and after
    /// it runs. A failing build or test rolls the bump back byte for byte.
    public static func publish(_ options: PublishOptions, context: Context) async throws -> ExitStatus {
        var run = try PublishRun.open(options, context: context)
        return try await run.go()
    }
}

/// One run of `git hforge publish`.
struct PublishRun {
    let repo: Repository
    let root: String
    let journalPath: String
    let options: Hforge.PublishOptions
    let context: Context
    var broker: SecretBroker?
    var token: String?
    /// With several kinds: each kind's registry and token (the first's are `token` too).
    var registries: [String: any ReleaseRegistry] = [:]
    var tokens: [String: String] = [:]
    var timings: [(step: String, seconds: Double, note: String)] = []
    /// This run's checks found the version absent from the registry (a fresh run, not a resumed one).
    var checkedAbsentJustNow = false
    /// What the run planned (a dry run's plan) and the journal of the release it finished.
    var plan: Plan?
    var finished: PublishJournal?

    /// The run of `options` in its repository.
    static func open(_ options: Hforge.PublishOptions, context: Context) throws -> PublishRun {
        let (repo, root) = try Hforge.openRepository(path: options.path, context: context)
        return PublishRun(repo: repo, root: root, journalPath: PublishJournal.path(gitDirectory: repo.gitDirectory), options: options, context: context)
    }

    /// The journal in progress, if any, refused when it names a path outside the work tree.
    func loadJournal() throws -> PublishJournal? {
        let journal = try PublishJournal.load(journalPath)
        try journal?.checkConfined(root: root, journalPath: journalPath)
        return journal
    }

    /// Start, resume or abort, as the options say.
    mutating func go() async throws -> ExitStatus {
        if options.abort { return try await abort() }
        if options.resume {
            guard let journal = try loadJournal() else { throw PublishError.noJournal(path: journalPath) }
            return try await resume(journal)
        }
        if let journal = try loadJournal() {
            throw PublishError.journalInProgress(path: journalPath, package: journal.package, version: journal.version, step: journal.current ?? "done")
        }
        return try await start()
    }

    /// The tag of `package` `version`: publish.tag, else vX.Y.Z (NAME-vX.Y.Z in a Cargo workspace).
    static func tagName(settings: PublishSettings, package: any ReleasePackage, version: String) -> String {
        PublishSettings.expand(settings.tag ?? (package.inWorkspace ? "{name}-v{version}" : "v{version}"), name: package.name, version: version)
    }

    init(repo: Repository, root: String, journalPath: String, options: Hforge.PublishOptions, context: Context) {
        self.repo = repo
        self.root = root
        self.journalPath = journalPath
        self.options = options
        self.context = context
    }

    var out: Output.Stream { context.output.stdout }
    var err: Output.Stream { context.output.stderr }
    /// Our step lines go to stdout as text, nowhere with --json (the document is stdout's).
    func say(_ text: String) { if !options.json { out.line(text) } }

    struct Plan {
        var package: any ReleasePackage
        var journal: PublishJournal
        var registry: any ReleaseRegistry
        var forges: [Forge]
        var config: HforgeConfig?
        var checks: [(String, String)]
    }

    // MARK: - Start

    mutating func start() async throws -> ExitStatus {
        var checks: [(String, String)] = []
        let config: HforgeConfig?
        if ConfigLoader.hasConfig(repoRoot: root) { config = try Hforge.loadConfig(root: root, context: context, printWarnings: !options.json) }
        else if options.noPush { config = nil }
        else { throw HforgeError.notInitialised(repoRoot: root) }
        let settings = try PublishSettings.load(repoRoot: root)

        let crateDirectory = FilePaths.normalize(context.resolve(options.path ?? root))
        let all = try PackageKind.loadAll(directory: crateDirectory, tags: try repo.references(under: "refs/tags/").map { String($0.dropFirst("refs/tags/".count)) })
        let package = all[0]
        for p in all where p.publishDisabled { throw PublishError.publishDisabled(manifest: p.manifest) }

        // The working tree is clean.
        let changes = try repo.workTreeChanges()
        guard changes.isClean else {
            var parts: [String] = []
            if changes.staged > 0 { parts.append("\(changes.staged) staged") }
            if changes.unstaged > 0 { parts.append("\(changes.unstaged) unstaged") }
            if changes.untracked > 0 { parts.append("\(changes.untracked) untracked") }
            if changes.conflicted > 0 { parts.append("\(changes.conflicted) conflicted") }
            throw PublishError.dirtyTree(root: root, changes: parts.joined(separator: ", "))
        }
        checks.append(("working tree", "clean"))

        // HEAD is on a branch, not behind any forge's last-fetched branch.
        let branch: String
        switch try repo.head() {
        case .branch(let b): branch = b
        case .unborn(let b): throw HforgeError.noBranch(head: "branch \(b) with no commits")
        case .detached(let oid): throw HforgeError.noBranch(head: "detached at \(oid.prefix(12))")
        }
        guard let startCommit = try repo.resolve("HEAD") else { throw HforgeError.noBranch(head: "unreadable") }
        let forges = options.noPush ? [] : (config?.forges.map(\.value) ?? [])
        if let config, !options.noPush { try Hforge.checkRemotes(repo: repo, config: config) }
        for forge in config?.forges.map(\.value) ?? [] {
            let tracking = "refs/remotes/\(forge.name)/\(branch)"
            guard let theirs = try repo.resolve(tracking) else { continue }
            let (_, behind) = try repo.aheadBehind(local: startCommit, upstream: theirs)
            if behind > 0 { throw PublishError.behindForge(branch: branch, forge: forge.name, behind: behind) }
        }
        checks.append(("branch", "\(branch), not behind any forge's last-fetched \(branch)"))

        // The new version.
        let new: ReleaseVersion
        if let text = options.version {
            guard let v = ReleaseVersion(text) else {
                throw HforgeError.badArgument(flag: "--version", value: text, reason: "is not a SemVer version (X.Y.Z or X.Y.Z-PRE)")
            }
            new = v
        } else if let bump = options.bump {
            new = package.version.bumped(bump, preID: options.preID)
        } else {
            throw HforgeError.badArgument(flag: "--bump", value: "", reason: "publish needs --bump major|minor|patch|pre or --version X.Y.Z")
        }
        for p in all {
            // Several kinds are released at one version: without --version they must agree on the current one.
            if options.version == nil, p.version != package.version {
                throw PublishError.versionsDiffer(versions: all.map { "\(Hforge.relative($0.versionFile, to: root)) says \($0.version)" })
            }
            guard new > p.version else {
                throw PublishError.notNewer(new: new.description, current: p.version.description, file: Hforge.relative(p.versionFile, to: root) + (p.versionLine > 0 ? ":\(p.versionLine)" : ""))
            }
        }
        checks.append(("version", "\(package.version) -> \(new)" + (all.count > 1 ? " (\(all.map(\.kind).joined(separator: ", ")), released together in this order)" : "")))

        // The tag.
        let tag = PublishRun.tagName(settings: settings, package: package, version: new.description)
        if try repo.resolve("refs/tags/\(tag)") != nil { throw PublishError.tagExists(tag: tag) }
        checks.append(("tag", "\(tag) does not exist"))

        // The registry: named by --registry, [publish] or package.publish, declared in the user's files.
        let registryName: String?
        let from: String
        if let r = options.registry { (registryName, from) = (r, "--registry") }
        else if let r = settings.registry { (registryName, from) = (r.name, "publish.registry at \(r.location)") }
        else if let allowed = package.allowedRegistries, allowed.count == 1 { (registryName, from) = (allowed[0], "package.publish in \(Hforge.relative(package.manifest, to: root))") }
        else { (registryName, from) = (nil, "default") }
        // package.publish names a registry of its own kind only.
        let fromManifest = options.registry == nil && settings.registry == nil && registryName != nil
        let b = try SecretBroker.load(context)
        broker = b
        var parts: [PublishJournal.Part] = []
        for p in all {
            let (r, t) = try await checkRegistry(of: p, named: p.kind == package.kind || !fromManifest ? registryName : nil, from: p.kind == package.kind || !fromManifest ? from : "default", version: new, tag: tag, broker: b, checks: &checks)
            registries[p.kind] = r
            if let t { tokens[p.kind] = t }
            parts.append(PublishJournal.Part(kind: p.kind, package: p.name, previousVersion: p.version.description, registry: r.name))
        }
        let registry = registries[package.kind]!
        token = tokens[package.kind]

        // The files the bump changes, and what it changes them to.
        var files: [PublishJournal.File] = []
        var defaultBuild: [[String]] = [], defaultTest: [[String]] = [], testSkipped: [String] = []
        for p in all {
            let (edits, rewritten) = try PackageKind.requirementEdits(of: p, to: options.requirementUpdates, over: try p.bumpEdits(to: new))
            for r in rewritten {
                checks.append(("requirement", "\(r.requirement.package) '\(r.requirement.text)' -> '\(r.after)' (\(Hforge.relative(r.requirement.file, to: root)):\(r.requirement.line))"))
            }
            files += edits.map { PublishJournal.File(path: Hforge.relative($0.path, to: root), before: PublishJournal.encode($0.before), after: PublishJournal.encode($0.after)) }
            for created in p.createdByBuild where !edits.contains(where: { $0.path == created }) {
                // cargo build writes a Cargo.lock when there is none: removed again on a roll-back.
                files.append(PublishJournal.File(path: Hforge.relative(created, to: root), before: nil, after: nil))
            }
            defaultBuild += p.defaultBuild(context: context)
            if settings.test == nil {
                let (commands, skipped) = await p.defaultTest(context: context)
                defaultTest += commands
                if let skipped { testSkipped.append(all.count > 1 ? "\(p.kind): \(skipped)" : skipped) }
            }
        }
        let testCommands = settings.test ?? defaultTest
        let journal = PublishJournal(
            kind: package.kind, package: package.name, previousVersion: package.version.description, version: new.description,
            directory: crateDirectory == root ? "." : Hforge.relative(crateDirectory, to: root),
            registry: registry.name, branch: branch, startCommit: startCommit, tag: tag,
            message: PublishSettings.expand(settings.commitMessage, name: package.name, version: new.description),
            push: !options.noPush, forges: forges.map(\.name),
            build: settings.build ?? defaultBuild, test: testCommands,
            testSkipped: testCommands.isEmpty && !testSkipped.isEmpty ? testSkipped.joined(separator: "; ") : nil,
            files: files, parts: all.count > 1 ? parts : nil)
        // A manifest or lock file that is a symbolic link (committed so by
        // whoever wrote the repository) would pull a file from outside the
        // work tree into the release commit and the upload.
        for (path, what) in [(journal.directory, "the package's directory")] + journal.files.map({ ($0.path, "a file the bump rewrites") }) {
            if let problem = JournalConfinement.problem(path, in: root) {
                throw PublishError.notAPackage(path: FilePaths.join(root, path),
                                               reason: "is \(what), and it \(problem): publish rewrites and commits only the work tree's own files; replace the link with the file itself")
            }
        }
        let plan = Plan(package: package, journal: journal, registry: registry, forges: forges, config: config, checks: checks)
        self.plan = plan

        if options.dryRun { return printDryRun(plan) }
        try journal.save(journalPath)
        return try await carryOn(journal, registry: registry, config: config, forges: forges)
    }

    /// The registry `registryName` of `package`'s kind, whether it has
    /// `new` already, and the token (a dry run only looks): checks made
    /// before anything changes.
    mutating func checkRegistry(of package: any ReleasePackage, named registryName: String?, from: String, version new: ReleaseVersion, tag: String,
                                broker b: SecretBroker, checks: inout [(String, String)]) async throws -> (any ReleaseRegistry, String?) {
        var token: String?
        let registry = try PackageKind.registry(kind: package.kind, registryName, package: package.name, from: from, auth: b.auth, context: context)
        if let allowed = package.allowedRegistries, !allowed.contains(registry.name) {
            throw PublishError.registryNotAllowed(name: registry.name, allowed: allowed, manifest: package.manifest)
        }
        var onRegistry = try registry.hasVersion(new.description, of: package.name, token: nil, context: context)

        // The token, asked for now (a dry run only looks).
        let scope = registry.scope(package: package.name)
        if !registry.publishes {
            checks.append(("token", "\(package.kind): none needed (\(registry.declaredIn))"))
        } else if options.dryRun {
            let (policy, _) = b.auth.policy(scope.path)
            let provider = try b.provider(for: scope.path)
            let stored = try await provider.get(scope.path)
            let present = stored != nil
            // An index that wants authentication is read with the token when policy lets it be read without asking.
            if onRegistry == nil, policy == .auto, let stored { onRegistry = try registry.hasVersion(new.description, of: package.name, token: stored, context: context) }
            let how: String
            switch policy {
            case .deny: how = "refused by policy"
            case .approve: how = present ? "in provider \(provider.config.name), needs approval ('git scope approve')" : "not in provider \(provider.config.name)"
            case .auto: how = present ? "in provider \(provider.config.name)" : "not in provider \(provider.config.name)"
            }
            checks.append(("token", "\(package.kind): \(scope.path): \(how)"))
        } else {
            token = try await askToken(scope, broker: b)
            checks.append(("token", "\(package.kind): \(scope.path): available"))
            if onRegistry == nil { onRegistry = try registry.hasVersion(new.description, of: package.name, token: token, context: context) }
        }
        switch onRegistry {
        case true?: throw PublishError.alreadyPublished(package: package.name, version: new.description, registry: registry.name)
        case false? where !registry.publishes:
            checks.append(("registry", "\(package.kind): none: the release is the tag \(tag), pushed to every forge"))
        case false?:
            checkedAbsentJustNow = true
            checks.append(("registry", "\(package.kind): \(registry.name) (\(RemoteURL.redacted(registry.location)), from \(registry.declaredIn)) has no \(package.name) \(new)"))
        case nil: checks.append(("registry", "\(package.kind): \(registry.name) (\(RemoteURL.redacted(registry.location))): its index cannot be read here, not checked before publishing"))
        }

        return (registry, token)
    }

    /// The registry token, through its scope (policy, approvals and provider
    /// as for the credential helper); a pending approval waits and says so.
    func askToken(_ scope: Scope, broker: SecretBroker) async throws -> String {
        try await broker.secret(for: scope, requester: "git hforge publish (pid \(getpid()))") { [err] request, seconds in
            err.line("\(request.scope) needs approval: waiting up to \(Int(seconds)) s for 'git scope approve \(request.id)'")
        }
    }

    // MARK: - Resume and abort

    mutating func resume(_ stored: PublishJournal) async throws -> ExitStatus {
        guard case .branch(let b) = try repo.head(), b == stored.branch else {
            throw PublishError.journalMismatch(path: journalPath, reason: "the release was started on branch \(stored.branch), and HEAD is not on it")
        }
        let config: HforgeConfig? = ConfigLoader.hasConfig(repoRoot: root) ? try Hforge.loadConfig(root: root, context: context, printWarnings: !options.json) : nil
        let b2 = try SecretBroker.load(context)
        broker = b2
        let registry = try PackageKind.registry(kind: stored.kind, stored.registry, package: stored.package, from: "the journal", auth: b2.auth, context: context)
        let byName = Dictionary((config?.forges.map(\.value) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var forges: [Forge] = []
        for name in stored.forges {
            guard let f = byName[name] else { throw PublishError.journalMismatch(path: journalPath, reason: "forge \(name) is no longer in .hyperforge/config.toml") }
            forges.append(f)
        }
        for part in stored.releases {
            let r = part.kind == stored.kind ? registry : try PackageKind.registry(kind: part.kind, part.registry, package: part.package, from: "the journal", auth: b2.auth, context: context)
            registries[part.kind] = r
            if !stored.isDone("publish"), !part.published, r.publishes {
                tokens[part.kind] = try await askToken(r.scope(package: part.package), broker: b2)
            }
        }
        token = tokens[stored.kind]
        say("Resuming the release of \(stored.package) \(stored.version) at step '\(stored.current ?? "done")'")
        return try await carryOn(stored, registry: registry, config: config, forges: forges)
    }

    mutating func abort() async throws -> ExitStatus {
        guard let journal = try loadJournal() else { throw PublishError.noJournal(path: journalPath) }
        // Several kinds publish in order: with none of them done, the one that may be half done is the first.
        var published = journal.isDone("publish") || journal.releases.contains { $0.published && $0.kind != "swift" }
        if !published, journal.state["publish"] == "started" {
            // It may have reached the registry before we were stopped.
            let b3 = try SecretBroker.load(context)
            var has: Bool?
            if let registry = try? PackageKind.registry(kind: journal.kind, journal.registry, package: journal.package, from: "the journal", auth: b3.auth, context: context) {
                has = try registry.hasVersion(journal.version, of: journal.package, token: nil, context: context)
                // An index that wants the token is read with it only when its scope's policy gives it without an approval.
                let scope = registry.scope(package: journal.package)
                if has == nil, b3.auth.policy(scope.path).0 == .auto, let stored = try? await b3.provider(for: scope.path).get(scope.path) {
                    has = try registry.hasVersion(journal.version, of: journal.package, token: stored, context: context)
                }
            }
            if let has {
                published = has
            } else {
                published = true // cannot tell: nothing is undone that could record a published version
            }
        }
        if published {
            removeJournal()
            say("Aborted the release of \(journal.package) \(journal.version); the journal is removed.")
            say("Not rolled back: \(journal.package) \(journal.version) stays published on \(journal.registry) (registries cannot unpublish); the bump"
                + (journal.releaseCommit != nil ? ", its commit" : "") + (journal.isDone("tag") ? " and tag \(journal.tag)" : "")
                + " stay, so the repository records what was published.")
            if journal.push && journal.pushed.count < journal.forges.count {
                say("Not pushed to: \(journal.forges.filter { !journal.pushed.contains($0) }.joined(separator: ", ")) ('git hforge push' and 'git push FORGE \(journal.tag)')")
            }
            if options.json { out.line(JSONOutput.render(.object(["aborted": .bool(true), "published": .bool(true), "rolled_back": .array([])]))) }
            return .success
        }
        let restored = try rollBack(journal)
        removeJournal()
        say("Aborted the release of \(journal.package) \(journal.version): nothing was published.")
        if !restored.isEmpty { say("Rolled back: \(restored.joined(separator: ", ")) (byte for byte as before)") }
        if options.json { out.line(JSONOutput.render(.object(["aborted": .bool(true), "published": .bool(false), "rolled_back": .array(restored.map { .string($0) })]))) }
        return .success
    }

    /// Restores every file of the bump to its bytes before it (a file that
    /// did not exist is removed). Returns the files it changed.
    func rollBack(_ journal: PublishJournal) throws -> [String] {
        var restored: [String] = []
        for file in journal.files {
            let path = FilePaths.join(root, file.path)
            let current = try? FileRead.bytes(path)
            let before = PublishJournal.decode(file.before)
            if current == before { continue }
            if let before {
                try AtomicFile.write(before, to: path, mode: PublishRun.mode(of: path))
            } else {
                unlink(path)
            }
            restored.append(file.path)
        }
        return restored
    }

    /// A fresh 0700 directory under .git/hforge/ for one client run's files.
    func makeScratch() throws -> String {
        guard let parent = FilePaths.parent(journalPath) else { throw PublishError.unreadable(path: journalPath, reason: "it has no directory") }
        try FilePaths.makeDirectories(parent, mode: 0o700)
        var template = Array(FilePaths.join(parent, "client-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw PublishError.unreadable(path: parent, reason: "a temporary directory could not be made there (errno \(errno))")
        }
        return String(cString: made)
    }

    static func removeScratch(_ dir: String) {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: dir) {
            for name in names { unlink(FilePaths.join(dir, name)) }
        }
        rmdir(dir)
    }

    /// The journal, and its directory when nothing else is in it.
    func removeJournal() {
        unlink(journalPath)
        if let dir = FilePaths.parent(journalPath) {
            // A client's directory left by a kill -9 goes with it.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix("client-") {
                PublishRun.removeScratch(FilePaths.join(dir, name))
            }
            rmdir(dir)
        }
    }

    static func mode(of path: String) -> mode_t {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : 0o644
    }

    // MARK: - The steps

    mutating func carryOn(_ start: PublishJournal, registry: any ReleaseRegistry, config: HforgeConfig?, forges: [Forge]) async throws -> ExitStatus {
        var journal = start
        let total = PublishJournal.steps.count
        let began = Date()
        for (index, step) in PublishJournal.steps.enumerated() where !journal.isDone(step) {
            if step == "push" && !journal.push { journal.state[step] = "done"; continue }
            journal.state[step] = "started"
            try journal.save(journalPath)
            FaultPoint.reach("publish.started", step)
            if err.isTerminal && !options.json {
                err.line(err.styled("[\(index + 1)/\(total)] \(step)", .bold) + " (\(PublishRun.seconds(Date().timeIntervalSince(began))) so far)")
            }
            let t0 = Date()
            let note = try await perform(step, &journal, registry: registry, config: config, forges: forges)
            FaultPoint.reach("publish.ran", step)
            journal.state[step] = "done"
            try journal.save(journalPath)
            let took = Date().timeIntervalSince(t0)
            timings.append((step, took, note))
            say("\(out.styled("✓", .green)) \(step): \(note) (\(PublishRun.seconds(took)))")
        }
        removeJournal()
        finished = journal
        say("Released \(journal.package) \(journal.version) to " + journal.releases.map { $0.kind == "swift" ? "its tag (swift)" : "\($0.kind) registry \($0.registry)" }.joined(separator: ", ") + ": commit \(journal.releaseCommit.map { String($0.prefix(12)) } ?? "?"), tag \(journal.tag)"
            + (journal.push ? ", pushed to \(journal.pushed.isEmpty ? "no forge" : journal.pushed.joined(separator: ", "))" : ", not pushed (--no-push)")
            + " in \(PublishRun.seconds(Date().timeIntervalSince(began)))")
        if options.json { out.line(JSONOutput.render(resultJSON(journal))) }
        return .success
    }

    static func seconds(_ s: Double) -> String {
        let tenths = Int((s * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }

    func resultJSON(_ j: PublishJournal) -> JSONValue {
        .object([
            "package": .string(j.package), "kind": .string(j.kind), "previous_version": .string(j.previousVersion),
            "version": .string(j.version), "registry": .string(j.registry), "already_on_registry": .bool(j.alreadyOnRegistry),
            "packages": .array(j.releases.map { .object(["kind": .string($0.kind), "package": .string($0.package), "registry": .string($0.registry), "already_on_registry": .bool($0.alreadyOnRegistry)]) }),
            "commit": j.releaseCommit.map { .string($0) } ?? .null, "tag": .string(j.tag),
            "pushed": .array(j.pushed.map { .string($0) }),
            "steps": .array(timings.map { .object(["step": .string($0.step), "seconds": .number(($0.seconds * 1000).rounded() / 1000), "result": .string($0.note)]) }),
        ])
    }

    /// Runs one step; what it did, in a few words. Each step is safe to run
    /// again after an interruption (resume): it looks at what is there first.
    mutating func perform(_ step: String, _ journal: inout PublishJournal, registry: any ReleaseRegistry, config: HforgeConfig?, forges: [Forge]) async throws -> String {
        let directory = journal.directory == "." ? root : FilePaths.join(root, journal.directory)
        switch step {
        case "bump":
            for file in journal.files {
                guard let after = PublishJournal.decode(file.after) else { continue }
                let path = FilePaths.join(root, file.path)
                let current = try? FileRead.bytes(path)
                if current == after { continue }
                guard current == PublishJournal.decode(file.before) else { throw PublishError.fileChanged(path: path) }
                try AtomicFile.write(after, to: path, mode: PublishRun.mode(of: path))
            }
            return PublishRun.bumpNote(journal)

        case "build", "test":
            for command in step == "build" ? journal.build : journal.test {
                say("$ \(ShellQuote.line(command))")
                let result: ChildProcess.StreamedResult
                do {
                    result = try await ChildProcess.runStreamed(command, environment: context.environment, directory: directory,
                                                                echo: options.json ? err : out)
                } catch let e as ChildProcess.LaunchError {
                    let restored = try rollBack(journal)
                    removeJournal()
                    throw PublishError.stepFailed(step: step, command: ShellQuote.line(command), exitCode: 127, tail: e.reason, rolledBack: restored)
                }
                if result.exitCode != 0 {
                    let restored = try rollBack(journal)
                    removeJournal()
                    throw PublishError.stepFailed(step: step, command: ShellQuote.line(command), exitCode: result.exitCode, tail: result.tail, rolledBack: restored)
                }
            }
            return step == "build" ? PublishRun.commandsNote("build", journal.build, skipped: nil) : PublishRun.commandsNote("test", journal.test, skipped: journal.testSkipped)

        case "publish":
            // Each package in order (several kinds: Cargo, npm, PyPI, then the tag); each recorded as it is done.
            var notes: [String] = []
            var parts = journal.releases
            for index in parts.indices where !parts[index].published {
                let kind = parts[index].kind
                guard let r = parts.count == 1 ? registry : registries[kind] else { throw PublishError.journalMismatch(path: journalPath, reason: "no registry for \(kind)") }
                notes.append(try await publishOne(&parts[index], registry: r, token: parts.count == 1 ? token : tokens[kind],
                                                  earlierPublished: parts[..<index].contains { $0.published && $0.kind != "swift" }, journal, directory: directory))
                parts[index].published = true
                if journal.parts != nil {
                    journal.parts = parts
                    try journal.save(journalPath)
                } else {
                    journal.alreadyOnRegistry = parts[index].alreadyOnRegistry
                }
            }
            return notes.joined(separator: "; ")

        case "commit":
            // Done already when HEAD is the release commit on top of where we started.
            if let head = try repo.resolve("HEAD"), head != journal.startCommit {
                let parent = try await Git.run(["rev-parse", "HEAD^"], in: root, context: context).stdout.trimmedLines()
                let message = try await Git.run(["log", "-1", "--format=%B", "HEAD"], in: root, context: context).stdout.trimmedLines()
                guard parent == journal.startCommit, message == journal.message.trimmedLines() else {
                    throw PublishError.journalMismatch(path: journalPath, reason: "HEAD moved since the release started at \(journal.startCommit.prefix(12))")
                }
                journal.releaseCommit = head
                return "\(head.prefix(12)) \(journal.message) (made before the interruption)"
            }
            let paths = journal.files.filter { $0.after != nil }.map(\.path)
            if paths.isEmpty {
                // A Swift package: its version is the tag alone, so there is nothing to commit.
                journal.releaseCommit = journal.startCommit
                return PublishRun.noCommitNote(journal)
            }
            let tracked = try await Git.run(["ls-files", "--"] + paths, in: root, context: context).stdout.split(separator: "\n").map(String.init)
            // A lock file the build made (cargo's Cargo.lock where there was
            // none) goes into the release commit, as cargo-release does,
            // unless the repository ignores it: else it is left untracked and
            // the next release refuses the dirty tree.
            var created: [String] = []
            for file in journal.files where file.before == nil && file.after == nil && FilePaths.kind(FilePaths.join(root, file.path)) == .file {
                let ignored = try await Git.run(["check-ignore", "-q", "--", file.path], in: root, context: context)
                if ignored.exitCode != 0 { created.append(file.path) }
            }
            if !created.isEmpty {
                let added = try await Git.run(["add", "--"] + created, in: root, context: context)
                guard added.exitCode == 0 else {
                    throw PublishError.stepFailed(step: "commit", command: "git add", exitCode: added.exitCode, tail: (added.stderr + added.stdout).trimmedLines(), rolledBack: [])
                }
            }
            let result = try await Git.run(["commit", "-q", "--only", "-m", journal.message, "--"] + tracked + created, in: root, context: context)
            guard result.exitCode == 0 else {
                throw PublishError.stepFailed(step: "commit", command: "git commit", exitCode: result.exitCode, tail: (result.stderr + result.stdout).trimmedLines(), rolledBack: [])
            }
            guard let head = try repo.resolve("HEAD") else { throw HforgeError.noBranch(head: "unreadable") }
            journal.releaseCommit = head
            return "\(head.prefix(12)) \(journal.message)"

        case "tag":
            guard let commit = journal.releaseCommit else { throw PublishError.journalMismatch(path: journalPath, reason: "no release commit recorded") }
            let existing = try await Git.run(["rev-parse", "-q", "--verify", "refs/tags/\(journal.tag)^{commit}"], in: root, context: context)
            if existing.exitCode == 0 {
                guard existing.stdout.trimmedLines() == commit else { throw PublishError.tagExists(tag: journal.tag) }
                return "\(journal.tag) (made before the interruption)"
            }
            let result = try await Git.run(["tag", "-a", journal.tag, "-m", "\(journal.package) \(journal.version)", commit], in: root, context: context)
            guard result.exitCode == 0 else {
                throw PublishError.stepFailed(step: "tag", command: "git tag -a \(journal.tag)", exitCode: result.exitCode, tail: (result.stderr + result.stdout).trimmedLines(), rolledBack: [])
            }
            return "\(journal.tag) (annotated) on \(commit.prefix(12))"

        case "push":
            guard let config else { return "no forges" }
            let remaining = forges.filter { !journal.pushed.contains($0.name) }
            var pushed = journal.pushed
            let path = journalPath
            let snapshot = journal
            do {
                try await Hforge.pushToForges(remaining, refspecs: ["refs/heads/\(journal.branch):refs/heads/\(journal.branch)", "refs/tags/\(journal.tag):refs/tags/\(journal.tag)"],
                                              what: "\(journal.branch) and \(journal.tag)", config: config, root: root, context: context, quiet: options.json) { name in
                    pushed.append(name)
                    var j = snapshot
                    j.pushed = pushed
                    try j.save(path)
                }
            } catch {
                journal.pushed = pushed
                // hforge push's hint would send the user to 'git hforge push', which leaves the journal unfinished.
                if let failed = error as? HforgeError, case .pushFailed(let forge, _, _, _, _, _) = failed {
                    throw PublishError.pushFailed(forge: forge, message: failed.description)
                }
                throw error
            }
            journal.pushed = pushed
            return "\(journal.branch) and \(journal.tag) to \(remaining.map(\.name).joined(separator: ", "))"

        default:
            return ""
        }
    }

    /// Uploads one package of the release (`part`) with its registry's
    /// client; what it did, in a few words (PublishRun.publishNote, the
    /// dry run's words). `earlierPublished`: a package before it is on its
    /// registry already, so nothing is rolled back.
    mutating func publishOne(_ part: inout PublishJournal.Part, registry: any ReleaseRegistry, token: String?, earlierPublished: Bool,
                             _ journal: PublishJournal, directory: String) async throws -> String {
        guard registry.publishes else { return PublishRun.publishNote(part, journal, registry: registry, did: .tagOnly) }
        // A fresh run checked the index moments ago (a precondition); a resumed one looks again.
        if !checkedAbsentJustNow, try registry.hasVersion(journal.version, of: part.package, token: token, context: context) == true {
            part.alreadyOnRegistry = true
            return PublishRun.publishNote(part, journal, registry: registry, did: .alreadyThere)
        }
        // A config file the client needs (npm's userconfig) and what a pack
        // step leaves (npm's tarball), 0600 in a 0700 directory of our own, removed after.
        var scratch: String?
        defer { if let scratch { PublishRun.removeScratch(scratch) } }
        let config = registry.clientConfig(context: context)
        if config != nil || registry.packs { scratch = try makeScratch() }
        var artifact: String?
        if registry.packs, let dir = scratch {
            // Without the token: npm runs the package's prepare script here.
            let pack = registry.packCommand(destination: dir)
            say("$ \(ShellQuote.line(pack))")
            let packed: ChildProcess.StreamedResult
            do {
                packed = try await ChildProcess.runStreamed(pack, environment: registry.publishEnvironment(context.environment, token: nil),
                                                            directory: directory, echo: options.json ? err : out)
            } catch let e as ChildProcess.LaunchError {
                throw HforgeError.cannotRun(program: pack[0], reason: e.reason)
            }
            let made = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".tgz") }
            guard packed.exitCode == 0, made.count == 1 else {
                // Nothing left us: the registry has nothing of this package.
                try uploadFailed(part, journal, registry: registry, command: pack, exitCode: packed.exitCode,
                                 tail: packed.exitCode == 0 ? "it left \(made.count) tarballs in \(dir), not one" : packed.tail,
                                 registryHasNothing: true, earlierPublished: earlierPublished)
            }
            artifact = FilePaths.join(dir, made[0])
        }
        var argv = registry.publishCommand(package: part.package, version: journal.version, directory: directory, artifact: artifact, scratch: scratch)
        if let config, let dir = scratch {
            let file = FilePaths.join(dir, config.fileName)
            try AtomicFile.write(config.bytes, to: file, mode: 0o600, durable: false)
            argv += [config.flag, file]
        }
        say("$ \(ShellQuote.line(argv))")
        // The token through the environment (cargo's cargo:token provider, twine's TWINE_PASSWORD), never argv.
        let env = registry.publishEnvironment(context.environment, token: token)
        let result: ChildProcess.StreamedResult
        do {
            result = try await ChildProcess.runStreamed(argv, environment: env, directory: directory, echo: options.json ? err : out)
        } catch let e as ChildProcess.LaunchError {
            throw HforgeError.cannotRun(program: argv[0], reason: e.reason)
        }
        if result.exitCode != 0 {
            // A retry after a crash: the registry has exactly this version, which counts as done.
            let has = try registry.hasVersion(journal.version, of: part.package, token: token, context: context)
            if has == true {
                part.alreadyOnRegistry = true
                return PublishRun.publishNote(part, journal, registry: registry, did: .alreadyThere)
            }
            let tail = token.map { result.tail.replacing($0, with: "[token]") } ?? result.tail
            try uploadFailed(part, journal, registry: registry, command: argv, exitCode: result.exitCode, tail: tail,
                             registryHasNothing: has == false, earlierPublished: earlierPublished)
        }
        return PublishRun.publishNote(part, journal, registry: registry, did: .uploaded)
    }

    /// The one way a failed pack or upload of `part` ends: when no registry
    /// has anything of this release (`registryHasNothing`, and no package
    /// before it published), the bump is rolled back as for a failed build
    /// and the journal removed; else the journal stays for `--resume`, and
    /// what is published already is said.
    func uploadFailed(_ part: PublishJournal.Part, _ journal: PublishJournal, registry: any ReleaseRegistry, command: [String], exitCode: Int32, tail: String,
                      registryHasNothing: Bool, earlierPublished: Bool) throws -> Never {
        if !earlierPublished && registryHasNothing {
            let restored = try rollBack(journal)
            removeJournal()
            throw PublishError.stepFailed(step: "publish", command: ShellQuote.line(command), exitCode: exitCode, tail: tail, rolledBack: restored)
        }
        if earlierPublished {
            err.line("published already, and staying so (registries cannot unpublish): " + journal.releases.filter(\.published).map { "\($0.kind) \($0.package) \(journal.version) on \($0.registry)" }.joined(separator: ", ")
                     + "; 'git hforge publish --resume' carries on with \(part.kind) \(part.package)")
        }
        throw PublishError.publishFailed(package: part.package, version: journal.version, registry: registry.name, exitCode: exitCode, tail: tail)
    }

    // MARK: - The words of each step, the same in the dry run's plan and the run's lines

    /// The bump: the files it changes, or that none does (a Swift package).
    static func bumpNote(_ j: PublishJournal) -> String {
        let files = j.files.filter { $0.after != nil }.map(\.path)
        return "\(j.previousVersion) -> \(j.version) " + (files.isEmpty ? "changes no file: the version is the tag \(j.tag) alone" : "in " + files.joined(separator: ", "))
    }

    /// The commit step when no file holds the version (a Swift package).
    static func noCommitNote(_ j: PublishJournal) -> String { "none: no file holds the version, the tag goes on \(j.startCommit.prefix(12))" }

    /// A build or test step: its commands, shell-quoted, or why there are none.
    static func commandsNote(_ step: String, _ commands: [[String]], skipped: String?) -> String {
        if commands.isEmpty { return skipped ?? "no \(step) command ([publish] \(step) = [...] sets one)" }
        return commands.map(ShellQuote.line).joined(separator: "; ")
    }

    enum PublishOutcome { case planned(String), uploaded, alreadyThere, tagOnly }

    /// One package's line of the publish step, labelled with its kind (two
    /// kinds may well have registries of one name, `local`).
    static func publishNote(_ part: PublishJournal.Part, _ j: PublishJournal, registry: any ReleaseRegistry, did: PublishOutcome) -> String {
        let what: String
        switch did {
        case .tagOnly: what = "nothing to upload: the release is the tag \(j.tag), pushed to every forge"
        case .alreadyThere: what = "\(part.package) \(j.version) is on registry \(registry.name) already"
        case .uploaded: what = "\(part.package) \(j.version) on registry \(registry.name)"
        case .planned(let commands): what = "\(commands) (registry \(registry.name), \(RemoteURL.redacted(registry.location)); token in \(registry.tokenVariable))"
        }
        return "\(part.kind): \(what)"
    }

    // MARK: - Dry run

    /// The steps a dry run shows, each with its exact command, in the words
    /// the run itself prints for them (PublishRun.bumpNote, commandsNote, publishNote).
    func dryRunSteps(_ plan: Plan) -> [(String, String)] {
        let j = plan.journal
        let directory = j.directory == "." ? root : FilePaths.join(root, j.directory)
        func publishLine(_ part: PublishJournal.Part) -> String {
            let registry = j.parts == nil ? plan.registry : registries[part.kind] ?? plan.registry
            guard registry.publishes else { return PublishRun.publishNote(part, j, registry: registry, did: .tagOnly) }
            let argv = registry.publishCommand(package: part.package, version: j.version, directory: directory,
                                               artifact: registry.packs ? "<the tarball npm pack made>" : nil, scratch: registry.packs ? "<that directory>" : nil)
                + (registry.clientConfig(context: context).map { [$0.flag, "<a 0600 temporary file>"] } ?? [])
            let pack = registry.packs ? ShellQuote.line(registry.packCommand(destination: "<a 0700 temporary directory>")) + " (without the token); then " : ""
            return PublishRun.publishNote(part, j, registry: registry, did: .planned(pack + ShellQuote.line(argv)))
        }
        let committed = j.files.filter { $0.after != nil }.map(\.path)
        var steps: [(String, String)] = [
            ("bump", PublishRun.bumpNote(j)),
            ("build", PublishRun.commandsNote("build", j.build, skipped: nil)),
            ("test", PublishRun.commandsNote("test", j.test, skipped: j.testSkipped)),
            ("publish", j.releases.map(publishLine).joined(separator: "; then ")),
            ("commit", committed.isEmpty ? PublishRun.noCommitNote(j) : ShellQuote.line(["git", "commit", "-q", "--only", "-m", j.message, "--"] + committed)),
            ("tag", ShellQuote.line(["git", "tag", "-a", j.tag, "-m", "\(j.package) \(j.version)"] + (committed.isEmpty ? [j.startCommit] : [])) + (committed.isEmpty ? "" : " (on the release commit)")),
        ]
        if j.push {
            steps.append(("push", plan.forges.isEmpty ? "no forges" : plan.forges.map { f in
                ShellQuote.line(["git", "push", "--porcelain", f.name, "refs/heads/\(j.branch):refs/heads/\(j.branch)", "refs/tags/\(j.tag):refs/tags/\(j.tag)"])
                    + (plan.config.map { " (\($0.remoteURL(for: f)))" } ?? "")
            }.joined(separator: "; ")))
        }
        return steps
    }

    /// The dry run's plan as JSON (publish --dry-run --json, and each package's of workspace publish).
    func dryRunJSON(_ plan: Plan) -> JSONValue {
        let j = plan.journal
        return .object([
                "dry_run": .bool(true), "package": .string(j.package), "kind": .string(j.kind),
                "previous_version": .string(j.previousVersion), "version": .string(j.version),
                "registry": .object(["name": .string(plan.registry.name), "index": .string(RemoteURL.redacted(plan.registry.location)), "declared_in": .string(plan.registry.declaredIn)]),
                "kinds": .array(j.releases.map { .string($0.kind) }),
                "directory": .string(j.directory == "." ? root : FilePaths.join(root, j.directory)),
                "tag": .string(j.tag), "forges": .array(plan.forges.map { .string($0.name) }),
                "checks": .array(plan.checks.map { .object(["check": .string($0.0), "result": .string($0.1)]) }),
                "steps": .array(dryRunSteps(plan).map { .object(["step": .string($0.0), "command": .string($0.1)]) }),
            ])
    }

    func printDryRun(_ plan: Plan) -> ExitStatus {
        let j = plan.journal
        let steps = dryRunSteps(plan)
        if options.json {
            out.line(JSONOutput.render(dryRunJSON(plan)))
            return .success
        }
        out.line("Would release \(j.package) \(j.previousVersion) -> \(j.version) (dry run)")
        out.line("Checks made (read-only):")
        for (name, result) in plan.checks { out.line("  \(name): \(result)") }
        out.line("Steps (run in \(j.directory == "." ? root : FilePaths.join(root, j.directory))):")
        for (i, (name, command)) in steps.enumerated() { out.line("  \(i + 1). \(name): \(command)") }
        out.line("dry run: no file, ref or registry was changed")
        return .success
    }
}
