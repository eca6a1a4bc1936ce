import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct InitOptions: Sendable {
        public var name = ""
        /// Where the realm lives; nil: a bare repository under the user's data directory.
        public var url: String?
        public var branch = Membership.defaultBranch
        public var admission = RealmManifest.Admission.approval
        public var trustMode = RealmManifest.TrustMode.collaborative
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin init`: creates the realm repository with `realm.yaml`
    /// (the RFC's governance and trust defaults) and pushes it. Without
    /// `--url` the realm is a bare repository under
    /// `$XDG_DATA_HOME/hyperforge/realms/NAME.git`; a local path that does not
    /// exist yet is created; ssh/https repositories must exist (empty).
    public static func adminInit(_ options: InitOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        try checkName(options.name, kind: "realm")
        if let problem = RealmNames.branchProblem(options.branch) {
            throw RealmError.invalidName(kind: "branch", name: options.branch, problem: problem)
        }
        let url = options.url.map { RealmLocation.normalise($0, context: context) }
            ?? RealmLocation.defaultPath(realm: options.name, paths: context.paths)
        let shown = RemoteURL.redacted(url)
        let localPath = RealmLocation.isLocal(url) ? (url.hasPrefix("file://") ? String(url.dropFirst(7)) : url) : nil
        var creates = false
        if let localPath {
            let kind = FilePaths.kind(localPath)
            if kind != .missing {
                guard kind == .directory else { throw RealmError.cannotCreate(path: localPath, reason: "a file is in the way") }
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: localPath)) ?? []
                if !entries.isEmpty && !FileManager.default.fileExists(atPath: localPath + "/HEAD") {
                    throw RealmError.cannotCreate(path: localPath, reason: "the directory is not empty and is not a git repository")
                }
                creates = entries.isEmpty
            } else {
                creates = true
            }
        }
        let repo = try? Repository.discover(from: context.workingDirectory, environment: context.environment)
        var manifest = RealmManifest(name: options.name, version: "1.0.0", createdAt: timestamp(context),
                                     governance: .init(), trust: .init())
        manifest.governance.admission = options.admission.rawValue
        var email = userEmail(repo, context: context)
        if email == nil, let r = try? await ChildProcess.run(["git", "config", "--get", "user.email"], environment: context.environment,
                                                            directory: context.workingDirectory), r.exitCode == 0, !r.stdout.trimmedLines().isEmpty {
            email = r.stdout.trimmedLines()
        }
        manifest.governance.approvers = email.map { [$0] } ?? []
        manifest.trust.mode = options.trustMode.rawValue
        manifest.trust.permissions = Dictionary(uniqueKeysWithValues: RealmManifest.defaultPermissions)

        // What this command creates is removed again when it fails (a bad
        // branch git refuses, a push a hook rejects, ...), so that the same
        // `admin init` can simply be run again: the realm directory and the
        // parents it needed, or what it put into an empty directory.
        var created = CreatedDirectories()
        // Interrupted (SIGINT, SIGTERM) while it is made, a realm directory this command created goes too.
        var interruption: Interruption.Token?
        defer { if let interruption { Interruption.unregister(interruption) } }
        let outcome: RealmWriteOutcome
        do {
            if options.dryRun {
                if creates, let localPath { out.line("Would create the bare repository \(localPath)") }
            } else if creates, let localPath {
                if options.url == nil { try RealmLocation.checkDefaultDirectories(localPath, paths: context.paths, create: true) }
                try created.make(localPath)
                if let made = created.realmDirectory { interruption = Interruption.register(.directory(made)) }
                let r = try await ChildProcess.run(["git", "init", "--quiet", "--bare", "--initial-branch=\(options.branch)", localPath],
                                                   environment: GitEnvironment.detached(context.environment), directory: localPath)
                guard r.exitCode == 0 else { throw RealmError.cannotCreate(path: localPath, reason: r.stderr.trimmedLines()) }
            }

            let writer = RealmWriter(url: url, branch: options.branch, workspace: .scratch, actingRepo: nil, context: context)
            if options.dryRun && creates {
                // Nothing to fetch from yet: the realm would start empty.
                outcome = RealmWriteOutcome(base: .empty, commit: nil, changes: [.create("realm.yaml")],
                                            message: "Create realm \(options.name)", retries: 0, dryRun: true)
            } else {
                outcome = try await writer.apply(dryRun: options.dryRun, allowMissingBranch: true) { state in
                    guard state.commit == nil else { throw RealmError.realmExists(url: shown) }
                    var change = PlannedChange(files: [:], message: "Create realm \(options.name)")
                    change.write("realm.yaml", manifest.yaml())
                    return change
                }
            }
        } catch {
            created.undo()
            throw error
        }
        report(outcome, url: url, branch: options.branch, out: out)
        let joinArgument = options.url == nil ? options.name : shown
        if options.dryRun {
            out.line("dry run: nothing was created or pushed")
        } else {
            out.line("Realm \(options.name) is ready. Join a repository to it with: git realm admin join \(joinArgument)")
        }
        return .success
    }
}

/// The directories `admin init` made for a realm, so that a failure can
/// remove exactly them: the realm directory itself (which did not exist, or
/// was empty, before), then each parent it had to create, if still empty.
struct CreatedDirectories {
    /// The realm directory and the missing parents made for it, innermost first.
    private var made: [String] = []
    /// An existing empty directory the realm was created in.
    private var filled: String?

    /// The realm directory, when `make` created it (not when it took an empty one).
    var realmDirectory: String? { made.first }

    /// Creates `path` (mode 0777 & ~umask, like `mkdir -p`), or takes the
    /// existing empty directory.
    mutating func make(_ path: String) throws {
        if FilePaths.kind(path) == .directory { filled = path; return }
        var missing: [String] = []
        var dir: String? = path
        while let d = dir, !FilePaths.entryExists(d) { missing.append(d); dir = FilePaths.parent(d) }
        for d in missing.reversed() {
            if mkdir(d, 0o777) == 0 { made.insert(d, at: 0); continue }
            if errno == EEXIST { continue } // made meanwhile by someone else: not ours to remove
            let why = FileRead.reason(errno)
            undo()
            throw RealmError.cannotCreate(path: d, reason: why)
        }
    }

    /// Removes what `make` made (and what was put into it).
    func undo() {
        if let filled, let entries = try? FileManager.default.contentsOfDirectory(atPath: filled) {
            for e in entries { try? FileManager.default.removeItem(atPath: filled + "/" + e) }
        }
        guard let realm = made.first else { return }
        try? FileManager.default.removeItem(atPath: realm)
        for parent in made.dropFirst() { rmdir(parent) } // only if empty: another command may have put something there
    }
}
